"""One number parser and one number format for every form and page."""

from __future__ import annotations

from decimal import Decimal

import pytest

from youthcourt.reports.controllers.recidivism import interval, percent
from youthcourt.web.forms import Form
from youthcourt.web.i18n import use_locale
from youthcourt.web.numbers import format_number, parse_number


@pytest.mark.parametrize(
    "typed",
    [
        "1e3",
        "1E3",
        "NaN",
        "nan",
        "inf",
        "-Infinity",
        "1,000.5",
        "1 000",
        "0x10",
        "½",
        "1.",
        ".5",
        "12abc",
        "١٢",
    ],
)
def test_what_is_not_plain_decimal_notation_is_a_field_error(typed):
    form = Form(values={"hours": typed})

    assert form.number("hours", "the hours", places=2) is None
    assert form.errors["hours"] == "Enter the hours as a number, for example 12."
    assert form.values["hours"] == typed, "what the user typed is kept"


@pytest.mark.parametrize(
    ("typed", "places", "expected"),
    [
        ("12", 0, Decimal(12)),
        (" 2.5 ", 2, Decimal("2.5")),
        ("0.25", 2, Decimal("0.25")),
        ("+3", 0, Decimal(3)),
    ],
)
def test_plain_numbers_are_read(typed, places, expected):
    form = Form(values={"n": typed})

    assert form.number("n", "the amount", places=places) == expected
    assert form.is_valid


@pytest.mark.parametrize(
    ("typed", "options", "message"),
    [
        ("", {}, "Enter the amount."),
        ("2.5", {}, "The amount must be a whole number."),
        ("2.125", {"places": 2}, "The amount can have at most two decimal places."),
        ("0", {}, "The amount must be more than 0."),
        ("-3", {}, "The amount must be more than 0."),
        ("0", {"allow_negative": True}, "The amount cannot be zero."),
        ("-1", {"allow_zero": True}, "The amount cannot be negative."),
        ("10001", {"maximum": 10_000, "allow_negative": True}, "The amount must be at most 10000."),
        ("-10001", {"maximum": 10_000, "allow_negative": True}, "The amount must be at most 10000."),
    ],
)
def test_bounds_give_one_message_each(typed, options, message):
    form = Form(values={"n": typed})

    assert form.number("n", "the amount", **options) is None
    assert form.errors["n"] == message


def test_an_empty_optional_number_is_none_without_an_error():
    form = Form(values={"n": " "})

    assert form.number("n", "the amount", required=False) is None
    assert form.is_valid


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("12.00"), "12"),
        (Decimal("12.50"), "12.5"),
        (Decimal("0.25"), "0.25"),
        (3, "3"),
        (2.5, "2.5"),
        (None, "0"),
    ],
)
def test_one_format_for_every_number_shown(value, shown):
    assert format_number(value) == shown


def test_the_parser_reads_only_plain_notation():
    assert parse_number("1e3") is None
    assert parse_number("-0.5") == Decimal("-0.5")


def test_report_shares_are_written_with_the_readers_decimal_mark():
    """The rounding is the report's own; only the mark changes (21.3% or 21,3%)."""
    with use_locale("es"):
        assert (percent(0.2134), interval((0.103, 0.175))) == ("21,3%", "10,3\N{EN DASH}17,5%")
    with use_locale("en"):
        assert (percent(0.2134), interval((0.103, 0.175))) == ("21.3%", "10.3\N{EN DASH}17.5%")


def test_dates_and_figures_are_formatted_without_parsing_the_language_each_time(monkeypatch):
    """Babel given a language code parses it on every call: dozens of dates and figures a page."""
    import datetime

    from babel.core import Locale

    from youthcourt.web.i18n import decimal_mark, format_clock, format_day, format_plain_number

    with use_locale("es"):
        format_day(datetime.date(2026, 12, 7))  # the language's locale, parsed once for the process
        parsed = []
        real_parse = Locale.parse.__func__
        monkeypatch.setattr(
            Locale, "parse", classmethod(lambda cls, *a, **k: parsed.append(a) or real_parse(cls, *a, **k))
        )
        shown = (
            format_day(datetime.date(2026, 12, 7)),
            format_clock(datetime.time(18, 30)),
            format_plain_number(Decimal("12.5")),
            decimal_mark("21.3%"),
        )

    assert shown == ("7 de diciembre de 2026", "18:30", "12,5", "21,3%")
    assert [a for a in parsed if isinstance(a[0], str)] == [], "no language code parsed again"


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_plain_number_is_written_as_babels_two_decimal_pattern_would(language):
    from babel.numbers import format_decimal

    from youthcourt.web.i18n import format_plain_number

    values = [0, None, 1, 12, Decimal("12.5"), Decimal("12.50"), Decimal("12.05"), Decimal("0.125"), 2.675]
    values += [Decimal("-3.5"), Decimal("1234567.891"), 7.0, Decimal("0.004"), Decimal("99.999")]
    with use_locale(language):
        shown = [format_plain_number(value) for value in values]
    expected = [
        format_decimal(Decimal(str(value or 0)).quantize(Decimal("0.01")), "0.##", locale=language)
        for value in values
    ]
    assert shown == expected
    assert shown[4] == ("12.5" if language == "en" else "12,5")
