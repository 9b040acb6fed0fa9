"""Pages of surveys: offering them (case and night pages), the answer page, questions and the report."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import segno
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case
from youthcourt.cases.services import CASE_IN_PATH
from youthcourt.clock import utc_now
from youthcourt.hearings.models import HearingNight
from youthcourt.private_links import links
from youthcourt.programs.guards import PUBLIC, requires_role
from youthcourt.programs.models import Role
from youthcourt.reference.services import policy
from youthcourt.surveys import report, services
from youthcourt.surveys.forms import (
    AGREE_SCALE,
    CASE_OCCASIONS,
    CASE_SURVEYS,
    CHANNELS,
    LINK_DAYS_DEFAULT,
    translated,
)
from youthcourt.surveys.models import SurveyKind
from youthcourt.surveys.services import LANGUAGE_PARAMETER, SURVEY, AnswerPage, Offered
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import N_, _, adopt_language, known_language
from youthcourt.web.pagination import PageNumber, page_number
from youthcourt.web.templating import page, redirect_to

STAFF = [requires_role(Role.COORDINATOR, Role.PROGRAM_ADMIN)]
KindParam = Annotated[str, QueryParameter(name="survey", required=False)]
YearParam = Annotated[str, QueryParameter(name="year", required=False)]
QuarterParam = Annotated[str, QueryParameter(name="quarter", required=False)]
QUARTERS = {"": N_("The whole year"), "1": "Q1", "2": "Q2", "3": "Q3", "4": "Q4"}
REVOKED = N_("The survey link was revoked: it no longer opens anything.")


def base_url(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/")


def qr_svg(address: str) -> str:
    """The address as an inline SVG QR code, large enough to scan from a tablet held up."""
    return segno.make(address, error="m").svg_inline(scale=8, border=2, dark="#000", light="#fff")


def offer_page(
    request: Request[Any, Any, Any],
    template: str,
    rows: list[services.OfferRow],
    form: Form,
    *,
    offered: Offered | None = None,
    status_code: int = 200,
    **context: Any,
) -> Template:
    address = f"{base_url(request)}{offered.issued.path}" if offered and offered.issued else ""
    return page(
        template,
        rows=rows,
        form=form,
        offered=offered,
        address=address,
        qr=qr_svg(address) if address else "",
        now=utc_now(),
        surveys=translated(CASE_SURVEYS),
        occasions=translated(CASE_OCCASIONS),
        channels=translated(CHANNELS),
        status_code=status_code,
        **context,
    )


class CaseSurveyController(Controller):
    """The surveys offered to a case's respondent and guardians: on the tablet (QR code) or by email."""

    path = "/cases/{case_id:uuid}/surveys"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = CASE_IN_PATH

    @get("/")
    async def case_surveys(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
    ) -> Template:
        rows = await services.offers_of(db_session, case_id=case.id)
        audit.record(db_session, request, "case_surveys_view", record_type="case", record_id=case.id)
        form = Form(values={"kind": "respondent", "occasion": "after_hearing", "channel": "tablet",
                            "valid_days": str(LINK_DAYS_DEFAULT)})  # fmt: skip
        return offer_page(request, "surveys/case.html", rows, form, case=case)

    @post("/")
    async def offer_case_survey(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        case: NamedDependency[Case],
        data: FormData,
    ) -> Template:
        """Answers with the page showing the new link: the only time it is shown, as it is not stored."""
        form = Form.from_data(data)
        offered = await services.offer_for_case(db_session, case, form, actor, base_url(request))
        rows = await services.offers_of(db_session, case_id=case.id)
        if offered is None:
            return offer_page(request, "surveys/case.html", rows, form, case=case, status_code=422)
        return offer_page(request, "surveys/case.html", rows, form, offered=offered, case=case)

    @post("/{invitation_id:uuid}/revoke")
    async def revoke_case_survey(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        case: NamedDependency[Case],
        invitation_id: FromPath[UUID],
    ) -> Any:
        invitation = await services.load_invitation(db_session, invitation_id, case_id=case.id)
        await services.revoke(db_session, invitation, actor)
        flash(request, _(REVOKED))
        return redirect_to(request, f"/cases/{case.id}/surveys")


async def night_or_404(db: AsyncSession, night_id: UUID) -> HearingNight:
    night = await db.scalar(select(HearingNight).where(HearingNight.id == night_id))
    if night is None:
        raise NotFoundException()
    return night


class NightSurveyController(Controller):
    """The juror survey after a night: a tablet link at a time, or an email to each juror who served."""

    path = "/hearings/{night_id:uuid}/surveys"
    guards = [requires_role(Role.COORDINATOR)]

    async def _page(
        self, request: Request[Any, Any, Any], db: AsyncSession, night: HearingNight, form: Form, **extra: Any
    ) -> Template:
        rows = await services.offers_of(db, night_id=night.id)
        jurors = await services.jurors_of(db, night)
        return offer_page(request, "surveys/night.html", rows, form, night=night, jurors=jurors, **extra)

    @get("/")
    async def night_surveys(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        night_id: FromPath[UUID],
    ) -> Template:
        night = await night_or_404(db_session, night_id)
        audit.record(
            db_session, request, "night_surveys_view", record_type="hearing_night", record_id=night.id
        )
        form = Form(values={"channel": "tablet", "valid_days": str(LINK_DAYS_DEFAULT)})
        return await self._page(request, db_session, night, form)

    @post("/")
    async def offer_night_survey(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        data: FormData,
    ) -> Template:
        night = await night_or_404(db_session, night_id)
        form = Form.from_data(data)
        offered = await services.offer_for_night(db_session, night, form, actor, base_url(request))
        if offered is None:
            return await self._page(request, db_session, night, form, status_code=422)
        return await self._page(request, db_session, night, form, offered=offered)

    @post("/{invitation_id:uuid}/revoke")
    async def revoke_night_survey(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        invitation_id: FromPath[UUID],
    ) -> Any:
        night = await night_or_404(db_session, night_id)
        invitation = await services.load_invitation(db_session, invitation_id, night_id=night.id)
        await services.revoke(db_session, invitation, actor)
        flash(request, _(REVOKED))
        return redirect_to(request, f"/hearings/{night.id}/surveys")


# ---------------------------------------------------------------------------------------------
# The answer page, opened by the private link


def answer_template(answer: AnswerPage, form: Form, *, status_code: int = 200) -> Template:
    response = page(
        "surveys/answer.html", view=answer, form=form, scale=translated(AGREE_SCALE), status_code=status_code
    )
    response.headers.update(links.HEADERS)
    return response


async def speak_as_invited(request: Request[Any, Any, Any], db: AsyncSession, answer: AnswerPage) -> str:
    """Answer in the language the link was given in (``?lang=`` of the email's link), else the
    family's for a respondent's or parent's survey, else the browser's. Returns the query to keep."""
    chosen = known_language(request.query_params.get(LANGUAGE_PARAMETER))
    language = chosen or await services.invitation_language(db, answer.invitation)
    if language:
        adopt_language(language)
    return f"?{LANGUAGE_PARAMETER}={chosen}" if chosen else ""


class AnswerController(Controller):
    """Public: the secret in the address is the key, and it answers one survey, once."""

    @get(links.route_path(SURVEY), opt=PUBLIC, include_in_schema=False)
    async def answer_form(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], token: FromPath[str]
    ) -> Template:
        link = await links.open_link(db_session, token, SURVEY)
        answer = await services.answer_page(db_session, link)
        links.audit_as(db_session, request, link, SURVEY, "survey_link_view",
                       record_type="survey_invitation", record_id=answer.invitation.id)  # fmt: skip
        await speak_as_invited(request, db_session, answer)
        return answer_template(answer, Form())

    @post(links.route_path(SURVEY), opt=PUBLIC, include_in_schema=False)
    async def answer_survey(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        token: FromPath[str],
        data: FormData,
    ) -> Any:
        link = await links.open_link(db_session, token, SURVEY)
        answer = await services.answer_page(db_session, link)
        keep = await speak_as_invited(request, db_session, answer)
        form = Form.from_data(data)
        if answer.answered:
            return Redirect(links.address(SURVEY, token) + keep, status_code=303, headers=links.HEADERS)
        stored = await services.submit(db_session, request, answer, form)
        if stored is None:
            return answer_template(answer, form, status_code=422)
        return Redirect(links.address(SURVEY, token) + keep, status_code=303, headers=links.HEADERS)


# ---------------------------------------------------------------------------------------------
# Questions and the report


class SurveyController(Controller):
    """The survey report (coordinators, admins, evaluators) and each survey's questions (staff)."""

    path = "/surveys"

    @get("/", guards=[requires_role(Role.COORDINATOR, Role.PROGRAM_ADMIN, Role.EVALUATOR)])
    async def survey_report(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        kind: KindParam = "",
        year: YearParam = "",
        quarter: QuarterParam = "",
        page_no: PageNumber = "1",
    ) -> Template:
        today = request.user.today()
        years = [str(y) for y in range(today.year, today.year - 5, -1)]
        chosen = SurveyKind(kind) if kind in SurveyKind.__members__.values() else SurveyKind.RESPONDENT
        year = year if year in years else years[0]
        quarter = quarter if quarter in QUARTERS else ""
        period = report.period_of(int(year), int(quarter) if quarter else None)
        threshold = (await policy(db_session, request.user.program_id)).suppression_threshold
        built = await report.build(db_session, chosen, period, threshold)
        comments = None
        if request.user.has_role(Role.COORDINATOR) and not built.suppressed:
            comments = await report.comments(db_session, chosen, period, page_number(page_no))
        filters = {"survey": chosen.value, "year": year, "quarter": quarter}
        return page(
            "surveys/report.html",
            report=built,
            comments=comments,
            filters=filters,
            query="&".join(f"{k}={v}" for k, v in filters.items()),
            kinds={k.value: _(k.label) for k in SurveyKind},
            years=years,
            quarters=translated(QUARTERS),
            scale=translated(AGREE_SCALE),
        )

    @get("/questions", guards=STAFF)
    async def survey_questions(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        versions = [
            await services.current_version(db_session, request.user.program_id, k) for k in SurveyKind
        ]
        return page("surveys/questions.html", versions=versions)

    @get("/questions/{kind:str}", guards=STAFF)
    async def edit_questions(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], kind: FromPath[str]
    ) -> Template:
        chosen = _kind_or_404(kind)
        version = await services.current_version(db_session, request.user.program_id, chosen)
        return page(
            "surveys/questions_form.html", kind=chosen, version=version, form=services.questions_form(version)
        )

    @post("/questions/{kind:str}", guards=STAFF)
    async def save_questions(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        kind: FromPath[str],
        data: FormData,
    ) -> Any:
        chosen = _kind_or_404(kind)
        form = Form.from_data(data)
        version = await services.save_questions(db_session, chosen, form, actor)
        if version is None:
            current = await services.current_version(db_session, request.user.program_id, chosen)
            return page(
                "surveys/questions_form.html", kind=chosen, version=current, form=form, status_code=422
            )
        flash(
            request,
            _(
                "%(survey)s: the questions are saved as version %(number)s.",
                survey=_(chosen.label),
                number=version.number,
            ),
        )
        return redirect_to(request, "/surveys/questions")


def _kind_or_404(kind: str) -> SurveyKind:
    if kind not in SurveyKind.__members__.values():
        raise NotFoundException()
    return SurveyKind(kind)


ROUTES: list[type[Controller]] = [
    CaseSurveyController,
    NightSurveyController,
    AnswerController,
    SurveyController,
]
