"""Offers and organisations as HSDS 3.0 objects (the mapping is documented in docs/hsds.md).

What may be public is decided by providers.public: a confidential address never appears
(no location, no service_at_location), and the contact is the one the public pages show.

HSDS wants typed values where it has a key at all: an unknown or empty fact is left out,
never sent as null or "". Objects that the map keeps inside an offer (its phone, contact
person, service areas, funding, attributes, location) get ids derived from the offer's UUID
(providers.stable_ids), so they are as stable as the offer itself.
"""

from datetime import UTC

from django.utils.encoding import iri_to_uri

from providers.hsds.taxonomies import (
    BACKWARD,
    ONWARD,
    PHASES,
    TAXONOMY_LISTS,
    VIOLENCE_TYPES,
    Catalogue,
)
from providers.public import ContactSource, offer_contact, public_address
from providers.stable_ids import stable_uuid

HSDS_VERSION = "3.0"
COUNTRY = "NL"
# Only published offers appear at all; HSDS calls them active.
ACTIVE = "active"


def _derived(kind: str, *parts) -> str:
    return str(stable_uuid(f"hsds.{kind}", "/".join(str(part) for part in parts)))


def _present(values: dict) -> dict:
    """`values` without the keys whose value is unknown (None) or empty text."""
    return {key: value for key, value in values.items() if value is not None and value != ""}


def _uri(url: str) -> str:
    """A website as a URI (an international domain or path encoded), or ""."""
    return iri_to_uri(url) if url else ""


def last_modified(moment) -> str:
    """A timestamp in RFC 3339 with milliseconds, in UTC: 2025-03-01T09:30:00.123Z."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# Organisations ---------------------------------------------------------------------------


def organization_core(organisation) -> dict:
    """The organisation's one-to-one fields (HSDS organization_list)."""
    return {
        "id": str(organisation.uuid),
        "name": organisation.name,
        # Required by HSDS; empty text where the organisation gave none.
        "description": organisation.description,
        **_present({"email": organisation.email, "website": _uri(organisation.website)}),
    }


def _pool_attribute(organisation, term, value: str, entry_id: int) -> dict:
    return {
        "id": _derived("attribute", organisation.uuid, "pool", entry_id, term.id),
        "link_id": str(organisation.uuid),
        "link_type": term.taxonomy.link_type,
        "link_entity": "organization",
        "taxonomy_term_id": str(term.id),
        "value": value,
        "taxonomy_term": term.as_json(),
    }


def organization_full(
    organisation, services: list[dict], pool: list | None = None, terms: Catalogue | None = None
) -> dict:
    """The organisation with its phone, its published offers (`services`) and its listed pool
    entries as attributes (`pool`: its rows of providers.paths.selectors.pool_deployments)."""
    item = organization_core(organisation)
    item["phones"] = (
        [
            {
                "id": _derived("phone", organisation.uuid),
                "organization_id": str(organisation.uuid),
                "number": organisation.phone,
            }
        ]
        if organisation.phone
        else []
    )
    item["services"] = services
    item["attributes"] = [
        _pool_attribute(organisation, terms.deployment_term(r.kind), r.availability, r.entry_id)
        for r in pool or ()
    ]
    return item


# Services --------------------------------------------------------------------------------


def service_core(offer, *, with_organization: bool = True) -> dict:
    """The offer's one-to-one fields (HSDS service_list), with its organisation."""
    contact = offer_contact(offer)
    own = contact.source == ContactSource.OFFER
    item = {
        "id": str(offer.uuid),
        "organization_id": str(offer.organisation.uuid),
        "name": offer.name,
        **_present(
            {
                "description": offer.description,
                # The service's own website; the organisation's is the organization's.
                "url": _uri(offer.website),
                "email": contact.email if own else "",
            }
        ),
        "status": ACTIVE,
        **_present(
            {
                "application_process": offer.application_process,
                "eligibility_description": offer.eligibility_description,
                "minimum_age": offer.minimum_age,
                "maximum_age": offer.maximum_age,
                "assured_date": offer.last_verified.isoformat() if offer.last_verified else None,
            }
        ),
        "last_modified": last_modified(offer.updated_at),
    }
    if with_organization:
        item["organization"] = organization_core(offer.organisation)
    return item


def service_minimal(offer) -> dict:
    """What `minimal=true` lists: the id and when it changed, with the keys HSDS requires."""
    return {
        "id": str(offer.uuid),
        "name": offer.name,
        "status": ACTIVE,
        "last_modified": last_modified(offer.updated_at),
    }


def _attribute(offer, term, value: str = "") -> dict:
    return {
        "id": _derived("attribute", offer.uuid, term.id, value),
        "link_id": str(offer.uuid),
        "link_type": term.taxonomy.link_type,
        "link_entity": "service",
        "taxonomy_term_id": str(term.id),
        **_present({"value": value}),
        "taxonomy_term": term.as_json(),
    }


def links_by_offer(rows, catalogue: Catalogue) -> dict[int, list[tuple]]:
    """Per offer, its public links as (term, the other offer's UUID), in the order of the
    terms and then of the links (`rows`: providers.paths.selectors.public_links_of)."""
    found: dict[int, list[tuple]] = {}
    for row in rows:
        found.setdefault(row.from_offer_id, []).append(
            (catalogue.referral_term(ONWARD, row.kind), row.to_uuid)
        )
        found.setdefault(row.to_offer_id, []).append(
            (catalogue.referral_term(BACKWARD, row.kind), row.from_uuid)
        )
    order = {term.id: index for index, term in enumerate(catalogue.terms)}
    for links in found.values():
        links.sort(key=lambda link: order[link[0].id])  # stable: keeps the links' order
    return found


def attributes(offer, catalogue: Catalogue, links=()) -> list[dict]:
    """The offer's positions and list values as attributes linking to taxonomy terms.

    Per phase the offer is positioned in, one attribute of that phase; per position (cell),
    one attribute of its violence type whose value is the phase's code. Then one per entry of
    each maintained list. Then one per public referral link (`links`: the offer's entry of
    links_by_offer), whose value is the other service's id. Expects the positions and lists
    loaded with the offer (providers.selectors.published_offers(Detail.FULL))."""
    positions = list(offer.positions.all())
    items = []
    seen_phases = set()
    for position in sorted(positions, key=lambda p: (p.phase.order, p.phase.name)):
        if position.phase_id not in seen_phases:
            seen_phases.add(position.phase_id)
            items.append(_attribute(offer, catalogue.term_for(PHASES, position.phase_id)))
    for position in positions:
        term = catalogue.term_for(VIOLENCE_TYPES, position.violence_type_id)
        items.append(_attribute(offer, term, position.phase.slug))
    for name in TAXONOMY_LISTS:
        for entry in getattr(offer, name).all():
            items.append(_attribute(offer, catalogue.term_for(name, entry.pk)))
    for term, other in links:
        items.append(_attribute(offer, term, str(other)))
    return items


def _location(offer, address) -> dict:
    location_id = _derived("location", offer.uuid)
    return {
        "id": location_id,
        "location_type": "physical",
        "name": offer.name,
        "addresses": [
            {
                "id": _derived("address", offer.uuid),
                "location_id": location_id,
                "address_1": address.street,
                "city": address.city,
                # Required by HSDS; a Dutch postal address names no province.
                "state_province": "",
                "postal_code": address.postal_code,
                "country": COUNTRY,
                "address_type": "physical",
            }
        ],
    }


def service_at_location(offer, *, service: dict | None = None) -> dict | None:
    """The offer at its public address; None when it has none (confidential or not given)."""
    address = public_address(offer)
    if address is None:
        return None
    location = _location(offer, address)
    item = {
        "id": _derived("service_at_location", offer.uuid),
        "service_id": str(offer.uuid),
        "location_id": location["id"],
        "location": location,
    }
    if service is not None:
        item["service"] = service
    return item


def service_full(offer, catalogue: Catalogue, links=()) -> dict:
    """The offer fully nested: phones, contacts, areas, funding, attributes (with its public
    `links`, see attributes), location."""
    item = service_core(offer)
    service_id = item["id"]
    contact = offer_contact(offer)
    own = contact.source == ContactSource.OFFER
    phones = (
        [{"id": _derived("phone", offer.uuid), "service_id": service_id, "number": contact.phone}]
        if own and contact.phone
        else []
    )
    item["phones"] = phones
    item["contacts"] = (
        [
            {
                "id": _derived("contact", offer.uuid),
                "service_id": service_id,
                "name": contact.name,
                **_present({"email": contact.email if own else ""}),
                "phones": phones,
            }
        ]
        if contact.name
        else []
    )
    item["service_areas"] = [
        {
            "id": _derived(
                "service_area", offer.uuid, catalogue.entry_ids[("municipalities", m.pk)]
            ),
            "service_id": service_id,
            "name": m.name,
        }
        for m in offer.municipalities.all()
    ]
    item["funding"] = [
        {
            "id": _derived("funding", offer.uuid, catalogue.entry_ids[("fundings", f.pk)]),
            "service_id": service_id,
            "source": f.name,
        }
        for f in offer.fundings.all()
    ]
    # The map records no languages: an empty list, not a guess.
    item["languages"] = []
    item["attributes"] = attributes(offer, catalogue, links)
    located = service_at_location(offer)
    item["service_at_locations"] = [located] if located else []
    return item
