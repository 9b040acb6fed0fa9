"""Pages of the hearings area: hearing nights, dockets, notices, outcomes and investigation records."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import CaseState
from youthcourt.hearings.forms import MAX_CAPACITY, RESULTS, ROOM_ROWS, night_values, room_numbers
from youthcourt.hearings.models import Hearing, HearingKind, HearingNight, HearingOutcome
from youthcourt.hearings.services import (
    PAST_NIGHTS,
    UPCOMING_NIGHTS,
    Candidates,
    HearingService,
    SchedulingError,
    VersionConflict,
    outcome_open_on,
)
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.reference.services import policy
from youthcourt.referrals.family import family_language
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData, parse_uuid
from youthcourt.web.i18n import N_, _, ngettext
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import page, redirect_to, wants_part

KIND_CHOICES = {
    "": N_("From the case: initial if awaiting a hearing, else returning"),
    HearingKind.RETURNING.value: N_("Returning hearing"),
    HearingKind.DISCHARGE.value: N_("Discharge hearing"),
    HearingKind.INITIAL.value: N_("Initial hearing"),
}
RESULT_MESSAGES = {
    "held": N_("The hearing was recorded as held."),
    "no_show_reschedule": N_("The no-show was recorded; the case waits for a new hearing date."),
    "no_show_return": N_("The no-show was recorded and the case was returned to the referral source."),
}
CONFLICT_MESSAGE = N_(
    "Someone else saved this record while you were editing it. Nothing you typed was saved: "
    "your version is in the form below, and the version now saved is shown beside it. "
    "Combine them and save again."
)


CASE_SEARCH = "case_search"
"""The picker's search field: part of a youth's name or of a case number."""


class HearingController(Controller):
    path = "/hearings"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {"hearing_service": Provide(create_service_provider(HearingService))}

    # Hearing nights ----------------------------------------------------------------------------

    @get("/", name="hearings")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        hearing_service: NamedDependency[HearingService],
        when: FromQuery[str] = "",
        page_no: PageNumber = "1",
    ) -> Template:
        past = when == "past"
        nights = PAST_NIGHTS if past else UPCOMING_NIGHTS
        results = await paginate(
            db_session, nights, page_number(page_no), params={"today": request.user.today()}
        )
        counts = await hearing_service.docket_counts(
            room.id for night in results.items for room in night.courtrooms
        )
        template = "hearings/_night_rows.html" if wants_part(request, "night-rows") else None
        return page(template or "hearings/list.html", results=results, counts=counts, past=past)

    @get("/new")
    async def new(self) -> Template:
        values = {"starts_at": "18:00", "ends_at": "20:30", "room_name_1": _("Courtroom A")}
        values |= {f"room_capacity_{n}": "4" for n in range(1, ROOM_ROWS + 1)}
        return self._night_form(Form(values=values), None)

    @post("/")
    async def create(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        night = await hearing_service.add_night(form, actor)
        if night is None:
            return self._night_form(form, None, status_code=422)
        flash(request, _("The hearing night was created."))
        return redirect_to(request, f"/hearings/{night.id}")

    @staticmethod
    def _night_form(form: Form, night: HearingNight | None, status_code: int = 200) -> Template:
        return page(
            "hearings/night_form.html",
            form=form,
            night=night,
            rows=room_numbers(form),
            max_capacity=MAX_CAPACITY,
            status_code=status_code,
        )

    @staticmethod
    async def _night(service: HearingService, night_id: UUID, *, with_hearings: bool = False) -> HearingNight:
        """The night named in the path, or 404 (the program scope hides other programs' nights)."""
        night = await service.get_night(night_id, with_hearings=with_hearings)
        if night is None:
            raise NotFoundException()
        return night

    @get("/{night_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        night_id: FromPath[UUID],
    ) -> Template:
        night = await self._night(hearing_service, night_id)
        return await self._night_page(request, hearing_service, night, Form(values={"kind": ""}))

    async def _night_page(
        self,
        request: Request[Any, Any, Any],
        service: HearingService,
        night: HearingNight,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        today = request.user.today()
        dockets = await service.dockets(night)
        counts = {
            room_id: len([h for h in hearings if h.outcome != HearingOutcome.CANCELLED])
            for room_id, hearings in dockets.items()
        }
        open_for_scheduling = not night.is_cancelled and night.held_on >= today
        candidates = await self._candidates(service, night, form) if open_for_scheduling else None
        audit.record(
            service.db, request, "hearing_night_view", record_type="hearing_night", record_id=night.id
        )
        return page(
            "hearings/night.html",
            night=night,
            dockets=dockets,
            counts=counts,
            candidates=candidates,
            open_for_scheduling=open_for_scheduling,
            is_past=night.held_on < today,
            form=form,
            kinds={value: _(label) for value, label in KIND_CHOICES.items()},
            today=today,
            outcome_open=outcome_open_on,
            status_code=status_code,
        )

    @staticmethod
    async def _candidates(service: HearingService, night: HearingNight, form: Form) -> Candidates:
        """The picker's cases for the form as typed: its search, and the case chosen, kept shown."""
        values = form.values
        return await service.schedulable_cases(
            night, values.get(CASE_SEARCH, ""), parse_uuid(values.get("case_id"))
        )

    @post("/{night_id:uuid}/cases", status_code=200)
    async def find_cases(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        night_id: FromPath[UUID],
        data: FormData,
    ) -> Template:
        """The picker's cases matching a part of a name or number: posted, so a name is never in an address.

        The search field has a form of its own, so that Enter in it searches and never schedules
        the case chosen; without htmx, that form brings back the whole page.
        """
        night = await self._night(hearing_service, night_id)
        form = Form.from_data(data)
        if not wants_part(request, "case-choices"):
            return await self._night_page(request, hearing_service, night, form)
        return page(
            "hearings/_case_choices.html",
            form=form,
            candidates=await self._candidates(hearing_service, night, form),
        )

    @get("/{night_id:uuid}/edit")
    async def edit(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        night_id: FromPath[UUID],
    ) -> Any:
        night = await self._night(hearing_service, night_id)
        if refusal := self._edit_refusal(night, request.user.today()):
            flash(request, refusal, "error")
            return redirect_to(request, f"/hearings/{night.id}")
        return self._night_form(Form(values=night_values(night)), night)

    @staticmethod
    def _edit_refusal(night: HearingNight, today: datetime.date) -> str | None:
        if night.is_cancelled:
            return _("This night is cancelled and can no longer be changed.")
        if night.held_on < today:
            return _("This night is over and can no longer be changed.")
        return None

    @post("/{night_id:uuid}/edit")
    async def update(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        night = await self._night(hearing_service, night_id, with_hearings=True)
        if refusal := self._edit_refusal(night, request.user.today()):
            flash(request, refusal, "error")
            return redirect_to(request, f"/hearings/{night.id}")
        form = Form.from_data(data)
        moved = await hearing_service.change_night(night, form, actor, base_url=str(request.base_url))
        if moved is None:
            return self._night_form(form, night, status_code=422)
        said = [_("The hearing night was saved.")]
        if moved:
            said.append(
                ngettext(
                    "The date, time or place changed: %(num)s family needs a new notice.",
                    "The date, time or place changed: %(num)s families need a new notice.",
                    moved,
                )
            )
        flash(request, " ".join([*said, *hearing_service.told]))
        return redirect_to(request, f"/hearings/{night.id}")

    @post("/{night_id:uuid}/cancel")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
    ) -> Any:
        night = await self._night(hearing_service, night_id)
        if refusal := self._edit_refusal(night, request.user.today()):
            flash(request, refusal, "error")
            return redirect_to(request, f"/hearings/{night.id}")
        cancelled = await hearing_service.cancel_night(night, actor, base_url=str(request.base_url))
        said = ngettext(
            "The hearing night was cancelled; %(num)s scheduled case was taken off its dockets.",
            "The hearing night was cancelled; %(num)s scheduled cases were taken off its dockets.",
            cancelled,
        )
        flash(request, " ".join([said, *hearing_service.told]))
        return redirect_to(request, f"/hearings/{night.id}")

    # Dockets -----------------------------------------------------------------------------------

    @post("/{night_id:uuid}/schedule")
    async def schedule(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        night = await self._night(hearing_service, night_id)
        form = Form.from_data(data)
        hearing = await hearing_service.schedule_from_form(night, form, actor)
        if hearing is None:
            night = await self._night(hearing_service, night_id)
            return await self._night_page(request, hearing_service, night, form, status_code=422)
        flash(request, _("The case was added to the docket."))
        return redirect_to(request, f"/hearings/{night.id}#courtroom-{hearing.courtroom_id}")

    @get("/{night_id:uuid}/courtrooms/{courtroom_id:uuid}/docket")
    async def docket(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        hearing_service: NamedDependency[HearingService],
        night_id: FromPath[UUID],
        courtroom_id: FromPath[UUID],
    ) -> Template:
        night = await self._night(hearing_service, night_id)
        courtroom = next((room for room in night.courtrooms if room.id == courtroom_id), None)
        if courtroom is None:
            raise NotFoundException()
        hearings = await hearing_service.docket(courtroom)
        audit.record(
            db_session,
            request,
            "docket_view",
            record_type="courtroom",
            record_id=courtroom.id,
            details={"hearing_night_id": str(night.id), "cases": len(hearings)},
        )
        return page("hearings/docket.html", night=night, courtroom=courtroom, hearings=hearings)

    # One hearing -------------------------------------------------------------------------------

    @staticmethod
    async def _hearing(request: Request[Any, Any, Any], service: HearingService, hearing_id: UUID) -> Hearing:
        """The hearing named in the path, or 404 (the program scope hides other programs' hearings)."""
        hearing = await service.get_hearing(hearing_id, request.user)
        if hearing is None:
            raise NotFoundException()
        return hearing

    @get("/slots/{hearing_id:uuid}")
    async def slot(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        hearing_service: NamedDependency[HearingService],
        hearing_id: FromPath[UUID],
    ) -> Template:
        hearing = await self._hearing(request, hearing_service, hearing_id)
        return self._slot_page(request, db_session, hearing, Form())

    def _slot_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        hearing: Hearing,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        today = request.user.today()
        audit.record(db_session, request, "hearing_view", record_type="hearing", record_id=hearing.id)
        return page(
            "hearings/slot.html",
            hearing=hearing,
            night=hearing.courtroom.night,
            courtroom=hearing.courtroom,
            case=hearing.case,
            form=form,
            results={value: _(label) for value, label in RESULTS.items()},
            outcome_open=HearingService.outcome_open(hearing, today),
            removable=HearingService.removable(hearing, today),
            notice_open=self._notice_refusal(hearing, today) is None,
            investigation_open=HearingService.investigation_open(hearing, today),
            needs_disposition=hearing.outcome == HearingOutcome.HELD
            and hearing.case.state == CaseState.SCHEDULED,
            status_code=status_code,
        )

    @post("/slots/{hearing_id:uuid}/outcome")
    async def outcome(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        hearing_service: NamedDependency[HearingService],
        actor: NamedDependency[Actor],
        hearing_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        hearing = await self._hearing(request, hearing_service, hearing_id)
        form = Form.from_data(data)
        result = await hearing_service.record_outcome(hearing, form, actor)
        if result is None:
            hearing = await self._hearing(request, hearing_service, hearing_id)
            return self._slot_page(request, db_session, hearing, form, status_code=422)
        flash(request, _(RESULT_MESSAGES[result]))
        return redirect_to(request, f"/hearings/slots/{hearing.id}")

    @post("/slots/{hearing_id:uuid}/remove")
    async def remove(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        actor: NamedDependency[Actor],
        hearing_id: FromPath[UUID],
    ) -> Any:
        hearing = await self._hearing(request, hearing_service, hearing_id)
        night = hearing.courtroom.night
        try:
            await hearing_service.remove(hearing, actor)
        except SchedulingError as refusal:
            flash(request, refusal.message, "error")
            return redirect_to(request, f"/hearings/slots/{hearing.id}")
        flash(request, _("The case was taken off the docket."))
        return redirect_to(request, f"/hearings/{night.id}")

    # Notice to the family ----------------------------------------------------------------------

    @get("/slots/{hearing_id:uuid}/notice")
    async def notice(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        hearing_service: NamedDependency[HearingService],
        hearing_id: FromPath[UUID],
    ) -> Template:
        hearing = await self._hearing(request, hearing_service, hearing_id)
        audit.record(db_session, request, "hearing_notice_view", record_type="hearing", record_id=hearing.id)
        program_policy = await policy(db_session, request.user.program_id)
        return page(
            "hearings/notice.html",
            phone=program_policy.contact_phone,
            hearing=hearing,
            night=hearing.courtroom.night,
            courtroom=hearing.courtroom,
            case=hearing.case,
            youth=hearing.case.youth,
            family_language=family_language(hearing.case.youth.guardians),
            today=request.user.today(),
            can_send=self._notice_refusal(hearing, request.user.today()) is None,
        )

    @staticmethod
    def _notice_refusal(hearing: Hearing, today: datetime.date) -> str | None:
        night = hearing.courtroom.night
        if hearing.outcome != HearingOutcome.SCHEDULED or night.is_cancelled:
            return _("This hearing is no longer scheduled; no notice is needed.")
        if night.held_on < today:
            return _("This hearing night is over; no notice is needed.")
        return None

    @post("/slots/{hearing_id:uuid}/notice")
    async def notice_sent(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        actor: NamedDependency[Actor],
        hearing_id: FromPath[UUID],
    ) -> Any:
        hearing = await self._hearing(request, hearing_service, hearing_id)
        if refusal := self._notice_refusal(hearing, request.user.today()):
            flash(request, refusal, "error")
            return redirect_to(request, f"/hearings/slots/{hearing.id}/notice")
        await hearing_service.mark_notice_sent(hearing, actor)
        flash(
            request, _("The notice for case %(number)s was marked as sent today.", number=hearing.case.number)
        )
        return redirect_to(
            request, f"/hearings/{hearing.courtroom.night_id}#courtroom-{hearing.courtroom_id}"
        )

    # Investigation record ----------------------------------------------------------------------

    @get("/slots/{hearing_id:uuid}/investigation")
    async def investigation(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        hearing_service: NamedDependency[HearingService],
        hearing_id: FromPath[UUID],
    ) -> Template:
        hearing = await self._hearing(request, hearing_service, hearing_id)
        record = hearing.investigation
        form = Form(
            values={
                "version": str(record.version if record else 0),
                "questioning_summary": record.questioning_summary if record else "",
                "deliberation_summary": record.deliberation_summary if record else "",
            }
        )
        checked = [str(link.factor_id) for link in record.factors] if record else []
        audit.record(db_session, request, "investigation_view", record_type="hearing", record_id=hearing.id)
        return await self._investigation_page(request, hearing_service, hearing, form, checked)

    async def _investigation_page(
        self,
        request: Request[Any, Any, Any],
        service: HearingService,
        hearing: Hearing,
        form: Form,
        checked: list[str],
        *,
        conflict: bool = False,
        status_code: int = 200,
    ) -> Template:
        contributing, strengths = await service.factor_choices(hearing)
        return page(
            "hearings/investigation.html",
            hearing=hearing,
            night=hearing.courtroom.night,
            courtroom=hearing.courtroom,
            case=hearing.case,
            record=hearing.investigation,
            form=form,
            checked=set(checked),
            contributing=contributing,
            strengths=strengths,
            editable=HearingService.investigation_open(hearing, request.user.today()),
            conflict=_(CONFLICT_MESSAGE) if conflict else None,
            status_code=status_code,
        )

    @post("/slots/{hearing_id:uuid}/investigation")
    async def save_investigation(
        self,
        request: Request[Any, Any, Any],
        hearing_service: NamedDependency[HearingService],
        actor: NamedDependency[Actor],
        hearing_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        hearing = await self._hearing(request, hearing_service, hearing_id)
        form = Form.from_data(data)
        checked = form.lists.get("factor", [])
        try:
            record = await hearing_service.record_findings(hearing, form, actor)
        except VersionConflict:
            hearing = await self._hearing(request, hearing_service, hearing_id)
            form.values["version"] = str(hearing.investigation.version if hearing.investigation else 0)
            return await self._investigation_page(
                request, hearing_service, hearing, form, checked, conflict=True, status_code=409
            )
        if record is None:
            return await self._investigation_page(
                request, hearing_service, hearing, form, checked, status_code=422
            )
        flash(request, _("The investigation record was saved."))
        return redirect_to(request, f"/hearings/slots/{hearing.id}")


ROUTES: list[type[Controller]] = [HearingController]
