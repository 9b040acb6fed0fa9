"""Pages of the juror program, one module per kind of work."""

from __future__ import annotations

from litestar import Controller

from youthcourt.jurors.controllers import ledger, nights, outbox, portal, records, reports, training

ROUTES: list[type[Controller]] = [
    *portal.ROUTES,
    *records.ROUTES,
    *training.ROUTES,
    *reports.ROUTES,
    *nights.ROUTES,
    *ledger.ROUTES,
    *outbox.ROUTES,
]
