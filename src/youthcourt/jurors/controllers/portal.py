"""The juror's own portal, built for a phone, and their private calendar feed.

A juror sees only their own record: bookings are always looked up with the juror's id, so
another juror's booking is simply not found (404). Case facts of a night are shown only to a
confirmed juror seated in a courtroom, only on the night's date and the day before.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor, previous_sign_in
from youthcourt.jurors import calendar, credits
from youthcourt.jurors import portal as service
from youthcourt.jurors.models import Booking, Juror
from youthcourt.jurors.portal import JurorPortalService
from youthcourt.programs.guards import PUBLIC, requires_role
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.programs.viewer import today_in
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.templating import is_htmx, page

RECENT = 3
"""How many of the newest credits, nights and trainings the portal's front page shows."""
_RECENT_NIGHTS = service.PAST_NIGHTS.limit(RECENT + 1)
_RECENT_CREDITS = service.CREDIT_LEDGER.limit(RECENT + 1)
_RECENT_TRAINING = service.TRAINING_ATTENDED.limit(RECENT + 1)


class JurorPortalController(Controller):
    """``/me``: the signed-in juror's nights, service, credits, roles and calendar."""

    path = "/me"
    guards = [requires_role(Role.JUROR)]
    dependencies = {"portal": Provide(create_service_provider(JurorPortalService))}

    async def _juror(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Juror | None:
        return await service.juror_for_user(db_session, request.user.user_id)

    async def _juror_or_404(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Juror:
        juror = await self._juror(request, db_session)
        if juror is None:
            raise NotFoundException()
        return juror

    async def _booking_or_404(self, db_session: AsyncSession, juror: Juror, booking_id: UUID) -> Booking:
        booking = await service.own_booking(db_session, juror, booking_id)
        if booking is None:
            raise NotFoundException()
        return booking

    async def _not_set_up(self, request: Request[Any, Any, Any], db_session: AsyncSession) -> Template:
        """A juror user whose sign-in is not linked to a juror record yet."""
        previous = await previous_sign_in(db_session, request.user.user_id)
        return page("jurors/portal/not_set_up.html", previous=previous)

    # The front page ------------------------------------------------------------------------------

    @get("/", name="juror_portal")
    async def portal(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        juror = await self._juror(request, db_session)
        if juror is None:
            return await self._not_set_up(request, db_session)
        return await self._portal_page(request, db_session, juror, page_number(page_no))

    async def _portal_page(
        self,
        request: Request[Any, Any, Any],
        db_session: AsyncSession,
        juror: Juror,
        number: int = 1,
        *,
        reply_error: str | None = None,
        status_code: int = 200,
    ) -> Template:
        today = request.user.today()
        values = service.of_juror(juror, today)
        upcoming = await paginate(db_session, service.UPCOMING_NIGHTS, number, params=values)
        recent_nights = (await db_session.scalars(_RECENT_NIGHTS, values)).all()
        recent_credits = (await db_session.scalars(_RECENT_CREDITS, values)).all()
        recent_training = (await db_session.scalars(_RECENT_TRAINING, values)).all()
        return page(
            "jurors/me.html",
            juror=juror,
            upcoming=upcoming,
            today=today,
            confirm_blocked=service.can_confirm(juror),
            reply_error=reply_error,
            totals=await service.service_totals(db_session, juror),
            balance=credits.balance_of(juror),
            recent_nights=recent_nights,
            recent_credits=recent_credits,
            recent_training=recent_training,
            recent=RECENT,
            roles=service.role_path(juror),
            previous=await previous_sign_in(db_session, request.user.user_id),
            status_code=status_code,
        )

    # Replying to an invitation -------------------------------------------------------------------

    @post("/bookings/{booking_id:uuid}/reply")
    async def reply(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        portal: NamedDependency[JurorPortalService],
        actor: NamedDependency[Actor],
        booking_id: FromPath[UUID],
        data: FormData,
    ) -> Template | Redirect:
        """Confirm (or join the waiting list) or decline, through the booking rules."""
        juror = await self._juror_or_404(request, db_session)
        booking = await self._booking_or_404(db_session, juror, booking_id)
        answer = Form.from_data(data).get("accept")
        portal_url = str(request.base_url).rstrip("/") + "/me"
        result = await portal.reply(actor, juror, booking, answer, portal_url=portal_url)
        today = request.user.today()
        if result.error:
            if is_htmx(request):
                return self._booking_card(request, juror, booking, today, error=result.error, status_code=422)
            return await self._portal_page(
                request, db_session, juror, reply_error=result.error, status_code=422
            )
        if is_htmx(request):
            return self._booking_card(request, juror, booking, today, message=result.message)
        flash(request, result.message)
        return Redirect("/me", status_code=303)

    def _booking_card(
        self,
        request: Request[Any, Any, Any],
        juror: Juror,
        booking: Booking,
        today: Any,
        *,
        error: str | None = None,
        message: str | None = None,
        status_code: int = 200,
    ) -> Template:
        return page(
            "jurors/portal/_booking.html",
            booking=booking,
            today=today,
            confirm_blocked=service.can_confirm(juror),
            error=error,
            message=message,
            status_code=status_code,
        )

    # A night's cases -----------------------------------------------------------------------------

    @get("/nights/{booking_id:uuid}")
    async def night(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        booking_id: FromPath[UUID],
    ) -> Template:
        """Who the juror will hear that night: the minimum, and only around the night."""
        juror = await self._juror_or_404(request, db_session)
        booking = await self._booking_or_404(db_session, juror, booking_id)
        today = request.user.today()
        window = service.FactsWindow.for_night(booking.night)
        allowed = service.facts_allowed(booking)
        showing = allowed and window.is_open(today)
        facts = []
        if showing:
            facts = await service.case_facts(db_session, booking)
            audit.record(
                db_session,
                request,
                "juror_case_facts_view",
                record_type="booking",
                record_id=booking.id,
                details={"cases": len(facts)},
            )
        return page(
            "jurors/portal/night.html",
            booking=booking,
            night=booking.night,
            window=window,
            allowed=allowed,
            showing=showing,
            facts=facts,
            today=today,
        )

    # Full histories ------------------------------------------------------------------------------

    @get("/service")
    async def past_service(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        juror = await self._juror(request, db_session)
        if juror is None:
            return await self._not_set_up(request, db_session)
        values = service.of_juror(juror, request.user.today())
        return page(
            "jurors/portal/service.html",
            results=await paginate(db_session, service.PAST_NIGHTS, page_number(page_no), params=values),
            totals=await service.service_totals(db_session, juror),
        )

    @get("/credits")
    async def credit_history(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        juror = await self._juror(request, db_session)
        if juror is None:
            return await self._not_set_up(request, db_session)
        return page(
            "jurors/portal/credits.html",
            results=await paginate(
                db_session, service.CREDIT_LEDGER, page_number(page_no), params=service.of_juror(juror)
            ),
            balance=credits.balance_of(juror),
        )

    @get("/rewards")
    async def reward_catalog(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        """The rewards catalog the juror's time credits buy from, beside their balance."""
        juror = await self._juror(request, db_session)
        if juror is None:
            return await self._not_set_up(request, db_session)
        return page(
            "jurors/portal/rewards.html",
            results=await paginate(db_session, credits.catalog_query(), page_number(page_no)),
            balance=credits.balance_of(juror),
        )

    @get("/training")
    async def training(
        self,
        request: Request[Any, Any, Any],
        db_session: NamedDependency[AsyncSession],
        page_no: PageNumber = "1",
    ) -> Template:
        juror = await self._juror(request, db_session)
        if juror is None:
            return await self._not_set_up(request, db_session)
        return page(
            "jurors/portal/training.html",
            results=await paginate(
                db_session, service.TRAINING_ATTENDED, page_number(page_no), params=service.of_juror(juror)
            ),
            roles=service.role_path(juror),
        )

    # Calendar address ----------------------------------------------------------------------------

    @post("/calendar/reset")
    async def reset_calendar(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Template:
        """Make a new feed address and show it once; the old address stops working."""
        juror = await self._juror_or_404(request, db_session)
        replaced = juror.calendar_token_hash is not None
        token = calendar.new_token(juror)
        await db_session.flush()
        audit.record(
            db_session,
            request,
            "juror_calendar_reset",
            record_type="juror",
            record_id=juror.id,
            details={"replaced": replaced},
        )
        url = f"{request.url.scheme}://{request.url.netloc}{calendar.feed_path(token)}"
        return page(
            "jurors/portal/calendar.html",
            feed_url=url,
            webcal_url="webcal://" + url.split("://", 1)[1],
            replaced=replaced,
        )


class CalendarFeedController(Controller):
    """The feed a calendar app subscribes to. Public: the secret in the address is the key."""

    @get("/calendar/{feed:str}", opt=PUBLIC, include_in_schema=False)
    async def feed(self, db_session: NamedDependency[AsyncSession], feed: FromPath[str]) -> Response[str]:
        token = feed.removesuffix(calendar.FEED_SUFFIX)
        if token == feed:
            raise NotFoundException()
        juror = await calendar.juror_for_token(db_session, token)
        if juror is None:
            raise NotFoundException()
        with program_scope(ProgramScope.of(juror.program_id)):
            program = await db_session.get(Program, juror.program_id)
            if program is None or not program.is_active:
                raise NotFoundException()
            bookings = await calendar.confirmed_upcoming(db_session, juror, today_in(program.timezone))
            text = calendar.render_feed(bookings, program.timezone, f"{calendar.SUMMARY}: {program.name}")
        return Response(
            content=text,
            media_type="text/calendar",  # Litestar adds "; charset=utf-8" to text types
            headers={
                "Cache-Control": "no-store",
                "Content-Disposition": 'inline; filename="youth-court-jury.ics"',
            },
        )


ROUTES = [JurorPortalController, CalendarFeedController]
