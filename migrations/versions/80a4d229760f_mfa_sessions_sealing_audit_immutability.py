"""mfa sessions sealing audit immutability

Adds authenticator-app sign-in and recovery codes, per-program session limits, sealing and
expungement of cases, and triggers that stop anyone, the app's own role included, from
changing an audit entry or deleting one less than a year old.

Revision ID: 80a4d229760f
Revises: 41168a53d9a5
Create Date: 2026-11-21 15:19:41.968367
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB

revision = "80a4d229760f"
down_revision = "41168a53d9a5"
branch_labels = None
depends_on = None


AUDIT_MINIMUM_DAYS = 365
"""Entries younger than this cannot be deleted, whatever the retention setting says."""

POSTGRES_TRIGGERS = (
    f"""CREATE FUNCTION audit_entry_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'audit entries cannot be changed';
    END IF;
    IF TG_OP = 'TRUNCATE' THEN
        RAISE EXCEPTION 'the audit trail cannot be emptied';
    END IF;
    IF OLD.occurred_at > now() - interval '{AUDIT_MINIMUM_DAYS} days' THEN
        RAISE EXCEPTION 'audit entries are kept at least {AUDIT_MINIMUM_DAYS} days';
    END IF;
    RETURN OLD;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER audit_entry_immutable BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_immutable()""",
    """CREATE TRIGGER audit_entry_not_truncated BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_immutable()""",
)

SQLITE_TRIGGERS = (
    """CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
    BEGIN SELECT RAISE(ABORT, 'audit entries cannot be changed'); END""",
    f"""CREATE TRIGGER audit_entry_no_early_delete BEFORE DELETE ON audit_entry
    WHEN OLD.occurred_at > datetime('now', '-{AUDIT_MINIMUM_DAYS} days')
    BEGIN SELECT RAISE(ABORT, 'audit entries are kept at least {AUDIT_MINIMUM_DAYS} days'); END""",
)


def protect_audit_trail() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in POSTGRES_TRIGGERS if postgres else SQLITE_TRIGGERS:
        op.execute(statement)


def unprotect_audit_trail() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER audit_entry_not_truncated ON audit_entry")
        op.execute("DROP TRIGGER audit_entry_immutable ON audit_entry")
        op.execute("DROP FUNCTION audit_entry_immutable()")
    else:
        op.execute("DROP TRIGGER audit_entry_no_early_delete")
        op.execute("DROP TRIGGER audit_entry_no_update")


def upgrade() -> None:
    protect_audit_trail()
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_entry_outcome"), ["outcome"], unique=False)
    op.create_table(
        "recovery_code",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("user_id", sa.GUID(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("used_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_recovery_code_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_code")),
    )
    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recovery_code_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("mfa_for_jurors", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("session_idle_minutes", sa.Integer(), server_default="30", nullable=False)
        )
        batch_op.add_column(
            sa.Column("session_absolute_hours", sa.Integer(), server_default="12", nullable=False)
        )
        batch_op.add_column(sa.Column("auto_seal_months", sa.Integer(), nullable=True))

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled_at", sa.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))

    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idle_minutes", sa.Integer(), server_default="30", nullable=False))
        batch_op.add_column(
            sa.Column("awaiting_code", sa.Boolean(), server_default=sa.false(), nullable=False)
        )

    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expunged_at", sa.DateTimeUTC(timezone=True), nullable=True))

    with op.batch_alter_table("youth_case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sealed_at", sa.DateTimeUTC(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("sealed_by_id", sa.GUID(length=16), nullable=True))
        batch_op.add_column(sa.Column("seal_reason", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("expunged_at", sa.DateTimeUTC(timezone=True), nullable=True))
        batch_op.create_index("ix_youth_case_program_sealed", ["program_id", "sealed_at"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_youth_case_sealed_by_id_user_account"),
            "user_account",
            ["sealed_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("audit_entry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_entry_outcome"))
    unprotect_audit_trail()
    with op.batch_alter_table("youth_case", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_youth_case_sealed_by_id_user_account"), type_="foreignkey")
        batch_op.drop_index("ix_youth_case_program_sealed")
        batch_op.drop_column("expunged_at")
        batch_op.drop_column("seal_reason")
        batch_op.drop_column("sealed_by_id")
        batch_op.drop_column("sealed_at")

    with op.batch_alter_table("youth", schema=None) as batch_op:
        batch_op.drop_column("expunged_at")

    with op.batch_alter_table("user_session", schema=None) as batch_op:
        batch_op.drop_column("awaiting_code")
        batch_op.drop_column("idle_minutes")

    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled_at")
        batch_op.drop_column("totp_secret")

    with op.batch_alter_table("program_policy", schema=None) as batch_op:
        batch_op.drop_column("auto_seal_months")
        batch_op.drop_column("session_absolute_hours")
        batch_op.drop_column("session_idle_minutes")
        batch_op.drop_column("mfa_for_jurors")

    with op.batch_alter_table("recovery_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recovery_code_user_id"))

    op.drop_table("recovery_code")
