"""case lifecycle: reference data, referrals, cases, hearings, sanctions, follow-ups

Revision ID: e0e7247a0fd5
Revises: 5a5a2cecde18
Create Date: 2026-11-21 10:02:39.163537
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB

revision = "e0e7247a0fd5"
down_revision = "5a5a2cecde18"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_counter",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_case_counter_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_counter")),
        sa.UniqueConstraint("program_id", "year", name=op.f("uq_case_counter_program_id")),
    )
    with op.batch_alter_table("case_counter", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_counter_program_id"), ["program_id"], unique=False)

    op.create_table(
        "factor",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("contributing", "strength", name="factorkind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_factor_program_id_program"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_factor")),
        sa.UniqueConstraint("program_id", "kind", "name", name=op.f("uq_factor_program_id")),
    )
    with op.batch_alter_table("factor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_factor_program_id"), ["program_id"], unique=False)

    op.create_table(
        "hearing_night",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("starts_at", sa.Time(), nullable=False),
        sa.Column("ends_at", sa.Time(), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("is_cancelled", sa.Boolean(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_hearing_night_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing_night")),
    )
    with op.batch_alter_table("hearing_night", schema=None) as batch_op:
        batch_op.create_index("ix_hearing_night_program_date", ["program_id", "held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_hearing_night_program_id"), ["program_id"], unique=False)

    op.create_table(
        "offense",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=60), nullable=False),
        sa.Column(
            "offense_class",
            sa.Enum("A", "B", "C", "D", name="offenseclass", native_enum=False),
            nullable=False,
        ),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_offense_program_id_program"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offense")),
        sa.UniqueConstraint("program_id", "name", name=op.f("uq_offense_program_id")),
    )
    with op.batch_alter_table("offense", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offense_program_id"), ["program_id"], unique=False)

    op.create_table(
        "program_policy",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("min_age", sa.Integer(), nullable=False),
        sa.Column("max_age", sa.Integer(), nullable=False),
        sa.Column("accepted_classes", sa.String(length=10), nullable=False),
        sa.Column("first_time_only", sa.Boolean(), nullable=False),
        sa.Column("family_response_days", sa.Integer(), nullable=False),
        sa.Column("hearing_target_days", sa.Integer(), nullable=False),
        sa.Column("sanction_deadline_days", sa.Integer(), nullable=False),
        sa.Column("contact_interval_days", sa.Integer(), nullable=False),
        sa.Column("follow_up_months", sa.String(length=40), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_program_policy_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_policy")),
        sa.UniqueConstraint("program_id", name=op.f("uq_program_policy_program_id")),
    )
    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_program_policy_program_id"), ["program_id"], unique=False)

    op.create_table(
        "referral_source",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "police",
                "school",
                "probation",
                "court",
                "family",
                "other",
                name="sourcekind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_referral_source_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_source")),
        sa.UniqueConstraint("program_id", "name", name=op.f("uq_referral_source_program_id")),
    )
    with op.batch_alter_table("referral_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_source_program_id"), ["program_id"], unique=False)

    op.create_table(
        "sanction_rule",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "offense_class",
            sa.Enum("A", "B", "C", "D", name="offenseclass", native_enum=False),
            nullable=False,
        ),
        sa.Column(
            "sanction_type",
            sa.Enum(
                "community_service",
                "jury_duty",
                "apology_letter",
                "essay",
                "restitution",
                "workshop",
                "counseling",
                "tutoring",
                "mentoring",
                "curfew",
                "mediation",
                name="sanctiontype",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("min_quantity", sa.Integer(), nullable=False),
        sa.Column("max_quantity", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_sanction_rule_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanction_rule")),
        sa.UniqueConstraint(
            "program_id", "offense_class", "sanction_type", name=op.f("uq_sanction_rule_program_id")
        ),
    )
    with op.batch_alter_table("sanction_rule", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sanction_rule_program_id"), ["program_id"], unique=False)

    op.create_table(
        "youth",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(length=40), nullable=False),
        sa.Column("race_ethnicity", sa.String(length=80), nullable=False),
        sa.Column("school", sa.String(length=200), nullable=False),
        sa.Column("grade", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_youth_program_id_program"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_youth")),
    )
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_youth_date_of_birth"), ["date_of_birth"], unique=False)
        batch_op.create_index(batch_op.f("ix_youth_program_id"), ["program_id"], unique=False)
        batch_op.create_index(
            "ix_youth_program_name", ["program_id", "last_name", "first_name"], unique=False
        )

    op.create_table(
        "courtroom",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("night_id", sa.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["night_id"],
            ["hearing_night.id"],
            name=op.f("fk_courtroom_night_id_hearing_night"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_courtroom_program_id_program"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courtroom")),
        sa.UniqueConstraint("night_id", "name", name=op.f("uq_courtroom_night_id")),
    )
    with op.batch_alter_table("courtroom", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_courtroom_night_id"), ["night_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_courtroom_program_id"), ["program_id"], unique=False)

    op.create_table(
        "guardian",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("youth_id", sa.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relationship_to_youth", sa.String(length=60), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_guardian_program_id_program"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youth.id"], name=op.f("fk_guardian_youth_id_youth"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardian")),
    )
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardian_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_guardian_youth_id"), ["youth_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("youth_id", sa.GUID(length=16), nullable=False),
        sa.Column("source_id", sa.GUID(length=16), nullable=False),
        sa.Column("source_reference", sa.String(length=80), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("incident_date", sa.Date(), nullable=False),
        sa.Column("incident_place", sa.String(length=200), nullable=False),
        sa.Column("offense_id", sa.GUID(length=16), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "accepted",
                "declined",
                "returned",
                name="referralstatus",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("decided_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("family_contacted_on", sa.Date(), nullable=True),
        sa.Column("submission_token", sa.String(length=64), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["user_account.id"],
            name=op.f("fk_referral_decided_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["offense_id"], ["offense.id"], name=op.f("fk_referral_offense_id_offense"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_referral_program_id_program"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["referral_source.id"],
            name=op.f("fk_referral_source_id_referral_source"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youth.id"], name=op.f("fk_referral_youth_id_youth"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
        sa.UniqueConstraint("program_id", "submission_token", name=op.f("uq_referral_program_id")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_offense_id"), ["offense_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_program_id"), ["program_id"], unique=False)
        batch_op.create_index(
            "ix_referral_program_status_received", ["program_id", "status", "received_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_referral_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_youth_id"), ["youth_id"], unique=False)

    op.create_table(
        "document",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("referral_id", sa.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=80), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_document_program_id_program"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_document_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_document_uploaded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_document_stored_name")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_referral_id"), ["referral_id"], unique=False)

    op.create_table(
        "youth_case",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("referral_id", sa.GUID(length=16), nullable=False),
        sa.Column("youth_id", sa.GUID(length=16), nullable=False),
        sa.Column("coordinator_id", sa.GUID(length=16), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "referred",
                "intake",
                "awaiting_hearing",
                "scheduled",
                "sanctions_in_progress",
                "completed",
                "unsuccessful",
                "withdrawn",
                name="casestate",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("state_changed_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("intake_on", sa.Date(), nullable=True),
        sa.Column("youth_consent_on", sa.Date(), nullable=True),
        sa.Column("guardian_consent_on", sa.Date(), nullable=True),
        sa.Column("confidentiality_signed_on", sa.Date(), nullable=True),
        sa.Column("waiver_signed_on", sa.Date(), nullable=True),
        sa.Column("admission_on", sa.Date(), nullable=True),
        sa.Column("intake_notes", sa.Text(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closure_reason", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["user_account.id"],
            name=op.f("fk_youth_case_coordinator_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_youth_case_program_id_program"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_youth_case_referral_id_referral"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["youth_id"], ["youth.id"], name=op.f("fk_youth_case_youth_id_youth"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_youth_case")),
        sa.UniqueConstraint("program_id", "number", name=op.f("uq_youth_case_program_id")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_youth_case_referral_id")),
    )
    with op.batch_alter_table("youth_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_youth_case_closed_on"), ["closed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_youth_case_coordinator_id"), ["coordinator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_youth_case_program_id"), ["program_id"], unique=False)
        batch_op.create_index("ix_youth_case_program_opened", ["program_id", "opened_on"], unique=False)
        batch_op.create_index("ix_youth_case_program_state", ["program_id", "state"], unique=False)
        batch_op.create_index(batch_op.f("ix_youth_case_youth_id"), ["youth_id"], unique=False)

    op.create_table(
        "case_event",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "transition",
                "note",
                "hearing",
                "sanction",
                "document",
                name="eventkind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("from_state", sa.String(length=30), nullable=True),
        sa.Column("to_state", sa.String(length=30), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("actor_id", sa.GUID(length=16), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["youth_case.id"], name=op.f("fk_case_event_case_id_youth_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_case_event_program_id_program"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.create_index("ix_case_event_case_occurred", ["case_id", "occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_event_program_id"), ["program_id"], unique=False)

    op.create_table(
        "case_factor",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=False),
        sa.Column("factor_id", sa.GUID(length=16), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["youth_case.id"], name=op.f("fk_case_factor_case_id_youth_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["factor_id"], ["factor.id"], name=op.f("fk_case_factor_factor_id_factor"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_case_factor_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_factor")),
        sa.UniqueConstraint("case_id", "factor_id", name=op.f("uq_case_factor_case_id")),
    )
    with op.batch_alter_table("case_factor", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_factor_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_factor_program_id"), ["program_id"], unique=False)

    op.create_table(
        "contact_log",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column(
            "method",
            sa.Enum(
                "phone",
                "meeting",
                "home_visit",
                "letter",
                "email",
                "text",
                name="contactmethod",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("contact_with", sa.String(length=120), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("actor_id", sa.GUID(length=16), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("submission_token", sa.String(length=64), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["youth_case.id"], name=op.f("fk_contact_log_case_id_youth_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_contact_log_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log")),
        sa.UniqueConstraint("program_id", "submission_token", name=op.f("uq_contact_log_program_id")),
    )
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.create_index("ix_contact_log_case_contacted", ["case_id", "contacted_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_log_program_id"), ["program_id"], unique=False)

    op.create_table(
        "follow_up_check",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=False),
        sa.Column("window_months", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["youth_case.id"],
            name=op.f("fk_follow_up_check_case_id_youth_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_follow_up_check_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follow_up_check")),
        sa.UniqueConstraint("case_id", "window_months", name=op.f("uq_follow_up_check_case_id")),
    )
    with op.batch_alter_table("follow_up_check", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follow_up_check_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            "ix_follow_up_check_program_due", ["program_id", "completed_on", "due_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_follow_up_check_program_id"), ["program_id"], unique=False)

    op.create_table(
        "hearing",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("courtroom_id", sa.GUID(length=16), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("returning", "discharge", "initial", name="hearingkind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "outcome",
            sa.Enum(
                "scheduled",
                "held",
                "no_show",
                "rescheduled",
                "cancelled",
                name="hearingoutcome",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("notice_sent_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["youth_case.id"], name=op.f("fk_hearing_case_id_youth_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["courtroom_id"],
            ["courtroom.id"],
            name=op.f("fk_hearing_courtroom_id_courtroom"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_hearing_program_id_program"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearing")),
        sa.UniqueConstraint("courtroom_id", "case_id", name=op.f("uq_hearing_courtroom_id")),
    )
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearing_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hearing_courtroom_id"), ["courtroom_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_hearing_program_id"), ["program_id"], unique=False)

    op.create_table(
        "disposition",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=False),
        sa.Column("hearing_id", sa.GUID(length=16), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["youth_case.id"], name=op.f("fk_disposition_case_id_youth_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
            name=op.f("fk_disposition_hearing_id_hearing"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_disposition_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disposition")),
        sa.UniqueConstraint("hearing_id", name=op.f("uq_disposition_hearing_id")),
    )
    with op.batch_alter_table("disposition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disposition_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disposition_program_id"), ["program_id"], unique=False)

    op.create_table(
        "investigation",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("hearing_id", sa.GUID(length=16), nullable=False),
        sa.Column("questioning_summary", sa.Text(), nullable=False),
        sa.Column("deliberation_summary", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"],
            ["hearing.id"],
            name=op.f("fk_investigation_hearing_id_hearing"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_investigation_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation")),
        sa.UniqueConstraint("hearing_id", name=op.f("uq_investigation_hearing_id")),
    )
    with op.batch_alter_table("investigation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_investigation_program_id"), ["program_id"], unique=False)

    op.create_table(
        "investigation_factor",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("investigation_id", sa.GUID(length=16), nullable=False),
        sa.Column("factor_id", sa.GUID(length=16), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["factor_id"],
            ["factor.id"],
            name=op.f("fk_investigation_factor_factor_id_factor"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["investigation_id"],
            ["investigation.id"],
            name=op.f("fk_investigation_factor_investigation_id_investigation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_investigation_factor_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_investigation_factor")),
        sa.UniqueConstraint(
            "investigation_id", "factor_id", name=op.f("uq_investigation_factor_investigation_id")
        ),
    )
    with op.batch_alter_table("investigation_factor", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_investigation_factor_investigation_id"), ["investigation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_investigation_factor_program_id"), ["program_id"], unique=False)

    op.create_table(
        "sanction",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=False),
        sa.Column("disposition_id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "sanction_type",
            sa.Enum(
                "community_service",
                "jury_duty",
                "apology_letter",
                "essay",
                "restitution",
                "workshop",
                "counseling",
                "tutoring",
                "mentoring",
                "curfew",
                "mediation",
                name="sanctiontype",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("quantity", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("factor_id", sa.GUID(length=16), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("original_due_on", sa.Date(), nullable=False),
        sa.Column("outside_grid_reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open", "completed", "not_completed", name="sanctionstatus", native_enum=False, length=30
            ),
            nullable=False,
        ),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["youth_case.id"], name=op.f("fk_sanction_case_id_youth_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["disposition_id"],
            ["disposition.id"],
            name=op.f("fk_sanction_disposition_id_disposition"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["factor_id"], ["factor.id"], name=op.f("fk_sanction_factor_id_factor"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_sanction_program_id_program"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanction")),
    )
    with op.batch_alter_table("sanction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sanction_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sanction_disposition_id"), ["disposition_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sanction_program_id"), ["program_id"], unique=False)
        batch_op.create_index(
            "ix_sanction_program_status_due", ["program_id", "status", "due_on"], unique=False
        )

    op.create_table(
        "deadline_extension",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("sanction_id", sa.GUID(length=16), nullable=False),
        sa.Column("previous_due_on", sa.Date(), nullable=False),
        sa.Column("new_due_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_deadline_extension_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["sanction_id"],
            ["sanction.id"],
            name=op.f("fk_deadline_extension_sanction_id_sanction"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deadline_extension")),
    )
    with op.batch_alter_table("deadline_extension", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deadline_extension_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deadline_extension_sanction_id"), ["sanction_id"], unique=False)

    op.create_table(
        "sanction_progress",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("sanction_id", sa.GUID(length=16), nullable=False),
        sa.Column("case_id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "hours",
                "received",
                "reviewed",
                "payment",
                "attendance",
                "jury_service",
                name="progresskind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("verified_by", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("submission_token", sa.String(length=64), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["youth_case.id"],
            name=op.f("fk_sanction_progress_case_id_youth_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_sanction_progress_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["user_account.id"],
            name=op.f("fk_sanction_progress_recorded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["sanction_id"],
            ["sanction.id"],
            name=op.f("fk_sanction_progress_sanction_id_sanction"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sanction_progress")),
        sa.UniqueConstraint("program_id", "submission_token", name=op.f("uq_sanction_progress_program_id")),
    )
    with op.batch_alter_table("sanction_progress", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sanction_progress_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sanction_progress_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sanction_progress_sanction_id"), ["sanction_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sanction_progress", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sanction_progress_sanction_id"))
        batch_op.drop_index(batch_op.f("ix_sanction_progress_program_id"))
        batch_op.drop_index(batch_op.f("ix_sanction_progress_case_id"))

    op.drop_table("sanction_progress")
    with op.batch_alter_table("deadline_extension", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_deadline_extension_sanction_id"))
        batch_op.drop_index(batch_op.f("ix_deadline_extension_program_id"))

    op.drop_table("deadline_extension")
    with op.batch_alter_table("sanction", schema=None) as batch_op:
        batch_op.drop_index("ix_sanction_program_status_due")
        batch_op.drop_index(batch_op.f("ix_sanction_program_id"))
        batch_op.drop_index(batch_op.f("ix_sanction_disposition_id"))
        batch_op.drop_index(batch_op.f("ix_sanction_case_id"))

    op.drop_table("sanction")
    with op.batch_alter_table("investigation_factor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_investigation_factor_program_id"))
        batch_op.drop_index(batch_op.f("ix_investigation_factor_investigation_id"))

    op.drop_table("investigation_factor")
    with op.batch_alter_table("investigation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_investigation_program_id"))

    op.drop_table("investigation")
    with op.batch_alter_table("disposition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disposition_program_id"))
        batch_op.drop_index(batch_op.f("ix_disposition_case_id"))

    op.drop_table("disposition")
    with op.batch_alter_table("hearing", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_program_id"))
        batch_op.drop_index(batch_op.f("ix_hearing_courtroom_id"))
        batch_op.drop_index(batch_op.f("ix_hearing_case_id"))

    op.drop_table("hearing")
    with op.batch_alter_table("follow_up_check", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follow_up_check_program_id"))
        batch_op.drop_index("ix_follow_up_check_program_due")
        batch_op.drop_index(batch_op.f("ix_follow_up_check_case_id"))

    op.drop_table("follow_up_check")
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_log_program_id"))
        batch_op.drop_index("ix_contact_log_case_contacted")

    op.drop_table("contact_log")
    with op.batch_alter_table("case_factor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_factor_program_id"))
        batch_op.drop_index(batch_op.f("ix_case_factor_case_id"))

    op.drop_table("case_factor")
    with op.batch_alter_table("case_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_event_program_id"))
        batch_op.drop_index("ix_case_event_case_occurred")

    op.drop_table("case_event")
    with op.batch_alter_table("youth_case", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_youth_case_youth_id"))
        batch_op.drop_index("ix_youth_case_program_state")
        batch_op.drop_index("ix_youth_case_program_opened")
        batch_op.drop_index(batch_op.f("ix_youth_case_program_id"))
        batch_op.drop_index(batch_op.f("ix_youth_case_coordinator_id"))
        batch_op.drop_index(batch_op.f("ix_youth_case_closed_on"))

    op.drop_table("youth_case")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_referral_id"))
        batch_op.drop_index(batch_op.f("ix_document_program_id"))

    op.drop_table("document")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_youth_id"))
        batch_op.drop_index(batch_op.f("ix_referral_source_id"))
        batch_op.drop_index("ix_referral_program_status_received")
        batch_op.drop_index(batch_op.f("ix_referral_program_id"))
        batch_op.drop_index(batch_op.f("ix_referral_offense_id"))

    op.drop_table("referral")
    with op.batch_alter_table("guardian", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guardian_youth_id"))
        batch_op.drop_index(batch_op.f("ix_guardian_program_id"))

    op.drop_table("guardian")
    with op.batch_alter_table("courtroom", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_courtroom_program_id"))
        batch_op.drop_index(batch_op.f("ix_courtroom_night_id"))

    op.drop_table("courtroom")
    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.drop_index("ix_youth_program_name")
        batch_op.drop_index(batch_op.f("ix_youth_program_id"))
        batch_op.drop_index(batch_op.f("ix_youth_date_of_birth"))

    op.drop_table("youth")
    with op.batch_alter_table("sanction_rule", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sanction_rule_program_id"))

    op.drop_table("sanction_rule")
    with op.batch_alter_table("referral_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_source_program_id"))

    op.drop_table("referral_source")
    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_program_policy_program_id"))

    op.drop_table("program_policy")
    with op.batch_alter_table("offense", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offense_program_id"))

    op.drop_table("offense")
    with op.batch_alter_table("hearing_night", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_night_program_id"))
        batch_op.drop_index("ix_hearing_night_program_date")

    op.drop_table("hearing_night")
    with op.batch_alter_table("factor", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_factor_program_id"))

    op.drop_table("factor")
    with op.batch_alter_table("case_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_counter_program_id"))

    op.drop_table("case_counter")
