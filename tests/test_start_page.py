"""The admin start page says what is missing: a partner's checklist per offer with one click to
confirm everything, the municipality's completeness per organisation (sortable, to Excel),
the organisations that never logged in, and recent changes with a bulk load as one line."""

import datetime
import re
from io import BytesIO

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from simple_history.utils import bulk_create_with_history

from providers import services
from providers.completeness import PARTS
from providers.models import Membership, Offer, Organisation, VerificationReminder
from providers.verification import verification_cutoff
from tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OfferFactory,
    OrganisationFactory,
    TargetGroupFactory,
    UserFactory,
)
from tests.partner_admin_support import (
    build_world,
    make_municipal_user,
    make_partner,
    offer_post_data,
    snapshot,
)

world = pytest.fixture(build_world, name="world")

START = "/beheer/"
OFFERS = "/beheer/providers/offer/"
ORGANISATIONS = "/beheer/providers/organisation/"
EXPORT = f"{ORGANISATIONS}volledigheid.xlsx"
# The start page's queries, whatever the amount of data: session, user, permissions (2),
# Django's recent actions, and for the municipality the completeness (2), the overdue
# entries (2) and the recent changes (at most 7).
START_PAGE_BUDGET = 18


def confirm_url(organisation) -> str:
    return f"{ORGANISATIONS}{organisation.pk}/bevestigen/"


def section(content: str, element_id: str) -> str:
    start = content.index(f'id="{element_id}"')
    end = content.find("</section>", start)
    return content[start:end]


def checklist_of(content: str, offer_name: str) -> str:
    start = content.index(f">{offer_name}</a></h3>")
    return content[start : content.index("</li>\n      \n", start)]


def complete(offer, **values):
    """Fill in every part of the checklist of `offer`."""
    offer.phone = "020 123 45 67"
    offer.capacity_per_year = 40
    offer.current_occupancy = 30
    offer.waiting_weeks = 3
    offer.last_verified = timezone.localdate()
    for name, value in values.items():
        setattr(offer, name, value)
    offer.save()
    offer.municipalities.add(MunicipalityFactory(name="Diemen", slug="diemen"))
    offer.target_groups.add(TargetGroupFactory(name="Volwassenen", slug="volwassenen"))


# The partner's checklist.


def test_a_partner_sees_per_offer_what_a_referrer_would_miss_with_links_to_the_fields(
    client, world
):
    # Alfa Training has positions and a waiting time; the rest is missing.
    Offer.objects.filter(pk=world.offer_a.pk).update(waiting_weeks=2)
    second = OfferFactory(organisation=world.org_a, name="Alfa Groep", slug="alfa-groep")
    complete(second)
    client.force_login(world.partner)
    content = client.get(START).content.decode()

    own = section(content, f"organisation-{world.org_a.pk}-heading")
    assert "Uw aanbod: Alfa Hulp" in own
    # 2 of 7 parts in Alfa Training, 6 of 7 in Alfa Groep (no positions): 8 of 14.
    assert "8 van 14 onderdelen ingevuld" in own and "(57%)" in own

    training = checklist_of(content, "Alfa Training")
    assert "2 van 7 onderdelen ingevuld" in training
    change = f"{OFFERS}{world.offer_a.pk}/change/"
    for missing in ["phone", "municipalities", "target_groups", "capacity_per_year", "verified"]:
        assert f'href="{change}#field-row-{missing}"' in training
    assert "#field-row-waiting_weeks" not in training and "#field-row-positions" not in training
    assert "ontbreekt: telefoon of e-mailadres" in training
    assert 'Posities<span class="visually-hidden"> (ingevuld)</span>' in training

    groep = checklist_of(content, "Alfa Groep")
    assert "6 van 7 onderdelen ingevuld" in groep
    assert re.findall(r'href="[^"]*#field-row-(\w+)"', groep) == ["positions"]

    for secret in world.secrets:
        assert secret not in content


def test_every_checklist_link_lands_on_a_row_of_the_offer_form(client, world):
    client.force_login(world.partner)
    form = client.get(f"{OFFERS}{world.offer_a.pk}/change/").content.decode()
    for part in PARTS:
        assert f'id="field-row-{part.field}"' in form, part.key
    # Only the form's own rows get ids: no inline or second fieldset repeats one.
    ids = re.findall(r'id="(field-row-[^"]+)"', form)
    assert len(ids) == len(set(ids))


def test_the_organisations_phone_counts_as_the_offers_contact(client, world):
    client.force_login(world.partner)
    assert "#field-row-phone" in checklist_of(client.get(START).content.decode(), "Alfa Training")
    Organisation.objects.filter(pk=world.org_a.pk).update(email="info@alfa.example")
    assert "#field-row-phone" not in checklist_of(
        client.get(START).content.decode(), "Alfa Training"
    )


def test_an_archived_offer_is_listed_but_does_not_count(client, world):
    complete(world.offer_a)
    OfferFactory(organisation=world.org_a, name="Oud", slug="oud", status=Offer.Status.ARCHIVED)
    client.force_login(world.partner)
    content = client.get(START).content.decode()
    assert "7 van 7 onderdelen ingevuld</strong> (100%)" in content
    assert "Gearchiveerd: verwijzers zien dit aanbod niet" in checklist_of(content, "Oud")


def test_a_partner_of_two_organisations_gets_a_figure_and_a_button_for_each(client, world):
    second = OrganisationFactory(name="Charlie Netwerk", slug="charlie")
    Membership.objects.create(user=world.partner, organisation=second)
    empty = OrganisationFactory(name="Delta Leeg", slug="delta")
    Membership.objects.create(user=world.partner, organisation=empty)
    OfferFactory(organisation=second, name="Charlie Hulp", slug="charlie-hulp")
    client.force_login(world.partner)
    content = client.get(START).content.decode()
    assert "Uw aanbod: Alfa Hulp" in content and "Uw aanbod: Charlie Netwerk" in content
    assert f'action="{confirm_url(world.org_a)}"' in content
    assert f'action="{confirm_url(second)}"' in content
    # Nothing to confirm without offers; the way to add one instead.
    assert f'action="{confirm_url(empty)}"' not in content
    assert "Delta Leeg heeft nog geen aanbod." in content


# "Gegevens zijn nog juist".


def test_one_click_confirms_all_offers_of_the_organisation(client, world):
    old = datetime.date(2023, 1, 1)
    draft = OfferFactory(
        organisation=world.org_a, name="Alfa Concept", slug="alfa-concept", status="concept"
    )
    Offer.objects.filter(organisation=world.org_a).update(last_verified=old)
    Offer.objects.filter(organisation=world.org_b).update(last_verified=old)
    versions = dict(Offer.objects.values_list("pk", "version"))
    client.force_login(world.partner)
    content = client.get(START).content.decode()
    form = content[content.index(f'action="{confirm_url(world.org_a)}"') :]
    form = form[: form.index("</form>")]
    assert 'name="csrfmiddlewaretoken"' in form
    assert "Gegevens zijn nog juist" in form

    response = client.post(confirm_url(world.org_a))
    assert response.status_code == 302 and response.url == START
    today = timezone.localdate()
    for offer in [world.offer_a, draft]:
        offer.refresh_from_db()
        assert offer.last_verified == today
        # A form loaded before the confirmation may not write the old date back.
        assert offer.version == versions[offer.pk] + 1
        latest = offer.history.latest("history_date")
        assert latest.history_user == world.partner
        assert latest.last_verified == today
        assert latest.history_change_reason == services.CONFIRMED_REASON
    assert set(
        Offer.objects.filter(organisation=world.org_b).values_list("last_verified", flat=True)
    ) == {old}
    assert Offer.objects.filter(organisation=world.org_b, version__gt=1).count() == 0

    page = client.get(START).content.decode()
    assert "De gegevens van Alfa Hulp zijn bevestigd: 2 aanbiedingen" in page
    assert "controle nodig" not in page


def test_a_form_loaded_before_the_confirmation_is_refused(client, world):
    client.force_login(world.partner)
    stale = offer_post_data(world.offer_a, description="Oude invoer")
    client.post(confirm_url(world.org_a))
    response = client.post(f"{OFFERS}{world.offer_a.pk}/change/", stale)
    assert response.status_code == 200
    assert "Iemand anders heeft dit aanbod intussen gewijzigd" in response.content.decode()
    world.offer_a.refresh_from_db()
    assert world.offer_a.description != "Oude invoer"


def test_confirming_another_organisation_is_404_and_changes_nothing(client, world):
    client.force_login(world.partner)
    before = snapshot()
    assert client.post(confirm_url(world.org_b)).status_code == 404
    assert client.post(f"{ORGANISATIONS}999999/bevestigen/").status_code == 404
    assert client.post(f"{ORGANISATIONS}geen-getal/bevestigen/").status_code == 404
    # Only a POST confirms; a link (GET) changes nothing.
    assert client.get(confirm_url(world.org_a)).status_code == 405
    assert snapshot() == before


def test_confirming_needs_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.partner)
    before = snapshot()
    assert client.post(confirm_url(world.org_a)).status_code == 403
    assert snapshot() == before


def test_the_municipality_confirms_for_any_organisation(client, world):
    client.force_login(world.municipal)
    assert client.post(confirm_url(world.org_b)).status_code == 302
    world.offer_b.refresh_from_db()
    assert world.offer_b.last_verified == timezone.localdate()


# The municipality's overview.


def rows_of(content: str) -> list[str]:
    table = section(content, "completeness-heading")
    return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a></th>', table)


def test_the_municipality_sees_completeness_per_organisation_sortable(client, world):
    complete(world.offer_b)  # Bravo: 7 of 7 plus 2 of 7 for the draft (positions, contact?)
    OrganisationFactory(name="Charlie Leeg", slug="charlie")
    client.force_login(world.municipal)
    content = client.get(START).content.decode()
    table = section(content, "completeness-heading")
    assert "Volledigheid per organisatie" in table
    assert "<strong>14%</strong>" in table and "1 van 7 onderdelen ingevuld" in table  # Alfa
    assert "<strong>57%</strong>" in table and "8 van 14 onderdelen ingevuld" in table  # Bravo
    assert "geen aanbod" in table
    # The least complete first; without offers last, whatever the direction.
    assert rows_of(content) == ["Alfa Hulp", "Bravo Zorg", "Charlie Leeg"]
    assert 'aria-sort="ascending"' in table
    assert rows_of(client.get(START, {"sorteer": "-volledigheid"}).content.decode()) == [
        "Bravo Zorg",
        "Alfa Hulp",
        "Charlie Leeg",
    ]
    by_name = client.get(START, {"sorteer": "-naam"}).content.decode()
    assert rows_of(by_name) == ["Charlie Leeg", "Bravo Zorg", "Alfa Hulp"]
    assert 'aria-sort="descending"' in by_name
    # Unknown sort values fall back to the default.
    assert rows_of(client.get(START, {"sorteer": "<script>"}).content.decode())[0] == "Alfa Hulp"


def test_the_municipality_sees_who_never_logged_in(client, world):
    MembershipFactory(organisation=world.org_b, user=UserFactory(username="nooit", password=None))
    OrganisationFactory(name="Charlie Zonder", slug="charlie")
    Client().force_login(world.partner)  # sets the partner's last_login
    client.force_login(world.municipal)
    never = section(client.get(START).content.decode(), "never-logged-in-heading")
    assert "Bravo Zorg</a> – 1 account, nooit ingelogd" in never
    assert "Charlie Zonder</a> – geen accounts" in never
    assert "Alfa Hulp" not in never


def test_the_overview_downloads_as_excel_in_the_chosen_order(client, world):
    OrganisationFactory(name='=HYPERLINK("http://kwaad.example")', slug="kwaad")
    complete(world.offer_b)
    client.force_login(world.municipal)
    response = client.get(EXPORT, {"sorteer": "naam"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "Organisatie",
        "Rol",
        "Aanbod",
        "Onderdelen ingevuld",
        "Onderdelen totaal",
        "Percentage",
    )
    names = [row[0] for row in rows[1:]]
    assert names == ['=HYPERLINK("http://kwaad.example")', "Alfa Hulp", "Bravo Zorg"]
    bravo = rows[3]
    assert bravo[2:6] == (2, 8, 14, 0.57)
    # Text that looks like a formula stays text.
    assert sheet["A2"].data_type == "s"


def test_a_partner_cannot_download_the_overview(client, world):
    client.force_login(world.partner)
    assert client.get(EXPORT).status_code == 403


def test_the_municipality_sees_when_each_organisation_was_last_reminded(client, world):
    sent = timezone.make_aware(datetime.datetime(2026, 3, 4, 9, 30))
    VerificationReminder.objects.create(
        organisation=world.org_a,
        sent_at=sent - datetime.timedelta(days=40),
        recipient_count=1,
        offer_count=1,
    )
    VerificationReminder.objects.create(
        organisation=world.org_a, sent_at=sent, recipient_count=1, offer_count=1
    )
    client.force_login(world.municipal)
    table = section(client.get(START).content.decode(), "completeness-heading")
    alfa = table[table.index("Alfa Hulp") :]
    assert "4 maart 2026" in alfa[: alfa.index("</tr>")]
    bravo = table[table.index("Bravo Zorg") :]
    assert "nooit" in bravo[: bravo.index("</tr>")]

    changelist = client.get(ORGANISATIONS).content.decode()
    assert "Laatst herinnerd" in changelist and "4 maart 2026 09:30" in changelist
    form = client.get(f"{ORGANISATIONS}{world.org_a.pk}/change/").content.decode()
    assert "4 maart 2026 09:30" in form
    # Partners do not see it.
    client.force_login(world.partner)
    assert "herinnerd" not in client.get(ORGANISATIONS).content.decode()


# Recent changes: a bulk load is one line.


def recent(content: str) -> str:
    return section(content, "recent-changes-heading")


def test_the_baseline_load_is_one_line_not_409(client, baseline, django_assert_max_num_queries):
    organisation = Organisation.objects.get(slug="veilig-thuis")
    partner = make_partner(organisation, "partner-vt")
    offer = organisation.offers.first()
    client.force_login(partner)
    client.post(
        f"{OFFERS}{offer.pk}/change/",
        offer_post_data(offer, name="Veilig Thuis Advies", positions=["nazorg__groepsgeweld"]),
    )
    client.force_login(make_municipal_user())
    with django_assert_max_num_queries(START_PAGE_BUDGET):
        content = client.get(START).content.decode()
    changes = recent(content)
    assert changes.count("<tr") == 1 + changes.count("</tr>") - 1  # sanity: a table
    assert (
        f"Basisgegevens 2023 geladen: {baseline.positions} posities, "
        f"{baseline.offers} aanbiedingen en {baseline.organisations} organisaties"
    ) in changes
    assert changes.count("Basisgegevens 2023 geladen") == 1
    assert changes.count("Positie toegevoegd") <= 1  # the partner's own cell
    assert "Aanbod gewijzigd: <a" in changes and "Veilig Thuis Advies" in changes
    assert "Pien Partner" in changes


def test_a_bulk_by_a_person_is_one_line_with_their_name_and_reason(client, world):
    for index in range(6):
        OfferFactory(organisation=world.org_a, name=f"Extra {index}", slug=f"extra-{index}")
    services.offers_mark_verified(
        offers=Offer.objects.filter(organisation=world.org_a), user=world.municipal
    )
    client.force_login(world.municipal)
    changes = recent(client.get(START).content.decode())
    assert "Gegevens gecontroleerd: 7 aanbiedingen gewijzigd" in changes
    assert "Gea Gemeente" in changes
    assert "Aanbod gewijzigd" not in changes


def test_a_few_changes_at_once_stay_separate_lines(client, world):
    client.force_login(world.partner)
    client.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(
            world.offer_a,
            positions=[
                "preventie__kindermishandeling",
                "nazorg__groepsgeweld",
                "signalering__ouderenmishandeling",
            ],
        ),
    )
    client.force_login(world.municipal)
    changes = recent(client.get(START).content.decode())
    assert "Nazorg – Groepsgeweld" in changes and "Signalering – Ouderenmishandeling" in changes


@pytest.mark.parametrize("role", ["partner", "municipality"])
def test_the_start_page_has_bounded_queries_with_history(
    client, baseline, django_assert_max_num_queries, role
):
    organisations = list(Organisation.objects.order_by("name")[:3])
    for organisation in organisations:
        services.organisation_confirm_offers(
            organisation=organisation, user=make_municipal_user(f"g-{organisation.pk}")
        )
        VerificationReminder.objects.create(
            organisation=organisation, sent_at=timezone.now(), recipient_count=1, offer_count=1
        )
    if role == "partner":
        user = make_partner(organisations[0], "budget-partner")
        Membership.objects.create(user=user, organisation=organisations[1])
    else:
        user = make_municipal_user()
    client.force_login(user)
    with django_assert_max_num_queries(START_PAGE_BUDGET):
        response = client.get(START, {"sorteer": "-herinnerd"})
    assert response.status_code == 200


def test_the_overdue_warning_counts_per_organisation(client, world):
    Offer.objects.filter(pk=world.offer_a.pk).update(
        last_verified=verification_cutoff() - datetime.timedelta(days=1)
    )
    client.force_login(world.partner)
    content = client.get(START).content.decode()
    assert "Let op: 1 aanbieding niet gecontroleerd in de afgelopen 12 maanden" in content
    assert "controle nodig" in checklist_of(content, "Alfa Training")


def test_a_load_across_a_second_boundary_with_a_change_between_is_still_one_line(client, world):
    """A load whose rows fall in two seconds, with someone's save in the later one."""
    moment = timezone.now().replace(microsecond=0) + datetime.timedelta(minutes=1)
    offers = [
        OfferFactory.build(organisation=world.org_b, name=f"Geladen {i}", slug=f"geladen-{i}")
        for i in range(12)
    ]
    bulk_create_with_history(offers[:5], Offer, default_date=moment)
    bulk_create_with_history(offers[5:], Offer, default_date=moment + datetime.timedelta(seconds=1))
    world.offer_a.description = "Tussendoor"
    world.offer_a._history_user = world.partner
    world.offer_a._history_date = moment + datetime.timedelta(seconds=1, microseconds=5)
    world.offer_a.save()
    client.force_login(world.municipal)
    changes = recent(client.get(START).content.decode())
    assert changes.count("12 aanbiedingen") == 1
    assert "Bulkwijziging: 12 aanbiedingen" in changes
    assert "Aanbod gewijzigd: <a" in changes
