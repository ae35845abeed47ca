"""Matrix and search are one system: the same filters, and a cell lists what its search finds."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.factories import OfferFactory, OrganisationFactory
from tests.matrix_json import matrix_json

FRAMEWORKS = ["hgkm", "seksueel-geweld"]
ORGANISATION_LINK = r'href="/organisaties/([\w-]+)/"'


def cell_of(payload, phase, violence_type):
    return next(
        c for c in payload["cells"] if c["phase"] == phase and c["violence_type"] == violence_type
    )


def searched_organisations(client, params) -> set[str]:
    """The distinct organisations of every offer the search API lists, over all pages."""
    organisations, page = set(), 1
    while True:
        response = client.get("/api/aanbod/", {**params, "per_page": 100, "page": page})
        assert response.status_code == 200, response.json()
        payload = response.json()
        organisations |= {offer["organisation"]["slug"] for offer in payload["contents"]}
        if payload["last_page"]:
            return organisations
        page += 1


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"role": "aanbieder"},
        {"method": "multi-systeem-therapie-mst"},
        {"q": "veilig"},
    ],
)
@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_cell_lists_exactly_the_organisations_its_search_finds(
    client, baseline, framework, filters
):
    matrix = matrix_json(client.get(f"/api/kaart/{framework}/", filters))
    assert len(matrix["cells"]) == len(matrix["phases"]) * len(matrix["violence_types"])
    non_empty = 0
    for cell in matrix["cells"]:
        in_cell = {organisation["slug"] for organisation in cell["organisations"]}
        params = {**filters, "violence_type": cell["violence_type"], "phase": cell["phase"]}
        assert searched_organisations(client, params) == in_cell, cell
        # The cell's own link is that same search.
        query = parse_qs(urlsplit(cell["search_url"]).query)
        assert {name: values[0] for name, values in query.items()} == params
        non_empty += bool(in_cell)
    assert non_empty > 0


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_every_html_cell_links_to_a_search_listing_its_organisations(client, baseline, framework):
    page = client.get(f"/kaart/{framework}/", {"role": "aanbieder"}).content.decode()
    payload = matrix_json(client.get(f"/api/kaart/{framework}/", {"role": "aanbieder"}))
    complete = {
        (cell["phase"], cell["violence_type"]): {o["slug"] for o in cell["organisations"]}
        for cell in payload["cells"]
    }
    cells = re.findall(
        r'<td class="cell cell-\w+ shade-\d" data-phase="([\w-]+)" '
        r'data-violence-type="([\w-]+)">(.*?)</td>',
        page,
        re.S,
    )
    assert len(cells) == 6 * (6 if framework == "hgkm" else 7)
    for phase, violence_type, cell in cells:
        # A large cell shows the first names and "en N meer"; the JSON has them all.
        shown = set(re.findall(r'href="/organisaties/([\w-]+)/"', cell))
        assert shown <= complete[(phase, violence_type)]
        link = re.search(r'href="(/aanbod/\?[^"]+)"', cell).group(1).replace("&amp;", "&")
        assert "role=aanbieder" in link
        results = client.get(link).content.decode()
        listed = set(re.findall(r'href="/organisaties/([\w-]+)/"', results))
        assert listed == complete[(phase, violence_type)]


@pytest.fixture
def two_in_one_cell(db):
    """Two organisations in the cell preventie x kindermishandeling, differing in every filter."""
    OfferFactory(
        organisation=OrganisationFactory(name="Alfa", slug="alfa", role="aanbieder"),
        name="Alfa-training",
        description="Voor vaders.",
        cells=[("preventie", "kindermishandeling")],
        lists={
            "target_groups": ["plegers"],
            "age_groups": ["minderjarigen"],
            "legal_frameworks": ["vrijwillig"],
            "municipalities": ["diemen"],
            "methods": ["top-3"],
            "treatment_factors": ["traumasensitief"],
        },
        self_referral=True,
        works_with_experience_experts=True,
        waiting_weeks=1,
    )
    OfferFactory(
        organisation=OrganisationFactory(name="Beta", slug="beta", role="verwijzer"),
        name="Beta-spreekuur",
        description="Voor moeders.",
        cells=[("preventie", "kindermishandeling")],
        lists={
            "target_groups": ["slachtoffers"],
            "age_groups": ["volwassenen"],
            "legal_frameworks": ["verplicht-bestuursrechtelijk"],
            "municipalities": ["amsterdam"],
            "methods": ["mda"],
            "treatment_factors": ["juiste-houding"],
        },
        self_referral=False,
        works_with_experience_experts=False,
        waiting_weeks=10,
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"alfa", "beta"}),
        ({"role": "verwijzer"}, {"beta"}),
        ({"target_group": "plegers"}, {"alfa"}),
        ({"age_group": "volwassenen"}, {"beta"}),
        ({"legal_framework": "vrijwillig"}, {"alfa"}),
        ({"municipality": "amsterdam"}, {"beta"}),
        ({"method": "top-3"}, {"alfa"}),
        ({"treatment_factor": "juiste-houding"}, {"beta"}),
        ({"self_referral": "ja"}, {"alfa"}),
        ({"experience_experts": "nee"}, {"beta"}),
        ({"max_waiting_weeks": "4"}, {"alfa"}),
        ({"q": "moeders"}, {"beta"}),
        ({"age_group": "minderjarigen", "legal_framework": "vrijwillig"}, {"alfa"}),
        ({"age_group": "ouderen"}, set()),
    ],
)
def test_the_matrix_recomputes_coverage_under_each_search_filter(
    client, two_in_one_cell, filters, expected
):
    payload = matrix_json(client.get("/api/kaart/hgkm/", filters))
    cell = cell_of(payload, "preventie", "kindermishandeling")
    assert {o["slug"] for o in cell["organisations"]} == expected
    assert cell["count"] == len(expected)
    assert payload["total"] == len(expected)
    page = client.get("/kaart/hgkm/", filters)
    assert page.status_code == 200
    html = page.content.decode()
    (cell_html,) = re.findall(
        r'<td class="cell cell-\w+ shade-\d" data-phase="preventie" '
        r'data-violence-type="kindermishandeling">(.*?)</td>',
        html,
        re.S,
    )
    # The page's cell names exactly the organisations that fit, and no organisation that does
    # not fit shows anywhere else on the page (another cell, the unpositioned list).
    assert set(re.findall(ORGANISATION_LINK, cell_html)) == expected
    assert set(re.findall(ORGANISATION_LINK, html)) == expected


def test_gaps_for_minors_in_the_voluntary_framework(client, two_in_one_cell):
    """The municipality's sharper question: the cell empties when no offer fits."""
    payload = matrix_json(
        client.get(
            "/api/kaart/hgkm/",
            {"age_group": "minderjarigen", "legal_framework": "verplicht-strafrechtelijk"},
        )
    )
    cell = cell_of(payload, "preventie", "kindermishandeling")
    assert cell["status"] == "empty" and cell["organisations"] == []


def test_the_matrix_form_offers_the_search_filters_but_not_those_that_pick_a_cell(client, db):
    content = client.get("/kaart/hgkm/").content.decode()
    for name in [
        "role",
        "target_group",
        "age_group",
        "legal_framework",
        "municipality",
        "method",
        "treatment_factor",
        "self_referral",
        "experience_experts",
        "max_waiting_weeks",
        "q",
    ]:
        assert f'name="{name}"' in content, name
    for name in ["framework", "violence_type", "phase", "sort", "page"]:
        assert f'name="{name}"' not in content, name


def test_cell_links_carry_the_current_filters(client, two_in_one_cell):
    content = client.get("/kaart/hgkm/", {"age_group": "minderjarigen", "method": "top-3"})
    links = re.findall(r'href="(/aanbod/\?[^"]+)"', content.content.decode())
    assert len(links) == 36
    for link in links:
        query = parse_qs(urlsplit(link.replace("&amp;", "&")).query)
        assert query["age_group"] == ["minderjarigen"] and query["method"] == ["top-3"]
        assert set(query) == {"age_group", "method", "violence_type", "phase"}


def test_parameters_that_pick_a_cell_do_not_narrow_the_matrix(client, two_in_one_cell):
    full = matrix_json(client.get("/api/kaart/hgkm/"))
    for params in ({"phase": "nazorg"}, {"violence_type": "groepsgeweld"}, {"framework": "x"}):
        assert matrix_json(client.get("/api/kaart/hgkm/", params))["cells"] == full["cells"]


@pytest.mark.parametrize(
    "params",
    [
        {"age_group": "bejaarden"},
        {"method": "onbekend"},
        {"max_waiting_weeks": "-3"},
        {"self_referral": "1"},
        {"q": "x" * 10_000},
    ],
)
def test_bad_matrix_filters_give_a_form_error_or_a_json_400(client, db, params):
    page = client.get("/kaart/hgkm/", params)
    assert page.status_code == 400
    assert "De filter bevat een fout" in page.content.decode()
    api = client.get("/api/kaart/seksueel-geweld/", params)
    assert api.status_code == 400
    assert set(params) <= set(api.json()["fields"])


@pytest.mark.parametrize(
    ("url", "fact_filters"),
    [
        ("/kaart/hgkm/?age_group=minderjarigen&method=top-3&q=budget&self_referral=ja", 3),
        (
            "/api/kaart/seksueel-geweld/?treatment_factor=lhbtiqa&max_waiting_weeks=4"
            "&role=aanbieder",
            2,
        ),
    ],
)
@pytest.mark.parametrize("count", [10, 1000])
def test_filtered_matrix_query_budget_does_not_grow_with_offers(
    client, many_offers, django_assert_max_num_queries, url, fact_filters, count
):
    many_offers(count)
    # Eight, plus the cells of the offers that might match and one count per filter on a fact
    # partners may leave empty: bounded by the filters, never by the data.
    with django_assert_max_num_queries(8 + 1 + fact_filters):
        response = client.get(url)
    assert response.status_code == 200
