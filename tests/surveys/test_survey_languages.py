"""Surveys in the reader's language: the coordinator's pages in theirs, a family's email and answer
page in the family's, a juror's email in the juror's account language."""

from __future__ import annotations

import datetime
import html

from sqlalchemy import select

from tests.factories import make_case, make_program, make_referral, make_user, make_youth, post_form, sign_in
from tests.surveys.test_surveys import ADDRESS, TABLET, answer
from youthcourt.cases.models import CaseState
from youthcourt.jurors.models import Attendance, BookingStatus, OutboxMessage
from youthcourt.programs.models import Role
from youthcourt.referrals.models import Guardian

ENGLISH = ["Exit surveys", "Offer a survey", "Who answers", "Make the link", "Offered"]


async def case_of_family(db, client, *, family_language: str, coordinator_language: str = "en"):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    coordinator.language = coordinator_language
    youth = await make_youth(db, program, first_name="Lucía", last_name="Paredes")
    db.add(
        Guardian(
            program_id=program.id, youth_id=youth.id, name="Ana Paredes", preferred_language=family_language
        )
    )
    referral = await make_referral(db, program, youth)
    case = await make_case(
        db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator, referral=referral
    )
    await db.commit()
    await sign_in(client, coordinator)
    return program, case


async def test_a_spanish_speaking_coordinator_offers_surveys_in_spanish(client, db):
    _, case = await case_of_family(db, client, family_language="en", coordinator_language="es")

    page = html.unescape((await client.get(f"/cases/{case.id}/surveys")).text)
    refused = html.unescape(
        (await post_form(client, f"/cases/{case.id}/surveys", {**TABLET, "channel": "email"})).text
    )

    assert "Encuestas de salida" in page and "Ofrecer una encuesta" in page and "Quién responde" in page
    assert "Mostrar un código QR en esta pantalla" in page
    assert [text for text in ENGLISH if text in page] == []
    assert "Escribe el correo electrónico al que quieres enviar el enlace." in refused


async def test_the_survey_email_is_in_the_familys_language(client, db):
    _, case = await case_of_family(db, client, family_language="es")
    await post_form(
        client, f"/cases/{case.id}/surveys", {**TABLET, "channel": "email", "email": "ana@example.org"}
    )

    message = (await db.scalars(select(OutboxMessage))).one()

    assert message.subject == "Unas preguntas sobre el tribunal juvenil"
    assert "Nos gustaría saber cómo te fue en el tribunal juvenil" in message.body
    assert "/survey?lang=es" in message.body
    assert "We would like" not in message.body


async def test_an_english_speaking_familys_email_stays_in_english(client, db):
    _, case = await case_of_family(db, client, family_language="en", coordinator_language="es")
    await post_form(
        client, f"/cases/{case.id}/surveys", {**TABLET, "channel": "email", "email": "ana@example.org"}
    )

    message = (await db.scalars(select(OutboxMessage))).one()

    assert message.subject == "A few questions about youth court" and "/survey?lang=en" in message.body


async def test_the_answer_page_is_in_the_familys_language_errors_included(client, db):
    _, case = await case_of_family(db, client, family_language="es")
    path = ADDRESS.search((await post_form(client, f"/cases/{case.id}/surveys", TABLET)).text).group(1)  # type: ignore[union-attr]
    client.cookies.clear()

    page = html.unescape((await client.get(path, headers={"Accept-Language": "en"})).text)
    refused = await answer(client, path, s0_answer="5")

    assert (
        "Encuesta de salida del joven" in page
        and "Pude contar mi versión." in page
        and "Muy de acuerdo" in page
    )
    assert "Enviar mis respuestas" in page and "Strongly agree" not in page and "I had a chance" not in page
    assert refused.status_code == 422
    assert "Elige una respuesta para la frase 2." in html.unescape(refused.text)


async def test_a_jurors_survey_email_is_in_the_jurors_account_language(client, db):
    from tests.jurors.test_juror_portal import make_booking, make_juror, make_night

    program, _ = await case_of_family(db, client, family_language="en")
    night = await make_night(db, program, datetime.date.today() - datetime.timedelta(days=1))
    speaks = {}
    for email, language in (("uno@example.org", "es"), ("two@example.org", "en")):
        account = await make_user(db, program, Role.JUROR, email=email)
        account.language = language
        juror = await make_juror(db, program, account, email=email)
        await make_booking(
            db, juror, night, BookingStatus.CONFIRMED, seated=True, attendance=Attendance.PRESENT
        )
        speaks[email] = language
    await db.commit()

    await post_form(client, f"/hearings/{night.id}/surveys", {"channel": "email", "valid_days": "14"})

    messages = {m.to_address: m for m in (await db.scalars(select(OutboxMessage))).all()}
    assert "cómo te fue como jurado" in messages["uno@example.org"].body
    assert "your time as a juror" in messages["two@example.org"].body
