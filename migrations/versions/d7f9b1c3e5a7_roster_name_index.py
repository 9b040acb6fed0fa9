"""the roster's page read in name order from an index

The roster lists a program's jurors by lowered last name, first name and id, 25 a page. With no
index in that order, each page read every juror of the program and sorted them (1,250 on a
statewide program: 0.9 ms of PostgreSQL's work a view, growing with the roster).

Revision ID: d7f9b1c3e5a7
Revises: c6e8a0b2d4f6
Create Date: 2026-12-07 15:00:00.000000
"""

from alembic import op
from sqlalchemy import text

revision = "d7f9b1c3e5a7"
down_revision = "c6e8a0b2d4f6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_juror_program_name",
        "juror",
        ["program_id", text("lower(last_name)"), text("lower(first_name)"), "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_juror_program_name", table_name="juror")
