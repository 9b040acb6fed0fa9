"""balances and forms held by the database

A juror's credit balance becomes a column the database keeps: a trigger adds every new
ledger entry's amount, and a check constraint refuses any entry that would take it below
zero, whatever sends it and however many at once. Balances already below zero (two
redemptions that passed the old check together) are brought back to zero by an adjustment
that says why, so the ledger still adds up. Forms sent are recorded by a unique key, so a
double-click does one thing.

Revision ID: 074bddb04747
Revises: d4a9e2c7b1f3
Create Date: 2026-12-04 23:10:00.000000
"""

import datetime
import uuid

import sqlalchemy as sa
from advanced_alchemy.types import GUID, DateTimeUTC, JsonB
from alembic import op

sa.GUID = GUID
sa.DateTimeUTC = DateTimeUTC
sa.JsonB = JsonB

revision = "074bddb04747"
down_revision = "d4a9e2c7b1f3"
branch_labels = None
depends_on = None

CHECK_NAME = "ck_juror_credit_balance_not_negative"
SETTLED_REASON = (
    "Balance brought back to zero: earlier redemptions were recorded twice and took it below zero."
)

POSTGRES_TRIGGER = (
    """CREATE FUNCTION credit_entry_moves_balance() RETURNS trigger AS $$
BEGIN
    UPDATE juror SET credit_balance = credit_balance + NEW.amount WHERE id = NEW.juror_id;
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER credit_entry_moves_balance AFTER INSERT ON credit_entry
    FOR EACH ROW EXECUTE FUNCTION credit_entry_moves_balance()""",
    """CREATE FUNCTION credit_entry_unchanged() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'credit entries are never changed: add an adjustment';
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER credit_entry_unchanged BEFORE UPDATE OF juror_id, amount ON credit_entry
    FOR EACH ROW EXECUTE FUNCTION credit_entry_unchanged()""",
)

# SQLite stores the amounts as floating point: round, so 0.3 - 0.1 - 0.2 is 0 and not -2.8e-17.
SQLITE_TRIGGER = (
    """CREATE TRIGGER credit_entry_moves_balance AFTER INSERT ON credit_entry
    BEGIN
        UPDATE juror SET credit_balance = round(credit_balance + NEW.amount, 2) WHERE id = NEW.juror_id;
    END""",
    """CREATE TRIGGER credit_entry_unchanged BEFORE UPDATE OF juror_id, amount ON credit_entry
    BEGIN SELECT RAISE(ABORT, 'credit entries are never changed: add an adjustment'); END""",
)

entries = sa.table(
    "credit_entry",
    sa.column("id", sa.GUID(length=16)),
    sa.column("program_id", sa.GUID(length=16)),
    sa.column("juror_id", sa.GUID(length=16)),
    sa.column("occurred_on", sa.Date()),
    sa.column("kind", sa.String(30)),
    sa.column("amount", sa.Numeric(8, 2)),
    sa.column("reason", sa.Text()),
    sa.column("actor_name", sa.String(200)),
    sa.column("created_at", sa.DateTimeUTC(timezone=True)),
    sa.column("updated_at", sa.DateTimeUTC(timezone=True)),
)


def settle_overdrawn_balances() -> None:
    """Add an adjustment to every juror whose entries sum below zero, so the check can hold."""
    bind = op.get_bind()
    total = sa.func.round(sa.func.sum(entries.c.amount), 2)
    overdrawn = bind.execute(
        sa.select(entries.c.juror_id, entries.c.program_id, total)
        .group_by(entries.c.juror_id, entries.c.program_id)
        .having(total < 0)
    ).all()
    now = datetime.datetime.now(datetime.UTC)
    for juror_id, program_id, balance in overdrawn:
        bind.execute(
            entries.insert().values(
                id=uuid.uuid4(),
                program_id=program_id,
                juror_id=juror_id,
                occurred_on=now.date(),
                kind="adjustment",
                amount=-balance,
                reason=SETTLED_REASON,
                actor_name="",
                created_at=now,
                updated_at=now,
            )
        )


def upgrade() -> None:
    op.create_table(
        "form_submission",
        sa.Column("id", sa.GUID(length=16), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("completed_at", sa.DateTimeUTC(timezone=True), nullable=True),
        sa.Column("location", sa.String(length=2000), nullable=True),
        sa.Column("notices", sa.JsonB, nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_submission")),
        sa.UniqueConstraint("key", name=op.f("uq_form_submission_key")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.add_column(
            "juror",
            sa.Column(
                "credit_balance", sa.Numeric(precision=10, scale=2), server_default="0", nullable=False
            ),
        )
    else:
        # Added in place (no copy of the juror table, which other tables reference), check included.
        op.execute(
            "ALTER TABLE juror ADD COLUMN credit_balance NUMERIC(10, 2) DEFAULT '0' NOT NULL "
            f"CONSTRAINT {CHECK_NAME} CHECK (credit_balance >= 0)"
        )
    settle_overdrawn_balances()
    op.execute(
        "UPDATE juror SET credit_balance = COALESCE("
        "(SELECT round(SUM(amount), 2) FROM credit_entry WHERE credit_entry.juror_id = juror.id), 0)"
    )
    if postgres:
        op.create_check_constraint(op.f(CHECK_NAME), "juror", "credit_balance >= 0")
    for statement in POSTGRES_TRIGGER if postgres else SQLITE_TRIGGER:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER credit_entry_unchanged ON credit_entry")
        op.execute("DROP FUNCTION credit_entry_unchanged()")
        op.execute("DROP TRIGGER credit_entry_moves_balance ON credit_entry")
        op.execute("DROP FUNCTION credit_entry_moves_balance()")
        op.drop_constraint(op.f(CHECK_NAME), "juror", type_="check")
        op.drop_column("juror", "credit_balance")
    else:
        op.execute("DROP TRIGGER credit_entry_unchanged")
        op.execute("DROP TRIGGER credit_entry_moves_balance")
        # A copy of the table (a later migration's batch) makes the column's check a table check,
        # which DROP COLUMN refuses; copying it once more without both works either way.
        op.execute("PRAGMA legacy_alter_table=ON")
        with op.batch_alter_table("juror", recreate="always") as batch_op:
            batch_op.drop_constraint(op.f(CHECK_NAME), type_="check")
            batch_op.drop_column("credit_balance")
        op.execute("PRAGMA legacy_alter_table=OFF")
    op.drop_table("form_submission")
