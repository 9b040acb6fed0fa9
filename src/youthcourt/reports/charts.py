"""Charts drawn on the server as inline SVG: no script, no inline styles, readable without colour.

The page's Content-Security-Policy forbids inline scripts and style attributes, so the
chart is plain SVG markup with presentation attributes and CSS classes. Each group gets a
colour and a dash pattern (told apart in grey print and by colour-blind readers), the
chart carries a title and a description for screen readers, and the page shows its data
table beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from markupsafe import Markup, escape

from youthcourt.reports.recidivism import Curve
from youthcourt.web.i18n import gettext

COLOURS = ("#0072B2", "#C2410C", "#00785A", "#9D4F8C", "#8A5A00", "#333333", "#4B6C8F", "#6B6B00")
"""Okabe-Ito hues, darkened where needed for 3:1 contrast against white."""
DASHES = ("", "9 4", "2 3", "12 4 3 4", "5 5", "1 3", "14 3 3 3 3 3", "6 2 2 2")

WIDTH = 760
LEFT, RIGHT, TOP = 64, 24, 16
PLOT_HEIGHT = 300
AXIS_SPACE = 52
LEGEND_ROW = 24
LEGEND_COLUMN = (WIDTH - LEFT - RIGHT) // 2
LABEL_LENGTH = 42


@dataclass(frozen=True)
class SeriesStyle:
    colour: str
    dash: str


def series_style(index: int) -> SeriesStyle:
    """The look of the ``index``-th group, the same in the chart, its legend and its table."""
    return SeriesStyle(COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)])


def _floor(curves: Sequence[Curve]) -> float:
    """Start the vertical axis at 0, or at a round floor when every curve stays high (reoffending is rare)."""
    lowest = min(point.lower for curve in curves for point in curve.points)
    if lowest < 0.5:
        return 0.0
    return min(math.floor(lowest * 10) / 10, 0.9)


def _y_step(floor: float) -> float:
    span = 1.0 - floor
    return 0.02 if span <= 0.1 else 0.05 if span <= 0.3 else 0.1


def _x_step(months: int) -> int:
    return 1 if months <= 6 else 2 if months <= 12 else 3


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _short(label: str) -> str:
    return label if len(label) <= LABEL_LENGTH else label[: LABEL_LENGTH - 1] + "…"


class _Frame:
    """Maps months and shares onto the plot's coordinates."""

    def __init__(self, months: int, floor: float) -> None:
        self.months = months
        self.floor = floor
        self.width = WIDTH - LEFT - RIGHT

    def x(self, month: float) -> float:
        return round(LEFT + self.width * month / self.months, 1)

    def y(self, share: float) -> float:
        share = min(max(share, self.floor), 1.0)
        return round(TOP + PLOT_HEIGHT * (1.0 - share) / (1.0 - self.floor), 1)


def _steps(frame: _Frame, points: Sequence[tuple[int, float]]) -> list[tuple[float, float]]:
    """Corners of a step line through monthly values: each month's value drops in at its end."""
    corners = [(frame.x(points[0][0]), frame.y(points[0][1]))]
    for (_, before), (month, value) in pairwise(points):
        corners.append((frame.x(month), frame.y(before)))
        corners.append((frame.x(month), frame.y(value)))
    return corners


def _grid(frame: _Frame, x_label: str) -> list[str]:
    parts = ['<g class="chart-grid">']
    step = _y_step(frame.floor)
    ticks = round((1.0 - frame.floor) / step)
    for i in range(ticks + 1):
        share = frame.floor + i * step
        y = frame.y(share)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="#d5d9de" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + 4}" text-anchor="end" font-size="12" fill="#3d4650">{_percent(share)}</text>'
        )
    bottom = TOP + PLOT_HEIGHT
    for month in range(0, frame.months + 1, _x_step(frame.months)):
        x = frame.x(month)
        parts.append(f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{bottom}" stroke="#eceef1" stroke-width="1"/>')
        parts.append(
            f'<text x="{x}" y="{bottom + 18}" text-anchor="middle" font-size="12" fill="#3d4650">{month}</text>'
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}" stroke="#6b7580" stroke-width="1"/>'
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}" stroke="#6b7580" stroke-width="1"/>'
        f'<text x="{LEFT + frame.width / 2}" y="{bottom + 40}" text-anchor="middle" font-size="13" '
        f'fill="#1f2933">{escape(x_label)}</text>'
        f'<text x="16" y="{TOP + PLOT_HEIGHT / 2}" text-anchor="middle" font-size="13" fill="#1f2933" '
        f'transform="rotate(-90 16 {TOP + PLOT_HEIGHT / 2})">{escape(gettext("% not reoffended"))}</text>'
        "</g>"
    )
    return parts


def _series(frame: _Frame, curve: Curve, style: SeriesStyle) -> str:
    line = _steps(frame, [(p.month, p.survival) for p in curve.points])
    upper = _steps(frame, [(p.month, p.upper) for p in curve.points])
    lower = _steps(frame, [(p.month, p.lower) for p in curve.points])
    band = " ".join(f"{x},{y}" for x, y in [*upper, *reversed(lower)])
    path = "M" + " L".join(f"{x},{y}" for x, y in line)
    dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
    return (
        f'<g class="chart-series"><polygon points="{band}" fill="{style.colour}" fill-opacity="0.13" stroke="none"/>'
        f'<path d="{path}" fill="none" stroke="{style.colour}" stroke-width="2.5"{dash} '
        f'stroke-linejoin="round"/></g>'
    )


def _legend(entries: Sequence[tuple[str, SeriesStyle]], top: float) -> list[str]:
    parts = ['<g class="chart-legend">']
    for index, (label, style) in enumerate(entries):
        x = LEFT + (index % 2) * LEGEND_COLUMN
        y = top + (index // 2) * LEGEND_ROW
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        parts.append(
            f'<rect x="{x}" y="{y - 9}" width="36" height="14" fill="{style.colour}" fill-opacity="0.13"/>'
            f'<line x1="{x}" x2="{x + 36}" y1="{y - 2}" y2="{y - 2}" stroke="{style.colour}" stroke-width="2.5"{dash}/>'
            f'<text x="{x + 44}" y="{y + 3}" font-size="13" fill="#1f2933">{escape(_short(label))}</text>'
        )
    parts.append("</g>")
    return parts


def describe(curves: Sequence[Curve]) -> str:
    """The chart in words: where each shown curve ends, with its interval."""
    sentences = []
    for curve in curves:
        last = curve.points[-1]
        sentences.append(
            gettext(
                "%(group)s: %(share)s not reoffended after %(months)s months (95%% interval %(low)s to %(high)s).",
                group=curve.label,
                share=_percent(last.survival),
                months=last.month,
                low=_percent(last.lower),
                high=_percent(last.upper),
            )
        )
    return " ".join(sentences)


def survival_chart(
    curves: Sequence[Curve], *, months: int, x_label: str, title: str, chart_id: str
) -> Markup:
    """Step curves of the share not reoffended with their 95% bands, one colour and dash per group.

    Only curves with points are drawn; styles follow the curves' positions in ``curves`` so
    they match :func:`series_style` used by the data table.
    """
    shown = [(index, curve) for index, curve in enumerate(curves) if curve.points]
    if not shown:
        return Markup("")
    frame = _Frame(months, _floor([curve for _, curve in shown]))
    legend_top = TOP + PLOT_HEIGHT + AXIS_SPACE + 20
    height = legend_top + ((len(shown) + 1) // 2) * LEGEND_ROW
    floor_note = (
        ""
        if frame.floor == 0
        else " " + gettext("The vertical axis starts at %(floor)s.", floor=_percent(frame.floor))
    )
    description = (
        gettext(
            "Step lines with shaded 95%% bands, %(axis)s from 0 to %(months)s.",
            axis=x_label.lower(),
            months=months,
        )
        + floor_note
        + " "
        + describe([curve for _, curve in shown])
    )
    parts = [
        f'<svg class="survival-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="system-ui, sans-serif">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        *_grid(frame, x_label),
        *(_series(frame, curve, series_style(index)) for index, curve in shown),
        *_legend([(curve.label, series_style(index)) for index, curve in shown], legend_top),
        "</svg>",
    ]
    # Every text that comes from data passed through escape() above.
    return Markup("".join(parts))  # noqa: S704
