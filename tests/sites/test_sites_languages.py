"""Partner sites in the reader's language: the coordinator's account language, and the supervisor's
browser language on the page the private link opens."""

from __future__ import annotations

import html

from tests.factories import make_program, make_user, post_form, sign_in
from tests.sites.test_partner_sites import SITE_FORM, give_link, placed_sanction
from youthcourt.programs.models import Role

ENGLISH = ["Partner sites", "Add a partner site", "Kind of work", "All kinds of work", "Filter", "Status"]


async def test_a_spanish_speaking_coordinator_sees_the_directory_and_its_errors_in_spanish(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    coordinator.language = "es"
    await db.commit()
    await sign_in(client, coordinator)

    listed = html.unescape((await client.get("/sites")).text)
    refused = html.unescape(
        (await post_form(client, "/sites/new", {**SITE_FORM, "name": "", "kinds": ""})).text
    )

    assert (
        "Sitios asociados" in listed and "Agregar un sitio asociado" in listed and "Tipo de trabajo" in listed
    )
    assert [text for text in ENGLISH if f">{text}<" in listed] == []
    assert "Escribe el nombre del sitio." in refused and "Elige al menos un tipo de trabajo." in refused
    assert "Servicio comunitario" in refused


async def test_the_supervisors_page_follows_the_browsers_language(client, db):
    _, _, _, _, placement = await placed_sanction(db)
    path = await give_link(db, placement)

    spanish = html.unescape((await client.get(path, headers={"Accept-Language": "es-MX,es;q=0.9"})).text)
    english = html.unescape((await client.get(path, headers={"Accept-Language": "en-US"})).text)

    assert (
        "Servicio comunitario en" in spanish and "Confirmar horas" in spanish and "0 de 10 horas" in spanish
    )
    assert "Confirm hours" not in spanish and "Please do not share" not in spanish
    assert "Community service at" in english and "0 of 10 hours" in english
