"""A coordinator whose browser asks for Spanish works a case in Spanish: the case list, the case
page, and the contact log with its field error and its confirmation."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import fresh_code

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A browser that asks for Spanish first (Accept-Language: es-MX); the demo coordinator has
    chosen no language, so the app follows the browser."""
    return {**browser_context_args, "locale": "es-MX", "viewport": {"width": 1280, "height": 900}}


def test_a_spanish_speaking_coordinator_logs_a_contact_in_spanish(page: Page):
    SCREENSHOTS.mkdir(exist_ok=True)
    page.goto("/login")
    page.get_by_label("Correo electrónico").fill("coordinator@example.org")
    page.get_by_label("Contraseña").fill("youthcourt-demo")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_label("Código de tu app de autenticación").fill(fresh_code("coordinator@example.org"))
    page.get_by_role("button", name="Continuar").click()

    page.goto("/cases")
    expect(page.get_by_role("heading", level=1)).to_have_text("Casos")
    expect(page.get_by_label("Nombre o número de caso")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "spanish-cases-list.png"), full_page=True)

    page.locator("#case-rows tbody tr td a").first.click()
    expect(page.get_by_role("heading", name="Contacto con la familia")).to_be_visible()
    contacts = page.locator("#contacts")
    contacts.get_by_label("Cómo").select_option("phone")
    contacts.get_by_role("button", name="Agregar al registro de contactos").click()
    expect(page.locator("#error-summary")).to_have_text("Escribe un resumen breve.")
    page.screenshot(path=str(SCREENSHOTS / "spanish-case-contact-error.png"), full_page=True)

    page.locator("#field-summary").fill("Llamé a la mamá; viene a la entrevista el martes.")
    contacts.get_by_role("button", name="Agregar al registro de contactos").click()
    expect(page.get_by_text("El contacto se agregó al registro.")).to_be_visible()
    expect(page.locator("#timeline")).to_contain_text("Contacto por teléfono")
    page.screenshot(path=str(SCREENSHOTS / "spanish-case-page.png"), full_page=True)
