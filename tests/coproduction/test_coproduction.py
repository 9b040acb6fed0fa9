"""The co-production self-assessment: each evidence figure against the rows it counts, small counts,
one assessment per period (also under parallel requests), re-opening audited, and scoping."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.concurrency import Browser, fire, running_server
from tests.factories import make_case, make_program, make_referral, make_user, post_form, sign_in
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import Case, CaseFactor, CaseState
from youthcourt.coproduction import evidence, periods
from youthcourt.coproduction.models import Answer, SelfAssessment
from youthcourt.coproduction.questions import QUESTIONS, Element
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    CreditEntry,
    CreditKind,
    Juror,
    JurorSource,
    JurorStatus,
    Qualification,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.programs.models import Program, Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.reference.models import CourtRole, Factor, FactorKind, ReferralSource, SanctionType
from youthcourt.referrals.models import Referral
from youthcourt.reports.measures import Period
from youthcourt.sanctions.models import Disposition, ProgressKind, Sanction, SanctionProgress
from youthcourt.sites.models import PartnerSite, Placement
from youthcourt.surveys.models import SurveyAnswer, SurveyItem, SurveyKind, SurveyVersion

Q1 = Period(datetime.date(2025, 1, 1), datetime.date(2025, 3, 31), "Q1 2025")
IN_Q1 = datetime.date(2025, 2, 10)
IN_Q2 = datetime.date(2025, 5, 10)
BEFORE = datetime.date(2024, 6, 1)


def d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


# ---------------------------------------------------------------------------------------------
# A program whose every figure for Q1 2025 is known


class Builder:
    def __init__(self, db: AsyncSession, program: Program) -> None:
        self.db = db
        self.program = program
        self.pid = program.id

    async def add(self, *records: object) -> None:
        self.db.add_all(records)
        await self.db.flush()

    async def survey(self, kind: SurveyKind, month: datetime.date, *values: int) -> None:
        version = await self.db.scalar(
            select(SurveyVersion).where(SurveyVersion.program_id == self.pid, SurveyVersion.kind == kind)
        )
        if version is None:
            version = SurveyVersion(program_id=self.pid, kind=kind, number=1, statements=["s"] * len(values),
                                    free_text_question="Anything else?")  # fmt: skip
            await self.add(version)
        answer = SurveyAnswer(program_id=self.pid, kind=kind, version_id=version.id, answered_month=month)
        answer.items = [SurveyItem(program_id=self.pid, position=i, value=v) for i, v in enumerate(values)]
        await self.add(answer)

    async def factor(self, kind: FactorKind, name: str) -> Factor:
        factor = Factor(program_id=self.pid, kind=kind, name=name)
        await self.add(factor)
        return factor

    async def case(
        self, intake: datetime.date | None, *factors: Factor, received: datetime.date = IN_Q1
    ) -> Case:
        referral = await make_referral(self.db, self.program, received_on=received, incident_date=received)
        case = await make_case(self.db, self.program, CaseState.SANCTIONS_IN_PROGRESS, referral=referral)
        case.intake_on = intake
        await self.add(*(CaseFactor(program_id=self.pid, case_id=case.id, factor_id=f.id) for f in factors))
        return case

    async def sentence(self, case: Case, decided: datetime.date, *factors: Factor | None) -> None:
        disposition = Disposition(program_id=self.pid, case_id=case.id, decided_on=decided)
        await self.add(disposition)
        due = decided + datetime.timedelta(days=90)
        await self.add(
            *(
                Sanction(
                    program_id=self.pid,
                    case_id=case.id,
                    disposition_id=disposition.id,
                    sanction_type=SanctionType.ESSAY,
                    quantity=Decimal(500),
                    factor_id=factor.id if factor else None,
                    no_factor_reason="" if factor else "The jury gave none.",
                    due_on=due,
                    original_due_on=due,
                )
                for factor in factors
            )
        )

    async def juror(self, source: JurorSource) -> Juror:
        juror = Juror(
            program_id=self.pid,
            source=source,
            status=JurorStatus.ACTIVE,
            first_name="Sam",
            last_name="Juror",
            oath_signed_on=BEFORE,
        )
        await self.add(juror)
        return juror

    async def training(self, held: datetime.date, hours: str, *jurors: Juror) -> None:
        session = TrainingSession(program_id=self.pid, held_on=held, title="Training", hours=Decimal(hours))
        await self.add(session)
        await self.add(
            *(TrainingAttendance(program_id=self.pid, session_id=session.id, juror_id=j.id) for j in jurors)
        )

    async def credit(self, juror: Juror, kind: CreditKind, amount: str, day: datetime.date) -> None:
        await self.add(
            CreditEntry(
                program_id=self.pid, juror_id=juror.id, occurred_on=day, kind=kind, amount=Decimal(amount)
            )
        )

    async def night(self, held: datetime.date, *, cancelled: bool = False) -> HearingNight:
        night = HearingNight(
            program_id=self.pid,
            held_on=held,
            starts_at=datetime.time(18),
            ends_at=datetime.time(21),
            location="Town hall",
            is_cancelled=cancelled,
        )
        await self.add(night)
        return night

    async def room(self, night: HearingNight, name: str, case: Case, outcome: HearingOutcome) -> Courtroom:
        room = Courtroom(program_id=self.pid, night_id=night.id, name=name)
        await self.add(room)
        await self.add(Hearing(program_id=self.pid, courtroom_id=room.id, case_id=case.id, outcome=outcome))
        return room

    async def seat(
        self,
        juror: Juror,
        room: Courtroom,
        role: CourtRole,
        attendance: Attendance | None = Attendance.PRESENT,
    ) -> None:
        await self.add(
            Booking(
                program_id=self.pid,
                juror_id=juror.id,
                night_id=room.night_id,
                courtroom_id=room.id,
                status=BookingStatus.CONFIRMED,
                role=role,
                attendance=attendance,
                hours=Decimal(2) if attendance in (Attendance.PRESENT, Attendance.LATE) else None,
            )
        )


async def build_known_program(db: AsyncSession, name: str = "Known Youth Court") -> Program:
    program = await make_program(db, name)
    b = Builder(db, program)
    strength = await b.factor(FactorKind.STRENGTH, "Plays in the school band")
    contributing = await b.factor(FactorKind.CONTRIBUTING, "Bored after school")
    # Intakes: three in Q1 (two recorded a strength, one of them a contributing factor too), one in Q2, one none.
    first = await b.case(IN_Q1, strength, contributing)
    second = await b.case(d("2025-03-31"), strength)
    third = await b.case(d("2025-01-01"), contributing)
    await b.case(IN_Q2, strength)
    await b.case(None)
    # Sanctions decided in Q1: one on a strength, one on a contributing factor, one on none; one in Q2.
    await b.sentence(first, IN_Q1, strength, contributing)
    await b.sentence(second, IN_Q1, None)
    await b.sentence(third, IN_Q2, strength)

    former, volunteer, other, second_former = (
        await b.juror(JurorSource.FORMER_RESPONDENT),
        await b.juror(JurorSource.VOLUNTEER),
        await b.juror(JurorSource.VOLUNTEER),
        await b.juror(JurorSource.FORMER_RESPONDENT),
    )
    # Training in Q1: 2 h to two jurors, 3 h to one of them again, a session nobody attended; one in Q2.
    await b.training(IN_Q1, "2", former, volunteer)
    await b.training(IN_Q1, "3", volunteer)
    await b.training(IN_Q1, "4")
    await b.training(IN_Q2, "1", other)
    # Roles: two beyond juror earned by one juror in Q1; a plain juror role in Q1; a role in Q2.
    await b.add(
        Qualification(program_id=b.pid, juror_id=former.id, role=CourtRole.FOREPERSON, earned_on=IN_Q1),
        Qualification(program_id=b.pid, juror_id=former.id, role=CourtRole.CLERK, earned_on=IN_Q1),
        Qualification(program_id=b.pid, juror_id=volunteer.id, role=CourtRole.JUROR, earned_on=IN_Q1),
        Qualification(program_id=b.pid, juror_id=other.id, role=CourtRole.BAILIFF, earned_on=IN_Q2),
    )
    # Credits: 2 for service and 3 for training earned in Q1 by two jurors, 1.5 redeemed by one;
    # an adjustment (left out) and service in Q2.
    await b.credit(former, CreditKind.SERVICE, "2", IN_Q1)
    await b.credit(volunteer, CreditKind.TRAINING, "3", IN_Q1)
    await b.credit(former, CreditKind.REDEMPTION, "-1.5", d("2025-03-01"))
    await b.credit(volunteer, CreditKind.ADJUSTMENT, "5", IN_Q1)
    await b.credit(other, CreditKind.SERVICE, "4", IN_Q2)
    # A night in Q1: room A heard a case with a youth foreperson and a (late) youth judge, and an absent
    # clerk; room B only a no-show; room C heard a case with a former respondent as a plain juror.
    night = await b.night(IN_Q1)
    room_a = await b.room(night, "A", first, HearingOutcome.HELD)
    await b.room(night, "B", second, HearingOutcome.NO_SHOW)
    room_c = await b.room(night, "C", third, HearingOutcome.HELD)
    await b.seat(former, room_a, CourtRole.FOREPERSON)
    await b.seat(volunteer, room_a, CourtRole.YOUTH_JUDGE, Attendance.LATE)
    await b.seat(other, room_a, CourtRole.CLERK, Attendance.ABSENT)
    await b.seat(second_former, room_c, CourtRole.JUROR)
    # A cancelled night in Q1 and a night in Q2, each with a youth judge present: neither counts.
    cancelled = await b.room(await b.night(d("2025-03-05"), cancelled=True), "A", first, HearingOutcome.HELD)
    await b.seat(other, cancelled, CourtRole.YOUTH_JUDGE)
    later = await b.room(await b.night(IN_Q2), "A", first, HearingOutcome.HELD)
    await b.seat(other, later, CourtRole.YOUTH_JUDGE)
    # Referral agencies: one new agency whose first referral came in Q1, an inactive agency that still
    # referred in Q1, and an agency that referred only before the period.
    newcomer = ReferralSource(program_id=b.pid, name="Eastside Library", kind="other")
    retired = ReferralSource(program_id=b.pid, name="Old Precinct", kind="police", is_active=False)
    earlier = ReferralSource(program_id=b.pid, name="Westside School", kind="school")
    await b.add(newcomer, retired, earlier)
    for source, day in ((newcomer, IN_Q1), (retired, IN_Q1), (earlier, BEFORE)):
        referral = await make_referral(db, program, received_on=day, incident_date=day)
        referral.source_id = source.id
    # Exit surveys: in Q1 a respondent who agreed (mean 4.5), a parent exactly at 4, a respondent at 3.5;
    # a juror's answer (not a respondent's or parent's) and a respondent's answer in Q2 do not count.
    await b.survey(SurveyKind.RESPONDENT, d("2025-01-01"), 5, 4)
    await b.survey(SurveyKind.GUARDIAN, d("2025-03-01"), 4, 4)
    await b.survey(SurveyKind.RESPONDENT, d("2025-02-01"), 4, 3)
    await b.survey(SurveyKind.JUROR, d("2025-02-01"), 5, 5)
    await b.survey(SurveyKind.RESPONDENT, d("2025-04-01"), 5, 5)
    # Partner sites: a garden where two youth worked in Q1 (3 h confirmed by the site, 2 h typed by the
    # coordinator), a food bank where one youth worked only in Q2, and an inactive site nobody used.
    garden, food_bank, closed_site = (
        PartnerSite(program_id=b.pid, name="Community garden", capacity=4),
        PartnerSite(program_id=b.pid, name="Food bank", capacity=2),
        PartnerSite(program_id=b.pid, name="Old shelter", capacity=1, is_active=False),
    )
    await b.add(garden, food_bank, closed_site)
    sanctions = (await db.scalars(select(Sanction).where(Sanction.program_id == b.pid))).all()
    one_per_case = sorted(
        {sanction.case_id: sanction for sanction in sanctions}.values(), key=lambda x: str(x.id)
    )
    worked = [
        (one_per_case[0], garden, ((IN_Q1, "3", True), (d("2025-03-02"), "2", False))),
        (one_per_case[1], garden, ((d("2025-02-02"), "1", False),)),
        (one_per_case[2], food_bank, ((IN_Q2, "4", True),)),
    ]
    for sanction, site, entries in worked:
        await b.add(Placement(program_id=b.pid, sanction_id=sanction.id, site_id=site.id, placed_on=BEFORE))
        await b.add(
            *(
                SanctionProgress(
                    program_id=b.pid,
                    sanction_id=sanction.id,
                    case_id=sanction.case_id,
                    kind=ProgressKind.HOURS,
                    occurred_on=day,
                    amount=Decimal(hours),
                    verified_by_site=verified,
                )
                for day, hours, verified in entries
            )
        )
    await db.commit()
    return program


async def expected_agencies(db: AsyncSession, program: Program) -> dict[str, int]:
    """Worked out from the program's own rows in Python, not by the figure's SQL."""
    sources = (
        await db.execute(
            select(ReferralSource.id, ReferralSource.is_active).where(ReferralSource.program_id == program.id)
        )
    ).all()
    referrals = (
        await db.execute(
            select(Referral.source_id, Referral.received_on).where(Referral.program_id == program.id)
        )
    ).all()
    first = {}
    for source_id, received in referrals:
        first[source_id] = min(first.get(source_id, received), received)
    sending = {source_id for source_id, received in referrals if Q1.start <= received <= Q1.end}
    return {
        "sending": len(sending),
        "listed": sum(1 for _, active in sources if active),
        "new": sum(1 for day in first.values() if Q1.start <= day <= Q1.end),
    }


EXPECTED = {
    "intake_strengths": {"intakes": 3, "with_strength": 2},
    "sanctions_on_strengths": {"sanctions": 3, "on_strength": 1},
    "training": {"sessions": 2, "hours": Decimal(7), "jurors": 2},
    "roles_earned": {"roles": 2, "jurors": 1},
    "credits": {"earned": Decimal(5), "earners": 2, "redeemed": Decimal("1.5"), "redeemers": 1},
    "former_respondents": {"served": 3, "former": 2},
    "youth_in_court_roles": {"served": 3, "leading": 2},
    "courtrooms_led_by_youth": {"courtrooms": 2, "youth_judge": 1, "youth_foreperson": 1},
    "felt_heard": {"answered": 3, "heard": 2},
    "partner_sites": {"listed": 2, "working": 1, "youth": 2, "verified_hours": Decimal(3)},
}
"""Each figure's row for Q1 2025, counted by hand from the rows :func:`build_known_program` creates."""


def _plain(row: dict[str, object]) -> dict[str, object]:
    return {
        key: Decimal(str(value)) if isinstance(value, (Decimal, float)) else int(value)
        for key, value in row.items()
    }


async def test_each_figure_matches_a_direct_count_of_its_rows(db):
    program = await build_known_program(db)
    noise = await build_known_program(db, "Other Youth Court")  # the same rows in another program
    expected = {**EXPECTED, "referral_partners": await expected_agencies(db, program)}

    with program_scope(ProgramScope.of(program.id)):
        readings = await evidence.read_figures(db, Q1)

    assert set(readings) == {figure.key for figure in evidence.FIGURES} == set(expected), (
        "every figure has a hand count here"
    )
    for key, row in readings.items():
        assert _plain(row) == _plain(expected[key]), key
    assert expected["referral_partners"]["new"] >= 1 and expected["referral_partners"]["sending"] >= 3
    with program_scope(ProgramScope.of(noise.id)):
        assert _plain((await evidence.read_figures(db, Q1))["training"]) == _plain(EXPECTED["training"])


async def test_each_figure_is_one_query(db, app):
    program = await build_known_program(db)
    statements: list[str] = []

    from sqlalchemy import event

    def count(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        with program_scope(ProgramScope.of(program.id)):
            await evidence.read_figures(db, Q1)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == len(evidence.FIGURES)


# ---------------------------------------------------------------------------------------------
# Small counts


def _readings(**overrides: dict[str, object]) -> evidence.Readings:
    base = {key: {name: 0 for name in row} for key, row in EXPECTED.items()}
    base["referral_partners"] = {"sending": 0, "listed": 0, "new": 0}
    return {**base, **overrides}


def _shown(readings: evidence.Readings, threshold: int = 10) -> dict[str, str]:
    return {
        item.figure.key: item.value for items in evidence.show(readings, threshold).values() for item in items
    }


def test_a_share_of_a_few_young_people_is_withheld_and_a_larger_one_shown_with_its_counts():
    small = _shown(_readings(intake_strengths={"intakes": 6, "with_strength": 4}))
    large = _shown(_readings(intake_strengths={"intakes": 40, "with_strength": 31}))
    wide = _shown(_readings(intake_strengths={"intakes": 41, "with_strength": 29}))
    none = _shown(_readings())

    assert small["intake_strengths"] == "withheld: fewer than 10"
    assert large["intake_strengths"] == "withheld: rests on a hidden count", (
        "the 9 without a strength are few"
    )
    assert wide["intake_strengths"] == "71% (30 of 40)", (
        "counts rounded to fives, the share from the exact ones"
    )
    assert none["intake_strengths"] == evidence.NONE


def test_a_part_whose_remainder_is_small_is_hidden_too():
    """38 of 40: the 2 others are a small count, so the share would tell them."""
    shown = _shown(
        _readings(
            former_respondents={"served": 40, "former": 38},
            youth_in_court_roles={"served": 40, "leading": 20},
        )
    )
    assert shown["former_respondents"].startswith("withheld")
    assert shown["youth_in_court_roles"] == "50% (20 of 40)", (
        "the jurors who served are shown in both figures"
    )


def test_hours_and_credits_resting_on_a_few_jurors_are_withheld_but_counts_of_things_are_not():
    shown = _shown(
        _readings(
            training={"sessions": 3, "hours": Decimal(12), "jurors": 4},
            credits={"earned": Decimal(40), "earners": 20, "redeemed": Decimal(6), "redeemers": 2},
            courtrooms_led_by_youth={"courtrooms": 3, "youth_judge": 1, "youth_foreperson": 2},
        )
    )
    assert shown["training"] == "Sessions: 3 · hours: withheld (<10 jurors)"
    assert shown["credits"] == "Earned: 40 (20 jurors) · redeemed: withheld (<10 jurors)"
    assert (
        shown["courtrooms_led_by_youth"]
        == "Courtrooms: 3 · with a youth judge: 1 · with a youth foreperson: 2"
    )


# ---------------------------------------------------------------------------------------------
# Periods


def test_period_keys_name_quarters_and_years():
    assert periods.period_of("2025-Q2") == Period(d("2025-04-01"), d("2025-06-30"), "Q2 2025")
    assert periods.period_of("2025") == Period(d("2025-01-01"), d("2025-12-31"), "2025")
    for bad in ("2025-Q5", "2025-Q0", "25", "", "9999-Q4x", "1899"):
        assert periods.period_of(bad) is None, bad
    offered = periods.offered(d("2026-02-14"))
    assert list(offered)[:3] == ["2026-Q1", "2025-Q4", "2025-Q3"]
    assert offered["2026-Q1"] == "Q1 2026 (to date)" and offered["2025"] == "The year 2025"
    assert "2024-Q4" in offered and "2024-Q4" not in list(offered)[8:]
    assert periods.period_of("9999-Q4").end == d("9999-12-31")


# ---------------------------------------------------------------------------------------------
# Through the pages


def answers(**scores: int) -> dict[str, str]:
    data = {}
    for question in QUESTIONS:
        element = question.element.value
        data[f"{element}-score"] = str(scores.get(element, 2))
        data[f"{element}-comment"] = f"Comment on {question.title}"
    return data


def last_quarter_key() -> str:
    today = datetime.date.today()
    return list(periods.offered(today))[1]


async def staff(db: AsyncSession, role: Role = Role.PROGRAM_ADMIN) -> tuple[Program, object]:
    program = await make_program(db)
    return program, await make_user(db, program, role)


async def test_an_admin_assesses_a_period_and_sees_it_with_its_evidence(client, db):
    program, admin = await staff(db)
    await sign_in(client, admin)
    key = last_quarter_key()

    form = await client.get("/coproduction/new", params={"period": key})
    saved = await post_form(client, "/coproduction", {"period": key, **answers(assets=3, catalysts=1)})
    shown = await client.get(saved.headers["location"])
    listed = await client.get("/coproduction")

    assert form.status_code == 200
    assert all(figure.label in form.text for figure in evidence.FIGURES)
    assert saved.status_code == 303
    assessment = await db.scalar(select(SelfAssessment).where(SelfAssessment.program_id == program.id))
    assert assessment.period == key
    scores = dict(
        (
            await db.execute(
                select(Answer.element, Answer.score).where(Answer.assessment_id == assessment.id)
            )
        ).all()
    )
    assert scores[Element.ASSETS] == 3 and scores[Element.CATALYSTS] == 1 and len(scores) == 6
    assert shown.status_code == 200 and "Comment on Networks" in shown.text
    assert "3 · Developing" in shown.text
    assert listed.status_code == 200 and 'class="score-chart"' in listed.text
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "coproduction_assess"))
    assert entry.record_id == str(assessment.id) and entry.details["scores"]["assets"] == 3


async def test_a_coordinator_may_assess_and_the_print_view_holds_every_question(client, db):
    _, coordinator = await staff(db, Role.COORDINATOR)
    await sign_in(client, coordinator)
    saved = await post_form(client, "/coproduction", {"period": last_quarter_key(), **answers()})
    printed = await client.get(saved.headers["location"] + "/print")

    assert printed.status_code == 200
    assert "coproduction-sheet" in printed.text
    assert all(question.title in printed.text for question in QUESTIONS)
    assert all(figure.label in printed.text for figure in evidence.FIGURES)


async def test_a_form_with_errors_comes_back_with_what_was_typed(client, db):
    _program, admin = await staff(db)
    await sign_in(client, admin)
    data = answers()
    del data["mutuality-score"]
    data["assets-comment"] = "Strengths on every intake form"
    data["networks-score"] = "7"
    data["capabilities-comment"] = "x" * 2001

    response = await post_form(client, "/coproduction", {"period": last_quarter_key(), **data})

    assert response.status_code == 422
    assert "Choose a score for Mutuality." in response.text
    assert "Choose a score for Networks." in response.text
    assert "The comment on Capabilities must be at most 2000 characters." in response.text
    assert "Strengths on every intake form" in response.text
    assert await db.scalar(select(func.count()).select_from(SelfAssessment)) == 0


async def test_a_period_is_assessed_once(client, db):
    _program, admin = await staff(db)
    await sign_in(client, admin)
    key = last_quarter_key()
    first = await post_form(client, "/coproduction", {"period": key, **answers()})
    again = await post_form(client, "/coproduction", {"period": key, **answers(assets=4)})
    start_again = await client.get("/coproduction/new", params={"period": key}, follow_redirects=False)
    foreign_period = await post_form(client, "/coproduction", {"period": "1999-Q1", **answers()})

    assert first.status_code == 303
    assert again.status_code == 422 and "is assessed already" in again.text
    assert start_again.status_code == 303 and start_again.headers["location"].endswith("/edit")
    assert foreign_period.status_code == 422 and "Choose the period to assess." in foreign_period.text
    assert await db.scalar(select(func.count()).select_from(SelfAssessment)) == 1


async def test_the_database_refuses_a_second_assessment_of_a_period(db):
    program = await make_program(db)
    for _ in range(2):
        db.add(SelfAssessment(program_id=program.id, period="2025-Q1", starts_on=Q1.start, ends_on=Q1.end))
    with pytest.raises(IntegrityError):
        await db.flush()
    await db.rollback()


async def test_parallel_saves_of_one_period_keep_one_assessment(app, db, database_url):
    program, admin = await staff(db)
    key = last_quarter_key()
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(admin, database_url)
        await browser.csrf("/coproduction")
        responses = await fire(
            4, lambda i: browser.post("/coproduction", {"period": key, **answers(assets=1 + i % 4)})
        )
        await browser.close()
    statuses = sorted(response.status_code for response in responses)
    assert statuses[0] == 303 and statuses.count(303) == 1, statuses
    assert set(statuses[1:]) <= {409, 422}, statuses
    count = await db.scalar(
        select(func.count()).select_from(SelfAssessment).where(SelfAssessment.program_id == program.id)
    )
    assert count == 1


async def test_reopening_edits_the_assessment_and_the_change_is_audited(client, db):
    program, admin = await staff(db)
    await sign_in(client, admin)
    saved = await post_form(client, "/coproduction", {"period": last_quarter_key(), **answers(assets=2)})
    address = saved.headers["location"]
    opened = await client.get(address + "/edit")
    assert opened.status_code == 200 and 'value="3" ' not in opened.text
    assessment = await db.scalar(select(SelfAssessment).where(SelfAssessment.program_id == program.id))
    version = str(assessment.version)
    changed = {**answers(assets=3), "networks-comment": "Two new partners this quarter", "version": version}

    response = await post_form(client, address + "/edit", changed)
    stale = await post_form(client, address + "/edit", {**answers(assets=4), "version": version})
    refused = await post_form(client, address + "/edit", {**answers(), "assets-score": "", "version": "2"})

    assert response.status_code == 303
    assert stale.status_code == 409, "a save from a page opened before the last save is refused"
    assert refused.status_code == 422 and "Choose a score for Assets." in refused.text
    await db.refresh(assessment)
    scores = dict(
        (
            await db.execute(
                select(Answer.element, Answer.score).where(Answer.assessment_id == assessment.id)
            )
        ).all()
    )
    assert scores[Element.ASSETS] == 3
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "coproduction_reassess"))
    assert entry.details["scores"] == {"assets": [2, 3]}
    assert entry.details["comments_changed"] == ["networks"]


async def test_another_programs_assessment_is_not_found(client, db):
    _program, admin = await staff(db)
    _other, other_admin = await staff(db)
    await sign_in(client, admin)
    saved = await post_form(client, "/coproduction", {"period": last_quarter_key(), **answers()})
    address = saved.headers["location"]

    await sign_in(client, other_admin)
    answers_there = [
        await client.get(address),
        await client.get(address + "/edit"),
        await client.get(address + "/print"),
        await post_form(client, address + "/edit", {**answers(), "version": "1"}),
    ]
    listed = await client.get("/coproduction")

    assert [response.status_code for response in answers_there] == [404, 404, 404, 404]
    assert address.rsplit("/", 1)[-1] not in listed.text
    assert "No period is assessed yet" in listed.text


@pytest.mark.parametrize("role", [Role.EVALUATOR, Role.JUROR])
async def test_evaluators_and_jurors_do_not_reach_the_assessment(client, db, role):
    _program, person = await staff(db, role)
    await sign_in(client, person)
    assert (await client.get("/coproduction")).status_code == 403


@pytest.mark.parametrize("period", ["0000-00-00", "", "2025-Q9", "x" * 5000, "0000"])
async def test_a_period_that_names_none_is_asked_again_not_a_server_error(client, db, period):
    """Found by the fuzzing: an address naming no period must re-ask for one (422)."""
    _, admin = await staff(db)
    await sign_in(client, admin)
    response = await client.get("/coproduction/new", params={"period": period}, follow_redirects=False)
    assert response.status_code == 422
    assert "Choose the period to assess." in response.text
