"""A program's today is read from one clock, in the program's zone."""

from __future__ import annotations

import datetime

from youthcourt.programs import viewer


def test_today_is_the_date_in_the_programs_zone_on_the_one_clock(monkeypatch):
    instant = datetime.datetime(2026, 3, 1, 3, 30, tzinfo=datetime.UTC)  # still 28 February in New York
    monkeypatch.setattr(viewer, "clock", lambda zone: instant.astimezone(zone))

    assert viewer.today_in("America/New_York") == datetime.date(2026, 2, 28)
    assert viewer.today_in("Europe/Madrid") == datetime.date(2026, 3, 1)
    assert viewer.today_in(None) == datetime.date(2026, 2, 28)
