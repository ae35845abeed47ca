"""Small per-framework grids (phases x violence types) marking which cells a set of positions holds.

The organisation page, the offer page and the partner's position editor all draw these.
"""

from dataclasses import dataclass

from frameworks.models import Framework, Phase, ViolenceType
from sociale_kaart.cache import get_or_compute, versioned_key


@dataclass
class GridCell:
    phase: Phase
    violence_type: ViolenceType
    held: bool

    @property
    def key(self) -> str:
        return f"{self.phase.slug}__{self.violence_type.slug}"


@dataclass
class GridRow:
    phase: Phase
    cells: list[GridCell]


@dataclass
class Grid:
    framework: Framework
    violence_types: list[ViolenceType]
    rows: list[GridRow]

    @property
    def held_count(self) -> int:
        return sum(cell.held for row in self.rows for cell in row.cells)


def build_grids(held_cells: set[tuple[int, int]]) -> list[Grid]:
    """One grid per framework; `held_cells` holds (phase_id, violence_type_id) pairs.

    The phases and violence types come from the cache (under the data version, so a renamed
    phase shows at once); at most two queries, whatever the number of positions.
    """
    phases, violence_types = get_or_compute(versioned_key("grid-axes"), _grid_axes)
    frameworks = {vt.framework for vt in violence_types}
    grids = []
    for framework in sorted(frameworks, key=lambda f: (f.order, f.name)):
        columns = [vt for vt in violence_types if vt.framework_id == framework.pk]
        rows = [
            GridRow(
                phase=phase,
                cells=[
                    GridCell(phase=phase, violence_type=vt, held=(phase.pk, vt.pk) in held_cells)
                    for vt in columns
                ],
            )
            for phase in phases
        ]
        grids.append(Grid(framework=framework, violence_types=columns, rows=rows))
    return grids


def _grid_axes() -> tuple[list[Phase], list[ViolenceType]]:
    phases = list(Phase.objects.order_by("order"))
    violence_types = list(ViolenceType.objects.select_related("framework").order_by("order"))
    return phases, violence_types
