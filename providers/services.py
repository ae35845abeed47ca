"""Writes to offers: validated, in one transaction, with the acting user in the history."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from providers.models import Offer, Position


def unique_offer_slug(name: str, *, exclude_pk=None) -> str:
    """A slug for an offer called `name` that no other offer uses ("naam", "naam-2", ...)."""
    base = slugify(name)[:190] or "aanbod"
    taken = set(
        Offer.objects.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def offer_save(*, offer: Offer, user, verified: bool = False) -> Offer:
    """Validate and save `offer` (new or changed).

    A new offer without a slug gets one from its name. With `verified`, the user confirms
    that the data are correct: `last_verified` becomes today.
    """
    if not offer.slug:
        offer.slug = unique_offer_slug(offer.name, exclude_pk=offer.pk)
    if verified:
        offer.last_verified = timezone.localdate()
    offer.full_clean()
    offer._history_user = user
    with transaction.atomic():
        offer.save()
    return offer


def offer_set_positions(*, offer: Offer, user, cells: set[tuple[int, int]]) -> tuple[int, int]:
    """Make the offer cover exactly `cells`, (phase_id, violence_type_id) pairs.

    Creates and deletes Position rows (never rewrites them), so that the history records
    every added and removed cell with `user`. Returns (added, removed).
    """
    with transaction.atomic():
        current = {
            (position.phase_id, position.violence_type_id): position
            for position in offer.positions.order_by().select_for_update()
        }
        removed = [position for cell, position in current.items() if cell not in cells]
        for position in removed:
            position._history_user = user
            position.delete()
        added = [
            Position(offer=offer, phase_id=phase_id, violence_type_id=violence_type_id)
            for phase_id, violence_type_id in sorted(cells - current.keys())
        ]
        if added:
            bulk_create_with_history(added, Position, default_user=user)
    return len(added), len(removed)


def offers_mark_verified(*, offers, user) -> int:
    """Record that `user` confirmed today that the data of `offers` are correct."""
    today = timezone.localdate()
    with transaction.atomic():
        pks = list(offers.values_list("pk", flat=True))
        offers = list(Offer.objects.filter(pk__in=pks).order_by().select_for_update())
        for offer in offers:
            offer.last_verified = today
        bulk_update_with_history(offers, Offer, ["last_verified"], default_user=user)
    return len(offers)
