"""Follow-up of a study's referrals that never became cases: intent to treat counts every youth assigned.

A referral assigned to an arm of the program's study and then declined or returned gets the
same records checks a closed case gets, counted from the decision, so its new offenses are known
and it can stay in its arm of an intent-to-treat report.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import FollowUpCheck
from youthcourt.cases.services import follow_up_checks
from youthcourt.outcomes.models import OutcomeEvent
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.services import policy
from youthcourt.referrals import events, sections
from youthcourt.referrals.models import Referral, ReferralStatus

LISTENER_NAME = "outcomes.study_follow_up"
FOLLOWED_WITHOUT_CASE = frozenset({ReferralStatus.DECLINED, ReferralStatus.RETURNED})


def register() -> None:
    """Schedule a study referral's checks when it is decided, and show them on its page."""
    events.on_decision(LISTENER_NAME, schedule_study_checks)
    sections.register(LISTENER_NAME, "outcomes/_referral_section.html", load_study_follow_up)


def followed_without_case(referral: Referral) -> bool:
    return referral.study_arm is not None and referral.status in FOLLOWED_WITHOUT_CASE


async def load_study_follow_up(db: AsyncSession, referral: Referral) -> dict[str, Any]:
    """A study referral's checks and the new offenses they found (two queries; none for other referrals)."""
    arm = referral.study_arm
    if arm is None or not followed_without_case(referral):
        return {}
    checks = await db.scalars(
        select(FollowUpCheck)
        .where(FollowUpCheck.referral_id == referral.id)
        .order_by(FollowUpCheck.window_months)
    )
    found = await db.scalars(
        select(OutcomeEvent)
        .where(OutcomeEvent.referral_id == referral.id)
        .order_by(OutcomeEvent.occurred_on, OutcomeEvent.created_at)
    )
    return {"checks": list(checks.all()), "events": list(found.all()), "arm": arm.label}


async def schedule_study_checks(db: AsyncSession, referral: Referral, viewer: Viewer) -> list[FollowUpCheck]:
    """A records check at each of the program's follow-up windows, for a study referral closed without a case."""
    if not followed_without_case(referral):
        return []
    windows = (await policy(db, referral.program_id)).follow_up_windows
    checks = follow_up_checks(referral.program_id, viewer.today(), windows, referral_id=referral.id)
    db.add_all(checks)
    return checks
