"""The evaluator's workspace: outcome reports, program measures, exports and comparison groups."""

from youthcourt.reports.controllers import comparison, exports, home, measures, recidivism

ROUTES = [*home.ROUTES, *recidivism.ROUTES, *measures.ROUTES, *exports.ROUTES, *comparison.ROUTES]
