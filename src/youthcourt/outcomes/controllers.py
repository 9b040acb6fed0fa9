"""Coordinators' follow-up work: checks due after closure, and new offenses found later."""

from __future__ import annotations

ROUTES: list = []
