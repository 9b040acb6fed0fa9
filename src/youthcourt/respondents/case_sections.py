"""The family links part of the case page: give the youth and each guardian a private link, revoke it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases import sections
from youthcourt.cases.models import Case
from youthcourt.programs.viewer import program_today
from youthcourt.respondents import services
from youthcourt.web.forms import Form


async def load_family_links(db: AsyncSession, case: Case) -> dict[str, Any]:
    """The links given for the case and whom a new one can be for (one query, and the program's today)."""
    today = await program_today(db, case.program_id)
    return {
        "family_links": await services.links_of_case(db, case, today),
        "family_options": services.holder_options(case.youth),
        "family_form": Form(values={"holder": services.YOUTH}),
        "family_refusal": services.refusal(case, today),
    }


def register() -> None:
    sections.register("family_links", "respondents/_case_section.html", load_family_links, order=45)
