"""Small tables offered as CSV downloads: one way to write them, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Sequence
from typing import Any

from litestar import Response
from litestar.response import Stream

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0")
"""A spreadsheet runs a cell that starts with one of these as a formula."""


def spreadsheet_safe(value: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe stops a formula from running."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def file_download(content: str | bytes, media_type: str, file_name: str) -> Response[Any]:
    """A file the browser saves under ``file_name`` rather than shows."""
    return Response(
        content=content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{file_name}"'},
    )


def csv_download(rows: Iterable[Sequence[str]], file_name: str) -> Response[str]:
    """A CSV attachment with a byte-order mark, so spreadsheets read its accents as UTF-8."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    # Litestar adds "; charset=utf-8" to text types.
    return file_download("\ufeff" + out.getvalue(), "text/csv", file_name)


STREAM_BATCH = 500
"""Rows written per chunk of a streamed CSV."""


async def _csv_chunks(rows: AsyncIterable[Sequence[str]]) -> AsyncIterator[bytes]:
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    written = 0
    async for row in rows:
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        written += 1
        if written % STREAM_BATCH == 0:
            yield out.getvalue().encode()
            out.seek(0)
            out.truncate()
    yield out.getvalue().encode()


def csv_stream(rows: AsyncIterable[Sequence[str]], file_name: str) -> Stream:
    """Like :func:`csv_download`, for tables too long to hold in memory: written while it is sent."""
    return Stream(
        _csv_chunks(rows),
        media_type="text/csv",  # Litestar adds "; charset=utf-8" to text types
        headers={"Content-Disposition": f'attachment; filename="{file_name}"', "Cache-Control": "no-store"},
    )
