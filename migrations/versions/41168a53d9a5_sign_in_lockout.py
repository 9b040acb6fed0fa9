"""sign-in lockout

Revision ID: 41168a53d9a5
Revises: 37aed3bf5379
Create Date: 2026-11-21 14:08:57.051237
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB

revision = "41168a53d9a5"
down_revision = "37aed3bf5379"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_failure",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("user_id", sa.GUID(length=16), nullable=True),
        sa.Column("ip_address", sa.String(length=45), nullable=True),
        sa.Column("occurred_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_sign_in_failure_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_in_failure")),
    )
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sign_in_failure_ip_address"), ["ip_address"], unique=False)
        batch_op.create_index(batch_op.f("ix_sign_in_failure_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_sign_in_failure_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_until", sa.DateTimeUTC(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("locked_until")

    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_user_id"))
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_occurred_at"))
        batch_op.drop_index(batch_op.f("ix_sign_in_failure_ip_address"))

    op.drop_table("sign_in_failure")
