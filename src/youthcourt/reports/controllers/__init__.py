"""The evaluator's workspace: outcome reports, program measures, exports and comparison groups."""

from youthcourt.reports.controllers import comparison, effects, exports, home, measures, recidivism

ROUTES = [
    *home.ROUTES,
    *recidivism.ROUTES,
    *effects.ROUTES,
    *measures.ROUTES,
    *exports.ROUTES,
    *comparison.ROUTES,
]
