"""The app in the reader's language: the browser's on the sign-in page, the account's once signed
in, the family's in the letters to it; a change of language is in the audit trail."""

from __future__ import annotations

import datetime

from sqlalchemy import select

from tests.factories import make_case, make_program, make_user, make_youth, post_form, sign_in
from tests.hearings.test_hearings import make_hearing, make_night, signed_in_coordinator
from tests.jurors.test_juror_portal import juror_user, make_booking
from tests.jurors.test_juror_portal import make_night as make_jury_night
from youthcourt.accounts.models import User
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import CaseState
from youthcourt.jurors.models import BookingStatus
from youthcourt.programs.viewer import today_in
from youthcourt.referrals.models import Guardian

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


async def test_login_follows_the_browsers_language(client):
    spanish = await client.get("/login", headers=SPANISH)
    english = await client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    neither = await client.get("/login", headers={"Accept-Language": "fr-FR"})

    assert '<html lang="es">' in spanish.text
    assert "Iniciar sesión" in spanish.text and "Contraseña" in spanish.text
    assert "Sign in" not in spanish.text
    assert "Sign in" in english.text and "Iniciar sesión" not in english.text
    assert '<html lang="en">' in neither.text


async def test_a_failed_sign_in_is_told_in_the_browsers_language(client):
    empty = await post_form(client, "/login", {"email": "", "password": ""}, headers=SPANISH)
    wrong = await post_form(
        client, "/login", {"email": "nobody@example.org", "password": "x" * 12}, headers=SPANISH
    )

    assert empty.status_code == 422
    assert "Escribe tu correo electrónico." in empty.text
    assert wrong.status_code == 401
    assert "El correo o la contraseña no son correctos." in wrong.text


async def test_unknown_page_is_explained_in_the_browsers_language(client):
    missing = await client.get("/no-such-page", headers=SPANISH)

    assert missing.status_code == 404
    assert "No encontramos la página" in missing.text


async def test_a_spanish_speaking_juror_sees_the_portal_in_spanish(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    user.language = "es"
    await db.commit()
    held_on = datetime.date(today_in("America/New_York").year + 1, 12, 12)
    night = await make_jury_night(db, program, held_on)
    await make_booking(db, juror, night, BookingStatus.INVITED)
    await sign_in(client, user)

    page = await client.get("/me", headers={"Accept-Language": "en-US"})

    assert page.status_code == 200
    assert '<html lang="es">' in page.text
    assert "Hola, Jordan" in page.text
    assert (
        f"sábado, 12 de diciembre de {held_on.year}" in page.text
        or f"12 de diciembre de {held_on.year}" in page.text
    )
    assert "de 18:00 a 20:30" in page.text
    assert "Sí, voy a ir" in page.text
    assert "Yes, I'll come" not in page.text and "My hearings" not in page.text


async def test_a_jurors_reply_is_answered_in_spanish(client, db):
    program = await make_program(db)
    user, juror = await juror_user(db, program)
    user.language = "es"
    await db.commit()
    night = await make_jury_night(db, program, today_in("America/New_York") + datetime.timedelta(days=10))
    booking = await make_booking(db, juror, night, BookingStatus.INVITED)
    await sign_in(client, user)

    answered = await post_form(client, f"/me/bookings/{booking.id}/reply", {"accept": "maybe"})

    assert answered.status_code == 422
    assert "Elige si puedes venir." in answered.text


async def test_changing_ones_language_is_audited_and_applies_at_once(client, db):
    program = await make_program(db)
    user, _juror = await juror_user(db, program)
    await sign_in(client, user)

    refused = await post_form(client, "/account/language", {"language": "klingon"})
    changed = await post_form(client, "/account/language", {"language": "es"})
    page = await client.get("/me")

    assert refused.status_code == 422
    assert changed.status_code == 303
    assert "Hola, Jordan" in page.text
    assert "Guardamos tu idioma." in page.text
    assert (await db.scalar(select(User.language).where(User.id == user.id))) == "es"
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "language_change"))
    assert entry is not None and entry.record_id == str(user.id)
    assert entry.details == {"from": "browser", "to": "es"}

    await post_form(client, "/account/language", {"language": ""})
    follows_browser = await client.get("/me", headers={"Accept-Language": "en"})
    assert "Hi Jordan" in follows_browser.text


async def test_hearing_notice_is_in_each_familys_language(client, db):
    program, coordinator = await signed_in_coordinator(client, db)
    held_on = datetime.date(today_in("America/New_York").year + 1, 12, 12)
    night = await make_night(db, program, held_on)
    letters = {}
    for name, language in (("Carmen Reyes", "es"), ("Angela Evans", "en")):
        youth = await make_youth(db, program, first_name=name.split()[0] + "ito", last_name=name.split()[1])
        db.add(Guardian(program_id=program.id, youth_id=youth.id, name=name, preferred_language=language))
        await db.commit()
        case = await make_case(db, program, CaseState.SCHEDULED, coordinator=coordinator, youth=youth)
        hearing = await make_hearing(db, night.courtrooms[0], case)
        letters[language] = (await client.get(f"/hearings/slots/{hearing.id}/notice")).text

    spanish, english = letters["es"], letters["en"]
    assert "Hola, Carmen Reyes:" in spanish
    assert (
        f"sábado, 12 de diciembre de {held_on.year}" in spanish
        or f"12 de diciembre de {held_on.year}" in spanish
    )
    assert "Por favor traigan:" in spanish
    assert '<article class="letter" lang="es">' in spanish
    # The coordinator's own page around the letter stays in the coordinator's language.
    assert "Back to the hearing" in spanish
    assert "The letter is in the family's language: Español." in spanish
    assert "Dear Angela Evans," in english and "Please bring" in english
    assert "Hola" not in english


async def test_a_referral_records_the_guardians_language(client, db):
    program = await make_program(db)
    coordinator = await make_user(db, program)
    await sign_in(client, coordinator)

    form = await client.get("/referrals/new")

    assert 'name="guardian1_preferred_language"' in form.text
    assert "Español" in form.text
