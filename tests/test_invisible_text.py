"""Bidirectional and zero-width control characters never reach a name or other short text:
not through the admin, an import, a service or a bulk write. A name that differs from an
existing one only by such characters is the same name (a Dutch form error, not a 500)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from providers import services
from providers.models import Offer, Organisation
from tests.factories import OfferFactory, OrganisationFactory
from tests.partner_admin_support import (
    make_municipal_user,
    make_partner,
    offer_post_data,
)
from tests.test_import_export import import_file, xlsx_bytes

RLO, ZWSP, LRI, BOM, PDI, WJ, ZWJ = (
    "\u202e",
    "\u200b",
    "\u2066",
    "\ufeff",
    "\u2069",
    "\u2060",
    "\u200d",
)
HIDDEN = [RLO, ZWSP, LRI, BOM, PDI, WJ, ZWJ, "\u202a", "\u200f"]


def hostile(text: str) -> str:
    """`text` with invisible control characters around and inside it."""
    middle = len(text) // 2
    return f"{BOM}{RLO}{text[:middle]}{ZWSP}{LRI}{text[middle:]}{PDI}{WJ}"


def visible(text: str) -> bool:
    return not any(character in text for character in HIDDEN)


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_partner_saving_an_offer_in_the_admin_stores_clean_texts(db):
    organisation = OrganisationFactory(name="Alfa Hulp", slug="alfa-hulp")
    offer = OfferFactory(organisation=organisation, name="Alfa Training", slug="alfa-training")
    client = logged_in(make_partner(organisation, "pien"))
    response = client.post(
        f"/beheer/providers/offer/{offer.pk}/change/",
        offer_post_data(
            offer,
            name=hostile("Alfa Training Plus"),
            contact_name=hostile("Piet Jansen"),
            phone=hostile("020 123 4567"),
            city=hostile("Amsterdam"),
        ),
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert (offer.name, offer.contact_name, offer.phone, offer.city) == (
        "Alfa Training Plus",
        "Piet Jansen",
        "020 123 4567",
        "Amsterdam",
    )
    page = Client().get(offer.get_absolute_url()).content.decode()
    assert "Alfa Training Plus" in page and visible(page)
    # The history keeps what was saved.
    assert Offer.history.filter(id=offer.pk).latest("history_date").name == "Alfa Training Plus"


def test_a_new_offer_gets_its_slug_from_the_clean_name(db):
    organisation = OrganisationFactory(name="Alfa Hulp", slug="alfa-hulp")
    client = logged_in(make_partner(organisation, "pien"))
    response = client.post(
        "/beheer/providers/offer/add/",
        {
            "organisation": organisation.pk,
            "name": hostile("Vaders in Beeld"),
            "status": "gepubliceerd",
            "source": "partner",
            "positions": [],
            "loaded_version": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    offer = Offer.objects.get(organisation=organisation)
    assert (offer.name, offer.slug) == ("Vaders in Beeld", "vaders-in-beeld")


def test_a_name_that_differs_only_by_invisible_characters_is_a_dutch_form_error(db):
    OrganisationFactory(name="Alfa Hulp", slug="alfa-hulp")
    client = logged_in(make_municipal_user())
    client.raise_request_exception = False
    data = {
        "name": f"Alfa{ZWSP} Hulp{BOM}",
        "slug": "alfa-hulp-2",
        "role": "aanbieder",
        "source": "partner",
        "loaded_version": "",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    response = client.post("/beheer/providers/organisation/add/", data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["name"] == ["Er bestaat al een Organisatie met eenzelfde Naam."]
    assert Organisation.objects.count() == 1


def test_an_import_stores_clean_names(db):
    client = logged_in(make_municipal_user())
    content = xlsx_bytes(
        ["naam", "rol", "telefoon"],
        [[hostile("Bravo Zorg"), "aanbieder", hostile("020 765 4321")]],
    )
    import_file(client, "organisation", content)
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.phone, organisation.slug) == (
        "Bravo Zorg",
        "020 765 4321",
        "bravo-zorg",
    )


def test_services_and_bulk_writes_store_clean_names(db):
    organisation = OrganisationFactory.build(name=hostile("Charlie Hulp"), slug="charlie-hulp")
    services.organisation_save(organisation=organisation, user=None)
    assert Organisation.objects.get(pk=organisation.pk).name == "Charlie Hulp"

    Organisation.objects.bulk_create(
        [OrganisationFactory.build(name=hostile("Delta Zorg"), slug="delta-zorg")]
    )
    assert Organisation.objects.filter(name="Delta Zorg").exists()

    offer = Offer.objects.get(pk=OfferFactory(organisation=organisation).pk)
    offer.name = hostile("Echo Traject")
    Offer.objects.bulk_update([offer], ["name"])
    assert Offer.objects.get(pk=offer.pk).name == "Echo Traject"


def test_user_names_are_clean_too(db):
    gemeente = make_municipal_user()
    gemeente.first_name = hostile("Gea")
    gemeente.save()
    assert get_user_model().objects.get(pk=gemeente.pk).first_name == "Gea"


@pytest.mark.parametrize("text", ["Hulp bij geweld 👨‍👩‍👧", "Gewone naam, met komma"])
def test_descriptions_keep_what_joins_emoji(db, text):
    organisation = OrganisationFactory(description=text)
    assert Organisation.objects.get(pk=organisation.pk).description == text
