"""Cheap checks of an uploaded .xlsx file before anything builds its rows.

An .xlsx is a zip of XML parts. A small upload can unpack to far more than it looks (a
127 KB file whose `xl/sharedStrings.xml` unpacks to 48 MB with 2.9 million strings kept a
worker busy for minutes in openpyxl). `check_xlsx` refuses such a file within a second or
two, with a Dutch message, by

1. reading the sizes the zip declares (nothing is unpacked): the whole file and each part
   against `Limits` (Python's zipfile never unpacks more than a part declares);
2. streaming the shared strings and every worksheet through expat (no DTD, no entities,
   as defusedxml would refuse them), counting strings, rows, cells and the highest column,
   and stopping at the first limit passed. Nothing is kept, so memory stays small.

The limits are documented in the README ("Excel: exports en imports").
"""

import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

MB = 1024 * 1024
VALUE_TAGS = {"v", "is", "f"}  # a cell's value, inline text or formula
CHUNK = 64 * 1024
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})")


@dataclass(frozen=True)
class Limits:
    unpacked_bytes: int = 50 * MB  # all parts together
    sheet_bytes: int = 25 * MB  # one worksheet part
    shared_strings_bytes: int = 25 * MB  # xl/sharedStrings.xml
    other_part_bytes: int = 5 * MB  # styles, workbook, relations, ...
    shared_strings: int = 500_000  # entries in xl/sharedStrings.xml
    rows: int = 10_001  # rows with a value, the header included, in each sheet
    columns: int = 100  # the highest column with a value
    cells: int = 500_000  # cells with a value, all sheets together


class SpreadsheetTooLarge(Exception):
    """The file passes a limit; the message is Dutch and meant for the user."""


def _mb(size: int) -> str:
    return f"{size / MB:.0f} MB"


def _column_number(reference: str) -> int:
    match = CELL_REFERENCE.match(reference or "")
    if not match:
        return 0
    number = 0
    for letter in match.group(1):
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def check_xlsx(archive: zipfile.ZipFile, limits: Limits = Limits()) -> None:
    """Raise SpreadsheetTooLarge when the workbook in `archive` passes one of `limits`."""
    parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    if total > limits.unpacked_bytes:
        raise SpreadsheetTooLarge(
            f"Het Excel-bestand is uitgepakt {_mb(total)}; de grens is "
            f"{_mb(limits.unpacked_bytes)}. Splits het bestand op."
        )
    sheets, shared = [], None
    for part in parts:
        name = part.filename
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            limit, sheets = limits.sheet_bytes, [*sheets, part]
        elif name == "xl/sharedStrings.xml":
            limit, shared = limits.shared_strings_bytes, part
        else:
            limit = limits.other_part_bytes
        if part.file_size > limit:
            raise SpreadsheetTooLarge(
                f"Een onderdeel van het Excel-bestand ({name}) is uitgepakt "
                f"{_mb(part.file_size)}; de grens is {_mb(limit)}. Zo'n bestand lezen we niet "
                "in; sla het opnieuw op in Excel of splits het op."
            )
    if shared is not None:
        _count_shared_strings(archive, shared, limits)
    cells = 0
    for sheet in sheets:
        cells = _check_sheet(archive, sheet, limits, cells)


class UnsafeXml(Exception):
    """A DTD or entity declaration: refused, as defusedxml does."""


def _parse(archive, part, start) -> None:
    """Stream `part` through expat, calling `start(local name, [attribute, value, ...])` for
    every element; a DTD or an entity declaration is refused. Only start tags, and names
    without their namespace prefix: defusedxml's iterparse (pure Python) needed about 20 s for
    500,000 strings, expat with full namespace handling and end tags 3 s, this a fraction."""
    parser = expat.ParserCreate()
    parser.ordered_attributes = True

    def forbid(*args):
        raise UnsafeXml

    parser.StartDoctypeDeclHandler = forbid
    parser.EntityDeclHandler = forbid
    parser.ExternalEntityRefHandler = forbid
    parser.StartElementHandler = lambda name, attributes: start(name.rpartition(":")[2], attributes)
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _count_shared_strings(archive, part, limits: Limits) -> None:
    count = 0

    def start(name, attributes):
        nonlocal count
        if name == "si":
            count += 1
            if count > limits.shared_strings:
                raise SpreadsheetTooLarge(
                    f"Het Excel-bestand bevat meer dan {_number(limits.shared_strings)} teksten; "
                    "zo'n bestand lezen we niet in. Splits het bestand op."
                )

    _parse(archive, part, start)


def _check_sheet(archive, part, limits: Limits, cells: int) -> int:
    """Count the rows and cells with a value; the running total of cells is returned."""
    rows = 0
    row_has_value = False
    cell, cell_counted = None, False

    def close_row():
        nonlocal rows
        if row_has_value:
            rows += 1
            if rows > limits.rows:
                raise SpreadsheetTooLarge(
                    f"Het bestand heeft meer dan {_number(limits.rows - 1)} regels (naast de "
                    "kopregel); splits het op."
                )

    def start(name, attributes):
        nonlocal cells, row_has_value, cell, cell_counted
        if name == "c":
            cell, cell_counted = _attribute(attributes, "r"), False
        elif name in VALUE_TAGS and cell is not None and not cell_counted:
            cell_counted = row_has_value = True
            cells += 1
            if _column_number(cell) > limits.columns:
                raise SpreadsheetTooLarge(
                    f"Het bestand heeft gegevens voorbij kolom {limits.columns}; zoveel "
                    "kolommen heeft een import niet. Haal de losse waarden weg."
                )
            if cells > limits.cells:
                raise SpreadsheetTooLarge(
                    f"Het bestand heeft meer dan {_number(limits.cells)} gevulde cellen; "
                    "splits het op."
                )
        elif name == "row":
            close_row()
            row_has_value, cell = False, None

    _parse(archive, part, start)
    close_row()
    return cells


def _attribute(attributes: list, name: str) -> str:
    for index in range(0, len(attributes), 2):
        if attributes[index] == name:
            return attributes[index + 1]
    return ""


def _number(value: int) -> str:
    return f"{value:,}".replace(",", ".")
