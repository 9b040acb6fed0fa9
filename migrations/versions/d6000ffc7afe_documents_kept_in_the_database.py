"""documents kept in the database

Uploaded documents can be kept in the database instead of a folder on one server, so that every
app server sees them: their bytes, in order, as rows of 256 KB. The rows belong to their
document (deleting it deletes them), checked at commit so that they can be written before it.

Revision ID: d6000ffc7afe
Revises: b8e4d2f6a193
Create Date: 2026-12-06 11:40:29.089972
"""

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC

revision = "d6000ffc7afe"
down_revision = "b8e4d2f6a193"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_chunk",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_document_chunk_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["stored_name"],
            ["document.stored_name"],
            name=op.f("fk_document_chunk_stored_name_document"),
            ondelete="CASCADE",
            initially="DEFERRED",
            deferrable=True,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_chunk")),
        sa.UniqueConstraint("stored_name", "seq", name=op.f("uq_document_chunk_stored_name")),
    )
    with op.batch_alter_table("document_chunk", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_chunk_program_id"), ["program_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        # PDFs and images are compressed already: kept out of line without trying to compress them again.
        op.execute("ALTER TABLE document_chunk ALTER COLUMN data SET STORAGE EXTERNAL")


def downgrade() -> None:
    with op.batch_alter_table("document_chunk", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_chunk_program_id"))
    op.drop_table("document_chunk")
