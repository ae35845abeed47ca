import pytest

from providers.models import Organisation
from tests.matrix_json import matrix_json


def cell_of(payload, phase, violence_type):
    return next(
        c for c in payload["cells"] if c["phase"] == phase and c["violence_type"] == violence_type
    )


def test_home_summarises_the_gaps_of_both_frameworks(client, baseline):
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Huiselijk geweld en kindermishandeling" in content
    assert "Seksueel geweld" in content
    assert "dunne cellen" in content
    # The report's reading: least offer for elder abuse, least in aftercare.
    assert "Ouderenmishandeling" in content
    assert "Nazorg" in content


def test_matrix_page_shows_cells_with_status_in_text_and_organisation_links(client, baseline):
    response = client.get("/kaart/hgkm/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<caption" in content
    assert 'scope="col"' in content and 'scope="row"' in content
    assert "cell-thin" in content and ">dun<" in content
    assert 'href="/organisaties/trias-pedagogica/"' in content
    assert "Nog niet gepositioneerd" in content
    assert "De Waag" in content
    assert "drempel dunne cel: 3" in content


def test_matrix_json_has_the_documented_shape_in_framework_order(client, baseline):
    payload = matrix_json(client.get("/api/kaart/hgkm/"))
    assert payload["framework"] == {
        "slug": "hgkm",
        "name": "Huiselijk geweld en kindermishandeling",
    }
    assert payload["thin_threshold"] == 3
    assert [p["name"] for p in payload["phases"]] == [
        "Preventie",
        "Signalering",
        "Directe veiligheid / veiligheidsplan",
        "Risicogestuurde zorg / hulpverleningsplan",
        "Herstelgerichte zorg",
        "Nazorg",
    ]
    assert [v["name"] for v in payload["violence_types"]][:3] == [
        "Kindermishandeling",
        "Geweld tegen ouders door hun kinderen",
        "(Ex-)partnergeweld",
    ]
    assert len(payload["cells"]) == 6 * 6
    elder = cell_of(payload, "preventie", "ouderenmishandeling")
    assert elder["count"] == 2
    assert elder["status"] == "thin"
    assert {o["slug"] for o in elder["organisations"]} == {"trias-pedagogica", "veilig-thuis"}
    assert set(payload["phase_totals"]) == {p["slug"] for p in payload["phases"]}
    assert set(payload["violence_type_totals"]) == {v["slug"] for v in payload["violence_types"]}
    assert {"slug": "de-waag", "name": "De Waag"} in payload["unpositioned_organisations"]


def test_filtering_on_role_changes_the_counts(client, baseline):
    everyone = cell_of(
        matrix_json(client.get("/api/kaart/hgkm/")), "preventie", "ouderenmishandeling"
    )
    providers = matrix_json(client.get("/api/kaart/hgkm/", {"role": "aanbieder"}))
    referrers = matrix_json(client.get("/api/kaart/hgkm/", {"role": "verwijzer"}))
    assert [
        o["name"] for o in cell_of(providers, "preventie", "ouderenmishandeling")["organisations"]
    ] == ["Trias pedagogica"]
    assert [
        o["name"] for o in cell_of(referrers, "preventie", "ouderenmishandeling")["organisations"]
    ] == ["Veilig Thuis"]
    assert everyone["count"] == 2
    unpositioned_providers = {o["slug"] for o in providers["unpositioned_organisations"]}
    assert "de-waag" in unpositioned_providers
    assert "openbaar-ministerie" not in unpositioned_providers
    page = client.get("/kaart/hgkm/", {"role": "verwijzer"}).content.decode()
    assert "Trias pedagogica" not in page


def test_role_filter_applies_to_the_html_matrix(client, baseline):
    page = client.get("/kaart/seksueel-geweld/", {"role": "aanbieder"}).content.decode()
    assert "Offlimits/Stop it Now" in page
    assert "Veilig Thuis</a>" not in page


@pytest.mark.parametrize("url", ["/kaart/onbekend/", "/api/kaart/onbekend/"])
def test_unknown_framework_answers_404(client, db, url):
    assert client.get(url).status_code == 404


def test_unknown_role_gives_a_form_error_not_a_crash(client, baseline):
    page = client.get("/kaart/hgkm/", {"role": "onbekend"})
    assert page.status_code == 400
    assert "Selecteer een geldige keuze" in page.content.decode()
    api = client.get("/api/kaart/hgkm/", {"role": "onbekend"})
    assert api.status_code == 400
    assert "role" in api.json()["fields"]


def test_drafts_and_archived_offers_do_not_count(client, baseline):
    from tests.factories import OfferFactory

    for status in ("concept", "gearchiveerd"):
        OfferFactory(
            organisation=Organisation.objects.get(slug="de-waag"),
            status=status,
            cells=[("preventie", "ouderenmishandeling")],
        )
    payload = matrix_json(client.get("/api/kaart/hgkm/"))
    assert cell_of(payload, "preventie", "ouderenmishandeling")["count"] == 2
    assert "de-waag" in {o["slug"] for o in payload["unpositioned_organisations"]}


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/", 12),
        ("/kaart/hgkm/", 8),
        ("/kaart/seksueel-geweld/?role=aanbieder", 8),
        ("/api/kaart/hgkm/", 8),
        ("/organisaties/", 3),
        ("/organisaties/budget-0/", 8),
    ],
)
@pytest.mark.parametrize("offers", [10, 1000])
def test_query_budget_does_not_grow_with_offers(
    client, many_offers, django_assert_max_num_queries, url, budget, offers
):
    many_offers(offers)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
