"""A program's jurors: former respondents serving their jury duty and staying on, volunteers, their nights.

Most jurors are former respondents: every youth sentenced to jury duty joins the pool (as the
app enrolls them) and is seated on nights until the sentence is served, each night counted on
the sanction as the check-in counts it; about a third stay on afterwards. Volunteers from the
schools make up the rest. How long jurors stay is set so that the program's bookings fit its
nights: each night invites about the same number per courtroom from the jurors active then.
Past nights seat seven or eight confirmed jurors a courtroom, who came (or not, and were
credited for the hours they served); the other invitations were declined, cancelled, waitlisted
or never answered. Coming nights have their invitations out and the first replies in.
"""

from __future__ import annotations

import datetime
import heapq
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from youthcourt.demo.statewide import names
from youthcourt.demo.statewide.cases import Respondent
from youthcourt.demo.statewide.names import Mix
from youthcourt.demo.statewide.programs import Night, Person, Program, add_user, at
from youthcourt.jurors.checkin import hours_between
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    CourtRole,
    CreditEntry,
    CreditKind,
    Juror,
    JurorSource,
    JurorStatus,
    Qualification,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.programs.models import Role
from youthcourt.sanctions.models import ProgressKind

DAY = datetime.timedelta(days=1)
STAY_ON = 0.35
"""Former respondents who keep serving after their sentence."""
ATTENDANCE = Mix(
    ((Attendance.PRESENT, 86), (Attendance.LATE, 5), (Attendance.ABSENT, 5), (Attendance.EXCUSED, 4))
)
UNSEATED_PAST = Mix(
    (
        (BookingStatus.DECLINED, 45),
        (BookingStatus.WAITLISTED, 25),
        (BookingStatus.CANCELLED, 15),
        (BookingStatus.INVITED, 15),
    )
)
UNSEATED_COMING = Mix(
    ((BookingStatus.INVITED, 65), (BookingStatus.DECLINED, 25), (BookingStatus.WAITLISTED, 10))
)
TRAININGS = (
    ("Juror orientation", None, Decimal(2), 42),
    ("Foreperson training", CourtRole.FOREPERSON, Decimal(2), 91),
    ("Clerk training", CourtRole.CLERK, Decimal(4), 182),
    ("Bailiff training", CourtRole.BAILIFF, Decimal(4), 182),
    ("Youth judge training", CourtRole.YOUTH_JUDGE, Decimal(8), 365),
)
"""(title, role it qualifies for, hours, days between sessions)."""
ROLE_SHARES = ((CourtRole.FOREPERSON, 0.35), (CourtRole.CLERK, 0.1), (CourtRole.BAILIFF, 0.1))
JURY_ACCOUNTS = 5
"""Active jurors per program with a sign-in for the portal."""


@dataclass(slots=True, eq=False)
class Seat:
    """One booking as planned."""

    id: UUID
    juror: JurorPlan
    night: Night
    status: BookingStatus
    room: UUID | None = None
    role: CourtRole | None = None
    attendance: Attendance | None = None
    hours: Decimal | None = None


@dataclass(slots=True, eq=False)
class JurorPlan:
    id: UUID
    source: JurorSource
    first: str
    last: str
    born: datetime.date
    school: str
    grade: str
    start: datetime.date | None
    """The oath; none for an applicant who has not signed it."""
    end: datetime.date
    youth_id: UUID | None = None
    respondent: Respondent | None = None
    email: str = ""
    guardian: str = ""
    enrolled: datetime.date | None = None
    roles: dict[CourtRole, datetime.date] = field(default_factory=dict)
    credits: list[tuple[datetime.date, CreditKind, Decimal, str, dict[str, Any]]] = field(
        default_factory=list
    )
    user: Person | None = None
    served: int = 0
    promised: int = 0
    """Coming nights a respondent is booked on toward their sentence."""
    due: datetime.date | None = None
    stay: bool = False
    """Serves on after a sentence (volunteers always do)."""
    length: float = 1.0
    """The stay's length, as a share of the program's mean stay."""
    joined: float = 0.0
    """When a volunteer joined, as a share of the years."""


class Jurors:
    """Builds, books and writes one program's jurors."""

    def __init__(self, program: Program, respondents: list[Respondent], *, balances_by_trigger: bool) -> None:
        self.p = program
        self.rng = program.rng
        self.today = program.today
        self.respondents = respondents
        self.balances_by_trigger = balances_by_trigger
        """SQLite keeps balances by its trigger during the load; on PostgreSQL the load writes them."""
        self.nights = [night for night in program.nights if night.held]
        self.jurors: list[JurorPlan] = []
        self.seats: list[Seat] = []
        self.booked: dict[UUID, set[int]] = {}
        first, last = self.nights[0].held_on, self.nights[-1].held_on
        self.interval = max((last - first).days / max(len(self.nights) - 1, 1), 1.0)

    # Who serves, and when ------------------------------------------------------------------------

    def build(self) -> None:
        """The jurors, and how long each serves: long enough, together, for the program's bookings.

        A night can invite only the jurors serving then, so the stays are lengthened (a few times
        at most) until the nights could take about 1.6 invitations for each one to be made.
        """
        rng, p = self.rng, self.p
        respondents = self.respondents[: p.plan.jurors]
        for respondent in respondents:
            completes = respondent.target == int(respondent.sanction.quantity)
            stays = respondent.pinned or (completes and rng.random() < STAY_ON)
            self.jurors.append(self.former_respondent(respondent, stays=stays))
        for _ in range(max(p.plan.jurors - len(respondents), 0)):
            self.jurors.append(self.volunteer())
        service = sum(r.target for r in respondents) * 1.08
        wanted = 1.6 * max(p.plan.bookings - service, 0)
        staying = sum(1 for juror in self.jurors if juror.stay)
        mean = max(wanted * self.interval / max(staying, 1), 90.0)
        longest = (self.today - p.start).days * 1.5
        for _attempt in range(6):
            for juror in self.jurors:
                self.stay(juror, mean)
            capacity = self.capacity()
            if capacity >= wanted + service or mean >= longest:
                break
            mean = min(mean * min(3.0, (wanted + service) / max(capacity, 1)), longest)
        for juror in self.jurors:
            if juror.source == JurorSource.VOLUNTEER and juror.start and juror.start > self.today - 40 * DAY:
                juror.start = None if rng.random() < 0.5 else juror.start  # screened, the oath still to sign
            self.qualify(juror)

    def capacity(self) -> int:
        """Invitations the nights could make: each night, one per juror serving then."""
        total = 0

        def count(_night: Night, active: list[JurorPlan]) -> None:
            nonlocal total
            total += len(active)

        self.sweep(count)
        return total

    def stay(self, juror: JurorPlan, mean: float) -> None:
        """When a juror starts (volunteers) and stops serving, for a mean stay of ``mean`` days."""
        if juror.respondent is not None:
            respondent = juror.respondent
            served_until = respondent.until if respondent.target else respondent.oath + 7 * DAY
            juror.end = served_until + round(mean * juror.length) * DAY if juror.stay else served_until
            if respondent.pinned:
                juror.end = self.today + 730 * DAY
            return
        first = self.p.start - round(mean / 2) * DAY
        juror.start = min(first + round(juror.joined * (self.today - first).days) * DAY, self.today - 7 * DAY)
        juror.end = juror.start + max(60, round(mean * juror.length)) * DAY
        juror.enrolled = juror.start - 21 * DAY

    def former_respondent(self, respondent: Respondent, stays: bool) -> JurorPlan:
        youth, life = respondent.life.youth, respondent.life
        enrolled = life.disposed.night.held_on if life.disposed else respondent.oath
        return JurorPlan(
            self.p.rows.ids(),
            JurorSource.FORMER_RESPONDENT,
            youth.first,
            youth.last,
            youth.born,
            youth.school,
            youth.grade,
            respondent.oath if respondent.oath <= self.today else None,
            respondent.oath,
            youth_id=life.youth_id,
            respondent=respondent,
            email=youth.email,
            guardian=youth.guardian,
            enrolled=enrolled,
            due=respondent.oath,
            stay=stays,
            length=self.rng.uniform(0.4, 1.6),
        )

    def volunteer(self) -> JurorPlan:
        rng, p = self.rng, self.p
        age = rng.randint(13, 17)
        last = rng.choice(names.LAST_NAMES)
        juror = JurorPlan(
            p.rows.ids(),
            JurorSource.VOLUNTEER,
            rng.choice(names.FIRST_NAMES),
            last,
            self.today - datetime.timedelta(days=age * 365 + rng.randint(10, 350)),
            rng.choice(p.schools),
            str(max(7, min(12, age - 5))),
            self.today,
            self.today,
            guardian=f"{rng.choice(names.GUARDIAN_FIRST)} {last}",
            stay=True,
            length=rng.uniform(0.4, 1.6),
            joined=rng.random(),
        )
        return juror

    def qualify(self, juror: JurorPlan) -> None:
        """Court roles for jurors who stay long enough to learn them."""
        if juror.start is None:
            return
        rng = self.rng
        juror.roles[CourtRole.JUROR] = juror.start
        last = min(juror.end, self.today)
        if (last - juror.start).days < 150:
            return
        for role, share in ROLE_SHARES:
            if rng.random() < share:
                juror.roles[role] = juror.start + rng.randint(60, 150) * DAY
        foreperson = juror.roles.get(CourtRole.FOREPERSON)
        if foreperson and (last - foreperson).days > 120 and rng.random() < 0.2:
            juror.roles[CourtRole.YOUTH_JUDGE] = foreperson + rng.randint(90, 120) * DAY

    # The nights ------------------------------------------------------------------------------------

    def sweep(self, visit: Any) -> None:
        """Call ``visit(night, active)`` for each night, with the sworn jurors serving then."""
        sworn = sorted((j for j in self.jurors if j.start is not None), key=lambda j: j.start)  # type: ignore[arg-type, return-value]
        active: list[JurorPlan] = []
        where: dict[int, int] = {}
        ends: list[tuple[datetime.date, int, JurorPlan]] = []
        next_one = 0
        for night in self.nights:
            day = night.held_on
            joined_by = min(day, self.today)
            while next_one < len(sworn) and sworn[next_one].start <= joined_by:  # type: ignore[operator]
                juror = sworn[next_one]
                where[id(juror)] = len(active)
                active.append(juror)
                heapq.heappush(ends, (juror.end, next_one, juror))
                next_one += 1
            while ends and ends[0][0] < day:
                _end, _n, juror = heapq.heappop(ends)
                index = where.pop(id(juror))
                moved = active.pop()
                if moved is not juror:
                    active[index] = moved
                    where[id(moved)] = index
            visit(night, active)

    def book(self) -> None:
        """Seat the jurors night by night; then make the count exact with more or fewer unanswered ones."""
        rooms = sum(len(night.rooms) for night in self.nights)
        self.rate = self.p.plan.bookings / max(rooms, 1)
        self.carry = 0.0
        self.waiting: list[tuple[datetime.date, int, JurorPlan]] = [
            (j.due, n, j)
            for n, j in enumerate(self.jurors)
            if j.respondent and j.start and j.respondent.target
        ]
        heapq.heapify(self.waiting)
        self.sweep(self.seat_night)
        self.missing = self.p.plan.bookings - len(self.seats)
        for _attempt in range(3):
            if self.missing <= 0:
                break
            before, self.nights_left = self.missing, len(self.nights)
            self.sweep(self.add_unanswered)
            if self.missing == before:
                break  # every juror serving on every night is invited already
        if self.missing < 0:
            self.drop_unanswered(-self.missing)
        self.finish_jury_duty()

    def due_tonight(self, night: Night) -> list[JurorPlan]:
        """Former respondents whose next night of jury duty this is."""
        day, due = night.held_on, []
        while self.waiting and self.waiting[0][0] <= day:
            juror = heapq.heappop(self.waiting)[2]
            respondent = juror.respondent
            assert respondent is not None
            if juror.served + juror.promised < respondent.target and day <= min(respondent.until, juror.end):
                due.append(juror)
        due.sort(key=lambda juror: not (juror.respondent and juror.respondent.pinned))
        return due

    def seat_night(self, night: Night, active: list[JurorPlan]) -> None:
        rng, day = self.rng, night.held_on
        coming = day >= self.today
        due = self.due_tonight(night)
        quota = self.rate * len(night.rooms) + self.carry
        wanted = max(int(quota) - len(due), 0)
        taken = {id(j) for j in due}
        drawn = rng.sample(active, min(len(active), wanted + len(due)))
        pool = [j for j in drawn if id(j) not in taken and self.invited(j)][:wanted]
        self.carry = quota - len(due) - len(pool)
        seats = sum(rng.choice((7, 8, 8)) for _ in night.rooms)
        if coming:
            ahead = (day - self.today).days
            seats = round(seats * (0.9 if ahead <= 7 else 0.6 if ahead <= 21 else 0.35))
        seated = due + pool[: max(seats - len(due), 0)]
        unseated = pool[max(seats - len(due), 0) :]
        booked = self.booked.setdefault(night.id, set())
        for index, juror in enumerate(seated):
            room = (
                night.rooms[index % len(night.rooms)] if index < len(night.rooms) * self.p.jury_max else None
            )
            seat = Seat(self.p.rows.ids(), juror, night, BookingStatus.CONFIRMED, room.id if room else None)
            self.seats.append(seat)
            booked.add(id(juror))
            if not coming:
                self.attend(seat)
            if juror.respondent is not None and juror in due:
                self.count_service(juror, seat, coming)
        self.roles(night, [s for s in self.seats[-len(seated) :]] if seated else [])
        full = len(seated) >= seats
        for juror in unseated:
            status = (UNSEATED_COMING if coming else UNSEATED_PAST).pick(rng)
            if status == BookingStatus.WAITLISTED and not full:
                status = BookingStatus.DECLINED
            self.seats.append(Seat(self.p.rows.ids(), juror, night, status))
            booked.add(id(juror))

    @staticmethod
    def invited(juror: JurorPlan) -> bool:
        """Former respondents serve their sentence's nights first, then join the others if they stay."""
        respondent = juror.respondent
        return respondent is None or (juror.stay and juror.served >= respondent.target)

    def attend(self, seat: Seat) -> None:
        rng, night = self.rng, seat.night
        pinned = seat.juror.respondent is not None and seat.juror.respondent.pinned
        seat.attendance = Attendance.PRESENT if pinned else ATTENDANCE.pick(rng)
        if seat.attendance == Attendance.PRESENT:
            seat.hours = hours_between(night.starts_at, night.ends_at)
        elif seat.attendance == Attendance.LATE:
            start = datetime.datetime.combine(night.held_on, night.starts_at)
            arrived = (start + datetime.timedelta(minutes=rng.choice((20, 30, 45)))).time()
            seat.hours = hours_between(arrived, night.ends_at)
        else:
            seat.hours = Decimal("0.00")
        if seat.hours:
            amount = (seat.hours * self.p.credits_per_hour).quantize(Decimal("0.01"))
            seat.juror.credits.append(
                (
                    night.held_on,
                    CreditKind.SERVICE,
                    amount,
                    f"Jury service on {night.held_on.isoformat()}",
                    {"booking_id": seat.id},
                )
            )

    def count_service(self, juror: JurorPlan, seat: Seat, coming: bool) -> None:
        """A night on a jury counts one session of the respondent's jury duty, as check-in counts it."""
        respondent = juror.respondent
        assert respondent is not None
        day, spacing = seat.night.held_on, max(7.0, self.interval)
        if coming:
            juror.promised += 1
            juror.due = day + round(spacing * 1.2) * DAY
        elif seat.attendance in (Attendance.PRESENT, Attendance.LATE):
            juror.served += 1
            respondent.sanction.progress.append(
                (
                    day,
                    ProgressKind.JURY_SERVICE,
                    Decimal(1),
                    "",
                    "",
                    "Served on a jury (hearing-night check-in).",
                    f"jury-night:{seat.id}",
                )
            )
            if juror.served == int(respondent.sanction.quantity):
                respondent.sanction.completed_on = day
            juror.due = day + (12 if respondent.pinned else round(spacing * self.rng.uniform(1.0, 1.5))) * DAY
        else:
            juror.due = day + DAY
        if juror.served + juror.promised < respondent.target:
            heapq.heappush(self.waiting, (juror.due, id(juror), juror))  # type: ignore[arg-type]

    def roles(self, night: Night, seats: list[Seat]) -> None:
        """Each courtroom's foreperson, clerk, bailiff and youth judge from those qualified; the rest sit as jurors."""
        day = night.held_on
        for room_id, _name in night.rooms:
            here = [seat for seat in seats if seat.room == room_id]
            for seat in here:
                seat.role = CourtRole.JUROR
            for role in (CourtRole.FOREPERSON, CourtRole.CLERK, CourtRole.BAILIFF, CourtRole.YOUTH_JUDGE):
                chosen = next(
                    (
                        s
                        for s in here
                        if s.role == CourtRole.JUROR and s.juror.roles.get(role, day + DAY) <= day
                    ),
                    None,
                )
                if chosen is not None:
                    chosen.role = role

    def add_unanswered(self, night: Night, active: list[JurorPlan]) -> None:
        """More invitations nobody took up, spread over the nights, until the bookings add up."""
        booked = self.booked.setdefault(night.id, set())
        share = math.ceil(self.missing / max(self.nights_left, 1))
        self.nights_left -= 1
        coming = night.held_on >= self.today
        for juror in active:
            if share <= 0 or self.missing <= 0:
                break
            if id(juror) in booked or not self.invited(juror):
                continue
            status = (UNSEATED_COMING if coming else UNSEATED_PAST).pick(self.rng)
            if status == BookingStatus.WAITLISTED:
                status = BookingStatus.DECLINED
            self.seats.append(Seat(self.p.rows.ids(), juror, night, status))
            booked.add(id(juror))
            share -= 1
            self.missing -= 1

    def drop_unanswered(self, extra: int) -> None:
        unanswered = [i for i, seat in enumerate(self.seats) if seat.status != BookingStatus.CONFIRMED]
        dropped = set(self.rng.sample(unanswered, min(extra, len(unanswered))))
        self.seats = [seat for i, seat in enumerate(self.seats) if i not in dropped]

    def finish_jury_duty(self) -> None:
        """A sentence that ended completed counts in full: nights this program could not seat were served elsewhere."""
        for juror in self.jurors:
            respondent = juror.respondent
            if respondent is None:
                continue
            quantity = int(respondent.sanction.quantity)
            if respondent.target == quantity and juror.served < quantity and respondent.until <= self.today:
                day = max(respondent.until - 3 * DAY, respondent.oath)
                respondent.sanction.progress.append(
                    (
                        day,
                        ProgressKind.ATTENDANCE,
                        Decimal(quantity - juror.served),
                        "",
                        "",
                        "Served on a neighboring program's jury.",
                        None,
                    )
                )
                respondent.sanction.completed_on = day

    # The rows -----------------------------------------------------------------------------------

    def write(self, password_hash: str, juror_user: Person | None) -> None:
        rows, p, rng = self.p.rows, self.p, self.rng
        sessions = self.training_sessions()
        accounts = [
            j for j in self.jurors if j.start and j.end >= self.today and j.source == JurorSource.VOLUNTEER
        ]
        for number, juror in enumerate(rng.sample(accounts, min(JURY_ACCOUNTS, len(accounts)))):
            email = f"{juror.first}.{juror.last}.{number}.juror@{p.plan.slug}.example.org".lower()
            juror.email = email
            juror.user = add_user(
                p,
                email,
                f"{juror.first} {juror.last}",
                Role.JUROR,
                password_hash,
                created=at(juror.start or self.today),
            )
        for juror in self.jurors:
            if juror.respondent is not None and juror.respondent.pinned:
                juror.user = juror_user
            self.train(juror, sessions)
            self.redeem(juror)
        for juror in self.jurors:
            self.write_juror(juror)
        for seat in self.seats:
            night = seat.night
            answered = seat.status not in (BookingStatus.INVITED,)
            responded = (
                min(at(night.held_on - rng.randint(3, 14) * DAY, 22), rows.stamp) if answered else None
            )
            rows.add(
                Booking,
                at=at(min(night.held_on - rng.randint(15, 30) * DAY, self.today), 14),
                id=seat.id,
                program_id=p.id,
                juror_id=seat.juror.id,
                night_id=night.id,
                courtroom_id=seat.room,
                status=seat.status,
                role=seat.role if seat.room else None,
                responded_at=responded,
                attendance=seat.attendance,
                hours=seat.hours,
                excuse_reason=rng.choice(names.EXCUSES) if seat.attendance == Attendance.EXCUSED else "",
            )
        entries = [
            (day, kind, amount, reason, links, juror)
            for juror in self.jurors
            for day, kind, amount, reason, links in juror.credits
        ]
        # Earnings before spending on the same day, oldest first: the balance never goes below zero.
        entries.sort(key=lambda entry: (entry[0], -entry[2]))
        for day, kind, amount, reason, links, juror in entries:
            rows.add(
                CreditEntry,
                at=at(day, 23),
                program_id=p.id,
                juror_id=juror.id,
                occurred_on=day,
                kind=kind,
                amount=amount,
                reason=reason,
                actor_name=p.coordinators[0].name,
                **links,
            )

    def status(self, juror: JurorPlan) -> JurorStatus:
        if juror.start is None:
            return JurorStatus.APPLICANT
        if juror.end < self.today:
            return JurorStatus.ALUMNI
        return (
            JurorStatus.SUSPENDED if juror.user is None and self.rng.random() < 0.015 else JurorStatus.ACTIVE
        )

    def write_juror(self, juror: JurorPlan) -> None:
        rows, p = self.p.rows, self.p
        volunteer = juror.source == JurorSource.VOLUNTEER
        balance = sum((amount for _d, _k, amount, _r, _l in juror.credits), Decimal(0))
        rows.add(
            Juror,
            at=at(juror.enrolled or juror.start or self.today, 20),
            id=juror.id,
            program_id=p.id,
            source=juror.source,
            status=self.status(juror),
            youth_id=juror.youth_id,
            user_id=juror.user.id if juror.user else None,
            first_name=juror.first,
            last_name=juror.last,
            date_of_birth=juror.born,
            school=juror.school,
            grade=juror.grade,
            email=juror.email,
            guardian_name=juror.guardian,
            parent_consent_on=juror.enrolled if volunteer else None,
            screening_notes="Interviewed; recommended by a teacher." if volunteer else "",
            oath_signed_on=juror.start,
            credit_balance=Decimal(0) if self.balances_by_trigger else balance,
        )
        for role, earned in juror.roles.items():
            if earned <= self.today:
                rows.add(
                    Qualification,
                    at=at(earned, 20),
                    program_id=p.id,
                    juror_id=juror.id,
                    role=role,
                    earned_on=earned,
                )

    def training_sessions(self) -> dict[CourtRole | None, list[tuple[datetime.date, UUID, Decimal, str]]]:
        rows, p = self.p.rows, self.p
        sessions: dict[CourtRole | None, list[tuple[datetime.date, UUID, Decimal, str]]] = {}
        for title, role, hours, every in TRAININGS:
            day = p.start - 60 * DAY
            while day <= self.today:
                session_id = rows.add(
                    TrainingSession,
                    at=at(day - 30 * DAY),
                    program_id=p.id,
                    held_on=day,
                    title=title,
                    hours=hours,
                    role=role,
                )
                sessions.setdefault(role, []).append((day, session_id, hours, title))
                day += every * DAY
        return sessions

    def train(
        self,
        juror: JurorPlan,
        sessions: dict[CourtRole | None, list[tuple[datetime.date, UUID, Decimal, str]]],
    ) -> None:
        """The orientation before the oath, and each role's training before the role."""
        if juror.start is None:
            return
        wanted = [(None, juror.start)] + [
            (role, day) for role, day in juror.roles.items() if role != CourtRole.JUROR
        ]
        for role, by in wanted:
            if by > self.today:
                continue
            held = [s for s in sessions.get(role, []) if s[0] <= by]
            if not held:
                continue
            day, session_id, hours, title = held[-1]
            attendance = self.p.rows.add(
                TrainingAttendance,
                at=at(day, 22),
                program_id=self.p.id,
                session_id=session_id,
                juror_id=juror.id,
            )
            juror.credits.append(
                (
                    day,
                    CreditKind.TRAINING,
                    hours * self.p.credits_per_hour,
                    title,
                    {"training_id": attendance},
                )
            )

    def redeem(self, juror: JurorPlan) -> None:
        """Some jurors spend credits on a reward once they have enough."""
        if not juror.credits or self.rng.random() > 0.3:
            return
        reward_id, name, cost = self.rng.choice(self.p.rewards)
        earned = Decimal(0)
        for day, _kind, amount, _reason, _links in sorted(juror.credits, key=lambda c: c[0]):
            earned += amount
            if earned >= cost:
                spent = day + self.rng.randint(7, 60) * DAY
                if spent <= self.today:
                    juror.credits.append(
                        (spent, CreditKind.REDEMPTION, -cost, f"Redeemed: {name}", {"reward_id": reward_id})
                    )
                return
