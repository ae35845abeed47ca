"""Referral links in the admin: a partner proposes a link for its own offer, the other
organisation confirms it from its start page, either side ends it; a partner of a third
organisation tries every step and every admin URL, and is refused without anything changing."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from providers.models import Offer
from providers.paths.models import ReferralLink
from tests.factories import OfferFactory, OrganisationFactory
from tests.partner_admin_support import make_municipal_user, make_partner, snapshot
from tests.paths_factories import ReferralLinkFactory

LINKS = "/beheer/paths/referrallink/"
NEXT_PHASE = "volgende-fase"


@pytest.fixture
def world(db):
    org_a = OrganisationFactory(name="Alfa Hulp")
    org_b = OrganisationFactory(name="Bravo Zorg")
    org_c = OrganisationFactory(name="Charlie Derde")
    w = SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        org_c=org_c,
        a1=OfferFactory(organisation=org_a, name="Alfa Veiligheidsplan"),
        a2=OfferFactory(organisation=org_a, name="Alfa Nazorg"),
        a_draft=OfferFactory(organisation=org_a, name="Alfa Concept", status=Offer.Status.DRAFT),
        a_archived=OfferFactory(organisation=org_a, name="Alfa Oud", status=Offer.Status.ARCHIVED),
        b1=OfferFactory(organisation=org_b, name="Bravo Herstel"),
        b_draft=OfferFactory(
            organisation=org_b, name="Bravo Geheim Concept", status=Offer.Status.DRAFT
        ),
        b_archived=OfferFactory(
            organisation=org_b, name="Bravo Gearchiveerd", status=Offer.Status.ARCHIVED
        ),
        c1=OfferFactory(organisation=org_c, name="Charlie Training"),
        partner_a=make_partner(org_a, "partner-alfa"),
        partner_b=make_partner(org_b, "partner-bravo"),
        partner_c=make_partner(org_c, "partner-charlie"),
        municipal=make_municipal_user("coordinator"),
    )
    return w


def propose(client, own, other, direction="hierna", kind=NEXT_PHASE, note=""):
    return client.post(
        f"{LINKS}add/",
        {
            "own_offer": own.pk,
            "direction": direction,
            "other_offer": other.pk,
            "kind": kind,
            "note": note,
        },
    )


def hierna(client, offer) -> str:
    """The "Hierna" list of the offer's public page."""
    page = client.get(offer.get_absolute_url()).content.decode()
    start = page.index('id="paden-hierna"')
    return page[start : page.index("</section>", start)]


def hiervoor(client, offer) -> str:
    page = client.get(offer.get_absolute_url()).content.decode()
    start = page.index('id="paden-hiervoor"')
    return page[start : page.index("</section>", start)]


def test_propose_confirm_and_end_a_link_between_two_organisations(client, world):
    public = type(client)()
    client.force_login(world.partner_a)
    response = propose(client, world.a1, world.b1, note="Warme overdracht")
    assert response.status_code == 302
    link = ReferralLink.objects.get()
    assert (link.from_offer, link.to_offer, link.status) == (world.a1, world.b1, "voorgesteld")
    assert link.proposed_by == world.org_a
    # A proposal is not on the map.
    assert "Bravo Herstel" not in hierna(public, world.a1)
    # A sees its own proposal waiting; it cannot confirm it alone.
    start = client.get("/beheer/").content.decode()
    assert "1 voorstel van u wacht op de andere organisatie" in start
    response = client.post(f"{LINKS}{link.pk}/bevestigen/")
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.status == "voorgesteld"

    # B confirms from its own start page.
    client.force_login(world.partner_b)
    start = client.get("/beheer/").content.decode()
    assert "Alfa Veiligheidsplan" in start and "voorgesteld door Alfa Hulp" in start
    assert f'action="{LINKS}{link.pk}/bevestigen/"' in start
    response = client.post(f"{LINKS}{link.pk}/bevestigen/", {"next": "start"})
    assert response.status_code == 302 and response.url == "/beheer/"
    link.refresh_from_db()
    assert link.status == "bevestigd" and link.confirmed_at is not None
    assert "Bravo Herstel" in hierna(public, world.a1)
    assert "Warme overdracht" in hierna(public, world.a1)
    assert "Alfa Veiligheidsplan" in hiervoor(public, world.b1)
    # Confirming twice is a message, not an error page.
    response = client.post(f"{LINKS}{link.pk}/bevestigen/", follow=True)
    assert "wacht niet (meer) op bevestiging" in response.content.decode()

    # A ends it; it leaves the map but stays on record.
    client.force_login(world.partner_a)
    response = client.post(f"{LINKS}{link.pk}/beeindigen/")
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.status == "beeindigd" and link.ended_by == world.org_a
    assert "Bravo Herstel" not in hierna(public, world.a1)
    assert link.history.count() == 3


def test_the_other_side_ends_a_link_too_and_can_decline_a_proposal(client, world):
    confirmed = ReferralLinkFactory(from_offer=world.a1, to_offer=world.b1)
    proposal = ReferralLinkFactory(
        from_offer=world.a2, to_offer=world.b1, status="voorgesteld", confirmed_at=None
    )
    client.force_login(world.partner_b)
    assert client.post(f"{LINKS}{confirmed.pk}/beeindigen/").status_code == 302
    assert client.post(f"{LINKS}{proposal.pk}/beeindigen/", {"next": "start"}).url == "/beheer/"
    confirmed.refresh_from_db()
    proposal.refresh_from_db()
    assert (confirmed.status, confirmed.ended_by) == ("beeindigd", world.org_b)
    assert (proposal.status, proposal.confirmed_at) == ("beeindigd", None)


def test_a_link_between_offers_of_one_organisation_is_confirmed_at_once(client, world):
    client.force_login(world.partner_a)
    response = propose(client, world.a2, world.a1, direction="hiervoor", kind="nazorg")
    assert response.status_code == 302
    link = ReferralLink.objects.get()
    assert (link.from_offer, link.to_offer, link.status) == (world.a1, world.a2, "bevestigd")
    assert "Alfa Nazorg" in hierna(client, world.a1)


def test_the_add_form_offers_own_offers_and_published_offers_of_others(client, world):
    client.force_login(world.partner_a)
    form = client.get(f"{LINKS}add/").context["adminform"].form
    own = set(form.fields["own_offer"].queryset)
    other = set(form.fields["other_offer"].queryset)
    assert own == {world.a1, world.a2, world.a_draft, world.a_archived}
    assert {world.b1, world.c1, world.a1} <= other
    assert not other & {world.b_draft, world.b_archived}
    page = client.get(f"{LINKS}add/").content.decode()
    assert "Bravo Geheim Concept" not in page and "Bravo Gearchiveerd" not in page


@pytest.mark.parametrize(
    "case, expected",
    [
        ("itself", "Een aanbod kan niet naar zichzelf verwijzen."),
        ("own draft", "Dit aanbod is nog niet gepubliceerd; u kunt alleen naar gepubliceerd"),
        ("own archived", "Dit aanbod is gearchiveerd; u kunt alleen naar gepubliceerd aanbod"),
        ("other draft", "Kies gepubliceerd aanbod uit de lijst: dit aanbod bestaat niet"),
        ("other archived", "Kies gepubliceerd aanbod uit de lijst: dit aanbod bestaat niet"),
        ("from archived", "Dit aanbod is gearchiveerd; het kan geen verwijzing krijgen."),
        ("duplicate", "Deze verwijzing bestaat al (voorgesteld of bevestigd)."),
        ("cycle", "Dit maakt een kringetje"),
    ],
)
def test_bad_links_answer_a_dutch_form_error(client, world, case, expected):
    ReferralLinkFactory(from_offer=world.a1, to_offer=world.b1, status="voorgesteld")
    ReferralLinkFactory(from_offer=world.c1, to_offer=world.a2)
    own, other, direction = {
        "itself": (world.a1, world.a1, "hierna"),
        "own draft": (world.a1, world.a_draft, "hierna"),
        "own archived": (world.a1, world.a_archived, "hierna"),
        "other draft": (world.a1, world.b_draft, "hierna"),
        "other archived": (world.a1, world.b_archived, "hierna"),
        "from archived": (world.a_archived, world.b1, "hierna"),
        "duplicate": (world.a1, world.b1, "hierna"),  # a1 -> b1 once more
        "cycle": (world.a2, world.c1, "hierna"),  # c1 -> a2 exists in the same kind
    }[case]
    client.force_login(world.partner_a)
    before = snapshot()
    response = propose(client, own, other, direction=direction)
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert snapshot() == before


def test_handing_back_in_another_kind_of_transition_is_no_cycle(client, world):
    ReferralLinkFactory(from_offer=world.c1, to_offer=world.a2, kind=NEXT_PHASE)
    client.force_login(world.partner_a)
    assert propose(client, world.a2, world.c1, kind="nazorg").status_code == 302
    # An ended link no longer counts as a duplicate.
    ReferralLink.objects.filter(from_offer=world.a2).update(status="beeindigd")
    assert propose(client, world.a2, world.c1, kind="nazorg").status_code == 302


# --- A partner of a third organisation tries every step ---------------------------------

NOT_FOUND = {404}
BAD_REQUEST = {400}
HIDDEN = "hidden"
FORM_ERROR = "form-error"


@pytest.fixture
def link_world(world):
    world.link = ReferralLinkFactory(
        from_offer=world.a1, to_offer=world.b1, status="voorgesteld", confirmed_at=None
    )
    world.confirmed = ReferralLinkFactory(from_offer=world.b1, to_offer=world.a2)
    world.version = world.link.history.latest("history_date").history_id
    return world


CASES = {
    "changelist": ("get", lambda w: LINKS, None, HIDDEN),
    "search": ("get", lambda w: f"{LINKS}?q=Alfa", None, HIDDEN),
    "filter organisation A": ("get", lambda w: f"{LINKS}?organisatie={w.org_a.pk}", None, HIDDEN),
    "filter waiting": ("get", lambda w: f"{LINKS}?wacht_op=mij", None, HIDDEN),
    "filter status": ("get", lambda w: f"{LINKS}?status__exact=voorgesteld", None, HIDDEN),
    "raw lookup": (
        "get",
        lambda w: f"{LINKS}?from_offer__organisation__id__exact={w.org_a.pk}",
        None,
        BAD_REQUEST,
    ),
    "start page": ("get", lambda w: "/beheer/", None, HIDDEN),
    "change": ("get", lambda w: f"{LINKS}{w.link.pk}/change/", None, NOT_FOUND),
    "change post": (
        "post",
        lambda w: f"{LINKS}{w.link.pk}/change/",
        lambda w: {"kind": "nazorg"},
        NOT_FOUND,
    ),
    "delete": ("get", lambda w: f"{LINKS}{w.link.pk}/delete/", None, NOT_FOUND),
    "delete post": (
        "post",
        lambda w: f"{LINKS}{w.link.pk}/delete/",
        lambda w: {"post": "yes"},
        NOT_FOUND,
    ),
    "history": ("get", lambda w: f"{LINKS}{w.link.pk}/history/", None, NOT_FOUND),
    "history version": (
        "get",
        lambda w: f"{LINKS}{w.link.pk}/history/{w.version}/",
        None,
        NOT_FOUND,
    ),
    "confirm": ("post", lambda w: f"{LINKS}{w.link.pk}/bevestigen/", lambda w: {}, NOT_FOUND),
    "end proposal": ("post", lambda w: f"{LINKS}{w.link.pk}/beeindigen/", lambda w: {}, NOT_FOUND),
    "end confirmed": (
        "post",
        lambda w: f"{LINKS}{w.confirmed.pk}/beeindigen/",
        lambda w: {},
        NOT_FOUND,
    ),
    "malformed id": ("post", lambda w: f"{LINKS}abc/bevestigen/", lambda w: {}, NOT_FOUND),
    "propose for A's offer": (
        "post",
        lambda w: f"{LINKS}add/",
        lambda w: {
            "own_offer": w.a1.pk,
            "direction": "hierna",
            "other_offer": w.b1.pk,
            "kind": "nazorg",
        },
        FORM_ERROR,
    ),
    "propose between A and B": (
        "post",
        lambda w: f"{LINKS}add/",
        lambda w: {
            "own_offer": w.b1.pk,
            "direction": "hiervoor",
            "other_offer": w.a2.pk,
            "kind": "nazorg",
        },
        FORM_ERROR,
    ),
    "select action on A's link": (
        "post",
        lambda w: LINKS,
        lambda w: {"action": "delete_selected", "_selected_action": [w.link.pk], "post": "yes"},
        HIDDEN,
    ),
    "autocomplete offers": (
        "get",
        lambda w: (
            "/beheer/autocomplete/?app_label=paths&model_name=referrallink"
            "&field_name=from_offer&term=Alfa"
        ),
        None,
        HIDDEN,
    ),
}
SECRETS = ["Alfa Veiligheidsplan", "Bravo Herstel", "Alfa Nazorg"]


@pytest.mark.parametrize("case", CASES)
def test_a_third_organisation_cannot_touch_a_link(client, link_world, case):
    method, url, data, expected = CASES[case]
    w = link_world
    client.force_login(w.partner_c)
    before = snapshot()
    response = getattr(client, method)(url(w), data(w) if data else None)
    if expected == HIDDEN:
        assert response.status_code == 200
        page = response.content.decode()
        assert [secret for secret in SECRETS if secret in page] == []
    elif expected == FORM_ERROR:
        assert response.status_code == 200
        assert "Selecteer een geldige keuze" in response.content.decode()
    else:
        assert response.status_code in expected, response.status_code
    assert snapshot() == before


def test_only_the_municipality_deletes_a_link(client, link_world):
    w = link_world
    client.force_login(w.partner_a)
    assert client.post(f"{LINKS}{w.link.pk}/delete/", {"post": "yes"}).status_code == 403
    assert ReferralLink.objects.filter(pk=w.link.pk).exists()
    client.force_login(w.municipal)
    assert client.post(f"{LINKS}{w.link.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not ReferralLink.objects.filter(pk=w.link.pk).exists()


def test_a_partner_deleting_its_offer_takes_its_links_with_it(client, link_world):
    w = link_world
    client.force_login(w.partner_a)
    response = client.post(reverse("admin:providers_offer_delete", args=[w.a1.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not ReferralLink.objects.filter(pk=w.link.pk).exists()
    assert ReferralLink.objects.filter(pk=w.confirmed.pk).exists()


def test_both_sides_see_the_link_and_its_history(client, link_world):
    w = link_world
    for partner in (w.partner_a, w.partner_b):
        client.force_login(partner)
        assert client.get(f"{LINKS}{w.link.pk}/change/").status_code == 200
        assert client.get(f"{LINKS}{w.link.pk}/history/").status_code == 200
    # The change page is read only: posting to it changes nothing.
    before = snapshot()
    client.post(f"{LINKS}{w.link.pk}/change/", {"kind": "nazorg", "status": "bevestigd"})
    assert snapshot() == before
