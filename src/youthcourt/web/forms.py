"""Form handling: read the posted fields, collect errors per field, re-render with everything kept.

Every form page follows one pattern: the handler reads ``FormData``, checks it into a
``Form`` (values plus errors), and either saves and redirects, or re-renders the same
template with ``form`` and HTTP 422. Templates show fields with the ``field`` macro in
``templates/_forms.html``.
"""

from __future__ import annotations

import calendar
import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from babel.numbers import get_decimal_symbol
from litestar.enums import RequestEncodingType
from litestar.params import Body

from youthcourt.web.i18n import N_, current_locale, enter_message, gettext, has_translation
from youthcourt.web.numbers import decimal_places, format_number, parse_number

FormData = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
"""Type of a handler's ``data`` parameter for a posted HTML form."""

MAX_FIELD_LENGTH = 10_000


def _text(value: Any) -> str:
    """A posted value as text, without NUL characters: no field means one, and PostgreSQL cannot store it."""
    return str(value).replace("\x00", "")[:MAX_FIELD_LENGTH]


_LONG_NUMBER = re.compile(r"[+-]?[0-9]{16,}(?:\.[0-9]+)?|[+-]?[0-9]+\.[0-9]{16,}")
"""Digits past what :func:`parse_number` reads: a number, only too long to be plausible."""


def _sentence(label: str) -> str:
    """A label starting a message: its first letter upper-case, the rest as written ("class C")."""
    return label[:1].upper() + label[1:]


class Label(str):
    """A label already in the reader's language: a translated label completed with its words
    ("el mínimo de servicio comunitario para la clase A"), which no catalog holds whole."""


def about(label: str, message: str, **variables: object) -> str:
    """``message`` (marked with ``N_``) about the field called ``label``: ``%(what)s`` is the label,
    ``%(What)s`` the label starting a sentence.

    As with :func:`enter_message`, the message is in the active language only when the label is,
    so a form whose labels are not translated yet stays whole in English.
    """
    if isinstance(label, Label):
        return gettext(message, what=label, What=_sentence(label), **variables)
    if has_translation(label):
        what = gettext(label)
        return gettext(message, what=what, What=_sentence(what), **variables)
    return message % {"what": label, "What": _sentence(label), **variables}


_PLACES = {
    0: N_("%(What)s must be a whole number."),
    1: N_("%(What)s can have at most one decimal place."),
    2: N_("%(What)s can have at most two decimal places."),
}


def enter(label: str) -> str:
    """The error of a required field left empty (:func:`enter_message`), for a completed label too."""
    if isinstance(label, Label):
        return gettext("Enter %(what)s.", what=label)
    return enter_message(label)


def _too_precise(label: str, places: int) -> str:
    if places in _PLACES:
        return about(label, _PLACES[places])
    return about(label, N_("%(What)s can have at most %(places)s decimal places."), places=places)


_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]{1,15},[0-9]{1,15}")


def _with_decimal_point(raw: str) -> str:
    """``12,5`` as ``12.5`` where the reader's language writes a decimal comma (Spanish pages show
    "12,5 horas"); elsewhere a comma stays what it is, and the number is refused."""
    if _DECIMAL_COMMA.fullmatch(raw) and get_decimal_symbol(current_locale()) == ",":
        return raw.replace(",", ".")
    return raw


_MAIL_ADDRESS = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")
"""One @, something before it, and a domain of dotted names after it: what mail can be sent to
("maria@@ejemplo.org" or "maria@ejemplo" would be queued and never arrive)."""


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
            self.error(name, enter(label))
        elif len(value) > max_length:
            self.error(name, about(label, N_("%(What)s must be at most %(max)s characters."), max=max_length))
        return value

    def email(self, name: str = "email", *, required: bool = True) -> str:
        value = self.text(name, N_("an email address"), required=required, max_length=254).lower()
        if value and not _MAIL_ADDRESS.fullmatch(value):
            self.error(name, gettext("Enter an email address like name@example.org."))
        return value

    def number(
        self,
        name: str,
        label: str,
        *,
        places: int = 0,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
        allow_zero: bool = False,
        allow_negative: bool = False,
        required: bool = True,
        example: str = "12",
    ) -> Decimal | None:
        """A number in plain decimal notation with at most ``places`` decimal places.

        Positive unless ``allow_zero`` or ``allow_negative``; ``maximum`` bounds its size. With
        ``minimum`` the number must lie from ``minimum`` to ``maximum`` (a range such as 1 to 20).
        """
        raw = self.values.get(name, "").strip()
        if not raw:
            if required:
                self.error(name, enter(label))
            return None
        value = parse_number(_with_decimal_point(raw))
        if value is None and _LONG_NUMBER.fullmatch(raw):
            self.error(
                name,
                about(label, N_("%(What)s is too large: enter at most %(max)s."), max=format_number(maximum))
                if maximum is not None
                else about(label, N_("%(What)s is too large: enter a number of at most 15 digits.")),
            )
        elif value is None:
            self.error(
                name,
                about(label, N_("Enter %(what)s as a number, for example %(example)s."), example=example),
            )
        elif decimal_places(value) > places:
            self.error(name, _too_precise(label, places))
        elif minimum is not None:
            self._in_range(name, label, value, minimum, maximum)
        elif value == 0 and not allow_zero:
            self.error(
                name,
                about(label, N_("%(What)s cannot be zero."))
                if allow_negative
                else about(label, N_("%(What)s must be more than 0.")),
            )
        elif value < 0 and not allow_negative:
            self.error(
                name,
                about(label, N_("%(What)s must be more than 0."))
                if not allow_zero
                else about(label, N_("%(What)s cannot be negative.")),
            )
        elif maximum is not None and abs(value) > maximum:
            self.error(
                name, about(label, N_("%(What)s must be at most %(max)s."), max=format_number(maximum))
            )
        return value if name not in self.errors else None

    def _in_range(
        self, name: str, label: str, value: Decimal, minimum: Decimal | int, maximum: Decimal | int | None
    ) -> None:
        if value < 0 <= minimum:
            self.error(name, about(label, N_("%(What)s cannot be negative.")))
        elif value < minimum or (maximum is not None and value > maximum):
            low = format_number(minimum)
            self.error(
                name,
                about(
                    label,
                    N_("%(What)s must be from %(min)s to %(max)s."),
                    min=low,
                    max=format_number(maximum),
                )
                if maximum is not None
                else about(label, N_("%(What)s must be at least %(min)s."), min=low),
            )

    def choice(self, name: str, label: str, options: Mapping[str, Any]) -> str:
        value = self.values.get(name, "")
        if value not in options:
            self.error(name, about(label, N_("Choose %(what)s.")))
        return value

    def past_date(
        self, name: str, label: str, today: datetime.date, *, required: bool = True
    ) -> datetime.date | None:
        """A date that cannot be in the future (something that already happened)."""
        value = self.date(name, label, required=required)
        if value and value > today:
            self.error(name, about(label, N_("%(What)s cannot be in the future.")))
        return value

    def time(self, name: str, label: str) -> datetime.time | None:
        """A required time of day, to the minute."""
        value = self.values.get(name, "").strip()
        if not value:
            self.error(name, enter(label))
            return None
        try:
            return datetime.time.fromisoformat(value).replace(second=0, microsecond=0)
        except ValueError:
            self.error(name, about(label, N_("Enter %(what)s as a time, for example 18:30.")))
            return None

    def month(self, name: str, label: str, *, last_day: bool = False) -> datetime.date | None:
        """A required calendar month (YYYY-MM, as a month input sends it), as its first or last day."""
        value = self.values.get(name, "").strip()
        if not value:
            self.error(name, enter(label))
            return None
        try:
            first = datetime.date.fromisoformat(f"{value}-01") if len(value) == 7 else None
        except ValueError:
            first = None
        if first is None:
            self.error(name, about(label, N_("Enter %(what)s as a year and month, for example 2026-03.")))
            return None
        if not last_day:
            return first
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])

    def date(self, name: str, label: str, *, required: bool = True) -> datetime.date | None:
        value = self.values.get(name, "").strip()
        if not value:
            if required:
                self.error(name, enter(label))
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.error(name, about(label, N_("Enter %(what)s as a real date, for example 2026-03-14.")))
            return None


# ---------------------------------------------------------------------------------------------
# Declared forms


@dataclass(frozen=True)
class Context:
    """What a form's fields need besides what was typed: today's date, options read from the database,
    and words that complete labels (``{which}`` in "{which} phone number")."""

    today: datetime.date | None = None
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)


class Field:
    """One declared field: its name in the form, the label its messages use, and how it is read.

    A field reads its value through :class:`Form`, so every form gives the same messages, keeps what
    was typed and reports errors per field.
    """

    def __init__(self, label: str = "", *, required: bool = True, name: str | None = None) -> None:
        self.label = label
        self.required = required
        self.name = name or ""

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute
        self.name = self.name or attribute

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        """On the class, the field; on a read form the value is an instance attribute and wins."""
        return self

    def label_in(self, context: Context) -> str:
        """The label completed with the context's words; translated first when the catalog has it
        (the words are then expected in the reader's language too)."""
        if not context.words:
            return self.label
        if has_translation(self.label):
            return Label(gettext(self.label).format(**context.words))
        return self.label.format(**context.words)

    def read(self, form: Form, name: str, context: Context) -> Any:
        raise NotImplementedError


class Text(Field):
    def __init__(self, label: str, *, required: bool = True, max_length: int = 200, name: str | None = None):
        super().__init__(label, required=required, name=name)
        self.max_length = max_length

    def read(self, form: Form, name: str, context: Context) -> str:
        return form.text(name, self.label_in(context), required=self.required, max_length=self.max_length)


class Email(Field):
    def read(self, form: Form, name: str, context: Context) -> str:
        return form.email(name, required=self.required)


class Number(Field):
    """A number in plain decimal notation (see :mod:`youthcourt.web.numbers`); whole numbers come back as int."""

    def __init__(
        self,
        label: str,
        *,
        places: int = 0,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
        allow_zero: bool = False,
        allow_negative: bool = False,
        required: bool = True,
        example: str = "12",
        name: str | None = None,
    ) -> None:
        super().__init__(label, required=required, name=name)
        self.bounds = {
            "places": places,
            "minimum": minimum,
            "maximum": maximum,
            "allow_zero": allow_zero,
            "allow_negative": allow_negative,
            "example": example,
        }

    def read(self, form: Form, name: str, context: Context) -> Decimal | int | None:
        value = form.number(name, self.label_in(context), required=self.required, **self.bounds)
        return int(value) if value is not None and self.bounds["places"] == 0 else value


class Date(Field):
    """A date; with ``past=True`` it cannot be after the context's today (something that already happened)."""

    def __init__(self, label: str, *, required: bool = True, past: bool = False, name: str | None = None):
        super().__init__(label, required=required, name=name)
        self.past = past

    def read(self, form: Form, name: str, context: Context) -> datetime.date | None:
        label = self.label_in(context)
        if self.past:
            assert context.today is not None, f"{name} needs today's date"
            return form.past_date(name, label, context.today, required=self.required)
        return form.date(name, label, required=self.required)


class Month(Field):
    """A calendar month, read as its first day, or its last with ``last_day=True`` (the end of a range)."""

    def __init__(self, label: str, *, last_day: bool = False, name: str | None = None):
        super().__init__(label, name=name)
        self.last_day = last_day

    def read(self, form: Form, name: str, context: Context) -> datetime.date | None:
        return form.month(name, self.label_in(context), last_day=self.last_day)


class Time(Field):
    def read(self, form: Form, name: str, context: Context) -> datetime.time | None:
        return form.time(name, self.label_in(context))


class Choice(Field):
    """One of ``options``; options that come from the database are given in the context, by field name."""

    def __init__(
        self,
        label: str,
        *,
        options: Mapping[str, Any] | None = None,
        required: bool = True,
        name: str | None = None,
    ) -> None:
        super().__init__(label, required=required, name=name)
        self.options = options

    def read(self, form: Form, name: str, context: Context) -> str:
        options = self.options if self.options is not None else context.options[self.attribute]
        if not self.required and not form.get(name):
            return ""
        return form.choice(name, self.label_in(context), options)


class Many(Field):
    """A checkbox group: the ticked values, in the order of ``options`` when the field has options."""

    def __init__(self, label: str = "", *, options: Mapping[str, Any] | None = None, name: str | None = None):
        super().__init__(label, required=False, name=name)
        self.options = options

    def read(self, form: Form, name: str, context: Context) -> list[str]:
        ticked = form.many(name)
        options = self.options if self.options is not None else context.options.get(self.attribute)
        return ticked if options is None else [option for option in options if option in ticked]


class Flag(Field):
    """A single checkbox: ticked or not."""

    def __init__(self, label: str = "", *, name: str | None = None) -> None:
        super().__init__(label, required=False, name=name)

    def read(self, form: Form, name: str, context: Context) -> bool:
        return bool(form.get(name).strip())


class Id(Field):
    """The id of a record chosen in the form; an id that is not one is treated as none (not found later)."""

    def read(self, form: Form, name: str, context: Context) -> UUID | None:
        value = parse_uuid(form.get(name).strip())
        if value is None and self.required:
            form.error(name, about(self.label_in(context), N_("Choose %(what)s.")))
        return value


class Hidden(Field):
    """A value the page itself put in the form (a version, a one-time token): kept as sent, at most 64 characters."""

    def __init__(self, *, name: str | None = None) -> None:
        super().__init__("", required=False, name=name)

    def read(self, form: Form, name: str, context: Context) -> str:
        return form.get(name).strip()[:64]


class DeclaredForm:
    """A form declared once: its fields as class attributes, its cross-field rules in :meth:`check`.

    ``ContactForm.read(data, today=...)`` reads every field through one :class:`Form`, which keeps
    what was typed and the errors per field for the re-rendered page (HTTP 422); the values are
    attributes of the result (``contact.summary``). Rows repeated in a page (a second guardian, a
    courtroom row) are the same class read with a ``prefix``.
    """

    fields: dict[str, Field] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        inherited = {
            k: v for base in reversed(cls.__mro__[1:]) for k, v in getattr(base, "fields", {}).items()
        }
        own = {k: v for k, v in vars(cls).items() if isinstance(v, Field)}
        clashes = set(own) & set(vars(DeclaredForm))
        assert not clashes, f"{cls.__name__}: fields {clashes} would hide DeclaredForm's own attributes"
        cls.fields = {**inherited, **own}

    def __init__(self, form: Form, context: Context, prefix: str = "") -> None:
        self.form = form
        self.context = context
        self.prefix = prefix

    @classmethod
    def read(
        cls,
        data: Form | Mapping[str, Any] | None,
        *,
        today: datetime.date | None = None,
        options: Mapping[str, Mapping[str, Any]] | None = None,
        words: Mapping[str, str] | None = None,
        prefix: str = "",
    ) -> Any:
        """Read and check every field; errors go on ``.form``. Returns an instance of the class."""
        form = data if isinstance(data, Form) else Form.from_data(data)
        context = Context(today=today, options=options or {}, words=words or {})
        declared = cls(form, context, prefix)
        for attribute, declared_field in cls.fields.items():
            setattr(declared, attribute, declared_field.read(form, prefix + declared_field.name, context))
        declared.check()
        return declared

    def check(self) -> None:
        """Rules that span fields; a form class overrides it and reports with :meth:`error`."""

    def error(self, attribute: str, message: str) -> None:
        """Record a problem with a declared field (by attribute name)."""
        self.form.error(self.prefix + type(self).fields[attribute].name, message)

    def has_error(self, attribute: str) -> bool:
        return self.prefix + type(self).fields[attribute].name in self.form.errors

    @property
    def is_valid(self) -> bool:
        return self.form.is_valid

    def values(self) -> dict[str, Any]:
        """Every field's value by attribute name (for a model's columns of the same names)."""
        return {attribute: getattr(self, attribute) for attribute in type(self).fields}


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
