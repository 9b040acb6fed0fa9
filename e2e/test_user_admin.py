"""A program admin adds a person; the person signs in with the temporary password and replaces it."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import enroll, sign_in


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
