"""Two cases walked through the whole lifecycle in the browser, as a coordinator works them.

One ends in successful closure with a completion letter; the other is returned to the
referral source for not completing its sanctions.
"""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import Page, expect

from e2e.conftest import choose_case, plan_night, sign_in

TODAY = datetime.date.today()


def flash(page: Page):
    return page.get_by_role("status")


def take_referral(page: Page, first: str, last: str) -> None:
    """Referral intake for a new young person, the first contact with the family, and acceptance."""
    page.goto("/referrals/new")
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    page.get_by_label("Date of birth").fill("2011-04-02")
    page.locator("#field-guardian1_name").fill(f"Alexis {last}")
    page.locator("#field-guardian1_relationship").fill("Mother")
    page.locator("#field-guardian1_phone").fill("555-0188")
    page.get_by_label("Date of the incident").fill((TODAY - datetime.timedelta(days=10)).isoformat())
    page.get_by_label("Place").fill("Riverside Mall")
    page.get_by_label("Offense").select_option(label="Petit larceny / shoplifting (class A)")
    page.get_by_label("What happened").fill("Took headphones from a store; admitted it right away.")
    page.get_by_label("Referring agency").select_option(label="Police Department")
    page.get_by_label("Agency's reference number").fill(f"RPD-{last.upper()}")
    page.get_by_role("button", name="Save the referral").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{first} {last}")

    page.get_by_label("Date of the first contact with the family").fill(TODAY.isoformat())
    page.get_by_role("button", name="Record the first contact").click()
    expect(flash(page)).to_contain_text("first contact with the family was recorded")
    page.get_by_role("button", name="Accept and open a case").click()
    expect(page).to_have_url(re.compile(r"/cases/[0-9a-f-]{36}$"))
    expect(flash(page)).to_contain_text("was opened")


def do_intake(page: Page) -> None:
    page.get_by_role("button", name="Start the intake").click()
    for label in (
        "Intake interview",
        "Admission of the offense",
        "Youth consent signed",
        "Guardian consent signed",
        "Confidentiality agreement signed",
    ):
        page.get_by_label(label).fill(TODAY.isoformat())
    page.get_by_label("Peer pressure").check()
    page.get_by_label("Sports or arts").check()
    page.get_by_role("button", name="Save the intake").click()
    expect(flash(page)).to_contain_text("The intake was saved.")
    page.get_by_role("button", name="Intake complete: ready for a hearing").click()
    expect(page.locator("hgroup .state")).to_have_text("Awaiting hearing")

    page.get_by_label("How").select_option(label="Phone")
    page.get_by_label("Summary").fill("Explained the hearing night to the family.")
    page.get_by_role("button", name="Add to the contact log").click()
    expect(flash(page)).to_contain_text("The contact was added to the log.")


def hold_hearing(page: Page, case_number: str, case_url: str) -> None:
    """Plan tonight's hearing night, put the case on its docket, and record that it was held."""
    plan_night(
        page, TODAY, "Riverside County Courthouse, 2nd floor", starts="00:00", ends="23:59", capacity="4"
    )

    choose_case(page, case_number)
    page.get_by_role("button", name="Add to the docket").click()
    expect(flash(page)).to_contain_text("The case was added to the docket.")

    page.goto(case_url)
    expect(page.locator("hgroup .state")).to_have_text("Scheduled")
    page.locator("#case-hearings").get_by_role("link", name=re.compile(TODAY.isoformat())).click()
    page.get_by_label("Held").check()
    page.get_by_role("button", name="Record the outcome").click()
    page.get_by_role("link", name="Record the jury's findings").click()
    page.get_by_label("Peer pressure").check()
    page.get_by_label("Sports or arts").check()
    page.get_by_role("button", name="Save the record").click()
    expect(flash(page)).to_contain_text("The investigation record was saved.")
    page.get_by_role("button", name="Record the disposition").click()


def record_disposition(page: Page, rows: list[tuple[str, str]]) -> None:
    for number, (kind, quantity) in enumerate(rows, start=1):
        page.get_by_label(f"Sanction {number} type").select_option(label=kind)
        page.get_by_label(f"Sanction {number} quantity").fill(quantity)
    page.get_by_label("Sanction 1 addresses").select_option(label="Peer pressure")
    page.get_by_label("Sanction 2 addresses").select_option(label="Sports or arts")
    page.get_by_role("button", name="Record the disposition").click()
    expect(page.locator("hgroup .state")).to_have_text("Sanctions in progress")


def log_progress(page: Page, sanction: str, entries: list[dict[str, str]]) -> None:
    page.locator("#sanctions").get_by_role("link", name=sanction).click()
    for entry in entries:
        page.get_by_label("Date", exact=True).fill(TODAY.isoformat())
        page.get_by_label("Kind").select_option(label=entry["kind"])
        page.get_by_label("Amount").fill(entry["amount"])
        if "site" in entry:
            page.get_by_label("Site").fill(entry["site"])
            page.get_by_label("Verified by").fill("K. Lopez, volunteer coordinator")
        page.get_by_role("button", name="Record progress").click()
        expect(flash(page)).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Case \d{4}-\d{4}$")).click()


def close_case(page: Page, outcome: str, reason: str) -> None:
    page.get_by_role("button", name="Close the case").click()
    page.get_by_label("Outcome").select_option(label=outcome)
    page.get_by_label("Reason").fill(reason)
    page.get_by_role("button", name="Close the case").click()


def open_case(page: Page, first: str, last: str) -> tuple[str, str]:
    take_referral(page, first, last)
    case_url = page.url
    case_number = page.locator("h1 small").inner_text().split("Case ")[-1].strip()
    do_intake(page)
    return case_url, case_number


def test_a_case_from_referral_to_successful_closure(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    case_url, number = open_case(page, "Noemi", "Achterberg")
    expect(page.locator("#contacts")).not_to_contain_text("days without contact")
    entries = page.locator("#timeline li")
    titles = entries.all_inner_texts()
    contact = next(i for i, text in enumerate(titles) if "Contact by phone" in text)
    opening = next(i for i, text in enumerate(titles) if "case opened" in text)
    assert contact < opening, "a contact logged today is above the case opened earlier today"
    expect(entries.nth(contact).locator("time")).to_have_text(TODAY.isoformat())
    expect(page.locator("#timeline")).to_contain_text("Intake updated")
    shoot("awaiting-hearing")
    hold_hearing(page, number, case_url)
    shoot("disposition-form")
    record_disposition(page, [("Community service", "10"), ("Apology letter", "1")])
    findings = page.locator("#timeline li", has_text="Jury's findings recorded")
    expect(findings).to_contain_text("by Maya Alvarez")
    expect(findings).to_contain_text("Contributing factors: Peer pressure. Strengths: Sports or arts.")
    shoot("sentenced")

    log_progress(page, "Community service", [{"kind": "Hours", "amount": "6", "site": "Riverside Food Bank"}])
    expect(page.locator("#sanctions")).to_contain_text("6 of 10 hours")
    close_case(page, "Successful: every sanction completed", "")
    expect(page.get_by_role("alert")).to_contain_text("Not completed")
    shoot("closure-refused")

    page.goto(case_url)
    log_progress(page, "Community service", [{"kind": "Hours", "amount": "4", "site": "Riverside Food Bank"}])
    log_progress(
        page, "Apology letter", [{"kind": "Received", "amount": "1"}, {"kind": "Reviewed", "amount": "1"}]
    )
    expect(page.locator("#sanctions")).to_contain_text("2 of 2 sanctions completed")
    close_case(page, "Successful: every sanction completed", "Completed every sanction on time.")
    expect(page.locator("hgroup .state")).to_have_text("Completed")
    expect(page.locator("#timeline")).to_contain_text("Now completed")
    shoot("completed")

    page.locator("#closure").get_by_role("link", name="Letter to the referral source").click()
    letter = page.locator("main")
    expect(letter).to_contain_text("Noemi Achterberg")
    expect(letter).to_contain_text("RPD-ACHTERBERG")
    expect(letter).to_contain_text("completed")
    shoot("completion-letter")


def test_a_case_returned_to_the_source_for_non_compliance(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    case_url, number = open_case(page, "Marcel", "Oyelaran")
    hold_hearing(page, number, case_url)
    record_disposition(page, [("Community service", "12"), ("Essay", "500")])
    log_progress(
        page, "Community service", [{"kind": "Hours", "amount": "3", "site": "Lincoln Park cleanup"}]
    )

    close_case(page, "Unsuccessful: returned to the referral source", "")
    expect(page.get_by_role("alert")).to_contain_text("reason")
    close_case(page, "Unsuccessful: returned to the referral source", "Stopped attending community service.")
    expect(page.locator("hgroup .state")).to_have_text("Unsuccessful")
    expect(page.locator("#closure")).to_contain_text("6 months after closure")
    shoot("returned")

    page.locator("#closure").get_by_role("link", name="Letter to the referral source").click()
    letter = page.locator("main")
    expect(letter).to_contain_text("Marcel Oyelaran")
    expect(letter).to_contain_text("Stopped attending community service.")
    unmet = letter.get_by_role("row", name=re.compile("Community service"))
    expect(unmet).to_contain_text("12 hours")
    expect(unmet).to_contain_text("3 hours")
    expect(letter).to_contain_text("These sanctions were not completed")
    shoot("return-letter")
