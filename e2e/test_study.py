"""A program's randomized study: a coordinator follows up a referral that never became a case, and an
evaluator compares the arms as assigned (intent to treat)."""

from __future__ import annotations

import datetime
import re

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in

TODAY = datetime.date.today()
ROW = "main tbody tr"


def test_coordinator_records_the_check_of_a_study_referral_without_a_case(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Follow-ups").click()

    row = page.locator(ROW).filter(has_text="Referral of").first
    expect(row).to_be_visible()
    shoot("worklist")
    label = row.locator("td").first.inner_text()
    row.get_by_role("link", name=re.compile(r"^Record the check of referral of")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Record the")
    expect(page.locator(".page-head p")).to_contain_text(
        re.compile(r"(declined|returned to source) .*study arm")
    )
    page.get_by_label("Police records").check()
    page.get_by_label("Juvenile court records").check()
    page.get_by_label("No new offense").check()
    shoot("check-form")
    page.get_by_role("button", name="Record the check").click()

    expect(page).to_have_url(base_url + "/follow-ups")
    expect(page.get_by_role("status")).to_contain_text(f"{label}: the")
    expect(page.get_by_role("status")).to_contain_text("(no new offense)")

    page.get_by_role("link", name="Completed").click()
    done = page.locator(ROW).filter(has_text=label).first
    expect(done).to_contain_text(f"Done {TODAY.isoformat()}: no new offense")
    done.get_by_role("link", name=label, exact=True).click()
    expect(page).to_have_url(re.compile(r"/referrals/[0-9a-f-]+$"))
    expect(page.locator("main")).to_contain_text("Study arm")
    follow_up = page.locator("#study-follow-up")
    expect(follow_up).to_contain_text(f"Done {TODAY.isoformat()}: no new offense")
    follow_up.scroll_into_view_if_needed()
    shoot("referral")


def test_evaluator_compares_the_study_arms_by_intent_to_treat(page: Page, shoot):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.get_by_role("link", name="Recidivism").click()

    page.get_by_label("Group by").select_option(label="Study arm (intent to treat)")
    page.get_by_role("button", name="Build the report").click()
    expect(page.get_by_role("alert")).to_contain_text("Intent to treat counts every youth assigned")
    shoot("anchor-refused")

    page.get_by_label("The clock starts at").select_option(label="Referral received")
    page.get_by_role("button", name="Build the report").click()
    groups = page.locator("#results table").first
    expect(groups.locator("tbody th[scope=row]")).to_have_text(["Youth court", "Comparison"])
    shoot("by-study-arm")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Reports").click()
    page.get_by_role("link", name="Effects").click()
    page.get_by_label("The clock starts at").select_option(label="Referral received")
    page.get_by_label("First group").select_option(label="Study arm, intent to treat: youth court")
    page.get_by_label("Second group").select_option(label="Study arm, intent to treat: comparison")
    page.get_by_role("button", name="Compare the groups").click()
    results = page.locator("#results")
    expect(results.get_by_role("heading", level=2)).to_have_text("Youth court against Comparison")
    expect(
        results.get_by_role("row", name=re.compile("^Assigned to Youth court or Comparison"))
    ).to_be_visible()
    expect(results.locator(".methods-note")).to_contain_text("not of taking part in it")
    shoot("effects-by-arm")
