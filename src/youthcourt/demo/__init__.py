"""Demo data: one realistic, deterministic program to explore and test against.

Each area adds a step to ``STEPS``; a step receives the database session, the demo
program and a seeded random generator, so the same data comes out on every machine.
Loading twice does nothing the second time.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import User
from youthcourt.database import refresh_statistics
from youthcourt.demo import cases, coproduction, jurors, outcomes, people, sites, study, surveys
from youthcourt.programs.models import Program

SEED = 20260914
DEMO_PASSWORD = "youthcourt-demo"  # noqa: S105 - documented demo sign-in, refused in production
DEMO_PROGRAM_SLUG = "riverside"
DEMO_LOGINS = (
    ("coordinator@example.org", "Program coordinator: cases, hearings, sanctions"),
    ("juror@example.org", "Juror (a former respondent): own hearing nights, hours and credits"),
    ("evaluator@example.org", "Evaluator: de-identified reports and exports"),
    ("admin@example.org", "Program admin and site administrator: users, audit trail, programs"),
)


@dataclass
class DemoContext:
    db: AsyncSession
    program: Program
    rng: random.Random
    users: dict[str, User] = field(default_factory=dict)


Step = Callable[[DemoContext], Awaitable[Any]]
STEPS: list[Step] = [
    people.add_staff_and_jurors,
    cases.add_cases,
    jurors.add_jurors,
    outcomes.add_outcomes,
    study.add_study,
    coproduction.add_self_assessments,
    sites.add_sites,
    surveys.add_survey_answers,
]


async def load(db: AsyncSession) -> bool:
    """Load the demo program unless it is there already. Returns whether anything was loaded."""
    if await db.scalar(select(Program).where(Program.slug == DEMO_PROGRAM_SLUG)):
        return False
    program = Program(
        name="Riverside County Youth Court", slug=DEMO_PROGRAM_SLUG, timezone="America/New_York"
    )
    db.add(program)
    await db.flush()
    context = DemoContext(db=db, program=program, rng=random.Random(SEED))
    for step in STEPS:
        await step(context)
        await db.flush()
    # A bulk load leaves PostgreSQL's planner without statistics until autovacuum runs: it then
    # guesses one row per table and nests the report's joins (seconds instead of milliseconds).
    # SQLite has none until asked (see `refresh_statistics`).
    if not await refresh_statistics(db):
        await db.execute(text("ANALYZE"))
    return True


def logins_text() -> str:
    lines = [f"Demo sign-ins (password: {DEMO_PASSWORD}):"]
    lines += [f"  {email:<26} {what}" for email, what in DEMO_LOGINS]
    lines.append(
        f"Authenticator key for every demo account: {people.DEMO_TOTP_SECRET} "
        "(add it to an authenticator app, then enter its 6-digit code after the password)."
    )
    return "\n".join(lines)
