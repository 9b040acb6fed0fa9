"""A coordinator takes in a referral, is warned about a young person already on record, uploads the
police report, reads the screening and records the first contact with the family."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def fill_incident(page: Page, incident: datetime.date) -> None:
    page.get_by_label("Date of the incident").fill(incident.isoformat())
    page.get_by_label("Place").fill("Corner store on 5th Avenue")
    page.get_by_label("Offense").select_option(label="Petit larceny / shoplifting (class A)")
    page.get_by_label("What happened").fill(
        "Took a phone charger without paying; admitted it to the officer."
    )
    page.get_by_label("Referring agency").select_option(label="Police Department")
    page.get_by_label("Agency's reference number").fill("PD-2026-0042")


def test_coordinator_takes_in_screens_and_follows_up_a_referral(page: Page, base_url: str, shoot):
    incident = datetime.date.today() - datetime.timedelta(days=12)
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals")
    page.get_by_role("button", name="New referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New referral")
    shoot("new-form")

    page.get_by_role("button", name="Save the referral").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the first name.")
    expect(page.get_by_role("alert")).to_contain_text("Enter at least one parent or guardian")
    shoot("missing-fields")

    page.get_by_label("First name").fill("Darius")
    page.get_by_label("Last name").fill("Whitaker")
    page.get_by_label("Date of birth").fill("2011-03-09")
    page.get_by_label("School").fill("Lincoln Middle School")
    page.get_by_label("Grade").fill("8")
    page.locator("#field-guardian1_name").fill("Renee Whitaker")
    page.locator("#field-guardian1_relationship").fill("Mother")
    page.locator("#field-guardian1_phone").fill("555-0101")
    fill_incident(page, incident)
    page.get_by_label("Earlier police contacts").fill("1")
    page.get_by_label("Earlier diversions").fill("0")
    page.get_by_label("Study arm").select_option(label="Youth court")
    page.get_by_role("button", name="Save the referral").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the day of assignment")
    expect(page.get_by_label("Earlier police contacts")).to_have_value("1")
    page.get_by_label("Day of assignment").fill(datetime.date.today().isoformat())
    page.get_by_label("How it was assigned").select_option(value="random")
    page.get_by_role("button", name="Save the referral").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Darius Whitaker")
    expect(page.get_by_role("status")).to_contain_text("The referral was saved")
    expect(page.get_by_role("row", name=re.compile("^Prior record"))).to_contain_text(
        "Police contacts: 1; diversions: 0; adjudications: not known"
    )
    expect(page.get_by_role("row", name=re.compile("^Study arm"))).to_contain_text("Youth court, assigned")
    referral_url = page.url
    assert re.search(r"/referrals/[0-9a-f-]{36}$", referral_url)
    screening = page.locator("#screening")
    expect(screening).to_contain_text("Meets all of the program's eligibility rules.")
    expect(screening.get_by_role("row", name=re.compile("^Age"))).to_contain_text("Passed")
    shoot("created")

    page.locator("#documents").get_by_label("Title").fill("Police report")
    page.locator("#documents").get_by_label("File").set_input_files(
        {"name": "police-report.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("The document was uploaded.")
    expect(page.locator("#documents tbody")).to_contain_text("Police report")
    expect(page.locator("#documents tbody")).to_contain_text("PDF")
    with page.expect_download() as download:
        page.locator("#documents").get_by_role("link", name="Download Police report").click()
    assert re.fullmatch(r"document-[0-9a-f]{8}\.pdf", download.value.suggested_filename)
    page.locator("#documents").scroll_into_view_if_needed()
    shoot("uploaded")

    page.get_by_label("Date of the first contact with the family").fill(datetime.date.today().isoformat())
    page.get_by_role("button", name="Record the first contact").click()
    expect(page.get_by_role("status")).to_contain_text("The first contact with the family was recorded.")
    expect(page.get_by_role("row", name=re.compile("First family contact"))).to_contain_text(
        datetime.date.today().isoformat()
    )
    shoot("family-contact")

    page.goto("/referrals/new")
    page.get_by_label("First name").fill("Darius")
    page.get_by_label("Last name").fill("Whitaker")
    page.get_by_label("Date of birth").fill("2011-03-09")
    matches = page.locator("#youth-matches")
    expect(matches).to_contain_text("This may be the same young person")
    expect(matches).to_contain_text("Lincoln Middle School")
    shoot("duplicate-warning")

    # A click, not check(): choosing the record swaps the whole section, radio included, so the radio
    # can be gone before check() reads it back (and a late search reply can redraw it unchecked).
    matches.get_by_label("Darius Whitaker").click()
    expect(page.locator("#youth-section")).to_contain_text(
        "Using the record already on file for Darius Whitaker"
    )
    expect(page.locator("#youth-section")).to_contain_text("Renee Whitaker")
    expect(page.locator("#guardians")).to_contain_text("are kept")
    fill_incident(page, incident + datetime.timedelta(days=3))
    shoot("existing-youth-chosen")
    page.get_by_role("button", name="Save the referral").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Darius Whitaker")
    first_time = page.locator("#screening").get_by_role("row", name=re.compile("^First referral"))
    expect(first_time).to_contain_text("Failed")
    expect(first_time).to_contain_text("first-time referrals only")
    shoot("repeat-referral-screening")

    # Failing a rule, the referral is accepted only as an exception, with the reason.
    decision = page.locator("#decision")
    expect(decision).to_contain_text("Accept as an exception")
    expect(decision).to_contain_text("First referral")
    expect(decision.get_by_role("button", name="Accept and open a case", exact=True)).to_have_count(0)
    decision.get_by_role("button", name="Accept anyway and open a case").click()
    expect(decision.get_by_role("alert")).to_contain_text(
        "This referral fails 1 of the program's eligibility rules (first referral). Nothing was saved."
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Darius Whitaker")
    decision.scroll_into_view_if_needed()
    shoot("accept-needs-a-reason")
    decision.get_by_label("Reason to accept it all the same").fill(
        "The first referral was withdrawn by the school; the judge asked us to take this one."
    )
    decision.get_by_role("button", name="Accept anyway and open a case").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    expect(page.get_by_role("status")).to_contain_text("was opened")
    expect(page.locator("#timeline")).to_contain_text(
        "Accepted although the referral fails the eligibility rules"
    )
    shoot("accepted-as-exception")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Referrals").click()
    rows = page.locator("#referral-rows tbody tr")
    expect(rows.filter(has_text="Darius Whitaker")).to_have_count(2)
    shoot("list")
    page.goto(referral_url)
    expect(page.locator("#documents tbody")).to_contain_text("Police report")
