"""Coordinators' follow-up work: checks due after closure, and new offenses found later."""

from __future__ import annotations

from typing import Any

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case, FollowUpCheck
from youthcourt.cases.services import CASE_IN_PATH
from youthcourt.outcomes import services
from youthcourt.outcomes.forms import EVENT_TYPES, RECORD_SYSTEMS, RESULTS, shown, ticked_records
from youthcourt.outcomes.models import RECORDS_LABELS
from youthcourt.outcomes.services import FollowUpService
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import gettext, ngettext
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import is_htmx, page, redirect_to

STAFF = [requires_role(Role.COORDINATOR, Role.PROGRAM_ADMIN)]
"""Coordinators do the checks; program admins may too. Only coordinators see youth names and case pages."""


def field_choices() -> dict[str, dict[str, str]]:
    """The options of the check and event forms, in the viewer's language."""
    return {"event_types": shown(EVENT_TYPES), "sources": shown(RECORD_SYSTEMS), "results": shown(RESULTS)}


follow_up_service = Provide(create_service_provider(FollowUpService))


def sees_cases(viewer: Viewer) -> bool:
    return viewer.has_role(Role.COORDINATOR)


class FollowUpController(Controller):
    """The follow-up worklist and the form that records what a check found."""

    path = "/follow-ups"
    guards = STAFF
    dependencies = {"follow_ups": follow_up_service, **services.CHECK_IN_PATH}

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        view: FromQuery[str] = services.DUE,
        page_no: PageNumber = "1",
    ) -> Template:
        viewer: Viewer = request.user
        view = view if view in services.VIEWS else services.DUE
        today = viewer.today()
        names = sees_cases(viewer)
        query = services.worklist_query(view, with_youth=names)
        results = await paginate(
            db_session, query, page_number(page_no), params=services.worklist_days(view, today)
        )
        rows = services.worklist_rows(results.items, today)
        audit.record(
            db_session,
            request,
            "follow_up_list_view",
            record_type="follow_up_check",
            details={"view": view, "rows": len(rows)},
        )
        return page(
            "outcomes/list.html",
            view=view,
            views=shown(services.VIEWS),
            results=results,
            rows=rows,
            today=today,
            names=names,
            base=f"/follow-ups?view={view}",
            upcoming_days=services.UPCOMING_DAYS,
        )

    @get("/{check_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        check: NamedDependency[FollowUpCheck],
        back: FromQuery[str] = "",
    ) -> Template:
        audit.record(
            db_session,
            request,
            "follow_up_check_view",
            record_type="follow_up_check",
            record_id=check.id,
            details={"case_id": str(check.case_id)}
            if check.case_id
            else {"referral_id": str(check.referral_id)},
        )
        form = Form(values={"checked_on": request.user.today().isoformat(), "back": back})
        return await self._check_page(request, db_session, check, form)

    @post("/{check_id:uuid}")
    async def record(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        follow_ups: NamedDependency[FollowUpService],
        actor: NamedDependency[Actor],
        check: NamedDependency[FollowUpCheck],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        attempt = await follow_ups.record(check, form, actor)
        if attempt.data is None:
            return await self._check_page(
                request, db_session, check, form, problem=attempt.problem, status_code=attempt.status_code
            )
        count = len(attempt.events)
        words = {
            "title": services.followed_by(check).title,
            "window": check.window_months,
            "result": gettext(RESULTS[attempt.data.result.value]).lower(),
        }
        if count:
            message = ngettext(
                "%(title)s: the %(window)s-month check is recorded (%(result)s, %(num)s event).",
                "%(title)s: the %(window)s-month check is recorded (%(result)s, %(num)s events).",
                count,
                **words,
            )
        else:
            message = gettext("%(title)s: the %(window)s-month check is recorded (%(result)s).", **words)
        flash(request, message)
        if form.get("back") == "case" and sees_cases(request.user) and check.case_id:
            return redirect_to(request, f"/cases/{check.case_id}#outcomes")
        return redirect_to(request, "/follow-ups")

    @get("/{check_id:uuid}/event-row")
    async def event_row(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        check: NamedDependency[FollowUpCheck],
        event_rows: FromQuery[str] = "",
    ) -> Template:
        """One more empty event row, for htmx to append; the row count travels with it (out of band)."""
        shown = services.row_count(Form(values={"event_rows": event_rows}))
        number = shown + 1 if shown < services.MAX_EVENT_ROWS else None
        return page(
            "outcomes/_event_row.html",
            check=check,
            form=Form(),
            n=number,
            rows_shown=number or shown,
            max_rows=services.MAX_EVENT_ROWS,
            oob=True,
            today=request.user.today(),
            categories=await services.offense_categories(db_session),
            **field_choices(),
        )

    async def _check_page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        check: FollowUpCheck,
        form: Form,
        *,
        problem: str = "",
        status_code: int = 200,
    ) -> Template:
        viewer: Viewer = request.user
        rows = services.row_count(form)
        completed = check.completed_on is not None
        return page(
            "outcomes/check.html",
            check=check,
            followed=services.followed_by(check),
            form=form,
            rows=range(1, rows + 1),
            rows_shown=rows,
            max_rows=services.MAX_EVENT_ROWS,
            ticked=ticked_records(form),
            records_labels=shown(RECORDS_LABELS),
            categories=await services.offense_categories(db),
            events=await services.events_of_check(db, check.id) if completed else [],
            checked_by=await services.name_of(db, check.checked_by_id) if completed else "",
            searched=[
                gettext(RECORD_SYSTEMS[code]) if code in RECORD_SYSTEMS else code
                for code in check.records_searched.split(",")
                if code
            ],
            today=viewer.today(),
            names=sees_cases(viewer),
            problem=problem,
            status_code=status_code,
            **field_choices(),
        )


class CaseOutcomeController(Controller):
    """New offenses learned of after a case closed, outside any follow-up check."""

    path = "/cases/{case_id:uuid}/outcome-events"
    guards = STAFF
    dependencies = {"follow_ups": follow_up_service, **CASE_IN_PATH}

    @get("/")
    async def case_events(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        case: NamedDependency[Case],
    ) -> Template:
        audit.record(db_session, request, "outcome_events_view", record_type="case", record_id=case.id)
        if not case.state.is_closed:
            return await self._page(request, db_session, case, Form(), problem=services.closed_problem(case))
        return await self._page(request, db_session, case, Form())

    @post("/")
    async def create(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        follow_ups: NamedDependency[FollowUpService],
        actor: NamedDependency[Actor],
        case: NamedDependency[Case],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        attempt = await follow_ups.record_later(case, form, actor)
        if attempt.event is None:
            if is_htmx(request) and attempt.status_code == 422:
                categories = await services.offense_categories(db_session)
                return self._form(case, form, categories, status_code=422)
            return await self._page(
                request, db_session, case, form, problem=attempt.problem, status_code=attempt.status_code
            )
        flash(
            request,
            gettext(
                "The %(event_type)s was recorded on case %(number)s.",
                event_type=gettext(attempt.event.event_type.label).lower(),
                number=case.number,
            ),
        )
        if not sees_cases(request.user):
            return redirect_to(request, f"/cases/{case.id}/outcome-events")
        # htmx sends the browser to the address it is given; a new fragment alone would not reload the page.
        return redirect_to(request, f"/cases/{case.id}" + ("" if is_htmx(request) else "#outcomes"))

    @staticmethod
    def _form(case: Case, form: Form, categories: dict[str, str], *, status_code: int) -> Template:
        return page(
            "outcomes/_event_form.html",
            case=case,
            form=form,
            categories=categories,
            status_code=status_code,
            **field_choices(),
        )

    async def _page(
        self,
        request: Request[Any, Any, Any],
        db: AsyncSession,
        case: Case,
        form: Form,
        *,
        problem: str = "",
        status_code: int = 200,
    ) -> Template:
        return page(
            "outcomes/case_events.html",
            case=case,
            form=form,
            outcome_events=await services.events_of_case(db, case.id),
            categories=await services.offense_categories(db),
            names=sees_cases(request.user),
            problem=problem,
            status_code=status_code,
            **field_choices(),
        )


ROUTES: list[type[Controller]] = [FollowUpController, CaseOutcomeController]
