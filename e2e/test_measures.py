"""The evaluator opens the program measures, picks a quarter and reads the table."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in


def test_evaluator_reads_the_measures_for_a_quarter(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/measures")
    expect(page.get_by_role("heading", level=1)).to_have_text("Program measures")
    expect(page.get_by_role("heading", level=2)).to_contain_text(re.compile(r"Q\d \d{4} \("))
    shoot("last-quarter")

    quick = page.get_by_role("navigation", name="Quick choice of period").get_by_role("button")
    expect(quick).to_have_count(5)
    earliest = quick.first
    name = earliest.inner_text().strip()
    earliest.click()
    expect(page.get_by_role("heading", level=2)).to_contain_text(name)
    expect(quick.first).to_have_attribute("aria-current", "true")
    youth = page.locator("article", has=page.get_by_role("heading", name="Youth served"))
    expect(youth.get_by_role("row", name=re.compile("^Total"))).to_be_visible()
    expect(page.get_by_role("heading", name="Referrals received")).to_be_visible()
    expect(page.get_by_text("Withdrawn cases are not counted").first).to_be_visible()
    expect(page.get_by_text("Counts are rounded to the nearest 5")).to_be_visible()
    shoot("earliest-quarter")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the whole table (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("measures-") and download.suggested_filename.endswith(
        ".csv"
    )
    assert "Youth served,Total," in download.path().read_text()

    page.get_by_label("First month").fill("2026-03")
    page.get_by_label("Last month").fill("2026-01")
    page.get_by_role("button", name="Show the measures").click()
    expect(page.get_by_role("alert")).to_contain_text("The last month must be the first month or later.")
    expect(page.get_by_label("First month")).to_have_value("2026-03")
    expect(page.get_by_role("heading", name="Youth served")).to_have_count(0)
    shoot("bad-period")
