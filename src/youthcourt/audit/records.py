"""What the audit trail calls the records its entries are about: a case number, a person's name.

Entries keep only a record's type and id (never a name: the trail outlives what it names, and
holds no personal data). When a page of the trail is shown, each record is named as the reader
may see it now. The audit area sits below the areas that own those records, so each of them
registers a namer here at start-up (as ``cases/sections.py`` does for the case page). A namer
receives every id of its type on the page at once: one query per type, whatever the page holds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer


@dataclass(frozen=True)
class RecordName:
    label: str
    """How the reader knows the record: "Case 2026-0042", "Tasha Rivers". No name for a sealed case's youth."""
    url: str | None = None
    """The record's own page."""
    roles: frozenset[Role] = field(default_factory=frozenset)
    """Who may open ``url``; others get a link to the record's entries in the trail instead."""


Namer = Callable[[AsyncSession, list[UUID]], Awaitable[dict[UUID, RecordName]]]
"""Names the given ids of one record type; ids it cannot see (another program, deleted) are left out."""

_namers: dict[str, Namer] = {}


def register(record_type: str, namer: Namer) -> None:
    _namers[record_type] = namer


@dataclass(frozen=True)
class ShownRecord:
    label: str
    url: str | None


async def name_records(
    db: AsyncSession, entries: Iterable[AuditEntry], viewer: Viewer
) -> dict[tuple[str, str], ShownRecord]:
    """``(record_type, record_id)`` -> label and link for each entry whose record can be named."""
    wanted: dict[str, set[UUID]] = defaultdict(set)
    for entry in entries:
        if entry.record_type in _namers and entry.record_id:
            try:
                wanted[entry.record_type].add(UUID(entry.record_id))
            except ValueError:
                continue
    shown = {}
    for record_type, ids in wanted.items():
        for record_id, name in (await _namers[record_type](db, sorted(ids))).items():
            may_open = name.url and viewer.has_role(*name.roles)
            url = name.url if may_open else f"/audit?record_type={record_type}&record_id={record_id}"
            shown[(record_type, str(record_id))] = ShownRecord(name.label, url)
    return shown
