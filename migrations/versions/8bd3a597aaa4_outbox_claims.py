"""outbox messages claimed by one sender at a time

Several senders (a worker on each server, a coordinator's button) can send the outbox at once:
a sender claims messages with a token of its own until a lease time, so each goes once, and a
claim left by a sender that stopped runs out. The senders look for the oldest pending messages.

Revision ID: 8bd3a597aaa4
Revises: d6000ffc7afe
Create Date: 2026-12-06 11:48:55.881733
"""

import sqlalchemy as sa
from advanced_alchemy.types import DateTimeUTC
from alembic import op

sa.DateTimeUTC = DateTimeUTC

revision = "8bd3a597aaa4"
down_revision = "d6000ffc7afe"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", sa.DateTimeUTC(timezone=True), nullable=True))
        batch_op.create_index("ix_outbox_status_created", ["status", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_created")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claim_token")
