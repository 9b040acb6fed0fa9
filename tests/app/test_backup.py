"""``youthcourt backup`` and ``youthcourt restore``: every table and every document comes back intact."""

from __future__ import annotations

import asyncio
import hashlib
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import delete, select, update
from sqlalchemy.engine import make_url

from tests.conftest import _postgres_admin, _postgres_url, make_settings
from tests.documents import keep, kept_bytes
from tests.factories import make_case, make_program, make_referral, make_user
from youthcourt import backup as backup_module
from youthcourt import cli
from youthcourt.accounts.models import Membership
from youthcourt.database import create_database_config
from youthcourt.programs.models import Program
from youthcourt.referrals.models import Document
from youthcourt.schema import metadata
from youthcourt.settings import get_settings

DOCUMENT = b"%PDF-1.7 a police report\n" + bytes(range(256))


def _use(
    monkeypatch: pytest.MonkeyPatch,
    database_url: str,
    data_dir: Path,
    env: str = "development",
    store: str = "folder",
) -> None:
    """Point the command at the database; documents in a folder unless ``store`` says otherwise."""
    monkeypatch.setenv("YOUTHCOURT_DOCUMENT_STORE", store)
    monkeypatch.setenv("YOUTHCOURT_DATABASE_URL", database_url)
    monkeypatch.setenv("YOUTHCOURT_DATA_DIR", str(data_dir))
    monkeypatch.setenv("YOUTHCOURT_ENV", env)
    monkeypatch.setenv("YOUTHCOURT_SECRET_KEY", "s" * 40)
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@contextmanager
def scratch_database(database_url: str, folder: Path) -> Iterator[str]:
    """An empty database of the same kind: a new SQLite file, or a new PostgreSQL database."""
    if database_url.startswith("sqlite"):
        folder.mkdir(parents=True, exist_ok=True)
        yield f"sqlite+aiosqlite:///{folder / 'scratch.db'}"
        return
    name = f"youthcourt_scratch_{uuid.uuid4().hex[:12]}"
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield _postgres_url(name)
    finally:
        asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _render(value: object) -> str:
    return "\x00" if value is None else str(value)


def table_checksums(database_url: str, data_dir: Path) -> dict[str, tuple[int, str]]:
    """Each table's row count and a sha256 over its rows in primary-key order, values as text."""

    async def read() -> dict[str, tuple[int, str]]:
        config = create_database_config(make_settings(database_url, data_dir))
        sums: dict[str, tuple[int, str]] = {}
        try:
            async with config.get_engine().connect() as connection:
                for table in metadata.sorted_tables:
                    order = list(table.primary_key.columns) or list(table.columns)
                    rows = (await connection.execute(select(table).order_by(*order))).all()
                    digest = hashlib.sha256()
                    for row in rows:
                        digest.update("\x1f".join(_render(value) for value in row).encode() + b"\x1e")
                    sums[table.name] = (len(rows), digest.hexdigest())
        finally:
            await config.get_engine().dispose()
        return sums

    return asyncio.run(read())


def store_document(data_dir: Path) -> Path:
    folder = data_dir / "uploads" / str(uuid.uuid4())
    folder.mkdir(parents=True)
    path = folder / uuid.uuid4().hex
    path.write_bytes(DOCUMENT)
    path.chmod(0o600)
    return path


def run_backup(output: Path | None = None) -> Result:
    arguments = ["--output", str(output)] if output else []
    return CliRunner().invoke(cli.backup, arguments)


def backed_up_files(result: Result) -> list[Path]:
    return [
        Path(line.removeprefix("Backed up to ").rsplit(" (", 1)[0])
        for line in result.output.splitlines()
        if line.startswith("Backed up to ")
    ]


@pytest.fixture
def filled(database_url: str, tmp_path: Path) -> tuple[str, Path]:
    """The demo program (the test is marked ``demo``) and one uploaded document."""
    data_dir = tmp_path / "data"
    store_document(data_dir)
    return database_url, data_dir


@pytest.fixture
def small(database_url: str, tmp_path: Path) -> tuple[str, Path]:
    """A program with a coordinator and a case, built with the factories, and one uploaded document."""
    data_dir = tmp_path / "data"

    async def work() -> None:
        config = create_database_config(make_settings(database_url, data_dir))
        try:
            async with config.get_session() as db:
                program = await make_program(db)
                await make_user(db, program)
                await make_case(db, program)
                await db.commit()
        finally:
            await config.get_engine().dispose()

    asyncio.run(work())
    store_document(data_dir)
    return database_url, data_dir


@pytest.mark.demo
def test_restore_into_a_scratch_database_gives_back_every_table_and_document(filled, tmp_path, monkeypatch):
    database_url, data_dir = filled
    before = table_checksums(database_url, data_dir)
    _use(monkeypatch, database_url, data_dir)

    result = run_backup()

    assert result.exit_code == 0, result.output
    database_backup, uploads_archive = backed_up_files(result)
    assert database_backup.parent == data_dir / "backups"
    assert database_backup.suffix == (".sqlite3" if database_url.startswith("sqlite") else ".dump")
    assert uploads_archive == backup_module.uploads_archive_for(database_backup)
    for path in (database_backup, uploads_archive):
        assert path.stat().st_mode & 0o777 == 0o600, f"{path.name} must be readable by its owner only"
    assert not list(database_backup.parent.glob(".*.partial")), "no half-written file is left behind"

    other_dir = tmp_path / "other"
    with scratch_database(database_url, tmp_path / "scratch") as scratch_url:
        _use(monkeypatch, scratch_url, other_dir)
        restored = CliRunner().invoke(cli.restore, [str(database_backup), "--yes"])
        assert restored.exit_code == 0, restored.output
        after = table_checksums(scratch_url, other_dir)

    assert set(after) == {table.name for table in metadata.sorted_tables}
    assert sum(1 for count, _ in before.values() if count) >= 15, "the demo fills most tables"
    for table, expected in before.items():
        assert after[table] == expected, f"table {table} differs after the restore"
    documents = [path for path in (other_dir / "uploads").rglob("*") if path.is_file()]
    assert [path.read_bytes() for path in documents] == [DOCUMENT]
    assert documents[0].stat().st_mode & 0o777 == 0o600


def test_restore_puts_back_what_changed_since_the_backup(small, tmp_path, monkeypatch):
    database_url, data_dir = small
    before = table_checksums(database_url, data_dir)
    _use(monkeypatch, database_url, data_dir)
    output = tmp_path / "kept" / "nightly.bak"
    assert run_backup(output).exit_code == 0
    assert output.is_file()
    assert (tmp_path / "kept" / "nightly.uploads.tar.gz").is_file()

    # Changes after the backup: a program renamed, the memberships removed, a new program.
    asyncio.run(_change(database_url, data_dir))
    assert table_checksums(database_url, data_dir) != before

    result = CliRunner().invoke(cli.restore, [str(output)], input="y\n")

    assert result.exit_code == 0, result.output
    assert table_checksums(database_url, data_dir) == before


async def _change(database_url: str, data_dir: Path) -> None:
    config = create_database_config(make_settings(database_url, data_dir))
    try:
        async with config.get_session() as db:
            await db.execute(update(Program).values(name="Renamed after the backup"))
            await db.execute(delete(Membership))
            await db.commit()
            await make_program(db)
    finally:
        await config.get_engine().dispose()


def test_documents_kept_in_the_database_come_back_with_the_database(database_url, tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    settings = replace(make_settings(database_url, data_dir), document_store="database")
    content = DOCUMENT * 3000  # several rows

    async def keep_one() -> None:
        config = create_database_config(settings)
        try:
            async with config.get_session() as db:
                program = await make_program(db)
                referral = await make_referral(db, program)
                stored_name = await keep(db, settings, program.id, content)
                db.add(
                    Document(
                        program_id=program.id,
                        referral_id=referral.id,
                        title="Police report",
                        stored_name=stored_name,
                        content_type="application/pdf",
                        size_bytes=len(content),
                        sha256=hashlib.sha256(content).hexdigest(),
                    )
                )
                await db.commit()
        finally:
            await config.get_engine().dispose()

    async def documents_in(url: str) -> list[bytes | None]:
        config = create_database_config(replace(settings, database_url=url))
        try:
            async with config.get_session() as db:
                return [await kept_bytes(db, settings, d) for d in (await db.scalars(select(Document))).all()]
        finally:
            await config.get_engine().dispose()

    asyncio.run(keep_one())
    _use(monkeypatch, database_url, data_dir, store="database")

    result = run_backup()

    assert result.exit_code == 0, result.output
    [database_backup] = backed_up_files(result)
    assert "Uploaded documents are kept in the database: its backup holds them." in result.output
    assert not list(database_backup.parent.glob(f"*{backup_module.UPLOADS_SUFFIX}"))
    with scratch_database(database_url, tmp_path / "scratch") as scratch_url:
        _use(monkeypatch, scratch_url, tmp_path / "other", store="database")
        restored = CliRunner().invoke(cli.restore, [str(database_backup), "--yes"])
        assert restored.exit_code == 0, restored.output
        assert asyncio.run(documents_in(scratch_url)) == [content]


def test_a_wrong_missing_or_damaged_file_is_refused_and_changes_nothing(small, tmp_path, monkeypatch):
    database_url, data_dir = small
    is_sqlite = database_url.startswith("sqlite")
    _use(monkeypatch, database_url, data_dir)
    good = tmp_path / ("good.sqlite3" if is_sqlite else "good.dump")
    assert run_backup(good).exit_code == 0
    before = table_checksums(database_url, data_dir)

    garbage = tmp_path / "notes.sqlite3"
    garbage.write_bytes(b"these are not the records you are looking for\n" * 100)
    other_kind = tmp_path / ("other.dump" if is_sqlite else "other.sqlite3")
    other_kind.write_bytes((b"PGDMP\x01\x0e\x00" if is_sqlite else b"SQLite format 3\x00") + bytes(4096))
    truncated = tmp_path / f"truncated{good.suffix}"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    bad_archive = tmp_path / f"with-bad-archive{good.suffix}"
    bad_archive.write_bytes(good.read_bytes())
    backup_module.uploads_archive_for(bad_archive).write_bytes(b"\x1f\x8b not really gzip")
    cases = {
        tmp_path / "missing.sqlite3": "No backup file at",
        garbage: "is not a Youthcourt backup",
        other_kind: "but the configured database is",
        truncated: "Nothing was changed" if is_sqlite else "pg_restore failed",
        bad_archive: "uploads archive",
    }

    for path, message in cases.items():
        result = CliRunner().invoke(cli.restore, [str(path), "--yes"])
        assert result.exit_code == 1, f"{path.name}: {result.output}"
        assert message in result.output, f"{path.name}: {result.output}"
        assert table_checksums(database_url, data_dir) == before, f"{path.name} changed the database"


def test_restore_in_production_needs_yes_and_a_declined_prompt_changes_nothing(
    database_url, tmp_path, monkeypatch
):
    _use(monkeypatch, database_url, tmp_path)
    backup_file = tmp_path / "b.bak"
    assert run_backup(backup_file).exit_code == 0
    _use(monkeypatch, database_url, tmp_path, env="production")

    refused = CliRunner().invoke(cli.restore, [str(backup_file)])
    _use(monkeypatch, database_url, tmp_path)
    declined = CliRunner().invoke(cli.restore, [str(backup_file)], input="n\n")

    assert refused.exit_code == 1
    assert "--yes" in refused.output
    assert declined.exit_code == 1
    assert "Restored" not in refused.output + declined.output


def test_a_backup_never_overwrites_an_existing_file(database_url, tmp_path, monkeypatch):
    _use(monkeypatch, database_url, tmp_path)
    existing = tmp_path / "existing.bak"
    existing.write_text("an older backup")

    result = run_backup(existing)

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert existing.read_text() == "an older backup"


@pytest.mark.parametrize("worker_database", ["postgresql"], indirect=True)
def test_the_postgresql_password_stays_off_command_lines_and_output(database_url, tmp_path, monkeypatch):
    """Only PostgreSQL URLs carry a password; SQLite has none to leak."""
    secret = "Sup3r-secret-pw"
    with_password = make_url(database_url).set(password=secret).render_as_string(hide_password=False)
    _use(monkeypatch, with_password, tmp_path)
    commands: list[tuple[list[str], dict[str, str]]] = []
    real_run = subprocess.run

    def recording_run(command, **kwargs):  # type: ignore[no-untyped-def]
        commands.append((command, kwargs["env"]))
        return real_run(command, **kwargs)

    monkeypatch.setattr(backup_module.subprocess, "run", recording_run)

    result = run_backup(tmp_path / "pw.dump")

    assert result.exit_code == 0, result.output
    assert secret not in result.output
    assert commands, "pg_dump was run"
    for command, env in commands:
        assert not any(secret in argument for argument in command)
        assert env["PGPASSWORD"] == secret
