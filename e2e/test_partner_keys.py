"""A program admin issues an API key to a source agency, sees it once, sees when the agency's system
last used it, and revokes it; the agency's calls are then refused."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in


def call_api(base_url: str, key: str, path: str = "/api/v1/referrals") -> tuple[int, dict]:
    """The agency's records system calling the API (no browser, no cookie)."""
    request = urllib.request.Request(base_url + path, headers={"Authorization": f"Bearer {key}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def test_admin_issues_a_key_sees_it_used_and_revokes_it(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.goto("/reference")
    page.get_by_role("navigation", name="Reference data sections").get_by_role(
        "link", name="Partner API keys"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner API keys")

    page.get_by_role("button", name="Issue the key").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose the agency")
    page.get_by_label("Agency").select_option(label="Police Department")
    page.get_by_label("What the key is for").fill("Records management system")
    shoot("keys-form")
    page.get_by_role("button", name="Issue the key").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("API key for Police Department")
    expect(page.get_by_text("It is shown only once")).to_be_visible()
    key = page.locator("#api-key").inner_text().strip()
    assert key.startswith("yck_") and len(key) > 40
    shoot("key-shown-once")

    page.get_by_role("button", name="Done: back to the keys").click()
    row = page.get_by_role("row").filter(has_text="Records management system")
    expect(row).to_contain_text(key[:10])
    expect(row).to_contain_text("Never")
    assert key not in page.content(), "the key is never shown again"

    status, body = call_api(base_url, key)
    assert status == 200 and "items" in body
    page.reload()
    expect(row).not_to_contain_text("Never")
    expect(row).to_contain_text("Active")
    shoot("key-used")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text("was revoked")
    expect(row).to_contain_text("Revoked")
    expect(row.get_by_role("button", name="Revoke")).to_have_count(0)
    shoot("key-revoked")
    status, body = call_api(base_url, key)
    assert status == 401 and body["status"] == 401

    page.goto("/api/v1/schema")
    expect(page.get_by_text("Youthcourt partner API").first).to_be_visible()
    expect(page.get_by_text("/api/v1/referrals").first).to_be_visible()
    shoot("api-reference")


def test_an_admin_signed_in_tries_the_api_from_its_reference_page(page: Page, shoot):
    """The admin who just issued a key tries it on the reference page while still signed in: the
    page sends the key and not the session cookie, which the API refuses."""
    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.goto("/reference/api-keys")
    page.get_by_label("Agency").select_option(label="Police Department")
    page.get_by_label("What the key is for").fill("Trying the reference page")
    page.get_by_role("button", name="Issue the key").click()
    key = page.locator("#api-key").inner_text().strip()

    page.goto("/api/v1/schema")
    page.locator("button.authorize").first.click()
    page.locator(".auth-container input").first.fill(key)
    page.locator(".auth-btn-wrapper button.authorize").click()
    page.locator(".auth-btn-wrapper button.btn-done").click()
    offenses = page.locator(".opblock").filter(has_text="/api/v1/offenses").first
    offenses.locator(".opblock-summary").click()
    offenses.get_by_role("button", name="Try it out").click()
    offenses.get_by_role("button", name="Execute").click()

    status = offenses.locator(".live-responses-table tr.response .response-col_status").first
    expect(status).to_have_text("200")
    shoot("api-tried-while-signed-in")
