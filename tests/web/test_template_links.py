"""Templates link to named routes, never to literal paths.

A literal ``href="/cases/{{ case.id }}"`` breaks silently when a route moves; ``url_for`` fails
loudly at render time instead, and every page is rendered by some test. So no template may
hold a literal path to an app route: not in a link-like attribute, not in a string handed to
a macro such as ``pager``. Files under ``/static/`` are exempt. Route names follow one
convention, given at app assembly by ``youthcourt.web.routes.name_routes``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from litestar import Controller, Litestar, get
from litestar.routes import HTTPRoute

from tests.conftest import make_settings
from youthcourt.app import create_app
from youthcourt.settings import resource_dir
from youthcourt.web.routes import name_routes, route_name

TEMPLATES = resource_dir("templates")

LINK_ATTRIBUTE = re.compile(
    r"""\b(?P<attribute>href|action|src|formaction|hx-(?:get|post|put|patch|delete))\s*=\s*(?P<quote>["'])/(?!static/)"""
)
# A path written as a Jinja string, inside an attribute's {{ }} or handed to a macro: "/cases", '/me/'
PATH_STRING = re.compile(
    r"""(?<![\w/])(?P<quote>["'])/(?!static/)[\w.%-]*(?:/[\w./%-]*)?(?:[?#][^"'\n]*)?(?P=quote)"""
)


def literal_links(text: str) -> list[tuple[int, str]]:
    """The (line number, line) of each literal path to an app route in a template's text."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if LINK_ATTRIBUTE.search(line) or PATH_STRING.search(line):
            found.append((number, line.strip()))
    return found


def test_the_checker_finds_literal_links_and_spares_static_files_and_named_routes():
    assert literal_links('<a href="/cases/{{ case.id }}">') == [(1, '<a href="/cases/{{ case.id }}">')]
    assert literal_links('\n<form hx-post="/referrals/youth-section">')[0][0] == 2
    assert literal_links('{{ pager(results, "/jurors/" ~ juror.id ~ "/credits") }}')
    assert literal_links("<form action=\"{{ '/hearings/%s/edit' % night.id }}\">")
    assert literal_links('<a href="/">Home</a>')
    assert not literal_links('<link rel="icon" href="/static/favicon.svg">')
    assert not literal_links("<a href=\"{{ url_for('cases.show', case_id=case.id) }}#notes\">")
    assert not literal_links('<a href="#notes">Notes</a> <a href="https://example.org/x">')
    assert not literal_links("{{ value | datetime('%Y/%m/%d') }}")


def template_folders() -> list[str]:
    """The templates' top folders, and "" for the templates beside them."""
    return ["", *sorted(path.name for path in TEMPLATES.iterdir() if path.is_dir())]


def templates_in(folder: str) -> list[Path]:
    if folder:
        return sorted((TEMPLATES / folder).rglob("*.html"))
    return sorted(TEMPLATES.glob("*.html"))


@pytest.mark.parametrize("folder", template_folders())
def test_no_template_holds_a_literal_path_to_an_app_route(folder: str):
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line}"
        for path in templates_in(folder)
        for number, line in literal_links(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, "Use url_for('<area>.<handler>', ...) for these links:\n" + "\n".join(offenders)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    folder = tmp_path_factory.mktemp("routes")
    return create_app(make_settings(f"sqlite+aiosqlite:///{folder / 'routes.db'}", folder))


def our_handlers(app: Litestar) -> list:
    return [
        handler
        for route in app.routes
        if isinstance(route, HTTPRoute)
        for handler in route.route_handlers
        if handler.fn.__module__.startswith("youthcourt.")
    ]


# Names given by hand before the convention; templates and code may use them.
EXPLICIT_NAMES = {
    "login",
    "users",
    "hearings",
    "families_to_contact",
    "jurors",
    "juror_nights",
    "juror_training",
    "juror_portal",
    "juror_reports",
    "exports",
    "exports_download",
    "exports_dictionary",
    "exports_dictionary_csv",
    "measures",
    "measures_csv",
    "comparison_example",
    "recidivism_report",
    "recidivism_groups_csv",
    "recidivism_curves_csv",
}


def test_every_route_handler_has_a_unique_name_by_the_convention(app: Litestar):
    names = {}
    for handler in our_handlers(app):
        names.setdefault(handler.name, set()).add(handler.handler_id)
        if handler.name not in EXPLICIT_NAMES:
            assert handler.name == route_name(handler), handler
    assert all(len(ids) == 1 for ids in names.values()), {
        name: ids for name, ids in names.items() if len(ids) > 1
    }


@pytest.mark.parametrize(
    ("name", "parameters", "path"),
    [
        ("home.home", {}, "/"),
        (
            "cases.show",
            {"case_id": "7c1b1f6e-0000-4000-8000-000000000001"},
            "/cases/7c1b1f6e-0000-4000-8000-000000000001",
        ),
        ("cases.index", {}, "/cases"),
        ("referrals.index", {}, "/referrals"),
        (
            "sealing.seal",
            {"case_id": "7c1b1f6e-0000-4000-8000-000000000001"},
            "/cases/7c1b1f6e-0000-4000-8000-000000000001/seal",
        ),
        ("accounts.sign_out", {}, "/logout"),
        ("reference.sources", {}, "/reference/sources"),
        (
            "jurors.show",
            {"juror_id": "7c1b1f6e-0000-4000-8000-000000000002"},
            "/jurors/7c1b1f6e-0000-4000-8000-000000000002",
        ),
        ("jurors", {}, "/jurors"),
    ],
)
def test_names_reverse_to_their_paths(app: Litestar, name: str, parameters: dict[str, str], path: str):
    assert app.route_reverse(name, **parameters) == path


def test_two_handlers_with_one_name_stop_the_app_at_start_up():
    class First(Controller):
        path = "/first"

        @get("/")
        async def index(self) -> None: ...

    class Second(Controller):
        path = "/second"

        @get("/")
        async def index(self) -> None: ...

    with pytest.raises(ValueError, match="index"):
        name_routes([First, Second])


def test_a_name_set_by_hand_is_kept():
    @get("/kept", name="kept")
    async def kept() -> None: ...

    name_routes([kept])
    assert kept.name == "kept"
