"""Demo cases: a few dozen referrals and cases in every state, with hearings, sanctions and closures.

Dates are placed around today, so the dashboard always has upcoming nights, overdue
sanctions and follow-ups due. Everything else comes from the seeded random generator.
"""

from __future__ import annotations

import datetime
import itertools
import random
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select

from youthcourt.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseFactor,
    CaseState,
    ContactLog,
    ContactMethod,
    EventKind,
    FollowUpCheck,
)
from youthcourt.cases.services import follow_up_end
from youthcourt.hearings.models import (
    Courtroom,
    Hearing,
    HearingKind,
    HearingNight,
    HearingOutcome,
    Investigation,
    InvestigationFactor,
)
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import Factor, FactorKind, Offense, ReferralSource, SanctionType
from youthcourt.referrals.models import Guardian, Referral, ReferralStatus, Youth
from youthcourt.sanctions.models import Disposition, ProgressKind, Sanction, SanctionProgress, SanctionStatus

if TYPE_CHECKING:
    from youthcourt.demo import DemoContext

FIRST = (
    "Aiden",
    "Bianca",
    "Carlos",
    "Destiny",
    "Ethan",
    "Fatima",
    "Gabriel",
    "Hannah",
    "Isaiah",
    "Jasmine",
    "Kevin",
    "Leilani",
    "Mason",
    "Nia",
    "Oscar",
    "Paige",
    "Rafael",
    "Sofia",
    "Tyler",
    "Uma",
    "Victor",
    "Willow",
    "Xavier",
    "Yasmin",
    "Zane",
)
LAST = (
    "Anderson",
    "Baker",
    "Chen",
    "Diaz",
    "Edwards",
    "Flores",
    "Garcia",
    "Hughes",
    "Ingram",
    "Johnson",
    "King",
    "Lewis",
    "Martinez",
    "Nelson",
    "Ortiz",
    "Price",
    "Reed",
    "Sanchez",
    "Turner",
    "Vasquez",
)
SCHOOLS = ("Riverside High School", "Lincoln Middle School", "Eastside Academy", "Northgate High School")
PLACES = ("Riverside Mall", "Lincoln Park", "Main Street", "a school parking lot", "the transit center")
NARRATIVES = (
    "Took items from a store without paying and admitted it to the officer.",
    "Spray-painted a wall with two friends after school.",
    "Found with a small amount of alcohol at a park after curfew.",
    "Got into a shoving match at a bus stop; no one was hurt.",
    "Entered a closed construction site with friends.",
)
# How many cases end in each state, in the order the work flows.
PLAN = (
    (CaseState.REFERRED, 3),
    (CaseState.INTAKE, 4),
    (CaseState.AWAITING_HEARING, 4),
    (CaseState.SCHEDULED, 5),
    (CaseState.SANCTIONS_IN_PROGRESS, 8),
    (CaseState.COMPLETED, 9),
    (CaseState.UNSUCCESSFUL, 3),
    (CaseState.WITHDRAWN, 2),
)
FLOW = (
    CaseState.REFERRED,
    CaseState.INTAKE,
    CaseState.AWAITING_HEARING,
    CaseState.SCHEDULED,
    CaseState.SANCTIONS_IN_PROGRESS,
)


PRIOR_SEED = 2027


def prior_record(rng: random.Random) -> dict[str, int | None]:
    """Earlier police contacts, diversions and adjudications: mostly none (a first offense), a few
    unknown, as agencies report them."""
    if rng.random() < 0.08:
        return {"prior_police_contacts": None, "prior_diversions": None, "prior_adjudications": None}
    contacts = rng.choice((0, 0, 0, 0, 1, 1, 2, 3))
    return {
        "prior_police_contacts": contacts,
        "prior_diversions": int(contacts > 0 and rng.random() < 0.3),
        "prior_adjudications": 0,
    }


def at(day: datetime.date, hour: int = 15) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), datetime.UTC)


class CaseBuilder:
    """Builds one program's demo cases; keeps the reference data and nights it shares between them."""

    def __init__(self, context: DemoContext) -> None:
        self.c = context
        self.db = context.db
        self.rng = context.rng
        self.prior_rng = random.Random(PRIOR_SEED)
        """Prior records drawn apart, so that the rest of the demo is what it was before they existed."""
        self.program_id = context.program.id
        self.today = datetime.date.today()
        self.coordinator = context.users["coordinator@example.org"]
        self.counters: dict[int, int] = {}
        self.hearings: dict[int, Hearing] = {}
        """The hearing each case was scheduled for, by ``id(case)``."""
        self.sanctions: dict[int, list[Sanction]] = {}
        self.open_cases: list[Case] = []

    async def load_reference(self) -> None:
        policy = await ensure_defaults(self.db, self.program_id)
        policy.contact_phone = "555-0140"  # printed on hearing notices
        self.sources = list(
            (await self.db.scalars(select(ReferralSource).order_by(ReferralSource.name))).all()
        )
        self.offenses = list((await self.db.scalars(select(Offense).order_by(Offense.name))).all())
        factors = list((await self.db.scalars(select(Factor).order_by(Factor.name))).all())
        self.needs = [f for f in factors if f.kind == FactorKind.CONTRIBUTING]
        self.strengths = [f for f in factors if f.kind == FactorKind.STRENGTH]

    def youth(self) -> Youth:
        age_days = self.rng.randint(12 * 365, 17 * 365)
        youth = Youth(
            program_id=self.program_id,
            first_name=self.rng.choice(FIRST),
            last_name=self.rng.choice(LAST),
            date_of_birth=self.today - datetime.timedelta(days=age_days),
            gender=self.rng.choice(("female", "male", "male", "female", "nonbinary")),
            school=self.rng.choice(SCHOOLS),
            grade=str(self.rng.randint(7, 12)),
            phone=f"555-01{self.rng.randint(10, 99)}",
        )
        youth.guardians = [
            Guardian(
                program_id=self.program_id,
                name=f"{self.rng.choice(('Maria', 'James', 'Linda', 'Robert', 'Angela'))} {youth.last_name}",
                relationship_to_youth=self.rng.choice(("Mother", "Father", "Grandmother", "Aunt")),
                phone=f"555-02{self.rng.randint(10, 99)}",
            )
        ]
        self.db.add(youth)
        return youth

    def referral(self, received: datetime.date, status: ReferralStatus) -> Referral:
        offense = self.rng.choice(self.offenses)
        referral = Referral(
            program_id=self.program_id,
            youth=self.youth(),
            source_id=self.rng.choice(self.sources).id,
            source_reference=f"RPD-{self.rng.randint(10000, 99999)}",
            received_on=received,
            incident_date=received - datetime.timedelta(days=self.rng.randint(3, 20)),
            incident_place=self.rng.choice(PLACES),
            offense_id=offense.id,
            narrative=self.rng.choice(NARRATIVES),
            status=status,
            # A few days after it came in, but never after today: the form refuses a future date.
            family_contacted_on=min(received + datetime.timedelta(days=self.rng.randint(2, 9)), self.today),
            **prior_record(self.prior_rng),
        )
        referral.offense = offense
        self.db.add(referral)
        return referral

    async def nights(self) -> None:
        """A year of past nights and three coming ones (the first tomorrow), each with two courtrooms."""
        self.past_rooms: list[Courtroom] = []
        self.future_rooms: list[Courtroom] = []
        for offset in (-364, -308, -252, -196, -140, -84, -56, -28, 1, 9, 23):
            night = HearingNight(
                program_id=self.program_id,
                held_on=self.today + datetime.timedelta(days=offset),
                starts_at=datetime.time(17, 30),
                ends_at=datetime.time(20, 30),
                location="Riverside County Courthouse, 2nd floor",
            )
            night.courtrooms = [
                Courtroom(program_id=self.program_id, name=name, capacity=5)
                for name in ("Courtroom A", "Courtroom B")
            ]
            self.db.add(night)
            (self.past_rooms if offset < 0 else self.future_rooms).extend(night.courtrooms)
        await self.db.flush()

    def event(
        self,
        case: Case,
        when: datetime.datetime,
        summary: str,
        to_state: CaseState | None = None,
        from_state: CaseState | None = None,
        kind: EventKind = EventKind.TRANSITION,
    ) -> None:
        self.db.add(
            CaseEvent(
                program_id=self.program_id,
                case_id=case.id,
                kind=kind,
                summary=summary,
                occurred_at=when,
                from_state=from_state.value if from_state else None,
                to_state=to_state.value if to_state else None,
                actor_id=self.coordinator.id,
                actor_name=self.coordinator.full_name,
            )
        )

    def number(self, year: int) -> str:
        self.counters[year] = self.counters.get(year, 0) + 1
        return f"{year}-{self.counters[year]:04d}"

    async def case(self, final: CaseState, received: datetime.date) -> None:
        """A case that went through the flow and stopped at ``final`` (closed ones stop on the way)."""
        referral = self.referral(received, ReferralStatus.ACCEPTED)
        opened = received + datetime.timedelta(days=2)
        case = Case(
            program_id=self.program_id,
            number=self.number(opened.year),
            referral=referral,
            youth=referral.youth,
            coordinator_id=self.coordinator.id,
            state=CaseState.REFERRED,
            opened_on=opened,
        )
        self.db.add(case)
        await self.db.flush()
        self.event(case, at(opened), "Referral accepted; case opened.", CaseState.REFERRED)
        path = [s for s in FLOW if FLOW.index(s) <= FLOW.index(final)] if final in FLOW else list(FLOW)
        if final in (CaseState.WITHDRAWN,):
            path = path[:2]
        elif final == CaseState.UNSUCCESSFUL:
            path = path[: self.rng.choice((3, 4, 5))]
        day = opened
        for previous, state in itertools.pairwise(path):
            day += datetime.timedelta(days=self.rng.randint(5, 12))
            if state == CaseState.SANCTIONS_IN_PROGRESS:
                day = self.hearings[id(case)].courtroom.night.held_on  # sentenced on the hearing night
            await self.enter(case, state, day, upcoming=final == CaseState.SCHEDULED)
            self.event(case, at(day), f"{previous.label} → {state.label}", state, previous)
        case.state = path[-1]
        if final == CaseState.SANCTIONS_IN_PROGRESS:
            self.open_cases.append(case)
        if final in (CaseState.COMPLETED, CaseState.UNSUCCESSFUL, CaseState.WITHDRAWN):
            await self.close(case, final, day + datetime.timedelta(days=self.rng.randint(40, 80)))
        if case.intake_on:
            until = case.closed_on or self.today
            for weeks in range(0, max(1, (until - case.intake_on).days // 21)):
                contact_day = case.intake_on + datetime.timedelta(days=21 * weeks + self.rng.randint(0, 6))
                if contact_day < self.today - datetime.timedelta(days=self.rng.choice((2, 10, 40))):
                    self.db.add(
                        ContactLog(
                            program_id=self.program_id,
                            case_id=case.id,
                            contacted_on=contact_day,
                            method=self.rng.choice(list(ContactMethod)),
                            contact_with="Guardian",
                            summary="Checked in on progress and upcoming dates.",
                            actor_id=self.coordinator.id,
                            actor_name=self.coordinator.full_name,
                        )
                    )

    async def enter(self, case: Case, state: CaseState, day: datetime.date, *, upcoming: bool) -> None:
        case.state_changed_at = at(day)
        if state == CaseState.INTAKE:
            case.intake_on = day
            chosen = self.rng.sample(self.needs, 2) + self.rng.sample(self.strengths, 1)
            self.db.add_all(
                CaseFactor(program_id=self.program_id, case_id=case.id, factor_id=f.id) for f in chosen
            )
        elif state == CaseState.AWAITING_HEARING:
            for name in (
                "youth_consent_on",
                "guardian_consent_on",
                "confidentiality_signed_on",
                "waiver_signed_on",
                "admission_on",
            ):
                setattr(case, name, day)
        elif state == CaseState.SCHEDULED:
            self.schedule(case, upcoming, day)
        elif state == CaseState.SANCTIONS_IN_PROGRESS:
            await self.sentence(case, day)

    def schedule(self, case: Case, upcoming: bool, day: datetime.date) -> None:
        """Put the case on a coming night, or on the first past night after ``day``."""
        if upcoming:
            # Tomorrow's first courtroom always has a case, so jurors seated there see a docket.
            booked = {id(h.courtroom) for h in self.hearings.values()}
            first = self.future_rooms[0]
            room = first if id(first) not in booked else self.rng.choice(self.future_rooms)
        else:
            later = [r for r in self.past_rooms if r.night.held_on > day] or self.past_rooms[-2:]
            room = self.rng.choice(later[:2])
        hearing = Hearing(
            program_id=self.program_id,
            courtroom=room,
            case=case,
            kind=HearingKind.INITIAL,
            position=self.rng.randint(1, 9),
        )
        self.hearings[id(case)] = hearing
        self.db.add(hearing)

    async def sentence(self, case: Case, day: datetime.date) -> None:
        hearing = self.hearings[id(case)]
        hearing.outcome = HearingOutcome.HELD
        investigation = Investigation(
            program_id=self.program_id,
            hearing=hearing,
            questioning_summary="The jury asked about friends, school and what happened that day.",
            deliberation_summary="The jury focused on the peer group and on using free time well.",
        )
        found = self.rng.sample(self.needs, 2)
        # One case in three builds its service on a strength the jury found (sports, art...).
        service_factor = found[0]
        if int(case.number[-1]) % 3 == 0 and self.strengths:
            service_factor = self.strengths[int(case.number[-2:]) % len(self.strengths)]
        investigation.factors = [
            InvestigationFactor(program_id=self.program_id, factor_id=f.id)
            for f in (found if service_factor in found else [*found, service_factor])
        ]
        self.db.add(investigation)
        disposition = Disposition(
            program_id=self.program_id, case_id=case.id, hearing=hearing, decided_on=day
        )
        self.db.add(disposition)
        due = day + datetime.timedelta(days=90)
        hours = Decimal(self.rng.choice((10, 12, 15, 20)))
        plan = [
            (SanctionType.COMMUNITY_SERVICE, hours, "", service_factor),
            (SanctionType.JURY_DUTY, Decimal(self.rng.choice((2, 3, 4))), "", None),
            (SanctionType.APOLOGY_LETTER, Decimal(1), "To the store manager", None),
            (SanctionType.ESSAY, Decimal(500), "How my choices affect my family", found[1]),
        ]
        self.sanctions[id(case)] = []
        for kind, quantity, description, factor in plan:
            sanction = Sanction(
                program_id=self.program_id,
                case=case,
                disposition=disposition,
                sanction_type=kind,
                quantity=quantity,
                description=description,
                factor_id=factor.id if factor else None,
                due_on=due,
                original_due_on=due,
            )
            self.db.add(sanction)
            self.sanctions[id(case)].append(sanction)
        self.event(
            case,
            at(day, 20),
            "Disposition recorded: community service, jury duty, apology letter, essay.",
            kind=EventKind.SANCTION,
        )

    def progress(self, sanction: Sanction, share: float, start: datetime.date) -> None:
        """Log work toward ``sanction``: ``share`` of it, in a few entries after ``start``."""
        target = sanction.quantity * Decimal(str(share))
        if sanction.sanction_type != SanctionType.COMMUNITY_SERVICE:
            target = Decimal(int(target))  # sessions and payments come in whole units here
        if sanction.sanction_type in (SanctionType.APOLOGY_LETTER, SanctionType.ESSAY):
            if share >= 1:
                for kind in (ProgressKind.RECEIVED, ProgressKind.REVIEWED):
                    self.db.add(
                        SanctionProgress(
                            program_id=self.program_id,
                            sanction=sanction,
                            case_id=sanction.case.id,
                            kind=kind,
                            occurred_on=start + datetime.timedelta(days=10),
                            amount=sanction.quantity,
                            recorded_by_id=self.coordinator.id,
                        )
                    )
            return
        kind = {
            SanctionType.COMMUNITY_SERVICE: ProgressKind.HOURS,
            SanctionType.JURY_DUTY: ProgressKind.JURY_SERVICE,
        }
        done = Decimal(0)
        day = start
        while done < target:
            amount = min(Decimal(self.rng.choice((1, 2, 3, 4))), target - done)
            day += datetime.timedelta(days=self.rng.randint(3, 9))
            self.db.add(
                SanctionProgress(
                    program_id=self.program_id,
                    sanction=sanction,
                    case_id=sanction.case.id,
                    kind=kind.get(sanction.sanction_type, ProgressKind.ATTENDANCE),
                    occurred_on=min(day, self.today),
                    amount=amount,
                    site="Riverside Food Bank"
                    if sanction.sanction_type == SanctionType.COMMUNITY_SERVICE
                    else "",
                    verified_by="K. Lopez, volunteer coordinator"
                    if sanction.sanction_type == SanctionType.COMMUNITY_SERVICE
                    else "",
                    recorded_by_id=self.coordinator.id,
                )
            )
            done += amount

    async def close(self, case: Case, outcome: CaseState, day: datetime.date) -> None:
        day = min(day, self.today - datetime.timedelta(days=1))
        sanctions = self.sanctions.get(id(case), [])
        for sanction in sanctions:
            complete = outcome == CaseState.COMPLETED
            self.progress(sanction, 1.0 if complete else 0.4, sanction.disposition.decided_on)
            sanction.status = SanctionStatus.COMPLETED if complete else SanctionStatus.NOT_COMPLETED
            sanction.completed_on = day if complete else None
        previous = case.state
        if previous == CaseState.SCHEDULED:
            self.hearings[id(case)].outcome = HearingOutcome.NO_SHOW
        case.state = outcome
        case.closed_on = day
        case.closure_reason = {
            CaseState.COMPLETED: "All sanctions completed.",
            CaseState.UNSUCCESSFUL: "Did not complete the sanctions; returned to the referring agency.",
            CaseState.WITHDRAWN: "Family moved out of the county.",
        }[outcome]
        self.event(case, at(day), case.closure_reason, outcome, previous)
        if outcome != CaseState.WITHDRAWN:
            for months in (6, 12):
                due = follow_up_end(day, months)
                done = due <= self.today - datetime.timedelta(days=10) and self.rng.random() < 0.7
                self.db.add(
                    FollowUpCheck(
                        program_id=self.program_id,
                        case=case,
                        window_months=months,
                        due_on=due,
                        completed_on=due + datetime.timedelta(days=3) if done else None,
                    )
                )


async def add_cases(context: DemoContext) -> None:
    builder = CaseBuilder(context)
    await builder.load_reference()
    await builder.nights()
    today = builder.today
    for state, count in PLAN:
        for _ in range(count):
            back = {
                CaseState.REFERRED: (3, 10),
                CaseState.INTAKE: (12, 40),
                CaseState.AWAITING_HEARING: (25, 45),
                CaseState.SCHEDULED: (30, 50),
                CaseState.SANCTIONS_IN_PROGRESS: (110, 150),
            }.get(state, (200, 420))
            received = today - datetime.timedelta(days=builder.rng.randint(*back))
            await builder.case(state, received)
    for index, case in enumerate(builder.open_cases):
        for sanction in builder.sanctions[id(case)]:
            builder.progress(
                sanction, builder.rng.choice((0.25, 0.5, 0.75, 1.0)), sanction.disposition.decided_on
            )
        if index % 3 == 0:
            # A few families fall behind: their essay is now past due.
            late = builder.sanctions[id(case)][-1]
            late.due_on = today - datetime.timedelta(days=builder.rng.randint(3, 20))
    for offset, status in (
        (5, ReferralStatus.PENDING),
        (12, ReferralStatus.PENDING),
        (38, ReferralStatus.PENDING),
        (52, ReferralStatus.PENDING),
        (20, ReferralStatus.DECLINED),
        (30, ReferralStatus.RETURNED),
    ):
        referral = builder.referral(today - datetime.timedelta(days=offset), status)
        if offset >= 38:
            referral.family_contacted_on = None
        if status != ReferralStatus.PENDING:
            referral.decision_reason = (
                "Earlier youth court case on record."
                if status == ReferralStatus.DECLINED
                else "Family did not respond within 30 days."
            )
    context.db.add_all(
        CaseCounter(program_id=builder.program_id, year=year, last_number=last)
        for year, last in builder.counters.items()
    )
    await context.db.flush()
