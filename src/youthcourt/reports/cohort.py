"""The cohort behind every outcome report and export: which cases, and what is known about each.

A cohort is the cases of the programs an evaluator is granted, referred within a date range.
Each case becomes a :class:`Subject`: categories and dates only, never a name, contact or
reference number, so nothing identifying can leak from here into a report or an export.
"""

from __future__ import annotations

import datetime
import enum
from collections import defaultdict
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Date, and_, bindparam, func, null, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.cases.models import Case, CaseState, FollowUpCheck
from youthcourt.cases.services import follow_up_end
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors.models import Attendance, Booking, Juror
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.programs.viewer import ProgramChoice, Viewer
from youthcourt.reference.models import Offense, ProgramPolicy, ReferralSource
from youthcourt.referrals.models import Referral, ReferralStatus, Youth
from youthcourt.reports.models import ComparisonRecord
from youthcourt.web.i18n import N_

WINDOWS = (6, 12, 18, 24)
"""Follow-up windows in months that reports offer."""


class Anchor(enum.StrEnum):
    """Where the follow-up clock starts; each answers a different question."""

    REFERRAL = "referral"
    HEARING = "hearing"
    CLOSURE = "closure"

    @property
    def label(self) -> str:
        """In English, marked for the catalog: translated where shown (``_(anchor.label)``)."""
        return ANCHOR_LABELS[self.value]


ANCHOR_LABELS = {
    "referral": N_("Referral received"),
    "hearing": N_("First hearing held"),
    "closure": N_("Case closed"),
}


def age_band(age: int | None) -> str:
    if age is None:
        return "Unknown"
    if age <= 12:
        return "12 and under"
    if age <= 14:
        return "13 to 14"
    if age <= 16:
        return "15 to 16"
    return "17 and over"


NOT_A_CASE = "Declined or returned"
"""The completion status of a study's referral that never became a case."""


def completion_status(state: CaseState | None) -> str:
    """Completion is analysed apart from assignment: non-completers reoffend faster."""
    if state is None:
        return NOT_A_CASE
    if state in (CaseState.COMPLETED, CaseState.UNSUCCESSFUL, CaseState.WITHDRAWN):
        return state.label
    return "Open"


@dataclass(frozen=True, slots=True)
class Subject:
    """One case of the cohort, de-identified: what reports group by and measure from.

    For intent to treat, a study's referral declined or returned is a subject too: ``case_id`` is
    then the referral's id and ``state`` None (see :func:`load_study_referrals`).
    """

    case_id: UUID
    program_id: UUID
    youth_id: UUID
    referred_on: datetime.date
    intake_on: datetime.date | None
    heard_on: datetime.date | None
    closed_on: datetime.date | None
    state: CaseState | None
    offense_class: str
    offense_category: str
    source_kind: str
    age: int
    gender: str
    race_ethnicity: str
    served_as_juror: bool
    """Served on a jury (present or late) on a night after the referral."""
    checked_until: datetime.date | None
    """The latest completed follow-up check: records are known up to here, later time is censored."""
    events: tuple[tuple[datetime.date, OutcomeEventType], ...]
    """New offenses, oldest first."""
    prior: tuple[int | None, int | None, int | None] = (None, None, None)
    """Earlier police contacts, diversions and adjudications, as recorded at referral (None: not known)."""
    study_arm: str = ""
    """The study arm the referral was assigned to (a ``StudyArm`` value), "" when not in a study."""

    @property
    def completion(self) -> str:
        return completion_status(self.state)

    @property
    def age_band(self) -> str:
        return age_band(self.age)


@dataclass(frozen=True)
class Cohort:
    """Which cases a report or an export covers."""

    program_ids: tuple[UUID, ...]
    referred_from: datetime.date
    referred_to: datetime.date

    def as_details(self, programs: Mapping[UUID, str]) -> dict[str, Any]:
        """The filters in words, for the audit trail and the export's notes."""
        return {
            "programs": [programs.get(pid, str(pid)) for pid in self.program_ids],
            "referred_from": self.referred_from.isoformat(),
            "referred_to": self.referred_to.isoformat(),
        }


COHORT_PROGRAMS = bindparam("cohort_programs", expanding=True)
COHORT_FROM = bindparam("cohort_from", type_=Date)
COHORT_TO = bindparam("cohort_to", type_=Date)

IN_ANY_COHORT = and_(
    Case.program_id.in_(COHORT_PROGRAMS),
    Case.referred_on >= COHORT_FROM,
    Case.referred_on <= COHORT_TO,
)
"""The cases of a cohort, with the cohort as parameters (:func:`cohort_values`): for statements
built once per process, whose building and cache keys cost more than the SQL of a program's report.

Read from the case alone (``Case.referred_on``, the referral's day kept on the case by the
database): one range of an index, with no join to the referrals."""


def cohort_values(cohort: Cohort) -> dict[str, Any]:
    """The parameters of :data:`IN_ANY_COHORT`."""
    return {
        "cohort_programs": list(cohort.program_ids),
        "cohort_from": cohort.referred_from,
        "cohort_to": cohort.referred_to,
    }


def granted_programs(viewer: Viewer) -> tuple[ProgramChoice, ...]:
    """The programs whose de-identified data the evaluator may report on: those they hold the role in."""
    return tuple(choice for choice in viewer.programs if choice.role == Role.EVALUATOR)


def first_programs(viewer: Viewer) -> list[str]:
    """The programs a report's first form ticks: the one the evaluator is working in, else every
    granted one. (Programs differ in size and age: together, one's thin months can hold back
    the other's range.)"""
    granted = [str(choice.id) for choice in granted_programs(viewer)]
    current = str(viewer.program_id)
    return [current] if current in granted else granted


@contextmanager
def granted_scope(cohort: Cohort) -> Iterator[None]:
    """Read the cohort's programs through the one scoping mechanism (a report may span programs)."""
    with program_scope(ProgramScope.of(*cohort.program_ids)):
        yield


def default_range(today: datetime.date) -> tuple[str, str]:
    """Three years of referrals and more, to the last month that has ended, as the form's months:
    long enough for follow-up to have happened."""
    last = today.replace(day=1) - datetime.timedelta(days=1)
    return f"{today.year - 3}-01", f"{last:%Y-%m}"


THRESHOLDS_KEY = "suppression_thresholds"


async def suppression_threshold(db: AsyncSession, cohort: Cohort) -> int:
    """The strictest threshold of the cohort's programs (a report spanning programs obeys all of them).

    Read once per database session (once a request): a report checks its range's edges with it,
    then suppresses its cells with it."""
    known: dict[tuple[UUID, ...], int] = db.info.setdefault(THRESHOLDS_KEY, {})
    if cohort.program_ids not in known:
        threshold = await db.scalar(STRICTEST_THRESHOLD, {"cohort_programs": list(cohort.program_ids)})
        known[cohort.program_ids] = max(int(threshold or 10), 2)
    return known[cohort.program_ids]


STRICTEST_THRESHOLD = select(func.max(ProgramPolicy.suppression_threshold)).where(
    ProgramPolicy.program_id.in_(COHORT_PROGRAMS)
)


async def unsearched_checks(db: AsyncSession, cohort: Cohort) -> int:
    """Completed checks of the cohort's cases that searched no record system, set aside by ``Case.checked_until``."""
    return int(await db.scalar(UNSEARCHED_CHECKS, cohort_values(cohort)) or 0)


# Such checks are few (none, mostly): they are looked up first, and the referral day of each
# one's case is read for it alone, a subquery PostgreSQL does not turn into a join. Joined (or
# as EXISTS), it often read the whole cohort first, to find none (6 ms on a statewide program).
_REFERRED_ON = (
    select(Case.referred_on)
    .where(Case.id == FollowUpCheck.case_id, Case.program_id.in_(COHORT_PROGRAMS))
    .scalar_subquery()
)
UNSEARCHED_CHECKS = select(func.count(FollowUpCheck.id)).where(
    FollowUpCheck.completed_on.is_not(None),
    FollowUpCheck.records_searched == "",
    _REFERRED_ON.between(COHORT_FROM, COHORT_TO),
)


def last_served() -> Any:
    return (
        select(Juror.youth_id, func.max(HearingNight.held_on).label("served_on"))
        .join(Booking, Booking.juror_id == Juror.id)
        .join(HearingNight, Booking.night_id == HearingNight.id)
        .where(Juror.youth_id.is_not(None), Booking.attendance.in_((Attendance.PRESENT, Attendance.LATE)))
        .group_by(Juror.youth_id)
        .subquery()
    )


async def service_nights(db: AsyncSession, cohort: Cohort) -> dict[UUID, list[datetime.date]]:
    """The nights each youth of the cohort served on a jury (present or late), oldest first.

    What a landmark needs: whether a youth had served by a given day, not only whether they ever did.
    """
    youth = select(Case.youth_id).where(in_cohort(cohort))
    rows = await db.execute(
        select(Juror.youth_id, HearingNight.held_on)
        .join(Booking, Booking.juror_id == Juror.id)
        .join(HearingNight, Booking.night_id == HearingNight.id)
        .where(
            Juror.youth_id.in_(youth.scalar_subquery()),
            Booking.attendance.in_((Attendance.PRESENT, Attendance.LATE)),
        )
        .order_by(Juror.youth_id, HearingNight.held_on)
    )
    nights: dict[UUID, list[datetime.date]] = defaultdict(list)
    for youth_id, held_on in rows:
        nights[youth_id].append(held_on)
    return nights


def in_cohort(cohort: Cohort) -> Any:
    """The cases of the cohort: of its programs, their referral received within its range
    (:data:`IN_ANY_COHORT` with the cohort's values in it)."""
    return IN_ANY_COHORT.params(cohort_values(cohort))


def comparison_in_cohort(cohort: Cohort) -> Any:
    """The imported comparison youth a report of this cohort counts: their clock started within its range."""
    return and_(
        ComparisonRecord.program_id.in_(cohort.program_ids),
        ComparisonRecord.anchor_on >= cohort.referred_from,
        ComparisonRecord.anchor_on <= cohort.referred_to,
    )


async def _events_by_case(
    db: AsyncSession, cohort: Cohort
) -> dict[UUID, list[tuple[datetime.date, OutcomeEventType]]]:
    rows = await db.execute(
        select(OutcomeEvent.case_id, OutcomeEvent.occurred_on, OutcomeEvent.event_type)
        .join(Case, OutcomeEvent.case_id == Case.id)
        .where(in_cohort(cohort))
        .order_by(OutcomeEvent.case_id, OutcomeEvent.occurred_on)
    )
    return _grouped_events(rows)


def _grouped_events(rows: Any) -> dict[UUID, list[tuple[datetime.date, OutcomeEventType]]]:
    """Rows of (case id, date, type), oldest first per case, as each case's events."""
    events: dict[UUID, list[tuple[datetime.date, OutcomeEventType]]] = defaultdict(list)
    for case_id, occurred_on, event_type in rows:
        events[case_id].append((occurred_on, OutcomeEventType(event_type)))
    return events


def _subject_select(
    who: tuple[Any, Any, Any],
    case_facts: tuple[Any, ...],
    served_on: Any,
    checked_until: Any,
    *,
    case_referral: Any = None,
) -> Any:
    """:func:`_subject`'s columns, in its order, with the referral's youth, offense and source joined.

    ``who`` is the row's id, program and youth; ``case_facts`` the intake, first hearing held,
    closing and state. Rows are cases joined to their referral on ``case_referral``, or referrals.
    """
    query = select(
        *who,
        Referral.received_on,
        *case_facts,
        Offense.offense_class,
        Offense.category,
        ReferralSource.kind,
        Referral.youth_age,
        Youth.gender,
        Youth.race_ethnicity,
        served_on,
        checked_until,
        Referral.prior_police_contacts,
        Referral.prior_diversions,
        Referral.prior_adjudications,
        Referral.study_arm,
    )
    query = query.select_from(Referral) if case_referral is None else query.join(Referral, case_referral)
    return (
        query.join(Youth, who[2] == Youth.id)
        .join(Offense, Referral.offense_id == Offense.id)
        .join(ReferralSource, Referral.source_id == ReferralSource.id)
    )


def served_until(youth_id: Any) -> Any:
    """The last night the row's youth served on a jury (present or late), looked up for that row.

    Per row, through the juror's (program, youth) key, rather than one aggregate of every booking
    joined to the rows: each table's program criteria make PostgreSQL expect a single row, and it
    then ran that aggregate again for every row of a program's export (minutes, not a second).
    """
    return (
        select(func.max(HearingNight.held_on))
        .select_from(Juror)
        .join(Booking, Booking.juror_id == Juror.id)
        .join(HearingNight, Booking.night_id == HearingNight.id)
        .where(Juror.youth_id == youth_id, Booking.attendance.in_((Attendance.PRESENT, Attendance.LATE)))
        .scalar_subquery()
    )


def _subjects_query() -> Any:
    """One row per case: its dates and categories, the first hearing held, the latest check, jury service."""
    return _subject_select(
        (Case.id, Case.program_id, Case.youth_id),
        (Case.intake_on, Case.first_heard_on, Case.closed_on, Case.state),
        served_until(Case.youth_id),
        Case.checked_until,
        case_referral=Case.referral_id == Referral.id,
    )


def _subject(row: Any, events: Mapping[UUID, list[tuple[datetime.date, OutcomeEventType]]]) -> Subject:
    """A row of :func:`_subjects_query` as a Subject (the age at referral is the database's ``youth_age``)."""
    (case_id, program_id, youth_id, referred_on, intake_on, heard_on, closed_on, state) = row[:8]
    (offense_class, category, source_kind, age, gender, race, served_on, checked_until) = row[8:16]
    return Subject(
        case_id=case_id,
        program_id=program_id,
        youth_id=youth_id,
        referred_on=referred_on,
        intake_on=intake_on,
        heard_on=heard_on,
        closed_on=closed_on,
        state=CaseState(state) if state is not None else None,
        offense_class=str(offense_class),
        offense_category=category,
        source_kind=str(source_kind),
        age=age,
        gender=gender or "Not recorded",
        race_ethnicity=race or "Not recorded",
        served_as_juror=served_on is not None and served_on >= referred_on,
        checked_until=checked_until,
        events=tuple(events.get(case_id, ())),
        prior=tuple(row[16:19]),
        study_arm=row[19] or "",
    )


async def load_subjects(db: AsyncSession, cohort: Cohort, *, intent_to_treat: bool = False) -> list[Subject]:
    """Every case of the cohort with its dates, categories and new offenses, in two queries.

    For ``intent_to_treat``, the youth of the study instead: every referral of the range assigned
    to an arm, its case or, declined or returned, the referral itself (two more queries).
    Sealed and expunged cases are included: reports built on this only show aggregates, and the
    program's rates would drift if sealing a successful case removed it from them.
    """
    events = await _events_by_case(db, cohort)
    rows = await db.execute(_subjects_query().where(in_cohort(cohort)))
    subjects = [_subject(row, events) for row in rows]
    if intent_to_treat:
        subjects = [s for s in subjects if s.study_arm] + await load_study_referrals(db, cohort)
    return subjects


def _referral_checked() -> Any:
    """How far each study referral's records are known (as ``Case.checked_until`` says for cases)."""
    return (
        select(FollowUpCheck.referral_id, func.max(FollowUpCheck.completed_on).label("checked_until"))
        .where(FollowUpCheck.completed_on.is_not(None), FollowUpCheck.records_searched != "")
        .group_by(FollowUpCheck.referral_id)
        .subquery()
    )


def assigned_in_cohort(cohort: Cohort) -> Any:
    """A referral of the cohort's range assigned to a study arm and decided: an intent-to-treat report's youth.

    Accepted ones are cases; declined and returned ones are followed up on their own. Referrals
    still pending are not in it yet.
    """
    return ASSIGNED_IN_ANY_COHORT.params(cohort_values(cohort))


ASSIGNED_IN_ANY_COHORT = and_(
    Referral.program_id.in_(COHORT_PROGRAMS),
    Referral.received_on >= COHORT_FROM,
    Referral.received_on <= COHORT_TO,
    Referral.study_arm.is_not(None),
    Referral.status != ReferralStatus.PENDING,
)
""":func:`assigned_in_cohort` with the cohort as parameters (:func:`cohort_values`)."""


def study_referral_in_cohort(cohort: Cohort) -> Any:
    """A referral of the cohort assigned to a study arm and declined or returned: followed without a case."""
    return and_(
        Referral.program_id.in_(cohort.program_ids),
        Referral.received_on >= cohort.referred_from,
        Referral.received_on <= cohort.referred_to,
        Referral.study_arm.is_not(None),
        Referral.status.in_((ReferralStatus.DECLINED, ReferralStatus.RETURNED)),
    )


async def load_study_referrals(db: AsyncSession, cohort: Cohort) -> list[Subject]:
    """The cohort's study referrals that never became cases, as subjects, in two queries.

    Intent to treat analyses every youth by the arm they were assigned to, whatever happened
    after: a youth assigned to youth court whose family declined stays in that arm. Their
    clock can start only at referral (they have no hearing and no closing).
    """
    checked = _referral_checked()
    rows = await db.execute(
        _subject_select(
            (Referral.id, Referral.program_id, Referral.youth_id),
            (null(), null(), null(), null()),
            null(),
            checked.c.checked_until,
        )
        .outerjoin(checked, checked.c.referral_id == Referral.id)
        .where(study_referral_in_cohort(cohort))
    )
    events = _grouped_events(
        await db.execute(
            select(OutcomeEvent.referral_id, OutcomeEvent.occurred_on, OutcomeEvent.event_type)
            .join(Referral, OutcomeEvent.referral_id == Referral.id)
            .where(study_referral_in_cohort(cohort))
            .order_by(OutcomeEvent.referral_id, OutcomeEvent.occurred_on)
        )
    )
    return [_subject(row, events) for row in rows]


async def _events_of_cases(
    db: AsyncSession, case_ids: list[UUID]
) -> dict[UUID, list[tuple[datetime.date, OutcomeEventType]]]:
    rows = await db.execute(
        select(OutcomeEvent.case_id, OutcomeEvent.occurred_on, OutcomeEvent.event_type)
        .where(OutcomeEvent.case_id.in_(case_ids))
        .order_by(OutcomeEvent.case_id, OutcomeEvent.occurred_on)
    )
    return _grouped_events(rows)


async def stream_subjects(
    db: AsyncSession, cohort: Cohort, batch_size: int = 2000
) -> AsyncIterator[list[Subject]]:
    """The cohort in batches, for exports of any size in flat memory: the same cases as :func:`load_subjects`.

    Sealed and expunged cases are in it, as they are in every report: an export holds no name or
    case number, and without them a report could not be recomputed from its export.

    The cases come from one streamed query (a server-side cursor on PostgreSQL) and each
    batch's new offenses from one more query, so the cost is one query per batch, never
    per case. Batches come in case-id order, which is stable and says nothing about the
    youth. Each batch is read when it is asked for: hold the cohort's scope
    (:func:`granted_scope`) around every step of the iteration.
    """
    statement = (
        _subjects_query().where(in_cohort(cohort)).order_by(Case.id).execution_options(yield_per=batch_size)
    )
    result = await db.stream(statement)
    try:
        async for rows in result.partitions(batch_size):
            events = await _events_of_cases(db, [row[0] for row in rows])
            yield [_subject(row, events) for row in rows]
    finally:
        await result.close()


def window_end(anchor_on: datetime.date, months: int) -> datetime.date:
    """The last day of a follow-up window that starts on ``anchor_on`` (a number of days, see ``follow_up_days``)."""
    return follow_up_end(anchor_on, months)
