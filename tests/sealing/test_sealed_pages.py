"""Every page of a sealed case's records is gated, whatever its address, read from the route table.

The walk takes every route whose path parameters all name records a case owns (the case, its
referral and the referral's documents, its sanctions, hearings and follow-up checks), so a page
added later is walked without anyone listing it. Without a recorded reason each one shows "This
case is sealed" and no name; with one, each opens. The gate lives in the loaders, not in the
addresses: a page under an address nobody thought of, loading the case, is gated too.
"""

from __future__ import annotations

import datetime
import re
import uuid
from decimal import Decimal
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.enums import MediaType
from litestar.params import FromPath
from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from tests.documents import keep
from tests.factories import make_case, make_program, make_user, make_youth, post_form, sign_in
from youthcourt.app import create_app
from youthcourt.cases.models import Case, CaseState, FollowUpCheck
from youthcourt.cases.services import case_or_404
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight
from youthcourt.programs.models import Role
from youthcourt.reference.models import SanctionType
from youthcourt.referrals.models import Document
from youthcourt.sanctions.models import Disposition, Sanction
from youthcourt.settings import Settings

TODAY = datetime.date.today()
SEALED = "This case is sealed"
NAMES = ("Philippa", "Sealbrooke")

CASE_RECORDS = {
    "case_id": "case",
    "referral_id": "referral",
    "document_id": "document",
    "sanction_id": "sanction",
    "check_id": "check",
    "hearing_id": "hearing",
}
"""Path parameters naming a record that belongs to one case -> the record of the test data."""

SEALING_PAGES = {
    "/cases/{case_id:uuid}/sealed",
    "/cases/{case_id:uuid}/seal",
    "/cases/{case_id:uuid}/open",
    "/cases/{case_id:uuid}/unseal",
    "/cases/{case_id:uuid}/expunge",
}
"""How one gets into or out of a sealed case: these stay reachable."""

PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")


def case_pages(app: Any, method: str) -> list[str]:
    """Routes answering ``method`` whose every path parameter names a record of one case.

    The partner API is left out: it refuses every session, and an agency's key reads nothing of a
    sealed case (tests/programs/test_access_matrix.py).
    """
    found = []
    for route in app.routes:
        if (
            not isinstance(route, HTTPRoute)
            or method not in route.methods
            or route.path in SEALING_PAGES
            or route.path.startswith("/api/")
        ):
            continue
        names = PARAMETER.findall(route.path)
        if names and all(name in CASE_RECORDS for name in names):
            found.append(route.path)
    return sorted(found)


def fill(path: str, ids: dict[str, Any]) -> str:
    return PARAMETER.sub(lambda match: str(ids[CASE_RECORDS[match.group(1)]]), path)


async def _add(db: AsyncSession, *records: Any) -> None:
    db.add_all(records)
    await db.flush()


async def sealed_case_with_everything(db: AsyncSession, settings: Settings) -> tuple[Any, dict[str, Any]]:
    """A coordinator, and a sealed completed case with a sanction, a hearing, a check and a document."""
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    youth = await make_youth(db, program, first_name=NAMES[0], last_name=NAMES[1])
    case = await make_case(db, program, CaseState.COMPLETED, youth=youth)
    case.closed_on = TODAY - datetime.timedelta(days=40)
    night = HearingNight(
        program_id=program.id,
        held_on=TODAY - datetime.timedelta(days=120),
        starts_at=datetime.time(18),
        ends_at=datetime.time(20),
        location="City Hall",
    )
    await _add(db, night)
    room = Courtroom(program_id=program.id, night_id=night.id, name="A")
    await _add(db, room)
    hearing = Hearing(program_id=program.id, courtroom_id=room.id, case_id=case.id)
    disposition = Disposition(
        program_id=program.id, case_id=case.id, decided_on=TODAY - datetime.timedelta(days=120)
    )
    await _add(db, hearing, disposition)
    sanction = Sanction(
        program_id=program.id,
        case_id=case.id,
        disposition_id=disposition.id,
        sanction_type=SanctionType.COMMUNITY_SERVICE,
        quantity=Decimal(10),
        due_on=TODAY - datetime.timedelta(days=50),
        original_due_on=TODAY - datetime.timedelta(days=50),
    )
    check = FollowUpCheck(
        program_id=program.id, case_id=case.id, window_months=6, due_on=TODAY + datetime.timedelta(days=10)
    )
    stored = await keep(db, settings, program.id, b"%PDF-1.4\n% police report\n")
    document = Document(
        program_id=program.id,
        referral_id=case.referral_id,
        title="Police report",
        stored_name=stored,
        content_type="application/pdf",
        size_bytes=25,
        sha256="0" * 64,
    )
    await _add(db, sanction, check, document)
    case.sealed_at = datetime.datetime.now(datetime.UTC)
    case.seal_reason = "Completed; sealing requested by the family."
    await db.commit()
    ids = {
        "case": case.id,
        "referral": case.referral_id,
        "document": document.id,
        "sanction": sanction.id,
        "check": check.id,
        "hearing": hearing.id,
    }
    return coordinator, ids


def shows_the_sealed_page(response: Any, status: int) -> str | None:
    """Why ``response`` is not the sealed page with ``status`` and no name, or None when it is."""
    if response.status_code != status:
        return f"{response.status_code}, not {status}"
    if SEALED not in response.text:
        return "no sealed page"
    if any(name in response.text for name in NAMES):
        return "shows the youth's name"
    return None


async def test_every_page_of_a_sealed_case_is_gated_until_a_reason_is_given(client, db, app, settings):
    coordinator, ids = await sealed_case_with_everything(db, settings)
    await sign_in(client, coordinator)
    pages = case_pages(app, "GET")
    posts = case_pages(app, "POST")
    assert {"/cases/{case_id:uuid}", "/sanctions/{sanction_id:uuid}", "/follow-ups/{check_id:uuid}"} <= set(
        pages
    )
    assert len(pages) > 10 and len(posts) > 10

    wrong = []
    for path in pages:
        if problem := shows_the_sealed_page(await client.get(fill(path, ids), follow_redirects=False), 200):
            wrong.append(f"GET {path}: {problem}")
    for path in posts:
        if problem := shows_the_sealed_page(await post_form(client, fill(path, ids), {}), 403):
            wrong.append(f"POST {path}: {problem}")
    assert wrong == [], "\n".join(wrong)

    opened = await post_form(client, f"/cases/{ids['case']}/open", {"reason": "Court order 26-201"})
    assert opened.status_code == 303
    for path in pages:
        response = await client.get(fill(path, ids), follow_redirects=False)
        assert response.status_code == 200, (path, response.status_code)
        assert SEALED not in response.text, path


@get("/elsewhere/{case_id:uuid}")
async def a_page_elsewhere(
    request: Request[Any, Any, Any], db_session: NamedDependency[AsyncSession], case_id: FromPath[uuid.UUID]
) -> Response[str]:
    """A page under an address the sealing code has never heard of, loading the case as every page does."""
    case = await case_or_404(db_session, case_id, request.user)
    return Response(case.youth.full_name, media_type=MediaType.TEXT)


async def test_the_gate_is_in_the_loader_not_in_the_address(db, settings):
    coordinator, ids = await sealed_case_with_everything(db, settings)
    app = create_app(settings)
    app.register(a_page_elsewhere)
    try:
        async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
            await sign_in(client, coordinator)
            gated = await client.get(f"/elsewhere/{ids['case']}")
            assert shows_the_sealed_page(gated, 200) is None, gated.text[:500]
            assert gated.headers["cache-control"] == "no-store"
            assert "content-security-policy" in gated.headers

            await post_form(client, f"/cases/{ids['case']}/open", {"reason": "Court order 26-202"})
            opened = await client.get(f"/elsewhere/{ids['case']}")
            assert opened.status_code == 200 and NAMES[1] in opened.text
    finally:
        await app.state.database.get_engine().dispose()


async def test_a_sealed_youth_cannot_be_shown_at_intake_by_their_id(client, db, settings):
    """The intake's "record on file" part takes a youth id from the form: a sealed youth's is not found."""
    coordinator, ids = await sealed_case_with_everything(db, settings)
    await sign_in(client, coordinator)
    youth_id = (await db.get(Case, ids["case"])).youth_id

    response = await post_form(client, "/referrals/youth-section", {"youth_id": str(youth_id)})

    assert response.status_code == 404
    assert not any(name in response.text for name in NAMES)
