"""One program of the statewide set: its settings, reference lists, staff, schedule of nights and audit basics.

Everything a program's cases and jurors draw on is made here and kept in :class:`Program`, which
the case and juror generators share. The reference lists are the ones a new program starts with
(``reference.defaults``), so the statewide programs look like programs created in the app.
"""

from __future__ import annotations

import datetime
import functools
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from youthcourt.accounts.models import Membership, User
from youthcourt.audit.models import AuditEntry
from youthcourt.demo.jurors import REWARDS
from youthcourt.demo.people import DEMO_TOTP_SECRET, DOCUMENTED
from youthcourt.demo.statewide import names
from youthcourt.demo.statewide.rows import Rows
from youthcourt.jurors.models import Reward
from youthcourt.programs.models import Program as ProgramRow
from youthcourt.programs.models import Role
from youthcourt.reference.defaults import CONTRIBUTING, GRID, OFFENSES, SOURCES, STRENGTHS
from youthcourt.reference.models import (
    Factor,
    FactorKind,
    Offense,
    OffenseClass,
    ProgramPolicy,
    ReferralSource,
    SanctionRule,
    SourceKind,
)

HEARINGS_PER_NIGHT = 15
"""What a program plans a night for: three or four courtrooms of four to eight cases."""
HOLIDAYS = frozenset({(1, 1), (7, 4), (12, 24), (12, 25), (12, 31)})
"""No court sits on these days."""
HORIZON_DAYS = 35
"""Nights are on the calendar this far ahead (at least the next two)."""
TRAIL_YEARS = 3
"""The programs moved onto this installation three years ago: older records came over without a trail."""
STAFF_ROLES = (Role.COORDINATOR, Role.PROGRAM_ADMIN, Role.EVALUATOR)


_MINUTES = [datetime.timedelta(minutes=minutes) for minutes in range(48 * 60)]


@functools.lru_cache(maxsize=8192)
def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), datetime.UTC)


def at(day: datetime.date, hour: int = 15, minute: int = 0) -> datetime.datetime:
    """A moment of ``day`` in UTC (15:00 UTC is late morning in the programs' zone)."""
    return _midnight(day) + _MINUTES[hour * 60 + minute]


@dataclass(frozen=True)
class Person:
    """A user as timelines and audit entries name them."""

    id: UUID
    name: str


@dataclass(frozen=True)
class OffenseRef:
    id: UUID
    name: str
    category: str
    offense_class: OffenseClass


@dataclass(frozen=True)
class Plan:
    """What the statewide plan asks of one program."""

    index: int
    name: str
    slug: str
    county: str
    cases: int
    jurors: int
    bookings: int
    seed: int


@dataclass(eq=False)
class Night:
    """A hearing night on the program's calendar; the case simulation fills its docket."""

    held_on: datetime.date
    starts_at: datetime.time
    ends_at: datetime.time
    id: UUID
    slots: list[Any] = field(default_factory=list)
    """The hearings on its docket (``cases.Slot``), in docket order."""
    rooms: list[tuple[UUID, str]] = field(default_factory=list)
    held: bool = False
    """On the calendar for good: a past night with a docket, or a coming one."""

    @property
    def hour_utc(self) -> int:
        """The hour after the night starts, in UTC (the programs sit in New York's zone)."""
        return self.starts_at.hour + 6


@dataclass(eq=False)
class Program:
    """One program while its rows are made: identity, settings, reference lists, staff and calendar."""

    plan: Plan
    rng: random.Random
    rows: Rows
    today: datetime.date
    start: datetime.date
    """The first day of the set's years."""
    id: UUID = field(init=False)
    deadline_days: int = 90
    follow_up_months: tuple[int, ...] = (6, 12)
    jury_max: int = 8
    credits_per_hour: int = 1
    discharge_hearings: bool = False
    review_share: float = 0.25
    night_interval: float = 7.0
    """Mean days between nights."""
    sources: list[tuple[UUID, SourceKind]] = field(default_factory=list)
    offenses: list[OffenseRef] = field(default_factory=list)
    needs: list[tuple[UUID, str]] = field(default_factory=list)
    strengths: list[tuple[UUID, str]] = field(default_factory=list)
    rewards: list[tuple[UUID, str, Decimal]] = field(default_factory=list)
    coordinators: list[Person] = field(default_factory=list)
    coordinator_weights: list[float] = field(default_factory=list)
    users: dict[str, Person] = field(default_factory=dict)
    """The documented demo accounts, by email (first program only)."""
    schools: list[str] = field(default_factory=list)
    sites: list[tuple[str, str]] = field(default_factory=list)
    nights: list[Night] = field(default_factory=list)
    location: str = ""

    @functools.cached_property
    def audit_start(self) -> datetime.date:
        return self.today - datetime.timedelta(days=365 * TRAIL_YEARS)

    def coordinator(self) -> Person:
        return self.rng.choices(self.coordinators, self.coordinator_weights)[0]

    def ip_address(self) -> str:
        return f"10.{20 + self.plan.index % 200}.{self.rng.randint(1, 9)}.{self.rng.randint(10, 250)}"

    def audit(
        self,
        when: datetime.datetime,
        actor: Person | None,
        action: str,
        record_type: str | None = None,
        record_id: UUID | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        """An audit entry as the app writes it, kept only inside the trail's years and never after now."""
        if when.date() < self.audit_start or when.date() > self.today:
            return
        self.rows.add(
            AuditEntry,
            program_id=self.id,
            occurred_at=min(when, self.rows.stamp),
            actor_id=actor.id if actor else None,
            actor_name=actor.name if actor else "",
            action=action,
            record_type=record_type,
            record_id=str(record_id) if record_id else None,
            ip_address=self.ip_address(),
            user_agent=names.USER_AGENT,
            details=details or {},
        )


def set_up(program: Program, password_hash: str) -> None:
    """The program row, its policy and reference lists, its staff and its calendar of nights."""
    rng, rows, plan = program.rng, program.rows, program.plan
    created = at(program.start - datetime.timedelta(days=rng.randint(30, 120)))
    program.id = rows.add(
        ProgramRow,
        at=created,
        name=plan.name,
        slug=plan.slug,
        timezone="America/New_York",
        research_key=f"{rng.getrandbits(256):064x}",
    )
    program.deadline_days = rng.choice((90, 90, 90, 120))
    program.follow_up_months = rng.choice(((6, 12), (6, 12), (6, 12, 24)))
    program.discharge_hearings = plan.index == 0 or rng.random() < 0.6
    program.review_share = rng.uniform(0.45, 0.75)
    rows.add(
        ProgramPolicy,
        at=created,
        program_id=program.id,
        sanction_deadline_days=program.deadline_days,
        follow_up_months=",".join(str(m) for m in program.follow_up_months),
        jury_max=program.jury_max,
        credits_per_hour=program.credits_per_hour,
        contact_phone=f"555-01{plan.index % 100:02d}",
    )
    _reference(program, created)
    _staff(program, password_hash, created)
    _calendar(program)
    schools = [
        f"{rng.choice(names.SCHOOL_NAMES)} {kind}"
        for kind in (*rng.sample(names.SCHOOL_KINDS, 3), "High School")
    ]
    program.schools = list(dict.fromkeys([*schools, f"{plan.county} High School"]))
    program.sites = [(f"{plan.county} {site}", who) for site, who in rng.sample(names.SERVICE_SITES, 3)]
    program.location = rng.choice((f"{plan.county} County Courthouse", f"{plan.county} Community Center"))
    program.audit(created, program.users.get("admin@example.org"), "program_create", "program", program.id)


def _reference(program: Program, created: datetime.datetime) -> None:
    rows, program_id = program.rows, program.id
    program.sources = [
        (rows.add(ReferralSource, at=created, program_id=program_id, name=name, kind=kind), kind)
        for name, kind in SOURCES
    ]
    program.offenses = [
        OffenseRef(
            rows.add(
                Offense,
                at=created,
                program_id=program_id,
                name=name,
                category=category,
                offense_class=offense_class,
            ),
            name,
            category,
            offense_class,
        )
        for name, category, offense_class in OFFENSES
    ]
    for kind, ranges in GRID.items():
        for offense_class, (low, high) in ranges.items():
            rows.add(
                SanctionRule,
                at=created,
                program_id=program_id,
                offense_class=offense_class,
                sanction_type=kind,
                min_quantity=low,
                max_quantity=high,
            )
    program.needs = [
        (rows.add(Factor, at=created, program_id=program_id, kind=FactorKind.CONTRIBUTING, name=name), name)
        for name in CONTRIBUTING
    ]
    program.strengths = [
        (rows.add(Factor, at=created, program_id=program_id, kind=FactorKind.STRENGTH, name=name), name)
        for name in STRENGTHS
    ]
    program.rewards = [
        (
            rows.add(Reward, at=created, program_id=program_id, name=name, cost=Decimal(cost)),
            name,
            Decimal(cost),
        )
        for name, cost in REWARDS
    ]


def add_user(
    program: Program,
    email: str,
    name: str,
    role: Role,
    password_hash: str,
    *,
    created: datetime.datetime,
    site_admin: bool = False,
    authenticator: bool = False,
) -> Person:
    """A user with one membership, in this program."""
    rows = program.rows
    user_id = rows.add(
        User,
        at=created,
        email=email,
        full_name=name,
        password_hash=password_hash,
        is_site_admin=site_admin,
        last_sign_in_at=at(program.today - datetime.timedelta(days=program.rng.randint(0, 6)), 13),
        totp_secret=DEMO_TOTP_SECRET if authenticator else None,
        totp_enabled_at=created if authenticator else None,
    )
    rows.add(Membership, at=created, program_id=program.id, user_id=user_id, role=role)
    return Person(user_id, name)


def _staff(program: Program, password_hash: str, created: datetime.datetime) -> None:
    """Coordinators, a program admin and an evaluator; the documented accounts in the first program."""
    plan = program.plan
    staff: list[tuple[Person, Role]] = []
    if plan.index == 0:
        for email, name, role, site_admin in DOCUMENTED:
            person = add_user(
                program,
                email,
                name,
                role,
                password_hash,
                created=created,
                site_admin=site_admin,
                authenticator=True,
            )
            program.users[email] = person
            if role != Role.JUROR:
                staff.append((person, role))
    else:
        for role in (Role.PROGRAM_ADMIN, Role.EVALUATOR):
            staff.append((_random_staff(program, role, password_hash, created, len(staff)), role))
    coordinators = [p for p, role in staff if role == Role.COORDINATOR]
    for number in range(2 + plan.cases // 6000 - len(coordinators)):
        person = _random_staff(program, Role.COORDINATOR, password_hash, created, len(staff) + number)
        coordinators.append(person)
        staff.append((person, Role.COORDINATOR))
    program.coordinators = coordinators
    # The documented coordinator carries the largest caseload of the first program.
    program.coordinator_weights = [
        3.0 if index == 0 and plan.index == 0 else 1.0 for index in range(len(coordinators))
    ]
    for person, _role in staff:
        _sign_ins(program, person)


def _random_staff(
    program: Program, role: Role, password_hash: str, created: datetime.datetime, number: int
) -> Person:
    rng = program.rng
    first, last = rng.choice(names.FIRST_NAMES), rng.choice(names.LAST_NAMES)
    email = f"{first}.{last}.{number}@{program.plan.slug}.example.org".lower()
    return add_user(program, email, f"{first} {last}", role, password_hash, created=created)


def _sign_ins(program: Program, person: Person) -> None:
    """Staff sign in on most working days; the trail keeps what falls inside its retention."""
    rng = program.rng
    day = max(program.audit_start, program.start)
    while day <= program.today:
        if day.weekday() < 5 and rng.random() < 0.4:
            program.audit(
                at(day, rng.randint(12, 15), rng.randint(0, 59)),
                person,
                "sign_in",
                "user",
                person.id,
                {"method": "password and authenticator code"},
            )
        day += datetime.timedelta(days=1)


def _calendar(program: Program) -> None:
    """Nights on fixed weekdays, as often as the program's caseload needs, up to the horizon.

    A program plans about :data:`HEARINGS_PER_NIGHT` hearings a night: large programs sit two or
    three evenings a week, small ones every few weeks. Which nights are held is decided when
    their dockets are filled (a night with too few cases ready is not held).
    """
    rng, plan = program.rng, program.plan
    years = max((program.today - program.start).days / 365, 1)
    # An initial hearing (a second date after a no-show), reviews, and discharge hearings where held.
    per_case = 1.05 + 0.9 * program.review_share + (0.75 if program.discharge_hearings else 0)
    weekly = plan.cases / years * per_case / 52
    if weekly >= 1.5 * HEARINGS_PER_NIGHT:
        per_week = min(3, round(weekly / HEARINGS_PER_NIGHT))
        weekdays: tuple[int, ...] = {2: (0, 3), 3: (0, 2, 4)}[per_week]  # evenly spread over the week
        every = 1
    else:
        weekdays = (rng.choice((1, 2, 3, 5)),)
        every = max(1, min(8, round(HEARINGS_PER_NIGHT / max(weekly, 0.1))))
    saturday = weekdays == (5,)
    starts = datetime.time(9) if saturday else rng.choice((datetime.time(17, 30), datetime.time(18)))
    ends = datetime.time(12) if saturday else datetime.time(20, 30)
    program.night_interval = 7 * every / len(weekdays)
    horizon = program.today + datetime.timedelta(
        days=max(HORIZON_DAYS, math.ceil(2 * program.night_interval))
    )
    monday = program.start - datetime.timedelta(days=program.start.weekday()) + datetime.timedelta(weeks=2)
    week = 0
    while monday <= horizon:
        if week % every == 0:
            for weekday in weekdays:
                day = monday + datetime.timedelta(days=weekday)
                if program.start < day <= horizon and (day.month, day.day) not in HOLIDAYS:
                    program.nights.append(Night(day, starts, ends, program.rows.ids()))
        monday += datetime.timedelta(weeks=1)
        week += 1
