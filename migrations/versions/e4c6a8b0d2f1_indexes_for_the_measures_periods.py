"""indexes for the program measures' periods: first hearings, closures, dispositions and hours served

The measures page counts, for a quarter, the cases first heard and closed in it, the community
service ordered by dispositions decided in it and the hours served in it. Each read every row of the
program's table (82,000 progress entries for one program of the statewide set) to keep a
quarter's; these indexes find the quarter's rows.

Revision ID: e4c6a8b0d2f1
Revises: d8b3f1a5c926
Create Date: 2026-12-06 23:20:00.000000
"""

from alembic import op

revision = "e4c6a8b0d2f1"
down_revision = "d8b3f1a5c926"
branch_labels = None
depends_on = None

INDEXES = (
    ("ix_youth_case_program_first_heard", "youth_case", ["program_id", "first_heard_on"]),
    ("ix_youth_case_program_closed", "youth_case", ["program_id", "closed_on"]),
    ("ix_disposition_program_decided", "disposition", ["program_id", "decided_on"]),
    ("ix_sanction_progress_program_occurred", "sanction_progress", ["program_id", "occurred_on"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
