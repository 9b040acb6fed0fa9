"""Signing in and out, sessions, redirects and CSRF, through real HTTP."""

from __future__ import annotations

import datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import event, select, update

from tests.factories import (
    PASSWORD,
    form_token,
    fresh_code,
    make_program,
    make_user,
    post_form,
    sign_in_with_form,
)
from youthcourt import cli
from youthcourt.accounts import passwords, sessions
from youthcourt.accounts.models import Membership, UserSession
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Role

HOMES = [
    (Role.COORDINATOR, "/dashboard", "Dashboard"),
    (Role.JUROR, "/me", "Your jury service"),
    (Role.EVALUATOR, "/reports", "De-identified outcome reports"),
    (Role.PROGRAM_ADMIN, "/admin/users", "Everyone who signs in"),
]


@pytest.mark.parametrize(("role", "home", "text"), HOMES)
async def test_each_role_lands_on_its_home(client, db, role, home, text):
    program = await make_program(db)
    user = await make_user(db, program, role)

    response = await sign_in_with_form(client, user)

    assert response.status_code == 303
    assert response.headers["location"] == "/"
    landing = await client.get("/", follow_redirects=False)
    assert landing.headers["location"] == home
    page = await client.get(home)
    assert page.status_code == 200
    assert text in page.text
    assert program.name in page.text


async def test_site_admin_without_program_lands_on_programs(client, db):
    admin = await make_user(db, None, None, site_admin=True)
    await sign_in_with_form(client, admin)
    landing = await client.get("/", follow_redirects=False)
    assert landing.headers["location"] == "/admin/programs"


async def test_sign_in_issues_a_new_session_id_and_records_it(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await sign_in_with_form(client, user)
    first = client.cookies.get("youthcourt_session")

    await client.post("/logout", data={"_csrf_token": client.cookies.get("youthcourt_csrf")})
    await sign_in_with_form(client, user)
    second = client.cookies.get("youthcourt_session")

    assert first and second and first != second
    sessions = (await db.scalars(select(UserSession).where(UserSession.user_id == user.id))).all()
    assert len(sessions) == 1, "signing out ended the first session"
    assert sessions[0].token_hash != second, "only a hash of the token is stored"
    entries = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "sign_in"))).all()
    assert [e.outcome for e in entries] == ["success", "success"]
    assert entries[0].actor_id == user.id and entries[0].program_id == program.id


@pytest.mark.parametrize("email", ["known", "unknown@example.org"])
async def test_wrong_credentials_get_one_generic_message(client, db, email):
    program = await make_program(db)
    user = await make_user(db, program)
    address = user.email if email == "known" else email

    response = await sign_in_with_form(client, address, "wrong password here")

    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert "The email or password is not right" in response.text
    assert address in response.text, "the email typed is kept"
    assert "wrong password here" not in response.text
    assert client.cookies.get("youthcourt_session") is None
    failure = await db.scalar(select(AuditEntry).where(AuditEntry.outcome == "failure"))
    assert failure is not None and failure.action == "sign_in"
    assert failure.actor_id == (user.id if email == "known" else None)
    assert address not in str(failure.details), "the typed email is not written to the trail"


async def test_inactive_member_cannot_sign_in(client, db):
    program = await make_program(db)
    user = await make_user(db, program, active=False)
    response = await sign_in_with_form(client, user)
    assert response.status_code == 401
    assert "The email or password is not right" in response.text


async def test_empty_form_is_shown_again_with_field_errors(client, db):
    token = await form_token(client)
    response = await client.post("/login", data={"email": "someone@example.org", "_csrf_token": token})
    assert response.status_code == 422
    assert "Enter your password." in response.text
    assert 'value="someone@example.org"' in response.text


@pytest.mark.parametrize("token", [None, "forged-token"])
async def test_sign_in_without_a_valid_csrf_token_is_refused(client, db, token):
    program = await make_program(db)
    user = await make_user(db, program)
    await client.get("/login")
    data = {"email": user.email, "password": PASSWORD}
    if token:
        data["_csrf_token"] = token

    response = await client.post("/login", data=data, follow_redirects=False)

    assert response.status_code == 403
    assert "did not come from this site" in response.text
    assert (await db.scalars(select(UserSession))).all() == []


async def test_signed_out_visitor_is_sent_to_login_and_back(client, db):
    program = await make_program(db)
    user = await make_user(db, program, Role.PROGRAM_ADMIN)

    response = await client.get("/audit?action=sign_in", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Faudit%3Faction%3Dsign_in"
    login = await client.get(response.headers["location"])
    assert 'name="next" value="/audit?action=sign_in"' in login.text
    back = await sign_in_with_form(client, user, next_path="/audit?action=sign_in")
    assert back.headers["location"] == "/audit?action=sign_in"


async def test_next_cannot_send_users_to_another_site(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    password_step = await post_form(
        client, "/login", {"email": user.email, "password": PASSWORD, "next": "//evil.example"}
    )
    assert password_step.headers["location"] == "/login/code", "the foreign address is dropped at once"
    code_step = await post_form(client, "/login/code", {"code": await fresh_code(client, user.email)})
    assert code_step.headers["location"] == "/"
    client.cookies.clear()
    response = await sign_in_with_form(client, user, next_path="//evil.example")
    assert response.headers["location"] == "/"


async def test_htmx_requests_get_hx_redirect_when_signed_out(client, db):
    response = await client.get("/admin/users", headers={"HX-Request": "true"}, follow_redirects=False)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/login")


@pytest.mark.parametrize(
    "change",
    [
        {"last_seen_at": datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)},
        {"expires_at": datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)},
    ],
    ids=["idle-30-minutes", "absolute-12-hours"],
)
async def test_sessions_end_when_idle_or_too_old(client, db, change):
    program = await make_program(db)
    user = await make_user(db, program)
    await sign_in_with_form(client, user)
    assert (await client.get("/dashboard")).status_code == 200

    await db.execute(update(UserSession).values(**change))
    await db.commit()
    response = await client.get("/dashboard", follow_redirects=False)

    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    login = await client.get(response.headers["location"])
    assert "Your session ended" in login.text
    assert (await db.scalars(select(UserSession))).all() == []


async def test_sign_out_ends_the_session(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await sign_in_with_form(client, user)
    token = client.cookies.get("youthcourt_session")

    response = await post_form(client, "/logout", {})

    assert response.headers["location"] == "/login"
    page = await client.get("/login")
    assert "You have signed out." in page.text
    client.cookies.set("youthcourt_session", token)
    again = await client.get("/dashboard", follow_redirects=False)
    assert again.status_code == 303
    assert again.headers["location"].startswith("/login")


async def _device(client, user) -> str:
    """Sign in afresh, as on another device, and return that device's session cookie."""
    client.cookies.clear()
    await sign_in_with_form(client, user)
    return client.cookies.get("youthcourt_session")


async def test_sign_out_everywhere_ends_the_sessions_on_every_device(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    other = await make_user(db, program)
    phone = await _device(client, user)
    colleague = await _device(client, other)
    client.cookies.set("youthcourt_session", phone)
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 200
    await _device(client, user)

    response = await post_form(client, "/logout/everywhere", {})

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert "You have signed out on every device." in (await client.get("/login")).text
    client.cookies.set("youthcourt_session", phone)
    on_phone = await client.get("/dashboard", follow_redirects=False)
    assert on_phone.status_code == 303 and on_phone.headers["location"].startswith("/login")
    client.cookies.set("youthcourt_session", colleague)
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 200
    sessions = (await db.scalars(select(UserSession).where(UserSession.user_id == user.id))).all()
    assert sessions == []
    entries = (await db.scalars(select(AuditEntry).where(AuditEntry.action == "sign_out_everywhere"))).all()
    assert [entry.record_id for entry in entries] == [str(user.id)]


async def test_signed_in_user_visiting_login_goes_home(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program))
    response = await client.get("/login", follow_redirects=False)
    assert response.headers["location"] == "/"


async def test_malformed_form_body_is_refused_and_changes_nothing(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await sign_in_with_form(client, user)

    response = await client.post(
        "/admin/programs",
        content=b"\xff\xfe{not a form",
        headers={"content-type": "application/json", "x-csrftoken": client.cookies.get("youthcourt_csrf")},
    )

    assert response.status_code in (400, 403)
    assert "<h1>" in response.text


async def test_htmx_requests_carry_the_csrf_token_in_a_header(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    juror = await make_user(db, program, Role.JUROR)
    await sign_in_with_form(client, admin)

    without = await client.post(
        f"/admin/users/{juror.id}/active", data={"active": "false"}, headers={"HX-Request": "true"}
    )
    with_header = await client.post(
        f"/admin/users/{juror.id}/active",
        data={"active": "false"},
        headers={"HX-Request": "true", "x-csrftoken": client.cookies.get("youthcourt_csrf")},
    )

    assert without.status_code == 403
    assert with_header.status_code == 200
    assert with_header.headers["HX-Redirect"] == f"/admin/users/{juror.id}"


async def change_password(client, current: str, new: str):
    return await post_form(
        client,
        "/account/password",
        {"current_password": current, "new_password": new, "confirm_password": new},
    )


@pytest.mark.parametrize(
    "new",
    [
        "password1234",
        "QwertyUiop123",
        "123456789012",
        "aaaaaaaaaaaaaaaaaaaa",
        "youthcourt2026",
        "EMAIL-is-mine",
    ],
    ids=["common", "common-any-case", "digits", "one-character", "product-name", "email-local-part"],
)
async def test_guessable_passwords_are_refused_kindly(client, db, new):
    program = await make_program(db)
    user = await make_user(db, program, email="jordan.reyes@example.org")
    await sign_in_with_form(client, user)

    response = await change_password(client, PASSWORD, new.replace("EMAIL", "Jordan.Reyes"))

    assert response.status_code == 422
    assert "too easy to guess" in response.text
    assert "Try a few unrelated words" in response.text
    assert not await db.scalar(select(AuditEntry).where(AuditEntry.action == "password_change"))


async def test_a_long_passphrase_of_64_characters_is_accepted(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await sign_in_with_form(client, user)
    passphrase = "rivers remember the names of stones that fell in quiet autumn rain"[:64]

    response = await change_password(client, PASSWORD, passphrase)

    assert len(passphrase) == 64
    assert response.status_code == 303
    assert passwords.password_problem("x y" * 30) is None


def test_common_password_list_is_loaded_and_lower_case():
    common = passwords.common_passwords()
    assert len(common) > 3000
    assert {"password1234", "qwertyuiop12", "123456789012", "iloveyou1234"} <= common
    assert all(entry == entry.lower() for entry in common)
    assert PASSWORD not in common


def test_the_cli_refuses_a_common_password():
    result = CliRunner().invoke(
        cli.create_user,
        ["--email", "chief@example.org", "--name", "Chief", "--site-admin", "--password", "Password1234"],
    )
    assert result.exit_code != 0
    assert "too easy to guess" in result.output


def test_passwords_are_hashed_with_argon2id_and_at_least_19_mib(production_hashing):
    encoded = passwords.hash_password("a passphrase of my own")
    variant, version, parameters, *_ = encoded.lstrip("$").split("$")
    values = dict(pair.split("=") for pair in parameters.split(","))
    assert variant == "argon2id"
    assert version == "v=19"
    assert int(values["m"]) >= 19 * 1024, "memory cost is in KiB"
    assert int(values["t"]) >= 2 and int(values["p"]) >= 1


async def signed_in_elsewhere(client, user) -> str:
    """Sign ``user`` in as if from another browser and return that browser's session token."""
    await sign_in_with_form(client, user)
    token = client.cookies.get("youthcourt_session")
    client.cookies.clear()
    return token


async def still_signed_in(client, token: str) -> bool:
    client.cookies.set("youthcourt_session", token)
    response = await client.get("/dashboard", follow_redirects=False)
    return response.status_code == 200


async def test_changing_the_password_ends_every_other_session(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    elsewhere = await signed_in_elsewhere(client, user)
    await sign_in_with_form(client, user)

    changed = await change_password(client, PASSWORD, "a brand new passphrase here")

    assert changed.status_code == 303
    here = client.cookies.get("youthcourt_session")
    assert not await still_signed_in(client, elsewhere)
    assert await still_signed_in(client, here), "the browser that changed it stays signed in"
    sessions = (await db.scalars(select(UserSession).where(UserSession.user_id == user.id))).all()
    assert len(sessions) == 1


async def test_deactivating_a_user_ends_their_sessions(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    user = await make_user(db, program)
    elsewhere = await signed_in_elsewhere(client, user)
    assert await still_signed_in(client, elsewhere)
    client.cookies.clear()
    await sign_in_with_form(client, admin)

    response = await post_form(client, f"/admin/users/{user.id}/active", {"active": "false"})

    assert response.status_code == 303
    assert (await db.scalars(select(UserSession).where(UserSession.user_id == user.id))).all() == []
    assert not await still_signed_in(client, elsewhere)


async def _work_of_a_refused_sign_in(client, app, monkeypatch, email: str) -> tuple[list[str], int]:
    """The SQL statements and password-hash checks one refused sign-in costs."""
    engine = app.state.database.get_engine().sync_engine
    statements: list[str] = []
    checks = []
    hasher = passwords._hasher

    class CountingHasher:
        def verify(self, *args):
            checks.append(1)
            return hasher.verify(*args)

        def __getattr__(self, name):
            return getattr(hasher, name)

    monkeypatch.setattr(passwords, "_hasher", CountingHasher())

    def count(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.split()))

    token = await form_token(client)
    event.listen(engine, "before_cursor_execute", count)
    try:
        response = await client.post(
            "/login", data={"email": email, "password": "wrong password here", "_csrf_token": token}
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 401
    return statements, len(checks)


async def test_known_and_unknown_emails_cost_the_same_work(client, db, app, monkeypatch):
    """Timing cannot tell a known email from an unknown one: the same queries and one hash check each."""
    program = await make_program(db)
    user = await make_user(db, program)
    await make_user(db, program)  # a second account, so "known" is not simply "the only row"

    known, known_checks = await _work_of_a_refused_sign_in(client, app, monkeypatch, user.email)
    unknown, unknown_checks = await _work_of_a_refused_sign_in(client, app, monkeypatch, "nobody@example.org")

    assert known_checks == unknown_checks == 1
    assert known == unknown


async def test_the_csrf_token_changes_at_sign_in_and_sign_out(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    before = await form_token(client)

    await sign_in_with_form(client, user)
    signed_in = client.cookies.get("youthcourt_csrf")
    stale = await client.post("/logout", data={"_csrf_token": before}, follow_redirects=False)
    page = await client.get("/dashboard")
    assert 'name="_csrf_token" value="' + signed_in in page.text, "pages carry the new token"
    out = await post_form(client, "/logout", {})
    after = client.cookies.get("youthcourt_csrf")

    assert signed_in and signed_in != before
    assert stale.status_code == 403, "the token from before sign-in is no longer accepted"
    assert out.status_code == 303 and after and after != signed_in
    login = await client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "_csrf_token": signed_in}
    )
    assert login.status_code == 403, "the token from before sign-out is no longer accepted"


async def test_the_idle_limit_never_ends_a_session_early(client, db, monkeypatch):
    """Last-seen is written at most once a minute; the idle limit still counts from the last request."""
    program = await make_program(db)
    user = await make_user(db, program)
    start = datetime.datetime.now(datetime.UTC)
    clock = [start]
    monkeypatch.setattr(sessions, "utc_now", lambda: clock[0])
    await sign_in_with_form(client, user)

    clock[0] = start + datetime.timedelta(seconds=59)
    assert (await client.get("/dashboard", follow_redirects=False)).status_code == 200
    clock[0] += datetime.timedelta(minutes=30) - datetime.timedelta(seconds=1)
    still = await client.get("/dashboard", follow_redirects=False)
    clock[0] += datetime.timedelta(minutes=30, seconds=61)
    ended = await client.get("/dashboard", follow_redirects=False)

    assert still.status_code == 200, "29 minutes 59 seconds after the last request the session goes on"
    assert ended.status_code == 303 and ended.headers["location"].startswith("/login")


async def test_sign_in_lands_in_the_program_last_worked_in(client, db):
    """Not the first by name: the program of the person's latest session, while still a member."""
    a_program = await make_program(db, "Zeta Youth Court")
    b_program = await make_program(db, "Alpha Youth Court")
    person = await make_user(db, a_program, Role.COORDINATOR)
    db.add(Membership(program_id=b_program.id, user_id=person.id, role=Role.COORDINATOR))
    await db.commit()

    async def signed_in_to():
        client.cookies.clear()
        await sign_in_with_form(client, person)
        latest = await db.scalars(
            select(UserSession.program_id)
            .where(UserSession.user_id == person.id)
            .order_by(UserSession.created_at.desc())
            .limit(1)
        )
        return latest.one()

    assert await signed_in_to() == a_program.id, "first sign-in: the oldest membership"
    await post_form(client, "/account/program", {"program_id": str(b_program.id)})
    await post_form(client, "/account/program", {"program_id": str(a_program.id)})
    assert await signed_in_to() == a_program.id
    await post_form(client, "/account/program", {"program_id": str(b_program.id)})
    assert await signed_in_to() == b_program.id
    await db.execute(
        update(Membership)
        .where(Membership.program_id == b_program.id, Membership.user_id == person.id)
        .values(is_active=False)
    )
    await db.commit()
    assert await signed_in_to() == a_program.id, "no longer a member of the last one"
