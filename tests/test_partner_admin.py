"""A partner keeps their own offer up to date in the admin; the municipality can do it all."""

import datetime
import html
import re

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from frameworks.models import Framework
from providers.models import Membership, Offer, Organisation, Position
from providers.verification import verification_cutoff
from tests.matrix_json import matrix_json
from tests.partner_admin_support import (
    build_world,
    make_municipal_user,
    make_partner,
    offer_post_data,
    organisation_post_data,
    position_keys,
    saved_version,
)

world = pytest.fixture(build_world, name="world")

OFFERS = "/beheer/providers/offer/"
ORGANISATIONS = "/beheer/providers/organisation/"


def checked_cells(content: str) -> set[str]:
    return set(re.findall(r'name="positions" value="([^"]+)"[^>]*\bchecked\b', content))


def page_text(content: str) -> str:
    """The text of a page as a reader sees it: no tags, entities resolved, spaces collapsed."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", content)).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text)


def matrix_cell(client, phase, violence_type):
    payload = matrix_json(client.get("/api/kaart/hgkm/"))
    return next(
        cell
        for cell in payload["cells"]
        if cell["phase"] == phase and cell["violence_type"] == violence_type
    )


# The position grid.


def test_the_offer_form_shows_positions_as_a_labelled_checkbox_grid(client, world):
    client.force_login(world.partner)
    response = client.get(f"{OFFERS}{world.offer_a.pk}/change/")
    content = response.content.decode()
    assert response.status_code == 200
    # One table per framework, phases as rows and violence types as columns.
    assert "<caption>Huiselijk geweld en kindermishandeling</caption>" in content
    assert "<caption>Seksueel geweld</caption>" in content
    assert content.count('name="positions"') == 6 * 6 + 6 * 7
    assert '<th scope="row">Preventie</th>' in content
    assert '<th scope="col">Ouderenmishandeling</th>' in content
    # Every checkbox has its own label for screen readers.
    assert (
        '<label for="id_positions_preventie__kindermishandeling" class="visually-hidden">'
        "Preventie – Kindermishandeling</label>"
    ) in content
    assert checked_cells(content) == {
        "preventie__kindermishandeling",
        "signalering__ex-partnergeweld",
    }
    # Not a multi-select nor an inline; styles come from a stylesheet, no inline style/script.
    assert '<select name="positions"' not in content
    assert "positions-TOTAL_FORMS" not in content
    assert "css/admin-grid.css" in content
    grid = content[content.index('class="position-grid-editor"') :]
    grid = grid[: grid.index("</div>")]
    assert "style=" not in grid and "<script" not in grid


def test_the_grid_round_trips(client, world):
    client.force_login(world.partner)
    wanted = ["signalering__ouderenmishandeling", "nazorg__groepsgeweld"]
    response = client.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(world.offer_a, positions=wanted + ["preventie__kindermishandeling"]),
    )
    assert response.status_code == 302
    assert sorted(position_keys(world.offer_a)) == sorted(
        wanted + ["preventie__kindermishandeling"]
    )

    response = client.post(
        f"{OFFERS}{world.offer_a.pk}/change/", offer_post_data(world.offer_a, positions=wanted)
    )
    assert response.status_code == 302
    assert sorted(position_keys(world.offer_a)) == sorted(wanted)

    content = client.get(f"{OFFERS}{world.offer_a.pk}/change/").content.decode()
    assert checked_cells(content) == set(wanted)


def test_an_unknown_cell_is_a_form_error_and_saves_nothing(client, world):
    client.force_login(world.partner)
    before = sorted(position_keys(world.offer_a))
    response = client.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(world.offer_a, positions=["preventie__bestaat-niet"]),
    )
    assert response.status_code == 200
    assert "positions" in response.context["adminform"].form.errors
    assert sorted(position_keys(world.offer_a)) == before


def test_a_partners_edit_shows_on_the_public_matrix_and_in_history_with_their_name(client, world):
    assert "alfa-hulp" not in {
        o["slug"] for o in matrix_cell(client, "nazorg", "ouderenmishandeling")["organisations"]
    }

    client.force_login(world.partner)
    response = client.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(
            world.offer_a,
            description="Nu ook nazorg.",
            positions=["preventie__kindermishandeling", "nazorg__ouderenmishandeling"],
        ),
    )
    assert response.status_code == 302
    client.logout()

    # The public matrix shows it at once.
    cell = matrix_cell(client, "nazorg", "ouderenmishandeling")
    assert "alfa-hulp" in {o["slug"] for o in cell["organisations"]}
    removed = matrix_cell(client, "signalering", "ex-partnergeweld")
    assert "alfa-hulp" not in {o["slug"] for o in removed["organisations"]}

    # The history keeps who changed what.
    latest = Offer.history.filter(id=world.offer_a.pk).latest("history_date")
    assert latest.history_user == world.partner
    assert latest.description == "Nu ook nazorg."
    position_changes = Position.history.filter(
        offer_id=world.offer_a.pk, history_user=world.partner
    )
    assert {(r.history_type, r.phase.slug, r.violence_type.slug) for r in position_changes} == {
        ("+", "nazorg", "ouderenmishandeling"),
        ("-", "signalering", "ex-partnergeweld"),
    }
    client.force_login(world.partner)
    history = client.get(f"{OFFERS}{world.offer_a.pk}/history/").content.decode()
    assert "partner-alfa" in history
    assert "Nazorg – Ouderenmishandeling" in history
    assert "toegevoegd" in history and "verwijderd" in history


# A partner's own data.


def test_a_partner_adds_an_offer_for_their_own_organisation(client, world):
    client.force_login(world.partner)
    form = client.get(f"{OFFERS}add/").content.decode()
    assert "Alfa Hulp" in form and "Bravo Zorg" not in form
    response = client.post(
        f"{OFFERS}add/",
        {
            "organisation": world.org_a.pk,
            "name": "Bravo Traject",  # the same name as B's offer: gets its own address
            "status": Offer.Status.PUBLISHED,
            "positions": ["herstelgerichte-zorg__ouderenmishandeling"],
            "verified": "on",
        },
    )
    assert response.status_code == 302
    offer = Offer.objects.get(organisation=world.org_a, name="Bravo Traject")
    assert offer.slug == "bravo-traject-2"
    assert offer.last_verified == timezone.localdate()
    assert position_keys(offer) == ["herstelgerichte-zorg__ouderenmishandeling"]
    assert offer.history.get().history_user == world.partner


def test_a_partner_corrects_role_and_contact_of_their_organisation_but_not_the_rest(client, world):
    client.force_login(world.partner)
    form = client.get(f"{ORGANISATIONS}{world.org_a.pk}/change/").content.decode()
    for editable in ["description", "role", "phone", "email", "website"]:
        assert f'name="{editable}"' in form
    # The role's choices are explained beside it.
    assert "Verwijzer: verwijst plegers naar hulp." in form
    for protected in ["slug", "members", "source", "report_labels"]:
        assert f'name="{protected}"' not in form
    assert "memberships-TOTAL_FORMS" not in form  # no memberships inline
    assert "Gebruiker uitnodigen" not in form

    response = client.post(
        f"{ORGANISATIONS}{world.org_a.pk}/change/",
        organisation_post_data(
            world.org_a,
            description="Wij helpen plegers in Amstelveen.",
            role=Organisation.Role.BOTH,
            phone="020 555 12 34",
            email="info@alfa.example",
            website="alfa.example",
            # Protected fields: the posted values are ignored.
            slug="gekaapt",
            members=[world.org_b.pk],
            source="demo",
            report_labels="Gekaapt",
        ),
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.description == "Wij helpen plegers in Amstelveen."
    assert world.org_a.role == Organisation.Role.BOTH
    assert (world.org_a.phone, world.org_a.email, world.org_a.website) == (
        "020 555 12 34",
        "info@alfa.example",
        "https://alfa.example",
    )
    assert world.org_a.slug == "alfa-hulp"
    assert world.org_a.source == "partner" and world.org_a.report_labels == ""
    assert not world.org_a.members.exists()

    # The organisation's history says who changed what, as the form names it.
    latest = Organisation.history.filter(id=world.org_a.pk).latest("history_date")
    assert latest.history_user == world.partner
    history = client.get(f"{ORGANISATIONS}{world.org_a.pk}/history/").content.decode()
    text = page_text(history)
    assert "Rol: Aanbieder → Aanbieder en verwijzer" in text
    assert "Telefoon: leeg → 020 555 12 34" in text
    assert "E-mail: leeg → info@alfa.example" in text
    assert "Website: leeg → https://alfa.example" in text
    assert "partner-alfa" in text


def test_the_municipality_reverts_a_partners_role_change_from_the_version_page(client, world):
    version = Organisation.history.filter(id=world.org_a.pk).latest("history_date").history_id
    client.force_login(world.partner)
    client.post(
        f"{ORGANISATIONS}{world.org_a.pk}/change/",
        organisation_post_data(world.org_a, role=Organisation.Role.REFERRER),
    )
    client.force_login(world.municipal)
    url = f"{ORGANISATIONS}{world.org_a.pk}/history/{version}/"
    form = client.get(url).context["adminform"].form
    # The page carries the version saved now (a historical record keeps none of its own).
    assert form["loaded_version"].value() == saved_version(world.org_a)
    data = {name: form[name].value() or "" for name in form.fields if name != "members"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.org_a.refresh_from_db()
    assert world.org_a.role == Organisation.Role.PROVIDER


def test_a_partner_with_two_organisations_manages_both_and_nothing_else(client, world):
    second = Organisation.objects.create(name="Charlie Netwerk", slug="charlie", role="beide")
    Membership.objects.create(user=world.partner, organisation=second)
    client.force_login(world.partner)
    content = client.get(ORGANISATIONS).content.decode()
    assert "Alfa Hulp" in content and "Charlie Netwerk" in content and "Bravo Zorg" not in content
    response = client.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(world.offer_a, organisation=second.pk),
    )
    assert response.status_code == 302
    world.offer_a.refresh_from_db()
    assert world.offer_a.organisation == second


def test_a_partner_deletes_their_own_offer(client, world):
    client.force_login(world.partner)
    response = client.post(f"{OFFERS}{world.offer_a.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Offer.objects.filter(pk=world.offer_a.pk).exists()
    assert Offer.history.filter(id=world.offer_a.pk, history_type="-").get().history_user == (
        world.partner
    )
    # The history of the deleted offer stays readable for its own organisation only.
    assert client.get(f"{OFFERS}{world.offer_a.pk}/history/").status_code == 200


def test_a_partner_reads_but_cannot_revert_their_history(client, world):
    client.force_login(world.partner)
    url = f"{OFFERS}{world.offer_a.pk}/history/{world.offer_a_version}/"
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()  # no revert button
    assert client.post(url, offer_post_data(world.offer_a, name="Oud")).status_code == 403


def test_partners_only_see_reference_lists_and_never_management_lists(client, world):
    client.force_login(world.partner)
    content = client.get("/beheer/").content.decode()
    for visible in ["Aanbod", "Organisaties", "Methoden"]:
        assert visible in content
    for hidden in ["Lidmaatschappen", "Gebruikers", "Groepen", "Analysekaders", "Fasen"]:
        assert hidden not in content
    methods = client.get("/beheer/providers/method/")
    assert methods.status_code == 200
    assert "Voeg methode toe" not in methods.content.decode()


# Verified, not just saved.


def test_gegevens_gecontroleerd_checkbox_and_action_set_last_verified(client, world):
    client.force_login(world.partner)
    client.post(
        f"{OFFERS}{world.offer_a.pk}/change/", offer_post_data(world.offer_a, verified="on")
    )
    world.offer_a.refresh_from_db()
    assert world.offer_a.last_verified == timezone.localdate()

    second = Offer.objects.create(organisation=world.org_a, name="Tweede", slug="tweede")
    response = client.post(
        OFFERS, {"action": "mark_verified", "_selected_action": [second.pk], "index": "0"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.last_verified == timezone.localdate()
    assert second.history.latest("history_date").history_user == world.partner


def test_a_partners_start_page_lists_their_offers_and_warns_about_old_ones(client, world):
    today = timezone.localdate()
    Offer.objects.filter(pk=world.offer_a.pk).update(
        last_verified=verification_cutoff(today) - datetime.timedelta(days=1)
    )
    fresh = Offer.objects.create(
        organisation=world.org_a, name="Vers Aanbod", slug="vers", last_verified=today
    )
    client.force_login(world.partner)
    content = client.get("/beheer/").content.decode()
    assert "Uw aanbod" in content
    assert "Alfa Training" in content and "Vers Aanbod" in content
    assert "Let op: 1 aanbieding niet gecontroleerd in de afgelopen 12 maanden" in content
    own_offers = content[content.index('id="own-offers"') :]
    row = own_offers[own_offers.index("Alfa Training") :]
    assert "controle nodig" in row[: row.index("</tr>")]
    row = own_offers[own_offers.index(fresh.name) :]
    assert "controle nodig" not in row[: row.index("</tr>")]
    for secret in world.secrets:
        assert secret not in content
    assert "Recente wijzigingen" not in content


def test_the_municipality_sees_recent_changes_and_unverified_entries(client, world):
    client.force_login(world.partner)
    client.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(world.offer_a, name="Alfa Training Plus"),
    )
    Offer.objects.filter(pk=world.offer_b.pk).update(last_verified=timezone.localdate())

    client.force_login(world.municipal)
    content = client.get("/beheer/").content.decode()
    recent = content[content.index("Recente wijzigingen") : content.index('id="overdue-offers"')]
    assert "Alfa Training Plus" in recent
    assert "Pien Partner" in recent
    overdue = content[content.index('id="overdue-offers"') :]
    assert "Niet gecontroleerd in 12 maanden" in overdue
    assert "Alfa Training Plus" in overdue and "Bravo Concept" in overdue
    assert "Bravo Traject" not in overdue


def test_verification_cutoff_is_twelve_months_back():
    assert verification_cutoff(datetime.date(2025, 6, 15)) == datetime.date(2024, 6, 15)
    assert verification_cutoff(datetime.date(2024, 2, 29)) == datetime.date(2023, 2, 28)
    assert verification_cutoff(datetime.date(2025, 1, 31)) == datetime.date(2024, 1, 31)


# The municipality (Gemeente, not a superuser) can do all of it.


def test_a_municipal_user_manages_every_organisation(client, world):
    assert not world.municipal.is_superuser
    client.force_login(world.municipal)

    content = client.get(f"{OFFERS}?q=Bravo").content.decode()
    assert "Bravo Traject" in content and "Bravo Concept" in content
    autocomplete = client.get(
        "/beheer/autocomplete/",
        {
            "app_label": "providers",
            "model_name": "offer",
            "field_name": "organisation",
            "term": "Br",
        },
    ).json()
    assert [r["text"] for r in autocomplete["results"]] == ["Bravo Zorg"]

    response = client.post(
        f"{OFFERS}{world.offer_b.pk}/change/",
        offer_post_data(
            world.offer_b, name="Bravo Traject Nieuw", positions=["nazorg__groepsgeweld"]
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.offer_b.refresh_from_db()
    assert world.offer_b.name == "Bravo Traject Nieuw"
    assert position_keys(world.offer_b) == ["nazorg__groepsgeweld"]

    # Revert to the version before the change: the form comes filled with the old version,
    # and reverting adds a new version; the existing history stays as it was.
    history_before = list(Offer.history.filter(id=world.offer_b.pk).values())
    version_url = f"{OFFERS}{world.offer_b.pk}/history/{world.offer_b_version}/"
    form = client.get(version_url).content.decode()
    assert 'value="Bravo Traject"' in form and 'name="_save"' in form
    response = client.post(
        version_url,
        offer_post_data(
            world.offer_b,
            name="Bravo Traject",
            positions=["nazorg__groepsgeweld"],
            _change_history="1",  # editing history itself is off: this is ignored
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    world.offer_b.refresh_from_db()
    assert world.offer_b.name == "Bravo Traject"
    history_after = list(Offer.history.filter(id=world.offer_b.pk).values())
    assert len(history_after) == len(history_before) + 1
    assert all(row in history_after for row in history_before)
    reverted = Offer.history.filter(id=world.offer_b.pk).latest("history_date")
    assert reverted.history_user == world.municipal
    # History has no admin pages of its own, so it cannot be edited or deleted there.
    assert client.get("/beheer/providers/historicaloffer/").status_code == 404

    response = client.post(
        f"{ORGANISATIONS}{world.org_b.pk}/change/",
        organisation_post_data(world.org_b, role=Organisation.Role.REFERRER),
    )
    assert response.status_code == 302
    world.org_b.refresh_from_db()
    assert world.org_b.role == Organisation.Role.REFERRER

    response = client.post(f"{OFFERS}{world.draft_b.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Offer.objects.filter(pk=world.draft_b.pk).exists()

    hgkm = Framework.objects.get(slug="hgkm")
    assert client.get("/beheer/frameworks/framework/").status_code == 200
    response = client.post(
        f"/beheer/frameworks/framework/{hgkm.pk}/change/",
        {
            "name": hgkm.name,
            "slug": hgkm.slug,
            "description": hgkm.description,
            "thin_threshold": "3",
            "order": hgkm.order,
            "violence_types-TOTAL_FORMS": "0",
            "violence_types-INITIAL_FORMS": "0",
            "violence_types-MIN_NUM_FORMS": "0",
            "violence_types-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    hgkm.refresh_from_db()
    assert hgkm.thin_threshold == 3

    response = client.post(
        "/beheer/providers/membership/add/",
        {"user": world.partner.pk, "organisation": world.org_b.pk},
    )
    assert response.status_code == 302
    for url in ["/beheer/auth/user/", "/beheer/auth/group/", "/beheer/providers/membership/"]:
        assert client.get(url).status_code == 200


def test_roles_rest_on_permissions_not_on_group_names(client, world):
    Group.objects.filter(name="Partner").update(name="Aanbieders")
    Group.objects.filter(name="Gemeente").update(name="Coördinatoren")
    client.force_login(world.partner)
    assert client.get(f"{OFFERS}{world.offer_b.pk}/change/").status_code == 404
    assert client.get(f"{OFFERS}{world.offer_a.pk}/change/").status_code == 200
    client.force_login(world.municipal)
    assert client.get(f"{OFFERS}{world.offer_b.pk}/change/").status_code == 200


def test_the_groups_carry_the_documented_permissions(db):
    partner = set(Group.objects.get(name="Partner").permissions.values_list("codename", flat=True))
    assert {"view_organisation", "change_organisation", "add_offer", "delete_position"} <= partner
    assert {"view_method", "view_municipality"} <= partner
    assert not {"add_organisation", "delete_organisation", "view_membership"} & partner
    assert (
        not {"change_method", "view_framework", "view_user", "manage_all_organisations"} & partner
    )
    municipality = Group.objects.get(name="Gemeente").permissions
    for codename in ["manage_all_organisations", "change_framework", "add_user", "change_group"]:
        assert municipality.filter(codename=codename).exists()


# Query counts stay flat as the data grows.

PAGE_BUDGETS = {
    "offer changelist": (lambda offer: OFFERS, 10),
    "offer changelist filtered": (
        lambda offer: f"{OFFERS}?gecontroleerd=verlopen&status__exact=gepubliceerd",
        10,
    ),
    "offer changelist search": (lambda offer: f"{OFFERS}?q=Budget", 10),
    "organisation changelist": (lambda offer: ORGANISATIONS, 10),
    # The municipality's start page also reads completeness, logins, reminders and the
    # grouped history (tests/test_start_page.py).
    "start page": (lambda offer: "/beheer/", 18),
    "offer change form": (lambda offer: f"{OFFERS}{offer.pk}/change/", 30),
    "offer add form": (lambda offer: f"{OFFERS}add/", 30),
    "offer history": (lambda offer: f"{OFFERS}{offer.pk}/history/", 14),
}


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("role", ["partner", "municipality"])
@pytest.mark.parametrize("page", PAGE_BUDGETS.values(), ids=PAGE_BUDGETS.keys())
def test_admin_pages_have_bounded_query_counts(
    client, many_offers, django_assert_max_num_queries, count, role, page
):
    url, budget = page
    organisations, offers = many_offers(count)
    if role == "partner":
        user = make_partner(organisations[0], "budget-partner")
    else:
        user = make_municipal_user()
    client.force_login(user)
    with django_assert_max_num_queries(budget):
        response = client.get(url(offers[0]))
    assert response.status_code == 200
