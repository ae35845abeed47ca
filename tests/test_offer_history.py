"""The offer's history tells the truth: one entry per save, with the maintained lists and the
positions that save changed, in Dutch and with the values the form shows; a version can be
viewed, and reverted by the municipality, with its positions and lists."""

import html
import re

import pytest
from django import forms
from simple_history.utils import bulk_create_with_history

from providers.models import LegalFramework, Municipality, Offer, Position, TargetGroup
from tests.factories import OfferFactory
from tests.partner_admin_support import (
    build_world,
    make_partner,
    offer_post_data,
    position_keys,
)

world = pytest.fixture(build_world, name="world")

OFFERS = "/beheer/providers/offer/"


def page_text(content: str) -> str:
    """The text of a page as a reader sees it: no tags, entities resolved, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", content)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def entries(client, offer) -> list[str]:
    """The rows of the offer's history page, newest first, as text."""
    content = client.get(f"{OFFERS}{offer.pk}/history/").content.decode()
    table = content[content.index('id="change-history"') :]
    table = table[: table.index("</table>")]
    return [page_text(row) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]]


def ids(model, *slugs) -> list[int]:
    return list(model.objects.filter(slug__in=slugs).values_list("pk", flat=True))


def latest_version(offer) -> int:
    return Offer.history.filter(id=offer.pk).latest("history_date").history_id


def rendered_form_data(response) -> dict:
    """What a browser posts for the admin form in `response` as it was rendered."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.NullBooleanSelect):
            data[name] = {True: "true", False: "false"}.get(value, "unknown")
        elif isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(getattr(item, "pk", item)) for item in value]
        elif value is not None:
            data[name] = str(getattr(value, "pk", value))
    return data


# One entry per save, in Dutch.


def test_a_save_is_one_entry_with_its_lists_positions_and_values_in_dutch(client, world):
    offer = world.offer_a
    client.force_login(world.partner)
    records_before = Offer.history.filter(id=offer.pk).count()
    response = client.post(
        f"{OFFERS}{offer.pk}/change/",
        offer_post_data(
            offer,
            target_groups=ids(TargetGroup, "plegers", "systeem-omstanders"),
            legal_frameworks=ids(LegalFramework, "vrijwillig"),
            municipalities=ids(Municipality, "amsterdam", "diemen"),
            duration=Offer.Duration.AS_LONG_AS_NEEDED,
            self_referral="true",
            waiting_weeks="4",
            positions=[
                "preventie__kindermishandeling",
                "nazorg__ouderenmishandeling",
                "nazorg__kindermishandeling",
                "preventie__groepsgeweld",
            ],
        ),
    )
    assert response.status_code == 302
    assert Offer.history.filter(id=offer.pk).count() == records_before + 1

    newest, *_ = entries(client, offer)
    assert "partner-alfa" in newest
    # The fields and lists in the order of the form, with the values the form shows.
    expected = [
        "Doelgroepen: leeg → Plegers, Systeem / omstanders",
        "Juridisch kader: leeg → Vrijwillig",
        "Duur: leeg → Zo lang als nodig",
        "Wachttijd in weken: leeg → 4",
        "Zelf aanmelden mogelijk (zonder huisarts): leeg → ja",
        "Werkgebied (gemeenten): leeg → Amsterdam, Diemen",
        "Posities: 3 posities toegevoegd, 1 verwijderd",
    ]
    positions = [newest.index(part) for part in expected]
    assert positions == sorted(positions), newest
    assert "Toegevoegd: Nazorg – Kindermishandeling; Nazorg – Ouderenmishandeling; " in newest
    assert "Preventie – Groepsgeweld" in newest
    assert "Verwijderd: Signalering – (Ex-)partnergeweld" in newest
    for raw in ["None", "zolang-nodig", "True", "False", "[", "–  →"]:
        assert raw not in newest, raw

    # The next save: one list entry less, a yes that becomes no, positions unchanged.
    client.post(
        f"{OFFERS}{offer.pk}/change/",
        offer_post_data(
            offer,
            target_groups=ids(TargetGroup, "plegers"),
            legal_frameworks=ids(LegalFramework, "vrijwillig"),
            municipalities=ids(Municipality, "amsterdam", "diemen"),
            duration=Offer.Duration.AS_LONG_AS_NEEDED,
            self_referral="false",
            waiting_weeks="4",
        ),
    )
    newest, previous, *_ = entries(client, offer)
    assert "Doelgroepen: Plegers, Systeem / omstanders → Plegers" in newest
    assert "Zelf aanmelden mogelijk (zonder huisarts): ja → nee" in newest
    assert "Posities" not in newest and "Werkgebied" not in newest and "Duur" not in newest
    assert "Posities: 3 posities toegevoegd, 1 verwijderd" in previous


def test_a_new_offer_shows_its_lists_and_positions_on_its_first_entry(client, world):
    client.force_login(world.partner)
    response = client.post(
        f"{OFFERS}add/",
        {
            "organisation": world.org_a.pk,
            "name": "Alfa Groep",
            "status": Offer.Status.DRAFT,
            "municipalities": ids(Municipality, "aalsmeer"),
            "positions": ["preventie__kindermishandeling"],
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(name="Alfa Groep")
    (created,) = entries(client, offer)
    assert "Aangemaakt" in created
    assert "Werkgebied (gemeenten): leeg → Aalsmeer" in created
    assert "Posities: 1 positie toegevoegd" in created


def test_removing_positions_only_says_how_many_were_removed(client, world):
    client.force_login(world.partner)
    client.post(f"{OFFERS}{world.offer_a.pk}/change/", offer_post_data(world.offer_a, positions=[]))
    newest, *_ = entries(client, world.offer_a)
    assert "Posities: 2 posities verwijderd" in newest


def test_a_deleted_offers_history_ends_with_its_deletion_and_its_positions(client, world):
    client.force_login(world.partner)
    client.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(world.offer_a, positions=["preventie__kindermishandeling"]),
    )
    client.post(f"{OFFERS}{world.offer_a.pk}/delete/", {"post": "yes"})
    deleted, changed, *_ = entries(client, world.offer_a)
    assert "Verwijderd" in deleted and "Posities: 1 positie verwijderd" in deleted
    # The last save keeps only what it did itself.
    assert "Posities: 1 positie verwijderd" in changed
    assert "Verwijderd: Signalering – (Ex-)partnergeweld" in changed


def test_a_list_changed_outside_a_save_gets_an_entry_of_its_own(client, world):
    records = Offer.history.filter(id=world.offer_a.pk).count()
    for slug in ["slachtoffers", "plegers"]:  # `set` removes, then adds: one entry for both
        Offer.objects.get(pk=world.offer_a.pk).target_groups.set(ids(TargetGroup, slug))
    assert Offer.history.filter(id=world.offer_a.pk).count() == records + 2
    client.force_login(world.partner)
    newest, previous, *_ = entries(client, world.offer_a)
    assert "Doelgroepen: Slachtoffers → Plegers" in newest
    assert "Doelgroepen: leeg → Slachtoffers" in previous


def test_offers_written_in_bulk_get_their_lists_from_the_list_change_after_them(world):
    (offer,) = bulk_create_with_history(
        [Offer(organisation=world.org_a, name="In bulk", slug="in-bulk")], Offer
    )
    offer = Offer.objects.get(slug="in-bulk")
    offer.municipalities.set(ids(Municipality, "uithoorn"))
    (record,) = Offer.history.filter(id=offer.pk)
    assert record.history_lists["municipalities"] == [
        [Municipality.objects.get(slug="uithoorn").pk, "Uithoorn"]
    ]
    assert record.history_lists["target_groups"] == []


def test_verifying_in_bulk_changes_no_list_in_the_history(client, world):
    offer = OfferFactory(organisation=world.org_a, name="Met lijsten", lists={"methods": ["top-3"]})
    client.force_login(world.partner)
    client.post(OFFERS, {"action": "mark_verified", "_selected_action": [offer.pk], "index": "0"})
    client.post(f"{OFFERS}{offer.pk}/change/", offer_post_data(offer, methods=ids_of(offer)))
    newest, verified, created = entries(client, offer)
    assert "Methoden" not in newest and "Methoden" not in verified
    assert "Laatst gecontroleerd: leeg → " in verified
    assert "Methoden: leeg → TOP-3" in created


def ids_of(offer) -> list[int]:
    return list(offer.methods.values_list("pk", flat=True))


def test_the_history_of_many_saves_costs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.partner)
    cells = ["preventie__kindermishandeling", "nazorg__kindermishandeling"]
    for number in range(30):
        client.post(
            f"{OFFERS}{world.offer_a.pk}/change/",
            offer_post_data(
                world.offer_a,
                waiting_weeks=str(number),
                target_groups=ids(TargetGroup, "plegers" if number % 2 else "slachtoffers"),
                positions=cells[: number % 2 + 1],
            ),
        )
    with django_assert_max_num_queries(14):
        response = client.get(f"{OFFERS}{world.offer_a.pk}/history/")
    assert response.status_code == 200
    assert response.content.decode().count("Posities:") == 31  # and the creation


# Viewing and reverting a version.


def changed_offer(client, world):
    """offer_b changed by the municipality: new name, lists and positions. Returns the
    version from before the change."""
    offer = world.offer_b
    Offer.objects.get(pk=offer.pk).target_groups.set(ids(TargetGroup, "plegers"))
    version = latest_version(offer)
    client.force_login(world.municipal)
    response = client.post(
        f"{OFFERS}{offer.pk}/change/",
        offer_post_data(
            offer,
            name="Bravo Traject Nieuw",
            target_groups=ids(TargetGroup, "slachtoffers"),
            municipalities=ids(Municipality, "amstelveen"),
            positions=["preventie__kindermishandeling", "nazorg__groepsgeweld"],
        ),
    )
    assert response.status_code == 302
    return version


def test_reverting_an_offer_restores_its_positions_and_lists(client, world):
    offer = world.offer_b
    version = changed_offer(client, world)
    url = f"{OFFERS}{offer.pk}/history/{version}/"

    response = client.get(url)
    content = response.content.decode()
    assert (
        "Terugzetten zet alles terug zoals het bij deze versie was: de gegevens, de posities"
        in (page_text(content))
    )
    checked = set(re.findall(r'name="positions" value="([^"]+)"[^>]*\bchecked\b', content))
    assert checked == {"nazorg__ouderenmishandeling"}
    form = response.context["adminform"].form
    assert [str(pk) for pk in form["target_groups"].value()] == [
        str(pk) for pk in ids(TargetGroup, "plegers")
    ]

    # Reverting posts the form as it was rendered (its version is the one saved now).
    response = client.post(url, rendered_form_data(response))
    assert response.status_code == 302, response.context["adminform"].form.errors
    offer.refresh_from_db()
    assert offer.name == "Bravo Traject"
    assert position_keys(offer) == ["nazorg__ouderenmishandeling"]
    assert list(offer.target_groups.values_list("slug", flat=True)) == ["plegers"]
    assert not offer.municipalities.exists()

    # The revert is one entry of its own, by the municipality.
    reverted, *_ = entries(client, offer)
    assert "coordinator" in reverted
    assert "Naam: Bravo Traject Nieuw → Bravo Traject" in reverted
    assert "Doelgroepen: Slachtoffers → Plegers" in reverted
    assert "Werkgebied (gemeenten): Amstelveen → leeg" in reverted
    assert "Posities: 1 positie toegevoegd, 2 verwijderd" in reverted


def test_the_history_page_says_that_a_revert_restores_positions_and_lists(client, world):
    client.force_login(world.municipal)
    content = page_text(client.get(f"{OFFERS}{world.offer_b.pk}/history/").content.decode())
    assert "Terugzetten naar een versie zet ook de posities en de lijsten terug" in content
    # A partner cannot revert; the page does not offer it.
    client.force_login(world.partner)
    content = page_text(client.get(f"{OFFERS}{world.offer_a.pk}/history/").content.decode())
    assert "Terugzetten" not in content


def test_a_version_without_recorded_lists_says_so_and_keeps_the_lists(client, world):
    offer = world.offer_b
    version = changed_offer(client, world)
    # Records from before the lists were recorded hold none.
    Offer.history.filter(history_id__lte=version).update(history_lists=None)
    url = f"{OFFERS}{offer.pk}/history/{version}/"
    response = client.get(url)
    text = page_text(response.content.decode())
    assert (
        "Welke lijsten (zoals doelgroepen, juridisch kader en werkgebied) deze versie had, is "
        in (text)
    )
    assert "die blijven zoals ze nu zijn" in text
    response = client.post(url, rendered_form_data(response))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert position_keys(offer) == ["nazorg__ouderenmishandeling"]
    assert list(offer.target_groups.values_list("slug", flat=True)) == ["slachtoffers"]


def test_a_partner_views_a_version_with_its_positions_but_cannot_revert(client, world):
    client.force_login(world.partner)
    version = latest_version(world.offer_a)
    client.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(world.offer_a, positions=["nazorg__kindermishandeling"]),
    )
    url = f"{OFFERS}{world.offer_a.pk}/history/{version}/"
    response = client.get(url)
    content = response.content.decode()
    assert "Zo was het aanbod bij deze versie, met de posities en de lijsten" in page_text(content)
    checked = set(re.findall(r'name="positions" value="([^"]+)"[^>]*\bchecked\b', content))
    assert checked == {"preventie__kindermishandeling", "signalering__ex-partnergeweld"}
    assert 'name="_save"' not in content
    positions = Position.objects.filter(offer=world.offer_a).count()
    assert client.post(url, rendered_form_data(response)).status_code == 403
    assert Position.objects.filter(offer=world.offer_a).count() == positions


def test_a_version_page_costs_a_bounded_number_of_queries(
    client, world, django_assert_max_num_queries
):
    version = changed_offer(client, world)
    for user in (world.municipal, make_partner(world.org_b, "partner-bravo")):
        client.force_login(user)
        with django_assert_max_num_queries(40):
            response = client.get(f"{OFFERS}{world.offer_b.pk}/history/{version}/")
        assert response.status_code == 200
