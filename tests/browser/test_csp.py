"""A real browser (Chromium through Playwright) loads the key pages under the policy and reports
no CSP violation; the admin's scripts still work (they are all external files)."""

from urllib.parse import quote

import pytest

from providers.models import Offer
from tests.factories import UserFactory
from tests.partner_admin_support import make_partner

PASSWORD = "een-lang-test-wachtwoord-91"

# Recorded in the page before any of its own code runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def visit(page, url):
    response = page.goto(url)
    assert response.status < 500, url
    assert "Content-Security-Policy" in {name.title() for name in response.headers}
    return response


def assert_no_violations(page, url):
    violations = page.evaluate("window.__cspViolations")
    csp_console = [text for text in page.console_errors if "Content Security Policy" in text]
    assert violations == [] and csp_console == [], f"{url}: {violations} {csp_console}"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_key_pages_show_no_csp_violations_and_admin_scripts_work(browser, live_server, baseline):
    # Data first: the ORM may not run while Playwright's event loop runs in this thread.
    UserFactory(username="beheerder", password=PASSWORD, is_staff=True, is_superuser=True)
    offer = Offer.objects.published().select_related("organisation").first()
    base = live_server.url
    public_urls = [
        "/",
        "/kaart/hgkm/",
        "/kaart/seksueel-geweld/",
        "/organisaties/",
        f"/organisaties/{offer.organisation.slug}/",
        f"/aanbod/{offer.slug}/",
        "/bestaat-niet/",
    ]
    # A context of its own that enforces the policy (the other browser tests bypass it for axe).
    context = browser.new_context()
    try:
        context.add_init_script(RECORD_VIOLATIONS)
        page = context.new_page()
        console_errors = []
        page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
        page.console_errors = console_errors

        for url in public_urls:
            visit(page, base + url)
            assert_no_violations(page, url)

        # Log in through the form (form-action 'self').
        visit(page, base + "/beheer/login/")
        assert_no_violations(page, "/beheer/login/")
        page.fill("#id_username", "beheerder")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(base + "/beheer/")
        assert_no_violations(page, "/beheer/")

        # Changelist: actions.js checks every row with the "select all" box.
        visit(page, base + "/beheer/providers/offer/")
        page.check("#action-toggle")
        assert page.locator("input.action-select:not(:checked)").count() == 0
        assert page.locator("input.action-select").count() > 0
        assert_no_violations(page, "/beheer/providers/offer/")

        # Change form: SelectFilter2 builds the two-box widgets, select2 the autocomplete.
        change_url = f"/beheer/providers/offer/{offer.pk}/change/"
        visit(page, base + change_url)
        page.wait_for_selector("#id_target_groups_from")
        assert page.locator(".select2-container").count() > 0
        # The JavaScript catalogue loaded under the policy: the two-box widget speaks Dutch.
        assert page.inner_text("#id_target_groups_add_all") == "Alle doelgroepen kiezen"
        assert page.inner_text("#id_target_groups_remove_all") == "Alle doelgroepen verwijderen"
        assert_no_violations(page, change_url)

        # Add form: prepopulate.js fills the slug from the name.
        visit(page, base + "/beheer/providers/organisation/add/")
        page.locator("#id_name").press_sequentially("Nieuwe Organisatie")
        assert page.input_value("#id_slug") == "nieuwe-organisatie"
        assert_no_violations(page, "/beheer/providers/organisation/add/")

    finally:
        context.close()


def enforcing_page(browser):
    """A context of its own that enforces the policy and records violations."""
    context = browser.new_context()
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    console_errors = []
    page.on("console", lambda m: m.type == "error" and console_errors.append(m.text))
    page.console_errors = console_errors
    return context, page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_offer_page_and_a_partners_position_grid_show_no_csp_violations(
    browser, live_server, baseline
):
    offer = Offer.objects.published().select_related("organisation").first()
    make_partner(offer.organisation, "partner-csp", password=PASSWORD)
    base = live_server.url
    search_url = f"/aanbod/?q={quote(offer.name.split()[0])}"
    change_url = f"/beheer/providers/offer/{offer.pk}/change/"
    context, page = enforcing_page(browser)
    try:
        # The search page with a query finds the offer; its page opens from the results.
        visit(page, base + search_url)
        page.locator(f"a[href='/aanbod/{offer.slug}/']").first.click()
        page.wait_for_url(base + f"/aanbod/{offer.slug}/")
        assert_no_violations(page, search_url)

        visit(page, base + "/beheer/login/")
        page.fill("#id_username", "partner-csp")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(base + "/beheer/")
        assert_no_violations(page, "/beheer/ (partner)")

        # The offer's change form with the position grid: tick a cell and save.
        visit(page, base + change_url)
        grid = page.locator(".position-grid-editor input[type=checkbox][name=positions]")
        assert grid.count() == 6 * 6 + 6 * 7
        cell = page.locator("#id_positions_nazorg__ouderenmishandeling")
        was_checked = cell.is_checked()
        cell.click()
        assert cell.is_checked() != was_checked
        assert_no_violations(page, change_url)
        page.click("input[name=_save]")
        page.wait_for_url(base + "/beheer/providers/offer/")
        assert_no_violations(page, "/beheer/providers/offer/ (after saving)")
    finally:
        context.close()
    cells = set(offer.positions.values_list("phase__slug", "violence_type__slug"))
    assert (("nazorg", "ouderenmishandeling") in cells) != was_checked
