"""A guard on every address: a NUL character in the query string is refused before any handler reads it.

No filter, search or page number means one, and PostgreSQL cannot compare text holding it: it would
otherwise end as a server error in whichever list the address asked for. A coroutine, like every
guard (see ``programs/guards.py``).
"""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import ValidationException
from litestar.handlers.base import BaseRouteHandler


async def refuse_nul_characters(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    if any("\x00" in key or "\x00" in value for key, value in connection.query_params.multi_items()):
        raise ValidationException("The address holds a character that no page takes.")
