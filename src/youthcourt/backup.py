"""Backing up and restoring the database and the uploaded documents.

A backup is the database (``.sqlite3`` from SQLite's online backup API, or ``.dump`` from
``pg_dump --format=custom``) and, when uploaded documents are kept in a folder (see
``referrals/document_store.py``), ``<same name>.uploads.tar.gz`` beside it with that folder;
documents kept in the database are in its backup already. Both files are written with mode
0600 under a temporary name and renamed when complete, so a half-written backup never looks like
a good one. They hold children's records: keep them encrypted and off the server.

Restoring checks the file before changing anything (it exists, it is a backup of the kind
the configured database takes, and it is readable), so a wrong or damaged file leaves the
database as it was. PostgreSQL restores in one transaction, so a truncated dump changes nothing.
"""

from __future__ import annotations

import datetime
import os
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from youthcourt.referrals import document_store
from youthcourt.settings import Settings

PG_DUMP = "/usr/bin/pg_dump"
PG_RESTORE = "/usr/bin/pg_restore"
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"
UPLOADS_SUFFIX = ".uploads.tar.gz"
UPLOADS_ROOT = "uploads"


class BackupError(RuntimeError):
    """The backup or restore could not be done; the message says why, without any password."""


@dataclass(frozen=True)
class Written:
    """A file the backup wrote, for telling the user where it went and how big it is."""

    path: Path
    size_bytes: int


def default_output(settings: Settings, now: datetime.datetime | None = None) -> Path:
    """``<data dir>/backups/youthcourt-<UTC timestamp>.sqlite3`` (or ``.dump`` for PostgreSQL)."""
    moment = (now or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    suffix = ".sqlite3" if settings.is_sqlite else ".dump"
    return settings.data_dir / "backups" / f"youthcourt-{moment:%Y%m%dT%H%M%SZ}{suffix}"


def uploads_archive_for(database_backup: Path) -> Path:
    """The uploads archive that belongs with a database backup: same folder, same stem."""
    return database_backup.with_name(database_backup.stem + UPLOADS_SUFFIX)


def human_size(size_bytes: int) -> str:
    size = float(size_bytes)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


# Backing up


def back_up(settings: Settings, output: Path | None = None) -> list[Written]:
    """Write the database backup and, when there are uploaded documents in a folder, its archive."""
    target = (output or default_output(settings)).resolve()
    if target.exists() or uploads_archive_for(target).exists():
        raise BackupError(f"{target} or its uploads archive already exists; choose another --output.")
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with _private_temporary(target) as temporary:
        if settings.is_sqlite:
            _sqlite_backup(sqlite_path(settings), temporary)
        else:
            _pg_dump(settings.database_url, temporary)
    written = [Written(target, target.stat().st_size)]
    folder = document_store.backup_folder(settings)
    if folder is not None and _has_files(folder):
        archive = uploads_archive_for(target)
        with _private_temporary(archive) as temporary:
            _archive_uploads(folder, temporary)
        written.append(Written(archive, archive.stat().st_size))
    return written


@contextmanager
def _private_temporary(final: Path) -> Iterator[Path]:
    """A 0600 file beside ``final``, renamed to it when the block succeeds and removed when it fails."""
    temporary = final.with_name(f".{final.name}.partial")
    temporary.unlink(missing_ok=True)
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield temporary
        os.chmod(temporary, 0o600)
        temporary.replace(final)
    finally:
        temporary.unlink(missing_ok=True)


def sqlite_path(settings: Settings) -> Path:
    database = make_url(settings.database_url).database
    if not database or database == ":memory:":
        raise BackupError("The configured SQLite database is in memory; there is nothing to back up.")
    return Path(database).resolve()


def _sqlite_backup(source: Path, destination: Path) -> None:
    """Copy a live database page by page; SQLite keeps the copy consistent while the app writes."""
    if not source.is_file():
        raise BackupError(f"The SQLite database {source} does not exist.")
    with (
        closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
        closing(sqlite3.connect(destination)) as dst,
    ):
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it


def _pg_dump(database_url: str, destination: Path) -> None:
    _run_pg([PG_DUMP, "--format=custom", "--no-password", f"--file={destination}"], database_url, "pg_dump")


def _has_files(folder: Path) -> bool:
    return folder.is_dir() and any(path.is_file() for path in folder.rglob("*"))


def _archive_uploads(upload_dir: Path, destination: Path) -> None:
    """Tar the uploads folder; a file removed while archiving is skipped."""
    with tarfile.open(destination, "w:gz") as archive:
        for path in sorted(upload_dir.rglob("*")):
            name = f"{UPLOADS_ROOT}/{path.relative_to(upload_dir).as_posix()}"
            try:
                if path.is_file() and not path.is_symlink():
                    archive.add(path, arcname=name, recursive=False)
            except FileNotFoundError:
                continue


# PostgreSQL connection


_MANAGED_PG_VARIABLES = frozenset(
    ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE", "PGSERVICE")
)
"""Set from the database URL only, so a stray variable in the shell cannot point the tools elsewhere."""


def pg_environment(database_url: str) -> dict[str, str]:
    """libpq variables for pg_dump/pg_restore, so the password never appears on a command line."""
    url = make_url(database_url)
    ssl = url.query.get("sslmode") or url.query.get("ssl")
    if isinstance(ssl, tuple):
        ssl = ssl[-1]
    env = {key: value for key, value in os.environ.items() if key not in _MANAGED_PG_VARIABLES}
    parts = {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
        "PGSSLMODE": {"true": "require", "false": "disable"}.get(str(ssl).lower(), ssl) if ssl else None,
    }
    env.update({key: str(value) for key, value in parts.items() if value})
    return env


def _run_pg(command: list[str], database_url: str, tool: str) -> None:
    try:
        result = subprocess.run(  # noqa: S603 (fixed binaries; arguments are paths and flags)
            command, env=pg_environment(database_url), capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{tool} is not installed at {command[0]} (Debian: apt install postgresql-client)."
        ) from error
    if result.returncode != 0:
        password = make_url(database_url).password
        detail = result.stderr.strip() or f"{tool} exited with status {result.returncode}."
        if password:
            detail = detail.replace(password, "***")
        raise BackupError(f"{tool} failed, nothing was changed:\n{detail}")


# Restoring


def restore(settings: Settings, source: Path) -> list[Written]:
    """Replace the database (and the uploaded documents, when their archive is beside it) with a backup."""
    source = source.resolve()
    _check_kind(settings, source)
    archive = uploads_archive_for(source)
    members = _checked_members(archive) if archive.is_file() else None
    if settings.is_sqlite:
        _sqlite_restore(source, sqlite_path(settings))
    else:
        _pg_restore(settings.database_url, source)
    restored = [Written(source, source.stat().st_size)]
    if members is not None:
        _extract_uploads(archive, members, settings.upload_dir)
        restored.append(Written(archive, archive.stat().st_size))
    return restored


def _check_kind(settings: Settings, source: Path) -> None:
    if not source.is_file():
        raise BackupError(f"No backup file at {source}.")
    with source.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        kind = "sqlite"
    elif head.startswith(PGDUMP_MAGIC):
        kind = "postgresql"
    else:
        raise BackupError(
            f"{source} is not a Youthcourt backup (neither a SQLite database nor a pg_dump custom-format "
            "archive). Nothing was changed."
        )
    configured = "sqlite" if settings.is_sqlite else "postgresql"
    if kind != configured:
        names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
        raise BackupError(
            f"{source} is a {names[kind]} backup but the configured database is {names[configured]}; "
            f"restore it into a {names[kind]} database. Nothing was changed."
        )


def _sqlite_restore(source: Path, destination: Path) -> None:
    """Check the backup is whole and is a Youthcourt database, then copy it over the live file."""
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src:
            check = src.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise BackupError(
                    f"{source} is damaged ({check[0] if check else 'no answer'}). Nothing was changed."
                )
            tables = {row[0] for row in src.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "alembic_version" not in tables:
                raise BackupError(
                    f"{source} is a SQLite file but not a Youthcourt database. Nothing was changed."
                )
            destination.parent.mkdir(parents=True, exist_ok=True)
            if not destination.exists():
                os.close(os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            with closing(sqlite3.connect(destination)) as dst:
                src.backup(dst)
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"{source} cannot be read as a SQLite database ({error}). Nothing was changed."
        ) from error


def _pg_restore(database_url: str, source: Path) -> None:
    # Reading the table of contents first catches a damaged file before connecting;
    # one transaction means a dump that breaks part-way leaves the database as it was.
    _run_pg([PG_RESTORE, "--list", str(source)], database_url, "pg_restore")
    database = make_url(database_url).database or ""
    _run_pg(
        [
            PG_RESTORE,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={database}",
            str(source),
        ],
        database_url,
        "pg_restore",
    )


def _checked_members(archive: Path) -> list[tarfile.TarInfo]:
    """The archive's entries, refused unless each is a plain file or folder under ``uploads/``."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            members = tar.getmembers()
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(
            f"The uploads archive {archive} is damaged ({error}). Nothing was changed."
        ) from error
    for member in members:
        parts = Path(member.name).parts
        if (
            not (member.isfile() or member.isdir())
            or not parts
            or parts[0] != UPLOADS_ROOT
            or ".." in parts
            or Path(member.name).is_absolute()
        ):
            raise BackupError(
                f"The uploads archive {archive} holds an unexpected entry. Nothing was changed."
            )
    return members


def _extract_uploads(archive: Path, members: list[tarfile.TarInfo], upload_dir: Path) -> None:
    """Put the archived documents back; documents added since the backup stay where they are."""
    upload_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        tar.extractall(upload_dir.parent, members=members, filter="data")
    for path in upload_dir.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
