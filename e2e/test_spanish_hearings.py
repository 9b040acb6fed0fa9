"""A coordinator who reads Spanish plans a hearing night in Spanish: the form, its field errors and
the night it creates."""

from __future__ import annotations

import datetime

from playwright.sync_api import Page, expect

from e2e.conftest import choose_language, sign_in

COORDINATOR = "coordinator@example.org"


def test_a_spanish_speaking_coordinator_plans_a_hearing_night(page: Page, shoot):
    page.goto("/login")
    sign_in(page, COORDINATOR)
    choose_language(page, "Español", "Save")
    try:
        page.goto("/hearings")
        expect(page.get_by_role("heading", level=1)).to_have_text("Noches de audiencias")
        shoot("hearings-es")

        page.get_by_role("button", name="Planear una noche de audiencias").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Planear una noche de audiencias")
        held_on = datetime.date.today() + datetime.timedelta(days=40)
        page.get_by_label("Fecha").fill(held_on.isoformat())
        page.get_by_role("button", name="Crear la noche").click()

        expect(page.locator("#error-location")).to_have_text("Escribe el lugar.")
        shoot("night-form-errors-es")

        page.get_by_label("Lugar").fill("Centro comunitario, salón 2")
        page.get_by_role("button", name="Crear la noche").click()

        expect(page.get_by_role("status")).to_contain_text("Se creó la noche de audiencias.")
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"{held_on.day} de ")
        expect(page.get_by_role("heading", name="Agregar un caso a una lista")).to_be_visible()
        shoot("night-es")
    finally:
        choose_language(page, "El idioma de mi navegador", "Guardar")


def test_a_spanish_speaking_coordinator_adds_a_volunteer_juror(page: Page, shoot):
    page.goto("/login")
    sign_in(page, COORDINATOR)
    choose_language(page, "Español", "Save")
    try:
        page.goto("/jurors")
        expect(page.get_by_role("heading", level=1)).to_have_text("Jurados")
        shoot("jurors-es")

        page.get_by_role("button", name="Agregar un voluntario").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Agregar un voluntario")
        page.get_by_label("Apellido").fill("Quiroga")
        page.get_by_label("Fecha de nacimiento").fill("2010-05-04")
        page.get_by_role("button", name="Agregar el voluntario").click()

        expect(page.locator("#error-first_name")).to_have_text("Escribe el nombre.")
        shoot("volunteer-errors-es")

        page.get_by_label("Nombre", exact=True).fill("Itzel")
        page.get_by_role("button", name="Agregar el voluntario").click()

        expect(page.get_by_role("status")).to_contain_text("Se agregó el voluntario como solicitante.")
        expect(page.get_by_role("heading", level=1)).to_have_text("Itzel Quiroga")
        expect(page.get_by_role("heading", name="Juramento y estado")).to_be_visible()
        shoot("juror-es")

        page.goto("/jurors/nights")
        expect(page.get_by_role("heading", level=1)).to_have_text("Noches de jurado")
        page.get_by_role("table").get_by_role("link").first.click()
        expect(page.get_by_role("heading", name="Invitar jurados")).to_be_visible()
        shoot("jury-night-es")
        page.get_by_role("link", name="Paneles").click()
        expect(page.get_by_role("heading", name="Confirmados, sin panel")).to_be_visible()
        shoot("panels-es")
    finally:
        choose_language(page, "El idioma de mi navegador", "Guardar")
