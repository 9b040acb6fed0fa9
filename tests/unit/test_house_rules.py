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
