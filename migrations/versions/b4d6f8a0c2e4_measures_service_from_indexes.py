"""the measures' community service and jury service read from indexes alone (PostgreSQL)

The measures count a quarter's community service ordered (sanctions of the dispositions decided
in it), served (hours logged in it, of community-service sanctions) and its jurors who served
(former respondents apart). On a statewide program PostgreSQL read each of the quarter's
sanctions, progress entries and jurors from their tables, one page each (about 2,000 pages a
view, 4.5 ms of the page's SQL): the columns the counts need are now in the indexes those rows
are found by. SQLite's indexes are unchanged (it reads a program's few rows directly).

Revision ID: b4d6f8a0c2e4
Revises: a3b5c7d9e1f3
Create Date: 2026-12-07 12:40:00.000000
"""

from alembic import op

revision = "b4d6f8a0c2e4"
down_revision = "a3b5c7d9e1f3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_sanction_disposition_id", table_name="sanction")
    op.create_index(
        "ix_sanction_disposition_id",
        "sanction",
        ["disposition_id"],
        postgresql_include=["program_id", "sanction_type", "case_id", "quantity"],
    )
    op.create_index(
        "ix_sanction_kind", "sanction", ["id"], postgresql_include=["program_id", "sanction_type"]
    )
    op.drop_index("ix_sanction_progress_program_occurred", table_name="sanction_progress")
    op.create_index(
        "ix_sanction_progress_program_occurred",
        "sanction_progress",
        ["program_id", "occurred_on"],
        postgresql_include=["kind", "sanction_id", "case_id", "amount"],
    )
    op.create_index("ix_juror_source", "juror", ["id"], postgresql_include=["program_id", "source"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_juror_source", table_name="juror")
    op.drop_index("ix_sanction_progress_program_occurred", table_name="sanction_progress")
    op.create_index(
        "ix_sanction_progress_program_occurred", "sanction_progress", ["program_id", "occurred_on"]
    )
    op.drop_index("ix_sanction_kind", table_name="sanction")
    op.drop_index("ix_sanction_disposition_id", table_name="sanction")
    op.create_index("ix_sanction_disposition_id", "sanction", ["disposition_id"])
