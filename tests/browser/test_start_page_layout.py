"""The admin start page in a real browser, at a laptop (1366), a small laptop or tablet (1024)
and a phone (390): nothing overlaps (Django's "Recente acties" ran over the table of recent
changes), headers do not wrap one letter per line, the page is never wider than the screen,
axe finds nothing serious or critical. Screenshots: test-artifacts/start-page-*.png.

Accounts and data are made first: the ORM may not run while Playwright's loop drives the pages."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from providers import services
from providers.models import Offer, Organisation, VerificationReminder
from tests.partner_admin_support import make_municipal_user, make_partner

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "een-lang-test-wachtwoord-58"
WIDTHS = {1366: 900, 1024: 768, 390: 844}

LAYOUT = """() => {
    const box = (el) => el.getBoundingClientRect();
    const overlap = (a, b) => {
        const x = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const y = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        return x > 0 && y > 0;
    };
    const side = document.querySelector("#recent-actions-module");
    const blocks = [...document.querySelectorAll("#dashboard-main .module, #dashboard-main table")];
    const lines = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        return tops.size;
    };
    return {
        pageWidth: document.documentElement.scrollWidth,
        viewport: window.innerWidth,
        overlapping: blocks.filter((el) => overlap(box(el), box(side)))
            .map((el) => el.id || el.tagName),
        wrappedHeaders: [...document.querySelectorAll("#dashboard-main thead th")]
            .filter((th) => lines(th) > 2).map((th) => th.textContent.trim()),
        // Tables wider than their module scroll in their own region, never past the page.
        escaping: [...document.querySelectorAll("#dashboard-main .module")]
            .filter((el) => box(el).right > window.innerWidth + 1).map((el) => el.id),
        // Nothing sticks out of the side column (the app list, the recent actions).
        sideOverflow: [...document.querySelectorAll(".start-page-side .module")]
            .filter((el) => box(el).right > box(el.closest(".start-page-side")).right + 1)
            .map((el) => el.id || el.className),
    };
}"""


def log_in(page, site: str, username: str) -> None:
    page.goto(site + "/beheer/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(site + "/beheer/")


def check_every_width(page, site, name, artifacts, axe_violations) -> dict:
    problems = {}
    for width, height in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": height})
        page.goto(site + "/beheer/")
        layout = page.evaluate(LAYOUT)
        page.screenshot(path=artifacts / f"start-page-{name}-{width}.png", full_page=True)
        found = {
            "wider than the screen": layout["pageWidth"] > layout["viewport"] + 1,
            "overlapping the recent actions": layout["overlapping"],
            "headers wrapped": layout["wrappedHeaders"],
            "modules past the edge": layout["escaping"],
            "out of the side column": layout["sideOverflow"],
            "axe": axe_violations(page),
        }
        problems[width] = {key: value for key, value in found.items() if value}
    return problems


def test_the_municipalitys_start_page_holds_at_every_width(site, page, artifacts, axe_violations):
    editor = make_municipal_user(username="gea", password=PASSWORD)
    offer = Offer.objects.select_related("organisation").order_by("slug").first()
    offer.description = "Bijgewerkt door de gemeente."
    services.offer_save(offer=offer, user=editor)
    services.organisation_confirm_offers(organisation=offer.organisation, user=editor)
    VerificationReminder.objects.create(
        organisation=offer.organisation, sent_at=timezone.now(), recipient_count=2, offer_count=1
    )
    log_in(page, site, "gea")
    problems = check_every_width(page, site, "municipality", artifacts, axe_violations)
    assert problems == {width: {} for width in WIDTHS}

    # The baseline is one line, not 409.
    changes = page.locator("#recent-changes")
    expect(changes.get_by_text("Basisgegevens 2023 geladen: 409 posities")).to_have_count(1)
    expect(changes.get_by_text("Positie toegevoegd")).to_have_count(0)
    # Sorting by name is a link in the header.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator("#completeness").get_by_role("link", name="Organisatie", exact=True).click()
    first = page.locator("#completeness tbody th").first
    expect(first).to_have_text(Organisation.objects.order_by("name").first().name)


def test_the_partners_start_page_holds_at_every_width_and_confirms(
    site, page, artifacts, axe_violations
):
    organisation = Organisation.objects.get(slug="veilig-thuis")
    make_partner(organisation, username="pien", password=PASSWORD)
    second = Organisation.objects.get(slug="trias-pedagogica")
    make_partner(second, username="piet", password=PASSWORD)
    log_in(page, site, "pien")
    problems = check_every_width(page, site, "partner", artifacts, axe_violations)
    assert problems == {width: {} for width in WIDTHS}

    # A missing part links to its row in the offer form.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(site + "/beheer/")
    missing = page.locator(".checklist-missing a").first
    label = missing.inner_text()
    missing.click()
    row = page.locator(".form-row:target")
    expect(row).to_be_visible()
    expect(row).to_be_in_viewport()
    assert "#field-row-" in page.url, label

    # One click confirms everything.
    page.goto(site + "/beheer/")
    page.get_by_role("button", name="Gegevens zijn nog juist").click()
    expect(page.get_by_text(f"De gegevens van {organisation.name} zijn bevestigd")).to_be_visible()
    expect(page.locator("#own-offers").get_by_text("controle nodig")).to_have_count(0)
    today = timezone.localdate()
    assert set(organisation.offers.values_list("last_verified", flat=True)) == {today}
    assert not second.offers.filter(last_verified=today).exists()
