"""Counts that must hold under concurrency, checked with truly parallel requests on both engines.

Each test serves the app on a loopback port (``tests/concurrency.py``), fires the same
request several times at once, as a double-click or a few open tabs would, and then checks
the invariant in the database: a balance never below zero, one effect per form sent, case
numbers distinct and consecutive, one transition out of a state, defaults inserted once.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.concurrency import Browser, fire, running_server
from tests.factories import hidden_fields, make_case, make_program, make_referral, make_user, sign_in
from youthcourt.cases.models import Case, CaseEvent, CaseState, EventKind
from youthcourt.jurors.models import CreditEntry, CreditKind, Juror, JurorSource, JurorStatus, Reward
from youthcourt.programs.models import Program, Role
from youthcourt.reference.defaults import CONTRIBUTING, STRENGTHS
from youthcourt.reference.models import Factor, ProgramPolicy, ReferralSource

PARALLEL = 4


# Builders -------------------------------------------------------------------------------------


async def juror_with_credits(db: AsyncSession, program: Program, credits: str) -> Juror:
    juror = Juror(
        program_id=program.id,
        source=JurorSource.VOLUNTEER,
        status=JurorStatus.ACTIVE,
        first_name="Avery",
        last_name="Lindqvist",
    )
    db.add(juror)
    await db.flush()
    db.add(
        CreditEntry(
            program_id=program.id,
            juror_id=juror.id,
            kind=CreditKind.SERVICE,
            amount=Decimal(credits),
            occurred_on=datetime.date.today(),
            reason="Jury service",
        )
    )
    await db.commit()
    return juror


async def reward(db: AsyncSession, program: Program, cost: str) -> Reward:
    item = Reward(program_id=program.id, name="Movie ticket", cost=Decimal(cost))
    db.add(item)
    await db.commit()
    return item


async def ledger(db: AsyncSession, juror: Juror) -> tuple[Decimal, Decimal, int]:
    """The sum of the juror's entries, the balance the database keeps, and the redemptions."""
    total = await db.scalar(select(func.sum(CreditEntry.amount)).where(CreditEntry.juror_id == juror.id))
    kept = await db.scalar(select(Juror.credit_balance).where(Juror.id == juror.id))
    redemptions = await db.scalar(
        select(func.count())
        .select_from(CreditEntry)
        .where(CreditEntry.juror_id == juror.id, CreditEntry.kind == CreditKind.REDEMPTION)
    )
    return Decimal(total or 0), Decimal(kept), redemptions


async def form_fields(browser: Browser, path: str, action: str) -> dict[str, str]:
    """The hidden fields of the form on ``path`` that posts to ``action``, as a browser sends them."""
    response = await browser.http.get(path)
    assert response.status_code == 200, response.status_code
    forms = re.findall(r"<form\b[^>]*>.*?</form>", response.text, re.S)
    form = next(f for f in forms if f'action="{action}"' in f)
    return hidden_fields(form)


def statuses(responses: list[httpx.Response]) -> list[int]:
    return sorted(r.status_code for r in responses)


async def coordinator_in_new_program(db: AsyncSession) -> tuple[Program, object]:
    program = await make_program(db)
    return program, await make_user(db, program, Role.COORDINATOR)


# Time credits ---------------------------------------------------------------------------------


async def test_parallel_redemptions_never_overdraw_the_balance(app, db, database_url):
    program, coordinator = await coordinator_in_new_program(db)
    juror = await juror_with_credits(db, program, "10")
    ticket = await reward(db, program, "10")
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(coordinator, database_url)
        responses = await fire(
            PARALLEL,
            lambda _: browser.post(f"/jurors/{juror.id}/credits/redeem", {"reward_id": str(ticket.id)}),
        )
        await browser.close()
    assert statuses(responses) == [303] + [422] * (PARALLEL - 1), [r.text[:300] for r in responses]
    assert all("Only 0 credits are available" in r.text for r in responses if r.status_code == 422)
    assert await ledger(db, juror) == (Decimal(0), Decimal(0), 1)


async def test_a_double_clicked_redeem_button_redeems_once(app, db, database_url):
    program, coordinator = await coordinator_in_new_program(db)
    juror = await juror_with_credits(db, program, "11")
    ticket = await reward(db, program, "10")
    action = f"/jurors/{juror.id}/credits/redeem"
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(coordinator, database_url)
        fields = await form_fields(browser, f"/jurors/{juror.id}/credits", action)
        responses = await fire(
            PARALLEL, lambda _: browser.http.post(action, data={**fields, "reward_id": str(ticket.id)})
        )
        # The duplicates land where the first went, with a note that nothing was done twice.
        landing = await browser.http.get(responses[-1].headers["location"])
        await browser.close()
    assert statuses(responses) == [303] * PARALLEL, [r.text[:300] for r in responses]
    assert {r.headers["location"] for r in responses} == {f"/jurors/{juror.id}/credits"}
    assert await ledger(db, juror) == (Decimal(1), Decimal(1), 1)
    assert "Balance: <strong>1</strong>" in landing.text
    assert "Movie ticket was redeemed for 10 credits." in landing.text


async def test_every_form_carries_a_once_token_of_its_own(client, db):
    program, coordinator = await coordinator_in_new_program(db)
    juror = await juror_with_credits(db, program, "10")
    await reward(db, program, "5")
    await sign_in(client, coordinator)
    page = await client.get(f"/jurors/{juror.id}/credits")
    forms = re.findall(r'<form\b[^>]*method="post".*?</form>', page.text, re.S)
    tokens = [re.search(r'name="_once" value="([^"]+)"', form) for form in forms]
    assert len(forms) >= 2 and all(tokens)
    assert len({token[1] for token in tokens}) == len(forms)


async def test_a_refused_form_can_be_sent_again_with_the_same_token(app, db, database_url):
    """A 422 rolls back everything, the token too: the same form succeeds once the reason is gone."""
    program, coordinator = await coordinator_in_new_program(db)
    juror = await juror_with_credits(db, program, "5")
    ticket = await reward(db, program, "10")
    action = f"/jurors/{juror.id}/credits/redeem"
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(coordinator, database_url)
        fields = {
            **await form_fields(browser, f"/jurors/{juror.id}/credits", action),
            "reward_id": str(ticket.id),
        }
        refused = await browser.http.post(action, data=fields)
        adjusted = await browser.post(
            f"/jurors/{juror.id}/credits/adjust", {"amount": "5", "reason": "Helped set up the courtroom"}
        )
        accepted = await browser.http.post(action, data=fields)
        await browser.http.get(accepted.headers["location"])
        again = await browser.http.post(action, data=fields)
        landing = await browser.http.get(again.headers["location"])
        await browser.close()
    assert (refused.status_code, adjusted.status_code, accepted.status_code) == (422, 303, 303)
    assert (again.status_code, again.headers["location"]) == (303, f"/jurors/{juror.id}/credits")
    assert "Movie ticket was redeemed for 10 credits." in landing.text
    assert "That form was sent twice; it was done once." in landing.text
    assert await ledger(db, juror) == (Decimal(0), Decimal(0), 1)


async def test_the_same_token_on_another_form_or_other_values_is_another_submission(app, db, database_url):
    """A token is spent for one form's values at one address, so a page's other actions still work."""
    program, coordinator = await coordinator_in_new_program(db)
    juror = await juror_with_credits(db, program, "10")
    adjust = f"/jurors/{juror.id}/credits/adjust"
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(coordinator, database_url)
        fields = await form_fields(browser, f"/jurors/{juror.id}/credits", adjust)
        first = await browser.http.post(adjust, data={**fields, "amount": "1", "reason": "Set-up"})
        second = await browser.http.post(adjust, data={**fields, "amount": "2", "reason": "Clean-up"})
        repeated = await fire(
            PARALLEL,
            lambda _: browser.http.post(adjust, data={**fields, "amount": "2", "reason": "Clean-up"}),
        )
        await browser.close()
    assert (first.status_code, second.status_code) == (303, 303)
    assert statuses(repeated) == [303] * PARALLEL
    assert (await ledger(db, juror))[:2] == (Decimal(13), Decimal(13))


async def test_an_htmx_form_sent_twice_follows_the_first_answer(app, db, database_url):
    program, coordinator = await coordinator_in_new_program(db)
    juror = await juror_with_credits(db, program, "10")
    adjust = f"/jurors/{juror.id}/credits/adjust"
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(coordinator, database_url)
        fields = await form_fields(browser, f"/jurors/{juror.id}/credits", adjust)
        data = {**fields, "amount": "1", "reason": "Set-up"}
        answers = [await browser.http.post(adjust, data=data, headers={"HX-Request": "true"}) for _ in "12"]
        await browser.close()
    assert [a.status_code for a in answers] == [200, 200]
    assert [a.headers.get("hx-redirect") for a in answers] == [f"/jurors/{juror.id}/credits"] * 2
    assert (await ledger(db, juror))[:2] == (Decimal(11), Decimal(11))


# Case numbers and states ----------------------------------------------------------------------


async def test_referrals_accepted_at_once_get_distinct_consecutive_case_numbers(app, db, database_url):
    program, coordinator = await coordinator_in_new_program(db)
    referrals = [await make_referral(db, program) for _ in range(PARALLEL + 2)]
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(coordinator, database_url)
        responses = await fire(
            len(referrals), lambda i: browser.post(f"/referrals/{referrals[i].id}/accept", {})
        )
        await browser.close()
    assert statuses(responses) == [303] * len(referrals), [r.text[:300] for r in responses]
    numbers = sorted((await db.scalars(select(Case.number).where(Case.program_id == program.id))).all())
    year = datetime.date.today().year
    assert numbers == [f"{year}-{n:04d}" for n in range(1, len(referrals) + 1)]


async def test_two_transitions_from_one_state_make_one_change_and_one_timeline_entry(app, db, database_url):
    program, coordinator = await coordinator_in_new_program(db)
    today = datetime.date.today()
    case = await make_case(db, program, CaseState.INTAKE)
    for name in ("intake_on", "youth_consent_on", "guardian_consent_on", "confidentiality_signed_on"):
        setattr(case, name, today)
    case.admission_on = today
    await db.commit()
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(coordinator, database_url)
        responses = await fire(PARALLEL, lambda _: browser.post(f"/cases/{case.id}/intake/complete", {}))
        conflicts = [r for r in responses if r.status_code == 409]
        await browser.close()
    assert set(statuses(responses)) <= {303, 409}, [r.text[:300] for r in responses]
    assert all("at the same time" in r.text for r in conflicts)
    state = await db.scalar(
        select(Case.state).where(Case.id == case.id).execution_options(populate_existing=True)
    )
    assert state == CaseState.AWAITING_HEARING
    moves = await db.scalar(
        select(func.count())
        .select_from(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.TRANSITION)
    )
    assert moves == 1


async def test_contacts_logged_at_once_on_a_case_leave_it_holding_the_latest(app, db, database_url):
    """Each logged contact recounts the case's latest (``contacted_until``, kept by the database):
    contacts logged together, each on its own day, leave the latest of all of them, whatever order
    their transactions end in."""
    program, coordinator = await coordinator_in_new_program(db)
    case = await make_case(db, program, CaseState.INTAKE, coordinator=coordinator)
    today = datetime.date.today()
    days = [today - datetime.timedelta(days=n) for n in range(PARALLEL * 2)]
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(coordinator, database_url)
        responses = await fire(
            len(days),
            lambda n: browser.post(
                f"/cases/{case.id}/contacts",
                {
                    "contacted_on": days[n].isoformat(),
                    "method": "phone",
                    "summary": "Called the family.",
                    "submission_token": f"race-{n}",
                },
            ),
        )
        await browser.close()
    assert statuses(responses) == [303] * len(days), [r.text[:300] for r in responses]
    latest = await db.scalar(
        select(Case.contacted_until).where(Case.id == case.id).execution_options(populate_existing=True)
    )
    assert latest == today


# Reference data -------------------------------------------------------------------------------


async def test_first_page_views_of_a_new_program_insert_its_defaults_once(app, db, database_url):
    program, coordinator = await coordinator_in_new_program(db)
    async with running_server(app) as base:
        browser = Browser(base)
        await browser.sign_in(coordinator, database_url)
        responses = await fire(6, lambda _: browser.http.get("/dashboard"))
        await browser.close()
    assert statuses(responses) == [200] * 6, [r.text[:300] for r in responses]

    async def count(model, *where) -> int:
        query = select(func.count()).select_from(model).where(model.program_id == program.id, *where)
        return await db.scalar(query)

    assert await count(ProgramPolicy) == 1
    assert await count(Factor) == len(CONTRIBUTING) + len(STRENGTHS)
    assert await count(ReferralSource) > 0
