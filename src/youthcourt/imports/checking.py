"""Checking a staged import: every row read as its form, then the rules that span rows and the database.

Nothing is written here. The preview shows what this finds, and the import runs it again inside
its own transaction, so what is imported is exactly what was checked.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import ImportKind, RecordImport
from youthcourt.imports.columns import COLUMNS, columns_of, fold
from youthcourt.imports.forms import ROW_FORMS, row_values
from youthcourt.jurors.models import Juror, JurorSource
from youthcourt.reference.models import Offense, ReferralSource
from youthcourt.referrals.models import Youth
from youthcourt.web.forms import DeclaredForm, Form
from youthcourt.web.i18n import N_, _, ngettext

CHUNK = 500
"""Values per ``IN`` list when looking rows up in the database."""
HIDDEN = N_("(not shown)")


@dataclass(frozen=True)
class CellProblem:
    header: str
    """The file's own name for the column (or the column's name when the file has none)."""
    message: str
    value: str
    """The cell as written, or :data:`HIDDEN` for a name, birth date or contact detail."""


@dataclass
class RowReport:
    number: int
    """The row as a spreadsheet numbers it: the header is row 1."""
    problems: list[CellProblem] = field(default_factory=list)


@dataclass
class Preview:
    """What an import would do: its good rows, ready to write, and every problem by row and column."""

    rows_total: int = 0
    general: list[str] = field(default_factory=list)
    """Problems with the file as a whole (a required column not mapped)."""
    reports: list[RowReport] = field(default_factory=list)
    """Rows with at least one problem, in file order."""
    good: list[Any] = field(default_factory=list)
    """The checked rows (``CaseRow`` or ``JurorRow``), in file order; written only if nothing is wrong."""
    matches: dict[int, Any] = field(default_factory=dict)
    """Row number -> the youth a former respondent's juror row is matched to."""

    @property
    def fine(self) -> int:
        return self.rows_total - len(self.reports) if not self.general else 0

    @property
    def problem_count(self) -> int:
        return len(self.general) + sum(len(report.problems) for report in self.reports)

    @property
    def is_clean(self) -> bool:
        return not self.general and not self.reports and bool(self.good)


def missing_columns(kind: ImportKind, mapping: dict[str, str]) -> list[str]:
    mapped = set(mapping.values())
    """The labels of the required columns no header fills, in the reader's language."""
    return [_(column.label) for column in COLUMNS[kind] if column.required and column.key not in mapped]


async def check_import(db: AsyncSession, record: RecordImport, today: datetime.date) -> Preview:
    """Check every staged row of ``record`` against its mapping, the program's catalog and records."""
    preview = Preview(rows_total=len(record.staged_rows))
    missing = missing_columns(record.kind, record.mapping)
    if missing:
        preview.general.append(
            ngettext(
                "Choose the file's column for %(columns)s: it is required.",
                "Choose the file's column for %(columns)s: they are required.",
                len(missing),
                columns=", ".join(missing),
            )
        )
        return preview
    options = await _options(db, record.kind)
    headers = _headers_by_key(record)
    dates = {key for key in columns_of(record.kind) if key.endswith("_on") or key == "date_of_birth"}
    form_class = ROW_FORMS[record.kind.value]
    forms: list[tuple[int, DeclaredForm]] = []
    for index, cells in enumerate(record.staged_rows):
        values = row_values(record.headers, record.mapping, cells, dates)
        forms.append((index + 2, form_class.read(Form.from_data(values), today=today, options=options)))
    extra: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if record.kind is ImportKind.CASES:
        await _case_rules(db, forms, extra)
    else:
        await _juror_rules(db, forms, extra, preview)
    for number, form in forms:
        problems = [*form.form.errors.items(), *extra.get(number, [])]
        if problems:
            preview.reports.append(
                RowReport(number, [_problem(record, headers, form, k, m) for k, m in problems])
            )
        else:
            preview.good.append(form)
    return preview


def _headers_by_key(record: RecordImport) -> dict[str, str]:
    return {key: header for header, key in record.mapping.items() if key}


def _problem(
    record: RecordImport, headers: dict[str, str], form: DeclaredForm, key: str, message: str
) -> CellProblem:
    column = columns_of(record.kind).get(key)
    header = headers.get(key) or (_(column.label) if column else key)
    value = form.form.get(key)
    return CellProblem(
        header, message, _(HIDDEN) if column is None or (column.identifying and value) else value
    )


async def _options(db: AsyncSession, kind: ImportKind) -> dict[str, dict[str, Any]]:
    """The program's catalog, by name as a cell would hold it (matched leniently by the fields)."""
    if kind is ImportKind.JURORS:
        return {}
    offenses = (await db.scalars(select(Offense).order_by(Offense.name))).all()
    sources = (await db.scalars(select(ReferralSource).order_by(ReferralSource.name))).all()
    return {
        "offense": {offense.name: offense for offense in offenses},
        "source": {source.name: source for source in sources},
        "new_offense_category": {offense.category: offense.category for offense in offenses},
    }


def _person_key(form: DeclaredForm) -> tuple[str, str, Any]:
    return fold(form.first_name), fold(form.last_name), form.date_of_birth


async def _case_rules(
    db: AsyncSession, forms: list[tuple[int, DeclaredForm]], extra: dict[int, list]
) -> None:
    """A row twice in the file, and a youth the program already has."""
    seen: dict[tuple[Any, ...], int] = {}
    for number, form in forms:
        key = (*_person_key(form), form.received_on)
        if form.date_of_birth and form.received_on:
            if key in seen:
                extra[number].append(
                    (
                        "first_name",
                        _("The same youth and referral date as row %(row)s: a duplicate row.", row=seen[key]),
                    )
                )
            seen.setdefault(key, number)
    known = await existing_youth(db, [form.date_of_birth for _, form in forms if form.date_of_birth])
    for number, form in forms:
        if _person_key(form) in known:
            extra[number].append(
                (
                    "first_name",
                    _(
                        "A youth with this name and birth date is already in the program: "
                        "enter this case from their record instead."
                    ),
                )
            )


async def existing_youth(db: AsyncSession, births: list[datetime.date]) -> dict[tuple[str, str, Any], Any]:
    """The program's youth born on any of ``births``, by folded name and birth date (a query per 500 dates)."""
    found: dict[tuple[str, str, Any], Any] = {}
    unique = sorted(set(births))
    for start in range(0, len(unique), CHUNK):
        rows = await db.execute(
            select(Youth.id, Youth.first_name, Youth.last_name, Youth.date_of_birth).where(
                Youth.date_of_birth.in_(unique[start : start + CHUNK]), Youth.expunged_at.is_(None)
            )
        )
        for youth_id, first, last, born in rows:
            found[(fold(first), fold(last), born)] = youth_id
    return found


async def _juror_rules(
    db: AsyncSession, forms: list[tuple[int, DeclaredForm]], extra: dict[int, list], preview: Preview
) -> None:
    """A juror twice in the file or already on the roster; a former respondent's youth record."""
    seen: dict[tuple[Any, ...], int] = {}
    roster = await _roster(db)
    for number, form in forms:
        key = _person_key(form)
        if key in seen:
            extra[number].append(
                ("first_name", _("The same juror as row %(row)s: a duplicate row.", row=seen[key]))
            )
        seen.setdefault(key, number)
        if key in roster or (
            form.email and (fold(form.first_name), fold(form.last_name), form.email) in roster
        ):
            extra[number].append(("first_name", _("This juror is already on the program's roster.")))
    respondents = [
        form for _, form in forms if form.source is JurorSource.FORMER_RESPONDENT and form.date_of_birth
    ]
    youth = await existing_youth(db, [form.date_of_birth for form in respondents])
    enrolled = set(
        (await db.scalars(select(Juror.youth_id).where(Juror.youth_id.in_(list(youth.values()))))).all()
    )
    for number, form in forms:
        if form.source is not JurorSource.FORMER_RESPONDENT or not form.date_of_birth:
            continue
        youth_id = youth.get(_person_key(form))
        if youth_id is None:
            extra[number].append(("source", _("No youth of the program has this name and birth date.")))
        elif youth_id in enrolled:
            extra[number].append(("source", _("This former respondent is already on the roster.")))
        else:
            preview.matches[number] = youth_id
            form.youth_id = youth_id


async def _roster(db: AsyncSession) -> set[tuple[Any, ...]]:
    """The program's jurors by folded name with birth date, and with email (a roster is hundreds, not more)."""
    rows = await db.execute(
        select(func.lower(Juror.first_name), func.lower(Juror.last_name), Juror.date_of_birth, Juror.email)
    )
    keys: set[tuple[Any, ...]] = set()
    for first, last, born, email in rows:
        keys.add((fold(first), fold(last), born))
        if email:
            keys.add((fold(first), fold(last), email))
    return keys
