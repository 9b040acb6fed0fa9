"""Coordinators book jurors for hearing nights: invitations, replies, panels and check-in."""

from __future__ import annotations

import datetime
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID
from zoneinfo import ZoneInfo

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors import checkin, invitations, panels, records
from youthcourt.jurors.bookings import BookingError
from youthcourt.jurors.checkin import CheckinService
from youthcourt.jurors.invitations import InvitationService
from youthcourt.jurors.models import Booking, BookingStatus, CourtRole
from youthcourt.jurors.panels import PanelService
from youthcourt.programs.guards import requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import ProgramPolicy
from youthcourt.reference.services import policy as program_policy
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import _
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import htmx_target, is_htmx, page, redirect_to

CANDIDATES_PER_PAGE = 50
RepliesPage = Annotated[str, QueryParameter(name="replies_page", required=False)]
QUALIFICATION_CHOICES = {role.value: role.label for role in CourtRole if role != CourtRole.JUROR}
STATUS_TABS = {status.value: invitations.STATUS_HEADINGS[status] for status in invitations.REPLY_STATUSES}


def _portal_url(request: Request[Any, Any, Any]) -> str:
    return str(request.base_url).rstrip("/") + "/me"


def _arrival_guess(night: HearingNight, viewer: Viewer) -> str:
    """The late-arrival field starts at the current time while the night is on, else empty."""
    now = datetime.datetime.now(ZoneInfo(viewer.timezone))
    if now.date() == night.held_on and night.starts_at < now.time() < night.ends_at:
        return now.strftime("%H:%M")
    return ""


class JurorNightController(Controller):
    path = "/jurors/nights"
    guards = [requires_role(Role.COORDINATOR)]
    dependencies = {
        "invites": Provide(create_service_provider(InvitationService)),
        "seating": Provide(create_service_provider(PanelService)),
        "checkins": Provide(create_service_provider(CheckinService)),
    }

    # Loading -----------------------------------------------------------------------------------

    @staticmethod
    async def _night(db_session: AsyncSession, night_id: UUID) -> HearingNight:
        night = await invitations.get_night(db_session, night_id)
        if night is None:
            raise NotFoundException()
        return night

    @staticmethod
    async def _booking(db_session: AsyncSession, night: HearingNight, booking_id: UUID) -> Booking:
        booking = await invitations.get_booking(db_session, night, booking_id)
        if booking is None:
            raise NotFoundException()
        return booking

    @staticmethod
    async def _policy(db_session: AsyncSession, request: Request[Any, Any, Any]) -> ProgramPolicy:
        return await program_policy(db_session, request.user.program_id)

    # The nights --------------------------------------------------------------------------------

    @get("/", name="juror_nights")
    async def index(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        when: FromQuery[str] = "",
        page_no: PageNumber = "1",
    ) -> Template:
        past = when == "past"
        policy = await self._policy(db_session, request)
        query = invitations.nights_query(request.user.today(), past=past)
        results = await paginate(db_session, query, page_number(page_no))
        counts = await invitations.night_counts(db_session, results.items, policy)
        return page("jurors/nights/list.html", results=results, counts=counts, policy=policy, past=past)

    # One night: invitations and replies --------------------------------------------------------

    @get("/{night_id:uuid}")
    async def night_bookings(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        night_id: FromPath[UUID],
        status: FromQuery[str] = "",
        page_no: PageNumber = "1",
        replies_page: RepliesPage = "1",
    ) -> Template:
        night = await self._night(db_session, night_id)
        chosen = invitations.InviteFilter.read(dict(request.query_params))
        form = Form(values={**chosen.params})
        target = htmx_target(request)
        template = {
            "candidates": "jurors/nights/_candidates.html",
            "replies": "jurors/nights/_replies.html",
        }.get(target or "", "jurors/nights/night.html")
        return await self._night_page(
            request, db_session, night, chosen, form, status, page_no, replies_page, template=template
        )

    async def _night_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        night: HearingNight,
        chosen: invitations.InviteFilter,
        form: Form,
        status: str = "",
        page_no: str = "1",
        replies_page: str = "1",
        *,
        template: str = "jurors/nights/night.html",
        status_code: int = 200,
    ) -> Template:
        policy = await self._policy(db_session, request)
        today = request.user.today()
        counts = (await invitations.night_counts(db_session, [night], policy))[night.id]
        tab = BookingStatus(status) if status in STATUS_TABS else BookingStatus.INVITED
        replies = await paginate(db_session, invitations.replies_query(night, tab), page_number(replies_page))
        can_invite = invitations.invitations_open(night, today)
        candidates = (
            await paginate(
                db_session,
                invitations.candidates_query(night, chosen),
                page_number(page_no),
                size=CANDIDATES_PER_PAGE,
            )
            if can_invite
            else None
        )
        juror_ids = [juror.id for juror in candidates.items] if candidates else []
        waiting = await invitations.first_waiting(db_session, night)
        audit.record(
            db_session,
            request,
            "juror_night_view",
            record_type="hearing_night",
            record_id=night.id,
            details={"status": tab.value},
        )
        return page(
            template,
            night=night,
            counts=counts,
            policy=policy,
            today=today,
            tab=tab,
            tabs=STATUS_TABS,
            replies=replies,
            can_invite=can_invite,
            chosen=chosen,
            form=form,
            schools=await invitations.schools(db_session) if can_invite else [],
            qualifications=QUALIFICATION_CHOICES,
            candidates=candidates,
            booked=await invitations.bookings_by_juror(db_session, night, juror_ids),
            flagged=await records.absence_flags(db_session, juror_ids, policy),
            overlaps=await invitations.overlap_flags(db_session, night, juror_ids) if can_invite else set(),
            notices=await invitations.open_notices(db_session, night),
            waiting=waiting,
            can_move_up=waiting is not None and counts.free > 0 and not night.is_cancelled,
            base=f"/jurors/nights/{night.id}",
            status_code=status_code,
        )

    @post("/{night_id:uuid}/invitations")
    async def invite(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        invites: NamedDependency[InvitationService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        night = await self._night(db_session, night_id)
        form = Form.from_data(data)
        chosen = invitations.InviteFilter.read(form.values)
        back = f"/jurors/nights/{night.id}" + (f"?{chosen.query_string}" if chosen.query_string else "")
        try:
            result = await invites.invite(actor, night, form, portal_url=_portal_url(request))
        except BookingError as error:
            flash(request, str(error), "error")
            return redirect_to(request, back)
        if result is None:
            return await self._night_page(request, db_session, night, chosen, form, status_code=422)
        flash(request, result.message, "success" if result.invited else "info")
        if result.overlap_message:
            flash(request, result.overlap_message, "info")
        return redirect_to(request, back)

    @post("/{night_id:uuid}/bookings/{booking_id:uuid}/reply")
    async def record_reply(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        invites: NamedDependency[InvitationService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        booking_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        night = await self._night(db_session, night_id)
        booking = await self._booking(db_session, night, booking_id)
        answer = Form.from_data(data).get("reply")
        back = f"/jurors/nights/{night.id}?" + urlencode({"status": booking.status.value})
        try:
            result = await invites.reply_for_juror(
                actor, night, booking, answer, portal_url=_portal_url(request)
            )
        except BookingError as error:
            flash(request, str(error), "error")
            return redirect_to(request, back)
        flash(request, result.message)
        if result.notice:
            flash(request, result.notice, "info")
        return redirect_to(
            request, f"/jurors/nights/{night.id}?" + urlencode({"status": result.status.value})
        )

    @post("/{night_id:uuid}/move-up")
    async def move_up(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        invites: NamedDependency[InvitationService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
    ) -> Any:
        night = await self._night(db_session, night_id)
        try:
            await invites.move_up_first(actor, night, portal_url=_portal_url(request))
        except BookingError as error:
            flash(request, str(error), "error")
            return redirect_to(request, f"/jurors/nights/{night.id}?status=waitlisted")
        flash(request, _("The first juror on the waiting list moved up and is confirmed."))
        return redirect_to(request, f"/jurors/nights/{night.id}?status=confirmed")

    @post("/{night_id:uuid}/notices/{notice_id:uuid}/read")
    async def notice_read(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        invites: NamedDependency[InvitationService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        notice_id: FromPath[UUID],
    ) -> Any:
        night = await self._night(db_session, night_id)
        if not await invites.mark_notice_read(actor, night, notice_id):
            raise NotFoundException()
        return redirect_to(request, f"/jurors/nights/{night.id}")

    # Panels ------------------------------------------------------------------------------------

    @get("/{night_id:uuid}/panels")
    async def panels_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        night_id: FromPath[UUID],
    ) -> Template:
        night = await self._night(db_session, night_id)
        return await self._panels_page(request, db_session, night)

    async def _panels_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        night: HearingNight,
        forms: dict[UUID, Form] | None = None,
        status_code: int = 200,
    ) -> Template:
        policy = await self._policy(db_session, request)
        night_panels = await panels.load(db_session, night)
        audit.record(db_session, request, "juror_panel_view", record_type="hearing_night", record_id=night.id)
        forms = forms or {}
        errors = [message for form in forms.values() for message in form.errors.values()]
        return page(
            "jurors/nights/panels.html",
            night=night,
            panels=night_panels,
            policy=policy,
            shortfall=panels.shortfall,
            jury_roles=panels.JURY_ROLES,
            forms=forms,
            errors=errors,
            roles=panels.ROLE_CHOICES,
            status_code=status_code,
        )

    @post("/{night_id:uuid}/bookings/{booking_id:uuid}/panel")
    async def assign(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        seating: NamedDependency[PanelService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        booking_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        night = await self._night(db_session, night_id)
        await self._booking(db_session, night, booking_id)
        form = Form.from_data(data)
        back = f"/jurors/nights/{night.id}/panels"
        try:
            change = await seating.assign(actor, night, booking_id, form)
        except panels.PanelError as error:
            flash(request, str(error), "error")
            return redirect_to(request, back)
        if change is None:
            return await self._panels_page(request, db_session, night, {booking_id: form}, status_code=422)
        flash(request, change.message, change.category)
        if change.flagged:
            flash(request, _(panels.FLAG_CHECK), "info")
        return redirect_to(request, back)

    # Check-in ----------------------------------------------------------------------------------

    @get("/{night_id:uuid}/check-in")
    async def checkin_page(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        night_id: FromPath[UUID],
    ) -> Template:
        night = await self._night(db_session, night_id)
        return await self._checkin_page(request, db_session, night)

    async def _checkin_context(
        self, request: Request[Any, Any, Any], db_session: AsyncSession, night: HearingNight
    ) -> dict[str, Any]:
        policy = await self._policy(db_session, request)
        today = request.user.today()
        night_panels = await panels.load(db_session, night)
        rows = sorted(
            night_panels.bookings,
            key=lambda b: (
                night_panels.room(b.courtroom_id).name if b.courtroom_id else "~",
                panels.ROLE_ORDER[b.role or CourtRole.JUROR],
                b.juror.last_name,
                b.juror.first_name,
            ),
        )
        ids = [b.id for b in rows]
        return {
            "night": night,
            "policy": policy,
            "panels": night_panels,
            "rows": rows,
            "credited": await checkin.credited(db_session, ids),
            "flagged": await records.absence_flags(db_session, [b.juror_id for b in rows], policy),
            "waiting": await invitations.first_waiting(db_session, night),
            "is_open": checkin.is_open(night, today),
            "now_time": _arrival_guess(night, request.user),
            "number": checkin.number,
            "arrival_of": checkin.arrival_of,
        }

    async def _checkin_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        night: HearingNight,
        forms: dict[UUID, Form] | None = None,
        status_code: int = 200,
    ) -> Template:
        context = await self._checkin_context(request, db_session, night)
        audit.record(
            db_session, request, "juror_checkin_view", record_type="hearing_night", record_id=night.id
        )
        forms = forms or {}
        errors = [message for form in forms.values() for message in form.errors.values()]
        return page(
            "jurors/nights/checkin.html", forms=forms, errors=errors, status_code=status_code, **context
        )

    @post("/{night_id:uuid}/bookings/{booking_id:uuid}/attendance")
    async def attendance(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        checkins: NamedDependency[CheckinService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        booking_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        night = await self._night(db_session, night_id)
        booking = await self._booking(db_session, night, booking_id)
        back = f"/jurors/nights/{night.id}/check-in"
        form = Form.from_data(data)
        try:
            result = await checkins.check_in(actor, night, booking, form)
        except checkin.CheckinError as error:
            flash(request, str(error), "error")
            return redirect_to(request, back)
        if result is None:
            if is_htmx(request):
                return await self._checkin_row(request, db_session, night, booking, form, status_code=422)
            return await self._checkin_page(request, db_session, night, {booking.id: form}, status_code=422)
        if is_htmx(request):
            return await self._checkin_row(request, db_session, night, booking, Form(), saved=result.message)
        flash(request, result.message)
        return redirect_to(request, f"{back}#checkin-{booking.id}")

    async def _checkin_row(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        night: HearingNight,
        booking: Booking,
        form: Form,
        *,
        saved: str = "",
        status_code: int = 200,
    ) -> Template:
        """The one juror's row, for htmx to swap in place."""
        context = await self._checkin_context(request, db_session, night)
        row = next((b for b in context["rows"] if b.id == booking.id), booking)
        return page(
            "jurors/nights/_checkin_row.html",
            booking=row,
            forms={booking.id: form},
            saved=saved,
            status_code=status_code,
            **context,
        )

    @post("/{night_id:uuid}/bookings/{booking_id:uuid}/replace")
    async def replace(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        checkins: NamedDependency[CheckinService],
        actor: NamedDependency[Actor],
        night_id: FromPath[UUID],
        booking_id: FromPath[UUID],
    ) -> Any:
        night = await self._night(db_session, night_id)
        freed = await self._booking(db_session, night, booking_id)
        back = f"/jurors/nights/{night.id}/check-in"
        try:
            replacement = await checkins.replace_absent(actor, night, freed, portal_url=_portal_url(request))
        except (checkin.CheckinError, BookingError) as error:
            # Nothing of the attempt may show on the page shown again: start from what is saved.
            await db_session.rollback()
            problem = Form()
            problem.error("replace", str(error))
            night = await self._night(db_session, night_id)
            return await self._checkin_page(
                request, db_session, night, {booking_id: problem}, status_code=422
            )
        room = next((r.name for r in night.courtrooms if r.id == replacement.courtroom_id), "the courtroom")
        flash(
            request,
            _("The first juror on the waiting list moved up and takes the seat in %(room)s.", room=room),
        )
        return redirect_to(request, f"{back}#checkin-{replacement.id}")


ROUTES: list[type[Controller]] = [JurorNightController]
