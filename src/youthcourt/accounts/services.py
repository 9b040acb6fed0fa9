"""Account operations: sign-in checks, creating users, roles, deactivation and passwords; and the
programs a site administrator creates and changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from youthcourt.accounts import passwords
from youthcourt.accounts.models import Membership, User, UserSession, member_name
from youthcourt.accounts.sessions import end_all_sessions, end_program_sessions
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import across_programs
from youthcourt.programs.viewer import Viewer
from youthcourt.web.search import LIKE_ESCAPE, like_pattern


@dataclass(frozen=True)
class SignInAttempt:
    user: User | None
    account_id: UUID | None
    """The account the email matched, even when the password was wrong (for the audit trail)."""
    failure: str


MEMBER_NAMES = (
    select(User.id, member_name())
    .join(Membership, Membership.user_id == User.id)
    .where(User.id.in_(bindparam("user_ids", expanding=True)))
)


async def member_names(db: AsyncSession, user_ids: Iterable[UUID | None]) -> dict[UUID, str]:
    """How the current program names these people, in one query (the scope limits memberships to
    the program, so someone who is not a member of it is left out)."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    rows = await db.execute(MEMBER_NAMES, {"user_ids": list(wanted)})
    return dict(rows.tuples().all())


def _active_programs(user: User) -> list[Membership]:
    return [m for m in user.memberships if m.is_active and m.program.is_active]


class UserService(SQLAlchemyAsyncRepositoryService[User]):
    class Repository(SQLAlchemyAsyncRepository[User]):
        model_type = User

    repository_type = Repository

    async def authenticate(self, email: str, password: str) -> SignInAttempt:
        """Check an email and password. Unknown emails and locked accounts cost the same work.

        The same query runs and the password is verified whatever happens next, so that the
        answer's timing does not tell an unknown or locked account from a wrong password.
        """
        with across_programs():
            # One joined query, so a known email costs no more queries than an unknown one.
            found = await self.repository.session.execute(
                select(User)
                .where(User.email == email.strip().lower())
                .options(joinedload(User.memberships).joinedload(Membership.program))
            )
            user = found.unique().scalar_one_or_none()
        matches = passwords.verify_password(user.password_hash if user else None, password)
        if user is None:
            return SignInAttempt(None, None, "unknown email")
        if user.is_locked:
            return SignInAttempt(None, user.id, "account locked")
        if not matches:
            return SignInAttempt(None, user.id, "wrong password")
        if not user.is_active or not (user.is_site_admin or _active_programs(user)):
            return SignInAttempt(None, user.id, "account inactive")
        if passwords.needs_rehash(user.password_hash):
            user.password_hash = passwords.hash_password(password)
        return SignInAttempt(user, user.id, "")

    async def get_for_sign_in(self, user_id: UUID) -> User:
        """The user with every membership and its program: sign-in needs them before any program scope."""
        with across_programs():
            return await self.get(
                user_id, load=[selectinload(User.memberships).selectinload(Membership.program)]
            )

    async def first_program(self, user: User) -> UUID | None:
        """The program a user starts in after signing in: the one they last worked in, while they
        are still an active member of it, else their oldest active membership."""
        active = sorted(_active_programs(user), key=lambda m: (m.created_at, m.program.name))
        if not active:
            return None
        last = await self.repository.session.scalar(
            select(UserSession.program_id)
            .where(
                UserSession.user_id == user.id,
                ~UserSession.awaiting_code,
                UserSession.program_id.in_([m.program_id for m in active]),
            )
            .order_by(UserSession.created_at.desc())
            .limit(1)
        )
        return last or active[0].program_id

    async def email_taken(self, email: str) -> bool:
        return await self.exists(User.email == email.lower())

    async def get_by_email(self, email: str) -> User | None:
        return await self.get_one_or_none(User.email == email.strip().lower())

    async def create_user(
        self, *, email: str, full_name: str, password: str, must_change: bool = True, site_admin: bool = False
    ) -> User:
        user = User(
            email=email.strip().lower(),
            full_name=full_name,
            password_hash=passwords.hash_password(password),
            must_change_password=must_change,
            is_site_admin=site_admin,
        )
        return await self.create(user)

    async def set_password(self, user: User, password: str, *, temporary: bool) -> None:
        """A new password ends every session of the user, so a thief's session dies with the old one."""
        user.password_hash = passwords.hash_password(password)
        user.must_change_password = temporary
        await end_all_sessions(self.repository.session, user.id)

    async def set_language(self, actor: Actor, user: User, language: str | None) -> bool:
        """The language the person reads the app in (None follows the browser); False when unchanged.

        Recorded in the program the person works in, as a password change is; it holds in all."""
        if user.language == language:
            return False
        audit.record(
            self.repository.session,
            actor,
            "language_change",
            record_type="user",
            record_id=user.id,
            details={"from": user.language or "browser", "to": language or "browser"},
        )
        user.language = language
        await self.update(user)
        return True


class MembershipService(SQLAlchemyAsyncRepositoryService[Membership]):
    """Memberships are program-owned, so every query here is limited to the user's program."""

    class Repository(SQLAlchemyAsyncRepository[Membership]):
        model_type = Membership

    repository_type = Repository

    @staticmethod
    def listing(search: str = "", role: str = "", status: str = "") -> Select[tuple[Membership]]:
        query = select(Membership).join(Membership.user).options(selectinload(Membership.user))
        shown_name = func.lower(member_name())
        if search:
            pattern = like_pattern(search)
            query = query.where(
                or_(
                    shown_name.like(pattern, escape=LIKE_ESCAPE), User.email.like(pattern, escape=LIKE_ESCAPE)
                )
            )
        if role in Role._value2member_map_:
            query = query.where(Membership.role == Role(role))
        if status == "active":
            query = query.where(User.is_active, Membership.is_active)
        elif status == "inactive":
            query = query.where(or_(~User.is_active, ~Membership.is_active))
        return query.order_by(shown_name, User.id)

    async def add(self, program_id: UUID, user: User, role: Role, name: str) -> Membership:
        return await self.create(
            Membership(program_id=program_id, user_id=user.id, role=role, display_name=name)
        )

    async def set_active(self, membership: Membership, active: bool) -> None:
        """Deactivating a membership ends the sessions working in its program, so the change takes
        effect at once; the person's work in other programs goes on."""
        membership.is_active = active
        if not active:
            await end_program_sessions(self.repository.session, membership.user_id, membership.program_id)

    async def governed_accounts(self, viewer: Viewer, users: list[User]) -> set[UUID]:
        """Which of ``users`` the viewer may manage as accounts (password, authenticator, lock, sessions).

        An account belongs to the installation; a program admin manages it only when every one of
        its memberships, active or not, is in a program they administer. Anything else could hand
        them another program's records. A site administrator manages every account; only a site
        administrator manages a site administrator's. One query, whatever the number of users.
        """
        if viewer.is_site_admin:
            return {user.id for user in users}
        administered = {choice.id for choice in viewer.programs if choice.role == Role.PROGRAM_ADMIN}
        candidates = {user.id for user in users if not user.is_site_admin}
        if not candidates or not administered:
            return set()
        with across_programs():
            rows = (
                await self.repository.session.execute(
                    select(Membership.user_id, Membership.program_id).where(
                        Membership.user_id.in_(candidates)
                    )
                )
            ).all()
        programs: dict[UUID, set[UUID]] = {}
        for user_id, program_id in rows:
            programs.setdefault(user_id, set()).add(program_id)
        return {user_id for user_id, held in programs.items() if held <= administered}

    async def governs(self, viewer: Viewer, user: User) -> bool:
        return user.id in await self.governed_accounts(viewer, [user])

    async def get_for_user(self, user_id: UUID) -> Membership | None:
        """The membership of ``user_id`` in the current program; None for a user of another program."""
        return await self.get_one_or_none(Membership.user_id == user_id, load=[selectinload(Membership.user)])


class ProgramService(SQLAlchemyAsyncRepositoryService[Program]):
    """The programs of the installation. Creating and changing one is a site-level audit entry: the
    site administrator may not work in the program, and its own admins do not manage programs."""

    class Repository(SQLAlchemyAsyncRepository[Program]):
        model_type = Program

    repository_type = Repository

    EDITABLE = ("name", "timezone")
    """What a program's page changes; the short name stays, since commands and scripts use it."""

    async def slug_taken(self, slug: str) -> bool:
        return await self.exists(Program.slug == slug)

    async def create_program(self, actor: Actor, name: str, slug: str, timezone: str) -> Program:
        program = await self.create(Program(name=name, slug=slug, timezone=timezone))
        audit.record(
            self.repository.session,
            actor,
            "program_create",
            site_level=True,
            record_type="program",
            record_id=program.id,
            details={"timezone": timezone},
        )
        return program

    async def update_program(
        self, actor: Actor, program: Program, **values: str
    ) -> dict[str, dict[str, str]]:
        """Change the program's name and time zone; the trail says what changed from what (nothing
        is written when nothing changed). A new zone applies from the next page anyone opens."""
        changes = {
            field: {"from": getattr(program, field), "to": values[field]}
            for field in self.EDITABLE
            if getattr(program, field) != values[field]
        }
        if not changes:
            return changes
        for field, change in changes.items():
            setattr(program, field, change["to"])
        await self.update(program)
        audit.record(
            self.repository.session,
            actor,
            "program_update",
            site_level=True,
            record_type="program",
            record_id=program.id,
            details={"changes": changes},
        )
        return changes
