"""The evaluator's recidivism report: the page, and its group table and curves as CSV.

Everything the report needs is in the query string (program ids, dates and codes; nothing
personal), so a report can be bookmarked, shared, and downloaded as shown. Each view and
each download goes on the audit trail with the filters used.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, MediaType, Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.database import plan_for_values
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reports.analysis import DICTIONARY as ANALYSIS_DICTIONARY
from youthcourt.reports.analysis import AnalysisRow, analysis_rows, as_csv_rows, as_parquet
from youthcourt.reports.charts import series_style, survival_chart
from youthcourt.reports.cohort import (
    WINDOWS,
    Anchor,
    Cohort,
    comparison_in_cohort,
    default_range,
    first_programs,
    granted_programs,
    granted_scope,
    load_subjects,
    service_nights,
    suppression_threshold,
    unsearched_checks,
)
from youthcourt.reports.disclosure import (
    publishable_range,
    thin_edge_months,
    thin_month_message,
)
from youthcourt.reports.exports import ExportFormat
from youthcourt.reports.forms import RecidivismForm, landmark_options, read_cohort
from youthcourt.reports.models import ComparisonEvent, ComparisonRecord
from youthcourt.reports.recidivism import (
    COLUMN_LABELS,
    COLUMNS,
    ComparisonSubject,
    Grouping,
    RecidivismReport,
    ReportOptions,
    anchor_words,
    build_report,
    group_words,
    report_from_tallies,
)
from youthcourt.reports.tallies import tally_in_database
from youthcourt.web.downloads import csv_download, file_download
from youthcourt.web.forms import Form
from youthcourt.web.i18n import DEFAULT_LANGUAGE, N_, decimal_mark, gettext, ngettext, use_locale
from youthcourt.web.templating import page, wants_part

PAGE_URL = "/reports/recidivism"
RESULTS_TARGET = "recidivism-report"
FIELDS = ("program", "referred_from", "referred_to", "event", "anchor", "window", "group", "landmark")
DEFAULT_EVENTS = (OutcomeEventType.ARREST, OutcomeEventType.CHARGE)
"""A spreadsheet runs a cell starting with these as a formula."""


@dataclass(frozen=True)
class Choices:
    """A checked report request: whom it covers and how it counts."""

    cohort: Cohort
    options: ReportOptions
    program_names: dict[UUID, str]

    def details(self) -> dict[str, Any]:
        """The filters for the audit trail: codes, dates and program names, nothing personal."""
        return {
            "report": "recidivism",
            **self.cohort.as_details(self.program_names),
            **self.options.as_details(),
        }

    def leading_columns(self) -> list[str]:
        """What every CSV row starts with, so a file read on its own still says what it counts."""
        return [
            self.options.anchor.value,
            str(self.options.window_months),
            ";".join(self.options.event_codes),
            "; ".join(self.program_names[pid] for pid in self.cohort.program_ids),
            self.cohort.referred_from.isoformat(),
            self.cohort.referred_to.isoformat(),
            self.options.grouping.value,
            "" if self.options.landmark_days is None else str(self.options.landmark_days),
        ]

    def file_name(self, part: str, suffix: str = "csv") -> str:
        events = "+".join(self.options.event_codes)
        landmark = "" if self.options.landmark_days is None else f"-from-day-{self.options.landmark_days}"
        return (
            f"recidivism-{part}_{self.options.anchor.value}{landmark}-{self.options.window_months}m_{events}_"
            f"{self.cohort.referred_from.isoformat()}_to_{self.cohort.referred_to.isoformat()}.{suffix}"
        )

    def about(self) -> dict[str, str]:
        """What a file counts, in words, for the analysis file's metadata."""
        details = {k: "; ".join(v) if isinstance(v, list) else str(v) for k, v in self.details().items()}
        return {"counts": self.options.definition, **details}


_LEADING_MEANINGS = (
    ("anchor", N_("text"), N_("Where the clock starts: referral, hearing or closure.")),
    (
        "window_months",
        N_("integer"),
        N_("The window in months (6 = 183 days, 12 = 365, 18 = 548, 24 = 730)."),
    ),
    ("event_types", N_("text"), N_("The event types counted as a new offense, separated by ;.")),
    ("programs", N_("text"), N_("The programs reported on, separated by ;.")),
    ("referred_from", N_("date"), N_("The first day of the referral range (a month's first day).")),
    ("referred_to", N_("date"), N_("The last day of the referral range (a month's last day).")),
    ("grouping", N_("text"), N_("How the youth are grouped (none, completion, juror...).")),
    (
        "landmark_days",
        N_("integer"),
        N_("The landmark day, when the report has one: groups as known then, clock from then."),
    ),
)
LEADING_HEADERS = [name for name, _, _ in _LEADING_MEANINGS]
"""What every CSV row of a report starts with, so that a file read on its own says what it counts."""
_GROUP = (
    "group",
    N_("text"),
    N_("The group's label (All youth without a grouping; Total for the sum of the groups)."),
)
TABLE_DICTIONARY = (
    *_LEADING_MEANINGS,
    _GROUP,
    (
        "cohort",
        N_("count"),
        N_(
            "Youth whose clock started. Published as on the page: rounded to the nearest 5, <10 when small, "
            "a dash when hidden."
        ),
    ),
    (
        "full_window",
        N_("count"),
        N_(
            "Youth whose outcome over the whole window is known. Published as on the page: rounded to the "
            "nearest 5, <10 when small, a dash when hidden."
        ),
    ),
    (
        "reoffended",
        N_("count"),
        N_(
            "Youth with a counted new offense inside the window. Published as on the page: rounded to the "
            "nearest 5, <10 when small, a dash when hidden."
        ),
    ),
    (
        "not_reoffended",
        N_("count"),
        N_(
            "Youth followed to the window's end with none. Published as on the page: rounded to the nearest 5, "
            "<10 when small, a dash when hidden."
        ),
    ),
    (
        "censored",
        N_("count"),
        N_(
            "Youth followed less than the window so far, with none yet. Published as on the page: rounded to "
            "the nearest 5, <10 when small, a dash when hidden."
        ),
    ),
    (
        "rate_percent",
        N_("number"),
        N_("reoffended / full_window, from the exact counts, in percent (one decimal)."),
    ),
    ("ci95_low_percent", N_("number"), N_("The Wilson 95% interval's lower bound, in percent.")),
    ("ci95_high_percent", N_("number"), N_("The Wilson 95% interval's upper bound, in percent.")),
    ("note", N_("text"), N_("Why no rate is given, when none is.")),
)
"""The columns of a recidivism report's group table as CSV, for the data dictionary: in English,
marked for the catalog (the dictionary page translates them)."""
CURVE_DICTIONARY = (
    *_LEADING_MEANINGS,
    _GROUP,
    (
        "month",
        N_("integer"),
        N_(
            "Months since the start of the clock (average months of 365.25 / 12 days); the last is the "
            "window's end."
        ),
    ),
    (
        "at_risk",
        N_("count"),
        N_(
            "Youth still followed without a new offense then. Published as on the page: rounded to the "
            "nearest 5, <10 when small, a dash when hidden. Rows stop below the threshold."
        ),
    ),
    (
        "survival_percent",
        N_("number"),
        N_("The Kaplan-Meier share without a new offense, from the exact data, in percent."),
    ),
    ("ci95_low_percent", N_("number"), N_("Its 95% band's lower bound (Greenwood, log-log), in percent.")),
    ("ci95_high_percent", N_("number"), N_("Its 95% band's upper bound, in percent.")),
)
"""The columns of a recidivism report's curves as CSV, for the data dictionary."""


async def first_range(viewer: Viewer, db: AsyncSession, programs: list[str]) -> dict[str, str]:
    """The range a report's first form offers: three years and more, to the last month that has
    ended, narrowed to months that may be published (see :mod:`youthcourt.reports.disclosure`)."""
    start, end = default_range(viewer.today())
    cohort = read_cohort(
        Form(values={"referred_from": start, "referred_to": end}, lists={"program": programs}), viewer
    )
    if cohort is not None:
        with granted_scope(cohort):
            threshold = await suppression_threshold(db, cohort)
            first, last = await publishable_range(db, cohort, threshold)
        start, end = f"{first:%Y-%m}", f"{last:%Y-%m}"
    return {"referred_from": start, "referred_to": end}


async def default_form(request: Request[Any, Any, Any], db: AsyncSession) -> Form:
    """The form as first shown: the program worked in, the first range, arrests and charges within
    12 months of closure."""
    programs = first_programs(request.user)
    values = {
        **await first_range(request.user, db, programs),
        "anchor": Anchor.CLOSURE.value,
        "window": "12",
        "group": Grouping.NONE.value,
    }
    return Form(values=values, lists={"program": programs, "event": [t.value for t in DEFAULT_EVENTS]})


def read_options(form: Form) -> ReportOptions | None:
    """Check the counting choices: event types, anchor, window and grouping."""
    chosen = RecidivismForm.read(form)
    if not chosen.is_valid:
        return None
    return ReportOptions(
        event_types=frozenset(OutcomeEventType(value) for value in chosen.events),
        anchor=Anchor(chosen.anchor),
        window_months=int(chosen.window),
        grouping=Grouping(chosen.grouping),
        landmark_days=int(chosen.landmark) if chosen.landmark else None,
    )


def read_choices(request: Request[Any, Any, Any], form: Form) -> Choices | None:
    options = read_options(form)
    cohort = read_cohort(form, request.user)
    if options is None or cohort is None:
        return None
    names = {choice.id: choice.name for choice in granted_programs(request.user)}
    return Choices(cohort, options, names)


async def read_checked(request: Request[Any, Any, Any], db: AsyncSession, form: Form) -> Choices | None:
    """The report's choices, or None with the errors on ``form``: besides the fields' own checks, a
    range whose first or last month holds few referrals of a program is refused."""
    choices = read_choices(request, form)
    if choices is None or not await check_edges(
        db, choices.cohort, choices.program_names, form, intent_to_treat=choices.options.intent_to_treat
    ):
        return None
    return choices


async def check_edges(
    db: AsyncSession, cohort: Cohort, names: dict[UUID, str], form: Form, *, intent_to_treat: bool = False
) -> bool:
    """Whether each program's first and last months in the range hold enough referrals (see
    :mod:`youthcourt.reports.disclosure`): cases, or for intent to treat the study's youth; if
    not, says which on the range's fields."""
    with granted_scope(cohort):
        threshold = await suppression_threshold(db, cohort)
        for month in await thin_edge_months(db, cohort, threshold, intent_to_treat=intent_to_treat):
            field = "referred_from" if month.first else "referred_to"
            if field not in form.errors:
                message = thin_month_message(
                    month, names[month.program_id], threshold, month.instead, study=intent_to_treat
                )
                form.error(field, message)
    return form.is_valid


async def load_comparison_subjects(db: AsyncSession, cohort: Cohort) -> list[ComparisonSubject]:
    """The comparison youth of the cohort's programs whose clock started within the referral range.

    Two queries: the records, and all their events.
    """
    in_cohort = comparison_in_cohort(cohort)
    events: dict[UUID, list[tuple[datetime.date, OutcomeEventType]]] = defaultdict(list)
    rows = await db.execute(
        select(ComparisonEvent.record_id, ComparisonEvent.occurred_on, ComparisonEvent.event_type)
        .join(ComparisonRecord, ComparisonEvent.record_id == ComparisonRecord.id)
        .where(in_cohort)
        .order_by(ComparisonEvent.record_id, ComparisonEvent.occurred_on)
    )
    for record_id, occurred_on, event_type in rows:
        events[record_id].append((occurred_on, OutcomeEventType(event_type)))
    records = await db.execute(
        select(
            ComparisonRecord.id,
            ComparisonRecord.group_label,
            ComparisonRecord.anchor_on,
            ComparisonRecord.followed_until,
            ComparisonRecord.age_years,
            ComparisonRecord.gender,
            ComparisonRecord.race_ethnicity,
            ComparisonRecord.offense_class,
            ComparisonRecord.prior_police_contacts,
            ComparisonRecord.prior_diversions,
            ComparisonRecord.prior_adjudications,
        ).where(in_cohort)
    )
    return [
        ComparisonSubject(
            label,
            anchor_on,
            followed_until,
            tuple(events.get(record_id, ())),
            age,
            gender or "",
            race or "",
            str(offense_class) if offense_class else "",
            tuple(prior),
        )
        for record_id, label, anchor_on, followed_until, age, gender, race, offense_class, *prior in records
    ]


async def load_analysis(db: AsyncSession, choices: Choices) -> list[AnalysisRow]:
    """The report's youth, one row each, from the same cohort and rules as :func:`run_report`."""
    with granted_scope(choices.cohort):
        subjects = await load_subjects(db, choices.cohort, intent_to_treat=choices.options.intent_to_treat)
        comparisons = (
            await load_comparison_subjects(db, choices.cohort)
            if choices.options.grouping == Grouping.COMPARISON
            else []
        )
        nights = await _nights(db, choices)
    return analysis_rows(subjects, comparisons, choices.options, nights)


async def _nights(db: AsyncSession, choices: Choices) -> dict[UUID, list[datetime.date]]:
    """Jury-service nights, which only a landmark on jury service reads."""
    options = choices.options
    if options.landmark_days is None or options.grouping != Grouping.JUROR:
        return {}
    return await service_nights(db, choices.cohort)


async def run_report(db: AsyncSession, choices: Choices) -> RecidivismReport:
    """Read the cohort in its programs' scope and compute the report.

    The database counts the report's tallies; with a landmark, which moves each youth's clock
    and group, or by study arm, which counts referrals without a case, the cohort is read and
    counted here instead.
    """
    options = choices.options
    if options.landmark_days is not None or options.intent_to_treat:
        with granted_scope(choices.cohort):
            subjects = await load_subjects(db, choices.cohort, intent_to_treat=options.intent_to_treat)
            nights = await _nights(db, choices)
            threshold = await suppression_threshold(db, choices.cohort)
            unsearched = await unsearched_checks(db, choices.cohort)
        report = build_report(subjects, [], choices.options, threshold, nights=nights)
        return replace(report, unsearched_checks=unsearched)
    with granted_scope(choices.cohort):
        tallies, without_anchor = await tally_in_database(db, choices.cohort, choices.options)
        comparisons = (
            await load_comparison_subjects(db, choices.cohort)
            if choices.options.grouping == Grouping.COMPARISON
            else []
        )
        threshold = await suppression_threshold(db, choices.cohort)
        unsearched = await unsearched_checks(db, choices.cohort)
    return report_from_tallies(
        tallies, without_anchor, comparisons, choices.options, threshold, unsearched_checks=unsearched
    )


def percent(value: float | None, digits: int = 1) -> str:
    """A share in percent with the reader's decimal mark: 21.3% or 21,3%."""
    return "" if value is None else decimal_mark(f"{value * 100:.{digits}f}%")


def interval(bounds: tuple[float, float] | None) -> str:
    return "" if bounds is None else decimal_mark(f"{bounds[0] * 100:.1f}\N{EN DASH}{bounds[1] * 100:.1f}%")


def _count(report: RecidivismReport, row: Any, column: str) -> str:
    """A count as the page shows it, without the thousands separator (spreadsheets read it as a number)."""
    shown = report.display(row, column)
    return shown.replace(",", "") if shown.replace(",", "").isdigit() else shown


def group_rows(choices: Choices, report: RecidivismReport) -> list[list[str]]:
    header = [
        *LEADING_HEADERS,
        "group",
        *COLUMNS,
        "rate_percent",
        "ci95_low_percent",
        "ci95_high_percent",
        "note",
    ]
    rows = [header]
    lead = choices.leading_columns()
    for row in report.rows:
        low, high = row.interval or (None, None)
        rows.append(
            [
                *lead,
                row.label,
                *(_count(report, row, column) for column in COLUMNS),
                "" if row.rate is None else f"{row.rate * 100:.1f}",
                "" if low is None else f"{low * 100:.1f}",
                "" if high is None else f"{high * 100:.1f}",
                row.withheld or "",
            ]
        )
    return rows


def curve_rows(choices: Choices, report: RecidivismReport) -> list[list[str]]:
    header = [
        *LEADING_HEADERS,
        "group",
        "month",
        "at_risk",
        "survival_percent",
        "ci95_low_percent",
        "ci95_high_percent",
    ]
    rows = [header]
    lead = choices.leading_columns()
    for curve in report.shown_curves:
        for point in curve.points:
            rows.append(
                [
                    *lead,
                    curve.label,
                    str(point.month),
                    str(point.at_risk),
                    f"{point.survival * 100:.1f}",
                    f"{point.lower * 100:.1f}",
                    f"{point.upper * 100:.1f}",
                ]
            )
    return rows


def query_string(form: Form, fields: Sequence[str] = FIELDS) -> str:
    """The report's filters, for the download links and bookmarks: ids, dates and codes only."""
    pairs = [
        (name, value) for name in fields for value in (form.lists.get(name) or [form.get(name)]) if value
    ]
    return urlencode(pairs)


def report_chart(report: RecidivismReport) -> tuple[str, Markup]:
    """Where the curves' clock starts, in words, and the curves as the page and the PDF draw them,
    in the viewer's language."""
    since = anchor_words(report.options.anchor, report.options.landmark_days)
    chart = survival_chart(
        [replace(curve, label=group_words(curve.label)) for curve in report.curves],
        months=report.options.window_months,
        x_label=gettext("Months since %(anchor)s", anchor=since),
        title=gettext("Share of youth without a new offense, by month since %(anchor)s", anchor=since),
        chart_id="recidivism-chart",
    )
    return since, chart


NOTES_TEMPLATE = "reports/_recidivism_notes.html"
NOTE_MACROS = ("empty_note", "report_notes", "group_footnotes", "curve_notes", "test_result")
"""The macros of :data:`NOTES_TEMPLATE` that take only the report."""


def page_notes(request: Request[Any, Any, Any], report: RecidivismReport, choices: Choices) -> dict[str, str]:
    """The page's words around the figures, rendered by the macros the page uses, for the PDF."""
    macros = request.app.template_engine.get_template(NOTES_TEMPLATE).make_module(
        {"request": request, "group_words": group_words}
    )
    names = [choices.program_names[pid] for pid in choices.cohort.program_ids]
    return {
        "scope": str(macros.scope(report, choices.cohort, names)),
        **{name: str(getattr(macros, name)(report)) for name in NOTE_MACROS},
    }


class RecidivismController(Controller):
    path = PAGE_URL
    guards = [requires_role(Role.EVALUATOR)]
    before_request = plan_for_values

    def _page(
        self,
        request: Request[Any, Any, Any],
        form: Form,
        choices: Choices | None = None,
        report: RecidivismReport | None = None,
        status_code: int = 200,
    ) -> Template:
        partial = wants_part(request, RESULTS_TARGET)
        anchor_words, chart = report_chart(report) if report is not None else ("", None)
        return page(
            "reports/_recidivism_report.html" if partial else "reports/recidivism.html",
            status_code=status_code,
            form=form,
            report=report,
            chart=chart,
            programs=granted_programs(request.user),
            choices=choices,
            program_names=[choices.program_names[pid] for pid in choices.cohort.program_ids]
            if choices
            else [],
            anchor_words=anchor_words,
            event_types=list(OutcomeEventType),
            anchor_options={anchor.value: gettext(anchor.label) for anchor in Anchor},
            window_options={
                str(months): ngettext("%(num)s month", "%(num)s months", months) for months in WINDOWS
            },
            group_options={grouping.value: gettext(grouping.label) for grouping in Grouping},
            group_words=group_words,
            landmark_options=landmark_options(),
            columns=COLUMN_LABELS,
            query=query_string(form),
            percent=percent,
            interval=interval,
            series_style=series_style,
            analysis_dictionary=ANALYSIS_DICTIONARY,
        )

    @get("/", name="recidivism_report")
    async def show(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        if not any(name in request.query_params for name in FIELDS):
            return self._page(request, await default_form(request, db_session))
        form = Form.from_data(request.query_params.dict())
        choices = await read_checked(request, db_session, form)
        if choices is None:
            return self._page(request, form, status_code=422)
        report = await run_report(db_session, choices)
        audit.record(db_session, request, "report.viewed", details=choices.details())
        return self._page(request, form, choices, report)

    async def _download(
        self, request: Request[Any, Any, Any], db: AsyncSession, part: str
    ) -> Response[str] | Template:
        form = Form.from_data(request.query_params.dict())
        choices = await read_checked(request, db, form)
        if choices is None:
            return self._page(request, form, status_code=422)
        with use_locale(DEFAULT_LANGUAGE):  # files for analysis code are in English, whoever downloads them
            report = await run_report(db, choices)
            rows = group_rows(choices, report) if part == "groups" else curve_rows(choices, report)
        audit.record(
            db,
            request,
            "report.downloaded",
            details={**choices.details(), "file": f"{part}.csv", "rows": len(rows) - 1},
        )
        return csv_download(rows, choices.file_name(part))

    async def _analysis(
        self, request: Request[Any, Any, Any], db: AsyncSession, kind: ExportFormat
    ) -> Response[Any] | Template:
        form = Form.from_data(request.query_params.dict())
        choices = await read_checked(request, db, form)
        if choices is None:
            return self._page(request, form, status_code=422)
        with use_locale(DEFAULT_LANGUAGE):  # as the report's own files
            rows = await load_analysis(db, choices)
            about = choices.about()
        file = f"analysis.{kind.value}"
        audit.record(
            db, request, "report.downloaded", details={**choices.details(), "file": file, "rows": len(rows)}
        )
        if kind == ExportFormat.CSV:
            return csv_download(as_csv_rows(rows), choices.file_name("analysis"))
        content = as_parquet(rows, about)
        return file_download(content, kind.media_type, choices.file_name("analysis", kind.value))

    @get("/analysis.csv", media_type=MediaType.TEXT)
    async def analysis_csv(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Response[Any] | Template:
        return await self._analysis(request, db_session, ExportFormat.CSV)

    @get("/analysis.parquet", media_type=ExportFormat.PARQUET.media_type)
    async def analysis_parquet(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Response[Any] | Template:
        return await self._analysis(request, db_session, ExportFormat.PARQUET)

    @get("/report.pdf", media_type="application/pdf")
    async def recidivism_pdf(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Response[Any] | Template:
        """The report as its page shows it, to publish: the same figures, hidden and rounded alike."""
        from youthcourt.reports import pdf  # fpdf2 loads only when a PDF is asked for

        form = Form.from_data(request.query_params.dict())
        choices = await read_checked(request, db_session, form)
        if choices is None:
            return self._page(request, form, status_code=422)
        report = await run_report(db_session, choices)
        anchor_words, chart = report_chart(report)
        content = pdf.recidivism_pdf(
            report, anchor_words=anchor_words, chart=chart, notes=page_notes(request, report, choices)
        )
        audit.record(
            db_session, request, "report.downloaded", details={**choices.details(), "file": "report.pdf"}
        )
        return file_download(content, pdf.MEDIA_TYPE, choices.file_name("report", "pdf"))

    @get("/groups.csv", name="recidivism_groups_csv", media_type=MediaType.TEXT)
    async def groups_csv(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Response[str] | Template:
        return await self._download(request, db_session, "groups")

    @get("/curves.csv", name="recidivism_curves_csv", media_type=MediaType.TEXT)
    async def curves_csv(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Response[str] | Template:
        return await self._download(request, db_session, "curves")


ROUTES = [RecidivismController]
