"""Every route handler gets a name, so templates link with ``url_for`` instead of literal paths.

A literal ``/cases/{{ case.id }}`` in a template silently points nowhere once a route moves;
``url_for('cases.show', case_id=case.id)`` fails loudly, and every page is rendered by some
test. Naming each handler by hand would be a convention kept by memory, so the names are given
in one place, at app assembly, by one rule: ``"<area>.<function name>"``, where the area is the
package under ``youthcourt`` that holds the handler's module (``cases.show``,
``jurors.credits`` for ``jurors/controllers/ledger.py``). A handler named by hand keeps its name.

Names must be set before ``Litestar(...)`` registers the handlers: registering a controller
deep-copies the handlers it finds on its class (``Controller.get_route_handlers``), and the copy
carries whatever name the class's handler held. One handler serving several paths keeps one
name; ``route_reverse`` picks the path whose parameters the caller passed.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Controller
from litestar.handlers import BaseRouteHandler


def route_name(handler: BaseRouteHandler) -> str:
    """The conventional name of a handler: ``<area>.<function name>``."""
    module = handler.fn.__module__.split(".")
    return f"{module[1] if len(module) > 1 else module[0]}.{handler.fn.__name__}"


def _handlers_of(item: Any) -> list[BaseRouteHandler]:
    """The handlers a route item holds: a controller's class attributes, or the handler itself.

    Routers (the static files) are built already and name their own handlers.
    """
    if isinstance(item, type) and issubclass(item, Controller):
        handlers = (getattr(item, attribute) for attribute in dir(item) if not attribute.startswith("__"))
        return [handler for handler in handlers if isinstance(handler, BaseRouteHandler)]
    return [item] if isinstance(item, BaseRouteHandler) else []


def name_routes(route_items: Iterable[Any]) -> list[Any]:
    """Name every unnamed handler by the convention; refuse two handlers sharing one name.

    Returns the items unchanged, so the call can sit in ``Litestar(route_handlers=...)``.
    """
    items = list(route_items)
    owners: dict[str, str] = {}
    for handler in (handler for item in items for handler in _handlers_of(item)):
        handler.name = handler.name or route_name(handler)
        owner = owners.setdefault(handler.name, str(handler))
        if owner != str(handler):
            raise ValueError(
                f"Two route handlers are both named {handler.name!r}: {owner} and {handler}. "
                "Rename one of the functions (or give it name=...)."
            )
    return items
