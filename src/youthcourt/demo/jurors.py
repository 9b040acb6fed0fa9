"""Demo jurors: former respondents and volunteers with oaths, training, bookings, attendance and credits.

``juror@example.org`` (Jordan Reyes) is a former respondent still serving the jury duty
of their own sentence, with past nights served and nights coming up.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from youthcourt.accounts.models import Membership, User
from youthcourt.cases.models import Case, CaseCounter, CaseState
from youthcourt.hearings.models import Courtroom, HearingNight
from youthcourt.jurors import invitations
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
    Reward,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.programs.models import Role
from youthcourt.reference.models import SanctionType
from youthcourt.reference.services import policy as program_policy
from youthcourt.referrals.models import Guardian, Referral, ReferralStatus, Youth
from youthcourt.sanctions.models import Disposition, ProgressKind, Sanction, SanctionProgress

if TYPE_CHECKING:
    from youthcourt.demo import DemoContext

SCHOOLS = ("Riverside High School", "Lincoln Middle School", "Eastside Academy", "Northgate High School")
DEMO_PORTAL_URL = "http://127.0.0.1:8000/me"
"""Where ``make run`` serves the juror portal: the address in the demo's queued invitations."""
REWARDS = (
    ("Movie ticket", 5),
    ("$10 bookstore gift card", 10),
    ("Certificate of service", 15),
    ("Summer trip", 40),
)


class JurorBuilder:
    def __init__(self, context: DemoContext) -> None:
        self.c = context
        self.db = context.db
        self.rng = context.rng
        self.program_id = context.program.id
        self.today = datetime.date.today()
        self.coordinator = context.users["coordinator@example.org"]

    async def load(self) -> None:
        nights = (
            await self.db.scalars(
                select(HearingNight)
                .options(selectinload(HearingNight.courtrooms))
                .order_by(HearingNight.held_on)
            )
        ).all()
        self.past = [n for n in nights if n.held_on < self.today][-4:]
        self.coming = [n for n in nights if n.held_on >= self.today]

    def juror(self, first: str, last: str, source: JurorSource, **fields: object) -> Juror:
        juror = Juror(
            program_id=self.program_id,
            source=source,
            first_name=first,
            last_name=last,
            status=fields.pop("status", JurorStatus.ACTIVE),
            school=fields.pop("school", self.rng.choice(SCHOOLS)),
            grade=str(self.rng.randint(8, 12)),
            oath_signed_on=self.today - datetime.timedelta(days=self.rng.randint(60, 200)),
            **fields,
        )
        juror.qualifications = [
            Qualification(program_id=self.program_id, role=CourtRole.JUROR, earned_on=juror.oath_signed_on)
        ]
        self.db.add(juror)
        return juror

    def book(
        self,
        juror: Juror,
        night: HearingNight,
        room: Courtroom | None,
        status: BookingStatus,
        attendance: Attendance | None = None,
        role: CourtRole = CourtRole.JUROR,
    ) -> Booking:
        hours = None
        if attendance in (Attendance.PRESENT, Attendance.LATE):
            start = datetime.datetime.combine(night.held_on, night.starts_at)
            end = datetime.datetime.combine(night.held_on, night.ends_at)
            hours = Decimal((end - start).seconds) / 3600 - (
                Decimal("0.5") if attendance == Attendance.LATE else 0
            )
        booking = Booking(
            program_id=self.program_id,
            juror=juror,
            night=night,
            courtroom=room,
            status=status,
            role=role if room else None,
            attendance=attendance,
            hours=hours,
        )
        self.db.add(booking)
        return booking

    def credit(
        self,
        juror: Juror,
        kind: CreditKind,
        amount: Decimal,
        day: datetime.date,
        reason: str,
        **links: object,
    ) -> None:
        self.db.add(
            CreditEntry(
                program_id=self.program_id,
                juror_id=juror.id,
                kind=kind,
                amount=amount,
                occurred_on=day,
                reason=reason,
                actor_name=self.coordinator.full_name,
                **links,
            )
        )


async def jordan_reyes(builder: JurorBuilder) -> Juror:
    """The documented demo juror: a former respondent serving their own jury-duty sanction."""
    db, program_id, today = builder.db, builder.program_id, builder.today
    youth = Youth(
        program_id=program_id,
        first_name="Jordan",
        last_name="Reyes",
        date_of_birth=today.replace(year=today.year - 16) - datetime.timedelta(days=40),
        school="Riverside High School",
        grade="10",
        email="juror@example.org",
    )
    youth.guardians = [
        Guardian(program_id=program_id, name="Carmen Reyes", relationship_to_youth="Mother", phone="555-0142")
    ]
    db.add(youth)
    template = (await db.scalars(select(Referral).order_by(Referral.received_on).limit(1))).first()
    decided = builder.past[0].held_on
    referral = Referral(
        program_id=program_id,
        youth=youth,
        source_id=template.source_id,
        offense_id=template.offense_id,
        received_on=decided - datetime.timedelta(days=40),
        incident_date=decided - datetime.timedelta(days=50),
        incident_place="Riverside Mall",
        narrative="Took a hoodie from a store with a friend.",
        status=ReferralStatus.ACCEPTED,
        family_contacted_on=decided - datetime.timedelta(days=38),
    )
    db.add(referral)
    await db.flush()
    counter = await db.scalar(select(CaseCounter).where(CaseCounter.year == referral.received_on.year))
    if counter is None:
        counter = CaseCounter(program_id=program_id, year=referral.received_on.year, last_number=0)
        db.add(counter)
    counter.last_number += 1
    case = Case(
        program_id=program_id,
        number=f"{referral.received_on.year}-{counter.last_number:04d}",
        referral=referral,
        youth=youth,
        coordinator_id=builder.coordinator.id,
        state=CaseState.SANCTIONS_IN_PROGRESS,
        opened_on=referral.received_on + datetime.timedelta(days=2),
        intake_on=referral.received_on + datetime.timedelta(days=8),
    )
    db.add(case)
    await db.flush()
    disposition = Disposition(program_id=program_id, case_id=case.id, decided_on=decided)
    db.add(disposition)
    await db.flush()
    jury_duty = Sanction(
        program_id=program_id,
        case=case,
        disposition_id=disposition.id,
        sanction_type=SanctionType.JURY_DUTY,
        quantity=Decimal(4),
        due_on=decided + datetime.timedelta(days=90),
        original_due_on=decided + datetime.timedelta(days=90),
    )
    db.add(jury_duty)
    user = builder.c.users["juror@example.org"]
    juror = builder.juror(
        "Jordan",
        "Reyes",
        JurorSource.FORMER_RESPONDENT,
        youth=youth,
        user=user,
        school="Riverside High School",
        email="juror@example.org",
        guardian_name="Carmen Reyes",
    )
    juror.oath_signed_on = decided + datetime.timedelta(days=3)
    juror.qualifications[0].earned_on = juror.oath_signed_on
    for night in builder.past[1:]:
        booking = builder.book(juror, night, night.courtrooms[0], BookingStatus.CONFIRMED, Attendance.PRESENT)
        await db.flush()
        builder.credit(
            juror, CreditKind.SERVICE, booking.hours, night.held_on, "Jury service", booking_id=booking.id
        )
        db.add(
            SanctionProgress(
                program_id=program_id,
                sanction=jury_duty,
                case_id=case.id,
                kind=ProgressKind.JURY_SERVICE,
                occurred_on=night.held_on,
                amount=Decimal(1),
                notes="Served as a juror.",
                recorded_by_id=builder.coordinator.id,
            )
        )
    if builder.coming:
        builder.book(juror, builder.coming[0], builder.coming[0].courtrooms[0], BookingStatus.CONFIRMED)
    for night in builder.coming[1:]:
        builder.book(juror, night, None, BookingStatus.INVITED)
    return juror


async def add_jurors(context: DemoContext) -> None:
    builder = JurorBuilder(context)
    await builder.load()
    db, today = builder.db, builder.today
    jordan = await jordan_reyes(builder)
    roster = [jordan]
    # The other demo juror accounts are volunteers from local schools.
    users = (
        await db.scalars(
            select(User)
            .join(Membership)
            .where(Membership.role == Role.JUROR, User.email != "juror@example.org")
            .order_by(User.email)
        )
    ).all()
    for user in users:
        first, last = user.full_name.split(" ", 1)
        juror = builder.juror(
            first,
            last,
            JurorSource.VOLUNTEER,
            user=user,
            email=user.email,
            parent_consent_on=today - datetime.timedelta(days=210),
            screening_notes="Interviewed; recommended by a teacher.",
        )
        roster.append(juror)
    # Former respondents of completed cases whose sentence included jury duty.
    completed = (
        await db.scalars(
            select(Case).where(Case.state == CaseState.COMPLETED).options(selectinload(Case.youth)).limit(5)
        )
    ).all()
    for case in completed:
        roster.append(
            builder.juror(
                case.youth.first_name,
                case.youth.last_name,
                JurorSource.FORMER_RESPONDENT,
                youth_id=case.youth.id,
                school=case.youth.school,
            )
        )
    applicant = builder.juror("Lena", "Moreau", JurorSource.VOLUNTEER, status=JurorStatus.APPLICANT)
    applicant.oath_signed_on = None
    await db.flush()

    rewards = [Reward(program_id=builder.program_id, name=name, cost=Decimal(cost)) for name, cost in REWARDS]
    db.add_all(rewards)
    for index, (title, role) in enumerate(
        (("Juror orientation", None), ("Foreperson training", CourtRole.FOREPERSON))
    ):
        held = today - datetime.timedelta(days=150 - index * 60)
        if role == CourtRole.FOREPERSON:
            foreperson_trained_on = held
        session = TrainingSession(
            program_id=builder.program_id, held_on=held, title=title, hours=Decimal(2), role=role
        )
        db.add(session)
        await db.flush()
        for juror in roster[: 10 if role is None else 3]:
            attendance = TrainingAttendance(
                program_id=builder.program_id, session_id=session.id, juror_id=juror.id
            )
            db.add(attendance)
            await db.flush()
            builder.credit(juror, CreditKind.TRAINING, Decimal(2), held, title, training_id=attendance.id)
            if role:
                db.add(
                    Qualification(program_id=builder.program_id, juror_id=juror.id, role=role, earned_on=held)
                )
    await db.flush()

    others = roster[1:]
    # Jurors trained as forepersons lead their courtroom on the nights after their training.
    forepersons = {juror.id for juror in roster[:3]}
    for night in builder.past:
        seated = builder.rng.sample(others, min(9, len(others)))
        led: set[int] = set()
        for position, juror in enumerate(seated):
            attendance = builder.rng.choice((Attendance.PRESENT,) * 6 + (Attendance.LATE, Attendance.ABSENT))
            room = night.courtrooms[position % len(night.courtrooms)]
            role = CourtRole.JUROR
            if juror.id in forepersons and night.held_on > foreperson_trained_on and id(room) not in led:
                role = CourtRole.FOREPERSON
                led.add(id(room))
            booking = builder.book(juror, night, room, BookingStatus.CONFIRMED, attendance, role=role)
            await db.flush()
            if booking.hours:
                builder.credit(
                    juror,
                    CreditKind.SERVICE,
                    booking.hours,
                    night.held_on,
                    "Jury service",
                    booking_id=booking.id,
                )
    # The pending invitations are made by the app's own invitation function (its text, tied to
    # the night and the booking), so moving or cancelling a demo night rewrites or withdraws them.
    policy = await program_policy(db, builder.program_id)
    for night in builder.coming:
        for position, juror in enumerate(others[:6]):
            builder.book(
                juror, night, night.courtrooms[position % len(night.courtrooms)], BookingStatus.CONFIRMED
            )
        await db.flush()
        await invitations.invite(
            db,
            night,
            [juror.id for juror in others[6:10]],
            portal_url=DEMO_PORTAL_URL,
            contact_phone=policy.contact_phone,
        )
    await db.flush()
    for juror in others[:3]:
        builder.credit(
            juror,
            CreditKind.REDEMPTION,
            -rewards[0].cost,
            today - datetime.timedelta(days=20),
            f"Redeemed: {rewards[0].name}",
            reward_id=rewards[0].id,
        )
    await db.flush()
