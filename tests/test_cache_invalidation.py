"""Cached coverage and pages change as soon as anything that can alter them changes.

Pages are read by an anonymous visitor (served from the whole-response cache when warm); each
write path is taken as the municipality or a command takes it. Where a path has no visible
effect of its own, the test first changes the data behind the cache's back (raw SQL, no
signal), checks that the visitor still sees the cached page, and then shows that the path under
test makes the change appear.
"""

from io import BytesIO, StringIO

import pytest
from django import forms
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from openpyxl import load_workbook

from bench.demo_data import clear_demo_data
from bench.generate_demo_data import run as generate_demo_data
from frameworks.models import Framework, Phase, ViolenceType
from providers.baseline import load_baseline
from providers.lists import MAINTAINED_LISTS
from providers.models import AgeGroup, Municipality, Offer, Organisation, Position
from sociale_kaart.cache import VERSION_KEY
from tests.factories import OfferFactory, UserFactory
from tests.matrix_json import matrix_json

MATRIX_JSON = "/api/kaart/hgkm/"
TRIAS_OFFER = "trias-pedagogica-hgkm-2023"


def elder_prevention(client, **params):
    payload = matrix_json(client.get(MATRIX_JSON, params))
    cell = next(
        c
        for c in payload["cells"]
        if c["phase"] == "preventie" and c["violence_type"] == "ouderenmishandeling"
    )
    return cell


def names(cell):
    return [organisation["name"] for organisation in cell["organisations"]]


def unpublish_behind_the_cache(slug):
    """Change coverage without any signal or bump, as a stray SQL statement would."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {Offer._meta.db_table} SET status = %s WHERE slug = %s",
            [Offer.Status.DRAFT, slug],
        )


@pytest.fixture
def superuser(db):
    return UserFactory(username="gemeente", is_staff=True, is_superuser=True)


@pytest.fixture
def municipality(superuser):
    """A separate logged-in client for the municipality; `client` stays the anonymous visitor."""
    municipal = Client()
    municipal.force_login(superuser)
    return municipal


def admin_form_data(response) -> dict:
    """The POST data of an admin change form as it stands, inline formsets included."""
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_on_page += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms_on_page:
        for name, field in form.fields.items():
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(field, forms.NullBooleanField):
                data[key] = {True: "true", False: "false"}.get(value, "unknown")
            elif isinstance(field, forms.BooleanField):
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)
    return data


def admin_change(client, model, obj, **changes):
    url = f"/beheer/{model._meta.app_label}/{model._meta.model_name}/{obj.pk}/change/"
    data = admin_form_data(client.get(url))
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def test_the_visitor_is_served_from_the_cache(client, baseline):
    """The premise of every test below: without a bump, a change stays invisible."""
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    unpublish_behind_the_cache(TRIAS_OFFER)
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    assert "Trias pedagogica" in client.get("/kaart/hgkm/").content.decode()


def test_an_offer_saved_in_the_admin_shows_at_once(client, baseline, municipality):
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    page = client.get("/kaart/hgkm/").content.decode()
    assert "Trias pedagogica" in page

    admin_change(municipality, Offer, Offer.objects.get(slug=TRIAS_OFFER), status="concept")

    assert names(elder_prevention(client)) == ["Veilig Thuis"]
    assert names(elder_prevention(client, role="aanbieder")) == []


def test_an_organisation_role_changed_in_the_admin_moves_it_between_filters(
    client, baseline, municipality
):
    assert names(elder_prevention(client, role="aanbieder")) == ["Trias pedagogica"]
    assert names(elder_prevention(client, role="beide")) == []
    admin_change(
        municipality, Organisation, Organisation.objects.get(slug="trias-pedagogica"), role="beide"
    )
    assert names(elder_prevention(client, role="aanbieder")) == []
    assert names(elder_prevention(client, role="beide")) == ["Trias pedagogica"]


def test_a_threshold_change_in_the_admin_recolours_the_cells(client, baseline, municipality):
    assert elder_prevention(client)["status"] == "thin"
    assert "drempel dunne cel: 3" in client.get("/kaart/hgkm/").content.decode()

    admin_change(municipality, Framework, Framework.objects.get(slug="hgkm"), thin_threshold="1")

    assert elder_prevention(client)["status"] == "covered"
    assert "drempel dunne cel: 1" in client.get("/kaart/hgkm/").content.decode()


def test_a_phase_renamed_in_the_admin_is_renamed_on_every_page(client, baseline, municipality):
    assert "Nazorg" in [p["name"] for p in matrix_json(client.get(MATRIX_JSON))["phases"]]
    client.get("/kaart/hgkm/")
    client.get("/")

    admin_change(municipality, Phase, Phase.objects.get(slug="nazorg"), name="Nazorg en herstel")

    assert "Nazorg en herstel" in [
        p["name"] for p in matrix_json(client.get(MATRIX_JSON))["phases"]
    ]
    assert "Nazorg en herstel" in client.get("/kaart/hgkm/").content.decode()
    assert "Nazorg en herstel" in client.get("/").content.decode()


def test_a_violence_type_renamed_shows_in_json_and_page(client, baseline):
    client.get("/kaart/hgkm/")
    violence_type = ViolenceType.objects.get(slug="ouderenmishandeling")
    violence_type.name = "Mishandeling van ouderen"
    violence_type.save()

    payload = matrix_json(client.get(MATRIX_JSON))
    assert "Mishandeling van ouderen" in [v["name"] for v in payload["violence_types"]]
    assert "Mishandeling van ouderen" in client.get("/kaart/hgkm/").content.decode()


@pytest.mark.parametrize("maintained", MAINTAINED_LISTS, ids=lambda maintained: maintained.field)
def test_renaming_a_reference_list_entry_invalidates_the_cache(client, baseline, maintained):
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    unpublish_behind_the_cache(TRIAS_OFFER)
    item = maintained.model.objects.order_by("order").first()
    item.name = f"{item.name} (hernoemd)"
    item.save()
    assert names(elder_prevention(client)) == ["Veilig Thuis"]


def test_deleting_a_reference_list_entry_invalidates_the_cache(client, baseline):
    extra = Municipality.objects.create(name="Haarlemmermeer", slug="haarlemmermeer", order=9)
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    unpublish_behind_the_cache(TRIAS_OFFER)
    extra.delete()
    assert names(elder_prevention(client)) == ["Veilig Thuis"]


def test_changing_an_offers_lists_invalidates_the_cache(client, baseline):
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    unpublish_behind_the_cache(TRIAS_OFFER)
    offer = Offer.objects.get(slug="veilig-thuis-hgkm-2023")
    offer.age_groups.add(AgeGroup.objects.get(slug="ouderen"))
    assert names(elder_prevention(client)) == ["Veilig Thuis"]


def test_partnership_members_changed_show_on_the_organisation_page(client, baseline):
    link = 'href="/organisaties/altra/"'
    assert link in client.get("/organisaties/switch/").content.decode()
    switch = Organisation.objects.get(slug="switch")
    switch.members.remove(Organisation.objects.get(slug="altra"))
    assert link not in client.get("/organisaties/switch/").content.decode()


def test_a_new_and_a_deleted_offer_show_at_once(client, baseline):
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    offer = OfferFactory(
        organisation=Organisation.objects.get(slug="de-waag"),
        cells=[("preventie", "ouderenmishandeling")],
    )
    assert names(elder_prevention(client)) == ["De Waag", "Trias pedagogica", "Veilig Thuis"]
    offer.delete()
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]


def test_bulk_writes_without_signals_invalidate_the_cache(client, baseline):
    """bulk_create and update() send no model signals; the managers bump the version."""
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    de_waag = Organisation.objects.get(slug="de-waag")
    offer = Offer.objects.bulk_create(
        [
            Offer(
                organisation=de_waag,
                name="Bulk",
                slug="bulk",
                status=Offer.Status.PUBLISHED,
            )
        ]
    )[0]
    Position.objects.bulk_create(
        [
            Position(
                offer_id=offer.pk,
                phase=Phase.objects.get(slug="preventie"),
                violence_type=ViolenceType.objects.get(slug="ouderenmishandeling"),
            )
        ]
    )
    assert names(elder_prevention(client)) == ["De Waag", "Trias pedagogica", "Veilig Thuis"]

    Offer.objects.filter(organisation__slug="trias-pedagogica").update(status="gearchiveerd")
    assert names(elder_prevention(client)) == ["De Waag", "Veilig Thuis"]


def test_loading_the_baseline_fills_a_cached_empty_map(client, db):
    assert matrix_json(client.get(MATRIX_JSON))["total"] == 0
    assert "Trias pedagogica" not in client.get("/kaart/hgkm/").content.decode()
    load_baseline()
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    assert "Trias pedagogica" in client.get("/kaart/hgkm/").content.decode()


def test_forced_reload_of_the_baseline_invalidates_the_cache(client, baseline):
    OfferFactory(
        organisation=Organisation.objects.get(slug="de-waag"),
        slug="eigen-aanbod",
        cells=[("preventie", "ouderenmishandeling")],
    )
    assert names(elder_prevention(client)) == ["De Waag", "Trias pedagogica", "Veilig Thuis"]
    unpublish_behind_the_cache("eigen-aanbod")  # a partner offer: the reload leaves it alone
    assert load_baseline(force=True).created
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]


def test_generating_and_clearing_demo_data_show_at_once(client, baseline):
    before = matrix_json(client.get(MATRIX_JSON))["total"]
    home = client.get("/").content.decode()
    generate_demo_data(["--organisations=20", "--offers=80", "--seed=5"], stdout=StringIO())
    after = matrix_json(client.get(MATRIX_JSON))["total"]
    assert after > before
    assert client.get("/").content.decode() != home

    clear_demo_data()
    assert matrix_json(client.get(MATRIX_JSON))["total"] == before
    assert client.get("/").content.decode() == home


def test_a_lost_data_version_never_revives_old_entries(client, baseline):
    assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
    unpublish_behind_the_cache(TRIAS_OFFER)
    cache.delete(VERSION_KEY)  # evicted, or Redis restarted without its data
    assert names(elder_prevention(client)) == ["Veilig Thuis"]


def test_pages_keep_working_and_stay_fresh_when_redis_is_down(client, baseline):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    with override_settings(CACHES=unreachable):
        assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]
        assert client.get("/kaart/hgkm/").status_code == 200
        unpublish_behind_the_cache(TRIAS_OFFER)
        assert names(elder_prevention(client)) == ["Veilig Thuis"]
        offer = Offer.objects.get(slug=TRIAS_OFFER)
        offer.status = Offer.Status.PUBLISHED
        offer.save()  # the bump fails quietly; nothing was cached
        assert names(elder_prevention(client)) == ["Trias pedagogica", "Veilig Thuis"]


def exported_elder_prevention(client) -> str:
    """The Preventie x Ouderenmishandeling cell of the HGKM workbook as the visitor downloads it."""
    response = client.get("/kaart/hgkm/export.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content))["Matrix HGKM"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header = next(row for row in rows if row[0] == "Fase")
    column = next(i for i, value in enumerate(header) if value == "Ouderenmishandeling")
    return str(next(row for row in rows if row[0] == "Preventie")[column])


def search_api_slugs(client, **params) -> set[str]:
    payload = client.get("/api/aanbod/", params).json()
    return {offer["slug"] for offer in payload["contents"]}


def test_the_excel_download_is_cached_and_a_save_renews_it(client, baseline):
    assert "Trias pedagogica" in exported_elder_prevention(client)
    unpublish_behind_the_cache(TRIAS_OFFER)
    assert "Trias pedagogica" in exported_elder_prevention(client)  # served from the cache

    offer = Offer.objects.get(slug=TRIAS_OFFER)  # now a draft; a save bumps the version
    offer.save()
    assert "Trias pedagogica" not in exported_elder_prevention(client)


def test_the_search_api_is_cached_and_a_save_renews_it(client, baseline):
    cell = {"phase": "preventie", "violence_type": "ouderenmishandeling"}
    assert TRIAS_OFFER in search_api_slugs(client, **cell)
    assert client.get(f"/api/aanbod/{TRIAS_OFFER}/").status_code == 200
    unpublish_behind_the_cache(TRIAS_OFFER)
    assert TRIAS_OFFER in search_api_slugs(client, **cell)  # served from the cache
    assert client.get(f"/api/aanbod/{TRIAS_OFFER}/").status_code == 200

    Offer.objects.get(slug=TRIAS_OFFER).save()
    assert TRIAS_OFFER not in search_api_slugs(client, **cell)
    assert client.get(f"/api/aanbod/{TRIAS_OFFER}/").status_code == 404
