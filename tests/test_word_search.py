"""Free text means words: each word of `q` must begin a word of an offer's or organisation's
name or description, on SQLite as on PostgreSQL. Checked against the 2023 inventory, where
De Viersprong offers Multi Systeem Therapie (MST) and several names end in "Amsterdam"."""

import pytest

from tests.factories import OfferFactory, OrganisationFactory
from tests.test_search import api_slugs, listed

VIERSPRONG = {"de-viersprong-hgkm-2023", "de-viersprong-seksueel-geweld-2023"}


def organisations_found(client, q) -> set[str]:
    response = client.get("/api/aanbod/", {"q": q, "per_page": 100})
    assert response.status_code == 200
    return {offer["organisation"]["name"] for offer in response.json()["contents"]}


@pytest.mark.parametrize("q", ["MST", "mst", "(MST)", "Mst"])
def test_mst_finds_the_offers_that_name_the_method_and_not_amsterdam(client, baseline, q):
    # "Biedt Multi Systeem Therapie (MST) voor minderjarigen." (De Viersprong), while
    # "Jeugdbescherming Regio Amsterdam" holds the letters m-s-t inside a word only.
    assert set(listed(client.get("/aanbod/", {"q": q}))) == VIERSPRONG
    assert api_slugs(client, {"q": q}) == VIERSPRONG


def test_the_start_of_a_word_finds_the_whole_word(client, baseline):
    assert "Jeugdbescherming Regio Amsterdam" in organisations_found(client, "amster")
    assert organisations_found(client, "Viersp") == {"De Viersprong"}
    # Letters inside a word are no word: "sterdam", "ierspr".
    assert organisations_found(client, "sterdam") == set()
    assert organisations_found(client, "ierspr") == set()


@pytest.mark.parametrize("q", ["Stop it", "stop it now", "Offlimits", "offlim stop"])
def test_part_of_an_organisation_name_finds_it(client, baseline, q):
    # The report's "Offlimits/Stop it Now": the slash separates words too.
    assert organisations_found(client, q) == {"Offlimits/Stop it Now"}


def test_every_word_must_begin_a_word(client, baseline):
    assert organisations_found(client, "Multi Systeem") == {"De Viersprong"}
    assert organisations_found(client, "Multi Amsterdam") == set()


def test_a_word_inside_a_longer_word_is_not_found(client, db):
    OfferFactory(slug="gezin", name="Gezinsaanpak", description="Thuis, met het hele gezin.")
    OfferFactory(slug="aanpak", name="Aanpak", description="Eén op één met de pleger.")
    assert listed(client.get("/aanbod/", {"q": "aanpak"})) == ["aanpak"]
    assert listed(client.get("/aanbod/", {"q": "gezins"})) == ["gezin"]
    # Letters outside ASCII belong to words as any other letter does.
    assert listed(client.get("/aanbod/", {"q": "één"})) == ["aanpak"]


def test_a_prefix_in_the_offer_name_ranks_above_one_in_a_description(client, db):
    OfferFactory(
        slug="in-description",
        name="Ambulante hulp",
        description="Onder meer agressieregulatie in een groep.",
        organisation=OrganisationFactory(name="AAA zorg"),
    )
    OfferFactory(
        slug="in-organisation",
        name="Groepsaanbod",
        organisation=OrganisationFactory(name="Agressie Centrum"),
    )
    OfferFactory(
        slug="in-name",
        name="Agressieregulatietraining",
        description="Groepsaanbod.",
        organisation=OrganisationFactory(name="ZZZ zorg"),
    )
    expected = ["in-name", "in-organisation", "in-description"]
    assert listed(client.get("/aanbod/", {"q": "agressie"})) == expected
    assert listed(client.get("/aanbod/", {"q": "AGRESSIE", "sort": "relevantie"})) == expected
    assert listed(client.get("/aanbod/", {"q": "agressie", "sort": "naam"})) == [
        "in-name",
        "in-description",
        "in-organisation",
    ]


@pytest.mark.parametrize("count", [10, 1000])
def test_a_word_search_keeps_its_query_budget(
    client, many_offers, django_assert_max_num_queries, count
):
    many_offers(count)
    with django_assert_max_num_queries(5):
        response = client.get("/aanbod/", {"q": "budgetaanbod 3"})
    # "Budgetaanbod 3", "Budgetaanbod 30".. on the first page; "Budgetaanbod 13" holds no word "3".
    found = listed(response)
    assert found and all(slug.startswith("budgetaanbod-3") for slug in found)
