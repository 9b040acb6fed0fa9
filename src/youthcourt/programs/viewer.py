"""Who is signed in, in which program, with which role: what ``request.user`` holds."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import NOTHING, ProgramScope

clock: Callable[[datetime.tzinfo], datetime.datetime] = datetime.datetime.now
"""The time in a zone. Tests hold it on the day their run began, so a run past midnight keeps one today."""


def today_in(zone: str | None) -> datetime.date:
    """Today's date where the program is: what "today" means in its forms and deadlines."""
    return clock(ZoneInfo(zone or "America/New_York")).date()


ZONES_KEY = "program_timezones"


def known_timezones(db: AsyncSession, zones: dict[UUID, str]) -> None:
    """The time zones of the viewer's programs, read with the session: no page reads them again."""
    db.info.setdefault(ZONES_KEY, {}).update(zones)


async def program_today(db: AsyncSession, program_id: UUID) -> datetime.date:
    """Today where a program is, its time zone read once per database session (once a request)."""
    zones: dict[UUID, str | None] = db.info.setdefault(ZONES_KEY, {})
    if program_id not in zones:
        zones[program_id] = await db.scalar(select(Program.timezone).where(Program.id == program_id))
    return today_in(zones[program_id])


TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "miss", "prof", "rev", "hon", "judge", "officer"})
"""Words before a name that are not the name."""


@dataclass(frozen=True)
class ProgramChoice:
    id: UUID
    name: str
    role: Role | None
    timezone: str = "America/New_York"
    member_name: str = ""
    """How this program names the person: the name its admin typed when adding them."""


@dataclass(frozen=True)
class Viewer:
    user_id: UUID
    session_id: UUID
    email: str
    full_name: str
    """The person's name in the current program (:attr:`ProgramChoice.member_name`), else the account's."""
    is_site_admin: bool
    must_change_password: bool
    program_id: UUID | None
    program_name: str | None
    role: Role | None
    programs: tuple[ProgramChoice, ...] = field(default=())
    timezone: str = "America/New_York"
    """The current program's time zone, in which times are shown."""
    awaiting_code: bool = False
    """Only the password was checked so far: the session may reach the code step and nothing else."""
    account_name: str = ""
    """The account's own name, for programs that have none of their own for the person."""
    language: str | None = None
    """The language the person chose for the app (``en``, ``es``); None follows the browser."""
    via_api_key: bool = False
    """A source agency's API key acts, not a person: ``user_id`` is the key's id (what the audit trail
    names), and no account is behind it."""

    @property
    def account_id(self) -> UUID | None:
        """The account acting, for columns that point at one; None when an API key acts."""
        return None if self.via_api_key else self.user_id

    def name_in(self, program_id: UUID | None) -> str:
        """The person's name in a program: what entries written there carry."""
        if program_id == self.program_id:
            return self.full_name
        choice = next((c for c in self.programs if c.id == program_id), None)
        return (choice.member_name if choice else "") or self.account_name or self.full_name

    @property
    def scope(self) -> ProgramScope:
        if self.awaiting_code or (self.program_id is None and not self.is_site_admin):
            return NOTHING
        return ProgramScope.of(self.program_id, include_unowned=self.is_site_admin)

    def has_role(self, *roles: Role) -> bool:
        """Site administrators act as program admins of the program they are in, never as staff."""
        if self.program_id is None:
            return False
        if self.role in roles:
            return True
        return self.is_site_admin and Role.PROGRAM_ADMIN in roles

    def today(self) -> datetime.date:
        """Today's date where the program is, which is what dates typed in forms mean."""
        return today_in(self.timezone)

    @property
    def first_name(self) -> str:
        """What the account menu calls the person: the first word of the name that is not a title
        ("Dr. Priya Natarajan" is "Priya"), else the email."""
        words = [word for word in self.full_name.split() if word.lower().rstrip(".") not in TITLES]
        return words[0] if words else self.full_name or self.email
