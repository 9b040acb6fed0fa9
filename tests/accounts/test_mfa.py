"""Multi-factor sign-in through real HTTP: the code step, recovery codes, forced enrollment,
the admin's reset, and session limits from a program's policy."""

from __future__ import annotations

import datetime
import re

import pytest
from sqlalchemy import func, select, update

from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    enroll,
    fresh_code,
    make_program,
    make_user,
    post_form,
    sign_in_with_form,
)
from youthcourt.accounts import mfa
from youthcourt.accounts.models import RecoveryCode, SignInFailure, UserSession
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Role
from youthcourt.reference.defaults import ensure_defaults


async def password_step(client, user, password: str = PASSWORD):
    return await post_form(client, "/login", {"email": user.email, "password": password})


async def entries(db, action: str) -> list[AuditEntry]:
    return list(
        (
            await db.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.occurred_at)
            )
        ).all()
    )


async def test_the_password_alone_does_not_sign_in(client, db):
    program = await make_program(db)
    user = await make_user(db, program)

    response = await password_step(client, user)

    assert response.status_code == 303
    assert response.headers["location"] == "/login/code"
    session = await db.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert session.awaiting_code
    assert session.expires_at - session.created_at <= datetime.timedelta(minutes=10, seconds=5)
    page = await client.get("/login/code")
    assert page.status_code == 200
    assert 'name="code"' in page.text and "Code from your authenticator app" in page.text
    assert await entries(db, "sign_in") == [], "no sign-in is recorded before the code"
    await db.refresh(user)
    assert user.last_sign_in_at is None


async def test_the_right_code_rotates_to_a_full_session_and_is_audited(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await password_step(client, user)
    waiting = client.cookies.get("youthcourt_session")

    response = await post_form(client, "/login/code", {"code": await fresh_code(client, user.email)})

    assert response.status_code == 303 and response.headers["location"] == "/"
    assert client.cookies.get("youthcourt_session") != waiting, "a new session id"
    sessions = (await db.scalars(select(UserSession).where(UserSession.user_id == user.id))).all()
    assert len(sessions) == 1 and not sessions[0].awaiting_code
    assert (await client.get("/dashboard")).status_code == 200
    [entry] = await entries(db, "sign_in")
    assert entry.outcome == "success" and entry.details == {"method": "authenticator"}
    assert entry.program_id == program.id


async def test_a_wrong_code_is_refused_with_a_message_and_audited(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await password_step(client, user)
    good = mfa.code_at(TOTP_SECRET, mfa.current_step())
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"

    response = await post_form(client, "/login/code", {"code": wrong})
    empty = await post_form(client, "/login/code", {"code": "  "})

    assert response.status_code == 401
    assert "That code is not right" in response.text
    assert wrong not in response.text, "the code typed is not shown back"
    assert empty.status_code == 422 and "Enter the 6-digit code" in empty.text
    [failure] = await entries(db, "sign_in")
    assert failure.outcome == "failure" and failure.details == {"reason": "wrong code"}
    assert failure.actor_id == user.id
    assert wrong not in str(failure.details)
    assert (await client.get("/dashboard", follow_redirects=False)).headers["location"] == "/login/code"


async def test_a_replayed_code_is_refused(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await password_step(client, user)
    code = await fresh_code(client, user.email)
    assert (await post_form(client, "/login/code", {"code": code})).status_code == 303
    client.cookies.clear()

    await password_step(client, user)
    replay = await post_form(client, "/login/code", {"code": code})

    assert replay.status_code == 401
    assert "That code is not right" in replay.text


async def test_a_recovery_code_works_once(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    codes = await mfa.new_recovery_codes(db, user)
    await db.commit()

    await password_step(client, user)
    first = await post_form(client, "/login/code", {"code": codes[3].upper()})
    assert first.status_code == 303
    [entry] = [e for e in await entries(db, "sign_in") if e.outcome == "success"]
    assert entry.details == {"method": "recovery code"}
    assert "Recovery codes left: <strong>9</strong>" in (await client.get("/account/mfa")).text
    client.cookies.clear()

    await password_step(client, user)
    again = await post_form(client, "/login/code", {"code": codes[3]})

    assert again.status_code == 401
    used = await db.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.used_at.is_not(None)))
    assert used == 1
    assert codes[3] not in str([e.details for e in await entries(db, "sign_in")])


async def test_a_waiting_session_reaches_nothing_but_the_code_step_and_expires(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await password_step(client, user)

    cases = await client.get("/cases", follow_redirects=False)
    htmx = await client.get("/cases", headers={"HX-Request": "true"}, follow_redirects=False)
    password = await client.get("/account/password", follow_redirects=False)

    assert cases.status_code == 303 and cases.headers["location"] == "/login/code"
    assert htmx.headers["HX-Redirect"] == "/login/code"
    assert password.headers["location"] == "/login/code"
    await db.execute(
        update(UserSession).values(
            expires_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(seconds=1)
        )
    )
    await db.commit()
    expired = await client.get("/login/code", follow_redirects=False)
    assert expired.headers["location"].startswith("/login?")
    assert (await db.scalars(select(UserSession))).all() == []


async def test_five_wrong_codes_end_the_waiting_session_and_lock_the_account(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await password_step(client, user)

    statuses = [(await post_form(client, "/login/code", {"code": "000000"})).status_code for _ in range(5)]

    assert statuses[:4] == [401] * 4
    assert statuses[4] == 303, "the fifth ends the session"
    assert (await db.scalars(select(UserSession))).all() == []
    failures = await db.scalar(select(func.count(SignInFailure.id)).where(SignInFailure.user_id == user.id))
    assert failures == 5
    await db.refresh(user)
    assert user.is_locked, "wrong codes count towards the account's lock"
    assert [e.outcome for e in await entries(db, "account_lock")] == ["denied"]
    assert (await sign_in_with_form(client, user)).status_code == 401, "locked: the right password is refused"


async def test_wrong_codes_and_wrong_passwords_add_up_to_a_lock(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    for _ in range(3):
        assert (await password_step(client, user, "not the password")).status_code == 401
    await password_step(client, user)
    await post_form(client, "/login/code", {"code": "000000"})
    response = await post_form(client, "/login/code", {"code": "000000"})

    assert response.status_code == 303 and response.headers["location"] == "/login"
    await db.refresh(user)
    assert user.is_locked


async def test_a_coordinator_without_mfa_must_enroll_after_the_password(client, db):
    program = await make_program(db)
    user = await make_user(db, program, Role.COORDINATOR, mfa=False)

    response = await password_step(client, user)
    assert response.headers["location"] == "/account/mfa/setup"
    assert (await client.get("/dashboard", follow_redirects=False)).headers["location"] == "/login/code"
    assert (await client.get("/login/code", follow_redirects=False)).headers[
        "location"
    ] == "/account/mfa/setup"
    setup = await client.get("/account/mfa/setup")

    assert setup.status_code == 200
    assert "<svg" in setup.text and 'class="segno"' in setup.text, "the QR code is inline SVG"
    assert "data:" not in setup.text and "style=" not in setup.text
    secret = re.search(r'id="secret-key">([A-Z2-7 ]+)<', setup.text).group(1)
    assert len(secret.split()) == 8, "the key in groups of four for typing"
    assert (await client.get("/account/mfa/setup")).text.count(secret) == 1, "reloading keeps the key"
    wrong = await post_form(client, "/account/mfa/setup", {"code": "123456"})
    assert wrong.status_code == 422 and "That code is not right" in wrong.text

    confirmed = await enroll(client, user.email)

    assert confirmed.status_code == 200
    codes = re.findall(r"<li><code>((?:[a-z2-9]{5}-){4}[a-z2-9]{5})</code></li>", confirmed.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "I have saved them" in confirmed.text
    assert (await client.get("/dashboard")).status_code == 200
    await db.refresh(user)
    assert user.has_mfa and user.totp_secret == secret.replace(" ", "")
    hashes = (await db.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id))).all()
    assert len(hashes) == 10 and not set(codes) & set(hashes), "only hashes are stored"
    [enrolled] = await entries(db, "mfa_enroll")
    assert secret.replace(" ", "") not in str(enrolled.details)
    [signed_in] = await entries(db, "sign_in")
    assert signed_in.outcome == "success"


async def test_enrollment_cannot_replace_an_existing_authenticator_with_the_password_alone(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await password_step(client, user)

    setup = await client.get("/account/mfa/setup", follow_redirects=False)
    post = await post_form(client, "/account/mfa/setup", {"code": "123456"})

    assert setup.headers["location"] == "/login/code"
    assert post.headers["location"] == "/login/code"
    await db.refresh(user)
    assert user.totp_secret == TOTP_SECRET


@pytest.mark.parametrize("required", [False, True], ids=["optional", "program-requires-it"])
async def test_jurors_are_asked_for_a_code_only_where_their_program_requires_it(client, db, required):
    program = await make_program(db)
    policy = await ensure_defaults(db, program.id)
    policy.mfa_for_jurors = required
    await db.commit()
    juror = await make_user(db, program, Role.JUROR, mfa=False)

    response = await password_step(client, juror)

    if required:
        assert response.headers["location"] == "/account/mfa/setup"
    else:
        assert response.headers["location"] == "/"
        assert (await client.get("/me")).status_code == 200
        [entry] = await entries(db, "sign_in")
        assert entry.details == {"method": "password"}


async def test_the_account_page_regenerates_recovery_codes_with_a_current_code(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    old = await mfa.new_recovery_codes(db, user)
    await db.commit()
    await sign_in_with_form(client, user)
    page = await client.get("/account/mfa")
    assert "Recovery codes left: <strong>10</strong>" in page.text
    assert "Turn off" not in page.text, "a coordinator must keep MFA"

    refused = await post_form(client, "/account/mfa/recovery-codes", {"code": "000000"})
    made = await post_form(
        client, "/account/mfa/recovery-codes", {"code": await fresh_code(client, user.email)}
    )

    assert refused.status_code == 422
    assert made.status_code == 200
    new = re.findall(r"<li><code>([a-z2-9-]+)</code></li>", made.text)
    assert len(new) == 10 and not set(new) & set(old)
    assert [e.action for e in await entries(db, "mfa_recovery_codes_regenerate")] == [
        "mfa_recovery_codes_regenerate"
    ]
    disabled = await post_form(client, "/account/mfa/disable", {"code": await fresh_code(client, user.email)})
    assert disabled.status_code == 303
    await db.refresh(user)
    assert user.has_mfa, "required MFA cannot be turned off"


async def test_a_juror_may_turn_optional_mfa_off(client, db):
    program = await make_program(db)
    juror = await make_user(db, program, Role.JUROR)
    await sign_in_with_form(client, juror)

    response = await post_form(
        client, "/account/mfa/disable", {"code": await fresh_code(client, juror.email)}
    )

    assert response.status_code == 303
    await db.refresh(juror)
    assert not juror.has_mfa and juror.totp_secret is None
    assert [e.outcome for e in await entries(db, "mfa_disable")] == ["success"]


async def test_a_program_admin_resets_a_lost_phone(client, db):
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    user = await make_user(db, program)
    await mfa.new_recovery_codes(db, user)
    await db.commit()
    await sign_in_with_form(client, user)
    assert await db.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id)) == 1
    client.cookies.clear()
    await sign_in_with_form(client, admin)
    detail = await client.get(f"/admin/users/{user.id}")
    assert "Reset multi-factor sign-in" in detail.text

    response = await post_form(client, f"/admin/users/{user.id}/mfa-reset", {})

    assert response.status_code == 303
    await db.refresh(user)
    assert not user.has_mfa and user.totp_secret is None
    assert await db.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id)) == 0
    assert await db.scalar(select(func.count(UserSession.id)).where(UserSession.user_id == user.id)) == 0
    [entry] = await entries(db, "user_mfa_reset")
    assert entry.record_id == str(user.id) and entry.actor_id == admin.id
    client.cookies.clear()
    assert (await password_step(client, user)).headers["location"] == "/account/mfa/setup"


async def test_an_admin_of_another_program_cannot_reset(client, db):
    program, other = await make_program(db), await make_program(db)
    user = await make_user(db, program)
    await sign_in_with_form(client, await make_user(db, other, Role.PROGRAM_ADMIN))

    response = await post_form(client, f"/admin/users/{user.id}/mfa-reset", {})

    assert response.status_code == 404
    await db.refresh(user)
    assert user.has_mfa


async def test_a_program_policy_shortens_session_limits(client, db):
    program = await make_program(db)
    policy = await ensure_defaults(db, program.id)
    policy.session_idle_minutes = 5
    policy.session_absolute_hours = 2
    await db.commit()
    user = await make_user(db, program)
    await sign_in_with_form(client, user)

    session = await db.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert session.idle_minutes == 5
    assert session.expires_at - session.created_at <= datetime.timedelta(hours=2, seconds=5)
    assert (await client.get("/dashboard")).status_code == 200
    await db.execute(
        update(UserSession).values(
            last_seen_at=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=6)
        )
    )
    await db.commit()
    response = await client.get("/dashboard", follow_redirects=False)
    assert response.headers["location"].startswith("/login"), "six idle minutes end it"


async def test_policies_cannot_lengthen_sessions_beyond_the_installation(client, db):
    program = await make_program(db)
    policy = await ensure_defaults(db, program.id)
    policy.session_idle_minutes = 600
    policy.session_absolute_hours = 48
    await db.commit()
    user = await make_user(db, program)
    await sign_in_with_form(client, user)

    session = await db.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert session.idle_minutes == 30
    assert session.expires_at - session.created_at <= datetime.timedelta(hours=12, seconds=5)


async def test_only_a_site_admin_resets_a_site_admins_sign_in(client, db):
    program = await make_program(db)
    site_admin = await make_user(db, program, Role.PROGRAM_ADMIN, site_admin=True)
    program_admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    hash_before = site_admin.password_hash
    await sign_in_with_form(client, program_admin)

    mfa_reset = await post_form(client, f"/admin/users/{site_admin.id}/mfa-reset", {})
    password_reset = await post_form(client, f"/admin/users/{site_admin.id}/password-reset", {})

    assert (mfa_reset.status_code, password_reset.status_code) == (403, 403)
    await db.refresh(site_admin)
    assert site_admin.has_mfa and site_admin.password_hash == hash_before
    client.cookies.clear()
    await sign_in_with_form(client, await make_user(db, program, Role.PROGRAM_ADMIN, site_admin=True))
    assert (await post_form(client, f"/admin/users/{site_admin.id}/mfa-reset", {})).status_code == 303


async def test_signing_out_from_the_code_page_ends_the_waiting_session(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await password_step(client, user)
    waiting = client.cookies.get("youthcourt_session")

    response = await post_form(client, "/logout", {})

    assert response.status_code == 303
    assert response.headers["location"] == "/login"
    assert (await db.scalars(select(UserSession).where(UserSession.user_id == user.id))).all() == []
    [entry] = await entries(db, "sign_out")
    assert entry.actor_id == user.id and entry.program_id is None, "a site-level entry, like a failed sign-in"
    assert entry.details == {"stage": "code"}
    client.cookies.set("youthcourt_session", waiting)
    late = await post_form(client, "/login/code", {"code": await fresh_code(client, user.email)})
    assert late.status_code == 303 and late.headers["location"].split("?")[0] == "/login"
    assert (await db.scalars(select(UserSession).where(UserSession.user_id == user.id))).all() == []
    assert await entries(db, "sign_in") == []


async def test_the_code_page_shows_no_name_and_no_account_menu(client, db):
    program = await make_program(db)
    user = await make_user(db, program, name="Priscilla Waverly")
    await password_step(client, user)

    page = await client.get("/login/code")

    assert page.status_code == 200
    assert "Priscilla" not in page.text and "Waverly" not in page.text
    assert "/account/password" not in page.text and "/logout/everywhere" not in page.text
    assert "/account/mfa" not in page.text and program.name not in page.text
    assert page.text.count('action="/logout"') == 2, "a sign-out in the header and Cancel and sign out"


async def test_the_cookie_of_a_waiting_session_lives_as_long_as_the_wait(client, db):
    program = await make_program(db)
    user = await make_user(db, program)

    response = await password_step(client, user)

    cookie = next(
        value
        for key, value in response.headers.multi_items()
        if key == "set-cookie" and value.startswith("youthcourt_session=")
    )
    assert "max-age=600" in cookie.lower().replace(" ", ""), cookie
