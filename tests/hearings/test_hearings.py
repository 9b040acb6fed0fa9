"""Hearing nights, dockets, notices, outcomes and the jury's investigation record."""

from __future__ import annotations

import datetime
import re
from types import SimpleNamespace
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    counting,
    make_case,
    make_program,
    make_user,
    make_youth,
    post_form,
    sign_in,
    sign_in_with_form,
)
from youthcourt.audit.models import AuditEntry
from youthcourt.cases import sections
from youthcourt.cases.models import Case, CaseEvent, CaseState, EventKind
from youthcourt.hearings.case_sections import load_hearings
from youthcourt.hearings.models import (
    Courtroom,
    Hearing,
    HearingKind,
    HearingNight,
    HearingOutcome,
    Investigation,
)
from youthcourt.programs.models import Program, Role
from youthcourt.reference.models import Factor, FactorKind, ProgramPolicy
from youthcourt.referrals.models import Guardian

TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)
LAST_WEEK = TODAY - datetime.timedelta(days=7)
YESTERDAY = TODAY - datetime.timedelta(days=1)
DAY = datetime.timedelta(days=1)


# Builders for this area -----------------------------------------------------------------------


async def make_night(
    db: AsyncSession,
    program: Program,
    held_on: datetime.date = NEXT_WEEK,
    rooms: tuple[tuple[str, int], ...] = (("Courtroom A", 4),),
    **fields: Any,
) -> HearingNight:
    night = HearingNight(
        program_id=program.id,
        held_on=held_on,
        starts_at=fields.pop("starts_at", datetime.time(18, 0)),
        ends_at=fields.pop("ends_at", datetime.time(20, 30)),
        location=fields.pop("location", "Riverside Courthouse, 2nd floor"),
        **fields,
    )
    night.courtrooms = [Courtroom(program_id=program.id, name=name, capacity=cap) for name, cap in rooms]
    db.add(night)
    await db.commit()
    return night


async def make_hearing(
    db: AsyncSession,
    courtroom: Courtroom,
    case: Case,
    kind: HearingKind = HearingKind.INITIAL,
    outcome: HearingOutcome = HearingOutcome.SCHEDULED,
    position: int = 1,
    notice_sent_on: datetime.date | None = None,
) -> Hearing:
    hearing = Hearing(
        program_id=courtroom.program_id,
        courtroom_id=courtroom.id,
        case_id=case.id,
        kind=kind,
        outcome=outcome,
        position=position,
        notice_sent_on=notice_sent_on,
    )
    db.add(hearing)
    await db.commit()
    return hearing


async def signed_in_coordinator(client, db) -> tuple[Program, Any]:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez")
    await sign_in(client, coordinator)
    return program, coordinator


def night_form(**overrides: str) -> dict[str, str]:
    data = {
        "held_on": NEXT_WEEK.isoformat(),
        "starts_at": "18:00",
        "ends_at": "20:30",
        "location": "Riverside Courthouse",
        "notes": "",
        "room_name_1": "Courtroom A",
        "room_capacity_1": "4",
        "room_name_2": "",
        "room_capacity_2": "4",
    }
    return {**data, **overrides}


async def fresh(db: AsyncSession, model: type, record_id) -> Any:
    return await db.get(model, record_id, populate_existing=True)


async def actions(db: AsyncSession) -> list[str]:
    return list((await db.scalars(select(AuditEntry.action).order_by(AuditEntry.occurred_at))).all())


async def events(db: AsyncSession, case: Case) -> list[CaseEvent]:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.occurred_at)
    return list((await db.scalars(query.execution_options(populate_existing=True))).all())


async def hearing_count(db: AsyncSession) -> int:
    return await db.scalar(select(func.count(Hearing.id)))


def docket_rows(html: str) -> list[str]:
    """Case numbers in the order a docket table lists them."""
    return re.findall(r'<th scope="row">(?:<a href="/cases/[^"]+">)?([0-9]{4}-[0-9]{4})', html)


# Hearing nights -------------------------------------------------------------------------------


async def test_coordinator_plans_a_night_with_two_courtrooms(client, db):
    program, _ = await signed_in_coordinator(client, db)

    response = await post_form(
        client, "/hearings", night_form(room_name_2="Courtroom B", room_capacity_2="6", notes="Bring keys")
    )

    assert response.status_code == 303
    night = await db.scalar(select(HearingNight).where(HearingNight.program_id == program.id))
    assert response.headers["location"] == f"/hearings/{night.id}"
    assert night.held_on == NEXT_WEEK
    assert night.starts_at == datetime.time(18, 0)
    assert night.location == "Riverside Courthouse"
    rooms = (await db.scalars(select(Courtroom).where(Courtroom.night_id == night.id))).all()
    assert sorted((room.name, room.capacity) for room in rooms) == [("Courtroom A", 4), ("Courtroom B", 6)]
    assert "hearing_night_create" in await actions(db)
    listing = await client.get("/hearings")
    assert "Riverside Courthouse" in listing.text
    assert "Courtroom B: 0 of 6" in listing.text


async def test_night_form_refuses_past_date_reversed_times_and_no_courtroom(client, db):
    await signed_in_coordinator(client, db)

    response = await post_form(
        client,
        "/hearings",
        night_form(
            held_on=LAST_WEEK.isoformat(),
            starts_at="20:00",
            ends_at="19:00",
            location="Town Hall annex",
            room_name_1="",
        ),
    )

    assert response.status_code == 422
    assert "The date cannot be in the past." in response.text
    assert "The end time must be after the start time." in response.text
    assert "Add at least one courtroom" in response.text
    assert f'value="{LAST_WEEK.isoformat()}"' in response.text
    assert 'value="Town Hall annex"' in response.text
    assert 'value="20:00"' in response.text
    assert await db.scalar(select(func.count(HearingNight.id))) == 0


async def test_courtroom_names_are_unique_and_capacity_is_bounded(client, db):
    await signed_in_coordinator(client, db)

    duplicate = await post_form(
        client, "/hearings", night_form(room_name_2="courtroom a", room_capacity_2="3")
    )
    too_big = await post_form(client, "/hearings", night_form(room_capacity_1="21"))
    zero = await post_form(client, "/hearings", night_form(room_capacity_1="0"))

    assert duplicate.status_code == 422
    assert "is used twice" in duplicate.text
    assert 'value="courtroom a"' in duplicate.text
    assert too_big.status_code == 422
    assert "from 1 to 20" in too_big.text
    assert zero.status_code == 422
    assert await db.scalar(select(func.count(HearingNight.id))) == 0


async def test_list_shows_upcoming_or_past_nights_with_docket_counts(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    upcoming = await make_night(db, program, NEXT_WEEK, (("Courtroom A", 3), ("Courtroom B", 2)))
    await make_night(db, program, LAST_WEEK, location="Old Library")
    room_a = next(room for room in upcoming.courtrooms if room.name == "Courtroom A")
    for position in (1, 2, 3):
        case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
        await make_hearing(db, room_a, case, position=position)

    coming = await client.get("/hearings")
    past = await client.get("/hearings?when=past")

    assert "Courtroom A: 3 of 3 <mark>full</mark>" in coming.text
    assert "Courtroom B: 0 of 2" in coming.text
    assert "Old Library" not in coming.text
    assert "Old Library" in past.text
    assert "Riverside Courthouse" not in past.text
    partial = await client.get(
        "/hearings?when=past", headers={"HX-Request": "true", "HX-Target": "night-rows"}
    )
    assert "<html" not in partial.text
    assert "Old Library" in partial.text


async def test_list_is_paginated(client, db):
    program, _ = await signed_in_coordinator(client, db)
    for offset in range(27):
        await make_night(db, program, NEXT_WEEK + datetime.timedelta(days=offset), location=f"Hall {offset}")

    first = await client.get("/hearings")
    second = await client.get("/hearings?page=2")

    assert "Showing 1 to 25 of 27" in first.text
    assert "Hall 26" not in first.text
    assert "Hall 26" in second.text


async def test_changing_the_time_resets_notices_and_capacity_cannot_drop_below_the_docket(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, NEXT_WEEK, (("Courtroom A", 4), ("Courtroom B", 4)))
    room_a, room_b = sorted(night.courtrooms, key=lambda room: room.name)
    cases = [await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator) for _ in range(2)]
    for position, case in enumerate(cases, start=1):
        hearing = await make_hearing(db, room_a, case, position=position)
        hearing.notice_sent_on = TODAY
    await db.commit()
    form = (await client.get(f"/hearings/{night.id}/edit")).text
    assert 'value="Courtroom B"' in form

    base = {
        "held_on": NEXT_WEEK.isoformat(),
        "starts_at": "18:00",
        "ends_at": "20:30",
        "location": "Riverside Courthouse, 2nd floor",
        "room_id_1": str(room_a.id),
        "room_name_1": "Courtroom A",
        "room_capacity_1": "1",
        "room_id_2": str(room_b.id),
        "room_name_2": "Courtroom B",
        "room_capacity_2": "4",
    }
    too_small = await post_form(client, f"/hearings/{night.id}/edit", base)
    assert too_small.status_code == 422
    assert "already has 2 cases" in too_small.text

    saved = await post_form(
        client,
        f"/hearings/{night.id}/edit",
        {
            **base,
            "starts_at": "17:30",
            "room_capacity_1": "5",
            "room_name_2": "",
            "room_name_3": "Room C",
            "room_capacity_3": "4",
        },
    )

    assert saved.status_code == 303
    night = await fresh(db, HearingNight, night.id)
    assert night.starts_at == datetime.time(17, 30)
    rooms = (
        await db.scalars(
            select(Courtroom).where(Courtroom.night_id == night.id).execution_options(populate_existing=True)
        )
    ).all()
    assert sorted((room.name, room.capacity) for room in rooms) == [("Courtroom A", 5), ("Room C", 4)]
    hearings = (await db.scalars(select(Hearing).execution_options(populate_existing=True))).all()
    assert [hearing.notice_sent_on for hearing in hearings] == [None, None]
    assert any("now " + NEXT_WEEK.isoformat() + " at 17:30" in e.summary for e in await events(db, cases[0]))
    assert "hearing_night_update" in await actions(db)


async def test_two_courtrooms_can_swap_names(client, db):
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program, NEXT_WEEK, (("Courtroom A", 4), ("Courtroom B", 2)))
    room_a, room_b = sorted(night.courtrooms, key=lambda room: room.name)

    response = await post_form(
        client,
        f"/hearings/{night.id}/edit",
        {
            "held_on": NEXT_WEEK.isoformat(),
            "starts_at": "18:00",
            "ends_at": "20:30",
            "location": "Riverside Courthouse, 2nd floor",
            "room_id_1": str(room_a.id),
            "room_name_1": "Courtroom B",
            "room_capacity_1": "4",
            "room_id_2": str(room_b.id),
            "room_name_2": "Courtroom A",
            "room_capacity_2": "2",
        },
    )

    assert response.status_code == 303
    assert (await fresh(db, Courtroom, room_a.id)).name == "Courtroom B"
    assert (await fresh(db, Courtroom, room_b.id)).name == "Courtroom A"


async def test_cancelling_a_night_sends_first_hearings_back_to_waiting(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    first = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    returning = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)
    await make_hearing(db, night.courtrooms[0], first)
    await make_hearing(db, night.courtrooms[0], returning, HearingKind.RETURNING, position=2)

    response = await post_form(client, f"/hearings/{night.id}/cancel", {})

    assert response.status_code == 303
    assert (await fresh(db, HearingNight, night.id)).is_cancelled
    assert (await fresh(db, Case, first.id)).state == CaseState.AWAITING_HEARING
    assert (await fresh(db, Case, returning.id)).state == CaseState.SANCTIONS_IN_PROGRESS
    outcomes = (await db.scalars(select(Hearing.outcome))).all()
    assert set(outcomes) == {HearingOutcome.CANCELLED}
    assert "hearing_night_cancel" in await actions(db)
    page = await client.get(f"/hearings/{night.id}")
    assert "<mark>Cancelled</mark>" in page.text
    assert "Put a case on a docket" not in page.text


# Scheduling ---------------------------------------------------------------------------------


async def test_scheduling_a_first_hearing_moves_the_case_and_writes_the_timeline(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    youth = await make_youth(db, program, first_name="Camila", last_name="Brooks")
    case = await make_case(
        db, program, CaseState.AWAITING_HEARING, coordinator=coordinator, referral=None, youth=youth
    )
    courtroom = night.courtrooms[0]
    night_page = await client.get(f"/hearings/{night.id}")
    assert f"{case.number} · Camila Brooks" in night_page.text

    response = await post_form(
        client, f"/hearings/{night.id}/schedule", {"case_id": str(case.id), "courtroom_id": str(courtroom.id)}
    )

    assert response.status_code == 303
    hearing = await db.scalar(select(Hearing).where(Hearing.case_id == case.id))
    assert hearing.kind == HearingKind.INITIAL
    assert hearing.outcome == HearingOutcome.SCHEDULED
    assert (await fresh(db, Case, case.id)).state == CaseState.SCHEDULED
    timeline = await events(db, case)
    transition = next(e for e in timeline if e.kind == EventKind.TRANSITION)
    assert (transition.from_state, transition.to_state) == ("awaiting_hearing", "scheduled")
    scheduled = next(e for e in timeline if e.kind == EventKind.HEARING)
    assert scheduled.summary.startswith(f"Scheduled for {NEXT_WEEK.isoformat()}, Courtroom A")
    assert scheduled.actor_name == "Maya Alvarez"
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "hearing_schedule"))
    assert entry.record_id == str(hearing.id)
    assert "Camila" not in str(entry.details)
    after = await client.get(f"/hearings/{night.id}")
    assert "Camila Brooks" in after.text
    assert "1 of 4" in after.text


HTMX_CHOICES = {"HX-Request": "true", "HX-Target": "case-choices"}


def _choices(html: str) -> list[str]:
    """The case numbers the picker offers, in order."""
    return re.findall(r'name="case_id" value="[0-9a-f-]{36}"(?: checked)?> (\S+) ·', html)


async def test_the_picker_shows_the_first_cases_and_finds_the_others_by_name_or_number(client, db):
    """A statewide program has hundreds of cases to schedule: the night page offers the first ten,
    awaiting a first hearing before those in sanctions, and a search (posted) finds any other."""
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    waiting = [await make_case(db, program, CaseState.AWAITING_HEARING) for _ in range(11)]
    youth = await make_youth(db, program, first_name="Ximena", last_name="Okafor")
    sanctioned = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, youth=youth)
    other_program = await make_program(db, "Elsewhere Teen Court")
    stranger = await make_youth(db, other_program, first_name="Ximena", last_name="Stranger")
    await make_case(db, other_program, CaseState.AWAITING_HEARING, youth=stranger)

    night_page = await client.get(f"/hearings/{night.id}")
    assert _choices(night_page.text) == sorted(case.number for case in waiting)[:10]
    assert "2 more cases can go on this night" in night_page.text

    async def find(search: str, **fields: str) -> Any:
        data = {"case_search": search, **fields}
        return await post_form(client, f"/hearings/{night.id}/cases", data, headers=HTMX_CHOICES)

    by_name = await find("xim")
    assert by_name.status_code == 200
    assert "<html" not in by_name.text
    assert _choices(by_name.text) == [sanctioned.number]
    assert "Sanctions in progress (returning or discharge)" in by_name.text
    assert "Stranger" not in by_name.text
    assert "more case" not in by_name.text
    by_number = await find(waiting[-1].number)
    assert _choices(by_number.text) == [waiting[-1].number]
    nothing = await find("no such youth")
    assert _choices(nothing.text) == []
    assert "No case waiting for a hearing or in sanctions matches this search." in nothing.text
    kept = await find("no such youth", case_id=str(sanctioned.id))
    assert '<p class="choice-group">Chosen</p>' in kept.text
    assert f'name="case_id" value="{sanctioned.id}" checked>' in kept.text
    assert _choices((await find("%")).text) == [] and _choices((await find("_")).text) == []  # not wildcards
    assert "1 more case matches: type more of the name or number." in (await find("youth")).text
    assert (await find("xim")).request.url.query == b""


async def test_the_picker_search_has_a_form_of_its_own_and_never_schedules(client, db):
    """Enter in the search field submits the field's own form: a search, never the case chosen."""
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    youth = await make_youth(db, program, first_name="Ximena", last_name="Okafor")
    case = await make_case(db, program, CaseState.AWAITING_HEARING, youth=youth)
    await make_case(db, program, CaseState.AWAITING_HEARING)
    before = await hearing_count(db)

    night_page = (await client.get(f"/hearings/{night.id}")).text
    assert 'name="case_search" form="case-search"' in night_page
    assert f'<form id="case-search" method="post" action="/hearings/{night.id}/cases#schedule"' in night_page
    searched = await post_form(client, f"/hearings/{night.id}/cases", {"case_search": "okafor"})
    assert searched.status_code == 200
    assert "<html" in searched.text
    assert _choices(searched.text) == [case.number]
    assert 'value="okafor"' in searched.text
    unchosen = await post_form(
        client, f"/hearings/{night.id}/schedule", {"courtroom_id": str(night.courtrooms[0].id), "kind": ""}
    )
    assert unchosen.status_code == 422
    assert "Choose a case." in unchosen.text
    assert await hearing_count(db) == before
    unknown = await post_form(
        client, f"/hearings/{program.id}/cases", {"case_search": "x"}, headers=HTMX_CHOICES
    )
    assert unknown.status_code == 404


async def test_scheduling_refuses_wrong_states_full_rooms_and_duplicates(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, NEXT_WEEK, (("Courtroom A", 1), ("Courtroom B", 3)))
    room_a, room_b = sorted(night.courtrooms, key=lambda room: room.name)
    await make_hearing(db, room_a, await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator))
    waiting = await make_case(db, program, CaseState.AWAITING_HEARING, coordinator=coordinator)
    in_intake = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    sanctioned = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)
    await make_hearing(db, room_b, sanctioned, HearingKind.RETURNING)
    before = await hearing_count(db)

    async def schedule(case, room, kind=""):
        return await post_form(
            client,
            f"/hearings/{night.id}/schedule",
            {"case_id": str(case.id), "courtroom_id": str(room.id), "kind": kind},
        )

    full = await schedule(waiting, room_a)
    wrong_state = await schedule(in_intake, room_b)
    duplicate = await schedule(sanctioned, room_a, "discharge")
    wrong_kind = await schedule(waiting, room_b, "returning")

    assert full.status_code == 422
    assert "Courtroom A is full" in full.text
    assert wrong_state.status_code == 422
    assert "only cases awaiting a hearing or with sanctions in progress" in wrong_state.text
    assert duplicate.status_code == 422
    assert "already on this night" in duplicate.text
    assert wrong_kind.status_code == 422
    assert "can only be initial" in wrong_kind.text
    assert f'name="case_id" value="{waiting.id}" checked>' in wrong_kind.text
    assert await hearing_count(db) == before
    assert (await fresh(db, Case, waiting.id)).state == CaseState.AWAITING_HEARING
    assert (await events(db, waiting)) == []


async def test_past_and_cancelled_nights_take_no_cases(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    past = await make_night(db, program, LAST_WEEK)
    cancelled = await make_night(db, program, NEXT_WEEK, is_cancelled=True)
    case = await make_case(db, program, CaseState.AWAITING_HEARING, coordinator=coordinator)

    for night, message in ((past, "is over"), (cancelled, "is cancelled")):
        response = await post_form(
            client,
            f"/hearings/{night.id}/schedule",
            {"case_id": str(case.id), "courtroom_id": str(night.courtrooms[0].id)},
        )
        assert response.status_code == 422
        assert message in response.text
    assert await hearing_count(db) == 0
    assert (await fresh(db, Case, case.id)).state == CaseState.AWAITING_HEARING


async def test_returning_and_discharge_hearings_come_first_on_the_docket(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    room = night.courtrooms[0]
    first = await make_case(db, program, CaseState.AWAITING_HEARING, coordinator=coordinator)
    discharge = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)
    returning = await make_case(db, program, CaseState.SANCTIONS_IN_PROGRESS, coordinator=coordinator)

    for case, kind in ((first, ""), (discharge, "discharge"), (returning, "returning")):
        response = await post_form(
            client,
            f"/hearings/{night.id}/schedule",
            {"case_id": str(case.id), "courtroom_id": str(room.id), "kind": kind},
        )
        assert response.status_code == 303

    expected = [returning.number, discharge.number, first.number]
    assert docket_rows((await client.get(f"/hearings/{night.id}")).text) == expected
    docket = await client.get(f"/hearings/{night.id}/courtrooms/{room.id}/docket")
    assert docket_rows(docket.text) == expected
    assert (await fresh(db, Case, returning.id)).state == CaseState.SANCTIONS_IN_PROGRESS
    assert [e.kind for e in await events(db, returning)] == [EventKind.HEARING]


async def test_docket_shows_only_first_name_last_initial_age_and_offense(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, NEXT_WEEK)
    born = NEXT_WEEK.replace(year=NEXT_WEEK.year - 14) - datetime.timedelta(days=1)
    youth = await make_youth(
        db,
        program,
        first_name="Marisol",
        last_name="Okafor",
        date_of_birth=born,
        address="12 Elm Street",
        school="Lincoln Middle",
    )
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator, youth=youth)
    await make_hearing(db, night.courtrooms[0], case)

    response = await client.get(f"/hearings/{night.id}/courtrooms/{night.courtrooms[0].id}/docket")

    assert response.status_code == 200
    assert "Marisol O." in response.text
    assert "Okafor" not in response.text
    assert "12 Elm Street" not in response.text
    assert "Lincoln Middle" not in response.text
    assert born.isoformat() not in response.text
    assert "<td>14</td>" in response.text
    assert "Petit larceny / shoplifting" in response.text
    assert "Docket: Courtroom A" in response.text
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "docket_view"))
    assert entry.record_id == str(night.courtrooms[0].id)
    assert "Marisol" not in str(entry.details)


async def test_a_docket_lists_its_own_courtrooms_cases_still_on_it(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, rooms=(("Courtroom A", 4), ("Courtroom B", 4)))
    room_a, room_b = sorted(night.courtrooms, key=lambda room: room.name)
    kept, cancelled, elsewhere = [
        await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator) for _ in range(3)
    ]
    await make_hearing(db, room_a, kept)
    await make_hearing(db, room_a, cancelled, outcome=HearingOutcome.CANCELLED, position=2)
    await make_hearing(db, room_b, elsewhere)

    docket = await client.get(f"/hearings/{night.id}/courtrooms/{room_a.id}/docket")

    assert docket_rows(docket.text) == [kept.number]
    assert docket_rows((await client.get(f"/hearings/{night.id}/courtrooms/{room_b.id}/docket")).text) == [
        elsewhere.number
    ]


async def test_a_night_and_its_courtrooms_are_read_in_one_statement(client, db, app):
    """A second statement for a night's few courtrooms cost a tenth of a printable docket's time."""
    program, _ = await signed_in_coordinator(client, db)
    night = await make_night(db, program, rooms=(("Courtroom A", 4), ("Courtroom B", 4)))
    room_a = next(room for room in night.courtrooms if room.name == "Courtroom A")
    for path in (f"/hearings/{night.id}/courtrooms/{room_a.id}/docket", f"/hearings/{night.id}"):
        with counting(app) as statements:
            page = await client.get(path)
        assert page.status_code == 200
        assert "Courtroom A" in page.text and ("Courtroom B" in page.text or "docket" in path)
        assert [s for s in statements if "FROM courtroom" in s and "hearing_night" not in s] == [], path


async def test_a_case_taken_off_the_docket_waits_again(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program)
    case = await make_case(db, program, CaseState.AWAITING_HEARING, coordinator=coordinator)
    await post_form(
        client,
        f"/hearings/{night.id}/schedule",
        {"case_id": str(case.id), "courtroom_id": str(night.courtrooms[0].id)},
    )
    hearing = await db.scalar(select(Hearing).where(Hearing.case_id == case.id))

    response = await post_form(client, f"/hearings/slots/{hearing.id}/remove", {})

    assert response.status_code == 303
    assert await hearing_count(db) == 0
    assert (await fresh(db, Case, case.id)).state == CaseState.AWAITING_HEARING
    assert any(e.summary.startswith("Removed from the docket") for e in await events(db, case))
    assert "hearing_remove" in await actions(db)


# Outcomes -----------------------------------------------------------------------------------


async def test_no_show_reschedule_sends_the_case_back_to_waiting(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, YESTERDAY)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case, notice_sent_on=YESTERDAY - 7 * DAY)

    response = await post_form(
        client, f"/hearings/slots/{hearing.id}/outcome", {"result": "no_show_reschedule"}
    )

    assert response.status_code == 303
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.NO_SHOW
    assert (await fresh(db, Case, case.id)).state == CaseState.AWAITING_HEARING
    summaries = [e.summary for e in await events(db, case)]
    assert any("No-show on" in s and "to be rescheduled" in s for s in summaries)
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "hearing_outcome"))
    assert entry.details["result"] == "no_show_reschedule"
    again = await post_form(client, f"/hearings/slots/{hearing.id}/outcome", {"result": "held"})
    assert again.status_code == 422
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.NO_SHOW


async def test_no_show_return_to_source_needs_a_reason_and_closes_the_case(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, YESTERDAY)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case, notice_sent_on=YESTERDAY - 7 * DAY)

    missing = await post_form(client, f"/hearings/slots/{hearing.id}/outcome", {"result": "no_show_return"})
    assert missing.status_code == 422
    assert "Enter the reason." in missing.text
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.SCHEDULED
    assert (await fresh(db, Case, case.id)).state == CaseState.SCHEDULED

    returned = await post_form(
        client,
        f"/hearings/slots/{hearing.id}/outcome",
        {"result": "no_show_return", "reason": "Second missed hearing; family unreachable."},
    )

    assert returned.status_code == 303
    case = await fresh(db, Case, case.id)
    assert case.state == CaseState.UNSUCCESSFUL
    assert case.closure_reason == "Second missed hearing; family unreachable."
    assert case.closed_on is not None
    transition = [e for e in await events(db, case) if e.kind == EventKind.TRANSITION][-1]
    assert transition.to_state == "unsuccessful"
    assert "family unreachable" in transition.summary


async def test_a_no_show_without_a_notice_sent_needs_a_reason(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, YESTERDAY)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case)
    slot = await client.get(f"/hearings/slots/{hearing.id}")
    assert "No hearing notice was recorded as sent to the family." in slot.text

    refused = await post_form(
        client,
        f"/hearings/slots/{hearing.id}/outcome",
        {"result": "no_show_return", "reason": "Did not come."},
    )

    assert refused.status_code == 422
    assert "No hearing notice was recorded as sent to the family, so they may not have known the date." in (
        refused.text
    )
    assert 'aria-invalid="true"' in re.search(
        r'<textarea id="field-no_notice_reason"[^>]*>', refused.text
    ).group(0)
    assert "Did not come." in refused.text, "what was typed is kept"
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.SCHEDULED
    assert (await fresh(db, Case, case.id)).state == CaseState.SCHEDULED
    assert "hearing_outcome" not in await actions(db)

    recorded = await post_form(
        client,
        f"/hearings/slots/{hearing.id}/outcome",
        {
            "result": "no_show_return",
            "reason": "Did not come.",
            "no_notice_reason": "The mother confirmed the date by phone on Monday.",
        },
    )

    assert recorded.status_code == 303
    assert (await fresh(db, Case, case.id)).state == CaseState.UNSUCCESSFUL
    summaries = [e.summary for e in await events(db, case)]
    assert (
        "No-show recorded although no hearing notice was recorded as sent. "
        "Reason: The mother confirmed the date by phone on Monday." in summaries
    )
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "hearing_outcome"))
    assert entry.details["notice_sent"] is False
    assert entry.details["no_notice_reason"] == "The mother confirmed the date by phone on Monday."


async def test_a_hearing_held_needs_no_notice(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, YESTERDAY)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case)

    response = await post_form(client, f"/hearings/slots/{hearing.id}/outcome", {"result": "held"})

    assert response.status_code == 303
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.HELD


async def test_held_hearing_leaves_the_state_and_offers_the_disposition(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, YESTERDAY)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case)
    before = await client.get(f"/hearings/slots/{hearing.id}")
    assert 'name="result" value="no_show_return"' in before.text
    assert "Record the disposition" not in before.text

    response = await post_form(client, f"/hearings/slots/{hearing.id}/outcome", {"result": "held"})

    assert response.status_code == 303
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.HELD
    assert (await fresh(db, Case, case.id)).state == CaseState.SCHEDULED
    page = await client.get(f"/hearings/slots/{hearing.id}")
    assert f'href="/cases/{case.id}/disposition?hearing={hearing.id}"' in page.text
    assert "Record the disposition" in page.text
    assert "hearing_view" in await actions(db)


async def test_outcome_waits_for_the_night(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, NEXT_WEEK)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case)

    response = await post_form(client, f"/hearings/slots/{hearing.id}/outcome", {"result": "held"})

    assert response.status_code == 422
    assert "on or after the hearing night" in response.text
    assert (await fresh(db, Hearing, hearing.id)).outcome == HearingOutcome.SCHEDULED


# Notice -------------------------------------------------------------------------------------


async def test_notice_is_addressed_to_the_guardians_and_can_be_marked_sent(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, NEXT_WEEK, location="Riverside Courthouse, Room 4")
    youth = await make_youth(db, program, first_name="Darnell", last_name="Evans")
    db.add(Guardian(program_id=program.id, youth_id=youth.id, name="Angela Evans", address="9 Oak Road"))
    await db.commit()
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator, youth=youth)
    hearing = await make_hearing(db, night.courtrooms[0], case)

    letter = await client.get(f"/hearings/slots/{hearing.id}/notice")

    assert letter.status_code == 200
    assert "Dear Angela Evans," in letter.text
    assert "9 Oak Road" in letter.text
    assert f"{NEXT_WEEK:%B} {NEXT_WEEK.day}, {NEXT_WEEK.year}" in letter.text
    assert "6:00 PM" in letter.text
    assert "Riverside Courthouse, Room 4" in letter.text
    assert "Please bring" in letter.text
    assert (await fresh(db, Hearing, hearing.id)).notice_sent_on is None

    sent = await post_form(client, f"/hearings/slots/{hearing.id}/notice", {})

    assert sent.status_code == 303
    assert (await fresh(db, Hearing, hearing.id)).notice_sent_on is not None
    assert {"hearing_notice_view", "hearing_notice_sent"} <= set(await actions(db))
    night_page = await client.get(f"/hearings/{night.id}")
    assert "Sent " in night_page.text


async def test_the_notice_gives_the_programs_phone_or_asks_for_it(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, NEXT_WEEK)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case)

    unset = await client.get(f"/hearings/slots/{hearing.id}/notice")

    assert "The program's phone number is not set, so this letter cannot tell the family whom to call." in (
        unset.text
    )
    assert "Ask a program admin to set it on the policy page" in unset.text
    assert "call us at <mark>[the program's phone number is not set]</mark>" in unset.text

    policy = await db.scalar(select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    policy.contact_phone = "555-0142"
    await db.commit()
    letter = await client.get(f"/hearings/slots/{hearing.id}/notice")

    assert "call us at <strong>555-0142</strong> as soon as possible" in letter.text
    assert "is not set" not in letter.text


# Investigation record -----------------------------------------------------------------------


async def test_investigation_is_saved_and_a_stale_save_is_refused(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, YESTERDAY)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case, outcome=HearingOutcome.HELD)
    factors = (await db.scalars(select(Factor).where(Factor.program_id == program.id))).all()
    peers = next(f for f in factors if f.name == "Peer pressure")
    boredom = next(f for f in factors if f.name.startswith("Boredom"))
    family = next(f for f in factors if f.name == "Supportive family" and f.kind == FactorKind.STRENGTH)
    url = f"/hearings/slots/{hearing.id}/investigation"

    form = await client.get(url)
    assert 'name="version" value="0"' in form.text
    assert "Peer pressure" in form.text
    assert "Supportive family" in form.text

    first = await post_form(
        client,
        url,
        {
            "version": "0",
            "factor": [str(peers.id), str(family.id)],
            "questioning_summary": "Went along with friends at the store.",
            "deliberation_summary": "Jury wants an apology and service hours.",
        },
    )
    assert first.status_code == 303
    record = await db.scalar(select(Investigation).where(Investigation.hearing_id == hearing.id))
    assert record.version == 1
    linked = await load_hearings(db, await fresh(db, Case, case.id))
    saved_factors = {link.factor.name for link in linked["hearings"][0].investigation.factors}
    assert saved_factors == {"Peer pressure", "Supportive family"}

    # Someone else changes only the factors: the version still moves on.
    second = await post_form(
        client,
        url,
        {
            "version": "1",
            "factor": [str(peers.id), str(family.id), str(boredom.id)],
            "questioning_summary": "Went along with friends at the store.",
            "deliberation_summary": "Jury wants an apology and service hours.",
        },
    )
    assert second.status_code == 303
    assert (await fresh(db, Investigation, record.id)).version == 2

    stale = await post_form(
        client,
        url,
        {
            "version": "1",
            "factor": [str(peers.id)],
            "questioning_summary": "My own notes from the bench.",
            "deliberation_summary": "",
        },
    )

    assert stale.status_code == 409
    assert "Someone else saved this record while you were editing" in stale.text
    assert "My own notes from the bench." in stale.text
    assert "Jury wants an apology and service hours." in stale.text
    assert 'name="version" value="2"' in stale.text
    record = await fresh(db, Investigation, record.id)
    assert record.version == 2
    assert record.questioning_summary == "Went along with friends at the store."
    linked = await load_hearings(db, await fresh(db, Case, case.id))
    assert len(linked["hearings"][0].investigation.factors) == 3
    logged = await actions(db)
    assert logged.count("investigation_save") == 2
    assert "investigation_view" in logged


async def test_investigation_waits_for_the_night(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    night = await make_night(db, program, NEXT_WEEK)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    hearing = await make_hearing(db, night.courtrooms[0], case)

    page = await client.get(f"/hearings/slots/{hearing.id}/investigation")
    saved = await post_form(
        client,
        f"/hearings/slots/{hearing.id}/investigation",
        {"version": "0", "questioning_summary": "Early"},
    )

    assert "opens on the night of the hearing" in page.text
    assert saved.status_code == 422
    assert await db.scalar(select(func.count(Investigation.id))) == 0


# Case page section --------------------------------------------------------------------------


async def test_case_section_lists_the_case_hearings(client, db, app):
    program, coordinator = await signed_in_coordinator(client, db)
    earlier = await make_night(db, program, LAST_WEEK, location="Old Library")
    later = await make_night(db, program, NEXT_WEEK)
    case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator)
    no_show = await make_hearing(db, earlier.courtrooms[0], case, outcome=HearingOutcome.NO_SHOW)
    upcoming = await make_hearing(db, later.courtrooms[0], case)

    assert "hearings" in [section.name for section in sections.registered()]
    context = await load_hearings(db, case)
    page = app.template_engine.get_template("hearings/_case_section.html")
    html = page.render(case=case, request=SimpleNamespace(app=app), **context)  # url_for reads request.app

    assert [hearing.id for hearing in context["hearings"]] == [upcoming.id, no_show.id]
    assert f'href="/hearings/slots/{upcoming.id}"' in html
    assert "<mark>No-show</mark>" in html
    assert html.index(NEXT_WEEK.isoformat()) < html.index(LAST_WEEK.isoformat())
    case_page = await client.get(f"/cases/{case.id}")
    assert case_page.status_code == 200
    assert 'id="case-hearings"' in case_page.text
    assert f'href="/hearings/slots/{no_show.id}"' in case_page.text


# Access -------------------------------------------------------------------------------------


async def test_ids_of_another_program_or_unknown_ids_are_not_found(client, db):
    program, _ = await signed_in_coordinator(client, db)
    mine = await make_night(db, program)
    other = await make_program(db)
    theirs = await make_night(db, other)
    their_case = await make_case(db, other, CaseState.AWAITING_HEARING)
    their_hearing = await make_hearing(
        db, theirs.courtrooms[0], await make_case(db, other, CaseState.SCHEDULED)
    )
    unknown = "00000000-0000-4000-8000-000000000000"

    paths = [
        f"/hearings/{theirs.id}",
        f"/hearings/{unknown}",
        f"/hearings/{theirs.id}/edit",
        f"/hearings/{theirs.id}/courtrooms/{theirs.courtrooms[0].id}/docket",
        f"/hearings/{mine.id}/courtrooms/{theirs.courtrooms[0].id}/docket",
        f"/hearings/{mine.id}/courtrooms/{unknown}/docket",
        f"/hearings/slots/{their_hearing.id}",
        f"/hearings/slots/{their_hearing.id}/notice",
        f"/hearings/slots/{their_hearing.id}/investigation",
        f"/hearings/slots/{unknown}",
    ]
    for path in paths:
        assert (await client.get(path)).status_code == 404, path
    posts = [
        (f"/hearings/{theirs.id}/cancel", {}),
        (f"/hearings/slots/{their_hearing.id}/outcome", {"result": "held"}),
        (f"/hearings/slots/{their_hearing.id}/notice", {}),
        (f"/hearings/slots/{their_hearing.id}/remove", {}),
        (f"/hearings/slots/{their_hearing.id}/investigation", {"version": "0"}),
    ]
    for path, data in posts:
        assert (await post_form(client, path, data)).status_code == 404, path

    foreign_case = await post_form(
        client,
        f"/hearings/{mine.id}/schedule",
        {"case_id": str(their_case.id), "courtroom_id": str(mine.courtrooms[0].id)},
    )
    foreign_room = await post_form(
        client,
        f"/hearings/{mine.id}/schedule",
        {"case_id": str(their_case.id), "courtroom_id": str(theirs.courtrooms[0].id)},
    )
    assert foreign_case.status_code == 422
    assert foreign_room.status_code == 422
    assert (await fresh(db, HearingNight, theirs.id)).is_cancelled is False
    assert (await fresh(db, Case, their_case.id)).state == CaseState.AWAITING_HEARING
    assert (await fresh(db, Hearing, their_hearing.id)).outcome == HearingOutcome.SCHEDULED
    assert await db.scalar(select(func.count(Hearing.id)).where(Hearing.program_id == program.id)) == 0


async def test_jurors_and_evaluators_are_refused(client, db):
    program = await make_program(db)
    night = await make_night(db, program)
    for role in (Role.JUROR, Role.EVALUATOR):
        client.cookies.clear()
        await sign_in_with_form(client, await make_user(db, program, role))
        for path in ("/hearings", "/hearings/new", f"/hearings/{night.id}"):
            assert (await client.get(path)).status_code == 403, (role, path)
        refused = await post_form(client, "/hearings", night_form())
        assert refused.status_code == 403
    assert await db.scalar(select(func.count(HearingNight.id))) == 1
