"""A program admin opens a record, finds that view in the audit trail, and downloads the filtered trail as CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import demo_identifiers, sign_in

ROW = "#audit-rows tbody tr"


def test_admin_filters_the_trail_and_downloads_it(
    page: Page, base_url: str, shoot, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
):
    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.goto("/follow-ups")
    page.locator("main tbody tr").first.get_by_role(
        "link", name=re.compile(r"^Record the check of case")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the")
    check_id = page.url.rstrip("/").rsplit("/", 1)[1]

    # The trail of that one check (other tests view other checks), narrowed to views.
    page.goto(f"/audit?record_id={check_id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    page.get_by_label("Action").select_option("follow_up_check_view")
    download_link = page.get_by_role("button", name="Download these entries (CSV)")
    expect(download_link).to_have_attribute(
        "href", re.compile(r"^/audit/export\?.*action=follow_up_check_view")
    )
    expect(download_link).to_have_attribute("href", re.compile(rf"record_id={check_id}"))
    expect(page.locator(ROW)).to_have_count(1)
    expect(page.locator(ROW).first).to_contain_text("follow up check view")
    named = page.locator(ROW).first.get_by_role(
        "link", name=re.compile(r"^\d+-month check, case \d{4}-\d{4}$")
    )
    expect(named).to_have_attribute("href", f"/follow-ups/{check_id}")
    expect(page).to_have_url(re.compile(r"/audit\?.*action=follow_up_check_view"))
    shoot("filtered")

    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert re.fullmatch(r"audit-trail-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(row["action"], row["record_type"], row["record_id"]) for row in rows] == [
        ("follow_up_check_view", "follow_up_check", check_id)
    ]
    assert rows[0]["occurred_at_utc"].endswith("+00:00")
    known = demo_identifiers(tmp_path_factory)
    for name in known["names"]:
        assert name not in text, f"{name!r} is in the exported trail"

    page.goto("/audit")
    page.get_by_label("Action").select_option("audit_export")
    expect(page.locator(ROW).first).to_contain_text("audit export")
    expect(page.locator(ROW).first).to_contain_text("action: follow_up_check_view")
    shoot("export-recorded")


def test_the_trail_names_cases_links_them_and_shows_refused_requests(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/cases")
    case_link = page.locator("#case-rows tbody tr").first.get_by_role("link")
    number = case_link.inner_text()
    case_link.click()
    case_id = page.url.rstrip("/").rsplit("/", 1)[1]
    page.goto("/audit")  # not a coordinator's page: refused, and the refusal is recorded
    expect(page.get_by_role("heading", level=1)).to_have_text("You do not have access to this page")

    page.context.clear_cookies()
    page.goto("/login")
    sign_in(page, "admin@example.org")
    page.goto(f"/audit?record_type=case&record_id={case_id}")
    row = page.locator(ROW, has_text="case view").first
    named = row.get_by_role("link", name=f"Case {number}", exact=True)
    expect(named).to_be_visible()
    expect(row).not_to_contain_text(case_id[:8])
    shoot("case-named")
    named.click()
    expect(page).to_have_url(re.compile(rf"/audit\?record_type=case&record_id={case_id}$"))

    page.goto("/audit?outcome=denied")
    refused = page.locator(ROW, has_text="request refused").first
    expect(refused).to_contain_text("Maya Alvarez")
    expect(refused).to_contain_text("path: /audit")
    expect(refused).to_contain_text("denied")
    shoot("refusals")
