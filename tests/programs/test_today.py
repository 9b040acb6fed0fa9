"""A program's today is read from one clock, in the program's zone."""

from __future__ import annotations

import datetime
import uuid

from youthcourt.programs import viewer


def test_today_is_the_date_in_the_programs_zone_on_the_one_clock(monkeypatch):
    instant = datetime.datetime(2026, 3, 1, 3, 30, tzinfo=datetime.UTC)  # still 28 February in New York
    monkeypatch.setattr(viewer, "clock", lambda zone: instant.astimezone(zone))

    assert viewer.today_in("America/New_York") == datetime.date(2026, 2, 28)
    assert viewer.today_in("Europe/Madrid") == datetime.date(2026, 3, 1)
    assert viewer.today_in(None) == datetime.date(2026, 2, 28)


def test_the_account_menu_names_a_person_by_their_first_name_not_their_title():
    def named(full_name: str, email: str = "p@example.org") -> str:
        return viewer.Viewer(
            user_id=uuid.uuid4(),
            session_id=uuid.uuid4(),
            email=email,
            full_name=full_name,
            is_site_admin=False,
            must_change_password=False,
            program_id=None,
            program_name=None,
            role=None,
        ).first_name

    assert named("Dr. Priya Natarajan") == "Priya"
    assert named("Maya Alvarez") == "Maya"
    assert named("Judge Dredd Okafor") == "Dredd"
    assert named("Dr.") == "Dr."
    assert named("", "only@example.org") == "only@example.org"
