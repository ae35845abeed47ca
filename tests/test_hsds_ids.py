"""Stable identifiers: an organisation, offer or taxonomy term keeps its HSDS id across
reloads of the baseline, edits, and a new installation; slugs stay for the site's own URLs."""

from django.core.management import call_command

from providers.models import Offer, Organisation, Source
from tests.factories import OfferFactory
from tests.hsds_support import API, all_pages, get_json


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
