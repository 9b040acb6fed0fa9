"""In production the session cookie is Secure and host-bound, and browsers are told to use HTTPS only."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from tests.factories import make_program, make_user, sign_in_with_form
from youthcourt.app import create_app
from youthcourt.settings import PRODUCTION, SessionSettings, Settings


@pytest.fixture
async def production(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """The app as production runs it, behind TLS (the cookie is only ever sent over HTTPS)."""
    production_settings = dataclasses.replace(
        settings, env=PRODUCTION, session=SessionSettings(cookie_name="__Host-youthcourt_session")
    )
    async with AsyncTestClient(
        app=create_app(production_settings), base_url="https://youthcourt.test"
    ) as client:
        yield client


async def test_the_session_cookie_is_secure_host_only_http_only_and_lax(production, db):
    program = await make_program(db)
    response = await sign_in_with_form(production, await make_user(db, program))

    cookies = [value for key, value in response.headers.multi_items() if key == "set-cookie"]
    session = next(cookie for cookie in cookies if cookie.startswith("__Host-youthcourt_session="))
    attributes = {part.strip().split("=")[0].lower() for part in session.split(";")[1:]}
    assert {"secure", "httponly", "path"} <= attributes
    assert "domain" not in attributes, "a __Host- cookie must not name a domain"
    assert "samesite=lax" in session.lower()
    assert (await production.get("/dashboard")).status_code == 200


async def test_every_page_tells_browsers_to_use_https_and_keep_nothing(production, db):
    program = await make_program(db)
    await sign_in_with_form(production, await make_user(db, program))

    for path in ("/login", "/dashboard", "/no/such/page"):
        response = await production.get(path, follow_redirects=False)
        assert response.headers["strict-transport-security"].startswith("max-age=31536000")
        assert response.headers["cache-control"] == "no-store"
        policy = response.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert response.headers["referrer-policy"] == "same-origin"


async def test_development_does_not_send_hsts(client, db):
    response = await client.get("/login")

    assert "strict-transport-security" not in response.headers
    assert "unsafe-inline" not in response.headers["content-security-policy"]


async def test_static_files_carry_the_security_headers_and_are_cached_publicly(production, db):
    login = await production.get("/login")
    stylesheet = re.search(r'href="(/static/app\.css\?v=[0-9a-f]+)"', login.text)
    assert stylesheet, "pages link static files by versioned addresses"

    versioned = await production.get(stylesheet.group(1))
    plain = await production.get("/static/app.css")
    stale = await production.get("/static/app.css?v=0000000000")

    for response in (versioned, plain, stale):
        assert response.status_code == 200
        assert response.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["strict-transport-security"].startswith("max-age=31536000")
        assert "set-cookie" not in response.headers, "a publicly cached file sets no cookie"
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert plain.headers["cache-control"] == stale.headers["cache-control"] == "public, max-age=3600"
    assert login.headers["cache-control"] == "no-store", "pages are still never kept"
    missing = await production.get("/static/no-such-file.css")
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"


async def test_the_favicon_sets_no_cookie_that_would_replace_the_forms_csrf_token(production, db):
    """A browser asks for /favicon.ico beside the sign-in page; a second CSRF cookie would refuse the form."""
    icon = await production.get("/favicon.ico")

    assert icon.status_code == 200
    assert "set-cookie" not in icon.headers
