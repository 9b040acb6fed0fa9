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

DATE_HINT = "a date, YYYY-MM-DD (or MM/DD/YYYY, or a spreadsheet date)"
LIST_SEPARATORS = re.compile(r"\s*[;|]\s*")
"""Several values in one cell (check dates, record systems, roles) are separated by ``;``."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    required: bool
    meaning: str
    example: str
    synonyms: tuple[str, ...] = ()
    identifying: bool = False
    """Names, birth dates and contact details: the preview names the problem but never shows the value."""


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
        "First name",
        True,
        "The youth's first name.",
        "Jordan",
        ("first", "given name", "youth first name"),
        identifying=True,
    ),
    Column(
        "last_name",
        "Last name",
        True,
        "The youth's last name.",
        "Avery",
        ("last", "surname", "family name", "youth last name"),
        identifying=True,
    ),
    Column(
        "date_of_birth",
        "Date of birth",
        True,
        f"The youth's birth date: {DATE_HINT}.",
        "2009-05-14",
        ("dob", "birth date", "birthdate", "born"),
        identifying=True,
    ),
    Column("gender", "Gender", False, "As the family gave it, at most 40 characters.", "Female", ("sex",)),
    Column(
        "race_ethnicity",
        "Race and ethnicity",
        False,
        f"One of: {_values(RACE_ETHNICITY_CATEGORIES)}.",
        "Hispanic or Latino",
        ("race", "ethnicity", "race ethnicity"),
    ),
    Column(
        "received_on",
        "Referral received",
        True,
        f"When the referral came in: {DATE_HINT}.",
        "2023-02-06",
        ("referral date", "referred on", "date referred", "received", "referral received date", "referred"),
    ),
    Column(
        "incident_on",
        "Incident date",
        False,
        f"The date of the offense: {DATE_HINT}; the referral date when empty.",
        "2023-01-28",
        ("incident", "offense date", "date of offense", "date of incident"),
    ),
    Column(
        "offense",
        "Offense",
        True,
        "An offense of the program's catalog, by its name (Reference data).",
        "Shoplifting",
        ("charge", "offense name", "offence", "referral offense"),
    ),
    Column(
        "source",
        "Referral source",
        True,
        "A source agency of the program, by its name (Reference data).",
        "Riverside Police Department",
        ("referral source", "referred by", "agency", "source agency"),
    ),
    Column(
        "source_reference",
        "Agency reference",
        False,
        "The agency's own reference number.",
        "PD-2023-118",
        ("reference", "agency reference", "reference number", "agency number"),
        identifying=True,
    ),
    Column(
        "intake_on",
        "Intake date",
        False,
        f"The intake interview: {DATE_HINT}.",
        "2023-02-15",
        ("intake", "intake date"),
    ),
    Column(
        "hearing_on",
        "Hearing date",
        False,
        f"The hearing held: {DATE_HINT}. It counts as the first hearing held in reports.",
        "2023-03-09",
        ("hearing", "heard on", "date of hearing"),
    ),
    Column(
        "disposition_on",
        "Disposition date",
        False,
        f"When the disposition was decided: {DATE_HINT}.",
        "2023-03-09",
        ("disposition date", "sentenced on", "sentence date"),
    ),
    Column(
        "disposition",
        "Disposition",
        False,
        "The sanctions in words (kept as the disposition's notes), at most 2,000 characters.",
        "20 hours community service; apology letter",
        ("sanctions", "sentence", "sanctions summary", "disposition summary"),
    ),
    Column(
        "closed_on",
        "Closure date",
        True,
        f"When the case closed: {DATE_HINT}.",
        "2023-06-01",
        ("closed", "date closed", "closure", "exit date", "closing date"),
    ),
    Column(
        "closure",
        "Closure",
        True,
        f"How the case ended, one of: {_values(CLOSURES)}.",
        "completed",
        ("closure state", "outcome", "completion", "completed", "status", "case outcome"),
    ),
    Column(
        "check_dates",
        "Follow-up check dates",
        False,
        "The dates records were checked for new offenses after closure, separated by ; "
        "(none for a withdrawn case).",
        "2023-12-01; 2024-06-01",
        ("check date", "check dates", "follow up date", "follow up dates", "records check date"),
    ),
    Column(
        "records_searched",
        "Records searched",
        False,
        f"The record systems the checks searched, separated by ;, from: {_values(RECORD_SYSTEMS)}. "
        "Empty: no records searched, which reports do not count as follow-up.",
        "police; juvenile_court",
        ("records", "record systems", "systems searched", "searched"),
    ),
    Column(
        "check_result",
        "Follow-up result",
        False,
        f"What the checks found, one of: {_values(CHECK_RESULTS)}. Required with check dates.",
        "no new offense",
        ("result", "follow up result", "check result", "recidivism"),
    ),
    Column(
        "new_offense_on",
        "New offense date",
        False,
        f"The date of the new offense found: {DATE_HINT}.",
        "2024-02-10",
        ("new offense date", "reoffense date", "recidivism date", "date of new offense"),
    ),
    Column(
        "new_offense_type",
        "New offense type",
        False,
        f"One of: {_values(EVENT_TYPES)}.",
        "arrest",
        ("new offense type", "event type", "reoffense type"),
    ),
    Column(
        "new_offense_category",
        "New offense category",
        False,
        "An offense category of the program's catalog (property, person, ...).",
        "property",
        ("new offense category", "reoffense category"),
    ),
    Column(
        "new_offense_found_in",
        "New offense found in",
        False,
        f"The record system it was found in, one of: {_values(RECORD_SYSTEMS)}.",
        "police",
        ("found in", "new offense source", "new offense record"),
    ),
)

JUROR_COLUMNS: tuple[Column, ...] = (
    Column(
        "first_name",
        "First name",
        True,
        "The juror's first name.",
        "Sam",
        ("first", "given name"),
        identifying=True,
    ),
    Column(
        "last_name",
        "Last name",
        True,
        "The juror's last name.",
        "Okafor",
        ("last", "surname", "family name"),
        identifying=True,
    ),
    Column(
        "date_of_birth",
        "Date of birth",
        False,
        f"{DATE_HINT[0].upper()}{DATE_HINT[1:]}; required for a former respondent.",
        "2008-11-02",
        ("dob", "birth date", "birthdate"),
        identifying=True,
    ),
    Column(
        "email",
        "Email",
        False,
        "The juror's email address.",
        "sam.okafor@example.org",
        ("email address", "e mail"),
        identifying=True,
    ),
    Column(
        "phone",
        "Phone",
        False,
        "The juror's phone number, at most 40 characters.",
        "555-0101",
        ("phone number", "mobile", "cell", "telephone"),
        identifying=True,
    ),
    Column("school", "School", False, "At most 200 characters.", "Riverside High", ()),
    Column("grade", "Grade", False, "At most 20 characters.", "10", ("year",)),
    Column(
        "guardian_name",
        "Guardian",
        False,
        "A parent or guardian's name.",
        "Ada Okafor",
        ("parent", "parent name", "guardian name"),
        identifying=True,
    ),
    Column(
        "guardian_email",
        "Guardian email",
        False,
        "The guardian's email address.",
        "ada@example.org",
        ("parent email",),
        identifying=True,
    ),
    Column(
        "source",
        "Source",
        False,
        "volunteer (the default) or former respondent: a former respondent is matched to the youth of "
        "the program with the same name and birth date.",
        "volunteer",
        ("juror source", "type"),
    ),
    Column(
        "status",
        "Status",
        False,
        "applicant, active, suspended or alumni; active when an oath date is given, else applicant.",
        "active",
        ("juror status",),
    ),
    Column(
        "oath_on",
        "Oath date",
        False,
        f"When the confidentiality oath was signed: {DATE_HINT}.",
        "2023-09-12",
        ("oath", "oath date", "oath signed", "oath signed on"),
    ),
    Column(
        "parent_consent_on",
        "Parent consent date",
        False,
        f"{DATE_HINT[0].upper()}{DATE_HINT[1:]}.",
        "2023-09-10",
        ("parent consent", "consent date"),
    ),
    Column(
        "roles",
        "Court roles",
        False,
        f"The roles the juror holds, separated by ;, from: {_values(ROLES)}.",
        "juror; foreperson",
        ("role", "court role", "qualifications"),
    ),
    Column(
        "roles_earned_on",
        "Roles earned on",
        False,
        f"When the roles were earned: {DATE_HINT}; the oath date when empty.",
        "2023-10-01",
        ("role date", "roles date", "qualified on"),
    ),
    Column(
        "training",
        "Training",
        False,
        "Training sessions attended, as DATE:HOURS separated by ;.",
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
