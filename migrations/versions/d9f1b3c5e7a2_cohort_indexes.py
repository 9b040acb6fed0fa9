"""indexes holding what the recidivism report reads of cases and referrals, and one of unsearched checks

The recidivism report reads the cohort's cases, joined to their referrals in the range, three
times per view: its months' counts (which check the range's edge months), its tallies, and its
count of unsearched checks. A statewide program's 12,500 cases lie on 6,640 pages of the table
and its range's 6,300 referrals on 271, which PostgreSQL read for each (15 and 18 ms for the
first two). The columns the report reads, in an index of the cases by program and referral and
one of the referrals by program and date, are read from the indexes alone: 4.6 and 6.6 ms. On
SQLite they are plain indexes by program and referral, and by program and date.

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
        "ix_referral_program_received",
        "referral",
        ["program_id", "received_on"],
        postgresql_include=["id", "offense_id", "source_id", "youth_age"],
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
    op.drop_index("ix_referral_program_received", table_name="referral")
    op.drop_index("ix_youth_case_cohort", table_name="youth_case")
