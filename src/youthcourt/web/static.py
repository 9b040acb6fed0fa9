"""Static files (styles, scripts, icons): versioned addresses, public caching, the usual security headers.

They hold no personal data, so browsers and proxies may keep them, unlike pages. Templates link
them through :func:`static_url`, which adds a version drawn from the file's content: a versioned
address never changes content, so it is cached for a year as immutable, and a new release is
fetched at once because its files have new addresses. An address without the current version
(typed by hand, or left from an older release) is cached for an hour only.
"""

from __future__ import annotations

import hashlib
from functools import cache
from urllib.parse import parse_qs

from litestar.datastructures import MutableScopeHeaders
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from youthcourt.settings import PACKAGE_DIR
from youthcourt.web.headers import security_headers

STATIC_DIR = PACKAGE_DIR / "static"
PREFIX = "/static/"
FILE_PATHS = (PREFIX, "/favicon.ico")
"""Addresses of files that are the same for everyone: no session is looked up and no cookie set for them."""
VERSIONED = "public, max-age=31536000, immutable"
UNVERSIONED = "public, max-age=3600"


@cache
def version_of(relative: str) -> str:
    """A short hash of the file's content, read once per process ("" for a file that does not exist)."""
    path = (STATIC_DIR / relative).resolve()
    if not path.is_relative_to(STATIC_DIR.resolve()) or not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_url(relative: str) -> str:
    """``/static/<relative>?v=<content hash>``: the address templates link static files by."""
    version = version_of(relative)
    return f"{PREFIX}{relative}?v={version}" if version else f"{PREFIX}{relative}"


class StaticHeadersMiddleware:
    """On the static router: the pages' security headers and a public cache policy for every file.

    A middleware rather than an after-request hook, because the policy depends on the address's
    version, which a hook does not see.
    """

    def __init__(self, app: ASGIApp, production: bool) -> None:
        self.app = app
        self.headers = security_headers(production)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        relative = scope["path"].removeprefix(PREFIX)
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("v", [""])[0]
        current = version_of(relative)
        policy = VERSIONED if current and asked == current else UNVERSIONED

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableScopeHeaders.from_message(message)
                for name, value in self.headers.items():
                    headers[name] = value
                if message["status"] < 400:  # an error page may name the signed-in user: never kept
                    headers["Cache-Control"] = policy
            await send(message)

        await self.app(scope, receive, send_with_headers)
