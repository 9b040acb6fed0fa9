"""The referral pages in Spanish for a coordinator who chose it: the list, the intake form with its
field errors, the referral page with its screening, and the decisions; English stays the default."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_program, make_referral, make_user, make_youth, post_form, sign_in
from tests.referrals.test_referrals import DAY, TODAY, catalog, intake
from youthcourt.programs.models import Program, Role

ENGLISH_ON_THE_REFERRAL_PAGE = (
    "Young person",
    "Parents and guardians",
    "Not recorded",
    "Source and family contact",
    "Prior record",
    "First family contact",
    "Record the first contact",
    "Screening",
    "eligibility rules",
    "on the incident date",
    "is not accepted",
    "Passed",
    "Failed",
    "Upload a document",
    "No documents yet",
    "Decision",
    "Accept anyway and open a case",
    "Decline the referral",
    "Return to the source",
    "The source agency is told this reason.",
)
ENGLISH_ON_THE_INTAKE_FORM = (
    "New referral",
    "Parents or guardians",
    "First parent or guardian",
    "Language for letters to the family",
    "Date of the incident",
    "Referring agency",
    "Prior record",
    "Study assignment",
    "Save the referral",
    "(optional)",
)


async def spanish_coordinator(client: Any, db: AsyncSession, language: str = "es") -> Program:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    coordinator.language = language
    await db.commit()
    await sign_in(client, coordinator)
    return program


async def test_the_list_and_the_intake_form_are_in_spanish(client, db):
    program = await spanish_coordinator(client, db)
    await make_referral(db, program, received_on=TODAY - 40 * DAY, incident_date=TODAY - 45 * DAY)

    listed = await client.get("/referrals", headers={"Accept-Language": "en-US"})
    new = await client.get("/referrals/new")

    assert '<html lang="es">' in listed.text
    assert "Remisiones" in listed.text and "Todos los estados" in listed.text
    assert "Agencia de origen" in listed.text and "Nueva remisión" in listed.text
    assert "<strong>Pendiente</strong>" in listed.text and "Esperando más de 30 días" in listed.text
    for english in ("All statuses", "Source agency", "Pending", "Waiting more than", "(class A)"):
        assert english not in listed.text, english
    assert "Padres o tutores" in new.text and "Idioma de las cartas a la familia" in new.text
    assert "Guardar la remisión" in new.text and "Elige la falta" in new.text
    assert "(clase A)" in new.text
    for english in ENGLISH_ON_THE_INTAKE_FORM:
        assert english not in new.text, english


async def test_intake_field_errors_are_in_spanish(client, db):
    program = await spanish_coordinator(client, db)
    source, offense = await catalog(db, program)
    data = intake(
        source,
        offense,
        first_name="",
        date_of_birth=(TODAY + DAY).isoformat(),
        guardian2_name="",
        guardian2_email="carl@example.org",
    )

    refused = await post_form(client, "/referrals", data)

    assert refused.status_code == 422
    assert "Escribe el nombre." in refused.text
    assert "La fecha de nacimiento no puede ser futura." in refused.text
    assert "Escribe el nombre del segundo tutor, o borra los demás campos de este tutor." in refused.text
    for english in ("Enter the first name.", "cannot be in the future", "second guardian", "Please correct"):
        assert english not in refused.text, english


async def test_the_referral_page_and_its_screening_are_in_spanish(client, db):
    program = await spanish_coordinator(client, db)
    too_young = await make_youth(db, program, date_of_birth=TODAY - 9 * 365 * DAY - 30 * DAY)
    referral = await make_referral(db, program, too_young, offense_class="D")

    shown = await client.get(f"/referrals/{referral.id}")

    assert shown.status_code == 200
    assert "Revisión de elegibilidad" in shown.text
    assert "No cumple 2 de las reglas de elegibilidad del programa." in shown.text
    assert "9 años en la fecha del incidente, menos de 10" in shown.text
    assert "La clase D no se acepta" in shown.text
    assert "Este joven no tiene remisiones anteriores en el programa." in shown.text
    assert "Aceptar de todos modos y abrir un caso" in shown.text and "Subir un documento" in shown.text
    for english in ENGLISH_ON_THE_REFERRAL_PAGE:
        assert english not in shown.text, english


async def test_declining_is_refused_and_confirmed_in_spanish(client, db):
    program = await spanish_coordinator(client, db)
    referral = await make_referral(db, program)
    path = f"/referrals/{referral.id}/decline"

    refused = await post_form(client, path, {"version": str(referral.version), "decline_reason": ""})
    declined = await post_form(
        client, path, {"version": str(referral.version), "decline_reason": "Fuera de zona."}
    )
    shown = await client.get(f"/referrals/{referral.id}")

    assert refused.status_code == 422
    assert "Escribe el motivo del rechazo; se le comunica a la agencia de origen." in refused.text
    assert "Enter the reason for declining" not in refused.text
    assert declined.status_code in (302, 303)
    assert "Se rechazó la remisión." in shown.text and "<strong>Rechazada</strong>" in shown.text
    assert "Motivo: Fuera de zona." in shown.text
    assert "The referral was declined." not in shown.text and "Declined" not in shown.text


async def test_an_english_speaking_coordinator_keeps_the_english_pages(client, db):
    program = await spanish_coordinator(client, db, language="en")
    referral = await make_referral(db, program)

    shown = await client.get(f"/referrals/{referral.id}", headers={"Accept-Language": "es-MX"})

    assert "Screening" in shown.text and "Meets all of the program's eligibility rules." in shown.text
    assert "Decline the referral" in shown.text
    assert "Revisión de elegibilidad" not in shown.text and "Rechazar la remisión" not in shown.text
