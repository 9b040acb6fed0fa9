"""The family's page in the family's language (the first guardian's), with a switch to the other."""

from __future__ import annotations

import html
from urllib.parse import unquote

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import post_form, sign_in
from tests.respondents.test_respondent_page import Family, give, make_family
from youthcourt.respondents.services import GUARDIAN_PAGE

SPANISH = ["Hola, Jordan", "Llevas 12 de 20 horas. Te faltan 8 horas.", "Próxima audiencia", "Tus sanciones"]
ENGLISH = ["<h1>Hi Jordan", "You have done", "Next hearing", "Your sanctions", "Letters to you", "Questions?"]


async def spanish_family(db: AsyncSession) -> Family:
    family = await make_family(db)
    family.guardian.preferred_language = "es"
    await db.commit()
    return family


async def test_a_spanish_speaking_familys_page_is_in_spanish_whatever_the_browser(client, db):
    family = await spanish_family(db)
    path = await give(db, family)

    page = html.unescape((await client.get(path, headers={"Accept-Language": "en-US"})).text)

    assert '<html lang="es">' in page
    assert [text for text in SPANISH if text not in page] == []
    assert [text for text in ENGLISH if text in page] == []
    assert 'href="?lang=en"' in page, "the switch offers the other language"


async def test_the_switch_shows_the_page_in_the_other_language(client, db):
    family = await spanish_family(db)
    path = await give(db, family)

    page = html.unescape((await client.get(f"{path}?lang=en")).text)

    assert "Hi Jordan" in page and "You have done 12 of 20 hours. 8 hours left." in page
    assert "Hola, Jordan" not in page and 'href="?lang=es"' in page


async def test_an_english_speaking_familys_page_stays_in_english_for_a_spanish_browser(client, db):
    family = await make_family(db)
    path = await give(db, family, GUARDIAN_PAGE)

    page = html.unescape((await client.get(path, headers={"Accept-Language": "es"})).text)

    assert "Jordan has done 12 of 20 hours." in page and "Llevas" not in page


async def test_the_coordinators_email_to_a_spanish_speaking_family_is_in_spanish(client, db):
    family = await spanish_family(db)
    family.coordinator.language = "es"
    await db.commit()
    await sign_in(client, family.coordinator)

    given = await post_form(
        client, f"/cases/{family.case.id}/family-links", {"holder": str(family.guardian.id)}
    )

    page = unquote(html.unescape(given.text))
    assert "Esta es tu página privada en el tribunal juvenil" in page
    assert "Enviarlo por correo" in page and "Email it" not in page
