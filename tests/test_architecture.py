"""Keep the layering true: dependencies point one way, and only some modules may use some libraries."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "elca_match"

# concern -> the package-internal concerns it must never import
FORBIDDEN = {
    "profiles": {"store", "services", "cli", "ingest", "catalogue", "export", "planning"},
    "matching": {"store", "services", "cli", "ingest", "catalogue", "export", "planning"},
    "planning": {"store", "services", "cli", "ingest", "catalogue", "export"},
    "agenda": {"store", "services", "cli", "ingest", "export", "planning"},
    "partners": {"store", "services", "cli", "ingest", "export", "planning", "agenda"},
    "export": {"store", "services", "cli", "ingest"},
    "store": {"services", "cli"},
    "ingest": {"store", "services", "cli"},
    "questionnaire": {"store", "services", "cli", "ingest"},
    "services": {"cli"},
}
UI_LIBRARIES = {"typer", "rich", "click"}
SQL = re.compile(r"""\.execute(many|script)?\(|\b(SELECT|INSERT|UPDATE|DELETE)\s+.*\b(FROM|INTO|SET)\b""")


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "_data" not in p.parts)


def concern(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0].removesuffix(".py")


def imported(path: Path) -> set[str]:
    """Top-level names imported, with package-internal ones as the concern they name."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    depth = len(path.relative_to(PACKAGE).parts) - 1
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                module = node.module or ""
                if module.startswith("elca_match."):
                    names.add("elca_match:" + module.split(".")[1])
                else:
                    names.add(module.split(".")[0])
            elif node.level > depth:  # reaches the package root: from ..store import x
                target = (node.module or "").split(".")[0]
                if target:
                    names.add("elca_match:" + target)
                else:
                    names.update("elca_match:" + alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering__module_imports_only_what_its_layer_allows(path):
    names = imported(path)
    own = concern(path)
    internal = {n.split(":", 1)[1] for n in names if n.startswith("elca_match:")}
    assert not internal & FORBIDDEN.get(own, set()), f"{own} must not import {internal & FORBIDDEN[own]}"
    if own != "cli":
        assert not names & UI_LIBRARIES, f"only cli/ may import {names & UI_LIBRARIES}"


@pytest.mark.parametrize("path", [p for p in modules() if concern(p) != "store"],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering__sql_only_in_store(path):
    assert not SQL.search(path.read_text(encoding="utf-8")), "SQL belongs in elca_match/store/"
