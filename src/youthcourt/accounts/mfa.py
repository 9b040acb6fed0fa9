"""Multi-factor sign-in: authenticator-app codes (RFC 6238 TOTP) and one-time recovery codes.

Written out with :mod:`hmac` rather than taken from a library, because it is short and the
details matter: SHA-1, 6 digits, 30-second steps (what every authenticator app does by
default), one step of clock drift either way, and a code accepted once only: the step of
the last accepted code is stored and only a later step is accepted after it, so a code
seen over someone's shoulder cannot be used again (OWASP ASVS 6.5.1, CJIS 5.6.2.2).

Recovery codes replace the app once each when the phone is lost; only their SHA-256 is
stored, as for session tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode
from uuid import UUID

import segno
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from youthcourt.accounts.forms import CodeForm
from youthcourt.accounts.models import Membership, RecoveryCode, User
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.clock import utc_now
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import across_programs
from youthcourt.reference.models import ProgramPolicy
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, _

ISSUER = "Youthcourt"
STEP_SECONDS = 30
DIGITS = 6
DRIFT_STEPS = 1
"""Codes of the previous and next step are accepted too: phones' clocks are rarely exact."""
SECRET_BYTES = 20
"""160 bits, the length RFC 4226 recommends for HMAC-SHA-1."""
RECOVERY_CODE_COUNT = 10
STAFF_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.COORDINATOR, Role.EVALUATOR})
"""Roles that always sign in with a second factor: they see youth's records or statistics."""

ENTER_CODE = N_("Enter the 6-digit code from your authenticator app, or a recovery code.")
WRONG_FIRST_CODE = N_(
    "That code is not right. Check that your phone's clock is set automatically and type the code shown now."
)


def new_secret() -> str:
    """A new random base32 secret (32 characters, no padding), as authenticator apps expect."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode().rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def hotp(key: bytes, counter: int, digits: int = DIGITS, digest: str = "sha1") -> str:
    """RFC 4226 HOTP: dynamic truncation of HMAC(key, counter)."""
    mac = hmac.new(key, struct.pack(">Q", counter), digest).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


clock: Callable[[], float] = time.time
"""Seconds since the epoch, as authenticator apps count them; tests put a clock they can move here."""


def current_step(at: float | None = None) -> int:
    return int((clock() if at is None else at) // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    """The code an authenticator app shows for ``secret`` during ``step``."""
    return hotp(_key(secret), step)


def matching_step(secret: str, code: str, last_step: int | None, at: float | None = None) -> int | None:
    """The step whose code ``code`` is, within the drift window and after ``last_step``; else None.

    Every candidate step is compared, in constant time, so the answer's timing does not
    tell which step (if any) matched.
    """
    code = normalize_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    now = current_step(at)
    found = None
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        fresh = last_step is None or step > last_step
        if hmac.compare_digest(code_at(secret, step), code) and fresh and found is None:
            found = step
    return found


def normalize_code(code: str) -> str:
    """What people type: spaces and dashes between groups are ignored, letters in any case."""
    return "".join(code.split()).replace("-", "").lower()


def provisioning_uri(secret: str, email: str) -> str:
    """The otpauth:// address authenticator apps read from the QR code."""
    label = quote(f"{ISSUER}:{email}", safe="@:")
    query = urlencode(
        {"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": DIGITS, "period": 30}
    )
    return f"otpauth://totp/{label}?{query}"


def qr_svg(uri: str, title: str = "QR code for your authenticator app") -> str:
    """The QR code as inline SVG markup: no data: URI and no style attribute, which the CSP forbids.

    Also how a family's private link is handed over on the coordinator's screen (``respondents``)."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=4, light="#fff", title=title)


def grouped(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@dataclass(frozen=True)
class CodeCheck:
    method: str | None
    """"authenticator" or "recovery code" when the code was accepted; None when it was not."""


def _hash_recovery(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


RECOVERY_CODE_LENGTH = 25
"""25 characters from 31 give 124 random bits: past the 112 bits above which a plain SHA-256
is a sound way to store a lookup secret (OWASP ASVS 6.5.2), so checking one stays instant."""


def _new_recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: easy to read from paper
    raw = "".join(secrets.choice(alphabet) for _ in range(RECOVERY_CODE_LENGTH))
    return "-".join(raw[start : start + 5] for start in range(0, RECOVERY_CODE_LENGTH, 5))


async def new_recovery_codes(db: AsyncSession, user: User) -> list[str]:
    """Replace all of the user's recovery codes with ten new ones, returned once for showing."""
    await db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.add_all(RecoveryCode(user_id=user.id, code_hash=_hash_recovery(code)) for code in codes)
    await db.flush()
    return codes


async def use_recovery_code(db: AsyncSession, user: User, code: str) -> bool:
    """Spend one unused recovery code. The lookup compares hashes, never the codes themselves, and
    the conditional UPDATE lets only one of two requests racing with the same code have it."""
    if len(normalize_code(code)) < 8:
        return False
    found = await db.scalar(
        select(RecoveryCode.id).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_recovery(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if found is None:
        return False
    result = await db.execute(
        update(RecoveryCode)
        .where(RecoveryCode.id == found, RecoveryCode.used_at.is_(None))
        .values(used_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


async def claim_totp(db: AsyncSession, user: User, code: str) -> bool:
    """Accept an authenticator code once, even against a second request racing with the same code:
    the step is stored by a conditional UPDATE that only one of them can make."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    result = await db.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


async def remaining_recovery_codes(db: AsyncSession, user: User) -> int:
    count = await db.scalar(
        select(func.count(RecoveryCode.id)).where(
            RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
        )
    )
    return count or 0


async def check_code(db: AsyncSession, user: User, code: str) -> CodeCheck:
    """An authenticator code or, failing that, a recovery code."""
    if await claim_totp(db, user, code):
        return CodeCheck("authenticator")
    if await use_recovery_code(db, user, code):
        return CodeCheck("recovery code")
    return CodeCheck(None)


def enable(user: User, step: int) -> None:
    user.totp_enabled_at = utc_now()
    user.totp_last_step = step


async def disable(db: AsyncSession, user: User) -> None:
    """Forget the secret and the recovery codes: a new enrollment is needed to use MFA again."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    await db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


async def is_required(db: AsyncSession, user: User) -> bool:
    """Site admins, and staff or evaluators of any active program, must use a second factor;
    jurors too where their program's policy says so."""
    if user.is_site_admin:
        return True
    with across_programs():
        rows = (
            await db.execute(
                select(Membership.role, ProgramPolicy.mfa_for_jurors)
                .join(Program, Program.id == Membership.program_id)
                .outerjoin(ProgramPolicy, ProgramPolicy.program_id == Membership.program_id)
                .where(Membership.user_id == user.id, Membership.is_active, Program.is_active)
            )
        ).all()
    return any(role in STAFF_ROLES or (role == Role.JUROR and jurors_too) for role, jurors_too in rows)


SignIn = Callable[[], Awaitable[str]]
"""Finishes a waiting sign-in and returns the new session's cookie token."""


@dataclass(frozen=True)
class Enrollment:
    recovery_codes: list[str]
    """Shown once, never stored in the clear."""
    token: str | None = None
    """The full session's cookie token when the enrollment finished a sign-in; None otherwise."""


async def confirm_enrollment(
    db: AsyncSession,
    actor: Actor,
    user: User,
    form: Form,
    *,
    sign_in: SignIn | None = None,
    program_id: UUID | None = None,
) -> Enrollment | None:
    """Turn MFA on when the form's code proves the app holds the user's new secret; errors go on ``form``.

    The code is taken out of the form, so it is never shown again. Enrolled, the user gets new
    recovery codes; when enrolling was the second step of a sign-in, ``sign_in`` finishes it first
    (into ``program_id``), so the entry is written in the program the user signed in to.
    """
    code = CodeForm.read(form).code.strip()
    step = matching_step(user.totp_secret, code, None) if code and user.totp_secret else None
    if step is None:
        form.error("code", _(WRONG_FIRST_CODE if code else ENTER_CODE))
        return None
    enable(user, step)
    codes = await new_recovery_codes(db, user)
    token = await sign_in() if sign_in is not None else None
    audit.record(
        db,
        actor,
        "mfa_enroll",
        actor_id=user.id,
        actor_name=user.name_in(program_id) if token else None,
        program_id=program_id if token else None,
        record_type="user",
        record_id=user.id,
    )
    return Enrollment(codes, token)
