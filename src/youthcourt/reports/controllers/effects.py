"""The evaluator's effects report: two groups compared, adjusted, with the methods and the sample at each step.

Like the recidivism report, everything it needs is in the query string (ids, months and codes),
so a report can be bookmarked and shared; each view is in the audit trail with its choices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.response import Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.database import plan_for_values
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.programs.viewer import Viewer
from youthcourt.reports.cohort import (
    WINDOWS,
    Anchor,
    Cohort,
    first_programs,
    granted_programs,
    granted_scope,
    load_subjects,
    service_nights,
    suppression_threshold,
)
from youthcourt.reports.controllers.recidivism import (
    DEFAULT_EVENTS,
    check_edges,
    first_range,
    interval,
    load_comparison_subjects,
    percent,
    query_string,
)
from youthcourt.reports.controllers.recidivism import FIELDS as RECIDIVISM_FIELDS
from youthcourt.reports.disclosure import month_words
from youthcourt.reports.effects import Covariate, PropensityMethod
from youthcourt.reports.effects_report import (
    Comparison,
    EffectsReport,
    build_effects,
    group_options,
    grouping_of,
    label_of,
    methods_note,
)
from youthcourt.reports.forms import EffectsForm, landmark_options, read_cohort
from youthcourt.reports.models import ComparisonRecord
from youthcourt.reports.recidivism import Grouping, ReportOptions
from youthcourt.web.downloads import file_download
from youthcourt.web.forms import Form
from youthcourt.web.i18n import gettext, ngettext
from youthcourt.web.templating import page

FIELDS = ("program", "referred_from", "referred_to", "first", "second")


async def comparison_labels(db: AsyncSession, viewer: Any) -> list[str]:
    """The comparison groups imported by the programs the evaluator reports on."""
    programs = [choice.id for choice in granted_programs(viewer)]
    with program_scope(ProgramScope.of(*programs)):
        labels = await db.scalars(
            select(ComparisonRecord.group_label)
            .where(ComparisonRecord.program_id.in_(programs))
            .distinct()
            .order_by(ComparisonRecord.group_label)
        )
        return list(labels)


async def default_form(viewer: Viewer, db: AsyncSession) -> Form:
    """Completers against non-completers, from case closure, within 12 months, adjusted for age and
    gender, weighted; the program worked in, over the first range the recidivism report offers."""
    programs = first_programs(viewer)
    values = {
        **await first_range(viewer, db, programs),
        "anchor": Anchor.CLOSURE.value,
        "window": "12",
        "first": "completion:completed",
        "second": "completion:unsuccessful",
        "method": PropensityMethod.WEIGHTING.value,
    }
    lists = {
        "program": programs,
        "event": [t.value for t in DEFAULT_EVENTS],
        "covariate": [Covariate.AGE.value, Covariate.GENDER.value],
    }
    return Form(values=values, lists=lists)


async def read_comparison(
    request: Request[Any, Any, Any], db: AsyncSession, form: Form, options: dict[str, str]
) -> tuple[Cohort, Comparison] | None:
    """The checked choices, or None with the errors on ``form`` (the range's edge months included)."""
    chosen = EffectsForm.read(form, options={"first": options, "second": options})
    cohort = read_cohort(form, request.user)
    if not chosen.is_valid or cohort is None:
        return None
    landmark = int(chosen.landmark) if chosen.landmark else None
    report_options = ReportOptions(
        frozenset(OutcomeEventType(value) for value in chosen.events),
        Anchor(chosen.anchor),
        int(chosen.window),
        grouping_of(chosen.first),
        landmark,
    )
    comparison = Comparison(
        report_options,
        label_of(chosen.first, landmark),
        label_of(chosen.second, landmark),
        tuple(Covariate(value) for value in chosen.covariates),
        PropensityMethod(chosen.method),
    )
    names = {choice.id: choice.name for choice in granted_programs(request.user)}
    if not await check_edges(db, cohort, names, form, intent_to_treat=report_options.intent_to_treat):
        return None
    return cohort, comparison


async def run_effects(db: AsyncSession, cohort: Cohort, comparison: Comparison) -> EffectsReport:
    """Read the cohort (and the comparison youth, for a comparison design) and compare the two groups."""
    grouping = comparison.options.grouping
    with granted_scope(cohort):
        subjects = await load_subjects(db, cohort, intent_to_treat=comparison.options.intent_to_treat)
        others = await load_comparison_subjects(db, cohort) if grouping == Grouping.COMPARISON else []
        nights = await service_nights(db, cohort) if grouping == Grouping.JUROR else {}
        threshold = await suppression_threshold(db, cohort)
    return build_effects(subjects, others, comparison, threshold, nights=nights)


@dataclass(frozen=True)
class Built:
    """A report computed for the choices of a request, with what its page and its PDF both say about it."""

    cohort: Cohort
    comparison: Comparison
    report: EffectsReport
    names: dict[UUID, str]

    @property
    def words(self) -> str:
        return cohort_words(self.cohort, self.names)

    def methods(self) -> list[tuple[str, str]]:
        return methods_note(self.report, self.words)

    def details(self, **extra: str) -> dict[str, Any]:
        """The choices for the audit trail (codes and program names, nothing personal)."""
        return {
            **self.cohort.as_details(self.names),
            **self.comparison.as_details(),
            "report": "effects",
            **extra,
        }


async def build(
    request: Request[Any, Any, Any], db: AsyncSession, form: Form, options: dict[str, str]
) -> Built | None:
    """The report for the form's choices, or None with the errors on ``form``."""
    read = await read_comparison(request, db, form, options)
    if read is None:
        return None
    cohort, comparison = read
    names = {choice.id: choice.name for choice in granted_programs(request.user)}
    return Built(cohort, comparison, await run_effects(db, cohort, comparison), names)


def cohort_words(cohort: Cohort, names: dict[UUID, str]) -> str:
    """Who the report counts, in the viewer's language."""
    return gettext(
        "Youth referred from %(first)s to %(last)s to %(programs)s.",
        first=month_words(cohort.referred_from),
        last=month_words(cohort.referred_to),
        programs=", ".join(names[pid] for pid in cohort.program_ids),
    )


def analysis_query(form: Form, comparison: Comparison) -> str:
    """The recidivism report's analysis file for the same youth: the same cohort, clock, window, events
    and landmark, grouped as the two groups compared are."""
    shared = [name for name in RECIDIVISM_FIELDS if name != "group"]
    return f"{query_string(form, shared)}&{urlencode({'group': comparison.options.grouping.value})}"


def _slug(label: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "group"


def file_name(cohort: Cohort, comparison: Comparison, suffix: str) -> str:
    """Codes, dates and the two groups' names, like the recidivism report's files: nothing personal."""
    options = comparison.options
    landmark = "" if options.landmark_days is None else f"-from-day-{options.landmark_days}"
    return (
        f"effects_{_slug(comparison.first)}-vs-{_slug(comparison.second)}_{options.anchor.value}{landmark}-"
        f"{options.window_months}m_{'+'.join(options.event_codes)}_"
        f"{cohort.referred_from.isoformat()}_to_{cohort.referred_to.isoformat()}.{suffix}"
    )


class EffectsController(Controller):
    path = "/reports/effects"
    guards = [requires_role(Role.EVALUATOR)]
    before_request = plan_for_values

    @get("/")
    async def effects_page(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        options = group_options(await comparison_labels(db_session, request.user))
        if not any(name in request.query_params for name in FIELDS):
            return self._page(request, await default_form(request.user, db_session), options)
        form = Form.from_data(request.query_params.dict())
        built = await build(request, db_session, form, options)
        if built is None:
            return self._page(request, form, options, status_code=422)
        audit.record(db_session, request, "report.viewed", details=built.details())
        return self._page(request, form, options, report=built.report, methods=built.methods())

    @get("/report.pdf", media_type="application/pdf")
    async def effects_pdf(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Response[Any] | Template:
        """The report as its page shows it, with its methods note, to publish."""
        from youthcourt.reports import pdf  # fpdf2 loads only when a PDF is asked for

        options = group_options(await comparison_labels(db_session, request.user))
        form = Form.from_data(request.query_params.dict())
        built = await build(request, db_session, form, options)
        if built is None:
            return self._page(request, form, options, status_code=422)
        content = pdf.effects_pdf(built.report, built.methods(), cohort_words=built.words)
        audit.record(db_session, request, "report.downloaded", details=built.details(file="report.pdf"))
        return file_download(content, pdf.MEDIA_TYPE, file_name(built.cohort, built.comparison, "pdf"))

    def _page(
        self,
        request: Request[Any, Any, Any],
        form: Form,
        group_choices: dict[str, str],
        *,
        report: EffectsReport | None = None,
        methods: list[tuple[str, str]] | None = None,
        status_code: int = 200,
    ) -> Template:
        return page(
            "reports/effects.html",
            status_code=status_code,
            form=form,
            report=report,
            methods=methods or [],
            programs=granted_programs(request.user),
            event_types=list(OutcomeEventType),
            anchor_options={anchor.value: gettext(anchor.label) for anchor in Anchor},
            window_options={
                str(months): ngettext("%(num)s month", "%(num)s months", months) for months in WINDOWS
            },
            landmark_options=landmark_options(),
            group_choices=group_choices,
            covariates=list(Covariate),
            methods_options={m.value: gettext(m.label) for m in PropensityMethod},
            percent=percent,
            interval=interval,
            query=request.url.query,
            analysis_query=analysis_query(form, report.comparison) if report else "",
        )


ROUTES = [EffectsController]
