"""The evaluator downloads de-identified exports of the demo program, joins two within a data release,
and finds no one in them."""

from __future__ import annotations

import csv
import datetime
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pyarrow.parquet as pq
import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import demo_identifiers, sign_in
from youthcourt.reports.deidentify import QUASI_IDENTIFIERS


def test_evaluator_exports_xlsx_with_no_identifying_data(
    page: Page, shoot, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/exports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Export de-identified records")
    expect(page.get_by_label("Riverside County Youth Court")).to_be_checked()
    shoot("form")

    page.get_by_label("Excel workbook (with the data dictionary)").check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the export").click()
    download = info.value
    assert re.fullmatch(r"youthcourt-cases-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["Cases", "About this file", "Data dictionary"]
    cases = list(workbook["Cases"].iter_rows(values_only=True))
    assert cases[0][0] == "youth_id"
    assert len(cases) > 10
    assert all(str(row[0]).startswith("pseudo-") for row in cases[1:])
    dictionary = list(workbook["Data dictionary"].iter_rows(values_only=True))
    assert dictionary[0] == ("column", "type", "meaning", "allowed_values")
    assert [row[0] for row in dictionary[1:]] == list(cases[0])

    known = demo_identifiers(tmp_path_factory)
    texts: list[str] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if isinstance(value, datetime.datetime):
                    assert value.date() not in known["births"], f"a birth date in {sheet.title}"
                elif value is not None:
                    texts.append(str(value))
    everything = "\n".join(texts)
    for value in known["names"] | known["references"] | known["numbers"]:
        assert value not in everything, f"{value!r} is in the export"
    for value in known["births"]:
        assert value.isoformat() not in everything
    assert not set(texts) & known["last_names"]

    page.get_by_label("Riverside County Youth Court").uncheck()
    page.get_by_role("button", name="Download the export").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose at least one program.")
    expect(page.get_by_label("Excel workbook (with the data dictionary)")).to_be_checked()
    shoot("no-program")

    page.goto("/reports/exports")
    page.get_by_role("link", name="data dictionary").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data dictionary of the exports")
    expect(page.get_by_role("rowheader", name="followed_until")).to_be_visible()
    for columns in (
        "Columns of the event file",
        "Columns of the comparison file",
        "Columns of the analysis file",
    ):
        expect(page.get_by_role("table", name=columns)).to_be_visible()
    expect(
        page.get_by_role("table", name="Columns of the analysis file").get_by_role(
            "rowheader", name="time_days"
        )
    ).to_be_visible()
    shoot("dictionary")


def _download(page: Page, folder: Path) -> Path:
    """Download the export as chosen on the page into ``folder`` (one per file: names repeat)."""
    folder.mkdir(exist_ok=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the export").click()
    download = info.value
    path = folder / download.suggested_filename
    download.save_as(path)
    return path


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as file:
        return list(csv.DictReader(file))


def test_evaluator_joins_a_case_file_and_its_event_file_within_a_data_release(
    page: Page, shoot, tmp_path: Path
):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/exports")

    unlinked = _csv_rows(_download(page, tmp_path / "a"))
    page.get_by_label("One row per recorded new offense (event)").check()
    events_alone = _csv_rows(_download(page, tmp_path / "b"))
    assert not {row["youth_id"] for row in unlinked} & {row["youth_id"] for row in events_alone}, (
        "two exports outside a release share no id"
    )

    page.get_by_label("Name of a new data release").fill("Browser study")
    page.get_by_role("button", name="Create the data release").click()
    expect(page.get_by_role("table").get_by_role("rowheader", name="Browser study")).to_be_visible()
    expect(page.get_by_label("Pseudonyms")).to_have_value(re.compile(r"[0-9a-f-]{36}"))
    shoot("release-chosen")

    cases = _csv_rows(_download(page, tmp_path / "c"))
    page.get_by_label("One row per recorded new offense (event)").check()
    path = _download(page, tmp_path / "d")
    assert re.fullmatch(r"youthcourt-events-\d{4}-\d{2}-\d{2}\.csv", path.name)
    events = _csv_rows(path)
    assert list(events[0]) == [
        "youth_id",
        "case_pseudo_id",
        "program",
        "event_type",
        "event_offense_category",
        "record_system",
        "found_by_check",
        "referral_source_kind",
        "days_from_referral",
        "days_from_first_hearing",
        "days_from_closure",
    ]
    owner = {row["case_pseudo_id"]: row["youth_id"] for row in cases}
    assert len(events) > 50
    assert all(owner[row["case_pseudo_id"]] == row["youth_id"] for row in events), "the release joins them"
    assert all(row["days_from_referral"].lstrip("-").isdigit() for row in events), "every case has a referral"

    page.get_by_label("Comparison-group records (youth processed elsewhere)").check()
    page.get_by_label("Parquet (typed columns, for R, Python or Stata)").check()
    table = pq.read_table(_download(page, tmp_path / "e"))
    assert table.num_rows > 50
    assert {"group", "age_years", "followed_days", "first_arrest_days"} <= set(table.column_names)
    assert {value for value in table.column("group").to_pylist()} == {"Regular court"}


def test_evaluator_checks_the_de_identification_of_each_file_before_downloading(
    page: Page, shoot, tmp_path: Path
):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/exports")
    page.get_by_role("button", name="Check the de-identification first").click()  # the defaults
    shifted = page.get_by_role("article", name="What the shifted-date case file does")
    expect(shifted).to_be_in_viewport()  # below the form: the page opens at it
    expect(shifted).to_contain_text("moved back by the same secret number of days, from 1 to 360")
    expect(shifted).to_contain_text(re.compile(r"No shifted date later than \d{4}-\d{2}-\d{2} is given"))
    expect(shifted).to_contain_text("k-anonymity: Not applied")
    expect(shifted).to_contain_text("Drawn afresh for this file only")
    expect(page.get_by_label("Shift each youth's dates by a secret offset (intervals kept)")).to_be_checked()
    shoot("shifted-plan")

    page.get_by_label("One row per recorded new offense (event)").check()
    page.get_by_role("button", name="Check the de-identification first").click()
    events = page.get_by_role("article", name="What the event file does")
    expect(events).to_contain_text("only days counted on the true dates")
    expect(page.get_by_label("One row per recorded new offense (event)")).to_be_checked()
    shoot("event-plan")

    page.get_by_label("One row per case").check()
    page.get_by_label("Coarsen dates to the month (YYYY-MM), k-anonymous").check()
    page.get_by_role("button", name="Check the de-identification first").click()
    plan = page.get_by_role("article", name="What the month-only case file does")
    expect(plan).to_contain_text("cover at least 5 rows (k = 5)")
    expect(plan).to_contain_text("left out, of")
    expect(page.get_by_label("Coarsen dates to the month (YYYY-MM), k-anonymous")).to_be_checked()
    shoot("month-plan")

    rows = _csv_rows(_download(page, tmp_path))
    combinations = Counter(tuple(row[c] for c in QUASI_IDENTIFIERS) for row in rows)
    assert rows and min(combinations.values()) >= 5
    assert all(not row["closed_on"] or row["closed_on"].isdigit() for row in rows), (
        "months after the referral"
    )
