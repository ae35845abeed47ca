"""The matrix download, opened as the municipality opens it: the bytes of the HTTP response
loaded with openpyxl. What each cell should say is worked out here from the 2023 figures in
fixtures/ (the files the baseline is loaded from) and the frameworks' thresholds, never from
the code that builds the workbook."""

import csv
import json
import re
import zipfile
from collections import defaultdict
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils import timezone

from frameworks.models import Framework, Phase
from tests.factories import OfferFactory, OrganisationFactory

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS_BOTH = [
    "Matrix HGKM",
    "Aantallen HGKM",
    "Matrix Seksueel geweld",
    "Aantallen Seksueel geweld",
    "Posities",
    "Toelichting",
]
TIMESTAMP = re.compile(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}")
POSITIONS_HEADER = ("Analysekader", "Fase", "Geweldsvorm", "Organisatie", "Aanbod")
UNPOSITIONED_HEADING = "Nog niet gepositioneerd (in geen enkel analysekader):"

# Colours as Excel reads them (ARGB), written out here so that a changed colour fails a test.
# A matrix cell is shaded by its count on the page's scale (static/css/site.css, .shade-0 to
# .shade-5): white for none, then light to dark blue up to the matrix's highest count.
SCALE = ["00FFFFFF", "00F0F6FC", "00E1ECF8", "00CFE1F3", "00BCD5EF", "00A9C9EA"]
# The legend's markers: red for empty, yellow for thin, green for covered, lilac for unknown.
LEGEND = {"LEEG": "00F5C2C2", "DUN": "00FFE08A", "gedekt": "00CDE8C4", "ONBEKEND": "00D9C8E8"}
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
FRAMEWORKS = ["hgkm", "seksueel-geweld"]


# --- What the 2023 files say ---------------------------------------------------------------


def _read_csv(name):
    with (FIXTURES / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


REPORT_POSITIONS = _read_csv("report-2023-positions.csv")
ROLES = {row["name"]: row["role"] for row in _read_csv("organisations.csv")}
OFFER_FACTS = json.loads((FIXTURES / "baseline_facts.json").read_text(encoding="utf-8"))["offers"]


def report_positions(role=None):
    """(framework slug, phase, violence type, organisation) of every 2023 position, optionally
    of organisations with that role in organisations.csv only."""
    return [
        (row["framework"], row["phase"], row["violence_type"], row["organisation"])
        for row in REPORT_POSITIONS
        if role is None or ROLES[row["organisation"]] == role
    ]


def unpositioned(role=None):
    """Organisations in organisations.csv without a single 2023 position, sorted by name."""
    positioned = {organisation for *_, organisation in report_positions()}
    return sorted(
        name
        for name, own_role in ROLES.items()
        if name not in positioned and (role is None or own_role == role)
    )


def only_elsewhere(slug, role=None):
    """Organisations with 2023 positions, but none in framework `slug`, sorted by name."""
    here = {o for framework, *_, o in report_positions(role) if framework == slug}
    return sorted({o for framework, *_, o in report_positions(role) if framework != slug} - here)


class Expected:
    """One framework's matrix as the 2023 files give it: per cell the organisations, per phase,
    per violence type and overall the number of distinct organisations, and each cell's
    marker under `threshold` (empty: none; thin: 1 up to the threshold)."""

    def __init__(self, framework, threshold, role=None):
        self.framework = framework
        self.phases = list(Phase.objects.order_by("order").values_list("name", flat=True))
        self.violence_types = list(
            framework.violence_types.order_by("order").values_list("name", flat=True)
        )
        cells, by_phase, by_type = defaultdict(set), defaultdict(set), defaultdict(set)
        for slug, phase, violence_type, organisation in report_positions(role):
            if slug == framework.slug:
                cells[(phase, violence_type)].add(organisation)
                by_phase[phase].add(organisation)
                by_type[violence_type].add(organisation)
        self.cells = {
            (phase, violence_type): sorted(cells[(phase, violence_type)])
            for phase in self.phases
            for violence_type in self.violence_types
        }
        self.row_totals = {phase: len(by_phase[phase]) for phase in self.phases}
        self.column_totals = [len(by_type[vt]) for vt in self.violence_types]
        self.total = len(set().union(*by_phase.values()))
        self.threshold = threshold

    def marker(self, count):
        if count == 0:
            return "LEEG"
        return "DUN" if count <= self.threshold else None

    def text(self, names):
        """The cell as the municipality reads it: marker and count, the names, and whether
        the entries were confirmed. baseline_facts.json gives no offer a date of confirmation
        (last_verified), so no 2023 entry counts as confirmed."""
        count = f"{len(names)} organisatie{'' if len(names) == 1 else 's'}"
        marker = self.marker(len(names))
        lines = [f"{marker} – {count}" if marker else count, *names]
        return "\n".join([*lines, "(niet bevestigd)"] if names else lines)


def expected(slug, role=None):
    framework = Framework.objects.get(slug=slug)
    return Expected(framework, framework.thin_threshold, role)


# --- Reading the workbook -----------------------------------------------------------------


def download(client, url, params=None):
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return openpyxl.load_workbook(BytesIO(response.content))


def matrix_sheet_for(workbook, framework):
    return next(
        sheet
        for sheet in workbook.worksheets
        if sheet.title.startswith("Matrix ") and str(sheet["A1"].value).startswith(framework.name)
    )


def grid(sheet):
    """{(phase name, violence type name): openpyxl cell} plus the header row and totals."""
    header_row = next(row for row in sheet.iter_rows() if row[0].value == "Fase")
    columns = [cell.value for cell in header_row]
    cells, row_totals, column_totals = {}, {}, None
    for row in sheet.iter_rows(min_row=header_row[0].row + 1):
        label = row[0].value
        if label is None:
            break
        if label.startswith("Totaal"):
            column_totals = [cell.value for cell in row[1:]]
            break
        for cell, violence_type in zip(row[1:-1], columns[1:-1], strict=True):
            cells[(label, violence_type)] = cell
        row_totals[label] = row[len(columns) - 1].value
    return columns, cells, row_totals, column_totals


def marker_of(cell) -> str | None:
    """LEEG, DUN or ONBEKEND from the first line of a matrix cell; None for a covered cell."""
    match = re.match(r"^(LEEG|DUN|ONBEKEND) – ", cell.value)
    return match.group(1) if match else None


def notes(workbook):
    sheet = workbook["Toelichting"]
    return [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=2) if row[0].value]


def first_column(sheet):
    return [row[0] for row in sheet.iter_rows(values_only=True)]


def listed_as_unpositioned(sheet):
    column = first_column(sheet)
    if UNPOSITIONED_HEADING not in column:
        return []
    names = column[column.index(UNPOSITIONED_HEADING) + 1 :]
    return names[: names.index(None)] if None in names else names


def listed_as_only_elsewhere(sheet):
    prefix = "Alleen in een ander analysekader gepositioneerd: "
    lines = [line for line in first_column(sheet) if str(line).startswith(prefix)]
    return lines[0].removeprefix(prefix).removesuffix(".").split(", ") if lines else []


def assert_shaded_by_count(colours_by_count: dict[int, set[str]]):
    """White for an empty cell, the lightest blue for one organisation, the darkest for the
    highest count, the same colour for the same count and never lighter for a larger one."""
    assert all(len(colours) == 1 for colours in colours_by_count.values()), colours_by_count
    steps = {count: SCALE.index(colours.pop()) for count, colours in colours_by_count.items()}
    if 0 in steps:
        assert steps[0] == 0
    if 1 in steps:
        assert steps[1] == 1
    assert steps[max(steps)] == len(SCALE) - 1 or max(steps) == 0
    ordered = [steps[count] for count in sorted(steps)]
    assert ordered == sorted(ordered), steps


def assert_sheet_shows(sheet, want: Expected):
    columns, cells, row_totals, column_totals = grid(sheet)
    assert columns[1:-1] == want.violence_types
    assert list(cells) == list(want.cells), "phases as rows, violence types as columns"
    colours = defaultdict(set)
    for key, names in want.cells.items():
        written = cells[key]
        assert written.value == want.text(names), key
        assert written.alignment.wrap_text
        colours[len(names)].add(written.fill.fgColor.rgb)
    assert_shaded_by_count(colours)
    assert row_totals == want.row_totals
    assert column_totals == [*want.column_totals, want.total]


def assert_counts_sheet_shows(sheet, want: Expected):
    table = [list(row) for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert table[0] == ["Fase", *want.violence_types, "Totaal"]
    assert table[1:] == [
        *(
            [phase, *(len(want.cells[(phase, vt)]) for vt in want.violence_types)]
            + [want.row_totals[phase]]
            for phase in want.phases
        ),
        ["Totaal", *want.column_totals, want.total],
    ]


# --- The matrices ------------------------------------------------------------------------


def test_the_baseline_facts_confirm_no_entry():
    """The expected cell texts rest on this: no 2023 offer carries a confirmation date."""
    assert not any("last_verified" in facts for facts in OFFER_FACTS.values())


def test_both_matrices_show_the_2023_figures_cell_by_cell(client, baseline):
    workbook = download(client, "/kaart/export.xlsx")
    assert workbook.sheetnames == SHEETS_BOTH
    assert all(len(title) <= 31 for title in workbook.sheetnames)
    for slug, title in [("hgkm", "HGKM"), ("seksueel-geweld", "Seksueel geweld")]:
        want = expected(slug)
        assert matrix_sheet_for(workbook, want.framework).title == f"Matrix {title}"
        assert_sheet_shows(workbook[f"Matrix {title}"], want)
        assert_counts_sheet_shows(workbook[f"Aantallen {title}"], want)
    assert sum(len(names) for names in expected("hgkm").cells.values()) + sum(
        len(names) for names in expected("seksueel-geweld").cells.values()
    ) == len(set(report_positions())), "every 2023 position is counted in one cell"


def test_each_framework_is_marked_by_its_own_threshold(client, baseline):
    Framework.objects.filter(slug="hgkm").update(thin_threshold=2)
    Framework.objects.filter(slug="seksueel-geweld").update(thin_threshold=3)
    workbook = download(client, "/kaart/export.xlsx")
    hgkm = Expected(Framework.objects.get(slug="hgkm"), 2)
    sexual_violence = Expected(Framework.objects.get(slug="seksueel-geweld"), 3)
    assert_sheet_shows(workbook["Matrix HGKM"], hgkm)
    assert_sheet_shows(workbook["Matrix Seksueel geweld"], sexual_violence)
    # The 2023 figures hold cells of 3 organisations in both frameworks: thin in one, covered
    # in the other, so the two thresholds are really told apart.
    assert any(len(names) == 3 for names in hgkm.cells.values())
    assert any(len(names) == 3 for names in sexual_violence.cells.values())
    assert "Drempel dunne cel: 2." in workbook["Matrix HGKM"]["A2"].value
    assert "Drempel dunne cel: 3." in workbook["Matrix Seksueel geweld"]["A2"].value


def test_one_framework_download_holds_only_that_framework(client, baseline):
    workbook = download(client, "/kaart/seksueel-geweld/export.xlsx")
    assert workbook.sheetnames == [
        "Matrix Seksueel geweld",
        "Aantallen Seksueel geweld",
        "Posities",
        "Toelichting",
    ]
    sheet = workbook["Matrix Seksueel geweld"]
    assert_sheet_shows(sheet, expected("seksueel-geweld"))
    frameworks = {row[0] for row in workbook["Posities"].iter_rows(min_row=2, values_only=True)}
    assert frameworks == {"Seksueel geweld"}
    assert listed_as_unpositioned(sheet) == unpositioned()
    assert "De Waag" in unpositioned()
    assert listed_as_only_elsewhere(sheet) == only_elsewhere("seksueel-geweld")
    assert only_elsewhere("seksueel-geweld"), "some organisations work in HGKM only"


def test_cells_say_empty_and_thin_in_text_and_are_shaded_by_count(client, db):
    threshold = Framework.objects.get(slug="hgkm").thin_threshold
    for index in range(threshold + 1):
        OfferFactory(cells=[("preventie", "kindermishandeling")], name=f"Breed {index}")
    OfferFactory(cells=[("nazorg", "ouderenmishandeling")], organisation__name="Alleen")
    sheet = download(client, "/kaart/hgkm/export.xlsx")["Matrix HGKM"]
    _, cells, _, _ = grid(sheet)
    covered = cells[("Preventie", "Kindermishandeling")]
    thin = cells[("Nazorg", "Ouderenmishandeling")]
    empty = cells[("Signalering", "Ouderenmishandeling")]
    assert covered.value.startswith(f"{threshold + 1} organisaties\n")
    assert thin.value == "DUN – 1 organisatie\nAlleen\n(niet bevestigd)"
    assert empty.value == "LEEG – 0 organisaties"
    # The fullest cell the darkest, one organisation the lightest blue, none white.
    assert (covered.fill.fgColor.rgb, thin.fill.fgColor.rgb, empty.fill.fgColor.rgb) == (
        SCALE[-1],
        SCALE[1],
        SCALE[0],
    )
    assert [marker_of(cell) for cell in cells.values()].count("LEEG") == 6 * 6 - 2
    # The legend names the markers in their colours, then the scale of the cells.
    rows = list(sheet.iter_rows())
    legend = {row[0].value: row[0].fill.fgColor.rgb for row in rows if row[0].value in LEGEND}
    assert legend == LEGEND
    (scale_row,) = [row for row in rows if row[0].value == "Kleur van een cel"]
    assert [cell.fill.fgColor.rgb for cell in scale_row[1 : 1 + len(SCALE)]] == SCALE


def test_baseline_cells_are_marked_and_shaded_like_on_the_page(client, baseline):
    workbook = download(client, "/kaart/export.xlsx")
    page_class = {"LEEG": "empty", "DUN": "thin", None: "covered"}
    for slug in FRAMEWORKS:
        want = expected(slug)
        markers = [want.marker(len(names)) for names in want.cells.values()]
        _, cells, _, _ = grid(matrix_sheet_for(workbook, want.framework))
        assert [marker_of(cell) for cell in cells.values()] == markers
        # The page lists its cells row by row, as the sheet does, with status and shade.
        page = client.get(f"/kaart/{slug}/").content.decode()
        on_page = re.findall(r'<td class="cell cell-(\w+) shade-(\d)[^"]*" data-phase=', page)
        assert [status for status, _ in on_page] == [page_class[m] for m in markers]
        assert [SCALE[int(step)] for _, step in on_page] == [
            cell.fill.fgColor.rgb for cell in cells.values()
        ]
        # The 2023 figures have no empty cell in either framework, but thin ones in both.
        assert "LEEG" not in markers and "DUN" in markers
    _, cells, _, _ = grid(workbook["Matrix HGKM"])
    elder_prevention = cells[("Preventie", "Ouderenmishandeling")].value
    assert (
        elder_prevention == "DUN – 2 organisaties\nTrias pedagogica\nVeilig Thuis\n(niet bevestigd)"
    )


def test_matrix_sheet_is_ready_for_screen_and_print(client, baseline):
    sheet = download(client, "/kaart/hgkm/export.xlsx")["Matrix HGKM"]
    assert sheet.freeze_panes == "B5"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.column_dimensions["A"].width >= 25
    assert sheet.column_dimensions["B"].width >= 20
    assert sheet.row_dimensions[5].height > 15


def positions_in_matrix_order(role=None):
    """The rows the positions sheet should hold for the 2023 figures: framework, phase and
    violence type in the order of the matrices, then organisation and offer by name. The
    baseline gives each organisation one offer per framework, named after the framework."""
    frameworks = {f.slug: f for f in Framework.objects.all()}
    phase_order = dict(Phase.objects.values_list("name", "order"))
    type_order = {
        (vt.framework.slug, vt.name): vt.order
        for framework in frameworks.values()
        for vt in framework.violence_types.select_related("framework")
    }
    rows = [
        (
            (frameworks[slug].order, phase_order[phase], type_order[(slug, violence_type)]),
            frameworks[slug].name,
            phase,
            violence_type,
            organisation,
            f"{frameworks[slug].name} (inventarisatie 2023)",
        )
        for slug, phase, violence_type, organisation in report_positions(role)
    ]
    return [tuple(row[1:]) for row in sorted(rows)]


def test_positions_sheet_lists_every_published_position(client, baseline):
    draft = OfferFactory(status="concept", cells=[("preventie", "kindermishandeling")])
    rows = list(
        download(client, "/kaart/export.xlsx")["Posities"].iter_rows(min_row=1, values_only=True)
    )
    assert rows[0] == POSITIONS_HEADER
    assert len(rows) - 1 == len(REPORT_POSITIONS) == 409
    assert sorted(rows[1:]) == sorted(positions_in_matrix_order())
    assert draft.name not in {row[4] for row in rows}


def test_positions_sheet_is_in_matrix_order_and_its_range_covers_every_row(client, baseline):
    content = client.get("/kaart/export.xlsx").content
    rows = list(
        openpyxl.load_workbook(BytesIO(content))["Posities"].iter_rows(min_row=2, values_only=True)
    )
    assert rows == positions_in_matrix_order()
    # The used range and the filter span all 409 rows, also for a reader that trusts the
    # sheet's stated dimension (openpyxl's read-only mode, as pandas uses it).
    sheet = openpyxl.load_workbook(BytesIO(content), read_only=True)["Posities"]
    assert sheet.calculate_dimension() == "A1:E410"
    assert len(list(sheet.iter_rows(min_row=2))) == 409
    assert openpyxl.load_workbook(BytesIO(content))["Posities"].auto_filter.ref == "A1:E410"


def test_positions_sheet_without_positions_has_its_header_only(client, baseline):
    workbook = download(client, "/kaart/export.xlsx", {"q": "geen-aanbod-heet-zo"})
    rows = list(workbook["Posities"].iter_rows(values_only=True))
    assert rows == [("Analysekader", "Fase", "Geweldsvorm", "Organisatie", "Aanbod")]


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ('Zorg & Welzijn <Noord> "Oost"', 'Zorg & Welzijn <Noord> "Oost"'),
        ("  Ruimte voor spaties  ", "  Ruimte voor spaties  "),
        ("Bel\x07 ons", "Bel ons"),
        ("Één stap ✓ – ü", "Één stap ✓ – ü"),
    ],
)
def test_positions_sheet_keeps_special_characters(client, db, name, shown):
    organisation = OrganisationFactory(name=name, slug="bijzonder")
    OfferFactory(organisation=organisation, name=name, cells=[("nazorg", "ouderenmishandeling")])
    (row,) = download(client, "/kaart/export.xlsx")["Posities"].iter_rows(
        min_row=2, values_only=True
    )
    assert row[3:] == (shown, shown)


def test_notes_without_filters_state_date_thresholds_and_source(client, baseline):
    Framework.objects.filter(slug="hgkm").update(thin_threshold=2)
    Framework.objects.filter(slug="seksueel-geweld").update(thin_threshold=3)
    lines = notes(download(client, "/kaart/export.xlsx"))
    labels = dict(lines)
    assert labels["Filters"] == "geen filters"
    assert labels["Datum"].startswith(timezone.localdate().strftime("%d-%m-%Y"))
    thresholds = [value for label, value in lines if label == "Drempel dunne cel"]
    assert thresholds[0].startswith("Huiselijk geweld en kindermishandeling: 2 ")
    assert thresholds[1].startswith("Seksueel geweld: 3 ")
    assert "Inventarisatie 2023" in labels["Bron"]
    assert "partners" in labels["Bron"]


def test_filters_are_applied_and_listed_in_the_notes(client, baseline):
    workbook = download(client, "/kaart/export.xlsx", {"role": "aanbieder"})
    assert ("Filter", "Rol van de organisatie: Aanbieder") in notes(workbook)
    for slug in FRAMEWORKS:
        # Only the organisations whose role in organisations.csv is "aanbieder".
        want = expected(slug, role="aanbieder")
        sheet = matrix_sheet_for(workbook, want.framework)
        assert_sheet_shows(sheet, want)
        assert "Rol van de organisatie: Aanbieder" in sheet["A2"].value
        assert listed_as_unpositioned(sheet) == unpositioned(role="aanbieder")
        assert listed_as_only_elsewhere(sheet) == only_elsewhere(slug, role="aanbieder")
        assert want.total < expected(slug).total, "the filter leaves organisations out"
    rows = list(workbook["Posities"].iter_rows(min_row=2, values_only=True))
    assert rows == positions_in_matrix_order(role="aanbieder")
    assert ROLES["Veilig Thuis"] == "verwijzer"
    assert "Veilig Thuis" not in {row[3] for row in rows}
    assert "Trias pedagogica" in {row[3] for row in rows}


def test_cell_filters_of_the_page_are_ignored_like_on_the_page(client, baseline):
    workbook = download(client, "/kaart/hgkm/export.xlsx", {"phase": "preventie"})
    assert ("Filters", "geen filters") in notes(workbook)
    assert_sheet_shows(workbook["Matrix HGKM"], expected("hgkm"))


@pytest.mark.parametrize("url", ["/kaart/hgkm/export.xlsx", "/kaart/export.xlsx"])
def test_invalid_filter_answers_400_in_dutch(client, baseline, url):
    response = client.get(url, {"role": "onbekend"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Ongeldige filter" in text
    assert "Rol van de organisatie: Selecteer een geldige keuze" in text


def test_unknown_framework_answers_404(client, db):
    assert client.get("/kaart/onbekend/export.xlsx").status_code == 404


def test_matrix_page_links_to_the_download_with_its_filters(client, baseline):
    content = client.get("/kaart/hgkm/", {"role": "aanbieder"}).content.decode()
    assert 'href="/kaart/hgkm/export.xlsx?role=aanbieder"' in content
    assert 'href="/kaart/export.xlsx?role=aanbieder"' in content
    assert "Download Excel" in content
    plain = client.get("/kaart/hgkm/").content.decode()
    assert 'href="/kaart/hgkm/export.xlsx"' in plain


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1"]
)
def test_formula_like_organisation_name_is_stored_as_text(client, db, name):
    organisation = OrganisationFactory(name=name, slug="formule")
    OfferFactory(organisation=organisation, name=name, cells=[("nazorg", "ouderenmishandeling")])
    OrganisationFactory(name="=1+2", slug="ongepositioneerd")
    response = client.get("/kaart/export.xlsx")
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    position = next(workbook["Posities"].iter_rows(min_row=2))
    assert position[3].value == name
    assert position[3].data_type == "s"
    assert position[4].value == name
    assert position[4].data_type == "s"
    unpositioned = [
        cell for row in workbook["Matrix HGKM"].iter_rows() for cell in row if cell.value == "=1+2"
    ]
    assert unpositioned and all(cell.data_type == "s" for cell in unpositioned)
    with zipfile.ZipFile(BytesIO(response.content)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(member)


def masked_values(workbook):
    return {
        sheet.title: [
            [TIMESTAMP.sub("<datum>", v) if isinstance(v, str) else v for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in workbook.worksheets
    }


def test_management_command_writes_the_same_workbook(client, baseline, tmp_path):
    path = tmp_path / "kaart.xlsx"
    call_command("export_matrix", "all", str(path), "--filter", "role=aanbieder")
    written = openpyxl.load_workbook(path)
    downloaded = download(client, "/kaart/export.xlsx", {"role": "aanbieder"})
    assert masked_values(written) == masked_values(downloaded)

    single = tmp_path / "hgkm.xlsx"
    call_command("export_matrix", "hgkm", str(single))
    assert masked_values(openpyxl.load_workbook(single)) == masked_values(
        download(client, "/kaart/hgkm/export.xlsx")
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["onbekend"], "Onbekend analysekader 'onbekend'"),
        (["all", "--filter", "role=onbekend"], "Rol van de organisatie"),
        (["all", "--filter", "role"], "NAAM=WAARDE"),
    ],
)
def test_management_command_refuses_bad_input_in_dutch(db, tmp_path, arguments, message):
    path = tmp_path / "kaart.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("export_matrix", arguments[0], str(path), *arguments[1:])
    assert not path.exists()


@pytest.mark.parametrize("url", ["/kaart/export.xlsx", "/kaart/hgkm/export.xlsx?role=aanbieder"])
@pytest.mark.parametrize("offers", [10, 1000])
def test_export_query_count_does_not_grow_with_offers(
    client, many_offers, django_assert_max_num_queries, url, offers
):
    many_offers(offers)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(BytesIO(response.content))
    positions = list(workbook["Posities"].iter_rows(min_row=2, values_only=True))
    per_offer = 4 if url == "/kaart/export.xlsx" else 2
    assert len(positions) == offers * per_offer
