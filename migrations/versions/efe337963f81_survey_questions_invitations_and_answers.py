"""survey questions, invitations and answers

Exit surveys: the versions of each survey's questions, the invitations given out (one private
link each, answered at most once), and the answers kept apart from the case (no invitation, no
timestamp, the case only with consent), with one row per statement answered.

Revision ID: efe337963f81
Revises: 5e1a7c2d9b40
Create Date: 2026-12-06 14:44:40.916222
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB

revision = "efe337963f81"
down_revision = "5e1a7c2d9b40"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_version",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("respondent", "guardian", "juror", name="surveykind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("statements", sa.JsonB, nullable=False),
        sa.Column("free_text_question", sa.String(length=300), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_survey_version_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_version")),
        sa.UniqueConstraint("program_id", "kind", "number", name="uq_survey_version_number"),
    )
    with op.batch_alter_table("survey_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_version_program_id"), ["program_id"], unique=False)

    op.create_table(
        "survey_answer",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("respondent", "guardian", "juror", name="surveykind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("version_id", sa.GUID(length=16), nullable=False),
        sa.Column("answered_month", sa.Date(), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["youth_case.id"],
            name=op.f("fk_survey_answer_case_id_youth_case"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_survey_answer_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["survey_version.id"],
            name=op.f("fk_survey_answer_version_id_survey_version"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_answer")),
    )
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_answer_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_survey_answer_program_id"), ["program_id"], unique=False)
        batch_op.create_index(
            "ix_survey_answer_program_kind_month", ["program_id", "kind", "answered_month"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_survey_answer_version_id"), ["version_id"], unique=False)

    op.create_table(
        "survey_invitation",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("respondent", "guardian", "juror", name="surveykind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column(
            "occasion",
            sa.Enum(
                "after_hearing", "at_closure", "after_night", name="occasion", native_enum=False, length=30
            ),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum("tablet", "email", name="channel", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("case_id", sa.GUID(length=16), nullable=True),
        sa.Column("night_id", sa.GUID(length=16), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("answered_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["youth_case.id"],
            name=op.f("fk_survey_invitation_case_id_youth_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["night_id"],
            ["hearing_night.id"],
            name=op.f("fk_survey_invitation_night_id_hearing_night"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_survey_invitation_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_invitation")),
    )
    with op.batch_alter_table("survey_invitation", schema=None) as batch_op:
        batch_op.create_index("ix_survey_invitation_program_case", ["program_id", "case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_survey_invitation_program_id"), ["program_id"], unique=False)
        batch_op.create_index("ix_survey_invitation_program_night", ["program_id", "night_id"], unique=False)

    op.create_table(
        "survey_item",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("answer_id", sa.GUID(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name=op.f("ck_survey_item_value")),
        sa.ForeignKeyConstraint(
            ["answer_id"],
            ["survey_answer.id"],
            name=op.f("fk_survey_item_answer_id_survey_answer"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_survey_item_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_item")),
        sa.UniqueConstraint("answer_id", "position", name="uq_survey_item_position"),
    )
    with op.batch_alter_table("survey_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_item_program_id"), ["program_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_item_program_id"))

    op.drop_table("survey_item")
    with op.batch_alter_table("survey_invitation", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_invitation_program_night")
        batch_op.drop_index(batch_op.f("ix_survey_invitation_program_id"))
        batch_op.drop_index("ix_survey_invitation_program_case")

    op.drop_table("survey_invitation")
    with op.batch_alter_table("survey_answer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_answer_version_id"))
        batch_op.drop_index("ix_survey_answer_program_kind_month")
        batch_op.drop_index(batch_op.f("ix_survey_answer_program_id"))
        batch_op.drop_index(batch_op.f("ix_survey_answer_case_id"))

    op.drop_table("survey_answer")
    with op.batch_alter_table("survey_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_version_program_id"))

    op.drop_table("survey_version")
