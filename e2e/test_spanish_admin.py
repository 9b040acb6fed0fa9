"""A program administrator whose browser asks for Spanish adds a person to the program in Spanish:
the form, its field errors, and the page that confirms it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import SCREENSHOTS, sign_in_in_spanish


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A browser that asks for Spanish first (Accept-Language: es-MX)."""
    return {**browser_context_args, "locale": "es-MX"}


def shoot(page: Page, step: str) -> None:
    """A full-page screenshot to look at, taken in CI runs too."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"spanish-admin-{step}.png"), full_page=True)


def test_a_spanish_speaking_admin_adds_a_person(page: Page, base_url: str):
    sign_in_in_spanish(page, "admin@example.org")

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


def open_section(page: Page, name: str) -> None:
    """A section of the reference data, once the page has finished what it was doing."""
    page.wait_for_load_state("networkidle")
    link = page.get_by_role("navigation", name="Secciones de los datos de referencia").get_by_role(
        "link", name=name
    )
    address = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{address}")


def test_a_spanish_speaking_admin_keeps_the_reference_data(page: Page, base_url: str):
    sign_in_in_spanish(page, "admin@example.org")

    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Datos de referencia").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Datos de referencia")
    expect(page.locator("main")).to_contain_text("meses después del cierre")
    shoot(page, "reference-es")

    # An offense added to the catalog, after a Spanish field error.
    open_section(page, "Faltas")
    page.get_by_role("button", name="Agregar una falta").click()
    page.get_by_label("Categoría").fill("daños")
    page.get_by_role("button", name="Agregar la falta").click()
    expect(page.locator("#error-name")).to_have_text("Escribe el nombre de la falta.")
    expect(page.get_by_label("Categoría")).to_have_value("daños")
    shoot(page, "offense-error-es")
    page.get_by_label("Falta", exact=True).fill("Grafiti en la escuela")
    page.get_by_label("Clase de falta").select_option(label="B")
    page.get_by_role("button", name="Agregar la falta").click()
    expect(page.get_by_role("status")).to_contain_text("Se agregó la falta al catálogo.")
    expect(page.locator("main")).to_contain_text("Clase B")
    shoot(page, "offenses-es")

    # A court role's rule, whose label is completed with the role's name, refused in Spanish.
    open_section(page, "Elegibilidad y plazos")
    roles = page.locator("#progression")
    roles.get_by_label("Presidente del jurado: noches de servicio").fill("-2")
    page.get_by_role("button", name="Guardar", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "El número de noches de servicio que necesita un presidente del jurado no puede ser menor que 0."
    )
    roles.scroll_into_view_if_needed()
    shoot(page, "policy-error-es")

    open_section(page, "Tabla de sanciones")
    expect(page.get_by_role("row", name="Servicio comunitario")).to_be_visible()
    shoot(page, "grid-es")

    # The import page's guide to the columns: Spanish descriptions around the file's own words.
    page.get_by_role("navigation", name="Principal").get_by_role("link", name="Importaciones").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importaciones")
    expect(page.locator("#format-cases")).to_contain_text("Cómo terminó el caso, uno de: completed")
    shoot(page, "imports-es")
