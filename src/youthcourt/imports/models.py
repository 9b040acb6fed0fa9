"""The column mapping remembered for a program's next import (the import itself is
:class:`youthcourt.cases.models.RecordImport`, which cases and jurors point to)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from advanced_alchemy.types import JsonB
from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from youthcourt.cases.models import ImportKind
from youthcourt.database import Base
from youthcourt.programs.models import ProgramOwned
from youthcourt.reference.models import enum_column


class ImportMapping(Base, ProgramOwned):
    """The mapping a program's admin chose last for a kind of file: the next upload starts from it."""

    __tablename__ = "import_mapping"
    __table_args__ = (UniqueConstraint("program_id", "kind"),)

    kind: Mapped[ImportKind] = mapped_column(enum_column(ImportKind))
    mapping: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
    """Folded file header -> the import's column name ("" for a header left out)."""
    saved_by_id: Mapped[UUID | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
