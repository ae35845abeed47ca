"""The matrix in a real browser: screenshots, a phone's sideways scroll, and print."""

import os
import re
import shutil
import struct
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DOCS = Path(settings.BASE_DIR) / "docs"


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_screenshots_of_the_hgkm_matrix_on_desktop_and_phone(site, new_page, artifacts):
    for name, viewport in [("matrix-desktop", DESKTOP), ("matrix-phone", PHONE)]:
        page = new_page(viewport)
        page.goto(site + "/kaart/hgkm/")
        matrix = page.locator(".matrix-scroll")
        assert matrix.locator("td.cell").count() == 6 * 6
        if viewport is PHONE:
            # On a phone: the legend and the start of the matrix, as a user scrolls to it.
            page.locator(".legend").evaluate("el => el.scrollIntoView()")
        shot = artifacts / f"{name}.png"
        page.screenshot(path=shot, full_page=viewport is DESKTOP)
        assert png_size(shot)[0] == viewport["width"]
        box = matrix.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], name
        if viewport is PHONE:
            assert 0 <= box["y"] < viewport["height"], "de matrix staat niet in beeld"
        # `UPDATE_SCREENSHOTS=1 pytest tests/browser` refreshes the copies in docs/ (README).
        if os.environ.get("UPDATE_SCREENSHOTS"):
            shutil.copyfile(shot, DOCS / shot.name)


def test_screenshot_of_the_search_page_with_results(site, new_page, artifacts):
    page = new_page(DESKTOP)
    page.goto(site + "/aanbod/?violence_type=kindermishandeling&phase=preventie")
    assert page.locator("li.result").count() > 3
    shot = artifacts / "search.png"
    page.screenshot(path=shot, full_page=False)
    assert png_size(shot)[0] == DESKTOP["width"]
    # No sideways scroll on the desktop page: the result list fits.
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shutil.copyfile(shot, DOCS / shot.name)


def test_on_a_phone_the_matrix_scrolls_sideways_with_the_phases_fixed(site, new_page):
    page = new_page(PHONE)
    page.goto(site + "/kaart/hgkm/")
    region = page.get_by_role("region", name="Huiselijk geweld en kindermishandeling")
    scroll_width, client_width = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert scroll_width > client_width, "de matrix past op een telefoon, dan is er niets te testen"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    phase = page.locator(".matrix tbody th[scope=row]").first
    first_cell = page.locator(".matrix tbody tr").first.locator("td").first
    phase.scroll_into_view_if_needed()
    phase_before, cell_before = phase.bounding_box(), first_cell.bounding_box()

    # The region is keyboard-reachable and scrolls with the arrow keys.
    region.focus()
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    # Keyboard scrolling is animated: wait until it has moved.
    page.wait_for_function("el => el.scrollLeft > 100", arg=region.element_handle())

    phase_after, cell_after = phase.bounding_box(), first_cell.bounding_box()
    assert phase_after["x"] == pytest.approx(phase_before["x"], abs=1)
    assert cell_after["x"] < cell_before["x"] - 100
    # Sticky and on top: the phase name is what the user sees at that spot.
    centre_x = phase_after["x"] + phase_after["width"] / 2
    centre_y = phase_after["y"] + phase_after["height"] / 2
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('th')?.textContent.trim()",
        [centre_x, centre_y],
    )
    assert on_top == "Preventie"


def pdf_page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def test_both_matrices_print_on_one_landscape_a4_page(site, page, artifacts):
    pages = {}
    for slug in ["hgkm", "seksueel-geweld"]:
        page.goto(f"{site}/kaart/{slug}/")
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        (artifacts / f"matrix-{slug}-print.pdf").write_bytes(pdf)
        assert re.search(rb"/MediaBox\s*\[0 0 841\.\d+ 59[45]\.\d+\]", pdf), "geen A4 liggend"
        pages[slug] = pdf_page_count(pdf)
    assert pages == {"hgkm": 1, "seksueel-geweld": 1}
    page.emulate_media(media="print")
    assert page.locator(".filter-form").is_hidden()
    assert page.get_by_role("navigation", name="Hoofdmenu").is_hidden()
    assert page.locator(".matrix").is_visible()
