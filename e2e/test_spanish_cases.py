"""A coordinator whose browser asks for Spanish works a case in Spanish: the case list, the case
page, and the contact log with its field error and its confirmation; and takes in a referral, with
its field errors, its confirmation and its screening."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import sign_in_in_spanish

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A browser that asks for Spanish first (Accept-Language: es-MX); the demo coordinator has
    chosen no language, so the app follows the browser."""
    return {**browser_context_args, "locale": "es-MX", "viewport": {"width": 1280, "height": 900}}


def test_a_spanish_speaking_coordinator_logs_a_contact_in_spanish(page: Page):
    SCREENSHOTS.mkdir(exist_ok=True)
    sign_in_in_spanish(page, "coordinator@example.org")

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


def test_a_spanish_speaking_coordinator_takes_in_a_referral_in_spanish(page: Page):
    SCREENSHOTS.mkdir(exist_ok=True)
    today = datetime.date.today()
    sign_in_in_spanish(page, "coordinator@example.org")

    page.goto("/referrals")
    expect(page.get_by_role("heading", level=1)).to_have_text("Remisiones")
    page.screenshot(path=str(SCREENSHOTS / "spanish-referrals-list.png"), full_page=True)
    page.get_by_role("button", name="Nueva remisión").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nueva remisión")

    page.get_by_label("Apellido").fill("Ríos Castillo")
    page.get_by_label("Fecha de nacimiento").fill("2012-05-17")
    page.locator("#field-guardian1_name").fill("Marisol Castillo")
    page.locator("#field-guardian1_relationship").fill("Madre")
    page.locator("#field-guardian1_phone").fill("555-0188")
    page.locator("#field-guardian1_preferred_language").select_option("es")
    page.locator("#field-guardian2_email").fill("abuelo@example.org")
    page.get_by_label("Fecha del incidente").fill((today - datetime.timedelta(days=9)).isoformat())
    page.get_by_label("Falta", exact=True).select_option(index=1)
    page.get_by_label("Agencia que remite").select_option(index=1)
    page.get_by_role("button", name="Guardar la remisión").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Escribe el nombre.")
    expect(alert).to_contain_text(
        "Escribe el nombre del segundo tutor, o borra los demás campos de este tutor."
    )
    expect(page.locator("#error-first_name")).to_have_text("Escribe el nombre.")
    expect(page.get_by_label("Apellido")).to_have_value("Ríos Castillo")
    page.screenshot(path=str(SCREENSHOTS / "spanish-referral-errors.png"), full_page=True)

    page.locator("#field-first_name").fill("Valentina")
    page.locator("#field-guardian2_name").fill("Ernesto Castillo")
    page.get_by_role("button", name="Guardar la remisión").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Valentina Ríos Castillo")
    expect(page.get_by_role("status")).to_contain_text("Se guardó la remisión. Revisa su elegibilidad abajo.")
    screening = page.locator("#screening")
    expect(screening.get_by_role("heading", name="Revisión de elegibilidad")).to_be_visible()
    expect(screening.get_by_role("row", name=re.compile("^Edad"))).to_contain_text(
        "años en la fecha del incidente"
    )
    expect(page.locator("#decision")).to_contain_text("Rechazar la remisión")
    page.screenshot(path=str(SCREENSHOTS / "spanish-referral-page.png"), full_page=True)
