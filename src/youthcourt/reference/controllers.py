"""Pages of the reference area."""

from __future__ import annotations

from litestar import Controller

ROUTES: list[type[Controller]] = []
