"""Two people edit the same offer or organisation in the admin: the later save is refused with a
Dutch message and keeps its input in the form; nothing of the earlier save is lost."""

import io
import re

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from providers import services
from providers.baseline import load_baseline
from providers.forms import OfferAdminForm
from providers.models import Offer, Organisation
from tests.partner_admin_support import (
    build_world,
    make_partner,
    offer_post_data,
    organisation_post_data,
    position_keys,
    saved_version,
)

world = pytest.fixture(build_world, name="world")

OFFERS = "/beheer/providers/offer/"
ORGANISATIONS = "/beheer/providers/organisation/"
OFFER_CONFLICT = (
    "Iemand anders heeft dit aanbod intussen gewijzigd; uw wijziging is daarom niet opgeslagen. "
    "Uw invoer staat nog in het formulier; bekijk de wijzigingen en sla opnieuw op."
)
ORGANISATION_CONFLICT = OFFER_CONFLICT.replace("dit aanbod", "deze organisatie")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(response) -> str:
    return response.content.decode()


def loaded_version(response) -> str:
    """The version that a change form carries in its hidden field."""
    match = re.search(
        r'<input type="hidden" name="loaded_version" value="(\d*)"', response.content.decode()
    )
    assert match, "the form has no hidden version"
    return match[1]


def checked_cells(content: str) -> set[str]:
    return set(re.findall(r'name="positions" value="([^"]+)"[^>]*\bchecked\b', content))


def non_field_errors(response) -> list[str]:
    return list(response.context["adminform"].form.non_field_errors())


def offer_state(offer) -> dict:
    """What a user would see of the offer: its fields, positions and history."""
    values = Offer.objects.filter(pk=offer.pk).values().get()
    del values["version"]
    return {
        **values,
        "positions": sorted(position_keys(offer)),
        "history": Offer.history.filter(id=offer.pk).count(),
    }


@pytest.fixture(params=["gemeente", "collega"])
def first_editor(request, world):
    """Who saves first: the municipality, or a colleague of the partner at the same
    organisation."""
    if request.param == "gemeente":
        return world.municipal
    return make_partner(world.org_a, "collega-alfa")


def test_the_later_save_of_an_offer_is_refused_and_keeps_its_input(world, first_editor):
    first, second = logged_in(first_editor), logged_in(world.partner)
    url = f"{OFFERS}{world.offer_a.pk}/change/"
    first_version = loaded_version(first.get(url))
    second_version = loaded_version(second.get(url))
    assert first_version == second_version

    response = first.post(
        url,
        offer_post_data(
            world.offer_a,
            name="Alfa Training Plus",
            positions=["preventie__kindermishandeling", "nazorg__groepsgeweld"],
            loaded_version=first_version,
        ),
    )
    assert response.status_code == 302
    after_first = offer_state(world.offer_a)

    # The partner saves the form they loaded before that save.
    response = second.post(
        url,
        offer_post_data(
            world.offer_a,  # as loaded: the old name
            description="Nieuwe omschrijving van Pien",
            waiting_weeks="3",
            positions=["signalering__ouderenmishandeling"],
            loaded_version=second_version,
        ),
    )
    assert response.status_code == 200
    content = page(response)
    assert OFFER_CONFLICT in content
    errors = non_field_errors(response)
    assert errors[0] == OFFER_CONFLICT
    assert errors[1].startswith(
        "Uw invoer wijkt af van wat nu is opgeslagen bij: Naam, Omschrijving, Posities, "
        "Wachttijd in weken."
    )
    # Nothing of the first save is lost, nothing of the second is saved.
    assert offer_state(world.offer_a) == after_first
    # The form shows what the partner posted, the position grid included.
    assert "Nieuwe omschrijving van Pien</textarea>" in content
    assert 'name="name" value="Alfa Training"' in content
    assert 'name="waiting_weeks" value="3"' in content
    assert checked_cells(content) == {"signalering__ouderenmishandeling"}
    # ... and now carries the version that is saved.
    assert loaded_version(response) == str(saved_version(world.offer_a))

    # After reloading the form, the partner's save goes through and keeps the first's change.
    reloaded = second.get(url)
    assert 'name="name" value="Alfa Training Plus"' in page(reloaded)
    assert checked_cells(page(reloaded)) == {
        "preventie__kindermishandeling",
        "nazorg__groepsgeweld",
    }
    response = second.post(
        url,
        offer_post_data(
            world.offer_a,
            name="Alfa Training Plus",
            description="Nieuwe omschrijving van Pien",
            positions=["preventie__kindermishandeling", "nazorg__groepsgeweld"],
            loaded_version=loaded_version(reloaded),
        ),
    )
    assert response.status_code == 302
    world.offer_a.refresh_from_db()
    assert world.offer_a.name == "Alfa Training Plus"
    assert world.offer_a.description == "Nieuwe omschrijving van Pien"
    assert position_keys(world.offer_a) == ["preventie__kindermishandeling", "nazorg__groepsgeweld"]
    latest = Offer.history.filter(id=world.offer_a.pk).latest("history_date")
    assert latest.history_user == world.partner


def test_saving_again_from_the_refused_form_knowingly_replaces_the_newer_save(world):
    municipality, partner = logged_in(world.municipal), logged_in(world.partner)
    url = f"{OFFERS}{world.offer_a.pk}/change/"
    partner_version = loaded_version(partner.get(url))
    municipality.post(url, offer_post_data(world.offer_a, name="Naam van de gemeente"))

    data = offer_post_data(
        world.offer_a, name="Naam van de partner", loaded_version=partner_version
    )
    refused = partner.post(url, data)
    assert refused.status_code == 200
    assert Offer.objects.get(pk=world.offer_a.pk).name == "Naam van de gemeente"

    # The partner has looked and saves the same input again, from the refused form.
    response = partner.post(url, {**data, "loaded_version": loaded_version(refused)})
    assert response.status_code == 302
    assert Offer.objects.get(pk=world.offer_a.pk).name == "Naam van de partner"
    names = list(
        Offer.history.filter(id=world.offer_a.pk)
        .order_by("history_date")
        .values_list("name", "history_user__username")
    )
    assert names[-2:] == [
        ("Naam van de gemeente", "coordinator"),
        ("Naam van de partner", "partner-alfa"),
    ]


def test_the_later_save_of_an_organisation_is_refused_and_keeps_its_input(world):
    municipality, partner = logged_in(world.municipal), logged_in(world.partner)
    url = f"{ORGANISATIONS}{world.org_a.pk}/change/"
    municipality_version = loaded_version(municipality.get(url))
    partner_version = loaded_version(partner.get(url))

    response = municipality.post(
        url,
        organisation_post_data(
            world.org_a, description="Door de gemeente", loaded_version=municipality_version
        ),
    )
    assert response.status_code == 302
    history = Organisation.history.filter(id=world.org_a.pk).count()

    # A partner's form has no role, slug or source fields (they are read-only for them).
    data = organisation_post_data(
        world.org_a, phone="020 123 45 67", loaded_version=partner_version
    )
    response = partner.post(url, data)
    assert response.status_code == 200
    assert ORGANISATION_CONFLICT in page(response)
    assert 'name="phone" value="020 123 45 67"' in page(response)
    world.org_a.refresh_from_db()
    assert world.org_a.description == "Door de gemeente"
    assert world.org_a.phone == ""
    assert Organisation.history.filter(id=world.org_a.pk).count() == history

    reloaded = partner.get(url)
    assert "Door de gemeente</textarea>" in page(reloaded)
    response = partner.post(
        url,
        organisation_post_data(
            world.org_a, phone="020 123 45 67", loaded_version=loaded_version(reloaded)
        ),
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert (world.org_a.description, world.org_a.phone) == ("Door de gemeente", "020 123 45 67")


def test_a_revert_is_refused_when_someone_saved_since_the_revert_page_was_loaded(world):
    municipality, partner = logged_in(world.municipal), logged_in(world.partner)
    version_url = f"{OFFERS}{world.offer_a.pk}/history/{world.offer_a_version}/"
    revert_form = municipality.get(version_url)
    partner.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(world.offer_a, name="Alfa Training door de partner"),
    )

    response = municipality.post(
        version_url,
        offer_post_data(
            world.offer_a, name="Alfa Training", loaded_version=loaded_version(revert_form)
        ),
    )
    assert response.status_code == 200
    assert OFFER_CONFLICT in page(response)
    assert Offer.objects.get(pk=world.offer_a.pk).name == "Alfa Training door de partner"


@pytest.mark.parametrize("posted", [None, "", "abc", "²", "1.0", "99999999999", "-1", "7"])
def test_a_missing_or_tampered_version_saves_nothing(world, posted):
    partner = logged_in(world.partner)
    before = offer_state(world.offer_a)
    data = offer_post_data(world.offer_a, name="Overschreven")
    if posted is None:
        del data["loaded_version"]
    else:
        data["loaded_version"] = posted
    response = partner.post(f"{OFFERS}{world.offer_a.pk}/change/", data)
    assert response.status_code == 200
    assert non_field_errors(response)[0] == OFFER_CONFLICT
    assert offer_state(world.offer_a) == before


@pytest.mark.parametrize("change", ["import", "baseline", "verified"])
def test_imports_baseline_and_verification_also_refuse_an_older_form(world, baseline, change):
    """Writes outside the change form raise the version too, so a form loaded before them
    cannot write its old data back over them."""
    offer = Offer.objects.published().filter(source="inventarisatie-2023").first()
    municipality = logged_in(world.municipal)
    url = f"{OFFERS}{offer.pk}/change/"
    version = loaded_version(municipality.get(url))
    other = logged_in(make_partner(offer.organisation, "andere-partner"))

    if change == "import":
        import_offer_row(
            municipality,
            ["slug", "naam", "organisatie", "status", "omschrijving"],
            [offer.slug, offer.name, offer.organisation.name, "gepubliceerd", "Uit de import"],
        )
        assert Offer.objects.get(pk=offer.pk).description == "Uit de import"
    elif change == "baseline":
        load_baseline(force=True)
    else:
        response = other.post(OFFERS, {"action": "mark_verified", "_selected_action": [offer.pk]})
        assert response.status_code == 302
        assert Offer.objects.get(pk=offer.pk).last_verified is not None
    before = offer_state(offer)

    response = municipality.post(
        url, offer_post_data(offer, name="Oude gegevens", loaded_version=version)
    )
    assert response.status_code == 200
    assert non_field_errors(response)[0] == OFFER_CONFLICT
    assert offer_state(offer) == before


def import_offer_row(client, headers, row):
    workbook = openpyxl.Workbook()
    workbook.active.append(headers)
    workbook.active.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    preview = client.post(
        f"{OFFERS}import/",
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("aanbod.xlsx", stream.getvalue()),
        },
    )
    assert preview.status_code == 302  # to the page of the import job (run at once in tests)
    job_page = client.get(preview["Location"])
    assert job_page.context["can_confirm"]
    response = client.post(job_page.context["confirm_url"])
    assert response.status_code == 302
    assert client.get(response["Location"]).context["job"].status == "klaar"
    return response


# The write path itself (providers/services.py), also for callers without a form.


def test_offer_save_refuses_a_stale_version_and_raises_the_version_otherwise(world):
    offer = Offer.objects.get(pk=world.offer_a.pk)
    version = offer.version
    offer.name = "Eerste"
    services.offer_save(offer=offer, user=world.partner, expected_version=version)
    assert saved_version(offer) == offer.version == version + 1

    stale = Offer.objects.get(pk=world.offer_a.pk)
    stale.name = "Tweede"
    with pytest.raises(ValidationError) as refused:
        services.offer_save(offer=stale, user=world.municipal, expected_version=version)
    assert refused.value.code == "edit_conflict"
    assert refused.value.messages == [OFFER_CONFLICT]
    assert Offer.objects.get(pk=world.offer_a.pk).name == "Eerste"

    # Without an expected version (a script) the save goes through and still counts.
    services.offer_save(offer=stale, user=world.municipal)
    assert saved_version(offer) == version + 2
    assert Offer.objects.get(pk=world.offer_a.pk).name == "Tweede"


def test_organisation_save_refuses_a_stale_version(world):
    organisation = Organisation.objects.get(pk=world.org_a.pk)
    version = organisation.version
    organisation.description = "Eerste"
    services.organisation_save(
        organisation=organisation, user=world.municipal, expected_version=version
    )
    stale = Organisation.objects.get(pk=world.org_a.pk)
    stale.description = "Tweede"
    stale.version = version
    with pytest.raises(ValidationError) as refused:
        services.organisation_save(organisation=stale, user=world.partner, expected_version=version)
    assert refused.value.messages == [ORGANISATION_CONFLICT]
    assert Organisation.objects.get(pk=world.org_a.pk).description == "Eerste"
    assert saved_version(organisation) == version + 1


def test_a_save_between_validating_and_saving_the_form_is_not_overwritten(world):
    """The form's check passed; before its save runs, another save lands. The save path's
    own atomic check (UPDATE ... WHERE version = loaded version) still refuses it."""
    form = OfferAdminForm(
        data=offer_post_data(world.offer_a, name="Uit het formulier"),
        instance=Offer.objects.get(pk=world.offer_a.pk),
    )
    assert form.is_valid(), form.errors
    other = Offer.objects.get(pk=world.offer_a.pk)
    other.name = "Tussendoor opgeslagen"
    services.offer_save(offer=other, user=world.municipal, expected_version=other.version)

    with pytest.raises(ValidationError) as refused:
        services.offer_save(
            offer=form.save(commit=False),
            user=world.partner,
            expected_version=form.expected_version,
        )
    assert refused.value.code == "edit_conflict"
    assert Offer.objects.get(pk=world.offer_a.pk).name == "Tussendoor opgeslagen"


def test_a_new_offer_starts_at_version_one_and_each_save_counts(world):
    partner = logged_in(world.partner)
    response = partner.post(
        f"{OFFERS}add/",
        {
            "organisation": world.org_a.pk,
            "name": "Nieuw aanbod",
            "status": Offer.Status.DRAFT,
            "source": "partner",
            "loaded_version": "",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(name="Nieuw aanbod")
    assert offer.version == 1
    url = f"{OFFERS}{offer.pk}/change/"
    for expected in (2, 3):
        response = partner.post(
            url, offer_post_data(offer, loaded_version=loaded_version(partner.get(url)))
        )
        assert response.status_code == 302
        assert saved_version(offer) == expected
