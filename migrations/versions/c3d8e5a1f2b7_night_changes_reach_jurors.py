"""night changes reach jurors

A hearing night's schedule sequence (bumped when it moves or is cancelled), outbox messages
linked to the night and booking they are about (so a moved night can rewrite its queued
mail), and notices to coordinators on a night's page (withdrawals, conflicts).

Revision ID: c3d8e5a1f2b7
Revises: 80a4d229760f
Create Date: 2026-12-04 22:55:00.000000
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC

revision = "c3d8e5a1f2b7"
down_revision = "80a4d229760f"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hearing_night", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0", nullable=False))

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("night_id", sa.GUID(length=16), nullable=True))
        batch_op.add_column(sa.Column("booking_id", sa.GUID(length=16), nullable=True))
        batch_op.create_index(batch_op.f("ix_outbox_message_night_id"), ["night_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_night_id_hearing_night"),
            "hearing_night",
            ["night_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbox_message_booking_id_booking"),
            "booking",
            ["booking_id"],
            ["id"],
            ondelete="SET NULL",
        )

    op.create_table(
        "juror_night_notice",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("night_id", sa.GUID(length=16), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["night_id"],
            ["hearing_night.id"],
            name=op.f("fk_juror_night_notice_night_id_hearing_night"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_juror_night_notice_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_juror_night_notice")),
    )
    with op.batch_alter_table("juror_night_notice", schema=None) as batch_op:
        batch_op.create_index("ix_juror_night_notice_night", ["night_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_juror_night_notice_program_id"), ["program_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("juror_night_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_juror_night_notice_program_id"))
        batch_op.drop_index("ix_juror_night_notice_night")
    op.drop_table("juror_night_notice")

    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_outbox_message_booking_id_booking"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_outbox_message_night_id_hearing_night"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_outbox_message_night_id"))
        batch_op.drop_column("booking_id")
        batch_op.drop_column("night_id")

    with op.batch_alter_table("hearing_night", schema=None) as batch_op:
        batch_op.drop_column("sequence")
