"""Outcome reporting in Spanish: follow-up checks and new offenses for a coordinator, and the
evaluator's reports, for people whose language is Spanish."""

from __future__ import annotations

import csv
import io

from tests.factories import post_form, sign_in
from tests.outcomes.test_outcomes import DAY, TODAY, check_form, coordinator_and_check, event_row
from tests.reports.test_exports import make_cohort, plan_of, preview, query
from tests.reports.test_recidivism_report import evaluator_with_cohort, report_query
from tests.reports.test_report_pdf import pdf_words


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
