"""The juror services called without HTTP: court roles, conflicts, the credit ledger and replies.

Each test gives the service an ``Actor`` as a handler would and checks what it saved, what it
refused on the form, and the audit entry it wrote in the actor's name.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_program, make_user
from tests.jurors.test_juror_booking import make_booking
from tests.jurors.test_juror_booking import make_juror as make_seated_juror
from tests.jurors.test_juror_ledger import credit, make_reward
from tests.jurors.test_juror_panels import night_with_docket
from tests.jurors.test_juror_portal import days, juror_user
from tests.jurors.test_juror_portal import make_booking as make_invitation
from tests.jurors.test_juror_portal import make_night as make_portal_night
from tests.jurors.test_juror_records import (
    DAY,
    attend_training,
    audited,
    coordinator_and_program,
    count,
    fresh,
    make_juror,
    viewer_for,
)
from youthcourt.audit.service import Actor
from youthcourt.jurors import credits, records
from youthcourt.jurors.credits import LedgerService, balance
from youthcourt.jurors.models import (
    Booking,
    BookingStatus,
    ConflictDeclaration,
    CourtRole,
    CreditEntry,
    CreditKind,
    Juror,
    Qualification,
)
from youthcourt.jurors.portal import JurorPortalService
from youthcourt.jurors.records import JurorService
from youthcourt.programs.models import Role
from youthcourt.programs.viewer import today_in
from youthcourt.web.forms import Form
from youthcourt.web.i18n import use_locale

TODAY = today_in("America/New_York")
"""Today where the test programs are, which is what the services read from the actor."""


async def coordinator_actor(db: AsyncSession):
    program, coordinator = await coordinator_and_program(db)
    return program, coordinator, Actor(viewer_for(coordinator, program), "192.0.2.7", "tests")


async def loaded(db: AsyncSession, juror: Juror) -> Juror:
    """The juror as a handler gets it: with qualifications and portal account loaded."""
    found = await records.juror_or_none(db, juror.id)
    assert found is not None
    return found


# Court roles ----------------------------------------------------------------------------------


async def test_add_qualification_grants_the_role_once_in_the_actors_name(db):
    program, coordinator, actor = await coordinator_actor(db)
    juror = await make_juror(db, program)
    await attend_training(db, program, juror)
    juror = await loaded(db, juror)
    service = JurorService(session=db)
    form = Form(values={"role": "clerk", "earned_on": (TODAY - 2 * DAY).isoformat()})

    added = await service.add_qualification(actor, juror, form)
    await db.commit()

    assert added is not None and form.is_valid
    assert added.role == CourtRole.CLERK and not added.exception
    assert added.message == "Clerk was added to the juror's court roles."
    [qualification] = (await db.scalars(select(Qualification))).all()
    assert (qualification.role, qualification.earned_on) == (CourtRole.CLERK, TODAY - 2 * DAY)
    assert qualification.override_reason == "" and qualification.unmet == ""
    [entry] = await audited(db, "juror_qualification_add")
    assert entry.actor_id == coordinator.id and entry.ip_address == "192.0.2.7"
    assert entry.record_id == str(juror.id)
    assert entry.details == {"role": "clerk", "qualification_id": str(qualification.id)}

    again = Form(values={"role": "clerk", "earned_on": TODAY.isoformat()})
    assert await service.add_qualification(actor, juror, again) is None
    assert again.errors["role"] == "This juror is already qualified as clerk."
    assert await count(db, Qualification) == 1
    assert len(await audited(db, "juror_qualification_add")) == 1


async def test_add_qualification_short_of_the_rule_needs_a_reason_and_keeps_it(db):
    program, _, actor = await coordinator_actor(db)
    juror = await loaded(db, await make_juror(db, program, first_name="Nadia"))
    service = JurorService(session=db)

    refused = Form(values={"role": "youth_judge", "earned_on": TODAY.isoformat()})
    assert await service.add_qualification(actor, juror, refused) is None
    assert refused.errors["override_reason"].startswith(
        "Nadia does not meet the program's rule for youth judge yet: needs 10 nights served (has 0);"
    )
    assert await count(db, Qualification) == 0
    assert await audited(db, "juror_qualification_add") == []

    reason = "Judged for two years in the county's other program."
    granted = Form(values={"role": "youth_judge", "earned_on": TODAY.isoformat(), "override_reason": reason})
    added = await service.add_qualification(actor, juror, granted)
    await db.commit()

    assert added is not None and added.exception
    assert (
        added.message
        == "Youth judge was added to the juror's court roles, as an exception to the program's rule."
    )
    [qualification] = (await db.scalars(select(Qualification))).all()
    assert qualification.override_reason == reason
    assert qualification.unmet.startswith("10 nights served (has 0)")
    [entry] = await audited(db, "juror_qualification_add")
    assert entry.details["override"] is True and entry.details["reason"] == reason
    assert entry.details["unmet"][0] == "10 nights served (has 0)"


async def test_what_a_role_granted_early_lacked_is_kept_in_english_whoever_grants_it(db):
    """Stored once for every reader and in the audit trail: not in the language of whoever typed it."""
    program, _, actor = await coordinator_actor(db)
    juror = await loaded(db, await make_juror(db, program, first_name="Nadia"))
    service = JurorService(session=db)
    with use_locale("es"):
        refused = Form(values={"role": "youth_judge", "earned_on": TODAY.isoformat()})
        assert await service.add_qualification(actor, juror, refused) is None
        reason = "Fue jueza dos años en otro programa."
        granted = Form(
            values={"role": "youth_judge", "earned_on": TODAY.isoformat(), "override_reason": reason}
        )
        assert await service.add_qualification(actor, juror, granted) is not None
    await db.commit()

    assert "noches" in refused.errors["override_reason"], "the form speaks the reader's language"
    [qualification] = (await db.scalars(select(Qualification))).all()
    assert qualification.unmet.startswith("10 nights served (has 0)")
    [entry] = await audited(db, "juror_qualification_add")
    assert entry.details["unmet"][0] == "10 nights served (has 0)"


# Conflicts ------------------------------------------------------------------------------------


async def test_declare_conflict_moves_a_seated_juror_and_audits_each_change(db):
    program, coordinator, actor = await coordinator_actor(db)
    night, youth, _ = await night_with_docket(db, program)
    seated = await make_seated_juror(db, program, first_name="Kit", last_name="Lane")
    booking = await make_booking(db, seated, night, courtroom=night.courtrooms[0])
    juror = await loaded(db, seated)
    service = JurorService(session=db)

    form = Form(values={"youth_id": str(youth.id), "note": "Neighbours"})
    reseated = await service.declare_conflict(actor, juror, youth, form, portal_url="http://test/me")
    await db.commit()

    assert reseated is not None and form.is_valid
    [change] = reseated
    assert change.booking.id == booking.id
    assert (change.left.id, change.moved_to.id) == (night.courtrooms[0].id, night.courtrooms[1].id)
    assert change.notice.startswith("Kit L. was moved from Courtroom A to Courtroom B")
    assert (await fresh(db, Booking, booking.id)).courtroom_id == night.courtrooms[1].id
    [declaration] = (await db.scalars(select(ConflictDeclaration))).all()
    assert (declaration.youth_id, declaration.note) == (youth.id, "Neighbours")
    [declared] = await audited(db, "juror_conflict_declare")
    assert declared.actor_id == coordinator.id
    assert declared.details == {"youth_id": str(youth.id), "conflict_id": str(declaration.id)}
    [moved] = await audited(db, "juror_panel_conflict")
    assert moved.record_id == str(booking.id) and moved.actor_id == coordinator.id
    assert moved.details == {"left": str(night.courtrooms[0].id), "moved_to": str(night.courtrooms[1].id)}

    twice = Form(values={"youth_id": str(youth.id)})
    assert await service.declare_conflict(actor, juror, youth, twice, portal_url="http://test/me") is None
    assert twice.errors["youth_search"] == "This conflict is already declared."
    assert await count(db, ConflictDeclaration) == 1
    assert len(await audited(db, "juror_conflict_declare")) == 1


async def test_declare_conflict_refuses_the_juror_themselves_and_a_long_note(db):
    program, _, actor = await coordinator_actor(db)
    _, youth, _ = await night_with_docket(db, program)
    juror = await loaded(db, await make_seated_juror(db, program, youth=youth))
    service = JurorService(session=db)

    themselves = Form(values={"youth_id": str(youth.id)})
    assert await service.declare_conflict(actor, juror, youth, themselves, portal_url="") is None
    assert themselves.errors["youth_search"] == "A juror cannot declare a conflict with themselves."
    long_note = Form(values={"youth_id": str(youth.id), "note": "x" * 501})
    assert await service.declare_conflict(actor, juror, youth, long_note, portal_url="") is None
    assert "note" in long_note.errors
    assert await count(db, ConflictDeclaration) == 0
    assert await audited(db, "juror_conflict_declare") == []


# The credit ledger ----------------------------------------------------------------------------


async def ledger_setup(db: AsyncSession, earned: str):
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR, name="Maya Alvarez")
    juror = await make_juror(db, program)
    await credit(db, juror, earned)
    return program, coordinator, Actor(viewer_for(coordinator, program)), juror


async def kinds(db: AsyncSession, juror: Juror) -> list[CreditKind]:
    rows = await db.scalars(select(CreditEntry.kind).where(CreditEntry.juror_id == juror.id))
    return sorted(rows.all())


async def test_redeem_spends_the_rewards_cost_in_the_actors_name(db):
    program, coordinator, actor, juror = await ledger_setup(db, "12")
    ticket = await make_reward(db, program, "Movie ticket", "5")
    ledger = LedgerService(session=db)

    redeemed = await ledger.redeem(actor, juror, Form(values={"reward_id": str(ticket.id)}))
    await db.commit()

    assert redeemed is not None
    assert redeemed.message == "Movie ticket was redeemed for 5 credits."
    assert redeemed.entry.amount == Decimal(-5) and redeemed.entry.kind == CreditKind.REDEMPTION
    assert redeemed.entry.actor_name == "Maya Alvarez" and redeemed.entry.reward_id == ticket.id
    assert await balance(db, juror.id) == Decimal(7)
    [entry] = await audited(db, "credit_redeem")
    assert entry.actor_id == coordinator.id and entry.record_id == str(juror.id)
    assert entry.details == {"entry_id": str(redeemed.entry.id), "reward_id": str(ticket.id), "amount": "-5"}


async def test_redeem_refuses_unknown_inactive_and_unaffordable_rewards(db):
    program, _, actor, juror = await ledger_setup(db, "4")
    ticket = await make_reward(db, program, "Movie ticket", "5")
    retired = await make_reward(db, program, "Old badge", "1", active=False)
    ledger = LedgerService(session=db)

    for reward_id, message in (
        ("", "Choose one of the rewards offered."),
        (str(retired.id), "Choose one of the rewards offered."),
        (str(ticket.id), "Only 4 credits are available."),
    ):
        form = Form(values={"reward_id": reward_id})
        assert await ledger.redeem(actor, juror, form) is None
        assert form.errors == {"reward_id": message}
    assert await kinds(db, juror) == [CreditKind.SERVICE]
    assert await balance(db, juror.id) == Decimal(4)
    assert await audited(db, "credit_redeem") == []


async def test_redeem_after_credits_were_spent_meanwhile_is_refused_by_the_balance_rule(db, monkeypatch):
    """The form's balance check read the figure before another spend; the claim on the row still refuses."""
    program, _, actor, juror = await ledger_setup(db, "3")
    ticket = await make_reward(db, program, "Movie ticket", "5")
    real_balance = credits.balance
    readings = iter([Decimal(10)])
    calls = []

    async def read_before_the_other_spend(session, juror_id):
        calls.append(juror_id)
        return next(readings, None) or await real_balance(session, juror_id)

    monkeypatch.setattr(credits, "balance", read_before_the_other_spend)
    form = Form(values={"reward_id": str(ticket.id)})

    assert await LedgerService(session=db).redeem(actor, juror, form) is None
    await db.commit()

    assert form.errors == {"reward_id": "Only 3 credits are available."}
    assert len(calls) == 2, "the form's check let it through; the claim on the balance refused it"
    assert await kinds(db, juror) == [CreditKind.SERVICE]
    assert await real_balance(db, juror.id) == Decimal(3)
    assert await audited(db, "credit_redeem") == []


async def test_adjust_adds_and_takes_credits_but_never_below_zero(db):
    _, coordinator, actor, juror = await ledger_setup(db, "2")
    ledger = LedgerService(session=db)

    too_much = Form(values={"amount": "-3", "reason": "Double-counted night"})
    assert await ledger.adjust(actor, juror, too_much) is None
    assert too_much.errors == {"amount": "Only 2 credits are available: the balance cannot go below zero."}
    no_reason = Form(values={"amount": "1"})
    assert await ledger.adjust(actor, juror, no_reason) is None
    assert set(no_reason.errors) == {"reason"}
    assert await balance(db, juror.id) == Decimal(2)

    entry = await ledger.adjust(
        actor, juror, Form(values={"amount": "-1.5", "reason": "Double-counted night"})
    )
    await db.commit()

    assert entry is not None and entry.kind == CreditKind.ADJUSTMENT
    assert (entry.amount, entry.reason, entry.actor_name) == (
        Decimal("-1.5"),
        "Double-counted night",
        "Maya Alvarez",
    )
    assert await balance(db, juror.id) == Decimal("0.5")
    [audit_entry] = await audited(db, "credit_adjust")
    assert audit_entry.actor_id == coordinator.id
    assert audit_entry.details == {"entry_id": str(entry.id), "amount": "-1.5"}


# Replies from the portal ----------------------------------------------------------------------


async def juror_actor(db: AsyncSession):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    viewer = dataclasses.replace(viewer_for(user, program), role=Role.JUROR)
    return program, user, juror, Actor(viewer)


async def test_reply_confirms_then_declines_in_the_jurors_name(db):
    program, user, juror, actor = await juror_actor(db)
    booking = await make_invitation(db, juror, await make_portal_night(db, program, days(7)))
    await db.refresh(booking, ["night"])
    portal = JurorPortalService(session=db)

    confirmed = await portal.reply(actor, juror, booking, "yes", portal_url="http://test/me")
    assert (confirmed.error, confirmed.message) == ("", "You're confirmed. See you there!")
    declined = await portal.reply(actor, juror, booking, "no", portal_url="http://test/me")
    await db.commit()

    assert declined.message == "Got it: you're not coming that night. Thanks for telling us."
    assert (await fresh(db, Booking, booking.id)).status == BookingStatus.DECLINED
    entries = await audited(db, "juror_booking_reply")
    assert sorted((e.details["accept"], e.details["status"]) for e in entries) == [
        (False, "declined"),
        (True, "confirmed"),
    ]
    assert all(e.actor_id == user.id and e.record_id == str(booking.id) for e in entries)


@pytest.mark.parametrize(
    ("answer", "held_in", "error"),
    [
        ("maybe", 7, "Choose whether you can come."),
        ("", 7, "Choose whether you can come."),
        ("yes", -1, "This night has already happened."),
    ],
)
async def test_reply_refuses_a_bad_answer_or_a_past_night_and_saves_nothing(db, answer, held_in, error):
    program, _, juror, actor = await juror_actor(db)
    booking = await make_invitation(db, juror, await make_portal_night(db, program, days(held_in)))
    await db.refresh(booking, ["night"])

    result = await JurorPortalService(session=db).reply(actor, juror, booking, answer, portal_url="")
    await db.commit()

    assert (result.error, result.message) == (error, "")
    assert (await fresh(db, Booking, booking.id)).status == BookingStatus.INVITED
    assert await audited(db, "juror_booking_reply") == []


async def test_reply_refused_by_the_booking_rules_says_why(db):
    program, _, juror, actor = await juror_actor(db)
    juror.oath_signed_on = None
    await db.commit()
    booking = await make_invitation(db, juror, await make_portal_night(db, program, days(7)))
    await db.refresh(booking, ["night"])

    result = await JurorPortalService(session=db).reply(actor, juror, booking, "yes", portal_url="")

    assert (result.error, result.message) == (
        "Sign the confidentiality oath before you can sit on a jury.",
        "",
    )
    assert (await fresh(db, Booking, booking.id)).status == BookingStatus.INVITED
    assert await audited(db, "juror_booking_reply") == []
