"""Free-text search and the sort orders of the public offer search."""

import re
from functools import reduce
from operator import and_, or_

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connections
from django.db.models import Case, F, FloatField, Q, Value, When

SEARCH_CONFIG = "dutch"
MAX_QUERY_LENGTH = 200

SORT_RELEVANCE = "relevantie"
SORT_CHOICES = [
    (SORT_RELEVANCE, "Relevantie (bij zoektekst)"),
    ("organisatie", "Organisatie (A-Z)"),
    ("naam", "Naam van het aanbod (A-Z)"),
    ("wachttijd", "Kortste wachttijd eerst"),
    ("-gewijzigd", "Laatst gewijzigd eerst"),
]
_ORDERINGS = {
    "organisatie": [F("organisation__name").asc(), F("name").asc()],
    "naam": [F("name").asc(), F("organisation__name").asc()],
    "wachttijd": [
        F("waiting_weeks").asc(nulls_last=True),
        F("organisation__name").asc(),
        F("name").asc(),
    ],
    "-gewijzigd": [F("updated_at").desc(), F("organisation__name").asc(), F("name").asc()],
    SORT_RELEVANCE: [F("search_rank").desc(), F("organisation__name").asc(), F("name").asc()],
}


# The four texts a search looks in, in the order a match there ranks: the offer's name first.
_TEXT_FIELDS = ("name", "organisation__name", "description", "organisation__description")
_FIELD_RANKS = (4.0, 3.0, 2.0)  # name, organisation name, description; anything else 1.0


def word_prefix_pattern(word: str) -> str:
    """A regular expression for `word` at the start of a word: "MST" in "Therapie (MST)", not
    in "Amsterdam". Reads the same in Python (SQLite's REGEXP) and in PostgreSQL's regexes:
    `\\W` is any character that is not a letter, digit or underscore, and `re.escape`
    puts a backslash only before punctuation, which both then read as itself."""
    return r"(^|\W)" + re.escape(word)


def _word_in(field: str, word: str) -> Q:
    """`word` starts a word of `field`. A substring test (LIKE) comes first, so that the
    regular expression (on SQLite a call into Python per row) runs only where the letters occur
    at all. SQLite's LIKE ignores case for ASCII letters only: other words skip that test."""
    prefix = Q(**{f"{field}__iregex": word_prefix_pattern(word)})
    return Q(**{f"{field}__icontains": word}) & prefix if word.isascii() else prefix


def _words_in(field: str, words: list[str]) -> Q:
    """Every word starts a word of `field`."""
    return reduce(and_, (_word_in(field, word) for word in words))


def _word_match(words: list[str]) -> Q:
    """Every word starts a word of one of the four texts (not necessarily the same one)."""
    return reduce(
        and_,
        (reduce(or_, (_word_in(field, word) for field in _TEXT_FIELDS)) for word in words),
    )


def _field_rank(words: list[str]) -> Case:
    """4 when the offer's name holds every word, 3 the organisation's name, 2 the description,
    else 1."""
    return Case(
        *(
            When(_words_in(field, words), then=Value(rank))
            for field, rank in zip(_TEXT_FIELDS, _FIELD_RANKS, strict=False)
        ),
        default=Value(1.0),
        output_field=FloatField(),
    )


def _stored_word_match(words: list[str]) -> Q:
    """`_word_match` on the stored `search_text` (PostgreSQL): the four texts joined by
    newlines. A word holds no whitespace, so it starts a word of the joined text exactly where
    it starts a word of one of the four (a newline is a non-word character, as the start of a
    text is). The regular expression alone decides; its trigram index finds the candidates."""
    return reduce(and_, (Q(search_text__iregex=word_prefix_pattern(word)) for word in words))


def search_text(queryset, text: str):
    """Offers whose name or description, or whose organisation's, matches `text`.

    Text matches by words: each word of `text` must begin a word in one of the four texts
    ("MST" finds "Multi Systeem Therapie (MST)" and "Stop it" finds "Offlimits/Stop it Now",
    but "mst" does not find "Amsterdam"), case-insensitively, on every database. PostgreSQL
    also finds other forms of the words through the Dutch full-text search ("vaders" finds
    "vader").

    Annotates `search_rank` (higher is better): first where all words occur (offer name,
    organisation name, description), then, on PostgreSQL, the full-text rank within that.

    On PostgreSQL both matches read the offer's stored `search_vector` and `search_text`
    (indexed, kept current by the database: migration 0010_search_vector), so that neither
    the count nor the page computes a document per row. SQLite matches the four texts.
    """
    words = text.split()
    if not words:
        return queryset
    rank = _field_rank(words)
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        # ts_rank stays below 1, so it only orders offers within one field rank.
        return queryset.filter(Q(search_vector=query) | _stored_word_match(words)).annotate(
            search_rank=rank + SearchRank(F("search_vector"), query)
        )
    return queryset.filter(_word_match(words)).annotate(search_rank=rank)


def order_offers(queryset, sort: str | None, *, ranked: bool):
    """Order by a `sort` choice; relevance needs a text search (`ranked`), else organisation.

    The primary key closes every order, so that pages never overlap.
    """
    if not sort:
        sort = SORT_RELEVANCE if ranked else "organisatie"
    if sort == SORT_RELEVANCE and not ranked:
        sort = "organisatie"
    return queryset.order_by(*_ORDERINGS[sort], "pk")
