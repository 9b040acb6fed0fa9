"""imports of a program's records: the import, its remembered mapping, and imported cases and jurors

A program that adopts Youthcourt brings years of cases and its juror roster from spreadsheets.
Each upload is a ``record_import`` (staged, then imported or discarded); imported cases and jurors
point to it, so pages mark them while every report counts them. ``import_mapping`` remembers the
columns chosen per program and kind of file.

Revision ID: a96c8ca827ec
Revises: 071d7557db24
Create Date: 2026-12-06 14:38:22.745672
"""

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB

revision = "a96c8ca827ec"
down_revision = "071d7557db24"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_mapping",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("cases", "jurors", name="importkind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("mapping", sa.JsonB, nullable=False),
        sa.Column("saved_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_import_mapping_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["saved_by_id"],
            ["user_account.id"],
            name=op.f("fk_import_mapping_saved_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_mapping")),
        sa.UniqueConstraint("program_id", "kind", name=op.f("uq_import_mapping_program_id")),
    )
    with op.batch_alter_table("import_mapping", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_mapping_program_id"), ["program_id"], unique=False)

    op.create_table(
        "record_import",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("cases", "jurors", name="importkind", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("staged", "imported", "discarded", name="importstatus", native_enum=False, length=30),
            nullable=False,
        ),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("headers", sa.JsonB, nullable=False),
        sa.Column("mapping", sa.JsonB, nullable=False),
        sa.Column("staged_rows", sa.JsonB, nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("imported_count", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("imported_by_id", sa.GUID(length=16), nullable=True),
        sa.Column("imported_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("program_id", sa.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["imported_by_id"],
            ["user_account.id"],
            name=op.f("fk_record_import_imported_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["program.id"],
            name=op.f("fk_record_import_program_id_program"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["user_account.id"],
            name=op.f("fk_record_import_uploaded_by_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_import")),
    )
    with op.batch_alter_table("record_import", schema=None) as batch_op:
        batch_op.create_index("ix_record_import_program_created", ["program_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_record_import_program_id"), ["program_id"], unique=False)

    for table in IMPORTED_TABLES:
        _add_import_column(table)


IMPORTED_TABLES = ("juror", "youth_case")
"""Tables whose rows may come from an import."""


def _add_import_column(table: str) -> None:
    """``import_id``, its foreign key and its index."""
    with _copied_in_place(), op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.GUID(length=16), nullable=True))
        batch_op.create_index(f"ix_{table}_program_import", ["program_id", "import_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f(f"fk_{table}_import_id_record_import"),
            "record_import",
            ["import_id"],
            ["id"],
            ondelete="RESTRICT",
        )


def _drop_import_column(table: str) -> None:
    with _copied_in_place(), op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f"fk_{table}_import_id_record_import"), type_="foreignkey")
        batch_op.drop_index(f"ix_{table}_program_import")
        batch_op.drop_column("import_id")


@contextmanager
def _copied_in_place() -> Iterator[None]:
    """On SQLite a batch copies the table and renames the copy: with the legacy rename, triggers on
    other tables that name it (the juror's credit balance) are left as they are instead of failing."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("PRAGMA legacy_alter_table=ON")
    try:
        yield
    finally:
        if sqlite:
            op.execute("PRAGMA legacy_alter_table=OFF")


def downgrade() -> None:
    for table in IMPORTED_TABLES:
        _drop_import_column(table)

    with op.batch_alter_table("record_import", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_record_import_program_id"))
        batch_op.drop_index("ix_record_import_program_created")

    op.drop_table("record_import")
    with op.batch_alter_table("import_mapping", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_mapping_program_id"))

    op.drop_table("import_mapping")
