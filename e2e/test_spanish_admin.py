"""A program administrator whose browser asks for Spanish adds a person to the program in Spanish:
the form, its field errors, and the page that confirms it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import SCREENSHOTS, fresh_code


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A browser that asks for Spanish first (Accept-Language: es-MX)."""
    return {**browser_context_args, "locale": "es-MX"}


def shoot(page: Page, step: str) -> None:
    """A full-page screenshot to look at, taken in CI runs too."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"spanish-admin-{step}.png"), full_page=True)


def test_a_spanish_speaking_admin_adds_a_person(page: Page, base_url: str):
    page.goto("/login")
    page.get_by_label("Correo electrónico").fill("admin@example.org")
    page.get_by_label("Contraseña").fill("youthcourt-demo")
    page.get_by_role("button", name="Iniciar sesión").click()
    page.get_by_label("Código de tu app de autenticación").fill(fresh_code("admin@example.org"))
    page.get_by_role("button", name="Continuar").click()

    expect(page).to_have_url(base_url + "/admin/users")
    expect(page.get_by_role("heading", level=1)).to_have_text("Usuarios")
    shoot(page, "users-es")

    page.get_by_role("button", name="Agregar una persona").click()
    page.get_by_label("Nombre completo").fill("Ana Ruiz Spanish")
    page.get_by_label("Correo electrónico").fill("ana.ruiz.at.example.org")
    page.get_by_label("Función en este programa").select_option(label="Evaluador(a)")
    page.get_by_role("button", name="Agregar", exact=True).click()

    expect(page.locator("#error-email")).to_have_text(
        "Escribe un correo electrónico como nombre@ejemplo.org."
    )
    expect(page.get_by_role("alert")).to_contain_text("Corrige esto y envía el formulario otra vez:")
    expect(page.get_by_label("Nombre completo")).to_have_value("Ana Ruiz Spanish")
    shoot(page, "add-person-error-es")

    page.get_by_label("Correo electrónico").fill("ana.ruiz.spanish@example.org")
    page.get_by_role("button", name="Agregar", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Se agregó a Ana Ruiz Spanish")
    expect(page.locator("main")).to_contain_text("con la función de evaluador(a)")
    expect(page.locator("main")).not_to_contain_text("was added")
    shoot(page, "person-added-es")

    page.get_by_role("link", name="Abrir la página de Ana Ruiz Spanish").click()
    expect(page.get_by_role("heading", name="Función", exact=True)).to_be_visible()
    shoot(page, "person-es")
