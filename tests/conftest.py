"""Shared test fixtures: run the real `elca-match` entry point; fresh database paths."""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import os
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # the test extras are not installed: only tests that read source can run
    settings = None
else:
    settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.register_profile("long", max_examples=2000, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

FIXTURES = Path(__file__).parent / "fixtures"


# Room a RAM folder needs before the tests' temporary files go there (the large-file tests write
# a few hundred MB; a container's default 64 MB /dev/shm is left alone).
RAM_TEMP_MIN_FREE = 2 * 1024 ** 3


def ram_temp_root() -> str | None:
    """A folder in RAM for the tests' temporary files, when the machine has one with room to spare.

    Closing a SQLite database that a command wrote checkpoints it with an fsync: about 20 ms on
    this machine's disk (a few seconds of the fast loop's wall time), nothing on a RAM file system.
    Durability against power loss is not what any test checks (a killed process's writes are kept
    in either place)."""
    root = Path("/dev/shm")
    try:
        stats = os.statvfs(root)
    except OSError:
        return None
    if stats.f_bavail * stats.f_frsize < RAM_TEMP_MIN_FREE or not os.access(root, os.W_OK | os.X_OK):
        return None
    return str(root)


def pytest_configure(config):
    """Temporary files in RAM (see :func:`ram_temp_root`) unless ``--basetemp`` or ``$TMPDIR`` says
    where; ``tmp_path`` and ``tempfile`` both follow ``tempfile.tempdir``.

    typer's CliRunner rebuilds the click command tree of the app on every invoke (most of a short CLI
    test's time); give it the tree the entry point builds once per process instead. The CLI is imported
    only when a test first invokes it, so tests that never do (the architecture test) do not pay for it."""
    if config.option.basetemp is None and not os.environ.get("TMPDIR") and (root := ram_temp_root()):
        tempfile.tempdir = root

    try:
        import typer.testing
    except ImportError:  # the project's dependencies are not installed: only tests that read source can run
        return

    build = typer.testing._get_command

    def built_once(typer_app):
        from elca_match.cli import _command, app

        return _command() if typer_app is app else build(typer_app)

    typer.testing._get_command = built_once


# The fast loop is `pytest -m "not slow"`, exactly that expression: there each property test runs a
# quarter of the examples it states (never fewer than FAST_LOOP_MIN_EXAMPLES, never more than stated).
# Every other run (plain `pytest`, `pytest -m slow`, a file or -k selection without that -m, any
# $HYPOTHESIS_PROFILE) runs the stated counts.
FAST_LOOP = "not slow"
FAST_LOOP_SHARE = 4
FAST_LOOP_MIN_EXAMPLES = 10


def fast_loop_examples(stated: int) -> int:
    """The examples a property test stating ``stated`` runs in the fast loop."""
    return min(stated, max(FAST_LOOP_MIN_EXAMPLES, stated // FAST_LOOP_SHARE))


def pytest_collection_modifyitems(config, items):
    """In the fast loop, give each property test its fast-loop example count (see FAST_LOOP)."""
    if settings is None or config.option.markexpr.strip() != FAST_LOOP or os.environ.get("HYPOTHESIS_PROFILE"):
        return
    done: set[int] = set()
    for item in items:
        test = getattr(item, "obj", None)
        if not getattr(test, "is_hypothesis_test", False) or id(test) in done:
            continue  # a parametrized property test is one function for all its items
        done.add(id(test))
        # @given keeps the settings it runs with here (its @settings, else the profile's default)
        stated = test._hypothesis_internal_use_settings
        test._hypothesis_internal_use_settings = settings(stated, max_examples=fast_loop_examples(stated.max_examples))


def pytest_collection_finish(session):
    """Move everything collection built (modules, test items, their syntax trees) out of the garbage
    collector's sight: it lives to the end of the run, and full collections would walk it again and again."""
    gc.freeze()


SHARED = Path(__file__).resolve().parents[2] / "shared"


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


def _cli_env(env: dict | None) -> dict[str, str]:
    """The environment a test's command sees: the caller's, a wide plain console, no $ELCA_MATCH_DB."""
    full_env = {**os.environ, "COLUMNS": "200", "NO_COLOR": "1", **(env or {})}
    full_env.pop("ELCA_MATCH_DB", None)
    return {k: v for k, v in full_env.items() if v is not None}


def run_cli(*args: object, db: Path | None = None, cwd: Path | None = None, input: str | None = None,
            env: dict | None = None) -> CliResult:
    """Run `elca-match ARGS` in this process, through the console script's own ``main()``.

    Same contract as :func:`run_cli_subprocess` (argv, environment, working folder, stdin; separate stdout
    and stderr; the exit code), about 30 times faster. Everything it changes (argv, environment, working
    folder, standard streams) is restored afterwards, so tests do not leak state into one another.
    """
    from elca_match.cli import main
    from elca_match.cli.context import set_quiet, set_wide

    argv = ["elca-match"] + (["--db", str(db)] if db is not None else []) + [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv, dict(os.environ), os.getcwd(), sys.stdin
    os.environ.clear()
    os.environ.update(_cli_env(env))
    sys.argv, sys.stdin = argv, io.StringIO(input or "")
    code: int | str | None = 0
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as exc:
        code = exc.code
    finally:
        sys.argv, environ, cwd_before, sys.stdin = saved
        os.environ.clear()
        os.environ.update(environ)
        os.chdir(cwd_before)
        set_quiet(False)  # the presentation switches of one run (--quiet, --wide) live in the process
        set_wide(False)
    if isinstance(code, str):  # sys.exit("message") prints it and exits 1, as the interpreter would
        err.write(code + "\n")
        code = 1
    return CliResult(code or 0, out.getvalue(), err.getvalue())


def run_cli_subprocess(*args: object, db: Path | None = None, cwd: Path | None = None, input: str | None = None,
                       env: dict | None = None) -> CliResult:
    """Run the installed `elca-match` command in a child process (for tests marked slow: signals, real
    streams and encodings, concurrency) and capture its output."""
    exe = shutil.which("elca-match")
    command = [exe] if exe else [sys.executable, "-m", "elca_match"]
    if db is not None:
        command += ["--db", str(db)]
    command += [str(a) for a in args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=cwd, input=input, env=_cli_env(env),
                          timeout=300)
    return CliResult(done.returncode, done.stdout, done.stderr)


def run_main(*args: object, db: Path | None = None) -> CliResult:
    """The real entry point in-process: the same as :func:`run_cli` (kept for the tests that call it so)."""
    return run_cli(*args, db=db)


@pytest.fixture
def cli():
    """The `run_cli` function, for tests that drive the command line."""
    return run_cli


# The database the table commands of test_cli_narrow (and the modules sharing its fixture) read:
# the README's own-data walk-through, with an agenda for M06.
WALKTHROUGH = [
    ["ingest", FIXTURES / "survey" / "canonical_en.csv", FIXTURES / "outcomes" / "members.csv"],
    ["opportunities", "import", "--builtin"],
    ["missions", "import", FIXTURES / "outcomes" / "missions.csv"],
    ["outcomes", "import", FIXTURES / "outcomes" / "history.csv"],
    ["partners", "import", FIXTURES / "agenda" / "partners.csv"],
    ["plan", "--include-unconsented"],
    ["plan", "--include-unconsented", "--max-per-member", "3", "--require", "Compositi Emilia Srl@M06",
     "--require", "Leichtbau Sachsen GmbH@M06", "--require", "Plasturgie Alpes SAS@M06"],
    ["plan", "adopt", "2"],
    ["agenda", "suggest", "--mission", "M06", "--per-member", "2", "--accept"],
    ["agenda", "import", "sessions", FIXTURES / "agenda" / "sessions.csv"],
    ["agenda", "import", "requests", FIXTURES / "agenda" / "requests.csv"],
    ["agenda", "schedule", "--mission", "M06", "--time-limit", "5"],
]


@pytest.fixture(scope="session")
def walkthrough_db(tmp_path_factory) -> Path:
    """The :data:`WALKTHROUGH` database, built once per session through the real command line.

    Read-only for tests: a test (or a module) that writes takes its own copy with ``shutil.copy``.
    """
    from elca_match.cli import run

    db = tmp_path_factory.mktemp("walkthrough") / "elca.db"
    for args in WALKTHROUGH:
        assert run(["--db", str(db), "-q", *map(str, args)]) == 0, args
    return db


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path in a fresh temporary folder (the file does not exist yet)."""
    return tmp_path / "elca.db"


def survey_rows(count: int, *, seed: int = 0, prefix: str = "Org") -> Iterator[dict[str, str]]:
    """``count`` valid canonical answer rows (text by question code), each a distinct organisation.

    Cheap enough for 100,000 rows; the same seed gives the same rows.
    """
    from elca_match.questionnaire import load_questionnaire

    q = load_questionnaire()
    rng = random.Random(seed)
    codes = {c: q.choice_codes(c) for c in ("cluster", "org_type", "sectors", "value_chain_stages", "materials",
                                            "technologies", "certifications", "cooperation_types")}
    markets = ["JP", "US", "IN", "MX", "BR", "CL", "CO", "KR", "CA"]
    for i in range(count):
        yield {
            "org_name": f"{prefix} {i}", "org_id": "", "cluster": rng.choice(codes["cluster"]),
            "country": rng.choice(["DE", "IT", "PL", "FR", "ES"]), "region": "", "org_type": rng.choice(codes["org_type"]),
            "employees": str(rng.randint(1, 5000)), "sectors": ";".join(rng.sample(codes["sectors"], 2)),
            "value_chain_stages": ";".join(rng.sample(codes["value_chain_stages"], 2)),
            "materials": ";".join(rng.sample(codes["materials"], 2)),
            "technologies": ";".join(rng.sample(codes["technologies"], 3)), "trl": str(rng.randint(1, 9)),
            "certifications": rng.choice(codes["certifications"]), "target_markets": ";".join(rng.sample(markets, 2)),
            "market_experience": rng.choice(markets), "cooperation_types": ";".join(rng.sample(codes["cooperation_types"], 2)),
            "capabilities": f"Lightweight parts by RTM and adhesive bonding, line {i}", "products": "Panels",
            "contact_name": f"Person {prefix} {i}", "contact_email": f"p{i}@example.org",
            "consent": rng.choice(["yes", "no"]), "submitted_at": "2026-03-01",
        }


def write_survey(path: Path, rows: Iterable[dict[str, str]], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """Write answer rows as a canonical CSV (or XLSX when ``path`` ends in .xlsx); header = the rows' keys."""
    rows = iter(rows)
    first = next(rows)
    header = list(first)
    if path.suffix == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(header)
        for row in _chain(first, rows):
            sheet.append([row.get(h, "") for h in header])
        workbook.save(path)
        return path
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows([row.get(h, "") for h in header] for row in _chain(first, rows))
    return path


def _chain(first: dict, rest: Iterator[dict]) -> Iterator[dict]:
    yield first
    yield from rest


def json_result(payload: dict):
    """The result in a command's JSON output (docs/json.md): a list command's one table of records,
    or the result's own fields, which follow ``query``, ``summary`` and ``tables``."""
    fields = {k: v for k, v in payload.items() if k not in ("query", "summary", "tables")}
    if fields:
        return fields
    tables = list(payload["tables"].values())
    return tables[0] if len(tables) == 1 else payload["tables"]
