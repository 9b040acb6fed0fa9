"""Searching a list by a person's name keeps the name out of the address bar and the server's log."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import sign_in


def server_log(tmp_path_factory: pytest.TempPathFactory) -> str:
    logs = sorted(tmp_path_factory.getbasetemp().glob("server*/server.log"))
    assert logs, "the e2e server's log was not found"
    return logs[0].read_text()


def assert_kept_private(page: Page, name: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert name.lower() not in page.url.lower()
    log = server_log(tmp_path_factory)
    assert "/search" in log  # the search reached the server and was logged...
    assert name.lower() not in log.lower()  # ...without the name


def test_the_juror_roster_is_searched_by_name_without_it_in_the_address(
    page: Page, shoot, base_url: str, tmp_path_factory: pytest.TempPathFactory
):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/jurors")
    last_name = page.locator("#juror-rows tbody th a").last.inner_text().split(",")[0].strip()
    page.get_by_label("Name", exact=True).fill(last_name)
    expect(page.locator("#juror-rows tbody th a").first).to_contain_text(last_name)
    page.get_by_label("Status").select_option(label="Suspended")
    expect(page.locator("#juror-rows")).not_to_contain_text(f"{last_name},")
    page.get_by_label("Status").select_option(label="All statuses")
    expect(page.locator("#juror-rows tbody th a").first).to_contain_text(last_name)
    shoot("roster-searched")
    assert_kept_private(page, last_name, tmp_path_factory)

    # A search with many matches pages with small forms that post the search again.
    page.get_by_label("Name", exact=True).fill("e")
    pager = page.get_by_role("navigation", name="Pages")
    expect(pager).to_contain_text("Page 1 of")
    pager.get_by_role("button", name="Next").click()
    expect(pager).to_contain_text("Page 2 of")
    expect(page.get_by_label("Name", exact=True)).to_have_value("e")
    assert page.url == f"{base_url}/jurors/search"
    shoot("roster-search-page-2")


def test_the_case_list_is_searched_by_name_without_it_in_the_address(
    page: Page, shoot, tmp_path_factory: pytest.TempPathFactory
):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/cases")
    youth = page.locator("#case-rows tbody tr td:nth-child(2)").last.inner_text().strip()
    last_name = youth.split()[-1]
    page.get_by_label("Name or case number").fill(last_name)
    expect(page.locator("#case-rows tbody tr").first).to_contain_text(last_name)
    page.get_by_label("Name or case number").press("Enter")
    expect(page.locator("#case-rows tbody tr").first).to_contain_text(last_name)
    shoot("cases-searched")
    assert_kept_private(page, last_name, tmp_path_factory)
