"""Spreadsheet export and import in the admin, used as the municipality (and a partner) would."""

import csv
import io
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from frameworks.models import Framework, ViolenceType
from providers.imports import MAX_UPLOAD_BYTES, ImportFileError, SafeXLSX
from providers.matrix.coverage import compute_matrix, matrix_as_json
from providers.models import Method, Offer, Organisation, Position
from providers.resources import OfferResource, OrganisationResource
from tests.factories import (
    MembershipFactory,
    OfferFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.matrix_json import expand

XLSX, CSV = "0", "1"  # indexes of the formats offered by the admin
RESOURCES = {"organisation": OrganisationResource, "offer": OfferResource}
MODEL_PERMISSIONS = [
    f"{action}_{model}"
    for action in ("view", "add", "change", "delete")
    for model in ("organisation", "offer", "position")
]


def staff_user(*codenames, **kwargs):
    user = UserFactory(is_staff=True, **kwargs)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def municipality(db):
    return staff_user(*MODEL_PERMISSIONS, "manage_all_organisations", username="gemeente")


@pytest.fixture
def municipality_client(client, municipality):
    client.force_login(municipality)
    return client


@pytest.fixture
def partner(db):
    user = staff_user(*MODEL_PERMISSIONS, username="partner")
    MembershipFactory(user=user, organisation=OrganisationFactory(name="Eigen organisatie"))
    return user


def snapshot():
    return (
        sorted(Organisation.objects.values_list("name", "slug", "role", "updated_at")),
        sorted(Offer.objects.values_list("slug", "status", "organisation__slug", "updated_at")),
        sorted(Position.objects.values_list("offer__slug", "phase__slug", "violence_type__slug")),
        Organisation.history.count(),
        Offer.history.count(),
        Position.history.count(),
    )


def matrices():
    return [expand(matrix_as_json(compute_matrix(f))) for f in Framework.objects.order_by("order")]


def xlsx_bytes(headers, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def export(client, model, file_format):
    resource = RESOURCES[model]
    data = {"format": file_format, "resource": "0"}
    for field in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{field}"] = "on"
    return client.post(f"/beheer/providers/{model}/export/", data)


def upload(client, model, content, file_format=XLSX, name=None):
    """Upload a file; a valid one starts a job (here run at once): its page is returned."""
    name = name or ("bestand.xlsx" if file_format == XLSX else "bestand.csv")
    response = client.post(
        f"/beheer/providers/{model}/import/",
        {"resource": "0", "format": file_format, "import_file": SimpleUploadedFile(name, content)},
    )
    if response.status_code == 302:
        assert response["Location"].startswith(f"/beheer/providers/{model}/import/")
        return client.get(response["Location"])
    return response


def confirm(client, model, preview):
    assert preview.status_code == 200
    assert preview.context.get("can_confirm"), page_errors(preview)
    response = client.post(preview.context["confirm_url"])
    assert response.status_code == 302
    return client.get(response["Location"])


def import_file(client, model, content, file_format=XLSX):
    response = confirm(client, model, upload(client, model, content, file_format))
    assert response.context["job"].status == "klaar", page_errors(response)
    return response


def page_errors(response):
    form = response.context.get("form")
    job = response.context.get("job")
    return {
        "form": form.errors if form is not None else None,
        "job": (job.status, job.message, job.summary.get("errors")) if job else None,
    }


def row_messages(response):
    return {
        error["number"]: " ".join(message["message"] for message in error["messages"])
        for error in response.context["job"].summary["errors"]
    }


# --- Export ----------------------------------------------------------------------------


def test_offer_export_has_readable_positions_lists_and_a_marked_confidential_address(
    municipality_client, baseline
):
    offer = OfferFactory(
        organisation=Organisation.objects.get(slug="veilig-thuis"),
        name="Opvang",
        address="Geheime straat 1",
        address_confidential=True,
        cells=[("nazorg", "ouderenmishandeling"), ("preventie", "kindermishandeling")],
    )
    offer.methods.set(Method.objects.filter(name__in=["TOP-3", "MDA++"]))
    response = export(municipality_client, "offer", XLSX)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    row = dict(zip(header, next(r for r in rows if r[0] == offer.slug), strict=True))
    assert row["organisatie"] == "Veilig Thuis"
    assert row["posities"] == "Preventie: Kindermishandeling; Nazorg: Ouderenmishandeling"
    assert row["methoden"] == "TOP-3; MDA++"
    assert row["adres (VERTROUWELIJK bij geheim adres)"] == "Geheime straat 1"
    assert row["geheim adres"] == "ja"
    assert len(rows) == 1 + Offer.objects.count()


@pytest.mark.parametrize("name", ['=HYPERLINK("http://x")', "@SUM(A1)", "-1+2", "+1+1"])
def test_formula_like_names_are_text_in_admin_exports(municipality_client, db, name):
    organisation = OrganisationFactory(name=name, slug="formule")
    OfferFactory(organisation=organisation, name=name, slug="formule-aanbod")

    for model in ("organisation", "offer"):
        workbook = openpyxl.load_workbook(
            io.BytesIO(export(municipality_client, model, XLSX).content)
        )
        cells = [cell for row in workbook.active.iter_rows() for cell in row if cell.value == name]
        assert cells, model
        assert all(cell.data_type == "s" for cell in cells)
        with zipfile.ZipFile(io.BytesIO(export(municipality_client, model, XLSX).content)) as z:
            assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")

        text = export(municipality_client, model, CSV).content.decode("utf-8")
        values = [value for row in csv.reader(io.StringIO(text)) for value in row]
        assert "'" + name in values
        assert name not in values


SEPARATED_FORMULAS = {
    "name": "Alfa;=1+1;Hulp",
    "description": 'Stap 1, =HYPERLINK("http://x")\n- gesprek\tvoor wie |@SUM(1)\n; "=2',
    "phone": "020 123; +31 6 12",
}


def test_no_csv_cell_begins_a_formula_whatever_separator_the_reader_picks(municipality_client, db):
    """Dutch Excel splits at ";", others at "," or tab: no part of a value between any
    separators may become a formula cell, and an import of the export restores the text."""
    organisation = OrganisationFactory(slug="alfa", **SEPARATED_FORMULAS)
    text = export(municipality_client, "organisation", CSV).content.decode("utf-8-sig")
    for delimiter in [",", ";", "\t", "|"]:
        cells = [cell for row in csv.reader(io.StringIO(text), delimiter=delimiter) for cell in row]
        assert len(cells) > 3, delimiter
        starting_formulas = [
            cell for cell in cells if cell.lstrip(' "').startswith(("=", "+", "-", "@", "\t"))
        ]
        assert starting_formulas == [], delimiter
        # The quote that keeps them text stands before each part that started with one.
        assert any(cell.startswith("'=1+1") for cell in cells) == (delimiter == ";")

    Organisation.objects.filter(pk=organisation.pk).delete()
    import_file(municipality_client, "organisation", text.encode("utf-8"), CSV)
    imported = Organisation.objects.get(slug="alfa")
    assert {name: getattr(imported, name) for name in SEPARATED_FORMULAS} == SEPARATED_FORMULAS


# --- Round trip ------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", [XLSX, CSV])
def test_export_and_import_into_an_empty_database_reproduces_the_matrices(
    municipality_client, baseline, file_format
):
    before = matrices()
    organisations = export(municipality_client, "organisation", file_format).content
    offers = export(municipality_client, "offer", file_format).content
    labels_before = sorted(Organisation.objects.values_list("name", "report_labels", "role"))

    Organisation.objects.all().delete()  # offers and positions go with them
    assert not Offer.objects.exists() and not Position.objects.exists()

    import_file(municipality_client, "organisation", organisations, file_format)
    import_file(municipality_client, "offer", offers, file_format)

    assert matrices() == before
    assert sorted(Organisation.objects.values_list("name", "report_labels", "role")) == (
        labels_before
    )
    assert Position.objects.count() == 409
    assert sorted(
        Organisation.objects.get(slug="switch").members.values_list("name", flat=True)
    ) == [
        "Altra",
        "Blijf Groep",
        "Bright GGZ",
        "De Waag",
    ]


def test_reimporting_an_unchanged_export_changes_no_position(municipality_client, baseline):
    positions = sorted(Position.objects.values_list("pk", flat=True))
    import_file(municipality_client, "offer", export(municipality_client, "offer", XLSX).content)
    assert sorted(Position.objects.values_list("pk", flat=True)) == positions


# --- Import: preview, confirm, history -------------------------------------------------

OFFER_HEADERS = ["slug", "naam", "organisatie", "status", "posities", "methoden"]


def test_import_shows_a_preview_first_and_writes_on_confirm_with_history(
    municipality_client, municipality, baseline
):
    content = xlsx_bytes(
        OFFER_HEADERS,
        [
            ["", "Daderhulp", "VT", "gepubliceerd", "Nazorg: Ouderenmishandeling", "TOP-3"],
            ["okt-oudergroep", "Oudergroep", "OKT", "Gepubliceerd", "Preventie: Groepsgeweld", ""],
            ["", "Training", "Trias ped.", "concept", "preventie: ouderenmishandeling", ""],
        ],
    )
    before = snapshot()
    preview = upload(municipality_client, "offer", content)
    assert preview.status_code == 200
    assert snapshot() == before  # the preview is a dry run
    page = preview.content.decode()
    assert "er is nog niets opgeslagen" in page and 'value="Bevestigen"' in page
    assert "Daderhulp" in page and "Oudergroep" in page
    assert "nieuw: 3" in page

    response = confirm(municipality_client, "offer", preview)
    assert response.status_code == 200
    assert "Opgeslagen op" in response.content.decode()
    # The same import cannot be confirmed twice.
    again = municipality_client.post(preview.context["confirm_url"], follow=True)
    assert "kan niet (meer) worden bevestigd" in again.content.decode()

    daderhulp = Offer.objects.get(slug="veilig-thuis-daderhulp")
    assert daderhulp.organisation.name == "Veilig Thuis"
    assert daderhulp.status == Offer.Status.PUBLISHED
    assert list(daderhulp.methods.values_list("name", flat=True)) == ["TOP-3"]
    assert Offer.objects.get(slug="okt-oudergroep").organisation.name == "Ouder- en Kindteams"
    training = Offer.objects.get(slug="trias-pedagogica-training")
    assert [str(p) for p in training.positions.all()] == ["Preventie: Ouderenmishandeling"]

    imported = Offer.objects.filter(name__in=["Daderhulp", "Oudergroep", "Training"])
    assert {h.history_user for h in Offer.history.filter(id__in=imported.values("pk"))} == {
        municipality
    }
    position_history = Position.history.filter(offer_id__in=imported.values("pk"))
    assert position_history.count() == 3
    assert {h.history_user for h in position_history} == {municipality}


def test_import_replaces_positions_and_records_who_removed_them(
    municipality_client, municipality, baseline
):
    offer = Offer.objects.get(slug="veilig-thuis-hgkm-2023")
    content = xlsx_bytes(
        ["slug", "naam", "organisatie", "posities"],
        [[offer.slug, offer.name, "Veilig Thuis", "Nazorg: Kindermishandeling"]],
    )
    import_file(municipality_client, "offer", content)
    assert [str(p) for p in offer.positions.all()] == ["Nazorg: Kindermishandeling"]
    removed = Position.history.filter(offer_id=offer.pk, history_type="-")
    assert removed.exists()
    assert {h.history_user for h in removed} == {municipality}


def test_organisation_import_matches_by_slug_name_or_report_label(municipality_client, baseline):
    content = xlsx_bytes(
        ["naam", "rol", "omschrijving"],
        [
            ["VT", "verwijzer", "Gewijzigd via label"],
            ["Trias pedagogica", "Aanbieder", "Gewijzigd via naam"],
            ["Nieuwe partner", "beide", "Nieuw"],
        ],
    )
    count = Organisation.objects.count()
    import_file(municipality_client, "organisation", content)
    assert Organisation.objects.count() == count + 1
    assert Organisation.objects.get(slug="veilig-thuis").description == "Gewijzigd via label"
    assert Organisation.objects.get(slug="trias-pedagogica").description == "Gewijzigd via naam"
    new = Organisation.objects.get(slug="nieuwe-partner")
    assert new.role == Organisation.Role.BOTH
    assert new.source == "partner"


def test_a_violence_type_in_two_frameworks_needs_the_framework(municipality_client, baseline):
    ViolenceType.objects.create(
        framework=Framework.objects.get(slug="seksueel-geweld"),
        name="Kindermishandeling",
        slug="kindermishandeling-sg",
        order=99,
    )
    headers = ["slug", "naam", "organisatie", "posities"]
    ambiguous = upload(
        municipality_client,
        "offer",
        xlsx_bytes(headers, [["", "A", "VT", "Preventie: Kindermishandeling"]]),
    )
    assert "bestaat in meer analysekaders" in row_messages(ambiguous)[1]
    import_file(
        municipality_client,
        "offer",
        xlsx_bytes(headers, [["", "A", "VT", "Preventie: Kindermishandeling [seksueel-geweld]"]]),
    )
    offer = Offer.objects.get(slug="veilig-thuis-a")
    assert offer.positions.get().violence_type.slug == "kindermishandeling-sg"
    sheet = openpyxl.load_workbook(
        io.BytesIO(export(municipality_client, "offer", XLSX).content)
    ).active
    rows = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert rows["veilig-thuis-a"][4] == "Preventie: Kindermishandeling [seksueel-geweld]"


# --- Import: errors per row ------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            ["", "X", "Bestaat niet", "", "Preventie: Kindermishandeling", ""],
            "Onbekende organisatie 'Bestaat niet'",
        ),
        (["", "X", "VT", "", "Voorfase: Kindermishandeling", ""], "Onbekende fase 'Voorfase'"),
        (["", "X", "VT", "", "Preventie: Pesten", ""], "Onbekende geweldsvorm 'Pesten'"),
        (
            ["", "X", "VT", "", "Preventie Kindermishandeling", ""],
            "niet de vorm 'Fase: Geweldsvorm'",
        ),
        (
            ["", "X", "VT", "", "", "Onbekende methode X"],
            "Onbekende methode: 'Onbekende methode X'",
        ),
        (["", "X", "VT", "onbekend", "", ""], "'onbekend' is geen geldige keuze"),
        (["", '=HYPERLINK("http://x")', "VT", "", "", ""], "als formule gelezen"),
        (["", "@SUM(A1)", "VT", "", "", ""], "als formule gelezen"),
        (["", "", "VT", "", "", ""], "Verplicht veld 'naam' is leeg"),
        (["", "X", "", "", "", ""], "Verplicht veld 'organisatie' is leeg"),
    ],
)
def test_each_problem_is_reported_on_its_row_in_dutch(municipality_client, baseline, row, message):
    good = ["", "Goed", "VT", "gepubliceerd", "Preventie: Kindermishandeling", ""]
    before = snapshot()
    preview = upload(municipality_client, "offer", xlsx_bytes(OFFER_HEADERS, [good, row]))
    assert preview.context.get("confirm_form") is None
    errors = row_messages(preview)
    assert list(errors) == [2]
    assert message in errors[2]
    assert message in preview.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert snapshot() == before


def test_a_duplicate_row_is_reported_with_the_first_one(municipality_client, baseline):
    rows = [
        ["veilig-thuis-x", "X", "VT", "", "", ""],
        ["veilig-thuis-y", "Y", "VT", "", "", ""],
        ["veilig-thuis-x", "X", "Veilig Thuis", "", "", ""],
    ]
    preview = upload(municipality_client, "offer", xlsx_bytes(OFFER_HEADERS, rows))
    assert row_messages(preview) == {
        3: "Dubbele regel: aanbod 'veilig-thuis-x' staat al in rij 1 (regel 2 van het bestand)."
    }
    organisations = xlsx_bytes(
        ["naam", "rol"], [["Veilig Thuis", "verwijzer"], ["VT", "verwijzer"]]
    )
    preview = upload(municipality_client, "organisation", organisations)
    assert "Dubbele regel: organisatie 'Veilig Thuis'" in row_messages(preview)[2]


def test_a_real_formula_cell_in_a_workbook_is_refused(municipality_client, baseline):
    content = xlsx_bytes(["naam", "rol", "telefoon"], [["Nieuw", "aanbieder", "=1+1"]])
    preview = upload(municipality_client, "organisation", content)
    assert "als formule gelezen" in row_messages(preview)[1]
    phone = xlsx_bytes(["naam", "rol", "telefoon"], [["Nieuw", "aanbieder", "+31 20 123 45 67"]])
    import_file(municipality_client, "organisation", phone)
    assert Organisation.objects.get(name="Nieuw").phone == "+31 20 123 45 67"


def test_unknown_member_of_a_partnership_is_a_row_error(municipality_client, baseline):
    content = xlsx_bytes(
        ["naam", "rol", "deelnemende organisaties"],
        [
            ["Samen", "aanbieder", "Altra; Nieuwe deelnemer; Bestaat niet"],
            ["Nieuwe deelnemer", "aanbieder", ""],
        ],
    )
    preview = upload(municipality_client, "organisation", content)
    assert row_messages(preview) == {1: "Onbekende deelnemende organisatie 'Bestaat niet'."}


def test_one_bad_row_among_a_hundred_writes_nothing(municipality_client, baseline):
    rows = [
        [f"nieuw-{n}", f"Nieuw {n}", "VT", "gepubliceerd", "Preventie: Kindermishandeling", ""]
        for n in range(100)
    ]
    rows[56][4] = "Preventie: Onbekende vorm"
    before = snapshot()
    preview = upload(municipality_client, "offer", xlsx_bytes(OFFER_HEADERS, rows))
    assert preview.context.get("confirm_form") is None
    assert list(row_messages(preview)) == [57]
    assert snapshot() == before


def test_confirming_writes_nothing_when_a_row_fails_at_that_moment(municipality_client, baseline):
    """Everything or nothing: the data changed between preview and confirm."""
    rows = [[f"nieuw-{n}", f"Nieuw {n}", "Trias ped.", "gepubliceerd", "", ""] for n in range(99)]
    rows.append(["nieuw-99", "Nieuw 99", "Doomed", "gepubliceerd", "", ""])
    OrganisationFactory(name="Doomed")
    preview = upload(municipality_client, "offer", xlsx_bytes(OFFER_HEADERS, rows))
    Organisation.objects.filter(name="Doomed").delete()
    before = snapshot()
    response = confirm(municipality_client, "offer", preview)
    assert response.status_code == 200
    assert snapshot() == before
    page = response.content.decode()
    assert "Er is niets opgeslagen" in page
    assert row_messages(response) == {100: "Onbekende organisatie 'Doomed'."}
    # Read afterwards, the job still says so.
    later = municipality_client.get(response.request["PATH_INFO"]).content.decode()
    assert "Er is niets opgeslagen" in later and "Onbekende organisatie" in later


# --- Import: bad files -----------------------------------------------------------------


def corrupt_xlsx():
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("[Content_Types].xml", "dit is geen xml")
        archive.writestr("xl/workbook.xml", "<kapot")
    return stream.getvalue()


def entity_bomb_xlsx():
    content = xlsx_bytes(["naam", "rol"], [["Nieuw", "aanbieder"]])
    source = zipfile.ZipFile(io.BytesIO(content))
    stream = io.BytesIO()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
    )
    with zipfile.ZipFile(stream, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[-1].replace(b"Nieuw", b"&lol2;")
                data = bomb.encode() + body
            target.writestr(item, data)
    return stream.getvalue()


def empty_workbook():
    stream = io.BytesIO()
    openpyxl.Workbook().save(stream)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("content", "file_format", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, XLSX, "Dit bestand is geen Excel-werkmap"),
        (b"naam,rol\nNieuw,aanbieder\n", XLSX, "Dit bestand is geen Excel-werkmap"),
        (corrupt_xlsx(), XLSX, "Het Excel-bestand is beschadigd"),
        (entity_bomb_xlsx(), XLSX, "Het Excel-bestand is beschadigd"),
        (b"", XLSX, "Het verstuurde bestand is leeg."),
        (empty_workbook(), XLSX, "Het bestand is leeg"),
        (xlsx_bytes(["naam", "rol"], []), XLSX, "alleen een kopregel"),
        (
            xlsx_bytes(["Naam organisatie", "Type"], [["A", "B"]]),
            XLSX,
            "Verplichte kolommen ontbreken: 'naam', 'rol'",
        ),
        (
            xlsx_bytes(["naam", "rol", "kleur"], [["A", "aanbieder", "rood"]]),
            XLSX,
            "Onbekende kolommen: 'kleur'",
        ),
        (b"x" * (MAX_UPLOAD_BYTES + 1), XLSX, "de grens is 5 MB"),
        (b"naam;rol\nCaf\xe9;aanbieder\n", CSV, "niet als UTF-8 opgeslagen"),
        (xlsx_bytes(["naam", "rol"], [["A", "aanbieder"]]), CSV, "geen CSV-bestand"),
    ],
    ids=[
        "not-a-spreadsheet",
        "csv-as-xlsx",
        "corrupt",
        "xml-entities",
        "empty-file",
        "empty-workbook",
        "headers-only",
        "wrong-headers",
        "unknown-header",
        "too-big",
        "csv-not-utf8",
        "xlsx-as-csv",
    ],
)
def test_bad_files_are_refused_with_a_dutch_message(
    municipality_client, baseline, content, file_format, message
):
    before = snapshot()
    response = upload(municipality_client, "organisation", content, file_format)
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors.get("import_file", []))
    assert message in errors
    assert response.context.get("confirm_form") is None
    assert snapshot() == before


def causes(error) -> list[str]:
    names = []
    while error is not None:
        names.append(type(error).__name__)
        error = error.__cause__ or error.__context__
    return names


def test_openpyxl_reads_xlsx_through_defusedxml():
    assert openpyxl.DEFUSEDXML is True
    # The size and count checks before openpyxl refuse entities themselves...
    with pytest.raises(ImportFileError) as refused:
        SafeXLSX().create_dataset(entity_bomb_xlsx())
    assert "UnsafeXml" in causes(refused.value)
    # ... and openpyxl, should it ever see them, reads through defusedxml.
    with pytest.raises(Exception) as raised:  # noqa: B017 - whatever openpyxl wraps it in
        workbook = openpyxl.load_workbook(io.BytesIO(entity_bomb_xlsx()), read_only=True)
        list(workbook.active.iter_rows(values_only=True))
    assert "EntitiesForbidden" in causes(raised.value)


def test_semicolon_csv_from_dutch_excel_is_read(municipality_client, baseline):
    content = "\ufeffnaam;rol;omschrijving\nNieuwe partner;aanbieder;Met een komma, erin\n"
    import_file(municipality_client, "organisation", content.encode("utf-8"), CSV)
    assert Organisation.objects.get(name="Nieuwe partner").description == "Met een komma, erin"
    extra = b"naam;rol\nNog een;aanbieder;los veld\n"
    response = upload(municipality_client, "organisation", extra, CSV)
    assert response.context["job"].status == "mislukt"
    assert "meer waarden dan er kolommen" in response.content.decode()


# --- Who may ---------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["organisation", "offer"])
def test_a_partner_can_neither_import_nor_export(client, partner, baseline, model):
    client.force_login(partner)
    assert client.get(f"/beheer/providers/{model}/").status_code == 200
    before = snapshot()
    content = xlsx_bytes(["naam", "rol"], [["Nieuw", "aanbieder"]])
    assert client.get(f"/beheer/providers/{model}/import/").status_code == 403
    assert upload(client, model, content).status_code == 403
    assert client.post(f"/beheer/providers/{model}/process_import/", {}).status_code == 403
    assert client.get(f"/beheer/providers/{model}/export/").status_code == 403
    assert export(client, model, XLSX).status_code == 403
    assert snapshot() == before
    changelist = client.get(f"/beheer/providers/{model}/").content.decode()
    assert f"/beheer/providers/{model}/import/" not in changelist
    assert f"/beheer/providers/{model}/export/" not in changelist


def test_the_municipality_sees_import_and_export_in_the_admin(municipality_client, db):
    changelist = municipality_client.get("/beheer/providers/offer/").content.decode()
    assert "/beheer/providers/offer/import/" in changelist
    assert "/beheer/providers/offer/export/" in changelist


def test_the_import_page_explains_the_file_in_dutch(municipality_client, db):
    page = municipality_client.get("/beheer/providers/offer/import/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "hoogstens 5 MB" in content
    assert "posities" in content  # the expected columns are listed
    assert "adres (VERTROUWELIJK bij geheim adres)" in content


def test_the_export_page_lists_the_dutch_column_names(municipality_client, db):
    content = municipality_client.get("/beheer/providers/offer/export/").content.decode()
    assert "Posities" in content
    assert "Adres (VERTROUWELIJK bij geheim adres)" in content
    assert "Postal Code" not in content


@pytest.mark.parametrize("model", ["organisation", "offer"])
@pytest.mark.parametrize("offers", [10, 1000])
def test_admin_export_query_count_does_not_grow_with_offers(
    municipality_client, many_offers, django_assert_max_num_queries, model, offers
):
    many_offers(offers)
    with django_assert_max_num_queries(20):
        response = export(municipality_client, model, XLSX)
    assert response.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows())
    assert len(rows) - 1 == (offers if model == "offer" else max(1, offers // 5))
