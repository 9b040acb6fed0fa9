"""The ``youthcourt`` command: demo data and creating the first administrator."""

from __future__ import annotations

import asyncio

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from youthcourt import cli, demo
from youthcourt.accounts.models import Membership, User
from youthcourt.accounts.passwords import verify_password
from youthcourt.cases.models import Case, CaseCounter
from youthcourt.settings import get_settings


@pytest.fixture
def environment(monkeypatch, database_url, tmp_path):
    monkeypatch.setenv("YOUTHCOURT_DATABASE_URL", database_url)
    monkeypatch.setenv("YOUTHCOURT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("YOUTHCOURT_ENV", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def _count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


def test_demo_data_loads_once_and_prints_the_logins(environment, settings):
    runner = CliRunner()
    first = runner.invoke(cli.demo_data)
    second = runner.invoke(cli.demo_data)

    assert first.exit_code == 0, first.output
    assert "Demo data loaded." in first.output
    assert "coordinator@example.org" in first.output
    assert "youthcourt-demo" in first.output
    assert "Authenticator key for every demo account: YOUTHCOURTDEMOAA" in first.output
    assert "already loaded" in second.output

    async def check():
        from youthcourt.database import create_database_config

        config = create_database_config(settings)
        async with config.get_session() as db:
            users = {u.email: u for u in (await db.scalars(select(User))).all()}
            memberships = (await db.scalars(select(Membership))).all()
            counters = {c.year: c.last_number for c in (await db.scalars(select(CaseCounter))).all()}
            numbers = (await db.scalars(select(Case.number))).all()
        await config.get_engine().dispose()
        return users, memberships, counters, numbers

    users, memberships, counters, numbers = asyncio.run(check())
    highest: dict[int, int] = {}
    for number in numbers:
        year, sequence = (int(part) for part in number.split("-"))
        highest[year] = max(highest.get(year, 0), sequence)
    assert counters == highest, "the next case opened after the demo must not reuse a demo number"
    for email, _ in demo.DEMO_LOGINS:
        assert verify_password(users[email].password_hash, demo.DEMO_PASSWORD)
        assert users[email].has_mfa and users[email].totp_secret == "YOUTHCOURTDEMOAA"
    assert users["admin@example.org"].is_site_admin
    assert len(memberships) == len(users), "one membership each, none duplicated"


def test_demo_data_is_refused_in_production(environment, monkeypatch):
    monkeypatch.setenv("YOUTHCOURT_ENV", "production")
    monkeypatch.setenv("YOUTHCOURT_SECRET_KEY", "p" * 40)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli.demo_data)
    assert result.exit_code == 1
    assert "never loaded in production" in result.output


def test_create_user_makes_a_site_admin(environment, settings):
    runner = CliRunner()
    result = runner.invoke(
        cli.create_user,
        [
            "--email",
            "Chief@Example.org",
            "--name",
            "Chief Admin",
            "--site-admin",
            "--password",
            "a strong passphrase",
        ],
    )
    weak = runner.invoke(
        cli.create_user, ["--email", "b@example.org", "--name", "B", "--site-admin", "--password", "weak"]
    )
    own_name = runner.invoke(
        cli.create_user,
        [
            "--email",
            "marguerite@example.org",
            "--name",
            "M",
            "--site-admin",
            "--password",
            "marguerite-2026!",
        ],
    )
    duplicate = runner.invoke(
        cli.create_user,
        [
            "--email",
            "chief@example.org",
            "--name",
            "Again",
            "--site-admin",
            "--password",
            "a strong passphrase",
        ],
    )

    assert result.exit_code == 0, result.output
    assert weak.exit_code == 1
    assert "at least 12 characters" in weak.output
    assert own_name.exit_code == 1, "a password holding the email's name is easy to guess"
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output

    async def check():
        from youthcourt.database import create_database_config

        config = create_database_config(settings)
        async with config.get_session() as db:
            user = await db.scalar(select(User).where(User.email == "chief@example.org"))
            total = await _count(db, User)
        await config.get_engine().dispose()
        return user, total

    user, total = asyncio.run(check())
    assert user.is_site_admin
    assert not user.must_change_password
    assert total == 1
