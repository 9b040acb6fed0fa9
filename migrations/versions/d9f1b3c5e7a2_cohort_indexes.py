"""an index of the cases holding what the recidivism report reads, and one of unsearched checks

The recidivism report reads the cohort's cases (joined to their referrals for the range) twice
per view: its months' counts, which check the range's edge months, and its tallies. A
statewide program's 12,500 cases lie on 6,640 pages of the table, which PostgreSQL read for
each (15 and 18 ms). The columns both read, in an index by program and referral, are read from
the index alone (179 pages): 7.7 and 9.4 ms. On SQLite it is an index by program and referral.

The report also counts the completed checks that searched no record system: PostgreSQL read all
34,000 checks of the program to find none (6 ms); a partial index holds only those checks.

Revision ID: d9f1b3c5e7a2
Revises: c7e9a1b3d5f8
Create Date: 2026-12-07 04:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "d9f1b3c5e7a2"
down_revision = "c7e9a1b3d5f8"
branch_labels = None
depends_on = None

UNSEARCHED = "completed_on IS NOT NULL AND records_searched = ''"


def upgrade() -> None:
    op.create_index(
        "ix_youth_case_cohort",
        "youth_case",
        ["program_id", "referral_id"],
        postgresql_include=["id", "youth_id", "state", "first_heard_on", "closed_on", "checked_until"],
    )
    op.create_index(
        "ix_follow_up_check_unsearched",
        "follow_up_check",
        ["program_id", "case_id"],
        postgresql_where=sa.text(UNSEARCHED),
        sqlite_where=sa.text(UNSEARCHED),
    )


def downgrade() -> None:
    op.drop_index("ix_follow_up_check_unsearched", table_name="follow_up_check")
    op.drop_index("ix_youth_case_cohort", table_name="youth_case")
