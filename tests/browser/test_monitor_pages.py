"""The monitor in a real browser: axe, a phone and print."""

import re

import pytest

from providers.monitor.models import Need
from tests.browser.conftest import PHONE
from tests.browser.test_matrix_layout import pdf_page_count
from tests.browser.test_phone_width import OVERFLOWING, SMALL_PHONE
from tests.factories import OfferFactory, OrganisationFactory
from tests.monitor_factories import NeedFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PAGES = {
    "/monitor/": 200,
    "/monitor/?role=aanbieder&age_group=minderjarigen": 200,
    "/monitor/?van=nu&tot=nu": 400,
    "/": 200,
}


def monitor_world():
    """A partner's new offer in Nazorg x Ouderenmishandeling, with capacity, and a need there."""
    OfferFactory(
        organisation=OrganisationFactory(name="Nazorg Nu", slug="nazorg-nu"),
        capacity_per_year=8,
        current_occupancy=6,
        waiting_weeks=4,
        cells=[("nazorg", "ouderenmishandeling")],
    )
    NeedFactory(cell=("nazorg", "ouderenmishandeling"), capacity_per_year=20)
    assert Need.objects.count() == 1


def test_the_monitor_has_no_serious_or_critical_axe_violations(site, page, axe_violations):
    monitor_world()
    violations = {}
    for path, status in PAGES.items():
        response = page.goto(site + path)
        assert response.status == status, path
        violations[path] = axe_violations(page)
    assert violations == {path: [] for path in PAGES}


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["320px", "390px"])
def test_the_monitor_is_not_wider_than_a_phone(site, new_page, viewport, artifacts):
    monitor_world()
    page = new_page(viewport)
    page.goto(site + "/monitor/")
    assert page.evaluate(OVERFLOWING) == []
    # The comparison matrix scrolls within its own region, reachable by keyboard.
    region = page.get_by_role("region", name=re.compile("Huiselijk geweld.*verandering per cel"))
    assert region.get_attribute("tabindex") == "0"
    page.screenshot(path=artifacts / f"monitor-phone-{viewport['width']}.png", full_page=False)


def test_the_monitor_prints_each_framework_on_landscape_a4(site, page, artifacts):
    monitor_world()
    page.goto(site + "/monitor/")
    page.screenshot(path=artifacts / "monitor-desktop.png", full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    (artifacts / "monitor-print.pdf").write_bytes(pdf)
    assert re.search(rb"/MediaBox\s*\[0 0 841\.\d+ 59[45]\.\d+\]", pdf), "geen A4 liggend"
    assert pdf_page_count(pdf) >= 2  # each framework starts on its own page
    page.emulate_media(media="print")
    assert page.locator(".monitor-form").is_hidden()
    assert page.get_by_role("navigation", name="Hoofdmenu").is_hidden()
    assert page.locator(".monitor-matrix").first.is_visible()
    assert page.locator("svg.chart").first.is_visible()
    assert page.locator(".chart-table").first.is_visible()
    cell = page.locator('td[data-phase="nazorg"][data-violence-type="ouderenmishandeling"]').first
    assert "+ Nazorg Nu" in cell.inner_text() and "tekort: 12 per jaar" in cell.inner_text()
