"""Screening a referral against the program's eligibility rules.

The checks are pure functions of the referral, the program's policy and the young person's
earlier referrals, so they are easy to test and to explain: each says whether it passed and
why. The only query is :func:`earlier_referrals`. Every youth-court case starts from an
accepted referral, so an earlier referral also reveals an earlier case.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from youthcourt.reference.models import ProgramPolicy
from youthcourt.referrals.models import Referral, ReferralStatus
from youthcourt.web.i18n import N_, _, ngettext

OUTCOME_WORDS = {
    ReferralStatus.PENDING: N_("still pending"),
    ReferralStatus.ACCEPTED: N_("accepted, a youth-court case was opened"),
    ReferralStatus.DECLINED: N_("declined"),
    ReferralStatus.RETURNED: N_("returned to the source"),
}

AGE = N_("Age")
OFFENSE_CLASS = N_("Offense class")
FIRST_REFERRAL = N_("First referral")


@dataclass(frozen=True)
class Check:
    """One eligibility rule applied to one referral.

    ``rule`` and ``reason`` stay in English, as kept on an accepted referral and in the audit trail;
    pages show :attr:`shown_rule` and :attr:`shown_reason`, in the active language.
    """

    rule: str
    passed: bool
    message: str
    """The reason, marked with ``N_``, with ``%(name)s`` placeholders filled from ``values``."""
    values: dict[str, Any] = field(default_factory=dict)
    plural: str = ""
    """With a plural message, ``values["num"]`` is the count."""
    translated: tuple[str, ...] = ()
    """The names of ``values`` that are themselves marked text (translated with the message)."""

    @property
    def reason(self) -> str:
        message = self.plural if self.plural and self.values["num"] != 1 else self.message
        return message % self.values

    @property
    def shown_rule(self) -> str:
        return _(self.rule)

    @property
    def shown_reason(self) -> str:
        values = {k: _(v) if k in self.translated else v for k, v in self.values.items()}
        if self.plural:
            return ngettext(self.message, self.plural, values.pop("num"), **values)
        return _(self.message, **values)


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
    values = {"age": age, "min": min_age, "max": max_age}
    if age < min_age:
        message = N_(
            "%(age)s on the incident date, younger than %(min)s: the program accepts ages %(min)s to %(max)s."
        )
        return Check(AGE, False, message, values)
    if age > max_age:
        message = N_(
            "%(age)s on the incident date, older than %(max)s: the program accepts ages %(min)s to %(max)s."
        )
        return Check(AGE, False, message, values)
    return Check(
        AGE, True, N_("%(age)s on the incident date; the program accepts ages %(min)s to %(max)s."), values
    )


def check_offense_class(offense_class: str, accepted_classes: str) -> Check:
    accepted = sorted(set(accepted_classes))
    values = {"letter": offense_class, "listed": ", ".join(accepted)}
    if offense_class in accepted:
        message = N_("Class %(letter)s; the program accepts classes %(listed)s.")
        return Check(OFFENSE_CLASS, True, message, values)
    if not accepted:
        message = N_("Class %(letter)s is not accepted; the program accepts no class of offense.")
        return Check(OFFENSE_CLASS, False, message, values)
    message = N_("Class %(letter)s is not accepted; the program accepts classes %(listed)s.")
    return Check(OFFENSE_CLASS, False, message, values)


def check_first_time(earlier: Sequence[Referral], first_time_only: bool) -> Check:
    if not earlier:
        return Check(FIRST_REFERRAL, True, N_("No earlier referral of this young person in the program."))
    latest = earlier[0]
    values = {
        "num": len(earlier),
        "day": latest.received_on.isoformat(),
        "outcome": OUTCOME_WORDS[latest.status],
    }
    if first_time_only:
        return Check(
            FIRST_REFERRAL,
            False,
            N_(
                "%(num)s earlier referral; the latest received %(day)s (%(outcome)s). "
                "The program takes first-time referrals only."
            ),
            values,
            plural=N_(
                "%(num)s earlier referrals; the latest received %(day)s (%(outcome)s). "
                "The program takes first-time referrals only."
            ),
            translated=("outcome",),
        )
    return Check(
        FIRST_REFERRAL,
        True,
        N_(
            "%(num)s earlier referral; the latest received %(day)s (%(outcome)s). "
            "The program also accepts repeat referrals."
        ),
        values,
        plural=N_(
            "%(num)s earlier referrals; the latest received %(day)s (%(outcome)s). "
            "The program also accepts repeat referrals."
        ),
        translated=("outcome",),
    )


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
