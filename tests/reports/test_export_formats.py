"""The de-identification rules of the case export, and the files its writers produce."""

from __future__ import annotations

import csv
import datetime
import io
import random
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from youthcourt.cases.models import CaseState
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.reports import arrow_columns, exports
from youthcourt.reports.benchmark import LibraryXlsxWriter
from youthcourt.reports.cohort import Cohort, Subject
from youthcourt.reports.deidentify import DatePrecision
from youthcourt.reports.exports import (
    COLUMN_NAMES,
    DateHandling,
    ExportFormat,
    ExportSpec,
    ParquetFileWriter,
    ProgramKey,
    XlsxWriter,
)

KEY = "a" * 64
PSEUDONYM_KEY = b"p" * 32
OTHER_PSEUDONYM_KEY = b"q" * 32
YOUTH = uuid.UUID("6f1c1e0e-4a8b-4a53-9d8e-0f6d2b7f2a11")
PROGRAM = ProgramKey(uuid.uuid4(), "Riverside Test Court", KEY)
DAY = datetime.timedelta(days=1)


def subject(youth_id: uuid.UUID = YOUTH, **fields) -> Subject:
    values = {
        "case_id": uuid.uuid4(),
        "program_id": PROGRAM.id,
        "youth_id": youth_id,
        "referred_on": datetime.date(2025, 1, 10),
        "intake_on": datetime.date(2025, 1, 24),
        "heard_on": datetime.date(2025, 2, 20),
        "closed_on": datetime.date(2025, 5, 30),
        "state": CaseState.COMPLETED,
        "offense_class": "A",
        "offense_category": "property",
        "source_kind": "police",
        "age": 14,
        "gender": "Female",
        "race_ethnicity": "Not recorded",
        "served_as_juror": True,
        "checked_until": datetime.date(2025, 11, 30),
        "events": (
            (datetime.date(2025, 8, 1), OutcomeEventType.ARREST),
            (datetime.date(2025, 9, 1), OutcomeEventType.CHARGE),
            (datetime.date(2025, 10, 1), OutcomeEventType.ARREST),
        ),
    }
    return Subject(**{**values, **fields})


def spec(
    file_format: ExportFormat = ExportFormat.CSV, dates: DateHandling = DateHandling.SHIFT
) -> ExportSpec:
    cohort = Cohort((PROGRAM.id,), datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
    return ExportSpec(cohort, dates, file_format, {PROGRAM.id: PROGRAM}, datetime.date(2026, 1, 15), 10)


def as_dict(row: tuple) -> dict:
    return dict(zip(COLUMN_NAMES, row, strict=True))


def test_pseudonym_is_stable_per_youth_within_one_key_and_differs_between_keys():
    first = exports.pseudonym(PSEUDONYM_KEY, YOUTH)
    assert first == exports.pseudonym(PSEUDONYM_KEY, YOUTH)
    assert first.startswith(exports.PSEUDONYM_PREFIX)
    assert len(first) == len(exports.PSEUDONYM_PREFIX) + exports.PSEUDONYM_LENGTH
    assert first != exports.pseudonym(OTHER_PSEUDONYM_KEY, YOUTH)
    assert first != exports.pseudonym(PSEUDONYM_KEY, uuid.uuid4())
    assert first != exports.pseudonym(exports.new_key(), YOUTH)
    assert exports.new_key() != exports.new_key()
    assert str(YOUTH) not in first
    assert YOUTH.hex[:12] not in first


def test_shift_is_stable_bounded_and_only_ever_back_in_time():
    """Moved forward, recent dates fell after the export's own date, which told how far they had moved."""
    assert exports.shift_days(KEY, YOUTH) == exports.shift_days(KEY, YOUTH)
    offsets = {exports.shift_days(KEY, uuid.uuid4()) for _ in range(3000)}
    assert max(offsets) <= -1
    assert min(offsets) >= -exports.MAX_SHIFT_DAYS
    assert exports.MAX_SHIFT_DAYS == 360
    assert min(offsets) < -330
    assert max(offsets) > -30
    assert len(offsets) > 300


def _fortnightly_nights() -> list[datetime.date]:
    """A court sitting every other Saturday, breaking from mid-December to February."""
    day, nights = datetime.date(2022, 1, 8), []
    while day < datetime.date(2028, 1, 1):
        if not (day.month == 1 or (day.month == 12 and day.day > 10)):
            nights.append(day)
        day += 14 * DAY
    return nights


def _room(case: exports.Dated, shift: int, nights: set[datetime.date]) -> list[tuple[int, int, int, int]]:
    """For each period a month-only file can give the referral: its days, the shifts it leaves, those
    of them putting the first hearing on a night, and the most nights the period could leave."""
    shifted, heard = case.referred_on - shift * DAY, case.heard_on - shift * DAY
    found = []
    for precision in DatePrecision:
        first, last = precision.period(case.referred_on)
        left = [s for s in range(1, exports.MAX_SHIFT_DAYS + 1) if first <= shifted + s * DAY <= last]
        on_nights = [s for s in left if heard + s * DAY in nights]
        most = sum(
            1 for n in nights if first - case.referred_on <= n - case.heard_on <= last - case.referred_on
        )
        found.append(((last - first).days + 1, len(left), len(on_nights), most))
    return found


def test_shift_leaves_every_period_room_and_the_first_hearing_among_other_nights():
    """A referral late in its period with a shift near 1 (or early in it with one near 360) left few
    shifts placing it in its period, and the hearing calendar then one: the attack in
    test_linkage_attack.py pinned such youth."""
    nights = _fortnightly_nights()
    calendar = set(nights)
    chance = random.Random(7)
    plain_draws_short = 0
    for _ in range(600):
        youth = uuid.UUID(int=chance.getrandbits(128))
        referred = datetime.date(2024, 1, 1) + chance.randrange(3 * 365) * DAY
        heard = next(n for n in nights if n >= referred + 14 * DAY)
        case = exports.Dated(referred, heard)
        shift = -exports.shift_days(KEY, youth, [case], nights)
        for days, left, on_nights, most in _room(case, shift, calendar):
            assert left >= min(exports.EDGE_DAYS, days), (referred, shift)
            assert on_nights >= min(exports.NIGHTS_LEFT, most), (referred, heard, shift)
        plain = -exports.shift_days(KEY, youth)
        plain_draws_short += any(
            left < min(exports.EDGE_DAYS, days) or on_nights < min(exports.NIGHTS_LEFT, most)
            for days, left, on_nights, most in _room(case, plain, calendar)
        )
    assert plain_draws_short > 20, "the rule must be what keeps the room, not the draw"


def test_shifted_row_moves_all_dates_of_a_youth_by_one_offset():
    case = subject()
    row = as_dict(exports.export_row(case, PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY))
    offset = exports.shift_days(KEY, YOUTH, [exports.Dated(case.referred_on, case.heard_on)]) * DAY
    assert row["referred_on"] == case.referred_on + offset
    assert row["closed_on"] == case.closed_on + offset
    assert row["followed_until"] == case.checked_until + offset
    assert row["first_arrest_on"] == datetime.date(2025, 8, 1) + offset
    assert row["first_charge_on"] == datetime.date(2025, 9, 1) + offset
    assert row["first_adjudication_on"] is None
    assert row["first_new_referral_on"] is None
    assert row["closed_on"] - row["referred_on"] == case.closed_on - case.referred_on
    assert row["first_hearing_on"] - row["intake_on"] == case.heard_on - case.intake_on
    assert row["event_count"] == 3
    later = as_dict(
        exports.export_row(
            subject(referred_on=datetime.date(2026, 2, 1)), PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY
        )
    )
    assert later["referred_on"] - row["referred_on"] == datetime.date(2026, 2, 1) - case.referred_on


def test_row_holds_categories_and_the_pseudonym():
    row = as_dict(exports.export_row(subject(), PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY))
    assert row["youth_id"] == exports.pseudonym(PSEUDONYM_KEY, YOUTH)
    assert row["program"] == "Riverside Test Court"
    assert row["age_at_referral"] == 14
    assert row["offense_class"] == "A"
    assert row["completion_status"] == "Completed"
    assert row["served_as_juror"] is True
    assert str(YOUTH) not in map(str, row.values())


def test_a_month_row_has_the_referral_month_and_whole_months_after_it():
    """One calendar month per date would tell, against the hearing nights, where a youth's dates fall."""
    row = as_dict(exports.export_row(subject(intake_on=None), PROGRAM, DateHandling.MONTH, PSEUDONYM_KEY))
    assert row["referred_on"] == "2025-01"
    assert row["intake_on"] is None
    assert row["first_hearing_on"] == 1, "41 days after the referral"
    assert row["closed_on"] == 4, "140 days"
    assert row["followed_until"] == 10, "324 days"
    assert row["first_arrest_on"] == 6, "203 days"
    assert exports.months_after(datetime.date(2025, 1, 31), datetime.date(2025, 3, 2)) == 0, "30 days"
    assert exports.coarsen(datetime.date(2024, 12, 31)) == "2024-12"
    assert exports.coarsen(None) is None


FORBIDDEN = (
    "name",
    "birth",
    "dob",
    "phone",
    "email",
    "address",
    "school",
    "reference",
    "number",
    "narrative",
)


def test_no_identifying_column_names():
    assert len(set(COLUMN_NAMES)) == len(COLUMN_NAMES)
    for column in COLUMN_NAMES:
        assert not any(word in column for word in FORBIDDEN), column
    assert "case_id" not in COLUMN_NAMES
    assert "program_id" not in COLUMN_NAMES
    for event_type in OutcomeEventType:
        assert f"first_{event_type.value}_on" in COLUMN_NAMES


def test_csv_checks_each_distinct_text_once_however_many_rows_hold_it(monkeypatch):
    """A text value is checked for a formula once per batch however many rows repeat it (the categories
    of every case), and the pseudonyms, made here, never: a check per cell was a fifth of an export."""
    checked: list[object] = []

    def counting(value):
        checked.append(value)
        return exports.spreadsheet_safe(value) if isinstance(value, str) else value

    monkeypatch.setattr(exports, "plain_text", counting)
    genders = ["=cmd", "Girl", "Boy"]
    rows = [
        exports.export_row(subject(gender=genders[n % 3]), PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY)
        for n in range(300)
    ]
    written = list(csv.reader(io.StringIO(exports.export_csv_bytes(rows).decode())))
    assert [row[COLUMN_NAMES.index("gender")] for row in written[:3]] == ["'=cmd", "Girl", "Boy"]
    assert len(written) == 300
    assert len(checked) < 20, len(checked)
    assert not any(str(value).startswith(("pseudo-", "case-")) for value in checked)


def test_csv_rows_are_spreadsheet_safe_with_plain_dates_and_booleans():
    case = subject(gender="=HYPERLINK(1)", race_ethnicity="-5", intake_on=None, served_as_juror=False)
    row = exports.export_row(case, PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY)
    text = exports.export_csv_bytes([row]).decode()
    values = dict(zip(COLUMN_NAMES, next(csv.reader(io.StringIO(text))), strict=True))
    assert values["gender"] == "'=HYPERLINK(1)"
    assert values["race_ethnicity"] == "'-5"
    assert values["served_as_juror"] == "false"
    assert values["intake_on"] == ""
    assert values["referred_on"] == row[COLUMN_NAMES.index("referred_on")].isoformat()
    assert values["age_at_referral"] == "14"
    assert next(csv.reader(io.StringIO(exports.csv_bytes([["@SUM(A1)", "ok"]]).decode()))) == [
        "'@SUM(A1)",
        "ok",
    ]


@pytest.mark.parametrize("dates", list(DateHandling))
def test_dictionary_lists_every_column_with_its_date_type(dates):
    rows = list(csv.reader(io.StringIO(exports.dictionary_csv(dates).decode())))
    assert rows[0] == ["column", "type", "meaning", "allowed_values"]
    assert [row[0] for row in rows[1:]] == list(COLUMN_NAMES)
    types = {row[0]: row[1] for row in rows[1:]}
    assert types["referred_on"] == (
        "month (YYYY-MM)" if dates is DateHandling.MONTH else "date (YYYY-MM-DD, shifted)"
    )
    assert types["age_at_referral"] == "integer"


@pytest.mark.parametrize("writer_class", [XlsxWriter, LibraryXlsxWriter], ids=["ours", "xlsxwriter"])
def test_xlsx_writer_produces_a_workbook_with_about_and_dictionary(tmp_path, writer_class):
    """Ours, and the library's that the benchmark compares it with, write the same workbook."""
    path = tmp_path / "out.xlsx"
    writer = writer_class(path, spec(ExportFormat.XLSX))
    rows = [exports.export_row(subject(), PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY) for _ in range(3)]
    writer.write(rows[:2])
    writer.write(
        [*rows[2:], exports.export_row(subject(gender="=1+1"), PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY)]
    )
    writer.close(4)

    workbook = openpyxl.load_workbook(path, read_only=True)
    assert workbook.sheetnames == ["Cases", "About this file", "Data dictionary"]
    cases = list(workbook["Cases"].iter_rows(values_only=True))
    assert cases[0] == COLUMN_NAMES
    assert len(cases) == 5
    first = dict(zip(COLUMN_NAMES, cases[1], strict=True))
    assert first["youth_id"] == exports.pseudonym(PSEUDONYM_KEY, YOUTH)
    assert first["referred_on"].date() == rows[0][COLUMN_NAMES.index("referred_on")]
    assert first["served_as_juror"] is True
    assert cases[4][COLUMN_NAMES.index("gender")] == "'=1+1"
    about = dict(workbook["About this file"].iter_rows(values_only=True))
    assert about["Rows"] == "4"
    assert about["Programs"] == "Riverside Test Court"
    assert about["Referrals received from"] == "2024-01-01"
    assert "secret" in about["Dates"]
    dictionary = list(workbook["Data dictionary"].iter_rows(values_only=True))
    assert [row[0] for row in dictionary[1:]] == list(COLUMN_NAMES)


def test_xlsx_writer_escapes_markup_drops_forbidden_characters_and_defuses_formulas(tmp_path):
    path = tmp_path / "out.xlsx"
    writer = XlsxWriter(path, spec(ExportFormat.XLSX))
    tricky = {
        "gender": "A & B <c> \"d\" 'e'",
        "race_ethnicity": "bell\x07 nul\x00 tab\there\nline \ufffe end",
        "offense_category": "@SUM(A1)",
        "offense_class": "+1",
        "source_kind": "  padded  ",
    }
    writer.write([exports.export_row(subject(**tricky), PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY)])
    writer.write(
        [
            exports.export_row(
                subject(offense_category="-2", source_kind="=HYPERLINK()"),
                PROGRAM,
                DateHandling.SHIFT,
                PSEUDONYM_KEY,
            )
        ]
    )
    writer.close(2)

    cases = list(openpyxl.load_workbook(path, read_only=True)["Cases"].iter_rows(values_only=True))
    first, second = as_dict(cases[1]), as_dict(cases[2])
    assert first["gender"] == "A & B <c> \"d\" 'e'"
    assert first["race_ethnicity"] == "bell nul tab\there\nline  end"
    assert first["offense_category"] == "'@SUM(A1)"
    assert first["offense_class"] == "'+1"
    assert first["referral_source_kind"] == "  padded  "
    assert second["offense_category"] == "'-2"
    assert second["referral_source_kind"] == "'=HYPERLINK()"
    assert exports.xml_text("a\x0bb\x1fc\r<&>") == "abc&#13;&lt;&amp;&gt;"


def test_xlsx_writer_writes_months_as_text_and_freezes_the_heading(tmp_path):
    path = tmp_path / "out.xlsx"
    writer = XlsxWriter(path, spec(ExportFormat.XLSX, DateHandling.MONTH))
    writer.write([exports.export_row(subject(closed_on=None), PROGRAM, DateHandling.MONTH, PSEUDONYM_KEY)])
    writer.close(1)

    workbook = openpyxl.load_workbook(path)
    cases = workbook["Cases"]
    assert cases.freeze_panes == "B2"
    assert cases["A1"].font.b
    row = as_dict(next(cases.iter_rows(min_row=2, values_only=True)))
    assert row["referred_on"] == "2025-01"
    assert row["closed_on"] is None
    assert row["age_at_referral"] == 14
    assert row["event_count"] == 3
    dictionary = {r[0]: r[1] for r in workbook["Data dictionary"].iter_rows(min_row=2, values_only=True)}
    assert dictionary["referred_on"] == "month (YYYY-MM)"
    with zipfile.ZipFile(path) as archive:
        assert archive.namelist()[0] == "[Content_Types].xml"
        assert archive.testzip() is None


def test_xlsx_writer_discard_releases_the_file(tmp_path):
    path = tmp_path / "out.xlsx"
    writer = XlsxWriter(path, spec(ExportFormat.XLSX))
    writer.write([exports.export_row(subject(), PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY)])
    writer.discard()
    assert writer.archive.fp is None
    assert writer.file.closed
    assert list(tmp_path.iterdir()) == [path]


@pytest.mark.parametrize("dates", list(DateHandling))
def test_parquet_writer_produces_typed_columns_with_descriptions(tmp_path, dates):
    path = tmp_path / "out.parquet"
    writer = ParquetFileWriter(path, spec(ExportFormat.PARQUET, dates))
    writer.write([exports.export_row(subject(), PROGRAM, dates, PSEUDONYM_KEY) for _ in range(2)])
    writer.write([])
    writer.write([exports.export_row(subject(uuid.uuid4(), closed_on=None), PROGRAM, dates, PSEUDONYM_KEY)])
    writer.close(3)

    parquet = pq.ParquetFile(path)
    assert parquet.metadata.num_rows == 3
    assert parquet.metadata.num_row_groups == 2
    assert parquet.metadata.metadata[b"youthcourt.rows"] == b"3"
    metadata = parquet.schema_arrow.metadata
    assert metadata[b"youthcourt.programs"] == b"Riverside Test Court"
    assert dates.label.encode() in metadata[b"youthcourt.dates"]
    field = parquet.schema_arrow.field("referred_on")
    assert b"referral was received" in field.metadata[b"description"]
    table = parquet.read().to_pylist()
    assert list(table[0]) == list(COLUMN_NAMES)
    assert table[0]["youth_id"] == exports.pseudonym(PSEUDONYM_KEY, YOUTH)
    assert table[2]["closed_on"] is None
    assert table[0]["event_count"] == 3
    if dates is DateHandling.MONTH:
        assert table[0]["referred_on"] == "2025-01"
    else:
        case = subject()
        shift = exports.shift_days(KEY, YOUTH, [exports.Dated(case.referred_on, case.heard_on)]) * DAY
        assert table[0]["referred_on"] == datetime.date(2025, 1, 10) + shift


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        (pa.string(), ["Riverside", None, "", "Peña Ñandú — 12,5", "x" * 70, None, "8"]),
        (pa.int32(), [3, None, 0, -12, 2**31 - 1, None, 7, 1, 1]),
        (
            pa.date32(),
            [datetime.date(2025, 1, 10), None, datetime.date(1969, 12, 31), datetime.date(2040, 2, 29)],
        ),
        (pa.bool_(), [True, False, None, True, True, False, False, True, True, None]),
        (pa.string(), [None, None]),
        (pa.int32(), []),
    ],
)
def test_arrow_columns_hold_the_values_pyarrow_itself_would(kind, values):
    built = arrow_columns.column(values, kind)
    built.validate(full=True)
    assert built.equals(pa.array(values, type=kind))
    assert built.to_pylist() == values


def test_a_parquet_export_does_not_import_pandas(tmp_path):
    """pandas (about 52 MiB) is not needed to write Parquet; ``pyarrow.array`` imports it to look."""
    script = f"""
import sys, uuid
sys.path[:0] = {[str(Path(__file__).resolve().parents[2])]!r}
from tests.reports.test_export_formats import *
writer = ParquetFileWriter(Path({str(tmp_path / "out.parquet")!r}), spec(ExportFormat.PARQUET, DateHandling.SHIFT))
writer.write([exports.export_row(subject(), PROGRAM, DateHandling.SHIFT, PSEUDONYM_KEY) for _ in range(3)])
writer.close(3)
print("pandas" in sys.modules, pq.ParquetFile({str(tmp_path / "out.parquet")!r}).metadata.num_rows)
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)  # noqa: S603
    assert result.stdout.split() == ["False", "3"]
