"""A program admin imports the program's past cases from the sample file: a file with one bad row
imports nothing and shows the error on its row; the corrected file imports every case, which then
appear in the case list, marked, and in a recidivism report."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from e2e.conftest import SCREENSHOTS, TAKE_SCREENSHOTS, sign_in
from youthcourt.cases.models import ImportKind
from youthcourt.imports.sample_files import sample_csv


def report_cohort(browser: Browser, base_url: str) -> int:
    """The evaluator's recidivism report on its first range (which holds the sample's 2024): its total cohort."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/recidivism")
    page.get_by_label("Group by").select_option(label="Completion status")
    page.get_by_role("button", name="Build the report").click()
    total = page.locator("#results table").first.locator("tfoot td").first
    expect(total).to_have_text(re.compile(r"^\d[\d,]*$"))
    value = int(total.inner_text().replace(",", ""))
    context.close()
    return value


def test_admin_imports_past_cases_all_or_none_and_they_count_in_reports(
    page: Page, browser: Browser, base_url: str, tmp_path: Path, shoot
):
    before = report_cohort(browser, base_url)
    good = sample_csv(ImportKind.CASES)
    bad_file = tmp_path / "riverside-past-cases.csv"
    bad_file.write_text(good.replace("Disorderly conduct,School District", "Jaywalking,School District"))
    good_file = tmp_path / "riverside-past-cases-fixed.csv"
    good_file.write_text(good)

    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.get_by_role("link", name="Imports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Imports")
    expect(page.locator("#format-cases")).to_contain_text("check_result")
    with page.expect_download() as info:
        page.locator("#sample-cases").click()
    assert (
        Path(info.value.path()).read_text(encoding="utf-8").startswith("first_name,last_name,date_of_birth")
    )

    # A file with one bad row: the problem on its row, nothing imported.
    page.get_by_label("The file holds").select_option("cases")
    page.get_by_label("CSV or XLSX file").set_input_files(str(bad_file))
    page.get_by_role("button", name="Upload and map the columns").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Map the columns")
    expect(page.get_by_label("offense", exact=True)).to_have_value("offense")
    expect(page.get_by_label("check_result")).to_have_value("check_result")
    shoot("mapping")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Preview the import")
    expect(page.locator("#fine-count")).to_have_text("9 of 10 rows are fine.")
    row = page.locator('#problems tr[data-row="3"]')
    expect(row).to_contain_text("Row 3")
    expect(row).to_contain_text("offense")
    expect(row).to_contain_text("“Jaywalking” is not an offense of the program's catalog")
    expect(page.locator("#import-button")).to_have_count(0)
    shoot("preview-with-errors")

    # The corrected file: the mapping is remembered, every row is fine, all imported at once.
    page.get_by_role("link", name="upload it again").click()
    page.get_by_label("CSV or XLSX file").set_input_files(str(good_file))
    page.get_by_role("button", name="Upload and map the columns").click()
    expect(page.get_by_label("closure", exact=True)).to_have_value("closure")
    page.get_by_role("button", name="Check the rows").click()
    expect(page.locator("#fine-count")).to_have_text("10 of 10 rows are fine.")
    shoot("preview-clean")
    page.get_by_role("button", name="Import all 10 cases").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Imported 10 cases from riverside-past-cases-fixed.csv."
    )
    expect(page.locator("#import-status")).to_have_text("Imported")
    shoot("result")
    page.goto("/imports")
    expect(page.locator("#imports tbody tr").first).to_contain_text("Imported: 10")

    # A coordinator finds them in the case list, marked as imported.
    context = browser.new_context(base_url=base_url)
    coordinator = context.new_page()
    coordinator.goto("/login")
    sign_in(coordinator, "coordinator@example.org")
    coordinator.goto("/cases")
    coordinator.get_by_label("Origin").select_option("imported")
    rows = coordinator.locator("#case-rows tbody tr")
    expect(rows).to_have_count(10)
    expect(rows.first.locator(".tag-imported")).to_have_text("Imported")
    expect(coordinator.locator("#case-rows")).to_contain_text("Lindqvist")
    if TAKE_SCREENSHOTS:
        coordinator.screenshot(path=str(SCREENSHOTS / "imports-case-list.png"), full_page=True)
    coordinator.get_by_role("link", name=re.compile(r"^2024-")).first.click()
    expect(coordinator.locator(".page-head .tag-imported")).to_have_text("Imported")
    context.close()

    # And the evaluator's report on 2022 counts them.
    after = report_cohort(browser, base_url)
    assert after >= before + 5, (before, after)  # published counts are rounded to 5
