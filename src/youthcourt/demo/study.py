"""Demo study: nine months of referrals randomly assigned to youth court or to regular processing.

The program ran a randomized study two years ago: each eligible referral went by lottery to
youth court or to the comparison arm (returned to the source for regular processing). Some
families of the youth court arm declined it after assignment. Every youth assigned was followed
up, so an intent-to-treat report compares the arms as assigned. Drawn from a generator of its
own, after everything else, so the rest of the demo is what it was before the study existed.
"""

from __future__ import annotations

import datetime
import random
from typing import TYPE_CHECKING

from sqlalchemy import select

from youthcourt.cases.models import Case, CheckResult, FollowUpCheck
from youthcourt.cases.services import add_months, follow_up_end
from youthcourt.demo.cases import CaseBuilder, at
from youthcourt.demo.outcomes import (
    COMPARISON_REOFFENDING,
    RACES,
    SEARCHED,
    first_event_type,
    first_offense_after,
)
from youthcourt.outcomes.models import OutcomeEvent, RecordSystem
from youthcourt.referrals.models import AssignmentMethod, Referral, ReferralStatus, StudyArm

if TYPE_CHECKING:
    from youthcourt.demo import DemoContext

STUDY_SEED = 2028
STUDY_MONTHS = 9
"""The study took referrals for nine whole months, the last ending two years before today or earlier."""
DECLINED_SHARE = 0.12
"""Families of the youth court arm who declined it after assignment."""
DECLINED_REOFFENDING = 0.45
WINDOWS = (6, 12, 24)
DECLINED_REASON = "Assigned to youth court by the study's lottery; the family declined youth court."
RETURNED_REASON = "Assigned to the comparison arm by the study's lottery: returned for regular processing."


def study_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The first and last days of the study's months (whole months, as reports count them)."""
    end = (today - datetime.timedelta(days=2 * 365)).replace(day=1) - datetime.timedelta(days=1)
    return add_months(end.replace(day=1), 1 - STUDY_MONTHS), end


class StudyBuilder:
    def __init__(self, context: DemoContext) -> None:
        self.context = context
        self.db = context.db
        self.rng = random.Random(STUDY_SEED)
        self.cases = CaseBuilder(context)
        self.cases.rng = self.rng
        self.cases.prior_rng = random.Random(STUDY_SEED + 1)
        self.today = self.cases.today
        self.recorder = context.users["coordinator@example.org"]

    async def assign_cases(self, start: datetime.date, end: datetime.date) -> int:
        """The cases referred during the study were its youth court arm."""
        referrals = (
            await self.db.scalars(
                select(Referral)
                .join(Case, Case.referral_id == Referral.id)
                .where(Referral.received_on >= start, Referral.received_on <= end)
            )
        ).all()
        for referral in referrals:
            self.assign(referral, StudyArm.YOUTH_COURT)
        return len(referrals)

    def assign(self, referral: Referral, arm: StudyArm) -> None:
        referral.study_arm = arm
        referral.assigned_on = referral.received_on
        referral.assignment_method = AssignmentMethod.RANDOM

    async def without_case(
        self, arm: StudyArm, status: ReferralStatus, day: datetime.date, reoffending: float
    ) -> None:
        """A referral of the study closed without a case, its checks and what they found."""
        referral = self.cases.referral(day, status)
        self.assign(referral, arm)
        decided = day + datetime.timedelta(days=self.rng.randint(3, 10))
        referral.decision_reason = DECLINED_REASON if status == ReferralStatus.DECLINED else RETURNED_REASON
        referral.decided_at = at(decided)
        referral.decided_by_id = self.recorder.id
        youth = referral.youth
        youth.date_of_birth = day - datetime.timedelta(
            days=self.rng.randint(12, 17) * 365 + self.rng.randint(20, 340)
        )
        youth.race_ethnicity = self.rng.choice(RACES)
        await self.db.flush()
        checks = [self.check(referral, decided, months) for months in WINDOWS]
        self.db.add_all(checks)
        await self.db.flush()
        offended = first_offense_after(self.rng, day, reoffending)
        finder = next((c for c in checks if c.completed_on and offended and c.completed_on >= offended), None)
        if offended is None or finder is None:
            return
        finder.result = CheckResult.NEW_OFFENSE
        event_type = first_event_type(self.rng)
        self.db.add(
            OutcomeEvent(
                program_id=referral.program_id,
                referral_id=referral.id,
                check_id=finder.id,
                occurred_on=offended,
                event_type=event_type,
                offense_category=self.rng.choice(sorted({o.category for o in self.cases.offenses})),
                source=RecordSystem.POLICE,
                recorded_by_id=self.recorder.id,
            )
        )

    def check(self, referral: Referral, decided: datetime.date, months: int) -> FollowUpCheck:
        due = follow_up_end(decided, months)
        check = FollowUpCheck(
            program_id=referral.program_id, referral_id=referral.id, window_months=months, due_on=due
        )
        if (self.today - due).days > 30:
            check.completed_on = due + datetime.timedelta(days=self.rng.randint(1, 12))
            check.records_searched = SEARCHED
            check.result = CheckResult.NO_NEW_OFFENSE
            check.checked_by_id = self.recorder.id
        return check


async def add_study(context: DemoContext) -> None:
    builder = StudyBuilder(context)
    await builder.cases.load_reference()
    start, end = study_period(builder.today)
    accepted = await builder.assign_cases(start, end)
    declined = round(accepted * DECLINED_SHARE)

    def day() -> datetime.date:
        return start + datetime.timedelta(days=builder.rng.randint(0, (end - start).days))

    for _ in range(declined):
        await builder.without_case(StudyArm.YOUTH_COURT, ReferralStatus.DECLINED, day(), DECLINED_REOFFENDING)
    for _ in range(accepted + declined):
        await builder.without_case(
            StudyArm.COMPARISON, ReferralStatus.RETURNED, day(), COMPARISON_REOFFENDING
        )
    await context.db.flush()
