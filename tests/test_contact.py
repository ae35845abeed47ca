"""From the first screen to a phone number: the home page searches, and every result, offer
page, organisation page and offer in the JSON says how to make contact: the offer's own phone
or e-mail, else its organisation's, else plainly that there is none yet."""

import re
from urllib.parse import urlencode

import pytest

from tests.factories import OfferFactory, OrganisationFactory
from tests.test_offer_page import facts, text_of
from tests.test_search import listed


def result_contact(response, slug) -> str:
    """The contact of the search result that links to `slug`, as a reader sees it."""
    content = response.content.decode()
    start = content.index(f'href="/aanbod/{slug}/"')
    item = content[start : content.index("</li>", start)]
    contact = re.search(r'<div class="result-contact">.*?<dd>(.*?)</dd>', item, re.S).group(1)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", contact)).strip()


def organisation_facts(response) -> dict[str, str]:
    """The label -> value pairs at the top of an organisation page."""
    assert response.status_code == 200
    pairs = re.findall(
        r'<dt class="ams-description-list__term">(.*?)</dt>'
        r'<dd class="ams-description-list__description">(.*?)</dd>',
        response.content.decode(),
    )
    return {label: re.sub(r"<[^>]+>", "", value) for label, value in pairs}


@pytest.fixture
def three_kinds(db):
    """One offer with its own contact, one whose organisation has one, one with none at all."""
    OfferFactory(
        slug="eigen",
        name="Eigen lijn",
        cells=[("preventie", "kindermishandeling")],
        contact_name="Sam de Vries",
        phone="020 111 2223",
        email="intake@example.org",
        organisation=OrganisationFactory(
            name="Zorg Oost", slug="zorg-oost", phone="020-9999999", website="https://oost.example"
        ),
    )
    OfferFactory(
        slug="via-organisatie",
        name="Groepstraining",
        cells=[("preventie", "kindermishandeling")],
        contact_name="Noor",
        organisation=OrganisationFactory(
            name="Hulp West",
            slug="hulp-west",
            phone="020-7654321",
            email="info@west.example",
            website="https://west.example",
        ),
    )
    OfferFactory(
        slug="niets",
        name="Nazorg thuis",
        cells=[("preventie", "kindermishandeling")],
        organisation=OrganisationFactory(
            name="Stichting Zuid", slug="stichting-zuid", website="https://zuid.example"
        ),
    )


def test_every_search_result_shows_a_way_to_make_contact(client, three_kinds):
    response = client.get("/aanbod/", {"violence_type": "kindermishandeling"})
    content = response.content.decode()
    assert result_contact(response, "eigen") == (
        "Sam de Vries 020 111 2223 intake@example.org https://oost.example"
    )
    assert 'href="tel:0201112223"' in content
    assert result_contact(response, "via-organisatie") == (
        "Via Hulp West: vraag naar Noor 020-7654321 info@west.example https://west.example"
    )
    assert 'href="tel:020-7654321"' in content and 'href="mailto:info@west.example"' in content
    assert result_contact(response, "niets") == (
        "Nog geen contactgegevens; kijk op de website: https://zuid.example"
    )
    assert 'href="https://zuid.example"' in content


def test_the_offer_page_shows_its_own_contact_else_the_organisations(client, three_kinds):
    own = facts(client.get("/aanbod/eigen/"))
    assert own["Contactpersoon"] == "Sam de Vries"
    assert own["Telefoon"] == "020 111 2223"
    assert own["E-mail"] == "intake@example.org"
    assert "Contact" not in own  # no "via the organisation" when the offer has its own

    via = facts(client.get("/aanbod/via-organisatie/"))
    assert via["Contact"].startswith("Via de organisatie Hulp West")
    assert via["Vraag naar"] == "Noor"
    assert via["Telefoon"] == "020-7654321"
    assert via["E-mail"] == "info@west.example"
    assert via["Website"] == "https://west.example"
    assert 'href="tel:020-7654321"' in client.get("/aanbod/via-organisatie/").content.decode()

    none = facts(client.get("/aanbod/niets/"))
    assert none["Contact"].startswith("Nog geen contactgegevens")
    assert none["Website"] == "https://zuid.example"
    assert "Telefoon" not in none and "E-mail" not in none


def test_the_organisation_page_shows_the_contact_of_each_offer(client, db):
    organisation = OrganisationFactory(name="Samen Sterk", slug="samen-sterk")
    OfferFactory(organisation=organisation, slug="a", name="Aanbod met nummer", phone="06-12345678")
    OfferFactory(organisation=organisation, slug="b", name="Aanbod zonder nummer")
    page = text_of(client.get("/organisaties/samen-sterk/"))
    assert "Aanbod met nummer Contact: 06-12345678" in page
    assert "Aanbod zonder nummer Contact: Nog geen contactgegevens" in page
    # The organisation itself has no number, but it can be reached through its offer.
    shown = organisation_facts(client.get("/organisaties/samen-sterk/"))
    assert shown["Telefoon"] == "geen algemeen nummer; zie het aanbod hieronder"
    assert shown["E-mail"] == "onbekend"


def test_the_json_adds_the_contact_and_keeps_the_offers_own_fields(client, three_kinds):
    via = client.get("/api/aanbod/via-organisatie/").json()
    assert (via["contact_name"], via["phone"], via["email"], via["website"]) == ("Noor", "", "", "")
    assert via["contact"] == {
        "source": "organisation",
        "name": "Noor",
        "phone": "020-7654321",
        "email": "info@west.example",
        "website": "https://west.example",
    }
    listed_contacts = {
        offer["slug"]: offer["contact"]["source"]
        for offer in client.get("/api/aanbod/").json()["contents"]
    }
    assert listed_contacts == {"eigen": "offer", "via-organisatie": "organisation", "niets": "none"}
    assert client.get("/api/aanbod/niets/").json()["contact"] == {
        "source": "none",
        "name": "",
        "phone": "",
        "email": "",
        "website": "https://zuid.example",
    }


def test_the_2023_organisations_have_no_phone_yet_and_the_pages_say_so(client, baseline):
    response = client.get("/aanbod/", {"q": "Viersprong"})
    assert listed(response) == ["de-viersprong-hgkm-2023", "de-viersprong-seksueel-geweld-2023"]
    assert result_contact(response, "de-viersprong-hgkm-2023") == "Nog geen contactgegevens"
    page = facts(client.get("/aanbod/de-viersprong-hgkm-2023/"))
    assert page["Contact"].startswith("Nog geen contactgegevens")


SEARCH_FORM = re.compile(
    r'<form method="get" action="/aanbod/"[^>]*role="search"[^>]*>(.*?)</form>', re.S
)


def test_the_home_page_searches_by_text_violence_type_and_phase(client, baseline):
    content = client.get("/").content.decode()
    form = SEARCH_FORM.search(content).group(1)
    assert re.findall(r'<(?:select|input)[^>]* name="(\w+)"', form) == [
        "q",
        "violence_type",
        "phase",
    ]
    assert '<option value="ouderenmishandeling">Ouderenmishandeling</option>' in form
    assert '<option value="preventie">Preventie</option>' in form
    # What the form sends: the search for that cell, as the matrix links to it.
    query = urlencode({"q": "", "violence_type": "ouderenmishandeling", "phase": "preventie"})
    results = client.get(f"/aanbod/?{query}")
    assert "2 resultaten" in results.content.decode()
    assert set(listed(results)) == {"trias-pedagogica-hgkm-2023", "veilig-thuis-hgkm-2023"}


@pytest.mark.parametrize("count", [10, 1000])
def test_the_contact_costs_no_query_per_result(
    client, many_offers, django_assert_max_num_queries, count
):
    organisations, _ = many_offers(count)
    for organisation in organisations:
        organisation.phone = "020-1234567"
        organisation.save()
    with django_assert_max_num_queries(5):
        response = client.get("/aanbod/", {"violence_type": "kindermishandeling"})
    assert response.content.decode().count('href="tel:020-1234567"') == min(count, 20)
    with django_assert_max_num_queries(8):
        page = client.get("/organisaties/budget-1/")
    # The organisation's own number, and again at each of its five offers.
    assert page.content.decode().count('href="tel:020-1234567"') == 1 + 5
