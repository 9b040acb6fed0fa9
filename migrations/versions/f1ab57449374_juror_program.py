"""juror program

Revision ID: f1ab57449374
Revises: e0e7247a0fd5
Create Date: 2026-11-21 10:48:51.560915
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB

revision = "f1ab57449374"
down_revision = "e0e7247a0fd5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", name="outboxstatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_outbox_message_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_message_dedupe_key")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_message_program_id"), ["program_id"], unique=False)
        batch_op.create_index("ix_outbox_program_status", ["program_id", "status"], unique=False)

    op.create_table(
        "reward",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("cost", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_reward_program_id_program"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reward")),
        sa.UniqueConstraint("program_id", "name", name=op.f("uq_reward_program_id")),
    )
    with op.batch_alter_table("reward", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reward_program_id"), ["program_id"], unique=False)

    op.create_table(
        "training_session",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("hours", sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "juror",
                "foreperson",
                "clerk",
                "bailiff",
                "youth_judge",
                name="courtrole",
                native_enum=False,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_training_session_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_session")),
    )
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_session_held_on"), ["held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_session_program_id"), ["program_id"], unique=False)

    op.create_table(
        "juror",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "source",
            sa.Enum("former_respondent", "volunteer", name="jurorsource", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "applicant", "active", "suspended", "alumni", name="jurorstatus", native_enum=False, length=30
            ),
            nullable=False,
        ),
        sa.Column("youth_id", sa.GUID(length=16), nullable=True),
        sa.Column("user_id", sa.GUID(length=16), nullable=True),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("guardian_name", sa.String(length=200), nullable=False),
        sa.Column("guardian_email", sa.String(length=254), nullable=False),
        sa.Column("parent_consent_on", sa.Date(), nullable=True),
        sa.Column("screening_notes", sa.Text(), nullable=False),
        sa.Column("oath_signed_on", sa.Date(), nullable=True),
        sa.Column("calendar_token_hash", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_juror_program_id_program"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_juror_user_id_user_account"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youth.id"], name=op.f("fk_juror_youth_id_youth"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_juror")),
        sa.UniqueConstraint("calendar_token_hash", name=op.f("uq_juror_calendar_token_hash")),
        sa.UniqueConstraint("program_id", "youth_id", name=op.f("uq_juror_program_id")),
        sa.UniqueConstraint("user_id", name=op.f("uq_juror_user_id")),
    )
    with op.batch_alter_table("juror", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_juror_program_id"), ["program_id"], unique=False)
        batch_op.create_index("ix_juror_program_status", ["program_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_juror_school"), ["school"], unique=False)

    op.create_table(
        "booking",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("juror_id", sa.GUID(length=16), nullable=False),
        sa.Column("night_id", sa.GUID(length=16), nullable=False),
        sa.Column("courtroom_id", sa.GUID(length=16), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "invited",
                "confirmed",
                "declined",
                "waitlisted",
                "cancelled",
                name="bookingstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "juror",
                "foreperson",
                "clerk",
                "bailiff",
                "youth_judge",
                name="courtrole",
                native_enum=False,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column("responded_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column(
            "attendance",
            sa.Enum("present", "late", "absent", "excused", name="attendance", native_enum=False, length=30),
            nullable=True,
        ),
        sa.Column("hours", sa.Numeric(precision=6, scale=2), nullable=True),
        sa.Column("excuse_reason", sa.Text(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["courtroom_id"],
            ["courtroom.id"],
            name=op.f("fk_booking_courtroom_id_courtroom"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["juror_id"], ["juror.id"], name=op.f("fk_booking_juror_id_juror"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["night_id"],
            ["hearing_night.id"],
            name=op.f("fk_booking_night_id_hearing_night"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_booking_program_id_program"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking")),
        sa.UniqueConstraint("juror_id", "night_id", name=op.f("uq_booking_juror_id")),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_booking_courtroom_id"), ["courtroom_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_juror_id"), ["juror_id"], unique=False)
        batch_op.create_index("ix_booking_night_status", ["night_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_booking_program_id"), ["program_id"], unique=False)

    op.create_table(
        "juror_conflict",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("juror_id", sa.GUID(length=16), nullable=False),
        sa.Column("youth_id", sa.GUID(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["juror_id"], ["juror.id"], name=op.f("fk_juror_conflict_juror_id_juror"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_juror_conflict_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youth.id"], name=op.f("fk_juror_conflict_youth_id_youth"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_juror_conflict")),
        sa.UniqueConstraint("juror_id", "youth_id", name=op.f("uq_juror_conflict_juror_id")),
    )
    with op.batch_alter_table("juror_conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_juror_conflict_juror_id"), ["juror_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_juror_conflict_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_juror_conflict_youth_id"), ["youth_id"], unique=False)

    op.create_table(
        "juror_qualification",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("juror_id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "juror",
                "foreperson",
                "clerk",
                "bailiff",
                "youth_judge",
                name="courtrole",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("earned_on", sa.Date(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["juror_id"], ["juror.id"], name=op.f("fk_juror_qualification_juror_id_juror"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_juror_qualification_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_juror_qualification")),
        sa.UniqueConstraint("juror_id", "role", name=op.f("uq_juror_qualification_juror_id")),
    )
    with op.batch_alter_table("juror_qualification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_juror_qualification_juror_id"), ["juror_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_juror_qualification_program_id"), ["program_id"], unique=False)

    op.create_table(
        "training_attendance",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("session_id", sa.GUID(length=16), nullable=False),
        sa.Column("juror_id", sa.GUID(length=16), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["juror_id"], ["juror.id"], name=op.f("fk_training_attendance_juror_id_juror"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_training_attendance_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["training_session.id"],
            name=op.f("fk_training_attendance_session_id_training_session"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attendance")),
        sa.UniqueConstraint("session_id", "juror_id", name=op.f("uq_training_attendance_session_id")),
    )
    with op.batch_alter_table("training_attendance", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_attendance_juror_id"), ["juror_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_attendance_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_training_attendance_session_id"), ["session_id"], unique=False)

    op.create_table(
        "credit_entry",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("juror_id", sa.GUID(length=16), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "service",
                "training",
                "redemption",
                "adjustment",
                name="creditkind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.Numeric(precision=8, scale=2), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("booking_id", sa.GUID(length=16), nullable=True),
        sa.Column("training_id", sa.GUID(length=16), nullable=True),
        sa.Column("reward_id", sa.GUID(length=16), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["booking.id"],
            name=op.f("fk_credit_entry_booking_id_booking"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["juror_id"], ["juror.id"], name=op.f("fk_credit_entry_juror_id_juror"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_credit_entry_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["reward_id"], ["reward.id"], name=op.f("fk_credit_entry_reward_id_reward"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["training_id"],
            ["training_attendance.id"],
            name=op.f("fk_credit_entry_training_id_training_attendance"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_entry")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_credit_entry_booking_id")),
    )
    with op.batch_alter_table("credit_entry", schema=None) as batch_op:
        batch_op.create_index("ix_credit_entry_juror_occurred", ["juror_id", "occurred_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_credit_entry_program_id"), ["program_id"], unique=False)

    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.add_column(sa.Column("jury_min", sa.Integer(), nullable=False, server_default="6"))
        batch_op.add_column(sa.Column("jury_max", sa.Integer(), nullable=False, server_default="8"))
        batch_op.add_column(sa.Column("absence_limit", sa.Integer(), nullable=False, server_default="3"))
        batch_op.add_column(sa.Column("absence_window", sa.Integer(), nullable=False, server_default="10"))
        batch_op.add_column(sa.Column("credits_per_hour", sa.Integer(), nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.drop_column("credits_per_hour")
        batch_op.drop_column("absence_window")
        batch_op.drop_column("absence_limit")
        batch_op.drop_column("jury_max")
        batch_op.drop_column("jury_min")

    with op.batch_alter_table("credit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_entry_program_id"))
        batch_op.drop_index("ix_credit_entry_juror_occurred")

    op.drop_table("credit_entry")
    with op.batch_alter_table("training_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_attendance_session_id"))
        batch_op.drop_index(batch_op.f("ix_training_attendance_program_id"))
        batch_op.drop_index(batch_op.f("ix_training_attendance_juror_id"))

    op.drop_table("training_attendance")
    with op.batch_alter_table("juror_qualification", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_juror_qualification_program_id"))
        batch_op.drop_index(batch_op.f("ix_juror_qualification_juror_id"))

    op.drop_table("juror_qualification")
    with op.batch_alter_table("juror_conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_juror_conflict_youth_id"))
        batch_op.drop_index(batch_op.f("ix_juror_conflict_program_id"))
        batch_op.drop_index(batch_op.f("ix_juror_conflict_juror_id"))

    op.drop_table("juror_conflict")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_booking_program_id"))
        batch_op.drop_index("ix_booking_night_status")
        batch_op.drop_index(batch_op.f("ix_booking_juror_id"))
        batch_op.drop_index(batch_op.f("ix_booking_courtroom_id"))

    op.drop_table("booking")
    with op.batch_alter_table("juror", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_juror_school"))
        batch_op.drop_index("ix_juror_program_status")
        batch_op.drop_index(batch_op.f("ix_juror_program_id"))

    op.drop_table("juror")
    with op.batch_alter_table("training_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_training_session_program_id"))
        batch_op.drop_index(batch_op.f("ix_training_session_held_on"))

    op.drop_table("training_session")
    with op.batch_alter_table("reward", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reward_program_id"))

    op.drop_table("reward")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_program_status")
        batch_op.drop_index(batch_op.f("ix_outbox_message_program_id"))

    op.drop_table("outbox_message")
