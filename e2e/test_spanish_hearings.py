"""A coordinator who reads Spanish plans a hearing night in Spanish: the form, its field errors and
the night it creates."""

from __future__ import annotations

import datetime
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in

COORDINATOR = "coordinator@example.org"
SCREENSHOTS = Path(__file__).parent / "screenshots"


def _shoot(page: Page, step: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"spanish-hearings-{step}.png"), full_page=True)


def _choose_language(page: Page, label: str, button: str) -> None:
    page.goto("/account/language")
    page.get_by_label(label).check()
    page.get_by_role("button", name=button).click()


def test_a_spanish_speaking_coordinator_plans_a_hearing_night(page: Page):
    page.goto("/login")
    sign_in(page, COORDINATOR)
    _choose_language(page, "Español", "Save")
    try:
        page.goto("/hearings")
        expect(page.get_by_role("heading", level=1)).to_have_text("Noches de audiencias")
        _shoot(page, "hearings-es")

        page.get_by_role("button", name="Planear una noche de audiencias").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Planear una noche de audiencias")
        held_on = datetime.date.today() + datetime.timedelta(days=40)
        page.get_by_label("Fecha").fill(held_on.isoformat())
        page.get_by_role("button", name="Crear la noche").click()

        expect(page.locator("#error-location")).to_have_text("Escribe el lugar.")
        _shoot(page, "night-form-errors-es")

        page.get_by_label("Lugar").fill("Centro comunitario, salón 2")
        page.get_by_role("button", name="Crear la noche").click()

        expect(page.get_by_role("status")).to_contain_text("Se creó la noche de audiencias.")
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"{held_on.day} de ")
        expect(page.get_by_role("heading", name="Agregar un caso a una lista")).to_be_visible()
        _shoot(page, "night-es")
    finally:
        _choose_language(page, "El idioma de mi navegador", "Guardar")


def test_a_spanish_speaking_coordinator_adds_a_volunteer_juror(page: Page):
    page.goto("/login")
    sign_in(page, COORDINATOR)
    _choose_language(page, "Español", "Save")
    try:
        page.goto("/jurors")
        expect(page.get_by_role("heading", level=1)).to_have_text("Jurados")
        _shoot(page, "jurors-es")

        page.get_by_role("button", name="Agregar un voluntario").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Agregar un voluntario")
        page.get_by_label("Apellido").fill("Quiroga")
        page.get_by_label("Fecha de nacimiento").fill("2010-05-04")
        page.get_by_role("button", name="Agregar el voluntario").click()

        expect(page.locator("#error-first_name")).to_have_text("Escribe el nombre.")
        _shoot(page, "volunteer-errors-es")

        page.get_by_label("Nombre", exact=True).fill("Itzel")
        page.get_by_role("button", name="Agregar el voluntario").click()

        expect(page.get_by_role("status")).to_contain_text("Se agregó el voluntario como solicitante.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Itzel Quiroga")
        expect(page.get_by_role("heading", name="Juramento y estado")).to_be_visible()
        _shoot(page, "juror-es")

        page.goto("/jurors/nights")
        expect(page.get_by_role("heading", level=1)).to_have_text("Noches de jurado")
        page.get_by_role("table").get_by_role("link").first.click()
        expect(page.get_by_role("heading", name="Invitar jurados")).to_be_visible()
        _shoot(page, "jury-night-es")
        page.get_by_role("link", name="Paneles").click()
        expect(page.get_by_role("heading", name="Confirmados, sin panel")).to_be_visible()
        _shoot(page, "panels-es")
    finally:
        _choose_language(page, "El idioma de mi navegador", "Guardar")
