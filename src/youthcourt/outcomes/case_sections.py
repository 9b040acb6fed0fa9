"""The outcomes area's section of the case page: new offenses after a closed case."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases import sections
from youthcourt.cases.models import Case
from youthcourt.outcomes import services
from youthcourt.outcomes.forms import EVENT_TYPES, RECORD_SYSTEMS, shown
from youthcourt.web.forms import Form


async def load_outcomes(db: AsyncSession, case: Case) -> dict[str, Any]:
    """The case's outcome events and the offense categories for the form (two queries; none while open)."""
    if not case.state.is_closed:
        return {}
    return {
        "outcome_events": await services.events_of_case(db, case.id),
        "categories": await services.offense_categories(db),
        "form": Form(),
        "event_types": shown(EVENT_TYPES),
        "sources": shown(RECORD_SYSTEMS),
    }


def register() -> None:
    """Register this area's case page sections with :mod:`youthcourt.cases.sections`."""
    sections.register("outcomes", "outcomes/_case_section.html", load_outcomes, order=55)
