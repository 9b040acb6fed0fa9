"""Reference data in Spanish: a program admin who chose Spanish keeps the agencies, offenses, grid,
factors and policy in Spanish, with the field errors of those forms in Spanish too."""

from __future__ import annotations

import html

from tests.factories import make_program, make_user, post_form, sign_in
from youthcourt.programs.models import Role
from youthcourt.reference.forms import read_grid
from youthcourt.web.forms import Form
from youthcourt.web.i18n import use_locale


async def spanish_admin(client, db, language: str | None = "es"):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    admin.language = language
    await db.commit()
    await sign_in(client, admin)
    return admin


async def page_text(client, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.text)


async def test_the_reference_pages_come_out_in_spanish(client, db):
    await spanish_admin(client, db)

    overview = await page_text(client, "/reference")
    sources = await page_text(client, "/reference/sources")
    new_source = await page_text(client, "/reference/sources/new")
    offenses = await page_text(client, "/reference/offenses")
    grid = await page_text(client, "/reference/grid")
    factors = await page_text(client, "/reference/factors")
    policy = await page_text(client, "/reference/policy")

    assert "Datos de referencia" in overview and "Agencias remitentes" in overview
    assert "meses después del cierre" in overview
    for english in ("Source agencies", "Sanction grid", "months after closure", "active offenses"):
        assert english not in overview
    assert "Agregar una agencia remitente" in sources and "Policía" in sources
    assert "Add a source agency" not in sources and "<td>Police</td>" not in sources
    assert "Nombre de la agencia" in new_source and "Tipo de agencia" in new_source
    assert "Agency name" not in new_source and "Kind of agency" not in new_source
    assert "Clase A (la menos grave)" in offenses and "Agregar una falta" in offenses
    assert "Add an offense" not in offenses and "least serious" not in offenses
    assert "Servicio comunitario" in grid and "Guardar la tabla" in grid and "horas" in grid
    assert "Community service" not in grid and "Save the grid" not in grid and "Class A" not in grid
    assert "Factores que influyeron" in factors and "Fortalezas" in factors
    assert "Contributing factors" not in factors and "No entries yet" not in factors
    assert "Elegibilidad y plazos" in policy and "Funciones del tribunal" in policy
    assert "Presidente del jurado" in policy and "meses después del cierre" in policy
    for english in ("Youngest age accepted", "Deadlines", "Court roles", "Foreperson", "Undo my edits"):
        assert english not in policy


async def test_reference_field_errors_and_notices_come_in_spanish(client, db):
    await spanish_admin(client, db)
    await client.get("/reference/sources")

    refused = await post_form(
        client, "/reference/sources", {"name": "", "kind": "aliens", "contact_phone": "call me"}
    )
    added = await post_form(client, "/reference/sources", {"name": "Escuela Norte", "kind": "school"})
    shown = await page_text(client, added.headers["location"])
    policy = await post_form(
        client,
        "/reference/policy",
        {"min_age": "15", "max_age": "twelve", "accepted_classes": "A", "follow_up_months": "6"},
    )

    text = html.unescape(refused.text)
    assert refused.status_code == 422
    assert "Escribe el nombre de la agencia." in text
    assert "Elige el tipo de agencia." in text
    assert "Escribe un número de teléfono con dígitos, por ejemplo 555-0142." in text
    assert "Enter " not in text and "Choose " not in text
    assert "Se agregó la agencia remitente." in shown and "Escuela" in shown
    policy_text = html.unescape(policy.text)
    assert policy.status_code == 422
    assert "Escribe la edad máxima aceptada como número entero, por ejemplo 12." in policy_text
    assert "whole number" not in policy_text


def test_a_grid_cell_and_a_role_rule_are_named_in_the_readers_language():
    """Labels completed with words ("the minimum of {where}") are translated whole, words included."""
    values = {"min__community_service__B": "9", "max__community_service__B": "4", "min__essay__A": "x"}
    with use_locale("es"):
        spanish = Form.from_data({**values, "max__essay__A": "3"})
        read_grid(spanish)
    english = Form.from_data({**values, "max__essay__A": "3"})
    read_grid(english)

    assert spanish.errors["max__community_service__B"] == (
        "El máximo de servicio comunitario para la clase B (4) no puede ser menor que el mínimo (9)."
    )
    assert spanish.errors["min__essay__A"] == (
        "Escribe el mínimo de ensayo para la clase A como número entero, por ejemplo 12."
    )
    assert english.errors["max__community_service__B"] == (
        "The maximum of community service for class B (4) must not be less than the minimum (9)."
    )
    assert english.errors["min__essay__A"] == (
        "Enter the minimum of essay for class A as a whole number, for example 12."
    )


async def test_an_english_speaking_admin_keeps_english_pages(client, db):
    await spanish_admin(client, db, language="en")

    policy = await page_text(client, "/reference/policy")

    assert "Eligibility and deadlines" in policy and "Youngest age accepted" in policy
    assert "Elegibilidad" not in policy
