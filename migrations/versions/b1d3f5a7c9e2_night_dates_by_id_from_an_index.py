"""a night's date and start read by its id from an index (PostgreSQL)

The roster flags jurors absent from enough of their latest nights: each of a page's 751 bookings'
nights was read from the table for its date and start (about 2 ms of a view on a statewide
program). An index of the nights by program and id holds both.

Revision ID: b1d3f5a7c9e2
Revises: a0c2e4f6b8d1
Create Date: 2026-12-07 19:20:00.000000
"""

from alembic import op

revision = "b1d3f5a7c9e2"
down_revision = "a0c2e4f6b8d1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_hearing_night_dates",
            "hearing_night",
            ["program_id", "id"],
            postgresql_include=["held_on", "starts_at"],
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_hearing_night_dates", table_name="hearing_night")
