"""Test databases built with the real migrations, on SQLite and on PostgreSQL.

Each engine is migrated once per run into a template; every test gets a fresh copy
(a copied SQLite file, or ``CREATE DATABASE ... TEMPLATE``), so tests are independent
and still fast. PostgreSQL is skipped only on a developer machine without it: with
``CI`` set, an unreachable server fails the run.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.app import create_app
from youthcourt.database import create_database_config, upgrade_database
from youthcourt.settings import Settings

# Tests name days with ``date.today()``; programs count days in their own zone (New York by
# default). Run the tests in that zone, so that in the evening hours when New York and UTC are on
# different days, "today" in a test is the program's today.
os.environ["TZ"] = "America/New_York"
time.tzset()

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


def copy_of_template(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_fixture: str, postgres_fixture: str
) -> Iterator[str]:
    """A fresh copy, for one test, of the template database the named fixtures provide; dropped after."""
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(request.getfixturevalue(sqlite_fixture), path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    template = request.getfixturevalue(postgres_fixture)
    name = f"youthcourt_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_postgres_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    yield _postgres_url(name)
    asyncio.run(_postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, fully migrated database for one test."""
    yield from copy_of_template(request, tmp_path, "sqlite_template", "postgres_template")


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: Settings) -> Litestar:
    return create_app(settings)


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as test_client:
        yield test_client


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[AsyncSession]:
    """A session outside any request, for building data and checking what requests saved."""
    config = create_database_config(settings)
    async with config.get_session() as session:
        yield session
    await config.get_engine().dispose()
