"""the case search reads a program's names and its matching cases' sort keys from indexes

A search for a common fragment ("mar") matched 871 youth of a statewide program. The trigram index
held every program's names, so PostgreSQL found 14,000 and set aside those of other programs; each
matching case was then read from the table for its date and number. The name index now starts with
the program (``btree_gin``, a trusted extension like ``pg_trgm``), and the index of a youth's cases
holds what the list sorts by. SQLite keeps its index of a youth's cases under the new name.

Revision ID: e8a0c2d4f6b9
Revises: d7f9b1c3e5a7
Create Date: 2026-12-07 18:00:00.000000
"""

from alembic import op

revision = "e8a0c2d4f6b9"
down_revision = "d7f9b1c3e5a7"
branch_labels = None
depends_on = None

NAME = "lower((first_name || ' ') || last_name) gin_trgm_ops"


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_index(
        "ix_youth_case_youth_listed",
        "youth_case",
        ["youth_id"],
        postgresql_include=["program_id", "sealed_at", "opened_on", "number", "id"],
    )
    op.drop_index("ix_youth_case_youth_id", table_name="youth_case")
    if postgres:
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        op.execute(f"CREATE INDEX ix_youth_program_name_trigrams ON youth USING gin (program_id, {NAME})")
        op.execute("DROP INDEX ix_youth_name_trigrams")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_youth_name_trigrams ON youth USING gin ({NAME})")
        op.execute("DROP INDEX ix_youth_program_name_trigrams")
    op.create_index("ix_youth_case_youth_id", "youth_case", ["youth_id"])
    op.drop_index("ix_youth_case_youth_listed", table_name="youth_case")
