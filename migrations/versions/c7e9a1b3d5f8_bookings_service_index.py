"""covering indexes of the bookings, by juror and by night

The juror list shows each juror's nights, attendance, hours and whether they are over the
absence rule, from two grouped queries over the page's jurors' bookings. A juror's bookings lie
on as many pages of the table as they have nights, and PostgreSQL also intersected them with
all of the program's bookings (62,500 on a statewide program): 5.6 and 6.7 ms. With the columns
those queries read in an index by juror (and program), they read the index alone: 0.7 and
1.6 ms. It replaces the index on the juror alone, whose lookups it serves.

With it, PostgreSQL counted a quarter's hours served (the measures page) from every juror of the
program (41 ms) rather than from the quarter's nights (14 ms): the index by night and status now
holds what that count reads too, and the count reads the nights' bookings from it alone (6 ms).

Revision ID: c7e9a1b3d5f8
Revises: b5d7f9a1c3e6
Create Date: 2026-12-07 01:45:00.000000
"""

from alembic import op

revision = "c7e9a1b3d5f8"
down_revision = "b5d7f9a1c3e6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_booking_juror_service",
        "booking",
        ["juror_id", "program_id"],
        postgresql_include=["status", "attendance", "hours", "night_id", "id"],
    )
    op.drop_index("ix_booking_juror_id", table_name="booking")
    op.drop_index("ix_booking_night_status", table_name="booking")
    op.create_index(
        "ix_booking_night_status",
        "booking",
        ["night_id", "status"],
        postgresql_include=["attendance", "hours", "juror_id", "program_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_booking_night_status", table_name="booking")
    op.create_index("ix_booking_night_status", "booking", ["night_id", "status"])
    op.create_index("ix_booking_juror_id", "booking", ["juror_id"])
    op.drop_index("ix_booking_juror_service", table_name="booking")
