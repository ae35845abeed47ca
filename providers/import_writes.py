"""Writing an import's offers in bulk: a handful of queries for any number of rows.

The offers import (providers/resources.py `OfferResource`) checks every row in Python and
hands the new and the changed offers here, each carrying what its row asked for:

- `_import_lists`: `{list field: [items]}` for the maintained lists that had a column;
- `_import_cells`: the set of (phase_id, violence_type_id) when the file had a positions
  column, else None;
- for an existing offer, what is saved now (`load_saved`, a few queries for all of them):
  `_saved_lists`, `{list field: {item id, ...}}`, and `_saved_positions`, `{cell: id}`.

`save_offers` then writes, inside the caller's transaction, the offers (`bulk_create` or one
version bump plus `bulk_update`), the rows of the lists' link tables, the positions, and the
history the admin would have written for the same changes: one record per offer (with its
lists in `history_lists`, see providers/history.py) and one per added or removed position,
all naming `user`. The offers' records are dated before their positions', as after a save in
the admin. Django's per-object signals are not sent, so the data version of the cache is
bumped once at the end (sociale_kaart.cache).

The rows go in as plain `INSERT`/`UPDATE` statements sent together (`executemany`), each value
prepared by its model field: Django's bulk_create builds a model object and prepares every
field of every row through its compiler, which took most of the time for the 200,000 or so
rows (positions, their history, list links) of a 10,000-row file.
"""

from collections.abc import Sequence

from django.db import connection
from django.utils import timezone

from providers.lists import OFFER_LIST_FIELDS
from providers.models import Offer, Position
from sociale_kaart.cache import bump_data_version

BATCH_SIZE = 2000
# Offer columns the import never writes.
UNTOUCHED = {"id", "created_at", "version"}


def _chunks(items: Sequence, size: int = BATCH_SIZE):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Reading what is saved ----------------------------------------------------------------------


def _list_relation(name: str):
    relation = Offer._meta.get_field(name)
    return relation.remote_field.through, f"{relation.m2m_reverse_field_name()}_id"


def load_saved(offers: Sequence[Offer]) -> None:
    """Attach the saved lists and positions to existing `offers`: one query per list and one
    for the positions per 2,000 offers, plain values, no model objects."""
    by_pk = {offer.pk: offer for offer in offers}
    for offer in offers:
        offer._saved_lists = {name: set() for name in OFFER_LIST_FIELDS}
        offer._saved_positions = {}
    for chunk in _chunks(list(by_pk)):
        for name in OFFER_LIST_FIELDS:
            through, target = _list_relation(name)
            rows = through.objects.filter(offer_id__in=chunk).values_list("offer_id", target)
            for offer_id, item_id in rows:
                by_pk[offer_id]._saved_lists[name].add(item_id)
        positions = (
            Position.objects.filter(offer_id__in=chunk)
            .order_by()
            .values_list("id", "offer_id", "phase_id", "violence_type_id")
        )
        for pk, offer_id, phase_id, violence_type_id in positions:
            by_pk[offer_id]._saved_positions[(phase_id, violence_type_id)] = pk


def saved_lists(offer: Offer) -> dict[str, set[int]]:
    return getattr(offer, "_saved_lists", None) or {name: set() for name in OFFER_LIST_FIELDS}


def saved_positions(offer: Offer) -> dict[tuple[int, int], int]:
    return getattr(offer, "_saved_positions", None) or {}


# Writing ------------------------------------------------------------------------------------


def _insert(model, rows: list[dict]) -> None:
    """INSERT `rows` (attname -> value) into `model`'s table, all statements sent together."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in rows[0]]
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    prepared = [
        [field.get_db_prep_save(row[field.attname], connection) for field in fields] for row in rows
    ]
    with connection.cursor() as cursor:
        for chunk in _chunks(prepared):
            cursor.executemany(sql, chunk)


def save_offers(*, created: list[Offer], updated: list[Offer], user) -> None:
    """Write the `created` and `updated` offers with their lists, positions and history."""
    if not created and not updated:
        return
    now = timezone.now()
    if created:
        for offer in created:
            offer.created_at = offer.updated_at = now
        Offer.objects.bulk_create(created, batch_size=500)  # their ids are needed
    if updated:
        for offer in updated:
            offer.updated_at = now
        _update_offers(updated)
    offers = [*created, *updated]
    _write_lists(offers)
    _write_history(created, updated, user=user, date=now)
    _write_positions(offers, user=user)
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
        for chunk in _chunks(params):
            cursor.executemany(sql, chunk)
    for offer in offers:
        offer.version += 1


def _write_lists(offers: list[Offer]) -> None:
    for name in OFFER_LIST_FIELDS:
        through, target = _list_relation(name)
        replaced, rows = [], []
        for offer in offers:
            wanted = getattr(offer, "_import_lists", {}).get(name)
            if wanted is None:
                continue
            before = saved_lists(offer)[name]
            if {item.pk for item in wanted} == before:
                continue
            if before:
                replaced.append(offer.pk)
            rows.extend({"offer_id": offer.pk, target: item.pk} for item in wanted)
        for chunk in _chunks(replaced):
            through.objects.filter(offer_id__in=chunk).delete()
        _insert(through, rows)


def _final_lists(offer: Offer, items: dict) -> dict[str, list[list]]:
    """Every maintained list of `offer` as the import leaves it, as a history record keeps
    it: `{field: [[id, name], ...]}` in the lists' order."""
    wanted = getattr(offer, "_import_lists", {})
    lists = {}
    for name in OFFER_LIST_FIELDS:
        if name in wanted:
            chosen = [(item.order, item.name, item.pk) for item in wanted[name]]
        else:
            chosen = [items[name][pk] for pk in saved_lists(offer)[name]]
        lists[name] = [[pk, item_name] for _order, item_name, pk in sorted(chosen)]
    return lists


def _write_history(created: list[Offer], updated: list[Offer], *, user, date) -> None:
    model = Offer.history.model
    items = {
        name: {
            pk: (order, item_name, pk)
            for pk, item_name, order in Offer._meta.get_field(name)
            .related_model.objects.order_by()
            .values_list("pk", "name", "order")
        }
        for name in OFFER_LIST_FIELDS
    }
    tracked = [field.attname for field in model.tracked_fields]
    base = {
        "history_date": date,
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": None,
    }
    _insert(
        model,
        [
            {
                **base,
                "history_type": kind,
                "history_lists": _final_lists(offer, items),
                **{name: getattr(offer, name) for name in tracked},
            }
            for kind, offers in (("+", created), ("~", updated))
            for offer in offers
        ],
    )


def _write_positions(offers: list[Offer], *, user) -> None:
    added, removed = [], []
    for offer in offers:
        cells = getattr(offer, "_import_cells", None)
        if cells is None:
            continue
        current = saved_positions(offer)
        removed.extend((pk, offer.pk, cell) for cell, pk in current.items() if cell not in cells)
        added.extend((offer.pk, cell) for cell in sorted(cells - current.keys()))
    model = Position.history.model
    date = timezone.now()  # after the offers' records: these changes belong to them
    base = {
        "history_date": date,
        "history_user_id": getattr(user, "pk", None),
        "history_change_reason": None,
    }
    history = [
        {
            **base,
            "history_type": "-",
            "id": pk,
            "offer_id": offer_id,
            "phase_id": phase_id,
            "violence_type_id": violence_type_id,
        }
        for pk, offer_id, (phase_id, violence_type_id) in removed
    ]
    for chunk in _chunks([pk for pk, _offer_id, _cell in removed]):
        # Without the per-object delete signals (the history is written here).
        queryset = Position.objects.filter(pk__in=chunk)
        queryset._raw_delete(queryset.db)
    _insert(
        Position,
        [
            {"offer_id": offer_id, "phase_id": phase_id, "violence_type_id": violence_type_id}
            for offer_id, (phase_id, violence_type_id) in added
        ],
    )
    # The new positions' ids, for their history: read back by their (unique) cells.
    wanted = set(added)
    for chunk in _chunks(sorted({offer_id for offer_id, _cell in added})):
        rows = (
            Position.objects.filter(offer_id__in=chunk)
            .order_by()
            .values_list("id", "offer_id", "phase_id", "violence_type_id")
        )
        history.extend(
            {
                **base,
                "history_type": "+",
                "id": pk,
                "offer_id": offer_id,
                "phase_id": phase_id,
                "violence_type_id": violence_type_id,
            }
            for pk, offer_id, phase_id, violence_type_id in rows
            if (offer_id, (phase_id, violence_type_id)) in wanted
        )
    _insert(model, history)
