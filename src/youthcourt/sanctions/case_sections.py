"""The sanctions area's sections of the case page."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases import sections
from youthcourt.cases.models import Case
from youthcourt.programs.viewer import program_today
from youthcourt.sanctions.models import SanctionStatus
from youthcourt.sanctions.services import SanctionSummary, dispositions_of


async def load_sanctions(db: AsyncSession, case: Case) -> dict[str, Any]:
    """The case's dispositions with each sanction's progress: at most eight queries, whatever the case holds."""
    dispositions = await dispositions_of(db, case.id)
    groups = [(d, [SanctionSummary.of(s) for s in d.sanctions]) for d in dispositions]
    summaries = [summary for _, group in groups for summary in group]
    return {
        "sanction_groups": groups,
        "sanction_total": len(summaries),
        "sanction_completed": sum(1 for s in summaries if s.sanction.status == SanctionStatus.COMPLETED),
        "sanction_today": await program_today(db, case.program_id),
    }


def register() -> None:
    """Register this area's case page sections with :mod:`youthcourt.cases.sections`."""
    sections.register("sanctions", "sanctions/_case_section.html", load_sanctions, order=40)
