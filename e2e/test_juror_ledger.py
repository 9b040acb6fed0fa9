"""A coordinator adds a reward, tries a redemption a juror cannot afford, and reads the outbox."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in


def test_coordinator_keeps_rewards_credits_and_the_outbox(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")

    page.goto("/jurors/rewards")
    expect(page.get_by_role("heading", level=1)).to_have_text("Rewards")
    rows = page.locator("tbody tr")
    if rows.count() == 1 and "No rewards yet" in rows.first.inner_text():
        expect(rows.first).to_contain_text("Add the first one")
    shoot("rewards-before")

    page.get_by_role("button", name="Add a reward").click()
    page.get_by_label("Name").fill("Bowling night")
    page.get_by_label("Cost in credits").fill("0")
    page.get_by_role("button", name="Add the reward").click()
    expect(page.get_by_role("alert")).to_contain_text("The cost in credits must be more than 0.")
    expect(page.get_by_label("Name")).to_have_value("Bowling night")
    shoot("reward-form-error")
    page.get_by_label("Cost in credits").fill("500")
    page.get_by_role("button", name="Add the reward").click()
    expect(page.get_by_role("status")).to_contain_text("The reward was added.")
    expect(page.get_by_role("row", name=re.compile("Bowling night"))).to_contain_text("500")
    shoot("rewards-after")

    page.goto("/jurors")
    juror_links = page.locator("tbody a[href^='/jurors/']")
    if page.get_by_role("heading", level=1, name="Jurors").count() and juror_links.count():
        juror_links.first.click()
        page.get_by_role("link", name="Open the credit ledger").click()
        expect(page).to_have_url(re.compile(r"/jurors/[0-9a-f-]{36}/credits$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Time credits:")
        balance = page.locator("#balance strong").inner_text()
        shoot("credits")

        page.get_by_label("Reward").select_option(label="Bowling night (500 credits)")
        page.get_by_role("button", name="Redeem").click()
        expect(page.locator("#redeem").get_by_role("alert")).to_contain_text(
            f"Only {balance} credits are available."
        )
        expect(page.get_by_label("Reward")).to_have_value(re.compile(r"[0-9a-f-]{36}"))
        expect(page.locator("#balance strong")).to_have_text(balance)
        shoot("redeem-refused")

        page.get_by_label("Credits to add or take away").fill("1")
        page.get_by_role("button", name="Add the adjustment").click()
        expect(page.locator("#adjust").get_by_role("alert")).to_contain_text(
            "Enter the reason for the adjustment."
        )
        page.get_by_label("Reason").fill("Helped set up the courtroom")
        page.get_by_role("button", name="Add the adjustment").click()
        expect(page.get_by_role("status")).to_contain_text("The adjustment of +1 credit was added.")
        expect(page.get_by_role("row").nth(1)).to_contain_text("Helped set up the courtroom")
        expect(page.get_by_role("button", name=re.compile("Edit|Delete"))).to_have_count(0)
        shoot("adjusted")

    page.goto("/jurors/outbox")
    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    expect(page.locator("#no-smtp")).to_contain_text("configure YOUTHCOURT_SMTP_HOST")
    expect(page.get_by_role("button", name="Send pending mail now")).to_be_disabled()
    page.get_by_role("button", name="Queue reminders for nights in the next two days").click()
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"reminders? (was|were) queued|No new reminder")
    )
    messages = page.locator("#outbox-rows tbody a")
    if messages.count():
        shoot("outbox")
        page.get_by_label("Status").select_option("pending")
        expect(page).to_have_url(re.compile(r"status=pending"))
        expect(page.locator("#outbox-rows tbody tr").first).to_contain_text("Pending")
        subject = messages.first.inner_text()
        messages.first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(subject)
        expect(page.get_by_role("heading", level=2, name="Message")).to_be_visible()
        shoot("message")
    else:
        expect(page.locator("#outbox-rows")).to_contain_text("No messages yet.")
        shoot("outbox-empty")


def test_a_double_clicked_redeem_redeems_once(page: Page, base_url: str, shoot):
    """Two clicks in a row on Redeem send the form twice; the juror is charged once."""
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/jurors/rewards/new")
    page.get_by_label("Name").fill("Cinema voucher")
    page.get_by_label("Cost in credits").fill("3")
    page.get_by_role("button", name="Add the reward").click()
    expect(page.get_by_role("status")).to_contain_text("The reward was added.")

    page.goto("/jurors")
    page.locator("tbody a[href^='/jurors/']").first.click()
    page.get_by_role("link", name="Open the credit ledger").click()
    page.get_by_label("Credits to add or take away").fill("6")
    page.get_by_label("Reason").fill("Helped at the open day")
    page.get_by_role("button", name="Add the adjustment").click()
    expect(page.get_by_role("status")).to_contain_text("The adjustment of +6 credits was added.")
    before = float(page.locator("#balance strong").inner_text())

    page.get_by_label("Reward").select_option(label="Cinema voucher (3 credits)")
    sent = []
    page.on("request", lambda r: sent.append(r) if r.method == "POST" and "/redeem" in r.url else None)
    # Two rapid clicks, the second while the first is on its way (a double-click on a slow line).
    # The line is made slow (half a second a request): on a fast one, the first answer could replace
    # the page before the second click, and the browser would send one request, not two.
    line = page.context.new_cdp_session(page)
    slow = {"offline": False, "latency": 500, "downloadThroughput": -1, "uploadThroughput": -1}
    line.send("Network.emulateNetworkConditions", slow)
    page.get_by_role("button", name="Redeem").evaluate("b => { b.click(); setTimeout(() => b.click(), 25); }")
    page.wait_for_timeout(300)
    page.wait_for_load_state("networkidle")
    line.send("Network.emulateNetworkConditions", {**slow, "latency": 0})
    expect(page).to_have_url(re.compile(r"/jurors/[0-9a-f-]{36}/credits$"))
    expect(
        page.get_by_role("status").filter(has_text="Cinema voucher was redeemed for 3 credits.")
    ).to_have_count(1)
    shoot("double-clicked-redeem")
    page.reload()
    expect(page.get_by_role("row", name=re.compile("Redeemed: Cinema voucher"))).to_have_count(1)
    after = float(page.locator("#balance strong").inner_text())
    assert len(sent) == 2
    assert after == before - 3 >= 3
