"""A coordinator shows the respondent's exit survey as a QR code on the tablet; the respondent answers
on a phone through the link; the answer shows in the survey report, its small counts hidden."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import SCREENSHOTS, TAKE_SCREENSHOTS, sign_in

PHONE = {"width": 390, "height": 844}


def test_a_respondent_answers_the_exit_survey_on_a_phone_and_it_reaches_the_report(
    page: Page, browser: Browser, base_url: str, shoot
):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    # A new version of the questions, so this answer is the only one answering it.
    page.get_by_role("link", name="Surveys").click()
    page.get_by_role("link", name="Survey questions").click()
    page.get_by_role("link", name="Edit the questions").first.click()
    page.get_by_label("Statements, one a line").fill(
        "I had a chance to tell my side.\nThe jury listened to me."
    )
    page.get_by_label("Free-text question").fill("")
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the free-text question.")
    expect(page.get_by_label("Statements, one a line")).to_have_value(
        "I had a chance to tell my side.\nThe jury listened to me."
    )
    page.get_by_label("Free-text question").fill("What would you change?")
    page.get_by_role("button", name="Save as a new version").click()
    version = re.search(r"version (\d+)", page.locator(".flash").first.inner_text()).group(1)  # type: ignore[union-attr]

    # From a case page, the coordinator shows the survey on the tablet.
    page.goto("/cases")
    page.locator("#case-rows tbody tr").first.get_by_role("link").first.click()
    page.get_by_role("button", name="Offer a survey").click()
    page.get_by_label("How").select_option("tablet")
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("heading", name="Scan to answer the survey")).to_be_visible()
    expect(page.locator(".qr-code svg")).to_be_visible()
    address = page.get_by_label("Or type this address").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/link/[A-Za-z0-9_-]{43}/survey", address), address
    shoot("tablet-qr")

    # The respondent answers on a phone, without an account.
    phone = browser.new_context(viewport=PHONE, base_url=base_url)
    youth = phone.new_page()
    youth.goto(address)
    expect(youth.get_by_role("heading", level=1)).to_have_text("Respondent's exit survey")
    youth.get_by_role("button", name="Send my answers").click()
    expect(youth.get_by_role("alert")).to_be_visible()
    youth.get_by_role("group", name="1. I had a chance to tell my side.").get_by_label(
        "Strongly agree"
    ).check()
    youth.get_by_role("group", name="2. The jury listened to me.").get_by_label("Agree", exact=True).check()
    youth.get_by_label("What would you change?").fill("Shorter waits before the hearing.")
    width = youth.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    if TAKE_SCREENSHOTS:
        youth.screenshot(path=str(SCREENSHOTS / "survey-phone-form.png"), full_page=True)
    youth.get_by_role("button", name="Send my answers").click()
    expect(youth.get_by_role("heading", level=1)).to_have_text("Thank you")
    if TAKE_SCREENSHOTS:
        youth.screenshot(path=str(SCREENSHOTS / "survey-phone-thanks.png"), full_page=True)
    youth.reload()
    expect(youth.locator("#survey-thanks")).to_be_visible()  # answered once: no form again
    phone.close()

    # The report shows the new version with its one answer hidden below the threshold.
    page.goto("/surveys?survey=respondent")
    block = page.locator("section", has=page.get_by_role("heading", name=f"Questions of version {version}"))
    expect(block).to_be_visible()
    expect(block.locator("tbody tr").first).to_contain_text("<10")
    expect(block.locator("tbody tr").first).to_contain_text("withheld")
    expect(page.locator("#survey-comments")).to_contain_text("Shorter waits before the hearing.")
    shoot("report")
