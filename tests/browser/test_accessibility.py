"""Accessibility in a real browser: axe-core scans and the keyboard.

Each browser test is transactional (a full database flush afterwards), so one test covers
several pages and reports every page that fails, rather than one test per page."""

import pytest

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


def test_no_page_has_serious_or_critical_axe_violations(site, page, axe_violations):
    violations = {}
    for path in [*PUBLIC_PAGES, LOGIN_PAGE, INVALID_FILTER]:
        response = page.goto(site + path)
        assert response.status == (400 if path == INVALID_FILTER else 200), path
        assert page.locator("html").get_attribute("lang") == "nl", path
        violations[path] = axe_violations(page)
    assert violations == {path: [] for path in violations}


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
    for path in ["/", "/kaart/hgkm/", "/organisaties/veilig-thuis/"]:
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
    assert without_ring == {"/": [], "/kaart/hgkm/": [], "/organisaties/veilig-thuis/": []}
