"""Spreadsheet safety, for every export and import: text never becomes a formula.

- `is_formula_like`, `set_cell` and `csv_safe`: the one rule for formula-like text (OWASP "CSV
  injection"), as the xlsx and csv exports write it and the imports refuse it.
- `insert_text_rows`: many rows of plain text in one sheet of a saved .xlsx file, written as
  XML text. openpyxl builds a Python object for every cell and serialises each through its XML
  writer: for the national list of positions (about 90,000 rows of five cells) that took over
  6 seconds on our 2-core servers. Here openpyxl still lays out the workbook (styles, widths,
  frozen panes, filter, print setup) and `insert_text_rows` streams the rows into the saved
  file, in about half a second. Each distinct text is escaped once; every cell is an inline
  string, so it is always text: data that starts with "=" can never become a formula.
"""

import re
import zipfile
from collections.abc import Sequence
from io import BytesIO
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import column_index_from_string, get_column_letter

# Spreadsheet programs read text that starts with one of these as a formula (OWASP "CSV
# injection"); tab and carriage return are used to smuggle the others past naive checks.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

SHEET_DATA_END = b"</sheetData>"
DIMENSION = re.compile(rb'<dimension ref="([A-Z]+[0-9]+)(?::([A-Z]+)[0-9]+)?"\s*/>')
ROWS_PER_WRITE = 2000


def is_formula_like(value) -> bool:
    """True for text that a spreadsheet program would treat as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def set_cell(cell, value) -> None:
    """Write `value` into an openpyxl cell; text always as a string, never as a formula.

    openpyxl turns any text starting with "=" into a formula cell; setting the data type
    back to "s" stores it as a (inline) string, so Excel shows the text itself.
    """
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value


# A CSV reader may split a line at any of these (Dutch Excel uses ";", others "," or tab; a
# line break ends a row once a foreign separator has upset the quoting), and a cell may start
# after blanks or quotes that the reader drops.
CSV_PART_START = re.compile(r"""(^|[,;\t|\r\n])(?=[ "']*[=+\-@\t\r])""")
CSV_PART_RESTORE = re.compile(r"""(^|[,;\t|\r\n])'(?=[ "']*[=+\-@\t\r])""")


def csv_safe(value):
    """Neutralise formula-like text for CSV: a single quote before the value and before every
    part of it that follows a separator (`,` `;` tab `|` or a line break) and would start with
    `=`, `+`, `-` or `@`. Whatever separator the program that opens the file picks, no cell
    then begins a formula (`x;=1+1` becomes `x;'=1+1`). `csv_restore` undoes it exactly."""
    if isinstance(value, str):
        return CSV_PART_START.sub(r"\1'", value)
    return value


def csv_restore(value: str) -> str:
    """The text that `csv_safe` neutralised: every quote it added is taken off again (a quote
    that was in the text itself stays, as `csv_safe` added one before it)."""
    return CSV_PART_RESTORE.sub(r"\1", value)


def insert_text_rows(
    content: bytes, sheet_path: str, rows: Sequence[Sequence[str]], first_row: int
) -> bytes:
    """`content` (an .xlsx file) with `rows` of text added to the sheet at `sheet_path`.

    `sheet_path` is the sheet's part in the file (openpyxl's `worksheet.path` after saving);
    the sheet must have no cells from `first_row` on. Its dimension grows to the last row;
    everything else in the file is copied unchanged.
    """
    part = sheet_path.lstrip("/")
    output = BytesIO()
    with (
        zipfile.ZipFile(BytesIO(content)) as source,
        # The fastest deflate level: the long sheet compresses three times faster, the file
        # grows by about a quarter.
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        if part not in source.namelist():
            raise ValueError(f"{part} is not a part of this workbook")
        for item in source.infolist():
            data = source.read(item)
            if item.filename != part:
                target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            head, tail = _split_at_end_of_sheet_data(data)
            width = max((len(row) for row in rows), default=0)
            last_row = first_row + len(rows) - 1
            with target.open(item.filename, "w") as sheet:
                sheet.write(_with_dimension(head, width, last_row) if rows else head)
                _write_rows(sheet, rows, first_row, width)
                sheet.write(tail)
    return output.getvalue()


def _split_at_end_of_sheet_data(sheet_xml: bytes) -> tuple[bytes, bytes]:
    if sheet_xml.count(SHEET_DATA_END) != 1:
        raise ValueError("the sheet has no single </sheetData> to add rows to")
    end = sheet_xml.index(SHEET_DATA_END)
    return sheet_xml[:end], sheet_xml[end:]


def _with_dimension(head: bytes, width: int, last_row: int) -> bytes:
    """The sheet's <dimension> (its used range), extended to `width` columns and `last_row`."""

    def extended(match: re.Match) -> bytes:
        start = match.group(1).decode()
        end_column = match.group(2).decode() if match.group(2) else start.rstrip("0123456789")
        if column_index_from_string(end_column) < width:
            end_column = get_column_letter(width)
        return f'<dimension ref="{start}:{end_column}{last_row}"/>'.encode()

    return DIMENSION.sub(extended, head, count=1)


def _write_rows(sheet, rows: Sequence[Sequence[str]], first_row: int, width: int) -> None:
    # One format call per row: the row number appears in every cell reference, the texts
    # are escaped once per distinct text.
    columns = [get_column_letter(index) for index in range(1, width + 1)]
    templates: dict[int, str] = {}
    texts: dict[str, str] = {}
    chunk: list[str] = []
    for row_number, row in enumerate(rows, start=first_row):
        template = templates.get(len(row))
        if template is None:
            cells = "".join(
                f'<c r="{column}{{n}}" t="inlineStr">{{{index}}}</c>'
                for index, column in enumerate(columns[: len(row)])
            )
            template = templates[len(row)] = f'<row r="{{n}}">{cells}</row>'
        chunk.append(template.format(*[_inline_text(texts, value) for value in row], n=row_number))
        if len(chunk) == ROWS_PER_WRITE:
            sheet.write("".join(chunk).encode())
            chunk.clear()
    sheet.write("".join(chunk).encode())


def _inline_text(texts: dict[str, str], value: str) -> str:
    """The <is> element of one text, escaped once per distinct text."""
    element = texts.get(value)
    if element is None:
        clean = escape(ILLEGAL_CHARACTERS_RE.sub("", value))
        element = texts[value] = f'<is><t xml:space="preserve">{clean}</t></is>'
    return element
