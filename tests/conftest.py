"""Test databases built with the real migrations, on SQLite and on PostgreSQL, and one app per engine.

Each engine is migrated once per run into a template. Each pytest worker then keeps, per
engine, one database copied from the template and one app serving it; after every test the
database goes back to that state (the SQLite file restored from the template; every PostgreSQL
table emptied with triggers and foreign-key checks off for that one statement), so tests are
independent without paying for a new app and a new database each.

A test marked ``demo`` starts instead with the demo program loaded. The demo is loaded once
per engine for the whole run, by whichever worker needs it first, into a template the other
workers copy; each worker keeps a second database and app for those tests.
PostgreSQL is skipped only on a developer machine without it: with ``CI`` set, an unreachable
server fails the run.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import fcntl
import gc
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import AuthenticatorClock, forget_database, shared_database_config
from youthcourt import demo
from youthcourt.accounts import mfa as mfa_codes
from youthcourt.accounts import passwords
from youthcourt.app import create_app
from youthcourt.database import create_database_config, upgrade_database
from youthcourt.programs import viewer
from youthcourt.settings import Settings

# Tests name days with ``date.today()``; programs count days in their own zone (New York by
# default). Run the tests in that zone, so that in the evening hours when New York and UTC are on
# different days, "today" in a test is the program's today.
os.environ["TZ"] = "America/New_York"
time.tzset()

RUN = pytest.StashKey[str]()
"""The name of this test run, shared by its workers."""
POSTGRES_ADMIN_URL = os.environ.get(
    "YOUTHCOURT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def make_settings(database_url: str, data_dir: Path) -> Settings:
    return Settings(env="development", database_url=database_url, secret_key=SECRET, data_dir=data_dir)


def _postgres_url(database: str) -> str:
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base.replace('postgresql://', 'postgresql+asyncpg://', 1)}/{database}"


async def _postgres_admin(*statements: str) -> None:
    connection = await asyncpg.connect(POSTGRES_ADMIN_URL, timeout=5)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


@pytest.fixture(scope="session", autouse=True)
def one_day_per_run() -> Iterator[None]:
    """Tests name days from ``date.today()`` when they are collected; past midnight (in the
    program's zone) the app's today would move on without them, so it stays on the run's first day."""
    began = datetime.datetime.now(datetime.UTC)
    real = viewer.clock

    def clock(zone: datetime.tzinfo) -> datetime.datetime:
        now = real(zone)
        first_day = began.astimezone(zone).date()
        if now.date() > first_day:
            return datetime.datetime.combine(first_day, datetime.time.max, tzinfo=zone)
        return now

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(viewer, "clock", clock)
        yield


@pytest.fixture(autouse=True)
def authenticator_clock(monkeypatch: pytest.MonkeyPatch) -> AuthenticatorClock:
    """Codes are read against a clock tests move on, never one they wait for."""
    clock = AuthenticatorClock()
    monkeypatch.setattr(mfa_codes, "clock", clock)
    return clock


PRODUCTION_HASHING = (passwords._hasher, passwords._DUMMY_HASH)
QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
"""Argon2id at its lowest cost for the tests, which sign in thousands of times: at the app's
cost (19 MiB, two passes) a check takes about 36 ms. What a check decides does not depend on
the cost; ``production_hashing`` gives the app's own hasher back to the tests of the cost."""


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "demo: the test starts with the demo program loaded")
    passwords._hasher = QUICK_HASHER
    passwords._DUMMY_HASH = QUICK_HASHER.hash("not-a-real-password-used-for-timing")
    if not hasattr(config, "workerinput"):
        config.stash[RUN] = uuid.uuid4().hex[:10]


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Give each pytest-xdist worker the run's name, under which it finds the shared templates."""
    node.workerinput["youthcourt_run"] = node.config.stash[RUN]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """The controller (or a run without workers) drops the run's shared PostgreSQL template."""
    if hasattr(session.config, "workerinput") or RUN not in session.config.stash:
        return
    with contextlib.suppress(OSError, asyncpg.PostgresError):
        asyncio.run(
            _postgres_admin(f'DROP DATABASE IF EXISTS "{_demo_name(session.config.stash[RUN])}" WITH (FORCE)')
        )


@pytest.fixture
def production_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's own password hasher, at the cost it has in production."""
    monkeypatch.setattr(passwords, "_hasher", PRODUCTION_HASHING[0])
    monkeypatch.setattr(passwords, "_DUMMY_HASH", PRODUCTION_HASHING[1])


def _run_name(config: pytest.Config) -> str:
    workerinput = getattr(config, "workerinput", None)
    return workerinput["youthcourt_run"] if workerinput else config.stash[RUN]


def _demo_name(run: str) -> str:
    return f"youthcourt_demo_{run}"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Spare the garbage collector the heap every test shares.

    Once the tests are collected, the process holds a large heap that lives to the end
    (modules, SQLAlchemy's mappers, compiled templates): frozen, the collector no longer walks
    it. Tests make many short-lived objects, so the youngest generation is collected less often.
    Together they save a few percent of the run's processor time.
    """
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.db"
    upgrade_database(make_settings(f"sqlite+aiosqlite:///{path}", folder))
    return path


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    name = f"youthcourt_template_{uuid.uuid4().hex[:10]}"
    try:
        asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as error:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is required in CI and could not be reached: {error}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL}: {error}")
    upgrade_database(make_settings(_postgres_url(name), tmp_path_factory.mktemp("pg")))
    yield name
    asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@dataclass
class WorkerDatabase:
    """This worker's database on one engine, the app that serves it, and how to bring it back.

    SQLite: the file is copied back from its template. PostgreSQL: every table is emptied
    (triggers and foreign-key checks off for that statement), or, for a template that holds
    rows (``postgres_template``), the database is made again from it.
    """

    engine: str
    settings: Settings
    app: Litestar
    sqlite_template: Path | None = None
    postgres_template: str | None = None
    tables: tuple[str, ...] = ()

    @property
    def url(self) -> str:
        return self.settings.database_url

    def restore(self) -> None:
        """Back to the template's state, and forget what helpers remembered about the old one."""
        if self.sqlite_template is not None:
            # Through SQLite's backup API, not a file copy: a connection still open sees the new
            # content instead of a file swapped under it.
            source = sqlite3.connect(self.sqlite_template)
            target = sqlite3.connect(self.url.split("///", 1)[1])
            try:
                source.backup(target)
            finally:
                source.close()
                target.close()
        elif self.postgres_template is not None:
            name = self.url.rsplit("/", 1)[1]
            asyncio.run(
                _postgres_admin(
                    f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                    f'CREATE DATABASE "{name}" TEMPLATE "{self.postgres_template}"',
                )
            )
        else:
            statements = ["SET session_replication_role = replica"]
            statements += [f'DELETE FROM "{table}"' for table in self.tables]  # noqa: S608 - table names read from the catalog
            asyncio.run(_postgres_run(self.url, "; ".join(statements), fetch=False))
        for item in self.settings.data_dir.iterdir():
            shutil.rmtree(item) if item.is_dir() else item.unlink()
        forget_database(self.url)
        self.app.state.settings = self.settings


async def _postgres_run(url: str, sql: str, *, fetch: bool = True) -> list[Any]:
    """Run ``sql`` on the database at ``url``; several statements at once when ``fetch`` is false."""
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://", 1), timeout=5)
    try:
        if not fetch:
            await connection.execute(sql)
            return []
        return await connection.fetch(sql)
    finally:
        await connection.close()


def sqlite_worker(template: Path, folder: Path) -> WorkerDatabase:
    """A worker database copied from the SQLite ``template``, in ``folder``."""
    (folder / "data").mkdir()
    path = folder / "worker.db"
    shutil.copy(template, path)
    settings = make_settings(f"sqlite+aiosqlite:///{path}", folder / "data")
    return WorkerDatabase("sqlite", settings, create_app(settings), sqlite_template=template)


def postgres_worker(template: str, folder: Path, *, empty: bool = True) -> Iterator[WorkerDatabase]:
    """A worker database made from the PostgreSQL ``template``; dropped at the end of the run.

    ``empty`` says the template holds no rows, so emptying every table brings it back.
    """
    name = f"youthcourt_worker_{uuid.uuid4().hex[:10]}"
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    url = _postgres_url(name)
    rows = asyncio.run(_postgres_run(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
    tables = tuple(sorted(row[0] for row in rows if row[0] != "alembic_version"))
    settings = make_settings(url, folder)
    app = create_app(settings)
    yield WorkerDatabase(
        "postgresql", settings, app, postgres_template=None if empty else template, tables=tables
    )
    asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def sqlite_database(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> WorkerDatabase:
    return sqlite_worker(sqlite_template, tmp_path_factory.mktemp("sqlite-worker"))


@pytest.fixture(scope="session")
def postgresql_database(
    postgres_template: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerDatabase]:
    yield from postgres_worker(postgres_template, tmp_path_factory.mktemp("pg-worker"))


# The demo program, loaded once per run --------------------------------------------------------------


@pytest.fixture(scope="session")
def run_folder(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder every worker of this run shares (each worker's own temporary folder is inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if hasattr(request.config, "workerinput") else base


@contextlib.contextmanager
def built_once(folder: Path, name: str) -> Iterator[bool]:
    """Hold the run's lock on ``name``; the body is told whether it still has to build it.

    The first worker to get here builds while the others wait; they then find it built.
    """
    done = folder / f"{name}.done"
    with (folder / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield not done.exists()
        done.touch()


async def _load_demo(database_url: str, data_dir: Path) -> None:
    config = create_database_config(make_settings(database_url, data_dir))
    try:
        async with config.get_session() as session:
            assert await demo.load(session)
            await session.commit()
    finally:
        await config.get_engine().dispose()


@pytest.fixture(scope="session")
def demo_sqlite(sqlite_template: Path, run_folder: Path) -> Path:
    path = run_folder / "demo.db"
    with built_once(run_folder, "demo-sqlite") as needed:
        if needed:
            shutil.copy(sqlite_template, path)
            asyncio.run(_load_demo(f"sqlite+aiosqlite:///{path}", run_folder))
    return path


@pytest.fixture(scope="session")
def demo_postgres(request: pytest.FixtureRequest, postgres_template: str, run_folder: Path) -> str:
    """Dropped by ``pytest_sessionfinish`` once every worker is done with it."""
    name = _demo_name(_run_name(request.config))
    with built_once(run_folder, "demo-postgres") as needed:
        if needed:  # a build that failed half-way in another worker is made again
            asyncio.run(
                _postgres_admin(
                    f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                    f'CREATE DATABASE "{name}" TEMPLATE "{postgres_template}"',
                )
            )
            asyncio.run(_load_demo(_postgres_url(name), run_folder))
    return name


@pytest.fixture(scope="session")
def demo_sqlite_database(demo_sqlite: Path, tmp_path_factory: pytest.TempPathFactory) -> WorkerDatabase:
    return sqlite_worker(demo_sqlite, tmp_path_factory.mktemp("demo-sqlite-worker"))


@pytest.fixture(scope="session")
def demo_postgresql_database(
    demo_postgres: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[WorkerDatabase]:
    yield from postgres_worker(demo_postgres, tmp_path_factory.mktemp("demo-pg-worker"), empty=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def worker_database(request: pytest.FixtureRequest) -> Iterator[WorkerDatabase]:
    """This worker's database on the engine of the test's parameter, back to its start when the test ends.

    Empty, or with the demo program for a test marked ``demo``.
    """
    kind = "demo_" if request.node.get_closest_marker("demo") else ""
    database: WorkerDatabase = request.getfixturevalue(f"{kind}{request.param}_database")
    yield database
    database.restore()


@pytest.fixture
def database_url(worker_database: WorkerDatabase) -> str:
    """The migrated database of this test: empty when it starts."""
    return worker_database.url


@pytest.fixture
def settings(worker_database: WorkerDatabase) -> Settings:
    return worker_database.settings


@pytest.fixture
async def app(worker_database: WorkerDatabase) -> AsyncIterator[Litestar]:
    """The worker's app for this engine; its connections are closed when the test ends."""
    yield worker_database.app
    await worker_database.app.state.database.get_engine().dispose()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session outside any request, for building data and checking what requests saved."""
    config = shared_database_config(settings)
    async with config.get_session() as session:
        yield session
    await config.get_engine().dispose()
