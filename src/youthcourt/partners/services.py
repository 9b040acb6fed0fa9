"""What a partner agency does through the API: send a referral, attach a document, read statuses.

A referral sent here goes through the referrals area's own intake (:meth:`ReferralService.take_in`)
with the agency's values put in the intake form's fields, so it is checked by the same rules and
lands in the program's referral inbox exactly as one a coordinator types in. Only the agency's own
referrals can be read, and a sealed case's referral is not one of them.
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.audit.service import Actor
from youthcourt.partners.keys import Partner
from youthcourt.partners.models import PartnerReferral
from youthcourt.partners.schemas import ReferralIn, ReferralStatusOut
from youthcourt.reference.models import Offense
from youthcourt.referrals.models import Referral, ReferralStatus
from youthcourt.referrals.services import GUARDIAN_SLOTS, ReferralService, not_sealed_referral
from youthcourt.web.forms import Form

STATUSES = {
    ReferralStatus.PENDING: "received",
    ReferralStatus.ACCEPTED: "accepted",
    ReferralStatus.DECLINED: "declined",
    ReferralStatus.RETURNED: "returned",
}
"""The program's statuses as the agency sees them: a pending referral has been received."""
TOLD_WHY = {ReferralStatus.DECLINED, ReferralStatus.RETURNED}
"""The reasons the agency is told. Why a referral was accepted as an exception stays with the program."""

FIELD_POINTERS = {
    **{name: f"#/youth/{name}" for name in ("first_name", "last_name", "date_of_birth", "gender")},
    **{name: f"#/youth/{name}" for name in ("school", "grade", "phone", "email", "address")},
    **{
        f"guardian{slot}_{name}": f"#/guardians/{slot - 1}/{name}"
        for slot in GUARDIAN_SLOTS
        for name in ("name", "relationship", "phone", "email", "address")
    },
    "incident_date": "#/incident/date",
    "incident_place": "#/incident/place",
    "narrative": "#/incident/description",
    "offense_id": "#/offense_id",
    "source_reference": "#/reference",
    **{name: f"#/{name}" for name in ("prior_police_contacts", "prior_diversions", "prior_adjudications")},
}
"""Intake form fields -> where the agency sent them, for the problem's per-field errors."""
INACTIVE_SOURCE = "Your agency is no longer active in this program, so it cannot send new referrals."
OTHER_REFERENCE = "This Idempotency-Key was already used for a referral with another reference number."


class SubmissionRefused(Exception):
    """The referral was not saved; ``errors`` holds one message per field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("the referral was refused")
        self.errors = errors


@dataclass(frozen=True)
class Submission:
    referral: Referral
    reference: str
    created: bool
    """False when the same referral had been received before: nothing new was made."""


def intake_form(body: ReferralIn, partner: Partner, today: datetime.date, token: str) -> Form:
    """The agency's referral in the intake form's fields, as if a coordinator had typed it."""
    values: dict[str, Any] = {
        "submission_token": token,
        "confirm_new_youth": "1",
        "source_id": str(partner.source_id),
        "source_reference": body.reference,
        "received_on": today.isoformat(),
        "offense_id": str(body.offense_id),
        "incident_date": body.incident.date.isoformat(),
        "incident_place": body.incident.place,
        "narrative": body.incident.description,
    }
    youth = body.youth
    for name in ("first_name", "last_name", "gender", "school", "grade", "phone", "email", "address"):
        values[name] = getattr(youth, name)
    values["date_of_birth"] = youth.date_of_birth.isoformat()
    for slot, guardian in zip(GUARDIAN_SLOTS, body.guardians, strict=False):
        for name in ("name", "relationship", "phone", "email", "address"):
            values[f"guardian{slot}_{name}"] = getattr(guardian, name)
    for name in ("prior_police_contacts", "prior_diversions", "prior_adjudications"):
        count = getattr(body, name)
        values[name] = "" if count is None else str(count)
    return Form(values=values)


def form_errors(form: Form) -> list[dict[str, str]]:
    errors = []
    for name, message in form.errors.items():
        if name == "source_id":
            errors.append({"pointer": "#/", "detail": INACTIVE_SOURCE})
        else:
            errors.append({"pointer": FIELD_POINTERS.get(name, "#/"), "detail": message})
    return errors


UNREADABLE_REFERENCE = "Write the reference with letters, digits and punctuation: no control characters."


def idempotency_token(partner: Partner, key: str | None) -> str:
    """The intake form's one-time token for an ``Idempotency-Key``: one agency's keys never meet another's."""
    if not key:
        return ""
    return hashlib.sha256(f"{partner.source_id}:{key}".encode()).hexdigest()


async def sent_under(db: AsyncSession, partner: Partner, reference: str) -> Referral | None:
    return await db.scalar(
        select(Referral)
        .join(PartnerReferral, PartnerReferral.referral_id == Referral.id)
        .where(PartnerReferral.source_id == partner.source_id, PartnerReferral.source_reference == reference)
    )


async def submit(
    referrals: ReferralService, partner: Partner, body: ReferralIn, idempotency_key: str | None, actor: Actor
) -> Submission:
    """Take in the agency's referral once, however often and however fast it is sent.

    The reference number, then the ``Idempotency-Key``, find a referral already made. Two requests
    racing past both look-ups both reach the database, whose unique reference number per agency
    lets one commit; the other rolls back and answers with the first one's referral.
    """
    db = referrals.db
    reference = body.reference.strip()
    if not reference or any(ord(c) < 0x20 or 0xD800 <= ord(c) <= 0xDFFF for c in reference):
        raise SubmissionRefused([{"pointer": "#/reference", "detail": UNREADABLE_REFERENCE}])
    if (already := await sent_under(db, partner, reference)) is not None:
        return Submission(already, reference, created=False)
    form = intake_form(body, partner, actor.viewer.today() if actor.viewer else datetime.date.today(), "")
    form.values["submission_token"] = idempotency_token(partner, idempotency_key)
    form.values["source_reference"] = reference
    result = await referrals.take_in(form, actor)
    if result.referral is None:
        raise SubmissionRefused(form_errors(form))
    if result.already_saved:
        if result.referral.source_reference != reference:
            raise SubmissionRefused([{"pointer": "#/reference", "detail": OTHER_REFERENCE}])
        return Submission(result.referral, reference, created=False)
    db.add(
        PartnerReferral(
            program_id=partner.program_id,
            referral_id=result.referral.id,
            source_id=partner.source_id,
            source_reference=reference,
            api_key_id=partner.key_id,
        )
    )
    try:
        await db.flush()
    except IntegrityError:
        await db.rollback()
        if (already := await sent_under(db, partner, reference)) is None:
            raise
        return Submission(already, reference, created=False)
    return Submission(result.referral, reference, created=True)


# Reading -------------------------------------------------------------------------------------------


def agency_referrals(partner: Partner) -> Select[tuple[Referral]]:
    """The agency's referrals in the key's program (the scope adds the program), newest first."""
    return (
        select(Referral)
        .where(Referral.source_id == partner.source_id, not_sealed_referral())
        .order_by(Referral.received_on.desc(), Referral.created_at.desc(), Referral.id)
    )


async def agency_referral(db: AsyncSession, partner: Partner, referral_id: UUID) -> Referral | None:
    return await db.scalar(agency_referrals(partner).where(Referral.id == referral_id))


def status_of(referral: Referral, timezone: str) -> ReferralStatusOut:
    decided = referral.decided_at.astimezone(ZoneInfo(timezone)).date() if referral.decided_at else None
    return ReferralStatusOut(
        id=referral.id,
        reference=referral.source_reference,
        status=STATUSES[referral.status],  # type: ignore[arg-type]
        reason=referral.decision_reason if referral.status in TOLD_WHY else None,
        received_on=referral.received_on,
        decided_on=decided if referral.status != ReferralStatus.PENDING else None,
    )


def active_offenses_query() -> Select[tuple[Offense]]:
    return select(Offense).where(Offense.is_active).order_by(Offense.offense_class, Offense.name, Offense.id)
