"""Sealing in the browser: a coordinator seals a closed demo case and opens it again with a reason;
a program admin expunges one."""

from __future__ import annotations

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import sign_in


def _sign_in(page: Page, email: str) -> None:
    page.goto("/login")
    sign_in(page, email)


def _first_case(page: Page, state: str) -> tuple[str, str]:
    """The case number and address of the first demo case in ``state``, from the case list."""
    page.goto(f"/cases?state={state}")
    link = page.locator("#case-rows a[href^='/cases/']").first
    number = link.inner_text().strip()
    link.click()
    page.wait_for_url("**/cases/*")
    return number, page.url


def _search_cases(page: Page, text: str) -> None:
    """Type in the case list's search box, as a coordinator does (the rows update as they type)."""
    page.goto("/cases")
    page.get_by_label("Name or case number").fill(text)
    page.get_by_label("Name or case number").press("Enter")
    page.wait_for_load_state("networkidle")


def _seal(page: Page, reason: str) -> None:
    page.locator("#sealing").get_by_role("button", name="Seal this case…").click()
    page.get_by_label("Reason for sealing").fill(reason)
    page.get_by_label("I confirm").check()
    page.get_by_role("button", name="Seal the case").click()


def test_a_coordinator_seals_a_case_and_opens_it_with_a_reason(page: Page, shoot):
    _sign_in(page, "coordinator@example.org")
    number, case_url = _first_case(page, "completed")
    youth_name = page.locator("h1").inner_text().split("·")[0].strip()
    shoot("closed-case")
    _search_cases(page, number)
    expect(page.locator("#case-rows")).to_contain_text(number)
    page.goto(case_url)

    _seal(page, "Completed successfully; the family asked for the record to be sealed.")
    expect(page.get_by_role("status")).to_contain_text(f"Case {number} is sealed")
    _search_cases(page, number)
    expect(page.locator("#case-rows")).to_contain_text("No cases match")
    expect(page.locator("#case-rows")).not_to_contain_text(number)
    shoot("case-list-without-it")

    page.goto(case_url)
    expect(page.locator("h1")).to_have_text("This case is sealed")
    expect(page.locator("main")).not_to_contain_text(youth_name)
    shoot("sealed-page")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("#field-reason")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Why you are opening this case").fill("Records request from the juvenile court")
    page.get_by_role("button", name="Open the case").click()
    expect(page.locator("h1")).to_contain_text(youth_name)
    expect(page.locator("#sealing")).to_contain_text("opened it with a recorded reason")
    shoot("opened-with-reason")


def test_a_program_admin_expunges_a_sealed_case(page: Page, browser: Browser, base_url: str, shoot):
    coordinator = browser.new_context(base_url=base_url)
    try:
        coordinator_page = coordinator.new_page()
        _sign_in(coordinator_page, "coordinator@example.org")
        number, _ = _first_case(coordinator_page, "withdrawn")
        _seal(coordinator_page, "Withdrawn long ago; sealing before expunging.")
        expect(coordinator_page.get_by_role("status")).to_contain_text(f"Case {number} is sealed")
    finally:
        coordinator.close()

    _sign_in(page, "admin@example.org")
    page.goto("/sealed-cases")
    shoot("sealed-cases")
    page.get_by_role("link", name=number).click()
    page.locator("#expunge").get_by_role("button", name="Expunge…").click()
    page.get_by_label("Type the case number to confirm").fill(number)
    page.get_by_role("button", name="Expunge the youth's records").click()
    expect(page.get_by_role("status")).to_contain_text(f"Case {number} is expunged")
    row = page.locator("tr", has_text=number)
    expect(row).to_contain_text("Expunged")
    shoot("expunged-in-list")
    row.get_by_role("link", name=number).click()
    expect(page.locator("hgroup")).to_contain_text("Expunged")
    shoot("expunged-case")
