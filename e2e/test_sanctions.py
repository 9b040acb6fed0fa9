"""A coordinator watches overdue sanctions, records a disposition, logs progress and closes the case."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in
from e2e.test_case_lifecycle import hold_hearing, open_case

ROW = "#sanction-rows tbody tr"


def test_coordinator_sees_the_overdue_and_open_sanctions(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Sanctions").click()

    expect(page).to_have_url(base_url + "/sanctions")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sanctions")
    expect(page.get_by_role("link", name="Overdue", exact=True)).to_have_attribute("aria-current", "page")
    expect(page.locator(ROW).first).to_be_visible()
    overdue = page.locator(ROW).count()
    for days in page.locator(f"{ROW} td:last-child").all_inner_texts():
        assert int(days) > 0, "the overdue tab lists only sanctions past their due date"
    shoot("overdue")

    page.get_by_label("Sanction type").select_option(label="Essay")
    expect(page).to_have_url(re.compile(r"/sanctions\?view=overdue&type=essay$"))
    expect(page.locator(f"{ROW} td:nth-child(3)").first).to_contain_text("Essay")
    for sanction in page.locator(f"{ROW} td:nth-child(3) a").all_inner_texts():
        assert sanction == "Essay"

    page.get_by_role("link", name="All open").click()
    expect(page).to_have_url(base_url + "/sanctions?view=open&type=essay")
    expect(page.get_by_role("link", name="All open")).to_have_attribute("aria-current", "page")
    expect(page.get_by_label("Sanction type")).to_have_value("essay")
    page.get_by_label("Sanction type").select_option(label="All sanction types")
    expect(page).to_have_url(re.compile(r"/sanctions\?view=open&type=$"))
    expect(page.locator(ROW).first).to_be_visible()
    assert page.locator(ROW).count() >= min(overdue, 25)
    shoot("all-open")

    page.get_by_label("Sanction type").select_option(label="Curfew")
    expect(page.locator("#sanction-rows")).to_contain_text("No open sanctions of type curfew")
    page.get_by_role("link", name="Overdue", exact=True).click()
    expect(page.locator("#sanction-rows")).to_contain_text("No sanction is overdue among curfew sanctions")
    shoot("empty")


def test_coordinator_records_a_disposition_then_progress_then_closes_the_case(
    page: Page, base_url: str, shoot
):
    today = datetime.date.today()
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/cases?state=scheduled")
    page.locator("tbody tr td:first-child a").first.click()
    case_url = page.url
    page.get_by_role("button", name="Record the disposition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the disposition")
    # The demo's scheduled cases are heard on nights still to come: no findings yet.
    expect(page.locator("#no-findings")).to_contain_text("The jury's findings are not recorded yet.")
    shoot("disposition-form")

    page.get_by_label("Sanction 1 type").select_option(label="Community service")
    page.get_by_label("Sanction 1 quantity").fill("60")
    page.get_by_label("Sanction 1 description").fill("Riverside parks cleanup")
    page.get_by_label("Sanction 1 addresses").select_option(label="None of the findings (give the reason)")
    page.get_by_label("Sanction 1: why it addresses none").fill("Decided before the findings were written up")
    page.get_by_label("Sanction 2 addresses").select_option(label="None of the findings (give the reason)")
    page.get_by_label("Sanction 2: why it addresses none").fill("The store manager asked for a letter")
    page.get_by_label("Sanction 2 type").select_option(label="Apology letter")
    page.get_by_label("Sanction 2 quantity").fill("1")
    page.get_by_label("Sanction 2 due date").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Record the disposition").click()

    expect(page.get_by_role("alert")).to_contain_text("60 hours of community service is outside the grid")
    expect(page.get_by_role("alert")).to_contain_text("The grid allows")
    expect(page.get_by_label("Sanction 1 quantity")).to_have_value("60")
    expect(page.get_by_label("Sanction 2 type")).to_have_value("apology_letter")
    shoot("disposition-outside-grid")
    page.get_by_label("Sanction 1 reason outside the grid").fill("Repeated damage to park benches")
    page.get_by_role("button", name="Record the disposition").click()

    expect(page).to_have_url(case_url)
    expect(page.get_by_role("status")).to_contain_text("The disposition was recorded.")
    sanctions = page.locator("#sanctions")
    expect(sanctions).to_contain_text("0 of 2 sanctions completed.")
    expect(sanctions).to_contain_text("0 of 60 hours")
    expect(sanctions.locator("progress")).to_have_count(2)
    shoot("case-with-sanctions")

    sanctions.get_by_role("link", name="Community service").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Community service: 60 hours")
    page.get_by_label("Amount").fill("0")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_role("alert")).to_contain_text("The amount must be more than 0.")
    expect(page.get_by_role("alert")).to_contain_text("Enter the service site.")
    page.get_by_label("Amount").fill("6.5")
    page.get_by_label("Site").fill("Lincoln Park")
    page.get_by_label("Verified by").fill("T. Morgan, parks supervisor")
    page.get_by_role("button", name="Record progress").click()
    expect(page.get_by_role("status")).to_contain_text("The progress was recorded.")
    expect(page.locator("article").first).to_contain_text("6.5 of 60 hours")
    expect(page.get_by_role("cell", name="Lincoln Park")).to_be_visible()

    page.get_by_label("New due date").fill((today + datetime.timedelta(days=150)).isoformat())
    page.get_by_role("button", name="Extend the due date").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter the reason for the extension.")
    page.get_by_label("Reason").fill("Parks closed for the winter")
    page.get_by_role("button", name="Extend the due date").click()
    expect(page.get_by_role("status")).to_contain_text("The due date is now")
    expect(page.get_by_role("cell", name="Parks closed for the winter")).to_be_visible()
    shoot("sanction-page")

    page.goto(case_url)
    page.locator("#closure").get_by_role("button", name="Close the case").click()
    page.get_by_label("Outcome").select_option("successful")
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_role("alert")).to_contain_text("Every sanction must be completed first.")
    page.get_by_label("Outcome").select_option("unsuccessful")
    page.get_by_role("button", name="Close the case").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Enter the reason the case returns to the referral source."
    )
    page.get_by_label("Reason").fill("Stopped coming to community service after November.")
    expect(page.get_by_label("Closed on")).to_have_value(today.isoformat())
    shoot("closure-form")
    page.get_by_role("button", name="Close the case").click()

    expect(page).to_have_url(case_url)
    closure = page.locator("#closure")
    expect(closure).to_contain_text("as unsuccessful")
    expect(closure).to_contain_text("6 months after closure")
    closure.get_by_role("link", name="Letter to the referral source").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Return of the referral")
    letter = page.locator("article.letter")
    expect(letter).to_contain_text("These sanctions were not completed:")
    expect(letter).to_contain_text("6.5 hours")
    expect(letter).to_contain_text("Stopped coming to community service")
    shoot("return-letter")


def test_juror_cannot_open_the_sanctions_list(page: Page):
    page.goto("/login")
    sign_in(page, "juror@example.org")
    page.goto("/sanctions")
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Sanctions")).to_have_count(0)


def test_the_disposition_form_offers_only_the_jurys_findings(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    case_url, number = open_case(page, "Ines", "Valderrama")
    hold_hearing(page, number, case_url)  # the jury found peer pressure, and sports or arts as a strength

    expect(page.get_by_role("heading", level=1)).to_have_text("Record the disposition")
    expect(page.locator("#no-findings")).to_have_count(0)
    assert page.locator("#field-s1_factor option").all_inner_texts() == [
        "Choose a finding of the jury",
        "Peer pressure",
        "Sports or arts",
        "None of the findings (give the reason)",
    ]
    expect(page.locator("#field-s1_factor optgroup[label='Strengths to build on']")).to_contain_text(
        "Sports or arts"
    )
    shoot("findings-only")

    page.get_by_label("Sanction 1 type").select_option(label="Community service")
    page.get_by_label("Sanction 1 quantity").fill("10")
    page.get_by_label("Sanction 1 addresses").select_option(label="None of the findings (give the reason)")
    page.get_by_label("Sanction 2 type").select_option(label="Essay")
    page.get_by_label("Sanction 2 quantity").fill("500")
    page.get_by_role("button", name="Record the disposition").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Sanction 1 addresses none of the jury's findings: say why")
    expect(alert).to_contain_text("Choose the finding sanction 2 addresses.")
    expect(page.get_by_label("Sanction 1 addresses")).to_have_value("none")
    expect(page.get_by_label("Sanction 1 quantity")).to_have_value("10")
    shoot("finding-needed")

    page.get_by_label("Sanction 1 addresses").select_option(label="Peer pressure")
    page.get_by_label("Sanction 2 addresses").select_option(label="Sports or arts")
    page.get_by_role("button", name="Record the disposition").click()
    expect(page).to_have_url(case_url)
    expect(page.locator("#sanctions")).to_contain_text("Addresses: Peer pressure")
    expect(page.locator("#sanctions")).to_contain_text("Addresses: Sports or arts")
