"""the measures' former respondents read once from an index of a program's jurors by source

The measures' jury service looked up each of a quarter's bookings' jurors for their source (1,278
lookups on a statewide program, about 2 ms of each view), through an index of jurors by id that
held their source (PostgreSQL). The former respondents are now read once, from an index of a
program's jurors by source, on both engines.

Revision ID: a0c2e4f6b8d1
Revises: f9b1d3e5a7c0
Create Date: 2026-12-07 19:00:00.000000
"""

from alembic import op

revision = "a0c2e4f6b8d1"
down_revision = "f9b1d3e5a7c0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_juror_program_source", "juror", ["program_id", "source"], postgresql_include=["id"])
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_juror_source", table_name="juror")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_juror_source", "juror", ["id"], postgresql_include=["program_id", "source"])
    op.drop_index("ix_juror_program_source", table_name="juror")
