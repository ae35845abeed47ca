"""Three journeys in a real browser: a referrer finds help from a thin cell, a
partner positions an offer, the municipality downloads a filtered matrix.

Accounts and data are made first: the ORM may not run while Playwright's loop drives the pages."""

import re

import openpyxl
import pytest
from playwright.sync_api import expect

from providers.models import Offer, Organisation
from tests.browser.conftest import PHONE
from tests.factories import OfferFactory, OrganisationFactory
from tests.partner_admin_support import make_municipal_user, make_partner

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "een-lang-test-wachtwoord-47"


def cell(page, phase: str, violence_type: str):
    return page.locator(f'td.cell[data-phase="{phase}"][data-violence-type="{violence_type}"]')


def log_in(page, site: str, username: str) -> None:
    page.goto(site + "/beheer/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.locator("#login-form input[type=submit]").click()
    page.wait_for_url(site + "/beheer/")


def test_a_referrer_goes_from_a_thin_cell_to_the_contact_details_of_an_offer(site, page):
    # Trias pedagogica already sits in Preventie x Ouderenmishandeling, so the cell stays thin
    # (two organisations); this offer of theirs is the one for older people.
    OfferFactory(
        organisation=Organisation.objects.get(slug="trias-pedagogica"),
        name="Ouderen in beeld",
        slug="ouderen-in-beeld",
        cells=[("preventie", "ouderenmishandeling")],
        lists={"age_groups": ["ouderen"]},
        phone="020-5556677",
        email="ouderen@example.org",
        website="https://example.org/ouderen",
    )

    page.goto(site + "/kaart/hgkm/")
    thin = cell(page, "preventie", "ouderenmishandeling")
    expect(thin.locator(".status")).to_have_text("dun")
    thin.locator("a.count").click()

    page.wait_for_url(re.compile(r"/aanbod/\?"))
    # Two organisations in the cell, three offers: Trias pedagogica has two there.
    expect(page.get_by_role("heading", name="3 resultaten")).to_be_visible()
    assert page.get_by_label("Geweldsvorm").input_value() == "ouderenmishandeling"
    assert page.get_by_label("Fase").input_value() == "preventie"

    # Age is among the filters folded away under "Meer filters".
    expect(page.get_by_label("Leeftijdsgroep")).to_be_hidden()
    page.get_by_text("Meer filters").click()
    page.get_by_label("Leeftijdsgroep").select_option(label="Ouderen")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(re.compile(r"age_group=ouderen"))
    expect(page.get_by_role("heading", name="1 resultaat")).to_be_visible()
    # The fold stays open while one of its filters is in use.
    expect(page.get_by_label("Leeftijdsgroep")).to_have_value("ouderen")
    expect(page.locator("details.more-filters > summary")).to_contain_text("(1 gekozen)")
    assert "violence_type=ouderenmishandeling" in page.url and "phase=preventie" in page.url

    page.get_by_role("link", name="Trias pedagogica: Ouderen in beeld").click()
    page.wait_for_url(site + "/aanbod/ouderen-in-beeld/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ouderen in beeld")
    contact = page.locator("main")
    expect(contact.get_by_role("link", name="020-5556677")).to_have_attribute(
        "href", "tel:020-5556677"
    )
    expect(contact.get_by_role("link", name="ouderen@example.org")).to_have_attribute(
        "href", "mailto:ouderen@example.org"
    )
    expect(contact.get_by_role("link", name="https://example.org/ouderen")).to_be_visible()


def test_a_partner_ticks_two_cells_and_sees_them_on_the_public_matrix(site, new_page):
    organisation = OrganisationFactory(name="Buurtkracht Plegerhulp", slug="buurtkracht")
    offer = OfferFactory(organisation=organisation, name="Thuis zonder geweld")
    make_partner(organisation, username="pien", password=PASSWORD)
    ticked = {
        ("signalering", "ouderenmishandeling"): "Signalering – Ouderenmishandeling",
        ("nazorg", "overig-huiselijk-geweld"): "Nazorg – Overig huiselijk geweld",
    }
    assert offer.positions.count() == 0

    public = new_page()
    public.goto(site + "/kaart/hgkm/")
    for phase, violence_type in ticked:
        expect(cell(public, phase, violence_type)).not_to_contain_text("Buurtkracht Plegerhulp")
    expect(public.locator("#unpositioned-title + p + ul")).to_contain_text("Buurtkracht")

    partner = new_page()
    log_in(partner, site, "pien")
    partner.get_by_role("link", name="Aanbod").first.click()
    partner.get_by_role("link", name="Thuis zonder geweld").click()
    partner.wait_for_url(re.compile(rf"/beheer/providers/offer/{offer.pk}/change/"))
    for label in ticked.values():
        partner.get_by_label(label, exact=True).check()
    partner.get_by_role("button", name="Opslaan", exact=True).click()
    expect(partner.locator(".messagelist .success")).to_be_visible()

    public.goto(site + "/kaart/hgkm/")
    for phase, violence_type in ticked:
        expect(cell(public, phase, violence_type).locator(".cell-organisations")).to_contain_text(
            "Buurtkracht Plegerhulp"
        )
    expect(public.locator("#unpositioned-title + p + ul")).not_to_contain_text("Buurtkracht")


def test_the_municipality_filters_a_matrix_and_downloads_it_as_excel(site, page, artifacts):
    make_municipal_user(username="gea", password=PASSWORD)
    providers_only = Offer.objects.filter(organisation__role="aanbieder").count()
    assert 0 < providers_only < Offer.objects.count()

    log_in(page, site, "gea")
    page.goto(site + "/kaart/hgkm/")
    page.get_by_label("Rol van de organisatie").select_option(label="Aanbieder")
    page.get_by_role("button", name="Toon kaart").click()
    page.wait_for_url(re.compile(r"role=aanbieder"))

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download Excel", exact=True).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    path = artifacts / "flow-matrix-aanbieders.xlsx"
    download.save_as(path)

    workbook = openpyxl.load_workbook(path)
    assert "Toelichting" in workbook.sheetnames
    notes = [
        tuple(value for value in row if value is not None)
        for row in workbook["Toelichting"].iter_rows(values_only=True)
    ]
    assert ("Filter", "Rol van de organisatie: Aanbieder") in notes


def test_on_a_phone_the_results_follow_a_short_search_form(site, new_page):
    page = new_page(PHONE)
    page.goto(site + "/aanbod/?violence_type=kindermishandeling&phase=preventie")
    # With all 15 filters unfolded the results began 2.6 screens down (2,231 px); with the
    # less-used ones folded, within two.
    assert page.locator("#results-title").bounding_box()["y"] < 2 * PHONE["height"]
    # The fold opens from the keyboard.
    expect(page.get_by_label("Doelgroep")).to_be_hidden()
    page.locator("details.more-filters > summary").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("Doelgroep")).to_be_visible()
