"""The matrix download: workbooks opened with openpyxl and checked against the coverage."""

import re
import zipfile
from io import BytesIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from frameworks.models import Framework
from providers.matrix.coverage import COVERED, EMPTY, THIN, compute_matrix
from providers.matrix.exports import FILLS
from providers.models import Offer, Position
from providers.selectors import Scope, offer_selection
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
COUNT_LINE = re.compile(r"^(?:(LEEG|DUN) – )?(\d+) organisaties?$")
TIMESTAMP = re.compile(r"\d{2}-\d{2}-\d{4} \d{2}:\d{2}")


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


def parse_cell(text):
    first, *names = text.split("\n")
    marker, count = COUNT_LINE.match(first).groups()
    return marker, int(count), names


def notes(workbook):
    sheet = workbook["Toelichting"]
    return [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=2) if row[0].value]


def assert_matches_coverage(sheet, matrix):
    columns, cells, row_totals, column_totals = grid(sheet)
    assert columns[1:-1] == [vt.name for vt in matrix.violence_types]
    assert len(cells) == len(matrix.cells)
    for cell in matrix.cells:
        written = cells[(cell.phase.name, cell.violence_type.name)]
        marker, count, names = parse_cell(written.value)
        assert names == [organisation.name for organisation in cell.organisations]
        assert count == cell.count
        assert marker == {EMPTY: "LEEG", THIN: "DUN", COVERED: None}[cell.status]
        assert written.fill.fgColor.rgb == FILLS[cell.status].fgColor.rgb
        assert written.alignment.wrap_text
    assert row_totals == {row.phase.name: row.total for row in matrix.rows}
    assert column_totals == [*matrix.violence_type_totals, matrix.total]


def test_both_matrices_match_the_coverage_cell_by_cell(client, baseline):
    workbook = download(client, "/kaart/export.xlsx")
    assert workbook.sheetnames == SHEETS_BOTH
    assert all(len(title) <= 31 for title in workbook.sheetnames)
    for framework in Framework.objects.order_by("order"):
        matrix = compute_matrix(framework)
        assert_matches_coverage(matrix_sheet_for(workbook, framework), matrix)
        counts = workbook[
            matrix_sheet_for(workbook, framework).title.replace("Matrix", "Aantallen")
        ]
        table = [list(row) for row in counts.iter_rows(min_row=3, values_only=True)]
        assert table[0] == ["Fase", *(vt.name for vt in matrix.violence_types), "Totaal"]
        assert table[1:] == [
            *([row.phase.name, *(c.count for c in row.cells), row.total] for row in matrix.rows),
            ["Totaal", *matrix.violence_type_totals, matrix.total],
        ]


def test_one_framework_download_holds_only_that_framework(client, baseline):
    workbook = download(client, "/kaart/seksueel-geweld/export.xlsx")
    assert workbook.sheetnames == [
        "Matrix Seksueel geweld",
        "Aantallen Seksueel geweld",
        "Posities",
        "Toelichting",
    ]
    matrix = compute_matrix(Framework.objects.get(slug="seksueel-geweld"))
    assert_matches_coverage(workbook["Matrix Seksueel geweld"], matrix)
    frameworks = {row[0] for row in workbook["Posities"].iter_rows(min_row=2, values_only=True)}
    assert frameworks == {"Seksueel geweld"}
    unpositioned = [
        row[0] for row in workbook["Matrix Seksueel geweld"].iter_rows(values_only=True)
    ]
    start = unpositioned.index("Nog niet gepositioneerd in dit analysekader:")
    assert unpositioned[start + 1 :] == [o.name for o in matrix.unpositioned_organisations]
    assert "De Waag" in unpositioned[start + 1 :]


def test_empty_and_thin_cells_have_distinct_fills_and_text_markers(client, db):
    for index in range(3):
        OfferFactory(cells=[("preventie", "kindermishandeling")], name=f"Breed {index}")
    OfferFactory(cells=[("nazorg", "ouderenmishandeling")], organisation__name="Alleen")
    _, cells, _, _ = grid(download(client, "/kaart/hgkm/export.xlsx")["Matrix HGKM"])
    covered = cells[("Preventie", "Kindermishandeling")]
    thin = cells[("Nazorg", "Ouderenmishandeling")]
    empty = cells[("Signalering", "Ouderenmishandeling")]
    assert parse_cell(covered.value)[:2] == (None, 3)
    assert thin.value == "DUN – 1 organisatie\nAlleen"
    assert empty.value == "LEEG – 0 organisaties"
    fills = {cell.fill.fgColor.rgb for cell in (covered, thin, empty)}
    assert len(fills) == 3
    assert empty.fill.fgColor.rgb == FILLS[EMPTY].fgColor.rgb
    assert thin.fill.fgColor.rgb == FILLS[THIN].fgColor.rgb
    markers = [parse_cell(cell.value)[0] for cell in cells.values()]
    assert markers.count("LEEG") == 6 * 6 - 2


def test_baseline_cells_are_marked_like_on_the_page(client, baseline):
    workbook = download(client, "/kaart/export.xlsx")
    by_marker = {}
    for framework in Framework.objects.all():
        _, cells, _, _ = grid(matrix_sheet_for(workbook, framework))
        for cell in cells.values():
            marker, _, _ = parse_cell(cell.value)
            by_marker.setdefault(marker, set()).add(cell.fill.fgColor.rgb)
    # The 2023 matrices have no empty cell, but thin ones in both frameworks.
    assert by_marker == {
        "DUN": {FILLS[THIN].fgColor.rgb},
        None: {FILLS[COVERED].fgColor.rgb},
    }
    _, cells, _, _ = grid(workbook["Matrix HGKM"])
    elder_prevention = cells[("Preventie", "Ouderenmishandeling")].value
    assert elder_prevention == "DUN – 2 organisaties\nTrias pedagogica\nVeilig Thuis"


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


def test_positions_sheet_lists_every_published_position(client, baseline):
    draft = OfferFactory(status=Offer.Status.DRAFT, cells=[("preventie", "kindermishandeling")])
    rows = list(
        download(client, "/kaart/export.xlsx")["Posities"].iter_rows(min_row=1, values_only=True)
    )
    assert rows[0] == ("Analysekader", "Fase", "Geweldsvorm", "Organisatie", "Aanbod")
    expected = sorted(
        Position.objects.filter(offer__status=Offer.Status.PUBLISHED).values_list(
            "violence_type__framework__name",
            "phase__name",
            "violence_type__name",
            "offer__organisation__name",
            "offer__name",
        )
    )
    assert len(rows) - 1 == 409
    assert sorted(rows[1:]) == expected
    assert draft.name not in {row[4] for row in rows}


def test_positions_sheet_is_in_matrix_order_and_its_range_covers_every_row(client, baseline):
    content = client.get("/kaart/export.xlsx").content
    rows = list(
        openpyxl.load_workbook(BytesIO(content))["Posities"].iter_rows(min_row=2, values_only=True)
    )
    # Framework, phase and violence type as in the matrices; then organisation and offer.
    positions = Position.objects.filter(offer__status=Offer.Status.PUBLISHED).select_related(
        "phase", "violence_type__framework", "offer__organisation"
    )
    expected = [
        (p.violence_type.framework.name, p.phase.name, p.violence_type.name, org, offer)
        for p, org, offer in sorted(
            ((p, p.offer.organisation.name, p.offer.name) for p in positions),
            key=lambda item: (
                item[0].violence_type.framework.order,
                item[0].phase.order,
                item[0].violence_type.order,
                item[1],
                item[2],
            ),
        )
    ]
    assert rows == expected
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
    filterset = offer_selection({"role": "aanbieder"}, scope=Scope.MATRIX)
    assert filterset.is_valid()
    for framework in Framework.objects.order_by("order"):
        matrix = compute_matrix(framework, filterset)
        sheet = matrix_sheet_for(workbook, framework)
        assert_matches_coverage(sheet, matrix)
        assert "Rol van de organisatie: Aanbieder" in sheet["A2"].value
    organisations = {row[3] for row in workbook["Posities"].iter_rows(min_row=2, values_only=True)}
    assert "Veilig Thuis" not in organisations
    assert "Trias pedagogica" in organisations


def test_cell_filters_of_the_page_are_ignored_like_on_the_page(client, baseline):
    workbook = download(client, "/kaart/hgkm/export.xlsx", {"phase": "preventie"})
    assert ("Filters", "geen filters") in notes(workbook)
    assert_matches_coverage(
        workbook["Matrix HGKM"], compute_matrix(Framework.objects.get(slug="hgkm"))
    )


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
