"""Panels: which confirmed jurors sit in which courtroom, in which role, and who is kept off.

A courtroom's jury is its jurors and its foreperson (up to ``jury_max``, at least
``jury_min``); a clerk, a bailiff and a youth judge serve the court beside it, one of each
at most. Roles other than juror need the juror's qualification for them.

Impartiality is checked against the courtroom's docket (its hearings' respondents):

* a juror who *is* a respondent on the docket is kept off (and off every courtroom of a
  night on which they have their own hearing);
* a juror who declared knowing a respondent on the docket is kept off;
* a juror from the same school as a respondent is flagged; the coordinator decides.

A conflict declared after the juror was seated is enforced at once (:func:`enforce_conflicts`):
the juror moves to another panel of the night where nothing keeps them off, or, when there is
none, leaves the night (their seat goes to the waiting list); the coordinator is told on the
night's page.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors import invitations, mail
from youthcourt.jurors.bookings import is_seated, lock_night
from youthcourt.jurors.forms import ROLE_CHOICES as ROLE_CHOICES
from youthcourt.jurors.forms import SeatForm
from youthcourt.jurors.invitations import SERVING
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    ConflictDeclaration,
    CourtRole,
    Juror,
    JurorStatus,
)
from youthcourt.reference.models import ProgramPolicy
from youthcourt.reference.services import policy as program_policy
from youthcourt.referrals.models import Referral
from youthcourt.web.forms import Form
from youthcourt.web.i18n import DEFAULT_LANGUAGE, N_, _, use_locale

JURY_ROLES = frozenset({CourtRole.JUROR, CourtRole.FOREPERSON})
"""Roles that count toward the jury's size."""
SINGLE_ROLES = frozenset({CourtRole.FOREPERSON, CourtRole.CLERK, CourtRole.BAILIFF, CourtRole.YOUTH_JUDGE})
"""Roles a courtroom has at most one of."""
ROLE_ORDER = {
    CourtRole.YOUTH_JUDGE: 0,
    CourtRole.FOREPERSON: 1,
    CourtRole.CLERK: 2,
    CourtRole.BAILIFF: 3,
    CourtRole.JUROR: 4,
}


_GONE = frozenset({Attendance.ABSENT, Attendance.EXCUSED})


class PanelError(ValueError):
    """The juror cannot take that seat; the message says why."""


@dataclass(frozen=True)
class Conflict:
    message: str
    blocking: bool
    """Kept off the courtroom (True), or only flagged for the coordinator to decide (False)."""
    named: str = ""
    """The whole sentence with the juror's name: "Ana G. goes to the same school as ..."."""

    @property
    def sentence(self) -> str:
        """The message on its own: "Goes to the same school as ..."."""
        return self.message[:1].upper() + self.message[1:]


@dataclass
class NightPanels:
    """Everything the panel rules need about one night, loaded in a fixed number of queries."""

    night: HearingNight
    bookings: list[Booking]
    """The night's confirmed bookings, with jurors and their qualifications."""
    dockets: dict[UUID, list[Hearing]]
    declared: dict[UUID, set[UUID]]
    """Per juror, the youths they declared knowing."""

    def room(self, courtroom_id: UUID | None) -> Courtroom | None:
        return next((room for room in self.night.courtrooms if room.id == courtroom_id), None)

    def seated(self, courtroom_id: UUID) -> list[Booking]:
        """A courtroom's panel, court roles first, then jurors by name."""
        found = [b for b in self.bookings if is_seated(b) and b.courtroom_id == courtroom_id]
        return sorted(
            found,
            key=lambda b: (ROLE_ORDER[b.role or CourtRole.JUROR], b.juror.last_name, b.juror.first_name),
        )

    def jury_size(self, courtroom_id: UUID) -> int:
        return sum(1 for b in self.seated(courtroom_id) if (b.role or CourtRole.JUROR) in JURY_ROLES)

    def unseated(self) -> list[Booking]:
        return [b for b in self.bookings if not is_seated(b) and b.attendance not in _GONE]

    def conflicts(self, juror: Juror, courtroom_id: UUID) -> list[Conflict]:
        return conflicts_for(juror, courtroom_id, self.dockets, self.declared.get(juror.id, set()))


def shortfall(jury_size: int, policy: ProgramPolicy) -> int:
    """How many more jurors a courtroom needs to reach the program's minimum jury."""
    return max(0, policy.jury_min - jury_size)


async def dockets(db: AsyncSession, night: HearingNight) -> dict[UUID, list[Hearing]]:
    """Each courtroom's hearings still on the docket, with the case's youth and offense."""
    hearings = await db.scalars(
        select(Hearing)
        .join(Courtroom, Hearing.courtroom_id == Courtroom.id)
        .where(Courtroom.night_id == night.id, Hearing.outcome != HearingOutcome.CANCELLED)
        .options(
            selectinload(Hearing.case).selectinload(Case.youth),
            selectinload(Hearing.case).selectinload(Case.referral).selectinload(Referral.offense),
        )
        .order_by(Hearing.position, Hearing.created_at)
    )
    result: dict[UUID, list[Hearing]] = {room.id: [] for room in night.courtrooms}
    for hearing in hearings:
        result.setdefault(hearing.courtroom_id, []).append(hearing)
    return result


async def declared_conflicts(db: AsyncSession, juror_ids: Iterable[UUID]) -> dict[UUID, set[UUID]]:
    ids = list(juror_ids)
    if not ids:
        return {}
    rows = await db.execute(
        select(ConflictDeclaration.juror_id, ConflictDeclaration.youth_id).where(
            ConflictDeclaration.juror_id.in_(ids)
        )
    )
    found: dict[UUID, set[UUID]] = {}
    for juror_id, youth_id in rows.all():
        found.setdefault(juror_id, set()).add(youth_id)
    return found


async def load(db: AsyncSession, night: HearingNight) -> NightPanels:
    """The night's confirmed bookings, dockets and declared conflicts (five queries)."""
    bookings = list(
        (
            await db.scalars(
                select(Booking)
                .where(Booking.night_id == night.id, Booking.status == BookingStatus.CONFIRMED)
                .options(selectinload(Booking.juror).selectinload(Juror.qualifications))
                .execution_options(populate_existing=True)
            )
        ).all()
    )
    bookings.sort(key=lambda b: (b.juror.last_name, b.juror.first_name, b.id))
    return NightPanels(
        night=night,
        bookings=bookings,
        dockets=await dockets(db, night),
        declared=await declared_conflicts(db, (b.juror_id for b in bookings)),
    )


def _same_school(juror: Juror, school: str) -> bool:
    mine = juror.school.strip().casefold()
    return bool(mine) and mine == school.strip().casefold()


def conflicts_for(
    juror: Juror, courtroom_id: UUID, night_dockets: dict[UUID, list[Hearing]], declared: set[UUID]
) -> list[Conflict]:
    """Why ``juror`` should not, or may not, sit in the courtroom."""
    found: list[Conflict] = []
    name = juror.short_name
    for room_id, hearings in night_dockets.items():
        for hearing in hearings:
            case = hearing.case
            youth = case.youth
            if room_id != courtroom_id:
                if juror.youth_id is not None and juror.youth_id == case.youth_id:
                    found.append(
                        Conflict(
                            _("has their own hearing tonight (case %(case)s).", case=case.number),
                            True,
                            _(
                                "%(name)s has their own hearing tonight (case %(case)s).",
                                name=name,
                                case=case.number,
                            ),
                        )
                    )
                continue
            if juror.youth_id is not None and juror.youth_id == case.youth_id:
                found.append(
                    Conflict(
                        _("is the respondent in case %(case)s on this docket.", case=case.number),
                        True,
                        _(
                            "%(name)s is the respondent in case %(case)s on this docket.",
                            name=name,
                            case=case.number,
                        ),
                    )
                )
            elif case.youth_id in declared:
                found.append(
                    Conflict(
                        _("declared knowing the respondent in case %(case)s.", case=case.number),
                        True,
                        _(
                            "%(name)s declared knowing the respondent in case %(case)s.",
                            name=name,
                            case=case.number,
                        ),
                    )
                )
            elif _same_school(juror, youth.school):
                found.append(
                    Conflict(
                        _("goes to the same school as the respondent in case %(case)s.", case=case.number),
                        False,
                        _(
                            "%(name)s goes to the same school as the respondent in case %(case)s.",
                            name=name,
                            case=case.number,
                        ),
                    )
                )
    return found


def seat_problems(
    panels: NightPanels, booking: Booking, courtroom: Courtroom, role: CourtRole, policy: ProgramPolicy
) -> list[str]:
    """Everything that keeps ``booking``'s juror from taking the seat; empty when they may sit."""
    juror = booking.juror
    name = juror.short_name
    problems: list[str] = []
    if booking.status != BookingStatus.CONFIRMED:
        problems.append(_("%(name)s has not confirmed this night, so cannot be seated.", name=name))
    if booking.attendance is not None and booking.attendance not in SERVING:
        problems.append(
            _(
                "%(name)s was marked %(attendance)s tonight, so cannot be seated.",
                name=name,
                attendance=_(booking.attendance.label).lower(),
            )
        )
    if juror.status != JurorStatus.ACTIVE:
        problems.append(_("%(name)s is not an active juror, so cannot be seated.", name=name))
    if juror.oath_signed_on is None:
        problems.append(
            _("%(name)s has not signed the confidentiality oath, so cannot be seated.", name=name)
        )
    if role != CourtRole.JUROR and role not in {q.role for q in juror.qualifications}:
        problems.append(_("%(name)s is not qualified as %(role)s.", name=name, role=_(role.label).lower()))
    others = [b for b in panels.seated(courtroom.id) if b.id != booking.id]
    if role in SINGLE_ROLES:
        holder = next((b for b in others if b.role == role), None)
        if holder is not None:
            problems.append(
                _(
                    "%(room)s already has a %(role)s: %(name)s.",
                    room=courtroom.name,
                    role=_(role.label).lower(),
                    name=holder.juror.short_name,
                )
            )
    if role in JURY_ROLES:
        jury = sum(1 for b in others if (b.role or CourtRole.JUROR) in JURY_ROLES)
        if jury >= policy.jury_max:
            problems.append(
                _("%(room)s's jury is full (%(max)s jurors).", room=courtroom.name, max=policy.jury_max)
            )
    problems += [conflict.named for conflict in panels.conflicts(juror, courtroom.id) if conflict.blocking]
    return problems


def seat(
    panels: NightPanels, booking: Booking, courtroom: Courtroom, role: CourtRole, policy: ProgramPolicy
) -> list[str]:
    """Put the juror on the courtroom's panel; returns the warnings the coordinator accepted by seating."""
    problems = seat_problems(panels, booking, courtroom, role, policy)
    if problems:
        raise PanelError(" ".join(problems))
    booking.courtroom_id = courtroom.id
    booking.role = role
    return [
        conflict.named for conflict in panels.conflicts(booking.juror, courtroom.id) if not conflict.blocking
    ]


def unseat(booking: Booking) -> None:
    booking.courtroom_id = None
    booking.role = None


# A coordinator seating jurors ---------------------------------------------------------------------

FLAG_CHECK = N_("Please check the flag beside the juror: it is for you to decide whether they sit.")


@dataclass(frozen=True)
class PanelChange:
    """What a seating did, told to the coordinator as ``message`` (a flash of ``category``)."""

    message: str
    category: str = "success"
    flagged: bool = False
    """The juror sits despite a flag (same school as a respondent) the coordinator should check."""


class PanelService(SQLAlchemyAsyncRepositoryService[Booking]):
    """Seats on a night's panels as a coordinator sets them, each change on the audit trail."""

    class Repository(SQLAlchemyAsyncRepository[Booking]):
        model_type = Booking

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def assign(
        self, actor: Actor, night: HearingNight, booking_id: UUID, form: Form
    ) -> PanelChange | None:
        """Seat the booking's juror in the courtroom and role chosen on ``form``, or take them off
        their panel when no courtroom is chosen; None, with the form's errors, when the seat is refused.

        Raises :class:`PanelError` when nobody can be seated: the night is cancelled, or the
        juror has not confirmed it.
        """
        if night.is_cancelled:
            raise PanelError(_("This hearing night was cancelled."))
        night_panels = await load(self.db, night)
        booking = next((b for b in night_panels.bookings if b.id == booking_id), None)
        if booking is None:
            raise PanelError(_("Only jurors who confirmed the night can be seated."))
        if not form.get("courtroom_id"):
            return await self._take_off(actor, night_panels, booking)
        policy = await program_policy(self.db, night.program_id)
        return await self._seat(actor, night_panels, booking, form, policy)

    async def _take_off(self, actor: Actor, night_panels: NightPanels, booking: Booking) -> PanelChange:
        if booking.courtroom_id is None:
            return PanelChange(_("The juror is not on a panel."), "info")
        previous = night_panels.room(booking.courtroom_id)
        unseat(booking)
        await self.db.flush()
        audit.record(
            self.db,
            actor,
            "juror_panel_remove",
            record_type="booking",
            record_id=booking.id,
            details={"courtroom_id": str(previous.id) if previous else None},
        )
        return PanelChange(_("The juror was taken off the panel."))

    async def _seat(
        self, actor: Actor, night_panels: NightPanels, booking: Booking, form: Form, policy: ProgramPolicy
    ) -> PanelChange | None:
        rooms = {str(room.id): room for room in night_panels.night.courtrooms}
        seating = SeatForm.read(form, options={"courtroom_id": rooms})
        courtroom = rooms.get(seating.courtroom_id)
        if not form.is_valid or courtroom is None:
            return None
        role = CourtRole(seating.role)
        try:
            warnings = seat(night_panels, booking, courtroom, role, policy)
        except PanelError as error:
            form.error("courtroom_id", str(error))
            return None
        await self.db.flush()
        audit.record(
            self.db,
            actor,
            "juror_panel_assign",
            record_type="booking",
            record_id=booking.id,
            details={"courtroom_id": str(courtroom.id), "role": seating.role, "flagged": bool(warnings)},
        )
        return PanelChange(
            _("The juror sits in %(room)s as %(role)s.", room=courtroom.name, role=_(role.label).lower()),
            flagged=bool(warnings),
        )


# Conflicts declared after seating ---------------------------------------------------------------


@dataclass(frozen=True)
class Reseated:
    """What a newly declared conflict did to one of the juror's seats."""

    night: HearingNight
    booking: Booking
    left: Courtroom
    moved_to: Courtroom | None
    """The panel the juror now sits on; None when they were taken off the night."""
    reason: str
    notice: str


def _removal_text(night: HearingNight, juror: Juror, portal_url: str) -> tuple[str, str]:
    subject = _("Change to your jury night: %(day)s", day=mail.long_date(night.held_on))
    body = "\n".join(
        [
            _("Hi %(name)s,", name=juror.first_name),
            "",
            _(
                "You are no longer on the jury on %(day)s: after the conflict you told us about, there is no "
                "courtroom that night where you can sit. You do not need to come.",
                day=mail.long_date(night.held_on),
            ),
            "",
            _(
                "Thank you for telling us. Your other nights are in your juror portal at %(url)s.",
                url=portal_url,
            ),
        ]
    )
    return subject, body


async def enforce_conflicts(
    db: AsyncSession, juror: Juror, policy: ProgramPolicy, today: datetime.date, *, portal_url: str
) -> list[Reseated]:
    """Take the juror off every panel of a coming night that their declared conflicts now forbid.

    Each such juror moves to another courtroom of the night where no rule keeps them off and
    the jury has room (keeping their role when it is free there, else as a juror). With no
    such courtroom, they leave the night: the booking is withdrawn by the program, the seat
    goes to the first on the waiting list, and the juror is emailed that they need not come.
    """
    rows = await db.scalars(
        select(Booking)
        .join(HearingNight, HearingNight.id == Booking.night_id)
        .where(
            Booking.juror_id == juror.id,
            Booking.status == BookingStatus.CONFIRMED,
            Booking.courtroom_id.is_not(None),
            Booking.attendance.is_(None),
            HearingNight.is_cancelled.is_(False),
            HearingNight.held_on >= today,
        )
        .options(selectinload(Booking.night).selectinload(HearingNight.courtrooms))
        .order_by(HearingNight.held_on, HearingNight.starts_at)
    )
    changes: list[Reseated] = []
    for seated in rows.all():
        # The notice is stored for every coordinator of the program: it stays in English.
        with use_locale(DEFAULT_LANGUAGE):
            change = await _reseat(db, seated, policy, today, portal_url=portal_url)
        if change is not None:
            changes.append(change)
    return changes


async def _reseat(
    db: AsyncSession, seated: Booking, policy: ProgramPolicy, today: datetime.date, *, portal_url: str
) -> Reseated | None:
    """Move or take off one seat that the juror's declared conflicts now forbid; None when it may stay."""
    night = seated.night
    await lock_night(db, night.id)
    night_panels = await load(db, night)
    booking = next((b for b in night_panels.bookings if b.id == seated.id), None)
    if booking is None or booking.courtroom_id is None:
        return None
    hard = [c for c in night_panels.conflicts(booking.juror, booking.courtroom_id) if c.blocking]
    if not hard:
        return None
    left = night_panels.room(booking.courtroom_id)
    if left is None:
        return None
    reason = hard[0].message
    moved_to = _other_seat(night_panels, booking, policy)
    if moved_to is not None:
        notice = f"{booking.juror.short_name} was moved from {left.name} to {moved_to.name}: {reason}"
    else:
        unseat(booking)
        booking.status = BookingStatus.CANCELLED
        await db.flush()
        with use_locale(await mail.juror_language(db, booking.juror)):
            subject, body = _removal_text(night, booking.juror, portal_url)
        await mail.enqueue(
            db,
            night.program_id,
            to_address=booking.juror.email.strip(),
            subject=subject,
            body=body,
            kind="juror_unseated",
            dedupe_key=f"unseated:{booking.id}",
            night_id=night.id,
            booking_id=booking.id,
        )
        notice = f"{booking.juror.short_name} was taken off the night, as no other courtroom can take them: {reason}"
        replacement = await invitations.offer_free_seat(db, night, policy, today, portal_url=portal_url)
        if replacement is not None:
            notice += " " + await invitations.moved_up_notice(db, replacement)
    await db.flush()
    await invitations.notify(db, night, notice)
    return Reseated(night, booking, left, moved_to, reason, notice)


def _other_seat(night_panels: NightPanels, booking: Booking, policy: ProgramPolicy) -> Courtroom | None:
    """Seat the juror in the first other courtroom that takes them, in their role or as a juror."""
    role = booking.role or CourtRole.JUROR
    for room in night_panels.night.courtrooms:
        if room.id == booking.courtroom_id:
            continue
        for choice in dict.fromkeys((role, CourtRole.JUROR)):
            if not seat_problems(night_panels, booking, room, choice, policy):
                booking.courtroom_id = room.id
                booking.role = choice
                return room
    return None
