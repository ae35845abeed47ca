"""The monitor as an Excel workbook: the comparison per cell (then, now, change), capacity
and need, the trend, and a sheet that says what was compared. Every figure comes from
`providers.monitor.compare`; text is written through `sociale_kaart.spreadsheets.set_cell`,
so that data starting with "=" never becomes a formula."""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from providers.monitor.compare import FILTER_NOTE, MULTI_CELL_NOTE
from sociale_kaart.spreadsheets import set_cell

COMPARISON_HEADER = [
    "Analysekader",
    "Fase",
    "Geweldsvorm",
    "Toen: status",
    "Toen: organisaties",
    "Nu: status",
    "Nu: organisaties",
    "Verandering",
    "Erbij gekomen",
    "Weggegaan",
]
CAPACITY_HEADER = [
    "Analysekader",
    "Fase",
    "Geweldsvorm",
    "Aanbod",
    "Aanbod met capaciteit",
    "Aanbod zonder capaciteit (onbekend)",
    "Capaciteit per jaar (bekend)",
    "Huidige bezetting (bekend)",
    "Bezettingsgraad (%)",
    "Mediane wachttijd (weken)",
    "Langste wachttijd (weken)",
    "Benodigd per jaar",
    "Beoordeling",
    "Tekort",
]
NEED_HEADER = [
    "Analysekader",
    "Niveau",
    "Fase",
    "Geweldsvorm",
    "Benodigd per jaar",
    "Capaciteit per jaar (bekend)",
    "Aanbod zonder capaciteit",
    "Beoordeling",
    "Tekort",
    "Geldt vanaf",
    "Toelichting",
]


def _sheet(workbook, title, header, rows):
    sheet = workbook.create_sheet(title)
    for column, name in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        set_cell(cell, name)
        cell.font = Font(bold=True)
    for row_index, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            set_cell(sheet.cell(row=row_index, column=column), value)
    sheet.freeze_panes = "A2"
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 22
    return sheet


# Excel holds at most 32,767 characters in a cell; a longer list of names is cut off with a
# count (the JSON has every name).
CELL_TEXT_LIMIT = 32_000


def _names(organisations) -> str:
    text = "; ".join(o.name for o in organisations)
    if len(text) <= CELL_TEXT_LIMIT:
        return text
    shown = text[:CELL_TEXT_LIMIT].rpartition("; ")[0]
    rest = len(organisations) - (shown.count("; ") + 1)
    return f"{shown}; ... en {rest} meer"


def _capacity_cells(capacity):
    return [
        capacity.offers,
        capacity.with_capacity,
        capacity.without_capacity,
        capacity.capacity if capacity.with_capacity else None,
        capacity.occupancy if capacity.with_occupancy else None,
        capacity.occupancy_rate,
        capacity.median_wait,
        capacity.longest_wait,
    ]


def _need_cells(check):
    if check is None:
        return [None, "geen behoefte vastgelegd", None]
    return [check.need.capacity_per_year, check.flag, check.shortfall]


def monitor_workbook(comparison) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    comparison_rows, capacity_rows, need_rows = [], [], []
    for fc in comparison.frameworks:
        name = fc.framework.name
        for cell in fc.cells:
            where = [name, cell.phase.name, cell.violence_type.name]
            comparison_rows.append(
                [
                    *where,
                    cell.then.status_label,
                    cell.then.count,
                    cell.now.status_label,
                    cell.now.count,
                    cell.change,
                    _names(cell.came),
                    _names(cell.went),
                ]
            )
            capacity_rows.append([*where, *_capacity_cells(cell.capacity), *_need_cells(cell.need)])
        for level, totals in (("fase", fc.phase_totals), ("geweldsvorm", fc.violence_type_totals)):
            for total in totals:
                where = (
                    [name, total.name, "(alle)"]
                    if level == "fase"
                    else [name, "(alle)", total.name]
                )
                capacity_rows.append(
                    [*where, *_capacity_cells(total.capacity), *_need_cells(total.need)]
                )
        for _what, check in fc.need_checks():
            need = check.need
            need_rows.append(
                [
                    name,
                    need.level,
                    need.phase.name if need.phase_id else "(alle)",
                    need.violence_type.name if need.violence_type_id else "(alle)",
                    need.capacity_per_year,
                    check.capacity.capacity if check.capacity.with_capacity else None,
                    check.capacity.without_capacity,
                    check.flag,
                    check.shortfall,
                    need.valid_from,
                    need.note,
                ]
            )
    _sheet(workbook, "Vergelijking", COMPARISON_HEADER, comparison_rows)
    _sheet(workbook, "Capaciteit", CAPACITY_HEADER, capacity_rows)
    _sheet(workbook, "Behoefte", NEED_HEADER, need_rows)
    trend_header = ["Moment", "Datum"]
    trend_rows = []
    for fc in comparison.frameworks:
        trend_header += [f"{fc.framework.name}: {label}" for label in ("leeg", "dun", "gedekt")]
    for moment in comparison.moments:
        row = [moment.title, moment.taken_on]
        for fc in comparison.frameworks:
            counts = moment.summary.get(fc.framework.slug, {})
            row += [counts.get("empty"), counts.get("thin"), counts.get("covered")]
        trend_rows.append(row)
    _sheet(workbook, "Trend", trend_header, trend_rows)
    filters = "; ".join(f"{label}: {shown}" for _, label, shown in comparison.filters)
    notes = [
        ["Stand van", timezone.localtime().strftime("%d-%m-%Y %H:%M")],
        ["Toen", comparison.then.title],
        ["Nu", comparison.now.title],
        ["Filters", filters or "geen filters"],
        ["Cellen beter", comparison.better],
        ["Cellen slechter", comparison.worse],
        ["Cellen nog steeds leeg of dun", comparison.still_weak],
        ["Capaciteit", MULTI_CELL_NOTE],
        ["Filters en trend", FILTER_NOTE],
    ]
    _sheet(workbook, "Toelichting", ["Onderdeel", "Waarde"], notes)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
