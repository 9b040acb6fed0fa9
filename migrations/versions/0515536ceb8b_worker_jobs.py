"""the jobs the workers share

``youthcourt worker`` runs on one server or several: each scheduled job (reminders, the daily
sealing and housekeeping) has a row saying when it last ran and which worker holds it now, so
that it runs on one worker at a time and a daily job once a day.

Revision ID: 0515536ceb8b
Revises: 8bd3a597aaa4
Create Date: 2026-12-06 11:55:30.353501
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC

revision = "0515536ceb8b"
down_revision = "8bd3a597aaa4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "worker_job",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("last_finished_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("locked_by", sa.String(length=120), nullable=False),
        sa.Column("locked_until", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_worker_job")),
        sa.UniqueConstraint("name", name=op.f("uq_worker_job_name")),
    )


def downgrade() -> None:
    op.drop_table("worker_job")
