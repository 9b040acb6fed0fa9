"""Password hashing (argon2id, OWASP ASVS 11.4.2 parameters) and the password rules."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from youthcourt.web.i18n import _

MIN_LENGTH = 12
MAX_LENGTH = 128
"""Long enough for a passphrase (ASVS 6.2.9 asks for at least 64)."""

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
_DUMMY_HASH = _hasher.hash("not-a-real-password-used-for-timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password. With no hash (unknown account) it spends the same time, so timing reveals nothing."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def common_passwords() -> frozenset[str]:
    """The list of well-known passwords a new password must not be (ASVS 6.2.4), read once."""
    text = (Path(__file__).parent / "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a new password is not acceptable, or None.

    Length and guessability only: no composition rules (ASVS 6.2.1, 6.2.5). A password is
    too easy to guess when it is on the list of common passwords, is one character
    repeated, or contains the first part of the person's own email address.
    """
    if len(password) < MIN_LENGTH:
        return _(
            "Use at least %(min)s characters. A few unrelated words make a strong, memorable password.",
            min=MIN_LENGTH,
        )
    if len(password) > MAX_LENGTH:
        return _("Use at most %(max)s characters.", max=MAX_LENGTH)
    lowered = password.lower()
    local_part = email.partition("@")[0].strip().lower()
    if (
        lowered in common_passwords()
        or len(set(password)) == 1
        or (len(local_part) >= 3 and local_part in lowered)
    ):
        return _(
            "This password is too easy to guess: it is a well-known one, one character repeated, "
            "or based on your email address. "
            "Try a few unrelated words that mean something to you."
        )
    return None


def temporary_password() -> str:
    """A one-time password an admin hands over; the user must replace it at the next sign-in."""
    words = [secrets.token_hex(2) for _ in range(4)]
    return "-".join(words)
