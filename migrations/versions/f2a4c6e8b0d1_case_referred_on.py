"""each case holds the day its referral came in, kept by the database, so a cohort is one index range

A report's cohort is the cases whose referral came in within its range. The referral's date lived
on the referral alone, so every cohort read joined each of the program's cases to its referral:
for a statewide program, 12,500 cases from an index and a hash of the range's 6,400 referrals,
twice a view of the recidivism report (its months' counts, 5.5 ms; its tallies, 7.7 ms). With
``youth_case.referred_on`` a cohort is the range of one index by program and that day, and the
referral is joined only when a report groups by something of it.

The day is kept by triggers on both engines, as the other summaries of cases are: a case written
or moved to another referral takes its referral's day; a referral received on another day moves
its case's. Referrals' dates are not edited today; the trigger keeps the rule whatever writes.

Revision ID: f2a4c6e8b0d1
Revises: e1c3a5b7d9f0
Create Date: 2026-12-07 09:30:00.000000
"""

from alembic import op

revision = "f2a4c6e8b0d1"
down_revision = "e1c3a5b7d9f0"
branch_labels = None
depends_on = None

COHORT_COLUMNS = ["id", "youth_id", "referral_id", "state", "first_heard_on", "closed_on", "checked_until"]
"""What the reports read of a cohort's cases, from the index alone on PostgreSQL."""

BACKFILL = "UPDATE youth_case SET referred_on = (SELECT r.received_on FROM referral r WHERE r.id = youth_case.referral_id)"
"""Every case at once (also how a bulk load that skipped the triggers catches up)."""

POSTGRES = (
    """CREATE FUNCTION youth_case_takes_referred_on() RETURNS trigger AS $$
BEGIN
    NEW.referred_on := (SELECT r.received_on FROM referral r WHERE r.id = NEW.referral_id);
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER youth_case_takes_referred_on BEFORE INSERT OR UPDATE OF referral_id ON youth_case
    FOR EACH ROW EXECUTE FUNCTION youth_case_takes_referred_on()""",
    """CREATE FUNCTION referral_dates_its_case() RETURNS trigger AS $$
BEGIN
    UPDATE youth_case SET referred_on = NEW.received_on WHERE referral_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER referral_dates_its_case AFTER UPDATE OF received_on ON referral
    FOR EACH ROW WHEN (NEW.received_on IS DISTINCT FROM OLD.received_on)
    EXECUTE FUNCTION referral_dates_its_case()""",
)

_SQLITE_CASE_DAY = (
    "UPDATE youth_case SET referred_on = (SELECT r.received_on FROM referral r WHERE r.id = NEW.referral_id)"
    " WHERE id = NEW.id;"
)
SQLITE = (
    f"CREATE TRIGGER youth_case_takes_referred_on_insert AFTER INSERT ON youth_case BEGIN {_SQLITE_CASE_DAY} END",
    f"""CREATE TRIGGER youth_case_takes_referred_on_update AFTER UPDATE OF referral_id ON youth_case
    BEGIN {_SQLITE_CASE_DAY} END""",
    """CREATE TRIGGER referral_dates_its_case AFTER UPDATE OF received_on ON referral
    WHEN NEW.received_on IS NOT OLD.received_on
    BEGIN UPDATE youth_case SET referred_on = NEW.received_on WHERE referral_id = NEW.id; END""",
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # Added in place on both engines: a batch would copy youth_case, which other tables reference.
    op.execute("ALTER TABLE youth_case ADD COLUMN referred_on DATE")
    op.execute(BACKFILL)
    for statement in POSTGRES if postgres else SQLITE:
        op.execute(statement)
    op.drop_index("ix_youth_case_cohort", table_name="youth_case")
    op.create_index(
        "ix_youth_case_cohort",
        "youth_case",
        ["program_id", "referred_on"],
        postgresql_include=COHORT_COLUMNS,
    )


def downgrade() -> None:
    op.drop_index("ix_youth_case_cohort", table_name="youth_case")
    op.create_index(
        "ix_youth_case_cohort",
        "youth_case",
        ["program_id", "referral_id"],
        postgresql_include=["id", "youth_id", "state", "first_heard_on", "closed_on", "checked_until"],
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER referral_dates_its_case ON referral")
        op.execute("DROP TRIGGER youth_case_takes_referred_on ON youth_case")
        op.execute("DROP FUNCTION referral_dates_its_case()")
        op.execute("DROP FUNCTION youth_case_takes_referred_on()")
    else:
        for trigger in (
            "referral_dates_its_case",
            "youth_case_takes_referred_on_update",
            "youth_case_takes_referred_on_insert",
        ):
            op.execute(f"DROP TRIGGER {trigger}")
    op.execute("ALTER TABLE youth_case DROP COLUMN referred_on")
