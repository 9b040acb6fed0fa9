"""The closure area's sections of the case page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases import sections
from youthcourt.cases.models import Case
from youthcourt.closure.services import follow_ups_of
from youthcourt.programs.viewer import program_today


async def load_closure(db: AsyncSession, case: Case) -> dict[str, Any]:
    """The case's follow-up checks, and today where the program is. Checks are made when a case
    closes, and shown only then: an open case's page does not look for them."""
    return {
        "closure_checks": await follow_ups_of(db, case.id) if case.state.is_closed else [],
        "closure_today": await program_today(db, case.program_id),
    }


def register() -> None:
    """Register this area's case page sections with :mod:`youthcourt.cases.sections`."""
    sections.register("closure", "closure/_case_section.html", load_closure, order=50)
