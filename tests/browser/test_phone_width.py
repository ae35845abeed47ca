"""No public page pans sideways on a phone, only the matrix scrolls within its own region; on a
laptop the matrix starts on the first screen; and from the home page a referrer reaches a phone
number in three interactions."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from providers.models import Organisation
from tests.browser.conftest import PHONE
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

SMALL_PHONE = {"width": 320, "height": 640}
LAPTOP = {"width": 1366, "height": 768}
SHOTS = Path("/tmp/shots")

PUBLIC_PAGES = [
    "/",
    "/kaart/hgkm/",
    "/kaart/seksueel-geweld/",
    "/aanbod/?violence_type=kindermishandeling&phase=preventie",
    "/aanbod/veilig-thuis-hgkm-2023/",
    "/organisaties/veilig-thuis/",
    "/organisaties/",
]

# What is wider than the screen without a region that scrolls it: an absolutely positioned box
# is clipped only by a scroller at or above its containing block (the nearest positioned box).
OVERFLOWING = """() => {
    const width = document.documentElement.clientWidth;
    const scrolls = (el) => ["auto", "scroll", "hidden", "clip"].includes(
        getComputedStyle(el).overflowX);
    const clipped = (el) => {
        let box = el;
        for (let up = el.parentElement; up; up = up.parentElement) {
            const absolute = ["absolute", "fixed"].includes(getComputedStyle(box).position);
            if (absolute && getComputedStyle(up).position === "static") continue;
            if (scrolls(up)) return true;
            box = up;
        }
        return false;
    };
    return [...document.body.querySelectorAll("*")]
        .filter((el) => el.getBoundingClientRect().right > width + 0.5 && !clipped(el))
        .slice(0, 5)
        .map((el) => el.tagName.toLowerCase() + "." + [...el.classList].join(".") + " "
             + Math.round(el.getBoundingClientRect().right) + "px: "
             + (el.textContent || "").trim().slice(0, 40));
}"""


@pytest.mark.parametrize("viewport", [SMALL_PHONE, PHONE], ids=["320px", "390px"])
def test_no_public_page_is_wider_than_a_phone(site, new_page, viewport):
    # Contact details as partners type them: long addresses are single words.
    OfferFactory(
        organisation=Organisation.objects.get(slug="veilig-thuis"),
        name="Advies en aanmelding voor plegers",
        slug="advies-plegers",
        cells=[("preventie", "kindermishandeling")],
        contact_name="Afdeling aanmelding plegerhulp",
        phone="+31 (0)20 123 45 67",
        email="aanmelding.plegerhulp@veiligthuis-amsterdam-amstelland.example.org",
        website="https://www.example.org/hulpverlening/plegers-van-huiselijk-geweld/aanmelden",
    )
    page = new_page(viewport)
    too_wide = {}
    for path in [*PUBLIC_PAGES, "/aanbod/advies-plegers/"]:
        assert page.goto(site + path).status == 200, path
        scroll_width, inner_width = page.evaluate(
            "[document.documentElement.scrollWidth, window.innerWidth]"
        )
        if scroll_width > inner_width:
            too_wide[path] = (scroll_width, page.evaluate(OVERFLOWING))
    assert too_wide == {}


def test_on_a_phone_only_the_matrix_scrolls_sideways(site, new_page):
    page = new_page(SMALL_PHONE)
    for slug in ("hgkm", "seksueel-geweld"):
        page.goto(f"{site}/kaart/{slug}/")
        region = page.locator(".matrix-scroll")
        scroll_width, client_width = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
        assert scroll_width > client_width, slug  # the matrix is wider, inside its region
        assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def test_on_a_laptop_the_matrix_starts_on_the_first_screen(site, new_page):
    page = new_page(LAPTOP)
    for slug in ("hgkm", "seksueel-geweld"):
        page.goto(f"{site}/kaart/{slug}/")
        # The less-used filters are folded away; the text and role filters stay in view.
        expect(page.get_by_label("Doelgroep")).to_be_hidden()
        expect(page.get_by_label("Rol van de organisatie")).to_be_visible()
        top = page.locator("table.matrix").bounding_box()["y"]
        assert top < LAPTOP["height"], f"{slug}: de matrix begint op {top:.0f} px"
    # A folded filter in use opens the fold, and the matrix follows it.
    page.goto(f"{site}/kaart/hgkm/?age_group=minderjarigen")
    expect(page.get_by_label("Leeftijdsgroep")).to_have_value("minderjarigen")
    expect(page.locator("details.more-filters > summary")).to_contain_text("(1 gekozen)")


def test_from_the_home_page_to_a_phone_number_in_three_interactions(site, new_page):
    OfferFactory(
        organisation=Organisation.objects.get(slug="trias-pedagogica"),
        name="Ouderen in beeld",
        slug="ouderen-in-beeld",
        cells=[("preventie", "ouderenmishandeling")],
        phone="020-5556677",
    )
    page = new_page(PHONE)
    page.goto(site + "/")
    search = page.get_by_role("search", name="Zoek aanbod")
    search.get_by_label("Geweldsvorm").select_option(label="Ouderenmishandeling")  # 1
    search.get_by_label("Fase").select_option(label="Preventie")  # 2
    search.get_by_role("button", name="Zoeken").click()  # 3
    page.wait_for_url(re.compile(r"/aanbod/\?.*violence_type=ouderenmishandeling"))
    expect(page.get_by_role("heading", name="3 resultaten")).to_be_visible()
    result = page.locator("li.result", has_text="Ouderen in beeld")
    expect(result.get_by_role("link", name="020-5556677")).to_have_attribute(
        "href", "tel:020-5556677"
    )
    # The 2023 offers in that cell have no phone yet, and say so instead of staying silent.
    others = page.locator("li.result", has_not_text="Ouderen in beeld")
    expect(others.first).to_contain_text("Nog geen contactgegevens")


def test_screenshots_on_a_phone(site, new_page, artifacts):
    SHOTS.mkdir(exist_ok=True)
    for viewport, suffix in ((PHONE, "390"), (SMALL_PHONE, "320")):
        page = new_page(viewport)
        for name, path in (("home", "/"), ("offer", "/aanbod/veilig-thuis-hgkm-2023/")):
            page.goto(site + path)
            for target in (SHOTS, artifacts):
                page.screenshot(path=target / f"{name}-phone-{suffix}.png")
            page.screenshot(path=SHOTS / f"{name}-phone-{suffix}-full.png", full_page=True)
