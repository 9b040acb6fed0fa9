"""partner sites, placements and private links

Partner sites where youth serve community service or attend workshops, the kinds of work each
offers, sanctions placed at a site, and private links (only the SHA-256 of each secret) that let
a site's supervisor confirm hours without an account; hours so confirmed are marked on the
sanction's progress log.

Revision ID: 3814ecdbbffc
Revises: bf204f091fd4
Create Date: 2026-12-06 14:17:38.623848
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB

revision = "3814ecdbbffc"
down_revision = "bf204f091fd4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "partner_site",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_partner_site_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_site")),
        sa.UniqueConstraint("program_id", "name", name=op.f("uq_partner_site_program_id")),
    )
    with op.batch_alter_table("partner_site", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partner_site_program_active_name", ["program_id", "is_active", "name"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_partner_site_program_id"), ["program_id"], unique=False)

    op.create_table(
        "private_link",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("purpose", sa.String(length=50), nullable=False),
        sa.Column("subject_id", sa.GUID(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("expires_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user_account.id"],
            name=op.f("fk_private_link_created_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_private_link_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_private_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_private_link_token_hash")),
    )
    with op.batch_alter_table("private_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_private_link_program_id"), ["program_id"], unique=False)
        batch_op.create_index(
            "ix_private_link_program_purpose_subject", ["program_id", "purpose", "subject_id"], unique=False
        )

    op.create_table(
        "partner_site_work",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("site_id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
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
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_partner_site_work_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["partner_site.id"],
            name=op.f("fk_partner_site_work_site_id_partner_site"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_site_work")),
        sa.UniqueConstraint("site_id", "kind", name=op.f("uq_partner_site_work_site_id")),
    )
    with op.batch_alter_table("partner_site_work", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_site_work_program_id"), ["program_id"], unique=False)
        batch_op.create_index(
            "ix_partner_site_work_program_kind", ["program_id", "kind", "site_id"], unique=False
        )

    op.create_table(
        "placement",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("sanction_id", sa.GUID(length=16), nullable=False),
        sa.Column("site_id", sa.GUID(length=16), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"], ["program.id"], name=op.f("fk_placement_program_id_program"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["sanction_id"],
            ["sanction.id"],
            name=op.f("fk_placement_sanction_id_sanction"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["partner_site.id"],
            name=op.f("fk_placement_site_id_partner_site"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement")),
        sa.UniqueConstraint("sanction_id", name=op.f("uq_placement_sanction_id")),
    )
    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placement_program_id"), ["program_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placement_site_id"), ["site_id"], unique=False)

    with op.batch_alter_table("sanction_progress", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verified_by_site", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("sanction_progress", schema=None) as batch_op:
        batch_op.drop_column("verified_by_site")

    with op.batch_alter_table("placement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placement_site_id"))
        batch_op.drop_index(batch_op.f("ix_placement_program_id"))

    op.drop_table("placement")
    with op.batch_alter_table("partner_site_work", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_site_work_program_kind")
        batch_op.drop_index(batch_op.f("ix_partner_site_work_program_id"))

    op.drop_table("partner_site_work")
    with op.batch_alter_table("private_link", schema=None) as batch_op:
        batch_op.drop_index("ix_private_link_program_purpose_subject")
        batch_op.drop_index(batch_op.f("ix_private_link_program_id"))

    op.drop_table("private_link")
    with op.batch_alter_table("partner_site", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_partner_site_program_id"))
        batch_op.drop_index("ix_partner_site_program_active_name")

    op.drop_table("partner_site")
