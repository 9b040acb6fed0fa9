"""A coordinator who reads the app in Spanish gets the hearing pages in Spanish, and English stays
the default."""

from __future__ import annotations

from tests.factories import make_case, make_program, make_user, make_youth, post_form, sign_in
from tests.hearings.test_hearings import NEXT_WEEK, make_hearing, make_night, night_form
from youthcourt.cases.models import CaseState
from youthcourt.programs.models import Role


async def spanish_coordinator(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez")
    coordinator.language = "es"
    await db.commit()
    await sign_in(client, coordinator)
    return program


async def test_hearing_pages_are_in_spanish_for_a_spanish_speaking_coordinator(client, db):
    program = await spanish_coordinator(client, db)
    night = await make_night(db, program, NEXT_WEEK)
    youth = await make_youth(db, program, first_name="Dana", last_name="Quintero")
    case = await make_case(db, program, CaseState.SCHEDULED, youth=youth)
    hearing = await make_hearing(db, night.courtrooms[0], case)
    await make_case(db, program, CaseState.AWAITING_HEARING)

    listing = await client.get("/hearings", headers={"Accept-Language": "en-US"})
    night_page = await client.get(f"/hearings/{night.id}")
    slot = await client.get(f"/hearings/slots/{hearing.id}")
    docket = await client.get(f"/hearings/{night.id}/courtrooms/{night.courtrooms[0].id}/docket")

    assert listing.status_code == 200 and '<html lang="es">' in listing.text
    for phrase in (
        "Noches de audiencias",
        "Planear una noche de audiencias",
        "Próximas noches",
        "de 18:00 a 20:30",
    ):
        assert phrase in listing.text
    for phrase in (
        "Hearing nights",
        "Plan a hearing night",
        "Upcoming nights",
        "Courtrooms: cases on the docket",
    ):
        assert phrase not in listing.text

    assert night_page.status_code == 200
    for phrase in (
        "Agregar un caso a una lista",
        "Audiencia inicial",
        "Preparar el aviso",
        "Lista para imprimir",
    ):
        assert phrase in night_page.text
    for phrase in (
        "Put a case on a docket",
        "Initial hearing",
        "Prepare the notice",
        "Printable docket",
        "Cancel this night",
    ):
        assert phrase not in night_page.text
    assert f"{NEXT_WEEK.day} de " in night_page.text

    assert slot.status_code == 200
    for phrase in ("Audiencia inicial: caso", "Aviso a la familia", "Registro de la investigación"):
        assert phrase in slot.text
    for phrase in ("Initial hearing", "Notice to the family", "Investigation record", "Take off the docket"):
        assert phrase not in slot.text
    assert f"{case.number}</a>: programado</dd>" in slot.text and ": scheduled" not in slot.text

    assert docket.status_code == 200
    assert "Lista de casos: Courtroom A" in docket.text and "Confidencial." in docket.text
    assert "Confidential." not in docket.text and "Respondent" not in docket.text


async def test_a_spanish_night_form_refuses_in_spanish(client, db):
    await spanish_coordinator(client, db)

    refused = await post_form(
        client,
        "/hearings/",
        night_form(location="", ends_at="17:00", room_name_1="Sala A", room_capacity_1="30"),
    )

    assert refused.status_code == 422
    assert "Escribe el lugar." in refused.text
    assert "El número de casos que puede ver Sala A debe" in refused.text
    assert "How many cases" not in refused.text
    assert "La hora de fin debe ser después de la hora de inicio." in refused.text
    assert "Enter the location." not in refused.text and "Plan a hearing night" not in refused.text


async def test_an_english_speaking_coordinator_still_reads_english(client, db):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, Role.COORDINATOR))

    listing = await client.get("/hearings", headers={"Accept-Language": "en-US"})

    assert "Plan a hearing night" in listing.text and "Noches de audiencias" not in listing.text
