"""A coordinator whose browser reads Spanish adds a partner site in Spanish: the form, its field
error, and the site's page after it is saved."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import SCREENSHOTS, fresh_code

COORDINATOR = "coordinator@example.org"


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A browser that asks for Spanish first (Accept-Language: es-MX)."""
    return {**browser_context_args, "locale": "es-MX"}


def sign_in_in_spanish(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Correo electrónico").fill(email)
    page.get_by_label("Contraseña").fill("youthcourt-demo")
    with page.expect_navigation():
        page.get_by_role("button", name="Iniciar sesión").click()
    if "/login/code" in page.url:
        page.get_by_label("Código de tu app de autenticación").fill(fresh_code(email))
        with page.expect_navigation():
            page.get_by_role("button", name="Continuar").click()


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
