"""A coordinator gives a youth a private link from the case page; the youth opens it on a phone and sees
their sanctions and deadlines and nobody else's; the coordinator revokes it and it no longer opens."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import SCREENSHOTS, TAKE_SCREENSHOTS, demo_identifiers, sign_in

PHONE = {"width": 390, "height": 844}


def test_a_youth_follows_their_case_through_the_link_until_it_is_revoked(
    page: Page, browser: Browser, base_url: str, shoot, tmp_path_factory: pytest.TempPathFactory
):
    known = demo_identifiers(tmp_path_factory)
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/cases?state=sanctions_in_progress")
    page.locator("tbody tr").first.get_by_role("link").first.click()
    heading = page.get_by_role("heading", level=1).inner_text()
    youth_name, number = re.fullmatch(r"(.+?) · Case (\S+)", heading.strip()).groups()
    case_url = page.url

    section = page.locator("#family-links")
    expect(section.get_by_role("heading", name="The family's page")).to_be_visible()
    section.get_by_label("Link for").select_option(label=f"{youth_name} (the youth)")
    section.get_by_role("button", name="Make a private link").click()
    address = page.get_by_label("Address").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/link/[A-Za-z0-9_-]{43}/my-page", address), address
    expect(page.locator(".issued-qr svg")).to_be_visible()
    expect(page.locator("#mail-link")).to_have_attribute("href", re.compile(r"^mailto:"))
    shoot("link-given")

    # The youth, on a phone and without an account.
    phone = browser.new_context(viewport=PHONE, base_url=base_url)
    youth = phone.new_page()
    youth.goto(address)
    first_name = youth_name.split()[0]
    expect(youth.get_by_role("heading", level=1)).to_have_text(f"Hi {first_name}")
    cards = youth.locator(".sanction-card")
    assert cards.count() >= 1
    expect(cards.first.locator("progress")).to_be_visible()
    expect(cards.first).to_contain_text(
        re.compile(r"You have done [\d.]+ of|are done|Done|Handed in|Not handed in|closed as not completed")
    )
    expect(youth.locator("#sanctions")).to_contain_text(re.compile(r"Due|was due on|Done"))
    expect(youth.locator("#contact")).to_contain_text("Questions?")
    text = youth.locator("main").inner_text()
    others = sorted(name for name in known["names"] if name != youth_name and name in text)
    assert others == [], f"the page names other youth: {others}"
    numbers = sorted(n for n in known["numbers"] if n != number and n in text)
    assert numbers == [], f"the page shows other cases: {numbers}"
    width = youth.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    if TAKE_SCREENSHOTS:
        youth.screenshot(path=str(SCREENSHOTS / "respondent-page.png"), full_page=True)
        youth.set_viewport_size({"width": 390, "height": 1100})
        youth.screenshot(path=str(SCREENSHOTS / "respondent-page-top.png"))

    # The coordinator revokes it: the same address now opens nothing.
    page.goto(case_url)
    row = page.locator("#family-link-list tbody tr").first
    expect(row).to_contain_text("Works until")
    row.get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The link was revoked")).to_be_visible()
    expect(page.locator("#family-link-list tbody tr").first).to_contain_text("Revoked")
    shoot("link-revoked")
    response = youth.goto(address)
    assert response is not None and response.status == 404
    expect(youth.locator("main")).not_to_contain_text(first_name)
    phone.close()
