"""The position grid of the offer form in a real browser: the frameworks the organisation works
in open, the other folded away; it fits the form on a laptop and a tablet, scrolls inside its own
region on a phone, works by keyboard and passes an axe scan.

Accounts and data are made first: the ORM may not run while Playwright's loop drives the pages."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE
from tests.factories import OfferFactory, OrganisationFactory
from tests.partner_admin_support import make_partner

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "een-lang-test-wachtwoord-58"
TABLET = {"width": 1024, "height": 768}
VIEWPORTS = {"1366": DESKTOP, "1024": TABLET, "390": PHONE}
HGKM = "Huiselijk geweld en kindermishandeling"
SEXUAL_VIOLENCE = "Seksueel geweld"


@pytest.fixture
def offer_form(site, new_page):
    """Open the offer form of a partner whose organisation works only in the HGKM framework,
    in a browser of the given viewport; returns the page."""
    organisation = OrganisationFactory(name="Buurtkracht Plegerhulp", slug="buurtkracht")
    offer = OfferFactory(
        organisation=organisation,
        name="Thuis zonder geweld",
        cells=[("preventie", "kindermishandeling"), ("nazorg", "ex-partnergeweld")],
    )
    make_partner(organisation, username="pien", password=PASSWORD)

    def open_form(viewport):
        page = new_page(viewport)
        page.goto(site + "/beheer/login/")
        page.get_by_label("Gebruikersnaam").fill("pien")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.locator("#login-form input[type=submit]").click()
        page.wait_for_url(site + "/beheer/")
        page.goto(f"{site}/beheer/providers/offer/{offer.pk}/change/")
        return page

    return open_form


def grid_layout(page) -> dict:
    return page.evaluate(
        """() => {
            const region = document.querySelector(".position-grid-scroll");
            const form = document.querySelector("#offer_form");
            const box = region.getBoundingClientRect();
            const row = region.closest(".form-row").getBoundingClientRect();
            return {
                regionRight: box.right,
                regionLeft: box.left,
                rowRight: row.right,
                formRight: form.getBoundingClientRect().right,
                scrolls: region.scrollWidth > region.clientWidth + 1,
                overflowX: getComputedStyle(region).overflowX,
                pageWidth: document.documentElement.scrollWidth,
            };
        }"""
    )


def test_the_grid_shows_the_organisations_framework_and_folds_the_other(offer_form, artifacts):
    for name, viewport in VIEWPORTS.items():
        page = offer_form(viewport)
        grids = page.locator(".position-grid-editor")
        expect(grids.locator("caption", has_text=HGKM)).to_be_visible()
        folded = grids.locator("details.position-grid-more")
        expect(folded.locator("summary")).to_have_text(f"Ook positioneren in {SEXUAL_VIOLENCE}")
        expect(folded.locator("caption")).to_be_hidden()
        # The screen as the partner sees it on reaching the grid.
        page.locator("fieldset:has(.field-positions)").evaluate("el => el.scrollIntoView()")
        page.screenshot(path=artifacts / f"admin-position-grid-{name}.png")

        layout = grid_layout(page)
        # Within the form and the screen, never wider than either; the page does not scroll
        # sideways.
        assert layout["regionLeft"] >= 0, name
        assert layout["regionRight"] <= min(layout["rowRight"], viewport["width"]) + 1, name
        assert layout["pageWidth"] <= viewport["width"], name
        if viewport is DESKTOP:
            assert not layout["scrolls"], "het raster past niet in het formulier op een laptop"
        else:
            # Beside the navigation (tablet) or on a phone the table scrolls sideways in its
            # own region, the phases staying in view.
            assert layout["scrolls"] and layout["overflowX"] == "auto", name
            region = page.locator(".position-grid-scroll").first
            phase = region.locator("tbody th").first
            before = phase.bounding_box()["x"]
            region.evaluate("el => el.scrollBy(400, 0)")
            assert abs(phase.bounding_box()["x"] - before) <= 1, f"{name}: de fasen schuiven mee"


def test_the_other_framework_opens_and_is_ticked_by_keyboard(offer_form, artifacts):
    page = offer_form(DESKTOP)
    last_hgkm = page.get_by_label("Nazorg – Overlap partnergeweld en kindermishandeling")
    last_hgkm.focus()
    page.keyboard.press("Tab")
    summary = page.locator("details.position-grid-more > summary")
    assert summary.evaluate("el => el === document.activeElement")
    outline = summary.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("details.position-grid-more")).to_have_attribute("open", "")
    page.keyboard.press("Tab")
    first = page.get_by_label("Preventie – Hands-on geweld tegen volwassenen")
    assert first.evaluate("el => el === document.activeElement")
    assert first.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
    page.keyboard.press("Space")
    expect(first).to_be_checked()
    page.locator("fieldset:has(.field-positions)").evaluate("el => el.scrollIntoView()")
    page.screenshot(path=artifacts / "admin-position-grid-1366-open.png")

    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    # The organisation now works in both frameworks: both grids are open.
    page.go_back()
    page.reload()
    expect(page.locator("details.position-grid-more")).to_have_count(0)
    expect(page.get_by_label("Preventie – Hands-on geweld tegen volwassenen")).to_be_checked()


def test_the_offer_form_with_the_grid_has_no_serious_or_critical_axe_violations(
    offer_form, axe_violations
):
    found = {}
    for name, viewport in VIEWPORTS.items():
        page = offer_form(viewport)
        found[f"{name} dicht"] = axe_violations(page)
        page.locator("details.position-grid-more > summary").click()
        found[f"{name} open"] = axe_violations(page)
    assert found == {name: [] for name in found}
