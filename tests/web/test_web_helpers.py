"""Forms, flash messages, passwords and pagination."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from youthcourt.accounts import passwords
from youthcourt.web.errors import local_path
from youthcourt.web.flash import Flash, decode, encode
from youthcourt.web.forms import Form
from youthcourt.web.i18n import N_, use_locale
from youthcourt.web.pagination import Page, page_number


def test_form_collects_one_error_per_field_and_keeps_values():
    form = Form.from_data({"name": "  ", "email": "not-an-email", "when": "2026-02-30", "_csrf_token": "x"})
    form.text("name", "a name")
    form.text("name", "a name again")
    form.email()
    assert form.date("when", "the date") is None
    assert form.errors == {
        "name": "Enter a name.",
        "email": "Enter an email address like name@example.org.",
        "when": "Enter the date as a real date, for example 2026-03-14.",
    }
    assert form.values["email"] == "not-an-email"
    assert "_csrf_token" not in form.values


def test_form_reads_valid_dates_and_lowercases_email():
    form = Form.from_data({"email": "Ana@Example.ORG", "when": "2026-03-14"})
    assert form.email() == "ana@example.org"
    assert form.date("when", "the date") == datetime.date(2026, 3, 14)
    assert form.is_valid


@pytest.mark.parametrize(
    "typed",
    ["maria@@ejemplo.org", "maria@ejemplo", "@ejemplo.org", "maria@.org", "ma ria@x.org", "a@b@c.org"],
)
def test_form_refuses_an_address_mail_cannot_reach(typed):
    form = Form.from_data({"email": typed})
    form.email()
    assert form.errors == {"email": "Enter an email address like name@example.org."}


def test_form_takes_an_ordinary_address():
    for typed in ("ana.ruiz+court@example.org", "j@x.co", "o'neil@mail.example.org"):
        form = Form.from_data({"email": typed})
        assert form.email() == typed and form.is_valid, typed


def test_flash_cookie_is_signed():
    value = encode([Flash("Saved.", "success")], "secret")
    assert decode(value, "secret") == [Flash("Saved.", "success")]
    assert decode(value, "another secret") == []
    tampered = value.replace(value[2], "A" if value[2] != "A" else "B", 1)
    assert decode(tampered, "secret") == []
    assert decode("garbage", "secret") == []


@pytest.mark.parametrize(
    ("target", "allowed"),
    [("/cases?page=2", True), ("//evil.example", False), ("https://evil.example", False), ("/\\evil", False)],
)
def test_only_local_paths_are_followed(target, allowed):
    assert (local_path(target) is not None) is allowed


def test_passwords_are_argon2id_with_enough_memory(production_hashing):
    hashed = passwords.hash_password("a long enough password")
    assert hashed.startswith("$argon2id$")
    assert "m=19456" in hashed
    assert passwords.verify_password(hashed, "a long enough password")
    assert not passwords.verify_password(hashed, "wrong")
    assert not passwords.verify_password(None, "anything")
    assert not passwords.verify_password("not a hash", "anything")


def test_password_rules_are_length_only():
    assert passwords.password_problem("short") is not None
    assert passwords.password_problem("x" * 129) is not None
    assert passwords.password_problem("all lower case words") is None
    assert passwords.password_problem(passwords.temporary_password()) is None


def test_page_arithmetic():
    page = Page(items=[], number=2, size=25, total=51)
    assert (page.count, page.first_row, page.last_row) == (3, 26, 50)
    assert page.has_previous
    assert page.has_next
    assert page_number("x") == 1
    assert page_number("-4") == 1
    assert page_number("7") == 7


def test_calendar_secrets_are_removed_from_access_log_lines():
    import logging

    from youthcourt.web.logging import RedactSecretPaths

    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/calendar/s3cr3t-token_value.ics", "1.1", 200),
        None,
    )
    assert RedactSecretPaths().filter(record)
    line = record.getMessage()
    assert "s3cr3t" not in line
    assert "/calendar/[secret]" in line


def test_a_decimal_comma_reads_as_a_number_where_the_language_writes_one():
    """A Spanish page shows "12,5 horas" and its reader types 12,5."""
    with use_locale("es"):
        spanish = Form.from_data({"hours": "12,5", "many": "1,000.5"})
        assert spanish.number("hours", N_("the hours"), places=2) == Decimal("12.5")
        assert spanish.number("many", N_("the hours"), places=2) is None
    english = Form.from_data({"hours": "12,5"})
    assert english.number("hours", "the hours", places=2) is None
    assert english.errors["hours"] == "Enter the hours as a number, for example 12."
