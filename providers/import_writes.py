"""Writing an import's offers in bulk: a handful of queries for any number of rows.

The offers import (providers/resources.py `OfferResource`) checks every row in Python and
hands the new and the changed offers here, each carrying what its row asked for:

- `_import_lists`: `{list field: [items]}` for the maintained lists that had a column;
- `_import_cells`: the set of (phase_id, violence_type_id) when the file had a positions
  column, else None.

`save_offers` then writes, inside the caller's transaction, the offers (`bulk_create` or one
version bump plus `bulk_update`), the rows of the lists' link tables, the positions, and the
history the admin would have written for the same changes: one record per offer (with its
lists in `history_lists`, see providers/history.py) and one per added or removed position,
all naming `user`. The offers' records are dated before their positions', as after a save in
the admin. Django's per-object signals are not sent, so the data version of the cache is
bumped once at the end (sociale_kaart.cache).
"""

from collections.abc import Sequence

from django.db import connection
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from providers.lists import OFFER_LIST_FIELDS
from providers.models import Offer, Position
from sociale_kaart.cache import bump_data_version

BATCH_SIZE = 500
# Offer columns the import never writes.
UNTOUCHED = {"id", "created_at", "version"}


def _chunks(items: Sequence, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _current_lists(offer: Offer, name: str) -> list:
    """The saved items of one list of `offer`, from its prefetch (nothing for a new offer)."""
    if offer.pk is None or offer._state.adding:
        return []
    return list(getattr(offer, name).all())


def final_lists(offer: Offer) -> dict[str, list]:
    """Every maintained list of `offer` as the import leaves it, `{field: [item, ...]}`."""
    wanted = getattr(offer, "_import_lists", {})
    return {
        name: wanted[name] if name in wanted else _current_lists(offer, name)
        for name in OFFER_LIST_FIELDS
    }


def save_offers(*, created: list[Offer], updated: list[Offer], user) -> None:
    """Write the `created` and `updated` offers with their lists, positions and history."""
    if not created and not updated:
        return
    now = timezone.now()
    old_lists = {offer.pk: _saved_lists(offer) for offer in updated}
    old_cells = {offer.pk: _saved_positions(offer) for offer in updated}
    if created:
        for offer in created:
            offer.created_at = offer.updated_at = now
        Offer.objects.bulk_create(created, batch_size=BATCH_SIZE)
    if updated:
        for offer in updated:
            offer.updated_at = now
        _update_offers(updated)
    offers = [*created, *updated]
    _write_lists(offers, old_lists)
    _write_history(created, updated, user=user, date=now)
    _write_positions(offers, old_cells, user=user)
    bump_data_version()


def _update_offers(offers: list[Offer]) -> None:
    """One UPDATE per offer, sent together (executemany): Django's bulk_update builds a CASE
    per column and row, which took over 20 s for a few thousand offers. The version goes up
    by one, so that a form loaded before the import refuses to overwrite it
    (providers/services.py); the rows were locked when the import loaded them."""
    columns = [field for field in Offer._meta.concrete_fields if field.attname not in UNTOUCHED]
    quote = connection.ops.quote_name
    version = quote(Offer._meta.get_field("version").column)
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = (
        f"UPDATE {quote(Offer._meta.db_table)} SET {assignments}, {version} = {version} + 1 "
        f"WHERE {quote(Offer._meta.pk.column)} = %s"
    )
    params = [
        [field.get_db_prep_save(getattr(offer, field.attname), connection) for field in columns]
        + [offer.pk]
        for offer in offers
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    for offer in offers:
        offer.version += 1


def _saved_lists(offer: Offer) -> dict[str, set[int]]:
    return {name: {item.pk for item in _current_lists(offer, name)} for name in OFFER_LIST_FIELDS}


def _saved_positions(offer: Offer) -> dict[tuple[int, int], Position]:
    return {
        (position.phase_id, position.violence_type_id): position
        for position in offer.positions.all()
    }


def _write_lists(offers: list[Offer], old_lists: dict) -> None:
    for name in OFFER_LIST_FIELDS:
        relation = Offer._meta.get_field(name)
        through = relation.remote_field.through
        target = f"{relation.m2m_reverse_field_name()}_id"
        replaced, rows = [], []
        for offer in offers:
            wanted = getattr(offer, "_import_lists", {}).get(name)
            if wanted is None:
                continue
            before = old_lists.get(offer.pk, {}).get(name, set())
            if {item.pk for item in wanted} == before:
                continue
            if before:
                replaced.append(offer.pk)
            rows.extend(through(offer_id=offer.pk, **{target: item.pk}) for item in wanted)
        for chunk in _chunks(replaced):
            through.objects.filter(offer_id__in=chunk).delete()
        through.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _list_record(items) -> list[list]:
    return [[item.pk, item.name] for item in sorted(items, key=lambda i: (i.order, i.name))]


def _write_history(created: list[Offer], updated: list[Offer], *, user, date) -> None:
    model = Offer.history.model
    records = [
        model(
            history_date=date,
            history_type=kind,
            history_user=user,
            history_lists={name: _list_record(items) for name, items in final_lists(offer).items()},
            **{
                tracked.attname: getattr(offer, tracked.attname) for tracked in model.tracked_fields
            },
        )
        for kind, offers in (("+", created), ("~", updated))
        for offer in offers
    ]
    model.objects.bulk_create(records, batch_size=BATCH_SIZE)


def _write_positions(offers: list[Offer], old_cells: dict, *, user) -> None:
    added, removed = [], []
    for offer in offers:
        cells = getattr(offer, "_import_cells", None)
        if cells is None:
            continue
        current = old_cells.get(offer.pk, {})
        removed.extend(position for cell, position in current.items() if cell not in cells)
        added.extend(
            Position(offer=offer, phase_id=phase_id, violence_type_id=violence_type_id)
            for phase_id, violence_type_id in sorted(cells - current.keys())
        )
    date = timezone.now()  # after the offers' records: these changes belong to them
    if removed:
        model = Position.history.model
        model.objects.bulk_create(
            [
                model(
                    history_date=date,
                    history_type="-",
                    history_user=user,
                    **{f.attname: getattr(position, f.attname) for f in model.tracked_fields},
                )
                for position in removed
            ],
            batch_size=BATCH_SIZE,
        )
        for chunk in _chunks([position.pk for position in removed]):
            # Without the per-object delete signals (the history is written above).
            queryset = Position.objects.filter(pk__in=chunk)
            queryset._raw_delete(queryset.db)
    if added:
        bulk_create_with_history(
            added, Position, batch_size=BATCH_SIZE, default_user=user, default_date=date
        )
