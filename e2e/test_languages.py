"""Spanish-speaking families and jurors: the sign-in page follows the browser's language, and a
juror who reads Spanish uses the portal in Spanish on a phone and keeps it as their language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import fresh_code

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A phone whose browser asks for Spanish first (Accept-Language: es-ES)."""
    return {**browser_context_args, "locale": "es-ES", "viewport": PHONE}


@pytest.fixture
def spanish_page(page: Page) -> Page:
    return page


def test_sign_in_page_is_in_spanish_for_a_spanish_browser(spanish_page: Page, shoot):
    page = spanish_page
    page.goto("/login")

    expect(page.get_by_role("heading", level=1)).to_have_text("Iniciar sesión")
    expect(page.get_by_label("Correo electrónico")).to_be_visible()
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.locator("#error-email")).to_have_text("Escribe tu correo electrónico.")
    shoot("login-es")


def test_a_spanish_speaking_juror_uses_the_portal_in_spanish(spanish_page: Page, base_url: str, shoot):
    page = spanish_page
    page.goto("/login")
    page.get_by_label("Correo electrónico").fill("juror@example.org")
    page.get_by_label("Contraseña").fill("youthcourt-demo")
    page.get_by_role("button", name="Iniciar sesión").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Escribe tu código")
    page.get_by_label("Código de tu app de autenticación").fill(fresh_code("juror@example.org"))
    page.get_by_role("button", name="Continuar").click()

    expect(page).to_have_url(base_url + "/me")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hola, Jordan")
    expect(page.get_by_role("heading", name="Próximas noches")).to_be_visible()
    expect(page.locator("article.juror-night h3").first).to_contain_text(" de ")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    shoot("portal-es")

    # Spanish becomes the juror's own language, whatever browser they use next.
    page.goto("/account/language")
    page.get_by_label("Español").check()
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("status")).to_contain_text("Guardamos tu idioma.")
    shoot("language-es")
    english = page.request.get("/me", headers={"Accept-Language": "en-US"})
    assert "Hola, Jordan" in english.text()

    # Back to following the browser, as the other tests of the demo juror expect.
    page.get_by_label("El idioma de mi navegador").check()
    page.get_by_role("button", name="Guardar").click()
    expect(page.get_by_role("status")).to_be_visible()
