"""The jury pool in figures: counts, attendance, hours by month and former respondents on juries."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest

from tests.factories import make_program, make_user, sign_in
from tests.jurors.test_juror_records import (  # noqa: F401 - fixtures used by name
    audited,
    coordinator_and_program,
    enrollment_listener,
    make_booking,
    make_juror,
    make_night,
)
from youthcourt.jurors import reports
from youthcourt.jurors.models import Attendance, JurorSource, JurorStatus
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import ProgramScope, program_scope

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)
P, L, A, E = Attendance.PRESENT, Attendance.LATE, Attendance.ABSENT, Attendance.EXCUSED


def months_ago(months: int, day: int = 10) -> datetime.date:
    """A day ``months`` months before this month (never after today for this month)."""
    first = reports.first_month(TODAY, months + 1)
    return min(first.replace(day=day), TODAY) if months == 0 else first.replace(day=day)


def test_first_month_goes_back_across_years():
    assert reports.first_month(datetime.date(2026, 3, 15)) == datetime.date(2025, 4, 1)
    assert reports.first_month(datetime.date(2026, 12, 31)) == datetime.date(2026, 1, 1)
    assert reports.first_month(datetime.date(2026, 1, 1), 1) == datetime.date(2026, 1, 1)


async def make_pool(db):
    """Two nights with juries of volunteers and former respondents, and one old night."""
    program, coordinator = await coordinator_and_program(db)
    former = await make_juror(
        db, program, first_name="Fran", last_name="Former", source=JurorSource.FORMER_RESPONDENT
    )
    volunteer = await make_juror(db, program, first_name="Vic", last_name="Volunteer")
    steady = await make_juror(db, program, first_name="Sam", last_name="Steady")
    await make_juror(db, program, status=JurorStatus.APPLICANT)
    await make_juror(db, program, status=JurorStatus.SUSPENDED)

    recent = await make_night(db, program, months_ago(0, 1))
    await make_booking(db, program, former, recent, P, "2")
    await make_booking(db, program, volunteer, recent, L, "1.5")
    await make_booking(db, program, steady, recent, P, "2")
    earlier = await make_night(db, program, months_ago(2))
    await make_booking(db, program, former, earlier, A)
    await make_booking(db, program, volunteer, earlier, E)
    await make_booking(db, program, steady, earlier, P, "3")
    old = await make_night(db, program, months_ago(14))
    await make_booking(db, program, steady, old, P, "4")
    await make_night(db, program, TODAY - 20 * DAY, is_cancelled=True)
    await make_booking(db, program, former, await make_night(db, program, TODAY + 10 * DAY))
    other = await make_program(db)
    outsider = await make_juror(db, other, source=JurorSource.FORMER_RESPONDENT)
    await make_booking(db, other, outsider, await make_night(db, other, TODAY - DAY), P, "9")
    return program, coordinator, (former, volunteer, steady), (recent, earlier, old)


async def test_report_figures(db):
    program, _coordinator, (former, volunteer, steady), (recent, earlier, old) = await make_pool(db)
    with program_scope(ProgramScope.of(program.id)):
        statuses = await reports.status_counts(db)
        assert statuses[JurorStatus.ACTIVE] == 3
        assert statuses[JurorStatus.APPLICANT] == 1
        assert statuses[JurorStatus.SUSPENDED] == 1
        assert statuses[JurorStatus.ALUMNI] == 0
        by_source = await reports.active_by_source(db)
        assert by_source == {JurorSource.FORMER_RESPONDENT: 1, JurorSource.VOLUNTEER: 2}

        overall = await reports.overall_attendance(db)
        # Counted: recent 3 (P, L, P), earlier 2 (A, P; the excused night is left out), old 1 (P).
        assert (overall.attended, overall.counted) == (5, 6)

        top = await reports.top_attendance(db)
        assert [row.juror_id for row in top] == [steady.id, volunteer.id, former.id]
        assert [(row.attended, row.counted) for row in top] == [(3, 3), (1, 1), (1, 2)]
        assert top[0].name == "Sam Steady"

        months = await reports.hours_by_month(db, TODAY)
        assert len(months) == 12
        assert months[-1].month == TODAY.replace(day=1)
        assert months[-1].hours == Decimal("5.5") and months[-1].jurors == 3
        assert months[-3].hours == Decimal(3) and months[-3].jurors == 1
        assert sum(m.hours for m in months) == Decimal("8.5")  # the night 14 months ago is outside

        rows = (await db.execute(reports.night_shares(TODAY))).all()
        assert [(row[0], row[2], row[3]) for row in rows] == [
            (recent.id, 3, 1),
            (earlier.id, 1, 0),
            (old.id, 1, 0),
        ]


async def test_reports_page_shows_the_figures_and_is_audited(client, db):
    program, coordinator, (_former, _volunteer, steady), _nights = await make_pool(db)
    await sign_in(client, coordinator)
    response = await client.get("/jurors/reports")
    assert response.status_code == 200
    text = response.text
    assert re.search(r"<strong>3</strong> active jurors", text)
    assert "Overall: <strong>83%</strong>" in text
    assert "(5 of 6 juror-nights present or late" in text
    assert text.index("Sam Steady") < text.index("Fran Former")
    assert f'href="/jurors/{steady.id}"' in text
    assert text.count("<progress ") == 12
    assert "Last 12 months: 8.5 hours in all" in text
    this_month = TODAY.strftime("%b %Y")
    row = re.search(rf"<th scope=\"row\">{this_month}</th>(.*?)</tr>", text, re.S).group(1)
    assert "<td>5.5</td>" in row and "<td>3</td>" in row
    assert "33%" in text  # one of three present on the latest night was a former respondent
    nights = re.search(r'<article id="nights">(.*?)</article>', text, re.S).group(1)
    assert nights.count('<th scope="row">') == 3  # not the cancelled, coming or other program's nights
    [entry] = await audited(db, "juror_report_view")
    assert entry.program_id == program.id
    assert entry.details == {}


async def test_reports_page_with_no_data(client, db):
    _program, coordinator = await coordinator_and_program(db)
    await sign_in(client, coordinator)
    response = await client.get("/jurors/reports")
    assert response.status_code == 200
    assert "Overall: <strong>—</strong>" in response.text
    assert "No hearing night has been held yet." in response.text
    assert "Last 12 months: 0 hours in all" in response.text


@pytest.mark.parametrize("role", [Role.JUROR, Role.EVALUATOR])
async def test_only_coordinators_see_the_juror_reports(client, db, role):
    program, _coordinator = await coordinator_and_program(db)
    user = await make_user(db, program, role)
    await sign_in(client, user)
    assert (await client.get("/jurors/reports")).status_code == 403
    assert await audited(db, "juror_report_view") == []
