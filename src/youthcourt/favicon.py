"""``/favicon.ico``: browsers ask for it on every page, whatever the page links."""

from __future__ import annotations

from litestar import get
from litestar.response import File

from youthcourt.programs.guards import PUBLIC
from youthcourt.settings import PACKAGE_DIR

ICON = PACKAGE_DIR / "static" / "favicon.ico"


@get("/favicon.ico", opt=PUBLIC, include_in_schema=False)
async def favicon() -> File:
    """The site icon, public and cached for a day: it holds nothing about anyone."""
    return File(
        ICON,
        media_type="image/x-icon",
        content_disposition_type="inline",
        headers={"Cache-Control": "public, max-age=86400"},
    )
