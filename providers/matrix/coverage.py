"""Coverage of a framework's matrix (violence type x phase) by organisations.

One place computes the whole matrix from a handful of queries; the HTML page, the JSON
endpoint and the Excel export all call `compute_matrix`.

What a cell rests on: the organisations whose published offers are positioned in it (the 2023
inventory, as the partners positioned themselves then, plus what partners entered since).
Its status counts those organisations against the framework's thin threshold, as the 2023
report read its matrices. Beside it, a cell says how many of them confirmed their entry in the
last 12 months (providers.verification): a cell where none did is "niet bevestigd".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import Aggregate, Field, Q
from django.urls import reverse

from frameworks.models import Framework, Phase, ViolenceType
from providers.models import Organisation, Position, published_condition
from providers.verification import verification_cutoff
from sociale_kaart.cache import get_or_compute, versioned_key

EMPTY = "empty"
THIN = "thin"
COVERED = "covered"
# No organisation is known to match the filters, but some might: their offers left the
# filtered fact empty. Never "empty": the data do not say there is no help.
UNKNOWN = "unknown"

STATUS_LABELS = {EMPTY: "leeg", THIN: "dun", COVERED: "gedekt", UNKNOWN: "onbekend"}
# Cells are shaded by their count on a sequential scale of this many steps (0 = no organisation),
# on the page and in the Excel matrix sheet; the count is always written out as well.
SHADES = 6
# How many names a matrix cell on the page shows; the rest is behind "en N meer" (the JSON and
# the Excel export keep every name).
CELL_PREVIEW = 5


def cell_status(count: int, thin_threshold: int, unknown_count: int = 0) -> str:
    if count == 0:
        return UNKNOWN if unknown_count else EMPTY
    if count <= thin_threshold:
        return THIN
    return COVERED


def shade(count: int, highest: int) -> int:
    """The step of `count` on the matrix's colour scale: 0 for none, then 1 to SHADES - 1 in
    proportion to the highest count of the matrix."""
    if count == 0 or highest == 0:
        return 0
    return 1 + (count - 1) * (SHADES - 2) // max(highest - 1, 1)


@dataclass(frozen=True, order=True)
class OrganisationRef:
    name: str
    slug: str
    # The organisation's id: what the JSON's cells list (its `organisations` table names it).
    pk: int = field(default=0, compare=False)

    @property
    def url(self) -> str:
        return _organisation_url(self.slug)


@lru_cache(maxsize=20_000)
def _organisation_url(slug: str) -> str:
    """An organisation's page; remembered, as a national matrix page links ~1,000 of them."""
    return reverse("providers:organisation-detail", kwargs={"slug": slug})


@dataclass
class Cell:
    phase: Phase
    violence_type: ViolenceType
    organisations: list[OrganisationRef]
    status: str
    confirmed_count: int = 0
    shade: int = 0
    # Organisations that might be in the cell under the filters: their offer's filtered fact
    # is unknown (only with a filter on such a fact).
    unknown_organisations: list[OrganisationRef] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.organisations)

    @property
    def unknown_count(self) -> int:
        return len(self.unknown_organisations)

    @property
    def unconfirmed(self) -> bool:
        """Organisations are in the cell, but none confirmed its entry in the last 12 months."""
        return self.count > 0 and self.confirmed_count == 0

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def preview(self) -> list[OrganisationRef]:
        return self.organisations[:CELL_PREVIEW]

    @property
    def more_count(self) -> int:
        return max(0, self.count - CELL_PREVIEW)


@dataclass
class Row:
    phase: Phase
    cells: list[Cell]
    total: int


@dataclass
class Matrix:
    framework: Framework
    phases: list[Phase]
    violence_types: list[ViolenceType]
    rows: list[Row]
    violence_type_totals: list[int]
    total: int
    # No published position in any framework: they have not filled in the map at all.
    unpositioned_organisations: list[OrganisationRef] = field(default_factory=list)
    # Positioned only in another framework: not missing here, just working elsewhere.
    elsewhere_organisations: list[OrganisationRef] = field(default_factory=list)
    # Per active filter on a fact partners may leave empty: how many offers left it empty.
    unknown_facts: list = field(default_factory=list)

    @property
    def thin_threshold(self) -> int:
        return self.framework.thin_threshold

    @property
    def cells(self) -> list[Cell]:
        return [cell for row in self.rows for cell in row.cells]

    def cells_with_status(self, status: str) -> list[Cell]:
        return [cell for cell in self.cells if cell.status == status]

    def unconfirmed_cells(self) -> list[Cell]:
        return [cell for cell in self.cells if cell.unconfirmed]

    def phase_totals(self) -> dict[str, int]:
        return {row.phase.slug: row.total for row in self.rows}

    def violence_type_totals_by_slug(self) -> dict[str, int]:
        return {
            vt.slug: total
            for vt, total in zip(self.violence_types, self.violence_type_totals, strict=True)
        }


def compute_matrix(
    framework: Framework, selection=None, phases: list[Phase] | None = None
) -> Matrix:
    """Compute the matrix of `framework` over the offers of `selection`.

    `selection` is a valid matrix selection (`providers.selectors.offer_selection`), or None
    for all published offers. Its role filter also narrows the organisations that are listed
    as not positioned in this framework.

    Every matrix starts from one shared `coverage_base`: the organisations and, per cell of
    every framework, the organisations whose published offers are positioned there (one
    grouped query over the positions, computed once per data version and day for both
    frameworks, the home page and every filter). An unfiltered matrix needs nothing else; a
    filtered one adds one grouped query over its selection (two with a filter on a fact that
    may be unknown) and one for the organisations its role filter admits. `phases` is
    accepted for callers that have them; the base holds them already. The result is cached
    per framework, threshold, the selection's filters (as its query string) and data version
    (sociale_kaart.cache), so that the home page, the matrix page, its JSON and the Excel
    export share one entry.
    """
    if selection is not None and not selection.is_valid():
        raise ValueError("compute_matrix needs a valid selection")
    filters = "" if selection is None else selection.query_string
    # Whether an entry counts as confirmed depends on the day, so the day is part of the key.
    key = versioned_key(
        "matrix", framework.pk, framework.thin_threshold, filters, verification_cutoff()
    )

    def compute():
        base = coverage_base()
        if selection is None:
            return _build_matrix(framework, base, base.cells, {}, None)
        violence_type_ids = [vt.pk for vt in base.violence_types[framework.pk]]
        cells = _cells(cell_organisations_query(violence_type_ids, selection.qs))
        maybe = selection.maybe()
        unknown = {}
        if maybe is not None:
            maybe_cells = _cells(cell_organisations_query(violence_type_ids, maybe.qs))
            for cell, (ids, _) in maybe_cells.items():
                matching = cells.get(cell, ((), ()))[0]
                unknown[cell] = tuple(sorted(set(ids).difference(matching)))
        organisations = selection.organisations()
        admitted = (
            frozenset(organisations.order_by().values_list("pk", flat=True))
            if organisations.query.has_filters()
            else None
        )
        matrix = _build_matrix(framework, base, cells, unknown, admitted)
        matrix.unknown_facts = selection.unknown_facts() if maybe is not None else []
        return matrix

    return get_or_compute(key, compute)


class _OrganisationIds(Aggregate):
    """The distinct organisation ids of a group: ARRAY_AGG on PostgreSQL, GROUP_CONCAT on
    SQLite (parsed by its output field); an empty tuple when none."""

    function = "ARRAY_AGG"
    allow_distinct = True

    def __init__(self, expression, **extra):
        super().__init__(expression, distinct=True, output_field=_IdsField(), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


class _IdsField(Field):
    def get_internal_type(self):
        return "TextField"

    def from_db_value(self, value, expression, connection):
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(int(part) for part in value.split(","))
        return tuple(value)


def cell_organisations_query(violence_type_ids: list[int] | None = None, offers=None):
    """One grouped query over the positions: per cell (phase id, violence type id) that an
    offer of `offers` (published offers; default: all of them) holds, the ids of the
    distinct organisations of those offers, and of those among them with such an offer
    confirmed in the last 12 months. `violence_type_ids` narrows it to one framework."""
    positions = Position.objects.order_by()
    if violence_type_ids is not None:
        positions = positions.filter(violence_type_id__in=violence_type_ids)
    if offers is None:
        positions = positions.filter(published_condition("offer__"))
    else:
        positions = positions.filter(offer__in=offers.values("pk"))
    confirmed = Q(offer__last_verified__gte=verification_cutoff())
    return (
        positions.values("phase_id", "violence_type_id")
        .annotate(
            organisations=_OrganisationIds("offer__organisation_id"),
            confirmed=_OrganisationIds("offer__organisation_id", filter=confirmed),
        )
        .values_list("phase_id", "violence_type_id", "organisations", "confirmed")
    )


def _cells(rows) -> dict[tuple[int, int], tuple[tuple[int, ...], tuple[int, ...]]]:
    return {
        (phase, violence_type): (ids, confirmed) for phase, violence_type, ids, confirmed in rows
    }


@dataclass
class CoverageBase:
    """What every matrix starts from, for all frameworks at once (see `coverage_base`)."""

    phases: list[Phase]
    # Per framework id, its violence types in order.
    violence_types: dict[int, list[ViolenceType]]
    # One shared reference per organisation, and its place in alphabetical order.
    refs: dict[int, OrganisationRef]
    rank: dict[int, int]
    # Per cell of every framework: (organisation ids, ids of those that confirmed).
    cells: dict[tuple[int, int], tuple[tuple[int, ...], tuple[int, ...]]]
    # Organisations with a published position in each framework, and in any.
    positioned_in: dict[int, frozenset[int]]
    positioned: frozenset[int]


def coverage_base() -> CoverageBase:
    """The organisations and the unfiltered cells of every framework: four queries (phases,
    violence types, organisations, the grouped positions), cached per data version and day."""
    return get_or_compute(
        versioned_key("matrix-base", verification_cutoff()), _compute_coverage_base
    )


def _compute_coverage_base() -> CoverageBase:
    phases = list(Phase.objects.order_by("order"))
    violence_types: dict[int, list[ViolenceType]] = defaultdict(list)
    framework_of = {}
    for violence_type in ViolenceType.objects.order_by("framework_id", "order"):
        violence_types[violence_type.framework_id].append(violence_type)
        framework_of[violence_type.pk] = violence_type.framework_id
    organisations = sorted(
        Organisation.objects.order_by().values_list("name", "slug", "pk"), key=lambda o: o[:2]
    )
    refs = {pk: OrganisationRef(name=name, slug=slug, pk=pk) for name, slug, pk in organisations}
    rank = {pk: index for index, (_, _, pk) in enumerate(organisations)}
    cells = {}
    positioned_in: dict[int, set[int]] = defaultdict(set)
    for phase_id, violence_type_id, ids, confirmed in cell_organisations_query():
        cells[(phase_id, violence_type_id)] = (ids, confirmed)
        positioned_in[framework_of[violence_type_id]].update(ids)
    return CoverageBase(
        phases=phases,
        violence_types=dict(violence_types),
        refs=refs,
        rank=rank,
        cells=cells,
        positioned_in={pk: frozenset(ids) for pk, ids in positioned_in.items()},
        positioned=frozenset().union(*positioned_in.values()),
    )


def _build_matrix(framework, base: CoverageBase, cells, unknown, admitted) -> Matrix:
    """The matrix of `framework` from `cells` (as in `CoverageBase.cells`), `unknown`
    (per cell, the ids of organisations that might be in it) and `admitted` (the ids the
    filters admit; None: all)."""
    phases = base.phases
    violence_types = base.violence_types.get(framework.pk, [])
    refs, rank = base.refs, base.rank

    def sorted_refs(ids) -> list[OrganisationRef]:
        # An organisation created or deleted since the base was read is left out until the
        # next data version (which that write brings).
        return [refs[pk] for pk in sorted(ids, key=lambda pk: rank.get(pk, -1)) if pk in refs]

    counts = [len(cells.get((p.pk, vt.pk), ((),))[0]) for p in phases for vt in violence_types]
    highest = max(counts, default=0)
    by_violence_type: dict[int, set[int]] = defaultdict(set)
    everyone: set[int] = set()
    matrix_rows = []
    for phase in phases:
        row_cells, in_row = [], set()
        for violence_type in violence_types:
            key = (phase.pk, violence_type.pk)
            ids, confirmed = cells.get(key, ((), ()))
            in_row.update(ids)
            by_violence_type[violence_type.pk].update(ids)
            unknown_ids = unknown.get(key, ())
            row_cells.append(
                Cell(
                    phase=phase,
                    violence_type=violence_type,
                    organisations=sorted_refs(ids),
                    status=cell_status(len(ids), framework.thin_threshold, len(unknown_ids)),
                    unknown_organisations=sorted_refs(unknown_ids),
                    confirmed_count=len(confirmed),
                    shade=shade(len(ids), highest),
                )
            )
        everyone |= in_row
        matrix_rows.append(Row(phase=phase, cells=row_cells, total=len(in_row)))

    here = base.positioned_in.get(framework.pk, frozenset())
    candidates = refs.keys() if admitted is None else admitted
    unpositioned = [pk for pk in candidates if pk not in base.positioned]
    elsewhere = [pk for pk in candidates if pk in base.positioned and pk not in here]
    return Matrix(
        framework=framework,
        phases=phases,
        violence_types=violence_types,
        rows=matrix_rows,
        violence_type_totals=[len(by_violence_type[vt.pk]) for vt in violence_types],
        total=len(everyone),
        unpositioned_organisations=sorted_refs(unpositioned),
        elsewhere_organisations=sorted_refs(elsewhere),
    )


def matrix_as_json(matrix: Matrix) -> dict:
    """The matrix in the public JSON shape of `/api/kaart/<slug>/`: every organisation the
    matrix names once, in `organisations` (id, slug, name; alphabetical), and elsewhere only
    its id, so that the answer grows with the organisations, not with cells times names."""
    named: dict[int, OrganisationRef] = {}
    for cell in matrix.cells:
        for organisation in (*cell.organisations, *cell.unknown_organisations):
            named[organisation.pk] = organisation
    for organisation in (*matrix.unpositioned_organisations, *matrix.elsewhere_organisations):
        named[organisation.pk] = organisation

    def ids(organisations):
        return [organisation.pk for organisation in organisations]

    return {
        "framework": {"slug": matrix.framework.slug, "name": matrix.framework.name},
        "thin_threshold": matrix.thin_threshold,
        "phases": [{"slug": p.slug, "name": p.name} for p in matrix.phases],
        "violence_types": [{"slug": v.slug, "name": v.name} for v in matrix.violence_types],
        "organisations": [
            {"id": o.pk, "slug": o.slug, "name": o.name} for o in sorted(named.values())
        ],
        "cells": [
            {
                "phase": cell.phase.slug,
                "violence_type": cell.violence_type.slug,
                "organisations": ids(cell.organisations),
                "count": cell.count,
                "status": cell.status,
                "confirmed_count": cell.confirmed_count,
                "unconfirmed": cell.unconfirmed,
                "unknown_organisations": ids(cell.unknown_organisations),
                "unknown_count": cell.unknown_count,
            }
            for cell in matrix.cells
        ],
        "phase_totals": matrix.phase_totals(),
        "violence_type_totals": matrix.violence_type_totals_by_slug(),
        "total": matrix.total,
        "unpositioned_organisations": ids(matrix.unpositioned_organisations),
        "elsewhere_organisations": ids(matrix.elsewhere_organisations),
        "unknown_facts": [
            {"filter": fact.name, "label": fact.label, "offers": fact.count}
            for fact in matrix.unknown_facts
        ],
    }


@dataclass
class GapSummary:
    framework: Framework
    empty_cells: int
    thin_cells: int
    covered_cells: int
    weakest_phases: list[Phase]
    weakest_violence_types: list[ViolenceType]
    unpositioned_count: int
    unconfirmed_cells: int


def summarise_gaps(matrix: Matrix) -> GapSummary:
    """The short reading of a matrix that the home page shows: where the offer is thinnest."""
    phase_totals = [(row.total, row.phase) for row in matrix.rows]
    lowest_phase = min(total for total, _ in phase_totals)
    lowest_vt = min(matrix.violence_type_totals)
    return GapSummary(
        framework=matrix.framework,
        empty_cells=len(matrix.cells_with_status(EMPTY)),
        thin_cells=len(matrix.cells_with_status(THIN)),
        covered_cells=len(matrix.cells_with_status(COVERED)),
        weakest_phases=[phase for total, phase in phase_totals if total == lowest_phase],
        weakest_violence_types=[
            vt
            for vt, total in zip(matrix.violence_types, matrix.violence_type_totals, strict=True)
            if total == lowest_vt
        ],
        unpositioned_count=len(matrix.unpositioned_organisations),
        unconfirmed_cells=len(matrix.unconfirmed_cells()),
    )
