"""Comparison groups: reading, checking and importing the de-identified CSV files evaluators upload.

Youth processed elsewhere (regular court, another diversion program) are the yardstick for the
program's own outcomes. Their records arrive as a CSV file from another agency. A file is
imported whole or not at all: every row is checked first, and any problem refuses the whole
file with a list of what to fix, row by row, so a half-imported group can never skew a report.

Only the columns named in :data:`COLUMNS` are accepted. Anything else is refused rather than
ignored, because an extra column (a name, a birth date, a case number) may identify someone.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.outcomes.models import OutcomeEventType
from youthcourt.programs.scoping import OutOfScopeError, current_scope
from youthcourt.reference.models import OffenseClass
from youthcourt.referrals.forms import MAX_PRIOR
from youthcourt.referrals.uploads import clean_title
from youthcourt.reports.models import ComparisonEvent, ComparisonImport, ComparisonRecord
from youthcourt.web.i18n import N_, gettext, ngettext

MAX_BYTES = 10 * 1024 * 1024
"""The largest file accepted: 10 MB, room for :data:`MAX_ROWS` rows with all columns and a few events each."""
MAX_REQUEST_BYTES = MAX_BYTES + 64 * 1024
"""The upload route's body limit: the file plus the form's other fields; more gets a 413."""
MAX_ROWS = 50_000
MAX_PROBLEMS_SHOWN = 100
"""Row problems listed on the page; the rest are only counted (the same mistake usually repeats)."""
MAX_LABELS_LENGTH = 400
"""The group labels of one file, joined with ", ", must fit ``ComparisonImport.group_labels``."""
INSERT_BATCH = 5_000
MIN_AGE, MAX_AGE = 10, 25
MAX_ID, MAX_GROUP, MAX_GENDER, MAX_RACE = 64, 80, 40, 80
LABEL_SEPARATOR = ", "

EVENT_TYPES = ", ".join(t.value for t in OutcomeEventType)
TOO_LARGE = N_("The file is larger than %(max)s MB. Split it into several files by group.")
EMPTY = N_("The file is empty. Choose the CSV file again.")
NO_FILE = N_("Choose a CSV file to import.")
RACE_LOST = N_(
    "Another import of the same group was saved a moment ago; nothing from this file was imported."
)
SAVE_AS_CSV = N_('In your spreadsheet, use "Save as" and choose "CSV UTF-8 (comma delimited)".')
BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (
        b"PK\x03\x04",
        N_(
            "This file is a spreadsheet workbook (Excel, LibreOffice or Numbers), not a CSV file. %(save_as)s"
        ),
    ),
    (
        b"\xd0\xcf\x11\xe0",
        N_("This file is a spreadsheet workbook (an older Excel file), not a CSV file. %(save_as)s"),
    ),
    (b"%PDF-", N_("This file is a PDF document, not a CSV file. %(save_as)s")),
    (b"\x89PNG", N_("This file is an image, not a CSV file. %(save_as)s")),
    (b"\xff\xd8\xff", N_("This file is an image, not a CSV file. %(save_as)s")),
)
"""What a file that is not text turns out to be, by its first bytes, and what to do."""

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_EXTERNAL_ID = re.compile(r"[A-Za-z0-9_-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Column:
    """One accepted column, described for the page that explains the format."""

    name: str
    required: bool
    meaning: str
    """Marked for the catalog, with ``%(name)s`` placeholders filled from :data:`LIMITS`."""
    example: str

    def description(self) -> str:
        """What the column holds, in the reader's language (its name and example stay as a file writes them)."""
        return gettext(self.meaning, **LIMITS)


LIMITS = {
    "max_id": MAX_ID,
    "max_group": MAX_GROUP,
    "max_gender": MAX_GENDER,
    "max_race": MAX_RACE,
    "min_age": MIN_AGE,
    "max_age": MAX_AGE,
    "max_prior": MAX_PRIOR,
    "event_types": EVENT_TYPES,
}
"""The numbers and codes the columns' descriptions name."""
COLUMNS: tuple[Column, ...] = (
    Column(
        "id", True, N_("The source's de-identified id: 1 to %(max_id)s letters, digits, - or _."), "RC-0042"
    ),
    Column(
        "group", True, N_("The comparison group, 1 to %(max_group)s characters, no commas."), "Regular court"
    ),
    Column(
        "anchor_date",
        True,
        N_("When the clock starts (referral, hearing or case closure), YYYY-MM-DD."),
        "2024-03-14",
    ),
    Column(
        "followed_until",
        True,
        N_(
            "How far the youth's records were searched, YYYY-MM-DD: on or after anchor_date, not in the future."
        ),
        "2025-03-14",
    ),
    Column(
        "events",
        True,
        N_(
            "New offenses found, as DATE:TYPE separated by ; (may be empty), for example "
            "2024-09-02:arrest;2024-10-15:charge. TYPE is one of %(event_types)s; "
            "each date on or after anchor_date and not after followed_until."
        ),
        "2024-09-02:arrest",
    ),
    Column("age", False, N_("Age in whole years at the anchor date, %(min_age)s to %(max_age)s."), "15"),
    Column("gender", False, N_("A short category, at most %(max_gender)s characters."), "Female"),
    Column(
        "race_ethnicity",
        False,
        N_("A short category, at most %(max_race)s characters."),
        "Hispanic or Latino",
    ),
    Column("offense_class", False, N_("The offense class, A to D."), "A"),
    Column(
        "prior_police_contacts",
        False,
        N_("Earlier police contacts, a whole number up to %(max_prior)s."),
        "0",
    ),
    Column("prior_diversions", False, N_("Earlier diversions, a whole number up to %(max_prior)s."), "0"),
    Column(
        "prior_adjudications", False, N_("Earlier adjudications, a whole number up to %(max_prior)s."), "0"
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
REQUIRED_COLUMNS = tuple(c.name for c in COLUMNS if c.required)

EXAMPLE_ROWS = (
    (
        "RC-0001",
        "Regular court",
        "2024-01-15",
        "2025-01-15",
        "",
        "15",
        "Female",
        "Hispanic or Latino",
        "A",
        "0",
        "0",
        "0",
    ),
    (
        "RC-0002",
        "Regular court",
        "2024-02-03",
        "2025-02-03",
        "2024-06-10:arrest;2024-07-02:charge",
        "16",
        "Male",
        "Black",
        "B",
        "2",
        "1",
        "0",
    ),
    (
        "RC-0003",
        "Regular court",
        "2024-03-20",
        "2024-12-31",
        "2024-11-05:new_referral",
        "14",
        "",
        "",
        "",
        "",
        "",
        "",
    ),
    (
        "DP-17",
        "Diversion program",
        "2024-04-02",
        "2025-04-02",
        "2025-01-20:adjudication",
        "17",
        "Male",
        "White",
        "C",
        "1",
        "0",
        "1",
    ),
)


class FileRejected(ValueError):
    """The upload cannot be read as a CSV file at all; the message says why and what to do, in the
    active language."""


@dataclass(frozen=True)
class Problem:
    """Something wrong in the file: in one cell, one row, or the file as a whole."""

    message: str
    row: int | None = None
    """The row as a spreadsheet numbers it: the header is row 1."""
    column: str | None = None

    def __str__(self) -> str:
        """Where and what, in the active language (the message was written in it when found)."""
        if self.row is not None and self.column:
            return gettext(
                "Row %(row)s, %(column)s: %(problem)s", row=self.row, column=self.column, problem=self.message
            )
        if self.row is not None:
            return gettext("Row %(row)s: %(problem)s", row=self.row, problem=self.message)
        if self.column:
            return gettext("Column %(column)s: %(problem)s", column=self.column, problem=self.message)
        return self.message


@dataclass
class Problems:
    """Every problem is counted; only the first :data:`MAX_PROBLEMS_SHOWN` row problems are kept."""

    general: list[Problem] = field(default_factory=list)
    """About the file as a whole (header, size, groups already imported): always shown."""
    rows: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        if problem.row is None:
            self.general.append(problem)
        elif len(self.rows) < MAX_PROBLEMS_SHOWN:
            self.rows.append(problem)

    @property
    def shown(self) -> list[Problem]:
        return [*self.general, *self.rows]

    @property
    def hidden(self) -> int:
        return self.total - len(self.general) - len(self.rows)

    def __bool__(self) -> bool:
        return self.total > 0


@dataclass(frozen=True)
class Event:
    occurred_on: datetime.date
    event_type: OutcomeEventType


@dataclass(frozen=True)
class Row:
    """One comparison youth, checked and ready to insert."""

    external_id: str
    group_label: str
    anchor_on: datetime.date
    followed_until: datetime.date
    events: tuple[Event, ...] = ()
    age_years: int | None = None
    gender: str = ""
    race_ethnicity: str = ""
    offense_class: OffenseClass | None = None
    prior: tuple[int | None, int | None, int | None] = (None, None, None)
    """Earlier police contacts, diversions and adjudications (None: not in the file)."""


@dataclass
class CheckedFile:
    rows: list[Row] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    labels: list[str] = field(default_factory=list)
    """The group labels, in the order they first appear."""

    @property
    def is_valid(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def joined_labels(self) -> str:
        return LABEL_SEPARATOR.join(self.labels)


class CellError(ValueError):
    pass


# Reading the upload --------------------------------------------------------------------------------------


async def read_upload(upload: Any) -> bytes:
    """The uploaded file's bytes (a Litestar ``UploadFile``), refused beyond :data:`MAX_BYTES`."""
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileRejected(gettext(TOO_LARGE, max=MAX_BYTES // (1024 * 1024)))
    return data


def decode(raw: bytes) -> str:
    """The file as text, or :class:`FileRejected` saying what it is instead (a workbook, binary, not UTF-8)."""
    save_as = gettext(SAVE_AS_CSV)
    if not raw.strip():
        raise FileRejected(gettext(EMPTY))
    for signature, message in BINARY_SIGNATURES:
        if raw.startswith(signature):
            raise FileRejected(gettext(message, save_as=save_as))
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRejected(
            gettext("The file is saved as UTF-16 text; it must be UTF-8. %(save_as)s", save_as=save_as)
        )
    if b"\x00" in raw:
        raise FileRejected(gettext("This is a binary file, not a CSV file. %(save_as)s", save_as=save_as))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FileRejected(
            gettext(
                "The file is not UTF-8 text (the first character that is not is on line %(line)s). %(save_as)s",
                line=line,
                save_as=save_as,
            )
        ) from None


# Checking the rows ---------------------------------------------------------------------------------------


def check(text: str, today: datetime.date) -> CheckedFile:
    """Check every row of a decoded file; ``today`` is the program's date (``followed_until`` limit)."""
    result = CheckedFile()
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        columns = _header(header or [], result.problems)
        if columns is None:
            return result
        _rows(reader, columns, today, result)
    except csv.Error as error:
        result.problems.add(
            Problem(
                gettext(
                    "The file could not be read as CSV (%(error)s); check the quotes on this line.",
                    error=error,
                ),
                reader.line_num,
            )
        )
    _check_labels(result)
    return result


def _header(cells: list[str], problems: Problems) -> list[str | None] | None:
    """The column each position holds (``None`` for unknown ones), or ``None`` when rows cannot be read."""
    names = [cell.strip().lower() for cell in cells]
    if not any(names):
        problems.add(
            Problem(
                gettext(
                    "The file has no header row. The first row must name the columns: %(columns)s.",
                    columns=", ".join(COLUMN_NAMES),
                )
            )
        )
        return None
    if len(names) == 1 and ";" in names[0]:
        problems.add(
            Problem(
                gettext(
                    "The columns are separated by semicolons; they must be separated by commas. %(save_as)s",
                    save_as=gettext(SAVE_AS_CSV),
                )
            )
        )
        return None
    unknown = [name for name in names if name and name not in COLUMN_NAMES]
    if unknown:
        listed = ", ".join(f'"{_shorten(name)}"' for name in unknown)
        problems.add(
            Problem(
                ngettext(
                    "Unknown column %(columns)s: remove it. Only the columns described on this page are "
                    "accepted, so that nothing identifying is imported by mistake.",
                    "Unknown columns %(columns)s: remove them. Only the columns described on this page are "
                    "accepted, so that nothing identifying is imported by mistake.",
                    len(unknown),
                    columns=listed,
                )
            )
        )
    for position, name in enumerate(names, start=1):
        if not name:
            problems.add(
                Problem(
                    gettext(
                        "Column %(position)s of the header has no name: remove the empty column.",
                        position=position,
                    )
                )
            )
    duplicates = sorted({name for name in names if name and names.count(name) > 1})
    for name in duplicates:
        problems.add(Problem(gettext('The header names the column "%(name)s" more than once.', name=name)))
    missing = [name for name in REQUIRED_COLUMNS if name not in names]
    if missing:
        problems.add(
            Problem(
                ngettext(
                    "The header has no %(missing)s column. Every file needs %(required)s.",
                    "The header has no %(missing)s columns. Every file needs %(required)s.",
                    len(missing),
                    missing=", ".join(missing),
                    required=", ".join(REQUIRED_COLUMNS),
                )
            )
        )
    if missing or duplicates:
        return None
    return [name if name in COLUMN_NAMES else None for name in names]


def _rows(reader: Any, columns: list[str | None], today: datetime.date, result: CheckedFile) -> None:
    first_row_of: dict[tuple[str, str], int] = {}
    counted = 0
    for number, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        counted += 1
        if counted > MAX_ROWS:
            result.problems.add(
                Problem(
                    gettext(
                        "The file has more than %(max)s rows. Split it into several files by group.",
                        max=f"{MAX_ROWS:,}",
                    )
                )
            )
            return
        if len(cells) != len(columns):
            result.problems.add(
                Problem(
                    gettext(
                        "The row has %(values)s values but the header names %(columns)s columns.",
                        values=len(cells),
                        columns=len(columns),
                    ),
                    number,
                )
            )
            continue
        values = {name: cell.strip() for name, cell in zip(columns, cells, strict=True) if name}
        row = _row(number, values, today, result)
        if row is None:
            continue
        key = (row.group_label, row.external_id)
        if key in first_row_of:
            result.problems.add(
                Problem(
                    gettext(
                        '"%(id)s" appears twice in group "%(group)s" (first on row %(row)s).',
                        id=row.external_id,
                        group=row.group_label,
                        row=first_row_of[key],
                    ),
                    number,
                    "id",
                )
            )
            continue
        first_row_of[key] = number
        result.rows.append(row)
    if counted == 0 and not result.problems:
        result.problems.add(Problem(gettext("The file has a header but no rows under it.")))


def _row(number: int, values: dict[str, str], today: datetime.date, result: CheckedFile) -> Row | None:
    """The row as a :class:`Row`, or ``None`` after recording each of its cells' problems."""
    failed = False

    def cell(column: str, parse: Any, *args: Any) -> Any:
        nonlocal failed
        try:
            return parse(values.get(column, ""), *args)
        except CellError as error:
            failed = True
            result.problems.add(Problem(str(error), number, column))
            return None

    external_id = cell("id", _external_id)
    group = cell("group", _group)
    if group and group not in result.labels:
        result.labels.append(group)
    anchor = cell("anchor_date", _date)
    followed = cell("followed_until", _followed_until, anchor, today)
    events = cell("events", _events, anchor, followed)
    age = cell("age", _age)
    gender = cell("gender", _category, MAX_GENDER)
    race = cell("race_ethnicity", _category, MAX_RACE)
    offense_class = cell("offense_class", _offense_class)
    prior = tuple(cell(column, _prior) for column in PRIOR_COLUMNS)
    if failed:
        return None
    return Row(external_id, group, anchor, followed, events, age, gender, race, offense_class, prior)


def _check_labels(result: CheckedFile) -> None:
    if len(result.joined_labels) > MAX_LABELS_LENGTH:
        result.problems.add(
            Problem(
                gettext(
                    "The file holds %(groups)s groups whose labels together are longer than %(max)s characters. "
                    "Import fewer groups per file, or use shorter labels.",
                    groups=len(result.labels),
                    max=MAX_LABELS_LENGTH,
                )
            )
        )


# One cell each -------------------------------------------------------------------------------------------


def _shorten(value: str, length: int = 40) -> str:
    return value if len(value) <= length else value[: length - 1] + "…"


def _external_id(value: str) -> str:
    if not value:
        raise CellError(gettext("Enter the record's id."))
    if len(value) > MAX_ID:
        raise CellError(gettext("The id is longer than %(max)s characters.", max=MAX_ID))
    if not _EXTERNAL_ID.fullmatch(value):
        raise CellError(gettext('"%(value)s" may hold only letters, digits, - and _.', value=_shorten(value)))
    return value


LONGER_THAN = {
    "group label": N_("The group label is longer than %(max)s characters."),
    "category": N_("The category is longer than %(max)s characters."),
}
NOT_ONE_LINE = {
    "group label": N_("The group label must be one line of text."),
    "category": N_("The category must be one line of text."),
}


def _one_line(value: str, label: str, length: int) -> str:
    if len(value) > length:
        raise CellError(gettext(LONGER_THAN[label], max=length))
    if _CONTROL.search(value):
        raise CellError(gettext(NOT_ONE_LINE[label]))
    return value


def _group(value: str) -> str:
    if not value:
        raise CellError(gettext("Enter the group's label, for example Regular court."))
    _one_line(value, "group label", MAX_GROUP)
    if "," in value:
        raise CellError(gettext('"%(value)s" contains a comma; group labels may not.', value=_shorten(value)))
    return value


def _category(value: str, length: int) -> str:
    return _one_line(value, "category", length)


def _date(value: str) -> datetime.date:
    if not value:
        raise CellError(gettext("Enter a date as YYYY-MM-DD."))
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CellError(
            gettext('"%(value)s" is not a date as YYYY-MM-DD, for example 2024-03-14.', value=_shorten(value))
        ) from None


def _followed_until(value: str, anchor: datetime.date | None, today: datetime.date) -> datetime.date:
    day = _date(value)
    if anchor and day < anchor:
        raise CellError(gettext("%(day)s is before anchor_date (%(anchor)s).", day=day, anchor=anchor))
    if day > today:
        raise CellError(
            gettext("%(day)s is in the future: enter the date up to which records were searched.", day=day)
        )
    return day


def _events(value: str, anchor: datetime.date | None, followed: datetime.date | None) -> tuple[Event, ...]:
    events = []
    for piece in (p.strip() for p in value.split(";")):
        if not piece:
            continue
        day_text, colon, type_text = piece.partition(":")
        if not colon:
            raise CellError(
                gettext('"%(value)s" is not DATE:TYPE, for example 2024-09-02:arrest.', value=_shorten(piece))
            )
        try:
            event_type = OutcomeEventType(type_text.strip().lower())
        except ValueError:
            raise CellError(
                gettext(
                    '"%(value)s": the type must be one of %(types)s.',
                    value=_shorten(piece),
                    types=EVENT_TYPES,
                )
            ) from None
        day = _date(day_text.strip())
        if anchor and day < anchor:
            raise CellError(gettext("%(day)s is before anchor_date (%(anchor)s).", day=piece, anchor=anchor))
        if followed and day > followed:
            raise CellError(
                gettext(
                    "%(event)s is after followed_until (%(followed)s): records were searched only until then.",
                    event=piece,
                    followed=followed,
                )
            )
        events.append(Event(day, event_type))
    return tuple(events)


def _age(value: str) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise CellError(gettext('"%(value)s" is not a whole number of years.', value=_shorten(value)))
    age = int(value)
    if not MIN_AGE <= age <= MAX_AGE:
        raise CellError(
            gettext("%(age)s is outside %(min)s to %(max)s years.", age=age, min=MIN_AGE, max=MAX_AGE)
        )
    return age


PRIOR_COLUMNS = ("prior_police_contacts", "prior_diversions", "prior_adjudications")


def _prior(value: str) -> int | None:
    if not value:
        return None
    if not value.isascii() or not value.isdigit() or int(value) > MAX_PRIOR:
        raise CellError(
            gettext(
                '"%(value)s" is not a whole number from 0 to %(max)s.', value=_shorten(value), max=MAX_PRIOR
            )
        )
    return int(value)


def _offense_class(value: str) -> OffenseClass | None:
    if not value:
        return None
    try:
        return OffenseClass(value.upper())
    except ValueError:
        raise CellError(
            gettext(
                '"%(value)s" is not an offense class: use A, B, C or D, or leave it empty.',
                value=_shorten(value),
            )
        ) from None


def example_csv() -> str:
    """A small file in the accepted format, offered as a template (made-up records)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMN_NAMES)
    writer.writerows(EXAMPLE_ROWS)
    return out.getvalue()


# The database --------------------------------------------------------------------------------------------


async def already_imported(db: AsyncSession, labels: list[str]) -> list[Problem]:
    """One problem for each label the program already holds: a group is replaced by deleting its import."""
    if not labels or len(LABEL_SEPARATOR.join(labels)) > MAX_LABELS_LENGTH:
        return []
    found = await db.execute(
        select(ComparisonRecord.group_label, ComparisonImport.file_name)
        .join(ComparisonImport, ComparisonImport.id == ComparisonRecord.import_id)
        .where(ComparisonRecord.group_label.in_(labels))
        .distinct()
    )
    sources = dict(found.all())
    return [
        Problem(
            gettext(
                'The group "%(group)s" is already imported (from %(file)s). Delete that import first.',
                group=label,
                file=sources[label],
            )
        )
        for label in labels
        if label in sources
    ]


async def save(
    db: AsyncSession, checked: CheckedFile, *, program_id: UUID, uploaded_by_id: UUID | None, file_name: str
) -> ComparisonImport:
    """Insert the import, its records and their events in the caller's transaction, in batches.

    Bulk inserts bypass the flush-time scope check, so the program is checked here instead.
    """
    scope = current_scope()
    if scope is not None and not scope.allows(program_id):
        raise OutOfScopeError("A comparison import would be written into a program outside the current scope")
    imported = ComparisonImport(
        program_id=program_id,
        file_name=file_name,
        row_count=len(checked.rows),
        group_labels=checked.joined_labels,
        uploaded_by_id=uploaded_by_id,
    )
    db.add(imported)
    await db.flush()
    now = datetime.datetime.now(datetime.UTC)
    stamps = {"created_at": now, "updated_at": now}
    records: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for row in checked.rows:
        record_id = uuid4()
        records.append(
            {
                "id": record_id,
                "program_id": program_id,
                "import_id": imported.id,
                "external_id": row.external_id,
                "group_label": row.group_label,
                "anchor_on": row.anchor_on,
                "followed_until": row.followed_until,
                "age_years": row.age_years,
                "gender": row.gender,
                "race_ethnicity": row.race_ethnicity,
                "offense_class": row.offense_class,
                **dict(zip(PRIOR_COLUMNS, row.prior, strict=True)),
                **stamps,
            }
        )
        events.extend(
            {
                "program_id": program_id,
                "record_id": record_id,
                "occurred_on": event.occurred_on,
                "event_type": event.event_type,
                **stamps,
            }
            for event in row.events
        )
    await _insert(db, ComparisonRecord, records)
    await _insert(db, ComparisonEvent, events)
    return imported


async def _insert(db: AsyncSession, model: type[Any], rows: list[dict[str, Any]]) -> None:
    """An executemany per batch into the table itself: the ORM would split rows by which cells are empty."""
    for start in range(0, len(rows), INSERT_BATCH):
        await db.execute(insert(model.__table__), rows[start : start + INSERT_BATCH])


def trail_details(imported: ComparisonImport) -> dict[str, Any]:
    """What the audit trail keeps of an import: never its rows."""
    return {
        "file_name": imported.file_name,
        "row_count": imported.row_count,
        "group_labels": imported.group_labels.split(LABEL_SEPARATOR),
    }


@dataclass(frozen=True)
class Upload:
    """What importing an uploaded file came to: the import, or why nothing was imported."""

    file_name: str = ""
    rejected: str = ""
    """Why the upload could not be read as a CSV file at all; empty when it could."""
    problems: Problems | None = None
    """What to fix in the file, row by row, when it was read but refused."""
    imported: ComparisonImport | None = None
    groups: int = 0


async def import_upload(db: AsyncSession, actor: Actor, upload: Any | None) -> Upload:
    """Read, check and import an uploaded file (a Litestar ``UploadFile``, or None when none was chosen).

    The file is imported whole and audited, or not at all. When another import of the same group
    wins a race to the database, the transaction is rolled back and the file refused like a duplicate.
    """
    file_name, raw = "", b""
    try:
        if upload is not None:
            file_name = clean_title(upload.filename or "")
            raw = await read_upload(upload)
        text = decode(raw)
    except FileRejected as rejected:
        return Upload(file_name, rejected=str(rejected) if raw or file_name else gettext(NO_FILE))
    viewer = actor.viewer
    assert viewer is not None and viewer.program_id is not None
    checked = check(text, viewer.today())
    for problem in await already_imported(db, checked.labels):
        checked.problems.add(problem)
    if not checked.is_valid:
        return Upload(file_name, problems=checked.problems)
    try:
        imported = await save(
            db,
            checked,
            program_id=viewer.program_id,
            uploaded_by_id=viewer.user_id,
            file_name=file_name or "comparison.csv",
        )
    except IntegrityError:
        await db.rollback()
        problems = Problems()
        problems.add(Problem(gettext(RACE_LOST)))
        return Upload(file_name, problems=problems)
    details = trail_details(imported)
    audit.record(
        db,
        actor,
        "comparison_import",
        record_type="comparison_import",
        record_id=imported.id,
        details=details,
    )
    return Upload(file_name, imported=imported, groups=len(checked.labels))


async def delete_import(db: AsyncSession, actor: Actor, imported: ComparisonImport) -> None:
    """Remove an import, and say so in the trail; the database removes its records and their events
    with it (ON DELETE CASCADE)."""
    details = trail_details(imported)
    await db.delete(imported)
    await db.flush()
    audit.record(
        db,
        actor,
        "comparison_import_delete",
        record_type="comparison_import",
        record_id=imported.id,
        details=details,
    )
