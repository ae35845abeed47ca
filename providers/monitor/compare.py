"""Reading the monitor: two moments (snapshots or "nu") compared cell by cell, the capacity
in each cell against the need, and the trend over all snapshots.

The page, its JSON and its Excel sheets all call `compare`. "Nu" is the live matrix of
`providers.matrix.coverage.compute_matrix` under the matrix filters; a snapshot is read from
its stored document (providers.monitor.snapshots). The filters apply to a snapshot through
its offers: an offer of then counts when it matches the filters with its facts as they are
now (an offer deleted since matches no filter), with the same unknown handling as the live
matrix (an offer whose filtered fact is unknown makes a cell "onbekend", never "leeg").

Queries: one for the list of snapshots and every trend point (their summaries only), one per
compared snapshot's document, the live matrices (cached), the live offers' figures (cached)
and the needs; none per snapshot in the trend.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import NamedTuple

from django.utils import timezone

from frameworks.models import Framework, Phase
from providers.matrix.coverage import (
    COVERED,
    EMPTY,
    STATUS_LABELS,
    THIN,
    UNKNOWN,
    cell_status,
    compute_matrix,
)
from providers.models import Offer
from providers.monitor.models import Need, Snapshot, snapshot_title
from providers.monitor.snapshots import collect_state
from sociale_kaart.cache import get_or_compute, versioned_key

NOW = "nu"
# How many names of organisations that came or went a cell on the page shows (the JSON and
# the Excel export keep every name).
PREVIEW = 5
NOW_LABEL = "Nu"
# How good a status is, for "beter" and "slechter": a cell that is only possibly covered
# (unknown facts) is no better than an empty one.
RANK = {EMPTY: 0, UNKNOWN: 0, THIN: 1, COVERED: 2}
BETTER, WORSE, SAME = "beter", "slechter", "gelijk"
SHORTAGE, CAPACITY_UNKNOWN, ENOUGH = "tekort", "capaciteit onbekend", "voldoende"
MULTI_CELL_NOTE = (
    "Een aanbod dat in meerdere cellen is gepositioneerd, telt zijn capaciteit in elk van die "
    "cellen mee; in een fase of geweldsvorm als geheel telt elk aanbod één keer. Aanbod zonder "
    "capaciteit telt niet als 0: het staat apart als 'capaciteit onbekend'."
)
FILTER_NOTE = (
    "Filters gelden voor het aanbod van een momentopname met de gegevens zoals die nu zijn; "
    "aanbod dat sindsdien is verwijderd, valt bij een filter weg. De trend toont altijd het "
    "hele gepubliceerde aanbod, zonder filters."
)


class MonitorError(ValueError):
    """Bad input for the comparison; the message is Dutch and meant for the visitor."""

    def __init__(self, message: str, field_name: str, moments=()):
        super().__init__(message)
        self.message = message
        self.field = field_name
        self.moments = list(moments)  # the choices, for the form beside the message


class Org(NamedTuple):
    """An organisation in a cell; a tuple, so that sorting and comparing thousands stays cheap."""

    name: str
    slug: str


@dataclass
class Moment:
    key: str  # the snapshot id as text, or NOW
    title: str
    taken_on: date
    kind: str = ""
    summary: dict = field(default_factory=dict)

    @property
    def is_now(self) -> bool:
        return self.key == NOW


@dataclass
class Capacity:
    """The capacity figures of a set of offers; unknown figures are counted apart."""

    offers: int = 0
    without_capacity: int = 0
    capacity: int = 0
    occupancy: int = 0
    with_occupancy: int = 0  # offers with both capacity and occupancy known
    occupancy_capacity: int = 0  # their capacity
    median_wait: float | None = None
    longest_wait: int | None = None
    without_wait: int = 0

    @classmethod
    def of(cls, figures) -> "Capacity":
        """`figures`: (capacity, occupancy, waiting weeks) per offer, None where unknown."""
        figures = list(figures)
        capacity = cls(offers=len(figures))
        waits = []
        for cap, occupancy, wait in figures:
            if cap is None:
                capacity.without_capacity += 1
            else:
                capacity.capacity += cap
                if occupancy is not None:
                    capacity.with_occupancy += 1
                    capacity.occupancy += occupancy
                    capacity.occupancy_capacity += cap
            if wait is None:
                capacity.without_wait += 1
            else:
                waits.append(wait)
        if waits:
            capacity.median_wait = statistics.median(waits)
            capacity.longest_wait = max(waits)
        return capacity

    @property
    def with_capacity(self) -> int:
        return self.offers - self.without_capacity

    @property
    def occupancy_rate(self) -> int | None:
        """Occupancy as a percentage of capacity, over the offers that gave both."""
        if not self.occupancy_capacity:
            return None
        return round(100 * self.occupancy / self.occupancy_capacity)

    def as_json(self) -> dict:
        return {
            "offers": self.offers,
            "offers_with_capacity": self.with_capacity,
            "offers_without_capacity": self.without_capacity,
            "capacity_per_year": self.capacity if self.with_capacity else None,
            "current_occupancy": self.occupancy if self.with_occupancy else None,
            "occupancy_rate": self.occupancy_rate,
            "median_waiting_weeks": self.median_wait,
            "longest_waiting_weeks": self.longest_wait,
            "offers_without_waiting_time": self.without_wait,
        }


@dataclass
class NeedCheck:
    """A need against the known capacity: "tekort" with the shortfall, "capaciteit onbekend"
    when no offer gave a capacity figure, else "voldoende"."""

    need: Need
    capacity: Capacity

    @property
    def flag(self) -> str:
        if self.capacity.offers and not self.capacity.with_capacity:
            return CAPACITY_UNKNOWN
        return SHORTAGE if self.capacity.capacity < self.need.capacity_per_year else ENOUGH

    @property
    def shortfall(self) -> int | None:
        if self.flag != SHORTAGE:
            return None
        return self.need.capacity_per_year - self.capacity.capacity

    def as_json(self) -> dict:
        return {
            "need_per_year": self.need.capacity_per_year,
            "note": self.need.note,
            "valid_from": self.need.valid_from.isoformat(),
            "flag": self.flag,
            "shortfall": self.shortfall,
        }


@dataclass
class Side:
    status: str
    organisations: list[Org]
    unknown: list[Org] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.organisations)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class CellChange:
    phase: Phase
    violence_type: object
    then: Side
    now: Side
    capacity: Capacity
    need: NeedCheck | None = None

    @cached_property
    def came(self) -> list[Org]:
        before = set(self.then.organisations)
        return [o for o in self.now.organisations if o not in before]

    @cached_property
    def went(self) -> list[Org]:
        after = set(self.now.organisations)
        return [o for o in self.then.organisations if o not in after]

    @property
    def change(self) -> str:
        then, now = RANK[self.then.status], RANK[self.now.status]
        if now == then:
            then, now = self.then.count, self.now.count
        if now > then:
            return BETTER
        return WORSE if now < then else SAME

    @property
    def came_preview(self) -> list[Org]:
        return self.came[:PREVIEW]

    @property
    def went_preview(self) -> list[Org]:
        return self.went[:PREVIEW]

    @property
    def came_more(self) -> int:
        return max(0, len(self.came) - PREVIEW)

    @property
    def went_more(self) -> int:
        return max(0, len(self.went) - PREVIEW)

    @property
    def still_weak(self) -> bool:
        weak = (EMPTY, THIN, UNKNOWN)
        return self.then.status in weak and self.now.status in weak


@dataclass
class AxisTotal:
    """A whole phase or violence type of a framework: its capacity (every offer once) and
    the need recorded for it."""

    slug: str
    name: str
    capacity: Capacity
    need: NeedCheck | None = None


@dataclass
class FrameworkComparison:
    framework: Framework
    violence_types: list
    rows: list[tuple[Phase, list[CellChange]]]
    phase_totals: list[AxisTotal]
    violence_type_totals: list[AxisTotal]
    then_threshold: int
    now_threshold: int

    @property
    def cells(self) -> list[CellChange]:
        return [cell for _, cells in self.rows for cell in cells]

    def count(self, change: str) -> int:
        return sum(1 for cell in self.cells if cell.change == change)

    @property
    def better(self) -> int:
        return self.count(BETTER)

    @property
    def worse(self) -> int:
        return self.count(WORSE)

    @property
    def still_weak(self) -> int:
        return sum(1 for cell in self.cells if cell.still_weak)

    def need_checks(self) -> list[tuple[str, NeedCheck]]:
        """(what, check) for every need with a shortfall, cells, phases and violence types."""
        found = []
        for cell in self.cells:
            if cell.need is not None:
                found.append((f"{cell.phase.name} – {cell.violence_type.name}", cell.need))
        for total in [*self.phase_totals, *self.violence_type_totals]:
            if total.need is not None:
                found.append((total.name, total.need))
        return found


@dataclass
class Comparison:
    then: Moment
    now: Moment
    moments: list[Moment]  # every snapshot and "nu", oldest first: the choices and the trend
    frameworks: list[FrameworkComparison]
    filters: list = field(default_factory=list)  # (name, label, shown value)

    @property
    def better(self) -> int:
        return sum(f.better for f in self.frameworks)

    @property
    def worse(self) -> int:
        return sum(f.worse for f in self.frameworks)

    @property
    def still_weak(self) -> int:
        return sum(f.still_weak for f in self.frameworks)


# Choosing the moments ------------------------------------------------------------------------


def list_moments(phases, frameworks) -> list[Moment]:
    """Every snapshot (its summary, not its document: one query) and "nu" at the end."""
    moments = [
        Moment(
            key=str(pk),
            title=snapshot_title(label, taken_on),
            taken_on=taken_on,
            kind=kind,
            summary=summary,
        )
        for pk, label, taken_on, kind, summary in Snapshot.objects.order_by("taken_on").values_list(
            "pk", "label", "taken_on", "kind", "summary"
        )
    ]
    moments.append(
        Moment(
            key=NOW,
            title=NOW_LABEL,
            taken_on=timezone.localdate(),
            summary=_live_summary(phases, frameworks),
        )
    )
    return moments


def _live_summary(phases, frameworks) -> dict:
    """The trend point of "nu": the unfiltered live matrices, in a snapshot summary's shape."""
    summary = {}
    for framework in frameworks:
        matrix = compute_matrix(framework, phases=phases)
        summary[framework.slug] = {
            "empty": len(matrix.cells_with_status(EMPTY)),
            "thin": len(matrix.cells_with_status(THIN)),
            "covered": len(matrix.cells_with_status(COVERED)),
            "phases": matrix.phase_totals(),
            "violence_types": matrix.violence_type_totals_by_slug(),
        }
    return summary


class NoSnapshotError(MonitorError):
    """There is nothing to compare with yet: no snapshot at all."""


NO_SNAPSHOT = (
    "Er is nog geen momentopname om mee te vergelijken. De gemeente maakt er een in het beheer "
    "(Monitor, Momentopnamen) of met 'python manage.py snapshot_coverage'; 'load_baseline' maakt "
    "die van de inventarisatie 2023."
)


def pick_moments(moments: list[Moment], then_key: str | None, now_key: str | None):
    """The two moments asked for; default: the 2023 inventory (else the oldest snapshot)
    against "nu". Raises MonitorError with a Dutch message for an unknown or equal choice."""
    by_key = {moment.key: moment for moment in moments}
    if len(moments) == 1:
        raise NoSnapshotError(NO_SNAPSHOT, "van", moments)
    if not then_key:
        inventory = [m for m in moments if m.kind == Snapshot.Kind.INVENTORY]
        then_key = (inventory or moments)[0].key
    now_key = now_key or NOW
    for key, name, label in ((then_key, "van", "Van"), (now_key, "tot", "Tot")):
        if key not in by_key:
            raise MonitorError(
                f"{label}: onbekende momentopname '{key[:40]}'. Kies een momentopname uit de "
                "lijst of 'nu'.",
                name,
                moments,
            )
    if then_key == now_key:
        raise MonitorError(
            "Kies twee verschillende momenten: een momentopname vergelijken met zichzelf laat "
            "geen verandering zien.",
            "tot",
            moments,
        )
    return by_key[then_key], by_key[now_key]


# Reading one moment -----------------------------------------------------------------------


@dataclass
class State:
    """One moment, keyed by slugs: per (phase, violence type) its side, and its offers'
    figures."""

    sides: dict
    offers_by_cell: dict  # (phase slug, vt slug) -> list of offer ids (str)
    figures: dict  # offer id (str) -> (capacity, occupancy, waiting)
    thresholds: dict  # framework slug -> thin threshold in force


def _refs(ids, organisations, memo) -> list[Org]:
    """The organisations of `ids`, by name; one Org per organisation (`memo`), not per cell."""
    found = []
    for pk in ids:
        key = str(pk)
        if key not in memo:
            memo[key] = Org(*organisations[key])
        found.append(memo[key])
    return sorted(found)


def state_from_document(data: dict, matching=None, maybe=None) -> State:
    """A snapshot's state; with `matching` (offer ids as text that match the filters now) and
    `maybe` (those that might: a filtered fact unknown), only its offers that do."""
    phase_slugs = {pk: slug for pk, slug, _ in data["phases"]}
    vt_slugs, thresholds, vt_threshold = {}, {}, {}
    for framework in data["frameworks"]:
        thresholds[framework["slug"]] = framework["thin_threshold"]
        for pk, slug, _ in framework["violence_types"]:
            vt_slugs[pk] = slug
            vt_threshold[pk] = framework["thin_threshold"]
    offers, organisations = data["offers"], data["organisations"]
    sides, offers_by_cell, memo = {}, {}, {}
    for key, cell in data["cells"].items():
        phase_id, _, vt_id = key.partition("-")
        phase_id, vt_id = int(phase_id), int(vt_id)
        if phase_id not in phase_slugs or vt_id not in vt_slugs:
            continue
        ids = [str(pk) for pk in cell["offers"]]
        slot = (phase_slugs[phase_id], vt_slugs[vt_id])
        if matching is None:
            kept = ids
            status = cell["status"]
            unknown_orgs = set()
        else:
            kept = [pk for pk in ids if pk in matching]
            possible = [pk for pk in ids if pk in maybe and pk not in matching]
            kept_orgs = {offers[pk][0] for pk in kept}
            unknown_orgs = {offers[pk][0] for pk in possible} - kept_orgs
            status = cell_status(len(kept_orgs), vt_threshold[vt_id], len(unknown_orgs))
        org_ids = {offers[pk][0] for pk in kept}
        sides[slot] = Side(
            status=status,
            organisations=_refs(org_ids, organisations, memo),
            unknown=_refs(unknown_orgs, organisations, memo),
        )
        offers_by_cell[slot] = kept
    figures = {pk: tuple(row[1:]) for pk, row in offers.items()}
    return State(sides=sides, offers_by_cell=offers_by_cell, figures=figures, thresholds=thresholds)


def live_state(frameworks, phases, selection) -> State:
    """ "Nu": organisations and statuses from the live matrices (compute_matrix), the offers per
    cell and their figures from the live published offers under the same filters (cached
    under the data version per filter combination)."""
    filters = "" if selection is None else selection.query_string
    offers = Offer.objects.published() if selection is None else selection.qs

    def document():
        return collect_state(offers, frameworks=frameworks, phases=phases)

    data = get_or_compute(versioned_key("monitor-live", filters), document)
    documented = state_from_document(data)
    sides, thresholds, memo = {}, {}, {}

    def org(ref) -> Org:
        if ref not in memo:
            memo[ref] = Org(ref.name, ref.slug)
        return memo[ref]

    for framework in frameworks:
        matrix = compute_matrix(framework, selection, phases=phases)
        thresholds[framework.slug] = matrix.thin_threshold
        for cell in matrix.cells:
            sides[(cell.phase.slug, cell.violence_type.slug)] = Side(
                status=cell.status,
                # compute_matrix lists them by name already.
                organisations=[org(o) for o in cell.organisations],
                unknown=[org(o) for o in cell.unknown_organisations],
            )
    return State(
        sides=sides,
        offers_by_cell=documented.offers_by_cell,
        figures=documented.figures,
        thresholds=thresholds,
    )


def _snapshot_state(moment: Moment, selection) -> State:
    data = Snapshot.objects.values_list("data", flat=True).get(pk=int(moment.key))
    if selection is None:
        return state_from_document(data)
    matching = _offer_ids(selection)
    maybe_selection = selection.maybe()
    maybe = matching if maybe_selection is None else _offer_ids(maybe_selection)
    return state_from_document(data, matching, maybe)


def _offer_ids(selection) -> set[str]:
    """Every offer (published or not now) that the selection's filters admit, as text ids."""
    if not selection.is_valid():  # a variant of a valid selection is valid; this binds it
        raise ValueError("the selection must be valid")
    offers = selection.filter_queryset(Offer.objects.order_by())
    return {str(pk) for pk in offers.values_list("pk", flat=True)}


# The comparison ---------------------------------------------------------------------------


def compare(then_key=None, now_key=None, selection=None) -> Comparison:
    """Compare two moments (snapshot ids as text, or "nu"). `selection`: a valid matrix
    selection (providers.selectors.offer_selection) or None; without an active filter it is
    ignored. Raises MonitorError for a bad choice of moments."""
    if selection is not None and not selection.query_string:
        selection = None
    # The whole comparison is cached under the data version (snapshots and needs are
    # versioned too), per moments, filters and day (the needs in force depend on it).
    filters = "" if selection is None else selection.query_string
    key = versioned_key("monitor", then_key or "", now_key or "", filters, timezone.localdate())
    return get_or_compute(key, lambda: _compare(then_key, now_key, selection))


def _compare(then_key, now_key, selection) -> Comparison:
    phases = list(Phase.objects.order_by("order"))
    frameworks = list(Framework.objects.order_by("order").prefetch_related("violence_types"))
    moments = list_moments(phases, frameworks)
    then, now = pick_moments(moments, then_key, now_key)
    states = {}
    for moment in (then, now):
        if moment.is_now:
            states[moment.key] = live_state(frameworks, phases, selection)
        else:
            states[moment.key] = _snapshot_state(moment, selection)
    needs = Need.objects.in_force(now.taken_on)
    comparisons = [
        _compare_framework(framework, phases, states[then.key], states[now.key], needs)
        for framework in frameworks
    ]
    filters = selection.active_filters() if selection is not None else []
    return Comparison(then=then, now=now, moments=moments, frameworks=comparisons, filters=filters)


def _compare_framework(framework, phases, then: State, now: State, needs) -> FrameworkComparison:
    violence_types = sorted(framework.violence_types.all(), key=lambda vt: vt.order)
    empty = Side(status=EMPTY, organisations=[])
    by_phase: dict[str, set] = defaultdict(set)
    by_vt: dict[str, set] = defaultdict(set)
    rows = []
    for phase in phases:
        cells = []
        for vt in violence_types:
            slot = (phase.slug, vt.slug)
            offer_ids = now.offers_by_cell.get(slot, [])
            by_phase[phase.slug].update(offer_ids)
            by_vt[vt.slug].update(offer_ids)
            capacity = Capacity.of(now.figures[pk] for pk in offer_ids)
            need = needs.get((framework.slug, phase.slug, vt.slug))
            cells.append(
                CellChange(
                    phase=phase,
                    violence_type=vt,
                    then=then.sides.get(slot, empty),
                    now=now.sides.get(slot, empty),
                    capacity=capacity,
                    need=NeedCheck(need, capacity) if need else None,
                )
            )
        rows.append((phase, cells))

    def total(slug, name, ids, key):
        capacity = Capacity.of(now.figures[pk] for pk in sorted(ids))
        need = needs.get(key)
        return AxisTotal(slug, name, capacity, NeedCheck(need, capacity) if need else None)

    return FrameworkComparison(
        framework=framework,
        violence_types=violence_types,
        rows=rows,
        phase_totals=[
            total(p.slug, p.name, by_phase[p.slug], (framework.slug, p.slug, None)) for p in phases
        ],
        violence_type_totals=[
            total(vt.slug, vt.name, by_vt[vt.slug], (framework.slug, None, vt.slug))
            for vt in violence_types
        ],
        then_threshold=then.thresholds.get(framework.slug, framework.thin_threshold),
        now_threshold=now.thresholds.get(framework.slug, framework.thin_threshold),
    )


def largest_shortfalls(limit: int = 3) -> list[tuple[str, str, NeedCheck]]:
    """The largest shortfalls now (framework name, what, check), largest first: what the home
    page names. One query when no need is recorded."""
    needs = Need.objects.in_force(timezone.localdate())
    if not needs:
        return []
    phases = list(Phase.objects.order_by("order"))
    frameworks = list(Framework.objects.order_by("order").prefetch_related("violence_types"))
    state = live_state(frameworks, phases, None)
    found = [
        (framework.name, what, check)
        for framework in frameworks
        for what, check in _compare_framework(framework, phases, state, state, needs).need_checks()
        if check.flag == SHORTAGE
    ]
    found.sort(key=lambda item: (-item[2].shortfall, item[0], item[1]))
    return found[:limit]


def comparison_as_json(comparison: Comparison) -> dict:
    """The comparison in the JSON shape of `/api/monitor/`."""

    def moment(m: Moment) -> dict:
        return {
            "id": m.key,
            "title": m.title,
            "date": m.taken_on.isoformat(),
            "kind": m.kind or None,
        }

    def side(s: Side) -> dict:
        # Counts only: the organisations of "nu" are in /api/kaart/<slug>/; what changed is in
        # "came" and "went" (at national size the full lists would be megabytes).
        return {"status": s.status, "count": s.count, "unknown_count": len(s.unknown)}

    def axis(t: AxisTotal) -> dict:
        return {
            "slug": t.slug,
            "name": t.name,
            "capacity": t.capacity.as_json(),
            "need": t.need.as_json() if t.need else None,
        }

    frameworks = []
    for fc in comparison.frameworks:
        frameworks.append(
            {
                "slug": fc.framework.slug,
                "name": fc.framework.name,
                "thin_threshold": {"then": fc.then_threshold, "now": fc.now_threshold},
                "summary": {"better": fc.better, "worse": fc.worse, "still_weak": fc.still_weak},
                "cells": [
                    {
                        "phase": cell.phase.slug,
                        "violence_type": cell.violence_type.slug,
                        "then": side(cell.then),
                        "now": side(cell.now),
                        "change": cell.change,
                        "came": [{"slug": o.slug, "name": o.name} for o in cell.came],
                        "went": [{"slug": o.slug, "name": o.name} for o in cell.went],
                        "capacity": cell.capacity.as_json(),
                        "need": cell.need.as_json() if cell.need else None,
                    }
                    for cell in fc.cells
                ],
                "phases": [axis(t) for t in fc.phase_totals],
                "violence_types": [axis(t) for t in fc.violence_type_totals],
            }
        )
    return {
        "then": moment(comparison.then),
        "now": moment(comparison.now),
        "summary": {
            "better": comparison.better,
            "worse": comparison.worse,
            "still_weak": comparison.still_weak,
        },
        "filters": [
            {"filter": n, "label": label, "value": v} for n, label, v in comparison.filters
        ],
        "note": MULTI_CELL_NOTE,
        "frameworks": frameworks,
        "trend": [{**moment(m), "frameworks": m.summary} for m in comparison.moments],
    }
