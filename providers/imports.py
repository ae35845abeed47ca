"""Spreadsheet files in and out of the admin: safe formats, the upload check, the admin mixin.

- `SafeXLSX` and `SafeCSV` read uploads defensively (size, zip bomb, corrupt files, formulas
  kept visible so the resources can refuse them) and write exports in which text can never
  become a formula.
- `SpreadsheetImportForm` refuses files that are too big, not a spreadsheet, corrupt, empty
  or have the wrong headers, with a Dutch message on the form, before anything is imported.
- `MunicipalityImportExportMixin` adds import and export to a ModelAdmin for the
  municipality only, and makes the confirmed import write everything or nothing.

Before openpyxl opens an xlsx, `sociale_kaart.xlsx_limits.check_xlsx` checks its unpacked
sizes and counts (shared strings, rows, columns, cells) against `XLSX_LIMITS`. openpyxl then
parses the XML with defusedxml (a dependency of this project; `openpyxl.DEFUSEDXML` is True,
see the tests), so entity expansion ("billion laughs") cannot exhaust memory. The upload form
reads only the header row; the rows are read by the import job (providers/import_jobs.py).
"""

import csv
import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from xml.parsers.expat import ExpatError

import openpyxl
import tablib
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm, SelectableFieldsExportForm
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from providers.admin_scoping import can_manage_all
from sociale_kaart.spreadsheets import csv_restore, csv_safe, set_cell
from sociale_kaart.xlsx_limits import Limits, SpreadsheetTooLarge, UnsafeXml, check_xlsx

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 100
# What an xlsx may hold before openpyxl reads it (sizes unpacked); see the README.
XLSX_LIMITS = Limits(
    unpacked_bytes=MAX_UNPACKED_BYTES,
    sheet_bytes=25 * 1024 * 1024,
    shared_strings_bytes=25 * 1024 * 1024,
    other_part_bytes=5 * 1024 * 1024,
    shared_strings=500_000,
    rows=MAX_ROWS + 1,
    columns=MAX_COLUMNS,
    cells=500_000,
)
PLAIN_VALUE_TYPES = (str, int, float, Decimal, bool, date, datetime, time)

NOT_XLSX = (
    "Dit bestand is geen Excel-werkmap (.xlsx). Kies het juiste bestandstype, of sla het "
    "bestand in Excel op als 'Excel-werkmap (.xlsx)'."
)
CORRUPT_XLSX = (
    "Het Excel-bestand is beschadigd en kan niet worden gelezen. Open en bewaar het opnieuw "
    "in Excel en probeer het nog eens."
)
NOT_CSV = "Dit bestand is geen CSV-bestand (tekst). Kies het juiste bestandstype."
NOT_UTF8 = (
    "Het CSV-bestand is niet als UTF-8 opgeslagen. Kies in Excel 'Opslaan als' en dan "
    "'CSV UTF-8 (door komma's gescheiden)'."
)
EMPTY_FILE = "Het bestand is leeg: er staat geen kopregel met kolomnamen in."
NO_DATA_ROWS = "Het bestand bevat alleen een kopregel en geen gegevens om in te lezen."
TOO_MANY_ROWS = f"Het bestand heeft meer dan {MAX_ROWS} regels; splits het op."
TOO_MANY_COLUMNS = f"Het bestand heeft meer dan {MAX_COLUMNS} kolommen; dat klopt niet."
UNREADABLE = "Het bestand kon niet worden gelezen als {format}. Kies het juiste bestandstype."


class ImportFileError(Exception):
    """The uploaded file cannot be read; the message is Dutch and meant for the user."""


# --- Reading ---------------------------------------------------------------------------


def _plain(value):
    """A cell value as plain data; stripped text; anything exotic (an array formula, a
    data table) becomes formula text so that the resources refuse it."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, PLAIN_VALUE_TYPES):
        return value
    return "=" + str(getattr(value, "text", "") or "formule")


def build_dataset(rows, header_only: bool = False) -> tablib.Dataset:
    """A Dataset from an iterator of rows (the first is the header); blank rows and
    trailing columns without a header and without data are dropped. With `header_only`
    only the header is read (the upload form checks the columns; the job reads the rows)."""
    header = None
    for header in rows:
        header = [_plain(value) for value in header]
        if any(value not in (None, "") for value in header):
            break
    else:
        raise ImportFileError(EMPTY_FILE)
    if len(header) > MAX_COLUMNS:
        header = _trim_trailing_blanks(header)
        if len(header) > MAX_COLUMNS:
            raise ImportFileError(TOO_MANY_COLUMNS)
    if header_only:
        # The header, and whether any row with data follows it.
        if not any(any(_plain(value) not in (None, "") for value in row) for row in rows):
            raise ImportFileError(NO_DATA_ROWS)
        dataset = tablib.Dataset()
        dataset.headers = ["" if value is None else str(value) for value in header]
        return dataset
    data = []
    for row in rows:
        values = [_plain(value) for value in row]
        if all(value in (None, "") for value in values):
            continue
        if len(data) >= MAX_ROWS:
            raise ImportFileError(TOO_MANY_ROWS)
        data.append(values)
    width = len(header)
    while (
        width
        and header[width - 1] in (None, "")
        and all(len(row) < width or row[width - 1] in (None, "") for row in data)
    ):
        width -= 1
    for number, row in enumerate(data, start=2):
        if any(value not in (None, "") for value in row[width:]):
            raise ImportFileError(
                f"Een regel (de {number}e niet-lege regel) heeft meer waarden dan er kolommen "
                "zijn in de kopregel. Geef elke kolom een naam of haal de losse waarden weg."
            )
    dataset = tablib.Dataset()
    dataset.headers = ["" if value is None else str(value) for value in header[:width]]
    for row in data:
        dataset.append((row + [None] * width)[:width])
    if not dataset.height:
        raise ImportFileError(NO_DATA_ROWS)
    return dataset


def _trim_trailing_blanks(values):
    values = list(values)
    while values and values[-1] in (None, ""):
        values.pop()
    return values


class SafeXLSX(base_formats.XLSX):
    """xlsx that reads defensively and writes text cells only as text."""

    def create_dataset(self, in_stream, header_only: bool = False):
        data = in_stream if isinstance(in_stream, bytes) else bytes(in_stream)
        if not zipfile.is_zipfile(io.BytesIO(data)):
            raise ImportFileError(NOT_XLSX)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                # Sizes and counts first (sociale_kaart/xlsx_limits.py), before openpyxl
                # builds a single row.
                check_xlsx(archive, XLSX_LIMITS)
        except SpreadsheetTooLarge as error:
            raise ImportFileError(str(error)) from error
        except (zipfile.BadZipFile, OSError, ValueError, ExpatError, UnsafeXml) as error:
            raise ImportFileError(CORRUPT_XLSX) from error
        try:
            # Formulas are read as their text (data_only=False) so that they can be refused.
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        except Exception as error:
            raise ImportFileError(CORRUPT_XLSX) from error
        try:
            if not workbook.worksheets:
                raise ImportFileError(EMPTY_FILE)
            rows = workbook.worksheets[0].iter_rows(values_only=True)
            return build_dataset(rows, header_only=header_only)
        except ImportFileError:
            raise
        except Exception as error:
            raise ImportFileError(CORRUPT_XLSX) from error
        finally:
            workbook.close()

    def export_data(self, dataset, **kwargs):
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "Export"
        for column, header in enumerate(dataset.headers or [], start=1):
            cell = sheet.cell(row=1, column=column)
            set_cell(cell, header)
            cell.font = Font(bold=True)
        widths = [len(str(header)) for header in dataset.headers or []]
        for row_number, row in enumerate(dataset, start=2):
            for column, value in enumerate(row, start=1):
                set_cell(sheet.cell(row=row_number, column=column), value)
                if value is not None:
                    longest = max(len(line) for line in str(value).split("\n") or [""])
                    widths[column - 1] = max(widths[column - 1], longest)
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, 60)
        sheet.freeze_panes = "A2"
        stream = io.BytesIO()
        workbook.save(stream)
        return stream.getvalue()


class SafeCSV(base_formats.CSV):
    """CSV in UTF-8, comma or semicolon separated (Dutch Excel uses semicolons); formula-like
    text is exported with a leading single quote, which the import takes off again."""

    def create_dataset(self, in_stream, header_only: bool = False, **kwargs):
        if isinstance(in_stream, bytes):
            if b"\x00" in in_stream[:4096]:
                raise ImportFileError(NOT_CSV)
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise ImportFileError(NOT_UTF8) from error
        text = in_stream.lstrip("\ufeff")
        if "\x00" in text[:4096]:
            raise ImportFileError(NOT_CSV)
        first_line = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first_line.count)
        try:
            rows = csv.reader(io.StringIO(text), delimiter=delimiter)
            return build_dataset(
                ([_unquote(value) for value in row] for row in rows), header_only=header_only
            )
        except csv.Error as error:
            raise ImportFileError(UNREADABLE.format(format="CSV")) from error

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=[csv_safe(header) for header in dataset.headers or []])
        for row in dataset:
            safe.append([csv_safe(value) for value in row])
        return super().export_data(safe, **kwargs)


def _unquote(value: str) -> str:
    """Undo the CSV neutralisation of `csv_safe`: "'=x" is read as "=x" (and then refused),
    "x;'=1" as "x;=1"."""
    return csv_restore(value)


# --- The upload form -------------------------------------------------------------------


class SpreadsheetImportForm(ImportForm):
    """The import form, refusing unreadable files with a Dutch message before the preview."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.format_classes = formats
        self.resource_classes = resources
        self.fields["import_file"].help_text = (
            "Een Excel-werkmap (.xlsx) of een CSV-bestand in UTF-8, hoogstens 5 MB, met de "
            "kolomnamen van een export in de eerste regel. U ziet eerst een voorbeeld; er "
            "wordt pas iets opgeslagen als u dat bevestigt."
        )

    def clean(self):
        cleaned_data = super().clean()
        import_file = cleaned_data.get("import_file")
        format_index = cleaned_data.get("format")
        if import_file is None or format_index in (None, ""):
            return cleaned_data
        if import_file.size > MAX_UPLOAD_BYTES:
            self.add_error(
                "import_file",
                f"Het bestand is {filesizeformat(import_file.size)} groot; de grens is 5 MB. "
                "Splits het bestand op.",
            )
            return cleaned_data
        input_format = self.format_classes[int(format_index)]()
        import_file.seek(0)
        content = import_file.read()
        import_file.seek(0)
        try:
            dataset = input_format.create_dataset(content, header_only=True)
        except ImportFileError as error:
            self.add_error("import_file", str(error))
            return cleaned_data
        except Exception:
            self.add_error(
                "import_file", UNREADABLE.format(format=input_format.get_title().upper())
            )
            return cleaned_data
        resource_class = self.resource_classes[int(cleaned_data.get("resource") or 0)]
        problems = resource_class().header_problems(dataset.headers)
        if problems:
            self.add_error("import_file", problems)
        return cleaned_data


class ColumnNamesExportForm(SelectableFieldsExportForm):
    """The export form, listing the fields by their (Dutch) column names."""

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        label = field.column_name if field is not None else field_name
        return label[:1].upper() + label[1:]


# --- The admin -------------------------------------------------------------------------


class MunicipalityImportExportMixin(ImportExportMixin):
    """Import and export (xlsx, csv) in a ModelAdmin, for the municipality only.

    Partners (without `manage_all_organisations`) get 403 on the import and export pages.
    The import always shows a dry-run preview first; the confirmed import runs in one
    transaction and is rolled back entirely if any row fails (also on validation errors).
    """

    import_form_class = SpreadsheetImportForm
    export_form_class = ColumnNamesExportForm
    to_encoding = "utf-8-sig"  # CSV with a byte order mark, so that Excel reads UTF-8
    formats = [SafeXLSX, SafeCSV]
    import_error_display = ("message",)

    def has_import_permission(self, request):
        return can_manage_all(request.user)

    def has_export_permission(self, request):
        return can_manage_all(request.user)

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """As the library does, but numbers and dates stay numbers and dates in xlsx."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.is_binary(), **kwargs
        )
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data

    def process_dataset(self, dataset, form, request, **kwargs):
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().process_dataset(dataset, form, request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Er is niets opgeslagen: bij het bevestigen bleek een regel niet (meer) te "
                "kloppen, bijvoorbeeld omdat de gegevens intussen zijn gewijzigd. Lees het "
                "bestand opnieuw in om de fouten per regel te zien.",
            )
            url = reverse(
                "admin:{}_{}_import".format(*self.get_model_info()),
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)
        return super().process_result(result, request)
