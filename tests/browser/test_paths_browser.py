"""The path page, the breaks page and the pool page in a real browser: axe-core finds nothing
serious or critical, on a laptop and on a phone; on a phone only the figure scrolls sideways,
in its own region, and the list says the same as the figure. Screenshots go to
test-artifacts/ (and docs/ with UPDATE_SCREENSHOTS=1)."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.text import slugify

from providers.models import Offer, Organisation
from providers.paths.models import PoolEntry
from tests.browser.conftest import DESKTOP, PHONE
from tests.browser.test_phone_width import OVERFLOWING
from tests.paths_factories import PoolEntryFactory, ReferralLinkFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PATH_PAGE = "/paden/hgkm/kindermishandeling/"
PAGES = [
    PATH_PAGE,
    "/paden/",
    "/paden/breuken/",
    "/ervaringsdeskundigen/",
    "/ervaringsdeskundigen/?violence_type=ex-partnergeweld",
    "/ervaringsdeskundigen/?phase=onzin",
]
DOCS = Path(settings.BASE_DIR) / "docs"


def offer(organisation: str) -> Offer:
    return Offer.objects.get(slug=f"{slugify(organisation)}-hgkm-2023")


def add_paths():
    ReferralLinkFactory(
        from_offer=offer("Veilig Thuis"), to_offer=offer("De Reclassering"), kind="zorg-naar-straf"
    )
    ReferralLinkFactory(from_offer=offer("De Viersprong"), to_offer=offer("Veilig Thuis"))
    ReferralLinkFactory(
        from_offer=offer("De Reclassering"),
        to_offer=offer("Blijf Groep"),
        kind="verplicht-naar-vrijwillig",
    )
    ReferralLinkFactory(
        from_offer=offer("Blijf Groep"), to_offer=offer("Veilig Thuis"), kind="nazorg"
    )
    organisation = Organisation.objects.get(slug="blijf-groep")
    PoolEntryFactory(
        organisation=organisation,
        title="Ervaringsdeskundigen voor motivatiegesprekken",
        availability=3,
        lists={
            "violence_types": ["ex-partnergeweld"],
            "phases": ["risicogestuurde-zorg-hulpverleningsplan"],
            "deployment_kinds": ["motiveren", "lotgenotengroepen"],
        },
    )
    PoolEntryFactory(
        organisation=Organisation.objects.get(slug="de-reclassering"),
        title="Gastlessen voor professionals",
        availability=8,
        availability_unit=PoolEntry.Unit.HOURS_PER_MONTH,
    )


def test_the_path_and_pool_pages_have_no_serious_axe_violations_on_laptop_and_phone(
    site, new_page, axe_violations, artifacts
):
    add_paths()
    violations = {}
    for viewport, name in [(DESKTOP, "laptop"), (PHONE, "telefoon")]:
        page = new_page(viewport)
        for path in PAGES:
            response = page.goto(site + path)
            assert response.status == (400 if "onzin" in path else 200), path
            violations[f"{name} {path}"] = axe_violations(page)
    assert violations == {key: [] for key in violations}


def test_on_a_phone_only_the_figure_scrolls_and_the_list_tells_the_same(site, new_page, artifacts):
    add_paths()
    page = new_page(PHONE)
    for path in PAGES[:4]:
        page.goto(site + path)
        assert page.evaluate(OVERFLOWING) == [], path
    page.goto(site + PATH_PAGE)
    figure = page.get_by_role("region", name="Figuur van het pad (schuift zijwaarts)")
    assert figure.evaluate("el => el.scrollWidth > el.clientWidth")
    # The region is reached and scrolled with the keyboard.
    figure.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 50", arg=figure.element_handle())
    image = page.get_by_role("img", name="Pad kindermishandeling")
    assert image.count() == 1
    boxes = page.locator("svg .path-node").count()
    items = page.locator("ul.path-list > li").count()
    assert boxes == items > 0
    assert page.get_by_text("Hierna: ").first.is_visible()
    shots = [(PATH_PAGE, "paths-phone.png", PHONE)]
    shots += [
        (PATH_PAGE, "paths-desktop.png", DESKTOP),
        ("/paden/breuken/", "paths-breaks.png", DESKTOP),
        ("/ervaringsdeskundigen/", "paths-pool.png", DESKTOP),
    ]
    for path, filename, viewport in shots:
        shot = new_page(viewport)
        shot.goto(site + path)
        shot.screenshot(path=str(artifacts / filename), full_page=True)
        if os.environ.get("UPDATE_SCREENSHOTS"):
            if filename == "paths-breaks.png":  # the table of the first framework
                shot.locator(".breaks-framework").first.screenshot(path=str(DOCS / filename))
            else:
                shot.screenshot(path=str(DOCS / filename))
