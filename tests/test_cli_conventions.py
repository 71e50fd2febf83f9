"""Command-line conventions people know from sqlite-utils, datasette or git, in-process through `cli.run`."""

from __future__ import annotations

import functools
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest

from elca_match import __version__
from elca_match.cli import _command, run
from elca_match.cli.conventions import LIST_OPTIONS
from elca_match.cli.examples import EXAMPLES
from elca_match.services.catalogue import import_opportunities
from elca_match.services.ingest import ingest_files

from conftest import FIXTURES

SURVEY = FIXTURES / "survey" / "canonical_en.csv"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("conventions") / "elca.db"
    ingest_files(db, [SURVEY])
    import_opportunities(db, FIXTURES / "catalogue" / "opportunities.csv")
    return db


@pytest.fixture
def db(built: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "elca.db"
    shutil.copy(built, copy)
    return copy


def cli(capsys, *args: object, stdin: bytes | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    status = run([str(a) for a in args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@functools.cache
def commands() -> tuple[tuple[str, object], ...]:
    """Every command that runs something (a leaf, or a group that runs without a subcommand, such as
    `plan`), by its path below elca-match: walked once, in the command tree the entry point runs
    (typer would build a new tree on every call, a tenth of a second each)."""
    found = []

    def walk(command, path):
        subs = getattr(command, "commands", None)
        if not subs or (path and getattr(command, "invoke_without_command", False)):
            found.append((" ".join(path), command))  # a command, or a group that also runs on its own (plan)
        for name, sub in (subs or {}).items():
            walk(sub, [*path, name])

    walk(_command(), [])
    return tuple(found)


# --- help and version -----------------------------------------------------------------------------

def test_version__prints_name_and_version(capsys):
    assert cli(capsys, "--version") == (0, f"elca-match {__version__}\n", "")


@pytest.mark.parametrize("path", [path for path, _ in commands()])
def test_help__every_command__has_an_example_and_short_h(capsys, monkeypatch, path):
    monkeypatch.setenv("COLUMNS", "100")
    status, out, _ = cli(capsys, *path.split(), "-h")
    assert status == 0
    assert "Examples:" in out and f"$ elca-match {path}" in out
    assert "<bool>" not in out


def test_examples__name_only_real_commands():
    assert set(EXAMPLES) == {path for path, _ in commands()}


# --- usage errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "says"), [
    (["rank", "--top", "x"], "Invalid value for '--top'"),
    (["rank", "--no-such-option"], "No such option: --no-such-option"),
    (["nosuch"], "No such command 'nosuch'"),
    (["opportunities", "show"], "Missing argument"),
])
def test_usage_error__one_paragraph_error_exit_2(capsys, args, says):
    status, out, err = cli(capsys, *args)
    assert status == 2 and out == ""
    assert err.startswith("Error: ") and says in err
    assert err.count("\n") == 1, err  # one paragraph, no Usage: block
    assert not set(err) & set("╭╮╰╯│─"), "no boxed panel"
    assert "--help` for the options" in err


def test_usage_error__single_valued_option_given_twice__refused(capsys, db):
    before = digest(db)
    status, _, err = cli(capsys, "--db", db, "rank", "--country", "japan", "--top", "3", "--top", "4")
    assert status == 2 and "--top is given 2 times (3, 4)" in err
    assert digest(db) == before


# --- multi-valued options: repeated flags and comma lists give the union --------------------------

def test_list_option__repeated_and_comma_list__same_union(capsys, db):
    base = ["--db", db, "rank", "--format", "json"]
    runs = [
        cli(capsys, *base, "--country", "japan", "--country", "usa"),
        cli(capsys, *base, "--country", "japan,usa"),
        cli(capsys, *base, "-c", "japan", "--country=usa"),
    ]
    queries = [json.loads(out)["query"]["resolved"] for status, out, _ in runs if status == 0]
    assert len(queries) == 3 and queries[0] == queries[1] == queries[2]
    assert queries[0]["countries"] == ["JP", "US"]


def test_list_option__cluster_repeated_and_comma__union(capsys, db):
    one = cli(capsys, "--db", db, "rank", "--country", "japan", "--cluster", "AMZ", "--cluster", "MECH",
              "--format", "json")
    two = cli(capsys, "--db", db, "rank", "--country", "japan", "--cluster", "AMZ,MECH", "--format", "json")
    assert one[0] == two[0] == 0
    clusters = [json.loads(out)["query"]["resolved"]["clusters"] for out in (one[1], two[1])]
    assert clusters == [["AMZ", "MECH"], ["AMZ", "MECH"]]


def test_list_options__are_real_option_names():
    names = {p.name for _, c in commands() for p in c.params}
    assert LIST_OPTIONS <= names


# --- standard input and output --------------------------------------------------------------------

def test_ingest__dash__reads_standard_input(capsys, monkeypatch, tmp_path):
    db = tmp_path / "stdin.db"
    status, _, err = cli(capsys, "--db", db, "ingest", "-", "--format", "json", stdin=SURVEY.read_bytes(),
                         monkeypatch=monkeypatch)
    assert status == 0, err
    status, out, _ = cli(capsys, "--db", db, "members", "list", "--format", "csv")
    assert status == 0 and "Leichtbau Sachsen GmbH" in out


def test_out_dash__writes_standard_output(capsys, db):
    status, out, err = cli(capsys, "--db", db, "members", "list", "--format", "csv", "--out", "-")
    assert status == 0 and out.startswith("key,name,")
    assert not out.startswith("\ufeff")  # no BOM on a stream
    status, out, _ = cli(capsys, "--db", db, "members", "list", "--format", "json", "-o", "-")
    assert status == 0 and json.loads(out)


def test_out__device__written_through(capsys, db):
    status, _, err = cli(capsys, "--db", db, "members", "list", "--format", "csv", "--out", "/dev/null")
    assert status == 0, err
    assert Path("/dev/null").exists() and not Path("/dev/null").is_file()


def test_out__the_database__refused_exit_2_database_unchanged(capsys, db):
    before = digest(db)
    status, out, err = cli(capsys, "--db", db, "members", "list", "--format", "csv", "--out", db)
    assert status == 2 and err.startswith("Error: ") and "is the database" in err
    assert digest(db) == before


def test_out__an_input_file__refused_exit_2_nothing_stored(capsys, db, tmp_path):
    answers = tmp_path / "answers.csv"
    shutil.copy(SURVEY, answers)
    before, file_before = digest(db), digest(answers)
    status, _, err = cli(capsys, "--db", db, "ingest", answers, "--format", "csv", "--out", answers)
    assert status == 2 and "is also the input file" in err
    assert digest(db) == before and digest(answers) == file_before


def test_quiet__silences_wrote_line(capsys, db, tmp_path):
    target = tmp_path / "members.csv"
    status, _, err = cli(capsys, "--db", db, "members", "list", "--out", target)
    assert status == 0 and "Wrote" in err
    status, _, err = cli(capsys, "--db", db, "--quiet", "members", "list", "--out", target)
    assert status == 0 and err == "" and target.stat().st_size > 0


def test_quiet__errors_still_shown(capsys, tmp_path):
    status, _, err = cli(capsys, "--db", tmp_path / "none.db", "-q", "members", "list")
    assert status != 0 and err.startswith("Error: ")
