"""The evaluator compares completers with non-completers, adjusted for age and gender, and reads the effects."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in


def test_evaluator_compares_two_groups_with_a_cox_model_and_propensity_weights(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports")
    page.get_by_role("link", name="Effects").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Effects")
    expect(page.get_by_label("First group")).to_have_value("completion:completed")
    shoot("form")

    page.get_by_label("Second group").select_option(label="Jury service: served as a juror")
    page.get_by_role("button", name="Compare the groups").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose two groups of the same kind")

    page.get_by_label("Second group").select_option(label="Completion status: unsuccessful")
    page.get_by_label("Race and ethnicity").check()
    page.get_by_role("button", name="Compare the groups").click()

    results = page.locator("#results")
    expect(results.get_by_role("heading", level=2)).to_have_text("Completed against Unsuccessful")
    expect(results.get_by_role("row", name=re.compile("^Risk ratio"))).to_contain_text(
        re.compile(r"\d\.\d\d")
    )
    group_term = results.locator("table.cox-table tbody tr").first
    expect(group_term.locator("th")).to_have_text("Completed (against Unsuccessful)")
    expect(group_term.locator("td").first).to_have_text(re.compile(r"^\d+\.\d\d$"))
    balance = results.locator("table.balance-table")
    expect(balance.get_by_role("row", name=re.compile("^Age at referral"))).to_be_visible()
    expect(results.get_by_text("Weighted risk difference")).to_contain_text(re.compile(r"[+-]\d+\.\d points"))
    expect(results.locator(".methods-note")).to_contain_text("Complete-case analysis")
    shoot("completers-against-non-completers")
