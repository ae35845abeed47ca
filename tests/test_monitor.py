"""The monitor (/monitor/, /api/monitor/, its Excel sheets, `snapshot_coverage` and the admin):
coverage over time against the 2023 inventory, capacity per cell and the needed capacity.

Expectations come from the baseline files in fixtures/ (DOMAIN.md: 7 thin HGKM cells and 15
thin sexual-violence cells at the threshold of 3) and from figures the tests put in
themselves, never from the code under test."""

import csv
import datetime
import html
import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from io import BytesIO
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from frameworks.models import Framework, Phase, ViolenceType
from providers.models import Offer
from providers.monitor.models import Need, Snapshot
from tests.factories import OfferFactory, OrganisationFactory, UserFactory
from tests.monitor_factories import NeedFactory
from tests.partner_admin_support import make_municipal_user, make_partner
from tests.test_csp import assert_strict_csp
from tests.test_fuzz_public_urls import FUZZ, assert_json_answer, assert_no_traceback

FIXTURES = Path(django_settings.BASE_DIR) / "fixtures"
SVG = "{http://www.w3.org/2000/svg}"
NEEDS = "/beheer/monitor/need/"
SNAPSHOTS = "/beheer/monitor/snapshot/"
OFFERS = "/beheer/providers/offer/"


def baseline_cells():
    """(framework, phase name, violence type name) -> organisations, from the report's file."""
    cells = defaultdict(set)
    with open(FIXTURES / "report-2023-positions.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            cells[(row["framework"], row["phase"], row["violence_type"])].add(row["organisation"])
    return cells


def roles():
    with open(FIXTURES / "organisations.csv", encoding="utf-8") as handle:
        return {row["name"]: row["role"] for row in csv.DictReader(handle)}


def cell_of(payload, framework, phase, violence_type):
    (found,) = [
        cell
        for fw in payload["frameworks"]
        if fw["slug"] == framework
        for cell in fw["cells"]
        if cell["phase"] == phase and cell["violence_type"] == violence_type
    ]
    return found


def framework_of(payload, slug):
    return next(fw for fw in payload["frameworks"] if fw["slug"] == slug)


# A fresh install ------------------------------------------------------------------------------


def test_a_fresh_install_compares_the_2023_inventory_with_now(client, baseline):
    snapshot = Snapshot.objects.get()
    assert (snapshot.taken_on, snapshot.label) == (datetime.date(2023, 9, 1), "Inventarisatie 2023")

    response = client.get("/monitor/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Inventarisatie 2023 (1-9-2023) tegenover nu" in html
    # Nothing changed since the load; the weak spots of the report are still there.
    assert (
        "<strong>0</strong> cellen beter, <strong>0</strong> slechter, "
        "<strong>22</strong> nog steeds leeg of dun" in html
    )

    payload = client.get("/api/monitor/").json()
    assert payload["then"]["date"] == "2023-09-01" and payload["now"]["id"] == "nu"
    expected = baseline_cells()
    for fw in payload["frameworks"]:
        for cell in fw["cells"]:
            assert cell["change"] == "gelijk"
            assert cell["then"] == cell["now"]
    hgkm, sexual = framework_of(payload, "hgkm"), framework_of(payload, "seksueel-geweld")
    assert hgkm["summary"]["still_weak"] == 7 and sexual["summary"]["still_weak"] == 15
    nazorg = cell_of(payload, "hgkm", "nazorg", "ouderenmishandeling")
    assert nazorg["then"]["count"] == len(expected[("hgkm", "Nazorg", "Ouderenmishandeling")])
    first, last = payload["trend"][0], payload["trend"][-1]
    assert first["title"] == "Inventarisatie 2023 (1-9-2023)" and last["id"] == "nu"
    assert first["frameworks"]["hgkm"]["thin"] == 7
    assert first["frameworks"]["seksueel-geweld"]["thin"] == 15


def test_a_cell_a_partner_fills_shows_as_improved_with_the_organisation_named(client, baseline):
    organisation = OrganisationFactory(name="Nazorg Nu", slug="nazorg-nu")
    client.force_login(make_partner(organisation))
    response = client.post(
        f"{OFFERS}add/",
        {
            "organisation": organisation.pk,
            "name": "Nazorg voor ouderen",
            "status": Offer.Status.PUBLISHED,
            "positions": ["nazorg__ouderenmishandeling"],
        },
    )
    assert response.status_code == 302
    client.logout()

    payload = client.get("/api/monitor/").json()
    cell = cell_of(payload, "hgkm", "nazorg", "ouderenmishandeling")
    assert (cell["then"]["status"], cell["now"]["status"], cell["change"]) == (
        "thin",
        "covered",
        "beter",
    )
    assert cell["came"] == [{"slug": "nazorg-nu", "name": "Nazorg Nu"}] and cell["went"] == []
    assert payload["summary"] == {"better": 1, "worse": 0, "still_weak": 21}

    html = client.get("/monitor/").content.decode()
    assert "<strong>1</strong> cel beter" in html
    td = re.search(
        r'<td[^>]*data-phase="nazorg" data-violence-type="ouderenmishandeling"[^>]*>(.*?)</td>',
        html,
        re.S,
    )
    assert 'data-change="beter"' in td.group(0)
    assert "+ Nazorg Nu" in td.group(1) and "gedekt" in td.group(1)


def test_the_home_page_links_the_monitor(client, baseline):
    html = client.get("/").content.decode()
    assert 'href="/monitor/"' in html
    assert "Grootste capaciteitstekorten" in html


# Snapshots ----------------------------------------------------------------------------------


def test_snapshot_coverage_takes_one_snapshot_a_day(client, baseline, capsys):
    call_command("snapshot_coverage", "--label", "Kwartaal 1")
    assert "gemaakt" in capsys.readouterr().out
    call_command("snapshot_coverage", "--label", "Nog een")
    assert "niets gewijzigd" in capsys.readouterr().out
    today = Snapshot.objects.get(taken_on=timezone.localdate())
    assert today.label == "Kwartaal 1" and Snapshot.objects.count() == 2

    # The snapshot holds what the live matrix shows: compared with now, nothing changed.
    payload = client.get(f"/api/monitor/?van={today.pk}&tot=nu").json()
    live = client.get("/api/kaart/hgkm/").json()
    statuses = {(c["phase"], c["violence_type"]): c["status"] for c in live["cells"]}
    for cell in framework_of(payload, "hgkm")["cells"]:
        assert cell["then"]["status"] == statuses[(cell["phase"], cell["violence_type"])]
        assert cell["change"] == "gelijk"


def test_a_snapshot_keeps_its_past_when_the_map_changes(client, baseline):
    call_command("snapshot_coverage")
    snapshot = Snapshot.objects.get(taken_on=timezone.localdate())
    # An organisation of the baseline archives its offer in the cell afterwards.
    offer = Offer.objects.get(slug="blijvend-veilig-hgkm-2023")
    offer.status = Offer.Status.ARCHIVED
    offer.save()
    payload = client.get(f"/api/monitor/?van={snapshot.pk}").json()
    cell = cell_of(payload, "hgkm", "nazorg", "ouderenmishandeling")
    assert cell["went"] == [{"slug": "blijvend-veilig", "name": "Blijvend Veilig"}]
    assert cell["change"] == "slechter"
    # Between the inventory and the snapshot of today nothing changed in that cell.
    inventory = Snapshot.objects.get(kind=Snapshot.Kind.INVENTORY)
    payload = client.get(f"/api/monitor/?van={inventory.pk}&tot={snapshot.pk}").json()
    assert cell_of(payload, "hgkm", "nazorg", "ouderenmishandeling")["change"] == "gelijk"


def test_an_older_install_gets_the_inventory_from_the_files_not_from_later_edits(client, baseline):
    Snapshot.objects.all().delete()  # an installation from before the monitor
    # Since 2023 one organisation left the cell and another deleted its offer altogether.
    Offer.objects.get(slug="blijvend-veilig-hgkm-2023").positions.filter(
        phase__slug="nazorg", violence_type__slug="ouderenmishandeling"
    ).delete()
    Offer.objects.get(slug="de-reclassering-hgkm-2023").delete()
    call_command("snapshot_coverage", "--inventory")
    inventory = Snapshot.objects.get()
    assert (inventory.taken_on, inventory.kind) == (datetime.date(2023, 9, 1), "inventarisatie")

    payload = client.get("/api/monitor/").json()
    cell = cell_of(payload, "hgkm", "nazorg", "ouderenmishandeling")
    expected = baseline_cells()[("hgkm", "Nazorg", "Ouderenmishandeling")]
    assert cell["then"]["count"] == len(expected) == 3
    assert {o["name"] for o in cell["went"]} == {"Blijvend Veilig", "De Reclassering"}
    # The deleted offer matches no filter now.
    filtered = client.get("/api/monitor/?role=aanbieder&role=verwijzer&role=beide").json()
    assert cell_of(filtered, "hgkm", "nazorg", "ouderenmishandeling")["then"]["count"] == 2


def test_loading_the_baseline_again_keeps_one_inventory_snapshot(baseline):
    from providers.baseline import load_baseline

    load_baseline()
    assert Snapshot.objects.filter(kind=Snapshot.Kind.INVENTORY).count() == 1


# Filters ------------------------------------------------------------------------------------


def test_the_matrix_filters_apply_to_the_snapshot_too(client, baseline):
    role_of = roles()
    expected = {
        name
        for name in baseline_cells()[("hgkm", "Preventie", "Kindermishandeling")]
        if role_of[name] in ("verwijzer",)
    }
    payload = client.get("/api/monitor/?role=verwijzer").json()
    cell = cell_of(payload, "hgkm", "preventie", "kindermishandeling")
    assert 0 < len(expected) < len(baseline_cells()[("hgkm", "Preventie", "Kindermishandeling")])
    assert cell["then"]["count"] == len(expected)
    assert cell["then"] == cell["now"]
    assert payload["filters"][0]["filter"] == "role"


def test_an_unknown_fact_makes_a_snapshot_cell_unknown_not_empty(client, baseline):
    # The 2023 inventory recorded age groups for De Viersprong only (baseline_facts.json).
    payload = client.get("/api/monitor/?age_group=volwassenen").json()
    statuses = {cell["then"]["status"] for cell in framework_of(payload, "hgkm")["cells"]}
    assert "unknown" in statuses and "empty" not in statuses
    for cell in framework_of(payload, "hgkm")["cells"]:
        assert cell["then"]["status"] == cell["now"]["status"]


# Bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, message",
    [
        ("van=999999", "onbekende momentopname"),
        ("tot=morgen", "onbekende momentopname"),
        ("van=nu&tot=nu", "Kies twee verschillende momenten"),
    ],
)
def test_bad_moments_answer_a_dutch_400(client, baseline, query, message):
    response = client.get(f"/monitor/?{query}")
    assert response.status_code == 400
    assert message in response.content.decode()
    api = client.get(f"/api/monitor/?{query}")
    assert api.status_code == 400
    body = api.json()
    assert message in body["error"] and body["fields"]
    assert client.get(f"/monitor/export.xlsx?{query}").status_code == 400


def test_comparing_a_snapshot_with_itself_is_refused(client, baseline):
    inventory = Snapshot.objects.get()
    response = client.get(f"/api/monitor/?van={inventory.pk}&tot={inventory.pk}")
    assert response.status_code == 400
    assert response.json()["fields"]["tot"][0]["message"].startswith("Kies twee verschillende")


def test_a_bad_filter_answers_400(client, baseline):
    assert client.get("/monitor/?role=onzin").status_code == 400
    assert client.get("/api/monitor/?role=onzin").json()["error"] == "Ongeldige filter"


# Capacity -----------------------------------------------------------------------------------


def capacity_world():
    """Three offers in Preventie x Ouderenmishandeling; the first also in Signalering."""
    organisation = OrganisationFactory(name="Capaciteit BV", slug="capaciteit-bv")
    OfferFactory(
        organisation=organisation,
        capacity_per_year=10,
        current_occupancy=5,
        waiting_weeks=2,
        cells=[("preventie", "ouderenmishandeling"), ("signalering", "ouderenmishandeling")],
    )
    OfferFactory(
        organisation=organisation,
        capacity_per_year=30,
        current_occupancy=30,
        waiting_weeks=6,
        cells=[("preventie", "ouderenmishandeling")],
    )
    OfferFactory(organisation=organisation, cells=[("preventie", "ouderenmishandeling")])


def test_capacity_per_cell_counts_unknowns_apart_and_never_as_zero(client, baseline):
    capacity_world()
    payload = client.get("/api/monitor/").json()
    capacity = cell_of(payload, "hgkm", "preventie", "ouderenmishandeling")["capacity"]
    # The baseline offers in that cell gave no capacity (only Switch did, elsewhere).
    baseline_offers = len(baseline_cells()[("hgkm", "Preventie", "Ouderenmishandeling")])
    assert capacity == {
        "offers": 3 + baseline_offers,
        "offers_with_capacity": 2,
        "offers_without_capacity": 1 + baseline_offers,
        "capacity_per_year": 40,
        "current_occupancy": 35,
        "occupancy_rate": 88,
        "median_waiting_weeks": 4,
        "longest_waiting_weeks": 6,
        "offers_without_waiting_time": 1 + baseline_offers,
    }
    # The offer in two cells counts in each; in the phase as a whole each offer counts once.
    signalering = cell_of(payload, "hgkm", "signalering", "ouderenmishandeling")["capacity"]
    assert signalering["capacity_per_year"] == 10
    column = next(
        vt
        for vt in framework_of(payload, "hgkm")["violence_types"]
        if vt["slug"] == "ouderenmishandeling"
    )
    assert column["capacity"]["capacity_per_year"] == 40
    assert "telt zijn capaciteit in elk van die cellen" in payload["note"]
    assert "telt zijn capaciteit in elk van die cellen" in client.get("/monitor/").content.decode()


def test_a_cell_whose_offers_gave_no_capacity_has_none_not_zero(client, baseline):
    payload = client.get("/api/monitor/").json()
    capacity = cell_of(payload, "hgkm", "nazorg", "ouderenmishandeling")["capacity"]
    assert capacity["capacity_per_year"] is None and capacity["offers_without_capacity"] == 3


def test_the_offer_form_refuses_capacity_below_occupancy(client, baseline):
    organisation = OrganisationFactory()
    client.force_login(make_partner(organisation))
    response = client.post(
        f"{OFFERS}add/",
        {
            "organisation": organisation.pk,
            "name": "Te vol",
            "status": Offer.Status.PUBLISHED,
            "capacity_per_year": 10,
            "current_occupancy": 12,
        },
    )
    assert response.status_code == 200
    assert "De capaciteit per jaar mag niet lager zijn dan de huidige bezetting." in (
        response.content.decode()
    )
    assert not Offer.objects.filter(name="Te vol").exists()


# Need and shortage --------------------------------------------------------------------------


def test_a_need_above_the_known_capacity_is_a_shortage(client, baseline):
    capacity_world()
    NeedFactory(cell=("preventie", "ouderenmishandeling"), capacity_per_year=100)
    NeedFactory(cell=("nazorg", "ouderenmishandeling"), capacity_per_year=20)
    NeedFactory(phase=Phase.objects.get(slug="preventie"), capacity_per_year=50)
    payload = client.get("/api/monitor/").json()
    prevention = cell_of(payload, "hgkm", "preventie", "ouderenmishandeling")["need"]
    assert (prevention["flag"], prevention["shortfall"], prevention["need_per_year"]) == (
        "tekort",
        60,
        100,
    )
    nazorg = cell_of(payload, "hgkm", "nazorg", "ouderenmishandeling")["need"]
    assert (nazorg["flag"], nazorg["shortfall"]) == ("capaciteit onbekend", None)
    phase = next(p for p in framework_of(payload, "hgkm")["phases"] if p["slug"] == "preventie")
    assert phase["need"]["flag"] == "tekort" and phase["need"]["shortfall"] == 10
    # The home page names the largest shortfall first.
    home = client.get("/").content.decode()
    section = home[home.index("Grootste capaciteitstekorten") :]
    assert section.index("tekort van 60 per jaar") < section.index("tekort van 10 per jaar")
    assert "Preventie – Ouderenmishandeling" in section


def test_the_municipality_records_a_need_and_its_history_stays(client, baseline):
    municipal = make_municipal_user()
    client.force_login(municipal)

    hgkm = Framework.objects.get(slug="hgkm")
    nazorg = Phase.objects.get(slug="nazorg")
    elderly = ViolenceType.objects.get(slug="ouderenmishandeling")

    def post(capacity, valid_from):
        return client.post(
            f"{NEEDS}add/",
            {
                "framework": hgkm.pk,
                "phase": nazorg.pk,
                "violence_type": elderly.pk,
                "capacity_per_year": capacity,
                "valid_from": valid_from,
                "note": "Raming",
            },
        )

    for bad in (0, -5):
        response = post(bad, "2025-01-01")
        assert response.status_code == 200
        assert "groter zijn dan" in response.content.decode()
    assert not Need.objects.exists()
    assert post(40, "2025-01-01").status_code == 302
    assert post(25, "2026-01-01").status_code == 302
    assert Need.objects.count() == 2
    assert Need.objects.latest("created_at").created_by == municipal
    need = client.get("/api/monitor/").json()
    assert cell_of(need, "hgkm", "nazorg", "ouderenmishandeling")["need"]["need_per_year"] == 25
    # Both records stay in the admin; a record is not edited, a change is a new one.
    listing = client.get(NEEDS).content.decode()
    assert listing.count("per jaar") >= 2
    # "Nieuwe waarde vastleggen" opens the add form for the same cell.
    link = re.search(r'href="([^"]+)">Nieuwe waarde vastleggen', listing).group(1)
    form = client.get(html.unescape(link)).content.decode()
    assert f'<option value="{elderly.pk}" selected>' in form
    first = Need.objects.earliest("created_at")
    assert client.post(f"{NEEDS}{first.pk}/change/", {"capacity_per_year": 1}).status_code == 403
    assert client.post(f"{NEEDS}{first.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Need.objects.count() == 2


def test_a_violence_type_of_another_framework_is_a_form_error(client, baseline):

    client.force_login(make_municipal_user())
    response = client.post(
        f"{NEEDS}add/",
        {
            "framework": Framework.objects.get(slug="hgkm").pk,
            "violence_type": ViolenceType.objects.get(slug="groepsgeweld").pk,
            "capacity_per_year": 5,
            "valid_from": "2025-01-01",
        },
    )
    assert "hoort niet bij het gekozen analysekader" in response.content.decode()
    assert not Need.objects.exists()


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", NEEDS),
        ("get", f"{NEEDS}add/"),
        ("post", f"{NEEDS}add/"),
        ("get", SNAPSHOTS),
        ("get", f"{SNAPSHOTS}add/"),
        ("post", f"{SNAPSHOTS}add/"),
    ],
)
def test_partners_neither_see_nor_edit_needs_or_snapshots(client, baseline, method, path):
    need = NeedFactory(cell=("nazorg", "ouderenmishandeling"))
    client.force_login(make_partner(OrganisationFactory()))
    data = {"capacity_per_year": 1, "framework": need.framework_id, "valid_from": "2025-01-01"}
    response = getattr(client, method)(path, data if method == "post" else None)
    assert response.status_code == 403
    for url in (f"{NEEDS}{need.pk}/change/", f"{NEEDS}{need.pk}/history/"):
        assert client.get(url).status_code in (403, 404)
    assert Need.objects.count() == 1 and Snapshot.objects.count() == 1
    index = client.get("/beheer/").content.decode()
    assert "Benodigde capaciteit" not in index and "Momentopnamen" not in index


def test_snapshots_are_read_only_history_in_the_admin(client, baseline):
    client.force_login(make_municipal_user())
    response = client.post(f"{SNAPSHOTS}add/", {"label": "Voor de raad"})
    assert response.status_code == 302
    snapshot = Snapshot.objects.get(taken_on=timezone.localdate())
    assert snapshot.label == "Voor de raad"
    # A second one the same day makes nothing new.
    client.post(f"{SNAPSHOTS}add/", {"label": "Nog een"})
    assert Snapshot.objects.count() == 2
    inventory = Snapshot.objects.get(kind=Snapshot.Kind.INVENTORY)
    page = client.get(f"{SNAPSHOTS}{inventory.pk}/change/")
    assert page.status_code == 200 and 'name="label"' not in page.content.decode()
    assert client.post(f"{SNAPSHOTS}{inventory.pk}/change/", {"label": "x"}).status_code == 403
    assert client.post(f"{SNAPSHOTS}{inventory.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Snapshot.objects.get(pk=inventory.pk).label == "Inventarisatie 2023"

    superuser = UserFactory(username="super", is_staff=True, is_superuser=True, password=None)
    client.force_login(superuser)
    assert client.post(f"{SNAPSHOTS}{snapshot.pk}/delete/", {"post": "yes"}).status_code == 302
    assert Snapshot.objects.count() == 1


# Charts -------------------------------------------------------------------------------------


def svgs(html):
    return [ET.fromstring(m) for m in re.findall(r"<svg\b.*?</svg>", html, re.S)]


def table_rows(html, chart):
    table = re.search(rf'<table[^>]*data-chart="{chart}".*?</table>', html, re.S).group(0)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        rows.append(
            [
                re.sub(r"<[^>]+>", "", c).strip()
                for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            ]
        )
    return rows


def chart_values(svg):
    return [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "chart-value"]


def test_the_charts_are_valid_svg_and_show_the_figures_of_their_tables(client, baseline):
    call_command("snapshot_coverage")
    capacity_world()
    NeedFactory(phase=Phase.objects.get(slug="preventie"), capacity_per_year=70)
    html = client.get("/monitor/").content.decode()
    charts = svgs(html)  # every chart parses as XML
    assert len(charts) > 4
    by_title = {svg.find(f"{SVG}title").text: svg for svg in charts}

    trend = by_title[
        "Huiselijk geweld en kindermishandeling: lege, dunne en gedekte cellen per moment"
    ]
    rows = table_rows(html, "trend-hgkm")
    assert [row[0] for row in rows][0] == "Inventarisatie 2023 (1-9-2023)" and rows[-1][0] == "Nu"
    # Per moment, bottom up: gedekt, dun, leeg, as in the table's columns.
    assert chart_values(trend) == [value for row in rows for value in row[1:]]
    assert rows[0][1:] == ["29", "7", "0"]

    capacity = by_title[
        "Huiselijk geweld en kindermishandeling: capaciteit tegenover behoefte per fase"
    ]
    rows = table_rows(html, "capaciteit-hgkm")
    shown = chart_values(capacity)
    assert shown == [value for row in rows for value in row[1:3]]
    assert rows[0][:3] == ["Preventie", "40", "70"]
    # Readable without colour: each series has a pattern and a legend in words.
    labels = [t.text for t in capacity.iter(f"{SVG}text")]
    assert "capaciteit per jaar (bekend)" in labels and "benodigd per jaar" in labels
    assert capacity.find(f"{SVG}defs/{SVG}pattern") is not None
    assert 'style="' not in html and "<style" not in html


def test_the_monitor_pages_carry_the_strict_policy(client, baseline):
    for url in ("/monitor/", "/api/monitor/", "/monitor/?role=onzin"):
        assert_strict_csp(client.get(url))


# Excel --------------------------------------------------------------------------------------


def test_the_workbook_has_the_comparison_capacity_and_need(client, baseline):
    organisation = OrganisationFactory(name='=HYPERLINK("x")', slug="formule")
    OfferFactory(
        organisation=organisation,
        capacity_per_year=12,
        cells=[("nazorg", "ouderenmishandeling")],
    )
    NeedFactory(cell=("nazorg", "ouderenmishandeling"), capacity_per_year=30, note="=1+1")
    response = client.get("/monitor/export.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == ["Vergelijking", "Capaciteit", "Behoefte", "Trend", "Toelichting"]

    comparison = workbook["Vergelijking"]
    header = [c.value for c in comparison[1]]
    rows = {
        (r[0], r[1], r[2]): dict(zip(header, r, strict=True))
        for r in comparison.iter_rows(min_row=2, values_only=True)
    }
    row = rows[("Huiselijk geweld en kindermishandeling", "Nazorg", "Ouderenmishandeling")]
    assert (row["Toen: status"], row["Toen: organisaties"]) == ("dun", 3)
    assert (row["Nu: status"], row["Nu: organisaties"], row["Verandering"]) == (
        "gedekt",
        4,
        "beter",
    )
    came = next(
        c
        for c in comparison.iter_rows(min_row=2)
        if c[1].value == "Nazorg"
        and c[2].value == "Ouderenmishandeling"
        and c[0].value.startswith("Huiselijk")
    )[8]
    assert came.value == '=HYPERLINK("x")' and came.data_type == "s"
    assert len(rows) == 6 * 6 + 6 * 7

    capacity = workbook["Capaciteit"]
    header = [c.value for c in capacity[1]]
    cap = next(
        dict(zip(header, r, strict=True))
        for r in capacity.iter_rows(min_row=2, values_only=True)
        if r[1] == "Nazorg" and r[2] == "Ouderenmishandeling" and r[0].startswith("Huiselijk")
    )
    assert cap["Capaciteit per jaar (bekend)"] == 12
    assert cap["Aanbod zonder capaciteit (onbekend)"] == 3
    assert (cap["Benodigd per jaar"], cap["Beoordeling"], cap["Tekort"]) == (30, "tekort", 18)

    need = workbook["Behoefte"]
    need_row = [c for c in need[2]]
    assert need_row[4].value == 30 and need_row[8].value == 18
    assert need_row[10].value == "=1+1" and need_row[10].data_type == "s"
    notes = {r[0]: r[1] for r in workbook["Toelichting"].iter_rows(min_row=2, values_only=True)}
    assert "in elk van die cellen" in notes["Capaciteit"]


# Queries ------------------------------------------------------------------------------------


def test_the_compare_page_queries_do_not_grow_with_the_snapshots(
    client, baseline, django_assert_max_num_queries
):
    def count_queries(url):
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = {url: count_queries(url) for url in ("/monitor/", "/api/monitor/?role=aanbieder")}
    from providers.monitor.snapshots import snapshot_store

    for month in range(1, 13):
        snapshot_store(offers=Offer.objects.published(), taken_on=datetime.date(2024, month, 1))
    many = {url: count_queries(url) for url in few}
    assert many == few
    from django.core.cache import cache

    cache.clear()
    # Both live matrices twice (the trend's unfiltered point and the filtered one, four
    # queries each plus a count per fact filter), the live offers, one snapshot, the needs.
    with django_assert_max_num_queries(30):
        client.get("/monitor/?role=aanbieder&age_group=minderjarigen")


# Any moment ---------------------------------------------------------------------------------

moments = st.one_of(
    st.sampled_from(["", "nu", "1", "0", "-1", "999999", "1e3", "１"]),
    st.text(max_size=12),
)


@settings(FUZZ, max_examples=25)
@given(van=moments, tot=moments)
def test_any_moment_answers_a_page_or_a_dutch_400(client, baseline, van, tot):
    query = urlencode({"van": van, "tot": tot})
    page = client.get("/monitor/", QUERY_STRING=query)
    assert page.status_code in (200, 400)
    assert_no_traceback(page)
    api = client.get("/api/monitor/", QUERY_STRING=query)
    assert_json_answer(api, statuses=(200, 400))
    assert (page.status_code == 400) == (api.status_code == 400)
    if api.status_code == 400:
        message = api.json()["error"]
        assert "momentopname" in message or "momenten" in message
        assert html.escape(message, quote=True) in page.content.decode() or (
            message in html.unescape(page.content.decode())
        )


def test_without_any_snapshot_the_monitor_says_how_to_make_one(client, baseline):
    Snapshot.objects.all().delete()
    page = client.get("/monitor/")
    assert page.status_code == 200
    assert "Er is nog geen momentopname" in page.content.decode()
    api = client.get("/api/monitor/")
    assert api.status_code == 404 and "snapshot_coverage" in api.json()["error"]
    assert client.get("/monitor/export.xlsx").status_code == 404


def test_the_demo_data_makes_and_clears_monthly_snapshots(client, baseline):
    from io import StringIO

    from bench.generate_demo_data import run

    out = StringIO()
    run(["--organisations", "10", "--offers", "60", "--seed", "2", "--snapshots", "3"], stdout=out)
    assert "3 maandelijkse momentopnamen gemaakt" in out.getvalue()
    demo = list(Snapshot.objects.filter(label__startswith="Demonstratie ").order_by("taken_on"))
    assert len(demo) == 3
    assert all(s.taken_on.day == 1 for s in demo) and demo[-1].taken_on < timezone.localdate()
    # A growing share of the published offers: the newest holds them all.
    sizes = [len(s.data["offers"]) for s in demo]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    newest = client.get(f"/api/monitor/?van={demo[-1].pk}").json()
    assert newest["summary"]["better"] == newest["summary"]["worse"] == 0
    out = StringIO()
    run(["--clear"], stdout=out)
    assert "Momentopnamen van de demonstratie verwijderd: 3" in out.getvalue()
    assert list(Snapshot.objects.values_list("kind", flat=True)) == ["inventarisatie"]


# The pool of experience experts ------------------------------------------------------------


def test_the_monitor_shows_the_pool_per_framework_and_flags_where_there_is_none(client, baseline):
    from tests.paths_factories import PoolEntryFactory

    def pool_lines():
        page = client.get("/monitor/")
        assert page.status_code == 200
        section = page.content.decode().split('id="pool-title"')[1].split("</section>")[0]
        return [
            re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", item))).strip()
            for item in re.findall(r'<li class="pool-size.*?</li>', section, re.S)
        ]

    # The 2023 inventory knows no pool: both frameworks are flagged.
    lines = pool_lines()
    assert len(lines) == 2
    assert all("Geen ervaringsdeskundigen in de pool." in line for line in lines)

    organisation = OrganisationFactory(name="Ervaring Werkt")
    PoolEntryFactory(organisation=organisation, availability=3, lists={"frameworks": ["hgkm"]})
    hgkm, sexual = pool_lines()
    assert hgkm.startswith(Framework.objects.get(slug="hgkm").name)
    assert "1 inzet van 1 organisatie, 3 personen" in hgkm
    assert "Geen ervaringsdeskundigen in de pool." in sexual
