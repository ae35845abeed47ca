"""The paths on the public site, on the 2023 baseline plus a few links: "Hiervoor"/"Hierna" on
the offer page, the path page per framework and violence type (SVG and list), where paths
break (page and Excel, checked against fixtures/report-2023-positions.csv), the links in JSON,
peer groups on the home page, and flat query counts."""

import csv
from collections import defaultdict
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify
from openpyxl import load_workbook

from providers.models import AgeGroup, LegalFramework, Offer
from tests.factories import OfferFactory
from tests.paths_factories import ReferralLinkFactory
from tests.test_csp import assert_strict_csp, inline_code

POSITIONS = Path(settings.BASE_DIR) / "fixtures" / "report-2023-positions.csv"
ONWARD_PHASES = {
    "Directe veiligheid / veiligheidsplan",
    "Risicogestuurde zorg / hulpverleningsplan",
    "Herstelgerichte zorg",
}


def rows():
    with POSITIONS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def offer_of(organisation: str, framework: str) -> Offer:
    """The baseline offer of an organisation in a framework."""
    return Offer.objects.get(slug=f"{slugify(organisation)}-{framework}-2023")


def expected_phase_breaks(without=()) -> dict:
    """Per (framework, violence type name): the organisations positioned in direct safety,
    risk-driven or recovery care there, from the report's own table."""
    found = defaultdict(set)
    for row in rows():
        if row["phase"] in ONWARD_PHASES and row["organisation"] not in without:
            found[(row["framework"], row["violence_type"])].add(row["organisation"])
    return found


def workbook(client):
    response = client.get("/paden/export.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(BytesIO(response.content))


def counts_sheet(book) -> dict:
    sheet = book["Aantallen"]
    header = [cell.value for cell in sheet[1]]
    assert header == [
        "Analysekader",
        "Geweldsvorm",
        "Geen vervolg",
        "Verplicht zonder vrijwillig",
        "Jeugd zonder volwassenen",
    ]
    return {(r[0], r[1]): tuple(r[2:]) for r in sheet.iter_rows(min_row=2, values_only=True)}


FRAMEWORK_NAMES = {
    "hgkm": "Huiselijk geweld en kindermishandeling",
    "seksueel-geweld": "Seksueel geweld",
}


def test_the_breaks_on_the_baseline_are_the_report_positions_without_onward_links(client, baseline):
    counts = counts_sheet(workbook(client))
    expected = expected_phase_breaks()
    assert len(counts) == 13
    for (framework, violence_type), (phase, _, _) in counts.items():
        slug = next(s for s, name in FRAMEWORK_NAMES.items() if name == framework)
        assert phase == len(expected[(slug, violence_type)]), violence_type
    # The baseline knows two facts the other breaks read: De Reclassering works in the
    # compulsory framework, De Viersprong for minors.
    reclassering = {
        (r["framework"], r["violence_type"])
        for r in rows()
        if r["organisation"] == "De Reclassering"
    }
    viersprong = {
        (r["framework"], r["violence_type"]) for r in rows() if r["organisation"] == "De Viersprong"
    }
    for (framework, violence_type), (_, compulsory, youth) in counts.items():
        slug = next(s for s, name in FRAMEWORK_NAMES.items() if name == framework)
        assert compulsory == ((slug, violence_type) in reclassering)
        assert youth == ((slug, violence_type) in viersprong)
    page = client.get("/paden/breuken/")
    assert page.status_code == 200
    assert_strict_csp(page)
    assert "De Reclassering" in page.content.decode()


def test_a_confirmed_onward_link_closes_the_break_and_a_proposal_does_not(client, baseline):
    # An organisation in direct safety for child abuse hands over to another's offer.
    source_name = sorted(expected_phase_breaks()[("hgkm", "Kindermishandeling")])[0]
    source = offer_of(source_name, "hgkm")
    target = Offer.objects.published().exclude(organisation=source.organisation).first()
    proposal = ReferralLinkFactory(
        from_offer=source, to_offer=target, status="voorgesteld", confirmed_at=None
    )
    ReferralLinkFactory(from_offer=source, to_offer=OfferFactory(status=Offer.Status.DRAFT))
    counts = counts_sheet(workbook(client))
    assert counts[(FRAMEWORK_NAMES["hgkm"], "Kindermishandeling")][0] == len(
        expected_phase_breaks()[("hgkm", "Kindermishandeling")]
    )
    proposal.status = "bevestigd"
    proposal.save()
    counts = counts_sheet(workbook(client))
    expected = expected_phase_breaks(without={source_name})
    for (framework, violence_type), (phase, _, _) in counts.items():
        if framework == FRAMEWORK_NAMES["hgkm"]:
            assert phase == len(expected[("hgkm", violence_type)]), violence_type
    links = workbook(client)["Verwijzingen"]
    assert [c.value for c in links[2]][:4] == [
        source.organisation.name,
        source.name,
        target.organisation.name,
        target.name,
    ]
    assert links.max_row == 2  # the proposal and the link to a draft are not in it


def test_compulsory_and_youth_breaks_close_with_the_right_link(client, baseline):
    reclassering = offer_of("De Reclassering", "hgkm")
    viersprong = offer_of("De Viersprong", "hgkm")
    voluntary = OfferFactory(name="Vrijwillige hulp")
    voluntary.legal_frameworks.set([LegalFramework.objects.get(slug="vrijwillig")])
    adults = OfferFactory(name="Hulp voor jongvolwassenen")
    adults.age_groups.set([AgeGroup.objects.get(slug="jongvolwassenen-18-23")])
    # A link to an offer that is neither voluntary nor for adults closes neither break.
    other = OfferFactory(name="Iets anders")
    ReferralLinkFactory(from_offer=reclassering, to_offer=other)
    ReferralLinkFactory(from_offer=viersprong, to_offer=other)
    sheet = workbook(client)["Breuken"]
    named = {(r[2], r[3], r[4]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    compulsory = "Verplicht kader zonder verwijzing naar vrijwillige hulp"
    youth = "Jeugd zonder verwijzing naar hulp voor (jong)volwassenen"
    assert (compulsory, "De Reclassering", reclassering.name) in named
    assert (youth, "De Viersprong", viersprong.name) in named
    ReferralLinkFactory(from_offer=reclassering, to_offer=voluntary)
    ReferralLinkFactory(from_offer=viersprong, to_offer=adults, kind="nazorg")
    counts = counts_sheet(workbook(client))
    hgkm = {vt: c for (fw, vt), c in counts.items() if fw == FRAMEWORK_NAMES["hgkm"]}
    assert all(c[1] == 0 and c[2] == 0 for c in hgkm.values())
    # De Reclassering's offer for sexual violence still breaks.
    sg = [c[1] for (fw, _), c in counts.items() if fw == FRAMEWORK_NAMES["seksueel-geweld"]]
    assert any(sg)


def test_the_workbook_writes_text_never_as_a_formula(client, baseline):
    evil = OfferFactory(name='=HYPERLINK("http://x")', cells=[("nazorg", "kindermishandeling")])
    ReferralLinkFactory(from_offer=offer_of("De Reclassering", "hgkm"), to_offer=evil, note="+1")
    book = workbook(client)
    row = list(book["Verwijzingen"].iter_rows(min_row=2))[0]
    assert row[3].value == '=HYPERLINK("http://x")' and row[3].data_type == "s"
    assert row[5].value == "+1" and row[5].data_type == "s"


# --- The offer page ----------------------------------------------------------------------


def test_the_offer_page_shows_before_and_after_over_confirmed_links_only(client, baseline):
    waag = offer_of("Veilig Thuis", "hgkm")
    after = offer_of("De Reclassering", "hgkm")
    before = offer_of("De Viersprong", "hgkm")
    ReferralLinkFactory(from_offer=waag, to_offer=after, kind="zorg-naar-straf")
    ReferralLinkFactory(from_offer=before, to_offer=waag, note="Na MST")
    ReferralLinkFactory(
        from_offer=waag, to_offer=offer_of("Altra", "hgkm"), status="voorgesteld", confirmed_at=None
    )
    ReferralLinkFactory(
        from_offer=waag, to_offer=offer_of("Blijf Groep", "hgkm"), status="beeindigd"
    )
    response = client.get(waag.get_absolute_url())
    page = response.content.decode()
    hierna = page[page.index('id="paden-hierna"') :]
    hiervoor = page[page.index('id="paden-hiervoor"') : page.index('id="paden-hierna"')]
    assert "De Reclassering" in hierna and "van zorg naar straf" in hierna
    assert "Altra" not in hierna and "Blijf Groep" not in hierna.split("</section>")[0]
    assert "De Viersprong" in hiervoor and "Na MST" in hiervoor
    assert inline_code(response) == []


def test_the_offer_page_says_when_there_is_no_link(client, baseline):
    page = client.get(offer_of("Altra", "hgkm").get_absolute_url()).content.decode()
    assert "Geen bevestigde verwijzing naar dit aanbod." in page
    assert "Geen bevestigde doorverwijzing vanuit dit aanbod." in page


# --- The path page -----------------------------------------------------------------------


def test_the_path_page_draws_every_offer_of_the_violence_type_and_its_links(client, baseline):
    organisations = {
        r["organisation"]
        for r in rows()
        if (r["framework"], r["violence_type"]) == ("hgkm", "Ouderenmishandeling")
    }
    names = sorted(organisations)
    ReferralLinkFactory(from_offer=offer_of(names[0], "hgkm"), to_offer=offer_of(names[1], "hgkm"))
    # A link to an offer outside this violence type is listed, not drawn.
    outside = OfferFactory(name="Buiten het pad", cells=[("nazorg", "groepsgeweld")])
    ReferralLinkFactory(from_offer=offer_of(names[0], "hgkm"), to_offer=outside, kind="nazorg")
    response = client.get("/paden/hgkm/ouderenmishandeling/")
    assert response.status_code == 200
    assert_strict_csp(response)
    page = response.content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    assert svg.count('class="path-node"') == len(organisations)
    assert svg.count('class="path-link path-link--') == 2  # one arrow and its legend line
    assert f"{len(organisations)} aanbiedingen in 6 fasen, 1 verwijzing" in svg
    listing = page[page.index('id="pad-lijst"') :]
    for name in organisations:
        assert name in listing
    assert "Hierna: " in listing and "Buiten het pad" in listing and "(buiten dit pad)" in listing
    assert "Hiervoor: " in listing


def test_the_path_page_of_an_unknown_or_mismatched_violence_type_is_404(client, baseline):
    assert client.get("/paden/hgkm/groepsgeweld/").status_code == 404
    assert client.get("/paden/onzin/kindermishandeling/").status_code == 404
    assert client.get("/paden/").status_code == 200


# --- Open data and the home page ---------------------------------------------------------


def test_the_links_in_json(client, baseline):
    source, target = offer_of("Veilig Thuis", "hgkm"), offer_of("De Reclassering", "hgkm")
    ReferralLinkFactory(from_offer=source, to_offer=target, kind="zorg-naar-straf")
    ReferralLinkFactory(from_offer=target, to_offer=source, status="voorgesteld")
    data = client.get("/api/verwijzingen/").json()
    assert data["total_items"] == 1
    link = data["contents"][0]
    assert link["from_service"]["slug"] == source.slug
    assert link["to_service"]["organisation"]["name"] == "De Reclassering"
    assert link["kind"] == "zorg-naar-straf"
    assert client.get("/api/verwijzingen/?kind=nazorg").json()["total_items"] == 0
    assert client.get(f"/api/verwijzingen/?offer={target.slug}").json()["total_items"] == 1
    assert client.get("/api/verwijzingen/?offer=altra-hgkm-2023").json()["total_items"] == 0
    error = client.get("/api/verwijzingen/?kind=onzin")
    assert error.status_code == 400 and "kind" in error.json()["fields"]
    assert client.get("/api/verwijzingen/?page=9").status_code == 400


def test_the_home_page_counts_peer_groups_per_framework(client, baseline):
    Offer.objects.filter(slug=offer_of("Veilig Thuis", "hgkm").slug).update(offers_peer_group=True)
    page = client.get("/").content.decode()
    assert "1 aanbieding bij huiselijk geweld en kindermishandeling" in page
    assert "0 aanbiedingen bij seksueel geweld" in page
    assert "/aanbod/?framework=hgkm&amp;peer_group=ja" in page
    # The search filter the line links to finds that offer.
    results = client.get("/aanbod/?framework=hgkm&peer_group=ja")
    assert [o.slug for o in results.context["page"].object_list] == [
        offer_of("Veilig Thuis", "hgkm").slug
    ]


# --- Query counts ------------------------------------------------------------------------


def query_count(client, url) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200, url
    return len(queries)


def chain_links(offers):
    for source, target in zip(offers, offers[1:], strict=False):
        ReferralLinkFactory(from_offer=source, to_offer=target)


def test_the_path_pages_take_the_same_queries_whatever_the_size(
    client, many_offers, django_assert_max_num_queries
):
    _, offers = many_offers(10)
    chain_links(offers)
    urls = [
        "/paden/",
        "/paden/hgkm/kindermishandeling/",
        "/paden/breuken/",
        "/api/verwijzingen/",
        "/",
        offers[1].get_absolute_url(),
    ]
    counts = {url: query_count(client, url) for url in urls}
    for url in urls:
        with django_assert_max_num_queries(15):
            client.get(url)
    more = [
        OfferFactory(
            name=f"Meer aanbod {index}",
            cells=[
                ("directe-veiligheid-veiligheidsplan", "kindermishandeling"),
                ("nazorg", "kindermishandeling"),
            ],
        )
        for index in range(60)
    ]
    chain_links([offers[1], *more])
    ReferralLinkFactory(from_offer=more[-1], to_offer=offers[1], kind="nazorg")
    assert {url: query_count(client, url) for url in urls} == counts


def test_the_breaks_page_names_25_offers_per_cell_and_the_workbook_all(client, baseline):
    for index in range(30):
        OfferFactory(
            name=f"Zonder vervolg {index}",
            cells=[("herstelgerichte-zorg", "ouderenmishandeling")],
        )
    total = len(expected_phase_breaks()[("hgkm", "Ouderenmishandeling")]) + 30
    page = client.get("/paden/breuken/").content.decode()
    start = page.index("Ouderenmishandeling: welk aanbod")
    section = page[start : page.index("</details>", start)]
    assert f"Geen vervolg ({total})" in section
    phase_list = section[section.index("Geen vervolg (") :]
    assert phase_list[: phase_list.index("</ul>")].count("<li") == 25
    assert f"En nog {total - 25} aanbiedingen: zie het" in section
    counts = counts_sheet(workbook(client))
    assert counts[(FRAMEWORK_NAMES["hgkm"], "Ouderenmishandeling")][0] == total
    named = [
        row
        for row in workbook(client)["Breuken"].iter_rows(min_row=2, values_only=True)
        if row[1] == "Ouderenmishandeling" and row[2].startswith("Geen bevestigde")
    ]
    assert len(named) == total
