"""Health, error pages, security headers and the site admin's programs page."""

from __future__ import annotations

import asyncio
import html
import json
import logging
import re

from litestar import Litestar, Response, get
from litestar.testing import TestClient
from sqlalchemy import select

from tests.factories import (
    csrf_token,
    form_token,
    make_program,
    make_user,
    post_form,
    sign_in,
    sign_in_with_form,
)
from youthcourt.programs.models import Program, Role
from youthcourt.web.downloads import csv_download


async def test_health_reports_app_and_database(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "app": "ok", "database": "ok"}


async def test_unknown_page_gets_a_helpful_404(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program))
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    json = await client.get("/no/such/page", headers={"Accept": "application/json"})
    assert json.json()["status_code"] == 404


async def test_pages_carry_security_headers_and_are_not_cached(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program))
    response = await client.get("/dashboard")
    assert response.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"
    cookie = response.request.headers.get("cookie", "")
    assert "youthcourt_session" in cookie


async def test_session_cookie_is_http_only_and_same_site(client, db):
    program = await make_program(db)
    response = await sign_in_with_form(client, await make_user(db, program))
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie


async def test_site_admin_creates_a_program(client, db):
    admin = await make_user(db, None, None, site_admin=True)
    await sign_in(client, admin)

    zone = {"timezone": "America/New_York"}
    bad = await post_form(
        client, "/admin/programs", {"name": "Lakeside Teen Court", "slug": "Lakeside Court!", **zone}
    )
    good = await post_form(
        client, "/admin/programs", {"name": "Lakeside Teen Court", "slug": "lakeside", **zone}
    )
    again = await post_form(client, "/admin/programs", {"name": "Another", "slug": "lakeside", **zone})

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
    await sign_in_with_form(client, await make_user(db, program, Role.PROGRAM_ADMIN))
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


async def test_every_page_has_a_favicon(client, db):
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program))

    dashboard = await client.get("/dashboard")
    link = re.search(r'<link rel="icon" href="([^"]+)"', dashboard.text)
    icon = await client.get("/favicon.ico")

    assert link is not None
    assert (await client.get(link[1])).status_code == 200
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/")


def test_csv_downloads_name_their_character_set_once():
    @get("/table.csv", sync_to_thread=False)
    def table() -> Response[str]:
        return csv_download([("a", "b"), ("1", "2")], "table.csv")

    with TestClient(Litestar([table])) as test_client:
        response = test_client.get("/table.csv")

    assert response.headers["content-type"] == "text/csv; charset=utf-8"


async def test_a_client_that_leaves_during_the_duplicate_lookup_is_not_an_error(app, client, db, caplog):
    """htmx drops the previous lookup when the coordinator types on: the server sees a disconnect."""
    program = await make_program(db)
    await sign_in_with_form(client, await make_user(db, program, Role.COORDINATOR))
    await form_token(client, "/referrals/new")
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/referrals/youth-matches",
        "raw_path": b"/referrals/youth-matches",
        "root_path": "",
        "query_string": b"",
        "server": ("testserver.local", 80),
        "client": ("127.0.0.1", 50000),
        "headers": [
            (b"host", b"testserver.local"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", b"40"),
            (b"hx-request", b"true"),
            (b"x-csrftoken", csrf_token(client).encode()),
            (b"cookie", cookies.encode()),
        ],
    }
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    with caplog.at_level(logging.INFO):
        # On the loop that serves the client's requests, where the database pool lives.
        await asyncio.wrap_future(client.blocking_portal.start_task_soon(app, scope, receive, send))

    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not [record for record in caplog.records if record.exc_info]
