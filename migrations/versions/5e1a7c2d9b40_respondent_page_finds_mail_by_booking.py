"""respondent page finds mail by booking

The respondent's own page lists the emails sent about the youth's jury nights, found by the
booking they concern: an index on ``outbox_message.booking_id`` keeps that a lookup.

Revision ID: 5e1a7c2d9b40
Revises: a96c8ca827ec
Create Date: 2026-12-07 10:00:00.000000
"""

from alembic import op

revision = "5e1a7c2d9b40"
down_revision = "a96c8ca827ec"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_message_booking_id"), ["booking_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_message_booking_id"))
