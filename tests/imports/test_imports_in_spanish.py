"""Imports in Spanish: a program admin who chose Spanish uploads, maps, previews and imports in
Spanish, the problems of each row included; the column names and values a file uses stay as the
file format writes them."""

from __future__ import annotations

import html
from typing import Any

from tests.factories import make_program, make_user, post_form, sign_in
from tests.imports.test_imports import URL, import_id, mapping_fields, upload
from youthcourt.cases.models import ImportKind
from youthcourt.imports.sample_files import sample_csv
from youthcourt.programs.models import Role
from youthcourt.reference.defaults import ensure_defaults


async def spanish_admin(client: Any, db: Any, language: str = "es") -> None:
    program = await make_program(db)
    await ensure_defaults(db, program.id)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN, name="Ana Admin")
    admin.language = language
    await db.commit()
    await sign_in(client, admin)


async def text_of(client: Any, path: str) -> str:
    response = await client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.text)


async def test_the_import_pages_come_out_in_spanish(client, db):
    await spanish_admin(client, db)

    index = await text_of(client, URL)
    record = import_id(await upload(client, sample_csv(ImportKind.CASES)))
    mapping = await text_of(client, f"{URL}/{record}/mapping")
    saved = await post_form(client, f"{URL}/{record}/mapping", mapping_fields(mapping))
    preview = await text_of(client, saved.headers["location"])
    remembered = await text_of(client, URL)
    done = await post_form(client, f"{URL}/{record}/run", {})
    shown = await text_of(client, done.headers["location"])

    assert "Importaciones" in index and "Subir un archivo" in index and "Casos anteriores" in index
    assert (
        "Columnas de un archivo de casos" in index
        and "Cuándo se cerró el caso: una fecha, AAAA-MM-DD" in index
    )
    assert "<code>closed_on</code>" in index and "completed, not completed, withdrawn" in index
    for english in (
        "Upload a file",
        "Past cases",
        "What it holds",
        "When the case closed",
        "Nothing uploaded",
    ):
        assert english not in index
    assert "Asignar las columnas" in mapping and "Dejar fuera" in mapping and "(obligatoria)" in mapping
    assert "10 filas." in mapping
    for english in ("Map the columns", "Leave out", "(required)", "Check the rows"):
        assert english not in mapping
    assert "Casos anteriores: se recuerdan 23 encabezados." in remembered and "Olvidarla" in remembered
    assert "Esperando la importación" in remembered and "headers remembered" not in remembered
    assert "10 de 10 filas están bien." in preview and "Importar los 10 casos" in preview
    assert "rows are fine" not in preview and "Import all" not in preview
    assert "Se importaron 10 casos de cases.csv." in shown and "Importado" in shown
    assert "Imported 10 cases" not in shown and "Uploaded" not in shown


async def test_row_problems_and_refused_files_are_explained_in_spanish(client, db):
    await spanish_admin(client, db)
    rows = sample_csv(ImportKind.CASES).splitlines()
    header, first = rows[0], rows[1].split(",")
    columns = header.split(",")
    first[columns.index("closed_on")] = "someday"
    first[columns.index("closure")] = "maybe"

    refused = await upload(client, header + "\n")
    record = import_id(await upload(client, "\n".join([header, ",".join(first)]) + "\n"))
    mapping = await text_of(client, f"{URL}/{record}/mapping")
    await post_form(client, f"{URL}/{record}/mapping", mapping_fields(mapping))
    preview = await text_of(client, f"{URL}/{record}/preview")

    assert refused.status_code == 422
    assert "El archivo tiene una fila de encabezados, pero ninguna fila para importar." in html.unescape(
        refused.text
    )
    assert "Escribe la fecha de cierre como una fecha válida, por ejemplo 2026-03-14." in preview
    assert "“maybe” no es uno de estos valores: completed, successful, not completed" in preview
    assert "Fila 2" in preview and "1 fila tiene problemas." in preview
    assert "Enter " not in preview and "is not one of" not in preview and "Row 2" not in preview


async def test_an_english_speaking_admin_keeps_the_english_import_pages(client, db):
    await spanish_admin(client, db, language="en")

    index = await text_of(client, URL)

    assert "Upload a file" in index and "When the case closed: a date, YYYY-MM-DD" in index
    assert "Subir un archivo" not in index
