"""A coordinator enrolls a volunteer juror, trains them and reads the jury pool reports."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def test_coordinator_enrolls_trains_and_reports_on_a_volunteer(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/cases")
    respondent = page.locator("tbody tr td:nth-child(2)").first.inner_text().strip()
    page.goto("/jurors")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jurors")
    shoot("roster")

    page.get_by_role("button", name="Add a volunteer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a volunteer")
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Date of birth").fill("2010-06-01")
    page.get_by_label("School").fill("Riverside High")
    page.get_by_label("Grade").fill("10")
    page.get_by_label("Email address (optional)", exact=True).fill("nadia.osei@example.org")
    page.get_by_label("Guardian's name").fill("Ama Osei")
    page.get_by_role("button", name="Add the volunteer").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the last name.")
    expect(page.get_by_label("First name")).to_have_value("Nadia")
    expect(page.get_by_label("School")).to_have_value("Riverside High")
    shoot("volunteer-missing-name")
    page.get_by_label("Last name").fill("Osei")
    page.get_by_role("button", name="Add the volunteer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Nadia Osei")
    expect(page.get_by_text("The volunteer was added as an applicant.")).to_be_visible()
    juror_url = page.url

    # Activating needs the oath and, for a volunteer, the parent's consent.
    page.get_by_label("Change the status to").select_option(label="Active")
    page.get_by_role("button", name="Change the status").click()
    expect(page.get_by_role("alert")).to_contain_text("Record the confidentiality oath")
    shoot("activation-refused")
    page.get_by_label("Oath signed on").fill((TODAY - DAY).isoformat())
    page.get_by_label("Parent's consent signed on").fill((TODAY - 2 * DAY).isoformat())
    page.get_by_role("button", name="Record the oath and consent").click()
    expect(page.get_by_text("The oath and the parent's consent were recorded.")).to_be_visible()
    page.get_by_label("Change the status to").select_option(label="Active")
    page.get_by_role("button", name="Change the status").click()
    expect(page.get_by_text("The juror is now active.")).to_be_visible()
    expect(page.locator(".page-head .state")).to_have_text("Active")

    # A new volunteer with no nights and no training is not made youth judge without a reason.
    roles = page.locator("#roles")
    expect(roles.get_by_role("row", name=re.compile("^Youth judge"))).to_contain_text(
        "Needs 10 nights served"
    )
    page.get_by_label("Court role").select_option(label="Youth judge")
    page.get_by_label("Earned on").fill((TODAY - DAY).isoformat())
    page.get_by_role("button", name="Add the court role").click()
    expect(roles.get_by_role("alert")).to_contain_text(
        "Nadia does not meet the program's rule for youth judge yet: needs 10 nights served (has 0)"
    )
    expect(page.get_by_label("Court role")).to_have_value("youth_judge")
    roles.scroll_into_view_if_needed()
    shoot("youth-judge-needs-a-reason")
    page.get_by_label("Reason to grant it before the program's rule is met").fill(
        "Youth judge for two years in the neighbouring county's youth court."
    )
    page.get_by_role("button", name="Add the court role").click()
    expect(
        page.get_by_text("Youth judge was added to the juror's court roles, as an exception")
    ).to_be_visible()
    expect(roles).to_contain_text("Youth judge since")
    expect(roles).to_contain_text("Granted before the program's rule was met")
    expect(roles).to_contain_text("Youth judge for two years in the neighbouring county's youth court.")
    roles.scroll_into_view_if_needed()
    shoot("youth-judge-granted")

    # The juror knows a respondent: found by name as the coordinator types.
    page.get_by_label("Find a youth of the program by name").fill(respondent)
    match = page.locator("#youth-matches li").filter(has_text=respondent).first
    expect(match).to_be_visible()
    match.get_by_role("textbox").fill("Neighbours")
    shoot("conflict-search")
    match.get_by_role("button", name="Declare a conflict").click()
    expect(page.get_by_text("The conflict was declared")).to_be_visible()
    expect(page.locator("#conflicts")).to_contain_text(respondent)
    shoot("juror-active")

    page.get_by_role("button", name="Give portal access").click()
    expect(page.get_by_role("status")).to_contain_text("Portal access was given")
    page.get_by_role("button", name="Give a temporary password").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("A temporary password for Nadia Osei")
    expect(page.locator(".temporary-password code")).to_have_text(
        re.compile(r"^[0-9a-f]{4}(-[0-9a-f]{4}){3}$")
    )
    shoot("portal-access")
    page.get_by_role("link", name="Back to Nadia Osei's page").click()
    expect(page.locator("#portal")).to_contain_text("signs in to the juror portal as nadia.osei@example.org")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Jurors").click()
    page.get_by_role("navigation", name="Juror program").get_by_role("link", name="Training").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Juror training")
    page.get_by_label("Title").fill("Clerk training")
    page.get_by_label("Date").fill((TODAY - DAY).isoformat())
    page.get_by_label("Hours").fill("4")
    page.get_by_label("Qualifies for the court role").select_option(label="Clerk")
    page.get_by_role("button", name="Add the session").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Clerk training")
    page.get_by_label("Osei, Nadia").check()
    shoot("training-attendance")
    page.get_by_role("button", name="Mark as present").click()
    expect(
        page.get_by_text("1 juror marked present, 4 credits earned in all, 1 newly qualified as clerk.")
    ).to_be_visible()
    expect(page.locator("#attended")).to_contain_text("Nadia Osei")
    shoot("training-done")

    page.goto(juror_url)
    expect(page.locator("#training")).to_contain_text("Clerk training")
    expect(page.locator("#roles")).to_contain_text("Clerk since")
    expect(page.locator("#service")).to_contain_text("Time credits")
    shoot("juror-trained")

    page.goto("/jurors")
    page.get_by_label("Name").fill("Osei")
    expect(page.locator("#juror-rows")).to_contain_text("Osei, Nadia")
    page.get_by_label("Status").select_option(label="Suspended")
    expect(page.locator("#juror-rows")).to_contain_text("No juror matches these filters.")
    page.get_by_label("Status").select_option(label="Active")
    expect(page.locator("#juror-rows")).to_contain_text("Osei, Nadia")

    page.get_by_role("navigation", name="Juror program").get_by_role("link", name="Jury pool reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jury pool reports")
    expect(page.locator("#hours progress")).to_have_count(12)
    shoot("reports")
