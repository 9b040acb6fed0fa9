"""The respondent's own page, and the private links that open it.

A youth in sanctions and their parents follow the case without an account: the coordinator gives
each of them a private link (:mod:`youthcourt.private_links.links`) from the case page. Accounts
would mean passwords for fourteen-year-olds and their families to keep, for a page that does one
thing; a link is enough, and it can be revoked.

Two purposes, one page: :data:`YOUTH_PAGE` for the youth and :data:`GUARDIAN_PAGE` for a parent or
guardian, so the page knows whom it speaks to ("You have done" or "Jordan has done"). Both name
the case as their subject, so sealing the case revokes them together (:func:`revoke_for_case`).

A link's label says whom it is for by role only ("Youth", "Mother"), never by name: the audit trail
names the link as the actor, and the trail's readers see no youth's or family's name.

What the page shows is read here into plain records, each query limited to the one case (and to
its program, by the scope the link opened): the sanctions and their progress, the hearings, the
youth's own jury service, the letters sent to the family, and whom to call. Never the case notes,
the intake assessment, the offense narrative, the jury's findings, or anyone else's name.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from litestar.exceptions import NotFoundException
from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from youthcourt.accounts.services import member_names
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case
from youthcourt.clock import utc_now
from youthcourt.hearings.models import Courtroom, Hearing, HearingNight, HearingOutcome
from youthcourt.jurors import portal
from youthcourt.jurors.models import Booking, Juror, OutboxMessage, OutboxStatus
from youthcourt.jurors.portal import ServiceTotals
from youthcourt.jurors.reminders import family_key_prefix
from youthcourt.private_links import links
from youthcourt.private_links.links import IssuedLink, Purpose
from youthcourt.private_links.models import PrivateLink
from youthcourt.programs.models import Program
from youthcourt.programs.viewer import program_today
from youthcourt.reference.models import amount_text, type_label
from youthcourt.reference.services import policy
from youthcourt.referrals.models import Guardian, Youth
from youthcourt.respondents.forms import FamilyLinkForm
from youthcourt.sanctions.models import ProgressKind, Sanction, SanctionProgress, SanctionStatus
from youthcourt.sanctions.services import REVIEWED_TYPES, SanctionSummary
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, _, format_plain_number

YOUTH_PAGE = Purpose("respondent_page", "my-page", "Respondent's page link")
"""The youth's own link."""
GUARDIAN_PAGE = Purpose("guardian_page", "family-page", "Guardian's page link")
"""A parent's or guardian's link to the same page."""
PURPOSES = (YOUTH_PAGE, GUARDIAN_PAGE)

YOUTH_LABEL = N_("Youth")
GUARDIAN_LABEL = N_("Parent or guardian")
"""Link labels, stored in English (the audit trail names the link by them) and translated where shown."""
YOUTH = "youth"
"""The holder option of the youth's own link (the others are guardian ids)."""
GRACE_AFTER_CLOSURE = datetime.timedelta(days=28)
"""A family can still look at the page for four weeks after the case closes, then the link stops."""
LONGEST = datetime.timedelta(days=180)
"""No link works longer than this; the coordinator gives a new one when a case runs longer."""
MOST_LETTERS = 50
MOST_NIGHTS = 50
"""The page shows at most this many letters and jury nights (newest first): a youth has a handful."""


class LinkRefused(Exception):
    """The case can no longer get a family link (sealed, or closed more than the grace period ago)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def last_open_day(case: Case) -> datetime.date | None:
    """The last day a family link to a closed case opens; None while the case is open."""
    return case.closed_on + GRACE_AFTER_CLOSURE if case.closed_on else None


def refusal(case: Case, today: datetime.date) -> str | None:
    """Why the case cannot get a new family link, or None when it can (in the request's language)."""
    if case.sealed_at is not None or case.expunged_at is not None:
        return _("The case is sealed: its family links no longer open.")
    last = last_open_day(case)
    if last is not None and today > last:
        return _(
            "The case closed more than %(weeks)s weeks ago: family links no longer open.",
            weeks=GRACE_AFTER_CLOSURE.days // 7,
        )
    return None


# ---------------------------------------------------------------------------------------------
# The coordinator's side: giving, listing and revoking links


def holder_options(youth: Youth) -> dict[str, str]:
    """Whom a link can be for: the youth, or one of their guardians (by name, for the coordinator)."""
    options = {YOUTH: _("%(name)s (the youth)", name=youth.full_name)}
    for guardian in youth.guardians:
        options[str(guardian.id)] = f"{guardian.name} ({guardian_role(guardian).lower()})"
    return options


def guardian_role(guardian: Guardian) -> str:
    """The guardian's relationship, as the link's label: identifies the holder to the family, names nobody."""
    role = guardian.relationship_to_youth.strip()
    return role[:1].upper() + role[1:] if role else GUARDIAN_LABEL


@dataclass(frozen=True)
class GivenLink:
    """A link on the coordinator's list."""

    link: PrivateLink
    for_guardian: bool
    works_until: datetime.date
    is_open: bool


async def links_of_case(db: AsyncSession, case: Case, today: datetime.date) -> list[GivenLink]:
    """Every family link given for the case, the youth's and the guardians', newest first (one query)."""
    found = [
        (link, link.purpose == GUARDIAN_PAGE.name) for link in await links.links_for(db, PURPOSES, [case.id])
    ]
    now = utc_now()
    last = last_open_day(case)
    sealed = case.sealed_at is not None or case.expunged_at is not None
    given = []
    for link, for_guardian in found:
        until = link.expires_at.date() if last is None else min(link.expires_at.date(), last)
        is_open = link.is_open_at(now) and not sealed and (last is None or today <= last)
        given.append(GivenLink(link, for_guardian, until, is_open))
    return given


async def issue_link(db: AsyncSession, case: Case, form: Form, actor: Actor) -> IssuedLink | None:
    """A new link for the youth or a guardian; None with the errors on the form.

    It works for :data:`LONGEST` at most, and stops at the end of the grace after closure.
    """
    today = actor.viewer.today()
    if problem := refusal(case, today):
        raise LinkRefused(problem)
    values = FamilyLinkForm.read(form, options={"holder": holder_options(case.youth)})
    if not form.is_valid:
        return None
    valid_for = LONGEST
    if (last := last_open_day(case)) is not None:
        valid_for = min(LONGEST, datetime.timedelta(days=(last - today).days + 1))
    if values.holder == YOUTH:
        purpose, label = YOUTH_PAGE, YOUTH_LABEL
    else:
        guardian = next(g for g in case.youth.guardians if str(g.id) == values.holder)
        purpose, label = GUARDIAN_PAGE, guardian_role(guardian)
    issued = await links.issue(
        db,
        purpose,
        case.id,
        program_id=case.program_id,
        valid_for=valid_for,
        created_by=actor.viewer,
        label=label,
    )
    audit.record(
        db,
        actor,
        "family_link_issue",
        record_type="case",
        record_id=case.id,
        details={"link_id": str(issued.link.id), "for": purpose.name, "days": valid_for.days},
    )
    return issued


async def revoke_link(db: AsyncSession, case: Case, link_id: UUID, actor: Actor) -> None:
    """Revoke one of the case's family links; 404 for a link of anything else."""
    for purpose in PURPOSES:
        try:
            link = await links.find(db, purpose, case.id, link_id)
        except NotFoundException:
            continue
        if links.revoke(link):
            audit.record(
                db,
                actor,
                "family_link_revoke",
                record_type="case",
                record_id=case.id,
                details={"link_id": str(link.id)},
            )
        return
    raise NotFoundException()


async def revoke_for_case(db: AsyncSession, case_id: UUID) -> int:
    """Revoke every family link of a case (when it is sealed); returns how many were open."""
    return sum([await links.revoke_all(db, purpose, case_id) for purpose in PURPOSES])


# ---------------------------------------------------------------------------------------------
# The page the link opens


@dataclass(frozen=True)
class SanctionCard:
    """One sanction as the family reads it: how much is done, what is left, and by when."""

    summary: SanctionSummary
    entries: list[SanctionProgress]
    """The progress log, newest first (no notes: those are the program's)."""
    today: datetime.date

    @property
    def sanction(self) -> Sanction:
        return self.summary.sanction

    @property
    def is_written(self) -> bool:
        """A letter or an essay: handed in, then read and accepted, rather than counted up."""
        return self.sanction.sanction_type in REVIEWED_TYPES

    @property
    def name(self) -> str:
        """The sanction's name, in the page's language."""
        return type_label(self.sanction.sanction_type)

    @property
    def quantity_text(self) -> str:
        """All there is to do: "20 hours", "20 horas"."""
        return amount_text(self.sanction.sanction_type, self.sanction.quantity)

    @property
    def done_figure(self) -> str:
        """How much is done, as a bare number in the page's language ("2,5")."""
        return format_plain_number(self.summary.done)

    @property
    def progress_text(self) -> str:
        """ "12 of 20 hours", in the page's language."""
        return _("%(done)s of %(total)s", done=self.done_figure, total=self.quantity_text)

    @property
    def left_text(self) -> str:
        """What is still to do, "8 hours"; empty when nothing is (letters and essays: none)."""
        if self.sanction.sanction_type in REVIEWED_TYPES or self.summary.reached:
            return ""
        left = max(self.sanction.quantity - self.summary.done, 0)
        return amount_text(self.sanction.sanction_type, left)

    def entry_text(self, entry: SanctionProgress) -> str:
        """One line of the progress log: "3 hours", "Essay received", "Reviewed"."""
        if entry.kind == ProgressKind.REVIEWED:
            return _("Reviewed and accepted")
        if entry.kind == ProgressKind.RECEIVED:
            return _("Handed in")
        return amount_text(self.sanction.sanction_type, entry.amount or 0)

    @property
    def days_overdue(self) -> int:
        return self.summary.days_overdue(self.today)

    @property
    def days_left(self) -> int:
        return (self.sanction.due_on - self.today).days

    @property
    def extended(self) -> bool:
        return self.sanction.due_on != self.sanction.original_due_on


@dataclass(frozen=True)
class Letter:
    """Something the program sent to the youth or the family: an email, or a printed hearing notice."""

    sent_on: datetime.date
    subject: str
    body: str = ""
    to: str = ""
    hearing: Hearing | None = None
    """For a hearing notice: the hearing (with its courtroom and night), laid out as the printed letter."""


@dataclass(frozen=True)
class JuryService:
    """The youth's own jury duty: the nights booked and served, and the credits they earned."""

    juror: Juror
    upcoming: list[Booking]
    past: list[Booking]
    totals: ServiceTotals


@dataclass(frozen=True)
class FamilyPage:
    link: PrivateLink
    for_guardian: bool
    case: Case
    youth: Youth
    today: datetime.date
    program_name: str
    phone: str
    coordinator_name: str
    coordinator_email: str
    sanctions: list[SanctionCard]
    hearings: list[Hearing]
    jury: JuryService | None
    letters: list[Letter] = field(default_factory=list)

    @property
    def open_sanctions(self) -> list[SanctionCard]:
        return [card for card in self.sanctions if card.sanction.status == SanctionStatus.OPEN]

    @property
    def next_hearing(self) -> Hearing | None:
        ahead = [
            h
            for h in self.hearings
            if h.outcome == HearingOutcome.SCHEDULED and h.courtroom.night.held_on >= self.today
        ]
        return ahead[0] if ahead else None


async def open_page(db: AsyncSession, token: str, purpose: Purpose) -> FamilyPage:
    """The page behind a link; the same 404 as an unknown link when the case is sealed or long closed."""
    link = await links.open_link(db, token, purpose)
    case = await db.scalar(
        select(Case)
        .where(Case.id == link.subject_id)
        .options(joinedload(Case.youth).selectinload(Youth.guardians), joinedload(Case.coordinator))
    )
    today = await program_today(db, link.program_id)
    if case is None or refusal(case, today):
        raise NotFoundException()
    return await _read_page(db, link, purpose, case, today)


async def _read_page(
    db: AsyncSession, link: PrivateLink, purpose: Purpose, case: Case, today: datetime.date
) -> FamilyPage:
    hearings = await _hearings(db, case.id)
    jury = await _jury_service(db, case.youth_id, today)
    names = await member_names(db, [case.coordinator_id])
    coordinator = case.coordinator
    program_policy = await policy(db, case.program_id)
    return FamilyPage(
        link=link,
        for_guardian=purpose is GUARDIAN_PAGE,
        case=case,
        youth=case.youth,
        today=today,
        program_name=await db.scalar(select(Program.name).where(Program.id == case.program_id)) or "",
        phone=program_policy.contact_phone,
        coordinator_name=names.get(coordinator.id, coordinator.full_name) if coordinator else "",
        coordinator_email=coordinator.email if coordinator and coordinator.is_active else "",
        sanctions=await _sanctions(db, case.id, today),
        hearings=hearings,
        jury=jury,
        letters=await _letters(db, hearings, jury),
    )


async def _sanctions(db: AsyncSession, case_id: UUID, today: datetime.date) -> list[SanctionCard]:
    rows = await db.scalars(
        select(Sanction)
        .where(Sanction.case_id == case_id)
        .options(selectinload(Sanction.progress))
        .order_by(Sanction.due_on, Sanction.created_at, Sanction.id)
    )
    cards = []
    for sanction in rows.all():
        entries = sorted(sanction.progress, key=lambda p: (p.occurred_on, p.created_at), reverse=True)
        cards.append(SanctionCard(SanctionSummary.of(sanction), entries, today))
    return cards


async def _hearings(db: AsyncSession, case_id: UUID) -> list[Hearing]:
    """The case's hearings with their night and courtroom, soonest first (moved ones left out)."""
    rows = await db.scalars(
        select(Hearing)
        .join(Courtroom, Courtroom.id == Hearing.courtroom_id)
        .join(HearingNight, HearingNight.id == Courtroom.night_id)
        .where(Hearing.case_id == case_id, Hearing.outcome != HearingOutcome.RESCHEDULED)
        .options(joinedload(Hearing.courtroom).joinedload(Courtroom.night))
        .order_by(HearingNight.held_on, HearingNight.starts_at, Hearing.id)
    )
    return list(rows.unique().all())


_UPCOMING_NIGHTS = portal.UPCOMING_NIGHTS.limit(MOST_NIGHTS)
_PAST_NIGHTS = portal.PAST_NIGHTS.limit(MOST_NIGHTS)


async def _jury_service(db: AsyncSession, youth_id: UUID, today: datetime.date) -> JuryService | None:
    """The youth's own juror record, if the program enrolled them, with their nights and totals."""
    juror = await db.scalar(
        select(Juror).where(Juror.youth_id == youth_id).order_by(Juror.created_at.desc()).limit(1)
    )
    if juror is None:
        return None
    values = portal.of_juror(juror, today)
    upcoming = (await db.scalars(_UPCOMING_NIGHTS, values)).unique().all()
    past = (await db.scalars(_PAST_NIGHTS, values)).unique().all()
    return JuryService(juror, list(upcoming), list(past), await portal.service_totals(db, juror))


async def _letters(db: AsyncSession, hearings: list[Hearing], jury: JuryService | None) -> list[Letter]:
    """Hearing notices marked sent, and the emails that went to the family about this case's hearings
    or to the youth about their own jury nights; newest first."""
    letters = [
        Letter(
            h.notice_sent_on,
            f"Hearing notice for {h.courtroom.night.held_on:%B} {h.courtroom.night.held_on.day}",
            hearing=h,
        )
        for h in hearings
        if h.notice_sent_on is not None
    ]
    about = []
    if hearings:
        # Found by night (indexed), then kept to this case's own hearings by the reminder's key: a
        # brother's hearing on the same night must not show here.
        reminders = [OutboxMessage.dedupe_key.startswith(family_key_prefix(h.id)) for h in hearings]
        nights = sorted({h.courtroom.night_id for h in hearings})
        about.append(
            and_(
                OutboxMessage.night_id.in_(nights),
                OutboxMessage.kind == "family_reminder",
                or_(*reminders),
            )
        )
    if jury is not None:
        about.append(
            OutboxMessage.booking_id.in_(select(Booking.id).where(Booking.juror_id == jury.juror.id))
        )
    if about:
        messages = await db.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.SENT, or_(*about))
            .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id)
            .limit(MOST_LETTERS)
        )
        for message in messages.all():
            sent = (message.sent_at or message.created_at).date()
            letters.append(Letter(sent, message.subject, message.body, message.to_address))
    letters.sort(key=lambda letter: letter.sent_on, reverse=True)
    return letters[:MOST_LETTERS]


def audit_view(db: AsyncSession, source: Any, view: FamilyPage, purpose: Purpose) -> None:
    """Each opening of the page is a view of the youth's record, by the link."""
    links.audit_as(
        db,
        source,
        view.link,
        purpose,
        "respondent_page_view",
        record_type="youth",
        record_id=view.youth.id,
        details={"case_id": str(view.case.id)},
    )
