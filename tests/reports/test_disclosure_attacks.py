"""The three ways small-cell suppression was defeated, replayed against the pages as published.

Each attack is written as an attacker would run it: read the figures off the pages, turn them
into what they say about the true counts (a rounded count is the true one within its rounding;
a shown rate gives its counts exactly), add the relations the attacker knows between pages, and
ask a solver for every count a hidden cell can still hold. Each attack first runs on the true
counts, where it does recover the hidden cell (so the attacker works), and then on the pages,
where it must not.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp
from sqlalchemy import select

from tests.factories import make_program, make_user, sent_on, sign_in
from tests.reports.test_measures import case_on, low_threshold
from youthcourt import demo
from youthcourt.cases.models import Case, CaseState, CheckResult, FollowUpCheck
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.models import Program, Role
from youthcourt.referrals.models import Referral
from youthcourt.reports import disclosure
from youthcourt.reports.cohort import Cohort, granted_scope
from youthcourt.reports.disclosure import monthly_counts, thin_edge_months

Relation = tuple[str, Sequence[str]]
"""``(total, parts)``: the total is the sum of the parts."""


def possible_counts(
    target: str, relations: Sequence[Relation], known: Mapping[str, tuple[int, int]]
) -> list[int]:
    """The whole counts ``target`` can hold given the relations and what is known of each count
    (the first three at most: enough to show that it is not pinned).

    Each count is a whole number of at least 0, within its known bounds; scipy's mixed-integer
    solver finds the smallest and largest, then checks each value between.
    """
    names = sorted({target, *known, *(n for total, parts in relations for n in (total, *parts))})
    index = {name: i for i, name in enumerate(names)}
    rows = []
    for total, parts in relations:
        row = np.zeros(len(names))
        row[index[total]] += 1
        for part in parts:
            row[index[part]] -= 1
        rows.append(row)
    low = np.array([known.get(name, (0, 10_000))[0] for name in names], dtype=float)
    high = np.array([known.get(name, (0, 10_000))[1] for name in names], dtype=float)
    constraints = [LinearConstraint(np.array(rows), 0, 0)] if rows else []

    def solve(objective: np.ndarray, lower: np.ndarray, upper: np.ndarray):
        return milp(
            objective, constraints=constraints, integrality=np.ones(len(names)), bounds=Bounds(lower, upper)
        )

    pick = np.zeros(len(names))
    pick[index[target]] = 1
    smallest, largest = solve(pick, low, high), solve(-pick, low, high)
    if smallest.status != 0 or largest.status != 0:
        return []
    found = []
    for value in range(round(smallest.fun), round(-largest.fun) + 1):
        fixed_low, fixed_high = low.copy(), high.copy()
        fixed_low[index[target]] = fixed_high[index[target]] = value
        if solve(np.zeros(len(names)), fixed_low, fixed_high).status == 0:
            found.append(value)
        if len(found) > 2:
            break  # enough to show the count is not pinned
    return found


def read(figure: str, threshold: int) -> tuple[int, int] | None:
    """What a published figure says of the true count: ``None`` for a dash (anything)."""
    figure = html.unescape(figure).strip().lower().removeprefix("about ").replace(",", "")
    if figure == "\N{EM DASH}":
        return None
    if figure.startswith("<") or figure.startswith("fewer than"):
        return 1, threshold - 1
    shown = int(figure)
    if shown == 0:
        return 0, 0
    # Rounded to the nearest five; a shown count is never below the threshold.
    return max(shown - 2, threshold), shown + 2


def exactly(count: int) -> tuple[int, int]:
    return count, count


def group_row(page: str, label: str) -> list[str]:
    """The counts of a group row of the report (cohort, full window, reoffended, not reoffended, censored)."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    assert match, f"no row {label!r}"
    return re.findall(r'<td class="num">(.*?)</td>', match.group(1))[:5]


def rate_of(page: str, label: str) -> bool:
    """Whether the group's rate is shown (then its counts can be worked back out of it exactly)."""
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    return "<strong>" in match.group(1)


def measure(page: str, label: str) -> str:
    match = re.search(rf'<th scope="row">{re.escape(label)}</th><td>(.*?)</td>', page)
    assert match, f"no measure {label!r}"
    return match.group(1)


async def closed_with_follow_up(
    db, program: Program, state: CaseState, *, reoffended: bool = False, followed: bool = True
) -> None:
    """A case referred on 5 March 2024 and closed on 10 May 2024; followed for six months or not."""
    case = await case_on(db, program, "2024-03-05", state, closed="2024-05-10", intake="2024-03-12")
    closed = datetime.date(2024, 5, 10)
    if followed or reoffended:
        db.add(
            FollowUpCheck(
                program_id=program.id,
                case_id=case.id,
                window_months=6,
                due_on=closed + datetime.timedelta(days=183),
                completed_on=closed + datetime.timedelta(days=190 if followed else 40),
                records_searched="police",
                result=CheckResult.NEW_OFFENSE if reoffended else CheckResult.NO_NEW_OFFENSE,
            )
        )
    if reoffended:
        db.add(
            OutcomeEvent(
                program_id=program.id,
                case_id=case.id,
                occurred_on=closed + datetime.timedelta(days=30),
                event_type=OutcomeEventType.ARREST,
                offense_category="Property",
                source=RecordSystem.POLICE,
            )
        )
    await db.commit()


def report_url(program: Program, anchor: str, grouping: str) -> str:
    return (
        f"/reports/recidivism?program={program.id}&referred_from=2024-03&referred_to=2024-03"
        f"&event=arrest&anchor={anchor}&window=6&group={grouping}"
    )


async def test_a_total_on_the_measures_page_minus_the_reports_shown_counts_gives_nothing_away(client, db):
    """Attack (a): the measures page's closed count minus the report's full window was the hidden censored count."""
    program = await make_program(db)
    await low_threshold(db, program, 10)
    for reoffended, followed, count in ((True, True, 12), (False, True, 15), (False, False, 3)):
        for _ in range(count):
            await closed_with_follow_up(
                db, program, CaseState.COMPLETED, reoffended=reoffended, followed=followed
            )
    for _ in range(20):
        await closed_with_follow_up(db, program, CaseState.UNSUCCESSFUL, reoffended=True)
    await sign_in(client, await make_user(db, program, Role.EVALUATOR))

    report = (await client.get(report_url(program, "closure", "completion"))).text
    measures = (await client.get("/reports/measures?start=2024-05&end=2024-05")).text

    cohort, full, reoffended, not_reoffended, censored = group_row(report, "Completed")
    assert censored == "&lt;10", "the three censored youth are hidden"
    assert (full, reoffended, not_reoffended) == ("25", "10", "15"), "27, 12 and 15, rounded"
    assert rate_of(report, "Completed"), "12 of 27: the rate is shown"
    relations = [("cohort", ("full", "censored")), ("full", ("reoffended", "not"))]
    # The attacker's link between the pages: every completed case closed in May is in this report.
    relations.append(("closed_completed", ("full", "censored")))

    truth = {"full": exactly(27), "closed_completed": exactly(30), "censored": (1, 9)}
    assert possible_counts("censored", relations, truth) == [3], "on exact figures the attack works"

    published = {
        "cohort": read(cohort, 10),
        "closed_completed": read(measure(measures, "Completed"), 10),
        "censored": read(censored, 10),
        # A shown rate gives its counts back exactly: 12 of 27.
        "full": exactly(27),
        "reoffended": exactly(12),
        "not": exactly(15),
    }
    assert published["closed_completed"] == (28, 32), "the measures page rounds 30 to 30"
    assert len(possible_counts("censored", relations, {k: v for k, v in published.items() if v})) >= 3


async def test_a_note_that_counts_cases_gives_no_hidden_row_away(client, db):
    """Attack (b): the closure report's note "25 cases ... not closed yet" was a hidden row's count."""
    program = await make_program(db)
    await low_threshold(db, program, 10)
    for _ in range(30):
        await closed_with_follow_up(db, program, CaseState.COMPLETED)
    for index in range(12):
        case = await case_on(db, program, "2024-03-05", CaseState.SANCTIONS_IN_PROGRESS, intake="2024-03-12")
        if index < 2:
            db.add(
                OutcomeEvent(
                    program_id=program.id,
                    case_id=case.id,
                    occurred_on=datetime.date(2024, 4, 2),
                    event_type=OutcomeEventType.ARREST,
                    offense_category="Property",
                    source=RecordSystem.POLICE,
                )
            )
    await db.commit()
    await sign_in(client, await make_user(db, program, Role.EVALUATOR))

    by_referral = (await client.get(report_url(program, "referral", "completion"))).text
    by_closure = (await client.get(report_url(program, "closure", "none"))).text

    cohort, full, reoffended, not_reoffended, censored = group_row(by_referral, "Open")
    assert reoffended == "&lt;10", "two open cases with a new offense: hidden"
    note = re.search(r"<li>(.*?) cases of these referrals are left out", by_closure)
    assert note, "the closure report says how many cases have not reached their anchor"
    relations = [("cohort", ("full", "censored")), ("full", ("reoffended", "not"))]
    relations.append(("note", ("cohort",)))  # the open cases are the ones not closed yet

    truth = {"note": exactly(12), "censored": exactly(10), "not": exactly(0), "reoffended": (1, 9)}
    assert possible_counts("reoffended", relations, truth) == [2], "on exact figures the attack works"

    published = {
        "note": read(note.group(1), 10),
        "cohort": read(cohort, 10),
        "full": read(full, 10),
        "reoffended": read(reoffended, 10),
        "not": read(not_reoffended, 10),
        "censored": read(censored, 10),
    }
    assert note.group(1).lower().startswith("about"), "the note's count is rounded like the table's"
    assert len(possible_counts("reoffended", relations, {k: v for k, v in published.items() if v})) >= 2


@pytest.mark.demo
async def test_two_publishable_reports_never_differ_by_fewer_youth_than_the_threshold(client, db):
    """Attack (c): reports on ranges one day apart differed by one youth, whose outcome could be read off."""
    program = await db.scalar(select(Program).where(Program.slug == demo.DEMO_PROGRAM_SLUG))
    await sign_in(client, await make_user(db, program, Role.EVALUATOR))
    one_day_apart = await client.get(
        f"/reports/recidivism?program={program.id}&referred_from=2024-03-01&referred_to=2024-06-15"
        "&event=arrest&anchor=closure&window=6&group=none"
    )
    assert one_day_apart.status_code == 422, "ranges are whole months: a day cannot be added or taken"
    assert "as a year and month" in one_day_apart.text

    # Every referral month of the demo, with its referrals.
    received = (
        await db.scalars(
            select(Referral.received_on)
            .join(Case, Case.referral_id == Referral.id)
            .where(Case.program_id == program.id)
        )
    ).all()
    per_month: dict[datetime.date, int] = {}
    for day in received:
        per_month[day.replace(day=1)] = per_month.get(day.replace(day=1), 0) + 1
    months = sorted(per_month)
    threshold = 10
    assert any(count < threshold for count in per_month.values()), "the demo has thin months to test with"

    def passes(first: int, last: int) -> bool:
        held = [per_month[m] for m in months[first : last + 1]]
        return held[0] >= threshold and held[-1] >= threshold

    # The app's own rule agrees with this count on a sample of ranges.
    for first, last in [
        (0, len(months) - 1),
        (1, 5),
        (3, 3),
        (2, len(months) - 3),
        (len(months) // 2, len(months) - 1),
    ]:
        end = months[last]
        cohort = Cohort(
            (program.id,),
            months[first],
            (end + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1),
        )
        with granted_scope(cohort):
            assert (not await thin_edge_months(db, cohort, threshold)) == passes(first, last), (first, last)

    publishable = [(a, b) for a in range(len(months)) for b in range(a, len(months)) if passes(a, b)]
    assert len(publishable) > 100
    before = [0]
    for month in months:
        before.append(before[-1] + per_month[month])

    def youth(a: int, b: int) -> int:
        return before[b + 1] - before[a] if a <= b else 0

    for a, b in publishable:
        for c, d in publishable:
            if (a, b) < (c, d):
                only_one = youth(a, b) + youth(c, d) - 2 * youth(max(a, c), min(b, d))
                assert only_one >= threshold, (months[a], months[b], months[c], months[d])


async def test_edge_months_are_counted_by_calendar_month_and_name_the_nearest_full_one(db):
    """Month edges on both engines: the last day of a month and a leap day stay in their month."""
    program = await make_program(db)
    for day in ("2024-01-31", "2024-02-01", "2024-02-29", "2024-02-15", "2024-03-01", "2024-03-31"):
        await case_on(db, program, day)
    cohort = Cohort((program.id,), datetime.date(2024, 1, 1), datetime.date(2024, 3, 31))

    with granted_scope(cohort):
        counts = await monthly_counts(db, cohort)
        thin = await thin_edge_months(db, cohort, 3)

    assert counts == {
        program.id: [
            (datetime.date(2024, 1, 1), 1),
            (datetime.date(2024, 2, 1), 3),
            (datetime.date(2024, 3, 1), 2),
        ]
    }
    assert {(m.month, m.first, m.instead) for m in thin} == {
        (datetime.date(2024, 1, 1), True, datetime.date(2024, 2, 1)),
        (datetime.date(2024, 3, 1), False, datetime.date(2024, 2, 1)),
    }


@pytest.mark.parametrize("edge_rows", [1, 2, 4, 240])
async def test_edge_months_read_a_few_days_from_each_end_agree_with_every_month_counted(
    db, monkeypatch, edge_rows
):
    """Each end of the range is read a few days at a time (``EDGE_ROWS``); an end read whole without
    reaching a full month is counted over the whole range. Either way, the same edges and the same
    nearest full months as counting every month."""
    monkeypatch.setattr(disclosure, "EDGE_ROWS", edge_rows)
    program = await make_program(db)
    per_month = {1: 1, 2: 2, 3: 3, 4: 1, 5: 4, 6: 2, 7: 1}
    for month, count in per_month.items():
        for day in range(count):
            await case_on(db, program, f"2023-{month:02d}-{day + 10}")
    for first_month, last_month in [(1, 7), (2, 6), (4, 4), (3, 5), (6, 7)]:
        cohort = Cohort(
            (program.id,), datetime.date(2023, first_month, 1), datetime.date(2023, last_month, 28)
        )
        with granted_scope(cohort):
            counted = (await monthly_counts(db, cohort))[program.id]
            thin = await thin_edge_months(db, cohort, 3)
        expected = set()
        for first, months in ((True, counted), (False, counted[::-1])):
            if months[0][1] < 3:
                instead = next((month for month, count in months if count >= 3), None)
                expected.add((months[0][0], first, instead))
        assert {(m.month, m.first, m.instead) for m in thin} == expected, (first_month, last_month)


async def test_a_cohort_of_several_programs_reads_all_their_edges_in_one_statement(db):
    """A report over a state's programs read each program's ends with a statement of its own: the
    edges now come in one, and each program's are its own."""
    programs = [await make_program(db) for _ in range(3)]
    for place, program in enumerate(programs):
        # Each program's first month is thin by a different count; its last months are full.
        for month, count in ((1, place + 1), (2, 3), (3, 3 + place)):
            for day in range(count):
                await case_on(db, program, f"2023-{month:02d}-{day + 10}")
    cohort = Cohort(tuple(p.id for p in programs), datetime.date(2023, 1, 1), datetime.date(2023, 3, 31))
    with granted_scope(cohort), sent_on(db) as sent:
        thin = await thin_edge_months(db, cohort, 3)
    assert len([sql for sql, _ in sent if "youth_case" in sql]) == 1, sent
    assert sorted((m.program_id, m.month, m.first, m.instead) for m in thin) == sorted(
        (program.id, datetime.date(2023, 1, 1), True, datetime.date(2023, 2, 1)) for program in programs[:2]
    )


async def test_each_end_of_the_range_comes_to_the_report_counted_by_month(db):
    """A busy program's two ends were 480 referral days sent to Python to be counted into months on
    every view of the report: they come counted, one row for each month of each end."""
    program = await make_program(db)
    for month in (1, 2, 3):
        for day in range(10, 22):
            await case_on(db, program, f"2023-{month:02d}-{day}")
    cohort = Cohort((program.id,), datetime.date(2023, 1, 1), datetime.date(2023, 3, 31))
    with granted_scope(cohort), sent_on(db) as sent:
        assert await thin_edge_months(db, cohort, 3) == []
    (statement, parameters), *_ = [(sql, values) for sql, values in sent if "youth_case" in sql]
    connection = await db.connection()
    rows = (await connection.exec_driver_sql(statement, parameters)).all()
    assert len(rows) == 6, rows  # three months at each end
    assert sorted(count for *_, count in rows) == [12] * 6
