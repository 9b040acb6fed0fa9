"""Reading an uploaded CSV or XLSX file into its header and rows of text, and nothing else.

A workbook is read with openpyxl in read-only mode (rows streamed, not the whole sheet in memory),
its first sheet only; spreadsheet dates become YYYY-MM-DD and whole numbers lose their ``.0``.
The file itself is never written anywhere: the rows are what the import keeps while it is staged.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from youthcourt.reports.comparison import FileRejected, decode
from youthcourt.web.i18n import N_, _

MAX_BYTES = 10 * 1024 * 1024
MAX_REQUEST_BYTES = MAX_BYTES + 64 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL = 2_000
WORKBOOK = b"PK\x03\x04"
TOO_MANY_ROWS = N_("The file has more than %(max)s rows. Split it into several files.")
TOO_MANY_COLUMNS = N_("The file has more than %(max)s columns. Keep only the columns to import.")
NO_HEADER = N_("The first row must name the columns (a header row).")
NO_ROWS = N_("The file has a header row but no rows to import.")
NOT_A_WORKBOOK = N_(
    "This file could not be read as an XLSX workbook. Save it again from the spreadsheet, or as CSV."
)
"""Why a file is refused, in English (the catalog's keys): the messages are translated when raised."""


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[list[str]]


async def read_upload(upload: Any) -> bytes:
    """The uploaded file's bytes, refused beyond :data:`MAX_BYTES`."""
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileRejected(
            _(
                "The file is larger than %(max)s MB. Split it into several files.",
                max=MAX_BYTES // (1024 * 1024),
            )
        )
    return data


def read_sheet(raw: bytes) -> Sheet:
    """The file's header and rows as text; :class:`FileRejected` says why a file cannot be read."""
    table = _workbook_rows(raw) if raw.startswith(WORKBOOK) else _csv_rows(decode(raw))
    header = next(table, None)
    if header is None or not any(cell.strip() for cell in header):
        raise FileRejected(_(NO_HEADER))
    if len(header) > MAX_COLUMNS:
        raise FileRejected(_(TOO_MANY_COLUMNS, max=MAX_COLUMNS))
    headers = _unique_headers(header)
    rows = []
    for cells in table:
        if not any(cell.strip() for cell in cells):
            continue  # an empty line, or a formatted but empty spreadsheet row
        if len(rows) == MAX_ROWS:
            raise FileRejected(_(TOO_MANY_ROWS, max=f"{MAX_ROWS:,}"))
        rows.append([cell.strip()[:MAX_CELL] for cell in (cells + [""] * len(headers))[: len(headers)]])
    if not rows:
        raise FileRejected(_(NO_ROWS))
    return Sheet(headers, rows)


def _unique_headers(cells: list[str]) -> list[str]:
    """Headers as written, an empty one named by its place, a repeated one numbered."""
    seen: dict[str, int] = {}
    headers = []
    for place, cell in enumerate(cells, start=1):
        name = cell.strip()[:100] or f"Column {place}"  # a header, stored with the import: not translated
        seen[name] = seen.get(name, 0) + 1
        headers.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return headers


def _csv_rows(text: str) -> Any:
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise FileRejected(
            _(
                "Line %(line)s could not be read as CSV (%(error)s); check its quotes.",
                line=reader.line_num,
                error=error,
            )
        ) from None


def _workbook_rows(raw: bytes) -> Any:
    from openpyxl import load_workbook  # only an XLSX upload needs it

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise FileRejected(_(NOT_A_WORKBOOK)) from None
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS + 1):
            cells = [_cell_text(value) for value in values]
            while cells and not cells[-1]:
                cells.pop()  # read-only sheets pad every row to the widest
            yield cells
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
