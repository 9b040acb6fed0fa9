"""co-production self-assessments

A program scores itself on the six questions of co-production once per period (a quarter or a
year): one assessment per program and period, held by a unique constraint, with one answer (a
score from 1 to 4, held by a check constraint, and a comment) per question.

Revision ID: bf204f091fd4
Revises: 0515536ceb8b
Create Date: 2026-12-06 14:18:21.166994
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC

revision = "bf204f091fd4"
down_revision = "0515536ceb8b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coproduction_assessment",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("assessed_by", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_coproduction_assessment_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coproduction_assessment")),
        sa.UniqueConstraint("program_id", "period", name=op.f("uq_coproduction_assessment_program_id")),
    )
    with op.batch_alter_table("coproduction_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_coproduction_assessment_program_id"), ["program_id"], unique=False
        )
        batch_op.create_index(
            "ix_coproduction_assessment_program_starts", ["program_id", "starts_on"], unique=False
        )

    op.create_table(
        "coproduction_answer",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("assessment_id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "element",
            sa.Enum(
                "assets",
                "capabilities",
                "mutuality",
                "networks",
                "blurring_roles",
                "catalysts",
                name="element",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.CheckConstraint("score BETWEEN 1 AND 4", name=op.f("ck_coproduction_answer_score_on_the_scale")),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["coproduction_assessment.id"],
            name=op.f("fk_coproduction_answer_assessment_id_coproduction_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_coproduction_answer_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coproduction_answer")),
        sa.UniqueConstraint("assessment_id", "element", name=op.f("uq_coproduction_answer_assessment_id")),
    )
    with op.batch_alter_table("coproduction_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coproduction_answer_program_id"), ["program_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coproduction_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coproduction_answer_program_id"))

    op.drop_table("coproduction_answer")
    with op.batch_alter_table("coproduction_assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_coproduction_assessment_program_starts")
        batch_op.drop_index(batch_op.f("ix_coproduction_assessment_program_id"))

    op.drop_table("coproduction_assessment")
