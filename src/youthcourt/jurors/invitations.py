"""Inviting jurors to hearing nights, their replies, and moving the waiting list up.

A coordinator invites many jurors at once (only active jurors who signed the oath), each
gets one booking per night and one invitation email. Replies go through :func:`reply`
(the rules are :func:`youthcourt.jurors.bookings.respond`), which puts confirmations past the
night's seats on the waiting list. When a confirmed juror withdraws, the first on the waiting
list takes the seat and is emailed, and the coordinator finds a notice on the night's page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import urlencode
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.clock import utc_now
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors import mail, reminders
from youthcourt.jurors.bookings import (
    SERVING,
    BookingError,
    holds_seat,
    is_seated,
    lock_night,
    overlapping,
    respond,
    seats,
    seats_taken,
)
from youthcourt.jurors.forms import TickedJurorsForm
from youthcourt.jurors.mail import clock, long_date
from youthcourt.jurors.models import (
    Booking,
    BookingStatus,
    CourtRole,
    Juror,
    JurorStatus,
    NightNotice,
    OutboxMessage,
    Qualification,
)
from youthcourt.reference.models import ProgramPolicy
from youthcourt.reference.services import policy as program_policy
from youthcourt.web.forms import Form, parse_uuid
from youthcourt.web.i18n import N_, _, ngettext, use_locale

__all__ = ("SERVING", "BookingError", "clock", "long_date", "seats_taken")

REPLY_STATUSES = (
    BookingStatus.INVITED,
    BookingStatus.CONFIRMED,
    BookingStatus.WAITLISTED,
    BookingStatus.DECLINED,
)
STATUS_HEADINGS = {
    BookingStatus.INVITED: N_("Invited, no reply yet"),
    BookingStatus.CONFIRMED: N_("Confirmed"),
    BookingStatus.WAITLISTED: N_("Waiting list"),
    BookingStatus.DECLINED: N_("Declined"),
}
"""The reply tabs of a night's page (translated where shown)."""
# The nights ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NightCounts:
    """How a night's jury bookings stand.

    ``taken`` is the seat count shown everywhere: confirmed jurors who hold a seat (see
    :func:`youthcourt.jurors.bookings.holds_seat`). ``confirmed`` counts every confirmed
    booking, absent and excused jurors included, for the replies tab.
    """

    seats: int
    taken: int = 0
    confirmed: int = 0
    invited: int = 0
    waitlisted: int = 0
    declined: int = 0

    @property
    def free(self) -> int:
        return max(0, self.seats - self.taken)

    @property
    def is_full(self) -> bool:
        return self.seats > 0 and self.taken >= self.seats

    def of(self, status: BookingStatus) -> int:
        return {
            BookingStatus.CONFIRMED: self.confirmed,
            BookingStatus.INVITED: self.invited,
            BookingStatus.WAITLISTED: self.waitlisted,
            BookingStatus.DECLINED: self.declined,
        }.get(status, 0)


def nights_query(today: datetime.date, *, past: bool = False) -> Select[tuple[HearingNight]]:
    """Nights to come soonest first, or past nights latest first; never cancelled ones. With courtrooms."""
    query = (
        select(HearingNight)
        .where(HearingNight.is_cancelled.is_(False))
        .options(selectinload(HearingNight.courtrooms))
    )
    if past:
        return query.where(HearingNight.held_on < today).order_by(
            HearingNight.held_on.desc(), HearingNight.starts_at.desc(), HearingNight.id
        )
    return query.where(HearingNight.held_on >= today).order_by(
        HearingNight.held_on, HearingNight.starts_at, HearingNight.id
    )


async def night_counts(
    db: AsyncSession, nights: Iterable[HearingNight], policy: ProgramPolicy
) -> dict[UUID, NightCounts]:
    """Seats and bookings per status for many nights: two grouped queries (courtrooms must be loaded)."""
    nights = list(nights)
    found: dict[UUID, dict[BookingStatus, int]] = {night.id: {} for night in nights}
    taken: dict[UUID, int] = {}
    if nights:
        ids = [night.id for night in nights]
        rows = await db.execute(
            select(Booking.night_id, Booking.status, func.count(Booking.id))
            .where(Booking.night_id.in_(ids))
            .group_by(Booking.night_id, Booking.status)
        )
        for night_id, status, count in rows.all():
            found.setdefault(night_id, {})[BookingStatus(status)] = count
        taken = dict(
            (
                await db.execute(
                    select(Booking.night_id, func.count(Booking.id))
                    .where(Booking.night_id.in_(ids), *holds_seat())
                    .group_by(Booking.night_id)
                )
            ).all()
        )
    return {
        night.id: NightCounts(
            seats=len(night.courtrooms) * policy.jury_max,
            taken=taken.get(night.id, 0),
            confirmed=found[night.id].get(BookingStatus.CONFIRMED, 0),
            invited=found[night.id].get(BookingStatus.INVITED, 0),
            waitlisted=found[night.id].get(BookingStatus.WAITLISTED, 0),
            declined=found[night.id].get(BookingStatus.DECLINED, 0),
        )
        for night in nights
    }


async def get_night(db: AsyncSession, night_id: UUID) -> HearingNight | None:
    return await db.scalar(
        select(HearingNight)
        .where(HearingNight.id == night_id)
        .options(selectinload(HearingNight.courtrooms))
        .execution_options(populate_existing=True)
    )


def invitations_open(night: HearingNight, today: datetime.date) -> bool:
    return not night.is_cancelled and night.held_on >= today


# Who can be invited ----------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteFilter:
    """The invite form's filter: a school, a court role qualification, and jurors free that night."""

    school: str = ""
    role: CourtRole | None = None
    free_only: bool = False

    @classmethod
    def read(cls, values: dict[str, str]) -> InviteFilter:
        role = values.get("role", "")
        return cls(
            school=values.get("school", "").strip()[:200],
            role=CourtRole(role) if role in CourtRole._value2member_map_ else None,
            free_only=values.get("free") == "1",
        )

    @property
    def params(self) -> dict[str, str]:
        values = {"school": self.school, "role": self.role.value if self.role else ""}
        if self.free_only:
            values["free"] = "1"
        return {key: value for key, value in values.items() if value}

    @property
    def query_string(self) -> str:
        return urlencode(self.params)


def eligible() -> list:
    """Who may be invited or sit on a jury: active jurors who signed the confidentiality oath."""
    return [Juror.status == JurorStatus.ACTIVE, Juror.oath_signed_on.is_not(None)]


def candidates_query(night: HearingNight, chosen: InviteFilter) -> Select[tuple[Juror]]:
    query = (
        select(Juror)
        .where(*eligible())
        .options(selectinload(Juror.qualifications))
        .order_by(Juror.last_name, Juror.first_name, Juror.id)
    )
    if chosen.school:
        query = query.where(func.lower(Juror.school) == chosen.school.lower())
    if chosen.role is not None:
        query = query.where(
            exists().where(Qualification.juror_id == Juror.id, Qualification.role == chosen.role)
        )
    if chosen.free_only:
        query = query.where(~exists().where(Booking.juror_id == Juror.id, Booking.night_id == night.id))
    return query


async def schools(db: AsyncSession) -> list[str]:
    """The schools of jurors who can be invited, for the filter."""
    rows = await db.scalars(
        select(Juror.school).where(*eligible(), Juror.school != "").distinct().order_by(Juror.school)
    )
    return list(rows.all())


async def bookings_by_juror(
    db: AsyncSession, night: HearingNight, juror_ids: list[UUID]
) -> dict[UUID, Booking]:
    if not juror_ids:
        return {}
    rows = await db.scalars(
        select(Booking).where(Booking.night_id == night.id, Booking.juror_id.in_(juror_ids))
    )
    return {booking.juror_id: booking for booking in rows.all()}


# Inviting --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteResult:
    invited: int
    already_booked: int
    not_eligible: int
    emailed: int
    overlapping: tuple[str, ...] = ()
    """Short names of the invited jurors already booked for a night at the same time."""

    @property
    def message(self) -> str:
        """What the coordinator is told: who was invited and emailed, and who was left out."""
        sentences = [
            ngettext(
                "%(num)s juror invited; %(emails)s queued.",
                "%(num)s jurors invited; %(emails)s queued.",
                self.invited,
                emails=ngettext("%(num)s invitation email", "%(num)s invitation emails", self.emailed),
            )
        ]
        if self.invited > self.emailed:
            sentences.append(
                ngettext(
                    "%(num)s juror without an email address: tell them another way.",
                    "%(num)s jurors without an email address: tell them another way.",
                    self.invited - self.emailed,
                )
            )
        if self.already_booked:
            sentences.append(
                ngettext(
                    "%(num)s juror already booked for this night left out.",
                    "%(num)s jurors already booked for this night left out.",
                    self.already_booked,
                )
            )
        if self.not_eligible:
            sentences.append(
                ngettext(
                    "%(num)s juror not active or without a signed oath left out.",
                    "%(num)s jurors not active or without a signed oath left out.",
                    self.not_eligible,
                )
            )
        return " ".join(sentences)

    @property
    def overlap_message(self) -> str:
        """Who was invited though booked for an overlapping night; empty when nobody."""
        if not self.overlapping:
            return ""
        return ngettext(
            "%(names)s is already booked for an overlapping night: they can confirm only one of the two.",
            "%(names)s are already booked for an overlapping night: they can confirm only one of the two.",
            len(self.overlapping),
            names=", ".join(self.overlapping),
        )


def reply_line(juror: Juror, portal_url: str, contact_phone: str = "") -> str:
    """How the juror answers: in their portal, or to the coordinator when they have no portal access."""
    if juror.user_id is not None:
        return _(
            "Please reply in your juror portal at %(url)s: confirm if you can come, or decline.",
            url=portal_url,
        )
    phone = contact_phone.strip()
    if phone:
        return _(
            "Please tell your coordinator if you can come or not: reply to this email or call %(phone)s.",
            phone=phone,
        )
    return _("Please tell your coordinator if you can come or not: reply to this email.")


def when_lines(night: HearingNight) -> list[str]:
    """A night's date, time and place, one indented line each, in the active language."""
    return [
        "  " + _("Date: %(day)s", day=long_date(night.held_on)),
        "  " + _("Time: %(start)s to %(end)s", start=clock(night.starts_at), end=clock(night.ends_at)),
        "  " + _("Location: %(place)s", place=night.location),
    ]


def invitation_text(
    night: HearingNight, juror: Juror, portal_url: str, contact_phone: str = ""
) -> tuple[str, str]:
    """The invitation email's subject and body, in the active language (the juror's)."""
    subject = _("Jury night invitation: %(day)s", day=long_date(night.held_on))
    body = "\n".join(
        [
            _("Hi %(name)s,", name=juror.first_name),
            "",
            _("You are invited to serve on a youth court jury:"),
            "",
            *when_lines(night),
            "",
            reply_line(juror, portal_url, contact_phone),
            _("Seats go to the first jurors who confirm; later replies join the waiting list."),
            "",
            _("Thank you for serving."),
        ]
    )
    return subject, body


async def invite(
    db: AsyncSession,
    night: HearingNight,
    juror_ids: list[UUID],
    *,
    portal_url: str,
    contact_phone: str = "",
) -> InviteResult:
    """Book each chosen juror as invited and email them, once per juror and night.

    Jurors already booked that night (whatever their reply) are left out: a juror has one
    booking per night (a unique constraint; the night's lock makes two invitations at the same
    moment find each other's booking instead of failing on it). Jurors who are not active or
    have not signed the oath are left out. Jurors booked for an overlapping night are invited
    all the same and named in the result: an invitation only asks, and they may decline the
    other night; confirming both is what :func:`respond` refuses.
    """
    wanted = list(dict.fromkeys(juror_ids))
    await lock_night(db, night.id)
    jurors = (
        (
            await db.scalars(
                select(Juror)
                .where(Juror.id.in_(wanted), *eligible())
                .order_by(Juror.last_name, Juror.first_name, Juror.id)
            )
        ).all()
        if wanted
        else []
    )
    booked = set(await bookings_by_juror(db, night, [juror.id for juror in jurors]))
    created: list[tuple[Booking, Juror]] = []
    for juror in jurors:
        if juror.id in booked:
            continue
        booking = Booking(
            program_id=night.program_id, juror_id=juror.id, night_id=night.id, status=BookingStatus.INVITED
        )
        db.add(booking)
        created.append((booking, juror))
    await db.flush()
    emailed = 0
    for booking, juror in created:
        with use_locale(await mail.juror_language(db, juror)):
            subject, body = invitation_text(night, juror, portal_url, contact_phone)
        message = await mail.enqueue(
            db,
            night.program_id,
            to_address=juror.email,
            subject=subject,
            body=body,
            kind="juror_invitation",
            dedupe_key=f"invite:{booking.id}",
            night_id=night.id,
            booking_id=booking.id,
        )
        emailed += message is not None
    clashes = await overlapping(
        db,
        night,
        [juror.id for _, juror in created],
        (BookingStatus.CONFIRMED, BookingStatus.INVITED, BookingStatus.WAITLISTED),
    )
    return InviteResult(
        invited=len(created),
        already_booked=len(booked),
        not_eligible=len(wanted) - len(jurors),
        emailed=emailed,
        overlapping=tuple(juror.short_name for _, juror in created if juror.id in clashes),
    )


async def overlap_flags(db: AsyncSession, night: HearingNight, juror_ids: list[UUID]) -> set[UUID]:
    """Candidates booked (invited, confirmed or waiting) for another night at the same time."""
    found = await overlapping(
        db, night, juror_ids, (BookingStatus.CONFIRMED, BookingStatus.INVITED, BookingStatus.WAITLISTED)
    )
    return set(found)


# Replies and the waiting list ------------------------------------------------------------------


def replies_query(night: HearingNight, status: BookingStatus) -> Select[tuple[Booking]]:
    """A night's bookings with one reply status, in the order the replies came."""
    return (
        select(Booking)
        .where(Booking.night_id == night.id, Booking.status == status)
        .options(selectinload(Booking.juror), selectinload(Booking.courtroom))
        .order_by(Booking.responded_at.nulls_first(), Booking.created_at, Booking.id)
    )


async def get_booking(db: AsyncSession, night: HearingNight, booking_id: UUID) -> Booking | None:
    """One of the night's bookings, with its juror (and their qualifications) and courtroom."""
    return await db.scalar(
        select(Booking)
        .where(Booking.id == booking_id, Booking.night_id == night.id)
        .options(
            selectinload(Booking.juror).selectinload(Juror.qualifications),
            selectinload(Booking.courtroom),
        )
        .execution_options(populate_existing=True)
    )


async def first_waiting(db: AsyncSession, night: HearingNight) -> Booking | None:
    """The juror longest on the night's waiting list."""
    return await db.scalar(
        replies_query(night, BookingStatus.WAITLISTED)
        .options(selectinload(Booking.juror).selectinload(Juror.qualifications))
        .limit(1)
    )


def moved_up_text(night: HearingNight, juror: Juror, portal_url: str) -> tuple[str, str]:
    subject = _("You have a seat on the jury: %(day)s", day=long_date(night.held_on))
    body = "\n".join(
        [
            _("Hi %(name)s,", name=juror.first_name),
            "",
            _("A seat became free and you moved up from the waiting list. You are now confirmed for:"),
            "",
            *when_lines(night),
            "",
            _("If you can no longer come, decline in your juror portal at %(url)s.", url=portal_url)
            if juror.user_id is not None
            else _("If you can no longer come, tell your coordinator: reply to this email."),
        ]
    )
    return subject, body


async def promote(db: AsyncSession, night: HearingNight, booking: Booking, *, portal_url: str) -> None:
    """Confirm a juror from the waiting list and tell them by email, under the night's lock."""
    await lock_night(db, night.id)
    juror = booking.juror
    if juror.status != JurorStatus.ACTIVE or juror.oath_signed_on is None:
        raise BookingError(_("%(name)s is not active or has not signed the oath.", name=juror.short_name))
    if juror.id in await overlapping(db, night, [juror.id]):
        raise BookingError(
            _("%(name)s is confirmed for another night at the same time.", name=juror.short_name)
        )
    booking.status = BookingStatus.CONFIRMED
    booking.responded_at = booking.responded_at or utc_now()
    await db.flush()
    with use_locale(await mail.juror_language(db, juror)):
        subject, body = moved_up_text(night, juror, portal_url)
    await mail.enqueue(
        db,
        night.program_id,
        to_address=juror.email,
        subject=subject,
        body=body,
        kind="juror_moved_up",
        dedupe_key=f"moved-up:{booking.id}",
        night_id=night.id,
        booking_id=booking.id,
    )


async def move_up(
    db: AsyncSession, night: HearingNight, policy: ProgramPolicy, *, portal_url: str
) -> Booking:
    """Give a free seat to the first juror on the waiting list."""
    if night.is_cancelled:
        raise BookingError(_("This hearing night was cancelled."))
    await lock_night(db, night.id)
    if await seats_taken(db, night) >= await seats(db, night, policy):
        raise BookingError(_("No seat is free: every seat of the night is taken."))
    booking = await first_waiting(db, night)
    if booking is None:
        raise BookingError(_("No one is on the waiting list."))
    await promote(db, night, booking, portal_url=portal_url)
    return booking


# Withdrawals --------------------------------------------------------------------------------------


REPLY_MESSAGES = {
    BookingStatus.CONFIRMED: N_("The juror is confirmed."),
    BookingStatus.WAITLISTED: N_("Every seat is taken: the juror is on the waiting list."),
    BookingStatus.DECLINED: N_("The juror declined."),
}


@dataclass(frozen=True)
class ReplyResult:
    status: BookingStatus
    withdrew: bool = False
    """A confirmed juror declined: their seat was given up."""
    moved_up: Booking | None = None
    """Who took the seat from the waiting list, when someone could."""
    notice: str = ""
    """What the coordinator was told on the night's page."""
    left_panel: bool = False
    """The juror declined while seated on a panel, and so left it."""

    @property
    def message(self) -> str:
        """What the coordinator who entered the reply is told."""
        message = _(REPLY_MESSAGES.get(self.status, N_("The reply was recorded.")))
        return message + (" " + _("They were taken off their panel.") if self.left_panel else "")


async def reply(
    db: AsyncSession,
    booking: Booking,
    juror: Juror,
    night: HearingNight,
    policy: ProgramPolicy,
    today: datetime.date,
    *,
    accept: bool,
    portal_url: str,
    by_juror: bool = False,
) -> ReplyResult:
    """A juror's reply, and what follows it.

    A juror who confirms a night in the next days is reminded at once. A confirmed juror who
    declines (withdraws) gives their seat to the first juror on the waiting list, who is
    confirmed and emailed: waiting jurors already said they would come, so the seat is not
    left empty while an offer waits for an answer. The coordinator is told on the night's page.
    """
    if not accept and booking.status == BookingStatus.CONFIRMED:
        await lock_night(db, night.id)
        await db.refresh(booking, ["status", "attendance"])
    was_seated = booking.status == BookingStatus.CONFIRMED and booking.attendance is None
    status = await respond(db, booking, juror, night, policy, accept=accept, by_juror=by_juror)
    if status == BookingStatus.CONFIRMED:
        await remind_if_soon(db, booking, night, today)
    if not (was_seated and status == BookingStatus.DECLINED):
        return ReplyResult(status)
    moved_up = await offer_free_seat(db, night, policy, today, portal_url=portal_url)
    notice = f"{juror.short_name} withdrew from the night."
    if moved_up is not None:
        notice += " " + await moved_up_notice(db, moved_up)
    elif await seats_taken(db, night) < await seats(db, night, policy):
        notice += " Their seat is free and nobody is on the waiting list: invite another juror."
    await notify(db, night, notice)
    return ReplyResult(status, withdrew=True, moved_up=moved_up, notice=notice)


async def offer_free_seat(
    db: AsyncSession, night: HearingNight, policy: ProgramPolicy, today: datetime.date, *, portal_url: str
) -> Booking | None:
    """Give a free seat to the first juror on the waiting list who can take it. The caller holds the lock."""
    if night.is_cancelled or await seats_taken(db, night) >= await seats(db, night, policy):
        return None
    waiting = (
        await db.scalars(
            replies_query(night, BookingStatus.WAITLISTED).options(
                selectinload(Booking.juror).selectinload(Juror.qualifications)
            )
        )
    ).all()
    for booking in waiting:
        try:
            await promote(db, night, booking, portal_url=portal_url)
        except BookingError:
            continue
        await remind_if_soon(db, booking, night, today)
        return booking
    return None


async def moved_up_notice(db: AsyncSession, booking: Booking) -> str:
    """What the coordinator is told about a juror who moved up: emailed only when a message was queued."""
    queued = await db.scalar(
        select(OutboxMessage.id)
        .where(OutboxMessage.booking_id == booking.id, OutboxMessage.kind == "juror_moved_up")
        .limit(1)
    )
    name = booking.juror.short_name
    if queued is not None:
        return f"{name} moved up from the waiting list and was emailed."
    return f"{name} moved up from the waiting list and has no email address: tell them another way."


async def remind_if_soon(
    db: AsyncSession, booking: Booking, night: HearingNight, today: datetime.date
) -> None:
    """A juror confirmed for a night inside the reminder window gets their reminder now."""
    if reminders.is_soon(night, today):
        await reminders.queue_reminders(db, today, booking_id=booking.id)


# Notices to coordinators ---------------------------------------------------------------------------


async def notify(db: AsyncSession, night: HearingNight, message: str) -> NightNotice:
    notice = NightNotice(program_id=night.program_id, night_id=night.id, message=message)
    db.add(notice)
    await db.flush()
    return notice


async def open_notices(db: AsyncSession, night: HearingNight) -> list[NightNotice]:
    """The night's notices nobody has marked as read, newest first."""
    rows = await db.scalars(
        select(NightNotice)
        .where(NightNotice.night_id == night.id, NightNotice.acknowledged_at.is_(None))
        .order_by(NightNotice.created_at.desc(), NightNotice.id)
    )
    return list(rows.all())


async def acknowledge(db: AsyncSession, night: HearingNight, notice_id: UUID, who: str) -> bool:
    notice = await db.scalar(
        select(NightNotice).where(NightNotice.id == notice_id, NightNotice.night_id == night.id)
    )
    if notice is None:
        return False
    if notice.acknowledged_at is None:
        notice.acknowledged_at = utc_now()
        notice.acknowledged_by = who[:200]
    await db.flush()
    return True


# A coordinator's invitations and replies -----------------------------------------------------------


class InvitationService(SQLAlchemyAsyncRepositoryService[Booking]):
    """What a coordinator does on a night's page: invite jurors, enter a juror's reply.

    Each step is on the audit trail, written with the ``actor`` the handler passes.
    """

    class Repository(SQLAlchemyAsyncRepository[Booking]):
        model_type = Booking

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def invite(
        self, actor: Actor, night: HearingNight, form: Form, *, portal_url: str
    ) -> InviteResult | None:
        """Invite the jurors ticked on ``form``; None, with the form's error, when none is ticked.

        Raises :class:`BookingError` when the night takes no more invitations (cancelled or over).
        """
        if not invitations_open(night, actor.viewer.today()):
            raise BookingError(_("This night is cancelled or over: no more invitations can be sent."))
        ticked = TickedJurorsForm.read(form).juror_ids
        wanted = [juror_id for value in ticked if (juror_id := parse_uuid(value))]
        if not wanted:
            form.error("juror_id", _("Choose at least one juror to invite."))
            return None
        policy = await program_policy(self.db, night.program_id)
        result = await invite(
            self.db, night, wanted, portal_url=portal_url, contact_phone=policy.contact_phone
        )
        audit.record(
            self.db,
            actor,
            "juror_invite",
            record_type="hearing_night",
            record_id=night.id,
            details={
                "count": result.invited,
                "already_booked": result.already_booked,
                "not_eligible": result.not_eligible,
            },
        )
        return result

    async def reply_for_juror(
        self, actor: Actor, night: HearingNight, booking: Booking, answer: str, *, portal_url: str
    ) -> ReplyResult:
        """Enter the reply ``answer`` ("confirm" or "decline") a juror gave the coordinator.

        Raises :class:`BookingError` for any other answer and when the reply is refused
        (:func:`youthcourt.jurors.bookings.respond` says why).
        """
        if answer not in ("confirm", "decline"):
            raise BookingError(_("Choose whether the juror confirmed or declined."))
        was_seated = is_seated(booking)
        policy = await program_policy(self.db, night.program_id)
        result = await reply(
            self.db,
            booking,
            booking.juror,
            night,
            policy,
            actor.viewer.today(),
            accept=answer == "confirm",
            portal_url=portal_url,
        )
        audit.record(
            self.db,
            actor,
            "juror_reply",
            record_type="booking",
            record_id=booking.id,
            details={"status": result.status.value, "on_behalf": True},
        )
        if result.moved_up is not None:
            audit.record(self.db, actor, "juror_move_up", record_type="booking", record_id=result.moved_up.id)
        return replace(result, left_panel=was_seated and result.status == BookingStatus.DECLINED)

    async def move_up_first(self, actor: Actor, night: HearingNight, *, portal_url: str) -> Booking:
        """Give a free seat to the first juror on the waiting list, reminding them at once when the night is near.

        Raises :class:`BookingError` when no seat is free or nobody waits.
        """
        policy = await program_policy(self.db, night.program_id)
        booking = await move_up(self.db, night, policy, portal_url=portal_url)
        await remind_if_soon(self.db, booking, night, actor.viewer.today())
        audit.record(self.db, actor, "juror_move_up", record_type="booking", record_id=booking.id)
        return booking

    async def mark_notice_read(self, actor: Actor, night: HearingNight, notice_id: UUID) -> bool:
        """Mark one of the night's notices read by the acting coordinator; False when the night has no such notice."""
        viewer = actor.viewer
        if not await acknowledge(self.db, night, notice_id, viewer.full_name or viewer.email):
            return False
        audit.record(self.db, actor, "juror_notice_read", record_type="hearing_night", record_id=night.id)
        return True
