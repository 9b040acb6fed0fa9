"""Jinja2 set-up and the one way handlers answer with a page or a redirect."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Request
from litestar.plugins.htmx import ClientRedirect, HTMXRequest
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect, Template
from litestar.template.config import TemplateConfig

from youthcourt.settings import resource_dir
from youthcourt.web.flash import take_flashes

DISPLAY_TIMEZONE = ZoneInfo("America/New_York")


def format_datetime(value: datetime.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    return value.astimezone(DISPLAY_TIMEZONE).strftime(fmt)


def format_date(value: datetime.date | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _configure(engine: JinjaTemplateEngine) -> None:
    env = engine.engine
    env.globals["take_flashes"] = take_flashes
    env.filters["datetime"] = format_datetime
    env.filters["date"] = format_date


def create_template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=resource_dir("templates"), engine=JinjaTemplateEngine, engine_callback=_configure
    )


def page(template_name: str, *, status_code: int = 200, **context: Any) -> Template:
    """A full page; htmx requests for a fragment use a partial template of the same area."""
    return Template(template_name=template_name, context=context, status_code=status_code)


def redirect_to(request: Request[Any, Any, Any], url: str) -> Redirect | ClientRedirect:
    """Post/Redirect/Get. htmx requests get a client-side redirect instead of a 3xx it would swap in."""
    if isinstance(request, HTMXRequest) and request.htmx:
        return ClientRedirect(url)
    return Redirect(url, status_code=303)
