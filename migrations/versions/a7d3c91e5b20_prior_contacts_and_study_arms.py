"""prior contacts and study arms

A referral records the youth's prior police contacts, diversions and adjudications (covariates
for adjusted estimates), and the arm of the program's study it was assigned to, with the day
and method; imported comparison youth carry the same prior counts.

Revision ID: a7d3c91e5b20
Revises: 9c2f4e7a1b3d
Create Date: 2026-12-06 07:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "a7d3c91e5b20"
down_revision = "9c2f4e7a1b3d"
branch_labels = None
depends_on = None

PRIOR = ("prior_police_contacts", "prior_diversions", "prior_adjudications")


def upgrade() -> None:
    with op.batch_alter_table("referral") as batch:
        for name in PRIOR:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "study_arm",
                sa.Enum("youth_court", "comparison", "other", name="studyarm", native_enum=False, length=30),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("assigned_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column(
                "assignment_method",
                sa.Enum(
                    "random", "alternation", "other", name="assignmentmethod", native_enum=False, length=30
                ),
                nullable=True,
            )
        )
    with op.batch_alter_table("comparison_record") as batch:
        for name in PRIOR:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("comparison_record") as batch:
        for name in PRIOR:
            batch.drop_column(name)
    with op.batch_alter_table("referral") as batch:
        for name in ("assignment_method", "assigned_on", "study_arm", *PRIOR):
            batch.drop_column(name)
