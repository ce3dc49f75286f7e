"""The domain layer stays pure: no frameworks, no storage, no faces."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN_DIR = Path(__file__).resolve().parents[2] / "src" / "goodwill" / "domain"
DOMAIN_PACKAGE = "goodwill.domain"

FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "typer",
    "rich",
    "fastapi",
    "starlette",
    "goodwill.storage",
    "goodwill.services",
    "goodwill.cli",
    "goodwill.web",
)


def _module_name(path: Path) -> str:
    relative = path.relative_to(DOMAIN_DIR).with_suffix("")
    parts = [p for p in relative.parts if p != "__init__"]
    return ".".join([DOMAIN_PACKAGE, *parts])


def _resolve_relative(current_module: str, is_package: bool, level: int, module: str | None) -> str:
    base = current_module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def imported_modules(source: str, current_module: str, is_package: bool = False) -> set[str]:
    """Every absolute module name an import statement in `source` names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _resolve_relative(current_module, is_package, node.level, node.module)
            else:
                base = node.module or ""
            found.add(base)
            # 'from goodwill import storage' imports the module goodwill.storage.
            found.update(f"{base}.{alias.name}" for alias in node.names if alias.name != "*")
    return found


def forbidden_imports(modules: set[str]) -> set[str]:
    return {m for m in modules if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)}


def _domain_files() -> list[Path]:
    return sorted(DOMAIN_DIR.rglob("*.py"))


def test_domain_directory_holds_the_expected_modules() -> None:
    names = {p.name for p in _domain_files()}
    expected = {"text.py", "people.py", "interactions.py", "dates.py", "tasks.py", "agenda.py"}
    assert expected <= names


@pytest.mark.parametrize("path", _domain_files(), ids=lambda p: p.name)
def test_domain_module_imports_no_framework_storage_or_face(path: Path) -> None:
    module = _module_name(path)
    modules = imported_modules(
        path.read_text(encoding="utf-8"), module, is_package=path.name == "__init__.py"
    )
    assert forbidden_imports(modules) == set(), f"{module} imports {forbidden_imports(modules)}"


@pytest.mark.parametrize(
    "source",
    [
        "import sqlalchemy",
        "import sqlalchemy.orm as orm",
        "from sqlalchemy import select",
        "from alembic import op",
        "import typer",
        "from rich.console import Console",
        "from fastapi import FastAPI",
        "import starlette.requests",
        "from goodwill.storage import schema",
        "from goodwill import services",
        "from goodwill.cli.main import run",
        "import goodwill.web",
        "from ..storage import schema",
        "from .. import cli",
        "def f():\n    from goodwill.services.tasks import complete_task\n",
        "if True:\n    import rich\n",
    ],
)
def test_import_checker_catches_forbidden_imports(source: str) -> None:
    assert forbidden_imports(imported_modules(source, "goodwill.domain.people")) != set()


@pytest.mark.parametrize(
    "source",
    [
        "import re",
        "from goodwill.errors import ValidationFailed",
        "from goodwill.domain.text import fold",
        "from .text import fold",
        "from . import dates",
        "import richtext",
        "import typeguard",
        "from goodwill import errors",
    ],
)
def test_import_checker_allows_pure_imports(source: str) -> None:
    assert forbidden_imports(imported_modules(source, "goodwill.domain.people")) == set()
