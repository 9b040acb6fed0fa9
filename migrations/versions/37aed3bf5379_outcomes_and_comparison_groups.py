"""outcomes and comparison groups

Revision ID: 37aed3bf5379
Revises: f1ab57449374
Create Date: 2026-11-21 12:27:16.725127
"""

import secrets

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB

revision = "37aed3bf5379"
down_revision = "f1ab57449374"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comparison_import",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("group_labels", sa.String(length=400), nullable=False),
        sa.Column("uploaded_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_comparison_import_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_comparison_import_uploaded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_import")),
    )
    with op.batch_alter_table("comparison_import", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comparison_import_program_id"), ["program_id"], unique=False)

    op.create_table(
        "comparison_record",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("import_id", sa.GUID(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=False),
        sa.Column("group_label", sa.String(length=80), nullable=False),
        sa.Column("anchor_on", sa.Date(), nullable=False),
        sa.Column("followed_until", sa.Date(), nullable=False),
        sa.Column("age_years", sa.Integer(), nullable=True),
        sa.Column("gender", sa.String(length=40), nullable=False),
        sa.Column("race_ethnicity", sa.String(length=80), nullable=False),
        sa.Column(
            "offense_class",
            sa.Enum("A", "B", "C", "D", name="offenseclass", native_enum=False),
            nullable=True,
        ),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["comparison_import.id"],
            name=op.f("fk_comparison_record_import_id_comparison_import"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_comparison_record_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_record")),
        sa.UniqueConstraint(
            "program_id", "group_label", "external_id", name=op.f("uq_comparison_record_program_id")
        ),
    )
    with op.batch_alter_table("comparison_record", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comparison_record_import_id"), ["import_id"], unique=False)
        batch_op.create_index(
            "ix_comparison_record_program_group", ["program_id", "group_label"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_comparison_record_program_id"), ["program_id"], unique=False)

    op.create_table(
        "comparison_event",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("record_id", sa.GUID(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column(
            "event_type",
            sa.Enum(
                "new_referral",
                "arrest",
                "charge",
                "adjudication",
                name="outcomeeventtype",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_comparison_event_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["record_id"],
            ["comparison_record.id"],
            name=op.f("fk_comparison_event_record_id_comparison_record"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comparison_event")),
    )
    with op.batch_alter_table("comparison_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comparison_event_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comparison_event_record_id"), ["record_id"], unique=False)

    op.create_table(
        "outcome_event",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=False),
        sa.Column("check_id", sa.GUID(length=16), nullable=True),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column(
            "event_type",
            sa.Enum(
                "new_referral",
                "arrest",
                "charge",
                "adjudication",
                name="outcomeeventtype",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("offense_category", sa.String(length=60), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "police",
                "juvenile_court",
                "school",
                "other",
                name="recordsystem",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("recorded_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["youth_case.id"],
            name=op.f("fk_outcome_event_case_id_youth_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["check_id"],
            ["follow_up_check.id"],
            name=op.f("fk_outcome_event_check_id_follow_up_check"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_outcome_event_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_outcome_event_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_event")),
    )
    with op.batch_alter_table("outcome_event", schema=None) as batch_op:
        batch_op.create_index("ix_outcome_event_case_occurred", ["case_id", "occurred_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_outcome_event_check_id"), ["check_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_outcome_event_program_id"), ["program_id"], unique=False)
        batch_op.create_index(
            "ix_outcome_event_program_occurred", ["program_id", "occurred_on"], unique=False
        )

    with op.batch_alter_table("follow_up_check", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("records_searched", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column(
                "result",
                sa.Enum("no_new_offense", "new_offense", name="checkresult", native_enum=False, length=30),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("checked_by_id", sa.GUID(length=16), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_follow_up_check_checked_by_id_user_account"),
            "user_account",
            ["checked_by_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.add_column(sa.Column("research_key", sa.String(length=64), nullable=True))
    program = sa.table("program", sa.column("id", sa.GUID(length=16)), sa.column("research_key", sa.String))
    connection = op.get_bind()
    for (program_id,) in connection.execute(sa.select(program.c.id)).all():
        connection.execute(
            program.update().where(program.c.id == program_id).values(research_key=secrets.token_hex(32))
        )
    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.alter_column("research_key", existing_type=sa.String(length=64), nullable=False)

    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suppression_threshold", sa.Integer(), nullable=False, server_default="10")
        )

    # ### end Alembic commands ###


def downgrade() -> None:
    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.drop_column("suppression_threshold")

    with op.batch_alter_table("program", schema=None) as batch_op:
        batch_op.drop_column("research_key")

    with op.batch_alter_table("follow_up_check", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_follow_up_check_checked_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_column("checked_by_id")
        batch_op.drop_column("result")
        batch_op.drop_column("records_searched")

    with op.batch_alter_table("outcome_event", schema=None) as batch_op:
        batch_op.drop_index("ix_outcome_event_program_occurred")
        batch_op.drop_index(batch_op.f("ix_outcome_event_program_id"))
        batch_op.drop_index(batch_op.f("ix_outcome_event_check_id"))
        batch_op.drop_index("ix_outcome_event_case_occurred")

    op.drop_table("outcome_event")
    with op.batch_alter_table("comparison_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comparison_event_record_id"))
        batch_op.drop_index(batch_op.f("ix_comparison_event_program_id"))

    op.drop_table("comparison_event")
    with op.batch_alter_table("comparison_record", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comparison_record_program_id"))
        batch_op.drop_index("ix_comparison_record_program_group")
        batch_op.drop_index(batch_op.f("ix_comparison_record_import_id"))

    op.drop_table("comparison_record")
    with op.batch_alter_table("comparison_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comparison_import_program_id"))

    op.drop_table("comparison_import")
    # ### end Alembic commands ###
