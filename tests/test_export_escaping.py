"""Hostile names in the spreadsheets and admin pages: text stays text, unchanged.

Complements tests/test_excel_export.py and tests/test_import_export.py, which cover formula-like
organisation and offer names in the Posities sheet, among unpositioned organisations and in the
admin exports. Here: HTML in a name (it must not be HTML-escaped in a spreadsheet, nor become
markup in the admin), formula-like text in a matrix cell, in a long text field and in a search
query that the workbook repeats in its notes.
"""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Permission

from providers.models import Organisation
from providers.resources import OfferResource, OrganisationResource
from tests.factories import OfferFactory, OrganisationFactory, UserFactory

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://x")'
HOSTILE = [SCRIPT, FORMULA]
XLSX, CSV = "0", "1"
RESOURCES = {"organisation": OrganisationResource, "offer": OfferResource}


@pytest.fixture
def hostile(db):
    """Two organisations with hostile names, each with a published offer in the same cell."""
    offers = []
    for index, name in enumerate(HOSTILE):
        organisation = OrganisationFactory(
            name=name, slug=f"vijandig-{index}", description=name, phone=name
        )
        offers.append(
            OfferFactory(
                organisation=organisation,
                name=name,
                slug=f"vijandig-aanbod-{index}",
                description=name,
                eligibility_description=name,
                cells=[("preventie", "kindermishandeling")],
            )
        )
    return offers


@pytest.fixture
def municipality_client(client, db):
    user = UserFactory(username="gemeente", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                f"{action}_{model}"
                for action in ("view", "change")
                for model in ("organisation", "offer", "position")
            ]
            + ["manage_all_organisations"]
        )
    )
    client.force_login(user)
    return client


def workbook_of(response):
    assert response.status_code == 200, response.content[:300]
    return openpyxl.load_workbook(io.BytesIO(response.content))


def cells_with(book_or_sheet, text):
    """Every cell whose value contains `text`, in one sheet or in every sheet of a workbook."""
    return [
        cell
        for sheet in getattr(book_or_sheet, "worksheets", [book_or_sheet])
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and text in cell.value
    ]


def assert_no_formulas(content: bytes):
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(member), member


def admin_export(client, model, file_format):
    resource = RESOURCES[model]
    data = {"format": file_format, "resource": "0"}
    for field in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{field}"] = "on"
    response = client.post(f"/beheer/providers/{model}/export/", data)
    assert response.status_code == 200
    return response


def test_hostile_names_are_plain_text_in_the_matrix_workbook(client, hostile):
    response = client.get("/kaart/export.xlsx")
    workbook = workbook_of(response)

    # The matrix cell lists both names, one per line, exactly as entered.
    (matrix_cell,) = [
        cell for cell in cells_with(workbook["Matrix HGKM"], SCRIPT) if cell.value.count("\n")
    ]
    first_line, *names, confirmation = matrix_cell.value.split("\n")
    assert first_line == "DUN – 2 organisaties"
    assert sorted(names) == sorted(HOSTILE)
    assert confirmation == "(niet bevestigd)"
    assert matrix_cell.data_type == "s"

    positions = list(workbook["Posities"].iter_rows(min_row=2))
    for name in HOSTILE:
        row = next(row for row in positions if row[3].value == name)
        assert (row[3].data_type, row[4].value, row[4].data_type) == ("s", name, "s")
    # Not escaped for HTML either: a spreadsheet shows what was typed.
    assert not cells_with(workbook, "&lt;")
    assert_no_formulas(response.content)


@pytest.mark.parametrize("query", HOSTILE)
def test_a_hostile_search_query_is_plain_text_in_the_workbook(client, hostile, query):
    response = client.get("/kaart/export.xlsx", {"q": query})
    workbook = workbook_of(response)
    notes = {row[1] for row in workbook["Toelichting"].iter_rows(values_only=True)}
    assert f"Zoeken: {query}" in notes
    for cell in cells_with(workbook, query):
        assert cell.data_type == "s"
    # The query found its organisation, whose name is listed as text too.
    assert any(row[3] == query for row in workbook["Posities"].iter_rows(values_only=True))
    assert_no_formulas(response.content)


@pytest.mark.parametrize("model", ["organisation", "offer"])
def test_hostile_text_is_plain_text_in_admin_xlsx_exports(municipality_client, hostile, model):
    response = admin_export(municipality_client, model, XLSX)
    workbook = workbook_of(response)
    for name in HOSTILE:
        cells = [cell for cell in cells_with(workbook, name) if cell.value == name]
        # name, organisation, description... each a text cell holding exactly what was typed
        assert len(cells) >= 3, (name, [cell.coordinate for cell in cells])
        assert all(cell.data_type == "s" for cell in cells)
    assert not cells_with(workbook, "&lt;")
    assert_no_formulas(response.content)


@pytest.mark.parametrize("model", ["organisation", "offer"])
def test_hostile_text_in_admin_csv_exports(municipality_client, hostile, model):
    text = admin_export(municipality_client, model, CSV).content.decode("utf-8-sig")
    values = [value for row in csv.reader(io.StringIO(text)) for value in row]
    # HTML stays as typed; a formula gets the quote that keeps it text, in every column.
    assert values.count(SCRIPT) >= 3
    assert values.count("'" + FORMULA) >= 3
    assert FORMULA not in values
    assert "&lt;" not in text


def test_hostile_names_are_escaped_on_admin_pages(municipality_client, hostile):
    script_org = Organisation.objects.get(name=SCRIPT)
    pages = [
        "/beheer/",
        "/beheer/providers/organisation/",
        f"/beheer/providers/organisation/{script_org.pk}/change/",
        f"/beheer/providers/organisation/{script_org.pk}/history/",
        "/beheer/providers/offer/",
        f"/beheer/providers/offer/{hostile[0].pk}/change/",
        f"/beheer/providers/offer/{hostile[0].pk}/history/",
    ]
    for url in pages:
        response = municipality_client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert SCRIPT not in content, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content, url
