"""The evaluator downloads a de-identified export of the demo program and finds no one in it."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import demo_identifiers, sign_in


def test_evaluator_exports_xlsx_with_no_identifying_data(
    page: Page, shoot, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
):
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/exports")
    expect(page.get_by_role("heading", level=1)).to_have_text("Export de-identified cases")
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
    expect(page.get_by_role("heading", level=1)).to_have_text("Data dictionary of the case export")
    expect(page.get_by_role("rowheader", name="followed_until")).to_be_visible()
    shoot("dictionary")
