"""A partner of organisation A walks every admin URL and method they can reach, aimed at the
objects of organisation B: every attempt is refused, nothing leaks, nothing changes."""

import pytest
from django.contrib.contenttypes.models import ContentType

from frameworks.models import Framework
from providers.models import Method, Offer
from tests.partner_admin_support import (
    build_world,
    offer_post_data,
    organisation_post_data,
    snapshot,
)

NOT_FOUND = {404}
FORBIDDEN = {403}
BAD_REQUEST = {400}  # a lookup across relations that is not one of the partner's filters
REFUSED = {403, 404}  # a view that may not exist on this branch (import/export) is refused too
HIDDEN = "hidden"  # the page works, but shows nothing of B
FORM_ERROR = "form-error"  # the form comes back with an error on the organisation field

world = pytest.fixture(build_world, name="world")

OFFERS = "/beheer/providers/offer/"
ORGANISATIONS = "/beheer/providers/organisation/"


def actions(action, *ids):
    return {"action": action, "_selected_action": list(ids), "index": "0", "post": "yes"}


# (method, url(w), data(w) or None, expectation)
CASES = {
    # Changelists, search and list filters show only A's objects.
    "offer changelist": ("get", lambda w: OFFERS, None, HIDDEN),
    "offer search": ("get", lambda w: f"{OFFERS}?q=Bravo", None, HIDDEN),
    "offer search slug": ("get", lambda w: f"{OFFERS}?q=geheim", None, HIDDEN),
    "offer filter own organisation": (
        "get",
        lambda w: f"{OFFERS}?organisatie={w.org_b.pk}",
        None,
        HIDDEN,
    ),
    "offer filter raw lookup": (
        "get",
        lambda w: f"{OFFERS}?organisation__id__exact={w.org_b.pk}",
        None,
        HIDDEN,
    ),
    "offer filter role": (
        "get",
        lambda w: f"{OFFERS}?organisation__role=aanbieder",
        None,
        BAD_REQUEST,
    ),
    "offer filter verified": ("get", lambda w: f"{OFFERS}?gecontroleerd=nooit", None, HIDDEN),
    "offer filter status draft": ("get", lambda w: f"{OFFERS}?status__exact=concept", None, HIDDEN),
    "organisation changelist": ("get", lambda w: ORGANISATIONS, None, HIDDEN),
    "organisation search": ("get", lambda w: f"{ORGANISATIONS}?q=Bravo", None, HIDDEN),
    "organisation filter": (
        "get",
        lambda w: f"{ORGANISATIONS}?role__exact=aanbieder",
        None,
        HIDDEN,
    ),
    "admin index": ("get", lambda w: "/beheer/", None, HIDDEN),
    "providers app index": ("get", lambda w: "/beheer/providers/", None, HIDDEN),
    "offer add form": ("get", lambda w: f"{OFFERS}add/", None, HIDDEN),
    "own offer change form": ("get", lambda w: f"{OFFERS}{w.offer_a.pk}/change/", None, HIDDEN),
    "own organisation form": (
        "get",
        lambda w: f"{ORGANISATIONS}{w.org_a.pk}/change/",
        None,
        HIDDEN,
    ),
    "own offer history": ("get", lambda w: f"{OFFERS}{w.offer_a.pk}/history/", None, HIDDEN),
    # B's offers: change, delete, history, history detail and revert answer 404.
    "B offer change": ("get", lambda w: f"{OFFERS}{w.offer_b.pk}/change/", None, NOT_FOUND),
    "B draft change": ("get", lambda w: f"{OFFERS}{w.draft_b.pk}/change/", None, NOT_FOUND),
    "B offer change post": (
        "post",
        lambda w: f"{OFFERS}{w.offer_b.pk}/change/",
        lambda w: offer_post_data(w.offer_b, name="Overgenomen", organisation=w.org_a.pk),
        NOT_FOUND,
    ),
    "B offer delete": ("get", lambda w: f"{OFFERS}{w.offer_b.pk}/delete/", None, NOT_FOUND),
    "B offer delete post": (
        "post",
        lambda w: f"{OFFERS}{w.offer_b.pk}/delete/",
        lambda w: {"post": "yes"},
        NOT_FOUND,
    ),
    "B offer history": ("get", lambda w: f"{OFFERS}{w.offer_b.pk}/history/", None, NOT_FOUND),
    "B offer history detail": (
        "get",
        lambda w: f"{OFFERS}{w.offer_b.pk}/history/{w.offer_b_version}/",
        None,
        NOT_FOUND,
    ),
    "B offer revert": (
        "post",
        lambda w: f"{OFFERS}{w.offer_b.pk}/history/{w.offer_b_version}/",
        lambda w: offer_post_data(w.offer_b, name="Teruggezet", _save="Terugzetten"),
        NOT_FOUND,
    ),
    "B version under A's offer": (
        "get",
        lambda w: f"{OFFERS}{w.offer_a.pk}/history/{w.offer_b_version}/",
        None,
        NOT_FOUND,
    ),
    "B offer shortcut": ("get", lambda w: f"{OFFERS}{w.offer_b.pk}/", None, {302}),
    "B draft view on site": (
        "get",
        lambda w: f"/beheer/r/{ContentType.objects.get_for_model(Offer).pk}/{w.draft_b.pk}/",
        None,
        NOT_FOUND,
    ),
    "malformed offer id": ("get", lambda w: f"{OFFERS}abc/change/", None, NOT_FOUND),
    "malformed history id": (
        "get",
        lambda w: f"{OFFERS}{w.offer_a.pk}/history/abc/",
        None,
        NOT_FOUND,
    ),
    # B's organisation.
    "B organisation change": (
        "get",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/change/",
        None,
        NOT_FOUND,
    ),
    "B organisation change post": (
        "post",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/change/",
        lambda w: organisation_post_data(w.org_b, description="Gekaapt"),
        NOT_FOUND,
    ),
    "B organisation role and contact post": (
        "post",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/change/",
        lambda w: organisation_post_data(
            w.org_b, role="verwijzer", phone="020 000 00 00", email="kaper@example.org"
        ),
        NOT_FOUND,
    ),
    "B organisation delete": (
        "get",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/delete/",
        None,
        NOT_FOUND,
    ),
    "B organisation delete post": (
        "post",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/delete/",
        lambda w: {"post": "yes"},
        NOT_FOUND,
    ),
    "B organisation history": (
        "get",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/history/",
        None,
        NOT_FOUND,
    ),
    "B organisation history detail": (
        "get",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/history/{w.org_b_version}/",
        None,
        NOT_FOUND,
    ),
    "B organisation revert": (
        "post",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/history/{w.org_b_version}/",
        lambda w: organisation_post_data(w.org_b, description="Teruggezet"),
        NOT_FOUND,
    ),
    "B organisation invite": (
        "get",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/uitnodigen/",
        None,
        NOT_FOUND,
    ),
    "B organisation invite post": (
        "post",
        lambda w: f"{ORGANISATIONS}{w.org_b.pk}/uitnodigen/",
        lambda w: {"email": "indringer@example.org"},
        NOT_FOUND,
    ),
    # Actions on B's objects, alone or mixed with A's, answer 404 and touch nothing.
    "delete action on B": (
        "post",
        lambda w: OFFERS,
        lambda w: actions("delete_selected", w.offer_b.pk),
        NOT_FOUND,
    ),
    "delete action on A and B": (
        "post",
        lambda w: OFFERS,
        lambda w: actions("delete_selected", w.offer_a.pk, w.draft_b.pk),
        NOT_FOUND,
    ),
    "verify action on B": (
        "post",
        lambda w: OFFERS,
        lambda w: actions("mark_verified", w.offer_b.pk),
        NOT_FOUND,
    ),
    "action with malformed id": (
        "post",
        lambda w: OFFERS,
        lambda w: actions("mark_verified", "abc"),
        NOT_FOUND,
    ),
    # A partner has no actions on organisations: the post just shows their own list.
    "organisation action on B": (
        "post",
        lambda w: ORGANISATIONS,
        lambda w: actions("delete_selected", w.org_b.pk),
        HIDDEN,
    ),
    # Autocomplete shows only A's objects; for lists a partner may not see, it refuses.
    "autocomplete organisation": (
        "get",
        lambda w: (
            "/beheer/autocomplete/?app_label=providers&model_name=offer"
            "&field_name=organisation&term=Bravo"
        ),
        None,
        HIDDEN,
    ),
    "autocomplete organisation all": (
        "get",
        lambda w: (
            "/beheer/autocomplete/?app_label=providers&model_name=membership"
            "&field_name=organisation&term="
        ),
        None,
        HIDDEN,
    ),
    "autocomplete offer": (
        "get",
        lambda w: (
            "/beheer/autocomplete/?app_label=providers&model_name=position"
            "&field_name=offer&term=Bravo"
        ),
        None,
        HIDDEN,
    ),
    "autocomplete user": (
        "get",
        lambda w: (
            "/beheer/autocomplete/?app_label=providers&model_name=membership&field_name=user&term="
        ),
        None,
        FORBIDDEN,
    ),
    "autocomplete framework": (
        "get",
        lambda w: (
            "/beheer/autocomplete/?app_label=frameworks&model_name=violencetype"
            "&field_name=framework&term="
        ),
        None,
        FORBIDDEN,
    ),
    # Import and export belong to the municipality.
    "offer export": ("get", lambda w: f"{OFFERS}export/", None, REFUSED),
    "offer export post": (
        "post",
        lambda w: f"{OFFERS}export/",
        lambda w: {"format": "0", "resource": "0"},
        REFUSED,
    ),
    "offer import": ("get", lambda w: f"{OFFERS}import/", None, REFUSED),
    "offer import post": (
        "post",
        lambda w: f"{OFFERS}import/",
        lambda w: {"format": "0", "resource": "0"},
        REFUSED,
    ),
    "offer process import": (
        "post",
        lambda w: f"{OFFERS}process_import/",
        lambda w: {"import_file_name": "x", "original_file_name": "x.csv", "format": "0"},
        REFUSED,
    ),
    "organisation export": ("get", lambda w: f"{ORGANISATIONS}export/", None, REFUSED),
    "organisation import": ("get", lambda w: f"{ORGANISATIONS}import/", None, REFUSED),
    # Tampering with the organisation field is a form error.
    "add offer for B": (
        "post",
        lambda w: f"{OFFERS}add/",
        lambda w: {"organisation": w.org_b.pk, "name": "Kuckucksei", "status": "gepubliceerd"},
        FORM_ERROR,
    ),
    "move own offer to B": (
        "post",
        lambda w: f"{OFFERS}{w.offer_a.pk}/change/",
        lambda w: offer_post_data(w.offer_a, organisation=w.org_b.pk),
        FORM_ERROR,
    ),
    "add offer for unknown organisation": (
        "post",
        lambda w: f"{OFFERS}add/",
        lambda w: {"organisation": "999999", "name": "Spook", "status": "concept"},
        FORM_ERROR,
    ),
    # Views a partner may not use at all answer 403, even for their own objects.
    "revert own offer": (
        "post",
        lambda w: f"{OFFERS}{w.offer_a.pk}/history/{w.offer_a_version}/",
        lambda w: offer_post_data(w.offer_a, name="Teruggezet", _save="Terugzetten"),
        FORBIDDEN,
    ),
    "add organisation": (
        "post",
        lambda w: f"{ORGANISATIONS}add/",
        lambda w: organisation_post_data(w.org_a, name="Nieuw", slug="nieuw"),
        FORBIDDEN,
    ),
    "delete own organisation": (
        "post",
        lambda w: f"{ORGANISATIONS}{w.org_a.pk}/delete/",
        lambda w: {"post": "yes"},
        FORBIDDEN,
    ),
    "invite for own organisation": (
        "post",
        lambda w: f"{ORGANISATIONS}{w.org_a.pk}/uitnodigen/",
        lambda w: {"email": "collega@example.org"},
        FORBIDDEN,
    ),
    "membership changelist": ("get", lambda w: "/beheer/providers/membership/", None, FORBIDDEN),
    "join organisation B": (
        "post",
        lambda w: "/beheer/providers/membership/add/",
        lambda w: {"user": w.partner.pk, "organisation": w.org_b.pk},
        FORBIDDEN,
    ),
    "users": ("get", lambda w: "/beheer/auth/user/", None, FORBIDDEN),
    "groups": ("get", lambda w: "/beheer/auth/group/", None, FORBIDDEN),
    "make self superuser": (
        "post",
        lambda w: f"/beheer/auth/user/{w.partner.pk}/change/",
        lambda w: {"username": w.partner.username, "is_superuser": "on", "is_staff": "on"},
        FORBIDDEN,
    ),
    "add user": (
        "post",
        lambda w: "/beheer/auth/user/add/",
        lambda w: {"username": "x", "password1": "Lang-genoeg-123", "password2": "Lang-genoeg-123"},
        FORBIDDEN,
    ),
    "frameworks": ("get", lambda w: "/beheer/frameworks/framework/", None, FORBIDDEN),
    "change threshold": (
        "post",
        lambda w: f"/beheer/frameworks/framework/{Framework.objects.get(slug='hgkm').pk}/change/",
        lambda w: {"name": "HGKM", "slug": "hgkm", "thin_threshold": "9", "order": "1"},
        FORBIDDEN,
    ),
    "phases": ("get", lambda w: "/beheer/frameworks/phase/", None, FORBIDDEN),
    "violence types": ("get", lambda w: "/beheer/frameworks/violencetype/", None, FORBIDDEN),
    "change reference list": (
        "post",
        lambda w: f"/beheer/providers/method/{Method.objects.first().pk}/change/",
        lambda w: {"name": "Hernoemd", "slug": "hernoemd", "order": "1"},
        FORBIDDEN,
    ),
    "add reference item": (
        "post",
        lambda w: "/beheer/providers/method/add/",
        lambda w: {"name": "Nieuw", "slug": "nieuw", "order": "1"},
        FORBIDDEN,
    ),
    "login attempts": ("get", lambda w: "/beheer/axes/accessattempt/", None, FORBIDDEN),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_partner_of_a_is_refused_everything_of_b(client, world, case):
    method, url, data, expected = case
    client.force_login(world.partner)
    before = snapshot()

    url = url(world)
    # Without import-export, ".../export/" is taken for an object id and redirected to
    # ".../export/change/"; follow it to the final answer.
    follow = expected == REFUSED
    if method == "get":
        response = client.get(url, follow=follow)
    else:
        response = client.post(url, data(world), follow=follow)

    if expected == HIDDEN:
        assert response.status_code in {200, 302}, url
        content = response.content.decode()
        for secret in world.secrets:
            assert secret not in content, f"{secret!r} leaks through {url}"
    elif expected == FORM_ERROR:
        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert "organisation" in errors
        assert "Selecteer een geldige keuze" in str(errors["organisation"])
    else:
        assert response.status_code in expected, url
    assert snapshot() == before, "the database changed"
