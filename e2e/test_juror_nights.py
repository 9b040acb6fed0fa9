"""A coordinator books jurors for hearing nights: invitations, replies, panels and check-in on a tablet."""

from __future__ import annotations

import datetime
import re
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from e2e.conftest import plan_night, sign_in

TABLET = {"width": 820, "height": 1180}


def program_today() -> datetime.date:
    """Today where the demo program is (its hearing nights are dated in that time zone)."""
    return datetime.datetime.now(ZoneInfo("America/New_York")).date()


def invite_free_jurors(page: Page, how_many: int) -> int:
    """Tick up to ``how_many`` jurors not booked for the night and invite them; returns how many were ticked."""
    page.get_by_label("Only jurors free that night (not booked for it yet)").check()
    page.get_by_role("button", name="Show jurors").click()
    expect(page).to_have_url(re.compile(r"free=1"))
    page.wait_for_load_state("networkidle")  # ticking the box and the button each load the list
    boxes = page.locator("#candidates input[name=juror_id]:not([disabled])")
    if not boxes.count():
        expect(page.locator("#candidates")).to_contain_text("No active juror with a signed oath matches")
        return 0
    ticked = min(how_many, boxes.count())
    for index in range(ticked):
        boxes.nth(index).check()
    page.get_by_role("button", name="Invite the chosen jurors").click()
    expect(page.get_by_role("status")).to_contain_text(f"{ticked} juror{'s' if ticked != 1 else ''} invited")
    return ticked


def test_coordinator_invites_records_replies_and_seats_a_panel(page: Page, base_url: str, shoot):
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    page.goto("/jurors/nights")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jury nights")
    shoot("list")
    nights = page.locator("tbody th a")
    expect(nights.first).to_be_visible()
    nights.last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jurors for")
    shoot("night")
    # Jurors without portal access are marked: their invitation asks them to reply to the coordinator.
    expect(page.locator("#candidates").get_by_text("No portal access").first).to_be_visible()

    # Nothing ticked: the form says so and keeps the filter.
    page.get_by_label("Only jurors free that night (not booked for it yet)").check()
    page.get_by_role("button", name="Show jurors").click()
    expect(page).to_have_url(re.compile(r"free=1"))
    if page.locator("#candidates input[name=juror_id]").count():
        page.get_by_role("button", name="Invite the chosen jurors").click()
        expect(page.get_by_role("alert")).to_contain_text("Choose at least one juror to invite.")
        expect(page.get_by_label("Only jurors free that night (not booked for it yet)")).to_be_checked()
        shoot("invite-error")

    invited = invite_free_jurors(page, 2)
    shoot("invited")
    if not invited:
        return

    page.get_by_role("link", name=re.compile(r"^Invited, no reply yet")).click()
    first = page.locator("#replies tbody tr").first
    name = first.locator("th").inner_text()
    first.get_by_role("button", name="Confirmed").click()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"The juror is confirmed|waiting list"))
    shoot("reply-recorded")

    page.get_by_role("link", name="Panels", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Panels for")
    shoot("panels")
    row = page.locator("#unseated tbody tr", has_text=name)
    if row.count():
        row.get_by_label(f"Courtroom for {name}").select_option(label="Courtroom B")
        row.get_by_role("button", name=f"Save the seat of {name}").click()
        expect(page.get_by_role("status")).to_contain_text("The juror sits in Courtroom B as juror.")
        seated = page.locator("section[id^=panel-]", has=page.get_by_role("heading", name="Courtroom B"))
        expect(seated).to_contain_text(name)
        shoot("panel-seated")
        # An unqualified juror cannot be made youth judge.
        seated.locator("tr", has_text=name).get_by_label(f"Role of {name}").select_option("youth_judge")
        seated.locator("tr", has_text=name).get_by_role("button", name=f"Save the seat of {name}").click()
        alert = page.get_by_role("alert")
        if alert.count():
            expect(alert).to_contain_text("is not qualified as youth judge")
            shoot("panel-role-refused")

    page.set_viewport_size(TABLET)
    page.get_by_role("link", name="Check-in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check-in")
    expect(page.get_by_role("status")).to_contain_text("Check-in opens on the night")
    shoot("checkin-closed-tablet")


def test_coordinator_checks_jurors_in_on_the_night_with_a_tablet(page: Page, base_url: str, shoot):
    today = program_today()
    page.goto("/login")
    sign_in(page, "coordinator@example.org")

    # A night held today, planned through the hearings pages.
    night_id = plan_night(page, today, "Community Center, Hall 2")

    page.goto(f"/jurors/nights/{night_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Jurors for")
    invited = invite_free_jurors(page, 3)
    if invited < 2:
        page.goto(f"/jurors/nights/{night_id}/check-in")
        expect(page.get_by_text("No juror confirmed this night.")).to_be_visible()
        shoot("checkin-empty")
        return
    page.get_by_role("link", name=re.compile(r"^Invited, no reply yet")).click()
    for _ in range(invited):
        page.locator("#replies tbody tr").first.get_by_role("button", name="Confirmed").click()
        expect(page.get_by_role("status")).to_contain_text("is confirmed")
        page.get_by_role("link", name=re.compile(r"^Invited, no reply yet")).click()

    # Seat everyone who confirmed in Courtroom A.
    page.goto(f"/jurors/nights/{night_id}/panels")
    while page.locator("#unseated tbody tr[id^=booking-]").count():
        row = page.locator("#unseated tbody tr[id^=booking-]").first
        row.locator("select[name=courtroom_id]").select_option(label="Courtroom A")
        row.get_by_role("button", name=re.compile("^Save the seat of")).click()
        expect(page.get_by_role("status")).to_contain_text("The juror sits in Courtroom A as juror.")
    expect(page.locator("section[id^=panel-]")).to_contain_text(f"{6 - invited} more juror")
    shoot("panel-tonight")

    page.set_viewport_size(TABLET)
    page.goto(f"/jurors/nights/{night_id}/check-in")
    expect(page.get_by_role("heading", level=2)).to_contain_text(f"Confirmed jurors ({invited})")
    shoot("checkin-tablet")

    rows = page.locator("article[id^=checkin-]")
    present = rows.nth(0)
    present_name = present.locator("h3").inner_text()
    present.get_by_role("button", name=f"{present_name} is present").click()
    expect(present).to_contain_text("Marked present, 2.5 hours, 2.5 credits added.")
    expect(present).to_contain_text("this check-in is final")

    late = rows.nth(1)
    late_name = late.locator("h3").inner_text()
    late.get_by_label("Late: arrived at").fill("18:45")
    late.get_by_role("button", name=f"{late_name} is late").click()
    expect(late).to_contain_text("Late, arrived 6:45 PM · 1.75 hours")

    if invited > 2:
        excused = rows.nth(2)
        excused_name = excused.locator("h3").inner_text()
        excused.get_by_role("button", name=f"{excused_name} is excused").click()
        expect(excused.get_by_role("alert")).to_contain_text("Enter why the juror is excused.")
        shoot("checkin-excuse-error")
        excused.get_by_label("Excused: reason").fill("Knows a respondent")
        excused.get_by_role("button", name=f"{excused_name} is excused").click()
        expect(excused).to_contain_text("Reason: Knows a respondent")
        expect(excused).to_contain_text("The seat in Courtroom A is free.")
    shoot("checkin-done")

    # The seat counter leaves out the excused juror: their seat is free again.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/jurors/nights/{night_id}")
    taken = invited - 1 if invited > 2 else invited
    expect(page.get_by_text(re.compile(rf"^{taken} of \d+ seats taken$"))).to_be_visible()
    expect(page.locator("#seats-heading + p mark")).to_have_count(0)
    shoot("night-after-absence")
    page.set_viewport_size(TABLET)
    page.goto(f"/jurors/nights/{night_id}/check-in")

    # The plain page shows the same after a reload.
    page.reload()
    expect(page.locator("article", has_text=present_name)).to_contain_text("Present · 2.5 hours")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Jury nights").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Jury nights")


def test_moving_a_night_sends_its_jurors_a_change_notice(page: Page, base_url: str, shoot):
    today = program_today()
    page.goto("/login")
    sign_in(page, "coordinator@example.org")
    night_id = plan_night(page, today + datetime.timedelta(days=20), "Library, Room 3")

    page.goto(f"/jurors/nights/{night_id}")
    if not invite_free_jurors(page, 1):
        return
    page.get_by_role("link", name=re.compile(r"^Invited, no reply yet")).click()
    page.locator("#replies tbody tr").first.get_by_role("button", name="Confirmed").click()
    expect(page.get_by_role("status")).to_contain_text("is confirmed")

    new_day = today + datetime.timedelta(days=18)
    page.goto(f"/hearings/{night_id}/edit")
    page.get_by_label("Date", exact=True).fill(new_day.isoformat())
    page.get_by_role("button", name="Save the night").click()
    expect(page.get_by_role("status")).to_contain_text("1 booked juror was sent a change notice.")
    shoot("night-moved")

    page.goto("/jurors/outbox")
    subject = f"Jury night moved: now {new_day:%A, %B} {new_day.day}, {new_day.year}"
    notice = page.get_by_role("link", name=subject)
    expect(notice.first).to_be_visible()
    shoot("outbox-change-notice")
    notice.first.click()
    expect(page.locator("main")).to_contain_text("It was:")
    shoot("change-notice")
