"""The coordinator's dashboard: a panel's count matches the full list it links to."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in


def test_families_not_contacted_count_matches_the_full_list(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/dashboard")
    panel = page.locator(
        "article", has=page.get_by_role("heading", name=re.compile("Families not contacted"))
    )
    heading = panel.get_by_role("heading").inner_text()
    total = int(re.search(r"\((\d+)\)", heading)[1])
    assert total > 0, "the demo program has families waiting for a contact"
    shown = panel.locator("li").count()
    assert shown == min(total, 8)
    shoot("dashboard")

    panel.get_by_role(
        "link", name=re.compile(r"^(All \d+ families not contacted|See them as a list)$")
    ).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Families not contacted in")
    expect(page.locator(".pager")).to_contain_text(f"of {total}")
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(min(total, 25))
    expect(rows.first.get_by_role("link")).to_have_attribute(
        "href", re.compile(r"^/cases/[0-9a-f-]{36}#contacts$")
    )
    shoot("full-list")
