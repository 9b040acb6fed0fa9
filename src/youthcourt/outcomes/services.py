"""Follow-up checks and the new offenses they find: the worklist, reading the forms, and saving.

A check is recorded once. Its events and its result are saved with it in the request's one
transaction, and the check is marked done by a conditional update, so two coordinators
recording the same check at the same moment cannot both succeed.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy import Date, Select, bindparam, distinct, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased, selectinload

from youthcourt.accounts.services import member_names
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case, CheckResult, EventKind, FollowUpCheck
from youthcourt.cases.services import CaseService, follow_up_days
from youthcourt.database import TODAY
from youthcourt.outcomes.forms import RECORD_SYSTEMS, CheckForm, EventForm
from youthcourt.outcomes.models import OutcomeEvent, OutcomeEventType, RecordSystem
from youthcourt.programs.viewer import Viewer
from youthcourt.reference.models import Offense
from youthcourt.referrals import sealed
from youthcourt.referrals.models import Referral, Youth
from youthcourt.referrals.services import STATUS_LABELS
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, gettext

DUE = "due"
UPCOMING = "upcoming"
COMPLETED = "completed"
VIEWS = {DUE: N_("Due now"), UPCOMING: N_("Due in the next 30 days"), COMPLETED: N_("Completed")}
UPCOMING_DAYS = 30

EVENT_ROWS = 3
"""Event rows the check form offers at first; "Add another event" adds more, up to ``MAX_EVENT_ROWS``."""
MAX_EVENT_ROWS = 10
EVENT_FIELDS = ("occurred_on", "event_type", "offense_category", "source")


LATER_PREFIX = "event_"
"""Field prefix of the one-event form on the case page ("Record a new offense")."""

RECORDED_ALREADY = N_("This check was recorded already; it cannot be recorded twice.")
RECORDED_MEANWHILE = N_("Someone else recorded this check a moment ago; nothing of yours was saved.")


def event_prefix(number: int) -> str:
    """Field prefix of the check form's event row ``number``: ``e1_occurred_on``, ``e2_source``..."""
    return f"e{number}_"


# ---------------------------------------------------------------------------------------------
# The worklist


def followed_title(number: str | None, referred_on: datetime.date | None) -> str:
    """ "Case 2025-0012", or "Referral of 2025-03-04" for a study referral without a case."""
    if number is not None:
        return gettext("Case %(number)s", number=number)
    assert referred_on is not None, "a check follows a case or a study referral"
    return gettext("Referral of %(day)s", day=referred_on.isoformat())


def followed_path(case_id: UUID | None, referral_id: UUID | None) -> str:
    """The page of the case or, without one, of the study referral."""
    return f"/cases/{case_id}" if case_id is not None else f"/referrals/{referral_id}"


@dataclass(frozen=True)
class Followed:
    """What a check follows up: a closed case, or a study's referral declined or returned without one."""

    referral: Referral
    case: Case | None
    started_on: datetime.date
    """The case's closing or the referral's decision: the windows count from it, and no check is before it."""

    @classmethod
    def of(cls, check: FollowUpCheck, case: Case | None, referral: Referral | None) -> Followed:
        started = check.due_on - datetime.timedelta(days=follow_up_days(check.window_months))
        if case is not None:
            return cls(case.referral, case, case.closed_on or started)
        assert referral is not None, "a check belongs to a case or a referral"
        return cls(referral, None, started)

    @property
    def title(self) -> str:
        return followed_title(self.case.number if self.case is not None else None, self.referral.received_on)

    @property
    def youth(self) -> Youth:
        return self.case.youth if self.case is not None else self.referral.youth

    @property
    def sealed(self) -> bool:
        return self.case is not None and self.case.sealed_at is not None

    @property
    def closed_words(self) -> str:
        """How it ended: "closed 2026-01-04 (completed)", "declined 2026-01-04 (study arm: youth court)"."""
        day = self.started_on.isoformat()
        if self.case is not None:
            return gettext("closed %(day)s (%(state)s)", day=day, state=self.case.state.shown.lower())
        arm = gettext(self.referral.study_arm.label).lower() if self.referral.study_arm else gettext("none")
        status = gettext(STATUS_LABELS[self.referral.status.value]).lower()
        return gettext("%(status)s %(day)s (study arm: %(arm)s)", status=status, day=day, arm=arm)

    @property
    def path(self) -> str:
        return followed_path(self.case.id if self.case is not None else None, self.referral.id)


@dataclass(frozen=True)
class WorklistRow:
    """A check as the worklist shows it, with the case or study referral it follows up."""

    check: FollowUpCheck
    number: str | None
    """The case's number; None for a study referral followed without a case."""
    sealed: bool
    referred_on: datetime.date | None
    """The study referral's day, which names it (a case is named by its number)."""
    youth_name: str
    """The youth's name; empty where the viewer is not shown names."""
    days_overdue: int
    """Days past the due date of an open check; 0 when due today, not due yet, or done."""

    @property
    def title(self) -> str:
        return followed_title(self.number, self.referred_on)

    @property
    def path(self) -> str:
        return followed_path(self.check.case_id, self.check.referral_id)


_CASE_YOUTH, _REFERRAL_YOUTH = aliased(Youth), aliased(Youth)


@functools.cache
def worklist_query(view: str, *, with_youth: bool) -> Select:
    """Checks with what their rows show of their case or study referral, for one view; soonest due
    first (latest done first when completed).

    One query of the columns shown, whatever the page holds: read as records, a page of 25 rows read
    every column of six records each (notes, narratives, addresses), most of it never shown.
    The conditions on ``completed_on`` and ``due_on`` follow ``ix_follow_up_check_program_due``.
    Built once per process for each view (see ``dashboard.services``), run with :func:`worklist_days`.
    """
    if with_youth:
        first = func.coalesce(_CASE_YOUTH.first_name, _REFERRAL_YOUTH.first_name)
        last = func.coalesce(_CASE_YOUTH.last_name, _REFERRAL_YOUTH.last_name)
    else:
        first = last = literal("")
    query = (
        select(
            FollowUpCheck,
            Case.number,
            Case.sealed_at.is_not(None),
            Referral.received_on,
            first,
            last,
        )
        .outerjoin(Case, Case.id == FollowUpCheck.case_id)
        .outerjoin(Referral, Referral.id == FollowUpCheck.referral_id)
    )
    if with_youth:
        query = query.outerjoin(_CASE_YOUTH, _CASE_YOUTH.id == Case.youth_id).outerjoin(
            _REFERRAL_YOUTH, _REFERRAL_YOUTH.id == Referral.youth_id
        )
    if view == COMPLETED:
        return query.where(FollowUpCheck.completed_on.is_not(None)).order_by(
            FollowUpCheck.completed_on.desc(), Case.number, FollowUpCheck.id
        )
    query = query.where(FollowUpCheck.completed_on.is_(None))
    if view == UPCOMING:
        query = query.where(
            FollowUpCheck.due_on > TODAY, FollowUpCheck.due_on <= bindparam("horizon", type_=Date)
        )
    else:
        query = query.where(FollowUpCheck.due_on <= TODAY)
    return query.order_by(FollowUpCheck.due_on, Case.number, FollowUpCheck.window_months, FollowUpCheck.id)


def worklist_days(view: str, today: datetime.date) -> dict[str, datetime.date]:
    """The values of :func:`worklist_query`'s parameters for ``view`` on ``today``."""
    if view == COMPLETED:
        return {}
    if view == UPCOMING:
        return {"today": today, "horizon": today + datetime.timedelta(days=UPCOMING_DAYS)}
    return {"today": today}


def worklist_rows(rows: Iterable[Any], today: datetime.date) -> list[WorklistRow]:
    return [
        WorklistRow(
            check, number, bool(sealed), referred_on, f"{first} {last}".strip(), days_overdue(check, today)
        )
        for check, number, sealed, referred_on, first, last in rows
    ]


def days_overdue(check: FollowUpCheck, today: datetime.date) -> int:
    if check.completed_on is not None or check.due_on >= today:
        return 0
    return (today - check.due_on).days


# ---------------------------------------------------------------------------------------------
# Loading


async def load_check(db: AsyncSession, check_id: UUID, viewer: Viewer | None) -> FollowUpCheck:
    """The check with its case (or study referral), youth and referral; 404 when unknown or another program's.

    A sealed case's check raises :class:`~youthcourt.referrals.sealed.CaseSealed` unless ``viewer``
    gave a reason lately.
    """
    check = await db.scalar(
        select(FollowUpCheck)
        .where(FollowUpCheck.id == check_id)
        .options(
            selectinload(FollowUpCheck.case).selectinload(Case.youth),
            selectinload(FollowUpCheck.case).selectinload(Case.referral),
            selectinload(FollowUpCheck.referral).selectinload(Referral.youth),
        )
    )
    if check is None:
        raise NotFoundException()
    if check.case is not None:
        await sealed.check(db, check.case, viewer)
    return check


def followed_by(check: FollowUpCheck) -> Followed:
    """What a check loaded by :func:`load_check` follows up."""
    return Followed.of(check, check.case, check.referral)


async def provide_check(
    check_id: FromPath[UUID], db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> FollowUpCheck:
    """The follow-up check named in the path, for handlers that declare ``check`` (scoped, 404, sealing gate)."""
    return await load_check(db_session, check_id, request.user)


CHECK_IN_PATH = {"check": Provide(provide_check)}


async def events_of_check(db: AsyncSession, check_id: UUID) -> list[OutcomeEvent]:
    query = (
        select(OutcomeEvent)
        .where(OutcomeEvent.check_id == check_id)
        .order_by(OutcomeEvent.occurred_on, OutcomeEvent.created_at)
    )
    return list((await db.scalars(query)).all())


@dataclass(frozen=True)
class CaseOutcome:
    """An event of a case, with the window of the check that found it (None: reported later)."""

    event: OutcomeEvent
    window_months: int | None


async def events_of_case(db: AsyncSession, case_id: UUID) -> list[CaseOutcome]:
    """A case's outcome events, oldest first, each with the check that found it (one query)."""
    rows = await db.execute(
        select(OutcomeEvent, FollowUpCheck.window_months)
        .outerjoin(FollowUpCheck, FollowUpCheck.id == OutcomeEvent.check_id)
        .where(OutcomeEvent.case_id == case_id)
        .order_by(OutcomeEvent.occurred_on, OutcomeEvent.created_at)
    )
    return [CaseOutcome(event, months) for event, months in rows.all()]


async def offense_categories(db: AsyncSession) -> dict[str, str]:
    """The distinct categories of the program's offense catalog: what an event's category may be."""
    rows = await db.scalars(select(distinct(Offense.category)).order_by(Offense.category))
    return {category: category.capitalize() for category in rows.all() if category}


async def name_of(db: AsyncSession, user_id: UUID | None) -> str:
    return (await member_names(db, [user_id])).get(user_id, "") if user_id else ""


# ---------------------------------------------------------------------------------------------
# Reading the forms


@dataclass(frozen=True)
class EventInput:
    occurred_on: datetime.date
    event_type: OutcomeEventType
    offense_category: str
    source: RecordSystem

    @property
    def description(self) -> str:
        """For the timeline: "Arrest on 2026-03-02 (theft), in police records"."""
        return (
            f"{self.event_type.label} on {self.occurred_on.isoformat()} ({self.offense_category}), "
            f"in {self.source.label.lower()} records"
        )


@dataclass(frozen=True)
class EventLimits:
    """What an event's date and source may be."""

    referred_on: datetime.date
    """Events count after the referral of the case; the day itself is the original offense's."""
    latest: datetime.date
    """Today, or the day of the check that found it."""
    latest_label: str
    """Marked for the catalog: translated where a message uses it."""
    categories: dict[str, str]
    sources: tuple[str, ...] = tuple(RECORD_SYSTEMS)
    """The record systems the event may come from: for a check, those it searched."""


def event_is_filled(form: Form, prefix: str) -> bool:
    return any(form.get(prefix + name).strip() for name in EVENT_FIELDS)


def event_words(number: int | None = None) -> dict[str, str]:
    """What names an event in its form's labels and messages: "event 2" and "of event 2" for a row
    of the check form, "the offense" and "of the offense" for the case page's one-event form."""
    if number is None:
        return {"event": gettext("the offense"), "of_event": gettext("of the offense")}
    return {
        "event": gettext("event %(number)s", number=number),
        "of_event": gettext("of event %(number)s", number=number),
    }


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def read_event(form: Form, prefix: str, words: dict[str, str], limits: EventLimits) -> EventInput | None:
    """One event from the fields starting with ``prefix``; errors go on the fields. ``words``: see
    :func:`event_words`."""
    before = len(form.errors)
    entry = EventForm.read(form, prefix=prefix, words=words, options={"offense_category": limits.categories})
    occurred_on, source = entry.occurred_on, entry.source
    if occurred_on and occurred_on > limits.latest:
        entry.error(
            "occurred_on",
            gettext(
                "The date %(of_event)s cannot be after %(limit)s.",
                of_event=words["of_event"],
                limit=gettext(limits.latest_label),
            ),
        )
    elif occurred_on and occurred_on <= limits.referred_on:
        entry.error(
            "occurred_on",
            gettext(
                "The date %(of_event)s must be after the youth was referred (%(day)s).",
                of_event=words["of_event"],
                day=limits.referred_on.isoformat(),
            ),
        )
    if source in RECORD_SYSTEMS and source not in limits.sources:
        entry.error(
            "source",
            _sentence(
                gettext(
                    "%(event)s was found in %(records)s records, which the check did not search. "
                    "Tick them under records searched, or choose another source.",
                    event=words["event"],
                    records=gettext(RECORD_SYSTEMS[source]).lower(),
                )
            ),
        )
    if len(form.errors) > before or occurred_on is None:
        return None
    return EventInput(
        occurred_on, OutcomeEventType(entry.event_type), entry.offense_category, RecordSystem(source)
    )


@dataclass(frozen=True)
class CheckInput:
    checked_on: datetime.date
    records: tuple[RecordSystem, ...]
    result: CheckResult
    events: tuple[EventInput, ...]

    @property
    def records_searched(self) -> str:
        return ",".join(system.value for system in self.records)


def row_count(form: Form) -> int:
    """How many event rows the form shows: the rows it had (kept when re-shown), within the limits."""
    try:
        wanted = int(form.get("event_rows", str(EVENT_ROWS)))
    except ValueError:
        wanted = EVENT_ROWS
    return max(EVENT_ROWS, min(wanted, MAX_EVENT_ROWS))


def read_check(
    form: Form, followed: Followed, today: datetime.date, categories: dict[str, str]
) -> CheckInput | None:
    """The check form: date, records searched, result and, for a new offense, its events."""
    entry = CheckForm.read(form, today=today)
    checked_on, result = entry.checked_on, entry.result
    started = followed.started_on
    if checked_on and not entry.has_error("checked_on") and checked_on < started:
        if followed.case is not None:
            message = N_("The date of the check cannot be before the case closed (%(day)s).")
        else:
            message = N_("The date of the check cannot be before the referral was decided (%(day)s).")
        entry.error("checked_on", gettext(message, day=started.isoformat()))
    records = tuple(system for system in RecordSystem if system.value in entry.records)
    filled = [n for n in range(1, row_count(form) + 1) if event_is_filled(form, event_prefix(n))]
    events: list[EventInput] = []
    if result == CheckResult.NO_NEW_OFFENSE and filled:
        entry.error(
            "result",
            gettext(
                "You chose no new offense but filled in events. Clear the events, or choose new offense found."
            ),
        )
    elif result == CheckResult.NEW_OFFENSE:
        if not filled:
            form.error(
                event_prefix(1) + "occurred_on",
                gettext(
                    "Enter at least one new offense: its date, type, offense category and where it was found."
                ),
            )
        limits = EventLimits(
            referred_on=followed.referral.received_on,
            latest=checked_on or today,
            latest_label=N_("the date of the check") if checked_on else N_("today"),
            categories=categories,
            sources=tuple(system.value for system in records) or tuple(RECORD_SYSTEMS),
        )
        for number in filled:
            event = read_event(form, event_prefix(number), event_words(number), limits)
            if event is not None:
                events.append(event)
    if not form.is_valid or checked_on is None:
        return None
    return CheckInput(checked_on, records, CheckResult(result), tuple(events))


# ---------------------------------------------------------------------------------------------
# Saving


def _new_event(followed: Followed, data: EventInput, viewer: Viewer, check_id: UUID | None) -> OutcomeEvent:
    """An event of the case or, for a study referral without one, of the referral."""
    case = followed.case
    return OutcomeEvent(
        program_id=followed.referral.program_id,
        case_id=case.id if case is not None else None,
        referral_id=followed.referral.id if case is None else None,
        check_id=check_id,
        occurred_on=data.occurred_on,
        event_type=data.event_type,
        offense_category=data.offense_category,
        source=data.source,
        recorded_by_id=viewer.user_id,
    )


async def record_check(
    db: AsyncSession, check: FollowUpCheck, data: CheckInput, viewer: Viewer
) -> list[OutcomeEvent] | None:
    """Mark ``check`` done with what it found and add its events and a timeline entry.

    Returns None, saving nothing, when the check was recorded already (by someone else, just now).
    """
    done = await db.execute(
        update(FollowUpCheck)
        .where(FollowUpCheck.id == check.id, FollowUpCheck.completed_on.is_(None))
        .values(
            completed_on=data.checked_on,
            records_searched=data.records_searched,
            result=data.result,
            checked_by_id=viewer.user_id,
        )
    )
    if done.rowcount != 1:
        return None
    followed = followed_by(check)
    events = [_new_event(followed, event, viewer, check.id) for event in data.events]
    db.add_all(events)
    searched = ", ".join(system.label.lower() for system in data.records)
    summary = (
        f"{check.window_months}-month follow-up check on {data.checked_on.isoformat()} "
        f"({searched} records): {data.result.label.lower()}."
    )
    if data.events:
        summary += " " + "; ".join(event.description for event in data.events) + "."
    if followed.case is not None:
        CaseService(session=db).add_event(followed.case, EventKind.FOLLOW_UP, viewer, summary)
    await db.flush()
    return events


async def record_later_event(db: AsyncSession, case: Case, data: EventInput, viewer: Viewer) -> OutcomeEvent:
    """A new offense learned of outside a follow-up check, with its timeline entry."""
    event = _new_event(Followed(case.referral, case, case.closed_on or viewer.today()), data, viewer, None)
    db.add(event)
    CaseService(session=db).add_event(
        case, EventKind.FOLLOW_UP, viewer, f"New offense recorded: {data.description}."
    )
    await db.flush()
    return event


def closed_problem(case: Case) -> str:
    return gettext(
        "Case %(number)s is open (%(state)s). New offenses are recorded after a case closes; "
        "until then, write what you learned in a note on the case.",
        number=case.number,
        state=case.state.shown.lower(),
    )


@dataclass(frozen=True)
class CheckAttempt:
    """What posting the check form came to: the check saved, or the page again with a problem or errors."""

    status_code: int = 200
    problem: str = ""
    data: CheckInput | None = None
    """What was recorded; None when nothing was."""
    events: tuple[OutcomeEvent, ...] = ()


@dataclass(frozen=True)
class EventAttempt:
    """What posting the one-event form came to: the event saved, or the form again."""

    status_code: int = 200
    problem: str = ""
    event: OutcomeEvent | None = None


class FollowUpService(SQLAlchemyAsyncRepositoryService[FollowUpCheck]):
    """Recording follow-up checks and new offenses, each with its timeline and audit entries."""

    class Repository(SQLAlchemyAsyncRepository[FollowUpCheck]):
        model_type = FollowUpCheck

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def record(self, check: FollowUpCheck, form: Form, actor: Actor) -> CheckAttempt:
        """Record what ``check`` found, from the check form; errors go on ``form``.

        A check done already, or whose case is open again, is a conflict (409). "Add another
        event", pressed without JavaScript, saves nothing and asks for one more event row.
        """
        case = check.case
        if check.completed_on is not None:
            return CheckAttempt(409, gettext(RECORDED_ALREADY))
        if case is not None and case.closed_on is None:
            return CheckAttempt(409, closed_problem(case))
        if form.get("add_event"):
            form.values["event_rows"] = str(row_count(form) + 1)
            return CheckAttempt()
        viewer = actor.viewer
        assert viewer is not None
        data = read_check(form, followed_by(check), viewer.today(), await offense_categories(self.db))
        if data is None:
            return CheckAttempt(422)
        events = await record_check(self.db, check, data, viewer)
        if events is None:
            return CheckAttempt(409, gettext(RECORDED_MEANWHILE))
        audit.record(
            self.db,
            actor,
            "follow_up_check_record",
            record_type="follow_up_check",
            record_id=check.id,
            details={
                **({"case_id": str(case.id)} if case else {"referral_id": str(check.referral_id)}),
                "window_months": check.window_months,
                "result": data.result.value,
                "records_searched": data.records_searched,
                "events": len(events),
                "event_types": sorted({event.event_type.value for event in events}),
            },
        )
        return CheckAttempt(data=data, events=tuple(events))

    async def record_later(self, case: Case, form: Form, actor: Actor) -> EventAttempt:
        """Record a new offense of a closed case from the one-event form; errors go on ``form``."""
        if not case.state.is_closed:
            return EventAttempt(409, closed_problem(case))
        viewer = actor.viewer
        assert viewer is not None
        limits = EventLimits(
            referred_on=case.referral.received_on,
            latest=viewer.today(),
            latest_label=N_("today"),
            categories=await offense_categories(self.db),
        )
        data = read_event(form, LATER_PREFIX, event_words(), limits)
        if data is None:
            return EventAttempt(422)
        event = await record_later_event(self.db, case, data, viewer)
        audit.record(
            self.db,
            actor,
            "outcome_event_create",
            record_type="case",
            record_id=case.id,
            details={
                "event_id": str(event.id),
                "event_type": event.event_type.value,
                "source": event.source.value,
            },
        )
        return EventAttempt(event=event)
