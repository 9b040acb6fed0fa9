"""The sealing part of the case page: a "Seal this case" button once the case is closed."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases import sections
from youthcourt.cases.models import Case


async def _load(_db: AsyncSession, _case: Case) -> dict[str, Any]:
    return {}


def register() -> None:
    sections.register("sealing", "sealing/_case_section.html", _load, order=90)
