"""Keep the layering true: dependencies point one way, and only some modules may use some libraries.

The layer map below is the one the README's "How it is built" describes. Every package and
top-level module of ``elca_match`` has a row; a new package without one fails the test.
Absolute (``from elca_match import store``) and relative (``from ..store import x``) imports,
at module level or inside functions, are resolved alike.
"""

from __future__ import annotations

import ast
import functools
import re
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "elca_match"

CORE = {"errors", "resources", "text", "workbooks", "i18n", "tabular", "markets", "questionnaire", "records",
        "sparse", "cache"}
DOMAIN = {"surveytools", "ingest", "templates", "catalogue", "partners", "agenda", "profiles", "matching",
          "planning", "export", "outcomes"}

# The layer map: package -> the packages of elca_match it may import (its own modules always).
LAYERS: dict[str, set[str]] = {
    # core
    "errors": set(),
    "resources": {"cache"},
    "cache": set(),  # derived files kept between runs (compiled thesaurus, lemmas, parsed data files)
    "text": {"errors"},
    "workbooks": {"errors"},
    "i18n": {"errors", "text", "resources"},
    "tabular": {"errors", "text", "workbooks"},
    "markets": {"errors", "resources", "text", "cache"},
    "questionnaire": {"errors", "resources", "text", "markets"},
    "records": set(),  # typed records: opportunity, mission, third-country partner, outcome records
    "sparse": set(),  # sparse rows in numpy alone (a stored profile matrix)
    # domain: core, and the domain packages named
    "surveytools": CORE,  # survey tools' conventions, blank forms' words, export writers
    "ingest": CORE | {"surveytools"},  # file -> canonical rows -> validated answers
    "templates": CORE | {"surveytools"},  # blank response sheets and the XLSForm
    "catalogue": CORE,  # opportunity and mission files; the generic file-checking skeleton
    "partners": CORE | {"catalogue"},
    "agenda": CORE | {"catalogue"},
    "profiles": CORE,
    "matching": CORE | {"profiles"},
    "planning": CORE,
    "export": CORE,  # documents and their writers
    "outcomes": CORE | {"catalogue", "partners", "export"},
    "store": CORE,  # SQL; records in, records out
    # use cases
    "services": CORE | DOMAIN | {"store"},
    "demo": CORE | DOMAIN | {"services"},
    # the command line: parse, call a service, present (documents and their writers)
    "cli": CORE | {"services", "export", "demo", "__init__"},
    "__main__": {"cli"},
    "__init__": set(),
}

# Imports the map forbids that are still there, each with why; the test fails when one is gone,
# so that this list only ever shrinks. (Empty: the last ones went when the store's records moved to records/.)
KNOWN: dict[tuple[str, str], str] = {}

UI_LIBRARIES = {"typer", "rich", "click"}
SQL = re.compile(r"""\.execute(many|script)?\(|\b(SELECT|INSERT|UPDATE|DELETE)\s+.*\b(FROM|INTO|SET)\b""")


def modules(root: Path = PACKAGE) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "_data" not in p.parts)


def concern(path: Path, root: Path = PACKAGE) -> str:
    """The package (or top-level module) of elca_match a file belongs to."""
    return path.relative_to(root).parts[0].removesuffix(".py")


@functools.lru_cache(maxsize=None)
def _parse(source: str) -> ast.Module:
    """The syntax tree of a source text: each module is parsed once, however many rules read it."""
    return ast.parse(source)


def parsed(path: Path) -> ast.Module:
    return _parse(path.read_text(encoding="utf-8"))


def imports(path: Path, root: Path = PACKAGE) -> list[tuple[str, int]]:
    """The packages of elca_match a file imports, with the line: absolute and relative imports alike."""
    tree = parsed(path)
    parts = list(path.relative_to(root).with_suffix("").parts)
    package = parts[:-1]  # the file's package, relative to elca_match (an __init__ is in its own package)
    found: list[tuple[str, int]] = []

    def target(dotted: list[str], names: list[str]) -> None:
        if dotted:
            found.append((dotted[0], node.lineno))
        else:  # from elca_match import store, __version__ / from .. import markets
            found.extend((_top_level(name, root), node.lineno) for name in names)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == root.name:
                    target(alias.name.split(".")[1:], ["__init__"])
        elif isinstance(node, ast.ImportFrom):
            module = (node.module or "").split(".") if node.module else []
            if node.level == 0:
                if module[:1] == [root.name]:
                    target(module[1:], [a.name for a in node.names])
            else:
                base = package[: len(package) - (node.level - 1)] if node.level - 1 <= len(package) else None
                assert base is not None, f"{path}:{node.lineno} imports from above the package"
                target(base + module, [a.name for a in node.names])
    return found


def _top_level(name: str, root: Path) -> str:
    """A name imported from elca_match itself: a package, a module, or something of its __init__."""
    return name if (root / name).is_dir() or (root / f"{name}.py").is_file() else "__init__"


def violations(root: Path = PACKAGE, layers: dict[str, set[str]] = LAYERS,
               known: dict[tuple[str, str], str] = KNOWN) -> list[str]:
    """Every import the layer map forbids (beyond ``known``), every package without a row, every cycle."""
    problems: list[str] = []
    edges: dict[str, set[str]] = defaultdict(set)
    seen_known: set[tuple[str, str]] = set()
    for path in modules(root):
        own = concern(path, root)
        if own not in layers:
            problems.append(f"{own} has no row in the layer map (tests/test_architecture.py LAYERS)")
            continue
        rel = str(path.relative_to(root))
        for other, line in imports(path, root):
            if other == own:
                continue
            edges[own].add(other)
            if other in layers[own]:
                continue
            if (rel, other) in known:
                seen_known.add((rel, other))
                continue
            problems.append(f"{rel}:{line}: {own} must not import {other}")
    problems += [f"{rel} no longer imports {other}: remove it from KNOWN" for rel, other in set(known) - seen_known]
    problems += [f"import cycle between packages: {' -> '.join(cycle)}" for cycle in cycles(edges)]
    return problems


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each group of packages that import each other, if any."""
    found, done = [], set()
    for start in sorted(edges):
        stack, path = [(start, iter(sorted(edges[start])))], [start]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                path.pop()
                continue
            if child == start:
                cycle = path + [start]
                if frozenset(cycle) not in done:
                    done.add(frozenset(cycle))
                    found.append(cycle)
            elif child not in path and child in edges:
                stack.append((child, iter(sorted(edges[child]))))
                path.append(child)
    return found


def test_layering__every_package_has_a_row_and_keeps_to_it():
    assert violations() == []


def test_layering__map_covers_every_package_and_no_other():
    packages = {concern(p) for p in modules()}
    assert packages == set(LAYERS), f"rows missing: {packages - set(LAYERS)}; rows for nothing: {set(LAYERS) - packages}"


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "elca_match"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize("statement", [
    "from elca_match import cli",
    "from elca_match.cli import main",
    "import elca_match.cli.context",
    "from ..cli import main",
    "from .. import cli",
])
def test_layering__bad_import_in_a_temporary_file__fails(tmp_path, statement):
    root = _tree(tmp_path, {"store/__init__.py": "", "store/bad.py": f"def f():\n    {statement}\n",
                            "cli/__init__.py": "def main():\n    pass\n", "errors.py": ""})
    assert violations(root, known={}) == ["store/bad.py:2: store must not import cli"]


def test_layering__same_imports_allowed__pass(tmp_path):
    root = _tree(tmp_path, {"store/__init__.py": "from ..errors import StateError\nfrom elca_match import text\n",
                            "errors.py": "", "text.py": "from .errors import x\n"})
    assert violations(root, known={}) == []


def test_layering__cycle_between_packages__fails(tmp_path):
    root = _tree(tmp_path, {"ingest/__init__.py": "from ..templates import x\n",
                            "templates.py": "from .ingest import y\n"})
    layers = {"ingest": {"templates"}, "templates": {"ingest"}}
    assert violations(root, layers, known={}) == ["import cycle between packages: ingest -> templates -> ingest"]


def test_layering__package_without_a_row__fails(tmp_path):
    root = _tree(tmp_path, {"newthing/__init__.py": ""})
    assert violations(root, {}, known={}) == ["newthing has no row in the layer map (tests/test_architecture.py LAYERS)"]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering__only_cli_uses_the_ui_libraries(path):
    tree = parsed(path)
    names = {alias.name.split(".")[0] for node in ast.walk(tree)
             if isinstance(node, ast.Import) for alias in node.names}
    names |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
              if isinstance(node, ast.ImportFrom) and node.level == 0}
    if concern(path) != "cli":
        assert not names & UI_LIBRARIES, f"only cli/ may import {names & UI_LIBRARIES}"


@pytest.mark.parametrize("path", [p for p in modules() if concern(p) != "store"],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_layering__sql_only_in_store(path):
    assert not SQL.search(path.read_text(encoding="utf-8")), "SQL belongs in elca_match/store/"
