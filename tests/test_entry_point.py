"""The installed command itself: a real child process, real streams, and a start-up that stays light.

Every other CLI test runs `elca-match` in-process through ``conftest.run_cli``; these check what only a
separate process can show.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, run_cli, run_cli_subprocess

pytestmark = pytest.mark.slow  # child processes

# How long the import takes is measured by benchmarks/bench_latency.py, not asserted here.
HEAVY = ("numpy", "scipy", "sklearn", "openpyxl")
PROBE = """
import json, sys, time
started = time.process_time()
import elca_match.cli
print(json.dumps({"seconds": time.process_time() - started, "loaded": sorted(m for m in %r if m in sys.modules)}))
"""


def test_import_cli__without_heavy_libraries():
    done = subprocess.run([sys.executable, "-c", PROBE % (HEAVY,)], capture_output=True, text=True, timeout=60,
                          check=True)
    probe = json.loads(done.stdout)
    assert probe["loaded"] == [], f"`import elca_match.cli` loads {probe['loaded']}; import them where they are used"


def test_installed_command__help_and_usage_error():
    assert run_cli_subprocess("--help").exit_code == 0
    wrong = run_cli_subprocess("no-such-command")
    assert wrong.exit_code == 2
    assert "No such command" in wrong.stderr


def test_installed_command__same_result_as_in_process(tmp_path):
    """The in-process runner the suite relies on reports what the real command reports."""
    canonical = FIXTURES / "survey" / "canonical_en.csv"
    child = [run_cli_subprocess(*args, db=tmp_path / "child.db")
             for args in (("ingest", canonical), ("members", "list", "--format", "json"), ("ingest", "missing.csv"))]
    inner = [run_cli(*args, db=tmp_path / "inner.db")
             for args in (("ingest", canonical), ("members", "list", "--format", "json"), ("ingest", "missing.csv"))]
    assert [c.exit_code for c in child] == [i.exit_code for i in inner]
    assert child[0].exit_code == 0 and child[2].exit_code != 0
    assert json.loads(child[1].stdout) == json.loads(inner[1].stdout)
    assert child[2].stderr == inner[2].stderr
    assert "Traceback" not in child[2].stderr
