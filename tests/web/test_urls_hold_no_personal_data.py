"""No personal data in any address: name searches travel in request bodies.

Every list searched by a person's name (jurors, cases, users, the audit trail's "who") posts
its search to ``<list>/search``. For each, a POST search finds the person, and the name is in
no ``href``, ``action`` or ``hx-*`` attribute of the answer nor in its headers; a GET still
filters by the fields that name no one and ignores a name in its query string; the pager
carries the search in the body from page to page; and the search POST needs its CSRF token.
The route table is checked too: path parameters are UUIDs (two known exceptions) and no GET
handler declares a query parameter that holds a name, an email, a phone or a birth date.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from litestar.routes import HTTPRoute

from tests.conftest import make_settings
from tests.factories import (
    csrf_token,
    make_case,
    make_program,
    make_referral,
    make_user,
    make_youth,
    post_form,
    sign_in,
)
from tests.jurors.test_juror_records import make_juror
from youthcourt.app import create_app
from youthcourt.audit.models import AuditEntry
from youthcourt.cases.models import CaseState
from youthcourt.jurors.models import JurorStatus
from youthcourt.programs.models import Role

HTMX_ROWS = {"HX-Request": "true"}

# Reading pages -----------------------------------------------------------------------------------


@dataclass
class PageForm:
    method: str
    action: str
    inputs: dict[str, str] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)


class PageParser(HTMLParser):
    """The address-bearing attributes of a page, and its forms with their hidden fields and buttons."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[tuple[str, str, str]] = []
        self.forms: list[PageForm] = []
        self._form: PageForm | None = None
        self._button: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name in ("href", "action", "src", "formaction") or name.startswith("hx-"):
                self.addresses.append((tag, name, value))
        if tag == "form":
            self._form = PageForm(values.get("method", "get").lower(), values.get("action", ""))
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and values.get("name"):
            self._form.inputs[values["name"]] = values.get("value", "")
        elif tag == "button" and self._form is not None:
            self._button = []

    def handle_data(self, data: str) -> None:
        if self._button is not None:
            self._button.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "button" and self._button is not None and self._form is not None:
            self._form.buttons.append("".join(self._button).strip())
            self._button = None
        elif tag == "form":
            self._form = None


def parse(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    return parser


def assert_no_name_in_addresses(response: Any, *names: str) -> None:
    """None of ``names`` (any case) is in an address of the page or in a header of the answer."""
    parser = parse(response.text)
    assert parser.addresses, "the page has no addresses at all: the check would prove nothing"
    for name in names:
        wanted = name.lower()
        found = [a for a in parser.addresses if wanted in a[2].lower()]
        assert found == [], f"{name!r} is in addresses of the page: {found}"
        headers = [f"{k}: {v}" for k, v in response.headers.items() if wanted in v.lower()]
        assert headers == [], f"{name!r} is in headers of the answer: {headers}"


def pager_form(response: Any, button: str) -> PageForm:
    forms = [f for f in parse(response.text).forms if button in f.buttons and f.method == "post"]
    assert len(forms) == 1, f"no single {button!r} form in the pager"
    return forms[0]


async def follow_pager(client: Any, response: Any, button: str = "Next", **kwargs: Any) -> Any:
    """Press the pager's button as a browser would: post its hidden fields (CSRF token included)."""
    form = pager_form(response, button)
    assert "_csrf_token" in form.inputs
    return await client.post(form.action, data=form.inputs, follow_redirects=False, **kwargs)


async def assert_search_needs_csrf(client: Any, path: str, data: dict[str, str]) -> None:
    assert csrf_token(client)
    refused = await client.post(path, data=data, follow_redirects=False)
    assert refused.status_code == 403
    assert data["q" if "q" in data else next(iter(data))] not in refused.text


# The juror roster --------------------------------------------------------------------------------


async def signed_in_coordinator(client: Any, db: Any) -> Any:
    program = await make_program(db)
    coordinator = await make_user(db, program, Role.COORDINATOR)
    await sign_in(client, coordinator)
    return program


async def test_the_roster_is_searched_by_name_in_the_body(client, db):
    program = await signed_in_coordinator(client, db)
    await make_juror(db, program, first_name="Quintessa", last_name="Marlowe", school="East")
    await make_juror(db, program, first_name="Ben", last_name="Other", school="East")

    found = await post_form(client, "/jurors/search", {"q": "quintessa marl", "school": "East"})
    assert found.status_code == 200
    assert "Marlowe, Quintessa" in found.text and "Other, Ben" not in found.text
    assert 'value="quintessa marl"' in found.text  # the search box keeps what was typed
    assert_no_name_in_addresses(found, "quintessa", "marl")

    live = HTMX_ROWS | {"HX-Target": "juror-rows", "HX-Current-URL": "http://testserver.local/jurors"}
    rows = await post_form(client, "/jurors/search", {"q": "Marlowe"}, headers=live)
    assert rows.status_code == 200
    assert "<h1>" not in rows.text and "Marlowe, Quintessa" in rows.text
    assert "HX-Push-Url" not in rows.headers  # typing a name leaves the address as it is
    by_school = await post_form(client, "/jurors/search", {"q": "Marlowe", "school": "East"}, headers=live)
    assert by_school.headers["HX-Push-Url"] == "/jurors?school=East"  # the address shows what names no one
    assert_no_name_in_addresses(by_school, "marlowe")
    assert "Other, Ben" not in rows.text
    assert_no_name_in_addresses(rows, "marlowe")

    page = await client.get("/jurors")
    form = next(f for f in parse(page.text).forms if f.action == "/jurors/search")
    assert form.method == "post" and "_csrf_token" in form.inputs
    assert 'hx-post="/jurors/search"' in page.text and "hx-push-url" not in page.text


async def test_the_roster_still_filters_by_get_but_ignores_a_name_there(client, db):
    program = await signed_in_coordinator(client, db)
    await make_juror(db, program, first_name="Quintessa", last_name="Marlowe")
    await make_juror(db, program, first_name="Ben", last_name="Applicant", status=JurorStatus.APPLICANT)

    by_status = await client.get("/jurors?status=applicant")
    assert by_status.status_code == 200
    assert "Applicant, Ben" in by_status.text and "Marlowe" not in by_status.text
    ignored = await client.get("/jurors?q=marlowe")
    assert "Applicant, Ben" in ignored.text and "Marlowe, Quintessa" in ignored.text
    assert 'value="marlowe"' not in ignored.text


async def test_the_roster_pager_carries_the_search_in_the_body(client, db):
    program = await signed_in_coordinator(client, db)
    for number in range(27):
        await make_juror(db, program, first_name=f"Juror{number:02d}", last_name="Pagewright")
    await make_juror(db, program, first_name="Not", last_name="Searched")

    first = await post_form(client, "/jurors/search", {"q": "pagewright"})
    assert "Showing 1 to 25 of 27" in first.text
    assert_no_name_in_addresses(first, "pagewright")
    assert pager_form(first, "Next").inputs["q"] == "pagewright"

    second = await follow_pager(client, first)
    assert second.status_code == 200
    assert "Showing 26 to 27 of 27" in second.text and "Searched, Not" not in second.text
    assert_no_name_in_addresses(second, "pagewright")
    back = await follow_pager(client, second, "Previous")
    assert "Showing 1 to 25 of 27" in back.text

    unsearched = await client.get("/jurors")
    assert re.search(r'href="/jurors\?page=2" rel="next"', unsearched.text)  # links when no name is sought


async def test_the_roster_search_needs_the_csrf_token(client, db):
    await signed_in_coordinator(client, db)
    await assert_search_needs_csrf(client, "/jurors/search", {"q": "Marlowe"})


# The case list -----------------------------------------------------------------------------------


async def test_the_case_list_is_searched_by_name_in_the_body(client, db):
    program = await signed_in_coordinator(client, db)
    target = await make_case(
        db,
        program,
        CaseState.SCHEDULED,
        referral=await make_referral(
            db, program, await make_youth(db, program, first_name="Zora", last_name="Quillfeather")
        ),
    )
    await make_case(db, program, CaseState.SCHEDULED)

    found = await post_form(client, "/cases/search", {"q": "zora quill", "state": "scheduled"})
    assert found.status_code == 200
    assert "Zora Quillfeather" in found.text and "Showing 1 to 1 of 1" in found.text
    assert 'value="zora quill"' in found.text
    assert_no_name_in_addresses(found, "zora", "quill")
    by_number = await post_form(
        client, "/cases/search", {"q": target.number}, headers=HTMX_ROWS | {"HX-Target": "case-rows"}
    )
    assert "Zora Quillfeather" in by_number.text and "<html" not in by_number.text
    assert_no_name_in_addresses(by_number, target.number)

    bad_dates = await post_form(
        client, "/cases/search", {"q": "zora", "opened_from": "2026-05-02", "opened_to": "2026-05-01"}
    )
    assert bad_dates.status_code == 422
    assert_no_name_in_addresses(bad_dates, "zora")

    page = await client.get("/cases")
    form = next(f for f in parse(page.text).forms if f.action == "/cases/search")
    assert form.method == "post" and "_csrf_token" in form.inputs
    assert 'hx-post="/cases/search"' in page.text and "hx-push-url" not in page.text


async def test_the_case_list_still_filters_by_get_but_ignores_a_name_there(client, db):
    program = await signed_in_coordinator(client, db)
    youth = await make_youth(db, program, first_name="Zora", last_name="Quillfeather")
    await make_case(db, program, CaseState.SCHEDULED, referral=await make_referral(db, program, youth))
    await make_case(db, program, CaseState.INTAKE)

    by_state = await client.get("/cases?state=scheduled")
    assert by_state.status_code == 200 and "Showing 1 to 1 of 1" in by_state.text
    ignored = await client.get("/cases?q=quillfeather")
    assert "Showing 1 to 2 of 2" in ignored.text and 'value="quillfeather"' not in ignored.text


async def test_the_case_list_pager_carries_the_search_in_the_body(client, db):
    program = await signed_in_coordinator(client, db)
    for number in range(27):
        youth = await make_youth(db, program, first_name=f"Sam{number:02d}", last_name="Pagewright")
        await make_case(db, program, CaseState.INTAKE, referral=await make_referral(db, program, youth))
    await make_case(db, program, CaseState.INTAKE)

    first = await post_form(client, "/cases/search", {"q": "pagewright", "sort": "name"})
    assert "Showing 1 to 25 of 27" in first.text
    assert_no_name_in_addresses(first, "pagewright")
    second = await follow_pager(client, first)
    assert "Showing 26 to 27 of 27" in second.text
    assert_no_name_in_addresses(second, "pagewright")
    assert "Sam26 Pagewright" in second.text  # still sorted by name: every filter came along

    unsearched = await client.get("/cases?state=intake")
    assert re.search(r'href="/cases\?state=intake&amp;page=2" rel="next"', unsearched.text)


async def test_the_case_search_needs_the_csrf_token(client, db):
    await signed_in_coordinator(client, db)
    await assert_search_needs_csrf(client, "/cases/search", {"q": "Quillfeather"})


# The user list -----------------------------------------------------------------------------------


async def signed_in_admin(client: Any, db: Any) -> Any:
    program = await make_program(db)
    admin = await make_user(db, program, Role.PROGRAM_ADMIN, name="Ada Admin")
    await sign_in(client, admin)
    return program


async def test_the_user_list_is_searched_by_name_or_email_in_the_body(client, db):
    program = await signed_in_admin(client, db)
    await make_user(db, program, Role.COORDINATOR, name="Dana Delgado", email="dana.delgado@example.org")
    await make_user(db, program, Role.COORDINATOR, name="Other Person")

    by_name = await post_form(client, "/admin/users/search", {"q": "delgado", "role": "coordinator"})
    assert by_name.status_code == 200
    assert "Dana Delgado" in by_name.text and "Other Person" not in by_name.text
    assert_no_name_in_addresses(by_name, "delgado")
    by_email = await post_form(
        client,
        "/admin/users/search",
        {"q": "dana.delgado@example"},
        headers=HTMX_ROWS | {"HX-Target": "user-rows"},
    )
    assert "Dana Delgado" in by_email.text and "<html" not in by_email.text
    assert_no_name_in_addresses(by_email, "dana.delgado")

    by_role = await client.get("/admin/users?role=coordinator")
    assert "Dana Delgado" in by_role.text and "Ada Admin" not in by_role.text
    ignored = await client.get("/admin/users?q=delgado")
    assert "Other Person" in ignored.text and 'value="delgado"' not in ignored.text

    page = await client.get("/admin/users")
    form = next(f for f in parse(page.text).forms if f.action == "/admin/users/search")
    assert form.method == "post" and "_csrf_token" in form.inputs
    assert "hx-push-url" not in page.text


async def test_the_user_list_pager_carries_the_search_in_the_body(client, db):
    program = await signed_in_admin(client, db)
    for number in range(27):
        await make_user(db, program, Role.JUROR, name=f"Juror Pagewright{number:02d}")

    first = await post_form(client, "/admin/users/search", {"q": "pagewright", "role": "juror"})
    assert "Showing 1 to 25 of 27" in first.text
    second = await follow_pager(client, first)
    assert "Showing 26 to 27 of 27" in second.text
    assert_no_name_in_addresses(second, "pagewright")
    await assert_search_needs_csrf(client, "/admin/users/search", {"q": "pagewright"})


# The audit trail ---------------------------------------------------------------------------------


async def add_entries(db: Any, program: Any, actor_name: str, count: int) -> None:
    for _ in range(count):
        db.add(
            AuditEntry(program_id=program.id, actor_name=actor_name, action="case_view", record_type="case")
        )
    await db.commit()


async def test_the_audit_trail_is_filtered_by_who_in_the_body(client, db):
    program = await signed_in_admin(client, db)
    await add_entries(db, program, "Wilhelmina Actorson", 27)
    await add_entries(db, program, "Someone Else", 1)

    first = await post_form(client, "/audit/search", {"actor": "wilhelmina", "action": "case_view"})
    assert first.status_code == 200
    assert "Showing 1 to 25 of 27" in first.text and "Someone Else" not in first.text
    assert 'value="wilhelmina"' in first.text
    assert_no_name_in_addresses(first, "wilhelmina")
    second = await follow_pager(client, first)
    assert "Showing 26 to 27 of 27" in second.text
    assert_no_name_in_addresses(second, "wilhelmina")

    rows = await post_form(
        client, "/audit/search", {"actor": "Someone"}, headers=HTMX_ROWS | {"HX-Target": "audit-rows"}
    )
    assert "<html" not in rows.text and "Showing 1 to 1 of 1" in rows.text
    bad = await post_form(
        client, "/audit/search", {"actor": "wilhelmina", "start": "2026-05-02", "end": "2026-05-01"}
    )
    assert bad.status_code == 422
    assert_no_name_in_addresses(bad, "wilhelmina")

    by_action = await client.get("/audit?action=case_view")
    assert "Showing 1 to 25 of 28" in by_action.text
    ignored = await client.get("/audit?action=case_view&actor=wilhelmina")
    assert "Showing 1 to 25 of 28" in ignored.text
    await assert_search_needs_csrf(client, "/audit/search", {"actor": "wilhelmina"})


async def test_the_audit_export_of_a_who_filter_is_posted(client, db):
    program = await signed_in_admin(client, db)
    await add_entries(db, program, "Wilhelmina Actorson", 2)
    await add_entries(db, program, "Someone Else", 1)

    page = await post_form(client, "/audit/search", {"actor": "wilhelmina"})
    export = next(f for f in parse(page.text).forms if f.action == "/audit/export")
    assert export.method == "post" and export.inputs["actor"] == "wilhelmina"
    download = await client.post("/audit/export", data=export.inputs)
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert download.text.count("Wilhelmina Actorson") == 2 and "Someone Else" not in download.text
    await assert_search_needs_csrf(client, "/audit/export", {"actor": "wilhelmina"})

    unfiltered = await client.get("/audit?action=case_view")
    assert 'href="/audit/export?action=case_view"' in unfiltered.text  # no name: a plain link still


# The route table ---------------------------------------------------------------------------------

SECRET_PATHS = {
    "/static/{file_path:path}",
    "/calendar/{feed:str}",
    "/link/{token:str}/hours",
    "/api/v1/schema/{path:str}",
    "/link/{token:str}/my-page",
    "/link/{token:str}/family-page",
    "/link/{token:str}/survey",
}
"""The addresses with a parameter that is not a UUID: a static file's name, the calendar feed's
secret and a private link's (both kept out of the access log by ``web/logging.py``), and a file
of the partner API's documentation (Litestar's "no such schema file" answer)."""
NAMED_PATHS = {"/surveys/questions/{kind:str}"}
"""Addresses whose parameter is a fixed name chosen from a short list (which survey), not a record."""
PERSONAL = re.compile(
    r"^(q|query|search|name|.*_name|first|last|email|.*_email|phone|.*phone|birth.*|dob|.*_dob|actor)$"
)


def app_routes(tmp_path: Path) -> list[HTTPRoute]:
    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'routes.db'}", tmp_path))
    return [route for route in app.routes if isinstance(route, HTTPRoute)]


def test_every_path_parameter_is_a_uuid(tmp_path: Path):
    routes = app_routes(tmp_path)
    assert len(routes) > 100
    other = sorted(
        route.path
        for route in routes
        for parameter in route.path_parameters.values()
        if parameter.type.__name__ != "UUID" and route.path not in SECRET_PATHS | NAMED_PATHS
    )
    assert other == []
    assert {route.path for route in routes} >= SECRET_PATHS


RESERVED = {"self", "request", "data", "state", "scope", "headers", "cookies", "socket", "db_session"}


def get_query_parameters(route: HTTPRoute) -> dict[str, set[str]]:
    """The query parameters each GET handler of ``route`` declares (by their name in the address)."""
    found: dict[str, set[str]] = {}
    for handler in route.route_handlers:
        if "GET" not in handler.http_methods:
            continue
        dependencies = set(handler.resolve_dependencies())
        names = set()
        for name, definition in handler.parsed_fn_signature.parameters.items():
            if name in dependencies or name in route.path_parameters or name in RESERVED:
                continue
            kwarg = definition.kwarg_definition
            if getattr(kwarg, "header", None) or getattr(kwarg, "cookie", None):
                continue
            names.add(getattr(kwarg, "query", None) or getattr(kwarg, "name", None) or name)
        found[handler.handler_name] = names
    return found


def test_no_get_handler_reads_a_name_from_the_address(tmp_path: Path):
    declared = {
        f"{route.path} {handler}": names
        for route in app_routes(tmp_path)
        for handler, names in get_query_parameters(route).items()
    }
    assert any("page" in names for names in declared.values())  # the inspection does see query parameters
    personal = {where: sorted(n for n in names if PERSONAL.match(n)) for where, names in declared.items()}
    assert {where: names for where, names in personal.items() if names} == {}


QUERY_READERS = {
    "/jurors/nights/{night_id:uuid} night_bookings": "a school, a court role, 'free only'",
    "/reports/recidivism show": "programs, dates, outcome events",
    "/reports/effects effects_page": "programs, months, outcome events, two group codes, covariate names",
    "/reports/recidivism/report.pdf recidivism_pdf": "the same as the report's page",
    "/reports/effects/report.pdf effects_pdf": "the same as the report's page",
    "/reports/measures show": "a period",
    "/reports/measures.csv download": "a period",
    "/reports/exports/download download": "programs, dates, the kind of rows, a release id, a file format",
    "/reports/exports/preview preview_export": "the same as the download: it shows what the file would do",
}
"""GET handlers that read the query string as a whole rather than through declared parameters or
``ListSearch`` (which leaves personal fields out), each reviewed: what it reads names no one."""


def test_handlers_reading_the_whole_query_string_are_reviewed(tmp_path: Path):
    readers = {
        f"{route.path} {handler.handler_name}"
        for route in app_routes(tmp_path)
        for handler in route.route_handlers
        if "GET" in handler.http_methods and "query_params" in inspect.getsource(handler.fn)
    }
    assert readers == set(QUERY_READERS)
