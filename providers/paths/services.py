"""Writes of referral links and pool entries: checked, in a transaction, in Dutch.

A partner speaks only for its own organisations (`organisation_ids_for`): it proposes a link
for its own offer, confirms a proposal made to its organisation, and ends a link it is a side
of. Nobody can confirm a link alone: the organisation that did not propose it confirms.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from providers.admin_scoping import organisation_ids_for
from providers.models import Offer
from providers.paths.models import PoolEntry, ReferralLink

# Whether the partner's own offer comes before ("hiervoor": it takes over from the other) or
# hands over to the other ("hierna").
ONWARD = "hierna"
BACKWARD = "hiervoor"
DIRECTIONS = [
    (ONWARD, "Mijn aanbod verwijst door naar het andere aanbod (hierna)"),
    (BACKWARD, "Mijn aanbod neemt over van het andere aanbod (hiervoor)"),
]

STATUS_WORDS = {Offer.Status.DRAFT: "nog niet gepubliceerd", Offer.Status.ARCHIVED: "gearchiveerd"}


def manages(user, organisation_id) -> bool:
    ids = organisation_ids_for(user)
    return ids is None or organisation_id in ids


def link_problems(*, own_offer: Offer, other_offer: Offer, direction: str, kind: str) -> dict:
    """What is wrong with the proposed link, as form errors by field (empty: nothing)."""
    problems = {}
    if own_offer.pk == other_offer.pk:
        problems["other_offer"] = "Een aanbod kan niet naar zichzelf verwijzen."
        return problems
    if own_offer.status == Offer.Status.ARCHIVED:
        problems["own_offer"] = "Dit aanbod is gearchiveerd; het kan geen verwijzing krijgen."
    if other_offer.status != Offer.Status.PUBLISHED:
        problems["other_offer"] = (
            f"Dit aanbod is {STATUS_WORDS[other_offer.status]}; u kunt alleen naar "
            "gepubliceerd aanbod verwijzen."
        )
        return problems
    source, target = (own_offer, other_offer) if direction == ONWARD else (other_offer, own_offer)
    active = ReferralLink.objects.active()
    if active.filter(from_offer=source, to_offer=target, kind=kind).exists():
        problems["__all__"] = "Deze verwijzing bestaat al (voorgesteld of bevestigd)."
    elif active.filter(from_offer=target, to_offer=source, kind=kind).exists():
        problems["__all__"] = (
            "Dit maakt een kringetje: het andere aanbod draagt in dezelfde soort overgang al "
            "over aan dit aanbod. Kies een andere soort overgang of beëindig eerst de andere "
            "verwijzing."
        )
    return problems


@transaction.atomic
def link_propose(
    *, user, own_offer: Offer, other_offer: Offer, direction: str, kind: str, note: str = ""
) -> ReferralLink:
    """Record a link for the user's own offer. Between two offers of one organisation it is
    confirmed at once; otherwise it waits for the other organisation."""
    if not manages(user, own_offer.organisation_id):
        raise PermissionDenied
    # Lock both offers, so that two proposals at once cannot both pass the duplicate check.
    locked = {
        o.pk: o
        for o in Offer.objects.select_for_update().filter(pk__in=[own_offer.pk, other_offer.pk])
    }
    own_offer, other_offer = locked[own_offer.pk], locked.get(other_offer.pk, other_offer)
    problems = link_problems(
        own_offer=own_offer, other_offer=other_offer, direction=direction, kind=kind
    )
    if problems:
        raise ValidationError(problems)
    source, target = (own_offer, other_offer) if direction == ONWARD else (other_offer, own_offer)
    link = ReferralLink(
        from_offer=source,
        to_offer=target,
        kind=kind,
        note=note,
        proposed_by_id=own_offer.organisation_id,
    )
    if source.organisation_id == target.organisation_id:
        link.status = ReferralLink.Status.CONFIRMED
        link.confirmed_at = timezone.now()
    link.full_clean()
    link.save()
    return link


def other_side(link: ReferralLink) -> int:
    """The organisation that must confirm `link`: the one that did not propose it."""
    ids = {link.from_offer.organisation_id, link.to_offer.organisation_id}
    others = ids - {link.proposed_by_id}
    return others.pop() if others else link.proposed_by_id


def can_confirm(user, link: ReferralLink) -> bool:
    return link.status == ReferralLink.Status.PROPOSED and manages(user, other_side(link))


def can_end(user, link: ReferralLink) -> bool:
    return link.status != ReferralLink.Status.ENDED and (
        manages(user, link.from_offer.organisation_id)
        or manages(user, link.to_offer.organisation_id)
    )


def _locked(link: ReferralLink) -> ReferralLink:
    return (
        ReferralLink.objects.select_for_update()
        .select_related("from_offer", "to_offer")
        .get(pk=link.pk)
    )


@transaction.atomic
def link_confirm(*, user, link: ReferralLink) -> ReferralLink:
    link = _locked(link)
    if not manages(user, other_side(link)):
        raise PermissionDenied
    if link.status != ReferralLink.Status.PROPOSED:
        raise ValidationError("Deze verwijzing wacht niet (meer) op bevestiging.")
    link.status = ReferralLink.Status.CONFIRMED
    link.confirmed_at = timezone.now()
    link.save()
    return link


@transaction.atomic
def link_end(*, user, link: ReferralLink) -> ReferralLink:
    """Either side ends a link (a proposal too: withdrawn or declined). It stays on record."""
    link = _locked(link)
    sides = [link.from_offer.organisation_id, link.to_offer.organisation_id]
    own = [pk for pk in sides if manages(user, pk)]
    if not own:
        raise PermissionDenied
    if link.status == ReferralLink.Status.ENDED:
        raise ValidationError("Deze verwijzing is al beëindigd.")
    link.status = ReferralLink.Status.ENDED
    link.ended_at = timezone.now()
    link.ended_by_id = own[0]
    link.save()
    return link


def pool_problems(*, availability, frameworks, violence_types) -> dict:
    """What is wrong with a pool entry, as form errors by field (empty: nothing)."""
    problems = {}
    if availability is not None and availability <= 0:
        problems["availability"] = (
            "Geef een beschikbaarheid van minstens 1 (personen of uren per maand); "
            "wie niets kan inzetten, hoeft niet in de pool."
        )
    if not frameworks:
        problems["frameworks"] = "Kies minstens één analysekader."
    else:
        framework_ids = {f.pk for f in frameworks}
        outside = [vt.name for vt in violence_types if vt.framework_id not in framework_ids]
        if outside:
            problems["violence_types"] = (
                "Deze geweldsvormen horen niet bij de gekozen analysekaders: "
                + ", ".join(outside)
                + "."
            )
    return problems


@transaction.atomic
def pool_entry_save(*, user, entry: PoolEntry, lists: dict) -> PoolEntry:
    """Save `entry` with its lists (`frameworks`, `violence_types`, `phases`,
    `deployment_kinds`: iterables of objects) for one of the user's organisations."""
    if not manages(user, entry.organisation_id):
        raise PermissionDenied
    problems = pool_problems(
        availability=entry.availability,
        frameworks=list(lists.get("frameworks", [])),
        violence_types=list(lists.get("violence_types", [])),
    )
    if problems:
        raise ValidationError(problems)
    entry.full_clean()
    entry.save()
    for name, values in lists.items():
        getattr(entry, name).set(values)
    return entry
