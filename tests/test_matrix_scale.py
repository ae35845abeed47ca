"""Pages that stay small and cheap however much data there is."""

import re
from urllib.parse import parse_qs

import pytest

from frameworks.models import Framework
from providers.matrix.coverage import CELL_PREVIEW, EMPTY, compute_matrix
from providers.models import Offer
from providers.selectors import Scope, offer_selection
from tests.matrix_json import matrix_json


def cell_html(page: str, phase: str, violence_type: str) -> str:
    match = re.search(
        rf'<td [^>]*data-phase="{phase}" data-violence-type="{violence_type}">(.*?)</td>',
        page,
        re.S,
    )
    return match.group(1)


def test_a_full_cell_shows_the_first_names_and_links_to_the_rest(client, many_offers):
    many_offers(1000)  # 200 organisations, all in preventie x kindermishandeling
    page = client.get("/kaart/hgkm/").content.decode()
    cell = cell_html(page, "preventie", "kindermishandeling")

    assert "200 organisaties" in cell
    assert cell.count("<li>") == CELL_PREVIEW
    # Alphabetical: Budget 0, 1, 10, 100, 101; then the rest.
    assert ">Budget 0</a>" in cell and ">Budget 101</a>" in cell
    assert ">Budget 102</a>" not in cell
    assert (
        'href="/aanbod/?violence_type=kindermishandeling&amp;phase=preventie"' in cell
        and f"en {200 - CELL_PREVIEW} meer" in cell
    )
    # The JSON keeps the complete list.
    payload = matrix_json(client.get("/api/kaart/hgkm/"))
    full = next(
        c
        for c in payload["cells"]
        if c["phase"] == "preventie" and c["violence_type"] == "kindermishandeling"
    )
    assert full["count"] == len(full["organisations"]) == 200


def test_the_more_link_carries_the_matrix_filters(client, many_offers):
    many_offers(100)
    page = client.get("/kaart/hgkm/", {"role": "aanbieder"}).content.decode()
    cell = cell_html(page, "preventie", "kindermishandeling")
    more = re.search(r'<a class="cell-more" href="/aanbod/\?([^"]+)"', cell).group(1)
    assert parse_qs(more.replace("&amp;", "&")) == {
        "violence_type": ["kindermishandeling"],
        "phase": ["preventie"],
        "role": ["aanbieder"],
    }


def test_a_small_cell_lists_everyone_without_a_more_link(client, baseline):
    page = client.get("/kaart/hgkm/").content.decode()
    cell = cell_html(page, "preventie", "ouderenmishandeling")
    assert cell.count("<li>") == 2
    assert "meer</a>" not in cell


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/", 10),
        ("/kaart/hgkm/", 10),
        ("/kaart/seksueel-geweld/?role=aanbieder", 10),
        ("/api/kaart/hgkm/", 10),
        ("/api/kaart/seksueel-geweld/?role=verwijzer", 10),
        ("/organisaties/", 10),
        ("/organisaties/budget-0/", 10),
        ("/aanbod/budgetaanbod-0/", 10),
    ],
)
@pytest.mark.parametrize("offers", [10, 1000])
def test_public_pages_stay_within_the_query_budget(
    client, many_offers, django_assert_max_num_queries, url, budget, offers
):
    many_offers(offers)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url", ["/", "/kaart/hgkm/", "/api/kaart/hgkm/?role=aanbieder", "/aanbod/budgetaanbod-0/"]
)
def test_a_warm_public_page_needs_no_database(client, many_offers, django_assert_num_queries, url):
    many_offers(1000)
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]


def test_an_unpublished_offer_page_answers_404_and_is_not_cached(client, many_offers):
    _, offers = many_offers(10)
    offer = offers[0]
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.DRAFT)
    assert client.get(f"/aanbod/{offer.slug}/").status_code == 404
    offer.status = Offer.Status.PUBLISHED
    offer.save()
    assert client.get(f"/aanbod/{offer.slug}/").status_code == 200


def test_a_matrix_over_no_offers_at_all_is_empty(baseline):
    # A text no offer holds: no offer matches, and none might (the text is known).
    selection = offer_selection({"q": "zzyzx"}, scope=Scope.MATRIX)
    assert selection.is_valid() and not selection.qs.exists()
    matrix = compute_matrix(Framework.objects.get(slug="hgkm"), selection)
    assert matrix.total == 0
    assert {cell.status for cell in matrix.cells} == {EMPTY}
    # Everyone positioned in the framework still counts as positioned.
    assert "De Waag" in [o.name for o in matrix.unpositioned_organisations]
    assert "Veilig Thuis" not in [o.name for o in matrix.unpositioned_organisations]
