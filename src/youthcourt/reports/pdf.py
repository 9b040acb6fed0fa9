"""The effects report and the recidivism report as PDF files: what their pages show, to publish.

Everything printed is read from the same report objects the pages read, through the same
published values (:meth:`EffectsReport.cell` and :meth:`EffectsReport.count`,
:meth:`RecidivismReport.display`, the curves' rounded numbers at risk), so a PDF holds no count
its page hides or rounds. The recidivism report's notes come as the page words them (the macros
of ``templates/reports/_recidivism_notes.html``, rendered by the caller); its curves are the
page's own SVG chart.

Text is set in DejaVu Sans, from the copy matplotlib ships (lifelines needs matplotlib anyway): the
PDF core fonts hold Latin-1 only, and labels carry en dashes, "χ²", "≥", curly quotes and
whatever an imported comparison group is called. The font is registered under the family name
``sans-serif``, which is the generic family the chart's SVG asks for, so its labels use it too.

This module imports fpdf2, which takes a second or two to load: the PDF routes import it when a
PDF is asked for, so that no other page pays for it.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from fpdf import FPDF, FontFace

from youthcourt.clock import utc_now
from youthcourt.reports.controllers.recidivism import interval, percent
from youthcourt.reports.effects import Estimate, PropensityMethod
from youthcourt.reports.effects_report import EffectsReport
from youthcourt.reports.recidivism import (
    COLUMN_LABELS,
    COLUMNS,
    Curve,
    GroupRow,
    RecidivismReport,
    group_words,
)
from youthcourt.web.i18n import N_, gettext

MEDIA_TYPE = "application/pdf"
FONT = "sans-serif"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf", "I": "DejaVuSans-Oblique.ttf"}
TEXT_SIZE = 9.5
TABLE_SIZE = 8.5
"""For the wide tables: their columns fit their headings' longest words."""
SMALL_SIZE = 8
INK = (31, 41, 51)
MUTED = (80, 90, 100)
WARNING = (140, 45, 4)
Cell = str | tuple[str, int]
"""A table cell: its text, or its text and the number of columns it spans."""
CURVES_PER_TABLE = 3
"""The curve table gives each curve three columns: more than three curves go on to another table."""

logging.getLogger("fontTools").setLevel(logging.WARNING)
"""fontTools logs each step of cutting the font down to the glyphs a PDF uses, at INFO."""


@functools.cache
def font_folder() -> Path:
    """matplotlib's folder of DejaVu fonts, found without importing matplotlib (which reads its
    configuration and may write a cache folder on import)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib, whose DejaVu Sans font the PDF reports are set in, is not installed.")
    folder = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
    missing = [name for name in FONT_FILES.values() if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"The PDF reports' fonts are not in {folder}: {', '.join(missing)}.")
    return folder


class ReportDocument(FPDF):
    """An A4 report: a title, headings, paragraphs, tables and charts, numbered pages."""

    def __init__(self, title: str, subject: str) -> None:
        super().__init__(format="A4")
        self.report_title = title
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)
        for style, name in FONT_FILES.items():
            self.add_font(FONT, style, font_folder() / name)
        self.set_title(title)
        self.set_subject(subject)
        self.set_creator("Youthcourt")
        self.add_page()
        self.set_text_color(*INK)
        self.set_font(FONT, "B", 16)
        self.multi_cell(0, 8, title, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", TEXT_SIZE)
        self.paragraph(subject)
        self.paragraph(
            gettext(
                "Produced on %(day)s. De-identified: no names or case numbers appear here.",
                day=f"{utc_now():%Y-%m-%d}",
            )
        )

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", SMALL_SIZE)
        self.set_text_color(*MUTED)
        page = gettext("page %(page)s of %(pages)s", page=self.page_no(), pages="{nb}")
        self.cell(0, 5, f"{self.report_title} \N{MIDDLE DOT} {page}", align="C")

    def heading(self, text: str) -> None:
        """A section's heading, kept on the page of the lines that follow it."""
        if self.will_page_break(30):
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", 12)
        self.set_text_color(*INK)
        self.multi_cell(0, 6.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", TEXT_SIZE)
        self.ln(1)

    def paragraph(self, text: str, *, size: float = TEXT_SIZE, colour: tuple[int, int, int] = INK) -> None:
        self.set_font(FONT, "", size)
        self.set_text_color(*colour)
        self.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)
        self.set_font(FONT, "", TEXT_SIZE)
        self.ln(1.5)

    def warning(self, lead: str, text: str) -> None:
        """A warning as the page words it: its lead in bold, then the rest."""
        self.set_text_color(*WARNING)
        self.set_font(FONT, "B", TEXT_SIZE)
        self.write(TEXT_SIZE * 0.5, lead + " ")
        self.set_font(FONT, "", TEXT_SIZE)
        self.write(TEXT_SIZE * 0.5, text)
        self.set_text_color(*INK)
        self.ln(TEXT_SIZE * 0.5 + 1.5)

    def html(self, markup: str) -> None:
        """Notes as the page words them (lists, paragraphs, bold), in the report's font."""
        if not markup.strip():
            return
        self.set_font(FONT, "", TEXT_SIZE)
        self.write_html(
            markup,
            font_family=FONT,
            li_prefix_color=MUTED,
            ul_bullet_char="\N{BULLET}",
            warn_on_tags_not_matching=False,
        )
        self.set_font(FONT, "", TEXT_SIZE)
        self.ln(1)

    def grid(
        self,
        rows: Sequence[Sequence[Cell]],
        widths: Sequence[float],
        align: str,
        *,
        headings: int = 1,
        size: float = TEXT_SIZE,
    ) -> None:
        """A table: ``headings`` rows of headings, then the rows. ``widths`` are relative (millimetres
        when they add up to the page's 180); ``align`` has a letter per column, L or R (numbers are
        right-aligned, as on the page). A cell given as (text, n) spans n columns."""
        self.set_font(FONT, "", size)
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple({"L": "LEFT", "R": "RIGHT"}[letter] for letter in align),
            v_align="TOP",
            line_height=size * 0.5,
            headings_style=FontFace(emphasis="BOLD", fill_color=(236, 239, 242)),
            num_heading_rows=headings,
            first_row_as_headings=headings > 0,
            borders_layout="HORIZONTAL_LINES",
            padding=(1, 1),
            width=self.epw,
        ) as table:
            for cells in rows:
                row = table.row()
                for cell in cells:
                    if isinstance(cell, str):
                        row.cell(cell)
                    else:
                        row.cell(cell[0], colspan=cell[1], align="CENTER")
        self.set_font(FONT, "", TEXT_SIZE)
        self.ln(2)

    def chart(self, svg: str) -> None:
        """An SVG chart, full width. Its title and description are for screen readers and are
        left out (fpdf2 does not draw them); the page's sentence about the chart is printed beside it."""
        drawable = re.sub(r"<(title|desc)\b[^>]*>.*?</\1>", "", svg, flags=re.DOTALL)
        if self.will_page_break(110):
            self.add_page()
        self.image(io.BytesIO(drawable.encode()), w=self.epw)
        self.ln(2)

    def done(self) -> bytes:
        return bytes(self.output())


def _bounds(low: str, high: str) -> str:
    return gettext("%(low)s to %(high)s", low=low, high=high)


def _ratio(estimate: Estimate) -> tuple[str, str]:
    return f"{estimate.value:.2f}", _bounds(f"{estimate.low:.2f}", f"{estimate.high:.2f}")


def _points(estimate: Estimate) -> tuple[str, str]:
    return (
        gettext("%(points)s points", points=f"{estimate.value * 100:+.1f}"),
        _bounds(f"{estimate.low * 100:.1f}", f"{estimate.high * 100:.1f}"),
    )


def _p(p_value: float) -> str:
    return f"{p_value:.3f}" if p_value >= 0.001 else "< 0.001"


def effects_pdf(
    report: EffectsReport,
    methods: Sequence[tuple[str, str]],
    *,
    cohort_words: str,
) -> bytes:
    """The effects report as its page shows it, in the viewer's language: the sample, the risks, the
    Cox model, the propensity score and the methods note."""
    comparison = report.comparison
    first, second = comparison.first_words, comparison.second_words
    doc = ReportDocument(
        gettext("Effects: %(first)s against %(second)s", first=first, second=second),
        f"{comparison.options.definition}.",
    )
    covariates = ", ".join(gettext(c.label) for c in comparison.covariates) or gettext("none")
    doc.grid(
        [
            (gettext("Cohort"), cohort_words),
            (
                gettext("Groups"),
                gettext("%(first)s (first) against %(second)s (second)", first=first, second=second),
            ),
            (gettext("Adjusted for"), covariates),
            (gettext("Propensity score"), gettext(comparison.method.label)),
        ],
        (1, 4),
        "LL",
        headings=0,
    )

    doc.heading(gettext("The sample at each step"))
    doc.grid([(step.label, report.count(step.count)) for step in report.flow], (4, 1), "LR", headings=0)
    if report.empty_group:
        doc.paragraph(report.empty_group)
    else:
        _estimates(doc, report)
    doc.heading(gettext("Methods"))
    doc.grid(methods, (1, 4), "LL", headings=0)
    return doc.done()


def _estimates(doc: ReportDocument, report: EffectsReport) -> None:
    """The risks, the Cox model and the propensity analysis, as the page shows them."""
    comparison = report.comparison
    first, second = comparison.first_words, comparison.second_words
    doc.heading(gettext("Risk of a new offense at the window"))
    if report.follow_up_warning:
        doc.warning(gettext("Follow-up differs between the groups."), report.follow_up_warning)
    doc.grid(
        [
            (
                gettext("Group"),
                gettext("Reoffended"),
                gettext("Not reoffended"),
                gettext("Followed for the full window"),
            ),
            *(
                (label, *(report.cell(f"{side}_{column}") for column in ("events", "none", "total")))
                for side, label in (("first", first), ("second", second))
            ),
        ],
        (3, 1.3, 1.5, 2),
        "LRRR",
    )
    risks = report.risks
    if risks is None:
        doc.paragraph(report.risks_withheld or "")
    else:
        doc.grid(
            [
                (gettext("Measure"), gettext("Estimate"), _percent_words("95%% CI")),
                (
                    gettext("Risk difference (first minus second)"),
                    *_or(risks.difference, _points, gettext("not estimated")),
                ),
                (
                    gettext("Risk ratio"),
                    *_or(risks.ratio, _ratio, gettext("not estimated: no new offense in a group")),
                ),
                (
                    gettext("Odds ratio"),
                    *_or(risks.odds_ratio, _ratio, gettext("not estimated: an empty cell")),
                ),
            ],
            (3, 1.4, 1.6),
            "LRR",
        )

    doc.heading(gettext("Cox model: hazard ratios"))
    cox = report.cox
    if cox is None:
        doc.paragraph(report.cox_withheld or "")
    else:
        if cox.ph_violated:
            doc.warning(
                gettext(
                    "The proportional-hazards assumption does not hold for %(terms)s",
                    terms=", ".join(cox.ph_violated),
                ),
                gettext(
                    "(p < 0.05): the hazard ratio changes over the follow-up, so one number averages an effect "
                    "that is not constant. Read the curves of the recidivism report, or compare risks at the "
                    "window instead."
                ),
            )
        doc.grid(
            [
                (
                    gettext("Term"),
                    gettext("Hazard ratio"),
                    _percent_words("95%% CI"),
                    "p",
                    gettext("Proportional hazards, p"),
                ),
                *(
                    (
                        gettext("%(first)s (against %(second)s)", first=first, second=second)
                        if term.name == "group"
                        else term.name,
                        *_ratio(term.estimate),
                        _p(term.p_value),
                        "" if term.ph_p_value is None else f"{term.ph_p_value:.3f}",
                    )
                    for term in cox.terms
                ),
            ],
            (3.2, 1.2, 1.5, 0.9, 1.5),
            "LRRRR",
        )
        if report.dropped_covariates:
            doc.paragraph(
                gettext(
                    "Left out, as they do not vary among these youth: %(covariates)s.",
                    covariates=", ".join(report.dropped_covariates),
                ),
                size=SMALL_SIZE,
            )

    doc.heading(gettext("Propensity score: %(method)s", method=gettext(comparison.method.label).lower()))
    _propensity(doc, report)


def _or(
    estimate: Estimate | None, shown: Callable[[Estimate], tuple[str, str]], missing: str
) -> tuple[Cell, ...]:
    """An estimate's two cells, or why there is none across both."""
    return shown(estimate) if estimate is not None else ((missing, 2),)


def _propensity(doc: ReportDocument, report: EffectsReport) -> None:
    result = report.propensity
    matching = report.comparison.method is PropensityMethod.MATCHING
    if result is None:
        doc.paragraph(report.propensity_withheld or "")
        return
    doc.paragraph(
        gettext("Balance: standardized mean differences (|SMD| under 0.1 is the usual bar)"), size=SMALL_SIZE
    )
    doc.grid(
        [
            (gettext("Covariate"), gettext("Before"), gettext("After")),
            *((row.name, f"{row.before:.3f}", f"{row.after:.3f}") for row in result.balance),
        ],
        (3, 1, 1),
        "LRR",
    )
    if matching and report.first_is_larger:
        doc.warning(
            gettext("The first group is the larger one."),
            gettext(
                "Matching finds a youth of the second group for each youth of the first, so many are left "
                "without a pair and the balance can get worse. Put the smaller group first, or weight instead."
            ),
        )
    if report.propensity_withheld:
        doc.paragraph(report.propensity_withheld)
    elif matching:
        words = gettext(
            "Matched pairs: %(pairs)s; youth of the first group without a match within the caliper: %(unmatched)s.",
            pairs=report.count(result.matched_pairs),
            unmatched=report.count(result.unmatched_treated),
        )
        difference = result.risks.difference
        if difference:
            words += " " + gettext(
                "Among matched youth followed for the full window, risk difference %(points)s points "
                "(95%% CI %(low)s to %(high)s).",
                points=f"{difference.value * 100:+.1f}",
                low=f"{difference.low * 100:.1f}",
                high=f"{difference.high * 100:.1f}",
            )
        doc.paragraph(words)
    elif result.weighted_difference is None:
        doc.paragraph(
            gettext("Weighted risk difference among youth followed for the full window: not estimated.")
        )
    else:
        doc.paragraph(
            gettext(
                "Weighted risk difference among youth followed for the full window: %(points)s points.",
                points=f"{result.weighted_difference * 100:+.1f}",
            )
        )


def recidivism_pdf(
    report: RecidivismReport, *, anchor_words: str, chart: str, notes: Mapping[str, str]
) -> bytes:
    """The recidivism report as its page shows it: the headline, the notes, the group table, the
    curves with their data, and the test.

    ``notes`` are the page's words around the figures, as HTML: ``scope``, ``empty_note``,
    ``report_notes``, ``group_footnotes``, ``curve_notes`` and ``test_result``.
    """
    doc = ReportDocument(gettext("Recidivism report"), report.options.definition)
    doc.html(notes["scope"])
    if report.is_empty:
        doc.html(notes["empty_note"])
        return doc.done()

    doc.heading(gettext("Headline"))
    doc.grid(_headline(report), (2.2, 0.8, 4), "LRL", headings=0)
    doc.html(notes["report_notes"])

    doc.heading(gettext("By group"))
    doc.grid(
        [
            (
                gettext("Group"),
                *(gettext(label) for label in COLUMN_LABELS.values()),
                _percent_words("Rate (95%% CI)"),
            ),
            *(_group_row(report, row) for row in report.rows),
        ],
        (48, 17, 17, 22, 22, 19, 35),
        "LRRRRRR",
        size=TABLE_SIZE,
    )
    doc.html(notes["group_footnotes"])

    doc.heading(gettext("Time to a first new offense"))
    doc.paragraph(
        gettext(
            "The share of youth without a new offense at the end of each month since %(anchor)s "
            "(Kaplan-Meier estimate), with its 95%% confidence band. Youth still being followed count for "
            "as long as their records were checked.",
            anchor=anchor_words,
        )
    )
    if report.shown_curves:
        doc.chart(chart)
    doc.html(notes["curve_notes"])
    shown = report.shown_curves
    for start in range(0, len(shown), CURVES_PER_TABLE):
        _curve_table(doc, report, shown[start : start + CURVES_PER_TABLE])

    doc.heading(gettext("Do the groups differ?"))
    doc.html(notes["test_result"])
    return doc.done()


def _headline(report: RecidivismReport) -> list[tuple[str, str, str]]:
    """The page's three headline figures: each one's label, value and words."""
    options = report.options
    head = report.headline
    estimate = report.headline_incidence
    who = (
        N_("Program youth: new offense within %(months)s months")
        if options.grouping.value == "comparison"
        else N_("All youth: new offense within %(months)s months")
    )
    return [
        (
            gettext(who, months=options.window_months),
            *_figure(
                estimate.value,
                gettext(
                    "95%% confidence interval %(interval)s; Kaplan-Meier estimate, each youth counted for as "
                    "long as they were followed",
                    interval=interval(estimate.interval),
                ),
                estimate.withheld,
            ),
        ),
        (
            gettext("Among youth followed for the full window"),
            *_figure(
                head.rate,
                gettext(
                    "95%% confidence interval %(interval)s, of %(youth)s youth; leaves the censored out, so it "
                    "runs high while many are censored",
                    interval=interval(head.interval),
                    youth=report.display(head, "full_window"),
                ),
                head.withheld,
            ),
        ),
        (
            gettext("In the cohort"),
            report.display(head, "cohort"),
            gettext(
                "youth whose clock had started; %(censored)s of them censored",
                censored=report.display(head, "censored"),
            ),
        ),
    ]


def _percent_words(message: str) -> str:
    """A message without placeholders whose ``%%`` is a percent sign (as the page's templates write it)."""
    return gettext(message).replace("%%", "%")


def _figure(value: float | None, words: str, withheld: str | None) -> tuple[str, str]:
    """A share with its interval in words, or a dash and why it is withheld."""
    if value is None:
        return "\N{EM DASH}", withheld or ""
    return percent(value), words


def _group_row(report: RecidivismReport, row: GroupRow) -> tuple[str, ...]:
    rate = f"{percent(row.rate)} ({interval(row.interval)})" if row.rate is not None else row.withheld_short
    return (group_words(row.label), *(report.display(row, column) for column in COLUMNS), rate)


def _curve_table(doc: ReportDocument, report: RecidivismReport, curves: Sequence[Curve]) -> None:
    """The chart's data, as the page's table: per curve, youth at risk, the share not reoffended, its band."""
    rows: list[list[Cell]] = [
        ["", *((group_words(curve.label), 3) for curve in curves)],
        [
            gettext("Month"),
            *(
                heading
                for _ in curves
                for heading in (gettext("At risk"), gettext("Not reoffended"), _percent_words("95%% CI"))
            ),
        ],
    ]
    for month in range(report.options.window_months + 1):
        row: list[Cell] = [str(month)]
        for curve in curves:
            if month < len(curve.points):
                point = curve.points[month]
                row += [f"{point.at_risk:,}", percent(point.survival), interval((point.lower, point.upper))]
            else:
                row.append(
                    (gettext("not shown: fewer than %(threshold)s followed", threshold=report.threshold), 3)
                )
        rows.append(row)
    if doc.will_page_break(40):
        doc.add_page()
    doc.ln(2)
    doc.paragraph(
        gettext(
            "The chart's data. At risk: youth still followed without a new offense at the end of the month."
        ),
        size=SMALL_SIZE,
    )
    doc.grid(
        rows,
        (13.5, *(width for _ in curves for width in (13, 20, 22.5))),
        "L" + "RRR" * len(curves),
        headings=2,
        size=SMALL_SIZE,
    )
