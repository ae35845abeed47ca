"""Spreadsheets that would keep a worker busy are refused, before any row is built, within a
few seconds, with a Dutch message on the import form (limits in the README)."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from providers.imports import MAX_UPLOAD_BYTES
from providers.models import ImportJob, Organisation
from tests.partner_admin_support import make_municipal_user

IMPORT_URL = "/beheer/providers/organisation/import/"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SECONDS = 5


@pytest.fixture
def municipality_client(client, db):
    client.force_login(make_municipal_user())
    return client


def workbook_with(replacements: dict[str, bytes]) -> bytes:
    """A small valid workbook (naam, rol; one organisation) with some parts replaced or
    added, every part deflated as Excel does."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["naam", "rol"])
    workbook.active.append(["Nieuw", "aanbieder"])
    stream = io.BytesIO()
    workbook.save(stream)
    source = zipfile.ZipFile(io.BytesIO(stream.getvalue()))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        names = set()
        for item in source.infolist():
            names.add(item.filename)
            data = replacements.get(item.filename, source.read(item.filename))
            target.writestr(item.filename, data)
        for name, data in replacements.items():
            if name not in names:
                target.writestr(name, data)
    return output.getvalue()


def shared_strings(count: int) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}" count="{count}" '
        f'uniqueCount="{count}">'.encode()
        + b"<si><t>x</t></si>" * count
        + b"</sst>"
    )


def sheet(rows: int, columns: int) -> bytes:
    """A worksheet of `rows` x `columns` numbers."""
    letters = [openpyxl.utils.get_column_letter(n) for n in range(1, columns + 1)]
    body = b"".join(
        f'<row r="{r}">'.encode()
        + b"".join(f'<c r="{letter}{r}"><v>1</v></c>'.encode() for letter in letters)
        + b"</row>"
        for r in range(1, rows + 1)
    )
    return f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + body + b"</sheetData></worksheet>"


def upload(client, content):
    return client.post(
        IMPORT_URL,
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("kaart.xlsx", content)},
    )


def refused_quickly(client, content) -> str:
    """The Dutch refusal on the form; nothing queued, nothing written."""
    count = Organisation.objects.count()
    # The processor time the request takes (the test client answers in this process): what
    # keeps a worker busy, unlike the wall clock, also while other processes share the cores.
    started = time.process_time()
    response = upload(client, content)
    seconds = time.process_time() - started
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("import_file", []))
    assert errors, "the file was accepted"
    assert seconds < SECONDS, f"refused only after {seconds:.1f} s"
    assert not ImportJob.objects.exists()
    assert Organisation.objects.count() == count
    return errors


def test_a_shared_strings_bomb_is_refused_at_once(municipality_client, baseline):
    """127 KB on the wire, 48 MB and 2.9 million strings unpacked: under the old 50 MB limit
    for the whole file, it kept a worker busy for minutes."""
    bomb = workbook_with({"xl/sharedStrings.xml": shared_strings(2_900_000)})
    assert len(bomb) < 200 * 1024 < MAX_UPLOAD_BYTES
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        unpacked = archive.getinfo("xl/sharedStrings.xml").file_size
        assert 45 * 1024 * 1024 < unpacked < 50 * 1024 * 1024
    errors = refused_quickly(municipality_client, bomb)
    assert "xl/sharedStrings.xml" in errors and "de grens is 25 MB" in errors


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        # Small strings, a 10 MB part: the count stops it.
        ({"xl/sharedStrings.xml": shared_strings(600_000)}, "meer dan 500.000 teksten"),
        ({"xl/worksheets/sheet1.xml": sheet(10_050, 1)}, "meer dan 10.000 regels"),
        ({"xl/worksheets/sheet1.xml": sheet(3, 150)}, "voorbij kolom 100"),
        ({"xl/worksheets/sheet1.xml": sheet(8_400, 60)}, "meer dan 500.000 gevulde cellen"),
        (
            {
                "xl/worksheets/sheet1.xml": sheet(2, 2)[:-12]
                + b" " * (26 * 1024 * 1024)
                + b"</worksheet>"
            },
            "(xl/worksheets/sheet1.xml) is uitgepakt 26 MB; de grens is 25 MB",
        ),
        (
            {"xl/styles.xml": b"<styleSheet>" + b" " * (6 * 1024 * 1024) + b"</styleSheet>"},
            "(xl/styles.xml) is uitgepakt 6 MB; de grens is 5 MB",
        ),
    ],
    ids=[
        "many-strings",
        "too-many-rows",
        "too-many-columns",
        "too-many-cells",
        "huge-sheet",
        "huge-styles",
    ],
)
def test_siblings_of_the_bomb_are_refused_quickly(municipality_client, baseline, parts, message):
    content = workbook_with(parts)
    assert len(content) < MAX_UPLOAD_BYTES
    assert message in refused_quickly(municipality_client, content)


def test_a_workbook_within_the_limits_is_still_read(municipality_client, baseline):
    """The limits leave room for the largest import: 10,000 rows of 40 columns."""
    content = workbook_with({"xl/worksheets/sheet1.xml": sheet(10_001, 40)})
    response = upload(municipality_client, content)
    # Past the checks, the columns are what is wrong with this file.
    errors = " ".join(response.context["form"].errors.get("import_file", []))
    assert "Verplichte kolommen ontbreken" in errors
