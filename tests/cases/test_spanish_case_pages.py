"""The case cycle in Spanish for a coordinator who chose it: the case list, the case page with its
sections, intake, closing, the closing letter, sanctions and sealing; English stays the default."""

from __future__ import annotations

import datetime

from tests.closure.test_closure import closing, coordinator_with_case
from tests.factories import post_form, sign_in
from tests.sanctions.test_sanctions import make_sanction
from youthcourt.cases.models import CaseState
from youthcourt.reference.models import SanctionType
from youthcourt.sanctions.models import SanctionStatus

ENGLISH_ON_CASE_PAGES = (
    "Youth and family",
    "Contact with the family",
    "Add a note",
    "Timeline",
    "Disposition and sanctions",
    "Closure",
    "Close the case",
    "Sanctions in progress",
    "Intake interview",
    "Not recorded",
)


async def spanish_coordinator(db, state=CaseState.SANCTIONS_IN_PROGRESS):
    program, coordinator, case = await coordinator_with_case(db, state)
    coordinator.language = "es"
    await db.commit()
    return program, coordinator, case


async def test_a_spanish_speaking_coordinator_sees_the_case_pages_in_spanish(client, db):
    program, coordinator, case = await spanish_coordinator(db)
    sanction = await make_sanction(db, program, case, SanctionType.COMMUNITY_SERVICE, "20")
    await sign_in(client, coordinator)

    listed = await client.get("/cases", headers={"Accept-Language": "en-US"})
    shown = await client.get(f"/cases/{case.id}")
    intake = await client.get(f"/cases/{case.id}/intake")
    detail = await client.get(f"/sanctions/{sanction.id}")
    overview = await client.get("/sanctions?view=open")

    assert '<html lang="es">' in listed.text
    assert "Nombre o número de caso" in listed.text and "Todos los estados" in listed.text
    assert "Sanciones en curso" in listed.text
    assert "Name or case number" not in listed.text and "All states" not in listed.text
    assert "Joven y familia" in shown.text and "Contacto con la familia" in shown.text
    assert "Resolución y sanciones" in shown.text and "0 de 20 horas" in shown.text
    assert "Cerrar el caso" in shown.text and "Historial" in shown.text
    for english in ENGLISH_ON_CASE_PAGES:
        assert english not in shown.text, english
    assert "Entrevista de admisión" in intake.text and "Guardar la admisión" in intake.text
    assert "Save the intake" not in intake.text and "Needs" not in intake.text
    assert "Servicio comunitario: 20 horas" in detail.text and "Registrar avance" in detail.text
    assert "Record progress" not in detail.text and "Extend the due date" not in detail.text
    assert "Sanciones abiertas de" in overview.text and "Community service" not in overview.text


async def test_marking_a_sanction_done_says_so_in_a_sanctions_own_words(client, db):
    program, coordinator, case = await spanish_coordinator(db)
    sanction = await make_sanction(db, program, case, SanctionType.COMMUNITY_SERVICE, "20")
    await sign_in(client, coordinator)

    marked = await post_form(client, f"/sanctions/{sanction.id}/status", {"status": "completed"})
    page = await client.get(marked.headers["location"])

    assert "La sanción quedó cumplida." in page.text and "completado" not in page.text


async def test_a_spanish_field_error_and_confirmation_on_the_case_page(client, db):
    _program, coordinator, case = await spanish_coordinator(db, CaseState.INTAKE)
    await sign_in(client, coordinator)
    form = {"contacted_on": datetime.date.today().isoformat(), "method": "phone", "summary": ""}

    refused = await post_form(client, f"/cases/{case.id}/contacts", form)
    added = await post_form(client, f"/cases/{case.id}/contacts", {**form, "summary": "Llamé a la mamá."})
    shown = await client.get(f"/cases/{case.id}")

    assert refused.status_code == 422
    assert "Escribe un resumen breve." in refused.text
    assert "Enter a short summary." not in refused.text
    assert added.status_code in (302, 303)
    assert "El contacto se agregó al registro." in shown.text
    assert "Contacto por teléfono" in shown.text


async def test_closing_and_the_letter_to_the_source_follow_the_coordinators_language(client, db):
    program, coordinator, case = await spanish_coordinator(db)
    await make_sanction(db, program, case, status=SanctionStatus.COMPLETED)
    await sign_in(client, coordinator)

    refused = await post_form(client, f"/cases/{case.id}/closure", closing("withdrawn"))
    closed = await post_form(client, f"/cases/{case.id}/closure", closing("successful"))
    letter = await client.get(f"/cases/{case.id}/letter")

    assert refused.status_code == 422
    assert "Escribe el motivo por el que se retira el caso." in refused.text
    assert closed.status_code in (302, 303)
    assert "Finalización del programa del tribunal juvenil" in letter.text
    assert "cumplió todas las sanciones" in letter.text and "Atentamente," in letter.text
    assert "Completion of the youth court program" not in letter.text and "Sincerely" not in letter.text


async def test_the_closing_letter_stays_english_for_an_english_speaking_coordinator(client, db):
    program, coordinator, case = await coordinator_with_case(db)
    coordinator.language = "en"
    await db.commit()
    await make_sanction(db, program, case, status=SanctionStatus.COMPLETED)
    await sign_in(client, coordinator)

    await post_form(client, f"/cases/{case.id}/closure", closing("successful"))
    letter = await client.get(f"/cases/{case.id}/letter", headers={"Accept-Language": "es-MX"})

    assert "Completion of the youth court program" in letter.text and "Sincerely," in letter.text
    assert "Atentamente" not in letter.text


async def test_sealing_a_case_is_offered_in_spanish(client, db):
    _program, coordinator, case = await spanish_coordinator(db, CaseState.COMPLETED)
    case.closed_on = datetime.date.today()
    await db.commit()
    await sign_in(client, coordinator)

    form = await client.get(f"/cases/{case.id}/seal")
    refused = await post_form(client, f"/cases/{case.id}/seal", {"reason": "Terminó con éxito."})

    assert "Sellar el caso" in form.text and "Motivo para sellar" in form.text
    assert "Reason for sealing" not in form.text
    assert refused.status_code == 422
    assert "Marca la casilla para confirmar que hay que sellar el caso." in refused.text
