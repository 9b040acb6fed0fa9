"""the families to contact read the open cases and their contacts from indexes

The dashboard's families to contact read each of a statewide program's 437 open cases from the
table, and each of their logged contacts too, for its program (the scope's condition): 3.5 ms of
PostgreSQL's work a view. An index of the open cases holds what the panel shows and tests, and the
index of a case's contacts holds their program.

Revision ID: f9b1d3e5a7c0
Revises: e8a0c2d4f6b9
Create Date: 2026-12-07 18:30:00.000000
"""

from alembic import op
from sqlalchemy import text

revision = "f9b1d3e5a7c0"
down_revision = "e8a0c2d4f6b9"
branch_labels = None
depends_on = None

OPEN = "closed_on IS NULL AND sealed_at IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_youth_case_open",
        "youth_case",
        ["program_id", "opened_on"],
        postgresql_include=["id", "youth_id", "referral_id", "number", "state"],
        postgresql_where=text(OPEN),
        sqlite_where=text(OPEN),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_contact_log_case_contacted", table_name="contact_log")
        op.create_index(
            "ix_contact_log_case_contacted",
            "contact_log",
            ["case_id", "contacted_on"],
            postgresql_include=["program_id"],
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_contact_log_case_contacted", table_name="contact_log")
        op.create_index("ix_contact_log_case_contacted", "contact_log", ["case_id", "contacted_on"])
    op.drop_index("ix_youth_case_open", table_name="youth_case")
