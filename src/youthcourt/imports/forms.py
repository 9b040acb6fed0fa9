"""Each row of an imported file is read as a declared form: the same fields, messages and checks as
the app's own forms, with the errors kept per column for the preview.

Cells are matched leniently (:func:`~youthcourt.imports.columns.fold`): "Not completed",
"not_completed" and "NOT COMPLETED" are one value. Dates may also be written MM/DD/YYYY.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from youthcourt.cases.models import CaseState, CheckResult, ImportKind, RecordImport
from youthcourt.imports.columns import COLUMNS, fold, split_list
from youthcourt.jurors.models import JurorSource, JurorStatus
from youthcourt.outcomes.models import OutcomeEventType, RecordSystem
from youthcourt.reference.models import CourtRole
from youthcourt.referrals.models import RACE_ETHNICITY_CATEGORIES
from youthcourt.web.forms import Choice, Context, Date, DeclaredForm, Email, Field, Form, Text, enter
from youthcourt.web.i18n import N_, _

MIN_AGE, MAX_AGE = 6, 25
"""Ages at referral outside this range are taken for a mistyped birth date."""
_US_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def iso_date(cell: str) -> str:
    """A cell written MM/DD/YYYY as YYYY-MM-DD (what the date fields read); anything else as it is."""
    match = _US_DATE.fullmatch(cell.strip())
    if not match:
        return cell
    month, day, year = (int(part) for part in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def _folded_options(options: Mapping[str, Any]) -> dict[str, Any]:
    return {fold(name): value for name, value in options.items()}


def _listed(options: Mapping[str, Any]) -> str:
    names = list(options)
    return ", ".join(names) if len(names) <= 12 else ", ".join(names[:12]) + ", …"


class OneOf(Field):
    """One value of a list, matched leniently; the options are given or come from the context by field name.

    Unlike a select's :class:`~youthcourt.web.forms.Choice`, a cell may hold anything, so the message
    says what was found and where the allowed values come from.
    """

    def __init__(
        self, label: str, *, options: Mapping[str, Any] | None = None, where: str = "", required: bool = True
    ) -> None:
        super().__init__(label, required=required)
        self.options = options
        self.where = where

    def read(self, form: Form, name: str, context: Context) -> Any:
        options = self.options if self.options is not None else context.options[self.attribute]
        cell = form.get(name).strip()
        if not cell:
            if self.required:
                form.error(name, enter(self.label))
            return None
        value = _folded_options(options).get(fold(cell))
        if value is None and self.where:
            form.error(name, _("“%(cell)s” is not %(where)s.", cell=cell[:60], where=_(self.where)))
        elif value is None:
            form.error(
                name, _("“%(cell)s” is not one of: %(values)s.", cell=cell[:60], values=_listed(options))
            )
        return value


class ManyOf(OneOf):
    """Several values of a list in one cell, separated by ``;``."""

    def read(self, form: Form, name: str, context: Context) -> list[Any]:
        folded = _folded_options(self.options or {})
        values = []
        for part in split_list(form.get(name)):
            value = folded.get(fold(part))
            if value is None:
                form.error(
                    name,
                    _(
                        "“%(cell)s” is not one of: %(values)s.",
                        cell=part[:60],
                        values=_listed(self.options or {}),
                    ),
                )
            elif value not in values:
                values.append(value)
        return values


class Dates(Field):
    """Several dates in one cell, separated by ``;``, none in the future; oldest first."""

    def read(self, form: Form, name: str, context: Context) -> list[datetime.date]:
        days = []
        for part in split_list(form.get(name)):
            try:
                day = datetime.date.fromisoformat(iso_date(part))
            except ValueError:
                form.error(
                    name,
                    _("“%(cell)s” is not a date: write YYYY-MM-DD, dates separated by ;.", cell=part[:60]),
                )
                continue
            if context.today and day > context.today:
                form.error(name, _("%(day)s is in the future.", day=day.isoformat()))
            days.append(day)
        return sorted(set(days))


class Trainings(Field):
    """Training sessions as ``DATE:HOURS`` separated by ``;``."""

    def read(self, form: Form, name: str, context: Context) -> list[tuple[datetime.date, Decimal]]:
        sessions = []
        for part in split_list(form.get(name)):
            day_text, _, hours_text = part.partition(":")
            try:
                day = datetime.date.fromisoformat(iso_date(day_text.strip()))
                hours = Decimal(hours_text.strip())
            except (ValueError, InvalidOperation):
                form.error(name, _("“%(cell)s” is not DATE:HOURS, for example 2023-09-16:4.", cell=part[:60]))
                continue
            if not (0 < hours <= 40) or hours.as_tuple().exponent < -2:  # type: ignore[operator]
                form.error(
                    name,
                    _("%(cell)s: the hours must be more than 0 and at most 40, to two decimals.", cell=part),
                )
            elif context.today and day > context.today:
                form.error(name, _("%(day)s is in the future.", day=day.isoformat()))
            elif (day, hours) not in sessions:
                sessions.append((day, hours))
        return sessions


CLOSURE_STATES = {
    "completed": CaseState.COMPLETED,
    "successful": CaseState.COMPLETED,
    "not completed": CaseState.UNSUCCESSFUL,
    "unsuccessful": CaseState.UNSUCCESSFUL,
    "withdrawn": CaseState.WITHDRAWN,
}
RESULTS = {
    "no new offense": CheckResult.NO_NEW_OFFENSE,
    "none": CheckResult.NO_NEW_OFFENSE,
    "new offense": CheckResult.NEW_OFFENSE,
    "new offense found": CheckResult.NEW_OFFENSE,
}
RACES = {category: category for category in RACE_ETHNICITY_CATEGORIES}
EVENT_TYPES = {event.value: event for event in OutcomeEventType}
SYSTEMS = {system.value: system for system in RecordSystem}
ROLES = {role.value: role for role in CourtRole}
SOURCES = {"volunteer": JurorSource.VOLUNTEER, "former respondent": JurorSource.FORMER_RESPONDENT}
STATUSES = {status.value: status for status in JurorStatus}


CLOSED_BEFORE = {
    "intake_on": N_("The closure date is before the intake date."),
    "hearing_on": N_("The closure date is before the hearing date."),
    "disposition_on": N_("The closure date is before the disposition date."),
}


def _before(form: DeclaredForm, earlier: str, later: str, message: str) -> None:
    first, second = getattr(form, earlier), getattr(form, later)
    if first and second and second < first and not form.has_error(later):
        form.error(later, message)


class CaseRow(DeclaredForm):
    """One past case: the youth, the referral, what happened, the closure and the follow-up found."""

    first_name = Text(N_("the first name"), max_length=100)
    last_name = Text(N_("the last name"), max_length=100)
    date_of_birth = Date(N_("the date of birth"), past=True)
    gender = Text(N_("the gender"), required=False, max_length=40)
    race_ethnicity = OneOf(N_("race and ethnicity"), options=RACES, required=False)
    received_on = Date(N_("the referral date"), past=True)
    incident_on = Date(N_("the incident date"), required=False, past=True)
    offense = OneOf(N_("the offense"), where=N_("an offense of the program's catalog (Reference data)"))
    source = OneOf(N_("the referral source"), where=N_("a referral source of the program (Reference data)"))
    source_reference = Text(N_("the agency reference"), required=False, max_length=80)
    intake_on = Date(N_("the intake date"), required=False, past=True)
    hearing_on = Date(N_("the hearing date"), required=False, past=True)
    disposition_on = Date(N_("the disposition date"), required=False, past=True)
    disposition = Text(N_("the disposition"), required=False, max_length=2000)
    closed_on = Date(N_("the closure date"), past=True)
    closure = OneOf(N_("the closure (completed, not completed or withdrawn)"), options=CLOSURE_STATES)
    check_dates = Dates(N_("the check dates"))
    records_searched = ManyOf(N_("the records searched"), options=SYSTEMS, required=False)
    check_result = OneOf(N_("the follow-up result"), options=RESULTS, required=False)
    new_offense_on = Date(N_("the new offense date"), required=False, past=True)
    new_offense_type = OneOf(N_("the new offense type"), options=EVENT_TYPES, required=False)
    new_offense_category = OneOf(
        N_("the new offense category"),
        where=N_("an offense category of the program's catalog"),
        required=False,
    )
    new_offense_found_in = OneOf(N_("where the new offense was found"), options=SYSTEMS, required=False)

    def check(self) -> None:
        self._check_dates_in_order()
        self._check_follow_up()

    def _check_dates_in_order(self) -> None:
        born, received = self.date_of_birth, self.received_on
        if born and received and not self.has_error("date_of_birth"):
            age = received.year - born.year - ((received.month, received.day) < (born.month, born.day))
            if not MIN_AGE <= age <= MAX_AGE:
                self.error(
                    "date_of_birth",
                    _("The youth would be %(age)s at referral: check the birth date.", age=age),
                )
        _before(self, "incident_on", "received_on", _("The referral date is before the incident date."))
        _before(self, "received_on", "intake_on", _("The intake date is before the referral date."))
        _before(self, "received_on", "hearing_on", _("The hearing date is before the referral date."))
        _before(self, "hearing_on", "disposition_on", _("The disposition date is before the hearing date."))
        _before(self, "received_on", "disposition_on", _("The disposition date is before the referral date."))
        for later, message in CLOSED_BEFORE.items():
            _before(self, later, "closed_on", _(message))
        _before(self, "received_on", "closed_on", _("The closure date is before the referral date."))
        if self.closure is CaseState.WITHDRAWN and (self.hearing_on or self.disposition_on):
            self.error(
                "closure", _("A withdrawn case was never heard: leave out its hearing and disposition.")
            )
        if self.disposition and not (self.disposition_on or self.hearing_on):
            self.error(
                "disposition_on", _("Enter the disposition date (or the hearing date) for the disposition.")
            )

    @property
    def decided_on(self) -> datetime.date | None:
        """The disposition's date: its own, else the hearing's."""
        return self.disposition_on or self.hearing_on if (self.disposition or self.disposition_on) else None

    def check_months(self) -> list[int]:
        """Each check's window: whole months (of 365.25 / 12 days) from closure, at least one."""
        if not self.closed_on:
            return []
        return [max(1, round((day - self.closed_on).days / (365.25 / 12))) for day in self.check_dates]

    def _check_follow_up(self) -> None:
        checks = self.check_dates
        if checks and self.closed_on and checks[0] < self.closed_on and not self.has_error("check_dates"):
            self.error("check_dates", _("A follow-up check is dated before the case closed."))
        if checks and self.closure is CaseState.WITHDRAWN:
            self.error("check_dates", _("A withdrawn case is not followed up: leave out its checks."))
        if checks and self.check_result is None and not self.has_error("check_result"):
            self.error("check_result", _("Enter what the checks found: no new offense, or new offense."))
        months = self.check_months()
        if len(set(months)) < len(months) and not self.has_error("check_dates"):
            self.error(
                "check_dates", _("Two checks fall in the same month after closure: keep one per month.")
            )
        if self.records_searched and not checks:
            self.error("records_searched", _("Records searched are given without a check date."))
        found = self.check_result is CheckResult.NEW_OFFENSE
        offense = ("new_offense_on", "new_offense_type", "new_offense_category", "new_offense_found_in")
        if found:
            for name in offense:
                if getattr(self, name) is None and not self.has_error(name):
                    self.error(
                        name,
                        _(
                            "Enter %(what)s: the result is a new offense.",
                            what=_(type(self).fields[name].label),
                        ),
                    )
        elif any(getattr(self, name) for name in offense):
            self.error("check_result", _("A new offense is described but the result is not “new offense”."))
        day = self.new_offense_on
        if found and day and self.received_on and day < self.received_on:
            self.error("new_offense_on", _("The new offense is dated before the referral."))
        if found and day and checks and day > checks[-1]:
            self.error("new_offense_on", _("The new offense is dated after the last check that found it."))


class JurorRow(DeclaredForm):
    """One juror of the roster: who, how to reach them, their oath, roles and training."""

    first_name = Text(N_("the first name"), max_length=100)
    last_name = Text(N_("the last name"), max_length=100)
    date_of_birth = Date(N_("the date of birth"), required=False, past=True)
    email = Email(required=False)
    phone = Text(N_("the phone number"), required=False, max_length=40)
    school = Text(N_("the school"), required=False, max_length=200)
    grade = Text(N_("the grade"), required=False, max_length=20)
    guardian_name = Text(N_("the guardian's name"), required=False, max_length=200)
    guardian_email = Email(required=False)
    source = OneOf(N_("the source"), options=SOURCES, required=False)
    status = OneOf(N_("the status"), options=STATUSES, required=False)
    oath_on = Date(N_("the oath date"), required=False, past=True)
    parent_consent_on = Date(N_("the parent consent date"), required=False, past=True)
    roles = ManyOf(N_("the court roles"), options=ROLES, required=False)
    roles_earned_on = Date(N_("the date the roles were earned"), required=False, past=True)
    training = Trainings(N_("the training sessions"))

    def check(self) -> None:
        if self.source is JurorSource.FORMER_RESPONDENT and not self.date_of_birth:
            self.error(
                "date_of_birth", _("Enter the birth date of a former respondent, to find their youth record.")
            )
        if self.roles and not (self.roles_earned_on or self.oath_on):
            self.error("roles_earned_on", _("Enter when the roles were earned (or the oath date)."))
        if self.status is JurorStatus.ACTIVE and not self.oath_on:
            self.error("oath_on", _("An active juror has signed the oath: enter its date."))


ROW_FORMS: dict[str, type[DeclaredForm]] = {"cases": CaseRow, "jurors": JurorRow}


def row_values(
    headers: list[str], mapping: Mapping[str, str], cells: list[str], dates: set[str]
) -> dict[str, str]:
    """A row's cells by column key, dates written MM/DD/YYYY turned into YYYY-MM-DD."""
    values = {}
    for header, cell in zip(headers, cells, strict=False):
        key = mapping.get(header, "")
        if key:
            values[key] = iso_date(cell) if key in dates else cell
    return values


class UploadForm(DeclaredForm):
    """The upload: what kind of records the file holds (the file itself is read apart)."""

    kind = Choice(N_("what the file holds"), options={kind.value: kind.label for kind in ImportKind})


IMPORT_LABELS = (
    N_("Past cases"),
    N_("Jurors"),
    N_("Waiting to be imported"),
    N_("Imported"),
    N_("Discarded"),
)
"""The labels of :class:`ImportKind` and :class:`ImportStatus` (``youthcourt.cases.models``), put in
the catalog here: the import pages show them with ``_(record.kind.label)``."""


class MappingForm:
    """One select per column of the file (``column-0``, ``column-1``, ...: headers may hold any text),
    each naming the import's column it fills, or none."""

    @staticmethod
    def values_of(record: RecordImport) -> Form:
        return Form(values={f"column-{i}": record.mapping.get(h, "") for i, h in enumerate(record.headers)})

    @staticmethod
    def read_mapping(form: Form, record: RecordImport) -> dict[str, str]:
        """The mapping chosen; errors for an unknown column, a column chosen twice, a required one left out."""
        columns = {column.key: column for column in COLUMNS[record.kind]}
        mapping: dict[str, str] = {}
        chosen: dict[str, str] = {}
        for index, header in enumerate(record.headers):
            name = f"column-{index}"
            key = form.get(name).strip()
            if key and key not in columns:
                form.error(name, _("Choose one of the listed columns, or leave it out."))
                key = ""
            elif key in chosen:
                form.error(
                    name,
                    _(
                        "%(column)s is already filled from “%(header)s”: choose it once.",
                        column=_(columns[key].label),
                        header=chosen[key],
                    ),
                )
                key = ""
            if key:
                chosen[key] = header
            mapping[header] = key
        missing = [
            _(column.label) for column in COLUMNS[record.kind] if column.required and column.key not in chosen
        ]
        if missing:
            form.error(
                "mapping",
                _("Choose the file's column for each required one: %(columns)s.", columns=", ".join(missing)),
            )
        return mapping
