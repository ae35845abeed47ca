"""Stable identifiers: an organisation, offer or taxonomy term keeps its HSDS id across
reloads of the baseline, edits, and a new installation; slugs stay for the site's own URLs."""

import io

import openpyxl
import pytest
from django.core.management import call_command

from providers.models import Offer, Organisation, Source
from tests.factories import OfferFactory
from tests.hsds_support import API, all_pages, get_json
from tests.test_import_export import (
    MODEL_PERMISSIONS,
    XLSX,
    export,
    import_file,
    row_messages,
    staff_user,
    upload,
    xlsx_bytes,
)


def published_ids(client) -> dict:
    """Every id the HSDS API publishes, by kind and name."""
    return {
        "services": {
            (s["organization"]["name"], s["name"]): s["id"]
            for s in all_pages(client, f"{API}/services?per_page=100")
        },
        "organizations": {
            o["name"]: o["id"] for o in all_pages(client, f"{API}/organizations?per_page=100")
        },
        "taxonomies": {t["name"]: t["id"] for t in all_pages(client, f"{API}/taxonomies")},
        "terms": {
            (t["taxonomy"], t["code"]): t["id"]
            for t in all_pages(client, f"{API}/taxonomy_terms?per_page=100")
        },
    }


def test_every_published_id_is_unique(client, baseline):
    ids = published_ids(client)
    assert len(ids["services"]) == 28 and len(ids["organizations"]) == 28
    every = [value for kind in ids.values() for value in kind.values()]
    assert len(set(every)) == len(every)


def test_a_forced_reload_of_the_baseline_keeps_every_id(client, baseline):
    partner_offer = OfferFactory(organisation=Organisation.objects.get(slug="de-waag"))
    before = published_ids(client)
    call_command("load_baseline", "--force")
    after = published_ids(client)
    assert after == before
    assert get_json(client, f"{API}/services/{partner_offer.uuid}")["name"] == partner_offer.name


def test_a_new_installation_gives_the_baseline_the_same_ids(client, baseline):
    before = published_ids(client)
    Organisation.objects.filter(source=Source.INVENTORY_2023).delete()
    assert not Offer.objects.exists()
    call_command("load_baseline")
    assert published_ids(client) == before


def test_an_edit_of_name_and_slug_keeps_the_id(client, baseline):
    offer = (
        Offer.objects.get(slug="de-waag-hgkm-2023")
        if Offer.objects.filter(slug="de-waag-hgkm-2023").exists()
        else Offer.objects.order_by("slug").first()
    )
    old_id = str(offer.uuid)
    offer.name, offer.slug = "Nieuwe naam", "nieuwe-naam"
    offer.save()
    item = get_json(client, f"{API}/services/{old_id}")
    assert item["name"] == "Nieuwe naam"
    assert client.get("/aanbod/nieuwe-naam/").status_code == 200  # the slug serves the site


# Imports and exports keep the ids -------------------------------------------------------


@pytest.fixture
def municipality_client(client, db):
    user = staff_user(*MODEL_PERMISSIONS, "manage_all_organisations", username="gemeente")
    client.force_login(user)
    return client


def test_an_export_imported_into_an_empty_database_keeps_every_id(municipality_client, baseline):
    before = published_ids(municipality_client)
    organisations = export(municipality_client, "organisation", XLSX).content
    offers = export(municipality_client, "offer", XLSX).content
    header = [cell.value for cell in openpyxl.load_workbook(io.BytesIO(offers)).active[1]]
    assert "vaste id" in header

    Organisation.objects.all().delete()
    import_file(municipality_client, "organisation", organisations)
    import_file(municipality_client, "offer", offers)
    assert published_ids(municipality_client) == before


def test_an_import_cannot_change_or_garble_an_id(municipality_client, baseline):
    offer = Offer.objects.order_by("slug").first()
    headers = ["slug", "naam", "organisatie", "vaste id"]
    other = "0766242f-e461-4ef8-98f3-3dff8311c282"
    for value, message in [(other, "verandert niet"), ("abc", "geen geldige vaste id")]:
        content = xlsx_bytes(headers, [[offer.slug, offer.name, offer.organisation.name, value]])
        preview = upload(municipality_client, "offer", content)
        assert preview.context.get("confirm_form") is None
        assert message in " ".join(row_messages(preview).values())
    offer.refresh_from_db()
    assert get_json(municipality_client, f"{API}/services/{offer.uuid}")["name"] == offer.name


def test_the_published_ids_are_the_same_in_every_installation(client, baseline):
    """Ids that clients store: the phase Preventie, the HGKM framework's taxonomy and Altra's
    HGKM offer, as a database migrated from before the ids existed also has them (the
    benchmark's page list names Preventie's id too)."""
    preventie = get_json(client, f"{API}/taxonomy_terms/bdc14493-b225-573d-9d7c-d8e195b891a4")
    assert (preventie["name"], preventie["taxonomy"]) == ("Preventie", "Fasen")
    hgkm = get_json(client, f"{API}/taxonomies/df84f7ea-a09e-5ad9-87f3-51026097d6b9")
    assert hgkm["name"] == "Geweldsvormen Huiselijk geweld en kindermishandeling"
    altra = get_json(client, f"{API}/services/44879d19-e8f4-5ab4-b23c-5fad936d39d2")
    assert altra["organization"]["name"] == "Altra"
