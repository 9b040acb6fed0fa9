"""The effects report and the recidivism report as PDF files: what the page shows, hidden and rounded alike."""

from __future__ import annotations

import datetime
import html
import io
import re

import pytest
from httpx import Response
from pypdf import PdfReader

from tests.factories import make_user, sign_in, sign_in_with_form
from tests.reports.test_effects_report import evaluator
from tests.reports.test_recidivism import subject
from tests.reports.test_recidivism_report import audited, evaluator_with_cohort, report_query
from youthcourt.cases.models import CaseState
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.models import Role
from youthcourt.reports.cohort import Anchor
from youthcourt.reports.controllers.recidivism import report_chart
from youthcourt.reports.effects import Covariate, PropensityMethod
from youthcourt.reports.effects_report import Comparison, build_effects, methods_note
from youthcourt.reports.pdf import effects_pdf, recidivism_pdf
from youthcourt.reports.recidivism import (
    PROGRAM_YOUTH,
    ComparisonSubject,
    Grouping,
    ReportOptions,
    build_report,
)

EFFECTS = (
    "event=arrest&event=charge&anchor=closure&window=12&first=completion:completed"
    "&second=completion:unsuccessful&covariate=age&covariate=gender&method=weighting"
)


def pdf_words(content: bytes) -> str:
    """The file's text, each run of white space as one space (cells and lines wrap where the page's do not)."""
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def cell_text(markup: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def table_rows(page: str, marker: str) -> list[list[str]]:
    """The rows of the page's first table whose opening tag holds ``marker``, each as its cells' text."""
    table = re.search(rf"<table [^>]*{marker}[^>]*>.*?</table>", page, re.DOTALL)
    assert table, marker
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(0), re.DOTALL)
    return [
        [cell_text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.DOTALL)] for row in rows
    ]


async def page_and_pdf(client, path: str, query: str) -> tuple[str, Response]:
    """The report's page, and its PDF for the same query (checked to be one)."""
    page = await client.get(f"{path}?{query}")
    response = await client.get(f"{path}/report.pdf?{query}")
    assert page.status_code == response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    return page.text, response


@pytest.mark.demo
async def test_the_effects_report_prints_the_pages_figures_and_its_methods(client, db):
    _, cohort = await evaluator(client, db)

    page, response = await page_and_pdf(client, "/reports/effects", f"{cohort}&{EFFECTS}")

    first, last = re.search(r"referred_from=([\d-]+)&referred_to=([\d-]+)", cohort).groups()
    assert re.fullmatch(
        rf'attachment; filename="effects_completed-vs-unsuccessful_closure-12m_arrest\+charge_{first}-01_to_'
        rf'{last}-\d\d\.pdf"',
        response.headers["content-disposition"],
    )
    text = pdf_words(response.content)
    assert "Effects: Completed against Unsuccessful" in text
    assert "New offense = arrest or charge, within 12 months of case closure." in text
    hazard = next(
        row for row in table_rows(page, "cox-table") if row[0] == "Completed (against Unsuccessful)"
    )
    assert re.fullmatch(r"\d+\.\d\d", hazard[1])
    assert " ".join(hazard) in text, "the hazard ratio, its interval and tests as the page shows them"
    [risk_ratio] = re.findall(
        r"Risk ratio</th><td class=\"num\">([^<]+)</td><td class=\"num\">([^<]+)</td>", page
    )
    assert f"Risk ratio {risk_ratio[0]} {risk_ratio[1]}" in text
    flow = table_rows(page, "flow-title")
    assert len(flow) >= 4 and all(" ".join(row) in text for row in flow), (
        "the flow table, counts as published"
    )
    balance = table_rows(page, "balance-table")[1:]
    assert balance and all(" ".join(row) in text for row in balance)
    assert re.search(
        r"Weighted risk difference among youth followed for the full window: [+-]\d+\.\d points", text
    )
    assert "Methods" in text and "Complete-case analysis: youth whose record lacks a chosen covariate" in text
    [entry] = await audited(db, "report.downloaded")
    assert entry.details["report"] == "effects" and entry.details["file"] == "report.pdf"
    assert entry.details["covariates"] == ["age", "gender"]


@pytest.mark.demo
async def test_the_effects_page_links_its_pdf_and_the_analysis_file_of_the_same_youth(client, db):
    _, cohort = await evaluator(client, db)

    page = html.unescape((await client.get(f"/reports/effects?{cohort}&{EFFECTS}")).text)

    [pdf_link] = re.findall(r'href="(/reports/effects/report\.pdf\?[^"]+)"', page)
    [analysis_link] = re.findall(r'href="(/reports/recidivism/analysis\.csv\?[^"]+)"', page)
    assert "covariate=gender" in pdf_link and "first=completion:completed" in pdf_link.replace("%3A", ":")
    assert analysis_link.endswith("&group=completion") and "window=12" in analysis_link
    assert "covariate" not in analysis_link
    analysis = await client.get(analysis_link)
    assert analysis.status_code == 200
    assert analysis.text.lstrip("\ufeff").startswith("pseudo_id,group,time_days,event,followed_full_window")
    assert (await client.get(pdf_link)).status_code == 200


@pytest.mark.demo
async def test_the_recidivism_report_hides_in_its_pdf_what_its_page_hides(client, db):
    _, cohort = await evaluator(client, db)
    query = f"{cohort}&event=arrest&event=charge&anchor=closure&window=12&group=race_ethnicity"

    page, response = await page_and_pdf(client, "/reports/recidivism", query)

    assert "recidivism-report_closure-12m_arrest+charge_" in response.headers["content-disposition"]
    text = pdf_words(response.content)
    groups = table_rows(page, "report-table")[1:]
    hidden = [row for row in groups if "—" in row or "<10" in row]
    assert hidden, "the demo's race groups include counts the page hides"
    for row in groups:
        assert " ".join(row[1:]) in text, f"{row[0]}: the counts and the rate exactly as on the page"
    assert text.count("<10") >= sum(row.count("<10") for row in groups)
    assert "Counts are rounded to the nearest 5" in text, "the page's notes"
    assert "Withheld: the rate would rest on a count hidden to protect small numbers." in text
    first_month = table_rows(page, "curve-table")[2]
    assert " ".join(first_month) in text, "the curves' data, as the page's table"
    assert re.search(r"Log-rank test across [^:]+: χ² = [\d.]+ on \d+ degrees? of freedom", text)
    [entry] = await audited(db, "report.downloaded")
    assert entry.details["report"] == "recidivism" and entry.details["file"] == "report.pdf"
    assert entry.details["grouping"] == "race_ethnicity"


async def test_the_recidivism_pdf_names_no_one(client, db):
    program, user = await evaluator_with_cohort(db)
    await sign_in(client, user)

    response = await client.get(f"/reports/recidivism/report.pdf?{report_query(program)}")

    text = pdf_words(response.content)
    assert "Riverside Test Court" in text and "All youth 10 10 5 5 5 37.5% (13.7\N{EN DASH}69.4%)" in text
    assert "Zebediah" not in text and "Quartermaine" not in text


async def test_wrong_choices_get_the_form_back_and_no_file(client, db):
    program, user = await evaluator_with_cohort(db)
    await sign_in(client, user)
    range_ = (
        f"program={program.id}&referred_from=2023-01&referred_to=2023-12&event=arrest&anchor=closure&window=6"
    )

    recidivism = await client.get(f"/reports/recidivism/report.pdf?{report_query(program, window='7')}")
    effects = await client.get(
        f"/reports/effects/report.pdf?{range_}&first=completion:completed&second=completion:completed"
        "&covariate=age&method=weighting"
    )

    assert recidivism.status_code == effects.status_code == 422
    assert recidivism.headers["content-type"].startswith("text/html")
    assert "Choose a second group other than the first." in effects.text
    assert 'value="completion:completed" selected' in effects.text, "the choices are kept"
    assert await audited(db, "report.downloaded") == []


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.JUROR])
async def test_only_evaluators_download_the_pdfs(client, db, role):
    program, _ = await evaluator_with_cohort(db)
    await sign_in_with_form(client, await make_user(db, program, role))

    for path in (
        f"/reports/recidivism/report.pdf?{report_query(program)}",
        f"/reports/effects/report.pdf?{report_query(program)}&first=completion:completed"
        "&second=completion:unsuccessful&covariate=age&method=weighting",
    ):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "application/pdf" not in response.headers["content-type"]


AWKWARD = (
    "Cour «Nord» \N{EN DASH} ≥16 ans · “χ²” \N{LEFT SINGLE QUOTATION MARK}q\N{RIGHT SINGLE QUOTATION MARK} "
    "… 😀 中文 & <b>"
)
"""An imported comparison group's name: dashes, symbols, quotes, an emoji, characters the font lacks, markup."""
CLOSED = datetime.date(2024, 1, 15)
DAY = datetime.timedelta(days=1)


def program_and_comparison_youth() -> tuple[list, list[ComparisonSubject]]:
    """Forty program youth and forty comparison youth, a quarter of each with an arrest within the year."""
    program = [
        subject(
            checked=CLOSED + 400 * DAY,
            events=((CLOSED + (30 + 7 * i) * DAY, OutcomeEventType.ARREST),) if i % 4 == 0 else (),
            state=CaseState.COMPLETED,
        )
        for i in range(40)
    ]
    others = [
        ComparisonSubject(
            AWKWARD,
            CLOSED,
            CLOSED + 400 * DAY,
            ((CLOSED + (20 + 5 * i) * DAY, OutcomeEventType.ARREST),) if i % 3 == 0 else (),
            age=14 + i % 4,
            gender="Female" if i % 2 else "Male",
        )
        for i in range(40)
    ]
    return program, others


def awkward_options() -> ReportOptions:
    return ReportOptions(
        frozenset({OutcomeEventType.ARREST, OutcomeEventType.CHARGE}), Anchor.CLOSURE, 12, Grouping.COMPARISON
    )


def test_the_pdfs_print_labels_in_any_script_without_failing():
    program, others = program_and_comparison_youth()
    report = build_report(program, others, awkward_options(), threshold=3)
    anchor_words, chart = report_chart(report)
    escaped = html.escape(AWKWARD)
    notes = {
        "scope": f"Youth referred to {escaped}.",
        "empty_note": "",
        "report_notes": f"<ul><li><strong>Note</strong> on {escaped}</li></ul>",
        "group_footnotes": "<ul><li>Rate: reoffended out of the full window.</li></ul>",
        "curve_notes": "",
        "test_result": f"<p>{escaped}: <strong>χ² = 1.0</strong></p>",
    }

    text = pdf_words(recidivism_pdf(report, anchor_words=anchor_words, chart=chart, notes=notes))

    readable = AWKWARD.split(" 😀")[0]
    assert f"Youth referred to {readable}" in text
    assert f"Note on {readable}" in text and "& <b>" in text
    assert f"{readable} 😀" in text, "the group table's row"
    assert "Months since case closure" in text, "the chart's own labels"

    comparison = Comparison(
        awkward_options(),
        PROGRAM_YOUTH,
        AWKWARD,
        (Covariate.AGE, Covariate.GENDER),
        PropensityMethod.MATCHING,
    )
    effects = build_effects(program, others, comparison, threshold=3)
    content = effects_pdf(
        effects, methods_note(effects, f"Youth of {AWKWARD}."), cohort_words=f"Youth of {AWKWARD}."
    )

    text = pdf_words(content)
    assert f"Effects: Program youth against {readable}" in text
    assert "Methods" in text and f"Youth of {readable}" in text


def test_a_report_whose_clock_started_for_nobody_prints_the_pages_sentence():
    report = build_report(
        [subject(closed=None, state=CaseState.SANCTIONS_IN_PROGRESS)], [], awkward_options(), 3
    )
    anchor_words, chart = report_chart(report)
    notes = {"scope": "Youth referred to the court.", "empty_note": "<p>No case has reached the clock.</p>"}

    text = pdf_words(recidivism_pdf(report, anchor_words=anchor_words, chart=chart, notes=notes))

    assert report.is_empty
    assert "Youth referred to the court. No case has reached the clock." in text
