"""The evaluator's whole journey: a report with its curve and table, then a workbook with no one in it.

The evaluator never sees a name: the report is built from de-identified subjects, the
workbook carries pseudonyms, and the case and youth pages refuse them.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import demo_identifiers, sign_in


def _cell_texts(path: Path) -> tuple[list[str], list[datetime.date]]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    texts, dates = [], []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, datetime.datetime):
                    dates.append(value.date())
                elif isinstance(value, datetime.date):
                    dates.append(value)
                elif value is not None:
                    texts.append(str(value))
    return texts, dates


def test_evaluator_builds_a_report_and_downloads_a_workbook_without_identities(
    page: Page, shoot, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    page.get_by_role("link", name="Recidivism").click()

    page.get_by_label("Group by").select_option(label="Later served as a juror")
    page.get_by_label("Follow-up window").select_option(label="12 months")
    page.get_by_role("button", name="Build the report").click()

    results = page.locator("#results")
    chart = results.locator("svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("path").first).to_be_attached()
    curve_table = results.locator("table.curve-table")
    expect(curve_table).to_be_visible()
    expect(curve_table.locator("tbody tr")).to_have_count(13)  # months 0 to 12
    groups = results.locator("table").first
    expect(groups.locator("tbody th[scope=row]")).to_have_text(
        ["Served as a juror", "Did not serve as a juror"]
    )
    expect(groups.locator("tbody td").last).to_contain_text("%")
    expect(results).to_contain_text("Log-rank test")
    expect(page.locator("#report-busy")).to_have_css("opacity", "0")
    shoot("report")

    page.goto("/reports")
    page.get_by_role("link", name="De-identified export").click()
    page.get_by_label("Excel workbook (with the data dictionary)").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the export").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)

    texts, dates = _cell_texts(path)
    known = demo_identifiers(tmp_path_factory)
    everything = "\n".join(texts)
    assert len(texts) > 1000, "the workbook holds the demo cases"
    for value in known["names"] | known["references"] | known["numbers"]:
        assert value not in everything, f"{value!r} is in the workbook"
    assert not set(texts) & known["last_names"]
    assert not set(dates) & known["births"]
    assert not {text[:10] for text in texts} & {born.isoformat() for born in known["births"]}

    for forbidden in ("/cases", "/referrals", "/dashboard", "/follow-ups", "/jurors"):
        response = page.goto(forbidden)
        assert response is not None and response.status == 403, forbidden
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")
    shoot("refused")
