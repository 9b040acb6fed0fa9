"""A PostgreSQL role for the running app that can add to the audit trail but never change it.

The migrations run as the database owner; the app connects as a role granted here. It may read
and write every table, except that on ``audit_entry`` it may only read and insert, and it may
only read ``alembic_version``. With the triggers of migration 80a4d229760f this gives two locks
on the trail: a privilege the app's role does not hold, and a trigger that refuses the owner too.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

ROLE_NAME = re.compile(r"[a-z_][a-z0-9_$]{0,62}")
"""Lower-case PostgreSQL identifiers only: the name is written into SQL, so nothing else gets in."""

FULL = "SELECT, INSERT, UPDATE, DELETE"
LIMITED = {"audit_entry": "SELECT, INSERT", "alembic_version": "SELECT"}
"""Tables the app's role may not change freely, and what it may do there."""


class AppRoleError(ValueError):
    """The role cannot be granted; the message says why."""


def quoted(name: str) -> str:
    if not ROLE_NAME.fullmatch(name):
        raise AppRoleError(
            f"'{name}' is not a role name this command accepts: use lower-case letters, digits and _."
        )
    return f'"{name}"'


async def grant_app_role(connection: AsyncConnection, role: str) -> list[str]:
    """Grant ``role`` what the app needs, and no more; returns the statements run (safe to run again).

    Run it as the owner of the tables (the role that runs the migrations), after each upgrade
    that adds tables; default privileges cover tables the owner creates later as well.
    """
    if connection.dialect.name != "postgresql":
        raise AppRoleError(
            "Database roles exist on PostgreSQL only; on SQLite the triggers protect the trail."
        )
    name = quoted(role)
    if not await connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :role"), {"role": role}):
        raise AppRoleError(
            f"There is no role '{role}'. Create it first: CREATE ROLE {role} LOGIN PASSWORD '...';"
        )
    database = await connection.scalar(text("SELECT current_database()"))
    schema = await connection.scalar(text("SELECT current_schema()"))
    tables = (
        await connection.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :schema ORDER BY tablename"),
            {"schema": schema},
        )
    ).all()
    statements = [
        f'GRANT CONNECT ON DATABASE "{database}" TO {name}',
        f'GRANT USAGE ON SCHEMA "{schema}" TO {name}',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {name}',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT {FULL} ON TABLES TO {name}',
        f'ALTER DEFAULT PRIVILEGES IN SCHEMA "{schema}" GRANT USAGE, SELECT ON SEQUENCES TO {name}',
    ]
    for table in tables:
        statements.append(f'REVOKE ALL ON "{schema}"."{table}" FROM {name}')
        statements.append(f'GRANT {LIMITED.get(table, FULL)} ON "{schema}"."{table}" TO {name}')
    for statement in statements:
        await connection.execute(text(statement))
    return statements
