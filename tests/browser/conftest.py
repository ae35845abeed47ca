"""Fixtures for the real-browser tests: Playwright for Python driving Debian's Chromium against
pytest-django's live server.

Playwright cannot download browsers on our machines, so the tests use /usr/bin/chromium (Debian's
`chromium` package; `.ci/run` installs it). Without it the tests fail with a clear message: a
browser test that silently skips would prove nothing.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright

from frameworks.models import Framework, Phase
from providers.baseline import load_baseline

# Playwright's sync API keeps an event loop running in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told that this is safe (it is: the calls are sync).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SCRIPT = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this directory `browser` (before `-m` selects), so that
    `pytest -m "not browser"` runs the fast suite and a new browser test cannot be missed."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} ontbreekt: de browsertests hebben Debians Chromium nodig. "
            "Installeer het met `apt-get update && apt-get install -y chromium`.",
            pytrace=False,
        )
    # Playwright's sync API runs the test code in another context, where Django opens new
    # connection objects. Hand them the reference data that the test database serialized when
    # it was created, so that `serialized_rollback` restores it in the browser tests too.
    serialized = {
        alias: connections[alias]._test_serialized_contents
        for alias in connections
        if hasattr(connections[alias], "_test_serialized_contents")
    }
    with sync_playwright() as playwright:
        for alias, contents in serialized.items():
            connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # Close the connections of this context, or PostgreSQL cannot drop the test database.
        connections.close_all()


@pytest.fixture
def new_page(browser) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (own cookies); `viewport` defaults to desktop.

    bypass_csp lets the tests inject axe-core as a script tag even under a strict
    Content-Security-Policy; the site's own pages never need it."""
    contexts = []

    def open_page(viewport: dict | None = None) -> Page:
        context = browser.new_context(viewport=viewport or DESKTOP, locale="nl-NL", bypass_csp=True)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def site(live_server) -> str:
    """The live server with the 2023 baseline loaded, as `make run` shows it; returns its URL.

    Browser tests are transactional (the live server runs in another thread), and a transactional
    test flushes the database afterwards. Mark browser tests with
    `django_db(transaction=True, serialized_rollback=True)` so the reference data from the
    migrations (frameworks, phases, violence types) is restored before each test."""
    assert Framework.objects.count() == 2, "analysekaders uit de migraties ontbreken"
    assert Phase.objects.count() == 6, "fasen uit de migraties ontbreken"
    load_baseline()
    return live_server.url


@pytest.fixture
def axe_violations() -> Callable[[Page], list[dict]]:
    """Run axe-core (node_modules/axe-core, installed by `make assets`) on the page and return
    the violations of impact serious or critical."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} ontbreekt: draai `make assets` (npm ci).", pytrace=False)

    def scan(page: Page) -> list[dict]:
        page.add_script_tag(path=str(AXE_SCRIPT))
        results = page.evaluate(
            """async () => await axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                 "best-practice"]},
                resultTypes: ["violations"],
            })"""
        )
        return [
            {
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "nodes": [node["target"] for node in violation["nodes"]][:5],
            }
            for violation in results["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]

    return scan


@pytest.fixture
def artifacts() -> Path:
    """test-artifacts/ (gitignored): screenshots a reviewer can open after a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
