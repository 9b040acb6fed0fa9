"""A juror opens their portal on a phone: their nights, a reply to an invitation, hours, credits, calendar."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in

PHONE = {"width": 390, "height": 844}


def test_juror_uses_the_portal_on_a_phone(page: Page, base_url: str, shoot):
    page.set_viewport_size(PHONE)
    page.goto("/login")
    sign_in(page, "juror@example.org")

    expect(page).to_have_url(base_url + "/me")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hi Jordan")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone ({width}px)"

    shoot("portal")
    service = page.get_by_role("region", name="Your service")
    expect(service.get_by_text("hours", exact=True)).to_be_visible()
    expect(service.get_by_text("credits", exact=True)).to_be_visible()

    # The demo juror is invited to a coming night: they confirm it.
    yes = page.get_by_role("button", name="Yes, I'll come")
    card_id = yes.first.locator("xpath=ancestor::article[1]").get_attribute("id")
    yes.first.click()
    card = page.locator(f"#{card_id}")
    expect(card.get_by_role("status")).to_contain_text(re.compile(r"You're confirmed|waiting list"))
    expect(card).not_to_contain_text("Invited: please reply")
    shoot("replied")

    # Tomorrow they sit in Courtroom A: the day before, they see who they will hear, and only the minimum.
    page.get_by_role("link", name="Who you will hear").first.click()
    rows = page.get_by_role("table").locator("tbody tr")
    expect(rows.first).to_be_visible()
    for name in rows.locator("th").all_inner_texts():
        assert re.fullmatch(r"\S+ \S\.", name.strip()), f"more than a first name and initial: {name!r}"
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\d{4}-\d{4}"))  # no case numbers
    shoot("who-you-will-hear")
    assert page.goto("/me/nights/00000000-0000-0000-0000-000000000000").status == 404
    page.goto("/me")

    page.get_by_role("button", name=re.compile(r"calendar address")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your calendar address")
    address = page.get_by_label("Your private calendar address").input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/calendar/[A-Za-z0-9_-]{43}\.ics", address.strip())
    shoot("calendar")
    feed = page.request.get(address.strip())
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text().startswith("BEGIN:VCALENDAR")

    page.goto("/me")
    expect(page.get_by_role("button", name="Make a new calendar address")).to_be_visible()
    _staff_pages_are_closed(page)


def _staff_pages_are_closed(page: Page) -> None:
    response = page.goto("/cases")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")


def test_a_conflict_declared_after_seating_takes_the_juror_off_that_panel(page: Page, base_url: str, shoot):
    # The demo juror sits in a courtroom tomorrow; they see whom they will hear.
    page.set_viewport_size(PHONE)
    page.goto("/login")
    sign_in(page, "juror@example.org")
    seated = page.locator("article.juror-night", has=page.get_by_role("link", name="Who you will hear")).first
    expect(seated).to_be_visible()
    card_id = seated.get_attribute("id")
    room = seated.locator("dt:text-is('Courtroom') + dd").inner_text()
    seated.get_by_role("link", name="Who you will hear").click()
    first_name, initial = page.get_by_role("table").locator("tbody th").first.inner_text().strip().split(" ")

    # The juror tells the coordinator they know that respondent.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/jurors")
    page.get_by_label("Name").fill("Reyes")
    page.get_by_role("link", name="Reyes, Jordan").first.click()
    # Youths of the demo can share a first name and initial: the coordinator declares each until
    # the one on the juror's docket is found (a declared youth leaves the list of matches).
    unseated = re.compile(rf"Jordan R\. was (moved from {room} to|taken off the night)")
    status = page.get_by_role("status")
    for _ in range(12):
        page.get_by_label("Find a youth of the program by name").fill(f"{first_name} {initial[0]}")
        match = page.locator(".youth-matches li", has_text=re.compile(rf"{first_name} {initial[0]}")).first
        expect(match).to_be_visible()
        match.get_by_role("button", name="Declare a conflict").click()
        expect(status).to_contain_text("The conflict was declared")
        if unseated.search(status.inner_text()):
            break
    expect(status).to_contain_text(unseated)
    moved = "was moved from" in status.inner_text()
    shoot("conflict-declared")

    # The coordinator finds the change on the night's page; the panel no longer holds the juror.
    page.goto("/jurors/nights")
    nights = [link.get_attribute("href") for link in page.locator("tbody th a").all()]
    for address in nights:
        page.goto(address)
        if page.get_by_role("region", name="Changes to the jury").count():
            break
    expect(page.get_by_role("region", name="Changes to the jury")).to_contain_text("Jordan R.")
    shoot("night-notice")
    page.get_by_role("link", name="Panels", exact=True).click()
    panel = page.locator("section[id^=panel-]", has=page.get_by_role("heading", name=room, exact=True))
    expect(panel.locator("tbody th", has_text="Jordan R.")).to_have_count(0)
    expect(page.locator(".flag-hard").first).to_be_visible()
    shoot("panels-after-conflict")

    # The juror's phone shows where they sit now, or no longer lists the night.
    page.context.clear_cookies()
    page.set_viewport_size(PHONE)
    page.goto("/login")
    sign_in(page, "juror@example.org")
    card = page.locator(f"#{card_id}")
    if moved:
        expect(card).not_to_contain_text(room)
    else:
        expect(card).to_have_count(0)
    shoot("portal-after-conflict")
