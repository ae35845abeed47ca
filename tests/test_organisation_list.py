"""The public list of organisations: alphabetical, in pages of 100 once the map grows."""

import re

import pytest

from providers.models import Offer, Organisation
from tests.factories import OfferFactory, OrganisationFactory

NAME_LINK = re.compile(
    r'<td class="ams-table__cell"><a class="ams-link" href="/organisaties/[^"/]+/">([^<]+)</a>'
)


def listed_names(response) -> list[str]:
    assert response.status_code == 200
    return NAME_LINK.findall(response.content.decode())


@pytest.fixture
def organisations(db):
    """250 organisations, created in reverse order so that the list must sort them."""
    Organisation.objects.bulk_create(
        OrganisationFactory.build(name=f"Organisatie {index:03d}", slug=f"organisatie-{index:03d}")
        for index in reversed(range(250))
    )
    return [f"Organisatie {index:03d}" for index in range(250)]


def test_a_long_list_comes_alphabetically_in_pages_of_a_hundred(client, organisations):
    first = client.get("/organisaties/")
    content = first.content.decode()
    assert listed_names(first) == organisations[:100]
    assert "Alle 250 organisaties op de sociale kaart, op alfabet; u ziet 1 tot en met 100." in (
        content
    )
    assert "Pagina 1 van 3" in content
    assert 'href="?page=2" rel="next"' in content
    assert 'rel="prev"' not in content

    last = client.get("/organisaties/", {"page": "3"})
    assert listed_names(last) == organisations[200:]
    assert 'href="?page=2" rel="prev"' in last.content.decode()
    assert 'rel="next"' not in last.content.decode()


@pytest.mark.parametrize(
    ("page", "message", "first_shown"),
    [
        ("99", "Pagina 99 bestaat niet; u ziet de laatste pagina (3).", 200),
        ("twee", "Dat paginanummer bestaat niet; u ziet de eerste pagina.", 0),
        ("0", "Dat paginanummer bestaat niet; u ziet de eerste pagina.", 0),
    ],
)
def test_a_page_that_does_not_exist_shows_the_nearest_one_and_says_so(
    client, organisations, page, message, first_shown
):
    response = client.get("/organisaties/", {"page": page})
    assert listed_names(response)[0] == organisations[first_shown]
    assert message in response.content.decode()


def test_the_baseline_fits_on_one_page_without_page_links(client, baseline):
    response = client.get("/organisaties/")
    content = response.content.decode()
    assert len(listed_names(response)) == 28
    assert "Alle 28 organisaties op de sociale kaart." in content
    assert "Paginering" not in content


@pytest.mark.parametrize("count", [250, 2500])
@pytest.mark.parametrize("page", ["1", "3"])
def test_a_page_of_the_list_takes_the_same_few_queries_whatever_the_size(
    client, db, django_assert_max_num_queries, count, page
):
    Organisation.objects.bulk_create(
        OrganisationFactory.build(name=f"Org {index:04d}", slug=f"org-{index:04d}")
        for index in range(count)
    )
    with django_assert_max_num_queries(4):
        response = client.get("/organisaties/", {"page": page})
    assert len(listed_names(response)) == (50 if (count, page) == (250, "3") else 100)


def test_an_organisation_with_many_offers_lists_them_in_pages(
    client, db, django_assert_max_num_queries
):
    organisation = OrganisationFactory(name="Groot", slug="groot")
    Offer.objects.bulk_create(
        OfferFactory.build(
            organisation=organisation, name=f"Aanbod {index:03d}", slug=f"aanbod-{index:03d}"
        )
        for index in reversed(range(120))
    )
    offer_link = re.compile(r'href="/aanbod/(aanbod-\d+)/"')
    with django_assert_max_num_queries(8):
        first = client.get("/organisaties/groot/")
    assert offer_link.findall(first.content.decode()) == [f"aanbod-{i:03d}" for i in range(50)]
    assert "Pagina 1 van 3" in first.content.decode()
    last = client.get("/organisaties/groot/", {"page": "3"})
    assert offer_link.findall(last.content.decode()) == [f"aanbod-{i:03d}" for i in range(100, 120)]
    beyond = client.get("/organisaties/groot/", {"page": "9"}).content.decode()
    assert "Pagina 9 bestaat niet; u ziet de laatste pagina (3)." in beyond


def test_an_organisation_without_published_offers_says_so(client, db):
    OrganisationFactory(name="Leeg", slug="leeg")
    content = client.get("/organisaties/leeg/").content.decode()
    assert "Deze organisatie heeft nog geen gepubliceerd aanbod." in content
