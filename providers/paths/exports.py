"""The paths workbook: where paths break (offers named, and the counts), the confirmed links
and the pool of experience experts. A workbook of its own (`/paden/export.xlsx`), beside the
matrix workbook; every text goes through `sociale_kaart.spreadsheets.set_cell`, so it never
becomes a formula."""

from io import BytesIO

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from providers.paths.models import ReferralLink
from providers.paths.selectors import (
    BREAK_KINDS,
    BREAK_LABELS,
    BREAK_SHORT,
    path_breaks,
    pool_entries,
    pool_size,
)
from sociale_kaart.spreadsheets import insert_text_rows, set_cell

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_POSITIONED = "(niet gepositioneerd)"


def _sheet(workbook, title, header, rows, widths, deferred=None):
    """A sheet with a bold header, widths, frozen header and a filter. With `deferred` (a list)
    the rows, all text, are written after saving, as XML (`insert_text_rows`): at national size
    the breaks run to tens of thousands of rows, too slow for openpyxl cell by cell."""
    sheet = workbook.create_sheet(title)
    for column, value in enumerate(header, start=1):
        cell = sheet.cell(row=1, column=column)
        set_cell(cell, value)
        cell.font = Font(bold=True)
    if deferred is not None:
        deferred.append((sheet, [[str(value) for value in row] for row in rows]))
    else:
        for row_number, row in enumerate(rows, start=2):
            for column, value in enumerate(row, start=1):
                set_cell(sheet.cell(row=row_number, column=column), value)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    if rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    return sheet


def _names(items) -> str:
    return "; ".join(item.name for item in items)


def paths_workbook() -> bytes:
    breaks = path_breaks()
    workbook = Workbook()
    workbook.remove(workbook.active)
    deferred = []

    counts = []
    for framework in breaks.frameworks:
        for row in framework.rows:
            counts.append([framework.framework.name, row.violence_type.name, *row.counts])
    _sheet(
        workbook,
        "Aantallen",
        ["Analysekader", "Geweldsvorm", *(BREAK_SHORT[kind] for kind in BREAK_KINDS)],
        counts,
        [36, 44, 18, 26, 24],
    )

    named = []
    for framework in breaks.frameworks:
        for row in framework.rows:
            for kind in BREAK_KINDS:
                for offer in row.offers[kind]:
                    named.append(
                        [
                            framework.framework.name,
                            row.violence_type.name,
                            BREAK_LABELS[kind],
                            offer.organisation,
                            offer.name,
                        ]
                    )
    for kind in BREAK_KINDS:
        for offer in breaks.unpositioned[kind]:
            named.append(["", NOT_POSITIONED, BREAK_LABELS[kind], offer.organisation, offer.name])
    _sheet(
        workbook,
        "Breuken",
        ["Analysekader", "Geweldsvorm", "Breuk", "Organisatie", "Aanbod"],
        named,
        [36, 44, 60, 36, 44],
        deferred,
    )

    links = (
        ReferralLink.objects.public()
        .select_related("from_offer__organisation", "to_offer__organisation")
        .order_by("from_offer__organisation__name", "from_offer__name", "kind", "pk")
    )
    _sheet(
        workbook,
        "Verwijzingen",
        [
            "Van organisatie",
            "Van aanbod",
            "Naar organisatie",
            "Naar aanbod",
            "Soort overgang",
            "Toelichting",
            "Bevestigd op",
        ],
        [
            [
                link.from_offer.organisation.name,
                link.from_offer.name,
                link.to_offer.organisation.name,
                link.to_offer.name,
                link.get_kind_display(),
                link.note,
                f"{timezone.localtime(link.confirmed_at):%d-%m-%Y}" if link.confirmed_at else "",
            ]
            for link in links
        ],
        [32, 40, 32, 40, 34, 40, 14],
        deferred,
    )

    entries = []
    for entry in pool_entries():
        organisation = entry.organisation
        entries.append(
            [
                entry.organisation.name,
                entry.title,
                _names(entry.frameworks.all()),
                _names(entry.violence_types.all()) or "onbekend",
                _names(entry.phases.all()) or "onbekend",
                _names(entry.deployment_kinds.all()) or "onbekend",
                entry.availability,
                entry.get_availability_unit_display(),
                organisation.phone,
                organisation.email,
                organisation.website,
            ]
        )
    _sheet(
        workbook,
        "Ervaringsdeskundigen",
        [
            "Organisatie",
            "Inzet",
            "Analysekaders",
            "Geweldsvormen",
            "Fasen",
            "Soorten inzet",
            "Beschikbaar",
            "Eenheid",
            "Telefoon (organisatie)",
            "E-mail (organisatie)",
            "Website",
        ],
        entries,
        [32, 40, 30, 40, 40, 40, 12, 16, 20, 28, 28],
    )
    sizes = [
        [
            size.framework.name,
            size.entries,
            size.organisations,
            size.people,
            size.hours,
            "; ".join(vt.name for vt in size.without) or "-",
        ]
        for size in pool_size()
    ]
    _sheet(
        workbook,
        "Pool per kader",
        [
            "Analysekader",
            "Inzetten",
            "Organisaties",
            "Personen",
            "Uren per maand",
            "Geweldsvormen zonder inzet",
        ],
        sizes,
        [36, 10, 12, 10, 14, 60],
    )

    notes = workbook.create_sheet("Toelichting")
    lines = [
        ("Stand van", timezone.localtime().strftime("%d-%m-%Y %H:%M")),
        ("Bevestigde verwijzingen", breaks.link_count),
        (
            "Geen vervolg",
            BREAK_LABELS[BREAK_KINDS[0]] + " (alleen bevestigde verwijzingen "
            "tussen gepubliceerd aanbod tellen).",
        ),
        (
            "Verplicht zonder vrijwillig",
            "Aanbod met een verplicht juridisch kader zonder "
            "verwijzing naar aanbod met vrijwillig kader of van de soort 'van verplicht naar "
            "vrijwillig'.",
        ),
        (
            "Jeugd zonder volwassenen",
            "Aanbod alleen voor jonge kinderen of minderjarigen zonder "
            "verwijzing naar aanbod voor jongvolwassenen of volwassenen of van de soort 'van jeugd "
            "naar volwassenen'.",
        ),
        (
            "Ervaringsdeskundigen",
            "De pool noemt wat organisaties kunnen inzetten, nooit "
            "personen; contact loopt via de organisatie.",
        ),
    ]
    for row, (label, value) in enumerate(lines, start=1):
        set_cell(notes.cell(row=row, column=1), label)
        set_cell(notes.cell(row=row, column=2), value)
    notes.column_dimensions["A"].width = 30
    notes.column_dimensions["B"].width = 100
    output = BytesIO()
    workbook.save(output)
    content = output.getvalue()
    for sheet, rows in deferred:
        if rows:
            content = insert_text_rows(content, sheet.path, rows, first_row=2)
    return content
