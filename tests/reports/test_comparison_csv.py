"""Reading comparison-group files: every row checked, every problem named with its row and column."""

from __future__ import annotations

import datetime

import pytest

from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.reference.models import OffenseClass
from youthcourt.reports import comparison
from youthcourt.reports.comparison import Event, FileRejected, Row

TODAY = datetime.date(2026, 3, 1)
HEADER = "id,group,anchor_date,followed_until,events,age,gender,race_ethnicity,offense_class"
GOOD = "\r\n".join(
    [
        HEADER,
        "RC-1,Regular court,2025-01-10,2026-01-10,,15,Female,Hispanic or Latino,a",
        'RC-2,Regular court,2025-02-01,2026-02-01,"2025-03-04:arrest; 2025-04-01:Charge;",16,Male,Black,B',
        "DP_7,Other diversion,2025-05-05,2025-05-05,2025-05-05:adjudication,,,,",
    ]
)


def checked(text: str) -> comparison.CheckedFile:
    return comparison.check(text, TODAY)


def messages(text: str) -> list[str]:
    return [str(problem) for problem in checked(text).problems.shown]


def one_row(**cells: str) -> str:
    """A file with one row: the good first row with some cells replaced."""
    row = dict(
        zip(
            HEADER.split(","),
            ["RC-1", "Regular court", "2025-01-10", "2026-01-10", "", "15", "Female", "Hispanic", "A"],
            strict=True,
        )
    )
    row.update(cells)
    return HEADER + "\n" + ",".join(f'"{value}"' for value in row.values()) + "\n"


def test_a_good_file_gives_every_row_with_its_events():
    result = checked(GOOD)

    assert result.is_valid
    assert result.labels == ["Regular court", "Other diversion"]
    assert result.joined_labels == "Regular court, Other diversion"
    assert result.rows == [
        Row(
            "RC-1",
            "Regular court",
            datetime.date(2025, 1, 10),
            datetime.date(2026, 1, 10),
            (),
            15,
            "Female",
            "Hispanic or Latino",
            OffenseClass.A,
        ),
        Row(
            "RC-2",
            "Regular court",
            datetime.date(2025, 2, 1),
            datetime.date(2026, 2, 1),
            (
                Event(datetime.date(2025, 3, 4), OutcomeEventType.ARREST),
                Event(datetime.date(2025, 4, 1), OutcomeEventType.CHARGE),
            ),
            16,
            "Male",
            "Black",
            OffenseClass.B,
        ),
        Row(
            "DP_7",
            "Other diversion",
            datetime.date(2025, 5, 5),
            datetime.date(2025, 5, 5),
            (Event(datetime.date(2025, 5, 5), OutcomeEventType.ADJUDICATION),),
            None,
            "",
            "",
            None,
        ),
    ]


def test_optional_columns_may_be_left_out_and_columns_come_in_any_order():
    result = checked(
        "events,followed_until,anchor_date,Group, ID \n,2025-12-31,2025-01-01,Regular court,X1\n"
    )

    assert result.is_valid
    [row] = result.rows
    assert (row.external_id, row.age_years, row.gender, row.offense_class) == ("X1", None, "", None)


def test_blank_lines_are_skipped_but_rows_keep_their_spreadsheet_numbers():
    text = HEADER + "\n\n,,,,,,,,\n" + one_row(anchor_date="2025-13-01").split("\n", 1)[1]

    assert messages(text) == [
        'Row 4, anchor_date: "2025-13-01" is not a date as YYYY-MM-DD, for example 2024-03-14.'
    ]


def test_a_byte_order_mark_is_ignored():
    text = comparison.decode(b"\xef\xbb\xbf" + GOOD.encode())

    assert text.startswith("id,")
    assert checked(text).is_valid


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "The file is empty"),
        (b"  \r\n", "The file is empty"),
        (b"PK\x03\x04\x14\x00" + b"\x00" * 40, "spreadsheet workbook"),
        (b"%PDF-1.4\n", "a PDF document"),
        (b"\xff\xfei\x00d\x00", "UTF-16"),
        (b"id,group\n\x00\x01\x02", "binary file"),
        (b"id,group\nR1,Caf\xe9\n", "not UTF-8 text (the first character that is not is on line 2)"),
    ],
)
def test_files_that_are_not_utf8_text_are_refused_with_the_reason(raw, expected):
    with pytest.raises(FileRejected) as refused:
        comparison.decode(raw)

    assert expected in str(refused.value)


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"id": ""}, "Row 2, id: Enter the record's id."),
        ({"id": "R 42"}, 'Row 2, id: "R 42" may hold only letters, digits, - and _.'),
        ({"id": "x" * 65}, "Row 2, id: The id is longer than 64 characters."),
        ({"group": ""}, "Row 2, group: Enter the group's label, for example Regular court."),
        (
            {"group": "Court, regular"},
            'Row 2, group: "Court, regular" contains a comma; group labels may not.',
        ),
        ({"group": "g" * 81}, "Row 2, group: The group label is longer than 80 characters."),
        ({"group": "Two\nlines"}, "Row 2, group: The group label must be one line of text."),
        ({"anchor_date": ""}, "Row 2, anchor_date: Enter a date as YYYY-MM-DD."),
        (
            {"anchor_date": "01/10/2025"},
            'Row 2, anchor_date: "01/10/2025" is not a date as YYYY-MM-DD, for example 2024-03-14.',
        ),
        (
            {"anchor_date": "20250110"},
            'Row 2, anchor_date: "20250110" is not a date as YYYY-MM-DD, for example 2024-03-14.',
        ),
        (
            {"followed_until": "2024-12-31"},
            "Row 2, followed_until: 2024-12-31 is before anchor_date (2025-01-10).",
        ),
        (
            {"followed_until": "2026-03-02"},
            "Row 2, followed_until: 2026-03-02 is in the future: enter the date up to which records were searched.",
        ),
        (
            {"events": "2025-03-01 arrest"},
            'Row 2, events: "2025-03-01 arrest" is not DATE:TYPE, for example 2024-09-02:arrest.',
        ),
        (
            {"events": "2025-03-01:felony"},
            'Row 2, events: "2025-03-01:felony": the type must be one of new_referral, arrest, charge, adjudication.',
        ),
        (
            {"events": "2025-3-1:arrest"},
            'Row 2, events: "2025-3-1" is not a date as YYYY-MM-DD, for example 2024-03-14.',
        ),
        (
            {"events": "2025-01-09:arrest"},
            "Row 2, events: 2025-01-09:arrest is before anchor_date (2025-01-10).",
        ),
        (
            {"events": "2025-06-01:charge;2026-01-11:arrest"},
            "Row 2, events: 2026-01-11:arrest is after followed_until (2026-01-10): "
            "records were searched only until then.",
        ),
        ({"age": "15.5"}, 'Row 2, age: "15.5" is not a whole number of years.'),
        ({"age": "fifteen"}, 'Row 2, age: "fifteen" is not a whole number of years.'),
        ({"age": "9"}, "Row 2, age: 9 is outside 10 to 25 years."),
        ({"age": "26"}, "Row 2, age: 26 is outside 10 to 25 years."),
        ({"gender": "g" * 41}, "Row 2, gender: The category is longer than 40 characters."),
        ({"race_ethnicity": "r" * 81}, "Row 2, race_ethnicity: The category is longer than 80 characters."),
        (
            {"offense_class": "E"},
            'Row 2, offense_class: "E" is not an offense class: use A, B, C or D, or leave it empty.',
        ),
    ],
)
def test_each_kind_of_bad_cell_is_named_with_its_row_and_column(cells, expected):
    result = checked(one_row(**cells))

    assert [str(p) for p in result.problems.shown] == [expected]
    assert not result.is_valid
    assert result.rows == []


def test_the_edges_of_each_range_are_accepted():
    result = checked(
        one_row(age="10", followed_until=TODAY.isoformat(), events=f"2025-01-10:arrest;{TODAY}:new_referral")
    )

    assert result.is_valid
    assert result.rows[0].age_years == 10
    assert result.rows[0].events[-1] == Event(TODAY, OutcomeEventType.NEW_REFERRAL)
    assert checked(one_row(age="25", followed_until="2025-01-10")).is_valid


def test_every_row_is_checked_and_every_problem_of_a_row_is_listed():
    text = "\n".join(
        [
            HEADER,
            "A1,G,2025-01-01,2025-06-01,,30,,,Z",
            "A2,G,2025-01-01,2025-06-01,,,,,",
            "A3,G,not a date,2025-06-01,,,,,",
        ]
    )

    assert messages(text) == [
        "Row 2, age: 30 is outside 10 to 25 years.",
        'Row 2, offense_class: "Z" is not an offense class: use A, B, C or D, or leave it empty.',
        'Row 4, anchor_date: "not a date" is not a date as YYYY-MM-DD, for example 2024-03-14.',
    ]
    assert [row.external_id for row in checked(text).rows] == ["A2"]


def test_a_row_with_too_many_or_too_few_values_is_refused():
    text = "\n".join([HEADER, "A1,G,2025-01-01,2025-06-01,,,,,,extra", "A2,G,2025-01-01"])

    assert messages(text) == [
        "Row 2: The row has 10 values but the header names 9 columns.",
        "Row 3: The row has 3 values but the header names 9 columns.",
    ]


def test_an_id_twice_in_one_group_is_refused_but_the_same_id_in_another_group_is_not():
    text = "\n".join(
        [
            "id,group,anchor_date,followed_until,events",
            "A1,Regular court,2025-01-01,2025-06-01,",
            "A1,Other diversion,2025-01-01,2025-06-01,",
            "A1,Regular court,2025-02-01,2025-06-01,",
        ]
    )

    assert messages(text) == [
        'Row 4, id: "A1" appears twice in group "Regular court" (first on row 2).',
    ]


def test_unknown_columns_are_refused_because_they_may_identify_someone():
    text = "id,group,anchor_date,followed_until,events,first_name,DOB\nA1,G,2025-01-01,2025-06-01,,Ann,2010-01-01\n"

    [problem] = messages(text)

    assert problem.startswith('Unknown columns "first_name", "dob": remove them.')
    assert "nothing identifying is imported" in problem


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("id,group,anchor_date", "The header has no followed_until, events columns."),
        (
            "id,group,anchor_date,followed_until,events,age,Age",
            'The header names the column "age" more than once.',
        ),
        ("id,group,anchor_date,followed_until,events,", "Column 6 of the header has no name"),
        ("id;group;anchor_date;followed_until;events", "separated by semicolons"),
        ("", "The file has no header row."),
    ],
)
def test_header_problems_are_explained(header, expected):
    result = checked(header + "\nA1,G,2025-01-01,2025-06-01,,\n")

    assert any(expected in message for message in map(str, result.problems.shown))
    assert not result.is_valid


def test_a_header_without_rows_is_refused():
    assert messages(HEADER + "\r\n") == ["The file has a header but no rows under it."]


def test_broken_quoting_is_reported_with_its_line():
    text = HEADER + '\nA1,"G"x,2025-01-01,2025-06-01,,,,,\n'

    [problem] = messages(text)

    assert problem.startswith("Row 2: The file could not be read as CSV")


def test_only_the_first_hundred_row_problems_are_kept_but_all_are_counted():
    rows = [f"A{n},G,bad,2025-06-01,,,,," for n in range(150)]
    result = checked("\n".join([HEADER, *rows]))

    assert result.problems.total == 150
    assert len(result.problems.shown) == comparison.MAX_PROBLEMS_SHOWN
    assert result.problems.hidden == 50


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setattr(comparison, "MAX_ROWS", 3)
    rows = [f"A{n},G,2025-01-01,2025-06-01,,,,," for n in range(4)]

    assert messages("\n".join([HEADER, *rows])) == [
        "The file has more than 3 rows. Split it into several files by group."
    ]
    assert checked("\n".join([HEADER, *rows[:3]])).is_valid


def test_too_many_group_labels_for_one_import_are_refused():
    rows = [f"A{n},{'G' * 70}{n},2025-01-01,2025-06-01,,,,," for n in range(6)]

    [problem] = messages("\n".join([HEADER, *rows]))

    assert problem.startswith("The file holds 6 groups whose labels together are longer than 400 characters")


def test_the_example_file_is_accepted_and_documents_every_column():
    example = comparison.example_csv()
    result = checked(example)

    assert result.is_valid
    assert example.splitlines()[0] == ",".join(comparison.COLUMN_NAMES)
    assert len(result.rows) == len(comparison.EXAMPLE_ROWS)
    assert any(row.events for row in result.rows)


def test_problems_print_where_they_are():
    assert str(comparison.Problem("Bad.", 7, "anchor_date")) == "Row 7, anchor_date: Bad."
    assert str(comparison.Problem("Bad.", 7)) == "Row 7: Bad."
    assert str(comparison.Problem("Bad.")) == "Bad."


def test_prior_counts_are_read_and_a_wrong_one_is_refused_with_its_row_and_column():
    good = checked(
        "id,group,anchor_date,followed_until,events,prior_police_contacts,prior_diversions\n"
        "RC-1,Regular court,2024-01-15,2025-01-15,,2,0\n"
        "RC-2,Regular court,2024-01-15,2025-01-15,,,\n"
    )
    bad = checked(
        "id,group,anchor_date,followed_until,events,prior_adjudications\n"
        "RC-1,Regular court,2024-01-15,2025-01-15,,-1\n"
    )

    assert [row.prior for row in good.rows] == [(2, 0, None), (None, None, None)]
    assert not good.problems.shown
    assert [str(problem) for problem in bad.problems.shown] == [
        'Row 2, prior_adjudications: "-1" is not a whole number from 0 to 99.'
    ]
