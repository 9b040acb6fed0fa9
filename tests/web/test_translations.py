"""The translation check: templates hold no text outside the translation functions, and
the catalogs hold every marked string, the Spanish one translated.

Every template is checked, a new one included.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from jinja2 import Environment

from youthcourt.web.i18n import LANGUAGES, LOCALE_DIR, _, pgettext, use_locale

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"

ALLOWED = {"Youthcourt", "English", "Español", "h"}
"""Visible words that are the same in every language: the product's name, and each language's
name written in itself (as the language menu shows it)."""
VISIBLE_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "hx-confirm", "label"}
LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
EXPRESSION = "\x00"


class _VisibleText(HTMLParser):
    """Text nodes and the attributes people read or hear, of a template with its Jinja code taken out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._hidden += 1
        self.found.extend(value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.found.append(data)


def template_text_outside_translation(source: str) -> list[str]:
    """The words of ``source`` that a reader would see and no translation function produces.

    The template is lexed: text between ``{% trans %}`` and ``{% endtrans %}`` is skipped, every
    ``{{ ... }}`` and ``{% ... %}`` becomes a placeholder, and what is left is parsed as HTML.
    """
    parts: list[str] = []
    in_trans = False
    block: list[str] = []
    for _line, token, value in Environment(extensions=["jinja2.ext.i18n"], autoescape=True).lex(source):
        if token == "block_begin":
            block = []
        elif token == "name" and not block:
            block.append(value)
            if value == "trans":
                in_trans = True
            elif value == "endtrans":
                in_trans = False
        elif token == "data" and not in_trans:
            parts.append(value)
        elif token in ("variable_end", "block_end"):
            parts.append(EXPRESSION)
    parser = _VisibleText()
    parser.feed("".join(parts))
    parser.close()
    words = []
    for text in parser.found:
        for piece in text.split(EXPRESSION):
            piece = re.sub(r"&[#\w]+;", " ", piece).strip()
            if LETTERS.search(piece) and piece.strip(" .,:;()·\u2013-") not in ALLOWED:
                words.append(piece)
    return words


def test_the_check_sees_text_outside_translation_calls() -> None:
    assert template_text_outside_translation("<p>Hello {{ name }}</p>") == ["Hello"]
    assert template_text_outside_translation('<a title="Open it">{{ _("Go") }}</a>') == ["Open it"]
    assert template_text_outside_translation("{% if x %}<b>Yes</b>{% endif %}") == ["Yes"]
    assert template_text_outside_translation("<p>{% trans %}Hello {{ name }}{% endtrans %}</p>") == []
    assert template_text_outside_translation("<p>{{ _('Hi') }} · 3 &amp; {{ n }}%</p>{# Note #}") == []


CHECKED_TEMPLATES = sorted(
    str(path.relative_to(TEMPLATES)) for path in TEMPLATES.rglob("*.html") if path.is_file()
)


@pytest.mark.parametrize("name", CHECKED_TEMPLATES)
def test_template_has_no_text_outside_translation(name: str) -> None:
    source = (TEMPLATES / name).read_text()
    assert template_text_outside_translation(source) == []


def _extracted_ids() -> set[str | tuple[str, ...]]:
    """Every string marked in the code and the templates, as ``make messages`` extracts them."""
    method_map = [("src/youthcourt/**.py", "python"), ("templates/**.html", "jinja2")]
    options = {"templates/**.html": {"trimmed": "true"}}
    keywords = {"_": None, "N_": None, "NC_": ((1, "c"), 2), "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    ids: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options, keywords=keywords
    ):
        ids.add(message)
    return ids


def _catalog(language: str):  # type: ignore[no-untyped-def]
    with (LOCALE_DIR / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


@pytest.fixture(scope="module")
def extracted() -> set[str | tuple[str, ...]]:
    return _extracted_ids()


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_catalog_holds_every_marked_string(language: str, extracted: set[str | tuple[str, ...]]) -> None:
    catalog = _catalog(language)
    held = {message.id if isinstance(message.id, str) else tuple(message.id) for message in catalog}
    missing = sorted(map(str, extracted - held))
    assert missing == [], f"run `make messages` and translate: {missing}"


def test_spanish_catalog_is_translated_with_no_fuzzy_entry() -> None:
    untranslated = [
        message.id
        for message in _catalog("es")
        if message.id
        and (
            message.fuzzy
            or not (all(message.string) if isinstance(message.string, tuple) else message.string)
        )
    ]
    assert untranslated == []


def _names(placeholder: re.Pattern[str], text: str) -> set[str]:
    return {percent or brace for percent, brace in placeholder.findall(text)} - {"num"}


def test_spanish_keeps_every_placeholder() -> None:
    """A translation that drops or renames a %(name)s would fail when the page is drawn, and so
    would a {name} of a label that a form completes with words ("the date {of_event}")."""
    placeholder = re.compile(r"%\((\w+)\)s|\{(\w+)\}")
    wrong = []
    for message in _catalog("es"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = _names(placeholder, ids[-1])
        wrong.extend(ids[0] for text in strings if _names(placeholder, text) != expected)
    assert wrong == []


def test_a_word_used_two_ways_has_a_translation_for_each_context() -> None:
    """One English word, two Spanish ones: "Open" as a status and as a link."""
    with use_locale("es"):
        assert (_("Open"), pgettext("link", "Open")) == ("Pendiente", "Abrir")
        assert pgettext("email", "To") == "Para"
    with use_locale("en"):
        assert pgettext("link", "Open") == "Open"
