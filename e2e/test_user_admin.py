"""A program admin adds a person; the person signs in with the temporary password and replaces it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import DEMO_PASSWORD, enroll, sign_in


def test_admin_adds_a_coordinator_who_chooses_a_password(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.get_by_role("button", name="Add a person").click()
    shoot("new-form")

    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the person's full name.")
    page.get_by_label("Full name").fill("Rosa Delgado")
    page.get_by_label("Email address").fill("rosa.delgado@example.org")
    page.get_by_label("Role in this program").select_option("coordinator")
    page.get_by_role("button", name="Add").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Rosa Delgado was added")
    expect(page.locator(".temporary-password")).to_have_count(0)  # the same page for any email
    shoot("added")
    page.get_by_role("button", name="Give a temporary password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Temporary password for Rosa Delgado")
    temporary = page.locator(".temporary-password code").inner_text()
    assert re.fullmatch(r"[0-9a-f]{4}(-[0-9a-f]{4}){3}", temporary)
    shoot("created")

    page.goto("/admin/users")
    page.get_by_label("Name or email").fill("delgado")
    expect(page.locator("#user-rows tbody tr")).to_have_count(1)
    expect(page.locator("#user-rows")).to_contain_text("rosa.delgado@example.org")
    shoot("search")

    page.locator("summary").click()
    page.get_by_role("button", name="Sign out", exact=True).click()
    sign_in(page, "rosa.delgado@example.org", temporary)
    expect(page).to_have_url(base_url + "/account/mfa/setup")  # a coordinator sets up MFA first
    enroll(page, "rosa.delgado@example.org")
    expect(page).to_have_url(base_url + "/account/password")
    expect(page.get_by_role("status")).to_contain_text("Choose a new password")
    page.get_by_label("Current password").fill(temporary)
    page.get_by_label("New password", exact=True).fill("river stones and lanterns")
    page.get_by_label("New password again").fill("river stones and lanterns")
    shoot("change-password")
    page.get_by_role("button", name="Change password").click()

    expect(page).to_have_url(base_url + "/dashboard")
    expect(page.get_by_role("status")).to_contain_text("Your password was changed")
    shoot("dashboard")


def test_the_admin_of_another_program_adds_an_existing_account_but_cannot_take_it_over(
    page: Page, base_url: str, shoot
):
    """Program B, created in the Pacific time zone: its admin adds the demo program's coordinator by
    email: no name, no password, no reset."""
    page.goto("/login")
    sign_in(page, "admin@example.org")  # a site administrator, who creates program B
    page.goto("/admin/programs")
    page.get_by_label("Name", exact=True).fill("Westbrook Teen Court")
    page.get_by_label("Short name").fill("westbrook")
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    page.get_by_label("Time zone").select_option("America/Los_Angeles")
    page.get_by_role("button", name="Create program").click()
    expect(page.get_by_role("status")).to_contain_text("The program was created")
    listed = page.get_by_role("row").filter(has_text="Westbrook Teen Court")
    expect(listed.get_by_role("cell").nth(2)).to_have_text("America/Los_Angeles")
    shoot("program-created")
    listed.get_by_role("link", name="Westbrook Teen Court").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Westbrook Teen Court")
    expect(page.get_by_label("Time zone")).to_have_value("America/Los_Angeles")
    shoot("program-page")
    page.get_by_label("Working in").select_option(label="Westbrook Teen Court")
    page.get_by_role("button", name="Switch").click()
    page.goto("/admin/users/new")
    page.get_by_label("Full name").fill("Wes Brook")
    page.get_by_label("Email address").fill("wes.brook@example.org")
    page.get_by_label("Role in this program").select_option("program_admin")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("button", name="Give a temporary password").click()
    temporary = page.locator(".temporary-password code").inner_text()
    page.context.clear_cookies()
    page.goto("/login")
    sign_in(page, "wes.brook@example.org", temporary)
    enroll(page, "wes.brook@example.org")
    page.get_by_label("Current password").fill(temporary)
    page.get_by_label("New password", exact=True).fill("westbrook lanterns at dusk")
    page.get_by_label("New password again").fill("westbrook lanterns at dusk")
    page.get_by_role("button", name="Change password").click()
    expect(page.locator(".program-name")).to_have_text("Westbrook Teen Court")

    page.goto("/admin/users/new")
    page.get_by_label("Full name").fill("Maya from Riverside")
    page.get_by_label("Email address").fill("coordinator@example.org")
    page.get_by_label("Role in this program").select_option("coordinator")
    page.get_by_role("button", name="Add", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Maya from Riverside was added")
    expect(page.locator("main")).not_to_contain_text("Alvarez")
    expect(page.locator("main")).not_to_contain_text("already had an account")
    expect(page.locator(".temporary-password")).to_have_count(0)
    shoot("added-existing")
    page.get_by_role("button", name="Give a temporary password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    expect(page.locator("main")).to_contain_text("only a site administrator can reset their password")
    shoot("reset-refused")

    page.goto("/admin/users")
    expect(page.locator("#user-rows")).not_to_contain_text("Alvarez")
    shoot("users-list")
    page.get_by_role("link", name="Maya from Riverside").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya from Riverside")
    expect(page.locator("main")).not_to_contain_text("Alvarez")
    expect(page.get_by_role("button", name="Reset password")).to_have_count(0)
    expect(page.get_by_role("button", name="Reset multi-factor sign-in")).to_have_count(0)
    expect(page.locator(".account-shared")).to_contain_text("only a site administrator")
    shoot("detail-as-other-admin")
    page.goto("/audit/")
    expect(page.locator("main")).to_contain_text("Maya from Riverside")
    expect(page.locator("main")).not_to_contain_text("Alvarez")
    shoot("audit-as-other-admin")

    page.context.clear_cookies()
    page.goto("/login")
    sign_in(page, "coordinator@example.org", DEMO_PASSWORD, fresh=True)
    expect(page).to_have_url(base_url + "/dashboard")  # still their own password and code
    expect(page.locator(".program-name")).to_have_text("Riverside County Youth Court")
    page.get_by_label("Working in").select_option(label="Westbrook Teen Court (Coordinator)")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator(".program-name")).to_have_text("Westbrook Teen Court")
    expect(page.locator("body")).not_to_contain_text("Alvarez")
    shoot("coordinator-in-other-program")
    page.context.clear_cookies()
    page.goto("/login")
    sign_in(page, "coordinator@example.org", DEMO_PASSWORD, fresh=True)
    expect(page.locator(".program-name")).to_have_text("Westbrook Teen Court")  # where they last worked
