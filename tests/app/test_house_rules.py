"""Rules of the codebase that a reader relies on, checked on every run."""

from __future__ import annotations

import ast
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "src" / "youthcourt"


def _imported_modules(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.level == 0
    ]
    found += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    return found


def test_no_private_module_of_a_dependency_is_imported():
    """A dependency's private modules change without notice between its releases."""
    private = [
        f"{path.relative_to(SOURCE)}: {module}"
        for path in sorted(SOURCE.rglob("*.py"))
        for module in _imported_modules(path)
        if module != "__future__"
        and not module.startswith("youthcourt")
        and any(part.startswith("_") for part in module.split("."))
    ]
    assert private == []


HANDLER_DECORATORS = {"get", "post", "put", "patch", "delete", "route"}
HANDLER_LINES = 40


def _is_handler(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
        if name in HANDLER_DECORATORS:
            return True
    return False


def test_no_handler_is_longer_than_a_screenful():
    """A handler parses, calls one service method and renders or redirects; the work is in the service."""
    long = []
    for path in sorted(SOURCE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _is_handler(node):
                lines = node.end_lineno - node.lineno + 1
                if lines > HANDLER_LINES:
                    long.append(f"{path.relative_to(SOURCE)}::{node.name} ({lines} lines)")
    assert long == []


FORM_READERS = {"text", "email", "number", "date", "past_date", "time", "choice", "many"}


def test_forms_are_read_only_through_their_declared_classes():
    """Each form is a class in its area's forms.py; the Form reading methods serve only those classes."""
    read_by_hand = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == SOURCE / "web" / "forms.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in FORM_READERS
                and "form" in ast.unparse(node.func.value).lower()
            ):
                read_by_hand.append(f"{path.relative_to(SOURCE)}:{node.lineno} {ast.unparse(node.func)}")
    assert read_by_hand == []


HOOKS = ("before_request", "after_request", "after_response")


def test_no_guard_hook_or_dependency_of_a_request_runs_in_a_thread(tmp_path: Path):
    """Litestar runs a plain function guard, hook or dependency in a thread pool unless told not to;
    under load each hop waits milliseconds for the interpreter lock, on every request it touches."""
    from litestar.utils.sync import AsyncCallable

    from tests.conftest import make_settings
    from youthcourt.app import create_app

    app = create_app(make_settings(f"sqlite+aiosqlite:///{tmp_path / 'rules.db'}", tmp_path))
    threaded = set()
    for route in app.routes:
        for handler in getattr(route, "route_handlers", []):
            hooks = [getattr(layer, hook, None) for layer in handler.ownership_layers for hook in HOOKS]
            callables = [*handler.resolve_guards(), *hooks]
            threaded |= {
                f"{route.path}: {c.func.__qualname__}" for c in callables if isinstance(c, AsyncCallable)
            }
            for name, provide in handler.resolve_dependencies().items():
                if provide.has_sync_callable and provide.sync_to_thread:
                    threaded.add(f"{route.path}: dependency {name}")
            if getattr(handler, "has_sync_callable", False) and handler.sync_to_thread:
                threaded.add(f"{route.path}: handler {handler.handler_name}")
    assert sorted(threaded) == []
