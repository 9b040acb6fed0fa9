"""De-identified record-level exports for researchers: cases, their new offenses, comparison youth.

What leaves the program is decided here and nowhere else: the columns of each
:class:`ExportKind` (never a name, birth date, contact, address, school, free text, agency
reference number, case number or internal id), pseudonymous ids keyed afresh for every file (or
shared by the files of one data release, see :mod:`youthcourt.reports.deidentify`), the age in
years instead of the birth date, and every date either shifted by one secret offset per youth
(so intervals between a youth's dates are kept) or coarsened to the month, with k-anonymity on
the quasi-identifiers. Sealed and expunged cases are in every export, as they are in every
report, so that a report can be recomputed from the files.

Exports of any size run in flat memory: the cohort is read in batches
(:func:`~youthcourt.reports.cohort.stream_subjects`) and each batch is written out before the
next is read: straight into the response for CSV, into a temporary file for XLSX and Parquet
(those formats need the whole file before the first byte can be sent).
"""

from __future__ import annotations

import bisect
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
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple
from uuid import UUID

import anyio
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from youthcourt.cases.models import Case
from youthcourt.cases.services import follow_up_days
from youthcourt.database import plan_each_run
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.reference.models import OffenseClass, SourceKind
from youthcourt.referrals.models import Referral
from youthcourt.reports import arrow_columns, deidentify
from youthcourt.reports.cohort import (
    WINDOWS,
    Cohort,
    Subject,
    comparison_in_cohort,
    granted_scope,
    stream_subjects,
)
from youthcourt.reports.deidentify import (
    K_ANONYMITY,
    PSEUDONYM_LENGTH,
    PSEUDONYM_PREFIX,
    DatePrecision,
    Generalization,
    KAnonymityPlan,
    QuasiCounts,
    case_pseudonym,
    new_key,
    pseudonym,
)
from youthcourt.reports.models import ComparisonEvent, ComparisonRecord
from youthcourt.web.downloads import spreadsheet_safe
from youthcourt.web.i18n import DEFAULT_LANGUAGE, N_, gettext, ngettext, use_locale

MAX_SHIFT_DAYS = 360
DAY = datetime.timedelta(days=1)
RECENT_DAYS = 90
"""A shifted file holds no date later than this many days before the export (in shifted time).

Shifted dates only move back, so a youth's latest shifted date X tells the attacker that the shift
is at most (export day - X): for a youth with a recent date and a small shift that leaves a window
of a few days, which the hearing-night calendar closes to one shift. Leaving out the dates of the
last RECENT_DAYS days of shifted time keeps that window at least this wide for every youth, and
tells nothing, since the cut is the same day in every youth's shifted time.
"""
BATCH_SIZE = 2000
CHUNK_SIZE = 64 * 1024
XLSX_COMPRESSLEVEL = 3
"""Fast deflate: barely larger than the default level, and written in a fraction of its time."""


class ExportKind(enum.StrEnum):
    """What one row of the file is."""

    CASES = "cases"
    EVENTS = "events"
    COMPARISON = "comparison"

    @property
    def label(self) -> str:
        """In English, marked for the catalog: translated where shown (``_(kind.label)``)."""
        return {
            "cases": N_("One row per case"),
            "events": N_("One row per recorded new offense (event)"),
            "comparison": N_("Comparison-group records (youth processed elsewhere)"),
        }[self.value]

    @property
    def sheet(self) -> str:
        return {"cases": "Cases", "events": "Events", "comparison": "Comparison records"}[self.value]

    @property
    def one_row_per(self) -> str:
        return {
            "cases": "case (a youth with several cases has several rows with the same youth_id)",
            "events": "new offense recorded on a case of the cohort (any type, found by a check or reported later)",
            "comparison": "youth of an imported comparison group whose clock started within the referral range",
        }[self.value]


class DateHandling(enum.StrEnum):
    """How the dates of a youth are de-identified."""

    SHIFT = "shift"
    MONTH = "month"

    @property
    def label(self) -> str:
        """In English, marked for the catalog: translated where shown (``_(handling.label)``)."""
        if self is DateHandling.SHIFT:
            return N_("Shift each youth's dates by a secret offset (intervals kept)")
        return N_("Coarsen dates to the month (YYYY-MM), k-anonymous")

    @property
    def explanation(self) -> str:
        """How the dates are de-identified, in the active language (English in the files)."""
        if self is DateHandling.SHIFT:
            return gettext(
                "Every date of a youth is moved back by the same secret number of days, from 1 to "
                "%(max_days)s, derived from the program's secret key: the same offset in every export, "
                "so comparing exports teaches nothing about it. Never forward, so no date falls "
                "after the day of the export; and none later than %(recent_days)s days before it: such a date is "
                "left out, and followed_until is given up to that day (a date close to the export's own would "
                "narrow the offset down). The number of days between two dates of one youth is exact; "
                "calendar dates, weekdays and seasons are not. Rows were chosen by their true referral date, "
                "so shifted referral dates can fall up to %(max_days)s days before the range.",
                max_days=MAX_SHIFT_DAYS,
                recent_days=RECENT_DAYS,
            )
        return gettext(
            "The referral is given by its year and month only (YYYY-MM), or coarser where needed for "
            "k-anonymity, and every later date as the whole months since the referral (no other calendar "
            "date). Every combination of the quasi-identifiers "
            "(%(identifiers)s) covers at least %(k)s rows: where it "
            "would not, ages are grouped in bands, the referral month becomes a quarter (YYYY-Qn) or a "
            "year (YYYY), rare categories become 'Other' or a column is withheld, and rows still alone "
            'are left out; the file\'s "About this file" says what was done.',
            identifiers=", ".join(deidentify.QUASI_IDENTIFIERS),
            k=K_ANONYMITY,
        )


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"

    @property
    def label(self) -> str:
        """In English, marked for the catalog: translated where shown (``_(format.label)``)."""
        return {
            "csv": N_("CSV (any statistics package)"),
            "xlsx": N_("Excel workbook (with the data dictionary)"),
            "parquet": N_("Parquet (typed columns, for R, Python or Stata)"),
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
    """A program's name and the secret that keys its date shifts (kept out of reprs)."""

    id: UUID
    name: str
    research_key: str = field(repr=False)


@dataclass(frozen=True)
class Release:
    """The data release an export belongs to: its files share pseudonyms (the key kept out of reprs)."""

    id: UUID
    name: str
    key: bytes = field(repr=False)


EDGE_DAYS = 91
"""Every period a month-only file can give for a referral leaves this many possible shifts (a whole
month or quarter, at least a quarter of a year) to whoever pairs a shifted row with its month-only row.

The shifts run from 1 to MAX_SHIFT_DAYS, so a referral late in its period with a shift near 1 (or early
in it with a shift near the top) could be placed in its period by only a few shifts, which the hearing
nights then narrow to one.
"""
NIGHTS_LEFT = 2
"""Of those shifts, at least this many put the first hearing on one of the program's nights (where the
period holds that many nights at all): the calendar every coordinator sees cannot then leave one."""


@dataclass(frozen=True)
class Dated:
    """One case of a youth, as its shift must leave room around it: the referral and first hearing days."""

    referred_on: datetime.date
    heard_on: datetime.date | None = None


def shift_days(
    research_key: str,
    youth_id: UUID,
    cases: Iterable[Dated] = (),
    nights: Sequence[datetime.date] = (),
) -> int:
    """The youth's secret date offset: 1 to MAX_SHIFT_DAYS days back, the same in every export.

    Only back in time, so no shifted date falls after the export's own date (a date moved past it
    would tell how far it had moved); zero is left out so that no true date appears by chance.
    Stable, unlike the pseudonyms: a new offset per export would let an average of many exports
    of one youth close in on the true dates.

    ``cases`` are the youth's cases and ``nights`` the program's hearing nights, in order. An offset
    that would leave one of the cases near the edge of a period (see :data:`EDGE_DAYS`) or its first
    hearing alone among the nights (:data:`NIGHTS_LEFT`) is drawn again from the same key, so the
    youth's offset is still one number, the same in every export.
    """
    frames = [
        _Frame.of(case, period, nights)
        for case in cases
        for period in deidentify.periods_of(case.referred_on)
    ]
    key, youth = research_key.encode(), f"shift:{youth_id}"
    best: tuple[int, int] | None = None
    for attempt in range(64):
        label = youth if attempt == 0 else f"{youth}:{attempt}"
        value = (
            int.from_bytes(hmac.digest(key, label.encode(), hashlib.sha256)[:8], "big") % MAX_SHIFT_DAYS + 1
        )
        short = 0
        for frame in frames:
            short += frame.shortfall(value, nights)
        if short == 0:
            return -value
        if best is None or short < best[0]:
            best = (short, value)
    assert best is not None
    return -best[1]  # a calendar too sparse for any draw to fit: the draw that comes closest


class _Frame(NamedTuple):
    """One case in one period a month-only file can give its referral as, with what no draw changes:
    a draw is tried against each frame of each of the youth's cases, and most youths need two.

    A tuple rather than a frozen dataclass: an export makes three for each of its cases."""

    heard_on: datetime.date | None
    before: int
    """Days from the referral back to the period's first day (0 or less)."""
    after: int
    """Days from the referral on to the period's last day."""
    shifts_needed: int
    """Shifts that must put the shifted referral back inside the period (:data:`EDGE_DAYS` at most)."""
    nights_needed: int
    """Shifts that must put the first hearing back on a night (:data:`NIGHTS_LEFT`, or fewer where
    the period holds fewer nights around it)."""

    @classmethod
    def of(
        cls, case: Dated, period: tuple[datetime.date, datetime.date], nights: Sequence[datetime.date]
    ) -> _Frame:
        first, last = period
        before, after = (first - case.referred_on).days, (last - case.referred_on).days
        most = 0
        if case.heard_on is not None:
            gap = case.heard_on - case.referred_on
            most = _nights_between(nights, first + gap, last + gap)
        return cls(case.heard_on, before, after, min(EDGE_DAYS, after - before + 1), min(NIGHTS_LEFT, most))

    def shortfall(self, shift: int, nights: Sequence[datetime.date]) -> int:
        """How far ``shift`` falls short of leaving enough shifts that put the shifted referral back
        inside the period and enough of them that put the shifted first hearing back on a night
        (0: it leaves room enough).

        A shift that keeps the whole period within 1 to :data:`MAX_SHIFT_DAYS` leaves all of it, and
        every night around the hearing that :meth:`of` counted: nothing to work out. Only a shift
        that cuts the period at either end is counted."""
        lowest = self.before + shift
        highest = self.after + shift
        if lowest >= 1 and highest <= MAX_SHIFT_DAYS:
            return 0
        lowest, highest = max(lowest, 1), min(highest, MAX_SHIFT_DAYS)
        short = max(0, self.shifts_needed - (highest - lowest + 1))
        if self.heard_on is not None:
            left = _nights_between(
                nights, self.heard_on + (lowest - shift) * DAY, self.heard_on + (highest - shift) * DAY
            )
            short += max(0, self.nights_needed - left) * 7
        return short


def _nights_between(nights: Sequence[datetime.date], first: datetime.date, last: datetime.date) -> int:
    return bisect.bisect_right(nights, last) - bisect.bisect_left(nights, first)


def coarsen(day: datetime.date | None) -> str | None:
    return DatePrecision.MONTH.of(day)


@dataclass(frozen=True)
class Column:
    """One column of a file, as the data dictionary describes it.

    ``meaning`` and ``allowed`` are English sentences marked for the catalog, with ``%(name)s``
    placeholders filled from ``words``; :meth:`description` and :meth:`allowed_values` give them in
    the active language (English for the files, whoever downloads them; the reader's on the page).
    An ``allowed`` that lists codes as a file writes them is not marked, and stays as it is.
    """

    name: str
    kind: str
    """``text``, ``integer``, ``boolean`` or ``date`` (a shifted date or a month, by the date handling)."""
    meaning: str
    allowed: str
    words: tuple[tuple[str, object], ...] = ()
    terms: tuple[str, ...] = ()
    """Names of ``words`` whose values are words marked for the catalog (an event type's label),
    translated and written in lower case."""
    notes: tuple[str, ...] = ()
    """Sentences (marked for the catalog) a file adds to the meaning: months after the referral,
    ages in bands."""

    def _words(self) -> dict[str, object]:
        return {
            name: gettext(str(value)).lower() if name in self.terms else value for name, value in self.words
        }

    def _text(self, message: str) -> str:
        words = self._words()
        return gettext(message, **words) if words else gettext(message)

    def description(self) -> str:
        """What the column holds and how it is computed, in the active language."""
        return " ".join([self._text(self.meaning), *(gettext(note) for note in self.notes)])

    def allowed_values(self) -> str:
        return self._text(self.allowed)

    def type_label(self, dates: DateHandling, precision: DatePrecision = DatePrecision.MONTH) -> str:
        """The column's type in words, in the active language."""
        if self.kind != "date":
            return gettext(KIND_WORDS[self.kind])
        if dates is DateHandling.SHIFT:
            return gettext(N_("date (YYYY-MM-DD, shifted)"))
        return gettext(PRECISION_WORDS[precision])


KIND_WORDS = {"text": N_("text"), "integer": N_("integer"), "boolean": N_("boolean")}
PRECISION_WORDS = {
    DatePrecision.MONTH: N_("month (YYYY-MM)"),
    DatePrecision.QUARTER: N_("quarter (YYYY-Qn)"),
    DatePrecision.YEAR: N_("year (YYYY)"),
}


def _event_columns() -> tuple[Column, ...]:
    return tuple(
        Column(
            f"first_{event_type.value}_on",
            "date",
            N_(
                "The first new offense of type '%(event)s' found after the referral. Only the first of each "
                "type: the event export has every event, with its days from each anchor."
            ),
            N_("Empty when none was found (see followed_until for how far records were searched)."),
            words=(("event", event_type.label),),
            terms=("event",),
        )
        for event_type in OutcomeEventType
    )


PSEUDONYM_WORDS = (("prefix", PSEUDONYM_PREFIX), ("length", PSEUDONYM_LENGTH))
PSEUDONYM_FORM = N_("'%(prefix)s' followed by %(length)s hexadecimal characters.")
YOUTH_ID = Column(
    "youth_id",
    "text",
    N_(
        "Pseudonymous id of the young person, drawn afresh for every export: within one file the same youth "
        "always has the same id (also across their cases); two exports never share an id, unless both belong "
        "to one named data release, whose files all use the same ids. It cannot be traced back to the youth."
    ),
    PSEUDONYM_FORM,
    words=PSEUDONYM_WORDS,
)
CASE_PSEUDO_ID = Column(
    "case_pseudo_id",
    "text",
    N_(
        "Pseudonymous id of the case, keyed like youth_id: the same in the case file and the event file of one "
        "data release, so events can be joined to their case; never the case number."
    ),
    PSEUDONYM_FORM,
    words=(("prefix", deidentify.CASE_PREFIX), ("length", PSEUDONYM_LENGTH)),
)
PROGRAM = Column(
    "program", "text", N_("The youth court program that handled the case."), N_("The exported programs.")
)
SOURCE_KIND = Column(
    "referral_source_kind",
    "text",
    N_("Kind of agency that referred the youth."),
    ", ".join(k.value for k in SourceKind),
)
AGE = Column(
    "age_at_referral",
    "integer",
    N_("Age in whole years on the day the referral was received (no birth date is exported)."),
    N_("Whole years, typically 10 to 18."),
)
PROGRAM_CATEGORIES = N_("The program's categories; 'Not recorded'.")
CATALOG_CATEGORIES = N_("The categories of the program's offense catalog.")

COLUMNS: tuple[Column, ...] = (
    YOUTH_ID,
    CASE_PSEUDO_ID,
    PROGRAM,
    AGE,
    Column("gender", "text", N_("Gender as recorded by the program."), PROGRAM_CATEGORIES),
    Column(
        "race_ethnicity",
        "text",
        N_("Race or ethnicity as recorded by the program."),
        PROGRAM_CATEGORIES,
    ),
    Column(
        "offense_class",
        "text",
        N_("Class of the referred offense in the program's sanction grid (A least serious)."),
        ", ".join(c.value for c in OffenseClass),
    ),
    Column(
        "offense_category",
        "text",
        N_("Category of the referred offense (property, person, drug...)."),
        CATALOG_CATEGORIES,
    ),
    SOURCE_KIND,
    Column(
        "referred_on",
        "date",
        N_("The day the referral was received."),
        N_(
            "Always present, except in a shifted file when the shifted day falls within 90 days of the export "
            "(as every date of a shifted file: see Dates)."
        ),
    ),
    Column(
        "intake_on", "date", N_("The day of the intake interview."), N_("Empty when intake has not happened.")
    ),
    Column(
        "first_hearing_on",
        "date",
        N_("The night of the first hearing that was held (no-shows and postponements not counted)."),
        N_("Empty when no hearing was held."),
    ),
    Column("closed_on", "date", N_("The day the case was closed."), N_("Empty while the case is open.")),
    Column(
        "completion_status",
        "text",
        N_("How the case ended; analyse it apart from assignment (non-completers reoffend faster)."),
        "Open, Completed, Unsuccessful, Withdrawn",
    ),
    Column(
        "served_as_juror",
        "boolean",
        N_("Served on a jury (present or late) on a night after the referral."),
        "true, false",
    ),
    Column(
        "followed_until",
        "date",
        N_(
            "The latest completed records check that searched at least one record system: new offenses are "
            "known up to here; later time is censored, not event-free. A check that searched no record system "
            "gives no follow-up."
        ),
        N_("Empty when no such check has been completed."),
    ),
    *_event_columns(),
    Column(
        "event_count",
        "integer",
        N_("Number of new offenses of any type found after the referral."),
        N_("0 or more."),
    ),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)

DAYS_FROM = {
    "referral": N_(
        "Days from the referral to the new offense, counted on the true dates (so no date shift changes it): "
        "0 on the same day, negative when the offense came first. A follow-up window of N days from this "
        "anchor holds the event when 0 <= days <= N."
    ),
    "first_hearing": N_(
        "Days from the first hearing held to the new offense, counted on the true dates (so no date shift "
        "changes it): 0 on the same day, negative when the offense came first. A follow-up window of N days "
        "from this anchor holds the event when 0 <= days <= N."
    ),
    "closure": N_(
        "Days from the case's closure to the new offense, counted on the true dates (so no date shift changes "
        "it): 0 on the same day, negative when the offense came first. A follow-up window of N days from this "
        "anchor holds the event when 0 <= days <= N."
    ),
}


def _days_column(anchor: str, allowed: str) -> Column:
    return Column(f"days_from_{anchor}", "integer", DAYS_FROM[anchor], allowed)


EVENT_COLUMNS: tuple[Column, ...] = (
    YOUTH_ID,
    CASE_PSEUDO_ID,
    PROGRAM,
    Column(
        "event_type",
        "text",
        N_("What the record showed; each study chooses which types count as reoffending."),
        ", ".join(t.value for t in OutcomeEventType),
    ),
    Column(
        "event_offense_category",
        "text",
        N_("Category of the new offense, from the program's offense catalog, as recorded with the event."),
        CATALOG_CATEGORIES,
    ),
    Column(
        "record_system",
        "text",
        N_(
            "The record system the new offense was found in, as recorded with the event (by the follow-up check "
            "that found it, or by whoever reported it later)."
        ),
        ", ".join(r.value for r in RecordSystem),
    ),
    Column(
        "found_by_check",
        "boolean",
        N_("true when a follow-up check found it; false when it was reported outside a check."),
        "true, false",
    ),
    SOURCE_KIND,
    _days_column("referral", N_("Whole days; always present.")),
    _days_column("first_hearing", N_("Whole days; empty when no hearing has been held.")),
    _days_column("closure", N_("Whole days; empty while the case is open.")),
)

AS_IMPORTED = N_("Free category; empty when not imported.")
COMPARISON_COLUMNS: tuple[Column, ...] = (
    Column(
        "youth_id",
        "text",
        N_(
            "Pseudonymous id of the comparison youth, drawn afresh for every export (or shared within a data "
            "release); never the id the other agency sent."
        ),
        PSEUDONYM_FORM,
        words=PSEUDONYM_WORDS,
    ),
    Column(
        "group",
        "text",
        N_(
            "The comparison group as imported; reports grouped by comparison group count these youth under it."
        ),
        N_("The group labels of the imported files."),
    ),
    Column("program", "text", N_("The program that imported the record."), N_("The exported programs.")),
    Column(
        "age_years",
        "integer",
        N_("Age in whole years at the anchor date, as imported."),
        N_("10 to 25; empty when not imported."),
    ),
    Column("gender", "text", N_("Gender as imported."), AS_IMPORTED),
    Column("race_ethnicity", "text", N_("Race or ethnicity as imported."), AS_IMPORTED),
    Column(
        "offense_class", "text", N_("Offense class as imported."), N_("A, B, C, D; empty when not imported.")
    ),
    Column(
        "followed_days",
        "integer",
        N_(
            "Days from the anchor (the day the comparison youth's clock started) to followed_until, how far "
            "their records were searched: later time is censored."
        ),
        N_("0 or more."),
    ),
    *(
        Column(
            f"first_{event_type.value}_days",
            "integer",
            N_(
                "Days from the anchor to the first new offense of type '%(event)s'. The anchor is fixed for a "
                "comparison youth, so the first counted event of any definition is the smallest of the chosen "
                "types; it is inside a window of N days when it is at most N."
            ),
            N_("Empty when none was found."),
            words=(("event", event_type.label),),
            terms=("event",),
        )
        for event_type in OutcomeEventType
    ),
    Column("event_count", "integer", N_("Number of new offenses of any type imported."), N_("0 or more.")),
)
"""What an imported comparison record holds: its group, the covariates the import carries, its follow-up."""

KIND_COLUMNS: dict[ExportKind, tuple[Column, ...]] = {
    ExportKind.CASES: COLUMNS,
    ExportKind.EVENTS: EVENT_COLUMNS,
    ExportKind.COMPARISON: COMPARISON_COLUMNS,
}


MONTH_LENGTH_DAYS = 30.4375
"""A month-only file counts the dates after the referral in months of this many days (a year / 12)."""
MONTHS_AFTER = N_(
    "In a month-only file: whole months (of 30.44 days) from the referral to this date, not a date: "
    "a calendar month for each of a youth's dates would tell, against the hearing-night calendar, "
    "where the youth's dates fall."
)
AGE_BANDS = N_("Grouped in bands (or withheld) in this file, for k-anonymity.")


def months_after(referred_on: datetime.date, day: datetime.date | None) -> int | None:
    return None if day is None else int((day - referred_on).days // MONTH_LENGTH_DAYS)


def columns_of(
    kind: ExportKind, plan: KAnonymityPlan | None = None, dates: DateHandling = DateHandling.SHIFT
) -> tuple[Column, ...]:
    """The file's columns. A month-only case file gives the referral's month and, for every other
    date, the whole months since the referral; with ages in bands the age is text."""
    columns = KIND_COLUMNS[kind]
    if kind is ExportKind.CASES and dates is DateHandling.MONTH:
        columns = tuple(
            replace(column, kind="integer", notes=(*column.notes, MONTHS_AFTER))
            if column.kind == "date" and column.name != "referred_on"
            else column
            for column in columns
        )
    if plan is not None and plan.generalization.age_bands:
        banded = replace(
            AGE,
            kind="text",
            notes=(*AGE.notes, AGE_BANDS),
            allowed=", ".join(deidentify.age_labels(plan.generalization.age_level)),
        )
        columns = tuple(banded if column.name == AGE.name else column for column in columns)
    return columns


LEFT_OUT = N_(
    "Names, birth dates, contact details, addresses, schools, free text, agency reference "
    "numbers, case numbers and internal record ids."
)
SEALED_CASES = N_(
    "Included, as in every report: sealed and expunged cases are de-identified rows like any "
    "other (nothing in an export names a youth or a case), so the reports can be recomputed "
    "from the files. They stay out of every list and search of the program."
)


@dataclass(frozen=True)
class ExportSpec:
    """Everything an export needs besides the data: what to read, how to write it, with which keys."""

    cohort: Cohort
    dates: DateHandling
    format: ExportFormat
    programs: Mapping[UUID, ProgramKey]
    created_on: datetime.date
    suppression_threshold: int = 10
    kind: ExportKind = ExportKind.CASES
    release: Release | None = None
    fresh_key: bytes = field(default_factory=new_key, repr=False)
    """The pseudonym key of an export outside any release: random, used for this file only, never kept."""
    plan: KAnonymityPlan | None = None
    """How a month-only case file generalizes its quasi-identifiers (decided by a first pass)."""
    repeat_cases: Mapping[UUID, tuple[Dated, ...]] = field(default_factory=dict)
    """For a shifted case file, every case of each youth with more than one (read by a first pass):
    the youth's one shift must leave room around each (see :func:`shift_days`)."""
    nights: Mapping[UUID, tuple[datetime.date, ...]] = field(default_factory=dict)
    """For a shifted case file, each program's nights where a hearing was held, in order."""

    @property
    def pseudonym_key(self) -> bytes:
        """The file's pseudonym key: fresh, or the release's. A release's month-only case files
        share a key of their own: joined to its shifted files, their months beside exact
        intervals would pin each youth's shift."""
        if self.release is None:
            return self.fresh_key
        if self.kind is ExportKind.CASES and self.dates is DateHandling.MONTH:
            return hmac.digest(self.release.key, b"month-only files", hashlib.sha256)
        return self.release.key

    @property
    def shifts_dates(self) -> bool:
        """A shifted case file, whose rows need each program's nights and its repeat youth's cases."""
        return self.kind is ExportKind.CASES and self.dates is DateHandling.SHIFT

    @property
    def needs_plan(self) -> bool:
        """A month-only case file is k-anonymous, so its rows wait for a first pass that counts them."""
        return self.kind is ExportKind.CASES and self.dates is DateHandling.MONTH

    @property
    def precision(self) -> DatePrecision:
        return self.plan.generalization.dates if self.plan is not None else DatePrecision.MONTH

    @property
    def columns(self) -> tuple[Column, ...]:
        return columns_of(self.kind, self.plan, self.dates)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def filename(self) -> str:
        return f"youthcourt-{self.kind.value}-{self.created_on.isoformat()}.{self.format.value}"

    def details(self) -> dict[str, Any]:
        """The filters and choices in words, for the audit trail (nothing about any youth)."""
        names = {pid: key.name for pid, key in self.programs.items()}
        details: dict[str, Any] = {
            **self.cohort.as_details(names),
            "kind": self.kind.value,
            "format": self.format.value,
            "dates": self.dates.value,
        }
        if self.release is not None:
            details["release"] = self.release.name
        return details

    def about(self, rows: int | None = None) -> list[tuple[str, str]]:
        """What the file holds and how it was made, for its "About this file" sheet and metadata:
        in English whoever downloads it, as every file for analysis code."""
        with use_locale(DEFAULT_LANGUAGE):
            return self._about(rows)

    def _about(self, rows: int | None) -> list[tuple[str, str]]:
        lines = [
            ("Created", self.created_on.isoformat()),
            ("Programs", "; ".join(self.programs[pid].name for pid in self.cohort.program_ids)),
            ("Referrals received from", self.cohort.referred_from.isoformat()),
            ("Referrals received to", self.cohort.referred_to.isoformat()),
            ("One row per", self.kind.one_row_per),
            ("Pseudonyms", self.pseudonym_note()),
        ]
        if self.kind is ExportKind.CASES:
            lines.append(("Dates", f"{self.dates.label}. {self.dates.explanation}"))
            if self.plan is not None:
                lines.append(("k-anonymity", self.plan.summary()))
        else:
            lines.append(
                ("Dates", "None: days counted on the true dates instead, so no shift or coarsening applies.")
            )
        if self.kind is not ExportKind.COMPARISON:
            lines.append(("Sealed cases", gettext(SEALED_CASES)))
        lines += [
            (
                "Follow-up anchor",
                "None applied: each row has the referral, first hearing and closure dates (or days from each), "
                "so the clock can start at any of them. followed_until says how far records were searched; a "
                "youth followed for less than the chosen window is censored, not a success.",
            ),
            (
                "Follow-up windows",
                "Counted in days from the anchor, the same length for every youth: "
                + ", ".join(f"{months} months = {follow_up_days(months)} days" for months in WINDOWS)
                + ". An event on the window's last day is inside it.",
            ),
            ("Left out", gettext(LEFT_OUT)),
            ("Publishing", self.publishing_note()),
        ]
        if rows is not None:
            lines.append(("Rows", str(rows)))
        return lines

    def pseudonym_note(self) -> str:
        """Which key the file's ids come from (see :attr:`pseudonym_key`), in words."""
        if self.release is None:
            return gettext(
                "Drawn afresh for this file only: no other export shares them, so this file cannot be joined "
                "to any other by id."
            )
        if self.kind is ExportKind.COMPARISON:
            return gettext(
                "Shared by the comparison files of the data release '%(release)s'. They name "
                "imported records, not the program's youth, so they match no case or event file's ids.",
                release=self.release.name,
            )
        if self.kind is ExportKind.CASES and self.dates is DateHandling.MONTH:
            return gettext(
                "Shared only by the month-only case files of the data release '%(release)s': join "
                "them on youth_id. The release's shifted-date and event files have other ids, since months "
                "beside their exact intervals would pin each youth's date shift.",
                release=self.release.name,
            )
        return gettext(
            "Shared by the shifted-date case files and the event files of the data release "
            "'%(release)s': join them on youth_id (and case_pseudo_id); files outside the release, "
            "and the release's month-only case files, have other ids.",
            release=self.release.name,
        )

    def publishing_note(self) -> str:
        return gettext(
            "Do not publish any table cell counting fewer than %(threshold)s youth, nor "
            "one from which such a cell could be worked out.",
            threshold=self.suppression_threshold,
        )


def export_row(
    subject: Subject,
    program: ProgramKey,
    dates: DateHandling,
    key: bytes,
    plan: KAnonymityPlan | None = None,
    created_on: datetime.date | None = None,
    cases: Sequence[Dated] = (),
    nights: Sequence[datetime.date] = (),
) -> tuple[Any, ...] | None:
    """One case as the export's row, in :data:`COLUMN_NAMES` order; None when k-anonymity leaves it out.

    Shifted: every date moved by the youth's offset, none later than :data:`RECENT_DAYS` before
    ``created_on`` (follow-up is then given up to that day), by the offset that leaves room around each
    of the youth's ``cases`` (this case alone when empty) among the program's ``nights``. Month-only: the referral's month (or quarter,
    or year) and every other date as whole months after the referral.
    """
    generalization = plan.generalization if plan is not None else Generalization()
    fine = fine_quasi(subject, program)
    _program, age, *categories, _referred = fine
    followed: Any
    if dates is DateHandling.SHIFT:
        cases = cases or (Dated(subject.referred_on, subject.heard_on),)
        days = shift_days(program.research_key, subject.youth_id, cases, nights)
        offset = datetime.timedelta(days=days)
        last = (created_on or datetime.date.max) - datetime.timedelta(days=RECENT_DAYS)

        def when(day: datetime.date | None) -> Any:
            moved = day + offset if day else None
            return moved if moved is None or moved <= last else None

        referred: Any = when(subject.referred_on)
        followed = subject.checked_until and min(subject.checked_until + offset, last)
    else:
        if plan is not None and not plan.keeps(generalization.coarse(fine)):
            return None

        def when(day: datetime.date | None) -> Any:
            return months_after(subject.referred_on, day)

        referred = generalization.dates.of(subject.referred_on)
        followed = when(subject.checked_until)
    if dates is DateHandling.MONTH:
        shown = zip(deidentify.CATEGORIES, categories, strict=True)
        described = (
            generalization.age(age),
            *(generalization.category(column, value) for column, value in shown),
        )
    else:
        described = (age, *categories)  # as recorded: nothing to generalize in a shifted file
    return (
        pseudonym(key, subject.youth_id),
        case_pseudonym(key, subject.case_id),
        program.name,
        *described,
        referred,
        when(subject.intake_on),
        when(subject.heard_on),
        when(subject.closed_on),
        subject.completion,
        subject.served_as_juror,
        followed,
        *_first_events(subject.events, when),
        len(subject.events),
    )


EVENT_TYPES = tuple(OutcomeEventType)
NO_EVENTS = (None,) * len(EVENT_TYPES)


def _first_events(
    events: Sequence[tuple[datetime.date, OutcomeEventType]], when: Callable[[datetime.date | None], Any]
) -> tuple[Any, ...]:
    """The first event of each type, in :data:`EVENT_TYPES` order, as ``when`` gives its date.

    Most cases have none: their columns are all empty, with nothing to work out."""
    if not events:
        return NO_EVENTS
    first: dict[OutcomeEventType, datetime.date] = {}
    for occurred_on, event_type in events:
        first.setdefault(event_type, occurred_on)
    return tuple(when(first.get(event_type)) for event_type in EVENT_TYPES)


def fine_quasi(subject: Subject, program: ProgramKey) -> deidentify.Fine:
    """The case's quasi-identifiers as recorded, for the k-anonymity pass."""
    return (
        program.name,
        subject.age,
        subject.gender,
        subject.race_ethnicity,
        subject.offense_class,
        subject.offense_category,
        subject.source_kind,
        subject.referred_on,
    )


@dataclass(frozen=True, slots=True)
class EventDetail:
    """A recorded new offense with what the event itself holds."""

    occurred_on: datetime.date
    event_type: OutcomeEventType
    offense_category: str
    record_system: str
    found_by_check: bool


def _days(day: datetime.date, anchor: datetime.date | None) -> int | None:
    return (day - anchor).days if anchor is not None else None


def event_rows(
    subject: Subject, events: Sequence[EventDetail], program: ProgramKey, key: bytes
) -> list[tuple[Any, ...]]:
    """Every recorded new offense of one case, in :data:`EVENT_COLUMNS` order."""
    youth, case = pseudonym(key, subject.youth_id), case_pseudonym(key, subject.case_id)
    return [
        (
            youth,
            case,
            program.name,
            event.event_type.value,
            event.offense_category,
            event.record_system,
            event.found_by_check,
            subject.source_kind,
            _days(event.occurred_on, subject.referred_on),
            _days(event.occurred_on, subject.heard_on),
            _days(event.occurred_on, subject.closed_on),
        )
        for event in events
    ]


async def event_details(db: AsyncSession, case_ids: Sequence[UUID]) -> dict[UUID, list[EventDetail]]:
    """The new offenses of a batch of cases, oldest first, in one query."""
    rows = await db.execute(
        select(
            OutcomeEvent.case_id,
            OutcomeEvent.occurred_on,
            OutcomeEvent.event_type,
            OutcomeEvent.offense_category,
            OutcomeEvent.source,
            OutcomeEvent.check_id.is_not(None),
        )
        .where(OutcomeEvent.case_id.in_(case_ids))
        .order_by(OutcomeEvent.case_id, OutcomeEvent.occurred_on, OutcomeEvent.id)
    )
    found: dict[UUID, list[EventDetail]] = {}
    for case_id, occurred_on, event_type, category, source, by_check in rows:
        found.setdefault(case_id, []).append(
            EventDetail(
                occurred_on, OutcomeEventType(event_type), category, str(RecordSystem(source)), bool(by_check)
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class ComparisonYouth:
    """An imported comparison record, as the export reads it."""

    id: UUID
    program_id: UUID
    group_label: str
    anchor_on: datetime.date
    followed_until: datetime.date
    age_years: int | None
    gender: str
    race_ethnicity: str
    offense_class: str | None
    events: tuple[tuple[datetime.date, OutcomeEventType], ...]


def comparison_row(record: ComparisonYouth, program: ProgramKey, key: bytes) -> tuple[Any, ...]:
    """One comparison youth in :data:`COMPARISON_COLUMNS` order: days from their own anchor, no date."""
    first: dict[OutcomeEventType, int] = {}
    for occurred_on, event_type in record.events:
        first.setdefault(event_type, (occurred_on - record.anchor_on).days)
    return (
        deidentify.PSEUDONYM_PREFIX
        + hmac.digest(key, f"comparison:{record.id}".encode(), hashlib.sha256).hex()[:PSEUDONYM_LENGTH],
        record.group_label,
        program.name,
        record.age_years,
        record.gender or None,
        record.race_ethnicity or None,
        str(record.offense_class) if record.offense_class else None,
        (record.followed_until - record.anchor_on).days,
        *(first.get(event_type) for event_type in OutcomeEventType),
        len(record.events),
    )


def _comparison_query(cohort: Cohort) -> Any:
    """The comparison records a report of this cohort counts: their clock started within the range."""
    return (
        select(
            ComparisonRecord.id,
            ComparisonRecord.program_id,
            ComparisonRecord.group_label,
            ComparisonRecord.anchor_on,
            ComparisonRecord.followed_until,
            ComparisonRecord.age_years,
            ComparisonRecord.gender,
            ComparisonRecord.race_ethnicity,
            ComparisonRecord.offense_class,
        )
        .where(comparison_in_cohort(cohort))
        .order_by(ComparisonRecord.id)
    )


async def stream_comparison(
    db: AsyncSession, cohort: Cohort, batch_size: int = BATCH_SIZE
) -> AsyncIterator[list[ComparisonYouth]]:
    """The cohort's comparison youth in batches, each batch's events in one more query."""
    result = await db.stream(_comparison_query(cohort).execution_options(yield_per=batch_size))
    try:
        async for rows in result.partitions(batch_size):
            events: dict[UUID, list[tuple[datetime.date, OutcomeEventType]]] = {}
            found = await db.execute(
                select(ComparisonEvent.record_id, ComparisonEvent.occurred_on, ComparisonEvent.event_type)
                .where(ComparisonEvent.record_id.in_([row[0] for row in rows]))
                .order_by(ComparisonEvent.record_id, ComparisonEvent.occurred_on)
            )
            for record_id, occurred_on, event_type in found:
                events.setdefault(record_id, []).append((occurred_on, OutcomeEventType(event_type)))
            yield [ComparisonYouth(*row, events=tuple(events.get(row[0], ()))) for row in rows]
    finally:
        await result.close()


def plain_text(value: Any) -> Any:
    """Text that a spreadsheet could run as a formula (``=``, ``+``, ``-``, ``@``) is kept as text."""
    return spreadsheet_safe(value) if isinstance(value, str) else value


def csv_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """Rows of text as CSV (RFC 4180), safe to open in a spreadsheet."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows([plain_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode()


@cache
def _positions(columns: tuple[Column, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Where the text columns a value could be a formula in are, and the boolean columns.

    Pseudonyms are left out: made here, each starts with a word (:data:`PSEUDONYM_FORM`)."""
    text = tuple(
        index
        for index, column in enumerate(columns)
        if column.kind == "text" and column.allowed != PSEUDONYM_FORM
    )
    boolean = tuple(index for index, column in enumerate(columns) if column.kind == "boolean")
    return text, boolean


BOOLEAN_TEXT = {True: "true", False: "false", None: None}


def export_csv_bytes(rows: Sequence[Sequence[Any]], columns: tuple[Column, ...] = COLUMNS) -> bytes:
    """Export rows as CSV: dates as YYYY-MM-DD, booleans as true/false, empty for none.

    This runs for every row of an export of any size, so it works a column at a time: a text
    column's values (categories, repeated on every row) are checked for a formula once per distinct
    value, and each column is then mapped through a dictionary, with no Python call per cell.
    """
    if not rows:
        return b""
    text_at, boolean_at = _positions(columns)
    cells: list[Iterable[Any]] = list(zip(*rows, strict=True))
    for index in text_at:
        safe = {value: plain_text(value) for value in set(cells[index])}
        cells[index] = map(safe.__getitem__, cells[index])
    for index in boolean_at:
        cells[index] = map(BOOLEAN_TEXT.__getitem__, cells[index])
    buffer = io.StringIO()
    csv.writer(buffer).writerows(zip(*cells, strict=True))
    return buffer.getvalue().encode()


DICTIONARY_HEADER = ("column", "type", "meaning", "allowed_values")


def dictionary_rows(
    dates: DateHandling = DateHandling.SHIFT,
    kind: ExportKind = ExportKind.CASES,
    plan: KAnonymityPlan | None = None,
    *,
    language: str = DEFAULT_LANGUAGE,
) -> list[tuple[str, str, str, str]]:
    """Each column's name, type, meaning and allowed values: in English for the files, whoever
    downloads them; in the reader's ``language`` for the dictionary page (the names stay as they are)."""
    precision = plan.generalization.dates if plan is not None else DatePrecision.MONTH
    with use_locale(language):
        return [
            (c.name, c.type_label(dates, precision), c.description(), c.allowed_values())
            for c in columns_of(kind, plan, dates)
        ]


def dictionary_csv(dates: DateHandling = DateHandling.SHIFT, kind: ExportKind = ExportKind.CASES) -> bytes:
    return csv_bytes([DICTIONARY_HEADER, *dictionary_rows(dates, kind)])


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


def sheet_names(kind: ExportKind) -> tuple[str, str, str]:
    return (kind.sheet, "About this file", "Data dictionary")


def _package_parts(names: Sequence[str]) -> dict[str, str]:
    """The parts around the sheets: the content types, the relationships and the workbook itself."""
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{number}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for number in range(1, len(names) + 1)
    )
    sheets = "".join(
        f'<sheet name="{xml_text(name)}" sheetId="{number}" r:id="rId{number}"/>'
        for number, name in enumerate(names, 1)
    )
    sheet_relations = "".join(
        f'<Relationship Id="rId{number}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{number}.xml"/>'
        for number in range(1, len(names) + 1)
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
            f'<Relationship Id="rId{len(names) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
    }


class XlsxWriter:
    """A workbook written straight into its zip as rows come: the rows, what the file is, the dictionary.

    The parts are written by hand (inline strings, no shared-string table) so that a row costs
    a few string operations: a general spreadsheet library spends most of an export's time on
    per-cell objects. The package parts and the dictionary go first (``[Content_Types].xml``
    leads the zip, as file-type sniffers expect), then the rows' sheet stays open while batches
    arrive, and the "About this file" sheet, which counts the rows, closes the file.
    """

    def __init__(self, path: Path, spec: ExportSpec) -> None:
        self.path = path
        self.spec = spec
        self.file = path.open("wb")
        self.archive = zipfile.ZipFile(self.file, "w", zipfile.ZIP_DEFLATED, compresslevel=XLSX_COMPRESSLEVEL)
        for name, text in _package_parts(sheet_names(spec.kind)).items():
            self.archive.writestr(name, text)
        dictionary = sheet_rows([DICTIONARY_HEADER], 1, _BOLD) + sheet_rows(
            dictionary_rows(spec.dates, spec.kind, spec.plan), 2
        )
        self.archive.writestr("xl/worksheets/sheet3.xml", _sheet(dictionary))
        self.cases = self.archive.open("xl/worksheets/sheet1.xml", "w")
        self.next_row = 2
        self.cases.write(
            f'{_XML_DECLARATION}<worksheet xmlns="{_MAIN_NS}">{_FROZEN_HEADING}<sheetData>'.encode()
            + sheet_rows([spec.column_names], 1, _BOLD).encode()
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
    with use_locale(DEFAULT_LANGUAGE):  # in English, whoever downloads the file
        fields = [
            pa.field(
                column.name,
                kinds[column.kind],
                metadata={
                    "description": column.description(),
                    "type": column.type_label(spec.dates, spec.precision),
                    "allowed_values": column.allowed_values(),
                },
            )
            for column in spec.columns
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
        columns = [
            arrow_columns.column(values, field.type)
            for values, field in zip(zip(*rows, strict=True), self.schema, strict=True)
        ]
        self.writer.write_table(pa.Table.from_arrays(columns, schema=self.schema))

    def close(self, row_count: int) -> None:
        self.writer.add_key_value_metadata({"youthcourt.rows": str(row_count)})
        self.writer.close()

    def discard(self) -> None:
        self.writer.close()


@dataclass
class Progress:
    """How far an export got: the rows written, whether the whole file went out, what k-anonymity did."""

    rows: int = 0
    finished: bool = False
    suppressed: int | None = None
    generalized: list[str] | None = None


FileWriter = Callable[[Path, ExportSpec], "XlsxWriter | ParquetFileWriter"]
FILE_WRITERS: dict[ExportFormat, FileWriter] = {
    ExportFormat.XLSX: XlsxWriter,
    ExportFormat.PARQUET: ParquetFileWriter,
}


async def count_quasi_identifiers(db: AsyncSession, spec: ExportSpec) -> QuasiCounts:
    """The first pass of a month-only export: every combination of quasi-identifiers, counted.

    Read through the same cases as the rows (:func:`stream_subjects`), batch by batch; only the
    counts are kept. Call it in the cohort's scope.
    """
    counts = QuasiCounts()
    async for batch in stream_subjects(db, spec.cohort, BATCH_SIZE):
        for subject in batch:
            counts.add(fine_quasi(subject, spec.programs[subject.program_id]))
    return counts


async def plan_export(db: AsyncSession, spec: ExportSpec) -> ExportSpec:
    """The spec with what a first pass reads: a month-only case file's k-anonymity plan; a shifted
    case file's nights and the cases of youth with more than one (other files need none)."""
    if spec.shifts_dates:
        with granted_scope(spec.cohort):
            return replace(
                spec,
                repeat_cases=await repeat_cases(db, spec.programs),
                nights=await nights_of(db, spec.programs),
            )
    if not spec.needs_plan:
        return spec
    with granted_scope(spec.cohort):
        counts = await count_quasi_identifiers(db, spec)
    # Choosing the generalization is CPU work (seconds for a large cohort): off the event loop.
    return replace(spec, plan=await anyio.to_thread.run_sync(deidentify.plan, counts))


async def repeat_cases(db: AsyncSession, programs: Iterable[UUID]) -> dict[UUID, tuple[Dated, ...]]:
    """Every case of each youth with more than one in ``programs``, whatever the cohort, so that
    the youth's shift is the same in every export."""
    program_ids = list(programs)
    repeat = (
        select(Case.youth_id)
        .where(Case.program_id.in_(program_ids))
        .group_by(Case.youth_id)
        .having(func.count() > 1)
    )
    rows = await db.execute(
        select(Case.youth_id, Referral.received_on, Case.first_heard_on)
        .join(Referral, Case.referral_id == Referral.id)
        .where(Case.program_id.in_(program_ids), Case.youth_id.in_(repeat))
        .order_by(Case.youth_id, Referral.received_on)
    )
    cases: dict[UUID, list[Dated]] = {}
    for youth_id, received_on, heard_on in rows:
        cases.setdefault(youth_id, []).append(Dated(received_on, heard_on))
    return {youth_id: tuple(found) for youth_id, found in cases.items()}


async def nights_of(db: AsyncSession, programs: Iterable[UUID]) -> dict[UUID, tuple[datetime.date, ...]]:
    """Each program's nights where a hearing was held, in order: the days a first hearing can fall on
    (a coordinator sees these and more: counting only these, the room left is never overstated)."""
    rows = await db.execute(
        select(HearingNight.program_id, HearingNight.held_on)
        .join(Courtroom, Courtroom.night_id == HearingNight.id)
        .join(Hearing, Hearing.courtroom_id == Courtroom.id)
        .where(HearingNight.program_id.in_(list(programs)), Hearing.outcome == HearingOutcome.HELD)
        .group_by(HearingNight.program_id, HearingNight.held_on)
        .order_by(HearingNight.held_on)
    )
    nights: dict[UUID, list[datetime.date]] = {}
    for program_id, held_on in rows:
        nights.setdefault(program_id, []).append(held_on)
    return {program_id: tuple(days) for program_id, days in nights.items()}


SHIFTED_DATE_POSITIONS = tuple(
    index for index, column in enumerate(COLUMNS) if column.kind == "date" and column.name != "followed_until"
)
FOLLOWED_POSITION = COLUMN_NAMES.index("followed_until")


@dataclass(frozen=True)
class ExportPreview:
    """What a file would hold and what its de-identification does, counted before it is downloaded.

    ``cases`` is the cohort's cases read (case files only); for a shifted case file, ``blanked`` is
    how many of them have a date left blank for falling after :attr:`latest_date`, and
    ``followed_cut`` how many have followed_until moved back to it.
    """

    spec: ExportSpec
    rows: int
    cases: int = 0
    blanked: int = 0
    followed_cut: int = 0

    @property
    def plan(self) -> KAnonymityPlan | None:
        return self.spec.plan

    @property
    def title(self) -> str:
        if self.spec.kind is ExportKind.CASES:
            if self.spec.dates is DateHandling.MONTH:
                return gettext("What the month-only case file does")
            return gettext("What the shifted-date case file does")
        if self.spec.kind is ExportKind.EVENTS:
            return gettext("What the event file does")
        return gettext("What the comparison file does")

    @property
    def latest_date(self) -> datetime.date:
        """The latest date a shifted file gives (in shifted time): see :data:`RECENT_DAYS`."""
        return self.spec.created_on - datetime.timedelta(days=RECENT_DAYS)

    def notes(self) -> list[tuple[str, str]]:
        """The de-identification the download applies, point by point (the k-anonymity plan of a
        month-only file is shown beside these, step by step)."""
        spec = self.spec
        notes = [(gettext("Rows"), self._rows())]
        notes += self._dates()
        if spec.plan is None:
            notes.append((gettext("k-anonymity"), self._not_k_anonymous()))
        notes.append((gettext("Pseudonyms"), spec.pseudonym_note()))
        if spec.kind is not ExportKind.COMPARISON:
            notes.append((gettext("Sealed cases"), gettext(SEALED_CASES)))
        notes += [(gettext("Left out"), gettext(LEFT_OUT)), (gettext("Publishing"), spec.publishing_note())]
        return notes

    def _rows(self) -> str:
        if self.spec.kind is ExportKind.CASES:
            return ngettext(
                "%(num)s row, one per case (a youth with several cases has several rows with the same youth_id).",
                "%(num)s rows, one per case (a youth with several cases has several rows with the same youth_id).",
                self.rows,
            )
        if self.spec.kind is ExportKind.EVENTS:
            return ngettext(
                "%(num)s row, one per new offense recorded on a case of the cohort (any type, found by a check "
                "or reported later).",
                "%(num)s rows, one per new offense recorded on a case of the cohort (any type, found by a check "
                "or reported later).",
                self.rows,
            )
        return ngettext(
            "%(num)s row, one per youth of an imported comparison group whose clock started within the "
            "referral range.",
            "%(num)s rows, one per youth of an imported comparison group whose clock started within the "
            "referral range.",
            self.rows,
        )

    def _dates(self) -> list[tuple[str, str]]:
        spec = self.spec
        if spec.kind is ExportKind.EVENTS:
            return [
                (
                    gettext("Dates"),
                    gettext(
                        "No date is given, only days counted on the true dates: from the referral, the first "
                        "hearing and the closure to each new offense. No shift applies, so none is held back."
                    ),
                )
            ]
        if spec.kind is ExportKind.COMPARISON:
            return [
                (
                    gettext("Dates"),
                    gettext(
                        "No date is given, only days from each youth's own anchor (the day their clock started) "
                        "to the end of their follow-up and to their first new offenses, on the dates as imported."
                    ),
                )
            ]
        notes = [(gettext("Dates"), f"{gettext(spec.dates.label)}. {spec.dates.explanation}")]
        if spec.dates is DateHandling.SHIFT:
            notes.append(
                (
                    gettext("Near the export date"),
                    ngettext(
                        "No shifted date later than %(latest)s is given (%(recent_days)s days before %(today)s, "
                        "the export's date): %(num)s of the %(cases)s has a date left blank for it, and "
                        "followed_until ends on that day for %(cut)s of the %(total)s. No row is left out for it.",
                        "No shifted date later than %(latest)s is given (%(recent_days)s days before %(today)s, "
                        "the export's date): %(num)s of the %(cases)s have a date left blank for it, and "
                        "followed_until ends on that day for %(cut)s of the %(total)s. No row is left out for it.",
                        self.blanked,
                        latest=self.latest_date.isoformat(),
                        recent_days=RECENT_DAYS,
                        today=spec.created_on.isoformat(),
                        cases=ngettext("%(num)s case", "%(num)s cases", self.cases),
                        cut=self.followed_cut,
                        total=self.cases,
                    ),
                )
            )
        return notes

    def _not_k_anonymous(self) -> str:
        recorded = {
            ExportKind.CASES: N_(
                "In this file ages in whole years, gender, race and ethnicity, offense class and category and "
                "the referral source are as recorded, and no row is left out for being rare."
            ),
            ExportKind.EVENTS: N_(
                "In this file each new offense's type, category and record system and the referral source "
                "are as recorded, and no row is left out for being rare."
            ),
            ExportKind.COMPARISON: N_(
                "In this file age, gender, race and ethnicity and offense class are as imported, and no row is "
                "left out for being rare."
            ),
        }[self.spec.kind]
        applied = gettext(
            "Not applied: only a month-only case file is made %(k)s-anonymous (every combination of "
            "%(identifiers)s covering at least %(k)s rows).",
            k=K_ANONYMITY,
            identifiers=", ".join(deidentify.QUASI_IDENTIFIERS),
        )
        return f"{applied} {gettext(recorded)}"

    @property
    def carried_by(self) -> str:
        """Where the downloaded file itself says how it was made."""
        return gettext(
            {
                ExportFormat.CSV: N_(
                    "A CSV file holds only its rows: the Excel workbook (its “About this file” sheet) "
                    "and the Parquet file (its metadata) carry this description with them."
                ),
                ExportFormat.XLSX: N_("The workbook's “About this file” sheet describes the same."),
                ExportFormat.PARQUET: N_("The Parquet file's metadata describes the same."),
            }[self.spec.format]
        )


async def preview_export(db: AsyncSession, spec: ExportSpec) -> ExportPreview:
    """What the file would hold if downloaded now, read in one pass as the download reads it.

    A month-only case file takes its k-anonymity plan (its first pass); a shifted case file counts,
    through :func:`export_row` itself, the cases whose dates near the export are held back; an event
    or comparison file counts its rows.
    """
    planned = await plan_export(db, spec)
    if planned.plan is not None:
        return ExportPreview(planned, planned.plan.rows - planned.plan.suppressed, planned.plan.rows)
    if planned.kind is not ExportKind.CASES:
        rows = 0
        async with contextlib.aclosing(_batches(db, planned)) as batches:
            async for batch in batches:
                rows += len(batch)
        return ExportPreview(planned, rows)
    cases = blanked = followed_cut = 0
    key = planned.pseudonym_key
    with granted_scope(planned.cohort):
        async for batch in stream_subjects(db, planned.cohort, BATCH_SIZE):
            for subject in batch:
                program = planned.programs[subject.program_id]
                dated = planned.repeat_cases.get(subject.youth_id, ())
                nights = planned.nights.get(subject.program_id, ())
                held = export_row(
                    subject, program, DateHandling.SHIFT, key, None, planned.created_on, dated, nights
                )
                whole = export_row(subject, program, DateHandling.SHIFT, key, cases=dated, nights=nights)
                assert held is not None and whole is not None  # only k-anonymity leaves a row out
                cases += 1
                blanked += any(held[i] is None and whole[i] is not None for i in SHIFTED_DATE_POSITIONS)
                followed_cut += held[FOLLOWED_POSITION] != whole[FOLLOWED_POSITION]
    return ExportPreview(planned, cases, cases, blanked, followed_cut)


def _case_rows(spec: ExportSpec, batch: list[Subject]) -> list[tuple[Any, ...]]:
    rows = []
    key = spec.pseudonym_key
    for subject in batch:
        row = export_row(
            subject,
            spec.programs[subject.program_id],
            spec.dates,
            key,
            spec.plan,
            spec.created_on,
            spec.repeat_cases.get(subject.youth_id, ()),
            spec.nights.get(subject.program_id, ()),
        )
        if row is not None:
            rows.append(row)
    return rows


async def _batches(session: AsyncSession, spec: ExportSpec) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The rows of the file's kind in batches. Each step runs in the cohort's scope, never across a yield."""
    if spec.kind is ExportKind.COMPARISON:
        records = stream_comparison(session, spec.cohort, BATCH_SIZE)
        try:
            while True:
                with granted_scope(spec.cohort):
                    batch = await anext(records, None)
                if batch is None:
                    return
                yield [comparison_row(r, spec.programs[r.program_id], spec.pseudonym_key) for r in batch]
        finally:
            with granted_scope(spec.cohort):
                await records.aclose()
    subjects = stream_subjects(session, spec.cohort, BATCH_SIZE)
    try:
        while True:
            with granted_scope(spec.cohort):
                batch = await anext(subjects, None)
                if batch is not None and spec.kind is ExportKind.EVENTS:
                    details = await event_details(session, [s.case_id for s in batch])
            if batch is None:
                return
            if spec.kind is ExportKind.EVENTS:
                key = spec.pseudonym_key
                yield [
                    row
                    for s in batch
                    for row in event_rows(s, details.get(s.case_id, ()), spec.programs[s.program_id], key)
                ]
            else:
                yield _case_rows(spec, batch)
    finally:
        with granted_scope(spec.cohort):
            await subjects.aclose()


@contextlib.asynccontextmanager
async def _reading(
    session_maker: async_sessionmaker[AsyncSession], spec: ExportSpec
) -> AsyncIterator[tuple[ExportSpec, AsyncSession]]:
    """A session of the export's own, and the spec with what its first pass reads (see :func:`plan_export`).

    The body of a streamed response is produced after the request's session is closed, so the
    export opens its own. A month-only file's two passes run in it; on PostgreSQL in one
    repeatable-read transaction, so both see the same cases (SQLite reads each statement afresh,
    and a case added between the passes is left out, see :meth:`KAnonymityPlan.keeps`).
    """
    async with session_maker() as session:
        planning = spec.needs_plan and spec.plan is None
        if planning and session.bind.dialect.name == "postgresql":
            await session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        await plan_each_run(session)
        if planning or spec.shifts_dates:
            spec = await plan_export(session, spec)
        yield spec, session


async def _counted(
    batches: AsyncIterator[list[tuple[Any, ...]]], progress: Progress
) -> AsyncIterator[list[tuple[Any, ...]]]:
    async for rows in batches:
        progress.rows += len(rows)
        yield rows


async def export_chunks(
    session_maker: async_sessionmaker[AsyncSession], spec: ExportSpec, progress: Progress
) -> AsyncIterator[bytes]:
    """The file's bytes, as they become ready. ``progress`` counts the rows and says if it finished.

    A month-only case file first counts its quasi-identifiers over the whole cohort (one streamed
    pass), so that its generalization is known before the first row is written.
    """
    async with _reading(session_maker, spec) as (planned, session):
        rows = _counted(_batches(session, planned), progress)
        try:
            async for chunk in _write(planned, rows, progress):
                yield chunk
        finally:
            await rows.aclose()


async def _write(spec: ExportSpec, reading: AsyncIterator[Any], progress: Progress) -> AsyncIterator[bytes]:
    if spec.plan is not None:
        progress.suppressed = spec.plan.suppressed
        with use_locale(DEFAULT_LANGUAGE):  # for the audit trail, stored once for every reader
            progress.generalized = spec.plan.generalization.steps()
    if spec.format is ExportFormat.CSV:
        yield csv_bytes([spec.column_names])
        async for rows in reading:
            yield export_csv_bytes(rows, spec.columns)
        progress.finished = True
        return
    handle, name = tempfile.mkstemp(prefix="youthcourt-export-", suffix=f".{spec.format.value}")
    os.close(handle)
    path = Path(name)
    writer = None
    try:
        writer = FILE_WRITERS[spec.format](path, spec)
        # Writing is CPU work: off the event loop, so other requests are served meanwhile.
        async for rows in reading:
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
