"""A program admin adjusts the reference data: the policy, the sanction grid, the offense catalog, factors."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in


def open_section(page: Page, name: str) -> None:
    """Go to a section of the reference pages, once the page has finished what it was doing."""
    page.wait_for_load_state("networkidle")  # a swap still under way would cancel the navigation
    link = page.get_by_role("navigation", name="Reference data sections").get_by_role("link", name=name)
    address = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{address}")


def save_policy_ages(page: Page, youngest: str, oldest: str) -> None:
    open_section(page, "Eligibility and deadlines")
    page.get_by_label("Youngest age accepted").fill(youngest)
    page.get_by_label("Oldest age accepted").fill(oldest)
    page.get_by_role("button", name="Save", exact=True).click()


def test_admin_changes_policy_grid_and_catalog(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reference data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reference data")
    expect(page.get_by_text("Ages 10 to 17")).to_be_visible()
    shoot("overview")

    save_policy_ages(page, "11", "18")
    expect(page).to_have_url(base_url + "/reference/policy")
    expect(page.get_by_role("status")).to_contain_text("The eligibility rules and deadlines were saved.")
    expect(page.get_by_label("Youngest age accepted")).to_have_value("11")
    expect(page.get_by_label("Oldest age accepted")).to_have_value("18")
    shoot("policy-saved")

    # The court-role progression and the phone families call are the program's own settings.
    roles = page.locator("#progression")
    expect(roles.get_by_label("Youth judge: nights served")).to_have_value("10")
    expect(roles.get_by_label("Youth judge: role held first")).to_have_value("foreperson")
    expect(page.get_by_label("The program's phone number")).to_have_value("555-0140")
    roles.get_by_label("Foreperson: nights served").fill("-2")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text(
        "The nights a foreperson must have served cannot be negative."
    )
    expect(roles.get_by_label("Foreperson: nights served")).to_have_value("-2")
    roles.scroll_into_view_if_needed()
    shoot("policy-court-roles-refused")
    roles.get_by_label("Foreperson: nights served").fill("4")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    expect(roles.get_by_label("Foreperson: nights served")).to_have_value("4")
    roles.get_by_label("Foreperson: nights served").fill("3")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("saved")

    open_section(page, "Sanction grid")
    page.get_by_label("Community service, class A, minimum (hours)").fill("10")
    page.get_by_label("Community service, class A, maximum (hours)").fill("20")
    page.get_by_role("button", name="Save the grid").click()
    expect(page.get_by_role("status")).to_contain_text("1 cell changed")
    expect(page.get_by_label("Community service, class A, minimum (hours)")).to_have_value("10")
    expect(page.get_by_label("Community service, class A, maximum (hours)")).to_have_value("20")
    shoot("grid-saved")

    essay = page.get_by_label("Essay, class B, minimum (words)")
    essay.fill("lots")
    page.get_by_label("Jury duty, class C, maximum (sessions)").fill("1")
    page.get_by_role("button", name="Save the grid").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Enter the minimum of essay for class B as a whole number")
    expect(alert).to_contain_text(
        "The maximum of jury duty for class C (1) must not be less than the minimum (3)."
    )
    expect(essay).to_have_value("lots")
    expect(essay).to_have_attribute("aria-invalid", "true")
    shoot("grid-error")
    page.get_by_role("link", name="Undo my edits").click()
    expect(essay).to_have_value("250")
    expect(page.get_by_label("Community service, class A, maximum (hours)")).to_have_value("20")

    open_section(page, "Offenses")
    page.get_by_role("button", name="Add an offense").click()
    page.get_by_label("Offense", exact=True).fill("Graffiti")
    page.get_by_label("Category").fill("vandalism")
    page.get_by_label("Offense class").select_option("B")
    shoot("offense-form")
    page.get_by_role("button", name="Add the offense").click()
    expect(page.get_by_role("status")).to_contain_text("The offense was added to the catalog.")
    class_b = page.locator("tbody").filter(has_text="Class B")
    expect(class_b.get_by_role("link", name="Graffiti")).to_be_visible()
    shoot("offense-added")

    open_section(page, "Source agencies")
    page.get_by_role("button", name="Add a source agency").click()
    page.get_by_label("Contact email").fill("intake.example.org")
    page.get_by_role("button", name="Add the agency").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Enter the agency's name.")
    expect(alert).to_contain_text("Enter an email address like name@example.org.")
    expect(page.get_by_label("Contact email")).to_have_value("intake.example.org")
    shoot("source-error")
    page.get_by_label("Agency name").fill("Riverside Middle School")
    page.get_by_label("Kind of agency").select_option("school")
    page.get_by_label("Contact email").fill("intake@riverside.example")
    page.get_by_role("button", name="Add the agency").click()
    expect(page.get_by_role("status")).to_contain_text("The source agency was added.")
    page.get_by_role("link", name="Riverside Middle School").click()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_role("status")).to_contain_text("The source agency was deactivated.")
    expect(page.get_by_role("button", name="Reactivate")).to_be_visible()
    shoot("source-deactivated")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Source agencies").click()
    expect(page.get_by_role("row", name="Riverside Middle School")).to_contain_text("Inactive")
    shoot("sources")

    open_section(page, "Factors and strengths")
    page.get_by_role("link", name="Rename Money").click()
    page.get_by_label("New name for “Money”").fill("Money worries")
    shoot("factor-inline-rename")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The name was changed.")
    expect(page.get_by_role("cell", name="Money worries", exact=True)).to_be_visible()
    shoot("factors")

    # Put the shared demo program back the way other tests expect it.
    page.get_by_role("link", name="Rename Money worries").click()
    page.get_by_label("New name for “Money worries”").fill("Money")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("The name was changed.")
    save_policy_ages(page, "10", "17")
    expect(page.get_by_role("status")).to_contain_text("saved")
    open_section(page, "Sanction grid")
    page.get_by_label("Community service, class A, minimum (hours)").fill("8")
    page.get_by_label("Community service, class A, maximum (hours)").fill("17")
    page.get_by_role("button", name="Save the grid").click()
    expect(page.get_by_role("status")).to_contain_text("1 cell changed")
