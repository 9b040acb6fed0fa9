"""the index of a person's audit entries holds the program, which every scoped read names

A home page shows the person's previous sign-in: their entries of one action, newest first. The
program scope adds ``program_id = ?`` to the read; with an index of (actor, action, time), SQLite
chose the program's index instead and read the program's trail from its newest entry until it had
found two sign-ins (1.3 ms on the demo, more with every page anyone views). The index now holds
the program between the action and the time.

Revision ID: e1c3a5b7d9f0
Revises: d9f1b3c5e7a2
Create Date: 2026-12-07 07:20:00.000000
"""

from alembic import op

revision = "e1c3a5b7d9f0"
down_revision = "d9f1b3c5e7a2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_entry_actor_action_program",
        "audit_entry",
        ["actor_id", "action", "program_id", "occurred_at"],
    )
    op.drop_index("ix_audit_entry_actor_action_occurred", table_name="audit_entry")


def downgrade() -> None:
    op.create_index(
        "ix_audit_entry_actor_action_occurred", "audit_entry", ["actor_id", "action", "occurred_at"]
    )
    op.drop_index("ix_audit_entry_actor_action_program", table_name="audit_entry")
