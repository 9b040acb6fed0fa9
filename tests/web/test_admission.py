"""A server process works on a few pages at once, admitted in order of arrival."""

from __future__ import annotations

import asyncio

import pytest

from youthcourt.web.admission import AdmissionMiddleware, Door


class Page:
    """An ASGI app that counts the requests inside it and holds each until told to answer."""

    def __init__(self) -> None:
        self.inside = 0
        self.most_inside = 0
        self.admitted: list[str] = []
        self.answer = asyncio.Event()

    async def __call__(self, scope, receive, send) -> None:
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        self.admitted.append(scope["path"])
        await self.answer.wait()
        self.inside -= 1
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})


async def _send(message) -> None:
    return None


async def _request(app, path: str) -> None:
    await app({"type": "http", "path": path}, None, _send)


async def test_no_more_pages_than_the_places_run_at_once_and_the_rest_wait_in_order():
    page = Page()
    app = AdmissionMiddleware(page, Door(pages_at_once=2))
    requests = [asyncio.create_task(_request(app, f"/cases/{n}")) for n in range(6)]
    await asyncio.sleep(0.01)
    assert page.admitted == ["/cases/0", "/cases/1"]
    page.answer.set()
    await asyncio.gather(*requests)
    assert (page.most_inside, page.admitted) == (2, [f"/cases/{n}" for n in range(6)])


async def test_static_files_pass_without_waiting():
    page = Page()
    app = AdmissionMiddleware(page, Door(pages_at_once=1))
    requests = [asyncio.create_task(_request(app, f"/static/{n}.css")) for n in range(3)]
    await asyncio.sleep(0.01)
    assert page.inside == 3
    page.answer.set()
    await asyncio.gather(*requests)


async def test_a_page_leaves_its_place_when_its_response_starts_not_when_its_body_ends():
    """A download streams its body for a long time; the next page need not wait for it."""
    body_sent = asyncio.Event()

    async def download(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await body_sent.wait()
        await send({"type": "http.response.body", "body": b""})

    async def small(scope, receive, send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def route(scope, receive, send) -> None:
        await (download if scope["path"] == "/download" else small)(scope, receive, send)

    app = AdmissionMiddleware(route, Door(pages_at_once=1))
    streaming = asyncio.create_task(_request(app, "/download"))
    await asyncio.sleep(0.01)
    await asyncio.wait_for(_request(app, "/dashboard"), timeout=1)
    body_sent.set()
    await streaming


async def test_a_page_that_fails_gives_its_place_back():
    async def failing(scope, receive, send) -> None:
        raise RuntimeError("broken")

    app = AdmissionMiddleware(failing, Door(pages_at_once=1))
    for _ in range(3):
        with pytest.raises(RuntimeError, match="broken"):
            await asyncio.wait_for(_request(app, "/cases"), timeout=1)
