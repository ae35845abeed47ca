"""The public JSON of offers: `/api/aanbod/` (paged, HSDS envelope) and `/api/aanbod/<slug>/`."""

import datetime

import pytest

from providers.models import Offer
from tests.factories import OfferFactory, OrganisationFactory

ENVELOPE = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
    "unknown_facts",
}


@pytest.fixture
def offer(db):
    return OfferFactory(
        slug="daderhulp",
        name="Daderhulp",
        description="Ambulante hulp.",
        organisation=OrganisationFactory(name="De Hulpverlener", slug="de-hulpverlener"),
        cells=[("preventie", "kindermishandeling"), ("nazorg", "groepsgeweld")],
        lists={
            "target_groups": ["plegers", "systeem-omstanders"],
            "methods": ["risk-need-responsivity-rnr"],
            "treatment_factors": ["traumasensitief"],
            "fundings": ["wmo"],
            "municipalities": ["amstelveen"],
        },
        minimum_age=18,
        waiting_weeks=3,
        self_referral=True,
        capacity_per_year=40,
        capacity_updated_on=datetime.date(2025, 1, 15),
        application_process="Aanmelden via het buurtteam.",
        phone="020-7654321",
        address="Hulpstraat 1",
        postal_code="1011 AA",
        city="Amsterdam",
        last_verified=datetime.date(2025, 3, 1),
    )


def test_the_list_is_paged_in_the_hsds_envelope(client, offer):
    payload = client.get("/api/aanbod/").json()
    assert set(payload) == ENVELOPE
    assert payload["total_items"] == 1
    assert payload["total_pages"] == 1
    assert payload["page_number"] == 1
    assert payload["size"] == 1
    assert payload["first_page"] and payload["last_page"] and not payload["empty"]


def test_each_offer_carries_its_organisation_positions_and_public_fields(client, offer):
    item = client.get("/api/aanbod/").json()["contents"][0]
    assert item["slug"] == "daderhulp"
    assert item["organisation"] == {"slug": "de-hulpverlener", "name": "De Hulpverlener"}
    assert item["positions"] == [
        {"framework": "hgkm", "phase": "preventie", "violence_type": "kindermishandeling"},
        {"framework": "seksueel-geweld", "phase": "nazorg", "violence_type": "groepsgeweld"},
    ]
    assert [g["slug"] for g in item["target_groups"]] == ["plegers", "systeem-omstanders"]
    assert item["methods"] == [
        {"slug": "risk-need-responsivity-rnr", "name": "Risk-Need-Responsivity (RNR)"}
    ]
    assert item["treatment_factors"][0]["code"] == "A"
    assert item["minimum_age"] == 18 and item["maximum_age"] is None
    assert item["waiting_weeks"] == 3
    assert item["self_referral"] is True
    assert item["works_with_experience_experts"] is None  # unknown stays unknown
    assert item["capacity_per_year"] == 40
    assert item["capacity_updated_on"] == "2025-01-15"
    assert item["application_process"] == "Aanmelden via het buurtteam."
    assert item["address"] == {
        "address_1": "Hulpstraat 1",
        "postal_code": "1011 AA",
        "city": "Amsterdam",
    }
    assert item["assured_date"] == item["last_verified"] == "2025-03-01"
    assert item["url"] == "/aanbod/daderhulp/"
    assert client.get(item["api_url"]).json() == item


def test_the_detail_gives_the_same_offer(client, offer):
    detail = client.get("/api/aanbod/daderhulp/")
    assert detail.status_code == 200
    assert detail.json() == client.get("/api/aanbod/").json()["contents"][0]


@pytest.mark.parametrize("status", [Offer.Status.DRAFT, Offer.Status.ARCHIVED])
def test_drafts_and_archived_offers_are_not_in_the_api(client, offer, status):
    hidden = OfferFactory(slug="verborgen", status=status, cells=[("preventie", "groepsgeweld")])
    listed = {o["slug"] for o in client.get("/api/aanbod/").json()["contents"]}
    assert listed == {"daderhulp"}
    response = client.get(f"/api/aanbod/{hidden.slug}/")
    assert response.status_code == 404
    assert response.json()["error"] == "Aanbod niet gevonden"


def test_an_unknown_offer_answers_404_in_json(client, db):
    response = client.get("/api/aanbod/bestaat-niet/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "path",
    ["/api/", "/api/onbekend/", "/api/aanbod/met spatie/", "/api/kaart/", "/api/aanbod/a/b/"],
)
def test_any_unknown_api_address_answers_404_in_json(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Niet gevonden", "fields": {}}


def test_pages_follow_per_page(client, db):
    organisation = OrganisationFactory()
    for index in range(7):
        OfferFactory(organisation=organisation, name=f"Aanbod {index}")
    first = client.get("/api/aanbod/", {"per_page": 3, "sort": "naam"}).json()
    last = client.get("/api/aanbod/", {"per_page": 3, "page": 3, "sort": "naam"}).json()
    assert (first["total_items"], first["total_pages"], first["size"]) == (7, 3, 3)
    assert [o["name"] for o in first["contents"]] == ["Aanbod 0", "Aanbod 1", "Aanbod 2"]
    assert not first["last_page"]
    assert last["page_number"] == 3 and last["size"] == 1 and last["last_page"]
    assert [o["name"] for o in last["contents"]] == ["Aanbod 6"]


def test_an_empty_result_is_an_empty_page(client, offer):
    payload = client.get("/api/aanbod/", {"q": "onvindbaar"}).json()
    assert payload["empty"] is True
    assert payload["total_items"] == 0 and payload["contents"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"method": "bestaat-niet"}, "method"),
        ({"violence_type": "burenruzie"}, "violence_type"),
        ({"age_group": "<script>"}, "age_group"),
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "99999"}, "page"),
        ({"page": "9" * 50}, "page"),
        ({"per_page": "1000"}, "per_page"),
        ({"per_page": "-5"}, "per_page"),
        ({"max_waiting_weeks": "-1"}, "max_waiting_weeks"),
        ({"max_waiting_weeks": "1e99"}, "max_waiting_weeks"),
        ({"q": "x" * 10_000}, "q"),
        ({"self_referral": "true"}, "self_referral"),
        ({"sort": "; DROP TABLE"}, "sort"),
    ],
)
def test_bad_input_answers_400_with_a_json_error(client, offer, params, field):
    response = client.get("/api/aanbod/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"]
    assert field in body["fields"]
    assert body["fields"][field][0]["message"]


def test_only_get_is_allowed(client, offer):
    assert client.post("/api/aanbod/").status_code == 405
    assert client.post("/api/aanbod/daderhulp/").status_code == 405


@pytest.mark.parametrize(
    "url",
    [
        "/api/aanbod/?per_page=100",
        "/api/aanbod/?q=budgetaanbod&violence_type=kindermishandeling&phase=preventie",
        "/api/aanbod/budgetaanbod-3/",
    ],
)
@pytest.mark.parametrize("count", [10, 1000])
def test_api_query_budget_does_not_grow_with_offers(
    client, many_offers, django_assert_max_num_queries, url, count
):
    many_offers(count)
    with django_assert_max_num_queries(6):
        response = client.get(url)
    assert response.status_code == 200
