"""membership display name

The name a program knows a person by, typed by its admin when adding them: a program shows
its own name for the person, never the name on an account it may share with other programs.

Revision ID: d4a9e2c7b1f3
Revises: b7e3c1d2a9f4
Create Date: 2026-12-04 23:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "d4a9e2c7b1f3"
down_revision = "b7e3c1d2a9f4"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("display_name", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("display_name")
