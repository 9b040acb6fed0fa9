"""Admission: a server process works on a few pages at once; the others wait their turn, in order.

An asyncio server takes every request the moment it arrives and interleaves them all, a step of
one and a step of another at each database round trip. Under load that shares the processor
unevenly: a page arriving among sixteen waits behind all the others' steps at each of its own, and
the slowest twentieth of requests took three times the median. Admitted a few at a time, in order
of arrival, a page runs its steps with little to wait for, and the waiting is done once, at the
door, where it is fair. A few rather than one, so the processor has work while a page waits for
the database.

Static files pass straight in: they cost next to nothing. A page leaves its place when its
response starts (after its transaction has committed); a download's body streams on outside.
"""

from __future__ import annotations

import asyncio
from weakref import WeakKeyDictionary

from litestar.types import ASGIApp, Message, Receive, Scope, Send

from youthcourt.web.static import FILE_PATHS

PAGES_AT_ONCE = 4
"""Measured with ``make bench`` on 2 cores: fewer left the processor idle during database trips,
more brought back the long tail."""


class Door:
    """The places of one app, shared by the middleware Litestar builds for each of its routes.

    One set per event loop: a semaphore belongs to the loop it first waits in, and the tests run
    one app in several loops.
    """

    def __init__(self, pages_at_once: int = PAGES_AT_ONCE) -> None:
        self.pages_at_once = pages_at_once
        self._places: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = WeakKeyDictionary()

    def places(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if loop not in self._places:
            self._places[loop] = asyncio.Semaphore(self.pages_at_once)
        return self._places[loop]


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp, door: Door) -> None:
        self.app = app
        self.door = door

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(FILE_PATHS):
            await self.app(scope, receive, send)
            return
        places = self.door.places()
        await places.acquire()
        admitted = True

        def leave() -> None:
            nonlocal admitted
            if admitted:
                admitted = False
                places.release()

        async def send_and_leave(message: Message) -> None:
            if message["type"] == "http.response.start":
                leave()
            await send(message)

        try:
            await self.app(scope, receive, send_and_leave)
        finally:
            leave()
