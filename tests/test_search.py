"""The public search page `/aanbod/`: filters, free text, sorting, paging, empty results."""

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from providers.models import Offer
from tests.factories import OfferFactory, OrganisationFactory

OFFER_LINK = re.compile(r'href="/aanbod/([\w-]+)/"')


def listed(response) -> list[str]:
    """Slugs of the offers the result list shows, in order, each once."""
    assert response.status_code == 200, response.content.decode()[:500]
    seen = []
    for slug in OFFER_LINK.findall(response.content.decode()):
        if slug not in seen:
            seen.append(slug)
    return seen


def api_slugs(client, params) -> set[str]:
    response = client.get("/api/aanbod/", params)
    assert response.status_code == 200, response.json()
    return {offer["slug"] for offer in response.json()["contents"]}


@pytest.fixture
def offers(db):
    """Three published offers that differ in every filterable respect."""
    OfferFactory(
        slug="match",
        name="Gezinsaanpak",
        description="Training voor vaders die geweld gebruikten.",
        organisation=OrganisationFactory(name="Hulp Noord", role="aanbieder"),
        cells=[("preventie", "kindermishandeling")],
        lists={
            "target_groups": ["plegers"],
            "age_groups": ["minderjarigen"],
            "legal_frameworks": ["vrijwillig"],
            "municipalities": ["diemen"],
            "methods": ["top-3"],
            "treatment_factors": ["traumasensitief"],
        },
        self_referral=True,
        works_with_experience_experts=True,
        waiting_weeks=2,
    )
    OfferFactory(
        slug="other",
        name="Begeleiding in groepen",
        description="Ondersteuning bij herstel.",
        organisation=OrganisationFactory(
            name="Steunpunt Zuid", role="verwijzer", description="Werkt in Zuidoost met jongeren."
        ),
        # Preventie and kindermishandeling, but never in the same position.
        cells=[
            ("preventie", "ex-partnergeweld"),
            ("nazorg", "kindermishandeling"),
            ("nazorg", "groepsgeweld"),
        ],
        lists={
            "target_groups": ["slachtoffers"],
            "age_groups": ["volwassenen"],
            "legal_frameworks": ["verplicht-strafrechtelijk"],
            "municipalities": ["amsterdam"],
            "methods": ["mda"],
            "treatment_factors": ["lhbtiqa"],
        },
        self_referral=False,
        works_with_experience_experts=False,
        waiting_weeks=8,
    )
    OfferFactory(
        slug="unknown",
        name="Onbekend aanbod",
        description="",
        organisation=OrganisationFactory(name="Nog Onbekend", role="beide"),
        cells=[("signalering", "hands-on-geweld-tegen-kinderen")],
    )


ALL = {"match", "other", "unknown"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ALL),
        ({"framework": "hgkm"}, {"match", "other"}),
        ({"framework": "seksueel-geweld"}, {"other", "unknown"}),
        ({"violence_type": "kindermishandeling"}, {"match", "other"}),
        ({"phase": "nazorg"}, {"other"}),
        ({"violence_type": "kindermishandeling", "phase": "preventie"}, {"match"}),
        ({"violence_type": "groepsgeweld", "phase": "preventie"}, set()),
        ({"role": "verwijzer"}, {"other"}),
        ({"role": "beide"}, {"unknown"}),
        ({"target_group": "plegers"}, {"match"}),
        ({"target_group": "slachtoffers"}, {"other"}),
        ({"age_group": "minderjarigen"}, {"match"}),
        ({"age_group": "ouderen"}, set()),
        ({"legal_framework": "verplicht-strafrechtelijk"}, {"other"}),
        ({"municipality": "diemen"}, {"match"}),
        ({"method": "mda"}, {"other"}),
        ({"treatment_factor": "traumasensitief"}, {"match"}),
        ({"self_referral": "ja"}, {"match"}),
        ({"self_referral": "nee"}, {"other"}),
        ({"experience_experts": "ja"}, {"match"}),
        ({"experience_experts": "nee"}, {"other"}),
        ({"max_waiting_weeks": "2"}, {"match"}),
        ({"max_waiting_weeks": "8"}, {"match", "other"}),
        ({"max_waiting_weeks": "0"}, set()),
        ({"q": "Gezinsaanpak"}, {"match"}),
        ({"q": "gezinsaanpak"}, {"match"}),
        ({"q": "GEZINS"}, {"match"}),  # part of the offer's name
        ({"q": "noord"}, {"match"}),  # organisation name
        ({"q": "vaders"}, {"match"}),  # offer description
        ({"q": "jongeren"}, {"other"}),  # organisation description
        ({"q": "training vaders"}, {"match"}),  # every word must match
        ({"q": "onvindbaarwoord"}, set()),
        ({"q": "  "}, ALL),
        ({"framework": "hgkm", "role": "aanbieder", "method": "top-3"}, {"match"}),
        ({"method": "top-3", "municipality": "amsterdam"}, set()),
    ],
)
def test_each_filter_narrows_the_page_and_the_api_alike(client, offers, params, expected):
    assert set(listed(client.get("/aanbod/", params))) == expected
    assert api_slugs(client, params) == expected


def test_dutch_full_text_search_on_postgresql_finds_other_word_forms(client, db):
    OfferFactory(slug="vader", name="Cursus", description="Voor elke vader met een kind.")
    found = set(listed(client.get("/aanbod/", {"q": "vaders"})))
    if connection.vendor == "postgresql":
        # Dutch stemming: "vaders" and "vader" are one word.
        assert found == {"vader"}
    else:
        # SQLite falls back to substring matching.
        assert found == set()
    assert set(listed(client.get("/aanbod/", {"q": "VADER"}))) == {"vader"}


def test_query_syntax_characters_are_searched_as_text(client, offers):
    for text in ["'&|!:*(", 'gezins" OR 1=1 --', "a:* & !b", "%_\\"]:
        response = client.get("/aanbod/", {"q": text})
        assert response.status_code == 200


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=250))
def test_any_search_text_is_answered_without_a_server_error(client, offers, text):
    page = client.get("/aanbod/", {"q": text})
    api = client.get("/api/aanbod/", {"q": text})
    too_long = len(text.strip()) > 200 or "\x00" in text
    assert page.status_code == (400 if too_long else 200)
    assert api.status_code == (400 if too_long else 200)


def test_a_match_in_the_offer_name_ranks_above_one_in_a_description(client, db):
    OfferFactory(
        slug="in-description",
        name="Ambulante hulp",
        description="Onder meer een agressietraining.",
        organisation=OrganisationFactory(name="AAA zorg"),
    )
    OfferFactory(
        slug="in-name",
        name="Agressietraining",
        description="Groepsaanbod.",
        organisation=OrganisationFactory(name="ZZZ zorg"),
    )
    assert listed(client.get("/aanbod/", {"q": "agressietraining"})) == [
        "in-name",
        "in-description",
    ]
    assert listed(client.get("/aanbod/", {"q": "agressietraining", "sort": "organisatie"})) == [
        "in-description",
        "in-name",
    ]


def test_results_can_be_sorted(client, offers):
    assert listed(client.get("/aanbod/", {"sort": "naam"})) == ["other", "match", "unknown"]
    assert listed(client.get("/aanbod/", {"sort": "organisatie"})) == [
        "match",
        "unknown",
        "other",
    ]
    # Unknown waiting times come last.
    assert listed(client.get("/aanbod/", {"sort": "wachttijd"})) == ["match", "other", "unknown"]
    now = timezone.now()
    for days, slug in [(3, "match"), (1, "other"), (2, "unknown")]:
        Offer.objects.filter(slug=slug).update(updated_at=now - datetime.timedelta(days=days))
    assert listed(client.get("/aanbod/", {"sort": "-gewijzigd"})) == ["other", "unknown", "match"]
    # Relevance without a text to search for falls back to the organisation order.
    assert listed(client.get("/aanbod/", {"sort": "relevantie"})) == ["match", "unknown", "other"]


def test_a_result_shows_organisation_offer_cells_waiting_time_self_referral_and_contact(
    client, offers
):
    Offer.objects.filter(slug="match").update(phone="020-1234567", email="hulp@example.org")
    content = client.get("/aanbod/", {"q": "gezinsaanpak"}).content.decode()
    assert 'href="/organisaties/hulp-noord/"' in content
    assert 'href="/aanbod/match/"' in content
    assert "Preventie: Kindermishandeling" in content
    assert "2 weken" in content
    assert "Zelf aanmelden" in content and "<dd>ja</dd>" in content
    assert "020-1234567" in content and "mailto:hulp@example.org" in content


def test_unknown_facts_show_as_unknown_in_the_results(client, offers):
    content = client.get("/aanbod/", {"q": "onbekend aanbod"}).content.decode()
    assert content.count("onbekend") >= 3  # waiting time, self-referral, contact


def test_the_url_holds_the_whole_query_and_pages_keep_it(client, db):
    organisation = OrganisationFactory(name="Grote aanbieder")
    for index in range(25):
        OfferFactory(
            organisation=organisation,
            name=f"Aanbod {index:02d}",
            slug=f"aanbod-{index:02d}",
            cells=[("preventie", "kindermishandeling")],
        )
    OfferFactory(slug="elders", cells=[("nazorg", "groepsgeweld")])
    params = {"violence_type": "kindermishandeling", "phase": "preventie", "sort": "naam"}

    first = client.get("/aanbod/", params)
    content = first.content.decode()
    assert "25 resultaten" in content
    assert listed(first) == [f"aanbod-{index:02d}" for index in range(20)]
    next_link = re.search(r'href="\?([^"]*page=2)"', content).group(1).replace("&amp;", "&")
    assert "violence_type=kindermishandeling" in next_link and "sort=naam" in next_link

    second = client.get(f"/aanbod/?{next_link}")
    assert listed(second) == [f"aanbod-{index:02d}" for index in range(20, 25)]
    assert "Vorige pagina" in second.content.decode()


@pytest.mark.parametrize(
    ("page", "expected_first", "message"),
    [
        ("abc", "aanbod-00", "u ziet de eerste pagina"),
        ("-1", "aanbod-00", "u ziet de eerste pagina"),
        ("0", "aanbod-00", "u ziet de eerste pagina"),
        ("99999", "aanbod-20", "Pagina 99999 bestaat niet; u ziet de laatste pagina (2)"),
        ("9" * 40, "aanbod-00", "u ziet de eerste pagina"),
    ],
)
def test_a_bad_page_number_shows_the_nearest_page_with_a_message(
    client, db, page, expected_first, message
):
    organisation = OrganisationFactory()
    for index in range(25):
        OfferFactory(organisation=organisation, name=f"Aanbod {index:02d}")
    response = client.get("/aanbod/", {"page": page, "sort": "naam"})
    assert listed(response)[0] == expected_first
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"method": "bestaat-niet"}, "Selecteer een geldige keuze"),
        ({"violence_type": "burenruzie"}, "Selecteer een geldige keuze"),
        ({"framework": "HGKM"}, "Selecteer een geldige keuze"),
        ({"phase": "1"}, "Selecteer een geldige keuze"),
        ({"municipality": "rotterdam"}, "Selecteer een geldige keuze"),
        ({"self_referral": "misschien"}, "Selecteer een geldige keuze"),
        ({"sort": "prijs"}, "Selecteer een geldige keuze"),
        ({"max_waiting_weeks": "-1"}, "minstens 0"),
        ({"max_waiting_weeks": "twee"}, "Voer een geheel getal in"),
        ({"max_waiting_weeks": "9" * 30}, "hoogstens 520"),
        ({"q": "x" * 10_000}, "niet meer dan 200 tekens"),
        ({"q": "nul\x00teken"}, "Null-tekens zijn niet toegestaan"),
    ],
)
def test_bad_filter_values_give_the_form_with_its_error(client, offers, params, message):
    response = client.get("/aanbod/", params)
    content = response.content.decode()
    assert response.status_code == 400
    assert "De zoekvraag bevat een fout" in content
    assert message in content
    assert OFFER_LINK.findall(content) == []


def test_an_empty_result_says_which_filter_to_loosen(client, offers):
    response = client.get(
        "/aanbod/", {"violence_type": "kindermishandeling", "age_group": "ouderen"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Geen aanbod gevonden" in content
    # Without the age group, both offers in kindermishandeling are found; nobody states
    # that they serve the elderly.
    assert re.search(r"zonder leeftijdsgroep \(Ouderen\)</a>: 2 resultaten", content)
    assert re.search(r"zonder geweldsvorm \(Kindermishandeling\)</a>: 0 resultaten", content)
    loosened = re.search(r'href="\?([^"]*)">zonder leeftijdsgroep', content).group(1)
    assert set(listed(client.get(f"/aanbod/?{loosened.replace('&amp;', '&')}"))) == {
        "match",
        "other",
    }
    one = client.get("/aanbod/", {"violence_type": "groepsgeweld", "age_group": "minderjarigen"})
    assert re.search(r"\(Minderjarigen\)</a>: 1 resultaat\b", one.content.decode())


def test_drafts_and_archived_offers_are_not_found(client, offers):
    for status in (Offer.Status.DRAFT, Offer.Status.ARCHIVED):
        OfferFactory(
            name=f"Gezinsaanpak {status}",
            status=status,
            cells=[("preventie", "kindermishandeling")],
        )
    assert set(listed(client.get("/aanbod/", {"q": "gezinsaanpak"}))) == {"match"}
    assert api_slugs(client, {"q": "gezinsaanpak"}) == {"match"}
    assert set(listed(client.get("/aanbod/"))) == ALL


FOLD = re.compile(r'<details class="more-filters"( open)?>(.*?)</details>', re.S)
FIELD_NAME = re.compile(r'<(?:select|input)[^>]* name="(\w+)"')


def search_form(client, params):
    """(fold open?, its summary, names of the fields outside it, names of those in it)."""
    content = client.get("/aanbod/", params).content.decode()
    form = content[content.index('<form method="get"') : content.index("</form>")]
    fold = FOLD.search(form)
    summary = re.sub(r"<[^>]+>", " ", fold.group(2).split("</summary>")[0])
    outside = FIELD_NAME.findall(form.replace(fold.group(0), ""))
    inside = FIELD_NAME.findall(fold.group(2))
    return bool(fold.group(1)), " ".join(summary.split()), outside, inside


def test_less_used_filters_fold_away_and_the_fold_names_them(client, offers):
    is_open, summary, outside, folded = search_form(client, {})
    assert not is_open
    assert outside == ["q", "framework", "violence_type", "phase", "role", "sort"]
    assert folded == [
        "target_group",
        "age_group",
        "legal_framework",
        "municipality",
        "method",
        "treatment_factor",
        "funding",
        "self_referral",
        "experience_experts",
        "peer_group",
        "max_waiting_weeks",
    ]
    assert summary.startswith("Meer filters doelgroep, leeftijdsgroep, juridisch kader,")
    assert summary.endswith("wachttijd hoogstens (weken)")


@pytest.mark.parametrize(
    ("params", "is_open", "summary_start"),
    [
        ({"role": "aanbieder", "violence_type": "kindermishandeling"}, False, "Meer filters d"),
        ({"age_group": "volwassenen"}, True, "Meer filters (1 gekozen)"),
        ({"age_group": "volwassenen", "self_referral": "ja"}, True, "Meer filters (2 gekozen)"),
        ({"max_waiting_weeks": "-1"}, True, "Meer filters (1 gekozen)"),
    ],
)
def test_the_fold_is_open_when_one_of_its_filters_is_in_use_or_wrong(
    client, offers, params, is_open, summary_start
):
    opened, summary, _, _ = search_form(client, params)
    assert opened is is_open
    assert summary.startswith(summary_start)


def test_the_navigation_links_to_the_search(client, db):
    assert 'href="/aanbod/">Zoeken</a>' in client.get("/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/aanbod/",
        "/aanbod/?q=budgetaanbod",
        "/aanbod/?violence_type=kindermishandeling&phase=preventie&role=aanbieder",
        "/aanbod/?framework=hgkm&sort=wachttijd&page=99999",
    ],
)
@pytest.mark.parametrize("count", [10, 1000])
def test_search_page_query_budget_does_not_grow_with_offers(
    client, many_offers, django_assert_max_num_queries, url, count
):
    many_offers(count)
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert len(listed(response)) == min(count, 20)


@pytest.mark.parametrize("count", [10, 1000])
def test_an_empty_result_costs_one_count_per_active_filter(
    client, many_offers, django_assert_max_num_queries, count
):
    many_offers(count)
    with django_assert_max_num_queries(4 + 3):
        response = client.get(
            "/aanbod/", {"q": "nergens", "role": "verwijzer", "violence_type": "groepsgeweld"}
        )
    assert "Geen aanbod gevonden" in response.content.decode()
