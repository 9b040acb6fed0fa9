"""Outcome reporting in Spanish: a coordinator who reads Spanish records a follow-up check (the
worklist, the check form, a field error and the message once it is recorded), and an evaluator
who reads Spanish builds a recidivism report after a field error, and reads the program measures;
compares two groups in the effects report after a field error, is told in Spanish what is wrong
with a comparison-group file, and reads the data dictionary."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from e2e.conftest import choose_language, sign_in

TODAY = datetime.date.today()
ROW = "main tbody tr"


def test_a_spanish_speaking_coordinator_records_a_follow_up_check(page: Page, shoot, base_url: str):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    choose_language(page, "Español", "Save")
    try:
        page.get_by_role("navigation", name="Principal").get_by_role("link", name="Seguimientos").click()
        expect(page).to_have_url(base_url + "/follow-ups")
        expect(page.get_by_role("heading", level=1)).to_have_text("Revisiones de seguimiento")
        expect(page.get_by_role("link", name="Vencidas ahora")).to_have_attribute("aria-current", "page")
        for status in page.locator(f"{ROW} td:nth-child(5)").all_inner_texts():
            assert status == "Vence hoy" or status.startswith("Atrasada"), status
        shoot("worklist-es")

        last = page.locator(ROW).last
        case_number = last.locator("td").first.inner_text()
        last.get_by_role("link", name="Registrar la revisión").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Registrar la revisión de seguimiento")
        expect(page.get_by_label("Fecha de la revisión")).to_have_value(TODAY.isoformat())

        page.get_by_label("Se encontró una nueva falta").check()
        page.get_by_label("Evento 1: fecha").fill((TODAY - datetime.timedelta(days=5)).isoformat())
        page.get_by_label("Evento 1: tipo").select_option(label="Arresto")
        page.get_by_role("button", name="Registrar la revisión").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("Corrige estos puntos y envía el formulario otra vez")
        expect(page.locator("#error-records")).to_have_text(
            "Elige al menos un tipo de registro que revisaste."
        )
        expect(page.locator("#error-e1_offense_category")).to_have_text(
            "Elige la categoría de falta del evento 1."
        )
        shoot("check-errors-es")

        page.get_by_label("Registros de la policía").check()
        page.get_by_label("Evento 1: categoría de falta").select_option(index=1)
        page.get_by_label("Evento 1: encontrado en").select_option(label="Policía")
        page.get_by_role("button", name="Registrar la revisión").click()

        expect(page).to_have_url(base_url + "/follow-ups")
        status = page.get_by_role("status")
        expect(status).to_contain_text(f"{case_number}: quedó registrada la revisión")
        expect(status).to_contain_text("se encontró una nueva falta, 1 evento")
        shoot("recorded-es")
    finally:
        # Back to following the browser, as the other tests of the demo coordinator expect.
        choose_language(page, "El idioma de mi navegador", "Guardar")


def test_a_spanish_speaking_evaluator_builds_a_recidivism_report(page: Page, shoot, base_url: str):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    choose_language(page, "Español", "Save")
    try:
        page.goto("/reports")
        expect(page.get_by_role("heading", level=1)).to_have_text("Informes")
        shoot("evaluator-reports-home-es")
        page.get_by_role("link", name="Reincidencia").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Reincidencia")

        page.get_by_label("Arresto").uncheck()
        page.get_by_label("Acusación").uncheck()
        page.get_by_role("button", name="Preparar el informe").click()
        expect(page.locator("#error-event")).to_have_text(
            "Elige al menos un tipo de evento que cuente como nueva falta."
        )
        expect(page.get_by_role("alert")).to_contain_text("Corrige")
        shoot("evaluator-recidivism-error-es")

        page.get_by_label("Arresto").check()
        page.get_by_label("Agrupar por").select_option(label="Servicio posterior como jurado")
        page.get_by_label("Período de seguimiento").select_option(label="12 meses")
        page.get_by_role("button", name="Preparar el informe").click()

        results = page.locator("#results")
        expect(results.get_by_role("heading", level=2)).to_have_text(
            "Nueva falta = arresto, en los 12 meses después del cierre del caso"
        )
        expect(results.locator("svg[role=img]")).to_be_visible()
        expect(results.locator("table").first.locator("tbody th[scope=row]")).to_have_text(
            ["Sirvieron como jurado", "No sirvieron como jurado"]
        )
        expect(results).to_contain_text("Prueba de log-rank entre")
        expect(results).not_to_contain_text("Served as a juror")
        shoot("evaluator-recidivism-report-es")

        page.goto("/reports/measures")
        expect(page.get_by_role("heading", level=1)).to_have_text("Medidas del programa")
        expect(page.locator("#measures")).to_contain_text("Jóvenes atendidos")
        shoot("evaluator-measures-es")

        page.goto("/reports/exports")
        expect(page.get_by_role("heading", level=1)).to_have_text("Exportar registros anonimizados")
        page.get_by_role("button", name="Revisar primero la anonimización").click()
        plan = page.locator("#export-plan")
        expect(plan.get_by_role("heading", level=2)).to_have_text(
            "Qué hace el archivo de casos con fechas desplazadas"
        )
        expect(plan).to_contain_text("Seudónimos")
        shoot("evaluator-exports-es")
    finally:
        choose_language(page, "El idioma de mi navegador", "Guardar")


BAD_COMPARISON = "\n".join(
    [
        "id,group,anchor_date,followed_until,events,age,gender,race_ethnicity,offense_class",
        "ES-1,Muestra de libertad condicional,2024-02-01,2025-02-01,,15,Female,,A",
        "ES-2,Muestra de libertad condicional,03/12/2024,2025-03-12,,16,Male,,B",
    ]
)


def test_a_spanish_speaking_evaluator_compares_groups_and_imports_a_comparison_file(
    page: Page, shoot, base_url: str, tmp_path
):
    bad = tmp_path / "muestra.csv"
    bad.write_text(BAD_COMPARISON, encoding="utf-8")
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    choose_language(page, "Español", "Save")
    try:
        page.goto("/reports/effects")
        expect(page.get_by_role("heading", level=1)).to_have_text("Efectos")
        page.get_by_label("Segundo grupo").select_option(label="Servicio como jurado: sirvieron como jurado")
        page.get_by_role("button", name="Comparar los grupos").click()
        expect(page.get_by_role("alert")).to_contain_text("Corrige")
        expect(page.locator("#error-second")).to_have_text(
            "Elige dos grupos del mismo tipo: por ejemplo, dos estados de cumplimiento."
        )
        shoot("evaluator-effects-error-es")

        page.get_by_label("Segundo grupo").select_option(label="Estado de cumplimiento: no cumplidos")
        page.get_by_role("button", name="Comparar los grupos").click()
        results = page.locator("#results")
        expect(results.get_by_role("heading", level=2)).to_have_text("Cumplidos frente a No cumplidos")
        expect(results).to_contain_text("La muestra en cada paso")
        expect(results).to_contain_text("Puntuación de propensión")
        expect(results).not_to_contain_text("Completed")
        shoot("evaluator-effects-report-es")

        page.goto("/reports/comparison")
        expect(page.get_by_role("heading", level=1)).to_have_text("Grupos de comparación")
        page.get_by_label("Archivo CSV").set_input_files(str(bad))
        page.get_by_role("button", name="Importar el archivo").click()
        problems = page.get_by_role("alert")
        expect(problems).to_contain_text("No se importó muestra.csv: no se guardó nada.")
        expect(problems).to_contain_text(
            'Fila 3, anchor_date: "03/12/2024" no es una fecha con la forma AAAA-MM-DD'
        )
        expect(page.locator("#imports")).not_to_contain_text("Muestra de libertad condicional")
        shoot("evaluator-comparison-refused-es")

        page.goto("/reports/exports/dictionary")
        expect(page.get_by_role("heading", level=1)).to_have_text("Diccionario de datos de las exportaciones")
        expect(page.locator("main")).to_contain_text("Identificador seudónimo del joven")
        shoot("evaluator-dictionary-es")
    finally:
        choose_language(page, "El idioma de mi navegador", "Guardar")
