"""A coordinator adds a partner site, places a sanction there and gives the supervisor a link; the
supervisor confirms hours on a phone without an account; the coordinator sees them verified.
A juror sees the rewards catalog in the portal."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import SCREENSHOTS, TAKE_SCREENSHOTS, sign_in

PHONE = {"width": 390, "height": 844}


def test_a_site_supervisor_confirms_hours_through_the_link(
    page: Page, browser: Browser, base_url: str, shoot
):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.get_by_role("link", name="Partner sites").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partner sites")
    expect(page.get_by_role("link", name="Riverside Food Bank")).to_be_visible()
    shoot("directory")

    page.get_by_role("button", name="Add a partner site").click()
    page.get_by_label("Site name").fill("Northside Animal Shelter")
    page.get_by_label("Capacity").fill("0")
    page.get_by_role("button", name="Add the site").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one kind of work.")
    expect(page.get_by_label("Site name")).to_have_value("Northside Animal Shelter")
    shoot("site-refused")
    page.get_by_label("Contact person").fill("Sam Rivera")
    page.get_by_label("Email").fill("sam@shelter.example.org")
    page.get_by_label("Community service").check()
    page.get_by_label("Capacity").fill("2")
    page.get_by_role("button", name="Add the site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Northside Animal Shelter")
    expect(page.locator("#placed-count")).to_have_text("0 of 2")

    # An open community-service sanction is placed at the new site.
    page.goto("/sanctions?view=open&type=community_service")
    page.locator("#sanction-rows tbody tr").first.get_by_role("link", name="Community service").click()
    sanction_url = page.url
    page.get_by_role("link", name="Partner site placement and the supervisor's link").click()
    page.get_by_label("Partner site").select_option(label="Northside Animal Shelter (0 of 2 placed)")
    page.get_by_role("button", name=re.compile(r"(Place at|Move to) this site")).click()
    expect(page.locator("#placed-site")).to_have_text("Northside Animal Shelter")
    page.get_by_label("For", exact=True).fill("Sam Rivera")
    page.get_by_role("button", name="Make a link").click()
    address = page.get_by_label("Address").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/link/[A-Za-z0-9_-]{43}/hours", address), address
    expect(page.get_by_role("button", name="Email it to sam@shelter.example.org")).to_be_visible()
    shoot("link-given")

    # The supervisor, on a phone and without an account, confirms hours twice (a double tap).
    phone = browser.new_context(viewport=PHONE, base_url=base_url)
    supervisor = phone.new_page()
    supervisor.goto(address)
    heading = supervisor.get_by_role("heading", level=1).inner_text()
    assert re.fullmatch(r"\S+ \S\.", heading.strip()), f"more than a first name and initial: {heading!r}"
    expect(supervisor.locator("main")).not_to_contain_text(re.compile(r"\d{4}-\d{4}"))  # no case number
    width = supervisor.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    before = supervisor.locator("#done").inner_text()
    supervisor.get_by_label("Hours").fill("2.5")
    supervisor.get_by_label("Note").fill("Walked the dogs and cleaned the kennels.")
    if TAKE_SCREENSHOTS:
        supervisor.screenshot(path=str(SCREENSHOTS / "supervisor-form.png"), full_page=True)
    supervisor.get_by_role("button", name="Confirm").dblclick()
    expect(supervisor.locator("main")).to_contain_text("Thank you: 2.5 hours")
    assert supervisor.locator("#done").inner_text() != before
    if TAKE_SCREENSHOTS:
        supervisor.screenshot(path=str(SCREENSHOTS / "supervisor-confirmed.png"), full_page=True)
    assert supervisor.request.get(address.replace("/hours", "x/hours")).status == 404
    phone.close()

    # The coordinator sees the hours on the sanction, verified by the site, once.
    page.goto(sanction_url)
    log = page.locator("article", has=page.get_by_role("heading", name="Progress log"))
    rows = log.locator("tbody tr", has_text="Walked the dogs")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Verified by the site")
    expect(rows.first).to_contain_text("Northside Animal Shelter")
    shoot("verified")


def test_a_juror_sees_the_rewards_catalog_with_their_balance(page: Page, base_url: str, shoot):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    sign_in(page, "juror@example.org")
    page.get_by_role("button", name="See the rewards").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Rewards")
    expect(page.locator("#balance")).to_have_text(re.compile(r"^\d+(\.\d+)?$"))
    items = page.get_by_role("list", name="Rewards, cheapest first").locator("li")
    expect(items.first).to_be_visible()
    assert items.count() >= 2
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"
    shoot("rewards")
