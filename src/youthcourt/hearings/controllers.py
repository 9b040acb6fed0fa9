"""Pages of the hearings area."""

from __future__ import annotations

from litestar import Controller

ROUTES: list[type[Controller]] = []
