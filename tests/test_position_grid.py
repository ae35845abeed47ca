"""The offer form's position grid per framework: the frameworks the organisation works in are
open, any other is folded under "Ook positioneren in ...", and opens once a cell of it is
checked."""

import re

import pytest

from providers.models import Offer, Organisation
from tests.partner_admin_support import build_world, make_partner, offer_post_data

world = pytest.fixture(build_world, name="world")

OFFERS = "/beheer/providers/offer/"
HGKM = "Huiselijk geweld en kindermishandeling"
SEXUAL_VIOLENCE = "Seksueel geweld"


def grids(content: str) -> list[tuple[str, str | None]]:
    """The form's grids in order: (framework, None when open or the <details> tag when
    folded)."""
    editor = content[content.index('class="position-grid-editor"') :]
    found = []
    for match in re.finditer(
        r"(<details[^>]*>)?\s*(?:<summary>[^<]*</summary>\s*<p[^>]*>[^<]*</p>\s*)?"
        r'<div class="position-grid-scroll">\s*<table[^>]*>\s*<caption>([^<]+)'
        r"</caption>",
        editor,
    ):
        found.append((match[2], match[1]))
    return found


def test_a_partner_sees_the_framework_their_organisation_works_in_and_can_add_the_other(
    client, world
):
    client.force_login(world.partner)
    for url in [f"{OFFERS}{world.offer_a.pk}/change/", f"{OFFERS}add/"]:
        content = client.get(url).content.decode()
        assert grids(content) == [
            (HGKM, None),
            (SEXUAL_VIOLENCE, '<details class="position-grid-more">'),
        ]
        assert f"<summary>Ook positioneren in {SEXUAL_VIOLENCE}</summary>" in content
        # The folded grid is all there, for the keyboard and screen readers once opened.
        assert content.count('name="positions"') == 6 * 6 + 6 * 7


def test_a_cell_in_the_other_framework_is_saved_and_then_that_framework_is_open(client, world):
    client.force_login(world.partner)
    cells = ["preventie__kindermishandeling", "nazorg__groepsgeweld"]
    response = client.post(
        f"{OFFERS}{world.offer_a.pk}/change/", offer_post_data(world.offer_a, positions=cells)
    )
    assert response.status_code == 302
    content = client.get(f"{OFFERS}{world.offer_a.pk}/change/").content.decode()
    assert grids(content) == [(HGKM, None), (SEXUAL_VIOLENCE, None)]


def test_a_form_error_keeps_a_checked_cell_of_the_other_framework_in_view(client, world):
    client.force_login(world.partner)
    response = client.post(
        f"{OFFERS}{world.offer_a.pk}/change/",
        offer_post_data(world.offer_a, name="", positions=["nazorg__groepsgeweld"]),
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert grids(content)[1] == (SEXUAL_VIOLENCE, '<details class="position-grid-more" open>')
    assert re.search(r'value="nazorg__groepsgeweld"[^>]*\bchecked\b', content)


def test_an_organisation_in_both_frameworks_or_in_none_sees_both_open(client, world):
    client.force_login(make_partner(world.org_b, "partner-bravo"))
    content = client.get(f"{OFFERS}{world.offer_b.pk}/change/").content.decode()
    assert grids(content) == [(HGKM, None), (SEXUAL_VIOLENCE, None)]

    newcomer = Organisation.objects.create(name="Nieuw", slug="nieuw", role="aanbieder")
    offer = Offer.objects.create(organisation=newcomer, name="Eerste", slug="eerste")
    client.force_login(make_partner(newcomer, "partner-nieuw"))
    for url in [f"{OFFERS}{offer.pk}/change/", f"{OFFERS}add/"]:
        content = client.get(url).content.decode()
        assert grids(content) == [(HGKM, None), (SEXUAL_VIOLENCE, None)]


def test_the_municipality_sees_the_offers_organisation_frameworks(client, world):
    client.force_login(world.municipal)
    content = client.get(f"{OFFERS}{world.offer_a.pk}/change/").content.decode()
    assert grids(content)[1] == (SEXUAL_VIOLENCE, '<details class="position-grid-more">')
    # A new offer may be for any organisation: every framework in use is open.
    content = client.get(f"{OFFERS}add/").content.decode()
    assert grids(content) == [(HGKM, None), (SEXUAL_VIOLENCE, None)]
