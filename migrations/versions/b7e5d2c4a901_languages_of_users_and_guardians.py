"""languages: the one each user reads the app in, and each guardian's for the family's letters

Many families served by youth courts read Spanish best. ``user_account.language`` is the
person's own choice (empty follows the browser); ``guardian.preferred_language`` is the language
of the notices and letters sent to that family.

Revision ID: b7e5d2c4a901
Revises: efe337963f81
Create Date: 2026-12-07 09:12:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "b7e5d2c4a901"
down_revision = "efe337963f81"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("guardian") as batch:
        batch.add_column(
            sa.Column("preferred_language", sa.String(length=8), server_default="en", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("guardian") as batch:
        batch.drop_column("preferred_language")
    with op.batch_alter_table("user_account") as batch:
        batch.drop_column("language")
