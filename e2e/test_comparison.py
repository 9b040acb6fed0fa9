"""An evaluator imports a comparison group from a CSV file, is shown row by row what is wrong with a
bad file, and deletes an import."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from e2e.conftest import sign_in

HEADER = "id,group,anchor_date,followed_until,events,age,gender,race_ethnicity,offense_class"
GOOD = "\n".join(
    [
        HEADER,
        "PD-001,County probation diversion,2024-02-01,2025-02-01,,15,Female,Hispanic or Latino,A",
        "PD-002,County probation diversion,2024-03-12,2025-03-12,2024-07-30:arrest;2024-08-15:charge,16,Male,Black,B",
        "TC-17,Neighboring teen court,2024-04-02,2025-04-02,2024-12-01:new_referral,14,Male,White,A",
    ]
)
BAD = "\n".join(
    [
        HEADER,
        "PD-101,Second probation sample,2024-02-01,2025-02-01,,15,Female,,A",
        "PD-102,Second probation sample,03/12/2024,2025-03-12,,16,Male,,B",
        "PD-103,Second probation sample,2024-04-02,2025-04-02,2024-05-01:felony,30,,,E",
    ]
)


def test_evaluator_imports_a_comparison_group_and_sees_what_is_wrong_with_a_bad_file(
    page: Page, tmp_path, shoot
):
    good = tmp_path / "probation-2024.csv"
    good.write_text("\ufeff" + GOOD, encoding="utf-8")
    bad = tmp_path / "probation-second.csv"
    bad.write_text(BAD, encoding="utf-8")
    page.goto("/login")
    sign_in(page, "evaluator@example.org")
    page.goto("/reports/comparison")
    expect(page.get_by_role("heading", level=1)).to_have_text("Comparison groups")
    expect(page.locator("#format")).to_contain_text("followed_until")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download an example file").click()
    example = info.value
    assert example.suggested_filename == "comparison-groups-example.csv"
    assert example.failure() is None
    assert Path(example.path()).read_text(encoding="utf-8-sig").startswith("id,group,anchor_date")
    shoot("page")

    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import the file").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Imported 3 records in groups County probation diversion, Neighboring teen court."
    )
    row = page.locator("#imports tbody tr", has_text="probation-2024.csv")
    expect(row).to_contain_text("County probation diversion, Neighboring teen court")
    expect(row).to_contain_text("3")
    shoot("imported")

    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Import the file").click()

    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("probation-second.csv was not imported: nothing was saved.")
    expect(problems).to_contain_text('Row 3, anchor_date: "03/12/2024" is not a date as YYYY-MM-DD')
    expect(problems).to_contain_text('Row 4, events: "2024-05-01:felony": the type must be one of')
    expect(problems).to_contain_text("Row 4, age: 30 is outside 10 to 25 years.")
    expect(problems).to_contain_text("Row 4, offense_class:")
    expect(page.locator("#imports")).not_to_contain_text("Second probation sample")
    shoot("refused")

    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Import the file").click()
    expect(page.get_by_role("alert")).to_contain_text(
        'The group "County probation diversion" is already imported (from probation-2024.csv).'
    )

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete the import of probation-2024.csv").click()
    expect(page.get_by_role("status")).to_contain_text(
        re.compile(r"The import of probation-2024.csv was deleted with its 3 records")
    )
    expect(page.locator("#imports tbody tr", has_text="probation-2024.csv")).to_have_count(0)
    shoot("deleted")
