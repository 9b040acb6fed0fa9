"""Test data builders: a program, people with roles, and signing them in."""

from __future__ import annotations

import itertools
import re
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts.models import Membership, User
from youthcourt.accounts.passwords import hash_password
from youthcourt.programs.models import Program, Role

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
