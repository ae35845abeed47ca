"""The offer's history as the admin shows it: one entry per save, with the maintained lists and
the positions that save changed, and what a version held (to view or revert it).

Recording. Positions keep their own history (providers.models.Position). The maintained lists
(providers.lists) keep none of their own; each historical record of an offer carries them in
`history_lists`, `{field: [[id, name], ...]}`, as they stood after that save:

- a new record starts with the lists as they are at that moment (empty for a new offer);
- a save writes the offer's fields first and its lists after (the admin's form, the import):
  a change to a list of the same offer object updates the record that object's save made;
- a list changed on an offer object that made no record fills the offer's latest record if
  that holds no lists (below), and otherwise gets a record of its own.

Bulk writes (simple-history's bulk_*_with_history) send no signals; their records hold None,
"not recorded", until a list change right after them fills them in (the baseline creates its
offers in bulk, then sets their lists). A record without lists counts as holding those of the
record before it.

Reading. A save's position changes are those recorded from its record up to the offer's next
record: the admin saves the offer, then its positions. A deleted offer's record is dated
before its positions are deleted with it, so that those deletions belong to it.
"""

from dataclasses import dataclass, field
from functools import partial

from django.db.models import CharField, Value
from django.db.models.signals import m2m_changed, pre_delete
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.signals import post_create_historical_record, pre_create_historical_record

from providers.lists import OFFER_LIST_FIELDS
from providers.models import OFFER_RECORD_FIELDS, Offer, Position
from sociale_kaart.admin import EMPTY_VALUE

# The attribute of an offer object that points to the historical record its last save made.
RECORD_ATTRIBUTE = "_lists_history_record"

# The order of the offer form: changes are listed in it.
FORM_ORDER = {
    name: index
    for index, name in enumerate(
        ["organisation", "name", "slug", "status", *OFFER_RECORD_FIELDS, "source", "last_verified"]
    )
}


def _list_rows(name: str, offer_ids):
    relation = Offer._meta.get_field(name)
    target = relation.m2m_reverse_field_name()
    return relation.remote_field.through.objects.filter(offer_id__in=offer_ids).values_list(
        Value(name, output_field=CharField()),
        "offer_id",
        f"{target}__id",
        f"{target}__name",
        f"{target}__order",
    )


def current_lists(offer_id: int, names=OFFER_LIST_FIELDS) -> dict[str, list[list]]:
    """The maintained lists `names` of the offer as saved now, `{field: [[id, name], ...]}` in
    the order of the lists; one query."""
    parts = [_list_rows(name, [offer_id]) for name in names]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    lists = {name: [] for name in names}
    for name, _offer_id, pk, item_name, _order in sorted(rows, key=lambda row: (row[4], row[3])):
        lists[name].append([pk, item_name])
    return lists


# Recording.


def _start_record(sender, instance, history_instance, **kwargs):
    if history_instance.history_type == "+":
        history_instance.history_lists = {name: [] for name in OFFER_LIST_FIELDS}
    elif history_instance.history_type == "~":
        history_instance.history_lists = current_lists(instance.pk)


def _remember_record(sender, instance, history_instance, **kwargs):
    setattr(instance, RECORD_ATTRIBUTE, history_instance)


def _record_of_its_own(offer_id: int, user=None):
    """A record for a list changed outside a save: the offer as saved, with its lists now."""
    offer = Offer.objects.get(pk=offer_id)
    model = Offer.history.model
    return model.objects.create(
        history_date=timezone.now(),
        history_type="~",
        history_user=user or model.get_default_history_user(offer),
        history_lists=current_lists(offer_id),
        **{tracked.attname: getattr(offer, tracked.attname) for tracked in model.tracked_fields},
    )


def _lists_changed(sender, instance, action, reverse, pk_set, list_field: str, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if action != "post_clear" and not pk_set:
        return  # nothing was added or removed
    if reverse:
        # Changed from the list's side (`method.offer_set.add(offer)`); a clear from that side
        # names no offers and is not recorded.
        for offer_id in pk_set or ():
            _record_of_its_own(offer_id)
        return
    record = getattr(instance, RECORD_ATTRIBUTE, None)
    if record is None:
        latest = Offer.history.filter(id=instance.pk).order_by("-history_date").first()
        if latest is not None and latest.history_lists is None and latest.history_type != "-":
            record = latest
            record.history_lists = current_lists(instance.pk)
            type(record).objects.filter(pk=record.pk).update(history_lists=record.history_lists)
        else:
            record = _record_of_its_own(instance.pk, getattr(instance, "_history_user", None))
        # Remembered, so that the rest of the same change (`set` removes, then adds) joins it.
        setattr(instance, RECORD_ATTRIBUTE, record)
        return
    record.history_lists = {**record.history_lists, **current_lists(instance.pk, [list_field])}
    type(record).objects.filter(pk=record.pk).update(history_lists=record.history_lists)


def _date_the_deletion(sender, instance, **kwargs):
    # Dated now, before the offer's positions are deleted (and recorded) with it.
    instance._history_date = timezone.now()


def connect_signals() -> None:
    """Called once, from ProvidersConfig.ready()."""
    historical_offer = Offer.history.model
    pre_create_historical_record.connect(
        _start_record, sender=historical_offer, dispatch_uid="offer-lists-start"
    )
    post_create_historical_record.connect(
        _remember_record, sender=historical_offer, dispatch_uid="offer-lists-remember"
    )
    for name in OFFER_LIST_FIELDS:
        m2m_changed.connect(
            partial(_lists_changed, list_field=name),
            sender=Offer._meta.get_field(name).remote_field.through,
            weak=False,
            dispatch_uid=f"offer-lists-{name}",
        )
    pre_delete.connect(_date_the_deletion, sender=Offer, dispatch_uid="offer-deletion-date")


# Reading: what a version held.


@dataclass
class VersionState:
    """What an offer held at one version: its cells, (phase_id, violence_type_id), and its
    lists, `{field: [id, ...]}`, or None when they were not recorded."""

    positions: set[tuple[int, int]]
    lists: dict[str, list[int]] | None


def _positions_before(offer_id: int, before):
    records = Position.history.filter(offer_id=offer_id)
    if before is not None:
        records = records.filter(history_date__lt=before)
    return {
        (phase_id, violence_type_id)
        for phase_id, violence_type_id, kind in records.latest_of_each().values_list(
            "phase_id", "violence_type_id", "history_type"
        )
        if kind != "-"
    }


def version_state(record) -> VersionState:
    """The cells and lists of the offer at the version `record`; three queries at most."""
    records = Offer.history.filter(id=record.id)
    following = (
        records.filter(history_date__gt=record.history_date)
        .order_by("history_date")
        .values_list("history_date", flat=True)
        .first()
    )
    lists = record.history_lists
    if lists is None:
        lists = (
            records.filter(history_date__lt=record.history_date, history_lists__isnull=False)
            .order_by("-history_date")
            .values_list("history_lists", flat=True)
            .first()
        )
    return VersionState(
        positions=_positions_before(record.id, following),
        lists=None
        if lists is None
        else {name: [item[0] for item in items] for name, items in lists.items()},
    )


# Reading: the history page.


def _count(number: int, singular: str, plural: str) -> str:
    return f"{number} {singular if number == 1 else plural}"


@dataclass
class PositionChanges:
    """The cells one save added to and removed from an offer, by name."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(self.added or self.removed)

    @property
    def summary(self) -> str:
        """For example "3 posities toegevoegd, 1 verwijderd"."""
        parts = []
        if self.added:
            parts.append(f"{_count(len(self.added), 'positie', 'posities')} toegevoegd")
        if self.removed:
            noun = (
                str(len(self.removed))
                if self.added
                else _count(len(self.removed), "positie", "posities")
            )
            parts.append(f"{noun} verwijderd")
        return ", ".join(parts)


def _position_changes(records) -> PositionChanges:
    """The net change of the position records of one save (in date order), per cell."""
    first, last = {}, {}
    for record in records:
        cell = (record.phase_id, record.violence_type_id)
        first.setdefault(cell, record)
        last[cell] = record
    changes = PositionChanges()
    ordered = sorted(
        last.values(),
        key=lambda r: (r.violence_type.framework_id, r.phase.order, r.violence_type.order),
    )
    for record in ordered:
        cell = (record.phase_id, record.violence_type_id)
        existed = first[cell].history_type != "+"
        exists = record.history_type != "-"
        name = f"{record.phase.name} – {record.violence_type.name}"
        if exists and not existed:
            changes.added.append(name)
        elif existed and not exists:
            changes.removed.append(name)
    return changes


def _list_text(items) -> str:
    return ", ".join(name for _pk, name in items) or EMPTY_VALUE


def _list_changes(before: dict | None, after: dict | None) -> list[tuple[int, dict]]:
    if before is None or after is None:
        return []
    changes = []
    for name in OFFER_LIST_FIELDS:
        if name not in before or name not in after:
            continue  # a list added to the registry after one of the two records
        if {pk for pk, _ in before[name]} == {pk for pk, _ in after[name]}:
            continue
        changes.append(
            (
                FORM_ORDER.get(name, len(FORM_ORDER)),
                {
                    "field": capfirst(Offer._meta.get_field(name).verbose_name),
                    "old": _list_text(before[name]),
                    "new": _list_text(after[name]),
                },
            )
        )
    return changes


def describe_saves(records, *, helper_for, has_newer: bool) -> None:
    """Give each of `records` (one page of an offer's history, newest first) its changes:
    `history_delta_changes`, the fields and lists in the order of the form, in Dutch, and
    `position_changes` (a PositionChanges, false when there are none).

    `helper_for(record)` is the admin's context helper (the Dutch display values);
    `has_newer` says whether newer records exist on an earlier page. At most four queries
    besides those of comparing the fields (none for a first page with the offer's creation).
    """
    records = list(records)
    if not records:
        return
    offer_id = records[0].id
    history = Offer.history.filter(id=offer_id)
    oldest, newest = records[-1], records[0]

    previous = None
    known_lists = None
    if oldest.history_type != "+":
        previous = (
            history.filter(history_date__lt=oldest.history_date)
            .select_related("organisation")
            .order_by("-history_date")
            .first()
        )
        known_lists = previous.history_lists if previous else None
        if previous is not None and known_lists is None:
            known_lists = (
                history.filter(history_date__lt=oldest.history_date, history_lists__isnull=False)
                .order_by("-history_date")
                .values_list("history_lists", flat=True)
                .first()
            )

    positions = (
        Position.history.filter(offer_id=offer_id, history_date__gte=oldest.history_date)
        .select_related("phase", "violence_type")
        .order_by("history_date", "history_id")
    )
    if has_newer:
        newer = (
            history.filter(history_date__gt=newest.history_date)
            .order_by("history_date")
            .values_list("history_date", flat=True)
            .first()
        )
        if newer is not None:
            positions = positions.filter(history_date__lt=newer)
    positions = list(positions)

    chronological = list(reversed(records))
    for index, record in enumerate(chronological):
        following = chronological[index + 1] if index + 1 < len(chronological) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, foreign_keys_are_objs=True)
            helper = helper_for(record)
            for change in delta.changes:
                formatted = helper.format_delta_change(change)
                changes.append(
                    (
                        FORM_ORDER.get(change.field, len(FORM_ORDER)),
                        {"field": formatted.field, "old": formatted.old, "new": formatted.new},
                    )
                )
        if record.history_type == "+":
            known_lists = {name: [] for name in OFFER_LIST_FIELDS}
        changes += _list_changes(known_lists, record.history_lists)
        if record.history_lists is not None:
            known_lists = record.history_lists
        changes.sort(key=lambda pair: pair[0])
        record.history_delta_changes = [change for _order, change in changes]
        organisation = record.organisation  # selected with the record
        if organisation is not None:
            # The row names the offer with its organisation: no query per row.
            shown = record.history_object
            shown.organisation = organisation
            record.history_object = shown
        record.position_changes = _position_changes(
            p
            for p in positions
            if p.history_date >= record.history_date
            and (following is None or p.history_date < following.history_date)
        )
        previous = record
