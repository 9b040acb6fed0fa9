"""Administration in Spanish: a program admin or coordinator who chose Spanish sees the users,
audit trail, dashboard and MFA pages, and the field errors of their forms, in Spanish; the email
that tells someone they were added is in that person's own language."""

from __future__ import annotations

from uuid import uuid4

from tests.factories import make_program, make_user, post_form, sign_in
from youthcourt.accounts.events import MembershipAdded
from youthcourt.jurors import account_notices
from youthcourt.programs.models import Role
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, use_locale


async def spanish_speaker(db, role: Role):
    program = await make_program(db)
    user = await make_user(db, program, role)
    user.language = "es"
    await db.commit()
    return program, user


async def test_a_spanish_speaking_admin_sees_the_admin_pages_in_spanish(client, db):
    _program, admin = await spanish_speaker(db, Role.PROGRAM_ADMIN)
    await sign_in(client, admin)

    users = (await client.get("/admin/users")).text
    new = (await client.get("/admin/users/new")).text
    detail = (await client.get(f"/admin/users/{admin.id}")).text
    trail = (await client.get("/audit")).text
    mfa = (await client.get("/account/mfa")).text

    assert "Agregar una persona" in users and "Último inicio de sesión" in users
    assert "Administrador(a) del programa" in users
    for english in ("Add a person", "Last sign-in", "Name or email", "All roles", "Program admin"):
        assert english not in users
    assert "Nombre completo" in new and "Función en este programa" in new
    assert "Full name" not in new and "Role in this program" not in new
    assert "Cambiar función" in detail and "Acceso a este programa" in detail
    assert "Change role" not in detail and "Access to this program" not in detail
    assert "Registro de auditoría" in trail and "Todas las acciones" in trail
    assert "All actions" not in trail and "Who viewed" not in trail
    assert "Inicio de sesión en dos pasos" in mfa and "Recovery codes left" not in mfa


async def test_a_spanish_speaking_coordinator_sees_the_dashboard_in_spanish(client, db):
    _program, coordinator = await spanish_speaker(db, Role.COORDINATOR)
    await sign_in(client, coordinator)

    dashboard = (await client.get("/dashboard")).text

    assert "Qué bueno verte" in dashboard and "Sanciones vencidas" in dashboard
    assert "Remisiones en espera" in dashboard and "Seguimientos pendientes" in dashboard
    for english in ("Good to see you", "Overdue sanctions", "Referrals waiting", "Next hearing nights"):
        assert english not in dashboard


async def test_field_errors_of_a_form_come_in_spanish(client, db):
    _program, admin = await spanish_speaker(db, Role.PROGRAM_ADMIN)
    await sign_in(client, admin)

    empty = await post_form(client, "/admin/users", {"full_name": "", "email": "nope", "role": "king"})
    long = await post_form(
        client, "/admin/users", {"full_name": "x" * 201, "email": "a@example.org", "role": "juror"}
    )

    assert empty.status_code == 422
    assert "Escribe el nombre completo de la persona." in empty.text
    assert "Escribe un correo electrónico como nombre@ejemplo.org." in empty.text
    assert "Elige una función." in empty.text
    assert "Corrige estos puntos" in empty.text
    assert "El nombre completo de la persona debe tener como máximo 200 caracteres." in long.text
    assert "must be at most" not in long.text and "Enter " not in empty.text


def test_a_message_about_an_untranslated_label_stays_english():
    """A form of an area not yet converted stays whole in English, not half in each language."""
    with use_locale("es"):
        form = Form.from_data({"when": "soon", "count": "1.5", "name": "x" * 9})
        form.date("when", "the day it all began")
        form.number("count", N_("the program's name"))
        form.text("name", "the nickname", max_length=3)

    assert form.errors["when"] == "Enter the day it all began as a real date, for example 2026-03-14."
    assert form.errors["count"] == "El nombre del programa debe ser un número entero."
    assert form.errors["name"] == "The nickname must be at most 3 characters."


def added() -> MembershipAdded:
    return MembershipAdded(
        program_id=uuid4(),
        program_name="Riverside Youth Court",
        email="ana@example.org",
        name="Ana Ruiz",
        role=Role.COORDINATOR,
        added_by="Pat Admin",
        sign_in_url="https://youthcourt.example.org/login",
    )


def test_the_added_email_reads_in_spanish_and_goes_out_in_english():
    """Written through the catalog, but sent in English to everyone: the account's own language
    would tell the outbox's readers that the address already had an account."""
    with use_locale("es"):
        spanish_subject, spanish_body = account_notices.notice_text(added())
    with use_locale("en"):
        english_subject, english_body = account_notices.notice_text(added())

    assert spanish_subject == "Te agregaron a Riverside Youth Court"
    assert "Hola, Ana Ruiz:" in spanish_body
    assert "You were added" not in spanish_subject and "Sign in at" not in spanish_body
    assert english_subject == "You were added to Riverside Youth Court"
    assert "Pat Admin added you to Riverside Youth Court in Youthcourt, as coordinator." in english_body
