"""the youth's age on the day of each referral, kept by the database

The recidivism report grouped by age band joined every case's youth to compute the age at
referral: over a state's 200,000 cases the join and the arithmetic took half a second of the
report's 1.1 s. ``referral.youth_age`` (whole years from the youth's birth date to the day the
referral was received) is now kept by triggers on both engines: a referral written, received on
another day or moved to another youth; a youth's birth date corrected (sealing moves a birth
date too, keeping every age at referral as it was).

A later SQLite migration that copies ``referral`` or ``youth`` (a batch ``recreate``) drops their
triggers and must create them again.

Revision ID: d8b3f1a5c926
Revises: c5a1e9d3f207
Create Date: 2026-12-06 23:00:00.000000
"""

# ruff: noqa: S608 - the statements are put together from the constants below; no value comes in

from alembic import op

revision = "d8b3f1a5c926"
down_revision = "c5a1e9d3f207"
branch_labels = None
depends_on = None

POSTGRES_AGE = "CAST(date_part('year', age({day}, {birth})) AS INTEGER)"
SQLITE_AGE = (
    "(CAST(strftime('%Y', {day}) AS INTEGER) - CAST(strftime('%Y', {birth}) AS INTEGER)"
    " - (strftime('%m-%d', {day}) < strftime('%m-%d', {birth})))"
)

POSTGRES = (
    f"""CREATE FUNCTION referral_takes_youth_age() RETURNS trigger AS $$
BEGIN
    NEW.youth_age := (SELECT {POSTGRES_AGE.format(day="NEW.received_on", birth="y.date_of_birth")}
                      FROM youth y WHERE y.id = NEW.youth_id);
    RETURN NEW;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER referral_takes_youth_age BEFORE INSERT OR UPDATE OF received_on, youth_id ON referral
    FOR EACH ROW EXECUTE FUNCTION referral_takes_youth_age()""",
    f"""CREATE FUNCTION youth_ages_its_referrals() RETURNS trigger AS $$
BEGIN
    UPDATE referral SET youth_age = {POSTGRES_AGE.format(day="received_on", birth="NEW.date_of_birth")}
    WHERE youth_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER youth_ages_its_referrals AFTER UPDATE OF date_of_birth ON youth
    FOR EACH ROW WHEN (NEW.date_of_birth IS DISTINCT FROM OLD.date_of_birth)
    EXECUTE FUNCTION youth_ages_its_referrals()""",
)

_SQLITE_REFERRAL_AGE = (
    "UPDATE referral SET youth_age = (SELECT "
    + SQLITE_AGE.format(day="NEW.received_on", birth="y.date_of_birth")
    + " FROM youth y WHERE y.id = NEW.youth_id) WHERE id = NEW.id;"
)
SQLITE = (
    f"CREATE TRIGGER referral_takes_youth_age_insert AFTER INSERT ON referral BEGIN {_SQLITE_REFERRAL_AGE} END",
    f"""CREATE TRIGGER referral_takes_youth_age_update AFTER UPDATE OF received_on, youth_id ON referral
    BEGIN {_SQLITE_REFERRAL_AGE} END""",
    f"""CREATE TRIGGER youth_ages_its_referrals AFTER UPDATE OF date_of_birth ON youth
    WHEN NEW.date_of_birth IS NOT OLD.date_of_birth
    BEGIN UPDATE referral SET youth_age = {SQLITE_AGE.format(day="received_on", birth="NEW.date_of_birth")}
    WHERE youth_id = NEW.id; END""",
)

BACKFILL = "UPDATE referral SET youth_age = (SELECT {age} FROM youth y WHERE y.id = referral.youth_id)"
"""Every referral at once (also how a bulk load that skipped the triggers catches up)."""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # Added in place on both engines: a batch would copy referral, which other tables reference.
    op.execute("ALTER TABLE referral ADD COLUMN youth_age INTEGER")
    age = POSTGRES_AGE if postgres else SQLITE_AGE
    op.execute(BACKFILL.format(age=age.format(day="referral.received_on", birth="y.date_of_birth")))
    for statement in POSTGRES if postgres else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER youth_ages_its_referrals ON youth")
        op.execute("DROP TRIGGER referral_takes_youth_age ON referral")
        op.execute("DROP FUNCTION youth_ages_its_referrals()")
        op.execute("DROP FUNCTION referral_takes_youth_age()")
    else:
        for trigger in (
            "youth_ages_its_referrals",
            "referral_takes_youth_age_update",
            "referral_takes_youth_age_insert",
        ):
            op.execute(f"DROP TRIGGER {trigger}")
    op.execute("ALTER TABLE referral DROP COLUMN youth_age")
