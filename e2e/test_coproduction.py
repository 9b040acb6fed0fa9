"""A program admin completes the co-production self-assessment for two quarters, reads the history
as charts and a table with the evidence beside each question, and prints one for the board."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in
from youthcourt.coproduction.periods import offered, period_of
from youthcourt.coproduction.questions import QUESTIONS

COMMENTS = {
    "assets": "Every sentence this quarter named a strength.",
    "networks": "The library joined as a service site.",
}


def answer_all(page: Page, scores: dict[str, int], *, skip: str = "") -> None:
    for question in QUESTIONS:
        element = question.element.value
        if element == skip:
            continue
        group = page.locator(f"#field-{element}-score")
        group.locator(f'input[value="{scores.get(element, 2)}"]').check()
        if element in COMMENTS:
            page.locator(f"#field-{element}-comment").fill(COMMENTS[element])


def start(page: Page, key: str) -> None:
    page.goto("/coproduction")
    page.get_by_label("Period", exact=True).select_option(key)
    page.get_by_role("button", name="Start the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Self-assessment, {period_of(key).name}")


def test_an_admin_assesses_two_quarters_and_prints_one(page: Page, shoot, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Co-production").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Co-production self-assessment")
    table = page.get_by_role("table", name="Self-assessments by period")
    expect(table.locator("tbody tr")).to_have_count(4)  # the demo's last four quarters
    shoot("history")

    keys = list(offered(datetime.date.today()))
    this_quarter, earlier_quarter = keys[0], keys[5]  # the demo assessed the four between

    start(page, earlier_quarter)
    for question in QUESTIONS:
        expect(page.get_by_role("heading", name=f"{question.number}. {question.title}")).to_be_visible()
    expect(page.get_by_text("Intakes that recorded a strength").first).to_be_visible()
    expect(page.get_by_text("Jurors who are former respondents").first).to_be_visible()
    expect(page.get_by_text("Referral agencies working with the court").first).to_be_visible()
    answer_all(page, {"assets": 2, "catalysts": 1}, skip="mutuality")
    page.get_by_role("button", name="Save the self-assessment").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a score for Mutuality.")
    expect(page.locator("#field-assets-comment")).to_have_value(COMMENTS["assets"])
    expect(page.locator("#field-assets-score input[value='2']")).to_be_checked()
    shoot("form-with-an-error")
    page.locator("#field-mutuality-score input[value='2']").check()
    page.get_by_role("button", name="Save the self-assessment").click()
    expect(page.get_by_role("status")).to_contain_text("was saved")
    expect(page.get_by_text(COMMENTS["networks"])).to_be_visible()

    start(page, this_quarter)
    answer_all(page, {"assets": 4, "capabilities": 3, "mutuality": 3, "networks": 3, "blurring_roles": 4})
    shoot("form")
    page.get_by_role("button", name="Save the self-assessment").click()
    expect(page.get_by_role("status")).to_contain_text("was saved")
    expect(page.get_by_text("4 · Embedded").first).to_be_visible()
    evidence = page.get_by_role("complementary", name="Evidence for Blurring roles")
    expect(evidence).to_contain_text(re.compile(r"Jurors who are former respondents\s+(\d+%|withheld|none)"))
    shoot("assessment")

    page.get_by_role("link", name="Co-production").first.click()
    expect(table.locator("tbody tr")).to_have_count(6)
    charts = page.locator("svg.score-chart")
    expect(charts).to_have_count(6)
    expect(charts.first.locator("circle")).to_have_count(6)
    expect(table.locator("tbody tr").first).to_contain_text(period_of(this_quarter).name)
    shoot("history-after")

    table.get_by_role("link", name=period_of(this_quarter).name).click()
    page.get_by_role("button", name="Print view for the board").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Co-production self-assessment")
    sheet = page.locator(".coproduction-sheet")
    for question in QUESTIONS:
        expect(sheet).to_contain_text(f"{question.number}. {question.title}")
    page.emulate_media(media="print")
    expect(page.locator(".site-header nav")).to_be_hidden()
    shoot("print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=False)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1, "the assessment prints on one page"
