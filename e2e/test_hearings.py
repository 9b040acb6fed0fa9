"""A coordinator plans a hearing night with two courtrooms and opens a courtroom's printable docket."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import Page, expect

from e2e.conftest import choose_case, plan_night, sign_in


def test_coordinator_plans_a_night_and_prints_a_docket(page: Page, base_url: str, shoot):
    held_on = datetime.date.today() + datetime.timedelta(days=14)
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.get_by_role("link", name="Hearings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hearing nights")
    shoot("list-before")

    page.get_by_role("button", name="Plan a hearing night").click()
    expect(page.get_by_label("Courtroom 1: name")).to_have_value("Courtroom A")
    page.get_by_label("Date", exact=True).fill(held_on.isoformat())
    page.get_by_label("Starts at").fill("19:00")
    page.get_by_label("Ends at").fill("18:00")
    page.get_by_label("Courtroom 2: name").fill("courtroom a")
    page.get_by_role("button", name="Create the night").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The end time must be after the start time.")
    expect(alert).to_contain_text("Enter the location.")
    expect(alert).to_contain_text("is used twice")
    expect(page.get_by_label("Courtroom 2: name")).to_have_value("courtroom a")
    shoot("form-errors")

    page.get_by_label("Starts at").fill("18:00")
    page.get_by_label("Ends at").fill("20:30")
    page.get_by_label("Location").fill("Riverside County Courthouse, 2nd floor")
    page.get_by_label("Courtroom 2: name").fill("Courtroom B")
    page.get_by_label("Courtroom 2: cases it can hear").fill("3")
    shoot("form-filled")
    page.get_by_role("button", name="Create the night").click()

    expect(page).to_have_url(re.compile(r"/hearings/[0-9a-f-]{36}$"))
    expect(page.get_by_role("status")).to_contain_text("The hearing night was created.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"{held_on:%B} {held_on.day}, {held_on.year}"
    )
    expect(page.get_by_role("heading", level=2, name="Courtroom A")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Courtroom B")).to_be_visible()
    scheduling = page.locator("#schedule")
    # The demo has cases awaiting a hearing: put the first one offered on Courtroom A's docket.
    choose_case(page)
    scheduling.get_by_role("button", name="Add to the docket").click()
    expect(page.get_by_role("status")).to_contain_text("The case was added to the docket.")
    page.get_by_role("link", name="Prepare the notice").first.click()
    expect(page.locator("article")).to_contain_text("Please bring")
    expect(page.locator("article.letter")).to_contain_text("call us at 555-0140 as soon as possible")
    expect(page.locator("#no-phone")).to_have_count(0)
    shoot("notice")
    page.get_by_role("button", name="Mark notice sent").click()
    expect(page.get_by_role("status")).to_contain_text("was marked as sent today")
    shoot("night")

    page.locator("section[id^=courtroom-]").first.get_by_role("link", name="Printable docket").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Docket: Courtroom A")
    expect(page.get_by_text("Riverside County Courthouse, 2nd floor")).to_be_visible()
    shoot("docket")
    page.emulate_media(media="print")
    expect(page.get_by_role("link", name="Back to the hearing night")).to_be_hidden()
    shoot("docket-print")
    page.emulate_media(media="screen")

    page.get_by_role("link", name="Back to the hearing night").click()
    page.get_by_role("link", name="Hearings", exact=True).click()
    expect(page.locator("#night-rows")).to_contain_text("Courtroom B: 0 of 3")
    shoot("list")


def test_coordinator_reads_a_past_night_and_its_investigation_records(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/hearings")
    page.get_by_role("link", name="Past nights").click()
    expect(page).to_have_url(base_url + "/hearings?when=past")
    expect(page.get_by_role("link", name="Past nights")).to_have_attribute("aria-current", "page")
    shoot("past-list")
    nights = page.locator("#night-rows tbody th a")
    if not nights.count():
        return
    nights.first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Put a case on a docket")).to_have_count(0)
    shoot("past-night")
    held = page.locator("tbody tr", has_text="Held")
    if not held.count():
        return
    held.first.get_by_role("link", name="Open").click()
    expect(page.get_by_role("heading", level=2, name="Status")).to_be_visible()
    shoot("slot")
    record = page.locator("a[href$='/investigation']")
    if record.count():
        record.first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Investigation record")
        shoot("investigation")

        # A colleague saves the same record in another tab; this tab's save is refused, input kept.
        other = page.context.new_page()
        other.goto(page.url)
        other.get_by_label("Summary of the deliberation").fill("Saved first from the other tab.")
        other.get_by_role("button", name="Save the record").click()
        expect(other.get_by_role("status")).to_contain_text("The investigation record was saved.")
        other.close()
        page.get_by_label("Summary of the questioning").fill("My notes from the bench.")
        page.get_by_role("button", name="Save the record").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "Someone else saved this record while you were editing"
        )
        expect(page.get_by_label("Summary of the questioning")).to_have_value("My notes from the bench.")
        expect(page.get_by_role("heading", name="Saved by someone else")).to_be_visible()
        expect(page.get_by_text("Saved first from the other tab.")).to_be_visible()
        shoot("investigation-conflict")


def test_a_no_show_without_a_notice_sent_asks_for_a_reason(page: Page, shoot):
    today = datetime.date.today()
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    plan_night(
        page, today, "Riverside County Courthouse, 3rd floor", starts="00:00", ends="23:59", capacity="4"
    )
    choose_case(page)
    page.locator("#schedule").get_by_role("button", name="Add to the docket").click()
    expect(page.get_by_role("status")).to_contain_text("The case was added to the docket.")
    page.get_by_role("link", name="Record the outcome").first.click()

    expect(page.locator("#no-notice")).to_contain_text(
        "No hearing notice was recorded as sent to the family."
    )
    page.get_by_label("No-show: the case waits for a new hearing date").check()
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "No hearing notice was recorded as sent to the family, so they may not have known the date."
    )
    expect(page.get_by_label("No-show: the case waits for a new hearing date")).to_be_checked()
    shoot("no-show-needs-a-reason")
    page.get_by_label("Reason the no-show stands without a notice").fill(
        "The mother confirmed the date by phone on Monday."
    )
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.get_by_role("status")).to_contain_text("The no-show was recorded")
    shoot("no-show-recorded")


def test_the_case_picker_finds_a_case_by_part_of_the_youths_name(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    plan_night(
        page, datetime.date.today() + datetime.timedelta(days=21), "Riverside Community Center", capacity="6"
    )

    choices = page.locator("#case-choices input[name=case_id]")
    expect(choices.first).to_be_visible()
    shoot("picker")
    last_offered = page.locator("#case-choices label").last.inner_text().strip()
    number, name = last_offered.split(" · ")
    search = page.get_by_label("Find a case by part of the youth's name or of the case number")
    last_name = name.split()[-1]
    search.fill(last_name.lower())
    offered = page.locator("#case-choices label")
    expect(offered.filter(has_not_text=re.compile(re.escape(last_name), re.IGNORECASE))).to_have_count(0)
    expect(page.locator("#case-choices").get_by_label(last_offered)).to_be_visible()
    shoot("picker-searched")
    search.fill("no youth is called this")
    expect(page.locator("#case-choices")).to_contain_text(
        "No case waiting for a hearing or in sanctions matches"
    )
    search.fill(number)
    page.locator("#case-choices").get_by_label(last_offered).check()
    # Enter in the search field searches again: it never schedules the case chosen.
    search.fill("no youth is called this")
    search.press("Enter")
    expect(page.locator("#case-choices")).to_contain_text(
        "No case waiting for a hearing or in sanctions matches"
    )
    expect(page.locator("#case-choices").get_by_label(last_offered)).to_be_checked()
    expect(page.get_by_role("status")).not_to_contain_text("added to the docket")
    shoot("picker-chosen-kept")
    page.get_by_role("button", name="Add to the docket").click()

    expect(page.get_by_role("status")).to_contain_text("The case was added to the docket.")
    expect(page.locator("table").first).to_contain_text(number)
