"""Sections that other areas add to the case page.

The case page belongs to the cases area, but hearings, sanctions, closure (and later
jurors and outcomes) each show their part of a case. An area higher up registers a
section here at start-up; the case page asks every section for its context and includes
its template. Each loader runs a fixed number of queries for one case.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import Case

Loader = Callable[[AsyncSession, Case], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class CaseSection:
    name: str
    template: str
    """A partial template; it receives ``case``, ``request``, ``csrf_input`` and the loader's keys as names."""
    loader: Loader
    order: int


_sections: dict[str, CaseSection] = {}


def register(name: str, template: str, loader: Loader, order: int) -> None:
    """Add (or replace) a section of the case page. Lower ``order`` shows first."""
    _sections[name] = CaseSection(name, template, loader, order)


def registered() -> list[CaseSection]:
    return sorted(_sections.values(), key=lambda section: section.order)


async def load_all(db: AsyncSession, case: Case) -> list[tuple[CaseSection, dict[str, Any]]]:
    return [(section, await section.loader(db, case)) for section in registered()]
