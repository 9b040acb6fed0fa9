"""Settings read once from the environment.

Every setting has a safe default for development so that the app runs with no
configuration at all; production refuses to start without the values that must
not be guessed (the secret key).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

DEVELOPMENT = "development"
PRODUCTION = "production"

AUDIT_MINIMUM_DAYS = 365
"""The audit trail is kept at least a year (CJIS 5.4.7); the database refuses earlier deletes too."""
AUDIT_DEFAULT_DAYS = 2555
"""Seven years, a common retention period for juvenile justice records."""

FOLDER_STORE = "folder"
DATABASE_STORE = "database"
DOCUMENT_STORES = (FOLDER_STORE, DATABASE_STORE)


class SettingsError(RuntimeError):
    """A setting is missing or invalid; the message says which and how to fix it."""


def resource_dir(name: str) -> Path:
    """Find a top-level resource folder (templates, migrations).

    An installed wheel carries them inside the package; a source checkout keeps them
    at the repository root.
    """
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else PROJECT_DIR / name


def normalise_database_url(url: str) -> str:
    """Accept the plain URLs people copy from their hosting panel and pick the async driver."""
    if url.startswith(("postgres://", "postgresql://")):
        return "postgresql+asyncpg://" + url.split("://", 1)[1]
    if url.startswith("sqlite://") and not url.startswith("sqlite+"):
        return "sqlite+aiosqlite://" + url.split("://", 1)[1]
    return url


def _development_secret(data_dir: Path) -> str:
    """Generate a secret once and keep it, so sessions survive a restart in development."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    path.write_text(secret)
    path.chmod(0o600)
    return secret


@dataclass(frozen=True)
class SessionSettings:
    """Sign-in session lifetimes (OWASP ASVS 7.3, CJIS 5.5.5)."""

    idle_minutes: int = 30
    absolute_hours: int = 12
    cookie_name: str = "youthcourt_session"


@dataclass(frozen=True)
class SmtpSettings:
    """The mail server the outbox sends through. No host means no SMTP: messages stay in the outbox."""

    host: str = ""
    port: int = 25
    from_address: str = "youthcourt@localhost"
    user: str = ""
    password: str = field(default="", repr=False)
    starttls: bool = False

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    @classmethod
    def from_env(cls, env_vars: Mapping[str, str]) -> SmtpSettings:
        port = env_vars.get("YOUTHCOURT_SMTP_PORT", "").strip() or "25"
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise SettingsError(f"YOUTHCOURT_SMTP_PORT must be a port number, not '{port}'.")
        starttls = env_vars.get("YOUTHCOURT_SMTP_STARTTLS", "").strip().lower()
        if starttls not in ("", "0", "1", "true", "false", "yes", "no"):
            raise SettingsError("YOUTHCOURT_SMTP_STARTTLS must be 'true' or 'false'.")
        return cls(
            host=env_vars.get("YOUTHCOURT_SMTP_HOST", "").strip(),
            port=int(port),
            from_address=env_vars.get("YOUTHCOURT_SMTP_FROM", "").strip() or "youthcourt@localhost",
            user=env_vars.get("YOUTHCOURT_SMTP_USER", "").strip(),
            password=env_vars.get("YOUTHCOURT_SMTP_PASSWORD", ""),
            starttls=starttls in ("1", "true", "yes"),
        )


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    secret_key: str
    data_dir: Path
    session: SessionSettings = field(default_factory=SessionSettings)
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    lockout_minutes: int = 15
    """How long an account stays locked after too many failed sign-ins, unless an admin unlocks it."""
    audit_retention_days: int = AUDIT_DEFAULT_DAYS
    """Audit entries older than this are deleted by ``youthcourt audit purge``."""
    document_store: str = ""
    """Where the bytes of uploaded documents are kept (``YOUTHCOURT_DOCUMENT_STORE``).

    ``folder``: files under ``<data dir>/uploads``, seen by this server only. ``database``: rows
    in the database, seen by every app server that uses it. Empty: the database on PostgreSQL,
    the production engine and the way to more than one server, and the folder on SQLite.
    """

    @property
    def is_production(self) -> bool:
        return self.env == PRODUCTION

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def upload_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def documents_in_database(self) -> bool:
        if self.document_store:
            return self.document_store == DATABASE_STORE
        return not self.is_sqlite

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env_vars = os.environ if environ is None else environ
        env = env_vars.get("YOUTHCOURT_ENV", DEVELOPMENT).strip().lower()
        if env not in (DEVELOPMENT, PRODUCTION):
            raise SettingsError(f"YOUTHCOURT_ENV must be '{DEVELOPMENT}' or '{PRODUCTION}', not '{env}'.")
        data_dir = Path(env_vars.get("YOUTHCOURT_DATA_DIR", "data")).resolve()
        database_url = normalise_database_url(
            env_vars.get("YOUTHCOURT_DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / 'youthcourt.db'}"
        )
        secret_key = env_vars.get("YOUTHCOURT_SECRET_KEY", "").strip()
        if not secret_key:
            if env == PRODUCTION:
                raise SettingsError(
                    "YOUTHCOURT_SECRET_KEY is required in production. Generate one with:\n"
                    "  python -c 'import secrets; print(secrets.token_urlsafe(48))'"
                )
            secret_key = _development_secret(data_dir)
        elif len(secret_key) < 32:
            raise SettingsError("YOUTHCOURT_SECRET_KEY must be at least 32 characters long.")
        session = SessionSettings(
            idle_minutes=int(env_vars.get("YOUTHCOURT_SESSION_IDLE_MINUTES", "30")),
            absolute_hours=int(env_vars.get("YOUTHCOURT_SESSION_ABSOLUTE_HOURS", "12")),
            cookie_name="__Host-youthcourt_session" if env == PRODUCTION else "youthcourt_session",
        )
        lockout = env_vars.get("YOUTHCOURT_LOCKOUT_MINUTES", "").strip() or "15"
        if not lockout.isdigit() or int(lockout) < 1:
            raise SettingsError(
                f"YOUTHCOURT_LOCKOUT_MINUTES must be a whole number of minutes, not '{lockout}'."
            )
        return cls(
            env=env,
            database_url=database_url,
            secret_key=secret_key,
            data_dir=data_dir,
            session=session,
            smtp=SmtpSettings.from_env(env_vars),
            lockout_minutes=int(lockout),
            audit_retention_days=_audit_retention_days(env_vars),
            document_store=_document_store(env_vars),
        )


def _audit_retention_days(env_vars: Mapping[str, str]) -> int:
    days = env_vars.get("YOUTHCOURT_AUDIT_RETENTION_DAYS", "").strip() or str(AUDIT_DEFAULT_DAYS)
    if not days.isdigit():
        raise SettingsError(f"YOUTHCOURT_AUDIT_RETENTION_DAYS must be a whole number of days, not '{days}'.")
    if int(days) < AUDIT_MINIMUM_DAYS:
        raise SettingsError(
            f"YOUTHCOURT_AUDIT_RETENTION_DAYS must be at least {AUDIT_MINIMUM_DAYS}: "
            f"the audit trail is kept at least a year (it is {days})."
        )
    return int(days)


def _document_store(env_vars: Mapping[str, str]) -> str:
    store = env_vars.get("YOUTHCOURT_DOCUMENT_STORE", "").strip().lower()
    if store and store not in DOCUMENT_STORES:
        raise SettingsError(
            f"YOUTHCOURT_DOCUMENT_STORE must be '{FOLDER_STORE}' or '{DATABASE_STORE}' (or empty for "
            f"the database's default), not '{store}'."
        )
    return store


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings.from_env()
