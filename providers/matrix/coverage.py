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

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value
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
    as not positioned in this framework. Runs four queries, three when `phases` is passed in,
    whatever the amount of data; the result is cached per framework, threshold, the
    selection's filters (as its query string) and data version (sociale_kaart.cache), so that
    the home page, the matrix page, its JSON and the Excel export share one entry.
    """
    if selection is not None and not selection.is_valid():
        raise ValueError("compute_matrix needs a valid selection")
    filters = "" if selection is None else selection.query_string
    # Whether an entry counts as confirmed depends on the day, so the day is part of the key.
    key = versioned_key(
        "matrix", framework.pk, framework.thin_threshold, filters, verification_cutoff()
    )

    def compute():
        if selection is None:
            return _compute_matrix(framework, None, None, phases)
        maybe = selection.maybe()
        matrix = _compute_matrix(
            framework,
            selection.qs,
            selection.organisations(),
            phases,
            maybe_offers=None if maybe is None else maybe.qs,
        )
        matrix.unknown_facts = selection.unknown_facts() if maybe is not None else []
        return matrix

    return get_or_compute(key, compute)


def cell_organisations_query(violence_type_ids: list[int], offers=None):
    """(phase id, violence type id, organisation id, confirmed) for every cell that an offer of
    `offers` (published offers; default: all of them) holds, where `confirmed` says whether
    that offer was confirmed in the last 12 months: one grouped query over the positions. Ids
    only and no ordering, which would add the ordering columns to the DISTINCT."""
    positions = Position.objects.filter(violence_type_id__in=violence_type_ids)
    if offers is None:
        positions = positions.filter(published_condition("offer__"))
    else:
        positions = positions.filter(offer__in=offers.values("pk"))
    confirmed = ExpressionWrapper(
        Q(offer__last_verified__gte=verification_cutoff()), output_field=BooleanField()
    )
    return (
        positions.order_by()
        .annotate(confirmed=confirmed)
        .values_list("phase_id", "violence_type_id", "offer__organisation_id", "confirmed")
        .distinct()
    )


def organisations_query(violence_type_ids: list[int], organisations=None):
    """Every organisation once: pk, name, slug, whether it holds any published position among
    `violence_type_ids` (this framework), whether it holds one anywhere, and whether
    `organisations` (default: all) admits it."""
    anywhere = Position.objects.filter(
        published_condition("offer__"), offer__organisation=OuterRef("pk")
    )
    here = anywhere.filter(violence_type_id__in=violence_type_ids)
    admitted = (
        Value(True) if organisations is None else Exists(organisations.filter(pk=OuterRef("pk")))
    )
    return (
        Organisation.objects.order_by()
        .annotate(here=Exists(here), anywhere=Exists(anywhere), admitted=admitted)
        .values_list("pk", "name", "slug", "here", "anywhere", "admitted")
    )


def _compute_matrix(framework, offers, organisations, phases, maybe_offers=None) -> Matrix:
    if phases is None:
        phases = list(Phase.objects.order_by("order"))
    violence_types = list(framework.violence_types.order_by("order"))
    violence_type_ids = [vt.pk for vt in violence_types]

    by_cell: dict[tuple[int, int], set[int]] = defaultdict(set)
    confirmed_by_cell: dict[tuple[int, int], set[int]] = defaultdict(set)
    by_phase: dict[int, set[int]] = defaultdict(set)
    by_violence_type: dict[int, set[int]] = defaultdict(set)
    for phase_id, violence_type_id, organisation_id, confirmed in cell_organisations_query(
        violence_type_ids, offers
    ):
        by_cell[(phase_id, violence_type_id)].add(organisation_id)
        if confirmed:
            confirmed_by_cell[(phase_id, violence_type_id)].add(organisation_id)
        by_phase[phase_id].add(organisation_id)
        by_violence_type[violence_type_id].add(organisation_id)
    highest = max((len(ids) for ids in by_cell.values()), default=0)
    unknown_by_cell: dict[tuple[int, int], set[int]] = defaultdict(set)
    if maybe_offers is not None:
        for phase_id, violence_type_id, organisation_id, _ in cell_organisations_query(
            violence_type_ids, maybe_offers
        ):
            if organisation_id not in by_cell.get((phase_id, violence_type_id), ()):
                unknown_by_cell[(phase_id, violence_type_id)].add(organisation_id)

    refs: dict[int, OrganisationRef] = {}  # one shared object per organisation
    unpositioned_ids, elsewhere_ids = [], []
    for pk, name, slug, here, anywhere, admitted in organisations_query(
        violence_type_ids, organisations
    ):
        refs[pk] = OrganisationRef(name=name, slug=slug)
        if admitted and not anywhere:
            unpositioned_ids.append(pk)
        elif admitted and not here:
            elsewhere_ids.append(pk)
    by_name = sorted(refs, key=lambda pk: (refs[pk].name, refs[pk].slug))
    rank = {pk: index for index, pk in enumerate(by_name)}

    def sorted_refs(ids) -> list[OrganisationRef]:
        return [refs[pk] for pk in sorted(ids, key=rank.__getitem__)]

    matrix_rows = []
    for phase in phases:
        cells = []
        for violence_type in violence_types:
            key = (phase.pk, violence_type.pk)
            organisations_in_cell = sorted_refs(by_cell.get(key, ()))
            unknown = sorted_refs(unknown_by_cell.get(key, ()))
            cells.append(
                Cell(
                    phase=phase,
                    violence_type=violence_type,
                    organisations=organisations_in_cell,
                    status=cell_status(
                        len(organisations_in_cell), framework.thin_threshold, len(unknown)
                    ),
                    unknown_organisations=unknown,
                    confirmed_count=len(confirmed_by_cell.get(key, ())),
                    shade=shade(len(organisations_in_cell), highest),
                )
            )
        matrix_rows.append(Row(phase=phase, cells=cells, total=len(by_phase.get(phase.pk, ()))))

    all_positioned = set().union(*by_phase.values()) if by_phase else set()
    return Matrix(
        framework=framework,
        phases=phases,
        violence_types=violence_types,
        rows=matrix_rows,
        violence_type_totals=[len(by_violence_type.get(vt.pk, ())) for vt in violence_types],
        total=len(all_positioned),
        unpositioned_organisations=sorted_refs(unpositioned_ids),
        elsewhere_organisations=sorted_refs(elsewhere_ids),
    )


def matrix_as_json(matrix: Matrix) -> dict:
    """The matrix in the public JSON shape of `/api/kaart/<slug>/`."""

    def refs(organisations):
        return [{"slug": o.slug, "name": o.name} for o in organisations]

    return {
        "framework": {"slug": matrix.framework.slug, "name": matrix.framework.name},
        "thin_threshold": matrix.thin_threshold,
        "phases": [{"slug": p.slug, "name": p.name} for p in matrix.phases],
        "violence_types": [{"slug": v.slug, "name": v.name} for v in matrix.violence_types],
        "cells": [
            {
                "phase": cell.phase.slug,
                "violence_type": cell.violence_type.slug,
                "organisations": refs(cell.organisations),
                "count": cell.count,
                "status": cell.status,
                "confirmed_count": cell.confirmed_count,
                "unconfirmed": cell.unconfirmed,
                "unknown_organisations": refs(cell.unknown_organisations),
                "unknown_count": cell.unknown_count,
            }
            for cell in matrix.cells
        ],
        "phase_totals": matrix.phase_totals(),
        "violence_type_totals": matrix.violence_type_totals_by_slug(),
        "total": matrix.total,
        "unpositioned_organisations": refs(matrix.unpositioned_organisations),
        "elsewhere_organisations": refs(matrix.elsewhere_organisations),
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
