"""Numbers typed into forms and shown on pages: one parser and one format for the whole app.

People type quantities (hours, credits, letters) in plain decimal notation. ``Decimal`` and
``float`` also read ``1e3``, ``NaN``, ``inf`` and, after a careless ``replace(",", "")``,
``1,000.5``; none of them is what anyone means in a form, so none is a number here.
"""

from __future__ import annotations

import re
from decimal import Decimal

_PLAIN = re.compile(r"[+-]?[0-9]{1,15}(?:\.[0-9]{1,15})?")


def parse_number(raw: str) -> Decimal | None:
    """The number ``raw`` spells in plain decimal notation, or None when it spells none."""
    text = raw.strip()
    return Decimal(text) if _PLAIN.fullmatch(text) else None


def decimal_places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def format_number(value: Decimal | int | float | None) -> str:
    """12 rather than 12.00, 12.5 rather than 12.50: no trailing zeros, at most two decimals."""
    number = Decimal(str(value or 0)).quantize(Decimal("0.01"))
    if number == number.to_integral_value():
        return str(int(number))
    return f"{number:.2f}".rstrip("0")
