"""The entry point builds only the branch of the command tree a command line needs, and converts option
values without typer's pydantic adapters where the conversion is the identity; neither changes a result."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from elca_match import cli
from elca_match.cli.coercion import _PassThrough, quick_coercion


def _top_level_names(app: typer.Typer) -> set[str]:
    names = {info.name or info.callback.__name__.replace("_", "-") for info in app.registered_commands}
    return names | {group.name for group in app.registered_groups}


def test_every_command_maps_to_the_module_that_registers_it():
    # every module of the cli package that registers commands, found in the files, not in the map
    folder = Path(cli.__file__).parent
    modules = sorted(p.stem for p in folder.glob("*.py") if "\ndef register(" in p.read_text(encoding="utf-8"))
    assert sorted(cli.COMMAND_MODULE_NAMES) == modules
    seen: dict[str, str] = {}
    for module in modules:
        root = typer.Typer()
        __import__(f"elca_match.cli.{module}", fromlist=["register"]).register(root)
        for name in _top_level_names(root):
            seen[name] = module
    assert seen == cli.COMMANDS


def test_the_whole_tree_has_every_command():
    assert set(cli._command().commands) == set(cli.COMMANDS)


@pytest.mark.parametrize(("args", "name"), [
    (["rank", "--country", "japan"], "rank"),
    (["--db", "x.db", "members", "list"], "members"),
    (["--db=x.db", "-q", "forget", "A"], "forget"),
    (["--db", "rank", "plan"], "plan"),            # the value of --db is not the command
    (["rank", "--help"], "rank"),
    (["--help"], None), (["-h", "rank"], None), (["--version"], None), ([], None),
    (["rnak"], None),                               # unknown: the whole tree, for its did-you-mean
])
def test_command_name(args, name):
    assert cli.command_name(args) == name


def test_a_lazily_built_command_runs_like_the_whole_tree(tmp_path):
    for args in (["survey", "questions"], ["--db", str(tmp_path / "none.db"), "members", "list"],
                 ["rank", "--top", "x"], ["members", "lst"]):
        lazy = cli._command(cli.command_name(args))
        full = cli._command()
        outcomes = []
        for command in (lazy, full):
            try:
                outcomes.append(("ok", command(args=args, prog_name="elca-match", standalone_mode=False)))
            except Exception as exc:  # the same error either way
                outcomes.append((type(exc).__name__, str(exc)))
        assert outcomes[0] == outcomes[1], args


def _params():
    full = cli._command()

    def walk(command, path):
        for param in command.params:
            yield f"{path} {param.name}", param
        for name, sub in getattr(command, "commands", {}).items():
            yield from walk(sub, f"{path} {name}")
    return list(walk(full, "elca-match"))


def _samples(param) -> list:
    annotation = param.type_descriptor.annotation
    values = [param.default] if param.default is not None else []
    if annotation is str:
        values += ["japan", "", " JP , de ", "ÿ"]
    if isinstance(annotation, type) and issubclass(annotation, Path):
        values += ["plain.csv", "-", str(Path(__file__)), "missing/folder/x.csv", str(Path(__file__).parent)]
    if annotation == list[str]:
        values += [(), ("AMZ",), ("AMZ", "MECH,PL")]
    return values


def test_the_pass_through_converts_like_typer():
    from typer._coercion import build_runtime_param

    checked = 0
    for where, param in _params():
        if not isinstance(getattr(param, "_runtime_param", None), _PassThrough):
            continue
        typer_own = build_runtime_param(param.type_descriptor)
        for value in _samples(param):
            results = []
            for conversion in (typer_own, param._runtime_param):
                try:
                    results.append(("ok", conversion.coerce(value, param=param, ctx=None)))
                except Exception as exc:
                    results.append((type(exc).__name__, str(exc)))
            assert results[0] == results[1], (where, value)
            assert type(results[0][1]) is type(results[1][1]), (where, value)
            checked += 1
    assert checked > 100


def test_quick_coercion_leaves_a_built_conversion_alone():
    from typer._coercion import build_runtime_param

    _, param = next((w, p) for w, p in _params() if isinstance(getattr(p, "_runtime_param", None), _PassThrough))
    built = build_runtime_param(param.type_descriptor)
    param._runtime_param = built
    quick_coercion([param])
    assert param._runtime_param is built
