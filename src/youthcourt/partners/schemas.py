"""What the partner API reads and writes: the shapes its OpenAPI document describes.

The limits here are those of the intake form (``referrals/forms.py``), stated so that a partner's
system knows them before sending; the intake form's own checks still decide, as for a referral
typed in by a coordinator.
"""

from __future__ import annotations

import datetime
from typing import Annotated, Literal
from uuid import UUID

from msgspec import Meta, Struct

Name = Annotated[str, Meta(min_length=1, max_length=100)]
Short = Annotated[str, Meta(max_length=40)]
Line = Annotated[str, Meta(max_length=200)]
Address = Annotated[str, Meta(max_length=1000)]
EmailText = Annotated[str, Meta(max_length=254)]
Count = Annotated[int, Meta(ge=0, le=99)]


class YouthIn(Struct, forbid_unknown_fields=True):
    """The young person referred."""

    first_name: Name
    last_name: Name
    date_of_birth: datetime.date
    gender: Short = ""
    school: Line = ""
    grade: Annotated[str, Meta(max_length=20)] = ""
    phone: Short = ""
    email: EmailText = ""
    address: Address = ""


class GuardianIn(Struct, forbid_unknown_fields=True):
    """A parent or guardian; at least one with a phone number or an email."""

    name: Annotated[str, Meta(min_length=1, max_length=200)]
    relationship: Annotated[str, Meta(max_length=60)] = ""
    phone: Short = ""
    email: EmailText = ""
    address: Address = ""


class IncidentIn(Struct, forbid_unknown_fields=True):
    date: datetime.date
    place: Line = ""
    description: Annotated[str, Meta(max_length=5000)] = ""


class ReferralIn(Struct, forbid_unknown_fields=True):
    """A referral as the agency sends it. ``reference`` is the agency's own number: sending the same
    number again returns the referral it made instead of making another."""

    reference: Annotated[str, Meta(min_length=1, max_length=80)]
    youth: YouthIn
    guardians: Annotated[list[GuardianIn], Meta(min_length=1, max_length=2)]
    offense_id: UUID
    incident: IncidentIn
    prior_police_contacts: Count | None = None
    prior_diversions: Count | None = None
    prior_adjudications: Count | None = None


Status = Literal["received", "accepted", "declined", "returned"]


class ReferralStatusOut(Struct):
    """Where a referral stands. ``reason`` is the program's reason when it was declined or returned."""

    id: UUID
    reference: str
    status: Status
    reason: str | None
    received_on: datetime.date
    decided_on: datetime.date | None


class ReferralPage(Struct):
    items: list[ReferralStatusOut]
    page: int
    pages: int
    total: int


class OffenseOut(Struct):
    id: UUID
    name: str
    category: str
    offense_class: Literal["A", "B", "C", "D"]


class OffensePage(Struct):
    items: list[OffenseOut]
    page: int
    pages: int
    total: int


class DocumentOut(Struct):
    id: UUID
    title: str
    content_type: str
    size_bytes: int


class ProblemError(Struct):
    pointer: str
    """A JSON pointer to the field (``#/youth/date_of_birth``)."""
    detail: str


class Problem(Struct):
    """An RFC 9457 problem: what went wrong, and for a refused request, one message per field."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[ProblemError] | None = None
