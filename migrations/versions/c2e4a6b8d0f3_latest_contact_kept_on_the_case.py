"""each case holds its latest logged contact with the family, kept by the database

The dashboard's families to contact test every open case's latest logged contact: looked up in
the log for each of a statewide program's 437 open cases, 2.5 ms of PostgreSQL's work a view.
``youth_case.contacted_until`` holds it, kept by triggers on both engines whatever writes a
contact (logged, moved to another case, redated, deleted), and the index of the open cases holds
it too, so the panel reads that index alone.

The recount of a case's checks and hearings now locks the case FOR NO KEY UPDATE, as the new one
does: FOR UPDATE waited on the lock each writer's foreign key takes, and two writers deadlocked.

Revision ID: c2e4a6b8d0f3
Revises: b1d3f5a7c9e2
Create Date: 2026-12-07 19:40:00.000000
"""

# ruff: noqa: S608 - the statements are put together from the constants below; no value comes in

from alembic import op
from sqlalchemy import text

revision = "c2e4a6b8d0f3"
down_revision = "b1d3f5a7c9e2"
branch_labels = None
depends_on = None

LATEST = "(SELECT max(l.contacted_on) FROM contact_log l WHERE l.case_id = {case})"
CHECKED = (
    "(SELECT max(f.completed_on) FROM follow_up_check f "
    "WHERE f.case_id = case_key AND f.completed_on IS NOT NULL AND f.records_searched <> '')"
)
HEARD = (
    "(SELECT min(n.held_on) FROM hearing h JOIN courtroom c ON c.id = h.courtroom_id "
    "JOIN hearing_night n ON n.id = c.night_id WHERE h.case_id = case_key AND h.outcome = 'held')"
)
RECOUNT = (
    "CREATE OR REPLACE FUNCTION youth_case_recount(case_key uuid) RETURNS void AS $$\n"
    "BEGIN\n"
    "    PERFORM 1 FROM youth_case WHERE id = case_key {lock};\n"
    f"    UPDATE youth_case SET checked_until = {CHECKED}, first_heard_on = {HEARD} WHERE id = case_key;\n"
    "END\n"
    "$$ LANGUAGE plpgsql"
)
"""The recount of a case's checks and hearings, as migration ``c5a1e9d3f207`` made it, with its lock."""
OPEN = "closed_on IS NULL AND sealed_at IS NULL"
OPEN_COLUMNS = ["id", "youth_id", "referral_id", "number", "state"]

POSTGRES = (
    # The case's row is locked first, then its contacts read in a statement of their own: two
    # transactions logging contacts on one case take turns, and the second reads the first's. The
    # lock is FOR NO KEY UPDATE: each transaction holds the row FOR KEY SHARE already, from its new
    # row's foreign key, and FOR UPDATE waits on that lock, so two contacts logged at once on one
    # case each waited for the other (a deadlock, and one of them lost).
    f"""CREATE FUNCTION youth_case_recount_contacts(case_key uuid) RETURNS void AS $$
BEGIN
    PERFORM 1 FROM youth_case WHERE id = case_key FOR NO KEY UPDATE;
    UPDATE youth_case SET contacted_until = {LATEST.format(case="case_key")} WHERE id = case_key;
END
$$ LANGUAGE plpgsql""",
    """CREATE FUNCTION contact_recounts_its_case() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM youth_case_recount_contacts(OLD.case_id); END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.case_id IS DISTINCT FROM OLD.case_id) THEN
        PERFORM youth_case_recount_contacts(NEW.case_id);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER contact_log_recounts_case AFTER INSERT OR DELETE OR UPDATE OF case_id, contacted_on
    ON contact_log FOR EACH ROW EXECUTE FUNCTION contact_recounts_its_case()""",
    # The recount of checks and hearings (migration c5a1e9d3f207) took the same lock FOR UPDATE:
    # two checks or hearings written at once for one case could deadlock the same way.
    RECOUNT.format(lock="FOR NO KEY UPDATE"),
)


def _sqlite_recount(case: str) -> str:
    return f"UPDATE youth_case SET contacted_until = {LATEST.format(case='youth_case.id')} WHERE id = {case};"


SQLITE = (
    f"""CREATE TRIGGER contact_log_recounts_case_insert AFTER INSERT ON contact_log
    BEGIN {_sqlite_recount("NEW.case_id")} END""",
    f"""CREATE TRIGGER contact_log_recounts_case_update AFTER UPDATE OF case_id, contacted_on ON contact_log
    BEGIN {_sqlite_recount("OLD.case_id")} {_sqlite_recount("NEW.case_id")} END""",
    f"""CREATE TRIGGER contact_log_recounts_case_delete AFTER DELETE ON contact_log
    BEGIN {_sqlite_recount("OLD.case_id")} END""",
)
SQLITE_TRIGGERS = (
    "contact_log_recounts_case_insert",
    "contact_log_recounts_case_update",
    "contact_log_recounts_case_delete",
)


def _open_index(columns: list[str]) -> None:
    op.create_index(
        "ix_youth_case_open",
        "youth_case",
        ["program_id", "opened_on"],
        postgresql_include=columns,
        postgresql_where=text(OPEN),
        sqlite_where=text(OPEN),
    )


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # Added in place on both engines: a batch would copy youth_case, which other tables reference.
    op.execute("ALTER TABLE youth_case ADD COLUMN contacted_until DATE")
    op.execute(f"UPDATE youth_case SET contacted_until = {LATEST.format(case='youth_case.id')}")
    for statement in POSTGRES if postgres else SQLITE:
        op.execute(statement)
    op.drop_index("ix_youth_case_open", table_name="youth_case")
    _open_index([*OPEN_COLUMNS, "contacted_until"])


def downgrade() -> None:
    op.drop_index("ix_youth_case_open", table_name="youth_case")
    _open_index(OPEN_COLUMNS)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(RECOUNT.format(lock="FOR UPDATE"))
        op.execute("DROP TRIGGER contact_log_recounts_case ON contact_log")
        op.execute("DROP FUNCTION contact_recounts_its_case()")
        op.execute("DROP FUNCTION youth_case_recount_contacts(uuid)")
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {trigger}")
    op.execute("ALTER TABLE youth_case DROP COLUMN contacted_until")
