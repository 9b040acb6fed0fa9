"""Test data builders: a program, people with roles, and signing them in."""

from __future__ import annotations

import datetime
import itertools
import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import Membership, User
from youthcourt.accounts.passwords import hash_password
from youthcourt.cases.models import Case, CaseState
from youthcourt.programs.models import Program, Role
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import Offense, ReferralSource
from youthcourt.referrals.models import Referral, ReferralStatus, Youth

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)
_HASH = hash_password(PASSWORD)


async def make_program(db: AsyncSession, name: str | None = None) -> Program:
    number = next(_counter)
    program = Program(name=name or f"Test Youth Court {number}", slug=f"test-court-{number}")
    db.add(program)
    await db.commit()
    return program


async def make_user(
    db: AsyncSession,
    program: Program | None,
    role: Role | None = Role.COORDINATOR,
    *,
    email: str | None = None,
    name: str | None = None,
    site_admin: bool = False,
    must_change_password: bool = False,
    active: bool = True,
) -> User:
    number = next(_counter)
    user = User(
        email=email or f"person{number}@example.org",
        full_name=name or f"Person Number{number}",
        password_hash=_HASH,
        is_site_admin=site_admin,
        must_change_password=must_change_password,
    )
    if program is not None and role is not None:
        user.memberships = [Membership(program_id=program.id, role=role, is_active=active)]
    db.add(user)
    await db.commit()
    return user


def csrf_token(client: AsyncTestClient[Any]) -> str:
    return client.cookies.get("youthcourt_csrf") or ""


async def form_token(client: AsyncTestClient[Any], path: str = "/login") -> str:
    """Load a page to receive the CSRF cookie and return the token the page's forms carry."""
    response = await client.get(path)
    match = re.search(r'name="_csrf_token" value="([^"]+)"', response.text)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


async def post_form(client: AsyncTestClient[Any], path: str, data: dict[str, str], **kwargs: Any) -> Any:
    """Post like a browser: with the CSRF token the page gave."""
    token = (
        await form_token(client, "/login")
        if not client.cookies.get("youthcourt_csrf")
        else csrf_token(client)
    )
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False, **kwargs)


async def sign_in(client: AsyncTestClient[Any], user: User | str, password: str = PASSWORD) -> Any:
    email = user if isinstance(user, str) else user.email
    token = await form_token(client, "/login")
    response = await client.post(
        "/login", data={"email": email, "password": password, "_csrf_token": token}, follow_redirects=False
    )
    return response


async def make_youth(db: AsyncSession, program: Program, **fields: Any) -> Youth:
    number = next(_counter)
    youth = Youth(
        program_id=program.id,
        first_name=fields.pop("first_name", f"Youth{number}"),
        last_name=fields.pop("last_name", f"Family{number}"),
        date_of_birth=fields.pop("date_of_birth", datetime.date(2011, 5, 17)),
        **fields,
    )
    db.add(youth)
    await db.commit()
    return youth


async def make_referral(
    db: AsyncSession, program: Program, youth: Youth | None = None, *, offense_class: str = "A", **fields: Any
) -> Referral:
    """A pending referral from the program's first source, for an offense of ``offense_class``."""
    await ensure_defaults(db, program.id)
    youth = youth or await make_youth(db, program)
    source = await db.scalar(select(ReferralSource).where(ReferralSource.program_id == program.id).limit(1))
    offense = await db.scalar(
        select(Offense)
        .where(Offense.program_id == program.id, Offense.offense_class == offense_class)
        .limit(1)
    )
    referral = Referral(
        program_id=program.id,
        youth_id=youth.id,
        source_id=source.id,
        offense_id=offense.id,
        source_reference=fields.pop("source_reference", f"PD-{next(_counter):05d}"),
        received_on=fields.pop("received_on", datetime.date.today() - datetime.timedelta(days=10)),
        incident_date=fields.pop("incident_date", datetime.date.today() - datetime.timedelta(days=20)),
        incident_place=fields.pop("incident_place", "Main Street store"),
        narrative=fields.pop("narrative", "Took a phone charger without paying."),
        **fields,
    )
    db.add(referral)
    await db.commit()
    return referral


async def make_case(
    db: AsyncSession,
    program: Program,
    state: CaseState = CaseState.REFERRED,
    *,
    coordinator: User | None = None,
    referral: Referral | None = None,
    **referral_fields: Any,
) -> Case:
    """A case opened from a new referral, set directly to ``state`` (no timeline: use the UI to test flows)."""
    referral = referral or await make_referral(db, program, **referral_fields)
    referral.status = ReferralStatus.ACCEPTED
    number = next(_counter)
    case = Case(
        program_id=program.id,
        number=f"{datetime.date.today().year}-{number:04d}",
        referral_id=referral.id,
        youth_id=referral.youth_id,
        coordinator_id=coordinator.id if coordinator else None,
        state=state,
        opened_on=referral.received_on,
    )
    db.add(case)
    await db.commit()
    return case
