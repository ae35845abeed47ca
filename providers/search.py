"""Free-text search and the sort orders of the public offer search."""

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
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


def search_text(queryset, text: str):
    """Offers whose name or description, or whose organisation's, matches `text`.

    Annotates `search_rank` (higher is better). PostgreSQL: Dutch full-text search, ranked
    by where the words occur (offer name, organisation name, descriptions), plus plain
    substring matches on both names so that a part of a name ("Stop it") still finds it.
    Other databases: every word must occur, case-insensitively, in one of the four texts.
    """
    text = text.strip()
    if not text:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        document = (
            SearchVector("name", weight="A", config=SEARCH_CONFIG)
            + SearchVector("organisation__name", weight="B", config=SEARCH_CONFIG)
            + SearchVector("description", weight="C", config=SEARCH_CONFIG)
            + SearchVector("organisation__description", weight="D", config=SEARCH_CONFIG)
        )
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(
            search_document=document, search_rank=SearchRank(document, query)
        ).filter(
            Q(search_document=query)
            | Q(name__icontains=text)
            | Q(organisation__name__icontains=text)
        )
    for word in text.split():
        queryset = queryset.filter(
            Q(name__icontains=word)
            | Q(description__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(organisation__description__icontains=word)
        )
    return queryset.annotate(
        search_rank=Case(
            When(name__icontains=text, then=Value(4.0)),
            When(organisation__name__icontains=text, then=Value(3.0)),
            When(description__icontains=text, then=Value(2.0)),
            default=Value(1.0),
            output_field=FloatField(),
        )
    )


def order_offers(queryset, sort: str | None, *, ranked: bool):
    """Order by a `sort` choice; relevance needs a text search (`ranked`), else organisation.

    The primary key closes every order, so that pages never overlap.
    """
    if not sort:
        sort = SORT_RELEVANCE if ranked else "organisatie"
    if sort == SORT_RELEVANCE and not ranked:
        sort = "organisatie"
    return queryset.order_by(*_ORDERINGS[sort], "pk")
