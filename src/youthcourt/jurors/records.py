"""Juror records: the roster with attendance and hours, the absence rule, status rules,
qualifications, declared conflicts, training attendance and portal access.

Figures shown beside many jurors (attendance, hours, absence flags) are computed with one
grouped query for the whole page of jurors, never one query per juror.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from uuid import UUID

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService
from sqlalchemy import Integer, Select, bindparam, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from youthcourt.accounts import passwords
from youthcourt.accounts.models import Membership, User
from youthcourt.accounts.services import MembershipService, UserService
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors import credits, panels
from youthcourt.jurors.forms import ROLE_CHOICES as ROLE_CHOICES
from youthcourt.jurors.forms import STATUS_CHOICES as STATUS_CHOICES
from youthcourt.jurors.forms import ConflictForm, DetailsForm, QualificationForm, TrainingForm
from youthcourt.jurors.models import (
    Attendance,
    Booking,
    BookingStatus,
    ConflictDeclaration,
    CourtRole,
    CreditKind,
    Juror,
    JurorSource,
    JurorStatus,
    Qualification,
    TrainingAttendance,
    TrainingSession,
)
from youthcourt.programs.models import Role
from youthcourt.programs.scoping import across_programs
from youthcourt.reference.models import ProgramPolicy
from youthcourt.reference.services import RoleRule, format_hours, progression_rules
from youthcourt.reference.services import policy as program_policy
from youthcourt.referrals.models import Youth
from youthcourt.referrals.services import findable_youth
from youthcourt.web.forms import Form, parse_uuid
from youthcourt.web.i18n import DEFAULT_LANGUAGE, N_, _, use_locale
from youthcourt.web.search import LIKE_ESCAPE, like_pattern

SOURCE_CHOICES = {
    JurorSource.FORMER_RESPONDENT.value: N_("Former respondent"),
    JurorSource.VOLUNTEER.value: N_("Volunteer"),
}
"""How a juror came to the program (translated where shown)."""

ATTENDED = (Attendance.PRESENT, Attendance.LATE)
COUNTED = (Attendance.PRESENT, Attendance.LATE, Attendance.ABSENT)
"""Nights that count toward attendance: the juror came (on time or late) or did not. Excused nights do not."""

UPCOMING_BOOKINGS = (BookingStatus.INVITED, BookingStatus.CONFIRMED, BookingStatus.WAITLISTED)
TRAINABLE = (JurorStatus.ACTIVE, JurorStatus.APPLICANT)
"""Who can be marked present at a training session."""


class JurorError(ValueError):
    """The change is not possible; the message says why, in words a coordinator can act on."""


def format_rate(rate: float | None) -> str:
    return "—" if rate is None else f"{round(rate * 100)}%"


# ---------------------------------------------------------------------------------------------
# The roster


FILTER_FIELDS = ("q", "status", "source", "school")
"""The roster's filters; ``q`` is a name, so it is only ever read from a POST body (see web/search.py)."""


@dataclass(frozen=True)
class JurorFilters:
    status: str = ""
    source: str = ""
    school: str = ""
    q: str = ""

    @classmethod
    def of(cls, values: Mapping[str, str]) -> JurorFilters:
        """The filters as sent; unknown choices are dropped rather than refused."""
        status, source = values.get("status", ""), values.get("source", "")
        return cls(
            status=status if status in STATUS_CHOICES else "",
            source=source if source in SOURCE_CHOICES else "",
            school=values.get("school", "").strip()[:200],
            q=values.get("q", "").strip()[:100],
        )


_BY_NAME = (func.lower(Juror.last_name), func.lower(Juror.first_name), Juror.id)
_SHOWN = select(
    Juror.id, Juror.first_name, Juror.last_name, Juror.status, Juror.source, Juror.school, Juror.grade
)
"""What a roster row shows of a juror, read as columns: a page read all 25 columns of each
(contacts, guardians, screening notes) and made a record of each juror."""
ROSTER = _SHOWN.order_by(*_BY_NAME)
"""The roster as it first shows, built once per process (see ``dashboard.services``)."""


def listing(filters: JurorFilters) -> Select[Any]:
    """Jurors matching the filters, by last name (:data:`ROSTER` when nothing narrows it)."""
    if not (
        filters.status in STATUS_CHOICES or filters.source in SOURCE_CHOICES or filters.school or filters.q
    ):
        return ROSTER
    query = _SHOWN
    if filters.status in STATUS_CHOICES:
        query = query.where(Juror.status == JurorStatus(filters.status))
    if filters.source in SOURCE_CHOICES:
        query = query.where(Juror.source == JurorSource(filters.source))
    if filters.school:
        query = query.where(Juror.school == filters.school)
    if filters.q:
        pattern = like_pattern(filters.q)
        full_name = func.lower(Juror.first_name + " " + Juror.last_name)
        query = query.where(
            or_(
                func.lower(Juror.first_name).like(pattern, escape=LIKE_ESCAPE),
                func.lower(Juror.last_name).like(pattern, escape=LIKE_ESCAPE),
                full_name.like(pattern, escape=LIKE_ESCAPE),
            )
        )
    return query.order_by(*_BY_NAME)


SCHOOLS = select(Juror.school).where(Juror.school != "").distinct().order_by(Juror.school)


async def schools(db: AsyncSession) -> list[str]:
    """The schools jurors come from, for the list's filter."""
    return list((await db.scalars(SCHOOLS)).all())


@dataclass(frozen=True)
class ServiceStats:
    """A juror's record of service on hearing nights."""

    booked: int = 0
    attended: int = 0
    absent: int = 0
    excused: int = 0
    hours: Decimal = field(default_factory=Decimal)

    @property
    def counted(self) -> int:
        return self.attended + self.absent

    @property
    def rate(self) -> float | None:
        """Present or late over the nights that count (attendance recorded, other than excused)."""
        return self.attended / self.counted if self.counted else None


def _flag(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


_JURORS = bindparam("juror_ids", expanding=True)
SERVICE_STATS = (
    select(
        Booking.juror_id,
        _flag(Booking.status.in_((BookingStatus.CONFIRMED,)) | Booking.attendance.is_not(None)),
        _flag(Booking.attendance.in_(ATTENDED)),
        _flag(Booking.attendance == Attendance.ABSENT),
        _flag(Booking.attendance == Attendance.EXCUSED),
        func.sum(Booking.hours),
    )
    .where(Booking.juror_id.in_(_JURORS))
    .group_by(Booking.juror_id)
)
"""Built once per process (see ``dashboard.services``): the roster reads it for every page shown."""


async def service_stats(db: AsyncSession, juror_ids: Iterable[UUID]) -> dict[UUID, ServiceStats]:
    """Attendance and hours of many jurors in one grouped query; jurors never booked get zeros."""
    ids = list(dict.fromkeys(juror_ids))
    if not ids:
        return {}
    rows = await db.execute(SERVICE_STATS, {"juror_ids": ids})
    found = {
        juror_id: ServiceStats(
            booked=int(n_booked or 0),
            attended=int(n_attended or 0),
            absent=int(n_absent or 0),
            excused=int(n_excused or 0),
            hours=Decimal(str(hours or 0)),
        )
        for juror_id, n_booked, n_attended, n_absent, n_excused, hours in rows.all()
    }
    return {juror_id: found.get(juror_id, ServiceStats()) for juror_id in ids}


async def absence_flags(
    db: AsyncSession, juror_ids: Iterable[UUID], policy: ProgramPolicy
) -> dict[UUID, int]:
    """Jurors over the program's absence rule, with their absences inside the window.

    A juror is flagged when absent ``policy.absence_limit`` times or more among their last
    ``policy.absence_window`` nights that count (present, late or absent; excused nights
    are left out). Jurors not flagged are not in the result, so ``juror.id in flags`` reads
    as "is flagged". One query whatever the number of jurors.
    """
    ids = list(dict.fromkeys(juror_ids))
    if not ids or policy.absence_limit <= 0 or policy.absence_window <= 0:
        return {}
    rows = await db.execute(
        ABSENCE_FLAGS,
        {"juror_ids": ids, "absence_window": policy.absence_window, "absence_limit": policy.absence_limit},
    )
    return {juror_id: int(count) for juror_id, count in rows.all()}


def _absence_flags() -> Select[Any]:
    """:func:`absence_flags`' statement, with the jurors, the window and the limit as parameters."""
    position = (
        func.row_number()
        .over(
            partition_by=Booking.juror_id,
            order_by=(HearingNight.held_on.desc(), HearingNight.starts_at.desc(), Booking.id.desc()),
        )
        .label("position")
    )
    ranked = (
        select(Booking.juror_id.label("juror_id"), Booking.attendance.label("attendance"), position)
        .join(HearingNight, HearingNight.id == Booking.night_id)
        .where(Booking.juror_id.in_(_JURORS), Booking.attendance.in_(COUNTED))
        .subquery()
    )
    absences = func.count()
    return (
        select(ranked.c.juror_id, absences)
        .where(
            ranked.c.position <= bindparam("absence_window", type_=Integer),
            ranked.c.attendance == Attendance.ABSENT,
        )
        .group_by(ranked.c.juror_id)
        .having(absences >= bindparam("absence_limit", type_=Integer))
    )


ABSENCE_FLAGS = _absence_flags()


# ---------------------------------------------------------------------------------------------
# One juror


async def juror_or_none(db: AsyncSession, juror_id: UUID) -> Juror | None:
    """The juror with their qualifications and portal account; None when unknown or in another program."""
    return await db.scalar(
        select(Juror)
        .where(Juror.id == juror_id)
        .options(selectinload(Juror.qualifications), selectinload(Juror.user))
    )


async def youth_or_none(db: AsyncSession, youth_id: str) -> Youth | None:
    """The youth a form names by id; None when the id is malformed, unknown, in another program,
    or of a youth the name search does not offer either (sealed or expunged)."""
    parsed = parse_uuid(youth_id)
    return await db.scalar(select(Youth).where(Youth.id == parsed, findable_youth())) if parsed else None


DETAIL_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "school",
    "grade",
    "email",
    "phone",
    "guardian_name",
    "guardian_email",
    "parent_consent_on",
    "screening_notes",
)


def detail_values(juror: Juror) -> dict[str, str]:
    """The details form filled with what is saved."""
    values: dict[str, str] = {}
    for name in DETAIL_FIELDS:
        value = getattr(juror, name)
        values[name] = value.isoformat() if isinstance(value, datetime.date) else (value or "")
    values["version"] = str(juror.version)
    return values


def read_details(form: Form, today: datetime.date) -> dict[str, Any]:
    """Check the details form (new volunteer or edit); problems are recorded on ``form``."""
    return DetailsForm.read(form, today=today).values()


async def same_person(
    db: AsyncSession, fields: dict[str, Any], *, besides: UUID | None = None
) -> Juror | None:
    """Another juror of the program with the same name and date of birth (a duplicate, or a double click)."""
    query = select(Juror).where(
        func.lower(Juror.first_name) == fields["first_name"].lower(),
        func.lower(Juror.last_name) == fields["last_name"].lower(),
        Juror.date_of_birth == fields["date_of_birth"],
    )
    if besides is not None:
        query = query.where(Juror.id != besides)
    return await db.scalar(query.limit(1))


def changed_fields(juror: Juror, fields: dict[str, Any]) -> list[str]:
    """Names (never values) of the fields an edit changes, for the audit trail."""
    return [name for name, value in fields.items() if getattr(juror, name) != value]


def status_problem(juror: Juror, wanted: JurorStatus) -> str | None:
    """Why ``juror`` cannot move to ``wanted``, or None."""
    if wanted == juror.status:
        return _("This juror is already %(status)s.", status=_(wanted.label).lower())
    if wanted == JurorStatus.ACTIVE:
        if juror.oath_signed_on is None:
            return _("Record the confidentiality oath before making this juror active.")
        if juror.source == JurorSource.VOLUNTEER and juror.parent_consent_on is None:
            return _("Record the parent's consent before making a volunteer active.")
    return None


async def cancel_upcoming_bookings(db: AsyncSession, juror: Juror, today: datetime.date) -> int:
    """A suspended juror or an alumnus sits on no more juries: their places on coming nights are withdrawn."""
    bookings = (
        await db.scalars(
            select(Booking)
            .join(HearingNight, HearingNight.id == Booking.night_id)
            .where(
                Booking.juror_id == juror.id,
                Booking.status.in_(UPCOMING_BOOKINGS),
                Booking.attendance.is_(None),
                HearingNight.held_on >= today,
            )
        )
    ).all()
    for booking in bookings:
        booking.status = BookingStatus.CANCELLED
        booking.courtroom_id = None
        booking.role = None
    return len(bookings)


async def change_status(db: AsyncSession, juror: Juror, wanted: JurorStatus, today: datetime.date) -> int:
    """Move the juror to ``wanted``; returns how many upcoming bookings were withdrawn."""
    if problem := status_problem(juror, wanted):
        raise JurorError(problem)
    juror.status = wanted
    withdrawn = 0
    if wanted in (JurorStatus.SUSPENDED, JurorStatus.ALUMNI):
        withdrawn = await cancel_upcoming_bookings(db, juror, today)
    await db.flush()
    return withdrawn


def grant_qualification(
    juror: Juror,
    role: CourtRole,
    earned_on: datetime.date,
    *,
    override_reason: str = "",
    unmet: Iterable[str] = (),
) -> Qualification | None:
    """Add ``role`` to the juror's qualifications; None when they hold it already.

    A role granted before the juror met its progression rule keeps the reason and what was
    missing. Needs ``juror.qualifications`` loaded.
    """
    if any(q.role == role for q in juror.qualifications):
        return None
    qualification = Qualification(
        program_id=juror.program_id,
        juror_id=juror.id,
        role=role,
        earned_on=earned_on,
        override_reason=override_reason,
        unmet="; ".join(unmet),
    )
    juror.qualifications.append(qualification)
    return qualification


# ---------------------------------------------------------------------------------------------
# Court-role progression


@dataclass(frozen=True)
class RoleProgress:
    """What a juror has toward the program's progression rules."""

    nights: int = 0
    training_hours: Decimal = field(default_factory=Decimal)
    courses: frozenset[str] = frozenset()
    """Titles of the training sessions attended, folded for comparison."""
    roles: frozenset[CourtRole] = frozenset()


def _folded(title: str) -> str:
    return " ".join(title.split()).casefold()


async def progress_of(db: AsyncSession, jurors: Iterable[Juror]) -> dict[UUID, RoleProgress]:
    """Nights served, training and roles of many jurors in two grouped queries (qualifications loaded)."""
    jurors = list(jurors)
    ids = [juror.id for juror in jurors]
    if not ids:
        return {}
    stats = await service_stats(db, ids)
    rows = await db.execute(
        select(TrainingAttendance.juror_id, TrainingSession.title, TrainingSession.hours)
        .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
        .where(TrainingAttendance.juror_id.in_(ids))
    )
    hours: dict[UUID, Decimal] = {}
    titles: dict[UUID, set[str]] = {}
    for juror_id, title, session_hours in rows.all():
        hours[juror_id] = hours.get(juror_id, Decimal(0)) + Decimal(str(session_hours))
        titles.setdefault(juror_id, set()).add(_folded(title))
    return {
        juror.id: RoleProgress(
            nights=stats[juror.id].attended,
            training_hours=hours.get(juror.id, Decimal(0)),
            courses=frozenset(titles.get(juror.id, set())),
            roles=frozenset(q.role for q in juror.qualifications),
        )
        for juror in jurors
    }


def unmet_prerequisites(rule: RoleRule | None, progress: RoleProgress) -> list[str]:
    """The parts of ``rule`` the juror has not met yet, each with where they stand."""
    if rule is None:
        return []
    missing = []
    if progress.nights < rule.min_nights:
        missing.append(_("%(count)s nights served (has %(has)s)", count=rule.min_nights, has=progress.nights))
    if progress.training_hours < rule.training_hours:
        missing.append(
            _(
                "%(hours)s hours of training (has %(has)s)",
                hours=format_hours(rule.training_hours),
                has=format_hours(progress.training_hours),
            )
        )
    if rule.training_course and _folded(rule.training_course) not in progress.courses:
        missing.append(_("the training “%(course)s” (not attended)", course=rule.training_course))
    if rule.prior_role is not None and rule.prior_role not in progress.roles:
        missing.append(_("%(role)s first (not held)", role=_(rule.prior_role.label).lower()))
    return missing


@dataclass(frozen=True)
class DeclaredConflict:
    declaration: ConflictDeclaration
    youth: Youth


async def conflicts_of(db: AsyncSession, juror: Juror) -> list[DeclaredConflict]:
    rows = await db.execute(
        select(ConflictDeclaration, Youth)
        .join(Youth, Youth.id == ConflictDeclaration.youth_id)
        .where(ConflictDeclaration.juror_id == juror.id)
        .order_by(Youth.last_name, Youth.first_name, Youth.id)
    )
    return [DeclaredConflict(declaration, youth) for declaration, youth in rows.all()]


async def youth_matches(db: AsyncSession, juror: Juror, search: str, limit: int = 10) -> list[Youth]:
    """Youth of the program whose name matches ``search``, without those already declared or the juror."""
    search = search.strip().lower()[:100]
    if len(search) < 2:
        return []
    pattern = like_pattern(search)
    declared = select(ConflictDeclaration.youth_id).where(ConflictDeclaration.juror_id == juror.id)
    query = select(Youth).where(
        or_(
            func.lower(Youth.first_name).like(pattern, escape=LIKE_ESCAPE),
            func.lower(Youth.last_name).like(pattern, escape=LIKE_ESCAPE),
            func.lower(Youth.full_name).like(pattern, escape=LIKE_ESCAPE),
        ),
        Youth.id.not_in(declared),
        findable_youth(),  # sealed and expunged youth are not offered
    )
    if juror.youth_id is not None:
        query = query.where(Youth.id != juror.youth_id)
    rows = await db.scalars(query.order_by(Youth.last_name, Youth.first_name, Youth.id).limit(limit))
    return list(rows.all())


async def declare_conflict(db: AsyncSession, juror: Juror, youth: Youth, note: str) -> ConflictDeclaration:
    if youth.id == juror.youth_id:
        raise JurorError("A juror cannot declare a conflict with themselves.")
    existing = await db.scalar(
        select(ConflictDeclaration.id).where(
            ConflictDeclaration.juror_id == juror.id, ConflictDeclaration.youth_id == youth.id
        )
    )
    if existing is not None:
        raise JurorError(_("This conflict is already declared."))
    declaration = ConflictDeclaration(
        program_id=juror.program_id, juror_id=juror.id, youth_id=youth.id, note=note
    )
    db.add(declaration)
    await db.flush()
    return declaration


# ---------------------------------------------------------------------------------------------
# Changes to one juror's record, each with its audit entry


@dataclass(frozen=True)
class QualificationAdded:
    """A court role granted; ``exception`` when the juror did not meet the program's rule for it yet."""

    role: CourtRole
    exception: bool

    @property
    def message(self) -> str:
        if self.exception:
            return _(
                "%(role)s was added to the juror's court roles, as an exception to the program's rule.",
                role=_(self.role.label),
            )
        return _("%(role)s was added to the juror's court roles.", role=_(self.role.label))


class JurorService(SQLAlchemyAsyncRepositoryService[Juror]):
    """What a coordinator changes on a juror's page, with its audit entry, callable without a request."""

    class Repository(SQLAlchemyAsyncRepository[Juror]):
        model_type = Juror

    repository_type = Repository

    @property
    def db(self) -> AsyncSession:
        return self.repository.session

    async def add_qualification(self, actor: Actor, juror: Juror, form: Form) -> QualificationAdded | None:
        """Grant the court role chosen on ``form``; None, with the form's errors, when refused.

        A juror short of the role's progression rule gets it only with a reason, which the
        qualification and the audit entry keep beside what was missing.
        """
        granted = QualificationForm.read(form, today=actor.viewer.today())
        role, earned_on, reason = granted.role, granted.earned_on, granted.override_reason
        unmet = await self._unmet_for_role(juror, form, role, reason)
        if not form.is_valid or earned_on is None:
            return None
        wanted = CourtRole(role)
        qualification = grant_qualification(
            juror, wanted, earned_on, override_reason=reason if unmet else "", unmet=unmet
        )
        await self.db.flush()
        details: dict[str, Any] = {
            "role": role,
            "qualification_id": str(qualification.id) if qualification else None,
        }
        if unmet:
            details |= {"override": True, "unmet": unmet, "reason": reason}
        audit.record(
            self.db,
            actor,
            "juror_qualification_add",
            record_type="juror",
            record_id=juror.id,
            details=details,
        )
        return QualificationAdded(wanted, exception=bool(unmet))

    async def _unmet_for_role(self, juror: Juror, form: Form, role: str, reason: str) -> list[str]:
        """What the juror lacks of the rule for ``role``; the form says why when the role cannot be granted."""
        if role not in ROLE_CHOICES:
            return []
        wanted = CourtRole(role)
        if any(q.role == wanted for q in juror.qualifications):
            form.error(
                "role", _("This juror is already qualified as %(role)s.", role=_(wanted.label).lower())
            )
            return []
        rules = await progression_rules(self.db)
        progress = (await progress_of(self.db, [juror]))[juror.id]
        with use_locale(DEFAULT_LANGUAGE):  # kept on the qualification and in the audit trail
            unmet = unmet_prerequisites(rules.get(wanted), progress)
        if unmet and not reason and "override_reason" not in form.errors:
            form.error(
                "override_reason",
                _(
                    "%(name)s does not meet the program's rule for %(role)s yet: needs %(missing)s. "
                    "Give the reason to grant the role now, or grant it later.",
                    name=juror.first_name,
                    role=_(wanted.label).lower(),
                    missing="; ".join(unmet_prerequisites(rules.get(wanted), progress)),
                ),
            )
        return unmet

    async def declare_conflict(
        self, actor: Actor, juror: Juror, youth: Youth, form: Form, *, portal_url: str
    ) -> list[panels.Reseated] | None:
        """Keep the juror off ``youth``'s hearings, taking them off any coming panel that now breaks
        the rule; None, with the form's errors, when refused. Returns the seats changed, each with
        the notice for the coordinator; every change is on the audit trail.
        """
        note = ConflictForm.read(form).note
        if not form.is_valid:
            return None
        try:
            declaration = await declare_conflict(self.db, juror, youth, note)
        except JurorError as error:
            form.error("youth_search", str(error))
            return None
        audit.record(
            self.db,
            actor,
            "juror_conflict_declare",
            record_type="juror",
            record_id=juror.id,
            details={"youth_id": str(youth.id), "conflict_id": str(declaration.id)},
        )
        policy = await program_policy(self.db, juror.program_id)
        reseated = await panels.enforce_conflicts(
            self.db, juror, policy, actor.viewer.today(), portal_url=portal_url
        )
        for change in reseated:
            audit.record(
                self.db,
                actor,
                "juror_panel_conflict",
                record_type="booking",
                record_id=change.booking.id,
                details={
                    "left": str(change.left.id),
                    "moved_to": str(change.moved_to.id) if change.moved_to else None,
                },
            )
        return reseated


async def trainings_of(db: AsyncSession, juror: Juror) -> list[TrainingSession]:
    rows = await db.scalars(
        select(TrainingSession)
        .join(TrainingAttendance, TrainingAttendance.session_id == TrainingSession.id)
        .where(TrainingAttendance.juror_id == juror.id)
        .order_by(TrainingSession.held_on.desc(), TrainingSession.title)
    )
    return list(rows.all())


async def recent_bookings(db: AsyncSession, juror: Juror, limit: int = 10) -> list[Booking]:
    rows = await db.scalars(
        select(Booking)
        .join(HearingNight, HearingNight.id == Booking.night_id)
        .where(Booking.juror_id == juror.id)
        .options(selectinload(Booking.night), selectinload(Booking.courtroom))
        .order_by(HearingNight.held_on.desc(), HearingNight.starts_at.desc())
        .limit(limit)
    )
    return list(rows.all())


# ---------------------------------------------------------------------------------------------
# Portal access


async def give_portal_access(db: AsyncSession, juror: Juror, email: str) -> User:
    """A sign-in for the juror's portal: the account of that email, made if there is none, with a
    juror membership in the program.

    Whether the email already had an account (here or in another program) changes nothing the
    coordinator sees; a new account gets no usable password until :func:`give_temporary_password`.
    """
    if juror.user_id is not None:
        raise JurorError(_("This juror already has portal access."))
    users = UserService(session=db)
    memberships = MembershipService(session=db)
    user = await users.get_by_email(email)
    # Hashed whichever way, so the answer takes as long whether the email had an account or not.
    unusable = passwords.hash_password(passwords.temporary_password() + passwords.temporary_password())
    if user is None:
        user = await users.create_user(email=email, full_name=juror.full_name, password=unusable)
    with across_programs():
        # Juror.user_id is unique across every program: one sign-in, one juror record.
        linked = await db.scalar(select(Juror.id).where(Juror.user_id == user.id).limit(1))
    if linked is not None:
        raise JurorError(_("This email cannot be used for this juror's portal. Use the juror's own address."))
    membership = await memberships.get_for_user(user.id)
    if membership is not None and membership.role != Role.JUROR:
        raise JurorError(
            _("This email belongs to a staff account of the program. Use the juror's own email address.")
        )
    if membership is None:
        await memberships.add(juror.program_id, user, Role.JUROR, juror.full_name)
    juror.user_id = user.id
    await db.flush()
    return user


async def give_temporary_password(db: AsyncSession, juror: Juror) -> str:
    """A temporary password for the juror's portal account, shown once.

    Only for an account that is nothing but a juror of this program: any other membership
    (another program, a staff role) means the account is not the coordinator's to reset, and
    they sign in with their own password.
    """
    if juror.user_id is None:
        raise JurorError(_("Give portal access first."))
    with across_programs():
        held = (
            await db.execute(
                select(Membership.program_id, Membership.role).where(Membership.user_id == juror.user_id)
            )
        ).all()
        user = await db.get_one(User, juror.user_id)
    if user.is_site_admin or any((pid, role) != (juror.program_id, Role.JUROR) for pid, role in held):
        raise PermissionError(
            "This sign-in is also used outside this program's juror portal, so only an administrator "
            "can reset its password. The juror signs in with their own password."
        )
    temporary = passwords.temporary_password()
    await UserService(session=db).set_password(user, temporary, temporary=True)
    return temporary


# ---------------------------------------------------------------------------------------------
# Training


def read_training(form: Form) -> dict[str, Any]:
    """Check the new training session form; problems are recorded on ``form``."""
    training = TrainingForm.read(form)
    role = CourtRole(training.role) if training.role and not training.has_error("role") else None
    return {"held_on": training.held_on, "title": training.title, "hours": training.hours, "role": role}


async def attendance_counts(db: AsyncSession, session_ids: Iterable[UUID]) -> dict[UUID, int]:
    ids = list(session_ids)
    if not ids:
        return {}
    rows = await db.execute(
        select(TrainingAttendance.session_id, func.count())
        .where(TrainingAttendance.session_id.in_(ids))
        .group_by(TrainingAttendance.session_id)
    )
    return {session_id: int(count) for session_id, count in rows.all()}


async def attendees(db: AsyncSession, session: TrainingSession) -> list[Juror]:
    rows = await db.scalars(
        select(Juror)
        .join(TrainingAttendance, TrainingAttendance.juror_id == Juror.id)
        .where(TrainingAttendance.session_id == session.id)
        .order_by(func.lower(Juror.last_name), func.lower(Juror.first_name), Juror.id)
    )
    return list(rows.all())


MAX_CANDIDATES = 500


async def training_candidates(db: AsyncSession, session: TrainingSession) -> list[Juror]:
    """Active and applicant jurors not yet marked present at ``session``."""
    present = select(TrainingAttendance.juror_id).where(TrainingAttendance.session_id == session.id)
    rows = await db.scalars(
        select(Juror)
        .where(Juror.status.in_(TRAINABLE), Juror.id.not_in(present))
        .order_by(func.lower(Juror.last_name), func.lower(Juror.first_name), Juror.id)
        .limit(MAX_CANDIDATES)
    )
    return list(rows.all())


@dataclass(frozen=True)
class TrainingResult:
    attended: int
    credits: Decimal
    qualified: int
    waiting: int = 0
    """Trained for the session's role but still short of its other prerequisites: not granted yet."""


async def record_training_attendance(
    db: AsyncSession,
    session: TrainingSession,
    juror_ids: list[UUID],
    policy: ProgramPolicy,
    *,
    actor_name: str,
    today: datetime.date,
    rules: Mapping[CourtRole, RoleRule] | None = None,
) -> TrainingResult:
    """Mark jurors present at a session. Each earns the session's hours in time credits and, when
    the session trains for a court role, that role (dated the day of the session) once they meet
    the rest of its progression rule in ``rules``; the others wait until they do.

    Refuses the whole set, saving nothing, when one of them is already marked, is not an active
    or applicant juror of the program, or the session has not happened yet.
    """
    if session.held_on > today:
        raise JurorError(_("Attendance can be recorded once the session has taken place."))
    if not juror_ids:
        raise JurorError(_("Tick at least one juror who attended."))
    jurors = (
        await db.scalars(
            select(Juror)
            .where(Juror.id.in_(juror_ids))
            .options(selectinload(Juror.qualifications))
            .order_by(Juror.last_name, Juror.first_name)
        )
    ).all()
    if len(jurors) != len(set(juror_ids)) or any(j.status not in TRAINABLE for j in jurors):
        raise JurorError(_("Choose jurors from the list: only active jurors and applicants can be marked."))
    already = (
        await db.scalars(
            select(TrainingAttendance.juror_id).where(
                TrainingAttendance.session_id == session.id, TrainingAttendance.juror_id.in_(juror_ids)
            )
        )
    ).all()
    if already:
        raise JurorError(_("Some of these jurors are already marked present at this session."))
    amount = session.hours * policy.credits_per_hour
    qualified = 0
    for juror in jurors:
        attendance = TrainingAttendance(program_id=juror.program_id, session_id=session.id, juror_id=juror.id)
        db.add(attendance)
        await db.flush()
        if amount > 0:
            await credits.add_entry(
                db,
                juror,
                CreditKind.TRAINING,
                amount,
                session.held_on,
                reason=f"Training: {session.title}",
                actor_name=actor_name,
                training_id=attendance.id,
            )
    await db.flush()
    waiting = 0
    if session.role is not None:
        progress = await progress_of(db, jurors)
        rule = (rules or {}).get(session.role)
        for juror in jurors:
            if any(q.role == session.role for q in juror.qualifications):
                continue
            if unmet_prerequisites(rule, progress[juror.id]):
                waiting += 1
            elif grant_qualification(juror, session.role, session.held_on):
                qualified += 1
    await db.flush()
    return TrainingResult(
        attended=len(jurors), credits=amount * len(jurors), qualified=qualified, waiting=waiting
    )
