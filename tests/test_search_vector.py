"""The free-text search reads stored words (on PostgreSQL an indexed document per offer, kept
current by the database on every write): its results must be the ones the search gave when it
computed the document per row and per query, on SQLite and on PostgreSQL.

- On the 2023 inventory: the result lists of a set of queries, pinned as the search returned
  them before the stored document existed (the comments cite the fixture texts they come from).
- On generated data: the results equal those of an independent reading of the same rule (every
  word begins a word of one of the four texts; on PostgreSQL the old per-row document too).
- After every write path (admin saves of an offer and of an organisation, a rename, an import,
  the 2023 load, the demo data, a bulk update) the stored words are those of the texts.
"""

import re

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, F, FloatField, Q, TextField, Value, When
from django.db.models.functions import Concat

from bench.demo_data import generate_demo_data
from providers.baseline import load_baseline
from providers.models import Offer, Organisation
from tests.factories import OfferFactory, OrganisationFactory
from tests.partner_admin_support import (
    make_municipal_user,
    make_partner,
    offer_post_data,
    organisation_post_data,
)
from tests.test_import_export import OFFER_HEADERS, import_file, xlsx_bytes
from tests.test_search import listed

POSTGRES = connection.vendor == "postgresql"

# The search's result lists on the 2023 inventory, in order (relevance, then organisation and
# offer name), as the search gave them before the stored document. Each offer of the inventory
# has the texts of its organisation (fixtures/baseline_facts.json):
BASELINE_RESULTS = {
    # De Viersprong: "Biedt Multi Systeem Therapie (MST) voor minderjarigen."; "Jeugdbescherming
    # Regio Amsterdam" holds m-s-t inside a word only.
    "MST": ["de-viersprong-hgkm-2023", "de-viersprong-seksueel-geweld-2023"],
    "mst": ["de-viersprong-hgkm-2023", "de-viersprong-seksueel-geweld-2023"],
    "(MST)": ["de-viersprong-hgkm-2023", "de-viersprong-seksueel-geweld-2023"],
    "Multi Systeem": ["de-viersprong-hgkm-2023", "de-viersprong-seksueel-geweld-2023"],
    "Viersp": ["de-viersprong-hgkm-2023", "de-viersprong-seksueel-geweld-2023"],
    "Multi Amsterdam": [],
    # "Offlimits/Stop it Now": the slash separates words.
    "Stop it": ["offlimitsstop-it-now-hgkm-2023", "offlimitsstop-it-now-seksueel-geweld-2023"],
    "offlim stop": [
        "offlimitsstop-it-now-hgkm-2023",
        "offlimitsstop-it-now-seksueel-geweld-2023",
    ],
    "amster": [
        "jeugdbescherming-regio-amsterdam-hgkm-2023",
        "jeugdbescherming-regio-amsterdam-seksueel-geweld-2023",
    ],
    "sterdam": [],
    # Switch: "... één behandelteam voor gezinnen ..., omdat het een samenwerkingsverband is".
    "één": ["switch-hgkm-2023", "switch-seksueel-geweld-2023"],
    "ÉÉN": ["switch-hgkm-2023", "switch-seksueel-geweld-2023"],
    "een": ["switch-hgkm-2023", "switch-seksueel-geweld-2023"],
    "gezinnen": ["switch-hgkm-2023", "switch-seksueel-geweld-2023"],
    # Blijvend Veilig: "Toekomstscenario Kind- en Gezinsbescherming"; "... de lokale teams".
    "gezin": [
        "blijvend-veilig-hgkm-2023",
        "blijvend-veilig-seksueel-geweld-2023",
        "switch-hgkm-2023",
        "switch-seksueel-geweld-2023",
    ],
    "team": ["blijvend-veilig-hgkm-2023", "blijvend-veilig-seksueel-geweld-2023"],
    "vaders": [],
    "plegers": [],  # De Waag says "plegerhulp", Blijf Groep "plegen": no word "plegers..."
    "Risk-Need": [],  # "Risk-Need-Responsivity" is on the organisation's notes, not its text
    # De Reclassering: "werkt binnen het verplichte (strafrechtelijke) kader".
    "kader": ["de-reclassering-hgkm-2023", "de-reclassering-seksueel-geweld-2023"],
    "strafrechtelijk": ["de-reclassering-hgkm-2023", "de-reclassering-seksueel-geweld-2023"],
    # The organisation's name ranks above a mention in Blijvend Veilig's description.
    "Reclassering": [
        "de-reclassering-hgkm-2023",
        "de-reclassering-seksueel-geweld-2023",
        "blijvend-veilig-hgkm-2023",
        "blijvend-veilig-seksueel-geweld-2023",
    ],
    "jeugd": [
        "jeugdbescherming-regio-amsterdam-hgkm-2023",
        "jeugdbescherming-regio-amsterdam-seksueel-geweld-2023",
        "altra-hgkm-2023",
        "altra-seksueel-geweld-2023",
    ],
    "TOP-3": ["blijf-groep-hgkm-2023"],
    "Huis-aanpak": ["blijf-groep-hgkm-2023"],
    "GGZ": ["bright-ggz-seksueel-geweld-2023", "switch-hgkm-2023", "switch-seksueel-geweld-2023"],
    "Switch": [
        "switch-hgkm-2023",
        "switch-seksueel-geweld-2023",
        "altra-hgkm-2023",
        "altra-seksueel-geweld-2023",
        "blijf-groep-hgkm-2023",
        "bright-ggz-seksueel-geweld-2023",
    ],
    "veilig thuis": ["veilig-thuis-hgkm-2023", "veilig-thuis-seksueel-geweld-2023"],
    "daderhulp": [],
    # Every offer of the inventory: "Positie zoals de organisatie die voor de inventarisatie van
    # 2023 opgaf" in its description; by organisation name, as all rank alike.
    "2023": [
        "altra-hgkm-2023",
        "altra-seksueel-geweld-2023",
        "blijf-groep-hgkm-2023",
        "blijvend-veilig-hgkm-2023",
        "blijvend-veilig-seksueel-geweld-2023",
        "bright-ggz-seksueel-geweld-2023",
        "centrum-seksueel-geweld-seksueel-geweld-2023",
        "de-politie-hgkm-2023",
        "de-politie-seksueel-geweld-2023",
        "de-reclassering-hgkm-2023",
        "de-reclassering-seksueel-geweld-2023",
        "de-viersprong-hgkm-2023",
        "de-viersprong-seksueel-geweld-2023",
        "emancipator-hgkm-2023",
        "emancipator-seksueel-geweld-2023",
        "hvo-querido-hgkm-2023",
        "jeugdbescherming-regio-amsterdam-hgkm-2023",
        "jeugdbescherming-regio-amsterdam-seksueel-geweld-2023",
        "levvelqpido-seksueel-geweld-2023",
        "offlimitsstop-it-now-hgkm-2023",
        "offlimitsstop-it-now-seksueel-geweld-2023",
        "ouder-en-kindteams-hgkm-2023",
        "ouder-en-kindteams-seksueel-geweld-2023",
        "switch-hgkm-2023",
        "switch-seksueel-geweld-2023",
        "trias-pedagogica-hgkm-2023",
        "veilig-thuis-hgkm-2023",
        "veilig-thuis-seksueel-geweld-2023",
    ],
}
# The offers of the HGKM framework are described "huiselijk geweld en kindermishandeling";
# Veilig Thuis is the "Advies- en meldpunt huiselijk geweld en kindermishandeling" for both.
_HGKM = [
    "altra-hgkm-2023",
    "blijf-groep-hgkm-2023",
    "blijvend-veilig-hgkm-2023",
    "de-politie-hgkm-2023",
    "de-reclassering-hgkm-2023",
    "de-viersprong-hgkm-2023",
    "emancipator-hgkm-2023",
    "hvo-querido-hgkm-2023",
    "jeugdbescherming-regio-amsterdam-hgkm-2023",
    "offlimitsstop-it-now-hgkm-2023",
    "ouder-en-kindteams-hgkm-2023",
    "switch-hgkm-2023",
    "trias-pedagogica-hgkm-2023",
    "veilig-thuis-hgkm-2023",
    "veilig-thuis-seksueel-geweld-2023",
]
_SEXUAL = [
    "altra-seksueel-geweld-2023",
    "blijvend-veilig-seksueel-geweld-2023",
    "bright-ggz-seksueel-geweld-2023",
    "centrum-seksueel-geweld-seksueel-geweld-2023",
    "de-politie-seksueel-geweld-2023",
    "de-reclassering-seksueel-geweld-2023",
    "de-viersprong-seksueel-geweld-2023",
    "emancipator-seksueel-geweld-2023",
    "jeugdbescherming-regio-amsterdam-seksueel-geweld-2023",
    "levvelqpido-seksueel-geweld-2023",
    "offlimitsstop-it-now-seksueel-geweld-2023",
    "ouder-en-kindteams-seksueel-geweld-2023",
    "switch-seksueel-geweld-2023",
    "veilig-thuis-seksueel-geweld-2023",
]
BASELINE_RESULTS |= {
    "huiselijk geweld": _HGKM,
    "kindermishandeling": _HGKM,
    "seksueel": _SEXUAL,
}


def _first(order: list[str], *slugs: str) -> list[str]:
    return [*slugs, *(slug for slug in order if slug not in slugs)]


# PostgreSQL also finds Dutch word forms ("kaders" is "kader") and orders by the full-text rank
# within one field rank: the words more often, or in a more weighted text, first.
POSTGRES_RESULTS = {
    "kaders": ["de-reclassering-hgkm-2023", "de-reclassering-seksueel-geweld-2023"],
    "huiselijk geweld": _first(
        _HGKM, "veilig-thuis-hgkm-2023", "blijf-groep-hgkm-2023", "switch-hgkm-2023"
    ),
    "kindermishandeling": _first(_HGKM, "veilig-thuis-hgkm-2023"),
    "seksueel": _first(_SEXUAL, "centrum-seksueel-geweld-seksueel-geweld-2023"),
}
SQLITE_RESULTS = {"kaders": []}


def expected_on_baseline(q: str) -> list[str]:
    extra = POSTGRES_RESULTS if POSTGRES else SQLITE_RESULTS
    return extra.get(q, BASELINE_RESULTS.get(q))


def api_list(client, q: str) -> list[str]:
    """The slugs of every offer the JSON search finds, in order (page after page)."""
    slugs, page = [], 1
    while True:
        response = client.get("/api/aanbod/", {"q": q, "per_page": 100, "page": page})
        assert response.status_code == 200, response.content.decode()[:300]
        body = response.json()
        slugs += [offer["slug"] for offer in body["contents"]]
        if page >= body["total_pages"]:
            assert len(slugs) == body["total_items"]
            return slugs
        page += 1


@pytest.mark.parametrize("q", sorted({*BASELINE_RESULTS, *POSTGRES_RESULTS}))
def test_results_on_the_2023_inventory_are_the_ones_before(client, baseline, q):
    expected = expected_on_baseline(q)
    assert api_list(client, q) == expected
    assert listed(client.get("/aanbod/", {"q": q})) == expected[:20]


# --- An independent reading of the rule, for generated data ---------------------------------

TEXTS = ("name", "organisation__name", "description", "organisation__description")


def _begins_a_word(word: str, text: str) -> bool:
    return re.search(r"(^|\W)" + re.escape(word), text, re.IGNORECASE) is not None


def rule_results(q: str) -> list[str]:
    """The published offers where every word of `q` begins a word of one of the four texts,
    ordered by where all words occur (offer name, organisation name, description), then
    organisation name, name and key: what SQLite gives."""
    words = q.split()
    found = []
    for offer in Offer.objects.published().values("pk", "slug", *TEXTS):
        if all(any(_begins_a_word(w, offer[t]) for t in TEXTS) for w in words):
            rank = next(
                (
                    4 - index
                    for index, text in enumerate(TEXTS[:3])
                    if all(_begins_a_word(w, offer[text]) for w in words)
                ),
                1,
            )
            found.append((-rank, offer["organisation__name"], offer["name"], offer["pk"], offer))
    return [row[-1]["slug"] for row in sorted(found, key=lambda row: row[:4])]


def per_row_document_results(q: str) -> list[str]:
    """PostgreSQL: the search as it was, computing the Dutch document of every row per query."""
    words = q.split()

    def word_in(field, word):
        pattern = Q(**{f"{field}__iregex": r"(^|\W)" + re.escape(word)})
        return Q(**{f"{field}__icontains": word}) & pattern if word.isascii() else pattern

    matches = Q()
    for word in words:
        matches &= Q(*(word_in(field, word) for field in TEXTS), _connector=Q.OR)
    rank = Case(
        *(
            When(Q(*(word_in(field, w) for w in words)), then=Value(weight))
            for field, weight in zip(TEXTS[:3], (4.0, 3.0, 2.0), strict=True)
        ),
        default=Value(1.0),
        output_field=FloatField(),
    )
    document = (
        SearchVector("name", weight="A", config="dutch")
        + SearchVector("organisation__name", weight="B", config="dutch")
        + SearchVector("description", weight="C", config="dutch")
        + SearchVector("organisation__description", weight="D", config="dutch")
    )
    query = SearchQuery(q, config="dutch", search_type="websearch")
    offers = (
        Offer.objects.published()
        .annotate(document=document, relevance=rank + SearchRank(document, query))
        .filter(Q(document=query) | matches)
        .order_by(F("relevance").desc(), "organisation__name", "name", "pk")
    )
    return list(offers.values_list("slug", flat=True))


DEMO_QUERIES = [
    "daderhulp",
    "Ambulante daderhulp",
    "ambulante",
    "vader",
    "vaders",
    "ouders",
    "geweld",
    "plegers geweld",
    "grensoverschrijdend gedrag",
    "Time-out",
    "jongeren",
    "training",
    "gezin",
    "gezinnen",
    "regio",
    "omgeving",
    "Systeem",
    "kind",
]


def test_results_on_generated_data_follow_the_rule(client, db):
    generate_demo_data(organisations=40, offers=160, seed=11)
    organisation = Organisation.objects.order_by("name").first()
    queries = [*DEMO_QUERIES, organisation.name.split()[0], organisation.name]
    for q in queries:
        found = api_list(client, q)
        by_rule = rule_results(q)
        if POSTGRES:
            assert found == per_row_document_results(q), q
            assert set(by_rule) <= set(found), q  # and the Dutch word forms besides
        else:
            assert found == by_rule, q
    assert api_list(client, "daderhulp")  # the queries do find something


# --- Every write path keeps the stored words current -----------------------------------------


def stale_documents() -> list[str]:
    """The offers whose stored words differ from their texts (PostgreSQL; SQLite stores none
    and matches the texts themselves)."""
    if not POSTGRES:
        assert not Offer.objects.exclude(search_text="").exists()
        return []
    document = (
        SearchVector("name", weight="A", config="dutch")
        + SearchVector("organisation__name", weight="B", config="dutch")
        + SearchVector("description", weight="C", config="dutch")
        + SearchVector("organisation__description", weight="D", config="dutch")
    )
    text = Concat(
        "name",
        Value("\n"),
        "organisation__name",
        Value("\n"),
        "description",
        Value("\n"),
        "organisation__description",
        output_field=TextField(),
    )
    rows = Offer.objects.annotate(document=document, text=text).values_list(
        "slug", "search_vector", "document", "search_text", "text"
    )
    return [
        slug
        for slug, stored, computed, stored_text, joined in rows
        if (stored, stored_text) != (computed, joined)
    ]


def test_the_2023_load_and_the_demo_data_store_current_words(client, db):
    load_baseline()
    generate_demo_data(organisations=20, offers=60, seed=4)
    assert Offer.objects.count() == 88
    assert stale_documents() == []
    assert api_list(client, "MST") == BASELINE_RESULTS["MST"]


def test_a_partner_saving_an_offer_changes_what_finds_it(client, db):
    offer = OfferFactory(name="Oudergroep", description="Wekelijks.", slug="oudergroep")
    client.force_login(make_partner(offer.organisation))
    response = client.post(
        f"/beheer/providers/offer/{offer.pk}/change/",
        offer_post_data(offer, name="Vadergroep", description="Elke dinsdagavond."),
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert api_list(client, "vadergroep") == ["oudergroep"]
    assert api_list(client, "dinsdag") == ["oudergroep"]
    assert api_list(client, "oudergroep") == []
    assert api_list(client, "wekelijks") == []
    assert stale_documents() == []


def test_renaming_an_organisation_changes_what_finds_its_offers(client, db):
    organisation = OrganisationFactory(name="Stichting Horizon", description="Sinds 1990.")
    OfferFactory(organisation=organisation, name="Training", slug="training")
    OfferFactory(organisation=organisation, name="Groep", slug="groep")
    OfferFactory(name="Cursus", slug="elders")
    client.force_login(make_municipal_user())
    response = client.post(
        f"/beheer/providers/organisation/{organisation.pk}/change/",
        organisation_post_data(organisation, name="Stichting Kompas", description="Nieuw."),
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert api_list(client, "kompas") == ["groep", "training"]
    assert api_list(client, "horizon") == []
    assert api_list(client, "sinds") == []
    # A rename outside the admin, in bulk, too.
    Organisation.objects.filter(pk=organisation.pk).update(description="Opgericht in Diemen.")
    assert api_list(client, "diemen") == ["groep", "training"]
    assert stale_documents() == []


def test_imported_offers_are_found(client, baseline):
    client.force_login(make_municipal_user())
    content = xlsx_bytes(
        OFFER_HEADERS,
        [["", "Krachtgroep", "VT", "gepubliceerd", "Nazorg: Ouderenmishandeling", ""]],
    )
    import_file(client, "offer", content)
    assert api_list(client, "kracht") == ["veilig-thuis-krachtgroep"]
    # The organisation's words come with it: "Veilig Thuis".
    assert "veilig-thuis-krachtgroep" in api_list(client, "veilig thuis")
    assert stale_documents() == []


def test_bulk_writes_keep_the_words_current(client, db):
    offers = Offer.objects.bulk_create(
        OfferFactory.build(name=f"Bulkaanbod {n}", slug=f"bulk-{n}", organisation=organisation)
        for n, organisation in enumerate(OrganisationFactory.create_batch(2))
    )
    assert sorted(api_list(client, "bulkaanbod")) == ["bulk-0", "bulk-1"]
    Offer.objects.filter(pk=offers[0].pk).update(name="Herschreven")
    offers[1].description = "Met lotgenoten."
    Offer.objects.bulk_update([offers[1]], ["description"])
    assert api_list(client, "bulkaanbod") == ["bulk-1"]
    assert api_list(client, "herschreven") == ["bulk-0"]
    assert api_list(client, "lotgenoten") == ["bulk-1"]
    # A write of other columns leaves the words alone.
    Offer.objects.update(waiting_weeks=3)
    assert stale_documents() == []
