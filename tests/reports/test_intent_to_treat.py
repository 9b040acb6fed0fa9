"""Intent to treat: youth grouped by the study arm they were assigned to, declined and returned referrals included."""

from __future__ import annotations

import csv
import datetime
import io
import uuid
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from lifelines import CoxPHFitter
from sqlalchemy import func, select
from statsmodels.stats.contingency_tables import Table2x2

from tests.factories import make_case, make_program, make_referral, make_user, sign_in
from tests.reports.test_recidivism_report import CLOSED, DAY, REFERRED, report_query
from youthcourt import demo
from youthcourt.cases.models import CaseState, CheckResult, FollowUpCheck
from youthcourt.demo.study import study_period
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.models import Program, Role
from youthcourt.reference.models import ProgramPolicy
from youthcourt.referrals.models import Referral, ReferralStatus, StudyArm
from youthcourt.reports.cohort import Anchor, Cohort, Subject, load_subjects
from youthcourt.reports.effects import Covariate, PropensityMethod
from youthcourt.reports.effects_report import Comparison, build_effects, label_of
from youthcourt.reports.forms import INTENT_TO_TREAT_ANCHOR
from youthcourt.reports.recidivism import Grouping, ReportOptions

CHECKED = REFERRED + 200 * DAY
ARREST = (REFERRED + 30 * DAY, OutcomeEventType.ARREST)


async def followed(db, program, *, case=None, referral=None, event=None):
    """A completed check (and the arrest it found) of a case or of a study referral without one."""
    owner = {"case_id": case.id} if case is not None else {"referral_id": referral.id}
    db.add(
        FollowUpCheck(
            program_id=program.id,
            window_months=6,
            due_on=CHECKED,
            completed_on=CHECKED,
            records_searched="police",
            result=CheckResult.NEW_OFFENSE if event else CheckResult.NO_NEW_OFFENSE,
            **owner,
        )
    )
    if event:
        db.add(
            OutcomeEvent(
                program_id=program.id,
                occurred_on=event[0],
                event_type=event[1],
                offense_category="Property",
                source=RecordSystem.POLICE,
                **owner,
            )
        )
    await db.commit()


async def study(db):
    """A randomized study: 6 youth court cases (2 rearrested) and 4 of the arm's referrals declined (2
    rearrested); 8 comparison referrals returned to regular processing (3 rearrested); 3 cases outside it."""
    program = await make_program(db, "Study Court")
    evaluator = await make_user(db, program, Role.EVALUATOR)
    assigned = {"received_on": REFERRED, "assigned_on": REFERRED}
    for number in range(6):
        case = await make_case(db, program, CaseState.COMPLETED, study_arm=StudyArm.YOUTH_COURT, **assigned)
        case.closed_on = CLOSED
        await followed(db, program, case=case, event=ARREST if number < 2 else None)
    for arm, status, count, rearrested in (
        (StudyArm.YOUTH_COURT, ReferralStatus.DECLINED, 4, 2),
        (StudyArm.COMPARISON, ReferralStatus.RETURNED, 8, 3),
    ):
        for number in range(count):
            referral = await make_referral(db, program, study_arm=arm, status=status, **assigned)
            await followed(db, program, referral=referral, event=ARREST if number < rearrested else None)
    for _ in range(3):
        case = await make_case(db, program, CaseState.COMPLETED, received_on=REFERRED)
        case.closed_on = CLOSED
        await followed(db, program, case=case)
    policy = await db.scalar(select(ProgramPolicy).where(ProgramPolicy.program_id == program.id))
    policy.suppression_threshold = 3
    await db.commit()
    return program, evaluator


async def test_the_analysis_file_by_study_arm_counts_the_declined_and_returned_referrals(client, db):
    program, evaluator = await study(db)
    await sign_in(client, evaluator)

    query = report_query(program, anchor="referral", group="assignment")
    response = await client.get(f"/reports/recidivism/analysis.csv?{query}")

    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert Counter(row["group"] for row in rows) == {"Youth court": 10, "Comparison": 8}
    events = Counter(row["group"] for row in rows if row["event"] == "1")
    assert events == {"Youth court": 4, "Comparison": 3}
    declined = [row for row in rows if row["completion"] == "Declined or returned"]
    assert Counter(row["group"] for row in declined) == {"Youth court": 4, "Comparison": 8}
    page = await client.get(f"/reports/recidivism?{query}")
    assert page.status_code == 200
    assert "Study arm (intent to treat)" in page.text
    assert "the study's declined and returned referrals are in their arm" in page.text


async def test_a_range_whose_first_month_holds_a_lone_study_referral_is_refused(client, db):
    """The edge-month rule counts every youth of the study, declined and returned referrals too:
    otherwise two ranges a month apart could differ by that one youth."""
    program, evaluator = await study(db)
    october = REFERRED - 17 * DAY
    lone = await make_referral(
        db, program, study_arm=StudyArm.COMPARISON, status=ReferralStatus.RETURNED, received_on=october
    )
    await followed(db, program, referral=lone, event=ARREST)
    await sign_in(client, evaluator)

    response = await client.get(
        f"/reports/recidivism?{report_query(program, anchor='referral', group='assignment')}"
    )
    by_case = await client.get(f"/reports/recidivism?{report_query(program, anchor='referral')}")

    assert response.status_code == 422
    assert f"fewer than 3 youth assigned to the study referred in {october:%B %Y}" in response.text
    assert by_case.status_code == 200, "a report of cases does not count the referral without one"


async def test_intent_to_treat_must_count_from_referral(client, db):
    program, evaluator = await study(db)
    await sign_in(client, evaluator)

    response = await client.get(f"/reports/recidivism?{report_query(program, group='assignment')}")

    assert response.status_code == 422
    assert INTENT_TO_TREAT_ANCHOR.replace("“", "&#8220;").split(":")[0] in response.text


async def test_the_effects_of_assignment_include_the_declined_referrals_of_the_arm(db):
    program, _ = await study(db)
    cohort = Cohort((program.id,), REFERRED.replace(month=1, day=1), REFERRED.replace(month=12, day=31))
    options = ReportOptions(frozenset({OutcomeEventType.ARREST}), Anchor.REFERRAL, 6, Grouping.ASSIGNMENT)
    comparison = Comparison(
        options,
        label_of("assignment:youth_court", None),
        label_of("assignment:comparison", None),
        (Covariate.AGE,),
        PropensityMethod.WEIGHTING,
    )

    subjects = await load_subjects(db, cohort, intent_to_treat=True)
    report = build_effects(subjects, [], comparison, threshold=3)

    assert len(subjects) == 18, "the study's youth only"
    assert [step.count for step in report.flow][:3] == [18, 18, 18]
    risks = report.risks
    assert risks is not None
    assert (risks.treated_events, risks.treated_total) == (4, 10)
    assert (risks.other_events, risks.other_total) == (3, 8)
    assert [s for s in await load_subjects(db, cohort) if s.study_arm] == [
        s for s in subjects if s.state is not None
    ]


async def demo_study(db) -> tuple[Program, Cohort]:
    """The demo program, and the whole months its study took referrals in."""
    program = await db.scalar(select(Program).where(Program.slug == demo.DEMO_PROGRAM_SLUG))
    start, end = study_period(datetime.date.today())
    return program, Cohort((program.id,), start, end)


ITT = ReportOptions(frozenset(OutcomeEventType), Anchor.REFERRAL, 12, Grouping.ASSIGNMENT)
ARMS = Comparison(
    ITT,
    "Youth court",
    "Comparison",
    (Covariate.AGE, Covariate.GENDER, Covariate.PRIOR_POLICE_CONTACTS),
    PropensityMethod.WEIGHTING,
)


@pytest.mark.demo
async def test_the_demo_study_compared_by_intent_to_treat_counts_the_arm_s_declined_referrals(db):
    program, cohort = await demo_study(db)
    arm = select(func.count(Referral.id)).where(
        Referral.program_id == program.id,
        Referral.received_on.between(cohort.referred_from, cohort.referred_to),
        Referral.study_arm == StudyArm.YOUTH_COURT,
    )

    subjects = await load_subjects(db, cohort, intent_to_treat=True)
    report = build_effects(subjects, [], ARMS, threshold=10)

    declined = await db.scalar(arm.where(Referral.status == ReferralStatus.DECLINED))
    in_arm = [s for s in subjects if s.study_arm == StudyArm.YOUTH_COURT]
    assert declined > 10 and len(in_arm) == await db.scalar(arm)
    assert sum(s.state is None for s in in_arm) == declined
    risks = report.risks
    assert risks is not None, report.risks_withheld
    frame = outcome_frame(subjects)
    treated = frame[frame.treated == 1]
    assert risks.treated_total == int(treated.full.sum())
    assert frame[(frame.treated == 1) & frame.full].declined.sum() > 0, "declined referrals are in the risk"
    table = Table2x2(
        [
            [risks.treated_events, risks.treated_total - risks.treated_events],
            [risks.other_events, risks.other_total - risks.other_events],
        ]
    )
    assert risks.ratio is not None and risks.odds_ratio is not None
    assert (risks.ratio.value, risks.odds_ratio.value) == pytest.approx((table.riskratio, table.oddsratio))
    assert (risks.ratio.low, risks.ratio.high) == pytest.approx(table.riskratio_confint())
    assert (risks.odds_ratio.low, risks.odds_ratio.high) == pytest.approx(table.oddsratio_confint())


@pytest.mark.demo
async def test_the_demo_study_s_cox_model_and_weighted_estimate_match_a_computation_of_their_own(db):
    _, cohort = await demo_study(db)
    subjects = await load_subjects(db, cohort, intent_to_treat=True)

    report = build_effects(subjects, [], ARMS, threshold=10)

    frame = outcome_frame(subjects).dropna(subset=["priors"])
    common = frame.gender.value_counts().sort_index().sort_values(ascending=False, kind="stable").index[0]
    genders = sorted(set(frame.gender) - {common})
    for gender in genders:
        frame[f"Gender: {gender}"] = (frame.gender == gender).astype(float)
    columns = ["treated", "age", *(f"Gender: {g}" for g in genders), "priors"]
    fitted = CoxPHFitter().fit(frame[["time", "event", *columns]], duration_col="time", event_col="event")
    assert report.cox is not None, report.cox_withheld
    ours = {term.name: term.estimate for term in report.cox.terms}
    names = dict(
        zip(
            columns,
            ["group", Covariate.AGE.label, *columns[2:-1], Covariate.PRIOR_POLICE_CONTACTS.label],
            strict=True,
        )
    )
    summary = fitted.summary
    for column, name in names.items():
        expected = summary.loc[column, ["exp(coef)", "exp(coef) lower 95%", "exp(coef) upper 95%"]]
        assert (ours[name].value, ours[name].low, ours[name].high) == pytest.approx(list(expected), abs=1e-6)
    assert report.cox.events == int(frame.event.sum())

    exog = sm.add_constant(frame[columns[1:]].to_numpy(dtype=float))
    score = sm.Logit(frame.treated.to_numpy(dtype=float), exog).fit(disp=0).predict(exog)
    weight = np.where(frame.treated == 1, 1 / score, 1 / (1 - score))
    full = frame.full.to_numpy(dtype=bool)

    def share(arm: int) -> float:
        chosen = full & (frame.treated.to_numpy() == arm)
        return float(np.sum(weight[chosen] * frame.event.to_numpy()[chosen]) / np.sum(weight[chosen]))

    assert report.propensity is not None, report.propensity_withheld
    assert report.propensity.weighted_difference == pytest.approx(share(1) - share(0), abs=1e-9)


def outcome_frame(subjects) -> pd.DataFrame:
    """Each youth of the two arms with their outcome over the window, computed here apart from the app."""
    records = []
    for subject in subjects:
        if subject.study_arm not in (StudyArm.YOUTH_COURT, StudyArm.COMPARISON):
            continue
        start = subject.referred_on
        end = start + datetime.timedelta(days=ITT.window_days)
        first = min(
            (day for day, kind in subject.events if day >= start and kind in ITT.event_types), default=None
        )
        known = subject.checked_until
        if first is not None and first <= end:
            time, event, full = (first - start).days, 1, True
        elif first is not None or (known is not None and known >= end):
            time, event, full = (end - start).days, 0, True
        else:
            time, event, full = max((known - start).days, 0) if known else 0, 0, False
        records.append(
            {
                "treated": int(subject.study_arm == StudyArm.YOUTH_COURT),
                "time": time,
                "event": event,
                "full": full,
                "declined": subject.state is None,
                "age": float(subject.age),
                "gender": subject.gender,
                "priors": subject.prior[0],
            }
        )
    return pd.DataFrame(records)


def subject(arm: str, checked_days: int | None, offended_days: int | None = None, age: int = 15) -> Subject:
    """A study youth referred on REFERRED, checked (and rearrested) that many days later."""
    return Subject(
        case_id=uuid.uuid4(),
        program_id=uuid.uuid4(),
        youth_id=uuid.uuid4(),
        referred_on=REFERRED,
        intake_on=None,
        heard_on=None,
        closed_on=None,
        state=None,
        offense_class="A",
        offense_category="theft",
        source_kind="police",
        age=age,
        gender="female",
        race_ethnicity="White",
        served_as_juror=False,
        checked_until=None if checked_days is None else REFERRED + checked_days * DAY,
        events=() if offended_days is None else ((REFERRED + offended_days * DAY, OutcomeEventType.ARREST),),
        study_arm=arm,
    )


def test_follow_up_that_differs_between_the_arms_is_warned_about():
    youth_court = [
        subject("youth_court", 400 if n < 20 else 100, 50 if n % 4 == 0 else None, 13 + n % 5)
        for n in range(40)
    ]
    comparison = [subject("comparison", 400, 60 if n % 3 == 0 else None, 13 + n % 5) for n in range(40)]
    arms = Comparison(ITT, "Youth court", "Comparison", (Covariate.AGE,), PropensityMethod.WEIGHTING)

    report = build_effects(youth_court + comparison, [], arms, threshold=3)

    assert report.followed_shares == pytest.approx((0.625, 1.0))
    assert "about 60% of Youth court, 100% of Comparison" in (report.follow_up_warning or "")
    even = build_effects(
        comparison + [subject("youth_court", 400, None, 13 + n % 5) for n in range(40)], [], arms, 3
    )
    assert even.follow_up_warning is None


def test_an_arm_with_nobody_in_the_range_says_so_and_compares_nothing():
    arms = Comparison(ITT, "Youth court", "Another arm", (Covariate.AGE,), PropensityMethod.WEIGHTING)

    report = build_effects([subject("youth_court", 400) for _ in range(20)], [], arms, threshold=3)

    assert report.empty_group == (
        "No youth of this range are in Another arm: there is nothing to compare. Choose another group or a wider range."
    )
    assert report.cox is None and report.propensity is None and report.risks is None
    assert [step.count for step in report.flow][:3] == [20, 20, 20]
