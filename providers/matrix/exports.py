"""The coverage matrices as an Excel workbook, for the download and `manage.py export_matrix`.

Plain functions over openpyxl. Every number and name comes from `providers.matrix.coverage`; this
module only lays the matrices out. Text is always written as a string cell, so that data
beginning with `=`, `+`, `-` or `@` can never become a formula (`sociale_kaart.spreadsheets`).
"""

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from io import BytesIO
from typing import NamedTuple

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from frameworks.models import Framework
from providers.matrix.coverage import (
    COVERED,
    EMPTY,
    SHADES,
    THIN,
    UNKNOWN,
    Cell,
    Matrix,
    compute_matrix,
)
from providers.models import Position
from sociale_kaart.spreadsheets import insert_text_rows, set_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SOURCE_TEXT = (
    "Inventarisatie 2023 van het aanbod voor plegers in Amsterdam-Amstelland (de positionering "
    "door de partners zelf), aangevuld met de wijzigingen die partners sindsdien in de sociale "
    "kaart hebben ingevoerd. Alleen gepubliceerd aanbod telt mee."
)
COUNTING_TEXT = (
    "Een cel telt de verschillende organisaties met gepubliceerd aanbod in die fase en "
    "geweldsvorm. Totalen tellen verschillende organisaties: een organisatie die in meerdere "
    "cellen staat, telt één keer."
)
CONFIRMATION_TEXT = (
    "Per cel staat hoeveel organisaties hun gegevens in de afgelopen 12 maanden bevestigden; "
    "'niet bevestigd': geen van hen."
)
NO_FILTERS = "geen filters"
POSITIONS_TITLE = "Posities"
POSITIONS_HEADER = ["Analysekader", "Fase", "Geweldsvorm", "Organisatie", "Aanbod"]

MARKERS = {EMPTY: "LEEG", THIN: "DUN", UNKNOWN: "ONBEKEND"}
# The matrix cells shade with their count as on the page (static/css/site.css, .shade-N).
SHADE_COLOURS = ("FFFFFF", "F0F6FC", "E1ECF8", "CFE1F3", "BCD5EF", "A9C9EA")
assert len(SHADE_COLOURS) == SHADES
SHADE_FILLS = [PatternFill("solid", fgColor=colour) for colour in SHADE_COLOURS]
# The legend's status markers.
FILLS = {
    EMPTY: PatternFill("solid", fgColor="F5C2C2"),
    THIN: PatternFill("solid", fgColor="FFE08A"),
    COVERED: PatternFill("solid", fgColor="CDE8C4"),
    UNKNOWN: PatternFill("solid", fgColor="D9C8E8"),
}
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
BOLD = Font(bold=True)
TITLE_FONT = Font(bold=True, size=14)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="top")
THIN_SIDE = Side(style="thin", color="767676")
GRID = Border(left=THIN_SIDE, right=THIN_SIDE, top=THIN_SIDE, bottom=THIN_SIDE)

MATRIX_HEADER_ROW = 4
PHASE_COLUMN_WIDTH = 30
VIOLENCE_TYPE_COLUMN_WIDTH = 24
TOTAL_COLUMN_WIDTH = 12
LINE_HEIGHT = 15
SHEET_TITLE_MAX = 31
INVALID_SHEET_TITLE = re.compile(r"[\\*?:/\[\]]")


# --- Filters as text -------------------------------------------------------------------


def filters_text(filters: Sequence[tuple[str, str]]) -> str:
    if not filters:
        return NO_FILTERS
    return "; ".join(f"{label}: {value}" for label, value in filters)


# --- Data ------------------------------------------------------------------------------


class PositionRow(NamedTuple):
    framework: str
    phase: str
    violence_type: str
    organisation: str
    offer: str


def position_rows(matrices: Sequence[Matrix], offers) -> list[PositionRow]:
    """Every position of `offers` (published offers) in the frameworks of `matrices` (two
    queries: the positions as ids, the names of the offers once each).

    A listing, not a coverage computation: the same offers that `compute_matrix` counts, in
    matrix order (framework, phase, violence type), then by organisation and offer name. The
    names of the axes come from the matrices rather than from a join in every row.
    """
    positions = (
        Position.objects.filter(
            offer__in=offers.values("pk"),
            violence_type__in=[vt.pk for matrix in matrices for vt in matrix.violence_types],
        )
        .order_by()
        .values_list("phase_id", "violence_type_id", "offer_id")
    )
    names = {
        pk: (organisation, offer)
        for pk, organisation, offer in offers.order_by().values_list(
            "pk", "organisation__name", "name"
        )
    }
    by_cell = defaultdict(list)
    for phase_id, violence_type_id, offer_id in positions:
        named = names.get(offer_id)
        if named is not None:
            by_cell[(phase_id, violence_type_id)].append(named)
    return [
        PositionRow(matrix.framework.name, phase.name, violence_type.name, organisation, offer)
        for matrix in matrices
        for phase in matrix.phases
        for violence_type in matrix.violence_types
        for organisation, offer in sorted(by_cell[(phase.pk, violence_type.pk)])
    ]


@dataclass
class MatrixExport:
    matrices: list[Matrix]
    positions: list[PositionRow]
    filters: list[tuple[str, str]]
    generated_at: datetime


def collect_export(frameworks: Sequence[Framework], filterset) -> MatrixExport:
    """Compute what the workbook shows for a validated matrix FilterSet."""
    matrices = [compute_matrix(framework, filterset) for framework in frameworks]
    return MatrixExport(
        matrices=matrices,
        positions=position_rows(matrices, filterset.qs),
        filters=[(label, shown) for _, label, shown in filterset.chosen_values()],
        generated_at=timezone.now(),
    )


# --- The workbook ----------------------------------------------------------------------


def matrix_workbook(frameworks: Sequence[Framework], filterset) -> bytes:
    """The .xlsx file of the matrices of `frameworks` for a validated matrix FilterSet."""
    return workbook_bytes(collect_export(frameworks, filterset))


def workbook_bytes(export: MatrixExport) -> bytes:
    """openpyxl lays out every sheet; the long positions list is streamed in afterwards."""
    workbook = build_workbook(export)
    stream = BytesIO()
    workbook.save(stream)
    return insert_text_rows(
        stream.getvalue(),
        workbook[POSITIONS_TITLE].path,
        export.positions,
        first_row=2,
    )


def build_workbook(export: MatrixExport) -> Workbook:
    """Per framework a matrix sheet and a count sheet; then the positions; then notes.

    The positions sheet gets its header and layout here; `workbook_bytes` adds its rows.
    """
    workbook = Workbook()
    workbook.remove(workbook.active)
    used_titles: set[str] = set()
    for matrix in export.matrices:
        _write_matrix_sheet(
            workbook.create_sheet(_sheet_title("Matrix", matrix.framework, used_titles)),
            matrix,
            export,
        )
        _write_count_sheet(
            workbook.create_sheet(_sheet_title("Aantallen", matrix.framework, used_titles)),
            matrix,
        )
    _write_positions_sheet(workbook.create_sheet(POSITIONS_TITLE), len(export.positions))
    _write_notes_sheet(workbook.create_sheet("Toelichting"), export)
    workbook.active = 0
    return workbook


def export_filename(frameworks: Sequence[Framework], day: date) -> str:
    part = frameworks[0].slug if len(frameworks) == 1 else "analysekaders"
    return f"sociale-kaart-{part}-{day.isoformat()}.xlsx"


def cell_text(cell: Cell) -> str:
    """The text of a matrix cell: marker (LEEG/DUN/ONBEKEND) and count, one name per line,
    whether the entries were confirmed, then the organisations that might match."""
    count = f"{cell.count} organisatie{'' if cell.count == 1 else 's'}"
    if cell.unknown_count:
        count += f", {cell.unknown_count} mogelijk"
    marker = MARKERS.get(cell.status)
    lines = [f"{marker} – {count}" if marker else count]
    lines += [organisation.name for organisation in cell.organisations]
    if cell.unconfirmed:
        lines.append("(niet bevestigd)")
    elif cell.count:
        lines.append(f"({cell.confirmed_count} van {cell.count} bevestigd)")
    if cell.unknown_organisations:
        lines.append("Mogelijk (gegeven onbekend):")
        lines += [organisation.name for organisation in cell.unknown_organisations]
    return "\n".join(lines)


def _sheet_title(prefix: str, framework: Framework, used: set[str]) -> str:
    """A valid, unique sheet title of at most 31 characters."""
    candidates = [f"{prefix} {framework.name}", f"{prefix} {framework.slug.upper()}"]
    for candidate in candidates:
        title = INVALID_SHEET_TITLE.sub("-", candidate)
        if len(title) <= SHEET_TITLE_MAX and title not in used:
            used.add(title)
            return title
    base = INVALID_SHEET_TITLE.sub("-", candidates[1])[: SHEET_TITLE_MAX - 3]
    number = 2
    while f"{base} {number}" in used:
        number += 1
    used.add(f"{base} {number}")
    return f"{base} {number}"


def _write_row(sheet, row: int, values: Iterable, start_column: int = 1, **style) -> None:
    for offset, value in enumerate(values):
        cell = sheet.cell(row=row, column=start_column + offset)
        set_cell(cell, value)
        for name, setting in style.items():
            setattr(cell, name, setting)


def _estimated_lines(text: str, width: int) -> int:
    return sum(max(1, math.ceil(len(line) / max(width - 2, 1))) for line in text.split("\n"))


def _write_matrix_sheet(sheet, matrix: Matrix, export: MatrixExport) -> None:
    framework = matrix.framework
    threshold = matrix.thin_threshold
    total_column = len(matrix.violence_types) + 2
    set_cell(
        sheet.cell(row=1, column=1),
        f"{framework.name}: organisaties per fase (rijen) en geweldsvorm (kolommen)",
    )
    sheet.cell(row=1, column=1).font = TITLE_FONT
    set_cell(
        sheet.cell(row=2, column=1),
        f"Filters: {filters_text(export.filters)}. Drempel dunne cel: {threshold}. "
        f"Stand van {timezone.localtime(export.generated_at):%d-%m-%Y %H:%M}.",
    )

    header = ["Fase", *(vt.name for vt in matrix.violence_types), "Totaal (organisaties)"]
    _write_row(
        sheet,
        MATRIX_HEADER_ROW,
        header,
        font=BOLD,
        fill=HEADER_FILL,
        alignment=WRAP_TOP,
        border=GRID,
    )

    header_lines = max(_estimated_lines(name, VIOLENCE_TYPE_COLUMN_WIDTH) for name in header)
    sheet.row_dimensions[MATRIX_HEADER_ROW].height = LINE_HEIGHT * header_lines + 4

    row_number = MATRIX_HEADER_ROW
    for row in matrix.rows:
        row_number += 1
        phase_cell = sheet.cell(row=row_number, column=1)
        set_cell(phase_cell, row.phase.name)
        phase_cell.font, phase_cell.fill = BOLD, HEADER_FILL
        phase_cell.alignment, phase_cell.border = WRAP_TOP, GRID
        lines = _estimated_lines(row.phase.name, PHASE_COLUMN_WIDTH)
        for column, cell in enumerate(row.cells, start=2):
            text = cell_text(cell)
            target = sheet.cell(row=row_number, column=column)
            set_cell(target, text)
            target.fill, target.alignment, target.border = SHADE_FILLS[cell.shade], WRAP_TOP, GRID
            lines = max(lines, _estimated_lines(text, VIOLENCE_TYPE_COLUMN_WIDTH))
        total = sheet.cell(row=row_number, column=total_column, value=row.total)
        total.font, total.alignment, total.border = BOLD, CENTER, GRID
        sheet.row_dimensions[row_number].height = LINE_HEIGHT * lines + 4

    row_number += 1
    _write_row(
        sheet,
        row_number,
        ["Totaal (organisaties)", *matrix.violence_type_totals, matrix.total],
        font=BOLD,
        fill=HEADER_FILL,
        alignment=CENTER,
        border=GRID,
    )
    sheet.cell(row=row_number, column=1).alignment = WRAP_TOP

    row_number += 2
    set_cell(sheet.cell(row=row_number, column=1), "Legenda")
    sheet.cell(row=row_number, column=1).font = BOLD
    legend = [
        (EMPTY, "LEEG", "geen organisatie"),
        (THIN, "DUN", f"1 tot en met {threshold} organisatie{'' if threshold == 1 else 's'}"),
        (COVERED, "gedekt", f"meer dan {threshold} organisatie{'' if threshold == 1 else 's'}"),
        (
            UNKNOWN,
            "ONBEKEND",
            "geen organisatie past zeker; 'mogelijk': van hun aanbod is een gefilterd gegeven "
            "onbekend",
        ),
    ]
    for status, marker, meaning in legend:
        row_number += 1
        marker_cell = sheet.cell(row=row_number, column=1)
        set_cell(marker_cell, marker)
        marker_cell.fill, marker_cell.border = FILLS[status], GRID
        set_cell(sheet.cell(row=row_number, column=2), meaning)
    row_number += 1
    set_cell(sheet.cell(row=row_number, column=1), "Kleur van een cel")
    for step, fill in enumerate(SHADE_FILLS):
        swatch = sheet.cell(row=row_number, column=2 + step)
        set_cell(swatch, "geen" if step == 0 else ("meeste" if step == SHADES - 1 else ""))
        swatch.fill, swatch.border = fill, GRID
    row_number += 1
    set_cell(sheet.cell(row=row_number, column=1), COUNTING_TEXT)
    row_number += 1
    set_cell(sheet.cell(row=row_number, column=1), CONFIRMATION_TEXT)
    for fact in matrix.unknown_facts:
        row_number += 1
        set_cell(
            sheet.cell(row=row_number, column=1),
            f"{fact.count} aanbieding{'' if fact.count == 1 else 'en'} "
            f"{'heeft' if fact.count == 1 else 'hebben'} {fact.label.lower()} niet ingevuld; "
            "zij tellen als 'mogelijk'.",
        )

    row_number += 2
    heading = sheet.cell(row=row_number, column=1)
    if matrix.unpositioned_organisations:
        set_cell(heading, "Nog niet gepositioneerd (in geen enkel analysekader):")
        heading.font = BOLD
        for organisation in matrix.unpositioned_organisations:
            row_number += 1
            set_cell(sheet.cell(row=row_number, column=1), organisation.name)
    else:
        set_cell(heading, "Alle organisaties hebben hun aanbod gepositioneerd.")
    if matrix.elsewhere_organisations:
        row_number += 2
        names = ", ".join(organisation.name for organisation in matrix.elsewhere_organisations)
        set_cell(
            sheet.cell(row=row_number, column=1),
            f"Alleen in een ander analysekader gepositioneerd: {names}.",
        )

    sheet.column_dimensions["A"].width = PHASE_COLUMN_WIDTH
    for column in range(2, total_column):
        sheet.column_dimensions[get_column_letter(column)].width = VIOLENCE_TYPE_COLUMN_WIDTH
    sheet.column_dimensions[get_column_letter(total_column)].width = TOTAL_COLUMN_WIDTH
    sheet.freeze_panes = sheet.cell(row=MATRIX_HEADER_ROW + 1, column=2)
    _landscape_one_page_wide(sheet)
    sheet.print_title_rows = f"{MATRIX_HEADER_ROW}:{MATRIX_HEADER_ROW}"
    sheet.print_title_cols = "A:A"


def _write_count_sheet(sheet, matrix: Matrix) -> None:
    set_cell(sheet.cell(row=1, column=1), f"Aantal organisaties per cel: {matrix.framework.name}")
    sheet.cell(row=1, column=1).font = BOLD
    header_row = 3
    _write_row(
        sheet,
        header_row,
        ["Fase", *(vt.name for vt in matrix.violence_types), "Totaal"],
        font=BOLD,
        alignment=WRAP_TOP,
    )
    row_number = header_row
    for row in matrix.rows:
        row_number += 1
        _write_row(sheet, row_number, [row.phase.name, *(c.count for c in row.cells), row.total])
    _write_row(
        sheet, row_number + 1, ["Totaal", *matrix.violence_type_totals, matrix.total], font=BOLD
    )
    sheet.column_dimensions["A"].width = PHASE_COLUMN_WIDTH + 12
    for column in range(2, len(matrix.violence_types) + 3):
        sheet.column_dimensions[get_column_letter(column)].width = 18
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=2)
    _landscape_one_page_wide(sheet)


def _write_positions_sheet(sheet, count: int) -> None:
    _write_row(sheet, 1, POSITIONS_HEADER, font=BOLD, fill=HEADER_FILL)
    for column, width in zip("ABCDE", (38, 40, 40, 45, 55), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:E{max(count + 1, 2)}"
    _landscape_one_page_wide(sheet)
    sheet.print_title_rows = "1:1"


def _write_notes_sheet(sheet, export: MatrixExport) -> None:
    rows: list[tuple[str, str]] = [
        ("Datum", f"{timezone.localtime(export.generated_at):%d-%m-%Y %H:%M}"),
        ("Analysekaders", "; ".join(m.framework.name for m in export.matrices)),
    ]
    if export.filters:
        rows += [("Filter", f"{label}: {value}") for label, value in export.filters]
    else:
        rows.append(("Filters", NO_FILTERS))
    rows += [
        (
            "Drempel dunne cel",
            f"{m.framework.name}: {m.thin_threshold} (een cel met 1 tot en met "
            f"{m.thin_threshold} organisaties is dun; een cel zonder organisatie is leeg)",
        )
        for m in export.matrices
    ]
    rows += [
        ("Markering", "LEEG (rood) en DUN (geel) staan in kleur én als tekst in de cel."),
        ("Telling", COUNTING_TEXT),
        ("Bron", SOURCE_TEXT),
        (
            "Bladen",
            "Matrix: zoals op de website, met namen en aantallen. Aantallen: dezelfde "
            "getallen als tabel (voor grafiek of draaitabel). Posities: elke positie van het "
            "aanbod (analysekader, fase, geweldsvorm, organisatie, aanbod).",
        ),
    ]
    set_cell(
        sheet.cell(row=1, column=1),
        "Sociale kaart plegeraanpak Amsterdam-Amstelland: export van de analysekaders",
    )
    sheet.cell(row=1, column=1).font = TITLE_FONT
    for row_number, (label, value) in enumerate(rows, start=3):
        _write_row(sheet, row_number, [label], font=BOLD, alignment=WRAP_TOP)
        _write_row(sheet, row_number, [value], start_column=2, alignment=WRAP_TOP)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 110
    _landscape_one_page_wide(sheet)


def _landscape_one_page_wide(sheet) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
