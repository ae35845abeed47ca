"""The HSDS 3.0 API (/api/hsds/): every answer validates against the official Open Referral
schemas (tests/hsds_schema), on the 2023 baseline and on generated offers."""

import csv
import datetime
from uuid import UUID

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from frameworks.models import Phase, ViolenceType
from providers.hsds.openapi import PARAMETERS
from providers.models import Method, Municipality, Offer, Organisation, TargetGroup
from providers.paths.models import TransitionKind
from providers.stable_ids import stable_uuid
from tests.factories import OfferFactory, OrganisationFactory
from tests.hsds_support import (
    API,
    ORGANIZATION_FULL,
    all_pages,
    empty_values,
    errors,
    get_json,
    response_schema,
    schema,
)
from tests.paths_factories import PoolEntryFactory, ReferralLinkFactory

# Keys HSDS requires even where the map has nothing to say: an organisation's description,
# the province of a Dutch address.
REQUIRED_EVEN_EMPTY = ("/description", "/state_province")


def assert_valid(instance, against):
    found = errors(instance, against)
    assert found == [], found[:10]


def assert_no_empty_values(payload):
    empty = [p for p in empty_values(payload) if not p.endswith(REQUIRED_EVEN_EMPTY)]
    assert empty == []


@pytest.fixture
def rich_offer(db):
    """An offer with every fact the map holds filled in, at a public address."""
    return OfferFactory(
        name="Daderhulp Oost",
        slug="daderhulp-oost",
        description="Ambulante hulp voor plegers.",
        organisation=OrganisationFactory(
            name="De Hulpverlener",
            description="Hulp in de regio.",
            website="https://hulpverlener.example.nl/",
            phone="020 123 45 67",
            email="info@hulpverlener.example.nl",
        ),
        cells=[("preventie", "kindermishandeling"), ("nazorg", "groepsgeweld")],
        lists={
            "target_groups": ["plegers"],
            "age_groups": ["volwassenen"],
            "legal_frameworks": ["vrijwillig"],
            "methods": ["risk-need-responsivity-rnr"],
            "treatment_factors": ["traumasensitief"],
            "fundings": ["wmo"],
            "municipalities": ["amstelveen", "diemen"],
        },
        minimum_age=18,
        maximum_age=67,
        eligibility_description="Volwassenen die geweld plegen.",
        application_process="Aanmelden via het buurtteam.",
        contact_name="J. de Vries",
        phone="020-7654321",
        email="daderhulp@hulpverlener.example.nl",
        website="https://hulpverlener.example.nl/daderhulp",
        address="Hulpstraat 1",
        postal_code="1011 AA",
        city="Amsterdam",
        last_verified=datetime.date(2025, 3, 1),
    )


@pytest.fixture
def generated(rich_offer):
    """Generated data: the rich offer, a bare one, one at a confidential address, a draft and
    an archived offer, and an organisation without offers."""
    bare = OfferFactory(name="Kaal aanbod", description="")
    secret = OfferFactory(
        name="Opvang",
        address="Geheimestraat 99",
        postal_code="1099 ZZ",
        city="Geheimstad",
        address_confidential=True,
        phone="020-1111111",
        cells=[("directe-veiligheid-veiligheidsplan", "ex-partnergeweld")],
    )
    draft = OfferFactory(name="Concept", status=Offer.Status.DRAFT)
    archived = OfferFactory(name="Oud", status=Offer.Status.ARCHIVED)
    empty = OrganisationFactory(name="Nog niet gepositioneerd")
    return {
        "rich": rich_offer,
        "bare": bare,
        "secret": secret,
        "draft": draft,
        "archived": archived,
        "empty": empty,
    }


def every_answer(client) -> list[tuple[str, dict, dict]]:
    """(url, payload, schema) of every endpoint and variant, with every id the lists give."""
    answers = [(f"{API}/", get_json(client, f"{API}/"), response_schema("/"))]
    lists = [
        ("/services", ("", "?full=true", "?minimal=true")),
        ("/organizations", ("", "?full=true", "?full=true&full_service=true")),
        ("/taxonomies", ("",)),
        ("/taxonomy_terms", ("",)),
        ("/service_at_locations", ("", "?full=true")),
    ]
    for path, variants in lists:
        for variant in variants:
            url = f"{API}{path}{variant}"
            separator = "&" if "?" in url else "?"
            payload = get_json(client, f"{url}{separator}per_page=100")
            answers.append((url, payload, response_schema(path)))
            item_schema = {
                "/services": schema("service.json"),
                "/organizations": ORGANIZATION_FULL,
                "/taxonomies": schema("taxonomy.json"),
                "/taxonomy_terms": schema("taxonomy_term.json"),
                "/service_at_locations": schema("service_at_location.json"),
            }[path]
            for item in payload["contents"]:
                answers.append((f"{url} item", item, item_schema))
                if path == "/service_at_locations":
                    answers.append((f"{url} service", item["service"], schema("service.json")))
    for path, detail, detail_schema in [
        ("/services", "/services/{id}", schema("service.json")),
        ("/organizations", "/organizations/{id}", ORGANIZATION_FULL),
        ("/taxonomies", "/taxonomies/{id}", schema("taxonomy.json")),
        ("/taxonomy_terms", "/taxonomy_terms/{id}", schema("taxonomy_term.json")),
    ]:
        for item in all_pages(client, f"{API}{path}?per_page=100"):
            url = API + detail.replace("{id}", item["id"])
            answers.append((url, get_json(client, url), detail_schema))
        url = (
            API
            + detail.replace("{id}", item["id"])
            + ("?full_service=true" if path == "/organizations" else "")
        )
        answers.append((url, get_json(client, url), detail_schema))
    return answers


# Validation against the official schemas -------------------------------------------------


def test_all_28_baseline_services_validate(client, baseline):
    page = get_json(client, f"{API}/services?per_page=100")
    assert_valid(page, response_schema("/services"))
    assert page["total_items"] == 28 and page["size"] == 28
    valid = 0
    for item in page["contents"]:
        detail = get_json(client, f"{API}/services/{item['id']}")
        assert detail["id"] == item["id"]
        assert errors(detail, schema("service.json")) == []
        assert errors(item, schema("compiled/service_list.json")) == []
        valid += 1
    assert valid == 28


def test_every_answer_validates_on_the_baseline(client, baseline):
    answers = every_answer(client)
    assert len(answers) > 28 * 3 + 28 * 2
    for url, payload, against in answers:
        assert errors(payload, against) == [], url
        assert_no_empty_values(payload)


def test_every_answer_validates_on_generated_data(client, generated):
    answers = every_answer(client)
    for url, payload, against in answers:
        assert errors(payload, against) == [], url
        assert_no_empty_values(payload)


def test_a_page_that_breaks_the_schema_is_caught(client, rich_offer):
    """The validation itself can fail: a service without its status, an id that is no UUID
    and an empty e-mail address are each reported."""
    item = get_json(client, f"{API}/services/{rich_offer.uuid}")
    assert errors(item, schema("service.json")) == []
    broken = {**item, "id": "daderhulp-oost", "email": "", "url": "/aanbod/daderhulp-oost/"}
    del broken["status"]
    found = errors(broken, schema("service.json"))
    assert any("'status' is a required property" in e for e in found)
    assert any(e.startswith("id:") for e in found)
    assert any(e.startswith("email:") for e in found)
    assert any(e.startswith("url:") for e in found)


# The values ----------------------------------------------------------------------------


def test_a_service_carries_the_offers_facts_in_hsds_fields(client, rich_offer):
    item = get_json(client, f"{API}/services/{rich_offer.uuid}")
    organisation = rich_offer.organisation
    assert item["id"] == str(rich_offer.uuid)
    assert item["organization_id"] == str(organisation.uuid)
    assert item["organization"]["id"] == str(organisation.uuid)
    assert item["organization"]["website"] == "https://hulpverlener.example.nl/"
    assert item["status"] == "active"
    assert item["url"] == "https://hulpverlener.example.nl/daderhulp"
    assert item["email"] == "daderhulp@hulpverlener.example.nl"
    assert [phone["number"] for phone in item["phones"]] == ["020-7654321"]
    assert item["contacts"][0]["name"] == "J. de Vries"
    assert item["minimum_age"] == 18 and item["maximum_age"] == 67
    assert item["eligibility_description"] == "Volwassenen die geweld plegen."
    assert item["application_process"] == "Aanmelden via het buurtteam."
    assert item["assured_date"] == "2025-03-01"
    rich_offer.refresh_from_db()
    modified = datetime.datetime.fromisoformat(item["last_modified"].replace("Z", "+00:00"))
    assert abs(modified - rich_offer.updated_at) < datetime.timedelta(milliseconds=1)
    assert item["last_modified"].endswith("Z") and len(item["last_modified"]) == 24
    assert sorted(area["name"] for area in item["service_areas"]) == ["Amstelveen", "Diemen"]
    assert [funding["source"] for funding in item["funding"]] == ["Wmo"]
    assert item["languages"] == []
    (located,) = item["service_at_locations"]
    (address,) = located["location"]["addresses"]
    assert (address["address_1"], address["postal_code"], address["city"]) == (
        "Hulpstraat 1",
        "1011 AA",
        "Amsterdam",
    )
    assert address["country"] == "NL"


def test_a_bare_service_leaves_out_what_it_does_not_know(client, generated):
    item = get_json(client, f"{API}/services/{generated['bare'].uuid}")
    for key in ("description", "url", "email", "minimum_age", "maximum_age", "assured_date"):
        assert key not in item
    assert item["phones"] == [] and item["contacts"] == [] and item["attributes"] == []
    assert item["service_at_locations"] == []


def test_positions_and_lists_are_attributes_linking_to_terms(client, rich_offer):
    item = get_json(client, f"{API}/services/{rich_offer.uuid}")
    terms = {term["id"]: term for term in all_pages(client, f"{API}/taxonomy_terms?per_page=100")}
    linked = [
        (
            attribute["link_type"],
            terms[attribute["taxonomy_term_id"]]["name"],
            attribute.get("value"),
        )
        for attribute in item["attributes"]
    ]
    assert ("phase", "Preventie", None) in linked
    assert ("phase", "Nazorg", None) in linked
    assert ("violence_type", "Kindermishandeling", "preventie") in linked
    assert ("violence_type", "Groepsgeweld", "nazorg") in linked
    assert ("target_group", "Plegers", None) in linked
    assert ("method", "Risk-Need-Responsivity (RNR)", None) in linked
    assert ("treatment_factor", "Traumasensitief", None) in linked
    for attribute in item["attributes"]:
        assert attribute["link_id"] == item["id"] and attribute["link_entity"] == "service"
        assert attribute["taxonomy_term"] == terms[attribute["taxonomy_term_id"]]
    assert len({attribute["id"] for attribute in item["attributes"]}) == len(item["attributes"])


def test_the_taxonomies_are_the_maps_own_vocabulary(client, db):
    taxonomies = get_json(client, f"{API}/taxonomies")["contents"]
    assert [t["name"] for t in taxonomies] == [
        "Geweldsvormen Huiselijk geweld en kindermishandeling",
        "Geweldsvormen Seksueel geweld",
        "Fasen",
        "Doelgroepen",
        "Leeftijdsgroepen",
        "Juridische kaders",
        "Methoden",
        "Bejegeningsfactoren",
        "Verwijzingen",
        "Inzet ervaringsdeskundigen",
    ]
    by_name = {t["name"]: t["id"] for t in taxonomies}
    phases = get_json(client, f"{API}/taxonomy_terms?taxonomy_id={by_name['Fasen']}")
    assert [t["name"] for t in phases["contents"]] == list(
        Phase.objects.values_list("name", flat=True)
    )
    assert {t["id"] for t in phases["contents"]} == {str(p.uuid) for p in Phase.objects.all()}
    hgkm = get_json(
        client,
        f"{API}/taxonomy_terms?per_page=100&taxonomy_id="
        f"{by_name['Geweldsvormen Huiselijk geweld en kindermishandeling']}",
    )
    assert hgkm["total_items"] == 6
    total = get_json(client, f"{API}/taxonomy_terms")["total_items"]
    # The violence types, the phases, "Hiervoor" and "Hierna" for each of the six kinds of
    # transition, the four kinds of deployment the report names and "not yet known", the lists.
    assert total == 6 + 7 + 6 + 2 * 6 + 4 + 1 + sum(
        model.objects.count()
        for model in (
            TargetGroup,
            Offer._meta.get_field("age_groups").related_model,
            Offer._meta.get_field("legal_frameworks").related_model,
            Method,
            Offer._meta.get_field("treatment_factors").related_model,
        )
    )


def _fixture_positions():
    path = settings.BASE_DIR / "fixtures" / "report-2023-positions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


FRAMEWORK_NAMES = {
    "hgkm": "Huiselijk geweld en kindermishandeling (inventarisatie 2023)",
    "seksueel-geweld": "Seksueel geweld (inventarisatie 2023)",
}


def test_services_by_the_term_preventie_are_those_the_report_placed_there(client, baseline):
    preventie = Phase.objects.get(slug="preventie").uuid
    found = all_pages(client, f"{API}/services?per_page=100&taxonomy_term_id={preventie}")
    expected = {
        (row["organisation"], FRAMEWORK_NAMES[row["framework"]])
        for row in _fixture_positions()
        if row["phase"] == "Preventie"
    }
    assert {(item["organization"]["name"], item["name"]) for item in found} == expected


def test_services_by_a_violence_type_and_by_a_frameworks_taxonomy(client, baseline):
    elder = ViolenceType.objects.get(slug="ouderenmishandeling")
    found = all_pages(client, f"{API}/services?taxonomy_term_id={elder.uuid}")
    rows = _fixture_positions()
    expected = {r["organisation"] for r in rows if r["violence_type"] == "Ouderenmishandeling"}
    assert {item["organization"]["name"] for item in found} == expected
    framework = elder.framework.uuid
    in_hgkm = all_pages(client, f"{API}/services?per_page=100&taxonomy_id={framework}")
    assert {item["organization"]["name"] for item in in_hgkm} == {
        r["organisation"] for r in rows if r["framework"] == "hgkm"
    }
    assert {item["name"] for item in in_hgkm} == {FRAMEWORK_NAMES["hgkm"]}


def test_filters_add_up(client, generated):
    rich = generated["rich"]
    amstelveen_method = Method.objects.get(slug="risk-need-responsivity-rnr").uuid
    organisation = rich.organisation.uuid
    both = get_json(
        client,
        f"{API}/services?taxonomy_term_id={amstelveen_method}&organization_id={organisation}",
    )
    assert [item["id"] for item in both["contents"]] == [str(rich.uuid)]
    other = generated["bare"].organisation.uuid
    none = get_json(
        client, f"{API}/services?taxonomy_term_id={amstelveen_method}&organization_id={other}"
    )
    assert none["total_items"] == 0 and none["empty"] is True


def test_search_finds_by_words_and_modified_after_by_time(client, generated):
    found = get_json(client, f"{API}/services?search=daderhulp")
    assert [item["name"] for item in found["contents"]] == ["Daderhulp Oost"]
    assert get_json(client, f"{API}/services?search=xyzzy")["total_items"] == 0
    Offer.objects.filter(pk=generated["bare"].pk).update(
        updated_at=timezone.now() - datetime.timedelta(days=30)
    )
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    recent = {
        item["name"]
        for item in get_json(client, f"{API}/services?modified_after={since}")["contents"]
    }
    assert "Kaal aanbod" not in recent and "Daderhulp Oost" in recent
    everything = get_json(client, f"{API}/services?modified_after=2000-01-01T00:00:00Z")
    assert everything["total_items"] == 3
    organisations = get_json(client, f"{API}/organizations?search=hulpverlener")
    assert [o["name"] for o in organisations["contents"]] == ["De Hulpverlener"]


def test_minimal_lists_only_id_and_change(client, generated):
    items = get_json(client, f"{API}/services?minimal=true")["contents"]
    assert {tuple(sorted(item)) for item in items} == {("id", "last_modified", "name", "status")}


# Privacy and publication ---------------------------------------------------------------


def test_a_confidential_address_never_appears(client, generated):
    secret = generated["secret"]
    item = get_json(client, f"{API}/services/{secret.uuid}")
    assert item["service_at_locations"] == []
    located = all_pages(client, f"{API}/service_at_locations?full=true")
    assert [entry["service_id"] for entry in located] == [str(generated["rich"].uuid)]
    for url, payload, _ in every_answer(client):
        text = str(payload)
        for hidden in ("Geheimestraat", "1099 ZZ", "Geheimstad"):
            assert hidden not in text, url


def test_only_published_offers_appear(client, generated):
    ids = {item["id"] for item in all_pages(client, f"{API}/services")}
    assert ids == {str(generated[name].uuid) for name in ("rich", "bare", "secret")}
    for name in ("draft", "archived"):
        assert get_json(client, f"{API}/services/{generated[name].uuid}", 404)["error"]
        organisation = generated[name].organisation.uuid
        services = get_json(client, f"{API}/organizations/{organisation}")["services"]
        assert services == []
    listed = {o["name"] for o in all_pages(client, f"{API}/organizations")}
    assert "Nog niet gepositioneerd" in listed  # the public pages list it too


# Bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/services/{uuid}",
        "/services/not-a-uuid",
        "/organizations/{uuid}",
        "/organizations/123",
        "/taxonomies/{uuid}",
        "/taxonomy_terms/{uuid}",
        "/taxonomy_terms/preventie",
        "/nothing-here",
    ],
)
def test_unknown_ids_answer_a_json_404(client, db, path):
    payload = get_json(
        client, API + path.replace("{uuid}", "0766242f-e461-4ef8-98f3-3dff8311c282"), 404
    )
    assert set(payload) == {"error", "fields"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("per_page=101", "per_page"),
        ("per_page=0", "per_page"),
        ("page=abc", "page"),
        ("page=99", "page"),
        ("modified_after=gisteren", "modified_after"),
        ("modified_after=2025-13-01", "modified_after"),
        ("modified_after=0001-01-01", "modified_after"),
        ("taxonomy_term_id=preventie", "taxonomy_term_id"),
        ("taxonomy_term_id=0766242f-e461-4ef8-98f3-3dff8311c282", "taxonomy_term_id"),
        ("taxonomy_id=0766242f-e461-4ef8-98f3-3dff8311c282", "taxonomy_id"),
        ("organization_id=0766242f-e461-4ef8-98f3-3dff8311c282", "organization_id"),
        ("full=ja", "full"),
        ("minimal=1", "minimal"),
        ("search=" + "x" * 201, "search"),
        ("full=true&full=false", "full"),
        ("format=ndjson", "format"),
        ("postcode=1011AA", "postcode"),
        ("q=daderhulp", "q"),
    ],
)
def test_bad_parameters_answer_400_in_one_error_shape(client, generated, query, field):
    payload = get_json(client, f"{API}/services?{query}", 400)
    assert set(payload) == {"error", "fields"}
    assert list(payload["fields"]) == [field]
    (problem,) = payload["fields"][field]
    assert problem["message"] and problem["code"]


def test_only_reading_is_allowed(client, db):
    assert client.post(f"{API}/services").status_code == 405
    assert client.head(f"{API}/services").status_code == 200


# Query budgets -------------------------------------------------------------------------

BUDGET_URLS = [
    "/services?per_page=100",
    "/services?per_page=100&full=true",
    "/services?per_page=100&taxonomy_term_id={preventie}",
    "/services?per_page=100&taxonomy_term_id={onward}",
    "/organizations?per_page=100&full=true",
    "/service_at_locations?per_page=100&full=true",
    "/organizations?per_page=100&full=true&full_service=true",
    "/organizations/{organisation}?full_service=true",
    "/services/{offer}",
    "/taxonomy_terms?per_page=100",
]


def _queries(client, django_assert_max_num_queries, url) -> int:
    from django.core.cache import cache

    cache.clear()
    with django_assert_max_num_queries(12) as captured:
        get_json(client, url)
    return len(captured)


@pytest.mark.parametrize("url", BUDGET_URLS)
def test_query_counts_are_bounded_and_flat(client, db, django_assert_max_num_queries, url):
    preventie = Phase.objects.get(slug="preventie").uuid
    counts = []
    for size in (2, 30):
        Offer.objects.all().delete()
        Organisation.objects.all().delete()
        organisation = OrganisationFactory(phone="020 1")
        previous = None
        for index in range(size):
            offer = OfferFactory(
                organisation=organisation if index % 2 else OrganisationFactory(),
                address=f"Straat {index}",
                city="Amsterdam",
                phone="020 2",
                contact_name="Iemand",
                cells=[("preventie", "kindermishandeling"), ("nazorg", "groepsgeweld")],
                lists={
                    "methods": ["risk-need-responsivity-rnr"],
                    "municipalities": ["amstelveen"],
                    "fundings": ["wmo"],
                },
            )
            # Every offer with a confirmed referral link both ways, every organisation with
            # pool entries: each is one query per page, whatever the number of them.
            if previous is not None:
                ReferralLinkFactory(from_offer=previous, to_offer=offer)
                ReferralLinkFactory(
                    from_offer=offer, to_offer=previous, kind=TransitionKind.AFTERCARE
                )
            PoolEntryFactory(
                organisation=offer.organisation, lists={"deployment_kinds": ["motiveren"]}
            )
            previous = offer
        offer = Offer.objects.filter(organisation=organisation).first()
        filled = url.format(
            preventie=preventie,
            onward=stable_uuid("hsds.referral", "hierna/nazorg"),
            organisation=organisation.uuid,
            offer=offer.uuid,
        )
        counts.append(_queries(client, django_assert_max_num_queries, API + filled))
    assert counts[0] == counts[1]


def test_municipality_ids_are_stable_entries(db):
    assert Municipality.objects.filter(uuid__isnull=True).count() == 0
    assert isinstance(Municipality.objects.first().uuid, UUID)


# Arbitrary input -----------------------------------------------------------------------

FUZZ_PATHS = [
    "/services",
    "/organizations",
    "/taxonomies",
    "/taxonomy_terms",
    "/service_at_locations",
]
FUZZ_PARAMETERS = sorted({name for names in PARAMETERS.values() for name in names} | {"format"})
FUZZ_VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "true",
            "false",
            "1",
            "-1",
            "101",
            "2025-01-01",
            "0001-01-01",
            "9999-12-31T23:59:59-14:00",
            "0766242f-e461-4ef8-98f3-3dff8311c282",
            "preventie",
            "a\x00b",
        ]
    ),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
)


@hypothesis_settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    path=st.sampled_from(FUZZ_PATHS),
    query=st.dictionaries(st.sampled_from(FUZZ_PARAMETERS), FUZZ_VALUES, max_size=3),
)
def test_arbitrary_parameters_answer_json_never_a_500(client, generated, path, query):
    response = client.get(API + path, query)
    assert response.status_code in (200, 400), (query, response.content[:300])
    payload = response.json()
    if response.status_code == 400:
        assert set(payload) == {"error", "fields"} and payload["fields"]


def test_every_service_of_generated_demo_data_validates(client, db):
    """The demo-data generator (bench/demo_data.py) fills every fact the map has, with
    confidential addresses among them: every page valid, no secret address anywhere."""
    from io import StringIO

    from bench.generate_demo_data import run

    run(["--organisations=15", "--offers=60", "--seed=5"], stdout=StringIO())
    published = Offer.objects.published()
    assert published.count() > 20
    # The generator makes few addresses confidential; make sure some published ones are.
    with_address = published.exclude(address="").order_by("pk")
    Offer.objects.filter(pk__in=list(with_address.values_list("pk", flat=True)[:3])).update(
        address_confidential=True
    )
    assert published.filter(address_confidential=True).exclude(address="").count() >= 3
    assert published.filter(address_confidential=False).exclude(address="").exists()
    services = all_pages(client, f"{API}/services?per_page=100&full=true")
    assert len(services) == published.count()
    for item in services:
        assert errors(item, schema("service.json")) == [], item["id"]
        assert_no_empty_values(item)
    located = all_pages(client, f"{API}/service_at_locations?per_page=100&full=true")
    assert 0 < len(located) < len(services)
    for item in located:
        assert errors(item, schema("service_at_location.json")) == []
        assert errors(item["service"], schema("service.json")) == []
    page = get_json(client, f"{API}/organizations?per_page=100&full=true&full_service=true")
    assert_valid(page, response_schema("/organizations"))
    for item in page["contents"]:
        assert errors(item, ORGANIZATION_FULL) == [], item["id"]
    text = str(services) + str(located) + str(page)
    for offer in published.filter(address_confidential=True).exclude(address=""):
        assert offer.address not in text and offer.postal_code not in text
