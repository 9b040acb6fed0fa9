"""data releases

A named data release lets an evaluator join exports: files of one release share pseudonyms
(keyed by the release's random key), while every other export draws a fresh key of its own.

Revision ID: 9c2f4e7a1b3d
Revises: 074bddb04747
Create Date: 2026-12-06 06:15:00.000000
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

revision = "9c2f4e7a1b3d"
down_revision = "074bddb04747"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "data_release",
        sa.Column("id", GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("pseudonym_key", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", GUID(length=16), nullable=True),
        sa.Column("program_id", GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_data_release_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_data_release_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_release")),
        sa.UniqueConstraint("program_id", "name", name=op.f("uq_data_release_program_id")),
    )
    with op.batch_alter_table("data_release", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_release_program_id"), ["program_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("data_release", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_release_program_id"))
    op.drop_table("data_release")
