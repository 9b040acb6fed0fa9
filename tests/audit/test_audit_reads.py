"""Every page that shows a youth, a case, a referral or a juror, and every download, is on the audit trail.

The demo program is loaded once per database into a template, so each row of the table runs
against realistic records in a fresh copy. A second test walks the app's own route table: a new
page about a record, or a new download, fails it until it is added to the table (or exempted
with a reason).
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import make_settings
from tests.factories import csrf_token, form_token, make_user, post_form, sign_in_with_form
from youthcourt import demo
from youthcourt.app import create_app
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import CLOSED_STATES, Case, FollowUpCheck
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight
from youthcourt.jurors.models import Juror, OutboxMessage, TrainingSession
from youthcourt.programs.models import Program, Role
from youthcourt.referrals.models import Document, Referral, Youth
from youthcourt.reports.cohort import Cohort, granted_scope, suppression_threshold
from youthcourt.reports.disclosure import publishable_range
from youthcourt.sanctions.models import Sanction
from youthcourt.sites.models import PartnerSite, Placement

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" + b"0" * 2000 + b"\n%%EOF\n"
REPORT_QUERY = "program={program}&referred_from={first_month}&referred_to={last_month}"
RECIDIVISM_QUERY = f"{REPORT_QUERY}&event=arrest&event=charge&anchor=closure&window=6&group=none"
EFFECTS_QUERY = (
    f"{REPORT_QUERY}&event=arrest&anchor=closure&window=12&first=completion:completed"
    "&second=completion:unsuccessful&covariate=age&method=matching"
)


pytestmark = pytest.mark.demo
"""Every test here starts with the demo program (loaded once per run, copied for each test)."""


# The table -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    """A request that shows or hands out a record, and the entry it must leave on the trail.

    ``path`` names records in braces (``{case}``); ``record`` is the one the entry is about.
    """

    path: str
    role: Role
    action: str
    record_type: str | None
    record: str | None
    method: str = "GET"
    form: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path.split('?')[0]}"


COORDINATOR, EVALUATOR, ADMIN = Role.COORDINATOR, Role.EVALUATOR, Role.PROGRAM_ADMIN
READS = [
    # A youth's record and a referral.
    Read(
        "/referrals/youth-section",
        COORDINATOR,
        "youth_view",
        "youth",
        "youth",
        "POST",
        {"youth_id": "{youth}"},
    ),
    Read("/referrals/{referral}", COORDINATOR, "referral_view", "referral", "referral"),
    Read(
        "/referrals/{referral}/documents/{document}", COORDINATOR, "document_download", "document", "document"
    ),
    # A case and each of its pages.
    Read("/cases/{case}", COORDINATOR, "case_view", "case", "case"),
    Read("/cases/{case}/intake", COORDINATOR, "case_view", "case", "case"),
    Read("/cases/{case}/disposition", COORDINATOR, "disposition_form_view", "case", "case"),
    Read("/cases/{case}/closure", COORDINATOR, "closure_form_view", "case", "case"),
    Read("/cases/{case}/letter", COORDINATOR, "letter_view", "case", "case"),
    Read("/cases/{case}/outcome-events", COORDINATOR, "outcome_events_view", "case", "case"),
    Read("/cases/{case}/family-links", COORDINATOR, "family_links_view", "case", "case"),
    Read("/sanctions/{sanction}", COORDINATOR, "sanction_view", "sanction", "sanction"),
    Read(
        "/sanctions/{placed_sanction}/placement",
        COORDINATOR,
        "sanction_placement_view",
        "sanction",
        "placed_sanction",
    ),
    Read("/sites/{site}", ADMIN, "partner_site_view", "partner_site", "site"),
    Read("/follow-ups/{check}", ADMIN, "follow_up_check_view", "follow_up_check", "check"),
    # Hearings, where cases are named.
    Read("/hearings/{night}", COORDINATOR, "hearing_night_view", "hearing_night", "night"),
    Read(
        "/hearings/{night}/courtrooms/{courtroom}/docket",
        COORDINATOR,
        "docket_view",
        "courtroom",
        "courtroom",
    ),
    Read("/hearings/slots/{hearing}", COORDINATOR, "hearing_view", "hearing", "hearing"),
    Read("/hearings/slots/{hearing}/notice", COORDINATOR, "hearing_notice_view", "hearing", "hearing"),
    Read("/hearings/slots/{hearing}/investigation", COORDINATOR, "investigation_view", "hearing", "hearing"),
    # A juror's record, and the pages that list jurors by name.
    Read("/jurors", COORDINATOR, "juror_list", "juror", None),
    Read("/jurors/{juror}", COORDINATOR, "juror_view", "juror", "juror"),
    Read("/jurors/{juror}/edit", COORDINATOR, "juror_view", "juror", "juror"),
    Read("/jurors/{juror}/credits", COORDINATOR, "juror_credits_view", "juror", "juror"),
    Read("/cases/{case}/surveys", COORDINATOR, "case_surveys_view", "case", "case"),
    Read("/hearings/{night}/surveys", COORDINATOR, "night_surveys_view", "hearing_night", "night"),
    Read("/jurors/nights/{night}", COORDINATOR, "juror_night_view", "hearing_night", "night"),
    Read("/jurors/nights/{night}/panels", COORDINATOR, "juror_panel_view", "hearing_night", "night"),
    Read("/jurors/nights/{night}/check-in", COORDINATOR, "juror_checkin_view", "hearing_night", "night"),
    Read("/jurors/training/{training}", COORDINATOR, "training_view", "training_session", "training"),
    Read("/jurors/outbox/{message}", COORDINATOR, "outbox_message_view", "outbox_message", "message"),
    Read("/jurors/reports", COORDINATOR, "juror_report_view", "juror_report", None),
    # Downloads and exports.
    Read("/reports/measures.csv?start=2025-01&end=2025-03", ADMIN, "measures.exported", "measures", None),
    Read(f"/reports/effects?{EFFECTS_QUERY}", EVALUATOR, "report.viewed", None, None),
    Read(f"/reports/recidivism/groups.csv?{RECIDIVISM_QUERY}", EVALUATOR, "report.downloaded", None, None),
    Read(f"/reports/recidivism/curves.csv?{RECIDIVISM_QUERY}", EVALUATOR, "report.downloaded", None, None),
    Read(f"/reports/recidivism/analysis.csv?{RECIDIVISM_QUERY}", EVALUATOR, "report.downloaded", None, None),
    Read(
        f"/reports/recidivism/analysis.parquet?{RECIDIVISM_QUERY}", EVALUATOR, "report.downloaded", None, None
    ),
    Read(
        f"/reports/exports/download?{REPORT_QUERY}&dates=shift&format=csv",
        EVALUATOR,
        "cases.exported",
        "case_export",
        None,
    ),
    Read(
        f"/reports/exports/download?{REPORT_QUERY}&kind=events&dates=shift&format=csv",
        EVALUATOR,
        "events.exported",
        "event_export",
        None,
    ),
    Read(
        f"/reports/exports/download?{REPORT_QUERY}&kind=comparison&dates=shift&format=parquet",
        EVALUATOR,
        "comparison.exported",
        "comparison_export",
        None,
    ),
    Read(
        f"/reports/exports/preview?{REPORT_QUERY}&kind=cases&dates=month&format=csv",
        EVALUATOR,
        "export.previewed",
        "case_export",
        None,
    ),
    Read("/audit/export", ADMIN, "audit_export", "audit_entry", None),
]

EXEMPT = {
    "/imports/{record_import_id:uuid}": "an upload's counts and status; its rows are never shown back",
    "/imports/{record_import_id:uuid}/mapping": "the file's column headings, no row of it",
    "/imports/{record_import_id:uuid}/preview": "problems by row number and column, never a name or a birth date",
    "/imports/samples/cases.csv": "a made-up example file, no record",
    "/imports/samples/jurors.csv": "a made-up example file, no record",
    "/coproduction/{assessment_id:uuid}": "the program's own self-assessment: scores, staff comments and program-wide counts, no youth",
    "/coproduction/{assessment_id:uuid}/edit": "the program's own self-assessment, no youth",
    "/coproduction/{assessment_id:uuid}/print": "the program's own self-assessment, printed for its board, no youth",
    "/sites/{site_id:uuid}/edit": "a partner site's details, no youth",
    "/link/{token:str}/survey": "opened by whoever answers a survey, without an account; audited with the link as the actor (tests/surveys)",
    "/surveys/questions/{kind:str}": "a survey's questions, no person",
    "/link/{token:str}/hours": "opened by a site's supervisor without an account; audited with the link as the actor (tests/sites)",
    "/api/v1/referrals/{referral_id:uuid}": "the partner API takes keys, not sessions: its reads are "
    "audited as api_referral_status (tests/api/test_partner_api.py)",
    "/api/v1/schema/{path:str}": "the partner API's documentation files, no record",
    "/link/{token:str}/my-page": "opened by the youth without an account; audited with the link as the actor (tests/respondents)",
    "/link/{token:str}/family-page": "opened by a guardian without an account; audited with the link as the actor (tests/respondents)",
    "/calendar/{feed:str}": "a juror's own calendar app polls it; it holds only the juror's own nights",
    "/follow-ups/{check_id:uuid}/event-row": "an empty form row, no record",
    "/hearings/{night_id:uuid}/edit": "the night's date and place, no case or person",
    "/jurors/rewards/{reward_id:uuid}": "a reward in the catalogue, no person",
    "/me/nights/{booking_id:uuid}": "the juror's own booking; the case facts shown there are audited by the portal",
    "/reference/factors/{factor_id:uuid}": "reference data",
    "/reference/offenses/{offense_id:uuid}": "reference data",
    "/reference/sources/{source_id:uuid}": "reference data",
    "/admin/users/{user_id:uuid}": "a staff account, not a youth's or juror's record",
    "/admin/programs/{program_id:uuid}": "a program's name, short name and time zone, no person",
    "/reports/comparison/example.csv": "a made-up example file, no record",
    "/reports/exports/dictionary.csv": "the data dictionary, no record",
    "/cases/{case_id:uuid}/sealed": "a sealed case's cover: its number and dates, no youth (opening it is audited)",
    "/cases/{case_id:uuid}/seal": "the confirmation form: case number and state, no youth",
    "/cases/{case_id:uuid}/expunge": "the confirmation form: case number and state, no youth",
}


def _route_key(path: str) -> str:
    """``/cases/{case_id:uuid}/intake`` and ``/cases/{case}/intake`` both become ``/cases/{}/intake``."""
    parts = path.split("?")[0].rstrip("/").split("/")
    return "/".join("{}" if part.startswith("{") else part for part in parts)


def test_every_record_page_and_download_is_in_the_table(tmp_path: Path) -> None:
    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}", tmp_path))
    covered = {_route_key(read.path) for read in READS} | {_route_key(path) for path in EXEMPT}
    missing = []
    for route in app.routes:
        methods = {m for handler in getattr(route, "route_handlers", []) for m in handler.http_methods}
        shows_a_record = "{" in route.path and not route.path.startswith("/static")
        is_download = route.path.endswith((".csv", ".parquet", "/download", "/export"))
        if "GET" in methods and (shows_a_record or is_download) and _route_key(route.path) not in covered:
            missing.append(route.path)
    assert missing == [], f"add these to READS (or EXEMPT, with the reason): {missing}"


# Records of the demo program that the paths name ------------------------------------------------------


async def _first(db: AsyncSession, query: Any) -> Any:
    found = await db.scalar(query.limit(1))
    assert found is not None, f"the demo data has no row for {query}"
    return found


async def demo_records(db: AsyncSession) -> dict[str, Any]:
    program = await _first(db, select(Program).where(Program.slug == demo.DEMO_PROGRAM_SLUG))
    case = await _first(
        db,
        select(Case)
        .where(Case.state.in_(CLOSED_STATES), Case.sealed_at.is_(None))
        .join(Sanction, Sanction.case_id == Case.id)
        .join(FollowUpCheck, FollowUpCheck.case_id == Case.id)
        .order_by(Case.number),
    )
    hearing = await _first(db, select(Hearing).where(Hearing.case_id == case.id))
    courtroom = await db.get(Courtroom, hearing.courtroom_id)
    return {
        "program": program,
        "case": case,
        "youth": await db.get(Youth, case.youth_id),
        "referral": await db.get(Referral, case.referral_id),
        "sanction": await _first(db, select(Sanction).where(Sanction.case_id == case.id)),
        "check": await _first(db, select(FollowUpCheck).where(FollowUpCheck.case_id == case.id)),
        "hearing": hearing,
        "courtroom": courtroom,
        "night": await db.get(HearingNight, courtroom.night_id),
        "juror": await _first(db, select(Juror).order_by(Juror.last_name)),
        "training": await _first(db, select(TrainingSession)),
        "message": await _first(db, select(OutboxMessage)),
        "site": await _first(db, select(PartnerSite).join(Placement, Placement.site_id == PartnerSite.id)),
        "placed_sanction": await _first(
            db, select(Sanction).join(Placement, Placement.sanction_id == Sanction.id)
        ),
    }


async def upload_document(client: Any, referral: Referral, db: AsyncSession) -> Document:
    await form_token(client, f"/referrals/{referral.id}")
    response = await client.post(
        f"/referrals/{referral.id}/documents",
        data={"title": "Police report", "_csrf_token": csrf_token(client)},
        files={"file": ("report.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return await _first(db, select(Document).where(Document.referral_id == referral.id))


async def publishable_months(db: AsyncSession, program: Program) -> tuple[str, str]:
    """A range of the demo's referrals whose first and last months may be published."""
    last_ended = datetime.date.today().replace(day=1) - datetime.timedelta(days=1)
    cohort = Cohort((program.id,), datetime.date(2020, 1, 1), last_ended)
    with granted_scope(cohort):
        first, last = await publishable_range(db, cohort, await suppression_threshold(db, cohort))
    return f"{first:%Y-%m}", f"{last:%Y-%m}"


def fill(template: str, records: dict[str, Any]) -> str:
    values = {name: getattr(record, "id", record) for name, record in records.items()}
    return template.format(**values)


@pytest.mark.parametrize("read", READS, ids=[read.id for read in READS])
async def test_the_read_is_on_the_audit_trail(client, db, read: Read) -> None:
    records = await demo_records(db)
    program, youth = records["program"], records["youth"]
    records["first_month"], records["last_month"] = await publishable_months(db, program)
    user = await make_user(db, program, read.role)
    assert (await sign_in_with_form(client, user)).status_code == 303
    if "{document}" in read.path:
        records["document"] = await upload_document(client, records["referral"], db)
    path = fill(read.path, records)

    if read.method == "POST":
        response = await post_form(client, path, {k: fill(v, records) for k, v in read.form.items()})
    else:
        response = await client.get(path, follow_redirects=False)

    assert response.status_code == 200, (response.headers.get("location"), response.text[:500])
    entries = (
        await db.scalars(
            select(AuditEntry).where(AuditEntry.actor_id == user.id, AuditEntry.action == read.action)
        )
    ).all()
    expected_id = str(records[read.record].id) if read.record else None
    matching = [e for e in entries if e.record_type == read.record_type and e.record_id == expected_id]
    assert matching, (
        f"no {read.action} entry for {read.record_type} {expected_id}: {[vars(e) for e in entries]}"
    )
    entry = matching[0]
    assert entry.outcome == "success" and entry.program_id == program.id
    details = json.dumps(entry.details)
    for name in (youth.first_name, youth.last_name, user.full_name, user.email):
        assert name not in details
