"""Form handling: read the posted fields, collect errors per field, re-render with everything kept.

Every form page follows one pattern: the handler reads ``FormData``, checks it into a
``Form`` (values plus errors), and either saves and redirects, or re-renders the same
template with ``form`` and HTTP 422. Templates show fields with the ``field`` macro in
``templates/_forms.html``.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from litestar.enums import RequestEncodingType
from litestar.params import Body

from youthcourt.web.numbers import decimal_places, format_number, parse_number

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""Type of a handler's ``data`` parameter for a posted HTML form."""

MAX_FIELD_LENGTH = 10_000


def _text(value: Any) -> str:
    """A posted value as text, without NUL characters: no field means one, and PostgreSQL cannot store it."""
    return str(value).replace("\x00", "")[:MAX_FIELD_LENGTH]


_PLACES = {1: "one decimal place", 2: "two decimal places"}


def _too_precise(label: str, places: int) -> str:
    if places == 0:
        return f"{label.capitalize()} must be a whole number."
    return f"{label.capitalize()} can have at most {_PLACES.get(places, f'{places} decimal places')}."


@dataclass
class Form:
    """What the user typed and what is wrong with it."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    """Every value of fields sent more than once (checkbox groups)."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> Form:
        values: dict[str, str] = {}
        lists: dict[str, list[str]] = {}
        for key, value in (data or {}).items():
            if key == "_csrf_token":
                continue
            items = [_text(v) for v in value] if isinstance(value, list) else [_text(value)]
            lists[key] = items
            values[key] = items[-1][:MAX_FIELD_LENGTH] if items else ""
        return cls(values=values, lists=lists)

    def many(self, name: str) -> list[str]:
        """All values of a checkbox group (empty when none is ticked)."""
        return [v for v in self.lists.get(name, []) if v]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def error(self, name: str, message: str) -> None:
        """Record the first problem with a field (one message per field is easier to act on)."""
        self.errors.setdefault(name, message)

    def text(self, name: str, label: str, *, required: bool = True, max_length: int = 200) -> str:
        value = self.values.get(name, "").strip()
        if required and not value:
            self.error(name, f"Enter {label}.")
        elif len(value) > max_length:
            self.error(name, f"{label.capitalize()} must be at most {max_length} characters.")
        return value

    def email(self, name: str = "email", *, required: bool = True) -> str:
        value = self.text(name, "an email address", required=required, max_length=254).lower()
        if value and ("@" not in value or value.startswith("@") or value.endswith("@") or " " in value):
            self.error(name, "Enter an email address like name@example.org.")
        return value

    def number(
        self,
        name: str,
        label: str,
        *,
        places: int = 0,
        maximum: Decimal | int | None = None,
        allow_zero: bool = False,
        allow_negative: bool = False,
        required: bool = True,
        example: str = "12",
    ) -> Decimal | None:
        """A number in plain decimal notation with at most ``places`` decimal places.

        Positive unless ``allow_zero`` or ``allow_negative``; ``maximum`` bounds its size.
        """
        raw = self.values.get(name, "").strip()
        if not raw:
            if required:
                self.error(name, f"Enter {label}.")
            return None
        value = parse_number(raw)
        if value is None:
            self.error(name, f"Enter {label} as a number, for example {example}.")
        elif decimal_places(value) > places:
            self.error(name, _too_precise(label, places))
        elif value == 0 and not allow_zero:
            self.error(
                name,
                f"{label.capitalize()} cannot be zero."
                if allow_negative
                else f"{label.capitalize()} must be more than 0.",
            )
        elif value < 0 and not allow_negative:
            self.error(
                name,
                f"{label.capitalize()} must be more than 0."
                if not allow_zero
                else f"{label.capitalize()} cannot be negative.",
            )
        elif maximum is not None and abs(value) > maximum:
            self.error(name, f"{label.capitalize()} must be at most {format_number(maximum)}.")
        return value if name not in self.errors else None

    def choice(self, name: str, label: str, options: Mapping[str, Any]) -> str:
        value = self.values.get(name, "")
        if value not in options:
            self.error(name, f"Choose {label}.")
        return value

    def past_date(
        self, name: str, label: str, today: datetime.date, *, required: bool = True
    ) -> datetime.date | None:
        """A date that cannot be in the future (something that already happened)."""
        value = self.date(name, label, required=required)
        if value and value > today:
            self.error(name, f"{label.capitalize()} cannot be in the future.")
        return value

    def time(self, name: str, label: str) -> datetime.time | None:
        """A required time of day, to the minute."""
        value = self.values.get(name, "").strip()
        if not value:
            self.error(name, f"Enter {label}.")
            return None
        try:
            return datetime.time.fromisoformat(value).replace(second=0, microsecond=0)
        except ValueError:
            self.error(name, f"Enter {label} as a time, for example 18:30.")
            return None

    def date(self, name: str, label: str, *, required: bool = True) -> datetime.date | None:
        value = self.values.get(name, "").strip()
        if not value:
            if required:
                self.error(name, f"Enter {label}.")
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(name, f"Enter {label} as a real date, for example 2026-03-14.")
            return None


def parse_uuid(value: str | None) -> UUID | None:
    """An id from a form or query field, or None when it is not one (a tampered field is simply not found)."""
    try:
        return UUID(value) if value else None
    except (TypeError, ValueError):
        return None


def new_submission_token() -> str:
    """A one-time token for a create form: posted twice (a double click), it creates one record."""
    import secrets

    return secrets.token_urlsafe(24)
