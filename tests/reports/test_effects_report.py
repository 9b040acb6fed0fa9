"""The effects report on the demo program: the page, its choices, its small-number rules."""

from __future__ import annotations

import html
import io
import re

import pandas as pd
import pytest
from lifelines import CoxPHFitter
from sqlalchemy import select

from tests.audit.test_audit_reads import publishable_months
from tests.factories import make_user, sign_in
from youthcourt import demo
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Program, Role

pytestmark = pytest.mark.demo


async def evaluator(client, db) -> tuple[Program, str]:
    program = await db.scalar(select(Program).where(Program.slug == demo.DEMO_PROGRAM_SLUG))
    await sign_in(client, await make_user(db, program, Role.EVALUATOR))
    first, last = await publishable_months(db, program)
    return program, f"program={program.id}&referred_from={first}&referred_to={last}"


async def test_completers_against_non_completers_adjusted_for_age_and_gender(client, db):
    _, cohort = await evaluator(client, db)
    query = (
        f"{cohort}&event=arrest&event=charge&anchor=closure&window=12&first=completion:completed"
        "&second=completion:unsuccessful&covariate=age&covariate=gender&method=weighting"
    )

    response = await client.get(f"/reports/effects?{query}")

    assert response.status_code == 200, response.text[:300]
    text = html.unescape(response.text)
    assert "Completed against Unsuccessful" in text
    assert "Risk ratio" in text and "Odds ratio" in text
    assert re.search(r"Completed \(against Unsuccessful\)</th>\s*<td class=\"num\">\d+\.\d\d</td>", text)
    assert "Age at referral (years)" in text, "a covariate's row in the Cox and balance tables"
    assert "Weighted risk difference" in text
    assert "Complete-case analysis" in text, "the methods note says how missing values were handled"
    [entry] = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "report.viewed"))).all()
    assert entry.details["report"] == "effects" and entry.details["covariates"] == ["age", "gender"]


async def test_the_first_form_and_wrong_choices(client, db):
    _, cohort = await evaluator(client, db)

    first = await client.get("/reports/effects")
    mixed = await client.get(
        f"/reports/effects?{cohort}&event=arrest&anchor=closure&window=12&first=completion:completed"
        "&second=juror:served&covariate=age&method=matching"
    )
    unknown = await client.get(
        f"/reports/effects?{cohort}&event=arrest&anchor=closure&window=12&first=completion:completed"
        "&second=comparison:Nobody&covariate=shoe&method=matching"
    )

    assert first.status_code == 200 and 'id="results"' not in first.text
    assert '<option value="completion:unsuccessful" selected>' in first.text
    assert mixed.status_code == 422
    assert "Choose two groups of the same kind" in mixed.text
    assert 'value="juror:served" selected' in mixed.text, "the choice is kept"
    assert unknown.status_code == 422
    assert (
        "Choose the second group." in unknown.text and "Choose the covariates from the list." in unknown.text
    )


async def test_adjusting_for_prior_contacts_leaves_out_youth_whose_prior_record_is_not_known(client, db):
    _, cohort = await evaluator(client, db)
    query = (
        f"{cohort}&event=arrest&event=charge&anchor=closure&window=12&first=completion:completed"
        "&second=completion:unsuccessful&covariate=age&covariate=prior_police_contacts&method=weighting"
    )

    text = html.unescape((await client.get(f"/reports/effects?{query}")).text)

    flow = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', text))
    in_groups = int(flow["In Completed or Unsuccessful"].removeprefix("about "))
    analysed = int(
        flow["Of these, analysed in the models: every chosen covariate known"].removeprefix("about ")
    )
    assert analysed < in_groups, "the demo does not know some youth's prior record"
    assert "Earlier police contacts</th>" in text, "a row of the Cox and balance tables"


async def test_the_study_arms_compare_by_intent_to_treat_from_referral(client, db):
    _, cohort = await evaluator(client, db)
    query = (
        f"{cohort}&event=arrest&event=charge&window=12&first=assignment:youth_court"
        "&second=assignment:comparison&covariate=age&covariate=gender&method=weighting"
    )

    closure = await client.get(f"/reports/effects?{query}&anchor=closure")
    response = await client.get(f"/reports/effects?{query}&anchor=referral")

    assert closure.status_code == 422
    assert "Intent to treat counts every youth assigned from their referral" in html.unescape(closure.text)
    assert response.status_code == 200, response.text[:300]
    text = html.unescape(response.text)
    assert "Youth court against Comparison" in text
    assert "the estimate is of assignment to youth court, not of taking part in it" in text
    flow = dict(re.findall(r'<th scope="row">([^<]+)</th><td class="num">([^<]+)</td>', text))
    assert "Referred in the range, the study's declined and returned referrals included" in flow
    assert int(flow["Assigned to Youth court or Comparison"].removeprefix("about ")) > 100
    assert re.search(r"Youth court \(against Comparison\)</th>\s*<td class=\"num\">\d+\.\d\d</td>", text)


async def test_the_analysis_file_recomputes_the_hazard_ratio_of_the_study_arms(client, db):
    _, cohort = await evaluator(client, db)
    choices = f"{cohort}&event=arrest&event=charge&window=12&anchor=referral"
    page = await client.get(
        f"/reports/effects?{choices}&first=assignment:youth_court&second=assignment:comparison"
        "&covariate=age&covariate=prior_police_contacts&method=weighting"
    )
    shown = re.search(
        r"Youth court \(against Comparison\)</th>\s*<td class=\"num\">(\d+\.\d\d)</td>", page.text
    )
    assert shown, page.text[:300]

    rows = pd.read_csv(
        io.StringIO((await client.get(f"/reports/recidivism/analysis.csv?{choices}&group=assignment")).text)
    )

    arms = rows[rows.group.isin(["Youth court", "Comparison"])].dropna(subset=["prior_police_contacts"])
    frame = pd.DataFrame(
        {
            "time": arms.time_days,
            "event": arms.event,
            "treated": (arms.group == "Youth court").astype(int),
            "age": arms.age_years.astype(float),
            "priors": arms.prior_police_contacts.astype(float),
        }
    )
    fitted = CoxPHFitter().fit(frame, duration_col="time", event_col="event")
    assert f"{fitted.summary.loc['treated', 'exp(coef)']:.2f}" == shown.group(1)
    assert (arms.completion == "Declined or returned").sum() > 0


README_EXAMPLES = {
    "intent to treat": "first=assignment:youth_court&second=assignment:comparison&anchor=referral"
    "&covariate=age&covariate=gender&method=weighting",
    "comparison group": "first=comparison:program&second=comparison:Regular court&anchor=referral"
    "&covariate=age&covariate=prior_police_contacts&method=matching",
    "within the program": "first=completion:completed&second=completion:unsuccessful&anchor=closure"
    "&covariate=age&covariate=gender&covariate=prior_police_contacts&method=weighting",
    "jury service": "first=juror:served&second=juror:not&anchor=referral&landmark=90"
    "&covariate=age&method=weighting",
}


@pytest.mark.parametrize("design", README_EXAMPLES)
async def test_each_design_the_readme_shows_gives_its_estimates_on_the_demo(client, db, design):
    _, cohort = await evaluator(client, db)

    response = await client.get(
        f"/reports/effects?{cohort}&event=arrest&event=charge&window=12&{README_EXAMPLES[design]}"
    )

    assert response.status_code == 200, response.text[:300]
    text = html.unescape(response.text)
    assert re.search(r"\(against [^)]+\)</th>\s*<td class=\"num\">\d+\.\d\d</td>", text), "a hazard ratio"
    assert "Risk ratio" in text and "Balance" in text
    assert "Withheld" not in text, "no estimate of the README's example is withheld"


async def test_matching_the_larger_group_first_is_warned_about(client, db):
    _, cohort = await evaluator(client, db)
    base = f"{cohort}&event=arrest&anchor=closure&window=12&covariate=age&method=matching"

    larger_first = await client.get(
        f"/reports/effects?{base}&first=completion:completed&second=completion:unsuccessful"
    )
    smaller_first = await client.get(
        f"/reports/effects?{base}&first=completion:unsuccessful&second=completion:completed"
    )

    assert "The first group is the larger one." in larger_first.text
    assert "The first group is the larger one." not in smaller_first.text
    assert "Unsuccessful against Completed" in smaller_first.text
