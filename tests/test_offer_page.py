"""The public offer page `/aanbod/<slug>/`, and what no public page or API may show."""

import calendar
import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from providers.models import Offer
from tests.factories import OfferFactory, OrganisationFactory


def text_of(response) -> str:
    """The page as a reader sees it: tags removed, white space collapsed."""
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def facts(response) -> dict[str, str]:
    """The label -> value pairs of the page's definition lists, as a reader sees them."""
    assert response.status_code == 200
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", response.content.decode(), re.S)
    return {clean(label): clean(value) for label, value in pairs}


def clean(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def full_offer(db):
    return OfferFactory(
        slug="volledig",
        name="Volledig aanbod",
        description="Alles is ingevuld.",
        organisation=OrganisationFactory(name="Kennisinstituut", role="beide"),
        cells=[("preventie", "kindermishandeling"), ("nazorg", "groepsgeweld")],
        lists={
            "target_groups": ["plegers"],
            "age_groups": ["jongvolwassenen-18-23"],
            "legal_frameworks": ["verplicht-civielrechtelijk"],
            "methods": ["mda"],
            "treatment_factors": ["lhbtiqa"],
            "fundings": ["jeugdwet"],
            "municipalities": ["uithoorn", "aalsmeer"],
        },
        minimum_age=18,
        maximum_age=23,
        eligibility_description="Jongeren die eerder geweld gebruikten.",
        works_with_experience_experts=True,
        offers_peer_group=False,
        duration=Offer.Duration.FIXED_TERM,
        duration_description="twaalf weken",
        capacity_per_year=25,
        current_occupancy=19,
        capacity_updated_on=datetime.date(2025, 2, 3),
        waiting_weeks=1,
        self_referral=False,
        application_process="Via de huisarts of het buurtteam.",
        contact_name="Sam de Vries",
        phone="020-1112223",
        email="intake@example.org",
        website="https://example.org/aanbod",
        address="Openbare Laan 5",
        postal_code="1181 AB",
        city="Amstelveen",
        last_verified=timezone.localdate(),
    )


def test_the_page_shows_every_public_fact_of_the_offer(client, full_offer):
    page = text_of(client.get("/aanbod/volledig/"))
    shown = facts(client.get("/aanbod/volledig/"))
    assert "Volledig aanbod" in page and "Alles is ingevuld." in page
    assert "Kennisinstituut" in page
    expected = {
        "Doelgroepen": "Plegers",
        "Leeftijdsgroepen": "Jongvolwassenen (18-23)",
        "Leeftijd": "18 tot en met 23 jaar",
        "Voor wie (toelichting)": "Jongeren die eerder geweld gebruikten.",
        "Juridisch kader": "Verplicht: civielrechtelijk",
        "Methoden": "MDA++",
        "Bejegeningsfactoren": "C. LHBTIQA+",
        "Werkt met ervaringsdeskundigen": "ja",
        "Biedt een lotgenotengroep": "nee",
        "Duur": "Vaste termijn (twaalf weken)",
        "Financiering": "Jeugdwet",
        "Capaciteit per jaar": "25",
        "Huidige bezetting": "19",
        "Capaciteit en bezetting bijgewerkt op": "3 februari 2025",
        "Wachttijd": "1 week",
        "Zelf aanmelden (zonder huisarts)": "nee",
        "Verwijsroute en aanmelden": "Via de huisarts of het buurtteam.",
        "Werkgebied": "Aalsmeer, Uithoorn",
        "Contactpersoon": "Sam de Vries",
        "Telefoon": "020-1112223",
        "E-mail": "intake@example.org",
        "Website": "https://example.org/aanbod",
        "Adres": "Openbare Laan 5 1181 AB Amstelveen",
    }
    for label, value in expected.items():
        assert shown[label] == value, label
    assert "onbekend" not in page
    assert "Mogelijk verouderd" not in page and "Nog niet bevestigd" not in page


def test_unknown_facts_are_shown_as_unknown(client, db):
    OfferFactory(slug="leeg", name="Leeg aanbod", description="")
    shown = facts(client.get("/aanbod/leeg/"))
    for label in [
        "Doelgroepen",
        "Leeftijd",
        "Methoden",
        "Werkt met ervaringsdeskundigen",
        "Capaciteit per jaar",
        "Wachttijd",
        "Zelf aanmelden (zonder huisarts)",
        "Werkgebied",
        "Website",
        "Adres",
    ]:
        assert shown[label] == "onbekend", label
    # Neither the offer nor its organisation gave a phone number or e-mail address.
    assert shown["Contact"].startswith("Nog geen contactgegevens")
    assert "Telefoon" not in shown


def test_positions_are_drawn_as_a_small_matrix_per_framework(client, full_offer):
    content = client.get("/aanbod/volledig/").content.decode()
    assert content.count('position-grid">') == 2
    assert content.count('class="held"') == 2
    assert "Huiselijk geweld en kindermishandeling" in content and "Seksueel geweld" in content


@pytest.mark.parametrize(
    ("months_ago", "warning"),
    [
        (0, None),
        (11, None),
        (12, None),
        (13, "Mogelijk verouderd"),
        (None, "Nog niet bevestigd"),
    ],
)
def test_an_entry_not_verified_for_over_12_months_is_flagged(client, db, months_ago, warning):
    today = timezone.localdate()
    verified = None
    if months_ago is not None:
        year, month = divmod(today.year * 12 + today.month - 1 - months_ago, 12)
        last_day = calendar.monthrange(year, month + 1)[1]
        verified = datetime.date(year, month + 1, min(today.day, last_day))
    OfferFactory(slug="controle", last_verified=verified)
    page = text_of(client.get("/aanbod/controle/"))
    for text in ("Mogelijk verouderd", "Nog niet bevestigd"):
        assert (text in page) == (text == warning)
    api = client.get("/api/aanbod/controle/").json()
    assert api["verification_overdue"] is (warning is not None)


@pytest.mark.parametrize("status", [Offer.Status.DRAFT, Offer.Status.ARCHIVED])
def test_drafts_and_archived_offers_have_no_public_page(client, db, status):
    offer = OfferFactory(status=status)
    assert client.get(f"/aanbod/{offer.slug}/").status_code == 404
    assert (
        offer.name not in client.get(f"/organisaties/{offer.organisation.slug}/").content.decode()
    )


def test_an_unknown_offer_answers_404(client, db):
    assert client.get("/aanbod/bestaat-niet/").status_code == 404


SECRET = ("Schuilhoflaan 13", "9999 ZZ", "Verborgenstad")


@pytest.fixture
def shelter(db):
    """A published shelter offer with a confidential address, beside one with a public one."""
    OfferFactory(
        slug="open-huis",
        name="Open huis",
        organisation=OrganisationFactory(name="Open organisatie", slug="open-organisatie"),
        cells=[("preventie", "kindermishandeling")],
        address="Zichtbare Straat 1",
        postal_code="1000 AA",
        city="Zichtbaardam",
    )
    return OfferFactory(
        slug="opvang",
        name="Opvang voor gezinnen",
        description="Veilige opvang.",
        organisation=OrganisationFactory(name="Opvangorganisatie", slug="opvangorganisatie"),
        cells=[("directe-veiligheid-veiligheidsplan", "ex-partnergeweld")],
        address=SECRET[0],
        postal_code=SECRET[1],
        city=SECRET[2],
        address_confidential=True,
    )


PUBLIC_URLS = [
    "/",
    "/kaart/hgkm/",
    "/kaart/seksueel-geweld/",
    "/kaart/hgkm/?role=aanbieder",
    "/api/kaart/hgkm/",
    "/api/kaart/seksueel-geweld/",
    "/organisaties/",
    "/organisaties/opvangorganisatie/",
    "/aanbod/",
    "/aanbod/?q=opvang",
    "/aanbod/?violence_type=ex-partnergeweld&phase=directe-veiligheid-veiligheidsplan",
    "/aanbod/opvang/",
    "/api/aanbod/",
    "/api/aanbod/?q=opvang",
    "/api/aanbod/?per_page=100",
    "/api/aanbod/opvang/",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_confidential_address_appears_on_no_public_page_or_api(client, shelter, url):
    response = client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    for secret in SECRET:
        assert secret not in content


def test_the_confidential_address_is_not_searchable(client, shelter):
    for secret in SECRET:
        assert client.get("/api/aanbod/", {"q": secret}).json()["total_items"] == 0


def test_the_offer_page_says_the_address_is_not_public(client, shelter):
    assert facts(client.get("/aanbod/opvang/"))["Adres"].startswith("niet openbaar")
    assert client.get("/api/aanbod/opvang/").json()["address"] is None


def test_a_public_address_is_shown(client, shelter):
    # The control for the test above: addresses do reach the page and the API.
    assert "Zichtbare Straat 1" in client.get("/aanbod/open-huis/").content.decode()
    assert client.get("/api/aanbod/open-huis/").json()["address"]["city"] == "Zichtbaardam"


# The 2023 baseline: the facts the report gives, and nothing invented.


def test_baseline_offers_carry_the_facts_the_report_gives(client, baseline):
    def api(slug):
        return client.get(f"/api/aanbod/{slug}/").json()

    def slugs(items):
        return [item["slug"] for item in items]

    switch = api("switch-hgkm-2023")
    assert switch["capacity_per_year"] == 10
    assert switch["methods"] == []
    assert slugs(api("blijf-groep-hgkm-2023")["methods"]) == ["top-3", "oranje-huis"]
    for slug in ("de-viersprong-hgkm-2023", "de-viersprong-seksueel-geweld-2023"):
        viersprong = api(slug)
        assert slugs(viersprong["methods"]) == ["multi-systeem-therapie-mst"]
        assert slugs(viersprong["age_groups"]) == ["minderjarigen"]
    for slug in ("de-reclassering-hgkm-2023", "de-reclassering-seksueel-geweld-2023"):
        assert slugs(api(slug)["legal_frameworks"]) == ["verplicht-strafrechtelijk"]

    veilig_thuis = api("veilig-thuis-hgkm-2023")
    for name in ("methods", "age_groups", "target_groups", "municipalities", "fundings"):
        assert veilig_thuis[name] == []
    for name in ("capacity_per_year", "waiting_weeks", "self_referral", "last_verified"):
        assert veilig_thuis[name] is None


def test_baseline_offer_page_shows_given_facts_and_unknown_for_the_rest(client, baseline):
    switch = facts(client.get("/aanbod/switch-hgkm-2023/"))
    assert switch["Capaciteit per jaar"] == "10"
    assert switch["Methoden"] == "onbekend"
    assert switch["Wachttijd"] == "onbekend"
    assert switch["Laatst bevestigd door de organisatie"] == "nog nooit"
    assert "Nog niet bevestigd" in text_of(client.get("/aanbod/switch-hgkm-2023/"))
    viersprong = facts(client.get("/aanbod/de-viersprong-hgkm-2023/"))
    assert viersprong["Methoden"] == "Multi Systeem Therapie (MST)"
    assert viersprong["Leeftijdsgroepen"] == "Minderjarigen"


def test_reloading_the_baseline_keeps_the_listed_facts(client, baseline):
    before = client.get("/api/aanbod/", {"per_page": 100}).json()
    call_command("load_baseline", "--force")
    after = client.get("/api/aanbod/", {"per_page": 100}).json()
    strip = [{k: v for k, v in o.items() if k != "updated_at"} for o in before["contents"]]
    assert strip == [{k: v for k, v in o.items() if k != "updated_at"} for o in after["contents"]]


@pytest.mark.parametrize("count", [10, 1000])
def test_offer_page_query_budget_does_not_grow_with_offers(
    client, many_offers, django_assert_max_num_queries, count
):
    many_offers(count)
    with django_assert_max_num_queries(6):
        response = client.get("/aanbod/budgetaanbod-3/")
    assert response.status_code == 200
