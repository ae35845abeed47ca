"""Writes to offers and organisations: validated, in one transaction, with the acting user in
the history, and never over someone else's newer save (optimistic locking on `version`).
Generated slugs have no window between choosing and saving: a save that loses its slug to a
parallel one tries the next free slug (`_save_versioned`)."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from providers.models import Offer, Organisation, Position

EDIT_CONFLICT = (
    "Iemand anders heeft {subject} intussen gewijzigd; uw wijziging is daarom niet opgeslagen. "
    "Uw invoer staat nog in het formulier; bekijk de wijzigingen en sla opnieuw op."
)
SUBJECTS = {Offer: "dit aanbod", Organisation: "deze organisatie"}


def edit_conflict(instance: models.Model) -> ValidationError:
    """The Dutch refusal of a save over a newer version of `instance`."""
    subject = SUBJECTS.get(type(instance), "dit item")
    return ValidationError(EDIT_CONFLICT.format(subject=subject), code="edit_conflict")


def locked_version(instance: models.Model) -> int | None:
    """The saved version of `instance` (None once deleted), its row locked until the current
    transaction ends, so that no other save slips in before this one (PostgreSQL; SQLite
    serialises writers anyway)."""
    rows = (
        type(instance)
        ._default_manager.filter(pk=instance.pk)
        .order_by()
        .select_for_update()
        .values_list("version", flat=True)
    )
    return next(iter(rows), None)


def claim_version(instance: models.Model, *, expected_version: int | None) -> None:
    """Raise the saved version of `instance` by one and set the new number on `instance`.

    With `expected_version`, the version the user's form was loaded with, this is a single
    `UPDATE ... WHERE pk = ? AND version = ?`: when it changes no row, someone else saved
    in between (or deleted it) and the save is refused with `edit_conflict`. Without it
    (imports, scripts) the version is raised unconditionally. Call it inside the transaction
    that then saves `instance`.
    """
    rows = type(instance)._default_manager.filter(pk=instance.pk)
    if expected_version is None:
        if not rows.update(version=F("version") + 1):
            raise edit_conflict(instance)
        instance.version = rows.values_list("version", flat=True).get()
        return
    if not rows.filter(version=expected_version).update(version=F("version") + 1):
        raise edit_conflict(instance)
    instance.version = expected_version + 1


#: How often a save with a generated slug is tried again when another save took the slug in
#: the meantime (each try reads the slugs taken then, so a few suffice even under load).
SLUG_ATTEMPTS = 25


def unique_slug(model, name: str, *, exclude_pk=None, fallback: str) -> str:
    """A slug for a `model` called `name` that no other row uses ("naam", "naam-2", ...)."""
    base = slugify(name)[:190] or fallback
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def unique_offer_slug(name: str, *, exclude_pk=None) -> str:
    """A slug for an offer called `name` that no other offer uses ("naam", "naam-2", ...)."""
    return unique_slug(Offer, name, exclude_pk=exclude_pk, fallback="aanbod")


def _save_versioned(
    instance: models.Model, *, user, expected_version: int | None, fresh_slug=None
) -> None:
    """Save `instance` in a transaction, claiming its version first.

    With `fresh_slug` (the slug was generated here, not chosen by the user) a save that the
    database refuses (IntegrityError: another save took the slug at the same moment) is
    rolled back to a savepoint and tried again with the slug that is free now, so that
    parallel saves of the same name all succeed ("naam", "naam-2", ...). The same slug is
    tried once more (the competing save may have been rolled back); a second refusal of
    one slug is no slug conflict and is raised."""
    instance._history_user = user
    with transaction.atomic():
        if not instance._state.adding:
            claim_version(instance, expected_version=expected_version)
        if fresh_slug is None:
            instance.save()
            return
        refused = set()
        for attempt in range(SLUG_ATTEMPTS):
            try:
                with transaction.atomic():
                    instance.save()
                return
            except IntegrityError:
                if attempt == SLUG_ATTEMPTS - 1 or instance.slug in refused:
                    raise
                refused.add(instance.slug)
                instance.slug = fresh_slug()


def offer_save(
    *, offer: Offer, user, verified: bool = False, expected_version: int | None = None
) -> Offer:
    """Validate and save `offer` (new or changed).

    A new offer without a slug gets one from its name. With `verified`, the user confirms
    that the data are correct: `last_verified` becomes today. A change made in a form passes
    the version the form was loaded with as `expected_version`: if someone else saved the
    offer since, nothing is saved and a ValidationError (`edit_conflict`) is raised.
    """
    fresh_slug = None
    if not offer.slug:

        def fresh_slug():
            return unique_offer_slug(offer.name, exclude_pk=offer.pk)

        offer.slug = fresh_slug()
    if verified:
        offer.last_verified = timezone.localdate()
    # A generated slug is not checked here: one taken meanwhile is replaced while saving.
    offer.full_clean(exclude=["slug"] if fresh_slug else None)
    _save_versioned(offer, user=user, expected_version=expected_version, fresh_slug=fresh_slug)
    return offer


def organisation_save(
    *, organisation: Organisation, user, expected_version: int | None = None
) -> Organisation:
    """Validate and save `organisation`; `expected_version` as for `offer_save`. An
    organisation without a slug gets one from its name, as a new offer does."""
    fresh_slug = None
    if not organisation.slug:

        def fresh_slug():
            return unique_slug(
                Organisation, organisation.name, exclude_pk=organisation.pk, fallback="organisatie"
            )

        organisation.slug = fresh_slug()
    organisation.full_clean(exclude=["slug"] if fresh_slug else None)
    _save_versioned(
        organisation, user=user, expected_version=expected_version, fresh_slug=fresh_slug
    )
    return organisation


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


VERIFIED_REASON = "Gegevens gecontroleerd"
CONFIRMED_REASON = "Gegevens bevestigd op de startpagina"


def offers_mark_verified(*, offers, user, reason: str = VERIFIED_REASON) -> int:
    """Record that `user` confirmed today that the data of `offers` are correct; each offer
    gets a history entry with `reason` as its change reason."""
    today = timezone.localdate()
    with transaction.atomic():
        pks = list(offers.values_list("pk", flat=True))
        offers = list(Offer.objects.filter(pk__in=pks).order_by().select_for_update())
        # A form loaded before this moment must not write the old date back.
        Offer.objects.filter(pk__in=pks).update(version=F("version") + 1)
        for offer in offers:
            offer.last_verified = today
        bulk_update_with_history(
            offers, Offer, ["last_verified"], default_user=user, default_change_reason=reason
        )
    return len(offers)


def organisation_confirm_offers(*, organisation: Organisation, user) -> int:
    """`user` confirms that all offers of `organisation` are still correct (the start page's
    "Gegevens zijn nog juist"): all of them get today's date, in one transaction."""
    return offers_mark_verified(
        offers=Offer.objects.filter(organisation=organisation), user=user, reason=CONFIRMED_REASON
    )
