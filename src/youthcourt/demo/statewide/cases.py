"""A program's referrals and cases: drawn over the years, then lived night by night.

Each accepted referral becomes a :class:`Life`: opened, intake, ready for a hearing. The
hearing nights are then filled in date order from the queue of cases ready for one (cases
wait a week's notice; returning and discharge hearings join the same queue), so each
night's docket holds what was ready for it and a past night sits only with enough cases to
fill a courtroom. What happens at a hearing (a no-show, a disposition and its sanctions, a
review, a discharge) is decided when its night comes, and the case's later life is planned
from there. Whatever is planned after today has not happened: the rows keep only what lies
on or before today, so old cases are closed and followed up, and recent ones are somewhere
on their way. Jury duty is served in the jurors' pass (``jurors.py``), which records it on
the sentences before the rows are written.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple
from uuid import UUID

from youthcourt.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseFactor,
    CaseState,
    CheckResult,
    ContactLog,
    ContactMethod,
    EventKind,
    FollowUpCheck,
)
from youthcourt.cases.services import follow_up_end
from youthcourt.demo.cases import prior_record
from youthcourt.demo.outcomes import REOFFENDING, SEARCHED, first_event_type, first_offense_after
from youthcourt.demo.statewide import names
from youthcourt.demo.statewide.names import Mix
from youthcourt.demo.statewide.programs import Night, OffenseRef, Person, Program, at
from youthcourt.hearings.models import (
    Courtroom,
    Hearing,
    HearingKind,
    HearingNight,
    HearingOutcome,
    Investigation,
    InvestigationFactor,
)
from youthcourt.hearings.services import describe
from youthcourt.jurors.enrollment import TIMELINE_TEXT as ENROLLED
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.reference.defaults import GRID
from youthcourt.reference.models import OffenseClass, SanctionType
from youthcourt.referrals.models import Guardian, Referral, ReferralStatus, Youth
from youthcourt.referrals.screening import Screening, check_offense_class, failed_text
from youthcourt.sanctions.models import (
    DeadlineExtension,
    Disposition,
    ProgressKind,
    Sanction,
    SanctionProgress,
    SanctionStatus,
)
from youthcourt.sanctions.services import disposition_summary

DAY = datetime.timedelta(days=1)
NOTICE_DAYS = 7
"""A case goes on a night's docket at least a week ahead, time to send the family a notice."""
FEWEST_PER_ROOM, MOST_PER_ROOM, MOST_ROOMS = 4, 8, 5
S, K, T = CaseState, HearingKind, SanctionType
FATES = Mix(((S.COMPLETED, 86), (S.UNSUCCESSFUL, 11), (S.WITHDRAWN, 3)))
"""How heard cases end: most complete their sentence (about 90% is common)."""
SANCTION_CHANCES = {
    T.COMMUNITY_SERVICE: 0.85,
    T.APOLOGY_LETTER: 0.5,
    T.ESSAY: 0.45,
    T.WORKSHOP: 0.3,
    T.RESTITUTION: 0.1,
    T.COUNSELING: 0.1,
    T.TUTORING: 0.07,
    T.MENTORING: 0.07,
    T.CURFEW: 0.06,
    T.MEDIATION: 0.04,
}
LEANINGS = {
    "theft": {T.RESTITUTION: 0.45, T.APOLOGY_LETTER: 0.8},
    "vandalism": {T.RESTITUTION: 0.5, T.APOLOGY_LETTER: 0.7},
    "alcohol": {T.WORKSHOP: 0.8},
    "drugs": {T.WORKSHOP: 0.85, T.COUNSELING: 0.3},
    "status": {T.CURFEW: 0.6},
    "harassment": {T.MEDIATION: 0.4, T.APOLOGY_LETTER: 0.8},
    "assault": {T.MEDIATION: 0.4, T.WORKSHOP: 0.6},
}
"""Juries build the sentence on the offense: restitution for theft, a workshop for alcohol."""
ATTENDED = {T.WORKSHOP, T.COUNSELING, T.TUTORING, T.MENTORING, T.MEDIATION}
CONTACT_METHODS = Mix(
    (
        (ContactMethod.PHONE, 50),
        (ContactMethod.TEXT, 15),
        (ContactMethod.MEETING, 15),
        (ContactMethod.EMAIL, 10),
        (ContactMethod.HOME_VISIT, 5),
        (ContactMethod.LETTER, 5),
    )
)


class Room(NamedTuple):
    id: UUID
    name: str


@dataclass(slots=True, eq=False)
class Slot:
    """One case's place on a night's docket."""

    life: Life
    kind: HearingKind
    night: Night
    id: UUID
    scheduled_on: datetime.date
    room: int = 0
    position: int = 0
    outcome: HearingOutcome = HearingOutcome.SCHEDULED

    @property
    def where(self) -> str:
        return describe(self.night, self.night.rooms[self.room])  # type: ignore[arg-type]


@dataclass(slots=True, eq=False)
class SanctionPlan:
    """A sentence's sanction and the work planned toward it (only what lies before today happens)."""

    id: UUID
    sanction_type: SanctionType
    quantity: Decimal
    description: str
    factor_id: UUID | None
    due_on: datetime.date
    original_due_on: datetime.date
    completed_on: datetime.date | None = None
    extension: tuple[datetime.date, str] | None = None
    progress: list[tuple[datetime.date, ProgressKind, Decimal, str, str, str, str | None]] = field(
        default_factory=list
    )
    """(day, kind, amount, site, verified by, notes, submission token)."""


@dataclass(slots=True, eq=False)
class YouthFacts:
    first: str
    last: str
    born: datetime.date
    gender: str
    race: str
    school: str
    grade: str
    phone: str
    email: str = ""
    guardian: str = ""


@dataclass(slots=True, eq=False)
class Respondent:
    """A youth sentenced to jury duty: the jurors' pass seats them on nights and counts their service."""

    life: Life
    sanction: SanctionPlan
    oath: datetime.date
    target: int
    """Nights they will serve: the whole sentence, or fewer when the case ends unsuccessful or withdrawn."""
    until: datetime.date
    """The last day they serve on their sentence (the case's end, or the planned end of the service)."""
    pinned: bool = False


@dataclass(slots=True, eq=False)
class Life:
    """One accepted referral's case from its opening to its closure, as planned."""

    youth_id: UUID
    referral_id: UUID
    case_id: UUID
    youth: YouthFacts
    received: datetime.date
    opened: datetime.date
    offense: OffenseRef
    source: tuple[UUID, Any]
    coordinator: Person
    intake: datetime.date | None = None
    ready: datetime.date | None = None
    needs: list[tuple[UUID, str]] = field(default_factory=list)
    strengths: list[tuple[UUID, str]] = field(default_factory=list)
    state: CaseState = S.REFERRED
    events: list[tuple[datetime.datetime, EventKind, str | None, str | None, str]] = field(
        default_factory=list
    )
    slots: list[Slot] = field(default_factory=list)
    disposed: Slot | None = None
    found: list[tuple[UUID, str]] = field(default_factory=list)
    sanctions: list[SanctionPlan] = field(default_factory=list)
    outcome: CaseState | None = None
    closed_on: datetime.date | None = None
    closure_reason: str = ""
    no_shows: int = 0
    override: str = ""
    number: str = ""
    pinned: bool = False

    def move(self, when: datetime.datetime, to: CaseState, summary: str = "") -> None:
        previous = self.state
        summary = summary or f"{previous.label} → {to.label}"
        self.events.append((when, EventKind.TRANSITION, previous.value, to.value, summary))
        self.state = to

    def note(self, when: datetime.datetime, kind: EventKind, summary: str) -> None:
        self.events.append((when, kind, None, None, summary))

    def close(
        self, day: datetime.date, outcome: CaseState, reason: str, when: datetime.datetime | None = None
    ) -> None:
        """Closed on ``day`` (at ``when``: after the night's hearing when closed there)."""
        self.outcome, self.closed_on, self.closure_reason = outcome, day, reason
        self.move(when or at(day, 16), outcome, f"Case closed: {outcome.label.lower()}. {reason}")


@dataclass(frozen=True)
class Pin:
    """A case the program must have, with the youth named: the documented juror's own case."""

    first: str
    last: str
    email: str
    guardian: str
    days_ago: int


class Cases:
    """Draws, simulates and writes one program's referrals and cases."""

    def __init__(self, program: Program, pin: Pin | None = None) -> None:
        self.p = program
        self.rng = program.rng
        self.today = program.today
        self.lives: list[Life] = []
        self.respondents: list[Respondent] = []
        self.respondent_cap = round(program.plan.jurors * 0.9)
        heard = program.plan.cases * 0.9
        self.jury_duty_share = min(1.0, 0.85 * program.plan.jurors / heard) if heard else 0.0
        self.pin = pin
        self.categories = sorted({o.category for o in program.offenses})
        self.new_referrals: list[tuple[Life, datetime.date]] = []
        self.queue: list[tuple[datetime.date, int, int, Life, HearingKind]] = []
        self.order = itertools.count()
        shares = names.OFFENSE_SHARES
        # Class D is outside the default policy: accepted only now and then, declined more often.
        self.accepted_offenses = Mix(
            (o, shares[o.name] * (0.12 if o.offense_class == "D" else 1)) for o in program.offenses
        )
        self.declined_offenses = Mix(
            (o, shares[o.name] * (8 if o.offense_class == "D" else 1)) for o in program.offenses
        )
        self.sources = Mix((source, names.SOURCE_SHARES[source[1]]) for source in program.sources)

    # Drawing the referrals ------------------------------------------------------------------------

    def received_days(self, count: int) -> list[datetime.date]:
        """Days referrals came in: more each year as the program grows, fewer in the summer."""
        span = (self.today - self.p.start).days
        season = {7: 0.7, 8: 0.7, 12: 0.8}
        cumulative, total = [], 0.0
        for offset in range(span):
            day = self.p.start + offset * DAY
            total += (1 + 0.06 * offset / 365) * season.get(day.month, 1.0)
            cumulative.append(total)
        offsets = self.rng.choices(range(span), cum_weights=cumulative, k=count)
        return sorted(self.p.start + offset * DAY for offset in offsets)

    def youth(self, received: datetime.date) -> YouthFacts:
        rng = self.rng
        age = names.AGES.pick(rng)
        born = received - datetime.timedelta(days=age * 365 + rng.randint(15, 350))
        grade = max(5, min(12, age - 5 + rng.choice((0, 0, 0, 1))))
        return YouthFacts(
            rng.choice(names.FIRST_NAMES),
            rng.choice(names.LAST_NAMES),
            born,
            names.GENDERS.pick(rng),
            names.RACES.pick(rng),
            rng.choice(self.p.schools),
            str(grade),
            f"555-{rng.randint(200, 999):03d}-{rng.randint(0, 9999):04d}",
        )

    def draw(self) -> None:
        """The cases' referrals, each case planned up to its readiness for a hearing."""
        count = self.p.plan.cases - (1 if self.pin else 0)
        for received in self.received_days(count):
            self.lives.append(self.life(received))
        if self.pin:
            received = self.today - self.pin.days_ago * DAY
            life = self.life(received, pinned=True)
            life.youth.first, life.youth.last = self.pin.first, self.pin.last
            life.youth.born = self.today - datetime.timedelta(days=16 * 365 + 40)
            life.youth.email, life.youth.guardian = self.pin.email, self.pin.guardian
            self.lives.append(life)
        for life in self.lives:
            self.plan_intake(life)

    def life(self, received: datetime.date, pinned: bool = False) -> Life:
        rng = self.rng
        offense = self.accepted_offenses.pick(rng)
        if pinned:
            offense = next(o for o in self.p.offenses if o.category == "theft")
        life = Life(
            self.p.rows.ids(),
            self.p.rows.ids(),
            self.p.rows.ids(),
            self.youth(received),
            received,
            min(received + (2 if pinned else rng.randint(1, 6)) * DAY, self.today),
            offense,
            self.sources.pick(rng),
            self.p.coordinators[0] if pinned else self.p.coordinator(),
            pinned=pinned,
        )
        check = check_offense_class(offense.offense_class, "ABC")
        if not check.passed:
            life.override = failed_text(Screening((check,)))
        return life

    def plan_intake(self, life: Life) -> None:
        rng, p = self.rng, self.p
        life.events.append(
            (
                at(life.opened, 14),
                EventKind.TRANSITION,
                None,
                S.REFERRED.value,
                "Referral accepted; case opened.",
            )
        )
        if life.override:
            life.note(
                at(life.opened, 14, 1),
                EventKind.NOTE,
                f"Accepted although the referral fails the eligibility rules. Failed: {life.override} "
                "Reason: Accepted by agreement with the referring agency.",
            )
        life.intake = intake = life.opened + (6 if life.pinned else rng.randint(4, 20)) * DAY
        life.needs = rng.sample(p.needs, rng.choice((1, 2, 2, 3)))
        life.strengths = rng.sample(p.strengths, rng.choice((1, 1, 2)))
        life.move(at(intake, 15), S.INTAKE)
        needs = ", ".join(sorted(name for _id, name in life.needs))
        strengths = ", ".join(sorted(name for _id, name in life.strengths))
        life.note(
            at(intake, 15, 5),
            EventKind.INTAKE,
            f"Intake interview: Not recorded → {intake.isoformat()}; Needs: added {needs}; Strengths: added {strengths}.",
        )
        roll = rng.random() if not life.pinned else 1.0
        if roll < 0.03:
            life.close(
                intake + rng.randint(5, 30) * DAY, S.WITHDRAWN, rng.choice(names.CLOSURE_REASONS["withdrawn"])
            )
            return
        if roll < 0.05:
            life.close(intake + rng.randint(20, 45) * DAY, S.UNSUCCESSFUL, names.CLOSURE_REASONS["dropped"])
            return
        life.ready = intake + (8 if life.pinned else rng.randint(3, 14)) * DAY
        life.move(at(life.ready, 16), S.AWAITING_HEARING, "Intake complete; ready for a hearing.")

    # The nights, in date order --------------------------------------------------------------------

    def push(self, ready: datetime.date, life: Life, kind: HearingKind) -> None:
        """Put a case in the queue for a hearing from ``ready`` on (returning and discharge ones first)."""
        heapq.heappush(self.queue, (ready, 0 if kind != K.INITIAL else 1, next(self.order), life, kind))

    def simulate(self) -> None:
        """Fill each night's docket from the queue of cases ready for a hearing, and hold it if past."""
        queue = self.queue
        for life in self.lives:
            if life.ready is not None:
                self.push(life.ready, life, K.INITIAL)
        cap = MOST_ROOMS * MOST_PER_ROOM
        for night in self.p.nights:
            day = night.held_on
            coming = day >= self.today
            latest = day - NOTICE_DAYS * DAY
            if coming:
                latest = min(latest, self.today - DAY)
            taken, later, tonight = [], [], set()
            while queue and queue[0][0] <= latest and len(taken) < cap:
                item = heapq.heappop(queue)
                life = item[3]
                if life.closed_on is not None and life.closed_on < day:
                    continue  # a review or discharge hearing the case's end made moot
                if id(life) in tonight:
                    later.append(item)  # one hearing a night per case
                    continue
                tonight.add(id(life))
                taken.append(item)
            for item in later:
                heapq.heappush(queue, item)
            if not coming and len(taken) < FEWEST_PER_ROOM:
                for item in taken:
                    heapq.heappush(queue, item)
                continue
            night.held = True
            self.seat(night, [(life, kind) for _ready, _priority, _n, life, kind in taken], coming)

    def seat(self, night: Night, cases: list[tuple[Life, HearingKind]], coming: bool) -> None:
        """Courtrooms for the night, four to eight cases each, returning and discharge hearings first."""
        rng, count = self.rng, len(cases)
        if count >= FEWEST_PER_ROOM:
            rooms = min(
                max(round(count / 4.5), math.ceil(count / MOST_PER_ROOM)),
                count // FEWEST_PER_ROOM,
                MOST_ROOMS,
            )
        else:
            rooms = 1 if count else 2
        if coming and count:
            rooms = min(max(rooms, math.ceil(count / 6)), MOST_ROOMS)
        night.rooms = [Room(self.p.rows.ids(), f"Courtroom {chr(65 + n)}") for n in range(rooms)]
        cases.sort(key=lambda item: item[1] == K.INITIAL)
        for index, (life, kind) in enumerate(cases):
            scheduled = max(life.ready or life.opened, night.held_on - rng.randint(7, 24) * DAY)
            scheduled = min(scheduled, night.held_on - 2 * DAY, self.today)
            slot = Slot(life, kind, night, self.p.rows.ids(), scheduled, index % rooms, index // rooms + 1)
            night.slots.append(slot)
            life.slots.append(slot)
            if kind == K.INITIAL:
                life.move(at(scheduled, 17), S.SCHEDULED, f"Scheduled for a hearing on {slot.where}.")
            life.note(
                at(scheduled, 17, 1),
                EventKind.HEARING,
                f"Scheduled for {slot.where} ({kind.label.lower()} hearing).",
            )
            if not coming:
                self.hold(slot)

    def hold(self, slot: Slot) -> None:
        rng, life, day = self.rng, slot.life, slot.night.held_on
        when = at(day, slot.night.hour_utc, slot.position * 10)
        if slot.kind == K.INITIAL and not life.pinned and rng.random() < (0.07 if not life.no_shows else 0.3):
            slot.outcome = HearingOutcome.NO_SHOW
            life.no_shows += 1
            if life.no_shows > 1:
                life.note(when, EventKind.HEARING, f"No-show on {slot.where}.")
                life.close(
                    day,
                    S.UNSUCCESSFUL,
                    names.CLOSURE_REASONS["no_show"],
                    when + datetime.timedelta(minutes=1),
                )
                return
            life.note(when, EventKind.HEARING, f"No-show on {slot.where}; to be rescheduled.")
            life.move(when, S.AWAITING_HEARING, "No-show; awaiting a new hearing date.")
            self.push(day + rng.randint(7, 21) * DAY, life, K.INITIAL)
            return
        slot.outcome = HearingOutcome.HELD
        life.note(when, EventKind.HEARING, f"{slot.kind.label} hearing held on {slot.where}.")
        if slot.kind == K.INITIAL:
            self.dispose(slot, when)
        elif slot.kind == K.DISCHARGE:
            life.close(
                day, S.COMPLETED, names.CLOSURE_REASONS["completed"], when + datetime.timedelta(minutes=5)
            )

    # A sentence and how it is served -------------------------------------------------------------

    def dispose(self, slot: Slot, when: datetime.datetime) -> None:
        rng, p, life, day = self.rng, self.p, slot.life, slot.night.held_on
        life.disposed = slot
        life.found = rng.sample(p.needs, rng.choice((1, 1, 2, 2, 3)))
        kept = [need for need in life.needs if need not in life.found][: rng.randint(0, 1)]
        found_strengths = life.strengths[:1]
        life.note(
            when + datetime.timedelta(minutes=3),
            EventKind.FINDINGS,
            f"Recorded for the hearing of {day.isoformat()}. "
            f"Contributing factors: {', '.join(n for _i, n in life.found + kept)}. "
            f"Strengths: {', '.join(n for _i, n in found_strengths)}.",
        )
        life.found += kept + found_strengths
        due = day + p.deadline_days * DAY
        plans = self.sentence(life, due)
        jury_duty = life.pinned or (
            len(self.respondents) < self.respondent_cap and rng.random() < self.jury_duty_share
        )
        if jury_duty:
            low, high = GRID[T.JURY_DUTY][life.offense.offense_class]
            quantity = 4 if life.pinned else rng.randint(low, min(high, low + 2))
            plans.append(SanctionPlan(p.rows.ids(), T.JURY_DUTY, Decimal(quantity), "", None, due, due))
        life.sanctions = plans
        life.move(
            when + datetime.timedelta(minutes=5),
            S.SANCTIONS_IN_PROGRESS,
            "Disposition recorded; sanctions in progress.",
        )
        life.note(when + datetime.timedelta(minutes=6), EventKind.SANCTION, disposition_summary(plans))  # type: ignore[arg-type]
        fate = S.COMPLETED if life.pinned else FATES.pick(rng)
        ends = []
        for plan in plans:
            if plan.sanction_type != T.JURY_DUTY:
                ends.append(self.serve(plan, day, fate))
        if jury_duty:
            spacing = max(14.0, 1.3 * p.night_interval)
            oath = day + (10 if life.pinned else rng.randint(7, 21)) * DAY
            planned_end = oath + math.ceil(int(plans[-1].quantity) * spacing + 7) * DAY
            if fate == S.COMPLETED:
                ends.append(planned_end)
        closed = self.closing_day(fate, day, due, ends)
        if jury_duty:
            quantity = int(plans[-1].quantity)
            target = quantity if fate == S.COMPLETED else rng.randint(0, quantity - 1)
            until = planned_end if fate == S.COMPLETED else closed
            self.respondents.append(Respondent(life, plans[-1], oath, target, until, life.pinned))
            life.note(when + datetime.timedelta(minutes=7), EventKind.SANCTION, ENROLLED)
        review = day + rng.randint(21, 35) * DAY
        if not life.pinned and rng.random() < p.review_share and review + 2 * NOTICE_DAYS * DAY < closed:
            self.push(review, life, K.RETURNING)
        if fate == S.COMPLETED and p.discharge_hearings:
            self.push(closed - rng.randint(3, 8) * DAY, life, K.DISCHARGE)
        else:
            reason = names.CLOSURE_REASONS[fate.value]
            life.close(closed, fate, reason if isinstance(reason, str) else rng.choice(reason))

    def closing_day(
        self, fate: CaseState, day: datetime.date, due: datetime.date, ends: list[datetime.date]
    ) -> datetime.date:
        rng = self.rng
        if fate == S.COMPLETED:
            return max(ends, default=day) + rng.randint(2, 14) * DAY
        if fate == S.UNSUCCESSFUL:
            return due + rng.randint(10, 40) * DAY
        return day + rng.randint(20, 70) * DAY

    def sentence(self, life: Life, due: datetime.date) -> list[SanctionPlan]:
        """The sanctions the jury chose, within the grid for the offense's class."""
        rng = self.rng
        chances = {**SANCTION_CHANCES, **LEANINGS.get(life.offense.category, {})}
        chosen = [kind for kind, chance in chances.items() if rng.random() < chance]
        for fallback in (T.COMMUNITY_SERVICE, T.ESSAY):
            if len(chosen) < 2 and fallback not in chosen:
                chosen.append(fallback)
        plans = []
        for kind in chosen:
            factor = rng.choice(life.found)[0] if rng.random() < 0.75 else None
            plans.append(
                SanctionPlan(
                    self.p.rows.ids(),
                    kind,
                    self.quantity(kind, life.offense.offense_class),
                    rng.choice(names.SANCTION_DESCRIPTIONS.get(kind.value, ("",))),
                    factor,
                    due,
                    due,
                )
            )
        return plans

    def quantity(self, kind: SanctionType, offense_class: OffenseClass) -> Decimal:
        rng = self.rng
        low, high = GRID[kind][offense_class]
        if kind == T.RESTITUTION:
            return Decimal(rng.randrange(25, 300, 5))
        if kind == T.ESSAY:
            return Decimal(rng.choice((250, 500, 500, 750, 1000)))
        if kind in (T.WORKSHOP, T.COUNSELING):
            return Decimal(rng.randint(low, min(high, 3)))
        if kind in (T.TUTORING, T.MENTORING):
            return Decimal(rng.randint(4, 8))
        if kind == T.CURFEW:
            return Decimal(rng.choice((14, 21, 30)))
        return Decimal(rng.randint(low, high))

    def serve(self, plan: SanctionPlan, day: datetime.date, fate: CaseState) -> datetime.date:
        """Plan the work toward one sanction; returns the day it is done (or given up)."""
        rng, p = self.rng, self.p
        due = plan.due_on
        if fate == S.COMPLETED:
            share = 1.0
            finish = day + max(7, round(p.deadline_days * rng.uniform(0.25, 0.95))) * DAY
            if rng.random() < 0.06:
                recorded = due - rng.randint(3, 15) * DAY
                plan.extension = (recorded, rng.choice(names.EXTENSION_REASONS))
                plan.due_on = due + 30 * DAY
                finish = due + rng.randint(1, 28) * DAY
        elif fate == S.UNSUCCESSFUL and rng.random() < 0.45:
            share, finish = 1.0, day + round(p.deadline_days * rng.uniform(0.3, 0.9)) * DAY
        else:
            share, finish = rng.uniform(0.0, 0.6), day + round(p.deadline_days * rng.uniform(0.2, 0.8)) * DAY
        self.progress(plan, day + 3 * DAY, finish, share)
        if share >= 1.0:
            plan.completed_on = finish
        return finish

    def progress(self, plan: SanctionPlan, start: datetime.date, finish: datetime.date, share: float) -> None:
        """Entries of work from ``start`` to ``finish``: hours in shifts, sessions one by one, letters received then reviewed."""
        rng, kind = self.rng, plan.sanction_type
        span = max((finish - start).days, 1)
        add = plan.progress.append
        if kind in (T.APOLOGY_LETTER, T.ESSAY):
            if share >= 1.0:
                add(
                    (
                        finish - rng.randint(2, 10) * DAY,
                        ProgressKind.RECEIVED,
                        plan.quantity,
                        "",
                        "",
                        "",
                        None,
                    )
                )
                add((finish, ProgressKind.REVIEWED, plan.quantity, "", "", "Accepted.", None))
            elif share > 0.3:
                add((finish, ProgressKind.RECEIVED, plan.quantity, "", "", "Needs a rewrite.", None))
            return
        if kind == T.CURFEW:
            if share >= 1.0:
                add(
                    (
                        finish,
                        ProgressKind.ATTENDANCE,
                        plan.quantity,
                        "",
                        "",
                        "Kept the curfew (family's report).",
                        None,
                    )
                )
            return
        target = plan.quantity if share >= 1.0 else Decimal(int(plan.quantity * Decimal(str(share))))
        if kind == T.COMMUNITY_SERVICE:
            site, who = rng.choice(self.p.sites)
            chunks = self.chunks(target, (4, 4, 5, 6, 8, 10))
            verified = f"{rng.choice(names.GUARDIAN_FIRST)} {rng.choice(names.LAST_NAMES)}, {who}"
            progress_kind = ProgressKind.HOURS
        elif kind == T.RESTITUTION:
            site, verified, progress_kind = "", "", ProgressKind.PAYMENT
            chunks = self.chunks(target, (50, 75, 100, 150))
        else:
            site, verified, progress_kind = "", "", ProgressKind.ATTENDANCE
            chunks = self.chunks(target, (1, 1, 2, 2, 3))
        for index, amount in enumerate(chunks, 1):
            day = (
                finish
                if index == len(chunks) and share >= 1.0
                else start + round(span * index / (len(chunks) + 1)) * DAY
            )
            add((day, progress_kind, amount, site, verified, "", None))

    def chunks(self, total: Decimal, sizes: tuple[int, ...]) -> list[Decimal]:
        parts, left = [], total
        while left > 0:
            part = min(Decimal(self.rng.choice(sizes)), left)
            parts.append(part)
            left -= part
        return parts

    # The rows ------------------------------------------------------------------------------------

    def write(self) -> None:
        """Every case's rows, numbered per year in the order they opened, and the other referrals."""
        counters: dict[int, int] = defaultdict(int)
        for life in sorted(self.lives, key=lambda item: (item.opened, item.received)):
            counters[life.opened.year] += 1
            life.number = f"{life.opened.year}-{counters[life.opened.year]:04d}"
        for night in self.p.nights:
            if night.held:
                self.write_night(night)
        for life in self.lives:
            self.write_case(life)
        for year, last in counters.items():
            self.p.rows.add(
                CaseCounter,
                at=at(datetime.date(year, 1, 2)),
                program_id=self.p.id,
                year=year,
                last_number=last,
            )
        self.other_referrals()

    def write_night(self, night: Night) -> None:
        rows, p = self.p.rows, self.p
        created = at(night.held_on - self.rng.randint(30, 60) * DAY, 14)
        rows.add(
            HearingNight,
            at=created,
            id=night.id,
            program_id=p.id,
            held_on=night.held_on,
            starts_at=night.starts_at,
            ends_at=night.ends_at,
            location=p.location,
        )
        for room in night.rooms:
            rows.add(
                Courtroom,
                at=created,
                id=room.id,
                program_id=p.id,
                night_id=night.id,
                name=room.name,
                capacity=MOST_PER_ROOM,
            )

    def write_youth(self, youth: YouthFacts, youth_id: UUID, received: datetime.date) -> None:
        rng, rows = self.rng, self.p.rows
        town = f"{rng.randint(10, 999)} {rng.choice(names.STREETS)}, {self.p.plan.county}"
        rows.add(
            Youth,
            at=at(received, 14),
            id=youth_id,
            program_id=self.p.id,
            first_name=youth.first,
            last_name=youth.last,
            date_of_birth=youth.born,
            gender=youth.gender,
            race_ethnicity=youth.race,
            school=youth.school,
            grade=youth.grade,
            phone=youth.phone,
            email=youth.email,
            address=town,
        )
        first = "Mother" if youth.guardian else names.RELATIONSHIPS.pick(rng)
        relations = [first, "Father" if first == "Mother" else "Mother"][: 2 if rng.random() < 0.3 else 1]
        for number, relation in enumerate(relations):
            given = rng.choice(names.FIRST_NAMES_FOR.get(relation, names.WOMEN))
            rows.add(
                Guardian,
                at=at(received, 14, number),
                program_id=self.p.id,
                youth_id=youth_id,
                name=youth.guardian if youth.guardian and not number else f"{given} {youth.last}",
                relationship_to_youth=relation,
                phone=f"555-{rng.randint(200, 999):03d}-{rng.randint(0, 9999):04d}",
                address=town,
            )

    def write_referral(
        self,
        youth_id: UUID,
        referral_id: UUID,
        received: datetime.date,
        offense: OffenseRef,
        source: tuple[UUID, Any],
        status: ReferralStatus,
        decided: datetime.date | None,
        decided_by: Person | None,
        reason: str = "",
        failed: str = "",
        contacted: bool = True,
    ) -> None:
        rng = self.rng
        place = rng.choice(names.PLACES)
        narrative = names.NARRATIVES[offense.category].format(place=place, amount=rng.randint(15, 400))
        self.p.rows.add(
            Referral,
            at=at(received, 14),
            id=referral_id,
            program_id=self.p.id,
            youth_id=youth_id,
            source_id=source[0],
            source_reference=f"{names.SOURCE_PREFIX[source[1]]}-{received.year}-{rng.randint(100, 99999):05d}",
            received_on=received,
            incident_date=received - rng.randint(1, 25) * DAY,
            incident_place=place,
            offense_id=offense.id,
            narrative=narrative,
            status=status,
            decision_reason=reason,
            decided_at=at(decided, 14) if decided else None,
            decided_by_id=decided_by.id if decided_by else None,
            failed_rules=failed,
            family_contacted_on=received + rng.randint(1, 5) * DAY if contacted else None,
            **prior_record(rng),
        )
        self.p.audit(
            at(received, 14),
            decided_by or self.p.coordinator(),
            "referral_create",
            "referral",
            referral_id,
            {"existing_youth": False, "guardians_added": 1},
        )

    def write_case(self, life: Life) -> None:
        rng, rows, p, today = self.rng, self.p.rows, self.p, self.today
        self.write_youth(life.youth, life.youth_id, life.received)
        reason = "Accepted by agreement with the referring agency." if life.override else ""
        self.write_referral(
            life.youth_id, life.referral_id, life.received, life.offense, life.source, ReferralStatus.ACCEPTED,
            life.opened, life.coordinator, reason, life.override,
        )  # fmt: skip
        events = [event for event in life.events if event[0].date() <= today]
        for sanction in life.sanctions:
            if sanction.completed_on and sanction.completed_on <= today:
                events.append(
                    (
                        at(sanction.completed_on, 18),
                        EventKind.SANCTION,
                        None,
                        None,
                        f"{sanction.sanction_type.label} completed.",
                    )
                )
            if sanction.extension and sanction.extension[0] <= today:
                day, why = sanction.extension
                events.append(
                    (
                        at(day, 15),
                        EventKind.SANCTION,
                        None,
                        None,
                        f"{sanction.sanction_type.label}: due date extended from {sanction.original_due_on.isoformat()} "
                        f"to {sanction.due_on.isoformat()}. {why}",
                    )
                )
        transitions = [event for event in events if event[1] == EventKind.TRANSITION]
        state = CaseState(transitions[-1][3])
        closed = life.closed_on if life.closed_on and life.closed_on <= today else None
        intake = life.intake if life.intake and life.intake <= today else None
        signed = life.ready if life.ready and life.ready <= today else None
        rows.add(
            Case,
            at=at(life.opened, 14),
            id=life.case_id,
            program_id=p.id,
            number=life.number,
            referral_id=life.referral_id,
            youth_id=life.youth_id,
            coordinator_id=life.coordinator.id,
            state=state,
            state_changed_at=min(transitions[-1][0], rows.stamp),
            opened_on=life.opened,
            intake_on=intake,
            youth_consent_on=signed,
            guardian_consent_on=signed,
            confidentiality_signed_on=signed,
            waiver_signed_on=signed,
            admission_on=signed,
            intake_notes=rng.choice(names.INTAKE_NOTES) if intake else "",
            closed_on=closed,
            closure_reason=life.closure_reason if closed else "",
        )
        coordinator = life.coordinator
        p.audit(at(life.opened, 14, 1), coordinator, "case_open", "case", life.case_id, {})
        if intake:
            for factor_id, _name in life.needs + life.strengths:
                rows.add(
                    CaseFactor, at=at(intake, 15), program_id=p.id, case_id=life.case_id, factor_id=factor_id
                )
        self.write_hearings(life)
        self.write_sentence(life)
        self.write_contacts(life, intake, closed)
        checks = self.write_follow_ups(life, closed)
        for when, kind, from_state, to_state, summary in events + checks:
            rows.add(
                CaseEvent,
                at=when,
                program_id=p.id,
                case_id=life.case_id,
                kind=kind,
                from_state=from_state,
                to_state=to_state,
                summary=summary,
                occurred_at=min(when, rows.stamp),
                actor_id=coordinator.id,
                actor_name=coordinator.name,
            )
        if closed:
            p.audit(at(closed, 16), coordinator, "case_close", "case", life.case_id, {
                "outcome": life.outcome.value if life.outcome else "", "closed_on": closed.isoformat(), "follow_ups": len(checks),
            })  # fmt: skip
        last = min(closed or today, today)
        for _ in range(rng.choice((0, 1, 1, 2))):
            seen = life.opened + rng.randint(0, max((last - life.opened).days, 0)) * DAY
            p.audit(
                at(seen, rng.randint(13, 21), rng.randint(0, 59)),
                coordinator,
                "case_view",
                "case",
                life.case_id,
            )

    def write_hearings(self, life: Life) -> None:
        rows, p, rng = self.p.rows, self.p, self.rng
        for slot in life.slots:
            night = slot.night
            notice = slot.scheduled_on + rng.randint(1, 3) * DAY
            sent = notice if notice < night.held_on and notice <= self.today and rng.random() < 0.96 else None
            if slot.outcome == HearingOutcome.NO_SHOW:
                sent = min(slot.scheduled_on + DAY, night.held_on - DAY)
            rows.add(
                Hearing,
                at=at(slot.scheduled_on, 17),
                id=slot.id,
                program_id=p.id,
                courtroom_id=night.rooms[slot.room].id,
                case_id=life.case_id,
                kind=slot.kind,
                position=slot.position,
                outcome=slot.outcome,
                notice_sent_on=sent,
            )
            if slot.kind == K.INITIAL:
                room_id = night.rooms[slot.room].id
                p.audit(at(slot.scheduled_on, 17, 1), life.coordinator, "hearing_schedule", "hearing", slot.id, {
                    "case_id": str(life.case_id), "courtroom_id": str(room_id), "kind": slot.kind.value,
                })  # fmt: skip
            if slot.outcome != HearingOutcome.SCHEDULED:
                result = "held" if slot.outcome == HearingOutcome.HELD else "no_show"
                after = S.AWAITING_HEARING if result == "no_show" else S.SANCTIONS_IN_PROGRESS
                p.audit(at(night.held_on, night.hour_utc, 30), life.coordinator, "hearing_outcome", "hearing", slot.id, {
                    "outcome": slot.outcome.value, "result": result, "case_state": after.value,
                })  # fmt: skip

    def write_sentence(self, life: Life) -> None:
        slot = life.disposed
        if slot is None:
            return
        rows, p, rng, today = self.p.rows, self.p, self.rng, self.today
        day = slot.night.held_on
        when = at(day, slot.night.hour_utc, 40)
        investigation = rows.add(
            Investigation,
            at=when,
            program_id=p.id,
            hearing_id=slot.id,
            questioning_summary=rng.choice(names.QUESTIONING),
            deliberation_summary=rng.choice(names.DELIBERATION),
        )
        for factor_id, _name in dict.fromkeys(life.found):
            rows.add(
                InvestigationFactor,
                at=when,
                program_id=p.id,
                investigation_id=investigation,
                factor_id=factor_id,
            )
        disposition = rows.add(
            Disposition, at=when, program_id=p.id, case_id=life.case_id, hearing_id=slot.id, decided_on=day
        )
        closed = life.closed_on if life.closed_on and life.closed_on <= today else None
        for number, plan in enumerate(life.sanctions):
            done = plan.completed_on if plan.completed_on and plan.completed_on <= today else None
            extended = plan.extension is not None and plan.extension[0] <= today
            status = (
                SanctionStatus.COMPLETED
                if done
                else (SanctionStatus.NOT_COMPLETED if closed else SanctionStatus.OPEN)
            )
            rows.add(
                Sanction,
                at=when + number * datetime.timedelta(seconds=1),
                id=plan.id,
                program_id=p.id,
                case_id=life.case_id,
                disposition_id=disposition,
                sanction_type=plan.sanction_type,
                quantity=plan.quantity,
                description=plan.description,
                factor_id=plan.factor_id,
                no_factor_reason="" if plan.factor_id else "Standard for the offense in the program's grid.",
                due_on=plan.due_on if extended else plan.original_due_on,
                original_due_on=plan.original_due_on,
                status=status,
                completed_on=done,
            )
            if extended and plan.extension:
                rows.add(
                    DeadlineExtension,
                    at=at(plan.extension[0], 15),
                    program_id=p.id,
                    sanction_id=plan.id,
                    previous_due_on=plan.original_due_on,
                    new_due_on=plan.due_on,
                    reason=plan.extension[1],
                    actor_name=life.coordinator.name,
                )
            for occurred, kind, amount, site, verified, notes, token in plan.progress:
                if occurred > today or (closed and occurred > closed):
                    continue
                rows.add(
                    SanctionProgress,
                    at=at(occurred, 19),
                    program_id=p.id,
                    sanction_id=plan.id,
                    case_id=life.case_id,
                    kind=kind,
                    occurred_on=occurred,
                    amount=amount,
                    site=site,
                    verified_by=verified,
                    notes=notes,
                    recorded_by_id=life.coordinator.id,
                    submission_token=token,
                )
        p.audit(when, life.coordinator, "disposition_create", "case", life.case_id, {
            "disposition_id": str(disposition), "sanctions": len(life.sanctions), "outside_grid": 0,
            "no_finding": sum(1 for plan in life.sanctions if not plan.factor_id), "hearing_id": str(slot.id),
        })  # fmt: skip

    def write_contacts(self, life: Life, intake: datetime.date | None, closed: datetime.date | None) -> None:
        """Coordinators call, text or meet the family about monthly, from intake until the case closes."""
        if intake is None:
            return
        rng, rows, p = self.rng, self.p.rows, self.p
        until = closed or self.today
        day = intake + rng.randint(0, 5) * DAY
        while day <= until:
            rows.add(
                ContactLog,
                at=at(day, 17, rng.randint(0, 59)),
                program_id=p.id,
                case_id=life.case_id,
                contacted_on=day,
                method=CONTACT_METHODS.pick(rng),
                contact_with=rng.choice(("Guardian", "Youth", "Youth and guardian")),
                summary=rng.choice(names.CONTACT_SUMMARIES),
                actor_id=life.coordinator.id,
                actor_name=life.coordinator.name,
            )
            day += rng.randint(18, 40) * DAY

    def write_follow_ups(self, life: Life, closed: datetime.date | None) -> list[Any]:
        """Records checks after a closure, what they found, and their timeline lines."""
        if closed is None or life.outcome not in (S.COMPLETED, S.UNSUCCESSFUL):
            return []
        rng, rows, p, today = self.rng, self.p.rows, self.p, self.today
        checks, timeline = [], []
        for months in p.follow_up_months:
            due = follow_up_end(closed, months)
            age = (today - due).days
            done = None
            if age > 30 or (age > 0 and rng.random() < 0.5):
                done = min(due + rng.randint(1, 20) * DAY, today)
            checks.append([p.rows.ids(), months, due, done, CheckResult.NO_NEW_OFFENSE if done else None])
        offended = first_offense_after(rng, life.opened, REOFFENDING[life.outcome])
        events: list[tuple[datetime.date, OutcomeEventType, UUID | None]] = []
        if offended is not None and offended <= today - 20 * DAY:
            finder = next((c for c in checks if c[3] and c[3] >= offended), None)
            if finder is not None or rng.random() < 0.5:
                if finder is not None:
                    finder[4] = CheckResult.NEW_OFFENSE
                first = first_event_type(rng)
                events.append((offended, first, finder[0] if finder else None))
                if first == OutcomeEventType.ARREST and rng.random() < 0.5:
                    events.append(
                        (
                            offended + rng.randint(10, 40) * DAY,
                            OutcomeEventType.CHARGE,
                            finder[0] if finder else None,
                        )
                    )
        for check_id, months, due, done, result in checks:
            rows.add(
                FollowUpCheck,
                at=at(closed, 16),
                id=check_id,
                program_id=p.id,
                case_id=life.case_id,
                window_months=months,
                due_on=due,
                completed_on=done,
                records_searched=SEARCHED if done else "",
                result=result,
                checked_by_id=life.coordinator.id if done else None,
            )
            if done:
                found = [e for e in events if e[2] == check_id]
                summary = f"{months}-month follow-up check on {done.isoformat()} (police, juvenile court records): {result.label.lower()}."  # type: ignore[union-attr]
                timeline.append((at(done, 15), EventKind.FOLLOW_UP, None, None, summary))
                p.audit(at(done, 15), life.coordinator, "follow_up_check_record", "follow_up_check", check_id, {
                    "case_id": str(life.case_id), "window_months": months, "result": result.value,  # type: ignore[union-attr]
                    "records_searched": SEARCHED, "events": len(found),
                })  # fmt: skip
        for occurred, event_type, check_id in events:
            if occurred > today:
                continue
            rows.add(
                OutcomeEvent,
                at=at(occurred + 10 * DAY, 15),
                program_id=p.id,
                case_id=life.case_id,
                check_id=check_id,
                occurred_on=occurred,
                event_type=event_type,
                offense_category=rng.choice(self.categories),
                source=RecordSystem.POLICE
                if event_type in (OutcomeEventType.ARREST, OutcomeEventType.NEW_REFERRAL)
                else RecordSystem.JUVENILE_COURT,
                recorded_by_id=life.coordinator.id,
            )
            if event_type == OutcomeEventType.NEW_REFERRAL and occurred <= today - 3 * DAY:
                self.new_referrals.append((life, occurred))
        return timeline

    def other_referrals(self) -> None:
        """Referrals that opened no case: declined, returned to the source, and this week's still pending.

        A youth referred again after their case (a new offense) is declined as no longer a first
        referral, on their own youth record.
        """
        rng, p = self.rng, self.p
        count = p.plan.cases
        for life, received in self.new_referrals:
            offense = self.accepted_offenses.pick(rng)
            decided = min(received + rng.randint(1, 5) * DAY, self.today)
            referral_id = p.rows.ids()
            who = p.coordinator()
            self.write_referral(
                life.youth_id, referral_id, received, offense, self.sources.pick(rng),
                ReferralStatus.DECLINED, decided, who, names.DECLINE_REASONS["earlier"],
            )  # fmt: skip
            p.audit(at(decided, 15), who, "referral_decline", "referral", referral_id, {"status": "declined"})
        days = self.received_days(round(count * 0.095))
        pending = max(1, round(count / max((self.today - p.start).days / 7, 1)))
        days += [self.today - rng.randint(0, 6) * DAY for _ in range(pending)]
        for received in days:
            youth_id, referral_id = p.rows.ids(), p.rows.ids()
            self.write_youth(self.youth(received), youth_id, received)
            who = p.coordinator()
            if received > self.today - 7 * DAY:
                status, decided = ReferralStatus.PENDING, None
            else:
                status = ReferralStatus.DECLINED if rng.random() < 0.63 else ReferralStatus.RETURNED
                decided = (
                    received
                    + (rng.randint(1, 6) if status == ReferralStatus.DECLINED else rng.randint(30, 36)) * DAY
                )
                decided = min(decided, self.today)
            offense = self.declined_offenses.pick(rng)
            reason, failed = "", ""
            if status == ReferralStatus.DECLINED:
                check = check_offense_class(offense.offense_class, "ABC")
                reason = (
                    check.reason
                    if not check.passed
                    else names.DECLINE_REASONS[rng.choice(("age", "violent", "earlier"))]
                )
            elif status == ReferralStatus.RETURNED:
                reason = names.RETURN_REASON
            source = self.sources.pick(rng)
            self.write_referral(
                youth_id, referral_id, received, offense, source, status, decided,
                who if decided else None, reason, failed, contacted=status != ReferralStatus.RETURNED,
            )  # fmt: skip
            if decided:
                action = "referral_decline" if status == ReferralStatus.DECLINED else "referral_return"
                p.audit(at(decided, 15), who, action, "referral", referral_id, {"status": status.value})
