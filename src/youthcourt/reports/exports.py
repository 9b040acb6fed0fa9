"""De-identified case-level exports for researchers: one row per case, categories and dates only.

What leaves the program is decided here and nowhere else: the columns in :data:`COLUMNS`
(never a name, birth date, contact, address, school, free text, agency reference number,
case number or internal id), a pseudonymous youth id keyed with the program's secret
``research_key``, the age in years instead of the birth date, and every date either shifted
by one secret offset per youth (so intervals between a youth's dates are kept) or coarsened
to the month.

Exports of any size run in flat memory: the cohort is read in batches
(:func:`~youthcourt.reports.cohort.stream_subjects`) and each batch is written out before the
next is read: straight into the response for CSV, into a temporary file for XLSX and Parquet
(those formats need the whole file before the first byte can be sent).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import enum
import hashlib
import hmac
import io
import os
import re
import tempfile
import zipfile
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import anyio
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from youthcourt.cases.services import follow_up_days
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.reference.models import OffenseClass, SourceKind
from youthcourt.reports.cohort import WINDOWS, Cohort, Subject, granted_scope, stream_subjects
from youthcourt.web.downloads import spreadsheet_safe

PSEUDONYM_PREFIX = "pseudo-"
PSEUDONYM_LENGTH = 20
"""Hex characters of the HMAC kept in a pseudonym (80 bits: no collisions at any program's size)."""
MAX_SHIFT_DAYS = 360
BATCH_SIZE = 2000
CHUNK_SIZE = 64 * 1024
XLSX_COMPRESSLEVEL = 3
"""Fast deflate: barely larger than the default level, and written in a fraction of its time."""


class DateHandling(enum.StrEnum):
    """How the dates of a youth are de-identified."""

    SHIFT = "shift"
    MONTH = "month"

    @property
    def label(self) -> str:
        if self is DateHandling.SHIFT:
            return "Shift each youth's dates by a secret offset (intervals kept)"
        return "Coarsen dates to the month (YYYY-MM)"

    @property
    def explanation(self) -> str:
        if self is DateHandling.SHIFT:
            return (
                f"Every date of a youth is moved back by the same secret number of days, from 1 to "
                f"{MAX_SHIFT_DAYS}, derived from the program's secret key; never forward, so no date falls "
                "after the day of the export. The number of days between two dates of one youth is exact; "
                "calendar dates, weekdays and seasons are not. Rows were chosen by their true referral date, "
                f"so shifted referral dates can fall up to {MAX_SHIFT_DAYS} days before the range."
            )
        return (
            "Every date is given as its year and month only (YYYY-MM). Intervals can be estimated to "
            "within a month."
        )


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"

    @property
    def label(self) -> str:
        return {
            "csv": "CSV (any statistics package)",
            "xlsx": "Excel workbook (with the data dictionary)",
            "parquet": "Parquet (typed columns, for R, Python or Stata)",
        }[self.value]

    @property
    def media_type(self) -> str:
        return {
            "csv": "text/csv",  # Litestar adds "; charset=utf-8" to text types
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "parquet": "application/vnd.apache.parquet",
        }[self.value]


@dataclass(frozen=True)
class ProgramKey:
    """A program's name and the secret that keys its pseudonyms and date shifts (kept out of reprs)."""

    id: UUID
    name: str
    research_key: str = field(repr=False)


def _digest(research_key: str, message: str) -> bytes:
    return hmac.digest(research_key.encode(), message.encode(), hashlib.sha256)


def pseudonym(research_key: str, youth_id: UUID) -> str:
    """The youth's id in exports: the same in every export of the program, unlinkable without the key."""
    return PSEUDONYM_PREFIX + _digest(research_key, str(youth_id)).hex()[:PSEUDONYM_LENGTH]


def shift_days(research_key: str, youth_id: UUID) -> int:
    """The youth's secret date offset: 1 to MAX_SHIFT_DAYS days back, the same every time.

    Only back in time, so no shifted date falls after the export's own date (a date moved past it
    would tell how far it had moved); zero is left out so that no true date appears by chance.
    """
    value = int.from_bytes(_digest(research_key, f"shift:{youth_id}")[:8], "big") % MAX_SHIFT_DAYS
    return -(value + 1)


def coarsen(day: datetime.date | None) -> str | None:
    return day.strftime("%Y-%m") if day else None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    """``text``, ``integer``, ``boolean`` or ``date`` (a shifted date or a month, by the date handling)."""
    meaning: str
    allowed: str

    def type_label(self, dates: DateHandling) -> str:
        if self.kind != "date":
            return self.kind
        return "date (YYYY-MM-DD, shifted)" if dates is DateHandling.SHIFT else "month (YYYY-MM)"


def _event_columns() -> tuple[Column, ...]:
    return tuple(
        Column(
            f"first_{event_type.value}_on",
            "date",
            f"The first new offense of type '{event_type.label.lower()}' found after the referral.",
            "Empty when none was found (see followed_until for how far records were searched).",
        )
        for event_type in OutcomeEventType
    )


COLUMNS: tuple[Column, ...] = (
    Column(
        "youth_id",
        "text",
        "Pseudonymous id of the young person: the same youth has the same id in every export of the "
        "program; it cannot be traced back without the program's secret key, nor linked across programs.",
        f"'{PSEUDONYM_PREFIX}' followed by {PSEUDONYM_LENGTH} hexadecimal characters.",
    ),
    Column("program", "text", "The youth court program that handled the case.", "The exported programs."),
    Column(
        "age_at_referral",
        "integer",
        "Age in whole years on the day the referral was received (no birth date is exported).",
        "Whole years, typically 10 to 18.",
    ),
    Column(
        "gender", "text", "Gender as recorded by the program.", "The program's categories; 'Not recorded'."
    ),
    Column(
        "race_ethnicity",
        "text",
        "Race or ethnicity as recorded by the program.",
        "The program's categories; 'Not recorded'.",
    ),
    Column(
        "offense_class",
        "text",
        "Class of the referred offense in the program's sanction grid (A least serious).",
        ", ".join(c.value for c in OffenseClass),
    ),
    Column(
        "offense_category",
        "text",
        "Category of the referred offense (property, person, drug...).",
        "The categories of the program's offense catalog.",
    ),
    Column(
        "referral_source_kind",
        "text",
        "Kind of agency that referred the youth.",
        ", ".join(k.value for k in SourceKind),
    ),
    Column("referred_on", "date", "The day the referral was received.", "Always present."),
    Column("intake_on", "date", "The day of the intake interview.", "Empty when intake has not happened."),
    Column(
        "first_hearing_on",
        "date",
        "The night of the first hearing that was held (no-shows and postponements not counted).",
        "Empty when no hearing was held.",
    ),
    Column("closed_on", "date", "The day the case was closed.", "Empty while the case is open."),
    Column(
        "completion_status",
        "text",
        "How the case ended; analyse it apart from assignment (non-completers reoffend faster).",
        "Open, Completed, Unsuccessful, Withdrawn",
    ),
    Column(
        "served_as_juror",
        "boolean",
        "Served on a jury (present or late) on a night after the referral.",
        "true, false",
    ),
    Column(
        "followed_until",
        "date",
        "The latest completed records check that searched at least one record system: new offenses are "
        "known up to here; later time is censored, not event-free. A check that searched no record system "
        "gives no follow-up.",
        "Empty when no such check has been completed.",
    ),
    *_event_columns(),
    Column(
        "event_count",
        "integer",
        "Number of new offenses of any type found after the referral.",
        "0 or more.",
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)


@dataclass(frozen=True)
class ExportSpec:
    """Everything an export needs besides the data: what to read, how to write it, with which keys."""

    cohort: Cohort
    dates: DateHandling
    format: ExportFormat
    programs: Mapping[UUID, ProgramKey]
    created_on: datetime.date
    suppression_threshold: int = 10

    @property
    def filename(self) -> str:
        return f"youthcourt-cases-{self.created_on.isoformat()}.{self.format.value}"

    def details(self) -> dict[str, Any]:
        """The filters and choices in words, for the audit trail (nothing about any youth)."""
        names = {pid: key.name for pid, key in self.programs.items()}
        return {**self.cohort.as_details(names), "format": self.format.value, "dates": self.dates.value}

    def about(self, rows: int | None = None) -> list[tuple[str, str]]:
        """What the file holds and how it was made, for its "About this file" sheet and metadata."""
        lines = [
            ("Created", self.created_on.isoformat()),
            ("Programs", "; ".join(self.programs[pid].name for pid in self.cohort.program_ids)),
            ("Referrals received from", self.cohort.referred_from.isoformat()),
            ("Referrals received to", self.cohort.referred_to.isoformat()),
            ("One row per", "case (a youth with several cases has several rows with the same youth_id)"),
            ("Dates", f"{self.dates.label}. {self.dates.explanation}"),
            (
                "Follow-up anchor",
                "None applied: each row has the referral, first hearing and closure dates, so the clock can "
                "start at any of them. followed_until says how far records were searched; a youth followed "
                "for less than the chosen window is censored, not a success.",
            ),
            (
                "Follow-up windows",
                "Counted in days from the anchor, the same length for every youth: "
                + ", ".join(f"{months} months = {follow_up_days(months)} days" for months in WINDOWS)
                + ". An event on the window's last day is inside it.",
            ),
            (
                "Left out",
                "Names, birth dates, contact details, addresses, schools, free text, agency reference "
                "numbers, case numbers and internal record ids.",
            ),
            (
                "Publishing",
                f"Do not publish any table cell counting fewer than {self.suppression_threshold} youth, nor "
                "one from which such a cell could be worked out.",
            ),
        ]
        if rows is not None:
            lines.append(("Rows", str(rows)))
        return lines


def export_row(subject: Subject, program: ProgramKey, dates: DateHandling) -> tuple[Any, ...]:
    """One case as the export's row, in :data:`COLUMN_NAMES` order."""
    if dates is DateHandling.SHIFT:
        offset = datetime.timedelta(days=shift_days(program.research_key, subject.youth_id))

        def when(day: datetime.date | None) -> Any:
            return day + offset if day else None
    else:
        when = coarsen
    first: dict[OutcomeEventType, datetime.date] = {}
    for occurred_on, event_type in subject.events:
        first.setdefault(event_type, occurred_on)
    return (
        pseudonym(program.research_key, subject.youth_id),
        program.name,
        subject.age,
        subject.gender,
        subject.race_ethnicity,
        subject.offense_class,
        subject.offense_category,
        subject.source_kind,
        when(subject.referred_on),
        when(subject.intake_on),
        when(subject.heard_on),
        when(subject.closed_on),
        subject.completion,
        subject.served_as_juror,
        when(subject.checked_until),
        *(when(first.get(event_type)) for event_type in OutcomeEventType),
        len(subject.events),
    )


def plain_text(value: Any) -> Any:
    """Text that a spreadsheet could run as a formula (``=``, ``+``, ``-``, ``@``) is kept as text."""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows of text as CSV (RFC 4180), safe to open in a spreadsheet."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([plain_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode()


_TEXT_AT = tuple(index for index, column in enumerate(COLUMNS) if column.kind == "text")
_BOOLEAN_AT = tuple(index for index, column in enumerate(COLUMNS) if column.kind == "boolean")


def export_csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """Export rows as CSV: dates as YYYY-MM-DD, booleans as true/false, empty for none.

    Only the text columns can hold a spreadsheet formula, so only they are checked
    (this runs for every row of an export of any size).
    """
    lines = []
    for row in rows:
        values = list(row)
        for index in _TEXT_AT:
            values[index] = plain_text(values[index])
        for index in _BOOLEAN_AT:
            values[index] = "true" if values[index] else "false"
        lines.append(values)
    buffer = io.StringIO()
    csv.writer(buffer).writerows(lines)
    return buffer.getvalue().encode()


def dictionary_rows(dates: DateHandling) -> list[tuple[str, str, str, str]]:
    return [(c.name, c.type_label(dates), c.meaning, c.allowed) for c in COLUMNS]


def dictionary_csv(dates: DateHandling) -> bytes:
    return csv_bytes([("column", "type", "meaning", "allowed_values"), *dictionary_rows(dates)])


_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NEEDS_ESCAPING = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_BOLD, _DATE = 1, 2
"""Cell styles of :data:`_STYLES`: index 0 is the default."""
_STYLES = (
    f'{_XML_DECLARATION}<styleSheet xmlns="{_MAIN_NS}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_FROZEN_HEADING = (
    '<sheetViews><sheetView tabSelected="1" workbookViewId="0">'
    '<pane xSplit="1" ySplit="1" topLeftCell="B2" activePane="bottomRight" state="frozen"/>'
    '<selection pane="topRight"/><selection pane="bottomLeft"/>'
    '<selection pane="bottomRight" activeCell="B2" sqref="B2"/></sheetView></sheetViews>'
)


def _column_letter(index: int) -> str:
    """The letters of a 0-based column index: A..Z, AA..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS = tuple(_column_letter(index) for index in range(26 * 27))
"""A to ZZ: more columns than any sheet here has."""


def xml_text(value: str) -> str:
    """Text as XML 1.0 character data: markup escaped, characters XML cannot hold at all removed."""
    if _NEEDS_ESCAPING.search(value) is None:
        return value
    return _XML_FORBIDDEN.sub("", value).translate(_XML_ESCAPES)


def _text_cell(reference: str, value: Any, style: str) -> str:
    text = xml_text(plain_text(str(value)))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f'<c r="{reference}"{style} t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _number_cell(reference: str, value: float, style: str) -> str:
    return f'<c r="{reference}"{style}><v>{value!r}</v></c>'


def _boolean_cell(reference: str, value: bool, style: str) -> str:
    return f'<c r="{reference}"{style} t="b"><v>{int(value)}</v></c>'


def _date_cell(reference: str, value: datetime.date, style: str) -> str:
    """A date as the spreadsheet's day number, shown as YYYY-MM-DD."""
    return f'<c r="{reference}" s="{_DATE}"><v>{value.toordinal() - _EXCEL_EPOCH}</v></c>'


CellWriter = Callable[[str, Any, str], str]
_CELL_WRITERS: dict[type, CellWriter] = {
    str: _text_cell,
    int: _number_cell,
    float: _number_cell,
    bool: _boolean_cell,
    datetime.date: _date_cell,
}


def _cell_writer(value: Any) -> CellWriter:
    """How a value is written: by its exact type first (fast, once per cell), else by what it is."""
    writer = _CELL_WRITERS.get(type(value))
    if writer is not None:
        return writer
    if isinstance(value, bool):
        return _boolean_cell
    if isinstance(value, int | float):
        return _number_cell
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return _date_cell
    return _text_cell


def sheet_rows(rows: Iterable[Sequence[Any]], first: int, style: int = 0) -> str:
    """Rows as ``<row>`` elements numbered from ``first``; empty values get no cell at all.

    Numbers and dates are written as numbers, booleans as booleans, anything else as text
    (kept from running as a formula, see :func:`plain_text`).
    """
    styled = f' s="{style}"' if style else ""
    parts = []
    for number, row in enumerate(rows, first):
        parts.append(f'<row r="{number}">')
        parts.extend(
            _cell_writer(value)(f"{letter}{number}", value, styled)
            for letter, value in zip(_LETTERS, row, strict=False)
            if value is not None
        )
        parts.append("</row>")
    return "".join(parts)


def _sheet(rows: str) -> str:
    return f'{_XML_DECLARATION}<worksheet xmlns="{_MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'


SHEET_NAMES = ("Cases", "About this file", "Data dictionary")


def _package_parts() -> dict[str, str]:
    """The parts around the sheets: the content types, the relationships and the workbook itself."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for number in range(1, len(SHEET_NAMES) + 1)
    )
    sheets = "".join(
        f'<sheet name="{xml_text(name)}" sheetId="{number}" r:id="rId{number}"/>'
        for number, name in enumerate(SHEET_NAMES, 1)
    )
    sheet_relations = "".join(
        f'<Relationship Id="rId{number}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{number}.xml"/>'
        for number in range(1, len(SHEET_NAMES) + 1)
    )
    return {
        "[Content_Types].xml": (
            f'{_XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_REL_NS}">'
            f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'{_XML_DECLARATION}<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}">'
            f"<sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML_DECLARATION}<Relationships xmlns="{_PACKAGE_REL_NS}">{sheet_relations}'
            f'<Relationship Id="rId{len(SHEET_NAMES) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
    }


class XlsxWriter:
    """A workbook written straight into its zip as rows come: the cases, what the file is, the dictionary.

    The parts are written by hand (inline strings, no shared-string table) so that a row costs
    a few string operations: a general spreadsheet library spends most of an export's time on
    per-cell objects. The package parts and the dictionary go first (``[Content_Types].xml``
    leads the zip, as file-type sniffers expect), then the Cases sheet stays open while batches
    arrive, and the "About this file" sheet, which counts the rows, closes the file.
    """

    def __init__(self, path: Path, spec: ExportSpec) -> None:
        self.path = path
        self.spec = spec
        self.file = path.open("wb")
        self.archive = zipfile.ZipFile(self.file, "w", zipfile.ZIP_DEFLATED, compresslevel=XLSX_COMPRESSLEVEL)
        for name, text in _package_parts().items():
            self.archive.writestr(name, text)
        dictionary = sheet_rows([("column", "type", "meaning", "allowed_values")], 1, _BOLD) + sheet_rows(
            dictionary_rows(spec.dates), 2
        )
        self.archive.writestr("xl/worksheets/sheet3.xml", _sheet(dictionary))
        self.cases = self.archive.open("xl/worksheets/sheet1.xml", "w")
        self.next_row = 2
        self.cases.write(
            f'{_XML_DECLARATION}<worksheet xmlns="{_MAIN_NS}">{_FROZEN_HEADING}<sheetData>'.encode()
            + sheet_rows([COLUMN_NAMES], 1, _BOLD).encode()
        )

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        self.cases.write(sheet_rows(rows, self.next_row).encode())
        self.next_row += len(rows)

    def close(self, row_count: int) -> None:
        self.cases.write(b"</sheetData></worksheet>")
        self.cases.close()
        self.archive.writestr("xl/worksheets/sheet2.xml", _sheet(sheet_rows(self.spec.about(row_count), 1)))
        self.archive.close()
        self.file.close()

    def discard(self) -> None:
        """An export that stopped half-way: let go of the file (the caller removes it)."""
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            self.cases.close()
        with contextlib.suppress(OSError, ValueError, RuntimeError):
            self.archive.close()
        self.file.close()


def parquet_schema(spec: ExportSpec) -> pa.Schema:
    """Typed columns, each with its meaning; the file's own metadata says how it was made."""
    date_type = pa.date32() if spec.dates is DateHandling.SHIFT else pa.string()
    kinds = {"text": pa.string(), "integer": pa.int32(), "boolean": pa.bool_(), "date": date_type}
    fields = [
        pa.field(
            column.name,
            kinds[column.kind],
            metadata={
                "description": column.meaning,
                "type": column.type_label(spec.dates),
                "allowed_values": column.allowed,
            },
        )
        for column in COLUMNS
    ]
    about = {f"youthcourt.{label.lower().replace(' ', '_')}": text for label, text in spec.about()}
    return pa.schema(fields, metadata=about)


class ParquetFileWriter:
    """One row group per batch, so only a batch is ever in memory."""

    def __init__(self, path: Path, spec: ExportSpec) -> None:
        self.path = path
        self.spec = spec
        self.schema = parquet_schema(spec)
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd")

    def write(self, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        columns = [list(values) for values in zip(*rows, strict=True)]
        self.writer.write_table(pa.Table.from_arrays(columns, schema=self.schema))

    def close(self, row_count: int) -> None:
        self.writer.add_key_value_metadata({"youthcourt.rows": str(row_count)})
        self.writer.close()

    def discard(self) -> None:
        self.writer.close()


@dataclass
class Progress:
    """How far an export got: the rows written, and whether the whole file went out."""

    rows: int = 0
    finished: bool = False


FileWriter = Callable[[Path, ExportSpec], "XlsxWriter | ParquetFileWriter"]
FILE_WRITERS: dict[ExportFormat, FileWriter] = {
    ExportFormat.XLSX: XlsxWriter,
    ExportFormat.PARQUET: ParquetFileWriter,
}


async def _rows(
    session_maker: async_sessionmaker[AsyncSession], spec: ExportSpec, progress: Progress
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The export's rows in batches, read in a session of the export's own.

    The body of a streamed response is produced after the request's session is closed, so
    the export opens its own, and enters the cohort's scope around each read (never across
    a ``yield``, so the scope cannot leak into whatever runs between batches).
    """
    async with session_maker() as session:
        batches = stream_subjects(session, spec.cohort, BATCH_SIZE)
        try:
            while True:
                with granted_scope(spec.cohort):
                    batch = await anext(batches, None)
                if batch is None:
                    return
                rows = [export_row(s, spec.programs[s.program_id], spec.dates) for s in batch]
                progress.rows += len(rows)
                yield rows
        finally:
            with granted_scope(spec.cohort):
                await batches.aclose()


async def export_chunks(
    session_maker: async_sessionmaker[AsyncSession], spec: ExportSpec, progress: Progress
) -> AsyncIterator[bytes]:
    """The file's bytes, as they become ready. ``progress`` counts the rows and says if it finished."""
    if spec.format is ExportFormat.CSV:
        yield csv_bytes([COLUMN_NAMES])
        async for rows in _rows(session_maker, spec, progress):
            yield export_csv_bytes(rows)
        progress.finished = True
        return
    handle, name = tempfile.mkstemp(prefix="youthcourt-export-", suffix=f".{spec.format.value}")
    os.close(handle)
    path = Path(name)
    writer = None
    try:
        writer = FILE_WRITERS[spec.format](path, spec)
        # Writing is CPU work: off the event loop, so other requests are served meanwhile.
        async for rows in _rows(session_maker, spec, progress):
            await anyio.to_thread.run_sync(writer.write, rows)
        await anyio.to_thread.run_sync(writer.close, progress.rows)
        async with await anyio.open_file(path, "rb") as file:
            while chunk := await file.read(CHUNK_SIZE):
                yield chunk
        progress.finished = True
    finally:
        if writer is not None and not progress.finished:
            writer.discard()
        # Synchronous on purpose: a cancelled export still removes its file.
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)
