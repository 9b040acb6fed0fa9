"""Who may reach which route, read from the app's own route table.

Every route and method of the app must have an entry in :data:`ACCESS`, the one table of
expectations; a route added later without an entry fails :func:`test_every_route_has_an_expectation`
with its name. Each role then walks every route with real ids of its own program:

* **deny** is a redirect to the sign-in page (or 401) for an anonymous visitor, and 403 or 404
  for a signed-in user without the role; a 403 must be the role check, not a CSRF refusal (every
  POST carries a valid token and an empty form, so a deny has to come before any validation);
* **allow** is, for a GET, a 200, a redirect that is not to the sign-in page, or a 422 (a report
  that reads its options from the query answers an address without them with its form and its
  errors); the record ids are real, so a 404 would mean the page is broken for the role it
  serves. For a POST, allow is any answer an empty form can get from a handler that let the user
  in: 200, a redirect that is not to the sign-in page, 400, 404 (an empty or unknown choice, say
  of a program), 409 (the record is not in a state for that action) or 422 (the form's errors).
  401, 403, 405 and 5xx are never an allow. Only the methods the route table lists are sent, so
  a 405 is never expected either.

Then users of a second program, a second juror, a sealed case, and the field-level rules of the
juror portal and the evaluator's workspace are checked against the same data. HEAD and OPTIONS
are left out: Litestar answers them itself from the GET handler and the route table.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

import httpx
import pytest
from litestar.routes import HTTPRoute
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from tests.conftest import make_settings
from tests.documents import keep
from tests.factories import (
    make_case,
    make_program,
    make_referral,
    make_user,
    make_youth,
    post_form,
    sign_in_with_form,
)
from youthcourt.accounts.models import User
from youthcourt.accounts.sessions import hash_token
from youthcourt.app import create_app
from youthcourt.cases.models import CaseState, FollowUpCheck, ImportKind, RecordImport
from youthcourt.coproduction.models import Answer, SelfAssessment
from youthcourt.coproduction.questions import Element
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight
from youthcourt.imports.models import ImportMapping
from youthcourt.jurors import calendar
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    ConflictDeclaration,
    CourtRole,
    CreditEntry,
    CreditKind,
    Juror,
    JurorSource,
    JurorStatus,
    NightNotice,
    OutboxMessage,
    Qualification,
    Reward,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.partners import keys
from youthcourt.partners.models import ApiKey
from youthcourt.private_links import links as private_links
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.programs.viewer import today_in
from youthcourt.reference.models import Factor, Offense, ReferralSource, SanctionType, SourceKind
from youthcourt.referrals.models import Document, Guardian
from youthcourt.reports.models import ComparisonImport
from youthcourt.respondents import services as respondent_services
from youthcourt.sanctions.models import Disposition, Sanction
from youthcourt.settings import Settings
from youthcourt.sites import services as site_services
from youthcourt.sites.models import PartnerSite, Placement, SiteWork
from youthcourt.surveys import services as survey_services
from youthcourt.surveys.models import Channel, Occasion, SurveyInvitation, SurveyKind
from youthcourt.web.errors import CSRF_EXPLANATION

# Roles ---------------------------------------------------------------------------------------------

ANONYMOUS = "anonymous"
JUROR = "juror"
EVALUATOR = "evaluator"
COORDINATOR = "coordinator"
PROGRAM_ADMIN = "program_admin"
SITE_ADMIN = "site_admin"
ROLES = (ANONYMOUS, JUROR, EVALUATOR, COORDINATOR, PROGRAM_ADMIN, SITE_ADMIN)
PROGRAM_ROLES = {
    JUROR: Role.JUROR,
    EVALUATOR: Role.EVALUATOR,
    COORDINATOR: Role.COORDINATOR,
    PROGRAM_ADMIN: Role.PROGRAM_ADMIN,
}
"""The roles held in one program; a site administrator holds none and acts as the program's admin."""

# Rules: who may reach a route ---------------------------------------------------------------------

PUBLIC = frozenset(ROLES)
"""Anyone, signed in or not: sign-in, health, static files, the secret calendar feed."""
SIGNED_IN = frozenset(ROLES) - {ANONYMOUS}
"""Anyone signed in: their own account and the home redirect."""
CASEWORK = frozenset({COORDINATOR})
"""Coordinators only: youth, referrals, cases, hearings, sanctions and jurors' records."""
STAFF = frozenset({COORDINATOR, PROGRAM_ADMIN, SITE_ADMIN})
"""Coordinators and admins: the follow-up checks of closed cases."""
ADMIN = frozenset({PROGRAM_ADMIN, SITE_ADMIN})
"""Program admins (site admins act as one): users, reference data, the audit trail."""
SITE_ADMIN_ONLY = frozenset({SITE_ADMIN})
"""Site administrators only: the programs of the deployment."""
EVALUATOR_WORKSPACE = frozenset({EVALUATOR})
"""Evaluators only: de-identified reports, exports and comparison groups."""
PROGRAM_MEASURES = frozenset({EVALUATOR, COORDINATOR, PROGRAM_ADMIN, SITE_ADMIN})
"""The program's operational measures (aggregates only), for grant reports."""
JUROR_PORTAL = frozenset({JUROR})
"""A juror's own nights, service, credits and training."""
PARTNER_KEY: frozenset[str] = frozenset()
"""The partner API: a source agency's API key and nothing else. A session, whatever its role, gets
401 (see :func:`refused`); what keys reach is walked by the partner tests below."""

ACCESS: dict[str, frozenset[str]] = {
    # Public pages and the sign-in flow
    "/static/{file_path:path}": PUBLIC,
    "/favicon.ico": PUBLIC,
    "/health": PUBLIC,
    "/login": PUBLIC,
    "/logout": PUBLIC,
    "/calendar/{feed:str}": PUBLIC,
    "/link/{token:str}/hours": PUBLIC,
    "/api/v1/schema": PUBLIC,
    "/api/v1/schema/openapi.json": PUBLIC,
    "/api/v1/schema/{path:str}": PUBLIC,
    "/link/{token:str}/my-page": PUBLIC,
    "/link/{token:str}/family-page": PUBLIC,
    "/link/{token:str}/survey": PUBLIC,
    # Everyone's own account
    "/": SIGNED_IN,
    "/logout/everywhere": SIGNED_IN,
    "/account/password": SIGNED_IN,
    "/account/language": SIGNED_IN,
    "/account/program": SIGNED_IN,
    "/login/code": SIGNED_IN,
    "/account/mfa": SIGNED_IN,
    "/account/mfa/setup": SIGNED_IN,
    "/account/mfa/disable": SIGNED_IN,
    "/account/mfa/recovery-codes": SIGNED_IN,
    # Program administration
    "/admin/users": ADMIN,
    "/admin/users/search": ADMIN,
    "/admin/users/new": ADMIN,
    "/admin/users/{user_id:uuid}": ADMIN,
    "/admin/users/{user_id:uuid}/role": ADMIN,
    "/admin/users/{user_id:uuid}/password-reset": ADMIN,
    "/admin/users/{user_id:uuid}/active": ADMIN,
    "/admin/users/{user_id:uuid}/unlock": ADMIN,
    "/admin/users/{user_id:uuid}/mfa-reset": ADMIN,
    "/audit": ADMIN,
    "/audit/search": ADMIN,
    "/audit/export": ADMIN,
    "/reference": ADMIN,
    "/imports": ADMIN,
    "/imports/samples/cases.csv": ADMIN,
    "/imports/samples/jurors.csv": ADMIN,
    "/imports/{record_import_id:uuid}": ADMIN,
    "/imports/{record_import_id:uuid}/mapping": ADMIN,
    "/imports/{record_import_id:uuid}/preview": ADMIN,
    "/imports/{record_import_id:uuid}/run": ADMIN,
    "/imports/{record_import_id:uuid}/discard": ADMIN,
    "/imports/mappings/{mapping_id:uuid}/forget": ADMIN,
    "/reference/sources": ADMIN,
    "/reference/sources/new": ADMIN,
    "/reference/sources/{source_id:uuid}": ADMIN,
    "/reference/sources/{source_id:uuid}/active": ADMIN,
    "/reference/offenses": ADMIN,
    "/reference/offenses/new": ADMIN,
    "/reference/offenses/{offense_id:uuid}": ADMIN,
    "/reference/offenses/{offense_id:uuid}/active": ADMIN,
    "/reference/grid": ADMIN,
    "/reference/factors": ADMIN,
    "/reference/factors/{factor_id:uuid}": ADMIN,
    "/reference/factors/{factor_id:uuid}/active": ADMIN,
    "/reference/policy": ADMIN,
    "/reference/api-keys": ADMIN,
    "/reference/api-keys/{key_id:uuid}/revoke": ADMIN,
    # The deployment
    "/admin/programs": SITE_ADMIN_ONLY,
    "/admin/programs/{program_id:uuid}": SITE_ADMIN_ONLY,
    # Referrals and cases
    "/dashboard": CASEWORK,
    "/dashboard/families-to-contact": CASEWORK,
    "/referrals": CASEWORK,
    "/referrals/new": CASEWORK,
    "/referrals/youth-matches": CASEWORK,
    "/referrals/youth-section": CASEWORK,
    "/referrals/{referral_id:uuid}": CASEWORK,
    "/referrals/{referral_id:uuid}/accept": CASEWORK,
    "/referrals/{referral_id:uuid}/decline": CASEWORK,
    "/referrals/{referral_id:uuid}/return": CASEWORK,
    "/referrals/{referral_id:uuid}/family-contact": CASEWORK,
    "/referrals/{referral_id:uuid}/documents": CASEWORK,
    "/referrals/{referral_id:uuid}/documents/{document_id:uuid}": CASEWORK,
    "/cases": CASEWORK,
    "/cases/search": CASEWORK,
    "/cases/{case_id:uuid}": CASEWORK,
    "/cases/{case_id:uuid}/intake": CASEWORK,
    "/cases/{case_id:uuid}/intake/complete": CASEWORK,
    "/cases/{case_id:uuid}/contacts": CASEWORK,
    "/cases/{case_id:uuid}/notes": CASEWORK,
    "/cases/{case_id:uuid}/disposition": CASEWORK,
    "/cases/{case_id:uuid}/closure": CASEWORK,
    "/cases/{case_id:uuid}/family-links": CASEWORK,
    "/cases/{case_id:uuid}/family-links/{link_id:uuid}/revoke": CASEWORK,
    "/cases/{case_id:uuid}/letter": CASEWORK,
    # Sealing and expungement
    "/cases/{case_id:uuid}/seal": STAFF,
    "/cases/{case_id:uuid}/sealed": STAFF,
    "/cases/{case_id:uuid}/open": STAFF,
    "/cases/{case_id:uuid}/unseal": ADMIN,
    "/cases/{case_id:uuid}/expunge": ADMIN,
    "/sealed-cases": ADMIN,
    # Hearings and sanctions
    "/hearings": CASEWORK,
    "/hearings/new": CASEWORK,
    "/hearings/{night_id:uuid}": CASEWORK,
    "/hearings/{night_id:uuid}/edit": CASEWORK,
    "/hearings/{night_id:uuid}/cancel": CASEWORK,
    "/hearings/{night_id:uuid}/schedule": CASEWORK,
    "/hearings/{night_id:uuid}/cases": CASEWORK,
    "/hearings/{night_id:uuid}/courtrooms/{courtroom_id:uuid}/docket": CASEWORK,
    "/hearings/slots/{hearing_id:uuid}": CASEWORK,
    "/hearings/slots/{hearing_id:uuid}/investigation": CASEWORK,
    "/hearings/slots/{hearing_id:uuid}/notice": CASEWORK,
    "/hearings/slots/{hearing_id:uuid}/outcome": CASEWORK,
    "/hearings/slots/{hearing_id:uuid}/remove": CASEWORK,
    "/sanctions": CASEWORK,
    "/sanctions/{sanction_id:uuid}": CASEWORK,
    "/sanctions/{sanction_id:uuid}/progress": CASEWORK,
    "/sanctions/{sanction_id:uuid}/status": CASEWORK,
    "/sanctions/{sanction_id:uuid}/extension": CASEWORK,
    "/sanctions/{sanction_id:uuid}/placement": CASEWORK,
    "/sanctions/{sanction_id:uuid}/placement/links": CASEWORK,
    "/sanctions/{sanction_id:uuid}/placement/links/{link_id:uuid}/revoke": CASEWORK,
    # Partner sites
    "/sites": STAFF,
    "/sites/new": STAFF,
    "/sites/{site_id:uuid}": STAFF,
    "/sites/{site_id:uuid}/edit": STAFF,
    "/sites/{site_id:uuid}/active": STAFF,
    # Surveys: offered by coordinators, questions kept by staff, results for evaluators too
    "/cases/{case_id:uuid}/surveys": CASEWORK,
    "/cases/{case_id:uuid}/surveys/{invitation_id:uuid}/revoke": CASEWORK,
    "/hearings/{night_id:uuid}/surveys": CASEWORK,
    "/hearings/{night_id:uuid}/surveys/{invitation_id:uuid}/revoke": CASEWORK,
    "/surveys": PROGRAM_MEASURES,
    "/surveys/questions": STAFF,
    "/surveys/questions/{kind:str}": STAFF,
    # Follow-up after closure
    "/follow-ups": STAFF,
    "/follow-ups/{check_id:uuid}": STAFF,
    "/follow-ups/{check_id:uuid}/event-row": STAFF,
    "/cases/{case_id:uuid}/outcome-events": STAFF,
    # The juror program, run by coordinators
    "/jurors": CASEWORK,
    "/jurors/search": CASEWORK,
    "/jurors/new": CASEWORK,
    "/jurors/{juror_id:uuid}": CASEWORK,
    "/jurors/{juror_id:uuid}/edit": CASEWORK,
    "/jurors/{juror_id:uuid}/status": CASEWORK,
    "/jurors/{juror_id:uuid}/oath": CASEWORK,
    "/jurors/{juror_id:uuid}/portal": CASEWORK,
    "/jurors/{juror_id:uuid}/portal/password": CASEWORK,
    "/jurors/{juror_id:uuid}/qualifications": CASEWORK,
    "/jurors/{juror_id:uuid}/conflicts": CASEWORK,
    "/jurors/{juror_id:uuid}/conflicts/search": CASEWORK,
    "/jurors/{juror_id:uuid}/conflicts/{conflict_id:uuid}/remove": CASEWORK,
    "/jurors/{juror_id:uuid}/credits": CASEWORK,
    "/jurors/{juror_id:uuid}/credits/adjust": CASEWORK,
    "/jurors/{juror_id:uuid}/credits/redeem": CASEWORK,
    "/jurors/training": CASEWORK,
    "/jurors/training/{session_id:uuid}": CASEWORK,
    "/jurors/training/{session_id:uuid}/attendance": CASEWORK,
    "/jurors/reports": CASEWORK,
    "/jurors/nights": CASEWORK,
    "/jurors/nights/{night_id:uuid}": CASEWORK,
    "/jurors/nights/{night_id:uuid}/check-in": CASEWORK,
    "/jurors/nights/{night_id:uuid}/panels": CASEWORK,
    "/jurors/nights/{night_id:uuid}/invitations": CASEWORK,
    "/jurors/nights/{night_id:uuid}/move-up": CASEWORK,
    "/jurors/nights/{night_id:uuid}/notices/{notice_id:uuid}/read": CASEWORK,
    "/jurors/nights/{night_id:uuid}/bookings/{booking_id:uuid}/panel": CASEWORK,
    "/jurors/nights/{night_id:uuid}/bookings/{booking_id:uuid}/attendance": CASEWORK,
    "/jurors/nights/{night_id:uuid}/bookings/{booking_id:uuid}/replace": CASEWORK,
    "/jurors/nights/{night_id:uuid}/bookings/{booking_id:uuid}/reply": CASEWORK,
    "/jurors/rewards": CASEWORK,
    "/jurors/rewards/new": CASEWORK,
    "/jurors/rewards/{reward_id:uuid}": CASEWORK,
    "/jurors/rewards/{reward_id:uuid}/active": CASEWORK,
    "/jurors/outbox": CASEWORK,
    "/jurors/outbox/send": CASEWORK,
    "/jurors/outbox/reminders": CASEWORK,
    "/jurors/outbox/{message_id:uuid}": CASEWORK,
    "/jurors/outbox/{message_id:uuid}/retry": CASEWORK,
    "/jurors/outbox/{message_id:uuid}/sent-by-hand": CASEWORK,
    # The juror's own portal
    "/me": JUROR_PORTAL,
    "/me/service": JUROR_PORTAL,
    "/me/credits": JUROR_PORTAL,
    "/me/training": JUROR_PORTAL,
    "/me/rewards": JUROR_PORTAL,
    "/me/nights/{booking_id:uuid}": JUROR_PORTAL,
    "/me/bookings/{booking_id:uuid}/reply": JUROR_PORTAL,
    "/me/calendar/reset": JUROR_PORTAL,
    # Reports
    "/reports": EVALUATOR_WORKSPACE,
    "/reports/recidivism": EVALUATOR_WORKSPACE,
    "/reports/effects": EVALUATOR_WORKSPACE,
    "/reports/recidivism/groups.csv": EVALUATOR_WORKSPACE,
    "/reports/recidivism/curves.csv": EVALUATOR_WORKSPACE,
    "/reports/recidivism/analysis.csv": EVALUATOR_WORKSPACE,
    "/reports/recidivism/analysis.parquet": EVALUATOR_WORKSPACE,
    "/reports/recidivism/report.pdf": EVALUATOR_WORKSPACE,
    "/reports/effects/report.pdf": EVALUATOR_WORKSPACE,
    "/reports/exports": EVALUATOR_WORKSPACE,
    "/reports/exports/download": EVALUATOR_WORKSPACE,
    "/reports/exports/preview": EVALUATOR_WORKSPACE,
    "/reports/exports/releases": EVALUATOR_WORKSPACE,
    "/reports/exports/dictionary": EVALUATOR_WORKSPACE,
    "/reports/exports/dictionary.csv": EVALUATOR_WORKSPACE,
    "/reports/comparison": EVALUATOR_WORKSPACE,
    "/reports/comparison/example.csv": EVALUATOR_WORKSPACE,
    "/reports/comparison/{import_id:uuid}/delete": EVALUATOR_WORKSPACE,
    "/reports/measures": PROGRAM_MEASURES,
    "/reports/measures.csv": PROGRAM_MEASURES,
    # The co-production self-assessment: the program's own reflection, not for evaluators
    "/coproduction": STAFF,
    "/coproduction/new": STAFF,
    "/coproduction/{assessment_id:uuid}": STAFF,
    "/coproduction/{assessment_id:uuid}/edit": STAFF,
    "/coproduction/{assessment_id:uuid}/print": STAFF,
    # The partner API, for source agencies' keys
    "/api/v1/offenses": PARTNER_KEY,
    "/api/v1/referrals": PARTNER_KEY,
    "/api/v1/referrals/{referral_id:uuid}": PARTNER_KEY,
    "/api/v1/referrals/{referral_id:uuid}/documents": PARTNER_KEY,
}
"""Route path (as the route table spells it) -> who may reach it. A ``"METHOD /path"`` key, when
present, overrides the path's entry for that method."""

SESSION_ENDING = ("POST /logout/everywhere", "POST /logout")
"""Walked last, in this order: after them the walker is signed out."""

PARAMETER_RECORDS = {
    "file_path": "static_file",
    "feed": "feed",
    "user_id": "member",
    "source_id": "source",
    "offense_id": "offense",
    "factor_id": "factor",
    "referral_id": "referral",
    "document_id": "document",
    "case_id": "case",
    "night_id": "night",
    "courtroom_id": "courtroom",
    "hearing_id": "hearing",
    "sanction_id": "sanction",
    "check_id": "check",
    "juror_id": "juror",
    "conflict_id": "conflict",
    "session_id": "training",
    "reward_id": "reward",
    "booking_id": "booking",
    "message_id": "message",
    "notice_id": "notice",
    "import_id": "comparison",
    "record_import_id": "record_import",
    "mapping_id": "import_mapping",
    "program_id": "program",
    "assessment_id": "assessment",
    "site_id": "site",
    "link_id": "site_link",
    "token": "site_link_secret",
    "key_id": "api_key",
    "path": "schema_file",
    "invitation_id": "survey_invitation",
    "kind": "survey_kind",
}
"""Path parameter name -> the record of the dataset whose id fills it. Each pair in one path
belongs together (the document is the referral's, the booking is on the night, the conflict is
the juror's)."""

PATH_RECORDS = {
    "/cases/{case_id:uuid}/letter": {"case": "closed_case"},
    "/cases/{case_id:uuid}/sealed": {"case": "sealed_case"},
    "/cases/{case_id:uuid}/family-links/{link_id:uuid}/revoke": {"site_link": "family_link"},
    "/link/{token:str}/my-page": {"site_link_secret": "youth_link_secret"},
    "/link/{token:str}/family-page": {"site_link_secret": "guardian_link_secret"},
    "/link/{token:str}/survey": {"site_link_secret": "survey_link_secret"},
    "/hearings/{night_id:uuid}/surveys/{invitation_id:uuid}/revoke": {
        "survey_invitation": "night_survey_invitation"
    },
}
"""Pages that exist only for a case in some state: the closing letter of a closed case, the cover
page of a sealed one. Elsewhere the open case on tonight's docket fills ``case_id``."""

SEALED_RECORDS = {"case": "sealed_case", "referral": "sealed_referral", "check": "sealed_check"}
"""A second pass fills these with a sealed case's records: sealing must not open a way around a guard."""

NOT_RECORD_IDS = {"file_path", "feed", "program_id", "token", "path", "kind"}
"""Parameters that are not a program's record id: a static file's name, the calendar feed's
secret and a private link's (public by design: the secret is the key, whoever holds it), a file
of the partner API's documentation, and a program itself (the installation's record, which only
site administrators reach, whatever program they work in)."""

SECRET_ADDRESSES = frozenset(
    {
        "/link/{token:str}/hours",
        "/link/{token:str}/my-page",
        "/link/{token:str}/family-page",
        "/link/{token:str}/survey",
    }
)
"""Pages opened by a private link: whoever holds the secret sees what it grants (a site's supervisor sees
the youth's first name and initial), whatever role they hold besides; the names check leaves them out."""

IGNORED_METHODS = {"HEAD", "OPTIONS"}
PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
TODAY = today_in("America/New_York")


# The route table --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def parameters(self) -> list[str]:
        return PARAMETER.findall(self.path)

    @property
    def rule(self) -> frozenset[str] | None:
        return ACCESS.get(str(self), ACCESS.get(self.path))

    def allows(self, role: str) -> bool:
        if self.rule is None:
            pytest.fail(f"{self} is missing from ACCESS")
        return role in self.rule


def endpoints_of(app: Any) -> list[Endpoint]:
    """Every method of every route, GETs first and the session-ending ones last."""
    found = []
    for route in app.routes:
        methods = route.methods - IGNORED_METHODS if isinstance(route, HTTPRoute) else {"WEBSOCKET"}
        found += [Endpoint(method, route.path) for method in methods]

    def order(endpoint: Endpoint) -> tuple[int, int, str]:
        last = SESSION_ENDING.index(str(endpoint)) if str(endpoint) in SESSION_ENDING else -1
        return (last, endpoint.method != "GET", endpoint.path)

    return sorted(found, key=order)


def fill(endpoint: Endpoint, ids: dict[str, str]) -> str:
    """The endpoint's address with every path parameter set to the id of its record in ``ids``."""
    ids = {**ids, **{key: ids[other] for key, other in PATH_RECORDS.get(endpoint.path, {}).items()}}

    def record_id(match: re.Match[str]) -> str:
        if match.group(1) not in PARAMETER_RECORDS:
            pytest.fail(
                f"{endpoint}: no record for the path parameter {match.group(1)!r} in PARAMETER_RECORDS"
            )
        return ids[PARAMETER_RECORDS[match.group(1)]]

    return PARAMETER.sub(record_id, endpoint.path)


def test_every_route_has_an_expectation(tmp_path: Path):
    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'routes.db'}", tmp_path))
    endpoints = endpoints_of(app)
    missing = [str(e) for e in endpoints if e.rule is None]
    unknown = [f"{e} ({name})" for e in endpoints for name in e.parameters if name not in PARAMETER_RECORDS]
    other = [str(e) for e in endpoints if e.method == "WEBSOCKET"]
    routed = {e.path for e in endpoints} | {str(e) for e in endpoints}
    stale = [key for key in ACCESS if key not in routed]

    assert len(endpoints) > 150
    assert missing == [], f"routes missing from ACCESS: {missing}"
    assert unknown == [], f"path parameters with no record in PARAMETER_RECORDS: {unknown}"
    assert other == [], f"routes that are not HTTP routes, not covered: {other}"
    assert stale == [], f"ACCESS entries for routes that no longer exist: {stale}"


# Test data --------------------------------------------------------------------------------------


@dataclass
class ProgramData:
    """One program with one of every kind of record, a user for every role, and the ids that fill
    the routes' path parameters."""

    program: Program
    users: dict[str, User]
    ids: dict[str, str]
    case_numbers: list[str] = field(default_factory=list)


async def _add(db: AsyncSession, *records: Any) -> None:
    db.add_all(records)
    await db.flush()


async def _juror(
    db: AsyncSession, program: Program, user: User, first: str, last: str, **fields: Any
) -> Juror:
    juror = Juror(
        program_id=program.id,
        source=JurorSource.VOLUNTEER,
        status=JurorStatus.ACTIVE,
        user_id=user.id,
        first_name=first,
        last_name=last,
        oath_signed_on=TODAY - datetime.timedelta(days=60),
        **fields,
    )
    await _add(db, juror)
    return juror


async def _role_users(db: AsyncSession, program: Program, tag: str) -> dict[str, User]:
    users = {
        role: await make_user(db, program, program_role, name=f"{tag} {role.replace('_', ' ').title()}")
        for role, program_role in PROGRAM_ROLES.items()
    }
    users[SITE_ADMIN] = await make_user(db, None, None, site_admin=True, name=f"{tag} Site Admin")
    return users


async def build_program_b(db: AsyncSession) -> ProgramData:
    """A second program with its own users (and the juror's own record), and nothing else."""
    program = await make_program(db, name="Zephyr Youth Court")
    users = await _role_users(db, program, "Zephyr")
    await _juror(db, program, users[JUROR], "Basil", "Zephyrine")
    await db.commit()
    return ProgramData(program, users, {})


async def build_program_a(db: AsyncSession, settings: Settings) -> ProgramData:
    """Program A: a pending referral with a police report, a case on tonight's docket with its
    sanction, a completed case due a follow-up check, two jurors seated tonight, and every other
    record a route can name. Names are distinctive so a page showing one can be caught."""
    program = await make_program(db, name="Alder Youth Court")
    users = await _role_users(db, program, "Alder")
    member = await make_user(db, program, Role.COORDINATOR, name="Alder Staffmember")

    respondent = await make_youth(
        db,
        program,
        first_name="Quillon",
        last_name="Marshwood",
        date_of_birth=datetime.date(2011, 3, 9),
        address="14 Elmhurst Lane",
        phone="555-0142",
        email="quillon.family@example.net",
    )
    await _add(
        db,
        Guardian(
            program_id=program.id,
            youth_id=respondent.id,
            name="Delphine Marshwood",
            phone="555-0199",
            email="delphine@example.net",
        ),
    )
    case = await make_case(
        db,
        program,
        CaseState.SANCTIONS_IN_PROGRESS,
        coordinator=users[COORDINATOR],
        referral=await make_referral(
            db,
            program,
            respondent,
            source_reference="PD-77881",
            narrative="Took a bicycle from the Larkspur school rack.",
            incident_place="Larkspur Middle School",
        ),
    )
    bystander = await make_youth(db, program, first_name="Ottoline", last_name="Brackenridge")
    closed = await make_case(
        db,
        program,
        CaseState.COMPLETED,
        referral=await make_referral(db, program, bystander, source_reference="PD-66120"),
    )
    closed.closed_on = TODAY - datetime.timedelta(days=200)
    hidden_youth = await make_youth(db, program, first_name="Marigold", last_name="Thistlewaite")
    sealed = await make_case(
        db,
        program,
        CaseState.COMPLETED,
        referral=await make_referral(db, program, hidden_youth, source_reference="PD-33904"),
    )
    sealed.closed_on = TODAY - datetime.timedelta(days=400)
    sealed.sealed_at = datetime.datetime.now(datetime.UTC)
    sealed.seal_reason = "Completed successfully a year ago"
    pending_youth = await make_youth(db, program, first_name="Perpetua", last_name="Hollingsworth")
    pending = await make_referral(db, program, pending_youth, source_reference="PD-55309")

    content = b"%PDF-1.4\n% police report\n"
    stored_name = await keep(db, settings, program.id, content)
    document = Document(
        program_id=program.id,
        referral_id=pending.id,
        title="Police report",
        stored_name=stored_name,
        content_type="application/pdf",
        size_bytes=len(content),
        sha256="0" * 64,
    )
    await _add(db, document)

    night = HearingNight(
        program_id=program.id,
        held_on=TODAY,
        starts_at=datetime.time(18, 0),
        ends_at=datetime.time(20, 30),
        location="Alder Courthouse",
    )
    await _add(db, night)
    courtroom = Courtroom(program_id=program.id, night_id=night.id, name="Courtroom A", capacity=4)
    other_room = Courtroom(program_id=program.id, night_id=night.id, name="Courtroom B", capacity=4)
    await _add(db, courtroom, other_room)
    hearing = Hearing(program_id=program.id, courtroom_id=courtroom.id, case_id=case.id, position=1)
    await _add(db, hearing)
    other_room_youth = await make_youth(db, program, first_name="Wendeline", last_name="Corcoran")
    other_case = await make_case(
        db,
        program,
        CaseState.SCHEDULED,
        referral=await make_referral(db, program, other_room_youth, source_reference="PD-44017"),
    )
    await _add(db, Hearing(program_id=program.id, courtroom_id=other_room.id, case_id=other_case.id))

    disposition = Disposition(program_id=program.id, case_id=case.id, decided_on=TODAY)
    await _add(db, disposition)
    sanction = Sanction(
        program_id=program.id,
        case_id=case.id,
        disposition_id=disposition.id,
        sanction_type=SanctionType.COMMUNITY_SERVICE,
        quantity=Decimal(10),
        due_on=TODAY + datetime.timedelta(days=90),
        original_due_on=TODAY + datetime.timedelta(days=90),
    )
    check = FollowUpCheck(
        program_id=program.id, case_id=closed.id, window_months=6, due_on=TODAY - datetime.timedelta(days=20)
    )
    sealed_check = FollowUpCheck(
        program_id=program.id, case_id=sealed.id, window_months=6, due_on=TODAY - datetime.timedelta(days=200)
    )
    await _add(db, sanction, check, sealed_check)

    juror = await _juror(db, program, users[JUROR], "Rowan", "Ashgrove", email="rowan@example.org")
    other_juror_user = await make_user(db, program, Role.JUROR, name="Tamsin Fairweather")
    other_juror = await _juror(
        db,
        program,
        other_juror_user,
        "Tamsin",
        "Fairweather",
        email="tamsin.fw@example.org",
        phone="555-0177",
        guardian_name="Ingrid Fairweather",
    )
    booking = Booking(
        program_id=program.id,
        juror_id=juror.id,
        night_id=night.id,
        courtroom_id=courtroom.id,
        status=BookingStatus.CONFIRMED,
        role=CourtRole.JUROR,
    )
    other_booking = Booking(
        program_id=program.id,
        juror_id=other_juror.id,
        night_id=night.id,
        courtroom_id=courtroom.id,
        status=BookingStatus.CONFIRMED,
        role=CourtRole.FOREPERSON,
    )
    training = TrainingSession(
        program_id=program.id, held_on=TODAY, title="Jury basics", hours=Decimal(2), role=CourtRole.JUROR
    )
    reward = Reward(program_id=program.id, name="Movie ticket", cost=Decimal(5))
    conflict = ConflictDeclaration(program_id=program.id, juror_id=juror.id, youth_id=other_room_youth.id)
    await _add(db, booking, other_booking, training, reward, conflict)
    past_night = HearingNight(
        program_id=program.id,
        held_on=TODAY - datetime.timedelta(days=14),
        starts_at=datetime.time(18, 0),
        ends_at=datetime.time(20, 0),
        location="Alder Courthouse",
    )
    await _add(db, past_night)
    served = [
        Booking(
            program_id=program.id,
            juror_id=person.id,
            night_id=past_night.id,
            status=BookingStatus.CONFIRMED,
            attendance=Attendance.PRESENT,
            hours=Decimal(2),
        )
        for person in (juror, other_juror)
    ]
    attended = [
        TrainingAttendance(program_id=program.id, session_id=training.id, juror_id=person.id)
        for person in (juror, other_juror)
    ]
    await _add(
        db,
        *served,
        *attended,
        Qualification(program_id=program.id, juror_id=juror.id, role=CourtRole.JUROR, earned_on=TODAY),
        Qualification(
            program_id=program.id, juror_id=other_juror.id, role=CourtRole.FOREPERSON, earned_on=TODAY
        ),
    )
    await _add(
        db,
        *[
            CreditEntry(
                program_id=program.id,
                juror_id=person.id,
                occurred_on=TODAY - datetime.timedelta(days=14),
                kind=CreditKind.SERVICE,
                amount=Decimal(2),
                reason=reason,
                booking_id=night_served.id,
            )
            for person, night_served, reason in (
                (juror, served[0], "Served on a jury"),
                (other_juror, served[1], "Foreperson for Tamsin's panel"),
            )
        ],
    )
    message = OutboxMessage(
        program_id=program.id,
        to_address="tamsin.fw@example.org",
        subject="Jury night reminder",
        body="See you tonight.",
        kind="reminder",
    )
    comparison = ComparisonImport(
        program_id=program.id, file_name="county-court.csv", row_count=0, group_labels="County court"
    )
    notice = NightNotice(
        program_id=program.id, night_id=night.id, message="Tamsin F. withdrew from the night."
    )
    assessment = SelfAssessment(
        program_id=program.id,
        period="2025-Q1",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2025, 3, 31),
        assessed_by="Alder Program Admin",
        answers=[
            Answer(program_id=program.id, element=element, score=2, comment="Alder's own reflection")
            for element in Element
        ],
    )
    record_import = RecordImport(
        program_id=program.id,
        kind=ImportKind.CASES,
        file_name="alder-cases.csv",
        headers=["first_name", "last_name", "received_on"],
        mapping={"first_name": "first_name", "last_name": "last_name", "received_on": "received_on"},
        staged_rows=[["Ula", "Nobody", "2024-01-05"]],
        row_count=1,
    )
    import_mapping = ImportMapping(
        program_id=program.id, kind=ImportKind.CASES, mapping={"dob": "date_of_birth"}
    )
    await _add(db, message, comparison, notice, assessment, record_import, import_mapping)
    feed = calendar.new_token(juror)
    site = PartnerSite(
        program_id=program.id, name="Alder Community Garden", contact_name="Hollis Pike", capacity=3
    )
    site.work = [SiteWork(program_id=program.id, kind=SanctionType.COMMUNITY_SERVICE)]
    await _add(db, site)
    placement = Placement(program_id=program.id, sanction_id=sanction.id, site_id=site.id, placed_on=TODAY)
    await _add(db, placement)
    with program_scope(ProgramScope.of(program.id)):
        site_link = await private_links.issue(
            db,
            site_services.HOURS,
            placement.id,
            program_id=program.id,
            valid_for=datetime.timedelta(days=30),
            created_by=None,
            label="Hollis Pike",
        )
        family_links = {
            name: await private_links.issue(
                db,
                purpose,
                case.id,
                program_id=program.id,
                valid_for=datetime.timedelta(days=30),
                created_by=None,
                label=label,
            )
            for name, purpose, label in (
                ("youth", respondent_services.YOUTH_PAGE, "Youth"),
                ("guardian", respondent_services.GUARDIAN_PAGE, "Mother"),
                ("revoked", respondent_services.YOUTH_PAGE, "Youth"),
            )
        }
        case_survey = SurveyInvitation(program_id=program.id, kind=SurveyKind.RESPONDENT, case_id=case.id,
                                       occasion=Occasion.AFTER_HEARING, channel=Channel.TABLET, label="Respondent")  # fmt: skip
        night_survey = SurveyInvitation(program_id=program.id, kind=SurveyKind.JUROR, night_id=night.id,
                                        occasion=Occasion.AFTER_NIGHT, channel=Channel.TABLET, label="Juror (tablet)")  # fmt: skip
        await _add(db, case_survey, night_survey)
        survey_link = await private_links.issue(
            db, survey_services.SURVEY, case_survey.id, program_id=program.id,
            valid_for=datetime.timedelta(days=30), created_by=None,
        )  # fmt: skip
    partner_key = keys.new_key()  # the police department's, whose referral is pending
    api_key = ApiKey(
        program_id=program.id,
        source_id=pending.source_id,
        label="Records system",
        key_hash=hash_token(partner_key),
        prefix=partner_key[: keys.SHOWN_CHARACTERS],
    )
    db.add(api_key)
    await db.commit()

    first = {
        kind: await db.scalar(select(model.id).where(model.program_id == program.id).limit(1))
        for kind, model in (("source", ReferralSource), ("offense", Offense), ("factor", Factor))
    }
    ids = {
        "program": program.id,
        "static_file": "app.css",
        "feed": feed + calendar.FEED_SUFFIX,
        "member": member.id,
        **first,
        "referral": pending.id,
        "document": document.id,
        "case": case.id,
        "night": night.id,
        "courtroom": courtroom.id,
        "hearing": hearing.id,
        "sanction": sanction.id,
        "check": check.id,
        "juror": juror.id,
        "conflict": conflict.id,
        "training": training.id,
        "reward": reward.id,
        "booking": booking.id,
        "message": message.id,
        "notice": notice.id,
        "comparison": comparison.id,
        "assessment": assessment.id,
        "record_import": record_import.id,
        "import_mapping": import_mapping.id,
        "other_juror": other_juror.id,
        "other_booking": other_booking.id,
        "closed_case": closed.id,
        "sealed_case": sealed.id,
        "sealed_referral": sealed.referral_id,
        "sealed_check": sealed_check.id,
        "site": site.id,
        "site_link": site_link.link.id,
        "site_link_secret": site_link.token,
        "api_key": api_key.id,
        "schema_file": "openapi.json",
        "partner_key": partner_key,
        "family_link": family_links["revoked"].link.id,
        "youth_link_secret": family_links["youth"].token,
        "guardian_link_secret": family_links["guardian"].token,
        "survey_invitation": case_survey.id,
        "night_survey_invitation": night_survey.id,
        "survey_link_secret": survey_link.token,
        "survey_kind": "respondent",
    }
    users["other_juror"] = other_juror_user
    return ProgramData(
        program,
        users,
        {key: str(value) for key, value in ids.items()},
        [case.number, closed.number, other_case.number, sealed.number],
    )


RESPONDENT_SECRETS = [
    "Marshwood",  # the respondent's last name: jurors see only its initial
    "2011-03-09",
    "March 9, 2011",
    "03/09/2011",
    "14 Elmhurst Lane",
    "555-0142",
    "quillon.family@example.net",
    "Delphine",
    "555-0199",
    "PD-77881",
    "Larkspur",
]
"""What no juror ever sees of the respondent they hear (name beyond the initial, birth date,
contact details, guardian, the agency's reference, the incident's narrative and place)."""

OTHER_YOUTH = ["Ottoline", "Brackenridge", "Perpetua", "Hollingsworth", "Wendeline", "Corcoran"]
"""Young people whose cases a given juror does not sit on (another courtroom, closed, pending)."""

OTHER_JUROR_SECRETS = ["Fairweather", "tamsin.fw@example.org", "555-0177", "Ingrid", "Tamsin's panel"]
"""Another juror's record: surname, contact details, guardian, credit history."""

YOUTH_NAMES = ["Quillon", "Marshwood", "Ottoline", "Brackenridge", "Perpetua", "Hollingsworth", "Wendeline"]
NAMES_HIDDEN_FROM = {EVALUATOR, PROGRAM_ADMIN, SITE_ADMIN}
"""Only coordinators (and, for the respondents they hear, jurors) see young people's names:
admins run the program and its follow-ups without them, evaluators see de-identified data."""

IDENTIFYING = ["Quillon", "Marshwood", "Ottoline", "Brackenridge", "2011-03-09", "PD-77881", "PD-66120"]
"""What an evaluator never sees: names, birth dates, the agency's reference numbers."""


# Signing in and walking --------------------------------------------------------------------------


async def signed_in(client: Any, user: User | None, program: Program | None = None) -> httpx.Cookies:
    """Sign ``user`` in on a fresh cookie jar (None: an anonymous visitor) and return the jar.

    One client serves every user of a test: several test clients on one app break asyncpg.
    """
    client.cookies = httpx.Cookies()
    if user is None:
        await client.get("/login")
        return client.cookies
    response = await sign_in_with_form(client, user)
    assert response.status_code in (302, 303), f"{user.full_name} could not sign in"
    if program is not None:
        switched = await post_form(client, "/account/program", {"program_id": str(program.id)})
        assert switched.status_code == 303, f"{user.full_name} could not switch to {program.name}"
    home = await client.get("/", follow_redirects=False)
    assert not home.headers.get("location", "").startswith("/login"), f"{user.full_name} is not signed in"
    return client.cookies


async def request(client: Any, endpoint: Endpoint, url: str) -> httpx.Response:
    if endpoint.method == "GET":
        return await client.get(url, follow_redirects=False)
    return await post_form(client, url, {})


def _to_sign_in(response: httpx.Response) -> bool:
    target = response.headers.get("location", "") or response.headers.get("hx-redirect", "")
    return response.status_code == 401 or (response.is_redirect and target.startswith("/login"))


def refused(role: str, response: httpx.Response, endpoint: Endpoint | None = None) -> str | None:
    """Why ``response`` is not a proper refusal for ``role``, or None when it is one.

    The partner API refuses every session, signed in or not, with a 401 problem: it takes keys only.
    """
    if endpoint is not None and endpoint.rule is PARTNER_KEY:
        is_problem = response.headers.get("content-type", "").startswith("application/problem+json")
        return (
            None
            if response.status_code == 401 and is_problem
            else f"{response.status_code}, not a 401 problem"
        )
    if role == ANONYMOUS:
        return None if _to_sign_in(response) else f"{response.status_code}, not a redirect to sign in"
    if response.status_code == 403 and CSRF_EXPLANATION in response.text:
        return "403 from the CSRF check, not from the role check"
    return None if response.status_code in (403, 404) else f"{response.status_code}, not 403/404"


def admitted(endpoint: Endpoint, response: httpx.Response) -> str | None:
    """Why ``response`` is not a proper answer to a user the route lets in, or None when it is."""
    status = response.status_code
    if str(endpoint) in SESSION_ENDING:
        return None if response.is_redirect else f"{status}, not a redirect after signing out"
    if _to_sign_in(response):
        return f"{status}, sent to sign in"
    if endpoint.method == "GET":
        answered = status in (200, 422) or response.is_redirect
        return None if answered else f"{status} on a GET with real ids"
    return None if status in (200, 400, 404, 409, 422) or response.is_redirect else f"{status} on a POST"


# The matrix: every role, every route -------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
async def test_role_reaches_exactly_the_routes_of_its_rule(app, client, db, settings, role):
    data = await build_program_a(db, settings)
    await signed_in(client, data.users.get(role), data.program if role == SITE_ADMIN else None)

    wrong = await _walk_a_sealed_case(app, client, data, role)
    posts_admitted = 0
    for endpoint in endpoints_of(app):
        allowed = endpoint.allows(role)
        response = await request(client, endpoint, fill(endpoint, data.ids))
        if allowed:
            problem = admitted(endpoint, response)
            posts_admitted += endpoint.method == "POST" and problem is None
            if problem is None and role in NAMES_HIDDEN_FROM and endpoint.path not in SECRET_ADDRESSES:
                shown = [name for name in YOUTH_NAMES if name in response.text]
                problem = f"{response.status_code} showing the youth names {shown}" if shown else None
        else:
            problem = refused(role, response, endpoint)
        if problem:
            wrong.append(f"{endpoint}: {'allowed' if allowed else 'denied'} expected, got {problem}")

    assert wrong == [], f"{role}:\n" + "\n".join(wrong)
    assert posts_admitted >= 1, "no POST got past the CSRF check: the refusals prove nothing"


async def _walk_a_sealed_case(app: Any, client: Any, data: ProgramData, role: str) -> list[str]:
    """Every route naming a case, referral or follow-up check, with a sealed case's ids: a role the
    route refuses is still refused (the sealing gate must not answer before the guards), and no
    page shows the sealed youth's name without a recorded reason. Walked first: a handler that
    unsealed the case on an empty form would then fail the main walk's cover page."""
    sealed_ids = {**data.ids, **{key: data.ids[other] for key, other in SEALED_RECORDS.items()}}
    wrong = []
    tried = 0
    for endpoint in endpoints_of(app):
        if str(endpoint) in SESSION_ENDING or not {"case_id", "referral_id", "check_id"} & set(
            endpoint.parameters
        ):
            continue
        tried += 1
        response = await request(client, endpoint, fill(endpoint, sealed_ids))
        problem = None if endpoint.allows(role) else refused(role, response, endpoint)
        if problem is None and ("Marigold" in response.text or "Thistlewaite" in response.text):
            problem = f"{response.status_code} showing the sealed youth's name"
        if problem:
            wrong.append(f"{endpoint} on a sealed case: {problem}")
    assert tried > 20
    return wrong


# Another program's users: no insecure direct object reference -----------------------------------

PROGRAM_A_MARKERS = ["Quillon", "Marshwood", "Ottoline", "Perpetua", "Wendeline", "Rowan", "Tamsin", "Alder"]
"""Names from program A that no page may show to a user of program B."""

QUERY_PROGRAM_REPORTS = [
    "/reports/exports/download",
    "/reports/exports/preview",
    "/reports/recidivism",
    "/reports/effects",
    "/reports/recidivism/groups.csv",
    "/reports/recidivism/curves.csv",
    "/reports/recidivism/analysis.csv",
    "/reports/recidivism/analysis.parquet",
    "/reports/recidivism/report.pdf",
    "/reports/effects/report.pdf",
]
"""Reports that name their programs in the query: an evaluator may name only programs they hold
the role in."""


def report_query(path: str, program: Program) -> str:
    """A complete report or export query for ``program``: the last year's referrals, as CSV, counting
    arrests and charges within 12 months of closure."""
    params = [
        ("program", str(program.id)),
        ("referred_from", f"{TODAY - datetime.timedelta(days=365):%Y-%m}"),
        ("referred_to", f"{TODAY.replace(day=1) - datetime.timedelta(days=1):%Y-%m}"),
        ("dates", "shift"),
        ("format", "csv"),
        ("anchor", "closure"),
        ("window", "12"),
        ("group", "none"),
        ("event", OutcomeEventType.ARREST.value),
        ("event", OutcomeEventType.CHARGE.value),
        ("first", "completion:completed"),
        ("second", "completion:unsuccessful"),
        ("covariate", "age"),
        ("method", "weighting"),
    ]
    return f"{path}?{urlencode(params)}"


@pytest.mark.parametrize("role", [*PROGRAM_ROLES, SITE_ADMIN])
async def test_another_programs_user_reaches_no_record_of_this_program(app, client, db, settings, role):
    """Program B's user with the same role gets 403 or 404 for every route of their role naming a
    program A record, for GET and POST alike, and no page of theirs shows anything of program A.

    A site administrator works in one program at a time: working in program B, they are program
    B's admin and reach nothing of program A either. Routes their role is refused are left out:
    the guard refuses them whatever the ids (the matrix above proves it), so only the routes
    that let them in can leak a record."""
    data = await build_program_a(db, settings)
    other = await build_program_b(db)
    await signed_in(client, other.users[role], other.program if role == SITE_ADMIN else None)

    # A site administrator may switch to any program, so program A's name is in their menu.
    markers = [m for m in PROGRAM_A_MARKERS if not (role == SITE_ADMIN and m == data.program.name.split()[0])]
    wrong = []
    named = 0
    for endpoint in endpoints_of(app):
        records = set(endpoint.parameters)
        if (
            not endpoint.allows(role)
            or str(endpoint) in SESSION_ENDING
            or records & NOT_RECORD_IDS
            or (not records and endpoint.method != "GET")
        ):
            continue
        response = await request(client, endpoint, fill(endpoint, data.ids))
        problem = None
        if records:
            named += 1
            problem = refused(role, response)
        if problem is None and (shown := [m for m in markers if m in response.text]):
            problem = f"{response.status_code} showing {shown}"
        if problem:
            wrong.append(f"{endpoint}: {problem}")

    if role != SITE_ADMIN:  # a site administrator may work in any program, by design
        switch = await post_form(client, "/account/program", {"program_id": str(data.program.id)})
        if switch.status_code != 404:
            wrong.append(f"POST /account/program to program A: {switch.status_code}, not 404")

    assert named >= 1
    assert wrong == [], f"{role} of another program:\n" + "\n".join(wrong)


async def test_an_evaluator_reports_only_on_programs_they_hold_the_role_in(client, db, settings):
    data = await build_program_a(db, settings)
    other = await build_program_b(db)
    await signed_in(client, other.users[EVALUATOR])

    for path in QUERY_PROGRAM_REPORTS:
        own = await client.get(report_query(path, other.program))
        assert own.status_code == 200, f"{path} refused the evaluator's own program"
        foreign = await client.get(report_query(path, data.program))
        assert foreign.status_code == 422, f"{path} reported on a program the evaluator has no role in"
        assert not any(marker in foreign.text for marker in PROGRAM_A_MARKERS), path


# Jurors: only their own records, and only the minimum about respondents --------------------------


async def test_a_juror_reaches_only_their_own_records_and_fields(app, client, db, settings):
    """Another juror's bookings and record are refused; the juror's own pages show the respondent
    they hear as first name and initial only, and nothing of other jurors or other youth."""
    data = await build_program_a(db, settings)
    await signed_in(client, data.users[JUROR])
    others = {**data.ids, "juror": data.ids["other_juror"], "booking": data.ids["other_booking"]}

    wrong = []
    tried = []
    for endpoint in endpoints_of(app):
        if str(endpoint) in SESSION_ENDING or not {"juror_id", "booking_id"} & set(endpoint.parameters):
            continue
        tried.append(str(endpoint))
        if problem := refused(JUROR, await request(client, endpoint, fill(endpoint, others))):
            wrong.append(f"{endpoint} with the other juror's ids: {problem}")
    assert (
        "GET /me/nights/{booking_id:uuid}" in tried and "POST /me/bookings/{booking_id:uuid}/reply" in tried
    )
    assert wrong == [], "\n".join(wrong)

    forbidden = RESPONDENT_SECRETS + OTHER_YOUTH + OTHER_JUROR_SECRETS + data.case_numbers
    pages = {
        fill(endpoint, data.ids): endpoint
        for endpoint in endpoints_of(app)
        if endpoint.method == "GET"
        and endpoint.allows(JUROR)
        and endpoint.path != "/static/{file_path:path}"
        and endpoint.path not in SECRET_ADDRESSES  # the secret's holder sees what it grants, whoever they are
    }
    seen = {}
    for url in pages:
        response = await client.get(url, follow_redirects=True)
        assert response.status_code == 200, url
        seen[url] = response.text
        leaked = [value for value in forbidden if value.lower() in response.text.lower()]
        assert leaked == [], f"{pages[url]} shows a juror {leaked}"

    night = seen[f"/me/nights/{data.ids['booking']}"]
    assert "Quillon M." in night, "the night page does not show the respondent the juror hears"
    assert "Served on a jury" in seen["/me/credits"], "the juror's own credits are missing"
    assert "BEGIN:VCALENDAR" in seen[fill(Endpoint("GET", "/calendar/{feed:str}"), data.ids)]


# Evaluators: de-identified data only ------------------------------------------------------------


async def test_evaluator_pages_and_exports_show_no_identifying_fields(app, client, db, settings):
    data = await build_program_a(db, settings)
    await signed_in(client, data.users[EVALUATOR])
    forbidden = IDENTIFYING + data.case_numbers + ["Larkspur", "14 Elmhurst", "Marigold", "Thistlewaite"]

    urls = [
        fill(endpoint, data.ids)
        for endpoint in endpoints_of(app)
        if endpoint.method == "GET"
        and endpoint.allows(EVALUATOR)
        and endpoint.path != "/static/{file_path:path}"
        and endpoint.path not in SECRET_ADDRESSES
    ]
    urls += [report_query(path, data.program) for path in QUERY_PROGRAM_REPORTS]
    for url in urls:
        response = await client.get(url, follow_redirects=True)
        assert response.status_code in (200, 422), url
        leaked = [value for value in forbidden if value.lower() in response.text.lower()]
        assert leaked == [], f"{url} shows an evaluator {leaked}"

    export = await client.get(report_query("/reports/exports/download", data.program))
    assert export.headers["content-type"].startswith("text/csv")
    assert len(export.text.strip().splitlines()) >= 3, "the export holds no rows: checking it proves nothing"


# Partner API keys --------------------------------------------------------------------------------


def _key(text: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {text}"}


async def _call(client: Any, endpoint: Endpoint, url: str, key: str) -> httpx.Response:
    """Call with a key and no session, as a partner's records system does (an empty body)."""
    client.cookies = httpx.Cookies()
    if endpoint.method == "GET":
        return await client.get(url, headers=_key(key), follow_redirects=False)
    return await client.post(url, headers=_key(key), json={}, follow_redirects=False)


async def _new_key(db: AsyncSession, program_id: Any, source_id: Any) -> str:
    text = keys.new_key()
    db.add(
        ApiKey(
            program_id=program_id,
            source_id=source_id,
            key_hash=hash_token(text),
            prefix=text[: keys.SHOWN_CHARACTERS],
        )
    )
    await db.commit()
    return text


async def test_a_partner_key_opens_the_partner_api_and_no_other_route(app, client, db, settings):
    """With the key of the agency whose referral is pending: every API route answers it, and every
    other route refuses it (401), whatever the route's rule for people."""
    data = await build_program_a(db, settings)
    key = data.ids["partner_key"]
    wrong = []
    for endpoint in endpoints_of(app):
        if endpoint.rule == PUBLIC and not endpoint.path.startswith("/static"):
            continue  # pages for anyone (sign-in, health, the API's own reference) need no key
        response = await _call(client, endpoint, fill(endpoint, data.ids), key)
        status = response.status_code
        if endpoint.rule is PARTNER_KEY:
            answered = status in (200, 201, 400, 422) if endpoint.method == "POST" else status == 200
            if not answered:
                wrong.append(f"{endpoint}: {status} for the agency's own key")
        elif status != 401 or not response.headers.get("content-type", "").startswith("application/problem"):
            wrong.append(f"{endpoint}: {status}, not a 401 problem for an API key")
    assert wrong == [], "\n".join(wrong)


async def test_a_key_of_another_agency_or_program_reads_nothing_and_a_revoked_key_nothing_at_all(
    app, client, db, settings
):
    data = await build_program_a(db, settings)
    other = await build_program_b(db)
    other_source = ReferralSource(program_id=other.program.id, name="Zephyr Police", kind=SourceKind.POLICE)
    school = ReferralSource(program_id=data.program.id, name="Alder Middle School", kind=SourceKind.SCHOOL)
    db.add_all([other_source, school])
    await db.commit()
    strangers = {
        "another program's agency": await _new_key(db, other.program.id, other_source.id),
        "another agency of the program": await _new_key(db, data.program.id, school.id),
    }
    api = [e for e in endpoints_of(app) if e.rule is PARTNER_KEY]
    sealed_ids = {**data.ids, "referral": data.ids["sealed_referral"]}
    wrong = []
    for who, key in strangers.items():
        for endpoint in api:
            for ids in (data.ids, sealed_ids):
                response = await _call(client, endpoint, fill(endpoint, ids), key)
                if endpoint.parameters and response.status_code != 404:
                    wrong.append(f"{who}: {endpoint}: {response.status_code}, not 404")
                if shown := [m for m in [*PROGRAM_A_MARKERS, "PD-55309"] if m in response.text]:
                    wrong.append(f"{who}: {endpoint}: {response.status_code} showing {shown}")
        listed = await client.get("/api/v1/referrals", headers=_key(key))
        if listed.json()["total"] != 0:
            wrong.append(f"{who}: lists {listed.json()['total']} referrals of program A")

    own = data.ids["partner_key"]
    sealed = await client.get(f"/api/v1/referrals/{data.ids['sealed_referral']}", headers=_key(own))
    if sealed.status_code != 404:
        wrong.append(f"the agency's own key: a sealed case's referral answers {sealed.status_code}")
    await db.execute(
        update(ApiKey)
        .where(ApiKey.id == UUID(data.ids["api_key"]))
        .values(revoked_at=datetime.datetime.now(datetime.UTC))
    )
    await db.commit()
    for endpoint in api:
        response = await _call(client, endpoint, fill(endpoint, data.ids), own)
        if response.status_code != 401:
            wrong.append(f"revoked key: {endpoint}: {response.status_code}, not 401")
    assert wrong == [], "\n".join(wrong)
