"""``/health``: whether the app and its database answer, for load balancers and monitoring."""

from __future__ import annotations

from typing import Any

from litestar import Response, get
from litestar.di import NamedDependency
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from youthcourt.programs.guards import PUBLIC


@get("/health", opt=PUBLIC, include_in_schema=False)
async def health(db_session: NamedDependency[AsyncSession]) -> Response[dict[str, Any]]:
    try:
        await db_session.execute(text("SELECT 1"))
        database = "ok"
    except Exception:
        database = "unavailable"
    healthy = database == "ok"
    return Response(
        {"status": "ok" if healthy else "degraded", "app": "ok", "database": database},
        status_code=200 if healthy else 503,
        headers={"Cache-Control": "no-store"},
    )
