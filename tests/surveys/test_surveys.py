"""Exit surveys: one-time links, anonymity, question versions and the small-cell report."""

from __future__ import annotations

import datetime
import logging
import re
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.concurrency import Browser, fire, running_server
from tests.factories import hidden_fields, make_case, make_program, make_user, post_form, sign_in
from youthcourt.accounts.sessions import hash_token
from youthcourt.cases.models import CaseState
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors import delivery
from youthcourt.jurors.models import Attendance, BookingStatus, OutboxMessage, OutboxStatus
from youthcourt.private_links import links
from youthcourt.private_links.models import PrivateLink
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.services import policy
from youthcourt.sites.services import HOURS
from youthcourt.surveys.models import (
    Channel,
    Occasion,
    SurveyAnswer,
    SurveyInvitation,
    SurveyItem,
    SurveyKind,
    SurveyVersion,
)
from youthcourt.surveys.services import SURVEY

TABLET = {
    "kind": "respondent",
    "occasion": "after_hearing",
    "channel": "tablet",
    "email": "",
    "valid_days": "14",
}
ADDRESS = re.compile(r'id="issued-address" type="text" readonly value="[^"]*(/link/[^"/]+/survey)"')


def all_agree(count: int, value: str = "5") -> dict[str, str]:
    return {f"s{i}_answer": value for i in range(count)}


async def coordinator_case(db: AsyncSession, client: Any) -> tuple[Program, Any, Any]:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)
    await sign_in(client, coordinator)
    return program, coordinator, case


async def tablet_link(client: Any, case: Any, **values: str) -> str:
    response = await post_form(client, f"/cases/{case.id}/surveys", {**TABLET, **values})
    assert response.status_code == 200, response.text[:500]
    assert "<svg" in response.text  # the QR code
    match = ADDRESS.search(response.text)
    assert match, response.text[:2000]
    return match.group(1)


async def answer(http: Any, path: str, **values: str) -> httpx.Response:
    page = await http.get(path)
    assert page.status_code == 200, page.text[:300]
    return await http.post(path, data={**hidden_fields(page.text), **values}, follow_redirects=False)


async def count(db: AsyncSession, model: Any) -> int:
    return int(await db.scalar(select(func.count()).select_from(model)) or 0)


async def test_a_respondent_answers_once_and_the_answer_is_kept_apart_from_the_case(client, db):
    _, _, case = await coordinator_case(db, client)
    path = await tablet_link(client, case)
    token = path.split("/")[2]
    stored = await db.scalar(select(PrivateLink).where(PrivateLink.purpose == "survey"))
    assert stored is not None and stored.token_hash == hash_token(token) and token not in stored.token_hash
    client.cookies.clear()
    page = await client.get(path)
    fields = hidden_fields(page.text)
    response = await client.post(
        path, data={**fields, **all_agree(7), "comment": "The jury was kind."}, follow_redirects=False
    )
    assert response.status_code == 303
    thanks = await client.get(path)
    assert thanks.status_code == 200 and "Thank you" in thanks.text and "<fieldset" not in thanks.text
    again = await client.post(path, data={**fields, **all_agree(7, "1")}, follow_redirects=False)
    assert again.status_code == 303
    stored_answer = (await db.scalars(select(SurveyAnswer))).one()
    assert stored_answer.case_id is None and stored_answer.comment == "The jury was kind."
    assert await db.scalar(select(func.min(SurveyItem.value))) == 5  # the second post changed nothing
    assert not hasattr(stored_answer, "created_at")


async def test_the_tablet_in_a_coordinators_hands_shows_the_youth_no_staff_menu(client, db):
    """The coordinator signs in on the tablet, opens the survey and hands it over: the page must not
    lead the youth to the case list, the dashboard or the coordinator's account."""
    _, _, case = await coordinator_case(db, client)
    path = await tablet_link(client, case)
    page = await client.get(path)  # still signed in as the coordinator
    assert page.status_code == 200 and "<fieldset" in page.text
    for staff in ("/dashboard", "/cases", "/jurors", "Sign out", "account-menu", "program-switch"):
        assert staff not in page.text, staff
    assert 'href="/"' not in page.text


async def test_the_answer_is_linked_to_the_case_only_with_consent(client, db):
    _, _, case = await coordinator_case(db, client)
    path = await tablet_link(client, case)
    client.cookies.clear()
    assert (await answer(client, path, **all_agree(7), link_to_case="yes")).status_code == 303
    assert (await db.scalar(select(SurveyAnswer.case_id))) == case.id


async def test_a_missing_answer_re_renders_with_everything_typed(client, db):
    _, _, case = await coordinator_case(db, client)
    path = await tablet_link(client, case)
    client.cookies.clear()
    values = all_agree(7)
    del values["s3_answer"]
    response = await answer(client, path, **values, comment="Half done")
    assert response.status_code == 422
    assert 'id="error-s3_answer"' in response.text and "Half done" in response.text
    assert "Choose an answer to statement 4." in response.text
    assert await count(db, SurveyAnswer) == 0


async def issued_directly(db: AsyncSession) -> str:
    """A tablet link made without going through the app (for tests that run a real server)."""
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)
    with program_scope(ProgramScope.of(program.id)):
        invitation = SurveyInvitation(program_id=program.id, kind=SurveyKind.RESPONDENT, case_id=case.id,
                                      occasion=Occasion.AFTER_HEARING, channel=Channel.TABLET, label="Respondent")  # fmt: skip
        db.add(invitation)
        await db.flush()
        issued = await links.issue(db, SURVEY, invitation.id, program_id=program.id,
                                   valid_for=datetime.timedelta(days=1), created_by=None)  # fmt: skip
    await db.commit()
    return issued.path


async def test_parallel_submits_store_one_answer(app, db):
    path = await issued_directly(db)
    async with running_server(app) as base:
        browser = Browser(base)
        page = await browser.http.get(path)
        values = {**hidden_fields(page.text), **all_agree(7)}
        responses = await fire(6, lambda _: browser.http.post(path, data=values))
        await browser.close()
    assert all(r.status_code in (303, 200) for r in responses), [r.status_code for r in responses]
    assert await count(db, SurveyAnswer) == 1
    assert await count(db, SurveyItem) == 7


async def test_expired_revoked_wrong_purpose_and_unknown_links_all_give_404(client, db):
    program, _, case = await coordinator_case(db, client)
    path = await tablet_link(client, case)
    token = path.split("/")[2]
    assert (await client.get(f"/link/{token}/hours")).status_code == 404  # another purpose's page
    assert (await client.get(f"/link/{token}x/survey")).status_code == 404
    invitation = (await db.scalars(select(SurveyInvitation))).one()
    with program_scope(ProgramScope.of(program.id)):
        other = await links.issue(db, HOURS, invitation.id, program_id=program.id,
                                  valid_for=datetime.timedelta(days=1), created_by=None)  # fmt: skip
    await db.commit()
    assert (await client.get(other.path.replace("/hours", "/survey"))).status_code == 404
    expired = await tablet_link(client, case)
    link = await db.scalar(
        select(PrivateLink).where(PrivateLink.token_hash == hash_token(expired.split("/")[2]))
    )
    link.expires_at = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=1)
    await db.commit()
    assert (await client.get(expired)).status_code == 404
    assert (await client.get(path)).status_code == 200
    revoked = await post_form(client, f"/cases/{case.id}/surveys/{invitation.id}/revoke", {})
    assert revoked.status_code in (302, 303)
    assert (await client.get(path)).status_code == 404


async def test_another_programs_case_and_invitation_are_not_found(client, db):
    _, _, case = await coordinator_case(db, client)
    await tablet_link(client, case)
    invitation = (await db.scalars(select(SurveyInvitation))).one()
    other = await make_program(db)
    stranger = await make_user(db, other, Role.COORDINATOR)
    other_case = await make_case(db, other, CaseState.SANCTIONS_IN_PROGRESS, coordinator=stranger)
    await sign_in(client, stranger)
    assert (await client.get(f"/cases/{case.id}/surveys")).status_code == 404
    assert (await post_form(client, f"/cases/{case.id}/surveys", TABLET)).status_code == 404
    revoke = await post_form(client, f"/cases/{other_case.id}/surveys/{invitation.id}/revoke", {})
    assert revoke.status_code == 404


async def test_an_email_holds_no_secret_in_the_outbox_before_nor_after_sending(client, db, monkeypatch):
    _, _, case = await coordinator_case(db, client)
    response = await post_form(
        client, f"/cases/{case.id}/surveys", {**TABLET, "channel": "email", "email": "parent@example.org"}
    )
    assert response.status_code == 200 and "queued" in response.text
    message = (await db.scalars(select(OutboxMessage))).one()
    assert "/link/[made-when-sent]/survey" in message.body
    assert await count(db, PrivateLink) == 0
    sent: list[Any] = []
    monkeypatch.setattr(delivery, "send_email", lambda smtp, email: sent.append(email))
    smtp = type("Smtp", (), {"enabled": True, "from_address": "court@example.org"})()
    assert await delivery.deliver_pending(db, smtp) == (1, 0)  # type: ignore[arg-type]
    body = sent[0].get_content()
    token = re.search(r"/link/([^/\s]+)/survey", body).group(1)  # type: ignore[union-attr]
    assert token != "[made-when-sent]"
    stored = await db.scalar(select(OutboxMessage).execution_options(populate_existing=True))
    assert stored.status is OutboxStatus.SENT and token not in stored.body
    client.cookies.clear()
    assert (await answer(client, f"/link/{token}/survey", **all_agree(7))).status_code == 303


async def test_the_link_is_kept_out_of_the_servers_logs(app, db, caplog):
    path = await issued_directly(db)
    token = path.split("/")[2]
    caplog.set_level(logging.DEBUG)
    async with running_server(app) as base, httpx.AsyncClient(base_url=base) as http:
        assert (await http.get(path)).status_code == 200
    lines = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith(("httpx", "httpcore")))
    assert token not in lines


async def test_editing_questions_makes_a_version_and_old_answers_keep_their_wording(client, db):
    _, _, case = await coordinator_case(db, client)
    first = await tablet_link(client, case)
    page = await client.get("/surveys/questions/respondent")
    assert "I had a chance to tell my side." in page.text
    bad = await post_form(
        client, "/surveys/questions/respondent", {"statements": "", "free_text_question": "Why?"}
    )
    assert bad.status_code == 422 and "Why?" in bad.text
    saved = await post_form(
        client, "/surveys/questions/respondent",
        {"statements": "The court was fair.\nI felt heard.", "free_text_question": "Anything else?"},
    )  # fmt: skip
    assert saved.status_code in (302, 303)
    numbers = sorted((await db.scalars(select(SurveyVersion.number))).all())
    assert numbers == [1, 2]
    second = await tablet_link(client, case)
    client.cookies.clear()
    opened = await client.get(second)
    assert "I felt heard." in opened.text and "tell my side" not in opened.text
    assert (await answer(client, second, **all_agree(2))).status_code == 303
    version = await db.scalar(
        select(SurveyVersion).join(SurveyAnswer, SurveyAnswer.version_id == SurveyVersion.id)
    )
    assert version.number == 2
    assert first


async def _answers(client: Any, coordinator: Any, case: Any, n: int, comment: str = "") -> None:
    """``n`` answers, each through its own link, answered without the coordinator's session."""
    paths = [await tablet_link(client, case) for _ in range(n)]
    for path in paths:
        client.cookies.clear()
        assert (await answer(client, path, **all_agree(7), comment=comment)).status_code == 303
    await sign_in(client, coordinator)


async def test_the_report_hides_figures_below_the_threshold_and_free_text_from_evaluators(client, db):
    program, coordinator, case = await coordinator_case(db, client)
    with program_scope(ProgramScope.of(program.id)):
        (await policy(db, program.id)).suppression_threshold = 3
    await db.commit()
    await _answers(client, coordinator, case, 2, comment="Secret thoughts")
    report = await client.get("/surveys?survey=respondent")
    assert report.status_code == 200
    assert 'id="survey-suppressed"' in report.text and "survey-results" not in report.text
    assert "Secret thoughts" not in report.text, "two answers' words would be told apart"
    assert "the figures and what people wrote are not shown" in report.text
    await _answers(client, coordinator, case, 3, comment="Another thought")
    report = await client.get("/surveys?survey=respondent")
    assert 'id="survey-suppressed"' not in report.text and "survey-results" in report.text
    assert "100%" in report.text
    listed = re.findall(
        r"<li>([^<]+)</li>", report.text.split('id="survey-comments"', 1)[1].split("</ul>", 1)[0]
    )
    assert listed == ["Another thought"] * 3 + ["Secret thoughts"] * 2, "in the order of their words"
    assert datetime.date.today().strftime("%B %Y") not in report.text.split('id="survey-comments"', 1)[1]
    evaluator = await make_user(db, program, Role.EVALUATOR)
    await sign_in(client, evaluator)
    seen = await client.get("/surveys?survey=respondent")
    assert seen.status_code == 200 and "survey-results" in seen.text and "Secret thoughts" not in seen.text
    assert (await client.get("/surveys/questions")).status_code == 403
    juror = await make_user(db, program, Role.JUROR)
    await sign_in(client, juror)
    assert (await client.get("/surveys")).status_code in (403, 404)


async def test_a_link_that_no_longer_works_says_so_without_a_home_page_or_the_staff_footer(client, db):
    """Whoever opens a private link has no account: a staff 404 ("not in your program", "your home
    page") tells them nothing they can act on."""
    _, _, case = await coordinator_case(db, client)
    path = await tablet_link(client, case)
    client.cookies.clear()

    gone = await client.get(path.replace("/link/", "/link/x", 1))

    assert gone.status_code == 404
    assert "This link does not work any more" in gone.text
    assert "Ask the person who gave it to you for a new one" in gone.text
    assert "your home page" not in gone.text and "not in your program" not in gone.text
    assert "recorded in the audit trail" not in gone.text
    answering = await client.get(path)
    assert answering.status_code == 200 and "recorded in the audit trail" not in answering.text
    assert "tick the box at the end" in answering.text, "a respondent may link the answers to the case"


async def test_the_juror_survey_does_not_speak_of_a_case_or_a_box_to_tick(client, db):
    program, _, _ = await coordinator_case(db, client)
    night = HearingNight(
        program_id=program.id,
        held_on=datetime.date.today(),
        starts_at=datetime.time(18),
        ends_at=datetime.time(20),
        location="Town hall",
    )
    db.add(night)
    await db.flush()
    with program_scope(ProgramScope.of(program.id)):
        invitation = SurveyInvitation(program_id=program.id, kind=SurveyKind.JUROR, night_id=night.id,
                                      occasion=Occasion.AFTER_NIGHT, channel=Channel.TABLET, label="Jurors")  # fmt: skip
        db.add(invitation)
        await db.flush()
        issued = await links.issue(db, SURVEY, invitation.id, program_id=program.id,
                                   valid_for=datetime.timedelta(days=1), created_by=None)  # fmt: skip
    await db.commit()
    client.cookies.clear()

    page = await client.get(issued.path)

    assert page.status_code == 200
    assert "anonymous" in page.text
    assert "your case" not in page.text and "tick the box" not in page.text


async def test_emailing_the_juror_survey_says_who_has_no_address(client, db):
    """Of the jurors who served, those without an email address get no survey: the page says so."""
    from tests.jurors.test_juror_portal import make_booking, make_juror, make_night

    program, _, _ = await coordinator_case(db, client)
    night = await make_night(db, program, datetime.date.today() - datetime.timedelta(days=1))
    for email in ("juror.one@example.org", ""):
        juror = await make_juror(db, program, email=email)
        await make_booking(
            db, juror, night, BookingStatus.CONFIRMED, seated=True, attendance=Attendance.PRESENT
        )
    await db.commit()

    page = await post_form(client, f"/hearings/{night.id}/surveys", {"channel": "email", "valid_days": "14"})

    assert page.status_code == 200
    assert "1 survey email queued" in page.text
    assert "1 juror who served has no email address: offer them the tablet." in page.text
