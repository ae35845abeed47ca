"""Accessibility in a real browser: axe-core scans and the keyboard.

Each browser test is transactional (a full database flush afterwards), so one test covers
several pages and reports every page that fails, rather than one test per page."""

import pytest

from providers.models import Offer
from tests.partner_admin_support import make_partner

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PUBLIC_PAGES = [
    "/",
    "/kaart/hgkm/",
    "/kaart/seksueel-geweld/",
    "/organisaties/",
    "/organisaties/veilig-thuis/",
]
LOGIN_PAGE = "/beheer/login/"
INVALID_FILTER = "/kaart/hgkm/?role=onzin"
SEARCH_PAGES = {
    "/aanbod/": 200,
    "/aanbod/?violence_type=kindermishandeling&phase=preventie&role=aanbieder": 200,
    "/aanbod/?violence_type=ouderenmishandeling&age_group=minderjarigen": 200,  # empty
    "/aanbod/?max_waiting_weeks=-1&q=hulp": 400,
}
PASSWORD = "een-lang-test-wachtwoord-63"


def test_no_page_has_serious_or_critical_axe_violations(site, page, axe_violations):
    violations = {}
    offer = Offer.objects.published().order_by("slug").first()
    expected = {
        **dict.fromkeys(PUBLIC_PAGES, 200),
        LOGIN_PAGE: 200,
        INVALID_FILTER: 400,
        **SEARCH_PAGES,
        offer.get_absolute_url(): 200,
    }
    for path, status in expected.items():
        response = page.goto(site + path)
        assert response.status == status, path
        assert page.locator("html").get_attribute("lang") == "nl", path
        violations[path] = axe_violations(page)
    assert violations == {path: [] for path in violations}


def test_search_pages_show_what_the_scans_are_meant_to_cover(site, page):
    """The scans above see results, an empty result with hints, and a form error."""
    filtered, empty, error = list(SEARCH_PAGES)[1:]
    page.goto(site + filtered)
    assert page.locator("li.result").count() > 0
    page.goto(site + empty)
    assert page.get_by_text("Geen aanbod gevonden").is_visible()
    page.goto(site + error)
    summary = page.get_by_role("region", name="Verbeter de fouten voor u verder gaat")
    assert summary.is_visible()
    # The summary links to the field, which shows the same error beside it.
    summary.get_by_role("link").click()
    field = page.get_by_label("Wachttijd hoogstens (weken)")
    assert field.evaluate("el => el === document.activeElement")
    assert field.get_attribute("aria-invalid") == "true"


def test_the_partners_offer_form_has_no_serious_or_critical_axe_violations(
    site, page, axe_violations
):
    offer = Offer.objects.published().select_related("organisation").order_by("slug").first()
    make_partner(offer.organisation, username="partner", password=PASSWORD)
    page.goto(site + LOGIN_PAGE)
    page.fill("#id_username", "partner")
    page.fill("#id_password", PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(site + "/beheer/")
    for path in ["/beheer/", f"/beheer/providers/offer/{offer.pk}/change/"]:
        response = page.goto(site + path)
        assert response.status == 200, path
        assert page.locator("html").get_attribute("lang") == "nl", path
        assert axe_violations(page) == [], path


def test_public_pages_have_one_h1_and_the_landmarks(site, page):
    structure = {}
    for path in PUBLIC_PAGES:
        page.goto(site + path)
        structure[path] = {
            "h1": page.locator("h1").count(),
            "banner": page.get_by_role("banner").count(),
            "navigation Hoofdmenu": page.get_by_role("navigation", name="Hoofdmenu").count(),
            "main": page.get_by_role("main").count(),
            "contentinfo": page.get_by_role("contentinfo").count(),
        }
    expected = {"h1": 1, "banner": 1, "navigation Hoofdmenu": 1, "main": 1, "contentinfo": 1}
    assert structure == {path: expected for path in PUBLIC_PAGES}


def test_a_form_error_stands_beside_its_field_and_is_announced_with_it(site, page):
    page.goto(site + INVALID_FILTER)
    field = page.get_by_label("Rol van de organisatie")
    assert field.get_attribute("aria-invalid") == "true"
    error = page.locator("#" + field.get_attribute("aria-describedby"))
    assert "geen beschikbare keuze" in error.inner_text()
    assert error.is_visible()
    # Beside the field: directly above it, in the same field group.
    error_box, field_box = error.bounding_box(), field.bounding_box()
    assert 0 <= field_box["y"] - (error_box["y"] + error_box["height"]) < 40
    group_error = field.evaluate(
        "el => el.closest('.ams-field').querySelector('.ams-error-message').id"
    )
    assert group_error == field.get_attribute("aria-describedby")


def focused(page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            // Is the focus ring cut off by an ancestor that clips its overflow?
            const grow = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
            const ring = {
                left: box.left - grow, right: box.right + grow,
                top: box.top - grow, bottom: box.bottom + grow,
            };
            let clipped = false;
            for (let a = el.parentElement; a; a = a.parentElement) {
                const cs = getComputedStyle(a);
                const r = a.getBoundingClientRect();
                if (cs.overflowX !== "visible"
                    && (ring.left < r.left - 0.5 || ring.right > r.right + 0.5)) clipped = true;
                if (cs.overflowY !== "visible"
                    && (ring.top < r.top - 0.5 || ring.bottom > r.bottom + 0.5)) clipped = true;
            }
            return {
                clipped: clipped,
                tag: el.tagName.toLowerCase(),
                id: el.id,
                text: el.textContent.trim().replace(/\\s+/g, " "),
                outlineStyle: style.outlineStyle,
                outlineWidth: parseFloat(style.outlineWidth),
                width: box.width,
                height: box.height,
                inMain: el.closest("main") !== null,
            };
        }"""
    )


def test_keyboard_skip_link_first_then_visible_focus_on_every_tab_stop(site, page):
    page.goto(site + "/kaart/hgkm/")
    page.keyboard.press("Tab")
    skip = focused(page)
    assert skip["text"] == "Direct naar de inhoud"
    # Hidden until focused, then visible, with a visible focus ring.
    assert skip["width"] > 100 and skip["height"] > 20
    assert skip["outlineStyle"] != "none" and skip["outlineWidth"] >= 2
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "inhoud"
    page.keyboard.press("Tab")
    assert focused(page)["inMain"], "de volgende tabstop na de skiplink ligt niet in de inhoud"

    without_ring = {}
    paths = ["/", "/kaart/hgkm/", "/organisaties/veilig-thuis/", *list(SEARCH_PAGES)[:2]]
    for path in paths:
        page.goto(site + path)
        stops = []
        for _ in range(80):
            page.keyboard.press("Tab")
            stop = focused(page)
            if stop["tag"] == "body" or (stops and stop == stops[0]):
                break
            stops.append(stop)
        assert len(stops) > 5, path
        without_ring[path] = [
            s["text"]
            for s in stops
            if s["outlineStyle"] == "none" or s["outlineWidth"] < 2 or s["clipped"]
        ]
    assert without_ring == dict.fromkeys(paths, [])


def test_the_keyboard_reaches_every_link_of_the_matrix_in_reading_order(site, page):
    page.goto(site + "/kaart/hgkm/")
    links = page.locator(".matrix a")
    total = links.count()
    assert total > 36  # a count link per cell, and organisation links
    # The scroll region is a tab stop of its own; from there Tab walks the cells row by row.
    page.locator(".matrix-scroll").focus()
    order, without_ring = [], []
    for _ in range(total):
        page.keyboard.press("Tab")
        order.append(
            page.evaluate(
                "() => [...document.querySelectorAll('.matrix a')].indexOf(document.activeElement)"
            )
        )
        stop = focused(page)
        if stop["outlineStyle"] == "none" or stop["outlineWidth"] < 2:
            without_ring.append(stop["text"])
    assert order == list(range(total))
    assert without_ring == []
    # The document order is the reading order: phase by phase, and within a cell the count
    # link, its organisations and "en N meer".
    first_row = page.locator(".matrix tbody tr").first.locator("a")
    assert first_row.first.evaluate("el => el.classList.contains('count')")
    assert links.first.evaluate(
        "el => el.closest('tr').querySelector('th').textContent.trim()"
    ) == ("Preventie")
