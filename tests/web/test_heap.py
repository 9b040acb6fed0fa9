"""A serving app keeps its start-up objects out of the collector's full passes (``web/heap.py``)."""

from __future__ import annotations

import gc

from litestar import Litestar
from litestar.testing import AsyncTestClient


def _collected(obj: object) -> bool:
    """Whether a full collection would walk ``obj``: the frozen generation is not listed."""
    return any(candidate is obj for candidate in gc.get_objects())


async def test_a_started_app_is_frozen_until_it_stops(app: Litestar):
    assert gc.is_tracked(app.state)
    assert _collected(app.state)
    async with AsyncTestClient(app=app, base_url="http://testserver.local") as client:
        assert not _collected(app.state)
        assert gc.get_freeze_count() > 100_000  # the app with its modules, not a handful of objects
        assert (await client.get("/health")).status_code == 200
    assert gc.get_freeze_count() == 0
    assert _collected(app.state)
