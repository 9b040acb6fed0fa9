"""Offering surveys, answering them through a one-time link, and editing their questions.

**Links.** Each offer is a :class:`SurveyInvitation` with a private link of purpose :data:`SURVEY`
(:mod:`youthcourt.private_links.links`; subject: the invitation). A link answers once: the
answer sets ``answered_at`` by a conditional UPDATE (``WHERE answered_at IS NULL``), so of two
submits at once the database lets one through; after that the link shows "thank you". Links
expire and coordinators revoke them like any private link.

**Email.** The outbox keeps each message's body in plain text, and a body holding the secret
address would leave it readable in the database (and in every backup) until the message is
gone. So a survey email is stored with a placeholder where the address goes, and the secret is
made only when the message is sent (:func:`render_invitation_email`, registered with
:func:`youthcourt.jurors.delivery.render_at_send_time`): a fresh link is issued, any earlier
one for that invitation revoked, and the body sent is never stored. Rendering at send time was
chosen over scrubbing the body after sending because a message may wait a long time (no mail
server configured, a server refusing it) and the secret would sit in the outbox all that time.

**Anonymity.** The answer row keeps no invitation, no timestamp (only the month) and no case,
unless the person ticks that they agree to link it. The jury never sees answers (the report is
for coordinators, admins and evaluators); the free text is for coordinators only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import User
from youthcourt.audit import service as audit
from youthcourt.audit.service import Actor
from youthcourt.cases.models import Case
from youthcourt.clock import utc_now
from youthcourt.database import insert_missing
from youthcourt.hearings.models import HearingNight
from youthcourt.jurors import delivery, mail
from youthcourt.jurors.delivery import claimable
from youthcourt.jurors.models import Booking, Juror, OutboxMessage
from youthcourt.jurors.records import ATTENDED
from youthcourt.private_links import links
from youthcourt.private_links.links import IssuedLink, Purpose
from youthcourt.private_links.models import PrivateLink
from youthcourt.programs.scoping import ProgramScope, program_scope
from youthcourt.programs.viewer import program_today
from youthcourt.referrals.family import family_language
from youthcourt.referrals.models import Guardian
from youthcourt.surveys.forms import (
    ConsentForm,
    NightOfferForm,
    OfferForm,
    QuestionsForm,
    StatementForm,
    statement_prefix,
)
from youthcourt.surveys.models import (
    Channel,
    Occasion,
    SurveyAnswer,
    SurveyInvitation,
    SurveyItem,
    SurveyKind,
    SurveyVersion,
)
from youthcourt.surveys.questions import DEFAULT_QUESTIONS
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, _, format_day, use_locale

SURVEY = Purpose("survey", "survey", "Survey link")
"""A survey link: answer one survey, once."""
EMAIL_KIND = "survey_invitation"
ADDRESS_PLACEHOLDER = "/link/[made-when-sent]/survey"
"""Where the secret goes in a stored survey email: the real path replaces it only at send time."""
LANGUAGE_PARAMETER = "lang"
"""The query parameter that keeps the answer page in the email's language (``?lang=es``)."""
RESPONDENT_LABEL = N_("Respondent")
GUARDIAN_LABEL = N_("Parent or guardian")
TABLET_JUROR_LABEL = N_("Juror (tablet)")
"""Whom an invitation is for: stored in English (the link's label names it in the audit trail),
translated where shown."""


# ---------------------------------------------------------------------------------------------
# Questions


async def current_version(db: AsyncSession, program_id: UUID, kind: SurveyKind) -> SurveyVersion:
    """The survey's questions as they stand; the first use makes version 1 from the defaults.

    Two first uses at once insert one version (``ON CONFLICT DO NOTHING`` on the unique number).
    """
    version = await _latest(db, kind)
    if version is None:
        statements, free_text = DEFAULT_QUESTIONS[kind]
        row = {
            "program_id": program_id,
            "kind": kind,
            "number": 1,
            "statements": statements,
            "free_text_question": free_text,
        }
        await insert_missing(db, SurveyVersion, [row], ["program_id", "kind", "number"])
        version = await _latest(db, kind)
    assert version is not None
    return version


async def _latest(db: AsyncSession, kind: SurveyKind) -> SurveyVersion | None:
    return await db.scalar(
        select(SurveyVersion)
        .where(SurveyVersion.kind == kind)
        .order_by(SurveyVersion.number.desc())
        .limit(1)
        .execution_options(populate_existing=True)
    )


def questions_form(version: SurveyVersion) -> Form:
    return Form(
        values={"statements": "\n".join(version.statements), "free_text_question": version.free_text_question}
    )


async def save_questions(
    db: AsyncSession, kind: SurveyKind, form: Form, actor: Actor
) -> SurveyVersion | None:
    """A new version of the survey's questions; the current one when nothing changed; None with errors."""
    values = QuestionsForm.read(form)
    if not values.is_valid:
        return None
    current = await current_version(db, actor.viewer.program_id, kind)
    if current.statements == values.statements and current.free_text_question == values.free_text_question:
        return current
    version = SurveyVersion(
        program_id=current.program_id,
        kind=kind,
        number=current.number + 1,
        statements=values.statements,
        free_text_question=values.free_text_question,
    )
    db.add(version)
    await db.flush()
    audit.record(
        db,
        actor,
        "survey_questions_edit",
        record_type="survey_version",
        record_id=version.id,
        details={"survey": kind.value, "version": version.number},
    )
    return version


# ---------------------------------------------------------------------------------------------
# Offering a survey


@dataclass(frozen=True)
class Offered:
    invitations: list[SurveyInvitation]
    issued: IssuedLink | None = None
    """The tablet link, shown once as a QR code; None when the links go by email."""
    emailed: int = 0
    without_email: int = 0
    """Jurors who served but have no email address: they answer on the tablet, or not at all."""


def _invitation_email(kind: SurveyKind, base_url: str, days: int, language: str) -> tuple[str, str]:
    """The survey email in the recipient's language; its link keeps that language on the answer page."""
    with use_locale(language) as chosen:
        subject = _("A few questions about youth court")
        if kind is SurveyKind.JUROR:
            hello = _(
                "Hello,\n\nWe would like to hear about your time as a juror. The survey takes a few "
                "minutes, on a phone or a computer, and needs no account. Your answers are anonymous: "
                "the jury never sees them, and they are kept apart from any case unless you choose otherwise."
            )
        else:
            hello = _(
                "Hello,\n\nWe would like to hear about your time at youth court. The survey takes a few "
                "minutes, on a phone or a computer, and needs no account. Your answers are anonymous: "
                "the jury never sees them, and they are kept apart from any case unless you choose otherwise."
            )
        address = f"{base_url}{ADDRESS_PLACEHOLDER}?{LANGUAGE_PARAMETER}={chosen}"
        answer = _("Answer here: %(address)s", address=address)
        works = _("The link works once, for %(days)s days. Please do not share it.", days=days)
    return subject, f"{hello}\n\n{answer}\n\n{works}\n"


async def _offer(
    db: AsyncSession,
    actor: Actor,
    kind: SurveyKind,
    occasion: Occasion,
    channel: Channel,
    *,
    label: str,
    case_id: UUID | None = None,
    night_id: UUID | None = None,
) -> SurveyInvitation:
    invitation = SurveyInvitation(
        program_id=actor.viewer.program_id,
        kind=kind,
        occasion=occasion,
        channel=channel,
        case_id=case_id,
        night_id=night_id,
        label=label[:200],
    )
    db.add(invitation)
    await db.flush()
    return invitation


async def _issue(
    db: AsyncSession, invitation: SurveyInvitation, days: int, actor: Actor | None
) -> IssuedLink:
    return await links.issue(
        db,
        SURVEY,
        invitation.id,
        program_id=invitation.program_id,
        valid_for=datetime.timedelta(days=days),
        created_by=actor.viewer if actor else None,
        label=invitation.label,
    )


async def offer_for_case(
    db: AsyncSession, case: Case, form: Form, actor: Actor, base_url: str
) -> Offered | None:
    """Offer the respondent's or a guardian's survey; None with the errors on the form."""
    values = OfferForm.read(form)
    if not values.is_valid:
        return None
    kind, channel = SurveyKind(values.kind), Channel(values.channel)
    label = RESPONDENT_LABEL if kind is SurveyKind.RESPONDENT else GUARDIAN_LABEL
    invitation = await _offer(
        db, actor, kind, Occasion(values.occasion), channel, label=label, case_id=case.id
    )
    language = family_language(case.youth.guardians)
    result = await _give(db, invitation, channel, values.valid_days, values.email, actor, base_url, language)
    audit.record(
        db,
        actor,
        "survey_offer",
        record_type="case",
        record_id=case.id,
        details={"survey": kind.value, "channel": channel.value, "invitation_id": str(invitation.id)},
    )
    return result


async def _give(
    db: AsyncSession,
    invitation: SurveyInvitation,
    channel: Channel,
    days: int,
    email: str,
    actor: Actor,
    base_url: str,
    language: str | None = None,
) -> Offered:
    if channel is Channel.TABLET:
        return Offered([invitation], issued=await _issue(db, invitation, days, actor))
    subject, body = _invitation_email(invitation.kind, base_url, days, language or "")
    queued = await mail.enqueue(
        db,
        invitation.program_id,
        to_address=email,
        subject=subject,
        body=body,
        kind=EMAIL_KIND,
        dedupe_key=f"survey:{invitation.id}:{days}",
    )
    return Offered([invitation], emailed=1 if queued else 0)


async def jurors_of(db: AsyncSession, night: HearingNight) -> list[Juror]:
    """The jurors who served on the night (present or late), by name."""
    rows = await db.scalars(
        select(Juror)
        .join(Booking, Booking.juror_id == Juror.id)
        .where(Booking.night_id == night.id, Booking.attendance.in_(ATTENDED))
        .order_by(Juror.last_name, Juror.first_name, Juror.id)
    )
    return list(rows.all())


async def offer_for_night(
    db: AsyncSession, night: HearingNight, form: Form, actor: Actor, base_url: str
) -> Offered | None:
    """Offer the juror survey: one tablet link passed from hand to hand is one answer, so the tablet
    gives one link at a time; email gives each juror who served their own link."""
    values = NightOfferForm.read(form)
    if not values.is_valid:
        return None
    channel = Channel(values.channel)
    if channel is Channel.TABLET:
        invitation = await _offer(
            db, actor, SurveyKind.JUROR, Occasion.AFTER_NIGHT, channel,
            label=TABLET_JUROR_LABEL, night_id=night.id,
        )  # fmt: skip
        result = await _give(db, invitation, channel, values.valid_days, "", actor, base_url)
    else:
        served = await jurors_of(db, night)
        jurors = [juror for juror in served if juror.email]
        if not jurors:
            form.error("channel", _("No juror who served this night has an email address: use the tablet."))
            return None
        languages = await _account_languages(db, jurors)
        invitations = []
        for juror in jurors:
            invitation = await _offer(
                db, actor, SurveyKind.JUROR, Occasion.AFTER_NIGHT, channel,
                label=f"{juror.first_name} {juror.last_name[:1]}.", night_id=night.id,
            )  # fmt: skip
            await _give(
                db,
                invitation,
                channel,
                values.valid_days,
                juror.email,
                actor,
                base_url,
                languages.get(juror.id),
            )
            invitations.append(invitation)
        result = Offered(invitations, emailed=len(invitations), without_email=len(served) - len(jurors))
    audit.record(
        db,
        actor,
        "survey_offer",
        record_type="hearing_night",
        record_id=night.id,
        details={
            "survey": SurveyKind.JUROR.value,
            "channel": channel.value,
            "offered": len(result.invitations),
        },
    )
    return result


async def _account_languages(db: AsyncSession, jurors: list[Juror]) -> dict[UUID, str | None]:
    """Each juror's account language, for those who sign in (one query); others read English."""
    user_ids = [juror.user_id for juror in jurors if juror.user_id]
    if not user_ids:
        return {}
    rows = await db.execute(select(User.id, User.language).where(User.id.in_(user_ids)))
    by_user = dict(rows.tuples().all())
    return {juror.id: by_user.get(juror.user_id) for juror in jurors if juror.user_id}


async def render_invitation_email(db: AsyncSession, message: OutboxMessage) -> str | None:
    """The survey email's body with a link made now; None when the invitation is answered or gone."""
    _, invitation_id, days = (message.dedupe_key or "::").split(":")
    with program_scope(ProgramScope.of(message.program_id)):
        invitation = await db.get(SurveyInvitation, UUID(invitation_id)) if invitation_id else None
        if invitation is None or invitation.answered_at is not None:
            return None
        await links.revoke_all(db, SURVEY, invitation.id)
        issued = await _issue(db, invitation, int(days), None)
    return message.body.replace(ADDRESS_PLACEHOLDER, issued.path)


def register_email() -> None:
    """Have the outbox make each survey email's link when it sends it (app, worker and command line)."""
    delivery.render_at_send_time(EMAIL_KIND, render_invitation_email)


@dataclass(frozen=True)
class OfferRow:
    invitation: SurveyInvitation
    link: PrivateLink | None
    """The newest link of the invitation (none yet for an email not sent)."""

    def status(self, now: datetime.datetime) -> str:
        """Where the offer stands, in the page's language."""
        if self.invitation.answered_at is not None:
            return _("Answered")
        if self.link is None:
            return _("Email waiting to be sent")
        if self.link.revoked_at is not None:
            return _("Revoked")
        if self.link.expires_at <= now:
            return _("Expired")
        return _("Open until %(day)s", day=format_day(self.link.expires_at.date(), "day"))


def _offers_where(condition: Any) -> Select[Any]:
    return (
        select(SurveyInvitation)
        .where(condition)
        .order_by(SurveyInvitation.created_at.desc(), SurveyInvitation.id)
        .limit(50)
    )


_OFFERS_OF_CASE = _offers_where(SurveyInvitation.case_id == bindparam("case_id"))
_OFFERS_OF_NIGHT = _offers_where(SurveyInvitation.night_id == bindparam("night_id"))
"""Built once per process (see ``dashboard.services``): a case's page and a night's read them on every view."""


async def offers_of(
    db: AsyncSession, *, case_id: UUID | None = None, night_id: UUID | None = None
) -> list[OfferRow]:
    """The surveys offered for a case or a night, newest first, each with its newest link (two queries)."""
    if case_id is not None:
        found = await db.scalars(_OFFERS_OF_CASE, {"case_id": case_id})
    else:
        found = await db.scalars(_OFFERS_OF_NIGHT, {"night_id": night_id})
    invitations = list(found.all())
    newest: dict[UUID, PrivateLink] = {}
    for link in await links.links_for(db, SURVEY, [i.id for i in invitations]):
        newest.setdefault(link.subject_id, link)
    return [OfferRow(invitation, newest.get(invitation.id)) for invitation in invitations]


async def revoke(db: AsyncSession, invitation: SurveyInvitation, actor: Actor) -> int:
    revoked = await links.revoke_all(db, SURVEY, invitation.id)
    for message in await _waiting_emails(db, invitation):
        mail.withdraw(message, "The survey link was revoked.")
    audit.record(
        db,
        actor,
        "survey_link_revoke",
        record_type="survey_invitation",
        record_id=invitation.id,
        details={"links": revoked},
    )
    return revoked


async def _waiting_emails(db: AsyncSession, invitation: SurveyInvitation) -> list[OutboxMessage]:
    rows = await db.scalars(
        select(OutboxMessage).where(
            OutboxMessage.dedupe_key.like(f"survey:{invitation.id}:%"), claimable(utc_now())
        )
    )
    return list(rows.all())


async def load_invitation(
    db: AsyncSession, invitation_id: UUID, *, case_id: UUID | None = None, night_id: UUID | None = None
) -> SurveyInvitation:
    invitation = await db.get(SurveyInvitation, invitation_id)
    if invitation is None or (invitation.case_id, invitation.night_id) != (case_id, night_id):
        raise NotFoundException()
    return invitation


# ---------------------------------------------------------------------------------------------
# Answering through the link


@dataclass(frozen=True)
class AnswerPage:
    link: PrivateLink
    invitation: SurveyInvitation
    version: SurveyVersion

    @property
    def answered(self) -> bool:
        return self.invitation.answered_at is not None

    @property
    def may_link_case(self) -> bool:
        return self.invitation.case_id is not None


async def invitation_language(db: AsyncSession, invitation: SurveyInvitation) -> str | None:
    """The language of a respondent's or parent's survey: the family's; None for a juror's (whose
    email link carries the account's language, and whose tablet follows the browser)."""
    if invitation.case_id is None:
        return None
    guardians = await db.scalars(
        select(Guardian)
        .join(Case, Case.youth_id == Guardian.youth_id)
        .where(Case.id == invitation.case_id)
        .order_by(Guardian.created_at, Guardian.id)
    )
    return family_language(list(guardians.all()))


async def answer_page(db: AsyncSession, link: PrivateLink) -> AnswerPage:
    invitation = await db.get(SurveyInvitation, link.subject_id, populate_existing=True)
    if invitation is None:
        raise NotFoundException()
    return AnswerPage(link, invitation, await current_version(db, link.program_id, invitation.kind))


def read_answers(page: AnswerPage, form: Form) -> tuple[list[int], ConsentForm] | None:
    """Every statement's answer (1 to 5) and the free text; None with the errors on the form."""
    values = [
        StatementForm.read(form, prefix=statement_prefix(number), words={"number": str(number + 1)}).answer
        for number in range(len(page.version.statements))
    ]
    for number in range(len(page.version.statements)):
        name = f"{statement_prefix(number)}answer"
        if name in form.errors:  # said in the page's language, whichever statement it is
            form.errors[name] = _("Choose an answer to statement %(number)s.", number=number + 1)
    consent = ConsentForm.read(form)
    if not form.is_valid:
        return None
    return [int(value) for value in values], consent


async def submit(
    db: AsyncSession, source: ASGIConnection[Any, Any, Any, Any], page: AnswerPage, form: Form
) -> bool | None:
    """Store the answers once: True when stored, False when the link had already answered, None on errors."""
    read = read_answers(page, form)
    if read is None:
        return None
    values, consent = read
    claimed = await db.execute(
        update(SurveyInvitation)
        .where(SurveyInvitation.id == page.invitation.id, SurveyInvitation.answered_at.is_(None))
        .values(answered_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    if not claimed.rowcount:
        return False
    today = await program_today(db, page.link.program_id)
    answer = SurveyAnswer(
        program_id=page.link.program_id,
        kind=page.invitation.kind,
        version_id=page.version.id,
        answered_month=today.replace(day=1),
        case_id=page.invitation.case_id if consent.link_to_case and page.may_link_case else None,
        comment=consent.comment,
    )
    answer.items = [
        SurveyItem(program_id=page.link.program_id, position=i, value=value) for i, value in enumerate(values)
    ]
    db.add(answer)
    links.audit_as(
        db, source, page.link, SURVEY, "survey_answer",
        record_type="survey_invitation", record_id=page.invitation.id,
        details={"survey": page.invitation.kind.value, "version": page.version.number},
    )  # fmt: skip
    return True
