"""study referrals followed up without a case

A referral assigned to a study arm and then declined or returned never becomes a case, yet an
intent-to-treat analysis follows it: its follow-up checks and the new offenses they find belong
to the referral. A check or an event now belongs to a case or to a referral, exactly one.

Revision ID: b8e4d2f6a193
Revises: a7d3c91e5b20
Create Date: 2026-12-06 09:10:00.000000
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID
from alembic import op

revision = "b8e4d2f6a193"
down_revision = "a7d3c91e5b20"
branch_labels = None
depends_on = None

CASE_OR_REFERRAL = "(case_id IS NULL) <> (referral_id IS NULL)"


def upgrade() -> None:
    with op.batch_alter_table("follow_up_check") as batch:
        batch.add_column(sa.Column("referral_id", GUID(length=16), nullable=True))
        batch.alter_column("case_id", existing_type=GUID(length=16), nullable=True)
        batch.create_foreign_key(
            "fk_follow_up_check_referral_id_referral", "referral", ["referral_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_unique_constraint("uq_follow_up_check_referral_id", ["referral_id", "window_months"])
        batch.create_check_constraint("ck_follow_up_check_case_or_referral", CASE_OR_REFERRAL)
    with op.batch_alter_table("outcome_event") as batch:
        batch.add_column(sa.Column("referral_id", GUID(length=16), nullable=True))
        batch.alter_column("case_id", existing_type=GUID(length=16), nullable=True)
        batch.create_foreign_key(
            "fk_outcome_event_referral_id_referral", "referral", ["referral_id"], ["id"], ondelete="CASCADE"
        )
        batch.create_index("ix_outcome_event_referral_occurred", ["referral_id", "occurred_on"])
        batch.create_check_constraint("ck_outcome_event_case_or_referral", CASE_OR_REFERRAL)


def downgrade() -> None:
    op.execute("DELETE FROM outcome_event WHERE case_id IS NULL")
    op.execute("DELETE FROM follow_up_check WHERE case_id IS NULL")
    with op.batch_alter_table("outcome_event") as batch:
        batch.drop_constraint("ck_outcome_event_case_or_referral", type_="check")
        batch.drop_index("ix_outcome_event_referral_occurred")
        batch.drop_constraint("fk_outcome_event_referral_id_referral", type_="foreignkey")
        batch.alter_column("case_id", existing_type=GUID(length=16), nullable=False)
        batch.drop_column("referral_id")
    with op.batch_alter_table("follow_up_check") as batch:
        batch.drop_constraint("ck_follow_up_check_case_or_referral", type_="check")
        batch.drop_constraint("uq_follow_up_check_referral_id", type_="unique")
        batch.drop_constraint("fk_follow_up_check_referral_id_referral", type_="foreignkey")
        batch.alter_column("case_id", existing_type=GUID(length=16), nullable=False)
        batch.drop_column("referral_id")
