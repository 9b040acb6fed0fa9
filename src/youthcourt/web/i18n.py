"""The app in English and Spanish: the active language, translated text, and dates and numbers.

The language is per request (a context variable): the signed-in user's own choice, else the
first language of the browser's ``Accept-Language`` that the app speaks, else English. The
session middleware sets it (:func:`use_locale`); a letter to a family switches it to the
guardian's language while it is written.

Text goes through :func:`gettext` (``_``) and :func:`ngettext`, in Python and in templates
(Jinja's i18n extension, new-style: ``{{ _("Hi %(name)s", name=...) }}`` and ``{% trans %}``).
The catalogs are ``locale/<lang>/LC_MESSAGES/messages.po``, committed; each process compiles
them in memory the first time it needs them, so a fresh clone needs no build step and a changed
catalog is never shadowed by a stale ``.mo`` file. ``make messages`` extracts new strings.

A test (``tests/web/test_translations.py``) holds every template to having no visible word outside
the translation functions, so a new template is checked from its first line.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import io
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from decimal import Decimal
from pathlib import Path

from babel.core import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import get_decimal_symbol
from babel.support import Translations
from jinja2 import Environment
from markupsafe import Markup

from youthcourt.web.numbers import format_number

LANGUAGES = {"en": "English", "es": "Español"}
"""The languages the app speaks, each named in itself (as the language menu shows them)."""
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_active: ContextVar[str] = ContextVar("youthcourt_language", default=DEFAULT_LANGUAGE)


def current_language() -> str:
    return _active.get()


@functools.cache
def babel_locale(language: str) -> Locale:
    """The language's Babel locale, parsed once: given a code, Babel parses it again on every date
    and figure it formats (a few microseconds each, dozens of times a page)."""
    return Locale.parse(language)


def current_locale() -> Locale:
    return babel_locale(current_language())


def known_language(code: str | None) -> str | None:
    """``code`` when the app speaks it (``es-MX`` counts as ``es``), else None."""
    primary = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return primary if primary in LANGUAGES else None


def from_accept_language(header: str | None) -> str | None:
    """The browser's most preferred language among those the app speaks (RFC 9110 quality values)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate((header or "").split(",")):
        tag, _sep, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if (language := known_language(tag)) and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def choose_language(account_language: str | None, accept_language: str | None) -> str:
    """The account's language, else the browser's, else English."""
    return known_language(account_language) or from_accept_language(accept_language) or DEFAULT_LANGUAGE


@contextlib.contextmanager
def use_locale(language: str | None) -> Iterator[str]:
    """Speak ``language`` (English when unknown) inside the block: a request, or a family's letter."""
    chosen = known_language(language) or DEFAULT_LANGUAGE
    token = _active.set(chosen)
    try:
        yield chosen
    finally:
        _active.reset(token)


def adopt_language(language: str | None) -> None:
    """Speak ``language`` for the rest of this request's task, where no block surrounds the work
    (an error page for an address no route matched, which runs outside the middleware)."""
    _active.set(known_language(language) or DEFAULT_LANGUAGE)


@functools.cache
def translations(language: str) -> Translations:
    """The language's catalog, compiled in memory from its ``.po`` file once per process.

    Fuzzy entries are left out (they fall back to English), as ``msgfmt`` does.
    """
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"
    if not po_path.exists():
        return Translations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled)


def gettext(message: str, **variables: object) -> str:
    """``message`` in the active language, with ``%(name)s`` placeholders filled from ``variables``."""
    text = translations(current_language()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, count: int | float | Decimal, **variables: object) -> str:
    """The singular or plural form for ``count`` (``%(num)s`` is the count)."""
    text = translations(current_language()).ungettext(
        singular, plural, int(count) if count == int(count) else 2
    )
    return text % {"num": format_plain_number(count), **variables}


def pgettext(context: str, message: str, **variables: object) -> str:
    """``message`` as used in ``context``, where one English word needs two translations
    ("Open" as a link is "Abrir", as a status "Pendiente")."""
    text = translations(current_language()).upgettext(context, message)
    return text % variables if variables else text


_ = gettext


def has_translation(message: str) -> bool:
    """Whether ``message`` reads right in the active language: English, or in its catalog.

    Messages built from a field's label (``Enter %(what)s.``) are translated only when the label
    is, so a form of an area not yet converted stays whole in English rather than half in each.
    """
    language = current_language()
    return language == DEFAULT_LANGUAGE or message in translations(language)._catalog


def enter_message(label: str) -> str:
    """The error of a required field left empty: ``Enter your password.``"""
    if has_translation(label):
        return gettext("Enter %(what)s.", what=gettext(label))
    return f"Enter {label}."


def N_(message: str) -> str:
    """Mark a constant for the catalog; it is translated where it is shown, with ``_``."""
    return message


def NC_(context: str, message: str) -> str:
    """Mark a constant for the catalog in ``context``; it is shown with ``pgettext(context, message)``,
    where one English word needs its own translation ("Scheduled" for a case, not a hearing)."""
    return message


# In templates: what Jinja's new-style callables do (look the text up, mark it safe, fill its
# placeholders, which escapes their values), as plain functions. Jinja's own take the template's
# context, three calls deep for each ``_``, and one called inside a loop gets a copy of the context
# (about one a row of a list). Every template here is autoescaped (the engine's environment is
# made with ``autoescape=True`` and no template turns it off, both tested), so the
# text is always marked safe, as Jinja's would be: a catalog's text is the app's own, like a template's.
def _template_gettext(message: str, /, **variables: object) -> Markup:
    text = translations(current_language()).ugettext(message)
    if not variables and "%" not in text:
        return Markup(text)  # noqa: S704 - what ``% {}`` would give, without the formatting
    return Markup(text) % variables  # noqa: S704


def _template_pgettext(context: str, message: str, /, **variables: object) -> Markup:
    variables.setdefault("context", context)
    return Markup(translations(current_language()).upgettext(context, message)) % variables  # noqa: S704


def _template_ngettext(singular: str, plural: str, count: int | Decimal, /, **variables: object) -> Markup:
    variables.setdefault("num", count)
    whole = int(count) if count == int(count) else 2  # 1.5 credits are plural
    return Markup(translations(current_language()).ungettext(singular, plural, whole)) % variables  # noqa: S704


def install(env: Environment) -> None:
    """Give a Jinja environment ``_``, ``gettext``, ``ngettext``, ``pgettext`` and ``{% trans %}``."""
    if env.autoescape is not True:
        raise ValueError("The template callables mark text safe: the environment must autoescape.")
    env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # {% trans %} passes its values as keywords
    env.globals.update(
        _=_template_gettext,
        gettext=_template_gettext,
        ngettext=_template_ngettext,
        pgettext=_template_pgettext,
        current_language=current_language,
        in_language=in_language,
        languages=LANGUAGES,
    )


def in_language(language: str | None, write: Callable[[], str]) -> str:
    """Call a template macro in another language: a family's letter inside a coordinator's page."""
    with use_locale(language):
        return write()


# Dates, times and numbers as the active language writes them.
DATE_PATTERNS = {
    "en": {"day": "MMMM d", "medium": "MMM d, y", "long": "MMMM d, y", "full": "EEEE, MMMM d, y"},
    "es": {
        "day": "d 'de' MMMM",
        "medium": "d MMM y",
        "long": "d 'de' MMMM 'de' y",
        "full": "EEEE, d 'de' MMMM 'de' y",
    },
}
TIME_PATTERNS = {"en": "h:mm a", "es": "H:mm"}


def format_day(value: datetime.date | None, style: str = "long") -> str:
    """A day in words: ``December 12, 2026`` or ``12 de diciembre de 2026`` (styles medium, long, full)."""
    if value is None:
        return ""
    language = current_language()
    return babel_format_date(value, DATE_PATTERNS[language][style], locale=babel_locale(language))


def format_clock(value: datetime.time | datetime.datetime | None) -> str:
    """A time of day: ``6:30 PM`` in English, ``18:30`` in Spanish."""
    if value is None:
        return ""
    language = current_language()
    return babel_format_time(value, TIME_PATTERNS[language], locale=babel_locale(language))


def decimal_mark(text: str) -> str:
    """A figure already formatted with a decimal point (``21.3%``), written with the active language's
    mark (``21,3%``): the rounding stays the one the figure was computed with."""
    if get_decimal_symbol(current_locale()) == ",":
        return text.replace(".", ",")
    return text


def format_plain_number(value: Decimal | int | float | None) -> str:
    """12 rather than 12.00, at most two decimals, with the language's decimal mark (12.5, 12,5).

    What Babel's ``format_decimal(value, "0.##")`` writes, without its pattern machinery: a list
    shows a few numbers a row, and Babel took 6 microseconds for each."""
    return decimal_mark(format_number(value))
