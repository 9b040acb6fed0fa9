"""A coordinator who reads the app in Spanish gets the juror program's staff pages in Spanish: the
roster and a juror's record, a night's invitations, panels and check-in, training, credits,
rewards, the outbox and the reports; English stays the default."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import post_form, sign_in
from tests.jurors.test_juror_records import (
    DAY,
    TODAY,
    coordinator_and_program,
    make_booking,
    make_juror,
    make_night,
    volunteer_form,
)
from youthcourt.hearings.models import Courtroom
from youthcourt.jurors.models import Attendance, BookingStatus


async def signed_in(client, db, language: str | None):
    program, coordinator = await coordinator_and_program(db)
    coordinator.language = language
    await db.commit()
    await sign_in(client, coordinator)
    juror = await make_juror(db, program, first_name="Lucía", last_name="Rivas", school="Riverside High")
    night = await make_night(db, program, TODAY)
    booking = await make_booking(db, program, juror, night, status=BookingStatus.CONFIRMED)
    return program, juror, night, booking


def pages(juror, night) -> list[str]:
    return [
        "/jurors",
        f"/jurors/{juror.id}",
        f"/jurors/{juror.id}/edit",
        f"/jurors/{juror.id}/credits",
        "/jurors/new",
        "/jurors/nights",
        f"/jurors/nights/{night.id}",
        f"/jurors/nights/{night.id}/panels",
        f"/jurors/nights/{night.id}/check-in",
        "/jurors/training",
        "/jurors/rewards",
        "/jurors/rewards/new",
        "/jurors/outbox",
        "/jurors/reports",
    ]


SPANISH = {
    "/jurors": ("Lista de jurados", "Agregar un voluntario", "Horas de servicio", "Voluntario", "Activo"),
    "record": (
        "Juramento y estado",
        "Servicio en noches de audiencias",
        "Conflictos declarados",
        "Dar acceso al portal",
    ),
    "edit": ("Editar los datos de Lucía Rivas", "Guardar los datos", "Padre, madre o tutor"),
    "credits": ("Créditos: Lucía Rivas", "Ajustar el saldo", "Movimientos"),
    "new": ("Agregar el voluntario", "Notas de la evaluación"),
    "nights": ("Noches de jurado", "Próximas noches", "Lugares ocupados"),
    "night": ("Invitaciones y respuestas", "Invitar jurados", "Respuestas", "lugares ocupados"),
    "panels": ("Paneles del", "Confirmados, sin panel", "Lo decides tú"),
    "checkin": ("Registro de llegada:", "Jurados confirmados (1)", "Presente", "Justificado: motivo"),
    "training": ("Capacitación de jurados", "Agregar una sesión de capacitación"),
    "rewards": ("Premios", "Agregar un premio"),
    "reward_new": ("Costo en créditos", "Agregar el premio"),
    "outbox": ("Bandeja de salida", "Todos los mensajes", "Enviar ahora los correos pendientes"),
    "reports": ("Informes de jurados", "Horas de servicio por mes", "Exparticipantes en los jurados"),
}
ENGLISH = {
    "/jurors": ("Roster", "Add a volunteer", "Hours served", "Came as"),
    "record": ("Oath and status", "Service on hearing nights", "Declared conflicts", "Give portal access"),
    "edit": ("Edit Lucía Rivas's details", "Save the details", "Parent or guardian"),
    "credits": ("Time credits: Lucía Rivas", "Adjust the balance", "Ledger"),
    "new": ("Add the volunteer", "Screening notes"),
    "nights": ("Jury nights", "Upcoming nights", "Seats taken"),
    "night": ("Invitations and replies", "Invite jurors", "Replies", "seats taken"),
    "panels": ("Panels for", "Confirmed, not on a panel", "For you to decide"),
    "checkin": ("Check-in:", "Confirmed jurors (1)", "Excused: reason"),
    "training": ("Juror training", "Add a training session"),
    "rewards": ("Rewards", "Add a reward"),
    "reward_new": ("Cost in credits", "Add the reward"),
    "outbox": ("Outbox", "All messages", "Send pending mail now"),
    "reports": ("Jury pool reports", "Hours served by month", "Former respondents on juries"),
}
KEYS = list(SPANISH)


@pytest.mark.parametrize("language", ["es", None])
async def test_the_juror_programs_pages_follow_the_coordinators_language(client, db, language):
    _program, juror, night, _booking = await signed_in(client, db, language)
    expected, absent = (SPANISH, ENGLISH) if language == "es" else (ENGLISH, SPANISH)

    for key, path in zip(KEYS, pages(juror, night), strict=True):
        response = await client.get(path, headers={"Accept-Language": "en-US"})
        assert response.status_code == 200, path
        assert f'<html lang="{language or "en"}">' in response.text, path
        for phrase in expected[key]:
            assert phrase in response.text, (path, phrase)
        for phrase in absent[key]:
            assert phrase not in response.text, (path, phrase)


async def test_a_spanish_coordinators_form_errors_and_messages_are_in_spanish(client, db):
    program, _juror, night, booking = await signed_in(client, db, "es")
    room = await db.scalar(select(Courtroom).where(Courtroom.night_id == night.id))

    refused = await post_form(client, "/jurors/", volunteer_form(first_name="", date_of_birth="1850-01-01"))
    assert refused.status_code == 422
    assert "Escribe el nombre." in refused.text
    assert "Revisa la fecha de nacimiento: es de hace demasiado tiempo." in refused.text
    assert "Enter the first name." not in refused.text

    newcomer = await make_juror(db, program, first_name="Noa", last_name="Diaz")
    status = await post_form(client, f"/jurors/{newcomer.id}/status", {"status": "active"})
    assert status.status_code == 422
    assert "El estado de este jurado ya es: activo." in status.text

    seated = await post_form(
        client,
        f"/jurors/nights/{night.id}/bookings/{booking.id}/panel",
        {"courtroom_id": str(room.id), "role": "foreperson"},
    )
    assert seated.status_code == 422
    assert "no está habilitado como presidente del jurado." in seated.text


async def test_an_english_coordinator_keeps_english_messages(client, db):
    await signed_in(client, db, "en")

    refused = await post_form(client, "/jurors/", volunteer_form(first_name=""))
    assert refused.status_code == 422
    assert "Enter the first name." in refused.text
    assert "Escribe" not in refused.text


@pytest.mark.parametrize(("language", "shown"), [("es", "2,5"), (None, "2.5")])
async def test_hours_are_written_with_the_languages_decimal_mark(client, db, language, shown):
    program, coordinator = await coordinator_and_program(db)
    coordinator.language = language
    await db.commit()
    await sign_in(client, coordinator)
    juror = await make_juror(db, program, first_name="Lucía", last_name="Rivas")
    night = await make_night(db, program, TODAY - 7 * DAY)
    await make_booking(db, program, juror, night, attendance=Attendance.PRESENT, hours="2.5")

    record = await client.get(f"/jurors/{juror.id}", headers={"Accept-Language": "en-US"})

    assert f"<dd>{shown}</dd>" in record.text
