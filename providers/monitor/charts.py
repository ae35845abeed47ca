"""The monitor's charts as SVG, drawn on the server: no script and no style attribute (the
strict CSP holds; colours come from classes in static/css/monitor.css), readable without
colour (every series has its own pattern and every bar its number written beside it), and
each with a table of the same figures on the page.

Each function returns the SVG as safe markup. Values are written as text elements with the
class `chart-value`, in the order of the table beside the chart.
"""

from xml.sax.saxutils import escape, quoteattr

from django.utils.safestring import mark_safe

# The series of the trend chart, bottom up, with their pattern (defined in `_defs`).
STATUS_SERIES = (
    ("covered", "gedekt", "pattern-covered"),
    ("thin", "dun", "pattern-thin"),
    ("empty", "leeg", "pattern-empty"),
)
FONT = 12


def _pattern(prefix: str, name: str, marks: str) -> str:
    return (
        f'<pattern id="{prefix}-pattern-{name}" width="8" height="8" '
        f'patternUnits="userSpaceOnUse"><rect class="fill-{name}" width="8" height="8"/>'
        f"{marks}</pattern>"
    )


def _defs(prefix: str) -> str:
    """Patterns for the series: solid (gedekt), dots (dun), diagonal hatching (leeg, benodigd)."""
    return (
        "<defs>"
        + _pattern(prefix, "covered", "")
        + _pattern(prefix, "thin", '<circle class="mark-thin" cx="4" cy="4" r="1.6"/>')
        + _pattern(
            prefix, "empty", '<path class="mark-empty" d="M0,8 L8,0 M-2,2 L2,-2 M6,10 L10,6"/>'
        )
        + _pattern(
            prefix, "need", '<path class="mark-need" d="M0,0 L8,8 M-2,6 L2,10 M6,-2 L10,2"/>'
        )
        + "</defs>"
    )


def _svg(prefix: str, width: int, height: int, title: str, body: list[str]) -> str:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-labelledby="{prefix}-title">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        + _defs(prefix)
        + "".join(body)
        + "</svg>"
    )


def _text(x, y, content, css="chart-label", anchor="start") -> str:
    return (
        f'<text class={quoteattr(css)} x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}">'
        f"{escape(str(content))}</text>"
    )


def _rect(x, y, width, height, fill, css="chart-bar") -> str:
    return (
        f'<rect class="{css}" x="{x:.1f}" y="{y:.1f}" width="{max(width, 0):.1f}" '
        f'height="{max(height, 0):.1f}" fill="url(#{fill})"/>'
    )


def status_trend_chart(prefix: str, title: str, points: list[tuple[str, dict]]) -> str:
    """Stacked columns, one per moment: the cells that were gedekt, dun and leeg.

    `points`: (label, {"covered": n, "thin": n, "empty": n}) oldest first."""
    column, gap, left, top, plot = 34, 14, 36, 34, 180
    width = max(left + len(points) * (column + gap) + 10, 280)
    height = top + plot + 70
    highest = max((sum(p[1].get(k, 0) for k, _, _ in STATUS_SERIES) for p in points), default=1)
    scale = plot / max(highest, 1)
    body = []
    x_legend = left
    for _key, label, pattern in reversed(STATUS_SERIES):
        body.append(_rect(x_legend, 6, 14, 14, f"{prefix}-{pattern}", "chart-swatch"))
        body.append(_text(x_legend + 18, 18, label))
        x_legend += 80
    body.append(
        f'<line class="chart-axis" x1="{left}" y1="{top + plot}" '
        f'x2="{width - 6}" y2="{top + plot}"/>'
    )
    for index, (label, counts) in enumerate(points):
        x = left + index * (column + gap)
        y = top + plot
        for key, _, pattern in STATUS_SERIES:
            value = counts.get(key, 0)
            h = value * scale
            y -= h
            body.append(_rect(x, y, column, h, f"{prefix}-{pattern}"))
            # The number on a white plate, readable on any pattern; small segments too.
            ty = y + h / 2 + 4 if h >= FONT + 2 else y - 2
            body.append(
                f'<rect class="chart-plate" x="{x + 6:.1f}" y="{ty - 11:.1f}" '
                f'width="{column - 12}" height="14"/>'
            )
            body.append(_text(x + column / 2, ty, value, "chart-value", "middle"))
        body.append(
            f'<text class="chart-label chart-tick" x="{x + column / 2:.1f}" y="{top + plot + 14}" '
            f'text-anchor="end" transform="rotate(-40 {x + column / 2:.1f} {top + plot + 14})">'
            f"{escape(label)}</text>"
        )
    return _svg(prefix, width, height, title, body)


def capacity_need_chart(
    prefix: str, title: str, rows: list[tuple[str, int | None, int | None, int]]
):
    """Per row (a phase) two bars: the known capacity (solid) and the need (hatched), each
    with its number; "onbekend" where no offer gave a figure, "geen" where no need is set.

    `rows`: (label, known capacity or None, need or None, offers without capacity)."""
    label_width, bar_area, row_height, top = 250, 330, 44, 30
    width = label_width + bar_area + 150
    height = top + len(rows) * row_height + 10
    highest = max([v for _, cap, need, _ in rows for v in (cap, need) if v] or [1])
    scale = bar_area / highest
    body = [
        _rect(label_width, 6, 14, 14, f"{prefix}-pattern-covered", "chart-swatch"),
        _text(label_width + 18, 18, "capaciteit per jaar (bekend)"),
        _rect(label_width + 220, 6, 14, 14, f"{prefix}-pattern-need", "chart-swatch"),
        _text(label_width + 238, 18, "benodigd per jaar"),
    ]
    for index, (label, capacity, need, unknown) in enumerate(rows):
        y = top + index * row_height
        body.append(_text(label_width - 8, y + 22, label, "chart-label", "end"))
        for offset, value, pattern, missing in (
            (4, capacity, "pattern-covered", "onbekend"),
            (22, need, "pattern-need", "geen behoefte vastgelegd"),
        ):
            w = (value or 0) * scale
            body.append(_rect(label_width, y + offset, w, 14, f"{prefix}-{pattern}"))
            shown = missing if value is None else value
            body.append(_text(label_width + w + 6, y + offset + 12, shown, "chart-value"))
        if unknown:
            body.append(
                _text(width - 4, y + 16, f"{unknown} zonder capaciteit", "chart-note", "end")
            )
    return _svg(prefix, width, height, title, body)


def sparkbars(prefix: str, title: str, values: list[int]) -> str:
    """A small column chart of one series (organisations in a phase per moment), the last
    value written out; the table beside it has every value."""
    column, gap, plot = 8, 3, 30
    width = max(len(values) * (column + gap) + 60, 80)
    height = plot + 6
    highest = max(values or [1]) or 1
    body = []
    for index, value in enumerate(values):
        h = value * plot / highest
        body.append(
            _rect(index * (column + gap), plot - h + 2, column, h, f"{prefix}-pattern-covered")
        )
    if values:
        body.append(_text(len(values) * (column + gap) + 4, plot - 2, values[-1], "chart-value"))
    return _svg(prefix, width, height, title, body)
