"""Declared forms: every field read through one Form, errors per field, what was typed kept."""

from __future__ import annotations

import datetime
from decimal import Decimal
from uuid import uuid4

import pytest

from youthcourt.web.forms import (
    Choice,
    Date,
    DeclaredForm,
    Email,
    Flag,
    Hidden,
    Id,
    Many,
    Number,
    Text,
)

TODAY = datetime.date(2026, 3, 14)


class Booking(DeclaredForm):
    version = Hidden()
    title = Text("the title", max_length=10)
    hours = Number("the hours", places=2, maximum=24)
    seats = Number("the seats", minimum=1, maximum=20)
    held_on = Date("the date", past=True)
    room = Choice("the room")
    kind = Choice("the kind", options={"a": "A", "b": "B"}, required=False)
    email = Email(required=False)
    days = Many(options={"mon": "Monday", "tue": "Tuesday"})
    urgent = Flag()
    judge_id = Id("the judge", required=False)

    def check(self) -> None:
        if self.title == "closed" and self.urgent:
            self.error("urgent", "A closed booking cannot be urgent.")


def read(**typed: object) -> Booking:
    data = {"title": "Night", "hours": "2.5", "seats": "3", "held_on": "2026-03-01", "room": "r1", **typed}
    return Booking.read(data, today=TODAY, options={"room": {"r1": "Room 1"}})


def test_a_good_form_gives_typed_values():
    booking = read(days=["tue", "mon", "sun"], urgent="on", judge_id=str(uuid4()), version="7")

    assert booking.is_valid
    assert booking.hours == Decimal("2.5")
    assert booking.seats == 3 and isinstance(booking.seats, int)
    assert booking.held_on == datetime.date(2026, 3, 1)
    assert booking.days == ["mon", "tue"]
    assert booking.urgent is True
    assert booking.version == "7"
    assert set(booking.values()) == set(Booking.fields)


@pytest.mark.parametrize("typed", ["1e3", "NaN", "inf", "1,000.5", "Infinity", "-nan", "0x10", "1_000"])
def test_a_number_field_refuses_what_is_not_plain_decimal_notation(typed):
    booking = read(hours=typed)

    assert booking.form.errors["hours"] == "Enter the hours as a number, for example 12."
    assert booking.hours is None
    assert booking.form.values["hours"] == typed


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The seats must be from 1 to 20."),
        ("21", "The seats must be from 1 to 20."),
        ("-2", "The seats cannot be negative."),
        ("1.5", "The seats must be a whole number."),
        ("", "Enter the seats."),
    ],
)
def test_a_whole_number_in_a_range_says_the_range(typed, message):
    assert read(seats=typed).form.errors["seats"] == message


def test_each_field_gets_its_own_message_and_the_input_is_kept():
    booking = read(title="x" * 11, held_on="2026-03-15", room="r9", kind="z", email="nobody")

    assert booking.form.errors == {
        "title": "The title must be at most 10 characters.",
        "held_on": "The date cannot be in the future.",
        "room": "Choose the room.",
        "kind": "Choose the kind.",
        "email": "Enter an email address like name@example.org.",
    }
    assert booking.form.values["title"] == "x" * 11


def test_cross_field_rules_report_on_their_field():
    booking = read(title="closed", urgent="on")

    assert booking.form.errors == {"urgent": "A closed booking cannot be urgent."}


def test_an_id_that_is_not_one_is_none():
    assert read(judge_id="../../etc").judge_id is None


class Guardian(DeclaredForm):
    name = Text("{which} name", required=False, max_length=5)


def test_repeated_rows_are_the_same_class_read_with_a_prefix_and_words():
    data = {"guardian2_name": "Too long a name"}

    second = Guardian.read(data, prefix="guardian2_", words={"which": "the second guardian's"})

    assert second.form.errors == {
        "guardian2_name": "The second guardian's name must be at most 5 characters."
    }


def test_a_field_cannot_hide_the_forms_own_attributes():
    with pytest.raises(AssertionError, match="is_valid"):
        type("Broken", (DeclaredForm,), {"is_valid": Text("x")})


class Cell(DeclaredForm):
    low = Number("the minimum of {where}", minimum=0, maximum=10)


def test_a_message_keeps_the_capitals_inside_its_label():
    cell = Cell.read({"low": "-2"}, words={"where": "jury duty for class C"})

    assert cell.form.errors == {"low": "The minimum of jury duty for class C cannot be negative."}
