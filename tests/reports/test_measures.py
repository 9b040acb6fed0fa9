"""Program measures for grant reports: each figure on a known data set, small counts hidden,
periods checked, the CSV export audited, and who may see them."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.app.test_query_counts import counting
from tests.factories import make_case, make_program, make_referral, make_user, sign_in, sign_in_with_form
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseState
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors.models import Attendance, Booking, BookingStatus, Juror, JurorSource, JurorStatus
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.programs.viewer import today_in
from youthcourt.reference.models import ReferralSource, SanctionType
from youthcourt.reference.services import policy
from youthcourt.referrals.models import Referral, ReferralStatus, Youth
from youthcourt.reports import measures
from youthcourt.reports.measures import Period, count_cells, load_figures
from youthcourt.sanctions.models import Disposition, ProgressKind, Sanction, SanctionProgress
from youthcourt.web.forms import Form

Q1 = "/reports/measures?start=2025-01&end=2025-03"


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# ---------------------------------------------------------------------------------------------
# Periods


def test_quarters_and_year_to_date():
    today = d("2026-02-14")
    assert measures.last_complete_quarter(today) == measures.Period(
        d("2025-10-01"), d("2025-12-31"), "Q4 2025"
    )
    quarters = measures.recent_quarters(today)
    assert [q.name for q in quarters] == ["Q1 2025", "Q2 2025", "Q3 2025", "Q4 2025"]
    assert quarters[1].end == d("2025-06-30")
    assert measures.year_to_date(today) == measures.Period(
        d("2026-01-01"), d("2026-01-31"), "2026 to January"
    )
    assert measures.year_to_date(d("2026-01-20")) == measures.Period(
        d("2025-01-01"), d("2025-12-31"), "2025 to December"
    ), "the months of the year that have ended: in January, last year's"
    assert measures.last_complete_quarter(d("2026-04-01")).start == d("2026-01-01")


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        ("2025-03", "2025-02", "end", "the first month or later"),
        ("yesterday", "2025-02", "start", "as a year and month"),
        ("2025-13", "2025-03", "start", "as a year and month"),
        ("2025-01-15", "2025-03", "start", "as a year and month"),
        ("2019-01", "2025-01", "end", "at most 5 years"),
        ("2025-01", "", "end", "Enter the last month"),
        ("2025-12", "2026-02", "end", "Choose a month that has ended: January 2026 or earlier."),
    ],
)
def test_bad_periods_are_refused(start, end, field, message):
    form = Form.from_data({"start": start, "end": end})
    assert measures.read_period(form, d("2026-02-14")) is None
    assert message in form.errors[field]


def test_no_period_means_the_last_complete_quarter():
    form = Form.from_data({})
    period = measures.read_period(form, d("2026-02-14"))
    assert (period.start, period.end) == (d("2025-10-01"), d("2025-12-31"))
    assert form.values == {"start": "2025-10", "end": "2025-12"}
    five_years = measures.read_period(Form.from_data({"start": "2020-01", "end": "2024-12"}), d("2026-01-01"))
    assert (five_years.start, five_years.end) == (d("2020-01-01"), d("2024-12-31"))


# ---------------------------------------------------------------------------------------------
# A data set for Q1 2025 whose every figure is known


async def low_threshold(db: AsyncSession, program: Program, threshold: int = 1) -> None:
    (await policy(db, program.id)).suppression_threshold = threshold
    await db.commit()


async def sources(db: AsyncSession, program: Program) -> dict[str, ReferralSource]:
    rows = await db.scalars(select(ReferralSource).where(ReferralSource.program_id == program.id))
    return {source.name: source for source in rows}


async def case_on(
    db: AsyncSession,
    program: Program,
    opened: str,
    state: CaseState = CaseState.SANCTIONS_IN_PROGRESS,
    *,
    closed: str | None = None,
    intake: str | None = None,
    youth: Youth | None = None,
) -> Case:
    referral = await make_referral(db, program, youth, received_on=d(opened), incident_date=d(opened))
    case = await make_case(db, program, state, referral=referral)
    case.closed_on = d(closed) if closed else None
    case.intake_on = d(intake) if intake else None
    await db.commit()
    return case


async def referral_on(
    db: AsyncSession, program: Program, received: str, source: ReferralSource, status: ReferralStatus
) -> Referral:
    referral = await make_referral(db, program, received_on=d(received), incident_date=d(received))
    referral.source_id, referral.status = source.id, status
    await db.commit()
    return referral


async def night_on(db: AsyncSession, program: Program, held: str, *, cancelled: bool = False) -> Courtroom:
    night = HearingNight(
        program_id=program.id,
        held_on=d(held),
        starts_at=datetime.time(18),
        ends_at=datetime.time(21),
        location="Town hall",
        is_cancelled=cancelled,
    )
    db.add(night)
    await db.flush()
    room = Courtroom(program_id=program.id, night_id=night.id, name="Courtroom A", capacity=8)
    db.add(room)
    await db.commit()
    return room


async def hearing(
    db: AsyncSession, room: Courtroom, case: Case, outcome: HearingOutcome = HearingOutcome.HELD
) -> None:
    db.add(Hearing(program_id=room.program_id, courtroom_id=room.id, case_id=case.id, outcome=outcome))
    await db.commit()


async def sanction(
    db: AsyncSession, case: Case, decided: str, kind: SanctionType, quantity: str, *logged: tuple[str, str]
) -> None:
    """A disposition decided on ``decided`` with one sanction, and progress (day, amount) toward it."""
    disposition = Disposition(program_id=case.program_id, case_id=case.id, decided_on=d(decided))
    db.add(disposition)
    await db.flush()
    due = d(decided) + datetime.timedelta(days=90)
    item = Sanction(
        program_id=case.program_id,
        case_id=case.id,
        disposition_id=disposition.id,
        sanction_type=kind,
        quantity=Decimal(quantity),
        due_on=due,
        original_due_on=due,
    )
    db.add(item)
    await db.flush()
    progress_kind = ProgressKind.HOURS if kind == SanctionType.COMMUNITY_SERVICE else ProgressKind.RECEIVED
    for day, amount in logged:
        db.add(
            SanctionProgress(
                program_id=case.program_id,
                sanction_id=item.id,
                case_id=case.id,
                kind=progress_kind,
                occurred_on=d(day),
                amount=Decimal(amount),
            )
        )
    await db.commit()


async def juror(db: AsyncSession, program: Program, source: JurorSource) -> Juror:
    person = Juror(
        program_id=program.id,
        source=source,
        status=JurorStatus.ACTIVE,
        first_name="Jordan",
        last_name="Jurorlast",
        oath_signed_on=d("2024-06-01"),
    )
    db.add(person)
    await db.commit()
    return person


async def booking(
    db: AsyncSession, person: Juror, room: Courtroom, attendance: Attendance, hours: str = "0"
) -> None:
    db.add(
        Booking(
            program_id=person.program_id,
            juror_id=person.id,
            night_id=room.night_id,
            courtroom_id=room.id,
            status=BookingStatus.CONFIRMED,
            attendance=attendance,
            hours=Decimal(hours) if attendance in (Attendance.PRESENT, Attendance.LATE) else None,
        )
    )
    await db.commit()


async def first_quarter_of_2025(db: AsyncSession) -> Program:
    """Youth served 5 carried + 3 new; referrals 7; first hearings 3 (median 37 days); closed 2 completed,
    1 unsuccessful, 1 withdrawn; stays 91, 117, 177 days; service 18.5 h ordered (2 youth), 9 h served
    (2 youth); jurors 2 (1 former respondent), 5.5 hours. Another program's records are on top."""
    program = await make_program(db)
    await low_threshold(db, program)
    by_name = await sources(db, program)
    police, school = by_name["Police Department"], by_name["School District"]

    # Youth served: carried over A, B, G (and H, the same youth), I, K; new D, E, J. Not C, F.
    a = await case_on(db, program, "2024-12-01")
    b = await case_on(
        db, program, "2024-11-01", CaseState.COMPLETED, closed="2025-02-10", intake="2024-11-11"
    )
    await case_on(db, program, "2024-10-01", CaseState.COMPLETED, closed="2024-12-20", intake="2024-10-05")
    dd = await case_on(db, program, "2025-01-15")
    e = await case_on(db, program, "2025-03-31")
    await case_on(db, program, "2025-04-01")
    g = await case_on(db, program, "2024-12-15")
    youth_g = await db.get(Youth, g.youth_id)
    h = await case_on(db, program, "2025-02-01", youth=youth_g)
    await case_on(db, program, "2024-09-01", CaseState.UNSUCCESSFUL, closed="2025-01-05", intake="2024-09-10")
    await case_on(db, program, "2025-01-20", CaseState.WITHDRAWN, closed="2025-03-01")
    await case_on(db, program, "2024-10-01", CaseState.COMPLETED, closed="2025-03-31", intake="2024-10-05")

    # Referrals in the period: D, E, H and J were accepted (all from make_referral's source); put
    # them on the police row, then one returned from the police and one declined and one pending
    # from the school district.
    for case in await db.scalars(select(Case).where(Case.program_id == program.id)):
        (await db.get(Referral, case.referral_id)).source_id = police.id
    await db.commit()
    await referral_on(db, program, "2025-02-11", police, ReferralStatus.RETURNED)
    await referral_on(db, program, "2025-01-02", school, ReferralStatus.DECLINED)
    await referral_on(db, program, "2025-03-30", school, ReferralStatus.PENDING)
    await referral_on(db, program, "2024-12-31", school, ReferralStatus.PENDING)

    # First held hearings in the period: A after 40 days, D after 21, H after 37 (a no-show first).
    # B was first heard before the period, E after it.
    january, february = await night_on(db, program, "2025-01-10"), await night_on(db, program, "2025-02-05")
    december = await night_on(db, program, "2024-12-10")
    await hearing(db, january, a)
    await hearing(db, february, dd)
    await hearing(db, await night_on(db, program, "2025-02-20"), h, HearingOutcome.NO_SHOW)
    await hearing(db, await night_on(db, program, "2025-03-10"), h)
    await hearing(db, december, b)
    await hearing(db, await night_on(db, program, "2025-01-20"), b)
    await hearing(db, await night_on(db, program, "2025-04-15"), e)

    # Community service: ordered for A (8.5 h) and D (10 h) in the period, B before it.
    await sanction(db, a, "2025-01-10", SanctionType.COMMUNITY_SERVICE, "8.5")
    await sanction(db, dd, "2025-02-05", SanctionType.COMMUNITY_SERVICE, "10", ("2025-03-01", "4"))
    await sanction(db, dd, "2025-02-05", SanctionType.ESSAY, "500", ("2025-03-02", "500"))
    await sanction(
        db, b, "2024-12-10", SanctionType.COMMUNITY_SERVICE, "20", ("2024-12-20", "3"), ("2025-01-05", "5")
    )

    # Jurors: a volunteer (present, then late) and a former respondent served; an absent or excused
    # volunteer did not; a former respondent served only before the period and on a cancelled night.
    volunteer, former = (
        await juror(db, program, JurorSource.VOLUNTEER),
        await juror(db, program, JurorSource.FORMER_RESPONDENT),
    )
    await booking(db, volunteer, january, Attendance.PRESENT, "2")
    await booking(db, volunteer, february, Attendance.LATE, "1.5")
    await booking(db, former, february, Attendance.PRESENT, "2")
    absent = await juror(db, program, JurorSource.VOLUNTEER)
    await booking(db, absent, january, Attendance.ABSENT)
    await booking(db, absent, february, Attendance.EXCUSED)
    earlier = await juror(db, program, JurorSource.FORMER_RESPONDENT)
    await booking(db, earlier, december, Attendance.PRESENT, "2")
    await booking(
        db, earlier, await night_on(db, program, "2025-03-15", cancelled=True), Attendance.PRESENT, "3"
    )

    await other_program_in_the_same_quarter(db)
    return program


async def other_program_in_the_same_quarter(db: AsyncSession) -> None:
    other = await make_program(db)
    await low_threshold(db, other)
    case = await case_on(
        db, other, "2025-01-05", CaseState.COMPLETED, closed="2025-03-01", intake="2025-01-06"
    )
    room = await night_on(db, other, "2025-02-01")
    await hearing(db, room, case)
    await sanction(db, case, "2025-02-01", SanctionType.COMMUNITY_SERVICE, "40", ("2025-02-15", "40"))
    await booking(db, await juror(db, other, JurorSource.FORMER_RESPONDENT), room, Attendance.PRESENT, "9")


def measure(text: str, label: str) -> str:
    match = re.search(rf'<th scope="row">{re.escape(label)}</th><td>(.*?)</td>', text)
    assert match, f"no row {label!r}"
    return match.group(1)


def referral_row(text: str, name: str) -> list[str]:
    match = re.search(rf'<th scope="row">{re.escape(name)}</th>(.*?)</tr>', text, re.S)
    assert match, f"no referral row {name!r}"
    return re.findall(r"<td>(?:<strong>)?(.*?)(?:</strong>)?</td>", match.group(1))


async def test_each_measure_on_a_known_data_set(client, db):
    program = await first_quarter_of_2025(db)
    with program_scope(ProgramScope.of(program.id)):
        figures = await load_figures(db, Period(d("2025-01-01"), d("2025-03-31")))
    cells = count_cells(figures)

    assert (cells["youth.carried"], cells["youth.new"], cells["youth.total"]) == (5, 3, 8)
    # Rows: sources; columns: accepted, declined, returned, pending, all.
    referrals = {
        name: [cells[f"{key}|{status}"] for status in ("accepted", "declined", "returned", "pending", "all")]
        for name, key in [(source.name, source.key) for source in figures.sources] + [("All", "all")]
    }
    assert referrals["Police Department"] == [4, 0, 1, 0, 5]
    assert referrals["School District"] == [0, 1, 0, 1, 2]
    assert referrals["Family Court"] == [0, 0, 0, 0, 0]
    assert referrals["All"] == [4, 1, 1, 1, 7]
    assert cells["hearings.cases"] == 3
    assert [cells[f"closed.{name}"] for name in ("completed", "unsuccessful", "withdrawn", "total")] == [
        2,
        1,
        1,
        4,
    ]
    assert cells["stay.cases"] == 3
    assert (cells["service.ordered"], cells["service.logged"]) == (2, 2)
    assert [cells[f"jurors.{name}"] for name in ("active", "former", "volunteer")] == [2, 1, 1]

    await sign_in_with_form(client, await make_user(db, program, Role.EVALUATOR))
    response = await client.get(Q1)

    assert response.status_code == 200
    text = response.text
    assert "Q1 2025 (2025-01-01 to 2025-03-31)" in text
    # The page publishes every count rounded to the nearest five, and hides the 1s and 2s that
    # would read as 0 (and what they could be worked out from).
    assert [measure(text, label) for label in ("Carried over", "New", "Total")] == ["5", "5", "10"]
    assert referral_row(text, "Police Department") == ["5", "0", "&lt;3", "0", "5"]
    assert referral_row(text, "All sources") == ["5", "&lt;3", "&lt;3", "&lt;3", "5"]
    assert measure(text, "Cases first heard in the period") == "5"
    assert [measure(text, label) for label in ("Completed", "Unsuccessful", "All closed")] == [
        "&lt;3",
        "&lt;3",
        "5",
    ]
    assert measure(text, "Completion rate") == "withheld: fewer than 3"
    assert "Counts are rounded to the nearest 5" in text
    # Medians and averages are computed from the exact figures.
    assert measure(text, "Median days from referral to first hearing") == "37 days"
    assert measure(text, "Average length of stay") == "128.3 days"  # (91 + 117 + 177) / 3
    assert (figures.median_wait, figures.stay_average) == (37, pytest.approx(128.33, abs=0.01))
    assert (figures.service_ordered_hours, figures.service_logged_hours) == (Decimal("18.5"), Decimal(9))
    assert figures.juror_hours == Decimal("5.5")
    assert "Withdrawn cases are not counted" in text

    assert "Jordan" not in text and "Jurorlast" not in text
    assert "How counted" in text
    assert response.headers["cache-control"] == "no-store"


async def test_an_empty_period_shows_zeros_and_no_rates(client, db):
    program = await make_program(db)
    await low_threshold(db, program, 10)
    await sign_in_with_form(client, await make_user(db, program, Role.COORDINATOR))
    text = (await client.get("/reports/measures?start=2020-01&end=2020-01")).text
    assert measure(text, "Total") == "0"
    assert measure(text, "Completion rate") == "none in the period"
    assert measure(text, "Median days from referral to first hearing") == "none in the period"
    assert referral_row(text, "All sources") == ["0", "0", "0", "0", "0"]


async def test_small_counts_are_hidden_and_what_rests_on_them_is_withheld(client, db):
    program = await make_program(db)
    await low_threshold(db, program, 10)
    for _ in range(12):
        await case_on(
            db, program, "2025-01-10", CaseState.COMPLETED, closed="2025-02-01", intake="2025-01-11"
        )
    for _ in range(3):
        await case_on(
            db, program, "2025-01-10", CaseState.UNSUCCESSFUL, closed="2025-02-01", intake="2025-01-11"
        )
    await sign_in_with_form(client, await make_user(db, program, Role.EVALUATOR))

    text = (await client.get(Q1)).text

    assert measure(text, "Unsuccessful") == "&lt;10"
    # Exact, the total of closed cases minus the completed count would give the unsuccessful one
    # away; rounded to fives (12 reads 10), it leaves anything from 1 to 5.
    assert measure(text, "Completed") == "10"
    assert measure(text, "All closed") == "15"
    assert measure(text, "Completion rate") == "withheld: fewer than 10"
    assert "80%" not in text
    assert measure(text, "Total") == "15"
    assert measure(text, "Cases with an intake date") == "15"
    assert measure(text, "Average length of stay") == "21 days"
    assert measure(text, "Cases first heard in the period") == "0"


async def test_a_period_with_one_referral_hides_the_referral_cells(client, db):
    program = await make_program(db)
    await ensure_policy(db, program)
    await referral_on(
        db, program, "2025-02-01", (await sources(db, program))["Other"], ReferralStatus.PENDING
    )
    await sign_in_with_form(client, await make_user(db, program, Role.EVALUATOR))
    text = (await client.get(Q1)).text
    assert referral_row(text, "Other") == ["0", "0", "0", "&lt;10", "&lt;10"]
    assert referral_row(text, "All sources") == ["0", "0", "0", "&lt;10", "&lt;10"]


async def ensure_policy(db: AsyncSession, program: Program) -> None:
    await policy(db, program.id)
    await db.commit()


# ---------------------------------------------------------------------------------------------
# The page: default period, bad periods, access, export, queries


async def test_the_page_opens_on_the_last_complete_quarter(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.EVALUATOR))
    today = today_in("America/New_York")
    quarter = measures.last_complete_quarter(today)

    text = (await client.get("/reports/measures")).text

    assert quarter.label in text
    assert f'value="{quarter.start:%Y-%m}"' in text
    for choice in measures.recent_quarters(today):
        assert f'href="/reports/measures?{choice.query.replace("&", "&amp;")}"' in text
    assert measures.year_to_date(today).name in text
    assert f'href="/reports/measures.csv?{quarter.query.replace("&", "&amp;")}"' in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2025-03&end=2025-02", "The last month must be the first month or later."),
        ("start=soon&end=2025-02", "Enter the first month as a year and month"),
        ("start=2001-01&end=2025-02", "Choose a period of at most 5 years."),
        ("start=2025-01-01&end=2025-03-31", "Enter the first month as a year and month"),
    ],
)
@pytest.mark.parametrize("path", ["/reports/measures", "/reports/measures.csv"])
async def test_bad_periods_get_the_form_and_a_message_only(client, db, query, message, path):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.EVALUATOR))
    response = await client.get(f"{path}?{query}")
    assert response.status_code == 422
    assert message in response.text
    assert "Show the measures" in response.text
    assert "Youth served" not in response.text and "Referrals received" not in response.text
    assert await audited(db) == []


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.COORDINATOR, Role.PROGRAM_ADMIN])
async def test_evaluators_coordinators_and_program_admins_may_open_it(client, db, role):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, role))
    assert (await client.get(Q1)).status_code == 200


async def test_jurors_may_not(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.JUROR))
    assert (await client.get(Q1)).status_code == 403
    assert (await client.get(Q1.replace("measures", "measures.csv"))).status_code == 403
    assert await audited(db) == []


async def audited(db: AsyncSession) -> list[AuditEntry]:
    return list((await db.scalars(select(AuditEntry).where(AuditEntry.action == "measures.exported"))).all())


async def test_the_csv_holds_the_whole_table_and_is_audited(client, db):
    program = await first_quarter_of_2025(db)
    evaluator = await make_user(db, program, Role.EVALUATOR)
    await sign_in(client, evaluator)

    response = await client.get(Q1.replace("measures", "measures.csv"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["cache-control"] == "no-store"
    assert 'filename="measures-2025-01-01-to-2025-03-31.csv"' in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode()), "a byte-order mark, so spreadsheets read UTF-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Measure", "Value", "How counted"]
    values = {(row[0], row[1]): row[2] for row in rows[1:]}
    assert values[("Youth served", "Total")] == "10", "8, rounded to the nearest five"
    assert values[("Cases closed", "Completion rate")] == "withheld: fewer than 3", (
        "one unsuccessful case: below the smallest count that rounding to fives keeps apart from 0"
    )
    assert values[("Referral to hearing", "Median days from referral to first hearing")] == "37 days"
    assert values[("Jurors", "Juror hours")] == "withheld: rests on a hidden count", (
        "two jurors, one former respondent: marked small they would be known, so they show as dashes"
    )
    assert values[("Referrals received", "Police Department: accepted")] == "5"
    assert values[("Referrals received", "All sources: all")] == "5"
    assert all(row[3] for row in rows[1:]), "every figure says how it was counted"
    [entry] = await audited(db)
    assert entry.program_id == program.id
    assert entry.actor_id == evaluator.id
    assert entry.details == {"start": "2025-01-01", "end": "2025-03-31"}


async def test_spreadsheet_formulas_in_source_names_are_defused(client, db):
    program = await make_program(db)
    await ensure_policy(db, program)
    (await sources(db, program))["Other"].name = "=HYPERLINK(1)"
    await db.commit()
    await sign_in_with_form(client, await make_user(db, program, Role.EVALUATOR))
    text = (await client.get(Q1.replace("measures", "measures.csv"))).text
    assert "'=HYPERLINK(1): accepted" in text
    assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text


async def test_the_page_costs_the_same_queries_however_much_data(client, db, app):
    program = await make_program(db)
    await low_threshold(db, program)
    await sign_in_with_form(client, await make_user(db, program, Role.EVALUATOR))
    await case_on(db, program, "2025-01-10", CaseState.COMPLETED, closed="2025-02-01", intake="2025-01-11")
    with counting(app) as few:
        assert (await client.get(Q1)).status_code == 200
    for _ in range(6):
        case = await case_on(
            db, program, "2025-01-10", CaseState.COMPLETED, closed="2025-02-01", intake="2025-01-11"
        )
        room = await night_on(db, program, "2025-01-20")
        await hearing(db, room, case)
        await sanction(db, case, "2025-01-20", SanctionType.COMMUNITY_SERVICE, "10", ("2025-01-25", "10"))
        await booking(db, await juror(db, program, JurorSource.VOLUNTEER), room, Attendance.PRESENT, "2")
    with counting(app) as many:
        assert (await client.get(Q1)).status_code == 200
    assert len(many) == len(few)
    assert len(few) <= 12, len(few)  # the session, the policy and six for the measures
