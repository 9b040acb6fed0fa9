"""Health, error pages, security headers and the site admin's programs page."""

from __future__ import annotations

import html
import json
import re

from sqlalchemy import select

from tests.factories import make_program, make_user, post_form, sign_in
from youthcourt.programs.models import Program, Role


async def test_health_reports_app_and_database(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "app": "ok", "database": "ok"}


async def test_unknown_page_gets_a_helpful_404(client, db):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program))
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    json = await client.get("/no/such/page", headers={"Accept": "application/json"})
    assert json.json()["status_code"] == 404


async def test_pages_carry_security_headers_and_are_not_cached(client, db):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program))
    response = await client.get("/dashboard")
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    cookie = response.request.headers.get("cookie", "")
    assert "youthcourt_session" in cookie


async def test_session_cookie_is_http_only_and_same_site(client, db):
    program = await make_program(db)
    response = await sign_in(client, await make_user(db, program))
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie


async def test_site_admin_creates_a_program(client, db):
    admin = await make_user(db, None, None, site_admin=True)
    await sign_in(client, admin)

    bad = await post_form(
        client, "/admin/programs", {"name": "Lakeside Teen Court", "slug": "Lakeside Court!"}
    )
    good = await post_form(client, "/admin/programs", {"name": "Lakeside Teen Court", "slug": "lakeside"})
    again = await post_form(client, "/admin/programs", {"name": "Another", "slug": "lakeside"})

    assert bad.status_code == 422
    assert 'value="Lakeside Teen Court"' in bad.text
    assert good.status_code == 303
    assert again.status_code == 422
    assert "already uses this short name" in again.text
    programs = (await db.scalars(select(Program).where(Program.slug == "lakeside"))).all()
    assert len(programs) == 1
    listing = await client.get("/admin/programs")
    assert "Lakeside Teen Court" in listing.text


async def test_program_page_is_for_site_admins_only(client, db):
    program = await make_program(db)
    await sign_in(client, await make_user(db, program, Role.PROGRAM_ADMIN))
    response = await post_form(client, "/admin/programs", {"name": "Sneaky", "slug": "sneaky"})
    assert response.status_code == 403
    assert await db.scalar(select(Program).where(Program.slug == "sneaky")) is None


async def test_htmx_keeps_no_page_copies_in_browser_storage_and_runs_no_script(client, db):
    """htmx's history cache would keep copies of pages, names and all, in localStorage."""
    response = await client.get("/login")

    config = json.loads(
        html.unescape(re.search(r'name="htmx-config" content=\'([^\']+)\'', response.text)[1])
    )
    assert config["historyCacheSize"] == 0
    assert config["allowEval"] is False and config["allowScriptTags"] is False
