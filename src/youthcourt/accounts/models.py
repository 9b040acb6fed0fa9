"""People who sign in, the role each holds in a program, and their sign-in sessions."""

from __future__ import annotations

import datetime
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ColumnElement, Enum, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from youthcourt.clock import utc_now
from youthcourt.database import Base
from youthcourt.programs.models import Program, ProgramOwned, Role


class User(Base):
    """A person with a sign-in. Belongs to programs through :class:`Membership`."""

    __tablename__ = "user_account"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    """Stored lower-case, so sign-in is case-insensitive."""
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(default=True)
    is_site_admin: Mapped[bool] = mapped_column(default=False)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    last_sign_in_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    locked_until: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """Sign-in is refused until then. Failed sign-ins before it no longer count towards a lock."""
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    """Base32 secret of the user's authenticator app; set at enrollment, confirmed by a first code."""
    totp_enabled_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))
    """When the first code was accepted; until then the secret is only a pending enrollment."""
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    """The 30-second step of the last accepted code: a code is accepted once only."""
    language: Mapped[str | None] = mapped_column(String(8))
    """The language the person reads the app in (``en``, ``es``); empty follows the browser."""

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", lazy="raise", cascade="all, delete-orphan"
    )

    def name_in(self, program_id: UUID | None) -> str:
        """How a program names the person (memberships must be loaded): see :attr:`Membership.name`."""
        membership = next((m for m in self.memberships if m.program_id == program_id), None)
        return (membership.display_name if membership else None) or self.full_name

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > utc_now()

    @property
    def has_mfa(self) -> bool:
        return self.totp_enabled_at is not None and self.totp_secret is not None


class Membership(Base, ProgramOwned):
    """The one role a user holds in one program."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("program_id", "user_id"),)

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=20, values_callable=lambda roles: [r.value for r in roles])
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    """The name the program's admin typed when adding the person. An account belongs to the
    installation and may be shared with programs this one knows nothing of, so a program shows
    its own name for the person, never the account's."""

    user: Mapped[User] = relationship(back_populates="memberships", lazy="raise")
    program: Mapped[Program] = relationship(lazy="raise")

    @property
    def name(self) -> str:
        """How this program names the person (older memberships fall back to the account's name)."""
        return self.display_name or self.user.full_name


def member_name() -> ColumnElement[str]:
    """:attr:`Membership.name` in SQL, for queries joining User and Membership.

    Join the membership of the program being read (the program scope limits memberships to it),
    never only the account: a program must not show a name another program's admin gave.
    """
    return func.coalesce(Membership.display_name, User.full_name)


class SignInFailure(Base):
    """A refused sign-in, kept in the database so every app process counts the same failures.

    Failures count towards locking the account (``user_id``; none for an unknown email)
    and towards throttling the client address, whichever account was tried.
    """

    __tablename__ = "sign_in_failure"

    user_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    ip_address: Mapped[str | None] = mapped_column(String(45), index=True)
    occurred_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)


class RecoveryCode(Base):
    """A one-time code that replaces the authenticator app once; only its hash is stored."""

    __tablename__ = "recovery_code"

    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime.datetime | None] = mapped_column(DateTimeUTC(timezone=True))


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "user_session"

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    program_id: Mapped[UUID | None] = mapped_column(ForeignKey("program.id", ondelete="SET NULL"))
    """The program the user is working in; switching programs changes it."""
    last_seen_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    expires_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True), index=True)
    """Absolute end of the session, however active it is."""
    ip_address: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    idle_minutes: Mapped[int] = mapped_column(Integer, default=30, server_default="30")
    """Idle limit fixed at sign-in: the installation's, or shorter where a program's policy says so."""
    awaiting_code: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    """The password was right but the second step (authenticator code) is still to come."""

    user: Mapped[User] = relationship(lazy="raise")
