"""Account lockout after failed sign-ins, unlocking, and throttling per client address."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
import re

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import async_sessionmaker

from tests.factories import PASSWORD, make_program, make_user, post_form, sign_in_with_form
from youthcourt.accounts import lockout
from youthcourt.accounts.models import SignInFailure, User
from youthcourt.audit.models import AuditEntry
from youthcourt.programs.models import Role
from youthcourt.settings import Settings, SettingsError

WRONG = "not the right password"


async def fail(client, user_or_email, times: int) -> None:
    for _ in range(times):
        response = await sign_in_with_form(client, user_or_email, WRONG)
        assert response.status_code == 401


async def actions(db, outcome: str | None = None) -> list[str]:
    query = select(AuditEntry).order_by(AuditEntry.occurred_at)
    if outcome:
        query = query.where(AuditEntry.outcome == outcome)
    return [entry.action for entry in (await db.scalars(query)).all()]


async def test_five_failures_lock_the_account_even_for_the_right_password(client, db):
    program = await make_program(db)
    user = await make_user(db, program)

    await fail(client, user, 5)
    response = await sign_in_with_form(client, user)

    assert response.status_code == 401
    assert "The email or password is not right" in response.text
    assert client.cookies.get("youthcourt_session") is None
    await db.refresh(user)
    assert user.is_locked
    lock = await db.scalar(select(AuditEntry).where(AuditEntry.action == "account_lock"))
    assert lock is not None and lock.record_id == str(user.id) and lock.program_id is None
    assert lock.details == {"failures": 5, "minutes": 15}
    last = await db.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "sign_in")
        .order_by(AuditEntry.occurred_at.desc())
        .limit(1)
    )
    assert last.details == {"reason": "account locked"}
    assert PASSWORD not in str(last.details) and user.email not in str(last.details)


async def test_four_failures_do_not_lock_and_a_sign_in_starts_the_count_again(client, db):
    program = await make_program(db)
    user = await make_user(db, program)

    await fail(client, user, 4)
    assert (await sign_in_with_form(client, user)).status_code == 303
    await post_form(client, "/logout", {})
    await fail(client, user, 4)

    assert (await sign_in_with_form(client, user)).status_code == 303
    assert "account_lock" not in await actions(db)


async def test_the_lock_ends_after_the_cool_down(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await fail(client, user, 5)
    assert (await sign_in_with_form(client, user)).status_code == 401

    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    await db.execute(update(User).where(User.id == user.id).values(locked_until=past))
    await db.execute(update(SignInFailure).values(occurred_at=past - datetime.timedelta(minutes=1)))
    await db.commit()

    assert (await sign_in_with_form(client, user)).status_code == 303


async def test_failures_before_a_lock_ended_do_not_lock_again_at_once(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await fail(client, user, 5)
    now = datetime.datetime.now(datetime.UTC)
    await db.execute(update(User).where(User.id == user.id).values(locked_until=now))
    await db.commit()

    await fail(client, user, 1)

    assert (await sign_in_with_form(client, user)).status_code == 303


async def test_a_program_admin_unlocks_the_account_and_it_is_audited(client, db):
    program = await make_program(db)
    user = await make_user(db, program, Role.JUROR)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN)
    await fail(client, user, 5)

    await sign_in_with_form(client, admin)
    page = await client.get(f"/admin/users/{user.id}")
    assert "Locked until" in page.text and f'action="/admin/users/{user.id}/unlock"' in page.text
    response = await post_form(client, f"/admin/users/{user.id}/unlock", {})

    assert response.status_code == 303
    after = await client.get(f"/admin/users/{user.id}")
    assert "The account was unlocked" in after.text and "Locked until" not in after.text
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "user_unlock"))
    assert entry is not None and entry.actor_id == admin.id and entry.record_id == str(user.id)
    await post_form(client, "/logout", {})
    assert (await sign_in_with_form(client, user)).status_code == 303


async def test_an_admin_cannot_unlock_someone_of_another_program(client, db):
    program, other = await make_program(db), await make_program(db)
    stranger = await make_user(db, other)
    await sign_in_with_form(client, await make_user(db, program, Role.PROGRAM_ADMIN))

    response = await post_form(client, f"/admin/users/{stranger.id}/unlock", {})

    assert response.status_code == 404
    assert "user_unlock" not in await actions(db)


def without_once_tokens(html: str) -> str:
    """A page without its forms' one-time tokens, which differ on every page by design."""
    return re.sub(r'<input[^>]*name="_once"[^>]*>', "", html)


async def test_locked_and_unknown_accounts_get_the_same_answer(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await fail(client, user, 5)

    locked = await sign_in_with_form(client, user)
    unknown = await sign_in_with_form(client, "nobody@example.org")

    assert locked.status_code == unknown.status_code == 401
    assert without_once_tokens(locked.text).replace(user.email, "EMAIL") == without_once_tokens(
        unknown.text
    ).replace("nobody@example.org", "EMAIL")
    unknown_entry = await db.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "sign_in", AuditEntry.actor_id.is_(None))
        .order_by(AuditEntry.occurred_at.desc())
        .limit(1)
    )
    assert unknown_entry.details == {"reason": "unknown email"}
    assert "nobody" not in str(unknown_entry.details) and unknown_entry.record_id is None


@pytest.mark.parametrize("who", ["known", "unknown"])
async def test_an_address_with_too_many_failures_is_throttled_for_every_account(client, db, who):
    program = await make_program(db)
    user = await make_user(db, program)
    await fail(client, "someone@example.org", 1)
    address = await db.scalar(select(SignInFailure.ip_address))
    now = datetime.datetime.now(datetime.UTC)
    for minute in range(lockout.ADDRESS_LIMIT - 1):
        db.add(SignInFailure(ip_address=address, occurred_at=now - datetime.timedelta(minutes=minute % 5)))
    await db.commit()

    response = await sign_in_with_form(client, user if who == "known" else "other@example.org", PASSWORD)

    assert response.status_code == 429
    assert "Too many attempts from this address; try again in 11 minutes." in response.text
    assert client.cookies.get("youthcourt_session") is None
    assert await actions(db, "denied") == ["sign_in"]
    await db.refresh(user)
    assert not user.is_locked, "throttled attempts are not held against one account"


async def test_throttling_ends_when_the_failures_leave_the_window(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await fail(client, "someone@example.org", 1)
    address = await db.scalar(select(SignInFailure.ip_address))
    old = datetime.datetime.now(datetime.UTC) - lockout.WINDOW - datetime.timedelta(seconds=5)
    for _ in range(lockout.ADDRESS_LIMIT):
        db.add(SignInFailure(ip_address=address, occurred_at=old))
    await db.commit()

    assert (await sign_in_with_form(client, user)).status_code == 303


def test_the_lockout_minutes_are_a_setting(tmp_path):
    base = {"YOUTHCOURT_DATA_DIR": str(tmp_path)}
    assert Settings.from_env(base).lockout_minutes == 15
    assert Settings.from_env({**base, "YOUTHCOURT_LOCKOUT_MINUTES": "45"}).lockout_minutes == 45
    with pytest.raises(SettingsError, match="YOUTHCOURT_LOCKOUT_MINUTES"):
        Settings.from_env({**base, "YOUTHCOURT_LOCKOUT_MINUTES": "soon"})


async def test_the_lock_lasts_as_long_as_the_setting_says(client, db, app):
    app.state.settings = dataclasses.replace(app.state.settings, lockout_minutes=60)
    program = await make_program(db)
    user = await make_user(db, program)

    await fail(client, user, 5)

    await db.refresh(user)
    remaining = user.locked_until - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(minutes=59) < remaining <= datetime.timedelta(minutes=60)


async def test_failures_on_a_locked_account_do_not_extend_the_lock(client, db):
    program = await make_program(db)
    user = await make_user(db, program)
    await fail(client, user, 5)
    await db.refresh(user)
    locked_until = user.locked_until

    await fail(client, user, 7)
    sessions = async_sessionmaker(db.bind, expire_on_commit=False)
    await asyncio.gather(*(lockout.record_failure(sessions, user.id, "192.0.2.9", 15) for _ in range(3)))

    db.expire_all()
    await db.refresh(user)
    assert user.locked_until == locked_until
    assert await actions(db, "denied") == ["account_lock"], "locked once, not once per failure"
    failures = await db.scalar(select(func.count(SignInFailure.id)).where(SignInFailure.user_id == user.id))
    assert failures == 15, "the failures are still kept, for throttling the address"


async def test_two_failures_arriving_together_lock_the_account_once(db):
    program = await make_program(db)
    user = await make_user(db, program)
    now = datetime.datetime.now(datetime.UTC)
    for seconds in range(lockout.FAILURES_TO_LOCK - 1):
        db.add(SignInFailure(user_id=user.id, occurred_at=now - datetime.timedelta(seconds=seconds + 1)))
    await db.commit()

    sessions = async_sessionmaker(db.bind, expire_on_commit=False)
    results = await asyncio.gather(
        lockout.record_failure(sessions, user.id, "192.0.2.1", 15),
        lockout.record_failure(sessions, user.id, "192.0.2.2", 30),
    )

    assert sorted(results) == [False, True]
    await db.refresh(user)
    minutes = 15 if results[0] else 30
    remaining = user.locked_until - datetime.datetime.now(datetime.UTC)
    assert datetime.timedelta(minutes=minutes - 1) < remaining <= datetime.timedelta(minutes=minutes)
