"""The layout of a path as an SVG drawn on the server: the phases as columns, the offers as
boxes, the links as arrows. Only numbers and texts here; templates/paths/path_svg.html draws
them with classes (static/css/paths.css), no inline style or script.

Each kind of transition has its own line pattern as well as its own colour, so the figure
reads without colour; the legend shows the patterns, and the list under the figure says the
same in words.
"""

from dataclasses import dataclass

from django.utils.text import Truncator

from providers.paths.models import TransitionKind
from providers.paths.selectors import Path

COLUMN_WIDTH = 210
NODE_WIDTH = 180
NODE_HEIGHT = 54
ROW_GAP = 18
HEADER_HEIGHT = 56
MARGIN = 30
# A column draws at most this many offers; the list under the figure names them all (paged
# per phase) and links to the search for the rest.
MAX_NODES_PER_COLUMN = 20
KIND_CLASSES = {kind.value: f"path-link--{index}" for index, kind in enumerate(TransitionKind)}


@dataclass
class Box:
    x: int
    y: int
    organisation: str
    offer: str
    full_name: str

    @property
    def text_x(self) -> int:
        return self.x + 8


@dataclass
class Arrow:
    d: str
    css_class: str
    label: str


@dataclass
class Header:
    x: int
    text_x: int
    lines: list
    more: int  # offers not drawn in this column


@dataclass
class Diagram:
    width: int
    height: int
    headers: list
    boxes: list
    arrows: list
    legend: list  # (css class, label, y)
    legend_y: int


def _lines(text: str, width: int = 24) -> list[str]:
    """A phase name over at most two lines."""
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    if len(lines) > 2:
        lines = [lines[0], Truncator(" ".join(lines[1:])).chars(width)]
    return lines


def layout(path: Path) -> Diagram:
    positions = {}
    boxes, headers = [], []
    tallest = 0
    for column, (phase, nodes) in enumerate(zip(path.phases, path.columns, strict=True)):
        x = MARGIN + column * COLUMN_WIDTH
        drawn = nodes[:MAX_NODES_PER_COLUMN]
        headers.append(Header(x, x + 4, _lines(phase.name), len(nodes) - len(drawn)))
        for row, node in enumerate(drawn):
            y = HEADER_HEIGHT + row * (NODE_HEIGHT + ROW_GAP)
            positions[node.offer.pk] = (x, y)
            boxes.append(
                Box(
                    x=x,
                    y=y,
                    organisation=Truncator(node.offer.organisation.name).chars(26),
                    offer=Truncator(node.offer.name).chars(28),
                    full_name=f"{node.offer.name} ({node.offer.organisation.name})",
                )
            )
        tallest = max(tallest, len(drawn))
    arrows = []
    for edge in path.edges:
        start, end = positions.get(edge.source.offer.pk), positions.get(edge.target.offer.pk)
        if start is None or end is None:
            continue
        arrows.append(
            Arrow(d=_curve(start, end), css_class=KIND_CLASSES[edge.kind], label=edge.kind_label)
        )
    body = HEADER_HEIGHT + max(tallest, 1) * (NODE_HEIGHT + ROW_GAP)
    kinds = sorted({edge.kind for edge in path.edges}, key=list(KIND_CLASSES).index)
    legend = [
        (KIND_CLASSES[kind], TransitionKind(kind).label, body + 20 + index * 22)
        for index, kind in enumerate(kinds)
    ]
    height = body + 20 + len(legend) * 22 + MARGIN
    width = MARGIN * 2 + len(path.phases) * COLUMN_WIDTH
    return Diagram(width, height, headers, boxes, arrows, legend, body)


def _curve(start: tuple[int, int], end: tuple[int, int]) -> str:
    """An arrow from the right side of one box to the left side of another; back to an
    earlier or the same column it bends round below."""
    (sx, sy), (ex, ey) = start, end
    y1, y2 = sy + NODE_HEIGHT // 2, ey + NODE_HEIGHT // 2
    x1, x2 = sx + NODE_WIDTH, ex
    if x2 > x1:
        middle = (x1 + x2) // 2
        return f"M {x1} {y1} C {middle} {y1}, {middle} {y2}, {x2 - 6} {y2}"
    if sx == ex:
        # Same column: out of the left side and back into it, bending round to the left.
        return f"M {sx} {y1} C {sx - 40} {y1}, {sx - 40} {y2}, {sx - 6} {y2}"
    # An earlier column: out of the right side, round below, into the left side.
    bend = max(y1, y2) + NODE_HEIGHT
    return f"M {x1} {y1} C {x1 + 40} {bend}, {x2 - 40} {bend}, {x2 - 6} {y2}"
