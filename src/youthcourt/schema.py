"""Every model of every area, imported in one place so Alembic and the schema checks see them all."""

from youthcourt.accounts.models import Membership, User, UserSession
from youthcourt.audit.models import AuditEntry
from youthcourt.database import metadata
from youthcourt.programs.models import Program

__all__ = ("AuditEntry", "Membership", "Program", "User", "UserSession", "metadata")
