"""trigram indexes for the case search (PostgreSQL)

The case list's search finds a part of a youth's name or of a case number anywhere in it
(``LIKE '%martin%'``), which no B-tree can answer: on a statewide program PostgreSQL read all the
program's cases and youth for every search, 25-30 ms to count the matches whatever the term. A
trigram index (``pg_trgm``, a trusted extension since PostgreSQL 13: the database's owner may
create it) finds the matching names and numbers directly: 6-7 ms for "ana" or "martin". SQLite
has no such index; one program's cases are few enough there to read.

Revision ID: b5d7f9a1c3e6
Revises: a3c5e7f9b1d4
Create Date: 2026-12-07 01:30:00.000000
"""

from alembic import op

revision = "b5d7f9a1c3e6"
down_revision = "a3c5e7f9b1d4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_youth_name_trigrams ON youth "
        "USING gin (lower((first_name || ' ') || last_name) gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX ix_youth_case_number_trigrams ON youth_case USING gin (lower(number) gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_youth_case_number_trigrams")
    op.execute("DROP INDEX ix_youth_name_trigrams")
