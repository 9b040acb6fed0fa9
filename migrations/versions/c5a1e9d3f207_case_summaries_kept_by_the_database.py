"""case summaries kept by the database: how far each case's records are known, and its first hearing held

The recidivism report, the exports and the effects file read both for every case of a cohort.
Computed on the fly, each was an aggregate over a whole table joined back to the cases: over a
state's 200,000 cases the follow-up checks' alone took 0.3 s of the report's 0.8 s. Now two
columns of ``youth_case`` hold them, and triggers keep them current whatever writes a check, a
hearing, a courtroom or a night, on both engines:

- ``checked_until``: the latest completed check that searched some record system;
- ``first_heard_on``: the night of the case's first hearing held.

A later SQLite migration that copies ``follow_up_check``, ``hearing``, ``courtroom`` or
``hearing_night`` (a batch ``recreate``) drops their triggers and must create them again.

Revision ID: c5a1e9d3f207
Revises: b7e5d2c4a901
Create Date: 2026-12-06 20:40:00.000000
"""

# ruff: noqa: S608 - the statements are put together from the constants below; no value comes in

from alembic import op

revision = "c5a1e9d3f207"
down_revision = "b7e5d2c4a901"
branch_labels = None
depends_on = None

CHECKED = (
    "(SELECT max(f.completed_on) FROM follow_up_check f "
    "WHERE f.case_id = {case} AND f.completed_on IS NOT NULL AND f.records_searched <> '')"
)
HEARD = (
    "(SELECT min(n.held_on) FROM hearing h JOIN courtroom c ON c.id = h.courtroom_id "
    "JOIN hearing_night n ON n.id = c.night_id WHERE h.case_id = {case} AND h.outcome = 'held')"
)
CASES_OF_COURTROOM = "SELECT h.case_id FROM hearing h WHERE h.courtroom_id = {courtroom}"
CASES_OF_NIGHT = (
    "SELECT h.case_id FROM hearing h JOIN courtroom c ON c.id = h.courtroom_id WHERE c.night_id = {night}"
)

POSTGRES = (
    # Each recount first locks the case's row, then reads in a statement of its own: two
    # transactions changing one case's checks at once take turns, and the second reads the first's.
    f"""CREATE FUNCTION youth_case_recount(case_key uuid) RETURNS void AS $$
BEGIN
    PERFORM 1 FROM youth_case WHERE id = case_key FOR UPDATE;
    UPDATE youth_case SET checked_until = {CHECKED.format(case="case_key")},
        first_heard_on = {HEARD.format(case="case_key")}
    WHERE id = case_key;
END
$$ LANGUAGE plpgsql""",
    # One function for checks and hearings: a check may belong to a referral (no case).
    """CREATE FUNCTION row_recounts_its_case() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.case_id IS NOT NULL THEN PERFORM youth_case_recount(OLD.case_id); END IF;
    IF TG_OP <> 'DELETE' AND NEW.case_id IS NOT NULL
       AND (TG_OP = 'INSERT' OR NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
        PERFORM youth_case_recount(NEW.case_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER follow_up_check_recounts_case
    AFTER INSERT OR DELETE OR UPDATE OF case_id, completed_on, records_searched ON follow_up_check
    FOR EACH ROW EXECUTE FUNCTION row_recounts_its_case()""",
    """CREATE TRIGGER hearing_recounts_case
    AFTER INSERT OR DELETE OR UPDATE OF case_id, courtroom_id, outcome ON hearing
    FOR EACH ROW EXECUTE FUNCTION row_recounts_its_case()""",
    f"""CREATE FUNCTION courtroom_recounts_cases() RETURNS trigger AS $$
BEGIN
    PERFORM youth_case_recount(case_id) FROM ({CASES_OF_COURTROOM.format(courtroom="NEW.id")}) moved;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER courtroom_recounts_cases AFTER UPDATE OF night_id ON courtroom
    FOR EACH ROW WHEN (NEW.night_id IS DISTINCT FROM OLD.night_id) EXECUTE FUNCTION courtroom_recounts_cases()""",
    f"""CREATE FUNCTION hearing_night_recounts_cases() RETURNS trigger AS $$
BEGIN
    PERFORM youth_case_recount(case_id) FROM ({CASES_OF_NIGHT.format(night="NEW.id")}) moved;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER hearing_night_recounts_cases AFTER UPDATE OF held_on ON hearing_night
    FOR EACH ROW WHEN (NEW.held_on IS DISTINCT FROM OLD.held_on) EXECUTE FUNCTION hearing_night_recounts_cases()""",
)


def _sqlite_recount(cases: str) -> str:
    """The statement recounting the cases ``cases`` (a query) names."""
    return (
        f"UPDATE youth_case SET checked_until = {CHECKED.format(case='youth_case.id')}, "
        f"first_heard_on = {HEARD.format(case='youth_case.id')} WHERE id IN ({cases});"
    )


SQLITE = (
    f"""CREATE TRIGGER follow_up_check_recounts_case_insert AFTER INSERT ON follow_up_check
    WHEN NEW.case_id IS NOT NULL BEGIN {_sqlite_recount("SELECT NEW.case_id")} END""",
    f"""CREATE TRIGGER follow_up_check_recounts_case_update
    AFTER UPDATE OF case_id, completed_on, records_searched ON follow_up_check
    BEGIN {_sqlite_recount("SELECT OLD.case_id")} {_sqlite_recount("SELECT NEW.case_id")} END""",
    f"""CREATE TRIGGER follow_up_check_recounts_case_delete AFTER DELETE ON follow_up_check
    WHEN OLD.case_id IS NOT NULL BEGIN {_sqlite_recount("SELECT OLD.case_id")} END""",
    f"""CREATE TRIGGER hearing_recounts_case_insert AFTER INSERT ON hearing
    BEGIN {_sqlite_recount("SELECT NEW.case_id")} END""",
    f"""CREATE TRIGGER hearing_recounts_case_update AFTER UPDATE OF case_id, courtroom_id, outcome ON hearing
    BEGIN {_sqlite_recount("SELECT OLD.case_id")} {_sqlite_recount("SELECT NEW.case_id")} END""",
    f"""CREATE TRIGGER hearing_recounts_case_delete AFTER DELETE ON hearing
    BEGIN {_sqlite_recount("SELECT OLD.case_id")} END""",
    f"""CREATE TRIGGER courtroom_recounts_cases AFTER UPDATE OF night_id ON courtroom
    WHEN NEW.night_id IS NOT OLD.night_id
    BEGIN {_sqlite_recount(CASES_OF_COURTROOM.format(courtroom="NEW.id"))} END""",
    f"""CREATE TRIGGER hearing_night_recounts_cases AFTER UPDATE OF held_on ON hearing_night
    WHEN NEW.held_on IS NOT OLD.held_on
    BEGIN {_sqlite_recount(CASES_OF_NIGHT.format(night="NEW.id"))} END""",
)

BACKFILL = (
    f"UPDATE youth_case SET checked_until = {CHECKED.format(case='youth_case.id')}, "
    f"first_heard_on = {HEARD.format(case='youth_case.id')}"
)
"""Every case at once, in one statement (also how a bulk load that skipped the triggers catches up)."""

SQLITE_TRIGGERS = (
    "follow_up_check_recounts_case_insert",
    "follow_up_check_recounts_case_update",
    "follow_up_check_recounts_case_delete",
    "hearing_recounts_case_insert",
    "hearing_recounts_case_update",
    "hearing_recounts_case_delete",
    "courtroom_recounts_cases",
    "hearing_night_recounts_cases",
)
POSTGRES_TRIGGERS = (
    ("follow_up_check_recounts_case", "follow_up_check"),
    ("hearing_recounts_case", "hearing"),
    ("courtroom_recounts_cases", "courtroom"),
    ("hearing_night_recounts_cases", "hearing_night"),
)
POSTGRES_FUNCTIONS = (
    "row_recounts_its_case()",
    "courtroom_recounts_cases()",
    "hearing_night_recounts_cases()",
    "youth_case_recount(uuid)",
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # Added in place on both engines: a batch would copy youth_case, which other tables reference.
    op.execute("ALTER TABLE youth_case ADD COLUMN checked_until DATE")
    op.execute("ALTER TABLE youth_case ADD COLUMN first_heard_on DATE")
    op.execute(BACKFILL)
    for statement in POSTGRES if postgres else SQLITE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for trigger, table in POSTGRES_TRIGGERS:
            op.execute(f"DROP TRIGGER {trigger} ON {table}")
        for function in POSTGRES_FUNCTIONS:
            op.execute(f"DROP FUNCTION {function}")
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {trigger}")
    op.execute("ALTER TABLE youth_case DROP COLUMN first_heard_on")
    op.execute("ALTER TABLE youth_case DROP COLUMN checked_until")
