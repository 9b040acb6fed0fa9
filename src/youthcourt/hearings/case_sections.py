"""The hearings area's sections of the case page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases import sections
from youthcourt.cases.models import Case
from youthcourt.hearings.services import HearingService


async def load_hearings(db: AsyncSession, case: Case) -> dict[str, Any]:
    """The case's hearings with their nights and investigation records (one query and its eager loads)."""
    return {"hearings": await HearingService(db).hearings_of_case(case.id)}


def register() -> None:
    """Register this area's case page sections with :mod:`youthcourt.cases.sections`."""
    sections.register("hearings", "hearings/_case_section.html", load_hearings, order=30)
