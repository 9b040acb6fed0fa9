"""Test data builders: a program, people with roles, and signing them in."""

from __future__ import annotations

import asyncio
import datetime
import itertools
import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs, urlsplit

from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar.middleware.csrf import generate_csrf_token
from litestar.testing import AsyncTestClient
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.accounts import mfa as mfa_codes
from youthcourt.accounts.controllers import finish_sign_in
from youthcourt.accounts.models import Membership, User
from youthcourt.accounts.passwords import hash_password
from youthcourt.accounts.services import UserService
from youthcourt.cases.models import Case, CaseState
from youthcourt.database import create_database_config
from youthcourt.programs.models import Program, Role
from youthcourt.reference.defaults import ensure_defaults
from youthcourt.reference.models import Offense, ReferralSource
from youthcourt.referrals.models import Referral, ReferralStatus, Youth
from youthcourt.settings import Settings

PASSWORD = "correct horse battery staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
"""The authenticator secret of every user ``make_user`` enrolls (test data only)."""
_counter = itertools.count(1)


@cache
def password_hash() -> str:
    """The hash of :data:`PASSWORD`, made once, when the first user is (with the test run's hasher)."""
    return hash_password(PASSWORD)


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
    mfa: bool = True,
) -> User:
    """A user, enrolled in multi-factor sign-in with :data:`TOTP_SECRET` unless ``mfa=False``."""
    number = next(_counter)
    user = User(
        email=email or f"person{number}@example.org",
        full_name=name or f"Person Number{number}",
        password_hash=password_hash(),
        is_site_admin=site_admin,
        must_change_password=must_change_password,
        totp_secret=TOTP_SECRET if mfa else None,
        totp_enabled_at=datetime.datetime.now(datetime.UTC) if mfa else None,
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


def hidden_fields(text: str) -> dict[str, str]:
    """The hidden fields of a page's forms (tokens a form carries), by name."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', text))


async def post_form(client: AsyncTestClient[Any], path: str, data: dict[str, str], **kwargs: Any) -> Any:
    """Post like a browser: with the CSRF token the page gave."""
    token = (
        await form_token(client, "/login")
        if not client.cookies.get("youthcourt_csrf")
        else csrf_token(client)
    )
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False, **kwargs)


_per_database: list[dict[tuple[str, str], Any]] = []


def remembered_per_database(cache: dict[tuple[str, str], Any]) -> dict[tuple[str, str], Any]:
    """Register a cache keyed by (database URL, name), to be forgotten when that database is restored."""
    _per_database.append(cache)
    return cache


def forget_database(url: str) -> None:
    """The database at ``url`` is back to its template: what helpers remembered of it no longer holds."""
    for remembered in _per_database:
        for key in [key for key in remembered if key[0] == url]:
            del remembered[key]


@contextmanager
def sent_on(db: AsyncSession) -> Iterator[list[tuple[str, Any]]]:
    """Each statement ``db``'s engine sends while the block runs, with its parameters as sent."""
    engine = db.get_bind()
    sent: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", remember)


async def plan_of(db: AsyncSession, statement: str, parameters: Any, *, analyze: str = "") -> str:
    """How the engine plans a statement as sent (from :func:`sent_on`), as text: SQLite's query plan,
    or PostgreSQL's in JSON with sequential and bitmap scans off (over a test's few rows either
    would do). ``analyze`` names a table whose statistics are gathered first: planned over a table
    it has none of, PostgreSQL expects one row, and any index will do."""
    connection = await db.connection()
    if db.get_bind().dialect.name == "sqlite":
        if analyze:
            await connection.exec_driver_sql(f"ANALYZE {analyze}")
        return str(list(await connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)))
    driver = (await connection.get_raw_connection()).driver_connection
    if analyze:
        await driver.execute(f"ANALYZE {analyze}")
    await driver.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off")
    return json.dumps(await driver.fetchval(f"EXPLAIN (FORMAT JSON) {statement}", *parameters))


@contextmanager
def counting(app: Any) -> Iterator[list[str]]:
    """The SQL statements the app sends while the block runs, whitespace folded."""
    engine = app.state.database.get_engine().sync_engine
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


_test_configs: dict[str, SQLAlchemyAsyncConfig] = {}


def shared_database_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    """The tests' own connection to a database, one per database for the whole run.

    Kept, rather than made per test, so SQLAlchemy compiles each statement once per run; its
    pool is emptied at the end of each test (``dispose``), because the connections belong to
    that test's event loop.
    """
    if settings.database_url not in _test_configs:
        _test_configs[settings.database_url] = create_database_config(settings)
    return _test_configs[settings.database_url]


_used_steps: dict[tuple[str, str], int] = remembered_per_database({})
"""Per test database and email: the last step whose code was sent."""


class AuthenticatorClock:
    """The time the server reads codes against: real time plus an offset tests move on.

    When every code a test may use now is spent, the clock is moved to the next window
    instead of sleeping until it comes.
    """

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


def unused_code(database_url: str, email: str, secret: str = TOTP_SECRET) -> str:
    """A code the server at ``database_url`` has not accepted yet for ``email``, from the steps it accepts now.

    Codes are single-use and only a later step is accepted after one, so steps are spent in
    order: the previous, the current, then the next; when all three are spent the clock moves
    to a new step. The previous step is skipped in the last two seconds of a step, when it
    could expire on the way to the server.
    """
    key = (database_url, email)
    while True:
        now = mfa_codes.clock()
        step = mfa_codes.current_step(now)
        near_end = (step + 1) * mfa_codes.STEP_SECONDS - now < 2
        last = _used_steps.get(key)
        candidates = [s for s in (step - 1, step, step + 1) if (last is None or s > last)]
        if near_end and step - 1 in candidates:
            candidates.remove(step - 1)
        if candidates:
            _used_steps[key] = candidates[0]
            return mfa_codes.code_at(secret, candidates[0])
        mfa_codes.clock.advance((step + 1) * mfa_codes.STEP_SECONDS - now + 0.05)  # type: ignore[attr-defined]


def remember_step(client: AsyncTestClient[Any], email: str, step: int) -> None:
    _used_steps[(client.app.state.settings.database_url, email)] = step


async def fresh_code(client: AsyncTestClient[Any], email: str, secret: str = TOTP_SECRET) -> str:
    """A code the client's server has not accepted yet for ``email`` (see :func:`unused_code`)."""
    return unused_code(client.app.state.settings.database_url, email, secret)


async def enter_code(
    client: AsyncTestClient[Any], email: str, next_path: str = "", secret: str = TOTP_SECRET
) -> Any:
    """The second step of sign-in, with a fresh code from the authenticator app."""
    code = await fresh_code(client, email, secret)
    return await client.post(
        "/login/code",
        data={"code": code, "next": next_path, "_csrf_token": csrf_token(client)},
        follow_redirects=False,
    )


async def enroll(client: AsyncTestClient[Any], email: str, next_path: str = "") -> Any:
    """Forced enrollment: read the key from the set-up page and confirm it with a first code."""
    setup = await client.get("/account/mfa/setup")
    match = re.search(r'id="secret-key">([A-Z2-7 ]+)<', setup.text)
    assert match, "no key on the set-up page"
    secret = match.group(1).replace(" ", "")
    code = await fresh_code(client, email, secret)
    return await client.post(
        "/account/mfa/setup",
        data={"code": code, "next": next_path, "_csrf_token": csrf_token(client)},
        follow_redirects=False,
    )


async def sign_in_with_form(
    client: AsyncTestClient[Any], user: User | str, password: str = PASSWORD, *, next_path: str = ""
) -> Any:
    """Sign in as a browser does: the password, then the authenticator code when one is asked for.

    Returns the last response: the code step's redirect for users with MFA, the password
    step's answer otherwise (a redirect, or the refusal). Users who must set up MFA are
    left at the set-up page (tests of enrollment drive it with :func:`enroll`).
    """
    email = user if isinstance(user, str) else user.email
    token = await form_token(client, "/login")
    data = {"email": email, "password": password, "_csrf_token": token}
    if next_path:
        data["next"] = next_path
    response = await client.post("/login", data=data, follow_redirects=False)
    if response.status_code == 303 and response.headers["location"].startswith("/login/code"):
        # The code step carries on the page asked for, as the browser's form does.
        query = parse_qs(urlsplit(response.headers["location"]).query)
        return await enter_code(client, email.strip().lower(), query.get("next", [""])[0])
    return response


@dataclass
class _SignInRequest:
    """What the sign-in code reads from a request: the app, the browser's cookies, headers and address."""

    app: Any
    cookies: dict[str, str]
    headers: dict[str, str]
    client: Any = field(default_factory=lambda: SimpleNamespace(host="testclient"))
    scope: dict[str, Any] = field(default_factory=dict)


async def sign_in(client: AsyncTestClient[Any], user: User) -> None:
    """Give ``client`` the session a completed sign-in gives ``user``, without the sign-in pages.

    The session, the sign-in time and the audit entry are made by the app's own
    ``finish_sign_in``; only the password and code checks (argon2 and TOTP, which the sign-in
    tests drive through :func:`sign_in_with_form`) are left out. Users who have no
    authenticator yet go through the pages, which send them to set one up.
    """
    if user.totp_enabled_at is None:
        await sign_in_with_form(client, user)
        return
    app = client.app
    request = _SignInRequest(app, dict(client.cookies), {"user-agent": client.headers.get("user-agent", "")})

    async def finish() -> str:  # in a task of its own: the sign-in switches the task's program scope
        config = shared_database_config(app.state.settings)  # the app's pool belongs to the app's loop
        try:
            async with config.get_session() as db:
                users = UserService(session=db)
                account = await users.get_for_sign_in(user.id)
                token = await finish_sign_in(
                    request, db, account, await users.first_program(account), "authenticator"
                )  # type: ignore[arg-type]
                await db.commit()
                return token
        finally:
            await config.get_engine().dispose()

    token = await asyncio.create_task(finish())
    host = client.base_url.host  # as the server's own cookies are kept, so these replace them
    client.cookies.set(app.state.settings.session.cookie_name, token, domain=host, path="/")
    csrf = generate_csrf_token(secret=app.csrf_config.secret)
    client.cookies.set(app.csrf_config.cookie_name, csrf, domain=host, path="/")


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
