"""Referral links and the pool of experience experts in the HSDS API: a service's confirmed
public links are attributes of the taxonomy "Verwijzingen" whose value is the other service's
id; an organisation's listed pool entries are attributes of "Inzet ervaringsdeskundigen"
whose value is the availability. Every answer still validates against the official schemas."""

import pytest

from providers.models import Offer
from providers.paths.models import PoolEntry, ReferralLink, TransitionKind
from tests.factories import OfferFactory, OrganisationFactory
from tests.hsds_support import API, ORGANIZATION_FULL, all_pages, errors, get_json, schema
from tests.paths_factories import PoolEntryFactory, ReferralLinkFactory
from tests.test_hsds_api import assert_no_empty_values, every_answer

# Pinned: clients store these ids, so they are the same in every installation.
REFERRALS_TAXONOMY = "3110e318-05d9-5a22-b04c-feb4194ce178"
POOL_TAXONOMY = "bff6194a-a5b0-592a-96f2-1e41c767ab7f"
ONWARD_TO_AFTERCARE = "20e77cd1-86bf-5436-bb5e-8b749b9a4eb1"
MOTIVATING = "c44d9940-34c3-5793-a4d7-849bf013bb69"


@pytest.fixture
def linked(db):
    """Daderhulp (De Waag) hands over to Nazorg Noord (Altra), confirmed; a proposal, an
    ended link and a confirmed link to a draft do not count."""
    waag, altra = OrganisationFactory(name="De Waag"), OrganisationFactory(name="Altra")
    daderhulp = OfferFactory(name="Daderhulp", organisation=waag)
    nazorg = OfferFactory(name="Nazorg Noord", organisation=altra)
    proposed_to = OfferFactory(name="Voorgesteld", organisation=OrganisationFactory())
    ended_from = OfferFactory(name="Beëindigd", organisation=OrganisationFactory())
    draft = OfferFactory(name="Concept", organisation=altra, status=Offer.Status.DRAFT)
    ReferralLinkFactory(from_offer=daderhulp, to_offer=nazorg, kind=TransitionKind.AFTERCARE)
    ReferralLinkFactory(
        from_offer=daderhulp,
        to_offer=proposed_to,
        status=ReferralLink.Status.PROPOSED,
        confirmed_at=None,
    )
    ReferralLinkFactory(from_offer=ended_from, to_offer=daderhulp, status=ReferralLink.Status.ENDED)
    ReferralLinkFactory(from_offer=daderhulp, to_offer=draft, kind=TransitionKind.NEXT_PHASE)
    return {
        "waag": waag,
        "altra": altra,
        "daderhulp": daderhulp,
        "nazorg": nazorg,
        "proposed_to": proposed_to,
        "ended_from": ended_from,
        "draft": draft,
    }


def referral_attributes(service: dict) -> list[tuple[str, str]]:
    return [
        (a["taxonomy_term"]["name"], a["value"])
        for a in service["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "Verwijzingen"
    ]


def terms_by_name(client, taxonomy_name: str) -> dict[str, dict]:
    return {
        t["name"]: t
        for t in all_pages(client, f"{API}/taxonomy_terms?per_page=100")
        if t["taxonomy"] == taxonomy_name
    }


def test_a_confirmed_link_appears_on_both_services_with_the_others_id(client, linked):
    daderhulp, nazorg = linked["daderhulp"], linked["nazorg"]
    onward = get_json(client, f"{API}/services/{daderhulp.uuid}")
    backward = get_json(client, f"{API}/services/{nazorg.uuid}")
    assert referral_attributes(onward) == [("Hierna: naar nazorg", str(nazorg.uuid))]
    assert referral_attributes(backward) == [("Hiervoor: naar nazorg", str(daderhulp.uuid))]
    for service in (onward, backward):
        assert errors(service, schema("service.json")) == []
        for attribute in service["attributes"]:
            assert attribute["link_id"] == service["id"]
            assert attribute["link_entity"] == "service"
        assert len({a["id"] for a in service["attributes"]}) == len(service["attributes"])
    # The same in the lists and in the organisation's nested services.
    listed = {s["id"]: s for s in all_pages(client, f"{API}/services?full=true&per_page=100")}
    assert referral_attributes(listed[str(daderhulp.uuid)]) == referral_attributes(onward)
    nested = get_json(client, f"{API}/organizations/{linked['altra'].uuid}?full_service=true")
    assert [referral_attributes(s) for s in nested["services"]] == [referral_attributes(backward)]


def test_proposed_ended_and_unpublished_links_do_not_appear(client, linked):
    for name in ("proposed_to", "ended_from"):
        service = get_json(client, f"{API}/services/{linked[name].uuid}")
        assert referral_attributes(service) == []
    values = [
        value
        for _, value in referral_attributes(
            get_json(client, f"{API}/services/{linked['daderhulp'].uuid}")
        )
    ]
    assert str(linked["draft"].uuid) not in values
    assert str(linked["proposed_to"].uuid) not in values
    assert str(linked["ended_from"].uuid) not in values
    # Archiving the other side takes the link off the map at once.
    linked["nazorg"].status = Offer.Status.ARCHIVED
    linked["nazorg"].save()
    daderhulp = get_json(client, f"{API}/services/{linked['daderhulp'].uuid}")
    assert referral_attributes(daderhulp) == []


def test_the_referral_terms_filter_services(client, linked):
    terms = terms_by_name(client, "Verwijzingen")
    assert len(terms) == 2 * len(TransitionKind.choices)
    daderhulp, nazorg = str(linked["daderhulp"].uuid), str(linked["nazorg"].uuid)

    def names(query):
        return {s["id"] for s in all_pages(client, f"{API}/services?per_page=100&{query}")}

    assert names(f"taxonomy_term_id={terms['Hierna: naar nazorg']['id']}") == {daderhulp}
    assert names(f"taxonomy_term_id={terms['Hiervoor: naar nazorg']['id']}") == {nazorg}
    # The link to the draft is no public link: no service holds "Hierna: naar de volgende fase".
    assert names(f"taxonomy_term_id={terms['Hierna: naar de volgende fase']['id']}") == set()
    taxonomy = terms["Hierna: naar nazorg"]["taxonomy_id"]
    assert taxonomy == REFERRALS_TAXONOMY
    assert terms["Hierna: naar nazorg"]["id"] == ONWARD_TO_AFTERCARE
    assert names(f"taxonomy_id={taxonomy}") == {daderhulp, nazorg}
    # The pool's terms belong to organisations: no service holds them.
    motiveren = terms_by_name(client, "Inzet ervaringsdeskundigen")["Motiveren van plegers"]
    assert (motiveren["id"], motiveren["taxonomy_id"]) == (MOTIVATING, POOL_TAXONOMY)
    assert names(f"taxonomy_term_id={motiveren['id']}") == set()


@pytest.fixture
def pool(db):
    organisation = OrganisationFactory(name="Het Veer")
    PoolEntryFactory(
        organisation=organisation,
        title="Motiveren en trainen",
        availability=3,
        lists={"deployment_kinds": ["motiveren", "trainen"]},
    )
    PoolEntryFactory(
        organisation=organisation,
        title="Uren zonder soort",
        availability=8,
        availability_unit=PoolEntry.Unit.HOURS_PER_MONTH,
    )
    PoolEntryFactory(organisation=organisation, title="Verborgen", listed=False, availability=9)
    other = PoolEntryFactory(title="Elders", lists={"deployment_kinds": ["veiligheid"]})
    return {"organisation": organisation, "other": other.organisation}


def pool_attributes(organization: dict) -> list[tuple[str, str]]:
    return [
        (a["taxonomy_term"]["name"], a["value"])
        for a in organization["attributes"]
        if a["taxonomy_term"]["taxonomy"] == "Inzet ervaringsdeskundigen"
    ]


def test_listed_pool_entries_appear_on_their_organisation(client, pool):
    organisation = pool["organisation"]
    item = get_json(client, f"{API}/organizations/{organisation.uuid}")
    assert errors(item, ORGANIZATION_FULL) == []
    assert pool_attributes(item) == [
        ("Motiveren van plegers", "3 personen"),
        ("Trainen van professionals en beleidsmakers", "3 personen"),
        ("Soort inzet nog niet bekend", "8 uur per maand"),
    ]
    for attribute in item["attributes"]:
        assert attribute["link_id"] == item["id"]
        assert attribute["link_entity"] == "organization"
    assert len({a["id"] for a in item["attributes"]}) == 3
    listed = {o["id"]: o for o in all_pages(client, f"{API}/organizations?full=true&per_page=100")}
    assert pool_attributes(listed[str(organisation.uuid)]) == pool_attributes(item)
    assert pool_attributes(listed[str(pool["other"].uuid)]) == [
        ("Veiligheid, naast professionals", "2 personen")
    ]
    terms = terms_by_name(client, "Inzet ervaringsdeskundigen")
    assert set(terms) == {
        "Motiveren van plegers",
        "Trainen van professionals en beleidsmakers",
        "Veiligheid, naast professionals",
        "Lotgenotengroepen begeleiden",
        "Soort inzet nog niet bekend",
    }


def test_every_answer_validates_with_links_and_pool(client, linked, pool):
    ReferralLinkFactory(
        from_offer=linked["nazorg"],
        to_offer=OfferFactory(organisation=pool["organisation"]),
        kind=TransitionKind.YOUTH_TO_ADULT,
    )
    answers = every_answer(client)
    with_attributes = 0
    for url, payload, against in answers:
        assert errors(payload, against) == [], url
        assert_no_empty_values(payload)
        with_attributes += bool(payload.get("attributes"))
    assert with_attributes > 4
