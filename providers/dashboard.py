"""What the admin start page shows: a partner's organisations with the checklist of each
offer, the entries not verified in 12 months, and the recent changes (a bulk load as one).

Every function runs a fixed number of queries, whatever the amount of data.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q
from django.db.models.functions import TruncSecond
from django.urls import reverse

from providers.admin_scoping import organisations_for
from providers.completeness import (
    OfferChecklist,
    completeness_text,
    offer_checklists,
    percentage,
)
from providers.models import Offer, Organisation, Position, Source
from providers.verification import overdue_filter


@dataclass
class OrganisationChecklist:
    """One of a partner's organisations with the checklist of each of its offers."""

    organisation: Organisation
    offers: list[OfferChecklist]

    @property
    def counted(self) -> list[OfferChecklist]:
        return [checklist for checklist in self.offers if checklist.counted]

    @property
    def filled(self) -> int:
        return sum(checklist.filled for checklist in self.counted)

    @property
    def total(self) -> int:
        return sum(checklist.total for checklist in self.counted)

    @property
    def text(self) -> str:
        return completeness_text(self.filled, self.total)

    @property
    def percentage(self) -> int | None:
        return percentage(self.filled, self.total)

    @property
    def overdue_count(self) -> int:
        return sum(checklist.overdue for checklist in self.counted)


def partner_checklists(user) -> list[OrganisationChecklist]:
    """The user's own organisations with their offers, the least recently verified first,
    and what a referrer would miss in each (two queries)."""
    organisations = list(organisations_for(user).order_by("name"))
    checklists = offer_checklists(
        Offer.objects.filter(organisation__in=[o.pk for o in organisations]).order_by(
            F("last_verified").asc(nulls_first=True), "name"
        )
    )
    by_organisation = {organisation.pk: [] for organisation in organisations}
    for checklist in checklists:
        by_organisation[checklist.offer.organisation_id].append(checklist)
    return [
        OrganisationChecklist(organisation=organisation, offers=by_organisation[organisation.pk])
        for organisation in organisations
    ]


def overdue_offers(limit: int = 25) -> tuple[int, list[Offer]]:
    """All offers not verified in 12 months: how many, and the `limit` oldest (two queries)."""
    overdue = Offer.objects.filter(overdue_filter()).exclude(status=Offer.Status.ARCHIVED)
    count = overdue.count()
    oldest = list(
        overdue.select_related("organisation").order_by(
            F("last_verified").asc(nulls_first=True), "organisation__name", "name"
        )[:limit]
    )
    return count, oldest


# Recent changes.
#
# A bulk load (load_baseline, a spreadsheet import, the confirmation of all offers at once)
# writes hundreds of history rows within a second, by one user or by none. Listed row by row
# they would push every other change off the page, so the history is read grouped by second,
# user, change reason and action: a group of BULK_MINIMUM rows or more is a bulk, and
# consecutive bulks of the same user and reason (organisations, then offers, then positions)
# make one event: "Basisgegevens 2023 geladen: 409 posities, 31 aanbiedingen en 28 organisaties".

BULK_MINIMUM = 5
ACTIONS = {"+": "toegevoegd", "~": "gewijzigd", "-": "verwijderd"}
ONE_SECOND = datetime.timedelta(seconds=1)
# Bulk groups (of one user and reason) this close together are one event: a load writes
# organisations, then offers, then positions, and may run into the next second.
BULK_GAP = ONE_SECOND


@dataclass(frozen=True)
class Kind:
    model: type
    singular: str
    plural: str
    # What the start page calls a change to one object: "Aanbod", "Positie".
    label: str


KINDS = (
    Kind(Organisation, "organisatie", "organisaties", "Organisatie"),
    Kind(Offer, "aanbieding", "aanbiedingen", "Aanbod"),
    Kind(Position, "positie", "posities", "Positie"),
)

# The title of a bulk without a change reason, by the origin of what it wrote.
BULK_TITLES = {
    Source.INVENTORY_2023: "Basisgegevens 2023 geladen",
    Source.DEMO: "Demonstratiegegevens geladen",
}
BULK_TITLE = "Bulkwijziging"


@dataclass
class Change:
    when: datetime.datetime
    who: str
    # "Aanbod gewijzigd" for one object, the bulk's reason or origin for a bulk.
    title: str
    description: str
    url: str | None = None
    bulk: bool = False


@dataclass
class _Group:
    """History rows of one model with the same second, user, change reason and action."""

    kind: Kind
    second: datetime.datetime
    user_id: int | None
    reason: str | None
    action: str
    count: int
    latest_id: int
    records: list = field(default_factory=list)

    @property
    def is_bulk(self) -> bool:
        return self.count >= BULK_MINIMUM

    def key(self) -> tuple:
        return (self.second, self.user_id, self.reason, self.action)


def _record_key(record) -> tuple:
    return (
        record.history_date.replace(microsecond=0),
        record.history_user_id,
        record.history_change_reason,
        record.history_type,
    )


def _nullable(name: str, value) -> Q:
    return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})


def _history_groups(kind: Kind, limit: int) -> list[_Group]:
    """The latest `limit` groups of the model's history, each with its records: all of them
    for a small group, the newest for a bulk (two queries, one when there is no history)."""
    history = kind.model.history
    groups = [
        _Group(
            kind=kind,
            second=row["second"],
            user_id=row["history_user_id"],
            reason=row["history_change_reason"],
            action=row["history_type"],
            count=row["count"],
            latest_id=row["latest_id"],
        )
        for row in history.annotate(second=TruncSecond("history_date"))
        .values("second", "history_user_id", "history_change_reason", "history_type")
        .annotate(count=Count("history_id"), latest_id=Max("history_id"))
        .order_by("-second", "-latest_id")[:limit]
    ]
    if not groups:
        return groups
    wanted = Q(history_id__in=[group.latest_id for group in groups if group.is_bulk])
    for group in groups:
        if not group.is_bulk:
            wanted |= (
                Q(history_date__gte=group.second, history_date__lt=group.second + ONE_SECOND)
                & _nullable("history_user_id", group.user_id)
                & _nullable("history_change_reason", group.reason)
                & Q(history_type=group.action)
            )
    related = ["history_user"]
    if kind.model is Position:
        related += ["phase", "violence_type"]
    records = history.filter(wanted).select_related(*related).order_by("-history_date")
    by_key = {group.key(): group for group in groups}
    for record in records:
        group = by_key.get(_record_key(record))
        if group is not None and (not group.is_bulk or record.history_id == group.latest_id):
            group.records.append(record)
    return groups


def _who(record) -> str:
    user = record.history_user
    if user is None:
        return "systeem"  # e.g. the baseline loaded by a management command
    return user.get_full_name() or user.get_username()


def _admin_url(record, name: str, object_id) -> str | None:
    if record.history_type == "-":
        return None
    return reverse(f"admin:providers_{name}_change", args=[object_id])


def _single_change(kind: Kind, record, offers: dict) -> Change:
    title = f"{kind.label} {ACTIONS[record.history_type]}"
    if record.history_change_reason:
        title += f" ({record.history_change_reason.lower()})"
    if kind.model is Position:
        offer = offers.get(record.offer_id)
        return Change(
            when=record.history_date,
            who=_who(record),
            title=title,
            description=f"{offer['name'] if offer else 'verwijderd aanbod'}: "
            f"{record.phase.name} – {record.violence_type.name}",
            url=reverse("admin:providers_offer_change", args=[record.offer_id]) if offer else None,
        )
    return Change(
        when=record.history_date,
        who=_who(record),
        title=title,
        description=record.name,
        url=_admin_url(record, kind.model._meta.model_name, record.id),
    )


def _source(group: _Group, offers: dict) -> str | None:
    record = group.records[0] if group.records else None
    if record is None:
        return None
    if group.kind.model is Position:
        offer = offers.get(record.offer_id)
        return offer["source"] if offer else None
    return record.source


def _count_text(number: int, kind: Kind) -> str:
    return f"{number} {kind.singular if number == 1 else kind.plural}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} en {parts[-1]}"


class _Bulk:
    """Consecutive bulk groups of one user and reason: one event on the start page."""

    def __init__(self, group: _Group):
        self.groups = [group]

    def takes(self, group: _Group) -> bool:
        first, last = self.groups[0], self.groups[-1]
        return (
            group.user_id == first.user_id
            and (group.reason or "") == (first.reason or "")
            and last.second - group.second <= BULK_GAP
        )

    def change(self, offers: dict) -> Change:
        counts: dict[tuple[Kind, str], int] = {}
        for group in self.groups:
            key = (group.kind, group.action)
            counts[key] = counts.get(key, 0) + group.count
        only_additions = all(action == "+" for _, action in counts)
        # The finest first, as a load writes the most of those: positions, offers,
        # organisations; per kind additions, changes, deletions.
        order = {kind: -index for index, kind in enumerate(KINDS)}
        actions = list(ACTIONS)
        parts = [
            _count_text(number, kind) + ("" if only_additions else f" {ACTIONS[action]}")
            for (kind, action), number in sorted(
                counts.items(), key=lambda item: (order[item[0][0]], actions.index(item[0][1]))
            )
        ]
        # A bulk group's one record read is its newest.
        newest = max(
            (group.records[0] for group in self.groups if group.records),
            key=lambda record: record.history_date,
            default=None,
        )
        reason = self.groups[0].reason
        sources = {_source(group, offers) for group in self.groups} - {None}
        if reason:
            title = reason
        elif self.groups[0].user_id is None and len(sources) == 1:
            # Written by a command (load_baseline, the demo data), not by a person's import.
            title = BULK_TITLES.get(next(iter(sources)), BULK_TITLE)
        else:
            title = BULK_TITLE
        return Change(
            when=newest.history_date if newest else self.groups[0].second,
            who=_who(newest) if newest else "systeem",
            title=title,
            description=_join(parts),
            bulk=True,
        )


def recent_changes(limit: int = 20) -> list[Change]:
    """The latest changes to organisations, offers and positions, newest first, a bulk load
    as one change (seven queries).

    Each model's history is read as its latest 2 x `limit` groups. When a model has more,
    changes older than its oldest group read are left out: of those, its own might be
    missing, and the list would skip them without saying so.
    """
    per_model = 2 * limit
    groups = []
    horizon = None
    for kind in KINDS:
        found = _history_groups(kind, per_model)
        groups += found
        if len(found) == per_model:
            oldest = found[-1].second
            horizon = oldest if horizon is None else max(horizon, oldest)
    offer_ids = {
        record.offer_id
        for group in groups
        if group.kind.model is Position
        for record in group.records
    }
    offers = {
        row["pk"]: row
        for row in Offer.objects.filter(pk__in=offer_ids).values("pk", "name", "source")
    }
    if horizon is not None:
        groups = [group for group in groups if group.second >= horizon]
    # Newest first; within a second the bulks first, so that a bulk's parts stay together.
    groups.sort(key=lambda group: (group.second, group.is_bulk, group.latest_id), reverse=True)

    events: list[Change | _Bulk] = []
    # The latest bulk of each user and reason: a person's own change in between (the same
    # second) does not split a load in two.
    open_bulks: dict[tuple, _Bulk] = {}
    for group in groups:
        if group.is_bulk:
            key = (group.user_id, group.reason or "")
            bulk = open_bulks.get(key)
            if bulk is not None and bulk.takes(group):
                bulk.groups.append(group)
            else:
                open_bulks[key] = _Bulk(group)
                events.append(open_bulks[key])
            continue
        events += [_single_change(group.kind, record, offers) for record in group.records]
    changes = [event.change(offers) if isinstance(event, _Bulk) else event for event in events]
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
