"""Confirming an authenticator enrollment without HTTP: what is turned on, stored, refused and audited."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.accounts.test_mfa import entries
from tests.factories import make_program, make_user
from tests.service_actors import actor_for
from youthcourt.accounts import mfa
from youthcourt.accounts.models import RecoveryCode, User
from youthcourt.accounts.services import UserService
from youthcourt.programs.models import Role
from youthcourt.web.forms import Form


async def enrolling(db, display_name: str | None = None) -> tuple:
    """A coordinator who has opened the setup page (a secret is kept) but not typed a code yet."""
    program = await make_program(db)
    user = await make_user(db, program, Role.COORDINATOR, mfa=False, name="Maya Alvarez")
    user.totp_secret = mfa.new_secret()
    user.memberships[0].display_name = display_name
    await db.commit()
    return program, await UserService(session=db).get_for_sign_in(user.id)


async def recovery_hashes(db, user: User) -> int:
    return await db.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id))


async def test_the_current_code_turns_mfa_on_gives_recovery_codes_and_is_audited(db):
    program, user = await enrolling(db)
    step = mfa.current_step()
    form = Form(values={"code": mfa.code_at(user.totp_secret, step), "next": "/cases"})

    enrolled = await mfa.confirm_enrollment(db, actor_for(user, program), user, form)
    await db.commit()

    assert enrolled is not None
    assert enrolled.token is None
    assert len(set(enrolled.recovery_codes)) == mfa.RECOVERY_CODE_COUNT
    assert "code" not in form.values and form.values["next"] == "/cases"
    await db.refresh(user)
    assert user.has_mfa
    assert user.totp_last_step == step, "the code just typed cannot be used again"
    assert await recovery_hashes(db, user) == mfa.RECOVERY_CODE_COUNT
    [entry] = await entries(db, "mfa_enroll")
    assert (entry.actor_id, entry.record_id, entry.program_id) == (user.id, str(user.id), program.id)
    assert entry.actor_name == "Maya Alvarez"
    assert entry.ip_address == "192.0.2.7"
    assert user.totp_secret not in str(entry.details)


async def test_enrolling_at_sign_in_finishes_it_first_and_audits_in_the_program_signed_in_to(db):
    program, user = await enrolling(db, display_name="M. Alvarez")
    waiting = actor_for(user, None, awaiting_code=True)
    calls: list[int] = []

    async def sign_in() -> str:
        calls.append(await recovery_hashes(db, user))
        return "new-session-token"

    form = Form(values={"code": mfa.code_at(user.totp_secret, mfa.current_step())})
    enrolled = await mfa.confirm_enrollment(db, waiting, user, form, sign_in=sign_in, program_id=program.id)
    await db.commit()

    assert enrolled is not None and enrolled.token == "new-session-token"
    assert calls == [mfa.RECOVERY_CODE_COUNT], "signed in once, after the recovery codes were made"
    [entry] = await entries(db, "mfa_enroll")
    assert (entry.program_id, entry.actor_id, entry.actor_name) == (program.id, user.id, "M. Alvarez")


async def test_a_wrong_or_missing_code_turns_nothing_on(db):
    _, user = await enrolling(db)
    actor = actor_for(user, None, awaiting_code=True)

    async def sign_in() -> str:
        raise AssertionError("a refused code does not sign in")

    now = mfa.current_step()
    accepted = {mfa.code_at(user.totp_secret, step) for step in range(now - 2, now + 3)}
    wrong = Form(values={"code": next(f"{n:06d}" for n in range(10) if f"{n:06d}" not in accepted)})
    empty = Form(values={"code": "  "})

    assert await mfa.confirm_enrollment(db, actor, user, wrong, sign_in=sign_in) is None
    assert await mfa.confirm_enrollment(db, actor, user, empty, sign_in=sign_in) is None

    assert wrong.errors == {"code": mfa.WRONG_FIRST_CODE}
    assert "code" not in wrong.values, "a wrong code is not shown again"
    assert empty.errors == {"code": mfa.ENTER_CODE}
    assert not user.has_mfa
    assert await recovery_hashes(db, user) == 0
    assert await entries(db, "mfa_enroll") == []
