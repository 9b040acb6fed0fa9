"""The periods a program assesses itself for: calendar quarters (``2026-Q1``) and years (``2026``).

A period is named by its key in the database and in addresses; its first and last days come from
the key, so they cannot disagree with it. Its name is in the reader's language ("Q1 2026",
"T1 2026"), given when the period is looked up.
"""

from __future__ import annotations

import dataclasses
import datetime
import re

from youthcourt.reports.measures import Period, quarter_containing
from youthcourt.web.i18n import _

_KEY = re.compile(r"(?P<year>[0-9]{4})(?:-Q(?P<quarter>[1-4]))?")
QUARTERS_OFFERED = 8
YEARS_OFFERED = 3


def period_of(key: str) -> Period | None:
    """The period a key names, or None when it names none."""
    match = _KEY.fullmatch(key.strip())
    if match is None or int(match["year"]) < 1900:
        return None
    year = int(match["year"])
    if match["quarter"] is None:
        return Period(datetime.date(year, 1, 1), datetime.date(year, 12, 31), str(year))
    return _named(quarter_containing(datetime.date(year, 3 * int(match["quarter"]) - 2, 1)))


def _named(quarter: Period) -> Period:
    """A quarter named in the reader's language: ``Q1 2026`` in English."""
    number = (quarter.start.month + 2) // 3
    return dataclasses.replace(
        quarter, name=_("Q%(quarter)s %(year)s", quarter=number, year=quarter.start.year)
    )


def key_of(period: Period) -> str:
    """The key of a quarter or year."""
    if period.start.month == 1 and period.end.month == 12:
        return str(period.start.year)
    return f"{period.start.year}-Q{(period.start.month + 2) // 3}"


def offered(today: datetime.date) -> dict[str, str]:
    """The periods a new assessment may be for: this quarter and the seven before it, this year and the two before.

    Key -> name, most recent first; a period still running is marked as such.
    """
    choices: dict[str, str] = {}
    quarter = quarter_containing(today)
    for _step in range(QUARTERS_OFFERED):
        name = _named(quarter).name
        choices[key_of(quarter)] = _("%(period)s (to date)", period=name) if quarter.end >= today else name
        quarter = quarter_containing(quarter.start - datetime.timedelta(days=1))
    for year in range(today.year, today.year - YEARS_OFFERED, -1):
        choices[str(year)] = (
            _("The year %(year)s (to date)", year=year)
            if year == today.year
            else _("The year %(year)s", year=year)
        )
    return choices
