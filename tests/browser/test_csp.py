"""A real browser (Chromium through Playwright) loads the key pages under the policy and reports
no CSP violation; the admin's scripts still work (they are all external files)."""

import pytest

from providers.models import Offer
from tests.factories import UserFactory

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
        assert_no_violations(page, change_url)

        # Add form: prepopulate.js fills the slug from the name.
        visit(page, base + "/beheer/providers/organisation/add/")
        page.locator("#id_name").press_sequentially("Nieuwe Organisatie")
        assert page.input_value("#id_slug") == "nieuwe-organisatie"
        assert_no_violations(page, "/beheer/providers/organisation/add/")

    finally:
        context.close()
