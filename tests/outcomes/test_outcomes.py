"""Follow-up checks after closure (the worklist and the check form) and new offenses found later."""

from __future__ import annotations

import datetime
import re
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app.test_query_counts import counting
from tests.factories import make_case, make_program, make_user, post_form, sign_in, sign_in_with_form
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseEvent, CaseState, CheckResult, FollowUpCheck
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.models import Program, Role
from youthcourt.referrals.models import Youth

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
REFERRED = TODAY - 400 * DAY
CLOSED = TODAY - 200 * DAY


async def closed_case(
    db: AsyncSession,
    program: Program,
    coordinator: Any = None,
    *,
    due: tuple[datetime.date, ...] = (TODAY - 20 * DAY,),
    state: CaseState = CaseState.COMPLETED,
) -> tuple[Case, list[FollowUpCheck]]:
    """A case referred 400 days ago and closed 200 days ago, with an open check due on each of ``due``."""
    case = await make_case(db, program, state, coordinator=coordinator, received_on=REFERRED)
    case.closed_on = CLOSED
    checks = [
        FollowUpCheck(program_id=program.id, case_id=case.id, window_months=6 * (n + 1), due_on=day)
        for n, day in enumerate(due)
    ]
    db.add_all(checks)
    await db.commit()
    return case, checks


async def coordinator_and_check(db: AsyncSession) -> tuple[Program, Any, Case, FollowUpCheck]:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez")
    case, [check] = await closed_case(db, program, coordinator)
    return program, coordinator, case, check


async def fresh(db: AsyncSession, model: Any, record_id: uuid.UUID) -> Any:
    return await db.scalar(
        select(model).where(model.id == record_id).execution_options(populate_existing=True)
    )


async def youth_name(db: AsyncSession, case: Case) -> str:
    youth = await db.scalar(select(Youth).where(Youth.id == case.youth_id))
    return youth.full_name


async def audited(db: AsyncSession, action: str) -> list[AuditEntry]:
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == action))).all())


async def events_of(db: AsyncSession, case: Case) -> list[OutcomeEvent]:
    query = select(OutcomeEvent).where(OutcomeEvent.case_id == case.id).order_by(OutcomeEvent.occurred_on)
    return list((await db.scalars(query.execution_options(populate_existing=True))).all())


async def timeline_of(db: AsyncSession, case: Case) -> list[str]:
    return list((await db.scalars(select(CaseEvent.summary).where(CaseEvent.case_id == case.id))).all())


def event_row(number: int, occurred_on: datetime.date, kind="arrest", category="theft", source="police"):
    prefix = f"e{number}_"
    return {
        prefix + "occurred_on": occurred_on.isoformat(),
        prefix + "event_type": kind,
        prefix + "offense_category": category,
        prefix + "source": source,
    }


def check_form(
    result: str = "no_new_offense",
    records: list[str] | None = None,
    checked_on: datetime.date = TODAY,
    **extra: str,
) -> dict[str, Any]:
    return {
        "checked_on": checked_on.isoformat(),
        "records": ["police", "juvenile_court"] if records is None else records,
        "result": result,
        "event_rows": "3",
        **extra,
    }


# ---------------------------------------------------------------------------------------------
# The worklist


async def test_the_worklist_shows_the_programs_due_checks_first_and_filters(client, db):
    program, coordinator, overdue_case, overdue = await coordinator_and_check(db)
    today_case, [due_today] = await closed_case(db, program, due=(TODAY,))
    soon_case, [soon] = await closed_case(db, program, due=(TODAY + 10 * DAY,))
    later_case, _ = await closed_case(db, program, due=(TODAY + 60 * DAY,))
    done_case, [done] = await closed_case(db, program, due=(TODAY - 90 * DAY,))
    done.completed_on = TODAY - 80 * DAY
    done.result = CheckResult.NEW_OFFENSE
    other_program = await make_program(db)
    foreign_case, _ = await closed_case(db, other_program)
    await db.commit()
    await sign_in(client, coordinator)

    response = await client.get("/follow-ups")

    assert response.status_code == 200
    text = response.text
    assert text.index(overdue_case.number) < text.index(today_case.number), "the oldest due first"
    assert await youth_name(db, overdue_case) in text
    assert f'href="/cases/{overdue_case.id}"' in text
    assert f'href="/follow-ups/{overdue.id}"' in text
    assert "<mark>Overdue by 20 days</mark>" in text
    assert "Due today" in text
    for absent in (soon_case, later_case, done_case, foreign_case):
        assert absent.number not in text
    assert f'href="/follow-ups/{due_today.id}"' in text
    [entry] = await audited(db, "follow_up_list_view")
    assert entry.details == {"view": "due", "rows": 2}

    upcoming = (await client.get("/follow-ups?view=upcoming")).text
    assert soon_case.number in upcoming
    assert "Due in 10 days" in upcoming
    for absent in (overdue_case, today_case, later_case, done_case, foreign_case):
        assert absent.number not in upcoming
    assert f'href="/follow-ups/{soon.id}"' in upcoming

    completed = (await client.get("/follow-ups?view=completed")).text
    assert done_case.number in completed
    assert f"Done {(TODAY - 80 * DAY).isoformat()}: <mark>new offense found</mark>" in completed
    for absent in (overdue_case, today_case, soon_case, foreign_case):
        assert absent.number not in completed


async def test_the_worklist_pages_and_says_when_nothing_is_due(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    await sign_in(client, coordinator)
    empty = await client.get("/follow-ups")
    assert "No follow-up check is due." in empty.text

    for _ in range(26):
        await closed_case(db, program)
    first = await client.get("/follow-ups")
    assert "Showing 1 to 25 of 26" in first.text
    assert 'href="/follow-ups?view=due&amp;page=2"' in first.text
    second = await client.get("/follow-ups?view=due&page=2")
    assert "Showing 26 to 26 of 26" in second.text


async def test_the_worklist_links_are_named_by_their_visible_words_first(client, db):
    """WCAG 2.5.3 (label in name): a voice user says "Record the check" and the link answers."""
    _, coordinator, case, check = await coordinator_and_check(db)
    await sign_in(client, coordinator)

    text = (await client.get("/follow-ups")).text

    link = re.search(rf'<a href="/follow-ups/{check.id}"([^>]*)>(.*?)</a>', text, re.S)
    assert link is not None
    label = re.search(r'aria-label="([^"]*)"', link[1])
    hidden = r'<span class="visually-hidden">.*?</span>'
    visible = " ".join(re.sub(r"<[^>]+>", "", re.sub(hidden, "", link[2])).split())
    name = label[1] if label else " ".join(re.sub(r"<[^>]+>", "", link[2]).split())
    assert visible == "Record the check"
    assert name.startswith(visible)
    assert case.number in name


async def test_program_admins_see_the_worklist_without_names(client, db):
    program, _, case, check = await coordinator_and_check(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    await sign_in(client, admin)

    response = await client.get("/follow-ups")

    assert response.status_code == 200
    assert case.number in response.text
    assert f'href="/follow-ups/{check.id}"' in response.text
    assert await youth_name(db, case) not in response.text
    assert f'href="/cases/{case.id}"' not in response.text


async def test_the_worklist_costs_the_same_queries_for_more_rows(client, db, app):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    await sign_in(client, coordinator)

    async def queries() -> int:
        with counting(app) as statements:
            response = await client.get("/follow-ups")
        assert response.status_code == 200
        return len(statements)

    for _ in range(2):
        await closed_case(db, program)
    few = await queries()
    for _ in range(12):
        await closed_case(db, program)
    many = await queries()
    assert few > 0
    assert many == few, f"{few} queries with 2 checks, {many} with 14"


# ---------------------------------------------------------------------------------------------
# Recording a check


async def test_the_check_form_offers_the_fields(client, db):
    _, coordinator, case, check = await coordinator_and_check(db)
    await sign_in(client, coordinator)

    response = await client.get(f"/follow-ups/{check.id}")

    assert response.status_code == 200
    text = response.text
    assert "Record the 6-month follow-up check" in text
    assert await youth_name(db, case) in text
    assert f'value="{TODAY.isoformat()}"' in text, "the date checked starts as today"
    for code in ("police", "juvenile_court", "school", "other"):
        assert f'name="records" value="{code}"' in text
    assert 'name="result" value="no_new_offense"' in text
    assert 'name="result" value="new_offense"' in text
    for number in (1, 2, 3):
        assert f'name="e{number}_occurred_on"' in text
    assert 'name="e4_occurred_on"' not in text
    assert '<option value="theft" >Theft</option>' in text, "categories come from the offense catalog"
    assert '<option value="adjudication" >Adjudication</option>' in text
    assert f'hx-get="/follow-ups/{check.id}/event-row"' in text
    [entry] = await audited(db, "follow_up_check_view")
    assert entry.record_id == str(check.id)


async def test_recording_no_new_offense(client, db):
    _, coordinator, case, check = await coordinator_and_check(db)
    await sign_in(client, coordinator)

    response = await post_form(
        client, f"/follow-ups/{check.id}", check_form(checked_on=TODAY - DAY, records=["police", "school"])
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/follow-ups"
    saved = await fresh(db, FollowUpCheck, check.id)
    assert saved.completed_on == TODAY - DAY
    assert saved.records_searched == "police,school"
    assert saved.result == CheckResult.NO_NEW_OFFENSE
    assert saved.checked_by_id == coordinator.id
    assert await events_of(db, case) == []
    assert await timeline_of(db, case) == [
        f"6-month follow-up check on {(TODAY - DAY).isoformat()} (police, school records): no new offense."
    ]
    [entry] = await audited(db, "follow_up_check_record")
    assert entry.record_id == str(check.id)
    assert entry.details == {
        "case_id": str(case.id),
        "window_months": 6,
        "result": "no_new_offense",
        "records_searched": "police,school",
        "events": 0,
        "event_types": [],
    }
    listing = await client.get("/follow-ups")
    assert f"Case {case.number}: the 6-month check is recorded (no new offense)." in listing.text
    assert f'href="/follow-ups/{check.id}"' not in listing.text, "no longer due"


async def test_recording_a_new_offense_saves_each_event(client, db):
    _, coordinator, case, check = await coordinator_and_check(db)
    await sign_in(client, coordinator)
    first, second = TODAY - 60 * DAY, TODAY - 30 * DAY

    response = await post_form(
        client,
        f"/follow-ups/{check.id}",
        check_form(
            "new_offense",
            back="case",
            **event_row(1, first, "new_referral", "vandalism", "juvenile_court"),
            **event_row(3, second, "arrest", "theft", "police"),
        ),
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"/cases/{case.id}#outcomes"
    saved = await fresh(db, FollowUpCheck, check.id)
    assert saved.result == CheckResult.NEW_OFFENSE
    events = await events_of(db, case)
    assert [(e.occurred_on, e.event_type, e.offense_category, e.source, e.check_id) for e in events] == [
        (first, OutcomeEventType.NEW_REFERRAL, "vandalism", RecordSystem.JUVENILE_COURT, check.id),
        (second, OutcomeEventType.ARREST, "theft", RecordSystem.POLICE, check.id),
    ]
    assert all(e.recorded_by_id == coordinator.id and e.program_id == case.program_id for e in events)
    [summary] = await timeline_of(db, case)
    assert summary.startswith("6-month follow-up check on")
    assert "new offense found" in summary
    assert f"Arrest on {second.isoformat()} (theft), in police records" in summary
    [entry] = await audited(db, "follow_up_check_record")
    assert entry.details["events"] == 2
    assert entry.details["event_types"] == ["arrest", "new_referral"]
    name = await youth_name(db, case)
    assert name not in str(entry.details)

    page = (await client.get(f"/cases/{case.id}")).text
    section = page[page.index('id="outcomes"') :]
    assert "New offenses after the case" in section
    assert "New referral" in section
    assert "Vandalism" in section
    assert "Juvenile court records" in section
    assert section.count(f'href="/follow-ups/{check.id}">6-month check</a>') == 2
    closure = page[page.index('id="closure"') : page.index('id="outcomes"')]
    assert f"Done on {TODAY.isoformat()}</a>: new offense found" in closure


async def test_the_check_form_refuses_what_does_not_fit(client, db):
    _, coordinator, case, check = await coordinator_and_check(db)
    await sign_in(client, coordinator)
    url = f"/follow-ups/{check.id}"
    cases = [
        (check_form(checked_on=TODAY + DAY), "The date of the check cannot be in the future."),
        (
            check_form(checked_on=CLOSED - DAY),
            f"The date of the check cannot be before the case closed ({CLOSED.isoformat()}).",
        ),
        (check_form(records=[]), "Choose at least one kind of record you searched."),
        (check_form(records=["police", "fbi"]), "Choose the records searched from the list."),
        (check_form(result=""), "Choose what the check found."),
        (check_form("new_offense"), "Enter at least one new offense"),
        (
            check_form(**event_row(2, TODAY - 5 * DAY)),
            "You chose no new offense but filled in events.",
        ),
        (
            check_form("new_offense", **event_row(1, REFERRED)),
            f"The date of event 1 must be after the youth was referred ({REFERRED.isoformat()}).",
        ),
        (
            check_form("new_offense", checked_on=TODAY - 10 * DAY, **event_row(1, TODAY - 5 * DAY)),
            "The date of event 1 cannot be after the date of the check.",
        ),
        (
            check_form("new_offense", **event_row(1, TODAY - 5 * DAY, source="school")),
            "Event 1 was found in school records, which the check did not search.",
        ),
        (
            check_form("new_offense", **event_row(1, TODAY - 5 * DAY, category="piracy")),
            "Choose the offense category of event 1.",
        ),
        (
            check_form("new_offense", e2_occurred_on=(TODAY - 5 * DAY).isoformat()),
            "Choose the type of event 2.",
        ),
    ]
    for data, message in cases:
        response = await post_form(client, url, data)
        assert response.status_code == 422, message
        assert message in response.text, message
        assert f'value="{data["checked_on"]}"' in response.text, "the date typed is kept"
        for code in data["records"]:
            if code != "fbi":
                assert f'value="{code}" id="field-records' in response.text
        if data["result"]:
            assert f'value="{data["result"]}" id="field-result' in response.text
    kept = await post_form(
        client,
        url,
        check_form("new_offense", **event_row(1, TODAY - 5 * DAY, "charge", "drugs", "school")),
    )
    assert 'name="e1_event_type"' in kept.text
    assert '<option value="charge" selected>' in kept.text
    assert '<option value="drugs" selected>' in kept.text
    assert '<option value="school" selected>' in kept.text
    saved = await fresh(db, FollowUpCheck, check.id)
    assert saved.completed_on is None
    assert saved.result is None
    assert await events_of(db, case) == []
    assert await timeline_of(db, case) == []
    assert await audited(db, "follow_up_check_record") == []


async def test_a_recorded_check_is_shown_read_only_and_not_recorded_twice(client, db):
    _, coordinator, case, check = await coordinator_and_check(db)
    await sign_in(client, coordinator)
    url = f"/follow-ups/{check.id}"
    first = await post_form(client, url, check_form("new_offense", **event_row(1, TODAY - 9 * DAY)))
    assert first.status_code == 303

    shown = await client.get(url)
    assert shown.status_code == 200
    assert "What the check found" in shown.text
    assert "Police, Juvenile court" in shown.text
    assert "New offense found" in shown.text
    assert "Maya Alvarez" in shown.text
    assert (TODAY - 9 * DAY).isoformat() in shown.text
    assert 'name="records"' not in shown.text
    assert "Record the check" not in shown.text

    again = await post_form(client, url, check_form(checked_on=TODAY - DAY))
    assert again.status_code == 409
    assert "This check was recorded already" in again.text
    assert len(await events_of(db, case)) == 1
    saved = await fresh(db, FollowUpCheck, check.id)
    assert saved.result == CheckResult.NEW_OFFENSE
    assert saved.completed_on == TODAY
    assert len(await timeline_of(db, case)) == 1


async def test_another_event_row_is_added_with_htmx_or_without(client, db):
    _, coordinator, case, check = await coordinator_and_check(db)
    await sign_in(client, coordinator)

    partial = await client.get(
        f"/follow-ups/{check.id}/event-row?event_rows=3", headers={"HX-Request": "true"}
    )
    assert partial.status_code == 200
    assert 'name="e4_occurred_on"' in partial.text
    assert 'id="event-4"' in partial.text
    assert 'hx-swap-oob="true"' in partial.text
    assert 'name="event_rows" value="4"' in partial.text
    assert "<html" not in partial.text
    at_most = await client.get(f"/follow-ups/{check.id}/event-row?event_rows=10")
    assert 'name="e11_occurred_on"' not in at_most.text
    assert "At most 10 events at once." in at_most.text

    without_js = await post_form(
        client,
        f"/follow-ups/{check.id}",
        check_form("new_offense", add_event="1", **event_row(2, TODAY - 3 * DAY)),
    )
    assert without_js.status_code == 200
    assert 'name="e4_occurred_on"' in without_js.text
    assert 'name="event_rows" value="4"' in without_js.text
    assert f'value="{(TODAY - 3 * DAY).isoformat()}"' in without_js.text
    assert (await fresh(db, FollowUpCheck, check.id)).completed_on is None

    fourth = await post_form(
        client,
        f"/follow-ups/{check.id}",
        check_form("new_offense", event_rows="4", **event_row(4, TODAY - 3 * DAY, "adjudication")),
    )
    assert fourth.status_code == 303
    [event] = await events_of(db, case)
    assert event.event_type == OutcomeEventType.ADJUDICATION


# ---------------------------------------------------------------------------------------------
# Events found later


def later_event(occurred_on: datetime.date, kind="charge", category="assault", source="other") -> dict:
    return {
        "event_occurred_on": occurred_on.isoformat(),
        "event_event_type": kind,
        "event_offense_category": category,
        "event_source": source,
    }


async def test_a_new_offense_found_later_is_recorded_on_a_closed_case(client, db):
    _, coordinator, case, check = await coordinator_and_check(db)
    await sign_in(client, coordinator)
    page = (await client.get(f"/cases/{case.id}")).text
    assert f'href="/follow-ups/{check.id}?back=case">Record the check</a>' in page, (
        "the open check links its form"
    )
    section = page[page.index('id="outcomes"') :]
    assert "No new offense is recorded" in section
    assert f'action="/cases/{case.id}/outcome-events"' in section
    assert 'name="event_occurred_on"' in section

    response = await post_form(client, f"/cases/{case.id}/outcome-events", later_event(TODAY - 2 * DAY))

    assert response.status_code == 303
    assert response.headers["location"] == f"/cases/{case.id}#outcomes"
    [event] = await events_of(db, case)
    assert (event.occurred_on, event.event_type, event.offense_category, event.source) == (
        TODAY - 2 * DAY,
        OutcomeEventType.CHARGE,
        "assault",
        RecordSystem.OTHER,
    )
    assert event.check_id is None
    assert await timeline_of(db, case) == [
        f"New offense recorded: Charge on {(TODAY - 2 * DAY).isoformat()} (assault), in other records."
    ]
    [entry] = await audited(db, "outcome_event_create")
    assert entry.record_id == str(case.id)
    assert entry.details == {"event_id": str(event.id), "event_type": "charge", "source": "other"}
    page = (await client.get(f"/cases/{case.id}")).text
    section = page[page.index('id="outcomes"') :]
    assert "Reported later" in section
    assert "Assault" in section
    assert "The charge was recorded on case" in page


async def test_a_later_event_is_checked_and_kept_on_error(client, db):
    _, coordinator, case, _ = await coordinator_and_check(db)
    await sign_in(client, coordinator)
    url = f"/cases/{case.id}/outcome-events"

    future = await post_form(client, url, later_event(TODAY + DAY, "arrest", "theft", "police"))
    assert future.status_code == 422
    assert "The date of the offense cannot be after today." in future.text
    assert f'value="{(TODAY + DAY).isoformat()}"' in future.text
    assert '<option value="arrest" selected>' in future.text
    assert '<option value="police" selected>' in future.text
    assert "<html" in future.text, "without htmx, the whole page"

    early = await post_form(client, url, later_event(REFERRED - DAY), headers={"HX-Request": "true"})
    assert early.status_code == 422
    assert "must be after the youth was referred" in early.text
    assert 'id="outcome-event-form"' in early.text
    assert "<html" not in early.text, "htmx gets the form alone"

    empty = await post_form(client, url, {})
    assert "Enter the date of the offense." in empty.text
    assert "Choose the type of the offense." in empty.text
    assert await events_of(db, case) == []
    assert await timeline_of(db, case) == []


async def test_open_cases_take_no_outcome_events(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    case = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)
    await sign_in(client, coordinator)

    page = (await client.get(f"/cases/{case.id}")).text
    assert 'id="outcomes"' not in page
    refused = await post_form(client, f"/cases/{case.id}/outcome-events", later_event(TODAY - DAY))
    assert refused.status_code == 409
    assert f"Case {case.number} is open (sanctions in progress)" in refused.text
    shown = await client.get(f"/cases/{case.id}/outcome-events")
    assert "New offenses are recorded after a case closes" in shown.text
    assert 'name="event_occurred_on"' not in shown.text
    assert await db.scalar(select(func.count()).select_from(OutcomeEvent)) == 0


# ---------------------------------------------------------------------------------------------
# Who may


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.JUROR])
async def test_evaluators_and_jurors_are_turned_away(client, db, role):
    program, _, case, check = await coordinator_and_check(db)
    await sign_in_with_form(client, await make_user(db, program, role))

    for path in (
        "/follow-ups",
        "/follow-ups?view=completed",
        f"/follow-ups/{check.id}",
        f"/follow-ups/{check.id}/event-row",
        f"/cases/{case.id}/outcome-events",
    ):
        assert (await client.get(path)).status_code == 403, path
    assert (await post_form(client, f"/follow-ups/{check.id}", check_form())).status_code == 403
    posted = await post_form(client, f"/cases/{case.id}/outcome-events", later_event(TODAY - DAY))
    assert posted.status_code == 403
    assert (await fresh(db, FollowUpCheck, check.id)).completed_on is None
    assert await events_of(db, case) == []


async def test_unknown_and_foreign_ids_are_not_found(client, db):
    _, coordinator, _, _ = await coordinator_and_check(db)
    _, _, foreign_case, foreign_check = await coordinator_and_check(db)
    await sign_in(client, coordinator)

    for check_id in (uuid.uuid4(), foreign_check.id):
        for path in (f"/follow-ups/{check_id}", f"/follow-ups/{check_id}/event-row"):
            response = await client.get(path)
            assert response.status_code == 404, path
            assert foreign_case.number not in response.text
        posted = await post_form(client, f"/follow-ups/{check_id}", check_form())
        assert posted.status_code == 404
    for case_id in (uuid.uuid4(), foreign_case.id):
        assert (await client.get(f"/cases/{case_id}/outcome-events")).status_code == 404
        posted = await post_form(client, f"/cases/{case_id}/outcome-events", later_event(TODAY - DAY))
        assert posted.status_code == 404
    assert (await fresh(db, FollowUpCheck, foreign_check.id)).completed_on is None
    assert await events_of(db, foreign_case) == []
