"""Multi-factor sign-in in the browser: the code after the password, and setting up the app."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import DEMO_PASSWORD, fresh_code, sign_in


def test_password_then_code_signs_in(page: Page, base_url: str, shoot):
    page.goto("/login")
    page.get_by_label("Email address").fill("coordinator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(base_url + "/login/code")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your code")
    page.goto("/cases")
    expect(page).to_have_url(base_url + "/login/code")  # nothing else opens before the code
    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    shoot("code-page")
    page.get_by_label("Code from your authenticator app").fill(fresh_code("coordinator@example.org"))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(base_url + "/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")


def test_a_new_coordinator_sets_up_the_app_at_first_sign_in(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.goto("/admin/users/new")
    page.get_by_label("Full name").fill("Robin Okafor")
    page.get_by_label("Email address").fill("robin.okafor@example.org")
    page.get_by_label("Role in this program").select_option("coordinator")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_role("button", name="Give a temporary password").click()
    temporary = page.locator(".temporary-password code").inner_text()
    page.locator("summary").click()
    page.get_by_role("button", name="Sign out", exact=True).click()

    page.get_by_label("Email address").fill("robin.okafor@example.org")
    page.get_by_label("Password").fill(temporary)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/account/mfa/setup"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up multi-factor sign-in")
    expect(page.locator(".qr-code svg")).to_be_visible()
    shoot("enrollment")
    secret = page.locator("#secret-key").inner_text().replace(" ", "")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    page.get_by_label("Code from your authenticator app").fill(fresh_code("robin.okafor@example.org", secret))
    page.get_by_role("button", name="Confirm and continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your recovery codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    shoot("recovery-codes")
    page.get_by_role("button", name="I have saved them, continue").click()
    expect(page).to_have_url(base_url + "/account/password")  # then the temporary password is changed


def test_the_account_page_shows_the_status_and_makes_recovery_codes(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.locator("summary").click()
    page.get_by_role("link", name="Multi-factor sign-in").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Multi-factor sign-in")
    expect(page.get_by_text("Recovery codes left")).to_be_visible()
    expect(page.get_by_text("cannot be turned off")).to_be_visible()
    shoot("account-mfa")
    page.get_by_label("Code from your authenticator app").fill(fresh_code("evaluator@example.org"))
    page.get_by_role("button", name="Make new recovery codes").click()

    expect(page.locator(".recovery-codes li")).to_have_count(10)
    page.get_by_role("button", name="I have saved them, continue").click()
    expect(page).to_have_url(base_url + "/account/mfa")
    expect(page.locator("main")).to_contain_text("Recovery codes left: 10 of 10")


def test_signing_out_from_the_code_page_ends_the_half_signed_in_session(page: Page, base_url: str, shoot):
    page.goto("/login")
    page.get_by_label("Email address").fill("evaluator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/login/code")
    expect(page.locator("header.site-header")).not_to_contain_text(
        "Priya"
    )  # no name before the second factor
    expect(page.locator("header.site-header summary")).to_have_count(0)  # and no account menu
    shoot("code-page")

    page.locator("header.site-header").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(base_url + "/login")
    expect(page.get_by_role("status")).to_have_text("You have signed out.")

    page.get_by_label("Email address").fill("evaluator@example.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(base_url + "/login/code")
    page.get_by_role("button", name="Cancel and sign out").click()
    expect(page).to_have_url(base_url + "/login")
    page.goto("/login/code")
    expect(page).to_have_url(re.compile(r"/login\?next="))  # the half session is gone
