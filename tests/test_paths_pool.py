"""The pool of experience experts: what organisations can deploy, never who. The admin refuses
entries without availability or framework; the public page filters with the unknown handling
of the search; a partner of another organisation cannot reach an entry."""

import pytest
from django.conf import settings
from django.db import models

from frameworks.models import Framework, Phase, ViolenceType
from providers.paths.models import DeploymentKind, PoolEntry
from tests.factories import OrganisationFactory
from tests.partner_admin_support import make_partner, snapshot
from tests.paths_factories import PoolEntryFactory
from tests.test_csp import inline_code

POOL = "/beheer/paths/poolentry/"
PERSON_WORDS = (
    "name",
    "naam",
    "email",
    "mail",
    "phone",
    "telefoon",
    "address",
    "adres",
    "birth",
    "geboorte",
    "person",
    "user",
    "bsn",
    "initials",
)


@pytest.mark.parametrize("model", [PoolEntry, DeploymentKind])
def test_the_pool_models_hold_no_person_fields(model):
    fields = model._meta.get_fields()
    person_like = [
        f.name
        for f in fields
        if any(word in f.name.lower() for word in PERSON_WORDS)
        and not (model is DeploymentKind and f.name == "name")  # the kind's own label
    ]
    assert person_like == []
    to_users = [
        f.name
        for f in fields
        if isinstance(f, models.ForeignKey | models.ManyToManyField)
        and f.related_model._meta.label == settings.AUTH_USER_MODEL
    ]
    assert to_users == []
    # Nothing about a person to be filled in: the entry's own fields are these.
    assert {f.name for f in PoolEntry._meta.concrete_fields} == {
        "id",
        "organisation",
        "title",
        "availability",
        "availability_unit",
        "description",
        "listed",
        "created_at",
        "updated_at",
    } or model is DeploymentKind


@pytest.fixture
def orgs(db):
    org_a = OrganisationFactory(name="Alfa Hulp", phone="020 123 45 67", email="info@alfa.nl")
    org_b = OrganisationFactory(name="Bravo Zorg")
    return org_a, org_b, make_partner(org_a, "partner-alfa"), make_partner(org_b, "partner-bravo")


def entry_data(organisation, **overrides):
    hgkm = Framework.objects.get(slug="hgkm")
    data = {
        "organisation": organisation.pk,
        "title": "Ervaringsdeskundigen voor motivatiegesprekken",
        "frameworks": [hgkm.pk],
        "violence_types": [ViolenceType.objects.get(slug="ex-partnergeweld").pk],
        "phases": [Phase.objects.get(slug="nazorg").pk],
        "deployment_kinds": [DeploymentKind.objects.get(slug="motiveren").pk],
        "availability": "3",
        "availability_unit": "personen",
        "description": "Aanvragen via de afdeling.",
        "listed": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_a_partner_registers_what_it_can_deploy(client, orgs):
    org_a, _, partner_a, _ = orgs
    client.force_login(partner_a)
    form = client.get(f"{POOL}add/").context["adminform"].form
    assert list(form.fields["organisation"].queryset) == [org_a]
    response = client.post(f"{POOL}add/", entry_data(org_a))
    assert response.status_code == 302
    entry = PoolEntry.objects.get()
    assert entry.organisation == org_a and entry.availability == 3
    assert [f.slug for f in entry.frameworks.all()] == ["hgkm"]
    assert [p.slug for p in entry.phases.all()] == ["nazorg"]
    assert entry.history.count() == 1


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"availability": "0"}, "availability", "Geef een beschikbaarheid van minstens 1"),
        ({"availability": "-4"}, "availability", "Geef een beschikbaarheid van minstens 1"),
        ({"frameworks": None}, "frameworks", "Kies minstens één analysekader."),
        (
            {"violence_types": None, "frameworks": None},
            "frameworks",
            "Kies minstens één analysekader.",
        ),
        ({"availability": "veel"}, "availability", "Voer een geheel getal in."),
    ],
)
def test_bad_pool_entries_are_refused_with_a_message(client, orgs, overrides, field, message):
    org_a, _, partner_a, _ = orgs
    client.force_login(partner_a)
    before = snapshot()
    response = client.post(f"{POOL}add/", entry_data(org_a, **overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(message in error for error in errors[field]), errors
    assert PoolEntry.objects.count() == 0
    assert snapshot() == before


def test_a_violence_type_outside_the_chosen_frameworks_is_refused(client, orgs):
    org_a, _, partner_a, _ = orgs
    client.force_login(partner_a)
    group = ViolenceType.objects.get(slug="groepsgeweld")
    response = client.post(f"{POOL}add/", entry_data(org_a, violence_types=[group.pk]))
    assert response.status_code == 200
    assert "Deze geweldsvormen horen niet bij de gekozen analysekaders: Groepsgeweld." in (
        response.content.decode()
    )
    assert PoolEntry.objects.count() == 0


def test_another_organisations_partner_cannot_reach_an_entry(client, orgs):
    org_a, org_b, _, partner_b = orgs
    entry = PoolEntryFactory(organisation=org_a, title="Alfa inzet")
    version = entry.history.latest("history_date").history_id
    client.force_login(partner_b)
    before = snapshot()
    for method, url, data in [
        ("get", f"{POOL}{entry.pk}/change/", None),
        ("post", f"{POOL}{entry.pk}/change/", entry_data(org_b, title="Overgenomen")),
        ("get", f"{POOL}{entry.pk}/delete/", None),
        ("post", f"{POOL}{entry.pk}/delete/", {"post": "yes"}),
        ("get", f"{POOL}{entry.pk}/history/", None),
        ("get", f"{POOL}{entry.pk}/history/{version}/", None),
    ]:
        assert getattr(client, method)(url, data).status_code == 404, url
    for url in [POOL, f"{POOL}?q=Alfa", f"{POOL}?organisatie={org_a.pk}"]:
        response = client.get(url)
        assert response.status_code == 200 and "Alfa inzet" not in response.content.decode()
    # Posting A's organisation id for a new entry is a form error.
    response = client.post(f"{POOL}add/", entry_data(org_a))
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    response = client.post(
        POOL, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"}
    )
    assert response.status_code == 404
    assert snapshot() == before


# --- The public page ---------------------------------------------------------------------


@pytest.fixture
def pool(orgs):
    org_a, org_b, _, _ = orgs
    return {
        "motivating": PoolEntryFactory(
            organisation=org_a,
            title="Motiveren bij partnergeweld",
            availability=4,
            lists={
                "violence_types": ["ex-partnergeweld"],
                "phases": ["risicogestuurde-zorg-hulpverleningsplan"],
                "deployment_kinds": ["motiveren"],
            },
        ),
        "unknown": PoolEntryFactory(
            organisation=org_b,
            title="Inzet nog niet ingedeeld",
            availability=10,
            availability_unit=PoolEntry.Unit.HOURS_PER_MONTH,
        ),
        "training": PoolEntryFactory(
            organisation=org_b,
            title="Trainen over kindermishandeling",
            lists={
                "violence_types": ["kindermishandeling"],
                "phases": ["preventie"],
                "deployment_kinds": ["trainen"],
            },
        ),
        "hidden": PoolEntryFactory(organisation=org_b, title="Niet op de kaart", listed=False),
    }


def titles(response) -> list[str]:
    return [entry.title for entry in response.context["page"].object_list]


def test_the_pool_page_lists_the_pool_with_contact_through_the_organisation(client, pool):
    response = client.get("/ervaringsdeskundigen/")
    assert response.status_code == 200
    assert sorted(titles(response)) == [
        "Inzet nog niet ingedeeld",
        "Motiveren bij partnergeweld",
        "Trainen over kindermishandeling",
    ]
    page = response.content.decode()
    assert "Niet op de kaart" not in page
    assert 'href="tel:0201234567"' in page and "info@alfa.nl" in page
    assert "10 uur per maand" in page
    # The size per framework, and the flag where there is none.
    assert "3 inzetten van 2 organisaties, 6 personen, 10 uur per maand" in page
    flag = '<span class="pool-flag">Geen ervaringsdeskundigen in de pool.'
    assert "Seksueel geweld:</strong>\n    " + flag in page
    assert inline_code(response) == []


def test_the_pool_filters_leave_out_unknowns_and_offer_to_include_them(client, pool):
    response = client.get("/ervaringsdeskundigen/?violence_type=ex-partnergeweld")
    assert titles(response) == ["Motiveren bij partnergeweld"]
    page = response.content.decode()
    assert "1 inzet waarvan geweldsvorm onbekend is" in page
    assert "include_unknown=violence_type" in page
    response = client.get(
        "/ervaringsdeskundigen/?violence_type=ex-partnergeweld&include_unknown=violence_type"
    )
    assert sorted(titles(response)) == ["Inzet nog niet ingedeeld", "Motiveren bij partnergeweld"]
    assert "Onbekend: geweldsvorm" in response.content.decode()
    # Several filters hold together; several values of one are any of them.
    response = client.get(
        "/ervaringsdeskundigen/?deployment=trainen&deployment=motiveren&phase=preventie"
    )
    assert titles(response) == ["Trainen over kindermishandeling"]
    response = client.get("/ervaringsdeskundigen/?framework=seksueel-geweld")
    assert titles(response) == []
    assert "Geen inzet gevonden voor dit filter." in response.content.decode()


def test_a_bad_pool_filter_answers_400_in_dutch(client, pool):
    response = client.get("/ervaringsdeskundigen/?phase=onzin&page=x")
    assert response.status_code == 400
    assert "Selecteer een geldige keuze" in response.content.decode()
    response = client.get("/api/ervaringsdeskundigen/?deployment=onzin")
    assert response.status_code == 400
    assert response.json()["fields"]["deployment"][0]["code"] == "invalid_choice"


def test_the_pool_in_json(client, pool):
    data = client.get("/api/ervaringsdeskundigen/?violence_type=kindermishandeling").json()
    assert data["total_items"] == 1
    entry = data["contents"][0]
    assert entry["title"] == "Trainen over kindermishandeling"
    assert entry["organisation"]["name"] == "Bravo Zorg"
    assert [d["slug"] for d in entry["deployment_kinds"]] == ["trainen"]
    assert data["unknown_facts"][0]["filter"] == "violence_type"
    assert data["unknown_facts"][0]["entries"] == 1
    sizes = {s["framework"]: s for s in data["size_per_framework"]}
    assert sizes["hgkm"]["entries"] == 3 and sizes["seksueel-geweld"]["entries"] == 0
    assert "groepsgeweld" in sizes["seksueel-geweld"]["violence_types_without_entries"]
    assert "ex-partnergeweld" not in sizes["hgkm"]["violence_types_without_entries"]


def add_entries(organisation, count, start=0):
    for index in range(start, start + count):
        PoolEntryFactory(
            organisation=organisation,
            title=f"Inzet {index}",
            lists={
                "violence_types": ["kindermishandeling"],
                "phases": ["nazorg"],
                "deployment_kinds": ["trainen"],
            },
        )


POOL_URLS = [
    "/ervaringsdeskundigen/?phase=nazorg&violence_type=kindermishandeling",
    "/ervaringsdeskundigen/?deployment=trainen&include_unknown=deployment",
    "/api/ervaringsdeskundigen/?phase=nazorg",
    "/paden/breuken/",
]


def test_the_pool_pages_take_the_same_number_of_queries_for_3_or_30_entries(
    client, orgs, django_assert_max_num_queries
):
    org_a, org_b, _, _ = orgs
    add_entries(org_a, 3)
    small = {url: query_count(client, url) for url in POOL_URLS}
    add_entries(org_b, 27, start=3)
    for url in POOL_URLS:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200
    assert {url: query_count(client, url) for url in POOL_URLS} == small


def query_count(client, url) -> int:
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)
