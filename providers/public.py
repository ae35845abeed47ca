"""What the public may see of an offer: one place for the offer page and the JSON API.

A confidential address (Offer.address_confidential) never leaves this module: neither the
street nor the postal code nor the city.

How to reach an offer is decided here too (`offer_contact`): the search results, the offer
page, the organisation page and the JSON all show the same contact.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.db.models import Q
from django.urls import reverse

from providers.models import Offer
from providers.verification import is_overdue


@dataclass(frozen=True)
class PublicAddress:
    street: str
    postal_code: str
    city: str


def public_address(offer: Offer) -> PublicAddress | None:
    """The offer's address when it may be shown; None when confidential or not given."""
    if offer.address_confidential:
        return None
    if not (offer.address or offer.postal_code or offer.city):
        return None
    return PublicAddress(street=offer.address, postal_code=offer.postal_code, city=offer.city)


def public_address_condition() -> Q:
    """The offers whose address `public_address` shows, as a condition on the offer."""
    given = ~Q(address="") | ~Q(postal_code="") | ~Q(city="")
    return Q(address_confidential=False) & given


class ContactSource(StrEnum):
    OFFER = "offer"  # the offer's own phone or e-mail
    ORGANISATION = "organisation"  # the offer has none; its organisation's
    NONE = "none"  # neither has a phone or e-mail


@dataclass(frozen=True)
class Contact:
    """Whom to call or mail about an offer. `website` is shown beside, never instead of, a
    phone number or e-mail address: a website alone is no way to reach someone."""

    source: ContactSource
    name: str = ""  # the contact person, when the offer names one
    phone: str = ""
    email: str = ""
    website: str = ""
    organisation_name: str = ""

    @property
    def found(self) -> bool:
        return self.source != ContactSource.NONE

    @property
    def phone_uri(self) -> str:
        """The phone number as a `tel:` link: without spaces, which a URI may not hold."""
        return "tel:" + "".join(self.phone.split()) if self.phone else ""

    def as_json(self) -> dict:
        return {
            "source": self.source.value,
            "name": self.name,
            "phone": self.phone,
            "email": self.email,
            "website": self.website,
        }


def offer_contact(offer: Offer) -> Contact:
    """How to reach `offer`: its own phone and e-mail (with its contact person); else its
    organisation's, still naming the offer's contact person to ask for; else no contact, with
    a website to look on if the offer or its organisation has one.

    Reads `offer.organisation`: select it with the offer (the selectors do) to keep a list of
    offers at one query.
    """
    organisation = offer.organisation
    if offer.phone or offer.email:
        return Contact(
            source=ContactSource.OFFER,
            name=offer.contact_name,
            phone=offer.phone,
            email=offer.email,
            website=offer.website or organisation.website,
            organisation_name=organisation.name,
        )
    if organisation.phone or organisation.email:
        return Contact(
            source=ContactSource.ORGANISATION,
            name=offer.contact_name,
            phone=organisation.phone,
            email=organisation.email,
            website=organisation.website or offer.website,
            organisation_name=organisation.name,
        )
    return Contact(
        source=ContactSource.NONE,
        name=offer.contact_name,
        website=offer.website or organisation.website,
        organisation_name=organisation.name,
    )


def _refs(items, *extra) -> list[dict]:
    return [
        {"slug": item.slug, "name": item.name, **{name: getattr(item, name) for name in extra}}
        for item in items
    ]


def _date(value):
    return value.isoformat() if value else None


def offer_as_json(offer: Offer) -> dict:
    """The public JSON of an offer. Names follow Open Referral HSDS where it has one.

    Expects the lists prefetched (`providers.selectors.published_offers(Detail.FULL)`).
    """
    address = public_address(offer)
    return {
        "slug": offer.slug,
        "name": offer.name,
        "description": offer.description,
        "url": reverse("providers:offer-detail", kwargs={"slug": offer.slug}),
        "api_url": reverse("providers:api-offer-detail", kwargs={"slug": offer.slug}),
        "organisation": {"slug": offer.organisation.slug, "name": offer.organisation.name},
        "positions": [
            {
                "framework": position.violence_type.framework.slug,
                "phase": position.phase.slug,
                "violence_type": position.violence_type.slug,
            }
            for position in offer.positions.all()
        ],
        "target_groups": _refs(offer.target_groups.all()),
        "age_groups": _refs(offer.age_groups.all()),
        "minimum_age": offer.minimum_age,
        "maximum_age": offer.maximum_age,
        "eligibility_description": offer.eligibility_description,
        "legal_frameworks": _refs(offer.legal_frameworks.all()),
        "methods": _refs(offer.methods.all()),
        "treatment_factors": _refs(offer.treatment_factors.all(), "code"),
        "works_with_experience_experts": offer.works_with_experience_experts,
        "offers_peer_group": offer.offers_peer_group,
        "duration": offer.duration or None,
        "duration_description": offer.duration_description,
        "fundings": _refs(offer.fundings.all()),
        "capacity_per_year": offer.capacity_per_year,
        "current_occupancy": offer.current_occupancy,
        "capacity_updated_on": _date(offer.capacity_updated_on),
        "waiting_weeks": offer.waiting_weeks,
        "self_referral": offer.self_referral,
        "application_process": offer.application_process,
        "municipalities": _refs(offer.municipalities.all()),
        "contact_name": offer.contact_name,
        "phone": offer.phone,
        "email": offer.email,
        "website": offer.website,
        # How to reach the offer (providers.public.offer_contact): the fields above are the
        # offer's own and may be empty; this falls back to the organisation.
        "contact": offer_contact(offer).as_json(),
        "address": (
            {
                "address_1": address.street,
                "postal_code": address.postal_code,
                "city": address.city,
            }
            if address
            else None
        ),
        # HSDS calls the date an entry was last confirmed `assured_date`.
        "assured_date": _date(offer.last_verified),
        "last_verified": _date(offer.last_verified),
        "verification_overdue": is_overdue(offer),
        "updated_at": offer.updated_at.isoformat(),
        # In a search: the filters of the query whose fact this offer left empty.
        "unknown_facts": [],
    }
