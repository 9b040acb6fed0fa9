"""Opening cases, moving them through the state machine, and their timeline.

Other areas change a case only through these functions, so every change of state is
checked by :mod:`youthcourt.cases.states` and lands on the timeline with who and when.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from litestar import Request
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from sqlalchemy import bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import flag_modified, set_committed_value

from youthcourt.accounts.models import Membership, User, member_name
from youthcourt.accounts.services import member_names
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases import states
from youthcourt.cases.forms import INTAKE_DATES, ContactForm, IntakeForm, ticked_factors
from youthcourt.cases.models import (
    Case,
    CaseCounter,
    CaseEvent,
    CaseFactor,
    CaseState,
    ContactLog,
    ContactMethod,
    EventKind,
    FollowUpCheck,
)
from youthcourt.clock import utc_now
from youthcourt.database import insert_missing
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import Viewer
from youthcourt.reference import services as reference
from youthcourt.reference.models import Factor, FactorKind
from youthcourt.referrals import sealed
from youthcourt.referrals import services as referral_services
from youthcourt.referrals.models import Referral, ReferralStatus, Youth
from youthcourt.referrals.screening import screen_referral
from youthcourt.web.forms import Form, parse_uuid
from youthcourt.web.i18n import N_, _

DEFAULT_ZONE = "America/New_York"
"""The time zone of a timeline read without a viewer's (the programs' default)."""
SHOWN_DATES = {
    "intake_on": N_("Intake interview"),
    "admission_on": N_("Admission of the offense"),
    "youth_consent_on": N_("Youth consent signed"),
    "guardian_consent_on": N_("Guardian consent signed"),
    "confidentiality_signed_on": N_("Confidentiality agreement signed"),
    "waiver_signed_on": N_("Waiver signed"),
}
"""The intake dates as the intake form names them, in its order: for the conflict message and the timeline."""
STALE_INTAKE = N_("Someone else saved this case while you were editing. Nothing of yours was saved.")


class ReferralDecided(Exception):
    """The referral was already accepted, declined or returned: it opens no case."""


@dataclass(frozen=True)
class IntakeConflict:
    """An intake form sent from an older version of the case: what is saved now, and how it differs."""

    saved: Form
    differences: list[tuple[str, str, str]]
    """(label, saved text, sent text) for each field that differs."""


@dataclass(frozen=True)
class IntakeEntry:
    """A checked intake form: the case's new values."""

    dates: dict[str, datetime.date | None]
    notes: str
    race_ethnicity: str
    coordinator: str
    """The chosen coordinator's id, or "" for none."""
    factor_ids: list[UUID]


@dataclass(frozen=True)
class TimelineEntry:
    day: datetime.date
    """The day it happened, in the program's time zone."""
    occurred_at: datetime.datetime
    """When it happened or, for entries dated by day only, when it was recorded (orders one day's entries)."""
    kind: str
    title: str
    body: str
    actor_name: str
    date_only: bool = False
    """Contacts are logged by date: the page shows the day, never an hour nobody gave."""


def case_loads() -> list:
    """What a case page needs loaded with the case, in a fixed number of queries."""
    # All joined to the case's own row, in one statement: a youth has a guardian or two and a case
    # a handful of factors, so the rows stay few, and a statement of its own for each list cost more
    # to build than its rows (a tenth of a case page's own work).
    return [
        joinedload(Case.youth).joinedload(Youth.guardians),
        joinedload(Case.referral).joinedload(Referral.offense),
        joinedload(Case.referral).joinedload(Referral.source),
        joinedload(Case.coordinator),
        joinedload(Case.factors).joinedload(CaseFactor.factor),
    ]


CASE_WITH_LOADS = select(Case).where(Case.id == bindparam("case_id")).options(*case_loads())
"""Every page of a case reads it with this statement, built once per process (see ``dashboard.services``)."""


async def case_or_404(db: AsyncSession, case_id: UUID, viewer: Viewer | None) -> Case:
    """The case with what its pages show; 404 when unknown or in another program (the scope hides it).

    A sealed case raises :class:`~youthcourt.referrals.sealed.CaseSealed` unless ``viewer`` gave a
    reason lately: every page of a case loads it here, whatever its address.
    """
    case = (await db.execute(CASE_WITH_LOADS, {"case_id": case_id})).unique().scalar_one_or_none()
    if case is None:
        raise NotFoundException()
    await sealed.check(db, case, viewer)
    return case


async def provide_case(
    case_id: FromPath[UUID], db_session: NamedDependency[AsyncSession], request: Request[Any, Any, Any]
) -> Case:
    """The case named in the path (``/{case_id:uuid}``), for handlers that declare ``case``.

    Every page of a case gets it this way, so each is scoped to the viewer's program, answers 404
    for a case it cannot see and is gated when the case is sealed, without a line in the handler.
    """
    return await case_or_404(db_session, case_id, request.user)


CASE_IN_PATH = {"case": Provide(provide_case)}
"""Controller dependencies of pages whose path names a case."""


CASE_EVENTS = select(CaseEvent).where(CaseEvent.case_id == bindparam("case_id"))
CASE_CONTACTS = select(ContactLog).where(ContactLog.case_id == bindparam("case_id"))


class CaseService(SQLAlchemyAsyncRepositoryService[Case]):
    class Repository(SQLAlchemyAsyncRepository[Case]):
        model_type = Case

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def next_number(self, program_id: UUID, year: int) -> str:
        """The next case number of the program's year: 2026-0001, 2026-0002, ..."""
        return (await self.reserve_numbers(program_id, year, 1))[0]

    async def reserve_numbers(self, program_id: UUID, year: int, count: int) -> list[str]:
        """The next ``count`` case numbers of the program's year, in order (an import numbers many at once).

        The counter row is moved on in the database by one statement, which waits for any
        other transaction numbering a case of the same year, so numbers never repeat or skip.
        The year's first case creates the row; two at once insert it once.
        """
        counters = CaseCounter.__table__
        bump = (
            update(counters)
            .where(counters.c.program_id == program_id, counters.c.year == year)
            .values(last_number=counters.c.last_number + count)
            .returning(counters.c.last_number)
        )
        last = (await self.db.execute(bump)).scalar_one_or_none()
        if last is None:
            # Start after any number already used that year (cases imported or loaded without a counter).
            highest = await self.db.scalar(
                select(func.max(Case.number)).where(
                    Case.program_id == program_id, Case.number.like(f"{year}-%")
                )
            )
            start = int(highest.split("-", 1)[1]) if highest else 0
            row = {"program_id": program_id, "year": year, "last_number": start}
            await insert_missing(self.db, CaseCounter, [row], ["program_id", "year"])
            last = (await self.db.execute(bump)).scalar_one()
        return [f"{year}-{number:04d}" for number in range(last - count + 1, last + 1)]

    async def open_from_referral(self, referral: Referral, viewer: Viewer, opened_on: datetime.date) -> Case:
        """An accepted referral becomes a case, in the state ``referred``, assigned to whoever accepted it."""
        case = Case(
            program_id=referral.program_id,
            number=await self.next_number(referral.program_id, opened_on.year),
            referral_id=referral.id,
            youth_id=referral.youth_id,
            coordinator_id=viewer.user_id,
            state=CaseState.REFERRED,
            opened_on=opened_on,
        )
        self.db.add(case)
        await self.db.flush()
        self.add_event(
            case, EventKind.TRANSITION, viewer, "Referral accepted; case opened.", to_state=case.state
        )
        return case

    async def transition(self, case: Case, wanted: CaseState, viewer: Viewer, summary: str = "") -> None:
        """Move ``case`` to ``wanted`` if the state machine allows it; raises TransitionError otherwise.

        The move is one conditional update (``WHERE state = <the state it was read in>``), so of
        two requests moving the case out of the same state at once exactly one succeeds; the
        other gets :class:`~youthcourt.cases.states.TransitionConflict` and writes nothing.
        """
        states.check(case.state, wanted)
        previous = case.state
        changed_at = utc_now()
        await self.db.flush()  # the caller's own changes to the case go first, checked by its version
        cases = Case.__table__
        version = (
            await self.db.execute(
                update(cases)
                .where(cases.c.id == case.id, cases.c.state == previous)
                .values(state=wanted, state_changed_at=changed_at, version=cases.c.version + 1)
                .returning(cases.c.version)
            )
        ).scalar_one_or_none()
        if version is None:
            now = await self.db.scalar(select(Case.state).where(Case.id == case.id))
            raise states.TransitionConflict(now or previous, wanted)
        for name, value in (("state", wanted), ("state_changed_at", changed_at), ("version", version)):
            set_committed_value(case, name, value)
        self.add_event(
            case,
            EventKind.TRANSITION,
            viewer,
            summary or f"{previous.label} → {wanted.label}",
            from_state=previous,
            to_state=wanted,
        )
        await self.db.flush()

    async def close(
        self,
        case: Case,
        outcome: CaseState,
        viewer: Viewer,
        *,
        reason: str,
        closed_on: datetime.date,
        follow_up_months: list[int],
    ) -> list[FollowUpCheck]:
        """End a case: completed, unsuccessful (returned to the source) or withdrawn.

        Completed and unsuccessful cases get a records check at each follow-up window;
        withdrawn ones were never heard, so there is nothing to follow up.
        """
        case.closed_on = closed_on
        case.closure_reason = reason
        summary = f"Case closed: {outcome.label.lower()}." + (f" {reason}" if reason else "")
        await self.transition(case, outcome, viewer, summary)
        checks = []
        if outcome in FOLLOWED_UP:
            checks = follow_up_checks(case.program_id, closed_on, follow_up_months, case_id=case.id)
            self.db.add_all(checks)
        return checks

    def add_event(
        self,
        case: Case,
        kind: EventKind,
        viewer: Viewer | None,
        summary: str,
        *,
        from_state: CaseState | None = None,
        to_state: CaseState | None = None,
    ) -> CaseEvent:
        event = CaseEvent(
            program_id=case.program_id,
            case_id=case.id,
            kind=kind,
            summary=summary,
            from_state=from_state.value if from_state else None,
            to_state=to_state.value if to_state else None,
            actor_id=viewer.user_id if viewer else None,
            actor_name=(viewer.full_name if viewer else "Youthcourt"),
        )
        self.db.add(event)
        return event

    async def timeline(self, case: Case, zone: str | None = None) -> list[TimelineEntry]:
        """Every transition, note, contact and event of a case, newest first (two queries).

        Entries are ordered by day in the program's time zone, then by time; a contact, dated
        by day only, takes the time it was logged, so one logged today sits above the morning's
        events and below nothing that happened after it was typed in.
        """
        local = ZoneInfo(zone or DEFAULT_ZONE)
        events = (await self.db.scalars(CASE_EVENTS, {"case_id": case.id})).all()
        contacts = (await self.db.scalars(CASE_CONTACTS, {"case_id": case.id})).all()
        entries = [
            TimelineEntry(
                e.occurred_at.astimezone(local).date(),
                e.occurred_at,
                e.kind.value,
                _event_title(e),
                e.summary,
                e.actor_name,
            )
            for e in events
        ]
        entries += [
            TimelineEntry(
                c.contacted_on,
                c.created_at,
                "contact",
                _(
                    "Contact by %(method)s with %(person)s",
                    method=_(c.method.label).lower(),
                    person=c.contact_with,
                )
                if c.contact_with
                else _("Contact by %(method)s", method=_(c.method.label).lower()),
                c.summary,
                c.actor_name,
                date_only=True,
            )
            for c in contacts
        ]
        return sorted(entries, key=lambda entry: (entry.day, entry.occurred_at), reverse=True)

    def record_intake_edit(
        self, case: Case, viewer: Viewer, before: dict[str, str], after: dict[str, str]
    ) -> CaseEvent | None:
        """Put an intake save on the timeline, naming what changed; nothing when nothing did."""
        changes = intake_changes(before, after)
        if not changes:
            return None
        return self.add_event(case, EventKind.INTAKE, viewer, "; ".join(changes) + ".")

    async def accept_referral(self, referral: Referral, form: Form, actor: Actor) -> Case | None:
        """Accept a pending referral and open its case, assigned to whoever accepted it.

        A referral failing the program's eligibility rules is accepted only with a recorded
        reason: without one, ``form`` says so and nothing is saved (``None``). The override and
        its reason go on the timeline and in both audit entries. Raises :class:`ReferralDecided`
        when the referral is no longer pending.
        """
        if referral.status != ReferralStatus.PENDING:
            raise ReferralDecided(referral.id)
        viewer = actor.viewer
        screened = await screen_referral(
            self.db, referral, await reference.policy(self.db, viewer.program_id)
        )
        reason = referral_services.read_acceptance(form, screened)
        if not form.is_valid:
            return None
        referral_services.accept(referral, viewer, screened, reason)
        case = await self.open_from_referral(referral, viewer, viewer.today())
        details: dict[str, Any] = {}
        if not screened.passed:
            details = {"override": True, "failed_rules": [c.rule for c in screened.failed], "reason": reason}
            self.add_event(
                case,
                EventKind.NOTE,
                viewer,
                f"Accepted although the referral fails the eligibility rules. Failed: {referral.failed_rules} "
                f"Reason: {reason}",
            )
        audit.record(
            self.db, actor, "referral_accept", record_type="referral", record_id=referral.id, details=details
        )
        audit.record(self.db, actor, "case_open", record_type="case", record_id=case.id, details=details)
        return case

    async def save_intake(self, case: Case, form: Form, actor: Actor) -> IntakeConflict | None:
        """Save the intake form onto ``case``; the first intake date moves a referred case into intake.

        A form sent from an older version of the case saves nothing and returns the conflict (the
        page answers 409 with both versions). Problems are recorded on ``form`` and nothing is
        saved. The timeline names what changed; every save bumps the case's version.
        """
        if form.get("version") != str(case.version):
            return await self._intake_conflict(case, form)
        viewer = actor.viewer
        entry = await self._check_intake(case, form, viewer.today())
        if not form.is_valid:
            return None
        names = await intake_names(self.db, case, intake_values(case), form)
        before = intake_shown(intake_values(case), names)
        _apply_intake(case, entry)
        self.record_intake_edit(case, viewer, before, intake_shown(intake_values(case), names))
        if case.state == CaseState.REFERRED and case.intake_on:
            await self.transition(case, CaseState.INTAKE, viewer, "Intake started.")
        await self.db.flush()
        audit.record(self.db, actor, "case_intake_update", record_type="case", record_id=case.id)
        return None

    async def _intake_conflict(self, case: Case, form: Form) -> IntakeConflict:
        form.error("version", _(STALE_INTAKE))
        saved = intake_values(case)
        names = await intake_names(self.db, case, saved, form)
        theirs, yours = intake_shown(saved, names), intake_shown(form, names)
        differences = [
            (label, theirs[label], yours[label]) for label in theirs if theirs[label] != yours[label]
        ]
        return IntakeConflict(saved, differences)

    async def _check_intake(self, case: Case, form: Form, today: datetime.date) -> IntakeEntry:
        """Read the intake form; each problem is recorded on ``form``."""
        entry = IntakeForm.read(form, today=today, options={"coordinator_id": await coordinators(self.db)})
        earliest = case.referral.incident_date
        for name, value in entry.dates().items():
            if value and value < earliest:
                message = _(
                    "%(what)s cannot be before the incident (%(day)s).",
                    what=_(INTAKE_DATES[name]),
                    day=earliest,
                )
                entry.error(name, message[:1].upper() + message[1:])
        factor_ids = await _valid_factor_ids(self.db, entry)
        if case.closed_on is not None:
            form.error("version", _("This case is closed; its intake can no longer be changed."))
        return IntakeEntry(
            entry.dates(), entry.intake_notes, entry.race_ethnicity, entry.coordinator_id, factor_ids
        )

    async def log_contact(self, case: Case, form: Form, actor: Actor) -> ContactLog | None:
        """Add a contact with the family to the case's log.

        ``None`` when ``form`` has problems (recorded on it), or when the same form, known by its
        submission token, was logged already: a double-click logs one contact.
        """
        viewer = actor.viewer
        entry = ContactForm.read(form, today=viewer.today())
        token = entry.submission_token or None
        if token and await self.db.scalar(select(ContactLog.id).where(ContactLog.submission_token == token)):
            return None
        if entry.contacted_on and entry.contacted_on < case.opened_on:
            entry.error(
                "contacted_on",
                _("The contact date cannot be before the case opened (%(day)s).", day=case.opened_on),
            )
        if not entry.is_valid:
            return None
        contact = ContactLog(
            program_id=case.program_id,
            case_id=case.id,
            contacted_on=entry.contacted_on,
            method=ContactMethod(entry.method),
            contact_with=entry.contact_with,
            summary=entry.summary,
            actor_id=viewer.user_id,
            actor_name=viewer.full_name,
            submission_token=token,
        )
        self.db.add(contact)
        audit.record(self.db, actor, "case_contact_add", record_type="case", record_id=case.id)
        return contact


COORDINATORS = (
    select(User.id, member_name())
    .join(Membership, Membership.user_id == User.id)
    .where(Membership.role == Role.COORDINATOR, Membership.is_active, User.is_active)
    .order_by(member_name(), User.id)
)


async def coordinators(db: AsyncSession) -> dict[str, str]:
    """The program's active coordinators, id -> name: whom a case can be assigned to."""
    rows = await db.execute(COORDINATORS)
    return {str(user_id): name for user_id, name in rows.all()}


def intake_values(case: Case) -> Form:
    """The case's intake as the intake form holds it, with the version it was read in."""
    values = {name: (getattr(case, name).isoformat() if getattr(case, name) else "") for name in INTAKE_DATES}
    values |= {
        "intake_notes": case.intake_notes,
        "coordinator_id": str(case.coordinator_id or ""),
        "race_ethnicity": case.youth.race_ethnicity,
        "version": str(case.version),
    }
    return Form(values=values, lists={"factor": [str(f.factor_id) for f in case.factors]})


async def intake_names(db: AsyncSession, case: Case, *forms: Form) -> dict[str, tuple[str, str]]:
    """Names for the ids in intake forms: factor id -> (kind, name), coordinator id -> ("coordinator", name)."""
    ids = {parse_uuid(value) for form in forms for value in ticked_factors(form)} - {None}
    names = {}
    if ids:
        factors = await db.scalars(select(Factor).where(Factor.id.in_(ids)))
        names = {str(factor.id): (factor.kind.value, factor.name) for factor in factors}
    people = await coordinators(db)
    if case.coordinator_id is not None and str(case.coordinator_id) not in people:
        people |= {str(k): v for k, v in (await member_names(db, [case.coordinator_id])).items()}
    return names | {user_id: ("coordinator", name) for user_id, name in people.items()}


def intake_shown(form: Form, names: dict[str, tuple[str, str]]) -> dict[str, str]:
    """The intake as a person reads it, label -> text: to compare two versions or name what changed."""
    shown = {label: form.get(name) or "Not recorded" for name, label in SHOWN_DATES.items()}
    for kind, label in ((FactorKind.CONTRIBUTING, "Needs"), (FactorKind.STRENGTH, "Strengths")):
        chosen = sorted(names[f][1] for f in ticked_factors(form) if names.get(f, ("",))[0] == kind.value)
        shown[label] = ", ".join(chosen) or "None"
    shown["Race and ethnicity"] = form.get("race_ethnicity") or "Not recorded"
    coordinator = names.get(form.get("coordinator_id"))
    shown["Coordinator"] = coordinator[1] if coordinator else "Unassigned"
    shown["Notes"] = form.get("intake_notes").strip() or "None"
    return shown


async def _valid_factor_ids(db: AsyncSession, entry: IntakeForm) -> list[UUID]:
    """The ticked needs and strengths that are really the program's factors."""
    wanted = set(entry.factor)
    factors = (await db.scalars(select(Factor.id).where(Factor.is_active))).all()
    known = {str(factor_id): factor_id for factor_id in factors}
    if wanted - known.keys():
        entry.error("factor", _("Choose needs and strengths from the program's lists."))
    return [known[w] for w in wanted if w in known]


def _apply_intake(case: Case, entry: IntakeEntry) -> None:
    for name, value in entry.dates.items():
        setattr(case, name, value)
    case.intake_notes = entry.notes
    case.youth.race_ethnicity = entry.race_ethnicity
    flag_modified(case, "intake_notes")  # every save bumps the version, so a concurrent editor is told
    case.coordinator_id = UUID(entry.coordinator) if entry.coordinator else None
    keep = {f.factor_id: f for f in case.factors if f.factor_id in entry.factor_ids}
    case.factors = list(keep.values()) + [
        CaseFactor(program_id=case.program_id, factor_id=fid) for fid in entry.factor_ids if fid not in keep
    ]


FOLLOWED_UP = frozenset({CaseState.COMPLETED, CaseState.UNSUCCESSFUL})
"""Closures after which the program checks records for new offenses."""


def follow_up_days(months: int) -> int:
    """The length in days of a follow-up window of ``months`` months: 6 = 183, 12 = 365, 18 = 548, 24 = 730.

    A window is a number of days (a month being 365.25 / 12 days, rounded half to even), not
    calendar months, whose length would depend on where it falls: a youth is inside or outside
    a window the same way whatever dates an export shifts.
    """
    return round(months * 365.25 / 12)


def follow_up_checks(
    program_id: UUID, start: datetime.date, windows: Iterable[int], **owner: UUID
) -> list[FollowUpCheck]:
    """A records check at each follow-up window from ``start``, for the case or the referral ``owner`` names."""
    return [
        FollowUpCheck(
            program_id=program_id, window_months=months, due_on=follow_up_end(start, months), **owner
        )
        for months in sorted({m for m in windows if m > 0})
    ]


def follow_up_end(day: datetime.date, months: int) -> datetime.date:
    """The last day of a follow-up window of ``months`` months that starts on ``day``."""
    return day + datetime.timedelta(days=follow_up_days(months))


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day ``months`` later, or the month's last day when it is shorter (Aug 31 + 6 = Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _event_title(event: CaseEvent) -> str:
    if event.kind == EventKind.TRANSITION and event.to_state:
        return _("Now %(state)s", state=CaseState(event.to_state).shown.lower())
    return _(EVENT_TITLES[event.kind])


EVENT_TITLES = {
    EventKind.TRANSITION: N_("Transition"),
    EventKind.NOTE: N_("Note"),
    EventKind.HEARING: N_("Hearing"),
    EventKind.SANCTION: N_("Sanction"),
    EventKind.DOCUMENT: N_("Document"),
    EventKind.FOLLOW_UP: N_("Follow-up"),
    EventKind.INTAKE: N_("Intake updated"),
    EventKind.FINDINGS: N_("Jury's findings recorded"),
}

LISTED_FIELDS = frozenset({N_("Needs"), N_("Strengths")})
"""Intake fields holding a comma-separated list: a change names what was added and removed."""
PLACEHOLDERS = frozenset({N_("Not recorded"), N_("Unassigned"), N_("None")})
"""What the intake shows for an empty field."""
PRIVATE_FIELDS = frozenset({N_("Notes"), N_("Race and ethnicity")})
"""Intake fields the timeline names as changed without repeating their content."""


def intake_changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """What an intake save changed, in words: ``{label: shown value}`` before and after."""
    changes = []
    for label, new in after.items():
        old = before.get(label, "")
        if new == old:
            continue
        if label in LISTED_FIELDS:
            old_items, new_items = _items(old), _items(new)
            added = [item for item in new_items if item not in old_items]
            removed = [item for item in old_items if item not in new_items]
            parts = ([f"added {', '.join(added)}"] if added else []) + (
                [f"removed {', '.join(removed)}"] if removed else []
            )
            changes.append(f"{label}: {'; '.join(parts)}")
        elif label in PRIVATE_FIELDS:
            changes.append(f"{label} changed")
        else:
            was = old.lower() if old in PLACEHOLDERS else old
            changes.append(f"{label}: {new} (was {was})")
    return changes


def _items(shown: str) -> list[str]:
    return [item for item in shown.split(", ") if item and item != "None"]
