"""Jinja2 set-up and the one way handlers answer with a page or a redirect."""

from __future__ import annotations

import datetime
import functools
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context
from litestar import Litestar, MediaType, Request
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template.config import TemplateConfig

from youthcourt.settings import resource_dir
from youthcourt.web.flash import take_flashes
from youthcourt.web.i18n import format_clock, format_day, format_plain_number, install
from youthcourt.web.idempotency import OnceTemplate
from youthcourt.web.static import static_url

DEFAULT_TIMEZONE = "America/New_York"


@pass_context
def format_datetime(context: Context, value: datetime.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Times are stored in UTC and shown in the program's own time zone."""
    if value is None:
        return ""
    viewer = context["request"].scope.get("user")
    zone = ZoneInfo(getattr(viewer, "timezone", None) or DEFAULT_TIMEZONE)
    return value.astimezone(zone).strftime(fmt)


def format_date(value: datetime.date | None, style: str | None = None) -> str:
    """``2026-12-12`` (the same in every language) or, with a style, the day in words in the active
    language: ``date("long")`` is ``December 12, 2026`` or ``12 de diciembre de 2026``."""
    if value is None:
        return ""
    return format_day(value, style) if style else value.strftime("%Y-%m-%d")


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    # Compiled once per process: checking every template file's time on every render cost a
    # tenth of a light page. Restart the server to see a changed template.
    env.auto_reload = False
    env.globals["take_flashes"] = take_flashes
    env.globals["static_url"] = static_url
    env.filters["datetime"] = format_datetime
    env.filters["date"] = format_date
    env.filters["number"] = format_plain_number
    env.filters["clock"] = format_clock
    install(env)


def link_templates_to(app: Litestar) -> None:
    """Templates' ``url_for`` is the app's ``route_reverse``, with the addresses that take no
    parameter kept once made.

    Litestar's own ``url_for`` takes the template's context to find the app, and a callable that
    takes the context gets a copy of it made for each call inside a loop (one per row of a list).
    Each app has its own template environment, so its ``url_for`` can be bound to it. Every page's
    menu asks for some twenty addresses that never change, at 7 microseconds each.
    """
    engine = app.template_engine
    assert isinstance(engine, JinjaTemplateEngine), "create_template_config makes a Jinja engine"
    reverse = app.route_reverse
    plain = functools.cache(reverse)

    def url_for(name: str, /, **parameters: Any) -> str:
        return reverse(name, **parameters) if parameters else plain(name)

    engine.engine.globals["url_for"] = url_for


def create_template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=resource_dir("templates"), engine=JinjaTemplateEngine, engine_callback=_configure
    )


def page(template_name: str, *, status_code: int = 200, **context: Any) -> Template:
    """A full page; htmx requests for a fragment use a partial template of the same area.

    Its forms carry once-tokens beside their CSRF tokens (see ``web/idempotency.py``).
    """
    return OnceTemplate(
        template_name=template_name, context=context, status_code=status_code, media_type=MediaType.HTML
    )


def htmx_target(request: Request[Any, Any, Any]) -> str | None:
    """The id of the element an htmx request will swap; None for a plain request (or no id)."""
    if isinstance(request, HTMXRequest) and request.htmx:
        return request.htmx.target
    return None


def is_htmx(request: Request[Any, Any, Any]) -> bool:
    """Whether htmx sent the request: it is answered with a fragment or a client redirect."""
    return isinstance(request, HTMXRequest) and bool(request.htmx)


def wants_part(request: Request[Any, Any, Any], target: str) -> bool:
    """Whether htmx asked for the element with id ``target`` alone, to swap it in.

    The one test handlers use to answer with a partial template instead of the full page;
    a plain request (or htmx swapping something else) gets the full page.
    """
    return htmx_target(request) == target


def redirect_to(request: Request[Any, Any, Any], url: str) -> Redirect | ClientRedirect:
    """Post/Redirect/Get. htmx requests get a client-side redirect instead of a 3xx it would swap in."""
    if is_htmx(request):
        response = ClientRedirect(url)
        response.status_code = 200
        return response
    return Redirect(url, status_code=303)
