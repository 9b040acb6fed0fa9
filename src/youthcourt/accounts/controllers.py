"""Sign-in and sign-out, the user's own account, and program admins' management of users."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts import events, lockout, mfa, passwords
from youthcourt.accounts.forms import (
    LanguageForm,
    PasswordForm,
    RoleForm,
    SignInForm,
    UserForm,
    role_choices,
)
from youthcourt.accounts.models import Membership, User
from youthcourt.accounts.services import MembershipService, UserService
from youthcourt.accounts.sessions import end_all_sessions, end_session, set_sign_in_cookies, start_session
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.clock import utc_now
from youthcourt.programs.guards import PASSWORD_CHANGE_ALLOWED, PUBLIC, PasswordChangeRequired, requires_role
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import ProgramScope, switch_scope
from youthcourt.programs.viewer import Viewer
from youthcourt.settings import Settings
from youthcourt.web.errors import local_path
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import LANGUAGES, N_, _, choose_language, ngettext, use_locale
from youthcourt.web.pagination import PageNumber, page_number, paginate
from youthcourt.web.search import ListSearch, posted_page, shown_address
from youthcourt.web.templating import page, redirect_to, wants_part

SIGN_IN_FAILED = N_("The email or password is not right. Check them and try again.")
SHARED_ACCOUNT = N_(
    "This person's account also belongs to a program you do not administer, so only a site "
    "administrator can reset their password or multi-factor sign-in, unlock it or sign them out. "
    "You can change their role in this program or deactivate them here."
)
SITE_ADMIN_ACCOUNT = N_(
    "Only a site administrator can reset a site administrator's sign-in, unlock it or sign them out."
)


def throttled_message(wait: int) -> str:
    """What a sign-in refused for too many attempts from the address says."""
    return ngettext(
        "Too many attempts from this address; try again in %(num)s minute.",
        "Too many attempts from this address; try again in %(num)s minutes.",
        wait,
    )


user_service = Provide(create_service_provider(UserService))
membership_service = Provide(create_service_provider(MembershipService))


def settings_of(request: Request[Any, Any, Any]) -> Settings:
    return request.app.state.settings


def with_next(path: str, next_path: str | None) -> str:
    return f"{path}?{urlencode({'next': next_path})}" if next_path else path


async def start_code_step(
    request: Request[Any, Any, Any],
    db: AsyncSession,
    user: User,
    program_id: UUID | None,
    next_path: str | None,
) -> Redirect:
    """The password was right: a short session that reaches only the code (or enrollment) step."""
    token = await start_session(db, user, program_id, request, settings_of(request), awaiting_code=True)
    target = "/login/code" if user.has_mfa else "/account/mfa/setup"
    response = Redirect(with_next(target, next_path), status_code=303)
    set_sign_in_cookies(response, request, token, awaiting_code=True)
    return response


async def finish_sign_in(
    request: Request[Any, Any, Any], db: AsyncSession, user: User, program_id: UUID | None, method: str
) -> str:
    """Start the full session (a new token) and record the sign-in; returns the cookie token.

    Only here is a sign-in a success in the trail and for the lockout count: after the
    password alone for those without MFA, after the code for everyone else.
    """
    switch_scope(ProgramScope.of(program_id, include_unowned=user.is_site_admin))
    user.last_sign_in_at = utc_now()
    token = await start_session(db, user, program_id, request, settings_of(request))
    audit.record(
        db,
        request,
        "sign_in",
        actor_id=user.id,
        actor_name=user.name_in(program_id),
        program_id=program_id,
        record_type="user",
        record_id=user.id,
        details={"method": method},
    )
    return token


def change_password_redirect(request: Request[Any, Any, Any], _exc: PasswordChangeRequired) -> Response[Any]:
    flash(request, _("Choose a new password before you continue."), "info")
    return redirect_to(request, "/account/password")


async def record_sign_in_failure(
    request: Request[Any, Any, Any], account_id: UUID | None, reason: str, address: str | None
) -> bool:
    """Count the failure towards a lock and write it to the trail, both kept though the request fails.

    True when this failure has just locked the account. The trail holds the account's id
    when the email matched one, never the email typed. Like every failed sign-in, the
    entries are site-level: no program is named.
    """
    session_maker = request.app.state.session_maker
    locked = await lockout.record_failure(
        session_maker, account_id, address, settings_of(request).lockout_minutes
    )
    fields: dict[str, Any] = {
        "actor_id": account_id,
        "record_type": "user" if account_id else None,
        "record_id": account_id,
    }
    await audit.record_independently(
        session_maker, request, "sign_in", outcome=audit.FAILURE, details={"reason": reason}, **fields
    )
    if locked:
        minutes = settings_of(request).lockout_minutes
        await audit.record_independently(
            session_maker,
            request,
            "account_lock",
            outcome=audit.DENIED,
            details={"failures": lockout.FAILURES_TO_LOCK, "minutes": minutes},
            **fields,
        )
    return locked


class SignInController(Controller):
    dependencies = {"users": user_service}

    @get("/login", opt=PUBLIC, name="login")
    async def show(self, request: Request[Any, Any, Any], next: FromQuery[str] = "") -> Template | Redirect:
        viewer: Viewer | None = request.scope.get("user")
        if viewer and not viewer.awaiting_code:
            return Redirect("/", status_code=303)
        return page("accounts/login.html", form=Form(values={"next": local_path(next) or ""}))

    @post("/login", opt=PUBLIC)
    async def sign_in(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
        data: FormData,
    ) -> Any:
        form = Form.from_data(data)
        signing_in = SignInForm.read(form)
        email, password = signing_in.email, signing_in.password
        if not form.is_valid:
            return page("accounts/login.html", form=form, status_code=422)
        address = audit.client_address(request)
        if wait := await lockout.address_wait_minutes(db_session, address):
            await self._audit_throttled(request)
            failed = throttled_message(wait)
            return page("accounts/login.html", form=form, failed=failed, status_code=429)
        attempt = await users.authenticate(email, password)
        if attempt.user is None:
            await record_sign_in_failure(request, attempt.account_id, attempt.failure, address)
            return page("accounts/login.html", form=form, failed=_(SIGN_IN_FAILED), status_code=401)
        user = attempt.user
        next_path = local_path(form.get("next"))
        if user.has_mfa or await mfa.is_required(db_session, user):
            return await start_code_step(
                request, db_session, user, await users.first_program(user), next_path
            )
        token = await finish_sign_in(request, db_session, user, await users.first_program(user), "password")
        response = Redirect(next_path or "/", status_code=303)
        set_sign_in_cookies(response, request, token)
        return response

    @staticmethod
    async def _audit_throttled(request: Request[Any, Any, Any]) -> None:
        await audit.record_independently(
            request.app.state.session_maker,
            request,
            "sign_in",
            outcome=audit.DENIED,
            details={"reason": "too many attempts from this address"},
        )

    @post("/logout", opt={**PUBLIC, **PASSWORD_CHANGE_ALLOWED})
    async def sign_out(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Redirect:
        viewer: Viewer | None = request.scope.get("user")
        if viewer and viewer.awaiting_code:
            # Half signed in: no program yet, so the entry is site-level, as a failed sign-in is.
            switch_scope(ProgramScope.of(include_unowned=True))
            await end_session(db_session, viewer.session_id)
            audit.record(
                db_session,
                request,
                "sign_out",
                site_level=True,
                record_type="user",
                record_id=viewer.user_id,
                details={"stage": "code"},
            )
        elif viewer:
            await end_session(db_session, viewer.session_id)
            audit.record(db_session, request, "sign_out", record_type="user", record_id=viewer.user_id)
        flash(request, _("You have signed out."), "info")
        response = Redirect("/login", status_code=303)
        set_sign_in_cookies(response, request, None)
        return response

    @post("/logout/everywhere", opt=PASSWORD_CHANGE_ALLOWED)
    async def sign_out_everywhere(
        self, request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession]
    ) -> Redirect:
        """End every session of the user, on every device: for a lost phone or a shared computer."""
        viewer: Viewer = request.user
        await end_all_sessions(db_session, viewer.user_id)
        audit.record(db_session, request, "sign_out_everywhere", record_type="user", record_id=viewer.user_id)
        flash(request, _("You have signed out on every device."), "info")
        response = Redirect("/login", status_code=303)
        set_sign_in_cookies(response, request, None)
        return response


class AccountController(Controller):
    """What every signed-in user can do with their own account."""

    path = "/account"
    dependencies = {"users": user_service}

    @get("/password", opt=PASSWORD_CHANGE_ALLOWED)
    async def password_form(self) -> Template:
        return page("accounts/password.html", form=Form())

    @post("/password", opt=PASSWORD_CHANGE_ALLOWED)
    async def change_password(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        form = Form.from_data(data)
        user = await users.get(viewer.user_id)
        typed = PasswordForm.read(form)
        current, new, confirm = typed.current_password, typed.new_password, typed.confirm_password
        if not passwords.verify_password(user.password_hash, current):
            form.error("current_password", _("This is not your current password."))
        if problem := passwords.password_problem(new, email=user.email):
            form.error("new_password", problem)
        elif new == current:
            form.error("new_password", _("Choose a password different from the current one."))
        if new != confirm:
            form.error("confirm_password", _("The two new passwords are not the same."))
        if not form.is_valid:
            return page("accounts/password.html", form=Form(errors=form.errors), status_code=422)
        await users.set_password(user, new, temporary=False)
        token = await start_session(db_session, user, viewer.program_id, request, settings_of(request))
        audit.record(db_session, request, "password_change", record_type="user", record_id=user.id)
        flash(request, _("Your password was changed. Any other browser signed in as you was signed out."))
        response = Redirect("/", status_code=303)
        set_sign_in_cookies(response, request, token)
        return response

    @get("/language", name="accounts.language_form")
    async def language_form(self, request: Request[Any, Any, Any]) -> Template:
        viewer: Viewer = request.user
        return page("accounts/language.html", form=Form(values={"language": viewer.language or ""}))

    @post("/language")
    async def change_language(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        """The person's own language for every page, audited; the next page is already in it."""
        form = Form.from_data(data)
        chosen = LanguageForm.read(form)
        if not form.is_valid or (chosen.language and chosen.language not in LANGUAGES):
            form.errors.setdefault("language", _("Choose a language."))
            return page("accounts/language.html", form=form, status_code=422)
        user = await users.get(request.user.user_id)
        language = chosen.language or None
        if await users.set_language(actor, user, language):
            with use_locale(choose_language(language, request.headers.get("accept-language"))):
                flash(request, _("Your language was saved."))
        return redirect_to(request, "/account/language")

    @post("/program")
    async def switch_program(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
        data: FormData,
    ) -> Any:
        """Working in another program changes role, so it starts a new session (a new id)."""
        viewer: Viewer = request.user
        wanted = Form.from_data(data).get("program_id")
        choice = next((c for c in viewer.programs if str(c.id) == wanted), None)
        if choice is None:
            raise NotFoundException("That program is not one of yours.")
        user = await users.get(viewer.user_id)
        switch_scope(ProgramScope.of(choice.id, include_unowned=viewer.is_site_admin))
        token = await start_session(db_session, user, choice.id, request, settings_of(request))
        audit.record(
            db_session,
            request,
            "switch_program",
            program_id=choice.id,
            record_type="program",
            record_id=choice.id,
        )
        flash(request, _("You are now working in %(program)s.", program=choice.name), "info")
        response = Redirect("/", status_code=303)
        set_sign_in_cookies(response, request, token)
        return response


USER_FILTERS = ("q", "role", "status")
"""The user list's filters; ``q`` is a name or an email, so it is only read from a POST body."""


class UserAdminController(Controller):
    """Program admins add people to their program, change roles, deactivate and reset passwords."""

    path = "/admin/users"
    guards = [requires_role(Role.PROGRAM_ADMIN)]
    dependencies = {"users": user_service, "memberships": membership_service}

    @get("/", name="users")
    async def index(
        self,
        request: Request[Any, Any, Any],
        memberships: NamedDependency[MembershipService],
        page_no: PageNumber = "1",
    ) -> Template:
        search = ListSearch.read(request, "/admin/users", USER_FILTERS)
        return await self._list(request, memberships, search, page_number(page_no))

    @post("/search", status_code=200)
    async def search(
        self, request: Request[Any, Any, Any], memberships: NamedDependency[MembershipService], data: FormData
    ) -> Template:
        """People searched by name or email: the terms come in the body, out of addresses and logs."""
        search = ListSearch.read(request, "/admin/users", USER_FILTERS, data)
        listed = await self._list(request, memberships, search, posted_page(data))
        return shown_address(listed, request, search)

    async def _list(
        self, request: Request[Any, Any, Any], memberships: MembershipService, search: ListSearch, number: int
    ) -> Template:
        filters = search.values
        listing = MembershipService.listing(filters["q"].strip()[:100], filters["role"], filters["status"])
        results = await paginate(memberships.repository.session, listing, number)
        governed = await memberships.governed_accounts(request.user, [m.user for m in results.items])
        template = "accounts/_user_rows.html" if wants_part(request, "user-rows") else "accounts/users.html"
        return page(
            template,
            results=results,
            governed=governed,
            filters=filters,
            search=search,
            roles=role_choices(),
        )

    @get("/new")
    async def new(self) -> Template:
        return page(
            "accounts/user_new.html", form=Form(values={"role": Role.COORDINATOR.value}), roles=role_choices()
        )

    @post("/")
    async def create(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        memberships: NamedDependency[MembershipService],
        db_session: NamedDependency[AsyncSession],
        data: FormData,
    ) -> Template:
        """Add a person to the program by email. Whether the email already had an account (in any
        program) changes nothing the admin sees: the same page, the name they typed, an email to the
        person, and no password; an existing account keeps its own password and authenticator."""
        viewer: Viewer = request.user
        form = Form.from_data(data)
        person = UserForm.read(form)
        full_name, email, role = person.full_name, person.email, person.role
        existing = await users.get_by_email(email) if email else None
        # The same lookups whether or not the email has an account, as at sign-in.
        if await memberships.get_for_user(existing.id if existing else lockout.NO_ACCOUNT) and existing:
            form.error("email", _("This person is already a member of the program."))
        if not form.is_valid:
            return page("accounts/user_new.html", form=form, roles=role_choices(), status_code=422)
        # Hashed whichever way, so the answer takes as long whether the email had an account or not.
        unusable = passwords.hash_password(passwords.temporary_password() + passwords.temporary_password())
        account = existing or await users.create_user(email=email, full_name=full_name, password=unusable)
        membership = await memberships.add(viewer.program_id, account, Role(role), full_name)
        audit.record(
            db_session, request, "user_add", record_type="user", record_id=account.id, details={"role": role}
        )
        await events.announce(
            db_session,
            request,
            program_id=membership.program_id,
            email=email,
            name=full_name,
            role=Role(role),
        )
        return page("accounts/user_created.html", membership=membership, name=full_name, email=email)

    async def _membership(
        self, memberships: NamedDependency[MembershipService], user_id: FromPath[UUID]
    ) -> Any:
        membership = await memberships.get_for_user(user_id)
        if membership is None:
            raise NotFoundException()
        return membership

    async def _account_of(
        self, request: Request[Any, Any, Any], memberships: MembershipService, user_id: UUID
    ) -> Membership:
        """The membership whose account (password, authenticator, lock, sessions) the admin may manage.

        Only accounts whose every membership is in programs the admin administers: resetting the
        sign-in of someone who also belongs elsewhere would hand over that program's records. A site
        administrator's account is managed only by another site administrator.
        """
        membership = await self._membership(memberships, user_id)
        if not await memberships.governs(request.user, membership.user):
            raise PermissionDeniedException(
                SITE_ADMIN_ACCOUNT if membership.user.is_site_admin else SHARED_ACCOUNT
            )
        return membership

    @get("/{user_id:uuid}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        memberships: NamedDependency[MembershipService],
        user_id: FromPath[UUID],
    ) -> Template:
        membership = await self._membership(memberships, user_id)
        return await self._detail(
            request, memberships, membership, Form(values={"role": membership.role.value})
        )

    @staticmethod
    async def _detail(
        request: Request[Any, Any, Any],
        memberships: MembershipService,
        membership: Membership,
        form: Form,
        status_code: int = 200,
    ) -> Template:
        return page(
            "accounts/user_detail.html",
            membership=membership,
            governed=await memberships.governs(request.user, membership.user),
            shared_account=_(SITE_ADMIN_ACCOUNT if membership.user.is_site_admin else SHARED_ACCOUNT),
            roles=role_choices(),
            form=form,
            status_code=status_code,
        )

    @post("/{user_id:uuid}/role")
    async def change_role(
        self,
        request: Request[Any, Any, Any],
        memberships: NamedDependency[MembershipService],
        db_session: NamedDependency[AsyncSession],
        user_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        membership = await self._membership(memberships, user_id)
        form = Form.from_data(data)
        role = RoleForm.read(form).role
        if user_id == request.user.user_id:
            form.error("role", _("You cannot change your own role; ask another program admin."))
        if not form.is_valid:
            return await self._detail(request, memberships, membership, form, status_code=422)
        previous = membership.role.value
        membership.role = Role(role)
        audit.record(
            db_session,
            request,
            "user_role_change",
            record_type="user",
            record_id=user_id,
            details={"from": previous, "to": role},
        )
        flash(request, _("The role was changed."))
        return redirect_to(request, f"/admin/users/{user_id}")

    @post("/{user_id:uuid}/active")
    async def set_active(
        self,
        request: Request[Any, Any, Any],
        memberships: NamedDependency[MembershipService],
        db_session: NamedDependency[AsyncSession],
        user_id: FromPath[UUID],
        data: FormData,
    ) -> Any:
        membership = await self._membership(memberships, user_id)
        active = Form.from_data(data).get("active") == "true"
        if user_id == request.user.user_id:
            flash(request, _("You cannot deactivate your own account."), "error")
            return redirect_to(request, f"/admin/users/{user_id}")
        await memberships.set_active(membership, active)
        audit.record(
            db_session,
            request,
            "user_activate" if active else "user_deactivate",
            record_type="user",
            record_id=user_id,
        )
        flash(
            request,
            _("%(name)s can work in this program again.", name=membership.name)
            if active
            else _(
                "%(name)s no longer has access to this program and was signed out of it.",
                name=membership.name,
            ),
        )
        return redirect_to(request, f"/admin/users/{user_id}")

    @post("/{user_id:uuid}/unlock")
    async def unlock(
        self,
        request: Request[Any, Any, Any],
        memberships: NamedDependency[MembershipService],
        db_session: NamedDependency[AsyncSession],
        user_id: FromPath[UUID],
    ) -> Any:
        """Lift a lock after too many failed sign-ins, before the cool-down ends."""
        membership = await self._account_of(request, memberships, user_id)
        user: User = membership.user
        if user.is_locked:
            lockout.unlock(user)
            audit.record(db_session, request, "user_unlock", record_type="user", record_id=user_id)
            flash(request, _("The account was unlocked. They can sign in again."))
        else:
            flash(request, _("The account was not locked."), "info")
        return redirect_to(request, f"/admin/users/{user_id}")

    @post("/{user_id:uuid}/password-reset")
    async def reset_password(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        memberships: NamedDependency[MembershipService],
        db_session: NamedDependency[AsyncSession],
        user_id: FromPath[UUID],
    ) -> Template:
        membership = await self._account_of(request, memberships, user_id)
        user: User = membership.user
        temporary = passwords.temporary_password()
        await users.set_password(user, temporary, temporary=True)
        audit.record(db_session, request, "user_password_reset", record_type="user", record_id=user_id)
        return page("accounts/temporary_password.html", membership=membership, temporary=temporary)

    @post("/{user_id:uuid}/mfa-reset")
    async def reset_mfa(
        self,
        request: Request[Any, Any, Any],
        memberships: NamedDependency[MembershipService],
        db_session: NamedDependency[AsyncSession],
        user_id: FromPath[UUID],
    ) -> Any:
        """For a lost phone: the app's key and recovery codes are forgotten and the person signed out;
        they set up the app again at their next sign-in."""
        membership = await self._account_of(request, memberships, user_id)
        user: User = membership.user
        if user_id == request.user.user_id:
            flash(
                request,
                _("You cannot reset your own multi-factor sign-in; ask another program admin."),
                "error",
            )
            return redirect_to(request, f"/admin/users/{user_id}")
        await mfa.disable(db_session, user)
        await end_all_sessions(db_session, user.id)
        audit.record(db_session, request, "user_mfa_reset", record_type="user", record_id=user_id)
        flash(
            request, _("Multi-factor sign-in was reset. They set up their app again at their next sign-in.")
        )
        return redirect_to(request, f"/admin/users/{user_id}")
