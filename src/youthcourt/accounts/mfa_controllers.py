"""The second step of sign-in, enrollment of an authenticator app, and the user's own MFA settings.

After the right password a short session waits for a code (``/login/code``) or, for someone
who must use MFA and has not set it up, for enrollment (``/account/mfa/setup``); nothing
else is reachable until then (see ``programs/guards.py``). Secrets and codes never reach
the audit trail or the logs.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Redirect, Template
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts import lockout, mfa
from youthcourt.accounts.controllers import (
    finish_sign_in,
    record_sign_in_failure,
    throttled_message,
    user_service,
    with_next,
)
from youthcourt.accounts.forms import CodeForm
from youthcourt.accounts.models import SignInFailure, User, UserSession
from youthcourt.accounts.services import UserService
from youthcourt.accounts.sessions import end_session, set_sign_in_cookies
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.programs.guards import CODE_STEP_ALLOWED, CodeRequired
from youthcourt.programs.viewer import Viewer
from youthcourt.web.errors import local_path
from youthcourt.web.flash import flash
from youthcourt.web.forms import Form, FormData
from youthcourt.web.i18n import N_, _, ngettext
from youthcourt.web.templating import page, redirect_to

WRONG_CODE = N_(
    "That code is not right. Type the 6-digit code your app shows now, or one of your recovery codes."
)
WRONG_CURRENT_CODE = N_("That code is not right. Type the 6-digit code your app shows now.")
CODES_PER_SESSION = 5
"""Wrong codes after which the waiting session ends and the password must be typed again."""


def code_required_redirect(request: Request[Any, Any, Any], _exc: CodeRequired) -> Response[Any]:
    """A session waiting for its code asked for another page: send it back to the code step."""
    return redirect_to(request, "/login/code")


def _signed_out(request: Request[Any, Any, Any], message: str) -> Redirect:
    flash(request, message, "error")
    response = Redirect("/login", status_code=303)
    set_sign_in_cookies(response, request, None)
    return response


def _signed_in(request: Request[Any, Any, Any], token: str, target: str) -> Redirect:
    response = Redirect(target, status_code=303)
    set_sign_in_cookies(response, request, token)
    return response


async def _wrong_codes_in_session(db: AsyncSession, viewer: Viewer) -> int:
    started = await db.scalar(select(UserSession.created_at).where(UserSession.id == viewer.session_id))
    count = await db.scalar(
        select(func.count(SignInFailure.id)).where(
            SignInFailure.user_id == viewer.user_id, SignInFailure.occurred_at >= started
        )
    )
    return count or 0


class CodeStepController(Controller):
    """``/login/code``: the authenticator code (or a recovery code) after the password."""

    dependencies = {"users": user_service}

    @get("/login/code", opt=CODE_STEP_ALLOWED)
    async def code_step(
        self, request: Request[Any, Any, Any], users: NamedDependency[UserService], next: FromQuery[str] = ""
    ) -> Template | Redirect:
        viewer: Viewer = request.user
        if not viewer.awaiting_code:
            return Redirect("/", status_code=303)
        user = await users.get(viewer.user_id)
        if not user.has_mfa:
            return Redirect(with_next("/account/mfa/setup", local_path(next)), status_code=303)
        return page("accounts/code.html", form=Form(values={"next": local_path(next) or ""}))

    @post("/login/code", opt=CODE_STEP_ALLOWED)
    async def check(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
        data: FormData,
    ) -> Any:
        viewer: Viewer = request.user
        if not viewer.awaiting_code:
            return Redirect("/", status_code=303)
        form = Form.from_data(data)
        code = CodeForm.read(form).code.strip()
        if not code:
            form.error("code", _(mfa.ENTER_CODE))
            return page("accounts/code.html", form=form, status_code=422)
        user = await users.get_for_sign_in(viewer.user_id)
        if user.is_locked or not user.has_mfa:
            await end_session(db_session, viewer.session_id)
            return _signed_out(request, _("Sign in again to continue."))
        address = audit.client_address(request)
        if wait := await lockout.address_wait_minutes(db_session, address):
            failed = throttled_message(wait)
            form.error("code", failed)
            return page("accounts/code.html", form=form, status_code=429)
        check = await mfa.check_code(db_session, user, code)
        if check.method is None:
            return await self._wrong_code(request, db_session, viewer, form, address)
        token = await finish_sign_in(request, db_session, user, await users.first_program(user), check.method)
        if check.method == "recovery code":
            left = await mfa.remaining_recovery_codes(db_session, user)
            flash(
                request,
                ngettext(
                    "You used a recovery code; %(num)s left. Make new ones from your account page.",
                    "You used a recovery code; %(num)s left. Make new ones from your account page.",
                    left,
                ),
                "info",
            )
        return _signed_in(request, token, local_path(form.get("next")) or "/")

    @staticmethod
    async def _wrong_code(
        request: Request[Any, Any, Any],
        db: AsyncSession,
        viewer: Viewer,
        form: Form,
        address: str | None,
    ) -> Any:
        """A wrong code counts like a wrong password; after five, the waiting session ends."""
        # Nothing of this request is kept but the end of the session, and on SQLite an open write
        # here would block the failure's own transaction.
        await db.rollback()
        locked = await record_sign_in_failure(request, viewer.user_id, "wrong code", address)
        if locked or await _wrong_codes_in_session(db, viewer) >= CODES_PER_SESSION:
            await end_session(db, viewer.session_id)
            return _signed_out(request, _("Too many wrong codes. Sign in again to continue."))
        form.error("code", _(WRONG_CODE))
        return page("accounts/code.html", form=form, status_code=401)


class MfaController(Controller):
    """``/account/mfa``: status, enrollment, new recovery codes, and turning MFA off where allowed."""

    path = "/account/mfa"
    dependencies = {"users": user_service}

    @get("/")
    async def status(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
    ) -> Template:
        user = await users.get(request.user.user_id)
        return await self._status_page(db_session, user, Form())

    async def _unless_current_code(
        self, db: AsyncSession, user: User, form: Form, error_field: str
    ) -> Template | None:
        """Nothing when the form holds a current code (now spent); else the account page saying so."""
        if await mfa.claim_totp(db, user, CodeForm.read(form).code):
            return None
        form.error(error_field, _(WRONG_CURRENT_CODE))
        return await self._status_page(db, user, form, status_code=422)

    @staticmethod
    async def _status_page(db: AsyncSession, user: User, form: Form, status_code: int = 200) -> Template:
        return page(
            "accounts/mfa.html",
            user=user,
            required=await mfa.is_required(db, user),
            remaining=await mfa.remaining_recovery_codes(db, user) if user.has_mfa else 0,
            form=form,
            status_code=status_code,
        )

    @get("/setup", opt=CODE_STEP_ALLOWED)
    async def setup(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
        next: FromQuery[str] = "",
    ) -> Template | Redirect:
        viewer: Viewer = request.user
        user = await users.get(viewer.user_id)
        if user.has_mfa:
            return Redirect("/login/code" if viewer.awaiting_code else "/account/mfa", status_code=303)
        if not user.totp_secret:
            # Kept until confirmed, so reloading the page does not change the QR code already scanned.
            user.totp_secret = mfa.new_secret()
        return await self._setup_page(db_session, user, viewer, Form(values={"next": local_path(next) or ""}))

    @staticmethod
    async def _setup_page(
        db: AsyncSession, user: User, viewer: Viewer, form: Form, status_code: int = 200
    ) -> Template:
        return page(
            "accounts/mfa_setup.html",
            qr_svg=mfa.qr_svg(mfa.provisioning_uri(user.totp_secret or "", user.email)),
            secret=mfa.grouped(user.totp_secret or ""),
            forced=viewer.awaiting_code,
            required=await mfa.is_required(db, user),
            form=form,
            status_code=status_code,
        )

    @post("/setup", opt=CODE_STEP_ALLOWED)
    async def confirm(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
        actor: NamedDependency[Actor],
        data: FormData,
    ) -> Any:
        """The first code proves the app holds the secret; then recovery codes are shown, once."""
        viewer: Viewer = request.user
        user = await users.get_for_sign_in(viewer.user_id)
        if user.has_mfa or not user.totp_secret:
            return Redirect("/login/code" if viewer.awaiting_code else "/account/mfa", status_code=303)
        form = Form.from_data(data)
        program_id, sign_in = None, None
        if viewer.awaiting_code:  # enrolling is the second step of signing in, which it finishes
            program_id = await users.first_program(user)
            sign_in = partial(finish_sign_in, request, db_session, user, program_id, "authenticator")
        enrolled = await mfa.confirm_enrollment(
            db_session, actor, user, form, sign_in=sign_in, program_id=program_id
        )
        if enrolled is None:
            return await self._setup_page(db_session, user, viewer, form, status_code=422)
        continue_to = (local_path(form.get("next")) or "/") if enrolled.token else "/account/mfa"
        response = page(
            "accounts/recovery_codes.html", codes=enrolled.recovery_codes, continue_to=continue_to
        )
        if enrolled.token:
            set_sign_in_cookies(response, request, enrolled.token)
        return response

    @post("/recovery-codes")
    async def regenerate(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
        data: FormData,
    ) -> Any:
        """New recovery codes replace all the old ones; a current code proves the phone is at hand."""
        user = await users.get(request.user.user_id)
        form = Form.from_data(data)
        if not user.has_mfa:
            return redirect_to(request, "/account/mfa")
        if refused := await self._unless_current_code(db_session, user, form, "code"):
            return refused
        codes = await mfa.new_recovery_codes(db_session, user)
        audit.record(
            db_session, request, "mfa_recovery_codes_regenerate", record_type="user", record_id=user.id
        )
        return page("accounts/recovery_codes.html", codes=codes, continue_to="/account/mfa")

    @post("/disable")
    async def disable(
        self,
        request: Request[Any, Any, Any],
        users: NamedDependency[UserService],
        db_session: NamedDependency[AsyncSession],
        data: FormData,
    ) -> Any:
        """Only where MFA is optional (jurors, unless their program requires it), and with a current code."""
        user = await users.get(request.user.user_id)
        form = Form.from_data(data)
        if not user.has_mfa:
            return redirect_to(request, "/account/mfa")
        if await mfa.is_required(db_session, user):
            flash(request, _("Your role requires multi-factor sign-in; it cannot be turned off."), "error")
            return redirect_to(request, "/account/mfa")
        if refused := await self._unless_current_code(db_session, user, form, "disable_code"):
            return refused
        await mfa.disable(db_session, user)
        audit.record(db_session, request, "mfa_disable", record_type="user", record_id=user.id)
        flash(request, _("Multi-factor sign-in is off. You sign in with your password alone."))
        return redirect_to(request, "/account/mfa")
