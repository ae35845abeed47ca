"""Unknown is not absent, and several values of a filter mean any of them.

The 2023 baseline names no working area, age group or legal framework for any offer, so a
filter on those facts must show the offers that might match instead of an empty map.
Expectations come from the fixture files the baseline is loaded from."""

import csv
import json
import re
from collections import defaultdict
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from openpyxl import load_workbook

from providers.models import Municipality, Offer
from tests.matrix_json import matrix_json

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
FATHER_AND_SON = {
    "violence_type": "kindermishandeling",
    "age_group": "minderjarigen",
    "legal_framework": "vrijwillig",
    "municipality": "amstelveen",
}


def report_rows(framework="hgkm") -> list[dict]:
    with open(FIXTURES / "report-2023-positions.csv", encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["framework"] == framework]


def organisations_where(**conditions) -> set[str]:
    return {
        row["organisation"]
        for row in report_rows()
        if all(row[key] in values for key, values in conditions.items())
    }


def known_facts() -> dict[str, dict]:
    """The facts the baseline records per organisation (slugs per offer list field)."""
    with open(FIXTURES / "baseline_facts.json", encoding="utf-8") as handle:
        return json.load(handle)["offers"]


def could_help_father_and_son(organisation: str) -> bool:
    """No known fact of its 2023 offer rules the father-and-son question out."""
    facts = known_facts().get(organisation, {})
    return all(
        FATHER_AND_SON[param] in facts[field]
        for param, field in [
            ("age_group", "age_groups"),
            ("legal_framework", "legal_frameworks"),
            ("municipality", "municipalities"),
        ]
        if field in facts
    )


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def one_partner_fills_in_amstelveen():
    offer = Offer.objects.get(slug="trias-pedagogica-hgkm-2023")
    offer.municipalities.add(Municipality.objects.get(slug="amstelveen"))
    return offer


def test_the_amstelveen_matrix_has_no_empty_cell_an_unknown_area_could_fill(client, baseline):
    one_partner_fills_in_amstelveen()
    payload = matrix_json(client.get("/api/kaart/hgkm/", {"municipality": "amstelveen"}))
    per_cell = defaultdict(set)
    for row in report_rows():
        per_cell[(row["phase"], row["violence_type"])].add(row["organisation"])
    phases = {p["slug"]: p["name"] for p in payload["phases"]}
    types = {v["slug"]: v["name"] for v in payload["violence_types"]}
    for cell in payload["cells"]:
        in_2023 = per_cell.get((phases[cell["phase"]], types[cell["violence_type"]]), set())
        matching = {o["name"] for o in cell["organisations"]}
        maybe = {o["name"] for o in cell["unknown_organisations"]}
        assert matching | maybe == in_2023
        assert matching <= {"Trias pedagogica"}
        assert cell["status"] != "empty" or not in_2023
        if in_2023 and not matching:
            assert cell["status"] == "unknown"
    published = Offer.objects.published()
    without_area = published.filter(municipalities__isnull=True).count()
    assert without_area == published.count() - 1
    assert payload["unknown_facts"] == [
        {"filter": "municipality", "label": "Gemeente (werkgebied)", "offers": without_area}
    ]
    page = text_of(client.get("/kaart/hgkm/", {"municipality": "amstelveen"}))
    assert f"{without_area} aanbiedingen hebben gemeente (werkgebied) niet ingevuld" in page
    assert "mogelijk" in page and "ONBEKEND" not in page


def test_an_unknown_cell_reads_onbekend_never_leeg_and_links_to_the_possible_offers(
    client, baseline
):
    page = client.get("/kaart/hgkm/", {"age_group": "ouderen"}).content.decode()
    cell = re.search(
        r'<td class="cell cell-(\w+) shade-\d" data-phase="preventie" '
        r'data-violence-type="ouderenmishandeling">(.*?)</td>',
        page,
        re.S,
    )
    assert cell.group(1) == "unknown"
    assert ">onbekend</span>" in cell.group(2)
    expected = organisations_where(phase={"Preventie"}, violence_type={"Ouderenmishandeling"})
    assert f"+ {len(expected)} mogelijk" in cell.group(2)
    link = re.search(r'class="cell-maybe" href="([^"]+)"', cell.group(2)).group(1)
    query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
    assert query["include_unknown"] == ["age_group"]
    results = client.get(link.replace("&amp;", "&"))
    for name in expected:
        assert name in results.content.decode()


def test_the_father_and_son_search_offers_the_unknown_offers_in_one_click(client, baseline):
    strict = client.get("/aanbod/", FATHER_AND_SON)
    assert "0 resultaten" in text_of(strict)
    notice = re.search(
        r'class="ams-link" href="\?([^"]+)">Toon ook het aanbod waarvan dit onbekend is',
        strict.content.decode(),
    )
    assert notice
    included = client.get(f"/aanbod/?{notice.group(1).replace('&amp;', '&')}")
    body = text_of(included)
    in_cell = organisations_where(violence_type={"Kindermishandeling"})
    expected = {name for name in in_cell if could_help_father_and_son(name)}
    assert "De Reclassering" in in_cell - expected  # its known legal framework is compulsory
    count = int(re.search(r"(\d+) resultaten", body).group(1))
    assert count == len(expected)
    for name in expected:
        assert name in body
    assert "De Reclassering" not in body
    assert "Onbekend: leeftijdsgroep, juridisch kader, gemeente (werkgebied)" in body
    assert "Onbekend: juridisch kader, gemeente (werkgebied)" in body  # De Viersprong


def test_the_search_json_says_how_many_might_match_and_marks_them(client, baseline):
    payload = client.get("/api/aanbod/", FATHER_AND_SON).json()
    assert payload["total_items"] == 0
    facts = {fact["filter"]: fact for fact in payload["unknown_facts"]}
    assert set(facts) == {"age_group", "legal_framework", "municipality"}
    assert all(fact["offers"] > 0 and not fact["included"] for fact in facts.values())
    everything = parse_qs(facts["municipality"]["include_query"])
    assert everything["include_unknown"] == ["municipality"]

    query = {**FATHER_AND_SON, "include_unknown": list(facts)}
    included = client.get("/api/aanbod/", query).json()
    assert included["total_items"] > 0
    for offer in included["contents"]:
        assert offer["unknown_facts"] and set(offer["unknown_facts"]) <= set(facts)
    by_organisation = {o["organisation"]["name"]: o for o in included["contents"]}
    assert set(by_organisation["De Viersprong"]["unknown_facts"]) == {
        "legal_framework",
        "municipality",
    }


def test_a_known_fact_that_does_not_match_stays_out(client, baseline):
    offer = one_partner_fills_in_amstelveen()
    offer.municipalities.set([Municipality.objects.get(slug="diemen")])
    payload = client.get(
        "/api/aanbod/",
        {"municipality": "amstelveen", "include_unknown": "municipality", "per_page": 100},
    ).json()
    slugs = {item["slug"] for item in payload["contents"]}
    assert offer.slug not in slugs
    assert len(slugs) == payload["total_items"] == Offer.objects.published().count() - 1


def test_two_phases_give_the_union_in_search_matrix_json_and_excel(client, baseline):
    both = {"phase": ["preventie", "signalering"]}
    expected = organisations_where(phase={"Preventie", "Signalering"})
    found = set()
    page = 1
    while True:
        payload = client.get("/api/aanbod/", {**both, "framework": "hgkm", "page": page}).json()
        found |= {item["organisation"]["name"] for item in payload["contents"]}
        if payload["last_page"]:
            break
        page += 1
    assert found >= expected
    alone = client.get("/api/aanbod/", {"phase": "signalering", "per_page": 100}).json()
    union = client.get("/api/aanbod/", {**both, "per_page": 100}).json()
    assert union["total_items"] > alone["total_items"]

    roles = {"role": ["aanbieder", "beide"]}
    matrix = matrix_json(client.get("/api/kaart/hgkm/", roles))
    with open(FIXTURES / "organisations.csv", encoding="utf-8") as handle:
        role_of = {row["name"]: row["role"] for row in csv.DictReader(handle)}
    listed = {o["name"] for cell in matrix["cells"] for o in cell["organisations"]}
    assert listed == {name for name in organisations_where() if role_of[name] != "verwijzer"}

    workbook = load_workbook(BytesIO(client.get("/kaart/hgkm/export.xlsx", roles).content))
    notes = [row for row in workbook["Toelichting"].iter_rows(values_only=True) if row[0]]
    assert any("Aanbieder of Aanbieder en verwijzer" in str(row[1]) for row in notes)


def test_the_form_offers_several_values_and_keeps_them(client, baseline):
    response = client.get("/aanbod/", {"phase": ["preventie", "nazorg"]})
    content = response.content.decode()
    select = re.search(r'<select name="phase"[^>]*>(.*?)</select>', content, re.S)
    assert "multiple" in select.group(0)
    assert re.search(r'value="preventie"[^>]*selected', select.group(1))
    assert re.search(r'value="nazorg"[^>]*selected', select.group(1))
    assert "Gezocht op: fase Preventie of Nazorg" in text_of(response)


def test_the_excel_matrix_marks_unknown_cells_and_counts_the_unknowns(client, baseline):
    one_partner_fills_in_amstelveen()
    response = client.get("/kaart/hgkm/export.xlsx", {"municipality": "amstelveen"})
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content))["Matrix HGKM"]
    texts = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value]
    unknown_cells = [text for text in texts if text.startswith("ONBEKEND – 0 organisaties")]
    assert unknown_cells and not any(t.startswith("LEEG") and "mogelijk" in t for t in texts)
    assert all("Mogelijk (gegeven onbekend):" in text for text in unknown_cells)
    without_area = Offer.objects.published().filter(municipalities__isnull=True).count()
    assert any(text.startswith(f"{without_area} aanbiedingen hebben gemeente") for text in texts)
