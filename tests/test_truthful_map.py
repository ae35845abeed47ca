"""The map tells the report's story on the 2023 baseline: thin cells where the report saw weak
spots, what a status rests on, and who has not positioned itself at all.

Expectations are computed from the fixture files the baseline is loaded from, not from the
code under test."""

import csv
import re
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from frameworks.models import Framework
from providers.models import Offer
from tests.matrix_json import matrix_json

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
REPORT_THIN_THRESHOLD = 3


def report_rows() -> list[dict]:
    with open(FIXTURES / "report-2023-positions.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def organisations_per_cell(framework: str) -> dict[tuple[str, str], set[str]]:
    cells = defaultdict(set)
    for row in report_rows():
        if row["framework"] == framework:
            cells[(row["phase"], row["violence_type"])].add(row["organisation"])
    return cells


def all_organisations() -> set[str]:
    with open(FIXTURES / "organisations.csv", encoding="utf-8") as handle:
        return {row["name"] for row in csv.DictReader(handle)}


def cells_by_name(payload) -> dict[tuple[str, str], dict]:
    phases = {p["slug"]: p["name"] for p in payload["phases"]}
    violence_types = {v["slug"]: v["name"] for v in payload["violence_types"]}
    return {(phases[c["phase"]], violence_types[c["violence_type"]]): c for c in payload["cells"]}


def test_the_default_thin_threshold_is_the_reports(db):
    assert {f.thin_threshold for f in Framework.objects.all()} == {REPORT_THIN_THRESHOLD}
    assert Framework(name="Nieuw", slug="nieuw").thin_threshold == REPORT_THIN_THRESHOLD


@pytest.mark.parametrize(("framework", "thin_cells"), [("hgkm", 7), ("seksueel-geweld", 15)])
def test_thin_cells_fall_where_the_report_saw_weak_spots(client, baseline, framework, thin_cells):
    expected = organisations_per_cell(framework)
    payload = matrix_json(client.get(f"/api/kaart/{framework}/"))
    assert payload["thin_threshold"] == REPORT_THIN_THRESHOLD
    cells = cells_by_name(payload)
    thin = {key for key, cell in cells.items() if cell["status"] == "thin"}
    expected_thin = {
        key for key, names in expected.items() if 0 < len(names) <= REPORT_THIN_THRESHOLD
    }
    assert thin == expected_thin
    assert len(thin) == thin_cells
    for key, cell in cells.items():
        assert cell["count"] == len(expected.get(key, ())), key


def test_hgkm_thin_cells_are_in_the_phases_and_type_the_report_names(client, baseline):
    cells = cells_by_name(matrix_json(client.get("/api/kaart/hgkm/")))
    named = {"Preventie", "Herstelgerichte zorg", "Nazorg"}
    for (phase, violence_type), cell in cells.items():
        if cell["status"] == "thin":
            assert phase in named or violence_type == "Ouderenmishandeling", (phase, violence_type)


def test_the_home_page_counts_thin_cells_at_the_reports_threshold(client, baseline):
    page = client.get("/").content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "7 dunne cellen (1 tot en met 3 organisaties)" in text
    assert "15 dunne cellen (1 tot en met 3 organisaties)" in text


def not_positioned_in_2023() -> set[str]:
    positioned = {row["organisation"] for row in report_rows()}
    return all_organisations() - positioned


def test_not_yet_positioned_counts_organisations_without_any_position(client, baseline):
    expected = not_positioned_in_2023()
    assert len(expected) == 11 and "De Waag" in expected
    for framework in ("hgkm", "seksueel-geweld"):
        payload = matrix_json(client.get(f"/api/kaart/{framework}/"))
        assert {o["name"] for o in payload["unpositioned_organisations"]} == expected
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/").content.decode()))
    assert text.count("11 organisaties nog niet gepositioneerd") == 2


def test_organisations_of_the_other_framework_are_not_laggards(client, baseline):
    rows = report_rows()
    hgkm = {r["organisation"] for r in rows if r["framework"] == "hgkm"}
    sexual = {r["organisation"] for r in rows if r["framework"] == "seksueel-geweld"}
    only_sexual = sexual - hgkm
    assert only_sexual  # Bright GGZ, Centrum Seksueel Geweld, Levvel/Qpido in 2023
    payload = matrix_json(client.get("/api/kaart/hgkm/"))
    assert {o["name"] for o in payload["elsewhere_organisations"]} == only_sexual
    assert not only_sexual & {o["name"] for o in payload["unpositioned_organisations"]}
    page = client.get("/kaart/hgkm/").content.decode()
    elsewhere = page[page.index("Alleen in een ander analysekader") :]
    for name in only_sexual:
        assert name in elsewhere


def test_on_a_fresh_install_every_cell_with_offer_is_unconfirmed(client, baseline):
    payload = matrix_json(client.get("/api/kaart/hgkm/"))
    filled = [c for c in payload["cells"] if c["count"]]
    assert filled and all(c["unconfirmed"] and c["confirmed_count"] == 0 for c in filled)
    page = client.get("/kaart/hgkm/").content.decode()
    assert page.count(">niet bevestigd</span>") == len(filled) + 1  # the cells and the legend
    home = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/").content.decode()))
    assert f"{len(filled)} cellen met aanbod waarvan geen organisatie" in home


def test_a_confirmation_shows_in_its_cells_and_expires_after_a_year(client, baseline):
    offer = Offer.objects.get(slug="trias-pedagogica-hgkm-2023")
    offer.last_verified = timezone.localdate()
    offer.save()

    def elder_prevention():
        cells = cells_by_name(matrix_json(client.get("/api/kaart/hgkm/")))
        return cells[("Preventie", "Ouderenmishandeling")]

    cell = elder_prevention()
    assert cell["confirmed_count"] == 1 and not cell["unconfirmed"]
    page = client.get("/kaart/hgkm/").content.decode()
    assert f"1 van {cell['count']} bevestigd" in page

    offer.last_verified = timezone.localdate() - timedelta(days=400)
    offer.save()
    cell = elder_prevention()
    assert cell["confirmed_count"] == 0 and cell["unconfirmed"]


def test_cells_are_shaded_by_their_count(client, baseline):
    page = client.get("/kaart/seksueel-geweld/").content.decode()
    found = re.findall(
        r'<td class="cell cell-\w+ shade-(\d)"[^>]*>.*?<a class="count"[^>]*>(\d+) organisatie',
        page,
        re.S,
    )
    assert len(found) == 6 * 7
    by_count = defaultdict(set)
    for shade, count in found:
        by_count[int(count)].add(int(shade))
    counts = sorted(by_count)
    # One shade per count, never lighter for a higher count, the highest count darkest.
    assert all(len(shades) == 1 for shades in by_count.values())
    shades = [next(iter(by_count[c])) for c in counts]
    assert shades == sorted(shades) and shades[-1] == 5
    assert next(iter(by_count[counts[0]])) == (0 if counts[0] == 0 else 1)
