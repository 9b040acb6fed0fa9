"""partner API keys and the referrals partners sent

Source agencies call the partner API with keys a program admin issues (only each key's SHA-256
is kept, with its request count for the current minute). A referral sent through the API is
recorded under the agency's reference number, unique per agency, so that the same referral sent
twice, even at the same moment, makes one.

Revision ID: 071d7557db24
Revises: 3814ecdbbffc
Create Date: 2026-12-06 09:19:08.084659
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC

revision = "071d7557db24"
down_revision = "3814ecdbbffc"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("source_id", sa.GUID(length=16), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("revoked_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("last_used_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("requests_per_minute", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("window_count", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_api_key_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_api_key_program_id_program"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["user_account.id"],
            name=op.f("fk_api_key_revoked_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["referral_source.id"],
            name=op.f("fk_api_key_source_id_referral_source"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_key")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_key_key_hash")),
    )
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.create_index("ix_api_key_program_created", ["program_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_key_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_api_key_source_id"), ["source_id"], unique=False)

    op.create_table(
        "partner_referral",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("referral_id", sa.GUID(length=16), nullable=False),
        sa.Column("source_id", sa.GUID(length=16), nullable=False),
        sa.Column("source_reference", sa.String(length=80), nullable=False),
        sa.Column("api_key_id", sa.GUID(length=16), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["api_key_id"],
            ["api_key.id"],
            name=op.f("fk_partner_referral_api_key_id_api_key"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_partner_referral_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["referral_id"],
            ["referral.id"],
            name=op.f("fk_partner_referral_referral_id_referral"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["referral_source.id"],
            name=op.f("fk_partner_referral_source_id_referral_source"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_referral")),
        sa.UniqueConstraint("referral_id", name=op.f("uq_partner_referral_referral_id")),
        sa.UniqueConstraint("source_id", "source_reference", name=op.f("uq_partner_referral_source_id")),
    )
    with op.batch_alter_table("partner_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_referral_api_key_id"), ["api_key_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_referral_program_id"), ["program_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("partner_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_referral_program_id"))
        batch_op.drop_index(batch_op.f("ix_partner_referral_api_key_id"))

    op.drop_table("partner_referral")
    with op.batch_alter_table("api_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_key_source_id"))
        batch_op.drop_index(batch_op.f("ix_api_key_program_id"))
        batch_op.drop_index("ix_api_key_program_created")

    op.drop_table("api_key")
