"""The time zones a program can be in: every page shows its times, and counts its "today", in one of them.

The United States' zones come first under their everyday names; then every other zone of the
regions where a youth court may sit, by its IANA name. Legacy aliases (``US/Pacific``, ``EST``)
and the fixed offsets of ``Etc/`` are left out: they name the same clocks less clearly.
"""

from __future__ import annotations

import zoneinfo
from functools import cache

from youthcourt.web.i18n import N_, _

DEFAULT_TIMEZONE = "America/New_York"

UNITED_STATES = {
    "America/New_York": N_("Eastern (New York)"),
    "America/Chicago": N_("Central (Chicago)"),
    "America/Denver": N_("Mountain (Denver)"),
    "America/Phoenix": N_("Arizona (Phoenix, no daylight saving time)"),
    "America/Los_Angeles": N_("Pacific (Los Angeles)"),
    "America/Anchorage": N_("Alaska (Anchorage)"),
    "America/Adak": N_("Hawaii-Aleutian (Adak)"),
    "Pacific/Honolulu": N_("Hawaii (Honolulu)"),
    "America/Puerto_Rico": N_("Atlantic (Puerto Rico, U.S. Virgin Islands)"),
    "Pacific/Guam": N_("Chamorro (Guam, Northern Mariana Islands)"),
    "Pacific/Pago_Pago": N_("Samoa (American Samoa)"),
}
"""The zones of the states and territories, under the names people use for them."""

REGIONS = ("America", "Pacific", "Atlantic", "Europe", "Africa", "Asia", "Australia", "Indian")
REGION_NAMES = (
    N_("United States"),
    N_("America"),
    N_("Pacific"),
    N_("Atlantic"),
    N_("Europe"),
    N_("Africa"),
    N_("Asia"),
    N_("Australia"),
    N_("Indian"),
)
"""The groups' names, for the catalogs: :func:`shown_timezone_groups` translates them."""
"""The regions whose zones are offered after the United States' (``America`` holds Canada's,
Mexico's and the other zones of the Americas)."""


@cache
def timezone_groups() -> dict[str, dict[str, str]]:
    """The zones to choose from, by group, each as its IANA name and the label a select shows."""
    available = zoneinfo.available_timezones()
    others: dict[str, dict[str, str]] = {}
    for zone in sorted(available):
        region = zone.split("/", 1)[0]
        if region in REGIONS and "/" in zone and zone not in UNITED_STATES:
            others.setdefault(region, {})[zone] = zone.replace("_", " ")
    return {"United States": dict(UNITED_STATES)} | {
        region: others[region] for region in REGIONS if region in others
    }


@cache
def timezone_choices() -> dict[str, str]:
    """Every zone a program may be in, by its IANA name (what a form accepts)."""
    return {zone: label for group in timezone_groups().values() for zone, label in group.items()}


def shown_timezone_groups() -> dict[str, dict[str, str]]:
    """:func:`timezone_groups` as a menu shows them, in the reader's language (the IANA names stay)."""
    return {
        _(group): {zone: _(label) if zone in UNITED_STATES else label for zone, label in zones.items()}
        for group, zones in timezone_groups().items()
    }
