"""Juror mail is written in the juror's portal account's language (English without one), and a
family's reminder in the first guardian's language."""

from __future__ import annotations

from sqlalchemy import select

from tests.factories import make_program, make_user
from tests.jurors.test_mail_delivery import (
    IN_TWO_DAYS,
    TODAY,
    book,
    make_juror,
    make_night,
    messages,
    on_docket,
    respondent,
)
from youthcourt.jurors import invitations
from youthcourt.jurors.models import BookingStatus
from youthcourt.jurors.reminders import queue_reminders
from youthcourt.programs.models import Role
from youthcourt.referrals.models import Guardian


async def spanish_juror(db, program, first_name: str, address: str):
    user = await make_user(db, program, Role.JUROR, email=f"account-{address}")
    user.language = "es"
    return await make_juror(db, program, first_name, address, user_id=user.id)


async def test_reminders_are_in_each_jurors_and_familys_language(db):
    program = await make_program(db, "Riverside County Youth Court")
    night = await make_night(db, program)
    await book(
        db, await spanish_juror(db, program, "Lucía", "lucia@example.org"), night, BookingStatus.CONFIRMED
    )
    await book(
        db, await make_juror(db, program, "Avery", "avery@example.org"), night, BookingStatus.CONFIRMED
    )
    spanish_family = await respondent(db, program, "Dana", guardians=(("Rosa Quintero", "rosa@example.org"),))
    english_family = await respondent(db, program, "Eli", guardians=(("Ana Evans", "ana@example.org"),))
    rosa = await db.scalar(select(Guardian).where(Guardian.email == "rosa@example.org"))
    rosa.preferred_language = "es"
    await db.commit()
    await on_docket(db, night, spanish_family)
    await on_docket(db, night, english_family)

    await queue_reminders(db, TODAY)
    await db.commit()

    saved = {m.to_address: m for m in await messages(db)}
    lucia, avery, rosa_mail, ana = (
        saved[a] for a in ("lucia@example.org", "avery@example.org", "rosa@example.org", "ana@example.org")
    )
    spanish_day = f"{IN_TWO_DAYS.day} de "
    assert (
        lucia.subject.startswith("Recordatorio: jurado del tribunal juvenil el ")
        and spanish_day in lucia.subject
    )
    for phrase in (
        "Hola, Lucía:",
        "Te recordamos que estás anotado",
        "Hora: de 18:00 a 20:30",
        "Gracias por tu servicio.",
    ):
        assert phrase in lucia.body
    assert "Hello" not in lucia.body and "Reminder" not in lucia.subject and "PM" not in lucia.body
    assert avery.subject == f"Reminder: youth court jury on {IN_TWO_DAYS:%B} {IN_TWO_DAYS.day}"
    assert "Hello Avery," in avery.body and "6:00 PM to 8:30 PM" in avery.body
    assert rosa_mail.subject.startswith("Recordatorio: audiencia del tribunal juvenil el ")
    assert "Te recordamos la audiencia de Dana" in rosa_mail.body and "Hello" not in rosa_mail.body
    assert "Eli's hearing" in ana.body and "Recordatorio" not in ana.subject


async def test_an_invitation_is_in_the_jurors_language(db):
    program = await make_program(db, "Riverside County Youth Court")
    night = await make_night(db, program, TODAY + (IN_TWO_DAYS - TODAY) * 5)
    lucia = await spanish_juror(db, program, "Lucía", "lucia@example.org")
    avery = await make_juror(db, program, "Avery", "avery@example.org")
    for juror in (lucia, avery):
        juror.oath_signed_on = TODAY
    await db.commit()

    await invitations.invite(db, night, [lucia.id, avery.id], portal_url="https://court.example.org/me")
    await db.commit()

    saved = {m.to_address: m for m in await messages(db)}
    spanish, english = saved["lucia@example.org"], saved["avery@example.org"]
    assert spanish.subject.startswith("Invitación a una noche de jurado: ")
    for phrase in (
        "Hola, Lucía:",
        "Te invitamos a servir como jurado",
        "Fecha: ",
        "Lugar: Riverside",
        "https://court.example.org/me",
    ):
        assert phrase in spanish.body
    assert "invited" not in spanish.body and "Date:" not in spanish.body
    assert (
        english.subject.startswith("Jury night invitation: ") and "You are invited to serve" in english.body
    )
