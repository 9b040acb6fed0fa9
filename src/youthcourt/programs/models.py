"""A deployment hosts several programs; every domain record belongs to exactly one."""

from __future__ import annotations

import enum
import secrets
from uuid import UUID

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from youthcourt.database import Base
from youthcourt.web.i18n import N_


class Role(enum.StrEnum):
    """What a person may do in one program. A site administrator is a flag on the user, not a role."""

    COORDINATOR = "coordinator"
    JUROR = "juror"
    EVALUATOR = "evaluator"
    PROGRAM_ADMIN = "program_admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


ROLE_LABELS = (N_("Coordinator"), N_("Juror"), N_("Evaluator"), N_("Program admin"))
"""The roles' labels, for the catalogs: pages show them translated with ``_(role.label)``."""


class Program(Base):
    """One youth court program (a county's or a city's), with its own cases, people and settings."""

    __tablename__ = "program"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    timezone: Mapped[str] = mapped_column(String(60), default="America/New_York")
    is_active: Mapped[bool] = mapped_column(default=True)
    research_key: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(32))
    """The program's secret for de-identified exports: it keys the pseudonymous youth ids and the
    per-youth date shifts, so neither can be reversed by anyone without it. Never shown."""


class ProgramOwned:
    """Mixin for every record that belongs to one program.

    Tables with this mixin are filtered by :mod:`youthcourt.programs.scoping` on every
    query, so a controller cannot forget to limit what it reads to the user's program.
    """

    @declared_attr
    def program_id(cls) -> Mapped[UUID]:
        return mapped_column(ForeignKey("program.id", ondelete="RESTRICT"), index=True)
