"""The history of the scores as six small charts, one per question, drawn on the server as SVG.

Six lines on one 1-to-4 scale would lie on top of each other, so each question gets its own
small chart over the same periods, in the colour and dash the reports use for a series (told
apart without colour too). Like the reports' charts it is plain SVG with presentation attributes
(the Content-Security-Policy forbids inline styles and scripts), with a title and a description
for screen readers; the page shows the same scores as a table. Its words are in the reader's
language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from youthcourt.coproduction.questions import LEVELS, QUESTIONS, Question
from youthcourt.reports.charts import series_style
from youthcourt.web.i18n import _

WIDTH, HEIGHT = 480, 190
LEFT, RIGHT, TOP, BOTTOM = 108, 16, 14, 44
"""Room for the level names on the left ("3 En desarrollo" is the longest) and the two-line period
names below."""


@dataclass(frozen=True)
class Column:
    """One assessed period on the charts: its name in two lines, and the score of each question."""

    top: str
    bottom: str
    scores: dict[str, int]


def _x(index: int, count: int) -> float:
    width = WIDTH - LEFT - RIGHT
    return round(LEFT + width * (index + 0.5) / count, 1)


def _y(score: int) -> float:
    return round(TOP + (HEIGHT - TOP - BOTTOM) * (4 - score) / 3, 1)


def _axes(columns: Sequence[Column]) -> list[str]:
    parts = []
    for score, level in LEVELS.items():
        y = _y(score)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="#d5d9de" stroke-width="1"/>'
            f'<text x="{LEFT - 8}" y="{y + 4}" text-anchor="end" font-size="12" fill="#3d4650">'
            f"{score} {escape(_(level.name))}</text>"
        )
    base = HEIGHT - BOTTOM
    for index, column in enumerate(columns):
        x = _x(index, len(columns))
        parts.append(
            f'<text x="{x}" y="{base + 18}" text-anchor="middle" font-size="12" fill="#3d4650">'
            f"{escape(column.top)}</text>"
            f'<text x="{x}" y="{base + 33}" text-anchor="middle" font-size="11" fill="#5b6570">'
            f"{escape(column.bottom)}</text>"
        )
    return parts


def _line(question: Question, columns: Sequence[Column], index: int) -> list[str]:
    style = series_style(index)
    points = [
        (_x(position, len(columns)), _y(column.scores[question.element.value]))
        for position, column in enumerate(columns)
        if question.element.value in column.scores
    ]
    parts = []
    if len(points) > 1:
        dash = f' stroke-dasharray="{style.dash}"' if style.dash else ""
        path = "M" + " L".join(f"{x},{y}" for x, y in points)
        parts.append(f'<path d="{path}" fill="none" stroke="{style.colour}" stroke-width="2.5"{dash}/>')
    parts += [f'<circle cx="{x}" cy="{y}" r="5" fill="{style.colour}"/>' for x, y in points]
    return parts


def _describe(question: Question, columns: Sequence[Column]) -> str:
    scores = [
        f"{column.top} {column.bottom}: {column.scores[question.element.value]}"
        for column in columns
        if question.element.value in column.scores
    ]
    return _("Scores from 1 (not yet) to 4 (embedded) by period. %(scores)s.", scores="; ".join(scores))


def score_charts(columns: Sequence[Column]) -> list[tuple[Question, Markup]]:
    """One chart per question over ``columns`` (oldest first); none when nothing is assessed yet."""
    if not columns:
        return []
    charts = []
    for index, question in enumerate(QUESTIONS):
        chart_id = f"chart-{question.element.value}"
        parts = [
            f'<svg class="score-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
            f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg" '
            f'font-family="system-ui, sans-serif">',
            f'<title id="{chart_id}-title">{question.number}. {escape(_(question.title))}</title>',
            f'<desc id="{chart_id}-desc">{escape(_describe(question, columns))}</desc>',
            f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
            *_axes(columns),
            *_line(question, columns, index),
            "</svg>",
        ]
        # Every text from data passed through escape() above.
        charts.append((question, Markup("".join(parts))))  # noqa: S704
    return charts
