"""The time-credit ledger pages and the rewards: balances, redemptions, adjustments, append-only rules."""

from __future__ import annotations

import asyncio
import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_program, make_user, post_form, sign_in, sign_in_with_form
from youthcourt.audit.models import AuditEntry
from youthcourt.jurors.credits import LedgerError, add_entry, balance, credits_text
from youthcourt.jurors.models import CreditEntry, CreditKind, Juror, JurorSource, JurorStatus, Reward
from youthcourt.programs.models import Program, Role

TODAY = datetime.date.today()


# Builders for this area -----------------------------------------------------------------------


async def make_juror(db: AsyncSession, program: Program, **fields: Any) -> Juror:
    juror = Juror(
        program_id=program.id,
        source=fields.pop("source", JurorSource.VOLUNTEER),
        status=fields.pop("status", JurorStatus.ACTIVE),
        first_name=fields.pop("first_name", "Avery"),
        last_name=fields.pop("last_name", "Lindqvist"),
        email=fields.pop("email", "avery@example.org"),
        **fields,
    )
    db.add(juror)
    await db.commit()
    return juror


async def make_reward(
    db: AsyncSession, program: Program, name: str = "Movie ticket", cost: str = "5", active: bool = True
) -> Reward:
    reward = Reward(program_id=program.id, name=name, cost=Decimal(cost), is_active=active)
    db.add(reward)
    await db.commit()
    return reward


async def credit(
    db: AsyncSession,
    juror: Juror,
    amount: str,
    kind: CreditKind = CreditKind.SERVICE,
    occurred_on: datetime.date = TODAY,
    reason: str = "Jury service",
) -> CreditEntry:
    entry = CreditEntry(
        program_id=juror.program_id,
        juror_id=juror.id,
        kind=kind,
        amount=Decimal(amount),
        occurred_on=occurred_on,
        reason=reason,
        actor_name="Maya Alvarez",
    )
    db.add(entry)
    await db.commit()
    return entry


async def signed_in_coordinator(client, db) -> Program:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez")
    await sign_in(client, coordinator)
    return program


async def entries(db: AsyncSession, juror: Juror) -> list[CreditEntry]:
    query = (
        select(CreditEntry)
        .where(CreditEntry.juror_id == juror.id)
        .order_by(CreditEntry.created_at)
        .execution_options(populate_existing=True)
    )
    return list((await db.scalars(query)).all())


async def audit_entries(db: AsyncSession, action: str) -> list[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.occurred_at)
    return list((await db.scalars(query)).all())


async def ledger_sum(db: AsyncSession, juror: Juror) -> Decimal:
    total = await db.scalar(select(func.sum(CreditEntry.amount)).where(CreditEntry.juror_id == juror.id))
    return Decimal(total or 0)


def ledger_rows(html: str) -> list[list[str]]:
    """The ledger table's cells, row by row."""
    table = html.split('id="ledger-heading"', 1)[1]
    body = table.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


# The ledger page ------------------------------------------------------------------------------


async def test_ledger_shows_balance_and_entries_newest_first(client, db):
    program = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    await credit(db, juror, "2.5", occurred_on=TODAY - datetime.timedelta(days=30), reason="Jury service")
    await credit(
        db, juror, "2", CreditKind.TRAINING, TODAY - datetime.timedelta(days=10), "Juror orientation"
    )
    await credit(
        db, juror, "-1", CreditKind.ADJUSTMENT, TODAY - datetime.timedelta(days=5), "Hours corrected"
    )

    response = await client.get(f"/jurors/{juror.id}/credits")

    assert response.status_code == 200
    assert "Avery Lindqvist" in response.text
    assert re.search(r"Balance: <strong>3.5</strong> credits", response.text)
    rows = ledger_rows(response.text)
    assert [row[1] for row in rows] == ["Adjustment", "Training", "Service"]
    assert rows[0] == [
        (TODAY - datetime.timedelta(days=5)).isoformat(),
        "Adjustment",
        "-1",
        "Hours corrected",
        "Maya Alvarez",
    ]
    assert rows[2][2] == "+2.5"
    views = await audit_entries(db, "juror_credits_view")
    assert [(v.record_type, v.record_id) for v in views] == [("juror", str(juror.id))]
    assert "Avery" not in str(views[0].details)


async def test_ledger_is_paginated(client, db):
    program = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    for day in range(30):
        db.add(
            CreditEntry(
                program_id=program.id,
                juror_id=juror.id,
                kind=CreditKind.SERVICE,
                amount=Decimal(1),
                occurred_on=TODAY - datetime.timedelta(days=day),
                reason=f"Night {day}",
            )
        )
    await db.commit()

    first = await client.get(f"/jurors/{juror.id}/credits")
    second = await client.get(f"/jurors/{juror.id}/credits?page=2")

    assert len(ledger_rows(first.text)) == 25
    assert "Showing 1 to 25 of 30" in first.text
    assert ledger_rows(first.text)[0][3] == "Night 0"
    assert [row[3] for row in ledger_rows(second.text)] == [f"Night {d}" for d in range(25, 30)]
    assert "Balance: <strong>30</strong>" in second.text


async def test_unknown_or_other_programs_juror_is_not_found(client, db):
    program = await signed_in_coordinator(client, db)
    other = await make_program(db)
    stranger = await make_juror(db, other)
    await make_reward(db, other)
    own = await make_juror(db, program)
    await credit(db, own, "10")

    assert (await client.get(f"/jurors/{stranger.id}/credits")).status_code == 404
    assert (await client.get("/jurors/4f1c2d3e-0000-4000-8000-000000000000/credits")).status_code == 404
    redeem = await post_form(client, f"/jurors/{stranger.id}/credits/redeem", {"reward_id": ""})
    adjust = await post_form(client, f"/jurors/{stranger.id}/credits/adjust", {"amount": "5", "reason": "x"})
    assert (redeem.status_code, adjust.status_code) == (404, 404)
    assert await entries(db, stranger) == []


@pytest.mark.parametrize("role", [Role.JUROR, Role.EVALUATOR, Role.PROGRAM_ADMIN])
async def test_only_coordinators_reach_the_ledger_and_rewards(client, db, role):
    program = await make_program(db)
    juror = await make_juror(db, program)
    await credit(db, juror, "10")
    reward = await make_reward(db, program)
    await sign_in_with_form(client, await make_user(db, program, role))

    assert (await client.get(f"/jurors/{juror.id}/credits")).status_code == 403
    assert (await client.get("/jurors/rewards")).status_code == 403
    response = await post_form(client, f"/jurors/{juror.id}/credits/redeem", {"reward_id": str(reward.id)})
    assert response.status_code == 403
    response = await post_form(
        client, f"/jurors/{juror.id}/credits/adjust", {"amount": "5", "reason": "Gift"}
    )
    assert response.status_code == 403
    assert len(await entries(db, juror)) == 1


# The balance the database keeps ---------------------------------------------------------------


async def test_the_balance_is_kept_by_the_database_in_step_with_the_entries(db):
    program = await make_program(db)
    juror = await make_juror(db, program)
    for amount in ("0.1", "0.2", "2.5"):
        await credit(db, juror, amount)
    await add_entry(db, juror, CreditKind.REDEMPTION, Decimal("-0.3"), TODAY)
    await add_entry(db, juror, CreditKind.ADJUSTMENT, Decimal("-2.5"), TODAY, reason="Hours corrected")
    await db.commit()

    assert await ledger_sum(db, juror) == await balance(db, juror.id) == Decimal(0)
    with pytest.raises(LedgerError, match="Only 0 credits are available"):
        await add_entry(db, juror, CreditKind.REDEMPTION, Decimal("-0.01"), TODAY)


async def test_the_database_refuses_any_entry_that_would_overdraw(db):
    """Even an entry written without the ledger's own check cannot take the balance below zero."""
    program = await make_program(db)
    juror = await make_juror(db, program)
    await credit(db, juror, "3")

    with pytest.raises(IntegrityError):
        await credit(db, juror, "-5", CreditKind.ADJUSTMENT, reason="Written around the check")
    await db.rollback()
    await db.refresh(juror)

    assert await ledger_sum(db, juror) == await balance(db, juror.id) == Decimal(3)


# Redemptions ----------------------------------------------------------------------------------


async def test_redeeming_above_the_balance_is_refused_and_saves_nothing(client, db):
    program = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    await credit(db, juror, "3")
    reward = await make_reward(db, program, "Summer trip", "40")

    response = await post_form(client, f"/jurors/{juror.id}/credits/redeem", {"reward_id": str(reward.id)})

    assert response.status_code == 422
    assert "Only 3 credits are available." in response.text
    assert f'<option value="{reward.id}" selected>' in response.text
    assert len(await entries(db, juror)) == 1
    assert await balance(db, juror.id) == Decimal(3)
    assert await audit_entries(db, "credit_redeem") == []


async def test_redeeming_a_reward_adds_a_negative_entry(client, db):
    program = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    await credit(db, juror, "7.5")
    reward = await make_reward(db, program, "Movie ticket", "5")

    response = await post_form(client, f"/jurors/{juror.id}/credits/redeem", {"reward_id": str(reward.id)})

    assert response.status_code == 303
    assert response.headers["location"] == f"/jurors/{juror.id}/credits"
    saved = (await entries(db, juror))[-1]
    assert (saved.kind, saved.amount, saved.reward_id) == (CreditKind.REDEMPTION, Decimal(-5), reward.id)
    assert (saved.reason, saved.actor_name, saved.occurred_on) == (
        "Redeemed: Movie ticket",
        "Maya Alvarez",
        TODAY,
    )
    assert saved.program_id == program.id
    assert await balance(db, juror.id) == await ledger_sum(db, juror) == Decimal("2.5")
    [entry] = await audit_entries(db, "credit_redeem")
    assert entry.record_id == str(juror.id)
    assert entry.details == {"entry_id": str(saved.id), "reward_id": str(reward.id), "amount": "-5"}
    page = await client.get(f"/jurors/{juror.id}/credits")
    assert "Movie ticket was redeemed for 5 credits." in page.text
    assert "Balance: <strong>2.5</strong>" in page.text

    again = await post_form(client, f"/jurors/{juror.id}/credits/redeem", {"reward_id": str(reward.id)})
    assert again.status_code == 422
    assert "Only 2.5 credits are available." in again.text
    assert await balance(db, juror.id) == Decimal("2.5")


async def test_inactive_or_foreign_rewards_cannot_be_redeemed(client, db):
    program = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    await credit(db, juror, "50")
    retired = await make_reward(db, program, "Old reward", "1", active=False)
    foreign = await make_reward(db, await make_program(db), "Their reward", "1")
    await make_reward(db, program, "Certificate", "15")

    page = await client.get(f"/jurors/{juror.id}/credits")
    assert "Certificate (15 credits)" in page.text
    assert "Old reward" not in page.text
    assert "Their reward" not in page.text
    for reward_id in (str(retired.id), str(foreign.id), "", "not-an-id"):
        response = await post_form(client, f"/jurors/{juror.id}/credits/redeem", {"reward_id": reward_id})
        assert response.status_code == 422
        assert "Choose one of the rewards offered." in response.text
    assert len(await entries(db, juror)) == 1


# Adjustments ----------------------------------------------------------------------------------


async def test_an_adjustment_needs_a_reason_and_a_valid_amount(client, db):
    program = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    await credit(db, juror, "4")
    path = f"/jurors/{juror.id}/credits/adjust"

    no_reason = await post_form(client, path, {"amount": "2", "reason": "  "})
    assert no_reason.status_code == 422
    assert "Enter the reason for the adjustment." in no_reason.text
    assert 'value="2"' in no_reason.text
    for amount, message in (
        ("", "Enter the number of credits."),
        ("abc", "as a number"),
        ("0", "cannot be zero"),
        ("1.255", "at most two decimal places"),
        ("NaN", "as a number"),
        ("inf", "as a number"),
        ("1e3", "as a number"),
        ("1,000.5", "as a number"),
        ("50000", "at most 10000"),
    ):
        response = await post_form(client, path, {"amount": amount, "reason": "Correction"})
        assert response.status_code == 422, amount
        assert message in response.text, amount
        assert 'value="Correction"' in response.text
    assert len(await entries(db, juror)) == 1
    assert await audit_entries(db, "credit_adjust") == []


async def test_an_adjustment_cannot_take_the_balance_below_zero(client, db):
    program = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    await credit(db, juror, "4")
    path = f"/jurors/{juror.id}/credits/adjust"

    response = await post_form(client, path, {"amount": "-4.5", "reason": "Hours counted twice"})

    assert response.status_code == 422
    assert "Only 4 credits are available" in response.text
    assert 'value="-4.5"' in response.text
    assert 'value="Hours counted twice"' in response.text
    assert len(await entries(db, juror)) == 1


async def test_adjustments_add_and_take_away_credits(client, db):
    program = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    await credit(db, juror, "4")
    path = f"/jurors/{juror.id}/credits/adjust"

    added = await post_form(client, path, {"amount": "1.5", "reason": "Stayed late to help set up"})
    taken = await post_form(client, path, {"amount": "-5.5", "reason": "Hours counted twice"})

    assert (added.status_code, taken.status_code) == (303, 303)
    saved = await entries(db, juror)
    assert [(e.kind, e.amount, e.reason) for e in saved[1:]] == [
        (CreditKind.ADJUSTMENT, Decimal("1.5"), "Stayed late to help set up"),
        (CreditKind.ADJUSTMENT, Decimal("-5.5"), "Hours counted twice"),
    ]
    assert all(e.actor_name == "Maya Alvarez" for e in saved[1:])
    assert await balance(db, juror.id) == await ledger_sum(db, juror) == Decimal(0)
    audited = await audit_entries(db, "credit_adjust")
    assert [a.details["amount"] for a in audited] == ["1.5", "-5.5"]
    assert all(a.record_id == str(juror.id) for a in audited)
    assert "Hours counted twice" not in str([a.details for a in audited])
    page = await client.get(f"/jurors/{juror.id}/credits")
    assert "The adjustment of -5.5 credits was added." in page.text
    assert "Balance: <strong>0</strong>" in page.text


# The ledger only grows ------------------------------------------------------------------------


async def test_no_route_changes_or_removes_an_entry(client, db):
    program = await signed_in_coordinator(client, db)
    juror = await make_juror(db, program)
    entry = await credit(db, juror, "6")
    token = client.cookies.get("youthcourt_csrf") or ""
    headers = {"x-csrftoken": token}

    page = await client.get(f"/jurors/{juror.id}/credits")
    assert str(entry.id) not in page.text
    assert not re.search(r">\s*(Edit|Delete|Remove)\b", page.text)
    for method in ("PUT", "PATCH", "DELETE", "POST"):
        for path in (
            f"/jurors/{juror.id}/credits/{entry.id}",
            f"/jurors/{juror.id}/credits/{entry.id}/edit",
            f"/jurors/{juror.id}/credits/{entry.id}/delete",
        ):
            response = await client.request(method, path, headers=headers, data={"amount": "100"})
            assert response.status_code in (404, 405), (method, path)
        if method != "POST":
            response = await client.request(method, f"/jurors/{juror.id}/credits", headers=headers)
            assert response.status_code == 405, method
    [kept] = await entries(db, juror)
    assert (kept.id, kept.amount, kept.kind) == (entry.id, Decimal(6), CreditKind.SERVICE)


# Rewards --------------------------------------------------------------------------------------


async def test_coordinator_adds_a_reward(client, db):
    program = await signed_in_coordinator(client, db)

    empty = await client.get("/jurors/rewards")
    assert "No rewards yet" in empty.text
    response = await post_form(client, "/jurors/rewards", {"name": " Bowling night ", "cost": "12.5"})

    assert response.status_code == 303
    reward = await db.scalar(select(Reward))
    assert (reward.name, reward.cost, reward.is_active, reward.program_id) == (
        "Bowling night",
        Decimal("12.5"),
        True,
        program.id,
    )
    listing = await client.get("/jurors/rewards")
    assert "The reward was added." in listing.text
    assert f'<a href="/jurors/rewards/{reward.id}">Bowling night</a>' in listing.text
    assert "12.5" in listing.text
    [entry] = await audit_entries(db, "reward_add")
    assert (entry.record_type, entry.record_id, entry.details) == ("reward", str(reward.id), {"cost": "12.5"})


async def test_reward_form_is_checked_and_keeps_the_input(client, db):
    program = await signed_in_coordinator(client, db)
    await make_reward(db, program, "Movie ticket", "5")
    await make_reward(db, await make_program(db), "Gift card", "5")

    cases = (
        ({"name": "", "cost": "5"}, "Enter the reward&#39;s name."),
        ({"name": "Pizza", "cost": "0"}, "must be more than 0"),
        ({"name": "Pizza", "cost": "-3"}, "must be more than 0"),
        ({"name": "Pizza", "cost": "lots"}, "as a number"),
        ({"name": "MOVIE TICKET", "cost": "5"}, "Another reward already has this name."),
    )
    for data, message in cases:
        response = await post_form(client, "/jurors/rewards", data)
        assert response.status_code == 422, data
        assert message in response.text, data
        assert f'value="{data["cost"]}"' in response.text
    assert await db.scalar(select(func.count(Reward.id)).where(Reward.program_id == program.id)) == 1

    other_program_name = await post_form(client, "/jurors/rewards", {"name": "Gift card", "cost": "5"})
    assert other_program_name.status_code == 303, "names are unique within a program only"


async def test_coordinator_edits_deactivates_and_reactivates_a_reward(client, db):
    program = await signed_in_coordinator(client, db)
    reward = await make_reward(db, program, "Movie ticket", "5")
    await make_reward(db, program, "Certificate", "15")
    juror = await make_juror(db, program)
    await credit(db, juror, "20")

    form = await client.get(f"/jurors/rewards/{reward.id}")
    assert 'value="Movie ticket"' in form.text and 'value="5"' in form.text
    taken = await post_form(client, f"/jurors/rewards/{reward.id}", {"name": "certificate", "cost": "6"})
    assert taken.status_code == 422
    assert 'value="certificate"' in taken.text
    edited = await post_form(client, f"/jurors/rewards/{reward.id}", {"name": "Movie for two", "cost": "8"})
    assert edited.status_code == 303
    await db.refresh(reward)
    assert (reward.name, reward.cost) == ("Movie for two", Decimal(8))

    off = await post_form(client, f"/jurors/rewards/{reward.id}/active", {"active": "false"})
    assert off.status_code == 303
    await db.refresh(reward)
    assert reward.is_active is False
    assert "Movie for two" not in (await client.get(f"/jurors/{juror.id}/credits")).text
    assert "<mark>Inactive</mark>" in (await client.get("/jurors/rewards")).text

    on = await post_form(client, f"/jurors/rewards/{reward.id}/active", {"active": "true"})
    assert on.status_code == 303
    await db.refresh(reward)
    assert reward.is_active is True
    assert "Movie for two (8 credits)" in (await client.get(f"/jurors/{juror.id}/credits")).text
    actions = [a.action for a in await db.scalars(select(AuditEntry).order_by(AuditEntry.occurred_at))]
    assert [a for a in actions if a.startswith("reward_")] == [
        "reward_edit",
        "reward_deactivate",
        "reward_reactivate",
    ]


async def test_other_programs_rewards_are_not_found(client, db):
    await signed_in_coordinator(client, db)
    foreign = await make_reward(db, await make_program(db), "Their reward", "3")

    assert (await client.get(f"/jurors/rewards/{foreign.id}")).status_code == 404
    edit = await post_form(client, f"/jurors/rewards/{foreign.id}", {"name": "Mine now", "cost": "1"})
    toggle = await post_form(client, f"/jurors/rewards/{foreign.id}/active", {"active": "false"})
    assert (edit.status_code, toggle.status_code) == (404, 404)
    assert "Their reward" not in (await client.get("/jurors/rewards")).text
    await db.refresh(foreign)
    assert (foreign.name, foreign.is_active) == ("Their reward", True)


def test_the_migration_settles_balances_that_went_below_zero(settings):
    """Jurors taken below zero by the old check get an adjustment back to zero, which says why."""
    from advanced_alchemy.alembic.commands import AlembicCommands

    from youthcourt.database import create_database_config, upgrade_database

    async def with_session(work):
        config = create_database_config(settings)
        try:
            async with config.get_session() as session:
                return await work(session)
        finally:
            await config.get_engine().dispose()

    async def seed(db):
        program = await make_program(db)
        juror = await make_juror(db, program)
        await credit(db, juror, "11")
        return juror

    async def overdraw(db):
        for _ in range(2):  # the double-click the old code let through
            await credit(db, juror, "-10", CreditKind.REDEMPTION, reason="Redeemed: Movie ticket")

    async def after(db):
        rows = await entries(db, juror)
        return rows, await balance(db, juror.id), await ledger_sum(db, juror)

    juror = asyncio.run(with_session(seed))
    AlembicCommands(sqlalchemy_config=create_database_config(settings)).downgrade(revision="d4a9e2c7b1f3")
    asyncio.run(with_session(overdraw))
    upgrade_database(settings)

    rows, kept, total = asyncio.run(with_session(after))
    assert kept == total == Decimal(0)
    settled = rows[-1]
    assert (settled.kind, settled.amount) == (CreditKind.ADJUSTMENT, Decimal(9))
    assert "below zero" in settled.reason


async def test_the_shortfall_message_says_credit_for_one(db):
    program = await make_program(db)
    juror = await make_juror(db, program)
    await credit(db, juror, "1")
    await db.commit()
    with pytest.raises(LedgerError, match=r"^Only 1 credit is available\.$"):
        await add_entry(db, juror, CreditKind.REDEMPTION, Decimal(-5), TODAY)


def test_credit_amounts_read_singular_for_one():
    assert credits_text(Decimal(1), signed=True) == "+1 credit"
    assert credits_text(Decimal(-1), signed=True) == "-1 credit"
    assert credits_text(Decimal("5.5"), signed=True) == "+5.5 credits"
    assert credits_text(Decimal(0)) == "0 credits"
