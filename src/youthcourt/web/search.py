"""Searches for a person travel in a request body, never in an address.

An address is kept in the browser's history and bookmarks, sent to other sites as the
``Referer`` and written to the server's access log, so a youth's, a juror's or a staff
member's name, email, phone or birth date must not be in one. A list page that searches by
name therefore posts its filter form (with its CSRF token) to ``<list>/search`` and gets the
same page, or its htmx partial, back: never a redirect, which would put the terms back in an
address. Filters that name no one (a status, a sort, a page number) still work as links:
a GET of the list reads only those, and personal fields found in a query string are ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from litestar import Request
from litestar.response import Template

from youthcourt.web.forms import Form
from youthcourt.web.pagination import page_number

PAGE_FIELD = "page"

LIKE_ESCAPE = "\\"
"""The escape character of :func:`like_pattern`'s patterns: pass it as ``like(..., escape=LIKE_ESCAPE)``."""


def like_pattern(text: str) -> str:
    """A ``LIKE`` pattern for a column holding ``text`` as typed, in lower case: ``%`` and ``_`` in
    it are those characters, not wildcards (unescaped, a search for "%" listed everyone)."""
    literal = text.lower().replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
    return "%" + literal.replace("%", LIKE_ESCAPE + "%").replace("_", LIKE_ESCAPE + "_") + "%"


@dataclass(frozen=True)
class ListSearch:
    """The filters of one list page, and which of them may only travel in a POST body."""

    path: str
    """The list's own address, for example ``/jurors``; the search form posts to ``<path>/search``."""
    values: Mapping[str, str]
    personal: tuple[str, ...] = ("q",)

    @classmethod
    def read(
        cls,
        request: Request[Any, Any, Any],
        path: str,
        fields: tuple[str, ...],
        data: Mapping[str, Any] | None = None,
        personal: tuple[str, ...] = ("q",),
    ) -> ListSearch:
        """The filters of a POST from its body; of a GET from the query string, leaving out personal fields."""
        source: Mapping[str, Any] = (
            data or {}
            if request.method == "POST"
            else {k: v for k, v in request.query_params.items() if k not in personal}
        )
        form = Form.from_data({name: source.get(name, "") for name in fields})
        return cls(path=path, values=form.values, personal=personal)

    @property
    def action(self) -> str:
        return f"{self.path}/search"

    @property
    def narrowed(self) -> bool:
        """Some filter is set (the order of the rows is not a filter): an empty list then says that
        nothing matches, rather than that there is nothing yet."""
        return any(value.strip() for name, value in self.values.items() if name != "sort")

    @property
    def active(self) -> bool:
        """A personal field is filled in: the pager must carry the filters in a form, not a link."""
        return any(self.values.get(name, "").strip() for name in self.personal)

    @property
    def query(self) -> str:
        """The filters that may be in an address, as a query string (empty when there are none)."""
        return urlencode({k: v for k, v in self.values.items() if v and k not in self.personal})

    @property
    def link(self) -> str:
        """The list's address with the filters that may be in one (for links; the pager adds the page)."""
        return f"{self.path}?{self.query}" if self.query else self.path

    @property
    def fields(self) -> dict[str, str]:
        """Every filter set, for the hidden fields of the pager's forms."""
        return {k: v for k, v in self.values.items() if v}

    def form(self) -> Form:
        return Form(values=dict(self.values))


def posted_page(data: Mapping[str, Any] | None, name: str = PAGE_FIELD) -> int:
    """The page number a search form or the pager posted."""
    return page_number((data or {}).get(name))


def shown_address(response: Template, request: Request[Any, Any, Any], search: ListSearch) -> Template:
    """After an htmx search, the address bar shows the list with the filters that name no one.

    Bookmarks, reloads and the back button then keep a status or a sort, as they did when the
    filters were sent by GET; a name never reaches the address. Typing a name leaves the address
    as it is, so it adds no step to the browser's history.
    """
    current = request.headers.get("HX-Current-URL")
    if request.method == "POST" and request.headers.get("HX-Request") == "true" and current is not None:
        parts = urlsplit(current)
        if (f"{parts.path}?{parts.query}" if parts.query else parts.path) != search.link:
            response.headers["HX-Push-Url"] = search.link
    return response
