"""A coordinator works the follow-up list: records a check that found a new offense, then sees it on the case."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in

TODAY = datetime.date.today()
ROW = "main tbody tr"


def test_coordinator_records_a_follow_up_check_that_found_a_new_offense(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Follow-ups").click()

    expect(page).to_have_url(base_url + "/follow-ups")
    expect(page.get_by_role("heading", level=1)).to_have_text("Follow-up checks")
    expect(page.get_by_role("link", name="Due now")).to_have_attribute("aria-current", "page")
    expect(page.locator(ROW).first).to_be_visible()
    for status in page.locator(f"{ROW} td:nth-child(5)").all_inner_texts():
        assert status == "Due today" or status.startswith("Overdue by"), status
    shoot("worklist")

    first = page.locator(ROW).first
    case_number = first.locator("td").first.inner_text()
    first.get_by_role("link", name=re.compile(rf"^Record the check of case {case_number}\b")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the")
    expect(page.get_by_label("Date checked")).to_have_value(TODAY.isoformat())
    shoot("check-form")

    page.get_by_label("Police records").check()
    page.get_by_label("New offense found").check()
    page.get_by_role("button", name="Record the check").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter at least one new offense")
    expect(page.get_by_label("Police records")).to_be_checked()
    expect(page.get_by_label("New offense found")).to_be_checked()
    shoot("check-errors")

    page.get_by_role("button", name="Add another event").click()
    expect(page.get_by_label("Event 4 date")).to_be_visible()
    expect(page.locator("#field-event_rows")).to_have_value("4")
    occurred = (TODAY - datetime.timedelta(days=5)).isoformat()
    page.get_by_label("Event 1 date").fill(occurred)
    page.get_by_label("Event 1 type").select_option(label="Arrest")
    page.get_by_label("Event 1 offense category").select_option(label="Theft")
    page.get_by_label("Event 1 found in").select_option(label="Police")
    shoot("check-filled")
    page.get_by_role("button", name="Record the check").click()

    expect(page).to_have_url(base_url + "/follow-ups")
    expect(page.get_by_role("status")).to_contain_text(f"Case {case_number}: the")
    expect(page.get_by_role("status")).to_contain_text("new offense found, 1 event")
    shoot("recorded")

    page.get_by_role("link", name="Completed").click()
    done = page.locator(ROW).filter(has_text=case_number).first
    expect(done).to_contain_text(f"Done {TODAY.isoformat()}: new offense found")
    done.get_by_role("link", name=case_number, exact=True).click()

    section = page.locator("#outcomes")
    expect(section.get_by_role("heading", name="New offenses after the case")).to_be_visible()
    recorded = section.locator("tbody tr").filter(has_text=occurred)
    expect(recorded).to_contain_text("Arrest")
    expect(recorded).to_contain_text("Theft")
    expect(recorded).to_contain_text("Police records")
    expect(page.locator("#closure")).to_contain_text(f"Done on {TODAY.isoformat()}: new offense found")
    expect(page.locator("#timeline")).to_contain_text("follow-up check on")
    section.scroll_into_view_if_needed()
    shoot("case-page")

    later = (TODAY - datetime.timedelta(days=1)).isoformat()
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    section.get_by_label("Date", exact=True).fill(future)
    section.get_by_label("Type", exact=True).select_option(label="Adjudication")
    section.get_by_label("Offense category").select_option(label="Theft")
    section.get_by_label("Found in").select_option(label="Juvenile court")
    section.get_by_role("button", name="Record the new offense").click()
    expect(section.get_by_role("alert")).to_contain_text("cannot be after today")
    expect(section.get_by_label("Type", exact=True)).to_have_value("adjudication")
    shoot("later-event-error")
    section.get_by_label("Date", exact=True).fill(later)
    section.get_by_role("button", name="Record the new offense").click()

    expect(page.get_by_role("status")).to_contain_text(f"The adjudication was recorded on case {case_number}")
    expect(page.locator("#outcomes tbody tr").filter(has_text="Reported later")).to_contain_text(
        "Adjudication"
    )
    page.locator("#outcomes").scroll_into_view_if_needed()
    shoot("later-event")
