"""Audit entries are written once and never changed through the app."""

from __future__ import annotations

import datetime
from typing import Any
from uuid import UUID

from advanced_alchemy.base import UUIDBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from youthcourt.clock import utc_now
from youthcourt.programs.models import ProgramOwned


class AuditEntry(UUIDBase, ProgramOwned):
    """One event. ``program_id`` is empty for site-level events such as a sign-in with an unknown email."""

    __tablename__ = "audit_entry"
    __table_args__ = (
        Index("ix_audit_entry_program_occurred", "program_id", "occurred_at"),
        Index("ix_audit_entry_record", "record_type", "record_id"),
        # the scope adds the program to every read of a person's entries (see the migration e1c3a5b7d9f0)
        Index("ix_audit_entry_actor_action_program", "actor_id", "action", "program_id", "occurred_at"),
    )

    program_id: Mapped[UUID | None] = mapped_column(  # type: ignore[assignment]
        ForeignKey("program.id", ondelete="RESTRICT"), nullable=True
    )
    occurred_at: Mapped[datetime.datetime] = mapped_column(
        DateTimeUTC(timezone=True), default=utc_now, index=True
    )
    actor_id: Mapped[UUID | None] = mapped_column()
    """The user who acted; no foreign key, so the trail outlives the account."""
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    action: Mapped[str] = mapped_column(String(60), index=True)
    outcome: Mapped[str] = mapped_column(String(20), default="success", index=True)
    record_type: Mapped[str | None] = mapped_column(String(60))
    record_id: Mapped[str | None] = mapped_column(String(64))
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    details: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)
