"""override reasons and court-role progression

Rules that can be overridden leave the reason: a referral accepted although it fails screening
keeps the rules it failed, a court role granted before its prerequisites keeps the reason and
what was missing, a sanction that addresses none of the jury's findings says why. Programs get
their court-role progression rules and the phone number families are told to call.

Revision ID: b7e3c1d2a9f4
Revises: c3d8e5a1f2b7
Create Date: 2026-12-04 23:00:00.000000
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC

revision = "b7e3c1d2a9f4"
down_revision = "c3d8e5a1f2b7"
branch_labels = None
depends_on = None

COURT_ROLES = ("juror", "foreperson", "clerk", "bailiff", "youth_judge")


def court_role() -> sa.Enum:
    return sa.Enum(*COURT_ROLES, name="courtrole", native_enum=False, length=30)


def upgrade() -> None:
    op.create_table(
        "role_requirement",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("role", court_role(), nullable=False),
        sa.Column("min_nights", sa.Integer(), nullable=False),
        sa.Column("training_hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column("training_course", sa.String(length=200), nullable=False),
        sa.Column("prior_role", court_role(), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_role_requirement_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_role_requirement")),
        sa.UniqueConstraint("program_id", "role", name=op.f("uq_role_requirement_program_id")),
    )
    with op.batch_alter_table("role_requirement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_role_requirement_program_id"), ["program_id"], unique=False)
    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("contact_phone", sa.String(length=40), server_default="", nullable=False)
        )
    with op.batch_alter_table("juror_qualification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_reason", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("unmet", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failed_rules", sa.Text(), server_default="", nullable=False))
    with op.batch_alter_table("sanction", schema=None) as batch_op:
        batch_op.add_column(sa.Column("no_factor_reason", sa.Text(), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("sanction", schema=None) as batch_op:
        batch_op.drop_column("no_factor_reason")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_column("failed_rules")
    with op.batch_alter_table("juror_qualification", schema=None) as batch_op:
        batch_op.drop_column("unmet")
        batch_op.drop_column("override_reason")
    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.drop_column("contact_phone")
    with op.batch_alter_table("role_requirement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_role_requirement_program_id"))
    op.drop_table("role_requirement")
