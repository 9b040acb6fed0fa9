"""Evaluators see de-identified reports only: no case page, youth record or coordinator page.

The routes come from the app's own route table, so a page added later is covered without
anyone remembering to list it here. Every route outside the evaluator's workspace is tried
with real ids of the evaluator's own program, so a 404 cannot hide a missing guard.
"""

from __future__ import annotations

import re
from typing import Any

from litestar.routes import HTTPRoute

from tests.factories import make_case, make_program, make_referral, make_user, make_youth, post_form, sign_in
from youthcourt.cases.models import CaseState
from youthcourt.programs.models import Role

EVALUATOR_PATHS = re.compile(r"^/(reports(/.*)?|account/.*|login|logout(/everywhere)?|health|static/.*)?$")
"""Where an evaluator may go: their workspace, their own account, and the public pages."""

DENIED = {403, 404, 405}


def _routes(app: Any) -> list[tuple[str, str]]:
    routes = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for method in sorted(route.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, route.path))
    return routes


def _fill(path: str, record_id: str) -> str:
    """Put a real id into every path parameter: the evaluator's own program's case."""
    return re.sub(r"\{[^}]+\}", record_id, path)


async def test_evaluator_is_refused_every_page_outside_reports(app, client, db):
    program = await make_program(db)
    evaluator = await make_user(db, program, Role.EVALUATOR)
    youth = await make_youth(db, program, first_name="Quillon", last_name="Marsh")
    case = await make_case(db, program, CaseState.INTAKE, referral=await make_referral(db, program, youth))
    await sign_in(client, evaluator)
    await client.get("/reports")

    reached = []
    tried = 0
    for method, path in _routes(app):
        if EVALUATOR_PATHS.match(path) or path.startswith("/static"):
            continue
        url = _fill(path, str(case.id))
        tried += 1
        if method == "GET":
            response = await client.get(url, follow_redirects=False)
        else:
            response = await post_form(client, url, {})
        if response.status_code not in DENIED or "Quillon" in response.text:
            reached.append((method, path, response.status_code))

    assert tried > 50
    assert reached == []


async def test_evaluator_workspace_pages_show_no_names(app, client, db):
    program = await make_program(db)
    evaluator = await make_user(db, program, Role.EVALUATOR)
    youth = await make_youth(db, program, first_name="Quillon", last_name="Marsh")
    await make_case(db, program, CaseState.COMPLETED, referral=await make_referral(db, program, youth))
    await sign_in(client, evaluator)

    pages = [path for method, path in _routes(app) if method == "GET" and path.startswith("/reports")]
    pages = [path for path in pages if "{" not in path]
    assert "/reports" in pages
    for path in pages:
        response = await client.get(path)
        assert response.status_code in (200, 422), path
        assert "Quillon" not in response.text and "Marsh" not in response.text, path
