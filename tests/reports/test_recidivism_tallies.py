"""The database counts the recidivism tallies exactly as the Python rules do, on both engines.

Random cases with month-end dates (where adding months is subtle), several events of mixed
types, checks before and after the window, hearings and jury service, against every anchor,
grouping and window.
"""

from __future__ import annotations

import datetime
import random
from decimal import Decimal
from uuid import uuid4

import pytest
from sqlalchemy import select

from tests.conftest import shared_database_config
from tests.factories import make_program
from youthcourt.cases.models import Case, CaseState, FollowUpCheck
from youthcourt.cases.services import add_months
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors.models import Attendance, Booking, BookingStatus, Juror, JurorSource
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import Offense, ReferralSource
from youthcourt.referrals.models import Referral, ReferralStatus, Youth
from youthcourt.reports.cohort import Anchor, Cohort, cohort_values, load_subjects
from youthcourt.reports.recidivism import Grouping, ReportOptions, _tally_groups
from youthcourt.reports.tallies import tally_in_database, tally_statement

MONTH_ENDS = [datetime.date(2023, 1, 31), datetime.date(2023, 8, 31), datetime.date(2024, 2, 29)]


def _day(rng: random.Random) -> datetime.date:
    if rng.random() < 0.3:
        return rng.choice(MONTH_ENDS)
    return datetime.date(2022, 6, 1) + datetime.timedelta(days=rng.randint(0, 700))


async def _random_cohort(db, program, rng: random.Random) -> None:
    await ensure_defaults(db, program.id)
    offenses = list((await db.scalars(select(Offense).where(Offense.program_id == program.id))).all())
    sources = list(
        (await db.scalars(select(ReferralSource).where(ReferralSource.program_id == program.id))).all()
    )
    night = HearingNight(
        program_id=program.id,
        held_on=datetime.date(2023, 3, 31),
        starts_at=datetime.time(18),
        ends_at=datetime.time(20),
        location="Court",
    )
    room = Courtroom(program_id=program.id, name="A", capacity=60)
    night.courtrooms = [room]
    db.add(night)
    await db.flush()
    for number in range(60):
        received = _day(rng)
        youth = Youth(
            program_id=program.id,
            first_name=f"Y{number}",
            last_name="Test",
            date_of_birth=received - datetime.timedelta(days=rng.randint(11 * 365, 17 * 365)),
            gender=rng.choice(("", "female", "male")),
            race_ethnicity=rng.choice(("", "Asian", "White")),
        )
        referral = Referral(
            program_id=program.id,
            youth=youth,
            source_id=rng.choice(sources).id,
            offense_id=rng.choice(offenses).id,
            received_on=received,
            incident_date=received,
            status=ReferralStatus.ACCEPTED,
        )
        state = rng.choice(list(CaseState))
        closed = rng.choice([*MONTH_ENDS, received + datetime.timedelta(days=rng.randint(30, 200))])
        case = Case(
            program_id=program.id,
            number=f"T-{number:04d}",
            referral=referral,
            youth=youth,
            state=state,
            opened_on=received,
            closed_on=closed if state.is_closed else None,
        )
        db.add_all([youth, referral, case])
        await db.flush()
        if rng.random() < 0.5:
            outcome = rng.choice([HearingOutcome.HELD, HearingOutcome.NO_SHOW])
            db.add(Hearing(program_id=program.id, courtroom_id=room.id, case_id=case.id, outcome=outcome))
        for months in rng.sample((6, 12, 24), rng.randint(0, 3)):
            checked = received + datetime.timedelta(days=rng.randint(-20, 900))
            db.add(
                FollowUpCheck(
                    program_id=program.id,
                    case_id=case.id,
                    window_months=months,
                    due_on=checked,
                    completed_on=checked if rng.random() < 0.8 else None,
                    records_searched=rng.choice(("police", "police,school", "")),
                )
            )
        for _ in range(rng.randint(0, 3)):
            db.add(
                OutcomeEvent(
                    program_id=program.id,
                    case_id=case.id,
                    occurred_on=received + datetime.timedelta(days=rng.randint(-30, 800)),
                    event_type=rng.choice(list(OutcomeEventType)),
                    offense_category="property",
                    source=RecordSystem.POLICE,
                )
            )
        if rng.random() < 0.4:
            # On the window's last day exactly: still within the window.
            start = rng.choice([received, closed])
            db.add(
                OutcomeEvent(
                    program_id=program.id,
                    case_id=case.id,
                    occurred_on=add_months(start, rng.choice((6, 18))),
                    event_type=OutcomeEventType.ARREST,
                    offense_category="property",
                    source=RecordSystem.POLICE,
                )
            )
        if rng.random() < 0.3:
            juror = Juror(
                program_id=program.id,
                source=JurorSource.FORMER_RESPONDENT,
                youth_id=youth.id,
                first_name=youth.first_name,
                last_name=youth.last_name,
            )
            db.add(juror)
            await db.flush()
            db.add(
                Booking(
                    program_id=program.id,
                    juror_id=juror.id,
                    night_id=night.id,
                    status=BookingStatus.CONFIRMED,
                    attendance=Attendance.PRESENT,
                    hours=Decimal(2),
                )
            )
    await db.commit()


def _summary(tallies) -> dict:
    return {
        label: (tally.counts(), sorted(zip(tally.durations, tally.observed, strict=True)))
        for label, tally in tallies.items()
    }


@pytest.mark.parametrize("seed", [1, 2])
async def test_the_database_tallies_match_the_python_rules(db, seed):
    program = await make_program(db)
    await _random_cohort(db, program, random.Random(seed))
    cohort = Cohort((program.id,), datetime.date(2020, 1, 1), datetime.date(2030, 1, 1))

    with program_scope(ProgramScope.of(program.id)):
        subjects = await load_subjects(db, cohort)
        compared = 0
        for anchor in Anchor:
            # By study arm the report counts in Python: it holds referrals that never became cases.
            for grouping in (g for g in Grouping if g not in (Grouping.COMPARISON, Grouping.ASSIGNMENT)):
                for months, types in ((6, {OutcomeEventType.ARREST}), (18, set(OutcomeEventType))):
                    options = ReportOptions(frozenset(types), anchor, months, grouping)
                    expected, expected_without = _tally_groups(subjects, options)
                    counted, without = await tally_in_database(db, cohort, options)
                    assert (without, _summary(counted)) == (expected_without, _summary(expected)), (
                        anchor,
                        grouping,
                        months,
                    )
                    compared += 1

    assert len(subjects) == 60
    assert compared == len(Anchor) * (len(Grouping) - 2) * 2


async def test_on_sqlite_the_tally_finds_each_cases_first_offense_without_sorting_the_cohort(sqlite_database):
    """Grouped by case to find its first new offense, the cohort was sorted (a temporary B-tree)
    before being grouped again for the tally: on SQLite a look-up per case, made once, costs a
    third less. PostgreSQL keeps the join, which it runs faster than a look-up per case (the
    other tests here check both forms count alike)."""
    cohort = Cohort((uuid4(),), datetime.date(2020, 1, 1), datetime.date(2030, 1, 1))
    options = ReportOptions(frozenset({OutcomeEventType.ARREST}), Anchor.CLOSURE, 12, Grouping.NONE)
    config = shared_database_config(sqlite_database.settings)
    async with config.get_session() as db:
        statement = tally_statement(options, "sqlite").params(cohort_values(cohort))
        compiled = statement.compile(db.get_bind(), compile_kwargs={"render_postcompile": True})
        connection = await db.connection()
        # The plan does not depend on the values: each parameter goes in as NULL.
        plan = await connection.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {compiled}", (None,) * len(compiled.positiontup or ())
        )
        sorts = [row[3] for row in plan if "TEMP B-TREE FOR GROUP BY" in row[3]]
    await config.get_engine().dispose()
    assert len(sorts) == 1, sorts
