"""Outcome reporting in Spanish: a coordinator who reads Spanish records a follow-up check (the
worklist, the check form, a field error and the message once it is recorded), and an evaluator
who reads Spanish builds a recidivism report after a field error, and reads the program measures."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from e2e.conftest import SCREENSHOTS, sign_in

TODAY = datetime.date.today()
ROW = "main tbody tr"


def snap(page: Page, step: str, who: str = "follow-up") -> None:
    """A full-page screenshot to look at, taken on every run (CI included)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"spanish-{who}-{step}.png"), full_page=True)


def choose_language(page: Page, label: str, button: str) -> None:
    page.goto("/account/language")
    page.get_by_label(label).check()
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("status")).to_be_visible()


def test_a_spanish_speaking_coordinator_records_a_follow_up_check(page: Page, base_url: str):
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
        snap(page, "worklist-es")

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
        snap(page, "check-errors-es")

        page.get_by_label("Registros de la policía").check()
        page.get_by_label("Evento 1: categoría de falta").select_option(index=1)
        page.get_by_label("Evento 1: encontrado en").select_option(label="Policía")
        page.get_by_role("button", name="Registrar la revisión").click()

        expect(page).to_have_url(base_url + "/follow-ups")
        status = page.get_by_role("status")
        expect(status).to_contain_text(f"{case_number}: quedó registrada la revisión")
        expect(status).to_contain_text("se encontró una nueva falta, 1 evento")
        snap(page, "recorded-es")
    finally:
        # Back to following the browser, as the other tests of the demo coordinator expect.
        choose_language(page, "El idioma de mi navegador", "Guardar")


def test_a_spanish_speaking_evaluator_builds_a_recidivism_report(page: Page, base_url: str):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    choose_language(page, "Español", "Save")
    try:
        page.goto("/reports")
        expect(page.get_by_role("heading", level=1)).to_have_text("Informes")
        snap(page, "reports-home-es", "evaluator")
        page.get_by_role("link", name="Reincidencia").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Reincidencia")

        page.get_by_label("Arresto").uncheck()
        page.get_by_label("Acusación").uncheck()
        page.get_by_role("button", name="Preparar el informe").click()
        expect(page.locator("#error-event")).to_have_text(
            "Elige al menos un tipo de evento que cuente como nueva falta."
        )
        expect(page.get_by_role("alert")).to_contain_text("Corrige")
        snap(page, "recidivism-error-es", "evaluator")

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
        snap(page, "recidivism-report-es", "evaluator")

        page.goto("/reports/measures")
        expect(page.get_by_role("heading", level=1)).to_have_text("Medidas del programa")
        expect(page.locator("#measures")).to_contain_text("Jóvenes atendidos")
        snap(page, "measures-es", "evaluator")

        page.goto("/reports/exports")
        expect(page.get_by_role("heading", level=1)).to_have_text("Exportar registros anonimizados")
        page.get_by_role("button", name="Revisar primero la anonimización").click()
        plan = page.locator("#export-plan")
        expect(plan.get_by_role("heading", level=2)).to_have_text(
            "Qué hace el archivo de casos con fechas desplazadas"
        )
        expect(plan).to_contain_text("Seudónimos")
        snap(page, "exports-es", "evaluator")
    finally:
        choose_language(page, "El idioma de mi navegador", "Guardar")
