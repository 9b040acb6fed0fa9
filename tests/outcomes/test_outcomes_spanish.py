"""Outcome reporting in Spanish: follow-up checks and new offenses for a coordinator, and the
evaluator's reports, for people whose language is Spanish."""

from __future__ import annotations

import csv
import html
import io

import pytest
from sqlalchemy import select

from tests.audit.test_audit_reads import publishable_months
from tests.factories import form_token, make_program, make_user, post_form, sign_in, sign_in_with_form
from tests.outcomes.test_outcomes import DAY, TODAY, check_form, coordinator_and_check, event_row
from tests.reports.test_comparison import GOOD as COMPARISON_GOOD
from tests.reports.test_comparison import URL as COMPARISON_URL
from tests.reports.test_comparison import upload as comparison_upload
from tests.reports.test_exports import make_cohort, plan_of, preview, query
from tests.reports.test_recidivism_report import evaluator_with_cohort, report_query
from tests.reports.test_report_pdf import pdf_words
from youthcourt import demo
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Program, Role


async def spanish_coordinator(db):
    program, coordinator, case, check = await coordinator_and_check(db)
    coordinator.language = "es"
    await db.commit()
    return program, coordinator, case, check


def assert_no_english(text: str, *phrases: str) -> None:
    left = [phrase for phrase in phrases if phrase in text]
    assert not left, f"still in English: {left}"


async def test_the_worklist_and_the_check_form_are_in_spanish(client, db):
    _, coordinator, _case, check = await spanish_coordinator(db)
    await sign_in(client, coordinator)

    listing = (await client.get("/follow-ups")).text
    form = (await client.get(f"/follow-ups/{check.id}")).text

    assert '<html lang="es">' in listing
    assert "Revisiones de seguimiento" in listing and "Vencidas ahora" in listing
    assert "Atrasada 20 días" in listing and "Registrar la revisión" in listing
    assert_no_english(listing, "Follow-up checks", "Due now", "Overdue by", "Record the check", "Window")
    assert "Registrar la revisión de seguimiento de los 6 meses" in form
    assert "Registros de la policía" in form and "Evento 2: categoría de falta" in form
    assert "Se encontró una nueva falta" in form and "Agregar otro evento" in form
    assert_no_english(
        form, "Records searched", "Police records", "New offense found", "Add another event", "Event 1 date"
    )


async def test_the_check_forms_errors_and_its_message_are_in_spanish(client, db):
    _, coordinator, case, check = await spanish_coordinator(db)
    await sign_in(client, coordinator)
    bad = check_form("new_offense", records=[], **event_row(2, TODAY - 30 * DAY, kind="", source="school"))

    refused = await post_form(client, f"/follow-ups/{check.id}", bad)
    recorded = await post_form(
        client, f"/follow-ups/{check.id}", check_form("new_offense", **event_row(1, TODAY - 30 * DAY))
    )
    listing = (await client.get("/follow-ups?view=completed")).text

    assert refused.status_code == 422
    assert "Corrige estos puntos y envía el formulario otra vez" in refused.text
    assert "Elige al menos un tipo de registro que revisaste." in refused.text
    assert "Elige el tipo del evento 2." in refused.text
    assert_no_english(refused.text, "Choose at least one", "Choose the type", "Enter ")
    assert recorded.status_code == 303
    assert (
        f"Caso {case.number}: quedó registrada la revisión de los 6 meses (se encontró una nueva falta, 1 evento)."
        in listing
    )
    assert "Hecha el" in listing and "the 6-month check is recorded" not in listing


async def test_a_new_offense_found_later_is_recorded_in_spanish(client, db):
    _, coordinator, case, _check = await spanish_coordinator(db)
    await sign_in(client, coordinator)
    url = f"/cases/{case.id}/outcome-events"

    page = (await client.get(url)).text
    refused = await post_form(client, url, {"event_occurred_on": (TODAY + DAY).isoformat()})

    assert f"Nuevas faltas después del caso {case.number}" in page
    assert "No hay ninguna nueva falta registrada para este joven desde la remisión." in page
    assert "Registrar la nueva falta" in page
    assert_no_english(page, "New offenses after", "Record the new offense", "Choose the type", "Found in")
    assert refused.status_code == 422
    assert "La fecha de la falta no puede ser posterior a hoy." in refused.text
    assert "Elige el tipo de la falta." in refused.text
    assert "Elige los registros donde se encontró la falta." in refused.text
    assert_no_english(refused.text, "cannot be after", "Choose the")


async def spanish_evaluator(db):
    program, evaluator = await evaluator_with_cohort(db)
    evaluator.language = "es"
    await db.commit()
    return program, evaluator


async def test_the_reports_workspace_and_the_program_measures_are_in_spanish(client, db):
    _, evaluator = await spanish_evaluator(db)
    await sign_in(client, evaluator)

    home = (await client.get("/reports")).text
    measures = (await client.get("/reports/measures?start=2023-01&end=2023-12")).text

    assert '<html lang="es">' in home
    assert "Informes de resultados anonimizados" in home and "Medidas del programa" in home
    assert "Reincidencia" in home and "Exportación anonimizada" in home and "Grupos de comparación" in home
    assert_no_english(
        home, "De-identified outcome reports", "Program measures", "Comparison groups", "Effects"
    )
    assert "Cifras para los informes de subvenciones" in measures
    assert (
        "Jóvenes atendidos" in measures
        and "Casos cerrados" in measures
        and "Tasa de cumplimiento" in measures
    )
    assert '<th scope="row">Cumplidos</th>' in measures and "Remisiones recibidas" in measures
    assert "Cómo se cuenta:" in measures and "Mostrar las medidas" in measures and "T1 2023" not in measures
    assert_no_english(
        measures,
        "Youth served",
        "Cases closed",
        "Completion rate",
        "How counted",
        "Referrals received",
        " to 2023",
    )


async def test_the_measures_refuse_a_period_in_spanish_and_their_file_stays_in_english(client, db):
    _, evaluator = await spanish_evaluator(db)
    await sign_in(client, evaluator)

    refused = await client.get("/reports/measures?start=2023-05&end=2023-02")
    empty = await client.get("/reports/measures?start=&end=2023-02")
    download = await client.get("/reports/measures.csv?start=2023-01&end=2023-03")

    assert refused.status_code == 422
    assert "El último mes tiene que ser el primer mes o uno posterior." in refused.text
    assert "Escribe el primer mes." in empty.text
    assert_no_english(refused.text + empty.text, "The last month must", "Enter the first month")
    rows = list(csv.reader(io.StringIO(download.text.removeprefix("\ufeff"))))
    assert rows[0] == ["Section", "Measure", "Value", "How counted"]
    assert rows[1][:2] == ["Youth served", "Carried over"]


async def test_the_recidivism_report_is_in_spanish_and_its_files_in_english(client, db):
    program, evaluator = await spanish_evaluator(db)
    await sign_in(client, evaluator)

    form = (await client.get("/reports/recidivism")).text
    page = (await client.get(f"/reports/recidivism?{report_query(program, group='completion')}")).text
    table = await client.get(f"/reports/recidivism/groups.csv?{report_query(program, group='completion')}")

    assert "Quién tuvo una nueva falta dentro de un período de seguimiento" in form
    assert (
        "Cuenta como nueva falta" in form and "El conteo empieza en" in form and "Preparar el informe" in form
    )
    assert "Arresto" in form and ">Caso cerrado<" in form and ">12 meses<" in form
    assert_no_english(form, "Counts as a new offense", "Build the report", "Follow-up window", "12 months")
    assert "Nueva falta = arresto o acusación, en los 6 meses después del cierre del caso" in page
    assert "Entre los jóvenes con seguimiento durante todo el período" in page
    assert "Menos de 3 casos de estas remisiones quedan fuera" in page
    assert "6 meses son 183 días desde el inicio del conteo (caso cerrado)" in page
    assert '<th scope="row">Cumplidos</th>' in page and "Reincidieron" in page and "Tasa (IC 95%)" in page
    assert "Meses desde el cierre del caso" in page and "% sin reincidir" in page
    assert "¿Los grupos son diferentes?" in page and "Qué contiene cada columna" in page
    assert_no_english(
        page,
        "New offense =",
        "Among youth followed",
        "cases of these referrals are left out",
        "Counts are rounded",
        "Reoffended",
        "Months since",
        "not reoffended",
        "Do the groups differ",
        "Withheld",
        "Download",
        ">Completed<",
    )
    assert "Withheld" not in table.text and ",Completed," in table.text
    assert table.text.removeprefix("\ufeff").startswith("anchor,window_months")


async def test_the_recidivism_form_refuses_its_choices_in_spanish(client, db):
    program, evaluator = await spanish_evaluator(db)
    await sign_in(client, evaluator)

    no_event = await client.get(f"/reports/recidivism?{report_query(program, event=[])}")
    landmark = await client.get(f"/reports/recidivism?{report_query(program, landmark='90')}")
    late = await client.get(f"/reports/recidivism?{report_query(program, referred_to=f'{TODAY:%Y-%m}')}")

    assert no_event.status_code == landmark.status_code == late.status_code == 422
    assert "Elige al menos un tipo de evento que cuente como nueva falta." in no_event.text
    assert "Un día de referencia solo se aplica al agrupar por estado de cumplimiento" in landmark.text
    assert "Elige un mes que ya terminó:" in late.text and " de 20" in late.text
    assert_no_english(no_event.text + landmark.text + late.text, "Choose", "A landmark applies", "or earlier")


async def test_the_recidivism_pdf_follows_the_evaluators_language(client, db):
    program, evaluator = await spanish_evaluator(db)
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism/report.pdf?{report_query(program, group='completion')}")

    assert response.status_code == 200
    words = pdf_words(response.content)
    assert "Informe de reincidencia" in words and "Cifras principales" in words and "Por grupo" in words
    assert "Tiempo hasta una primera nueva falta" in words and "Cumplidos" in words
    assert_no_english(words, "Recidivism report", "Headline", "By group", "Reoffended", "Produced on")


async def test_the_export_page_and_its_de_identification_plan_are_in_spanish(client, db):
    data = await make_cohort(db)
    data["evaluator"].language = "es"
    await db.commit()
    await sign_in(client, data["evaluator"])

    page = (await client.get("/reports/exports")).text
    plan = await client.get(preview([data["program"].id]))
    refused = await client.get(query([data["program"].id], dates="sideways"))
    unnamed = await post_form(client, "/reports/exports/releases", {"release_name": " "})

    assert "Exportar registros anonimizados" in page and "Qué es una fila del archivo" in page
    assert "Una fila por caso" in page and "Libro de Excel (con el diccionario de datos)" in page
    assert "Descargar la exportación" in page and "Entregas de datos" in page
    assert_no_english(
        page, "Export de-identified records", "One row per case", "Download the export", "File format"
    )
    words = plan_of(plan.text)
    assert "Qué hace el archivo de casos con fechas desplazadas" in words
    assert "3 filas, una por caso" in words and "Seudónimos: Nuevos solo para este archivo" in words
    assert "k-anonimidad: No se aplica" in words and "Casos sellados: Incluidos" in words
    assert_no_english(words, "What the", "rows, one per", "Drawn afresh", "Not applied", "Left out")
    assert refused.status_code == 422 and "Elige cómo se anonimizan las fechas." in refused.text
    assert unnamed.status_code == 422 and "Escribe un nombre para la entrega de datos." in unnamed.text
    assert_no_english(refused.text + unnamed.text, "Choose how dates", "Enter a name")


async def spanish_demo_evaluator(client, db) -> str:
    """An evaluator of the demo program who reads Spanish, signed in; the cohort's query string."""
    program = await db.scalar(select(Program).where(Program.slug == demo.DEMO_PROGRAM_SLUG))
    evaluator = await make_user(db, program, Role.EVALUATOR)
    evaluator.language = "es"
    await db.commit()
    await sign_in(client, evaluator)
    first, last = await publishable_months(db, program)
    return f"program={program.id}&referred_from={first}&referred_to={last}"


EFFECTS_CHOICES = (
    "&event=arrest&event=charge&anchor=closure&window=12&first=completion:completed"
    "&second=completion:unsuccessful&covariate=age&covariate=gender&method=weighting"
)


@pytest.mark.demo
async def test_the_effects_report_and_its_pdf_are_in_spanish(client, db):
    cohort = await spanish_demo_evaluator(client, db)

    form = (await client.get("/reports/effects")).text
    response = await client.get(f"/reports/effects?{cohort}{EFFECTS_CHOICES}")
    pdf = await client.get(f"/reports/effects/report.pdf?{cohort}{EFFECTS_CHOICES}")

    assert "Primer grupo" in form and "Comparar los grupos" in form and "Ajustar por" in form
    assert "Estado de cumplimiento: no cumplidos" in form and "Edad al ser remitido (años)" in form
    assert_no_english(
        form, "First group", "Compare the groups", "Adjust for", "Completion status:", "12 months"
    )
    assert response.status_code == 200, response.text[:300]
    page = html.unescape(response.text)
    assert "Cumplidos frente a No cumplidos" in page and "La muestra en cada paso" in page
    assert "Remitidos en el rango" in page and "Riesgo relativo" in page and "Razón de momios" in page
    assert "Cumplidos (frente a No cumplidos)" in page and "Edad al ser remitido (años)" in page
    assert "Puntuación de propensión: ponderación por el inverso de la probabilidad" in page
    assert "Análisis de casos completos" in page and "Jóvenes remitidos de " in page
    assert_no_english(
        page,
        "Completed against",
        "The sample at each step",
        "Referred in the range",
        "Risk ratio",
        "Hazard ratio",
        "Age at referral (years)",
        "Weighted risk difference",
        "Complete-case analysis",
        "Youth referred from",
        " points",
        " to ",
    )
    [entry] = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "report.viewed"))).all()
    assert entry.details["first_group"] == "Completed", "the audit trail keeps the report's English keys"
    assert pdf.status_code == 200
    words = pdf_words(pdf.content)
    assert "Efectos: Cumplidos frente a No cumplidos" in words and "Métodos" in words
    assert "Modelo de Cox: razones de riesgos instantáneos" in words and "página 1 de" in words
    assert_no_english(words, "Effects:", "The sample", "Methods", "Hazard ratio", "page 1 of", "Produced on")


@pytest.mark.demo
async def test_the_effects_form_refuses_its_choices_in_spanish(client, db):
    cohort = await spanish_demo_evaluator(client, db)

    mixed = await client.get(
        f"/reports/effects?{cohort}&event=arrest&anchor=closure&window=12&first=completion:completed"
        "&second=juror:served&covariate=age&method=matching"
    )
    unknown = await client.get(
        f"/reports/effects?{cohort}&event=arrest&anchor=closure&window=12&first=completion:completed"
        "&second=comparison:Nobody&covariate=shoe&method=matching"
    )

    assert mixed.status_code == unknown.status_code == 422
    assert "Elige dos grupos del mismo tipo: por ejemplo, dos estados de cumplimiento." in mixed.text
    assert "Elige el segundo grupo." in unknown.text and "Elige las covariables de la lista." in unknown.text
    assert_no_english(
        mixed.text + unknown.text, "Choose two groups", "Choose the second", "Choose the covariates"
    )


COMPARISON_BAD = "\n".join(
    [
        "id,group,anchor_date,followed_until,events,age,gender,race_ethnicity,offense_class",
        "RC-1,Regular court,2025-01-10,2026-01-10,,15,Female,,A",
        "RC-2,Regular court,01/02/2025,2026-02-01,,,,,",
        "RC-3,Regular court,2025-02-01,2026-02-01,2025-03-04:felony,,,,E",
        "RC-1,Regular court,2025-01-10,2026-01-10,,,,,",
    ]
)


async def test_the_comparison_groups_page_and_its_file_problems_are_in_spanish(client, db):
    program = await make_program(db)
    evaluator = await make_user(db, program, Role.EVALUATOR)
    evaluator.language = "es"
    await db.commit()
    await sign_in_with_form(client, evaluator)
    page = (await client.get(COMPARISON_URL)).text
    await form_token(client, COMPARISON_URL)

    refused = await comparison_upload(client, COMPARISON_BAD, filename="court.csv")
    workbook = await comparison_upload(client, b"PK\x03\x04rest", filename="court.xlsx")
    imported = await comparison_upload(client, COMPARISON_GOOD)
    listing = (await client.get(COMPARISON_URL)).text

    assert "Importar un archivo" in page and "El formato del archivo" in page and "Obligatoria" in page
    assert "Todavía no se importó ningún grupo de comparación." in page and "(en inglés)" in page
    assert "El identificador anonimizado de la fuente: de 1 a 64 letras" in page
    assert_no_english(
        page, "Import a file", "The file format", "What it holds", "No comparison groups", "whole years"
    )
    text = html.unescape(refused.text)
    assert refused.status_code == 422
    assert "No se importó court.csv: no se guardó nada." in text
    assert "Corrige estos 4 problemas y vuelve a subir el archivo completo." in text
    assert 'Fila 3, anchor_date: "01/02/2025" no es una fecha con la forma AAAA-MM-DD' in text
    assert (
        'Fila 5, id: "RC-1" aparece dos veces en el grupo "Regular court" (la primera en la fila 2).' in text
    )
    assert_no_english(text, "was not imported", "Fix these", "Row ", "is not a date", "appears twice")
    assert workbook.status_code == 422
    assert "Este archivo es un libro de hoja de cálculo (Excel, LibreOffice o Numbers)" in workbook.text
    assert "not a CSV file" not in workbook.text
    assert imported.status_code == 303
    assert "Se importaron 3 registros en los grupos Regular court, Other diversion." in listing
    assert "¿Borrar la importación de regular-court.csv? Sus 3 registros" in html.unescape(listing)
    assert_no_english(listing, "Imported 3 records", "Delete the import")


async def test_the_data_dictionary_is_in_spanish_and_its_file_in_english(client, db):
    data = await make_cohort(db)
    data["evaluator"].language = "es"
    await db.commit()
    await sign_in(client, data["evaluator"])

    page = html.unescape((await client.get("/reports/exports/dictionary?dates=month")).text)
    download = await client.get("/reports/exports/dictionary.csv?dates=month&kind=events")

    assert "Diccionario de datos de las exportaciones" in page and "Una fila por caso" in page
    assert "<code>youth_id</code>" in page and "<code>days_from_referral</code>" in page
    assert "Identificador seudónimo del joven, nuevo en cada exportación" in page
    assert "La primera nueva falta de tipo 'arresto' encontrada después de la remisión." in page
    assert "En un archivo solo con meses: meses completos" in page and "k-anonimidad (k = " in page
    assert "Jóvenes cuyo conteo empezó. Publicado como en la página" in page
    assert "El límite inferior del intervalo de Wilson del 95%, en porcentaje." in page
    assert "entero" in page and "mes (YYYY-MM)" in page and "Descargar como CSV" in page
    assert_no_english(
        page,
        "Data dictionary of the exports",
        "Pseudonymous id",
        "The first new offense",
        "In a month-only file",
        "Published as on the page",
        "Meaning and how",
        "integer",
        "Download as CSV",
    )
    rows = list(csv.reader(io.StringIO(download.text.removeprefix("\ufeff"))))
    assert rows[0] == ["column", "type", "meaning", "allowed_values"]
    assert rows[1][2].startswith("Pseudonymous id of the young person")


def test_the_check_form_says_its_field_errors_in_spanish_through_the_shared_fields():
    """The labels are completed with the words naming an event row, then translated with them."""
    from youthcourt.outcomes.forms import CheckForm, EventForm
    from youthcourt.outcomes.services import event_words
    from youthcourt.web.i18n import use_locale

    with use_locale("es"):
        check = CheckForm.read({"checked_on": (TODAY + DAY).isoformat(), "result": "maybe"}, today=TODAY)
        row = EventForm.read(
            {"e2_occurred_on": "soon"}, prefix="e2_", words=event_words(2), options={"offense_category": {}}
        )

    assert check.form.errors["checked_on"] == "La fecha de la revisión no puede ser una fecha futura."
    assert check.form.errors["result"] == "Elige lo que encontró la revisión."
    assert row.form.errors["e2_occurred_on"] == (
        "Escribe la fecha del evento 2 como una fecha válida, por ejemplo 2026-03-14."
    )
    assert row.form.errors["e2_source"] == "Elige los registros donde se encontró el evento 2."
