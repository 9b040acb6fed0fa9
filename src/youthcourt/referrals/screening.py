"""Screening a referral against the program's eligibility rules.

The checks are pure functions of the referral, the program's policy and the young person's
earlier referrals, so they are easy to test and to explain: each says whether it passed and
why. The only query is :func:`earlier_referrals`. Every youth-court case starts from an
accepted referral, so an earlier referral also reveals an earlier case.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from youthcourt.reference.models import ProgramPolicy
from youthcourt.referrals.models import Referral, ReferralStatus

OUTCOME_WORDS = {
    ReferralStatus.PENDING: "still pending",
    ReferralStatus.ACCEPTED: "accepted, a youth-court case was opened",
    ReferralStatus.DECLINED: "declined",
    ReferralStatus.RETURNED: "returned to the source",
}


@dataclass(frozen=True)
class Check:
    """One eligibility rule applied to one referral."""

    rule: str
    passed: bool
    reason: str


@dataclass(frozen=True)
class Screening:
    checks: tuple[Check, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.checks)

    @property
    def failed(self) -> list[Check]:
        return [check for check in self.checks if not check.passed]


def age_on(born: datetime.date, day: datetime.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_age(born: datetime.date, incident: datetime.date, min_age: int, max_age: int) -> Check:
    age = age_on(born, incident)
    allowed = f"the program accepts ages {min_age} to {max_age}"
    if age < min_age:
        return Check("Age", False, f"{age} on the incident date, younger than {min_age}: {allowed}.")
    if age > max_age:
        return Check("Age", False, f"{age} on the incident date, older than {max_age}: {allowed}.")
    return Check("Age", True, f"{age} on the incident date; {allowed}.")


def check_offense_class(offense_class: str, accepted_classes: str) -> Check:
    accepted = sorted(set(accepted_classes))
    listed = ", ".join(accepted) if accepted else "none"
    if offense_class in accepted:
        return Check("Offense class", True, f"Class {offense_class}; the program accepts classes {listed}.")
    return Check(
        "Offense class",
        False,
        f"Class {offense_class} is not accepted; the program accepts classes {listed}.",
    )


def check_first_time(earlier: Sequence[Referral], first_time_only: bool) -> Check:
    if not earlier:
        return Check("First referral", True, "No earlier referral of this young person in the program.")
    latest = earlier[0]
    count = len(earlier)
    history = (
        f"{count} earlier referral{'s' if count > 1 else ''}; the latest received "
        f"{latest.received_on.isoformat()} ({OUTCOME_WORDS[latest.status]})"
    )
    if first_time_only:
        return Check("First referral", False, f"{history}. The program takes first-time referrals only.")
    return Check("First referral", True, f"{history}. The program also accepts repeat referrals.")


def screen(referral: Referral, policy: ProgramPolicy, earlier: Sequence[Referral]) -> Screening:
    """All the checks for ``referral`` (youth and offense loaded)."""
    return Screening(
        (
            check_age(referral.youth.date_of_birth, referral.incident_date, policy.min_age, policy.max_age),
            check_offense_class(referral.offense.offense_class.value, policy.accepted_classes),
            check_first_time(earlier, policy.first_time_only),
        )
    )


async def earlier_referrals(db: AsyncSession, referral: Referral) -> list[Referral]:
    """The same young person's referrals received before this one, newest first (one query)."""
    before = or_(
        Referral.received_on < referral.received_on,
        and_(Referral.received_on == referral.received_on, Referral.created_at < referral.created_at),
    )
    rows = await db.scalars(
        select(Referral)
        .where(Referral.youth_id == referral.youth_id, Referral.id != referral.id, before)
        .options(joinedload(Referral.offense))
        .order_by(Referral.received_on.desc(), Referral.created_at.desc())
    )
    return list(rows.all())


async def screen_referral(db: AsyncSession, referral: Referral, policy: ProgramPolicy) -> Screening:
    """Screen ``referral`` (youth and offense loaded) against the policy and the youth's history."""
    return screen(referral, policy, await earlier_referrals(db, referral))


def failed_text(screening: Screening) -> str:
    """The failed rules with their reasons, as kept on a referral accepted all the same."""
    return " ".join(f"{check.rule}: {check.reason.rstrip('.')}." for check in screening.failed)
