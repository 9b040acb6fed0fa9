"""Errors of the JSON API as RFC 9457 problem details (``application/problem+json``).

Every refusal the API gives has the same shape: ``type``, ``title``, ``status``, ``detail`` and,
when the request had fields that were wrong, ``errors``: one entry per field with a JSON pointer
to it and one message, as the app's forms give one message per field.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from litestar import Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import Send
from sqlalchemy.orm.exc import StaleDataError

API_PREFIX = "/api/"
MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"
"""Each problem's ``type`` names its kind; the README's API section explains each one."""
logger = logging.getLogger("youthcourt")

TITLES = {
    400: "The request could not be read",
    401: "An API key is needed",
    403: "Not allowed",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "The request is too large",
    415: "Unsupported media type",
    422: "The request has errors",
    429: "Too many requests",
    500: "Something went wrong on our side",
}
KINDS = {
    400: "bad-request",
    401: "unauthorized",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
    422: "validation",
    429: "rate-limited",
    500: "server-error",
}


def problem_body(
    status: int, detail: str, errors: Sequence[Mapping[str, str]] | None = None, title: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": TYPE_BASE + KINDS.get(status, "error"),
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = [dict(error) for error in errors]
    return body


def problem(
    status: int,
    detail: str,
    errors: Sequence[Mapping[str, str]] | None = None,
    *,
    headers: Mapping[str, str] | None = None,
) -> Response[Any]:
    return Response(
        content=problem_body(status, detail, errors),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


async def send_problem(
    send: Send, status: int, detail: str, *, headers: Mapping[str, str] | None = None
) -> None:
    """The problem as raw ASGI messages, for middleware that answers before any handler."""
    body = json.dumps(problem_body(status, detail)).encode()
    raw = [
        (b"content-type", MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        *((name.lower().encode(), value.encode()) for name, value in (headers or {}).items()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


_INDEX = re.compile(r"\[(\d+)\]")


def pointer(key: str) -> str:
    """A JSON pointer (RFC 6901) to a field named ``youth.first_name`` or ``guardians[0].name``."""
    parts = [part for part in _INDEX.sub(r".\1", key.removeprefix("$.")).split(".") if part]
    return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


_AT = re.compile(r" - at `(\$[^`]*)`$")
_MISSING = re.compile(r"missing required field `([^`]+)`")
WHOLE_BODY = frozenset({"data", "body"})
"""The parser's name for the request body itself: the field is in its message, not in its key."""


def _where(key: str, message: str) -> str:
    """The pointer to the field a parser message is about. For the body, the field is in the message:
    "Expected `str`, got `int` - at `$.youth.date_of_birth`", "Object missing required field `guardians`"."""
    if key and key not in WHOLE_BODY:
        return pointer(key)
    at = _AT.search(message)
    path = at.group(1) if at else "$"
    if missing := _MISSING.search(message):
        path += "." + missing.group(1)
    return pointer(path.removeprefix("$").removeprefix("."))


def validation_errors(exc: ValidationException) -> list[dict[str, str]]:
    """One entry per field from the request parser's messages (the first message of each field).

    The body's parser stops at its first problem, so a body that does not match the schema gets one
    entry; the intake checks that follow report every field they refuse."""
    found: dict[str, str] = {}
    for item in exc.extra if isinstance(exc.extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message") or "This value is not valid.")
        found.setdefault(_where(str(item.get("key") or ""), message), message)
    return [{"pointer": where, "detail": message} for where, message in found.items()]


def from_exception(exc: Exception) -> Response[Any]:
    """The problem answering an exception raised while an API request was handled."""
    if isinstance(exc, ValidationException):
        errors = validation_errors(exc)
        return problem(422, "The request body or parameters do not match the API's schema.", errors)
    if isinstance(exc, StaleDataError):
        return problem(409, "The record changed while the request was handled. Send it again.")
    if isinstance(exc, HTTPException) and exc.status_code < 500:
        detail = exc.detail if exc.detail and exc.detail != TITLES.get(exc.status_code) else ""
        if exc.status_code in (404, 405):
            detail = "There is no such address or record, or it is not one your key can reach."
        return problem(exc.status_code, detail or TITLES.get(exc.status_code, "Error"), headers=exc.headers)
    logger.exception("Unhandled error in the API")
    return problem(500, "The request could not be completed. Nothing was saved; try again later.")
