"""The evaluator compares two groups, adjusted for two covariates, reads the effects and downloads them as a PDF."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from pypdf import PdfReader

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


def pdf_words(path: str) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_evaluator_compares_program_youth_with_the_comparison_group_and_downloads_the_pdf(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/effects")
    page.get_by_label("First group").select_option(label="Comparison design: program youth")
    page.get_by_label("Second group").select_option(label="Comparison design: Regular court")
    page.get_by_label("Gender", exact=True).uncheck()
    page.get_by_label("Earlier police contacts").check()
    page.get_by_role("button", name="Compare the groups").click()

    results = page.locator("#results")
    expect(results.get_by_role("heading", level=2)).to_have_text("Program youth against Regular court")
    group_term = results.locator("table.cox-table tbody tr").first
    expect(group_term.locator("th")).to_have_text("Program youth (against Regular court)")
    expect(group_term.locator("td").first).to_have_text(re.compile(r"^\d+\.\d\d$"))
    hazard_ratio = " ".join(group_term.locator("th, td").all_inner_texts())
    balance = results.locator("table.balance-table tbody tr")
    expect(balance).to_have_count(2)
    expect(balance.locator("th")).to_have_text(["Age at referral (years)", "Earlier police contacts"])
    balance_rows = [" ".join(row.locator("th, td").all_inner_texts()) for row in balance.all()]
    expect(results.get_by_role("link", name="Analysis file (CSV)")).to_have_attribute(
        "href", re.compile(r"^/reports/recidivism/analysis\.csv\?.*&group=comparison$")
    )
    shoot("program-youth-against-regular-court")

    with page.expect_download() as info:
        results.get_by_role("link", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename.startswith(
        "effects_program-youth-vs-regular-court_closure-12m_arrest+charge_"
    )
    assert download.suggested_filename.endswith(".pdf")
    text = pdf_words(download.path())
    assert hazard_ratio in text, "the hazard ratio row, as the page shows it"
    assert all(row in text for row in balance_rows), "the balance table, as the page shows it"
    assert "Methods" in text and "Complete-case analysis" in text
