"""Signing in as each role, signing out, wrong passwords and pages reached while signed out."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import sign_in

ROLES = [
    ("coordinator@example.org", "/dashboard", "Dashboard"),
    ("juror@example.org", "/me", "Hi Jordan"),
    ("evaluator@example.org", "/reports", "Reports"),
    ("admin@example.org", "/admin/users", "Users"),
]


@pytest.mark.parametrize(("email", "home", "heading"), ROLES)
def test_each_role_signs_in_sees_home_and_signs_out(page: Page, base_url: str, shoot, email, home, heading):
    page.goto("/login")
    shoot("login")
    sign_in(page, email, fresh=True)

    expect(page).to_have_url(base_url + home)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_text("Riverside County Youth Court").first).to_be_visible()
    shoot("home")

    page.locator("summary").click()
    page.get_by_role("button", name="Sign out", exact=True).click()
    expect(page).to_have_url(base_url + "/login")
    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    page.goto(home)
    expect(page).to_have_url(re.compile(r"/login\?next="))


def test_wrong_password_shows_one_message_and_keeps_the_email(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org", "not-the-password")

    expect(page.get_by_role("alert")).to_have_text(
        "The email or password is not right. Check them and try again."
    )
    expect(page.get_by_label("Email address")).to_have_value("coordinator@example.org")
    expect(page.get_by_label("Password")).to_have_value("")
    shoot("wrong-password")


def test_page_reached_while_signed_out_opens_after_sign_in(page: Page, base_url: str, shoot):
    page.goto("/audit?outcome=success")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Faudit"))
    shoot("redirected")
    sign_in(page, "admin@example.org", fresh=True)

    expect(page).to_have_url(base_url + "/audit?outcome=success")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    expect(page.get_by_role("cell", name="sign in").first).to_be_visible()
    shoot("audit")


def test_juror_cannot_open_coordinator_pages(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "juror@example.org")
    response = page.goto("/admin/users")
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    shoot("forbidden")


def test_signing_out_on_every_device_ends_the_other_sessions_too(page: Page, browser, base_url: str, shoot):
    other_device = browser.new_context(base_url=base_url)
    phone = other_device.new_page()
    phone.goto("/login")
    sign_in(phone, "evaluator@example.org", fresh=True)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Reports")

    page.goto("/login")
    sign_in(page, "evaluator@example.org", fresh=True)
    page.locator("summary").click()
    shoot("account-menu")
    page.get_by_role("button", name="Sign out on every device").click()
    expect(page).to_have_url(base_url + "/login")
    expect(page.get_by_role("status")).to_have_text("You have signed out on every device.")

    phone.goto("/reports")
    expect(phone).to_have_url(re.compile(r"/login\?next="))
    other_device.close()
