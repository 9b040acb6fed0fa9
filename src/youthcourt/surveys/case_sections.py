"""The surveys area's section of the case page, and its email rendered at send time."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases import sections
from youthcourt.cases.models import Case
from youthcourt.surveys import services


async def load_surveys(db: AsyncSession, case: Case) -> dict[str, Any]:
    """The surveys offered for the case (whether answered, never what was answered)."""
    return {"survey_rows": await services.offers_of(db, case_id=case.id)}


def register() -> None:
    sections.register("surveys", "surveys/_case_section.html", load_surveys, order=60)
    services.register_email()
