"""Demo outcomes: three years of closed cases with follow-up checks and new offenses, and a comparison group.

Enough youth that outcome reports show curves and tables (most cells reach the suppression
threshold), with reoffending that differs by completion status as it does in the literature:
non-completers reoffend more and sooner. Youth of the regular court comparison group reoffend
somewhat more often than program youth, which is what a program hopes to see and must test.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from youthcourt.cases.models import Case, CaseCounter, CaseState, CheckResult, FollowUpCheck
from youthcourt.cases.services import follow_up_end
from youthcourt.demo.cases import PRIOR_SEED, CaseBuilder, prior_record
from youthcourt.hearings.models import Courtroom, HearingNight
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    CourtRole,
    Juror,
    JurorSource,
    JurorStatus,
)
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.reference.models import OffenseClass, ProgramPolicy
from youthcourt.reports.models import ComparisonEvent, ComparisonImport, ComparisonRecord

if TYPE_CHECKING:
    import random

    from youthcourt.demo import DemoContext

HISTORY_CASES = 520
RACES = (
    "Black or African American",
    "Hispanic or Latino",
    "White",
    "White",
    "Asian",
    "Two or more races",
    "",
)
# Chance of a new offense within two years of referral, by how the case ended.
REOFFENDING = {CaseState.COMPLETED: 0.2, CaseState.UNSUCCESSFUL: 0.5, CaseState.WITHDRAWN: 0.45}
COMPARISON_REOFFENDING = 0.35
COMPARISON_YOUTH = 300
FIRST_EVENT_TYPES = (
    (OutcomeEventType.NEW_REFERRAL, 0.2),
    (OutcomeEventType.ARREST, 0.5),
    (OutcomeEventType.CHARGE, 0.2),
    (OutcomeEventType.ADJUDICATION, 0.10),
)
SEARCHED = "police,juvenile_court"


def _final_state(rng: random.Random) -> CaseState:
    roll = rng.random()
    if roll < 0.70:
        return CaseState.COMPLETED
    return CaseState.UNSUCCESSFUL if roll < 0.88 else CaseState.WITHDRAWN


def first_event_type(rng: random.Random) -> OutcomeEventType:
    roll, total = rng.random(), 0.0
    for event_type, share in FIRST_EVENT_TYPES:
        total += share
        if roll < total:
            return event_type
    return OutcomeEventType.ARREST


def first_offense_after(rng: random.Random, start: datetime.date, chance: float) -> datetime.date | None:
    """When the youth next offends, if within two years; sooner is likelier (an exponential-like draw)."""
    if rng.random() >= chance:
        return None
    return start + datetime.timedelta(days=int(min(rng.expovariate(1 / 240), 720)) + 7)


class HistoryBuilder:
    """Adds past cases with the case builder, then what the follow-up checks found."""

    def __init__(self, context: DemoContext, cases: CaseBuilder) -> None:
        self.context = context
        self.cases = cases
        self.rng = context.rng
        self.prior_rng = random.Random(PRIOR_SEED + 1)
        self.db = context.db
        self.program_id = context.program.id
        self.today = cases.today

    async def nights(self) -> list[HearingNight]:
        """A night every two weeks from three years ago until the demo's own year of nights begins."""
        nights = []
        day = self.today - datetime.timedelta(days=3 * 365 + 40)
        while day < self.today - datetime.timedelta(days=380):
            night = HearingNight(
                program_id=self.program_id,
                held_on=day,
                starts_at=datetime.time(17, 30),
                ends_at=datetime.time(20, 30),
                location="Riverside County Courthouse, 2nd floor",
            )
            night.courtrooms = [
                Courtroom(program_id=self.program_id, name=name, capacity=6)
                for name in ("Courtroom A", "Courtroom B")
            ]
            nights.append(night)
            day += datetime.timedelta(days=14)
        self.db.add_all(nights)
        await self.db.flush()
        return nights

    async def add_cases(self) -> list[Case]:
        nights = await self.nights()
        self.cases.past_rooms = [room for night in nights for room in night.courtrooms]
        self.cases.hearings.clear()
        first = nights[0].held_on - datetime.timedelta(days=30)
        span = (nights[-1].held_on - datetime.timedelta(days=60) - first).days
        for _ in range(HISTORY_CASES):
            received = first + datetime.timedelta(days=self.rng.randint(0, span))
            await self.cases.case(_final_state(self.rng), received)
        await self.db.flush()
        made = list(
            (
                await self.db.scalars(
                    select(Case)
                    .options(selectinload(Case.youth))
                    .where(Case.opened_on < nights[-1].held_on)
                    .order_by(Case.opened_on)
                )
            ).all()
        )
        self.nights = nights
        return [case for case in made if case.closed_on is not None and case.opened_on >= first]

    async def describe_youth(self, cases: list[Case]) -> None:
        """Ages at referral within the program's range, and race and ethnicity as recorded at intake."""
        for case in cases:
            youth = case.youth
            years = self.rng.randint(12, 17)
            youth.date_of_birth = case.opened_on - datetime.timedelta(
                days=years * 365 + self.rng.randint(20, 340)
            )
            youth.race_ethnicity = self.rng.choice(RACES)

    async def follow_up(self, cases: list[Case]) -> None:
        """Complete the checks that are due, add a two-year check, and record the new offenses found."""
        checks_by_case: dict[object, list[FollowUpCheck]] = {}
        for check in (
            await self.db.scalars(
                select(FollowUpCheck).where(FollowUpCheck.case_id.in_([c.id for c in cases]))
            )
        ).all():
            checks_by_case.setdefault(check.case_id, []).append(check)
        categories = sorted({offense.category for offense in self.cases.offenses})
        recorder = self.context.users["coordinator@example.org"]
        for case in cases:
            checks = checks_by_case.get(case.id, [])
            # Withdrawn youth are checked too here, so that every group of a report can be followed.
            for months in (6, 12, 24) if case.state == CaseState.WITHDRAWN else (24,):
                check = FollowUpCheck(
                    program_id=self.program_id,
                    case_id=case.id,
                    window_months=months,
                    due_on=follow_up_end(case.closed_on, months),
                )
                self.db.add(check)
                checks.append(check)
            for check in checks:
                # Older checks were all done; the last few weeks' are partly still on the worklist.
                age = (self.today - check.due_on).days
                if age > 45 or (age > 0 and self.rng.random() < 0.5):
                    check.completed_on = min(
                        check.due_on + datetime.timedelta(days=self.rng.randint(1, 12)), self.today
                    )
                    check.records_searched = SEARCHED
                    check.result = CheckResult.NO_NEW_OFFENSE
                    check.checked_by_id = recorder.id
            await self.db.flush()
            offended_on = first_offense_after(self.rng, case.opened_on, REOFFENDING[case.state])
            if offended_on is None or offended_on > self.today - datetime.timedelta(days=20):
                continue
            done = sorted((c for c in checks if c.completed_on), key=lambda c: c.completed_on)
            finder = next((c for c in done if c.completed_on >= offended_on), None)
            if finder is None and self.rng.random() < 0.5:
                continue  # not found yet: the next check will find it
            if finder is not None:
                finder.result = CheckResult.NEW_OFFENSE
            first_type = first_event_type(self.rng)
            events = [(offended_on, first_type)]
            if first_type == OutcomeEventType.ARREST and self.rng.random() < 0.5:
                events.append(
                    (offended_on + datetime.timedelta(days=self.rng.randint(10, 40)), OutcomeEventType.CHARGE)
                )
            for occurred_on, event_type in events:
                if occurred_on > self.today:
                    continue
                self.db.add(
                    OutcomeEvent(
                        program_id=self.program_id,
                        case_id=case.id,
                        check_id=finder.id if finder is not None else None,
                        occurred_on=occurred_on,
                        event_type=event_type,
                        offense_category=self.rng.choice(categories),
                        source=RecordSystem.POLICE
                        if event_type in (OutcomeEventType.ARREST, OutcomeEventType.NEW_REFERRAL)
                        else RecordSystem.JUVENILE_COURT,
                        recorded_by_id=recorder.id,
                    )
                )

    async def alumni_jurors(self, cases: list[Case]) -> None:
        """Half of those who completed served more jury nights than their sentence required."""
        completed = [c for c in cases if c.state == CaseState.COMPLETED and self.rng.random() < 0.5]
        for case in completed:
            youth = case.youth
            juror = Juror(
                program_id=self.program_id,
                source=JurorSource.FORMER_RESPONDENT,
                status=JurorStatus.ALUMNI,
                youth_id=youth.id,
                first_name=youth.first_name,
                last_name=youth.last_name,
                date_of_birth=youth.date_of_birth,
                school=youth.school,
                grade=youth.grade,
                oath_signed_on=case.opened_on + datetime.timedelta(days=30),
            )
            self.db.add(juror)
            await self.db.flush()
            later = [n for n in self.nights if n.held_on > case.opened_on + datetime.timedelta(days=45)]
            for night in later[: self.rng.randint(2, 5)]:
                self.db.add(
                    Booking(
                        program_id=self.program_id,
                        juror_id=juror.id,
                        night_id=night.id,
                        status=BookingStatus.CONFIRMED,
                        role=CourtRole.JUROR,
                        attendance=Attendance.PRESENT,
                        hours=Decimal(3),
                    )
                )

    async def comparison_group(self) -> None:
        """Youth processed by the regular juvenile court over the same years, de-identified at the source."""
        evaluator = self.context.users["evaluator@example.org"]
        upload = ComparisonImport(
            program_id=self.program_id,
            file_name="regular-court-extract.csv",
            row_count=COMPARISON_YOUTH,
            group_labels="Regular court",
            uploaded_by_id=evaluator.id,
        )
        self.db.add(upload)
        await self.db.flush()
        start = self.today - datetime.timedelta(days=3 * 365)
        for number in range(1, COMPARISON_YOUTH + 1):
            anchor = start + datetime.timedelta(days=self.rng.randint(0, 2 * 365 - 60))
            followed = min(follow_up_end(anchor, 24), self.today - datetime.timedelta(days=60))
            record = ComparisonRecord(
                program_id=self.program_id,
                import_id=upload.id,
                external_id=f"RC-{number:04d}",
                group_label="Regular court",
                anchor_on=anchor,
                followed_until=followed,
                age_years=self.rng.randint(12, 17),
                gender=self.rng.choice(("female", "male", "male", "female", "nonbinary")),
                race_ethnicity=self.rng.choice(RACES),
                offense_class=self.rng.choice(
                    (OffenseClass.A, OffenseClass.B, OffenseClass.B, OffenseClass.C)
                ),
                **prior_record(self.prior_rng),
            )
            offended_on = first_offense_after(self.rng, anchor, COMPARISON_REOFFENDING)
            if offended_on is not None and offended_on <= followed:
                record.events = [
                    ComparisonEvent(
                        program_id=self.program_id,
                        occurred_on=offended_on,
                        event_type=first_event_type(self.rng),
                    )
                ]
            self.db.add(record)


async def add_outcomes(context: DemoContext) -> None:
    cases = CaseBuilder(context)
    await cases.load_reference()
    cases.counters = {
        counter.year: counter.last_number for counter in (await context.db.scalars(select(CaseCounter))).all()
    }
    policy = await context.db.scalar(select(ProgramPolicy))
    policy.follow_up_months = "6,12,24"
    history = HistoryBuilder(context, cases)
    closed = await history.add_cases()
    await history.describe_youth(closed)
    await history.follow_up(closed)
    await history.alumni_jurors(closed)
    await history.comparison_group()
    for counter in (await context.db.scalars(select(CaseCounter))).all():
        counter.last_number = cases.counters.pop(counter.year)
    context.db.add_all(
        CaseCounter(program_id=context.program.id, year=year, last_number=last)
        for year, last in cases.counters.items()
    )
    await context.db.flush()
