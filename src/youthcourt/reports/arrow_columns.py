"""Arrow columns built from an export's rows without pandas.

``pyarrow.array`` asks whether its argument is a pandas object before anything else, and to ask,
imports pandas: about 52 MiB in a process that never uses it, a quarter of what a Parquet export
may take. An export's columns are plain Python values of four kinds, so their buffers are written
here directly (Arrow's layout: a validity bitmap, then values, or offsets and bytes for text) and
handed to ``Array.from_buffers``, which takes them as they are.
"""

from __future__ import annotations

import datetime
import sys
from array import array
from collections.abc import Sequence
from typing import Any

import pyarrow as pa

EPOCH = datetime.date(1970, 1, 1).toordinal()

if sys.byteorder != "little":  # pragma: no cover - Arrow's buffers are little-endian
    raise ImportError("Arrow columns are written for little-endian machines")


def _bitmap(flags: Sequence[bool]) -> pa.Buffer:
    bits = bytearray((len(flags) + 7) // 8)
    for position, flag in enumerate(flags):
        if flag:
            bits[position >> 3] |= 1 << (position & 7)
    return pa.py_buffer(bits)


def _validity(values: Sequence[Any]) -> tuple[pa.Buffer | None, int]:
    missing = sum(value is None for value in values)
    return (_bitmap([value is not None for value in values]) if missing else None), missing


def _text(values: Sequence[Any]) -> list[pa.Buffer]:
    encoded = [b"" if value is None else str(value).encode() for value in values]
    offsets = array("i", [0])
    end = 0
    for item in encoded:
        end += len(item)
        offsets.append(end)
    return [pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(encoded))]


def _whole_numbers(values: Sequence[Any]) -> list[pa.Buffer]:
    return [pa.py_buffer(array("i", [0 if value is None else int(value) for value in values]).tobytes())]


def _days(values: Sequence[Any]) -> list[pa.Buffer]:
    days = [0 if value is None else value.toordinal() - EPOCH for value in values]
    return [pa.py_buffer(array("i", days).tobytes())]


def _flags(values: Sequence[Any]) -> list[pa.Buffer]:
    return [_bitmap([bool(value) for value in values])]


_WRITERS = {pa.string(): _text, pa.int32(): _whole_numbers, pa.date32(): _days, pa.bool_(): _flags}


def column(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """One column of ``kind`` (text, 32-bit integer, date or boolean); ``None`` is a missing value."""
    validity, missing = _validity(values)
    buffers = [validity, *_WRITERS[kind](values)]
    return pa.Array.from_buffers(kind, len(values), buffers, null_count=missing)
