"""Pages of the juror program, one module per kind of work."""

from __future__ import annotations

from litestar import Controller

from youthcourt.jurors.controllers import ledger, outbox, portal

ROUTES: list[type[Controller]] = [*portal.ROUTES, *ledger.ROUTES, *outbox.ROUTES]
