"""A coordinator whose browser reads Spanish adds a partner site and assesses a period of
co-production in Spanish: the forms, their field errors, and the pages after they are saved."""

from __future__ import annotations

import datetime
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import SCREENSHOTS, sign_in_in_spanish
from youthcourt.coproduction.periods import offered, period_of
from youthcourt.coproduction.questions import QUESTIONS
from youthcourt.web.i18n import use_locale

COORDINATOR = "coordinator@example.org"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A browser that asks for Spanish first (Accept-Language: es-MX)."""
    return {**browser_context_args, "locale": "es-MX"}


def shoot(page: Page, step: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"spanish-coproduction-{step}.png"), full_page=True)


def test_a_spanish_speaking_coordinator_adds_a_partner_site(page: Page):
    sign_in_in_spanish(page, COORDINATOR)
    page.goto("/sites")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sitios asociados")
    shoot(page, "sites-es")

    page.get_by_role("button", name="Agregar un sitio asociado").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agregar un sitio asociado")
    page.get_by_label("Servicio comunitario").check()
    page.get_by_label("Capacidad").fill("3")
    page.get_by_role("button", name="Agregar el sitio").click()
    expect(page.locator("#error-name")).to_have_text("Escribe el nombre del sitio.")
    expect(page.get_by_role("alert")).to_contain_text("Corrige esto y envía el formulario otra vez:")
    shoot(page, "site-form-error-es")

    name = f"Huerto comunitario {uuid.uuid4().hex[:4]}"
    page.get_by_label("Nombre del sitio").fill(name)
    page.get_by_label("Persona de contacto").fill("Rosa Díaz")
    page.get_by_role("button", name="Agregar el sitio").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("status")).to_contain_text(f"{name} se agregó a los sitios asociados.")
    expect(page.locator("#placed-count")).to_have_text("0 de 3")
    expect(page.get_by_text("Servicio comunitario · Activo")).to_be_visible()
    shoot(page, "site-detail-es")


def test_a_spanish_speaking_coordinator_assesses_a_period(page: Page):
    """The co-production self-assessment: the list, a field error, the saved assessment and the
    print view for the board, all in Spanish, the print view still on one page."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_in_spanish(page, COORDINATOR)
    page.goto("/coproduction")
    expect(page.get_by_role("heading", level=1)).to_have_text("Autoevaluación de coproducción")
    expect(page.locator("svg.score-chart").first).to_contain_text("3 En desarrollo")
    shoot(page, "coproduction-es")

    key = list(offered(datetime.date.today()))[
        6
    ]  # a quarter neither the demo nor e2e/test_coproduction assesses
    with use_locale("es"):
        name = period_of(key).name
    page.get_by_label("Periodo", exact=True).select_option(key)
    page.get_by_role("button", name="Empezar la evaluación").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Autoevaluación, {name}")
    for question in QUESTIONS:
        if question.element.value != "mutuality":
            page.locator(f"#field-{question.element.value}-score input[value='3']").check()
    page.locator("#field-networks-comment").fill("La biblioteca se sumó como sitio de servicio.")
    page.get_by_role("button", name="Guardar la autoevaluación").click()
    expect(page.locator("#error-mutuality-score")).to_have_text("Elige un puntaje para Reciprocidad.")
    expect(page.get_by_role("alert")).to_contain_text("Elige un puntaje para Reciprocidad.")
    expect(page.locator("#field-networks-comment")).to_have_value(
        "La biblioteca se sumó como sitio de servicio."
    )
    shoot(page, "coproduction-form-error-es")

    page.locator("#field-mutuality-score input[value='2']").check()
    page.get_by_role("button", name="Guardar la autoevaluación").click()
    expect(page.get_by_role("status")).to_contain_text(f"Se guardó la autoevaluación de {name}.")
    expect(page.get_by_text("3 · En desarrollo").first).to_be_visible()
    expect(page.get_by_role("complementary", name="Evidencia para Roles compartidos")).to_contain_text(
        "Jurados que antes tuvieron un caso en el tribunal"
    )
    shoot(page, "coproduction-assessment-es")

    page.get_by_role("button", name="Versión para imprimir para la junta directiva").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Autoevaluación de coproducción · {name}")
    page.emulate_media(media="print")
    shoot(page, "coproduction-print-es")
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, (
        "the assessment prints on one page in Spanish too"
    )
