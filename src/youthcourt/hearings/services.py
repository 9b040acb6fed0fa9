"""Hearing nights, their dockets, what happened at each hearing, and the jury's investigation record.

Every change to a case's state goes through :class:`youthcourt.cases.services.CaseService`,
so it is checked by the state machine and lands on the case's timeline. The queries here
load what a page shows in a fixed number of statements, whatever the number of rows.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import Row, Select, bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.listing import named_or_numbered
from youthcourt.cases.models import Case, CaseState, EventKind
from youthcourt.cases.services import CaseService
from youthcourt.cases.states import TransitionError
from youthcourt.database import TODAY
from youthcourt.hearings import events
from youthcourt.hearings.forms import FindingsForm, OutcomeForm, RoomInput, SlotForm, read_night
from youthcourt.hearings.models import (
    Courtroom,
    Hearing,
    HearingKind,
    HearingNight,
    HearingOutcome,
    Investigation,
    InvestigationFactor,
)
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import Factor, FactorKind, Offense
from youthcourt.reference.services import active_factors, policy
from youthcourt.referrals import sealed
from youthcourt.referrals.models import Referral, Youth
from youthcourt.referrals.screening import age_on
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, _, ngettext

KIND_WORDS = {
    HearingKind.RETURNING: N_("returning"),
    HearingKind.DISCHARGE: N_("discharge"),
    HearingKind.INITIAL: N_("initial"),
}
"""A kind of hearing inside a sentence, translated where it is shown."""
OUTCOME_WORDS = {
    HearingOutcome.SCHEDULED: N_("scheduled"),
    HearingOutcome.HELD: N_("held"),
    HearingOutcome.NO_SHOW: N_("no-show"),
    HearingOutcome.RESCHEDULED: N_("rescheduled"),
    HearingOutcome.CANCELLED: N_("cancelled"),
}

KIND_PRIORITY = case(
    {HearingKind.RETURNING: 0, HearingKind.DISCHARGE: 1, HearingKind.INITIAL: 2},
    value=Hearing.kind,
    else_=3,
)
"""Docket order: returning cases first, then discharge hearings, then first hearings."""

SCHEDULABLE_STATES = (CaseState.AWAITING_HEARING, CaseState.SANCTIONS_IN_PROGRESS)
KINDS_FOR_STATE = {
    CaseState.AWAITING_HEARING: (HearingKind.INITIAL,),
    CaseState.SANCTIONS_IN_PROGRESS: (HearingKind.RETURNING, HearingKind.DISCHARGE),
}


def describe(night: HearingNight, courtroom: Courtroom | None = None) -> str:
    """How a night (and courtroom) is named on a case's timeline: "2026-12-05, Courtroom A"."""
    text = night.held_on.isoformat()
    return f"{text}, {courtroom.name}" if courtroom else text


class SchedulingError(ValueError):
    """A hearing cannot be scheduled, moved or recorded; ``field`` is the form field at fault."""

    def __init__(self, message: str, field: str = "case_id") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class VersionConflict(Exception):
    """The investigation record was saved by someone else since the form was opened."""


def hearing_loads() -> list:
    """What a hearing's pages need: its night, the case with the youth, guardians and offense.

    What a hearing has one of comes joined to its row; lists (guardians, factors) a query each.
    """
    return [
        joinedload(Hearing.courtroom).joinedload(Courtroom.night),
        joinedload(Hearing.case).joinedload(Case.youth).selectinload(Youth.guardians),
        joinedload(Hearing.case).joinedload(Case.referral).joinedload(Referral.offense),
        joinedload(Hearing.investigation)
        .selectinload(Investigation.factors)
        .selectinload(InvestigationFactor.factor),
    ]


PICKER_ROWS = 10
"""Cases the night page's picker shows at once; a search finds the others."""


@dataclass(frozen=True)
class Candidates:
    """What the night page's case picker shows: the first cases found, and the one chosen."""

    rows: list[Row[Any]]
    more: int
    """Cases found but not shown: a longer search narrows them."""
    chosen: Row[Any] | None = None
    """The case chosen, when the search did not find it: still offered, apart."""

    def in_state(self, state: str) -> list[Row[Any]]:
        return [row for row in self.rows if row.state == state]


_NIGHT = bindparam("night_id")
_ROOMS = joinedload(HearingNight.courtrooms)
NIGHT_WITH_ROOMS = (
    select(HearingNight)
    .where(HearingNight.id == _NIGHT)
    .options(_ROOMS)
    .execution_options(populate_existing=True)
)
"""A night and its few courtrooms in one statement: read by a second (``selectinload``), they cost
a tenth of a printable docket's time, most of it in building that second statement."""
NIGHT_WITH_DOCKETS = NIGHT_WITH_ROOMS.options(_ROOMS.selectinload(Courtroom.hearings))


@dataclass(frozen=True, slots=True)
class DocketRow:
    """A hearing as a night's and a docket's rows show it, read as columns: a night's 32 hearings
    were 160 records of five tables, every column of each made a Python value, for a line apiece."""

    id: UUID
    courtroom_id: UUID
    case_id: UUID
    kind: HearingKind
    outcome: HearingOutcome
    notice_sent_on: datetime.date | None
    number: str
    sealed: bool
    first_name: str
    last_name: str
    born: datetime.date
    offense: str

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day: datetime.date) -> int:
        return age_on(self.born, day)


_IN_ORDER = (KIND_PRIORITY, Hearing.position, Hearing.created_at)
_DOCKET_ROWS = (
    select(
        Hearing.id,
        Hearing.courtroom_id,
        Hearing.case_id,
        Hearing.kind,
        Hearing.outcome,
        Hearing.notice_sent_on,
        Case.number,
        Case.sealed_at.is_not(None),
        Youth.first_name,
        Youth.last_name,
        Youth.date_of_birth,
        Offense.name,
    )
    .join(Case, Case.id == Hearing.case_id)
    .join(Youth, Youth.id == Case.youth_id)
    .join(Referral, Referral.id == Case.referral_id)
    .join(Offense, Offense.id == Referral.offense_id)
)
DOCKETS = (
    _DOCKET_ROWS.join(Courtroom, Hearing.courtroom_id == Courtroom.id)
    .where(Courtroom.night_id == _NIGHT)
    .order_by(*_IN_ORDER)
)
DOCKET = _DOCKET_ROWS.where(
    Hearing.courtroom_id == bindparam("courtroom_id"), Hearing.outcome != HearingOutcome.CANCELLED
).order_by(*_IN_ORDER)
"""A night, with its courtrooms or its dockets, its dockets' hearings and one courtroom's docket
(its cases still on it): built once per process (see ``dashboard.services``), run with the night's
or the courtroom's id."""


@functools.cache
def _schedulable(*, searching: bool) -> Select[Any]:
    """The cases that can go on the night (``night_id``): neither on it yet nor past hearings.

    Unsearched, each youth's name is looked up for the rows shown alone: joined, PostgreSQL read
    the youth of each of a statewide program's 286 schedulable cases for 10 rows.
    """
    on_this_night = (
        select(Hearing.case_id)
        .join(Courtroom, Hearing.courtroom_id == Courtroom.id)
        .where(Courtroom.night_id == _NIGHT, Hearing.outcome != HearingOutcome.CANCELLED)
    )
    youth = (
        Youth.full_name
        if searching
        else select(Youth.full_name).where(Youth.id == Case.youth_id).correlate(Case).scalar_subquery()
    )
    schedulable = select(Case.id, Case.number, Case.state, youth.label("youth")).where(
        Case.state.in_(SCHEDULABLE_STATES), Case.id.not_in(on_this_night)
    )
    return schedulable.join(Youth, Youth.id == Case.youth_id) if searching else schedulable


def _picker_rows(schedulable: Select[Any]) -> Select[Any]:
    """The picker's first rows, each with how many there are in all."""
    return (
        schedulable.add_columns(func.count().over().label("total"))
        .order_by(Case.state != CaseState.AWAITING_HEARING, Case.number)
        .limit(PICKER_ROWS)
    )


_PICKER = _picker_rows(_schedulable(searching=False))


_NIGHTS = select(HearingNight).options(selectinload(HearingNight.courtrooms))
UPCOMING_NIGHTS = _NIGHTS.where(HearingNight.held_on >= TODAY).order_by(
    HearingNight.held_on, HearingNight.starts_at, HearingNight.id
)
"""Nights from ``today`` on, soonest first, with their courtrooms (the list of hearing nights)."""
PAST_NIGHTS = _NIGHTS.where(HearingNight.held_on < TODAY).order_by(
    HearingNight.held_on.desc(), HearingNight.starts_at.desc(), HearingNight.id
)
"""Nights before ``today``, most recent first, with their courtrooms."""
DOCKET_COUNTS = (
    select(Hearing.courtroom_id, func.count(Hearing.id))
    .where(
        Hearing.courtroom_id.in_(bindparam("courtroom_ids", expanding=True)),
        Hearing.outcome != HearingOutcome.CANCELLED,
    )
    .group_by(Hearing.courtroom_id)
)


HEARINGS_OF_CASE = (
    select(Hearing)
    .join(Courtroom, Hearing.courtroom_id == Courtroom.id)
    .join(HearingNight, Courtroom.night_id == HearingNight.id)
    .where(Hearing.case_id == bindparam("case_id"))
    .options(
        joinedload(Hearing.courtroom).joinedload(Courtroom.night),
        joinedload(Hearing.investigation)
        .selectinload(Investigation.factors)
        .selectinload(InvestigationFactor.factor),
    )
    .order_by(HearingNight.held_on.desc(), HearingNight.starts_at.desc())
)
"""A case's hearings for its page, built once per process (see ``dashboard.services``)."""


def outcome_open_on(outcome: HearingOutcome, night: HearingNight, today: datetime.date) -> bool:
    """An outcome is recorded once, on or after the night, for a hearing still scheduled."""
    return outcome == HearingOutcome.SCHEDULED and not night.is_cancelled and night.held_on <= today


class HearingService(SQLAlchemyAsyncRepositoryService[Hearing]):
    """Nights, dockets and hearings; handlers receive it as ``hearing_service``."""

    class Repository(SQLAlchemyAsyncRepository[Hearing]):
        model_type = Hearing

    repository_type = Repository

    def __init__(self, session: AsyncSession, **options: Any) -> None:
        super().__init__(session=session, **options)
        self.cases = CaseService(session=session)
        self.told: list[str] = []
        """What the areas listening for night changes did, in sentences for the coordinator."""

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def _refused(self) -> None:
        """Undo whatever a refused change had begun, so the form is shown again over what is saved."""
        await self.db.rollback()

    # Reading -----------------------------------------------------------------------------------

    async def docket_counts(self, courtroom_ids: Iterable[UUID]) -> dict[UUID, int]:
        """How many cases each courtroom's docket holds, in one aggregate query."""
        ids = list(courtroom_ids)
        if not ids:
            return {}
        rows = await self.db.execute(DOCKET_COUNTS, {"courtroom_ids": ids})
        return {courtroom_id: count for courtroom_id, count in rows.all()}

    async def get_night(self, night_id: UUID, *, with_hearings: bool = False) -> HearingNight | None:
        """A night with its courtrooms; ``with_hearings`` also loads each docket (to edit courtrooms)."""
        statement = NIGHT_WITH_DOCKETS if with_hearings else NIGHT_WITH_ROOMS
        return (await self.db.execute(statement, {"night_id": night_id})).unique().scalar_one_or_none()

    async def dockets(self, night: HearingNight) -> dict[UUID, list[DocketRow]]:
        """Each courtroom's hearings in the order they are heard, in one query."""
        result: dict[UUID, list[DocketRow]] = {room.id: [] for room in night.courtrooms}
        for row in await self.db.execute(DOCKETS, {"night_id": night.id}):
            result.setdefault(row.courtroom_id, []).append(DocketRow(*row))
        return result

    async def docket(self, courtroom: Courtroom) -> list[DocketRow]:
        """One courtroom's cases still on its docket, in the order they are heard (its printable page)."""
        return [DocketRow(*row) for row in await self.db.execute(DOCKET, {"courtroom_id": courtroom.id})]

    async def schedulable_cases(
        self, night: HearingNight, search: str = "", chosen: UUID | None = None
    ) -> Candidates:
        """The first of the program's cases that can go on this night's dockets, and how many there are.

        Cases awaiting a first hearing come first, then cases in sanctions (a returning or
        discharge hearing to be), each by case number; ``search`` narrows them to a part of the
        youth's name or of the number. A statewide program has hundreds of such cases: the picker
        shows :data:`PICKER_ROWS` and finds the others, rather than render them all on each view.
        The ``chosen`` case stays shown when it can still be scheduled, whatever the search.
        """
        searching = bool(search.strip())
        schedulable = _schedulable(searching=searching)
        found = _PICKER if not searching else _picker_rows(schedulable.where(named_or_numbered(search)))
        night_values = {"night_id": night.id}
        rows = list(await self.db.execute(found, night_values))
        more = rows[0].total - len(rows) if rows else 0
        if chosen is None or any(row.id == chosen for row in rows):
            return Candidates(rows, more)
        kept = (await self.db.execute(schedulable.where(Case.id == chosen), night_values)).first()
        return Candidates(rows, more, kept)

    async def get_hearing(self, hearing_id: UUID, viewer: Viewer | None) -> Hearing | None:
        """The hearing with its night, courtroom and case; None when unknown or another program's.

        A sealed case's hearing raises :class:`~youthcourt.referrals.sealed.CaseSealed` unless
        ``viewer`` gave a reason lately.
        """
        hearing = await self.db.scalar(
            select(Hearing)
            .where(Hearing.id == hearing_id)
            .options(*hearing_loads())
            .execution_options(populate_existing=True)
        )
        if hearing is not None:
            await sealed.check(self.db, hearing.case, viewer)
        return hearing

    async def hearings_of_case(self, case_id: UUID) -> list[Hearing]:
        """A case's hearings, latest night first, with their nights and investigation records."""
        return list((await self.db.scalars(HEARINGS_OF_CASE, {"case_id": case_id})).all())

    # Nights ------------------------------------------------------------------------------------

    async def create_night(
        self,
        program_id: UUID,
        *,
        held_on: datetime.date,
        starts_at: datetime.time,
        ends_at: datetime.time,
        location: str,
        notes: str,
        rooms: list[RoomInput],
    ) -> HearingNight:
        night = HearingNight(
            program_id=program_id,
            held_on=held_on,
            starts_at=starts_at,
            ends_at=ends_at,
            location=location,
            notes=notes,
        )
        night.courtrooms = [
            Courtroom(program_id=program_id, name=room.name, capacity=room.capacity) for room in rooms
        ]
        self.db.add(night)
        await self.db.flush()
        return night

    async def add_night(self, form: Form, actor: Actor) -> HearingNight | None:
        """Create the night the form describes, with its courtrooms and audit entry.

        Field errors go on ``form`` and nothing is written: None is returned.
        """
        fields, rooms = read_night(form, actor.viewer.today())
        if not form.is_valid:
            return None
        night = await self.create_night(actor.viewer.program_id, **fields, rooms=rooms)
        audit.record(
            self.db,
            actor,
            "hearing_night_create",
            record_type="hearing_night",
            record_id=night.id,
            details={"courtrooms": len(rooms)},
        )
        return night

    async def change_night(
        self, night: HearingNight, form: Form, actor: Actor, base_url: str = ""
    ) -> int | None:
        """Save the night form over ``night`` (loaded ``with_hearings``), with its audit entry.

        Returns how many families need a new notice (:meth:`update_night`); field errors go on
        ``form`` and nothing is written: None is returned.
        """
        fields, rooms = read_night(form, actor.viewer.today(), night)
        if not form.is_valid:
            return None
        moved = await self.update_night(night, actor.viewer, **fields, rooms=rooms, base_url=base_url)
        audit.record(
            self.db,
            actor,
            "hearing_night_update",
            record_type="hearing_night",
            record_id=night.id,
            details={"courtrooms": len(rooms), "notices_reset": moved},
        )
        return moved

    async def update_night(
        self,
        night: HearingNight,
        viewer: Viewer,
        *,
        held_on: datetime.date,
        starts_at: datetime.time,
        ends_at: datetime.time,
        location: str,
        notes: str,
        rooms: list[RoomInput],
        base_url: str = "",
    ) -> int:
        """Change a night; returns how many families need a new notice because the date, time or place moved.

        The night is loaded ``with_hearings``; the caller has checked that removed courtrooms are
        empty and that capacities hold their dockets. When the date, the hours or the place
        change, the night's sequence goes up and the listeners of :mod:`events` are told.
        """
        moved = (held_on, starts_at, location) != (night.held_on, night.starts_at, night.location)
        before = (night.held_on, night.starts_at, night.ends_at, night.location)
        rescheduled = before != (held_on, starts_at, ends_at, location)
        night.held_on, night.starts_at, night.ends_at = held_on, starts_at, ends_at
        night.location, night.notes = location, notes
        # Courtroom names are unique within a night, so the changes go in steps: removed
        # courtrooms first, then renamed ones through free names (two may swap), then new ones.
        kept = {room.id: room for room in rooms if room.id}
        for courtroom in [c for c in night.courtrooms if c.id not in kept]:
            night.courtrooms.remove(courtroom)
        await self.db.flush()
        renamed = [c for c in night.courtrooms if c.name != kept[c.id].name]
        if len(renamed) > 1:
            for courtroom in renamed:
                courtroom.name = f"~{courtroom.id.hex}"
            await self.db.flush()
        for courtroom in night.courtrooms:
            courtroom.name = kept[courtroom.id].name
            courtroom.capacity = kept[courtroom.id].capacity
        await self.db.flush()
        night.courtrooms.extend(
            Courtroom(program_id=night.program_id, name=room.name, capacity=room.capacity)
            for room in rooms
            if room.id is None
        )
        await self.db.flush()
        if rescheduled:
            night.sequence += 1
            await self.db.flush()
            self.told += await events.night_changed(
                self.db,
                events.NightChange(events.NightChangeKind.MOVED, night, viewer, *before, base_url=base_url),
            )
        if not moved:
            return 0
        hearings = await self._scheduled_hearings(night)
        for hearing in hearings:
            hearing.notice_sent_on = None
            self.cases.add_event(
                hearing.case,
                EventKind.HEARING,
                viewer,
                f"Hearing night changed: now {night.held_on.isoformat()} at "
                f"{night.starts_at.strftime('%H:%M')}, {night.location}. A new notice is needed.",
            )
        await self.db.flush()
        return len(hearings)

    async def cancel_night(self, night: HearingNight, actor: Actor, base_url: str = "") -> int:
        """Cancel a night: its scheduled hearings are cancelled and first hearings wait for a new date.

        Returns how many hearings were taken off its dockets.
        """
        viewer = actor.viewer
        hearings = await self._scheduled_hearings(night)
        night.is_cancelled = True
        night.sequence += 1
        await self.db.flush()
        self.told += await events.night_changed(
            self.db,
            events.NightChange(
                events.NightChangeKind.CANCELLED,
                night,
                viewer,
                night.held_on,
                night.starts_at,
                night.ends_at,
                night.location,
                base_url=base_url,
            ),
        )
        for hearing in hearings:
            hearing.outcome = HearingOutcome.CANCELLED
            summary = f"Hearing night of {describe(night)} cancelled."
            if hearing.kind == HearingKind.INITIAL and hearing.case.state == CaseState.SCHEDULED:
                await self.cases.transition(
                    hearing.case, CaseState.AWAITING_HEARING, viewer, f"{summary} Awaiting a new date."
                )
            else:
                self.cases.add_event(hearing.case, EventKind.HEARING, viewer, summary)
        await self.db.flush()
        audit.record(
            self.db,
            actor,
            "hearing_night_cancel",
            record_type="hearing_night",
            record_id=night.id,
            details={"hearings_cancelled": len(hearings)},
        )
        return len(hearings)

    async def _scheduled_hearings(self, night: HearingNight) -> list[Hearing]:
        hearings = await self.db.scalars(
            select(Hearing)
            .join(Courtroom, Hearing.courtroom_id == Courtroom.id)
            .where(Courtroom.night_id == night.id, Hearing.outcome == HearingOutcome.SCHEDULED)
            .options(selectinload(Hearing.case))
        )
        return list(hearings.all())

    # Dockets -----------------------------------------------------------------------------------

    async def schedule_from_form(self, night: HearingNight, form: Form, actor: Actor) -> Hearing | None:
        """Put the case the form names on a courtroom's docket, with its timeline and audit entries.

        A refusal goes on ``form`` as a field error and leaves nothing written: None is returned.
        """
        slot = SlotForm.read(form)
        case_id, courtroom_id, kind_value = slot.case_id, slot.courtroom_id, slot.kind
        if case_id is None or courtroom_id is None or not form.is_valid:
            return await self._refused()
        viewer = actor.viewer
        try:
            kind = HearingKind(kind_value) if kind_value else None
            hearing = await self.schedule(night, courtroom_id, case_id, kind, viewer, viewer.today())
        except SchedulingError as refusal:
            form.error(refusal.field, refusal.message)
            return await self._refused()
        except TransitionError as refusal:
            form.error("case_id", str(refusal))
            return await self._refused()
        audit.record(
            self.db,
            actor,
            "hearing_schedule",
            record_type="hearing",
            record_id=hearing.id,
            details={
                "case_id": str(hearing.case_id),
                "courtroom_id": str(courtroom_id),
                "kind": hearing.kind.value,
            },
        )
        return hearing

    async def schedule(
        self,
        night: HearingNight,
        courtroom_id: UUID,
        case_id: UUID,
        kind: HearingKind | None,
        viewer: Viewer,
        today: datetime.date,
    ) -> Hearing:
        """Put a case on a courtroom's docket; raises :class:`SchedulingError` saying why not.

        Without ``kind``, a case awaiting a hearing gets its first hearing and a case with
        sanctions in progress a returning hearing.
        """
        if night.is_cancelled:
            raise SchedulingError(_("This hearing night is cancelled; cases cannot be scheduled on it."))
        if night.held_on < today:
            raise SchedulingError(_("This hearing night is over; schedule the case on a later night."))
        courtroom = await self.db.scalar(
            select(Courtroom)
            .where(Courtroom.id == courtroom_id, Courtroom.night_id == night.id)
            .with_for_update()
        )
        if courtroom is None:
            raise SchedulingError(_("Choose a courtroom of this night."), "courtroom_id")
        youth_case = await self.db.scalar(
            select(Case).where(Case.id == case_id).options(selectinload(Case.youth)).with_for_update()
        )
        if youth_case is None:
            raise SchedulingError(_("Choose a case."))
        allowed_kinds = KINDS_FOR_STATE.get(youth_case.state)
        if allowed_kinds is None:
            raise SchedulingError(
                _(
                    "Case %(number)s cannot be scheduled: only cases awaiting a hearing or with sanctions "
                    "in progress can be.",
                    number=youth_case.number,
                )
            )
        kind = kind or allowed_kinds[0]
        if kind not in allowed_kinds:
            wanted = _(" or ").join(_(KIND_WORDS[k]) for k in allowed_kinds)
            raise SchedulingError(
                _(
                    "Case %(number)s: its hearing can only be %(kinds)s.",
                    number=youth_case.number,
                    kinds=wanted,
                ),
                "kind",
            )
        already = await self.db.scalar(
            select(func.count(Hearing.id))
            .join(Courtroom, Hearing.courtroom_id == Courtroom.id)
            .where(
                Courtroom.night_id == night.id,
                Hearing.case_id == youth_case.id,
                Hearing.outcome != HearingOutcome.CANCELLED,
            )
        )
        if already:
            raise SchedulingError(
                _("Case %(number)s is already on this night's dockets.", number=youth_case.number)
            )
        counts = await self.docket_counts([courtroom.id])
        if counts.get(courtroom.id, 0) >= courtroom.capacity:
            raise SchedulingError(
                ngettext(
                    "%(courtroom)s is full (%(num)s case); choose another courtroom.",
                    "%(courtroom)s is full (%(num)s cases); choose another courtroom.",
                    courtroom.capacity,
                    courtroom=courtroom.name,
                ),
                "courtroom_id",
            )
        last = await self.db.scalar(
            select(func.max(Hearing.position)).where(Hearing.courtroom_id == courtroom.id)
        )
        hearing = Hearing(
            program_id=night.program_id,
            courtroom_id=courtroom.id,
            case_id=youth_case.id,
            kind=kind,
            position=(last or 0) + 1,
            outcome=HearingOutcome.SCHEDULED,
        )
        self.db.add(hearing)
        where = describe(night, courtroom)
        if kind == HearingKind.INITIAL:
            await self.cases.transition(
                youth_case, CaseState.SCHEDULED, viewer, f"Scheduled for a hearing on {where}."
            )
        self.cases.add_event(
            youth_case, EventKind.HEARING, viewer, f"Scheduled for {where} ({kind.label.lower()} hearing)."
        )
        await self.db.flush()
        return hearing

    @staticmethod
    def removable(hearing: Hearing, today: datetime.date) -> bool:
        night = hearing.courtroom.night
        return (
            hearing.outcome == HearingOutcome.SCHEDULED
            and not night.is_cancelled
            and night.held_on >= today
            and hearing.investigation is None
        )

    async def remove(self, hearing: Hearing, actor: Actor) -> None:
        """Take a case off a docket before the night; a first hearing's case waits for a new date.

        Raises :class:`SchedulingError` when the hearing can no longer be removed.
        """
        viewer = actor.viewer
        if not self.removable(hearing, viewer.today()):
            raise SchedulingError(_("Only a case still scheduled on a night to come can be removed."))
        where = describe(hearing.courtroom.night, hearing.courtroom)
        youth_case = hearing.case
        if hearing.kind == HearingKind.INITIAL and youth_case.state == CaseState.SCHEDULED:
            await self.cases.transition(
                youth_case, CaseState.AWAITING_HEARING, viewer, f"Removed from the docket of {where}."
            )
        self.cases.add_event(youth_case, EventKind.HEARING, viewer, f"Removed from the docket of {where}.")
        audit.record(
            self.db,
            actor,
            "hearing_remove",
            record_type="hearing",
            record_id=hearing.id,
            details={"case_id": str(hearing.case_id), "courtroom_id": str(hearing.courtroom_id)},
        )
        await self.db.delete(hearing)
        await self.db.flush()

    # Outcomes ----------------------------------------------------------------------------------

    @staticmethod
    def outcome_open(hearing: Hearing, today: datetime.date) -> bool:
        """An outcome is recorded once, on or after the night, for a hearing still scheduled."""
        return outcome_open_on(hearing.outcome, hearing.courtroom.night, today)

    async def record_outcome(self, hearing: Hearing, form: Form, actor: Actor) -> str | None:
        """Record what happened at the hearing as the form says, with timeline and audit entries.

        Returns the result chosen (a key of :data:`RESULTS`); a refusal goes on ``form`` as a
        field error and leaves nothing written: None is returned.
        """
        outcome = OutcomeForm.read(form)
        result, reason, no_notice_reason = outcome.result, outcome.reason, outcome.no_notice_reason
        if form.is_valid:
            try:
                await self._apply_result(hearing, actor.viewer, result, reason, no_notice_reason)
            except SchedulingError as refusal:
                form.error(refusal.field, refusal.message)
            except TransitionError as refusal:
                form.error("result", str(refusal))
        if not form.is_valid:
            return await self._refused()
        without_notice = result != "held" and hearing.notice_sent_on is None
        audit.record(
            self.db,
            actor,
            "hearing_outcome",
            record_type="hearing",
            record_id=hearing.id,
            details={
                "outcome": hearing.outcome.value,
                "result": result,
                "case_state": hearing.case.state.value,
                **({"notice_sent": False, "no_notice_reason": no_notice_reason} if without_notice else {}),
            },
        )
        return result

    async def _apply_result(
        self, hearing: Hearing, viewer: Viewer, result: str, reason: str, no_notice_reason: str
    ) -> None:
        today = viewer.today()
        if result == "held":
            await self.record_held(hearing, viewer, today)
            return
        await self.record_no_show(
            hearing,
            viewer,
            today,
            return_to_source=result == "no_show_return",
            reason=reason,
            no_notice_reason=no_notice_reason,
        )

    async def record_held(self, hearing: Hearing, viewer: Viewer, today: datetime.date) -> None:
        """The hearing took place. The case's state changes when the disposition is recorded."""
        self._check_outcome_open(hearing, today)
        hearing.outcome = HearingOutcome.HELD
        where = describe(hearing.courtroom.night, hearing.courtroom)
        self.cases.add_event(
            hearing.case, EventKind.HEARING, viewer, f"{hearing.kind.label} hearing held on {where}."
        )
        await self.db.flush()

    async def record_no_show(
        self,
        hearing: Hearing,
        viewer: Viewer,
        today: datetime.date,
        *,
        return_to_source: bool,
        reason: str = "",
        no_notice_reason: str = "",
    ) -> None:
        """The youth did not come: wait for a new date, or end the case and return it to the source.

        A family never sent the hearing notice may not have known the date: the no-show is recorded
        only with ``no_notice_reason`` (why it stands anyway), which goes on the timeline.
        """
        self._check_outcome_open(hearing, today)
        if hearing.notice_sent_on is None and not no_notice_reason:
            raise SchedulingError(
                _(
                    "No hearing notice was recorded as sent to the family, so they may not have known the "
                    "date. Mark the notice sent if it went out, or give the reason the no-show stands "
                    "without it."
                ),
                "no_notice_reason",
            )
        hearing.outcome = HearingOutcome.NO_SHOW
        youth_case = hearing.case
        where = describe(hearing.courtroom.night, hearing.courtroom)
        if hearing.notice_sent_on is None:
            self.cases.add_event(
                youth_case,
                EventKind.HEARING,
                viewer,
                f"No-show recorded although no hearing notice was recorded as sent. Reason: {no_notice_reason}",
            )
        if return_to_source:
            if not reason:
                raise SchedulingError(
                    _("Give the reason the case goes back to the referral source."), "reason"
                )
            self.cases.add_event(youth_case, EventKind.HEARING, viewer, f"No-show on {where}.")
            windows = (await policy(self.db, youth_case.program_id)).follow_up_windows
            await self.cases.close(
                youth_case,
                CaseState.UNSUCCESSFUL,
                viewer,
                reason=reason,
                closed_on=today,
                follow_up_months=windows,
            )
        else:
            self.cases.add_event(
                youth_case, EventKind.HEARING, viewer, f"No-show on {where}; to be rescheduled."
            )
            if youth_case.state == CaseState.SCHEDULED:
                await self.cases.transition(
                    youth_case, CaseState.AWAITING_HEARING, viewer, "No-show; awaiting a new hearing date."
                )
        await self.db.flush()

    def _check_outcome_open(self, hearing: Hearing, today: datetime.date) -> None:
        if hearing.outcome != HearingOutcome.SCHEDULED:
            raise SchedulingError(
                _(
                    "The outcome of this hearing was already recorded (%(outcome)s).",
                    outcome=_(OUTCOME_WORDS[hearing.outcome]),
                ),
                "result",
            )
        if not self.outcome_open(hearing, today):
            raise SchedulingError(_("The outcome can be recorded on or after the hearing night."), "result")

    async def mark_notice_sent(self, hearing: Hearing, actor: Actor) -> None:
        """The family's notice went out today."""
        hearing.notice_sent_on = actor.viewer.today()
        await self.db.flush()
        audit.record(self.db, actor, "hearing_notice_sent", record_type="hearing", record_id=hearing.id)

    # Investigation record ----------------------------------------------------------------------

    @staticmethod
    def investigation_open(hearing: Hearing, today: datetime.date) -> bool:
        """The jury's findings are recorded for a hearing held, or scheduled on a night that has come."""
        night = hearing.courtroom.night
        if hearing.outcome == HearingOutcome.HELD:
            return True
        return (
            hearing.outcome == HearingOutcome.SCHEDULED and not night.is_cancelled and night.held_on <= today
        )

    async def factor_choices(self, hearing: Hearing) -> tuple[list[Factor], list[Factor]]:
        """The program's active factors and strengths, plus any the record holds that were retired since."""
        linked = [link.factor for link in hearing.investigation.factors] if hearing.investigation else []
        choices = []
        for kind in (FactorKind.CONTRIBUTING, FactorKind.STRENGTH):
            active = await active_factors(self.db, kind)
            known = {factor.id for factor in active}
            retired = [factor for factor in linked if factor.kind == kind and factor.id not in known]
            choices.append(sorted([*active, *retired], key=lambda factor: factor.name.casefold()))
        return choices[0], choices[1]

    async def record_findings(self, hearing: Hearing, form: Form, actor: Actor) -> Investigation | None:
        """Save the jury's findings as the form says, with timeline and audit entries.

        Field errors go on ``form`` and None is returned. When someone saved the record since
        the form was opened, the session is rolled back and :class:`VersionConflict` raised.
        """
        if not self.investigation_open(hearing, actor.viewer.today()):
            form.error(
                "questioning_summary", _("The investigation record opens on the night of the hearing.")
            )
        findings = FindingsForm.read(form)
        checked, version = findings.factors, findings.version
        questioning, deliberation = findings.questioning_summary, findings.deliberation_summary
        contributing, strengths = await self.factor_choices(hearing)
        choices = {str(factor.id): factor for factor in [*contributing, *strengths]}
        if any(value not in choices for value in checked):
            form.error("factor", _("Choose factors and strengths from the list."))
        if not form.is_valid:
            return None
        found = [choices[value] for value in dict.fromkeys(checked)]
        try:
            record = await self.save_investigation(
                hearing,
                expected_version=int(version),
                factor_ids=[factor.id for factor in found],
                questioning_summary=questioning,
                deliberation_summary=deliberation,
            )
        except VersionConflict:
            await self._refused()
            raise
        self._findings_event(hearing, record, found, actor.viewer)
        audit.record(
            self.db,
            actor,
            "investigation_save",
            record_type="hearing",
            record_id=hearing.id,
            details={"version": record.version, "factors": len(checked)},
        )
        return record

    def _findings_event(
        self, hearing: Hearing, record: Investigation, found: list[Factor], viewer: Viewer | None
    ) -> None:
        """The findings on the case's timeline, naming the factors and strengths found."""
        needs = ", ".join(f.name for f in found if f.kind == FactorKind.CONTRIBUTING) or "none"
        strengths = ", ".join(f.name for f in found if f.kind == FactorKind.STRENGTH) or "none"
        self.cases.add_event(
            hearing.case,
            EventKind.FINDINGS,
            viewer,
            f"{'Updated' if record.version > 1 else 'Recorded'} for the hearing of "
            f"{hearing.courtroom.night.held_on.isoformat()}. Contributing factors: {needs}. Strengths: {strengths}.",
        )

    async def save_investigation(
        self,
        hearing: Hearing,
        *,
        expected_version: int,
        factor_ids: list[UUID],
        questioning_summary: str,
        deliberation_summary: str,
    ) -> Investigation:
        """Save the record if nobody saved it since ``expected_version`` (0: not saved yet).

        Raises :class:`VersionConflict` otherwise; the caller rolls back and shows both versions.
        """
        record = hearing.investigation
        current = record.version if record else 0
        if expected_version != current:
            raise VersionConflict
        if record is None:
            record = Investigation(
                program_id=hearing.program_id,
                hearing_id=hearing.id,
                questioning_summary=questioning_summary,
                deliberation_summary=deliberation_summary,
            )
            record.factors = [
                InvestigationFactor(program_id=hearing.program_id, factor_id=factor_id)
                for factor_id in factor_ids
            ]
            self.db.add(record)
        else:
            record.questioning_summary = questioning_summary
            record.deliberation_summary = deliberation_summary
            existing = {link.factor_id: link for link in record.factors}
            record.factors = [
                existing.get(factor_id)
                or InvestigationFactor(program_id=hearing.program_id, factor_id=factor_id)
                for factor_id in factor_ids
            ]
            # A change of factors alone must still raise the version others compare with.
            flag_modified(record, "questioning_summary")
        try:
            await self.db.flush()
        except (StaleDataError, IntegrityError) as error:
            raise VersionConflict from error
        return record
