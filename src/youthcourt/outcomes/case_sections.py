"""The outcomes area's section of the case page."""

from __future__ import annotations


def register() -> None:
    """Register this area's case page sections with :mod:`youthcourt.cases.sections`."""
