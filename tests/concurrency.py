"""Parallel requests against a real server, for the rules that must hold under concurrency.

The in-process test client serves one request at a time, so it cannot show a race. Here the
app runs in uvicorn on a loopback port, in a thread with its own event loop, and
:func:`fire` sends N requests at once through separate connections: their database
transactions truly overlap, on SQLite and on PostgreSQL. The invariant is then checked in
the database, never in the responses alone.
"""

from __future__ import annotations

import asyncio
import re
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import uvicorn
from litestar import Litestar

from tests.factories import PASSWORD, hidden_fields, unused_code
from youthcourt.accounts.models import User


@asynccontextmanager
async def running_server(app: Litestar) -> AsyncIterator[str]:
    """Serve ``app`` on a free loopback port for the duration of the block; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        await asyncio.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.to_thread(thread.join, 20)


class Browser:
    """One signed-in person, as a browser with its own cookies, talking to the running server."""

    def __init__(self, base_url: str) -> None:
        self.http = httpx.AsyncClient(base_url=base_url, follow_redirects=False, timeout=60)

    async def sign_in(self, user: User, database_url: str, password: str = PASSWORD) -> None:
        token = await self.csrf("/login")
        response = await self.http.post(
            "/login", data={"email": user.email, "password": password, "_csrf_token": token}
        )
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        if location.startswith("/login/code"):
            next_path = parse_qs(urlsplit(location).query).get("next", [""])[0]
            code = unused_code(database_url, user.email)
            response = await self.http.post(
                "/login/code", data={"code": code, "next": next_path, "_csrf_token": self.token}
            )
            assert response.status_code == 303, response.text

    async def csrf(self, path: str) -> str:
        """Load ``path`` and return the token its forms carry."""
        response = await self.http.get(path)
        match = re.search(r'name="_csrf_token" value="([^"]+)"', response.text)
        assert match, f"no form token on {path}"
        return match.group(1)

    @property
    def token(self) -> str:
        return self.http.cookies.get("youthcourt_csrf") or ""

    async def form_fields(self, path: str) -> dict[str, str]:
        """The hidden fields of the first form on ``path`` that has them, as a browser would send them."""
        response = await self.http.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code}"
        fields = hidden_fields(response.text)
        assert "_csrf_token" in fields, f"no form on {path}"
        return fields

    async def post(self, path: str, data: dict[str, str], **kwargs: Any) -> httpx.Response:
        return await self.http.post(path, data={"_csrf_token": self.token, **data}, **kwargs)

    async def close(self) -> None:
        await self.http.aclose()


async def fire(count: int, send: Callable[[int], Awaitable[httpx.Response]]) -> list[httpx.Response]:
    """Start ``count`` requests together (``send(i)`` makes the i-th) and return every answer."""
    return list(await asyncio.gather(*(send(i) for i in range(count))))
