"""Opening cases, moving them through the state machine, and their timeline.

Other areas change a case only through these functions, so every change of state is
checked by :mod:`youthcourt.cases.states` and lands on the timeline with who and when.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from uuid import UUID
from zoneinfo import ZoneInfo

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar.exceptions import NotFoundException
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from youthcourt.cases import states
from youthcourt.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseFactor,
    CaseState,
    ContactLog,
    EventKind,
    FollowUpCheck,
)
from youthcourt.clock import utc_now
from youthcourt.database import insert_missing
from youthcourt.programs.viewer import Viewer
from youthcourt.referrals.models import Referral, Youth

DEFAULT_ZONE = "America/New_York"
"""The time zone of a timeline read without a viewer's (the programs' default)."""


@dataclass(frozen=True)
class TimelineEntry:
    day: datetime.date
    """The day it happened, in the program's time zone."""
    occurred_at: datetime.datetime
    """When it happened or, for entries dated by day only, when it was recorded (orders one day's entries)."""
    kind: str
    title: str
    body: str
    actor_name: str
    date_only: bool = False
    """Contacts are logged by date: the page shows the day, never an hour nobody gave."""


def case_loads() -> list:
    """What a case page needs loaded with the case, in a fixed number of queries."""
    return [
        selectinload(Case.youth).selectinload(Youth.guardians),
        selectinload(Case.referral).selectinload(Referral.offense),
        selectinload(Case.referral).selectinload(Referral.source),
        selectinload(Case.coordinator),
        selectinload(Case.factors).selectinload(CaseFactor.factor),
    ]


async def case_or_404(db: AsyncSession, case_id: UUID) -> Case:
    """The case with what its pages show; 404 when unknown or in another program (the scope hides it)."""
    case = await db.scalar(select(Case).where(Case.id == case_id).options(*case_loads()))
    if case is None:
        raise NotFoundException()
    return case


class CaseService(SQLAlchemyAsyncRepositoryService[Case]):
    class Repository(SQLAlchemyAsyncRepository[Case]):
        model_type = Case

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def next_number(self, program_id: UUID, year: int) -> str:
        """The next case number of the program's year: 2026-0001, 2026-0002, ...

        The counter row is incremented in the database by one statement, which waits for any
        other transaction numbering a case of the same year, so numbers never repeat or skip.
        The year's first case creates the row; two at once insert it once.
        """
        counters = CaseCounter.__table__
        bump = (
            update(counters)
            .where(counters.c.program_id == program_id, counters.c.year == year)
            .values(last_number=counters.c.last_number + 1)
            .returning(counters.c.last_number)
        )
        number = (await self.db.execute(bump)).scalar_one_or_none()
        if number is None:
            # Start after any number already used that year (cases imported or loaded without a counter).
            highest = await self.db.scalar(
                select(func.max(Case.number)).where(
                    Case.program_id == program_id, Case.number.like(f"{year}-%")
                )
            )
            start = int(highest.split("-", 1)[1]) if highest else 0
            row = {"program_id": program_id, "year": year, "last_number": start}
            await insert_missing(self.db, CaseCounter, [row], ["program_id", "year"])
            number = (await self.db.execute(bump)).scalar_one()
        return f"{year}-{number:04d}"

    async def open_from_referral(self, referral: Referral, viewer: Viewer, opened_on: datetime.date) -> Case:
        """An accepted referral becomes a case, in the state ``referred``, assigned to whoever accepted it."""
        case = Case(
            program_id=referral.program_id,
            number=await self.next_number(referral.program_id, opened_on.year),
            referral_id=referral.id,
            youth_id=referral.youth_id,
            coordinator_id=viewer.user_id,
            state=CaseState.REFERRED,
            opened_on=opened_on,
        )
        self.db.add(case)
        await self.db.flush()
        self.add_event(
            case, EventKind.TRANSITION, viewer, "Referral accepted; case opened.", to_state=case.state
        )
        return case

    async def transition(self, case: Case, wanted: CaseState, viewer: Viewer, summary: str = "") -> None:
        """Move ``case`` to ``wanted`` if the state machine allows it; raises TransitionError otherwise.

        The move is one conditional update (``WHERE state = <the state it was read in>``), so of
        two requests moving the case out of the same state at once exactly one succeeds; the
        other gets :class:`~youthcourt.cases.states.TransitionConflict` and writes nothing.
        """
        states.check(case.state, wanted)
        previous = case.state
        changed_at = utc_now()
        await self.db.flush()  # the caller's own changes to the case go first, checked by its version
        cases = Case.__table__
        version = (
            await self.db.execute(
                update(cases)
                .where(cases.c.id == case.id, cases.c.state == previous)
                .values(state=wanted, state_changed_at=changed_at, version=cases.c.version + 1)
                .returning(cases.c.version)
            )
        ).scalar_one_or_none()
        if version is None:
            now = await self.db.scalar(select(Case.state).where(Case.id == case.id))
            raise states.TransitionConflict(now or previous, wanted)
        for name, value in (("state", wanted), ("state_changed_at", changed_at), ("version", version)):
            set_committed_value(case, name, value)
        self.add_event(
            case,
            EventKind.TRANSITION,
            viewer,
            summary or f"{previous.label} → {wanted.label}",
            from_state=previous,
            to_state=wanted,
        )
        await self.db.flush()

    async def close(
        self,
        case: Case,
        outcome: CaseState,
        viewer: Viewer,
        *,
        reason: str,
        closed_on: datetime.date,
        follow_up_months: list[int],
    ) -> list[FollowUpCheck]:
        """End a case: completed, unsuccessful (returned to the source) or withdrawn.

        Completed and unsuccessful cases get a records check at each follow-up window;
        withdrawn ones were never heard, so there is nothing to follow up.
        """
        case.closed_on = closed_on
        case.closure_reason = reason
        summary = f"Case closed: {outcome.label.lower()}." + (f" {reason}" if reason else "")
        await self.transition(case, outcome, viewer, summary)
        checks = []
        if outcome in FOLLOWED_UP:
            checks = [
                FollowUpCheck(
                    program_id=case.program_id,
                    case_id=case.id,
                    window_months=months,
                    due_on=add_months(closed_on, months),
                )
                for months in sorted({m for m in follow_up_months if m > 0})
            ]
            self.db.add_all(checks)
        return checks

    def add_event(
        self,
        case: Case,
        kind: EventKind,
        viewer: Viewer | None,
        summary: str,
        *,
        from_state: CaseState | None = None,
        to_state: CaseState | None = None,
    ) -> CaseEvent:
        event = CaseEvent(
            program_id=case.program_id,
            case_id=case.id,
            kind=kind,
            summary=summary,
            from_state=from_state.value if from_state else None,
            to_state=to_state.value if to_state else None,
            actor_id=viewer.user_id if viewer else None,
            actor_name=(viewer.full_name if viewer else "Youthcourt"),
        )
        self.db.add(event)
        return event

    async def timeline(self, case: Case, zone: str | None = None) -> list[TimelineEntry]:
        """Every transition, note, contact and event of a case, newest first (two queries).

        Entries are ordered by day in the program's time zone, then by time; a contact, dated
        by day only, takes the time it was logged, so one logged today sits above the morning's
        events and below nothing that happened after it was typed in.
        """
        local = ZoneInfo(zone or DEFAULT_ZONE)
        events = (await self.db.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id))).all()
        contacts = (await self.db.scalars(select(ContactLog).where(ContactLog.case_id == case.id))).all()
        entries = [
            TimelineEntry(
                e.occurred_at.astimezone(local).date(),
                e.occurred_at,
                e.kind.value,
                _event_title(e),
                e.summary,
                e.actor_name,
            )
            for e in events
        ]
        entries += [
            TimelineEntry(
                c.contacted_on,
                c.created_at,
                "contact",
                f"Contact by {c.method.label.lower()}"
                + (f" with {c.contact_with}" if c.contact_with else ""),
                c.summary,
                c.actor_name,
                date_only=True,
            )
            for c in contacts
        ]
        return sorted(entries, key=lambda entry: (entry.day, entry.occurred_at), reverse=True)

    def record_intake_edit(
        self, case: Case, viewer: Viewer, before: dict[str, str], after: dict[str, str]
    ) -> CaseEvent | None:
        """Put an intake save on the timeline, naming what changed; nothing when nothing did."""
        changes = intake_changes(before, after)
        if not changes:
            return None
        return self.add_event(case, EventKind.INTAKE, viewer, "; ".join(changes) + ".")


FOLLOWED_UP = frozenset({CaseState.COMPLETED, CaseState.UNSUCCESSFUL})
"""Closures after which the program checks records for new offenses."""


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter (Aug 31 + 6 = Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _event_title(event: CaseEvent) -> str:
    if event.kind == EventKind.TRANSITION and event.to_state:
        return f"Now {CaseState(event.to_state).label.lower()}"
    return EVENT_TITLES.get(event.kind) or event.kind.value.replace("_", "-").capitalize()


EVENT_TITLES = {EventKind.INTAKE: "Intake updated", EventKind.FINDINGS: "Jury's findings recorded"}

LISTED_FIELDS = frozenset({"Needs", "Strengths"})
"""Intake fields holding a comma-separated list: a change names what was added and removed."""
PLACEHOLDERS = frozenset({"Not recorded", "Unassigned", "None"})
"""What the intake shows for an empty field."""
PRIVATE_FIELDS = frozenset({"Notes", "Race and ethnicity"})
"""Intake fields the timeline names as changed without repeating their content."""


def intake_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What an intake save changed, in words: ``{label: shown value}`` before and after."""
    changes = []
    for label, new in after.items():
        old = before.get(label, "")
        if new == old:
            continue
        if label in LISTED_FIELDS:
            old_items, new_items = _items(old), _items(new)
            added = [item for item in new_items if item not in old_items]
            removed = [item for item in old_items if item not in new_items]
            parts = ([f"added {', '.join(added)}"] if added else []) + (
                [f"removed {', '.join(removed)}"] if removed else []
            )
            changes.append(f"{label}: {'; '.join(parts)}")
        elif label in PRIVATE_FIELDS:
            changes.append(f"{label} changed")
        else:
            was = old.lower() if old in PLACEHOLDERS else old
            changes.append(f"{label}: {new} (was {was})")
    return changes


def _items(shown: str) -> list[str]:
    return [item for item in shown.split(", ") if item and item != "None"]
