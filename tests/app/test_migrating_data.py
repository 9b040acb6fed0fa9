"""Migrations run on a program's records, not only on the empty database the other tests start from.

A batch migration on SQLite copies a table and drops the old one; with rows pointing to it (a
juror's bookings, a case's hearings) the drop failed, so a migration that passed every test on an
empty database stopped an upgrade of a real program.
"""

from __future__ import annotations

import asyncio

import pytest
from advanced_alchemy.alembic.commands import AlembicCommands
from sqlalchemy import func, select, text

from youthcourt.cases.models import Case
from youthcourt.database import create_database_config, upgrade_database
from youthcourt.hearings.models import Hearing
from youthcourt.jurors.models import Booking, CreditEntry, Juror
from youthcourt.sanctions.models import Sanction
from youthcourt.settings import Settings

BEFORE_IMPORTS = "071d7557db24"
"""The revision before the one that adds ``import_id`` to jurors and cases (copies of both tables on SQLite)."""
COUNTED = (Juror, Booking, CreditEntry, Case, Hearing, Sanction)


def _counts(settings: Settings) -> dict[str, int]:
    async def read() -> dict[str, int]:
        config = create_database_config(settings)
        try:
            async with config.get_session() as db:
                counts = {
                    model.__tablename__: int(await db.scalar(select(func.count()).select_from(model)) or 0)
                    for model in COUNTED
                }
                if settings.is_sqlite:
                    counts["rows pointing nowhere"] = len(
                        (await db.execute(text("PRAGMA foreign_key_check"))).all()
                    )
                return counts
        finally:
            await config.get_engine().dispose()

    return asyncio.run(read())


@pytest.mark.demo
def test_the_migrations_go_down_and_up_again_over_a_programs_records(settings):
    before = _counts(settings)
    assert all(before[model.__tablename__] for model in COUNTED), before

    AlembicCommands(sqlalchemy_config=create_database_config(settings)).downgrade(revision=BEFORE_IMPORTS)
    upgrade_database(settings)

    assert _counts(settings) == before
