"""The columns an import understands, per kind of file, and how a file's header is matched to them.

Each column says whether it is required, what it holds, the values it accepts and an example: the
import page, the mapping page and the README describe the format from this one list. A file's
header is matched to the columns by name, case and punctuation aside, or by a common synonym.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from youthcourt.cases.models import ImportKind
from youthcourt.outcomes.models import OutcomeEventType, RecordSystem
from youthcourt.reference.models import CourtRole
from youthcourt.referrals.models import RACE_ETHNICITY_CATEGORIES
from youthcourt.web.i18n import N_, _

DATE_HINT = N_("a date, YYYY-MM-DD (or MM/DD/YYYY, or a spreadsheet date)")
LIST_SEPARATORS = re.compile(r"\s*[;|]\s*")
"""Several values in one cell (check dates, record systems, roles) are separated by ``;``."""


@dataclass(frozen=True)
class Column:
    """One column of a kind of file. Its key, example, synonyms and accepted values are the file's
    format and stay as written; its label and meaning are English (the catalog's keys), shown
    with ``_(column.label)`` and :meth:`description`."""

    key: str
    label: str
    required: bool
    meaning: str
    """What it holds; ``%(date)s`` (``%(Date)s``) is the date format, ``%(values)s`` the accepted values."""
    example: str
    synonyms: tuple[str, ...] = ()
    identifying: bool = False
    """Names, birth dates and contact details: the preview names the problem but never shows the value."""
    accepted: tuple[str, ...] = ()
    """The values a cell may hold, as a file writes them (in English, whatever the reader's language)."""

    def description(self) -> str:
        """What the column holds, in the reader's language."""
        date = _(DATE_HINT)
        return _(self.meaning, date=date, Date=date[:1].upper() + date[1:], values=_values(self.accepted))


def fold(text: Any) -> str:
    """A header or a value compared leniently: lower case, punctuation and spacing collapsed."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(text).lower()).split())


def _values(options: Any) -> str:
    return ", ".join(str(option) for option in options)


CLOSURES = ("completed", "not completed", "withdrawn")
CHECK_RESULTS = ("no new offense", "new offense")
RECORD_SYSTEMS = tuple(system.value for system in RecordSystem)
EVENT_TYPES = tuple(event.value for event in OutcomeEventType)
ROLES = tuple(role.value for role in CourtRole)

CASE_COLUMNS: tuple[Column, ...] = (
    Column(
        "first_name",
        N_("First name"),
        True,
        N_("The youth's first name."),
        "Jordan",
        ("first", "given name", "youth first name"),
        identifying=True,
    ),
    Column(
        "last_name",
        N_("Last name"),
        True,
        N_("The youth's last name."),
        "Avery",
        ("last", "surname", "family name", "youth last name"),
        identifying=True,
    ),
    Column(
        "date_of_birth",
        N_("Date of birth"),
        True,
        N_("The youth's birth date: %(date)s."),
        "2009-05-14",
        ("dob", "birth date", "birthdate", "born"),
        identifying=True,
    ),
    Column(
        "gender", N_("Gender"), False, N_("As the family gave it, at most 40 characters."), "Female", ("sex",)
    ),
    Column(
        "race_ethnicity",
        N_("Race and ethnicity"),
        False,
        N_("One of: %(values)s."),
        "Hispanic or Latino",
        ("race", "ethnicity", "race ethnicity"),
        accepted=RACE_ETHNICITY_CATEGORIES,
    ),
    Column(
        "received_on",
        N_("Referral received"),
        True,
        N_("When the referral came in: %(date)s."),
        "2023-02-06",
        ("referral date", "referred on", "date referred", "received", "referral received date", "referred"),
    ),
    Column(
        "incident_on",
        N_("Incident date"),
        False,
        N_("The date of the offense: %(date)s; the referral date when empty."),
        "2023-01-28",
        ("incident", "offense date", "date of offense", "date of incident"),
    ),
    Column(
        "offense",
        N_("Offense"),
        True,
        N_("An offense of the program's catalog, by its name (Reference data)."),
        "Shoplifting",
        ("charge", "offense name", "offence", "referral offense"),
    ),
    Column(
        "source",
        N_("Referral source"),
        True,
        N_("A source agency of the program, by its name (Reference data)."),
        "Riverside Police Department",
        ("referral source", "referred by", "agency", "source agency"),
    ),
    Column(
        "source_reference",
        N_("Agency reference"),
        False,
        N_("The agency's own reference number."),
        "PD-2023-118",
        ("reference", "agency reference", "reference number", "agency number"),
        identifying=True,
    ),
    Column(
        "intake_on",
        N_("Intake date"),
        False,
        N_("The intake interview: %(date)s."),
        "2023-02-15",
        ("intake", "intake date"),
    ),
    Column(
        "hearing_on",
        N_("Hearing date"),
        False,
        N_("The hearing held: %(date)s. It counts as the first hearing held in reports."),
        "2023-03-09",
        ("hearing", "heard on", "date of hearing"),
    ),
    Column(
        "disposition_on",
        N_("Disposition date"),
        False,
        N_("When the disposition was decided: %(date)s."),
        "2023-03-09",
        ("disposition date", "sentenced on", "sentence date"),
    ),
    Column(
        "disposition",
        N_("Disposition"),
        False,
        N_("The sanctions in words (kept as the disposition's notes), at most 2,000 characters."),
        "20 hours community service; apology letter",
        ("sanctions", "sentence", "sanctions summary", "disposition summary"),
    ),
    Column(
        "closed_on",
        N_("Closure date"),
        True,
        N_("When the case closed: %(date)s."),
        "2023-06-01",
        ("closed", "date closed", "closure", "exit date", "closing date"),
    ),
    Column(
        "closure",
        N_("Closure"),
        True,
        N_("How the case ended, one of: %(values)s."),
        "completed",
        ("closure state", "outcome", "completion", "completed", "status", "case outcome"),
        accepted=CLOSURES,
    ),
    Column(
        "check_dates",
        N_("Follow-up check dates"),
        False,
        N_(
            "The dates records were checked for new offenses after closure, separated by ; "
            "(none for a withdrawn case)."
        ),
        "2023-12-01; 2024-06-01",
        ("check date", "check dates", "follow up date", "follow up dates", "records check date"),
    ),
    Column(
        "records_searched",
        N_("Records searched"),
        False,
        N_(
            "The record systems the checks searched, separated by ;, from: %(values)s. "
            "Empty: no records searched, which reports do not count as follow-up."
        ),
        "police; juvenile_court",
        ("records", "record systems", "systems searched", "searched"),
        accepted=RECORD_SYSTEMS,
    ),
    Column(
        "check_result",
        N_("Follow-up result"),
        False,
        N_("What the checks found, one of: %(values)s. Required with check dates."),
        "no new offense",
        ("result", "follow up result", "check result", "recidivism"),
        accepted=CHECK_RESULTS,
    ),
    Column(
        "new_offense_on",
        N_("New offense date"),
        False,
        N_("The date of the new offense found: %(date)s."),
        "2024-02-10",
        ("new offense date", "reoffense date", "recidivism date", "date of new offense"),
    ),
    Column(
        "new_offense_type",
        N_("New offense type"),
        False,
        N_("One of: %(values)s."),
        "arrest",
        ("new offense type", "event type", "reoffense type"),
        accepted=EVENT_TYPES,
    ),
    Column(
        "new_offense_category",
        N_("New offense category"),
        False,
        N_("An offense category of the program's catalog (property, person, ...)."),
        "property",
        ("new offense category", "reoffense category"),
    ),
    Column(
        "new_offense_found_in",
        N_("New offense found in"),
        False,
        N_("The record system it was found in, one of: %(values)s."),
        "police",
        ("found in", "new offense source", "new offense record"),
        accepted=RECORD_SYSTEMS,
    ),
)

JUROR_COLUMNS: tuple[Column, ...] = (
    Column(
        "first_name",
        N_("First name"),
        True,
        N_("The juror's first name."),
        "Sam",
        ("first", "given name"),
        identifying=True,
    ),
    Column(
        "last_name",
        N_("Last name"),
        True,
        N_("The juror's last name."),
        "Okafor",
        ("last", "surname", "family name"),
        identifying=True,
    ),
    Column(
        "date_of_birth",
        N_("Date of birth"),
        False,
        N_("%(Date)s; required for a former respondent."),
        "2008-11-02",
        ("dob", "birth date", "birthdate"),
        identifying=True,
    ),
    Column(
        "email",
        N_("Email"),
        False,
        N_("The juror's email address."),
        "sam.okafor@example.org",
        ("email address", "e mail"),
        identifying=True,
    ),
    Column(
        "phone",
        N_("Phone"),
        False,
        N_("The juror's phone number, at most 40 characters."),
        "555-0101",
        ("phone number", "mobile", "cell", "telephone"),
        identifying=True,
    ),
    Column("school", N_("School"), False, N_("At most 200 characters."), "Riverside High", ()),
    Column("grade", N_("Grade"), False, N_("At most 20 characters."), "10", ("year",)),
    Column(
        "guardian_name",
        N_("Guardian"),
        False,
        N_("A parent or guardian's name."),
        "Ada Okafor",
        ("parent", "parent name", "guardian name"),
        identifying=True,
    ),
    Column(
        "guardian_email",
        N_("Guardian email"),
        False,
        N_("The guardian's email address."),
        "ada@example.org",
        ("parent email",),
        identifying=True,
    ),
    Column(
        "source",
        N_("Source"),
        False,
        N_(
            "volunteer (the default) or former respondent: a former respondent is matched to the youth of "
            "the program with the same name and birth date."
        ),
        "volunteer",
        ("juror source", "type"),
    ),
    Column(
        "status",
        N_("Status"),
        False,
        N_("applicant, active, suspended or alumni; active when an oath date is given, else applicant."),
        "active",
        ("juror status",),
    ),
    Column(
        "oath_on",
        N_("Oath date"),
        False,
        N_("When the confidentiality oath was signed: %(date)s."),
        "2023-09-12",
        ("oath", "oath date", "oath signed", "oath signed on"),
    ),
    Column(
        "parent_consent_on",
        N_("Parent consent date"),
        False,
        N_("%(Date)s."),
        "2023-09-10",
        ("parent consent", "consent date"),
    ),
    Column(
        "roles",
        N_("Court roles"),
        False,
        N_("The roles the juror holds, separated by ;, from: %(values)s."),
        "juror; foreperson",
        ("role", "court role", "qualifications"),
        accepted=ROLES,
    ),
    Column(
        "roles_earned_on",
        N_("Roles earned on"),
        False,
        N_("When the roles were earned: %(date)s; the oath date when empty."),
        "2023-10-01",
        ("role date", "roles date", "qualified on"),
    ),
    Column(
        "training",
        N_("Training"),
        False,
        N_("Training sessions attended, as DATE:HOURS separated by ;."),
        "2023-09-16:4; 2024-01-20:2.5",
        ("training dates", "trainings", "training sessions"),
    ),
)

COLUMNS: dict[ImportKind, tuple[Column, ...]] = {
    ImportKind.CASES: CASE_COLUMNS,
    ImportKind.JURORS: JUROR_COLUMNS,
}


def columns_of(kind: ImportKind) -> dict[str, Column]:
    return {column.key: column for column in COLUMNS[kind]}


def guess_mapping(
    kind: ImportKind, headers: list[str], remembered: dict[str, str] | None = None
) -> dict[str, str]:
    """Header -> column key ("" for none): the remembered choice for a header first, then its name
    or a synonym. A column goes to one header at most (the first that names it)."""
    remembered = remembered or {}
    columns = columns_of(kind)
    names = {
        name: column.key
        for column in COLUMNS[kind]
        for name in (fold(column.key), fold(column.label), *(fold(s) for s in column.synonyms))
    }
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for header in headers:
        folded = fold(header)
        key = remembered.get(folded)
        if key is None:
            key = names.get(folded, "")
        if key and (key not in columns or key in taken):
            key = ""
        mapping[header] = key
        taken.add(key)
    return mapping


def remembered_form(mapping: dict[str, str]) -> dict[str, str]:
    """A mapping as it is remembered: by folded header, so the next file's spelling may differ."""
    return {fold(header): key for header, key in mapping.items() if fold(header)}


def split_list(cell: str) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(cell.strip()) if part]
