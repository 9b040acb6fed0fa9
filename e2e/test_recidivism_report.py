"""The evaluator builds recidivism reports: grouped by completion status, then against the comparison group."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in
from e2e.test_effects import pdf_words

NUMBER = re.compile(r"^[0-9][0-9,]*$")


def test_evaluator_compares_reoffending_by_completion_status(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.get_by_role("link", name="Recidivism").click()

    expect(page).to_have_url(base_url + "/reports/recidivism")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recidivism")
    expect(page.get_by_label("Arrest")).to_be_checked()
    expect(page.locator("#results")).to_have_count(0)
    shoot("form")

    page.get_by_label("Group by").select_option(label="Completion status")
    page.get_by_role("button", name="Build the report").click()

    expect(page).to_have_url(re.compile(r"/reports/recidivism\?.*group=completion"))
    results = page.locator("#results")
    expect(results.get_by_role("heading", level=2)).to_have_text(
        "New offense = arrest or charge, within 12 months of case closure"
    )
    headline = results.locator(".headline-figure")
    expect(headline.first).to_contain_text("Kaplan-Meier estimate")
    expect(headline.nth(1)).to_contain_text("Among youth followed for the full window")
    groups = results.locator("table").first
    expect(groups.locator("tbody th[scope=row]").first).to_have_text("Completed")
    expect(groups.locator("tfoot th")).to_have_text("Total")
    expect(groups.locator("tfoot td").first).to_have_text(NUMBER)
    expect(results.get_by_role("link", name="Download CSV").first).to_have_attribute(
        "href", re.compile(r"^/reports/recidivism/groups\.csv\?.*group=completion")
    )
    # Each group either has its curve drawn or says why not: small counts are never charted.
    drawn = results.locator("table.curve-table thead th.curve-head").count()
    explained = results.locator(".report-notes li", has_text="no curve").count()
    assert drawn + explained == 3
    expect(page.locator("#report-busy")).to_have_css("opacity", "0")
    shoot("by-completion")

    with page.expect_download() as download:
        results.get_by_role("link", name="Download CSV").first.click()
    assert download.value.suggested_filename.startswith("recidivism-groups_closure-12m_arrest+charge_")

    with page.expect_download() as analysis:
        results.get_by_role("link", name="Download the analysis file (CSV)").click()
    assert analysis.value.suggested_filename.startswith("recidivism-analysis_closure-12m_arrest+charge_")
    header = Path(analysis.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("pseudo_id,group,time_days,event,followed_full_window")


def test_evaluator_compares_program_youth_with_the_comparison_group(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/recidivism")
    page.get_by_label("Group by").select_option(label="Program youth and comparison groups")
    page.get_by_role("button", name="Build the report").click()

    results = page.locator("#results")
    rows = results.locator("table").first.locator("tbody tr")
    expect(rows.first.locator("th")).to_have_text("Program youth")
    expect(rows.nth(1).locator("th")).to_have_text("Regular court")
    expect(rows.nth(1).locator("td").first).to_have_text(NUMBER)
    chart = results.locator("svg.survival-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("title")).to_have_text(
        "Share of youth without a new offense, by month since case closure"
    )
    expect(chart.locator("desc")).to_contain_text("Program youth:")
    expect(results.locator("table.curve-table tbody tr")).to_have_count(13)
    expect(results.locator("table.curve-table tbody tr").first.locator("td").first).to_have_text(NUMBER)
    expect(results.locator(".logrank")).to_contain_text(re.compile(r"χ² = [0-9.]+ on 1 degree of freedom, p"))
    expect(page.locator("#report-busy")).to_have_css("opacity", "0")
    shoot("comparison")

    with page.expect_download() as download:
        results.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename.startswith("recidivism-report_closure-12m_arrest+charge_")
    text = pdf_words(download.value.path())
    assert "Program youth" in text and "Regular court" in text
    assert re.search(r"Log-rank test across Program youth, Regular court: χ² = [0-9.]+", text)

    page.get_by_label("Follow-up window").select_option(label="24 months")
    page.get_by_role("button", name="Build the report").click()
    expect(results.get_by_role("heading", level=2)).to_contain_text("within 24 months of case closure")
    expect(page).to_have_url(re.compile(r"window=24"))
    expect(page.locator("#report-busy")).to_have_css("opacity", "0")
    shoot("comparison-24-months")


def test_evaluator_groups_by_jury_service_from_a_landmark(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/recidivism")
    page.get_by_label("The clock starts at").select_option(label="Referral received")
    page.get_by_label("Group by").select_option(label="Later served as a juror")
    page.get_by_role("button", name="Build the report").click()

    results = page.locator("#results")
    expect(results.locator(".report-warning")).to_contain_text(
        "Grouped by what happened after the clock started"
    )
    shoot("juror-without-landmark")

    page.get_by_label("Landmark").select_option(label="Day 90")
    page.get_by_role("button", name="Build the report").click()

    expect(page).to_have_url(re.compile(r"landmark=90"))
    expect(results.get_by_role("heading", level=2)).to_have_text(
        "New offense = arrest or charge, within 12 months from day 90 after referral"
    )
    expect(results.locator(".report-landmark")).to_contain_text("Landmark at day 90.")
    expect(results.locator(".report-warning")).to_have_count(0)
    groups = results.locator("table").first.locator("tbody th[scope=row]")
    expect(groups.first).to_have_text(re.compile(r"(Served as a juror by|Had not served by) day 90"))
    expect(page.locator("#report-busy")).to_have_css("opacity", "0")
    shoot("juror-landmark")

    page.get_by_label("Group by").select_option(label="Gender")
    page.get_by_role("button", name="Build the report").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "A landmark applies only when grouping by completion status or jury service."
    )
    expect(page.get_by_label("Landmark")).to_have_value("90")
