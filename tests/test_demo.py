"""`elca-match demo` end to end through the real entry point, in a temporary folder."""

from __future__ import annotations

import re
import resource
import shlex
from pathlib import Path

import openpyxl
import pytest

from elca_match.demo.run import DemoListener, run_demo
from elca_match.errors import MESSAGES, StateError
from elca_match.store import open_db
from elca_match.store.survey import current_members
from tests.conftest import run_cli, run_cli_subprocess


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One real `elca-match demo` in a fresh folder, with the CPU seconds it used.

    CPU time rather than wall-clock time, so that other work on a shared machine does not
    make the test flaky; on an idle 2-core machine the two are about the same.
    """
    folder = tmp_path_factory.mktemp("demo")
    start = _children_cpu()
    result = run_cli_subprocess("demo", cwd=folder)
    return folder, result, _children_cpu() - start


def named_outputs(stdout: str) -> dict[str, str]:
    """The `name  path` lines the demo prints under 'Outputs:'."""
    block = stdout.split("Outputs:", 1)[1].split("Next, try:", 1)[0]
    return dict(line.split(None, 1) for line in block.strip().splitlines() if line.strip())


def next_commands(stdout: str) -> list[str]:
    block = stdout.split("Next, try:", 1)[1]
    return [line.strip() for line in block.splitlines() if line.strip().startswith("elca-match ")]


@pytest.mark.slow  # a whole demo run
def test_demo__fresh_folder__exits_0_within_30_cpu_seconds(demo_run):
    folder, result, seconds = demo_run
    assert result.exit_code == 0, result.stderr
    assert seconds < 30
    assert "Error" not in result.stderr


@pytest.mark.slow  # a whole demo run
def test_demo__steps__each_printed_with_its_result_and_timing(demo_run):
    _, result, _ = demo_run
    steps = re.findall(r"✓ \[(\d+)/(\d+)\] (.+?) \((\d+\.\d\d) s\)", result.stdout)
    assert len(steps) >= 5
    assert [int(index) for index, *_ in steps] == list(range(1, len(steps) + 1))
    titles = " ".join(title for _, _, title, _ in steps)
    for word in ("cohort", "export", "Ingest", "opportunity", "mission"):
        assert word in titles


@pytest.mark.slow  # a whole demo run
def test_demo__database__about_600_current_members_in_five_clusters(demo_run):
    folder, result, _ = demo_run
    db_file = folder / named_outputs(result.stdout)["database"]
    assert db_file == folder / "demo-out" / "demo.db"
    db = open_db(db_file, create=False)
    try:
        members = current_members(db)
    finally:
        db.close()
    assert len(members) == 600
    assert {m.cluster for m in members} == {"AMZ", "MECH", "BIC", "POLYM", "MAV"}
    assert 0.05 < sum(not m.consent for m in members) / len(members) < 0.25
    assert not list(folder.glob("demo-out/*.partial*"))


@pytest.mark.slow  # a whole demo run
def test_demo__outputs__every_named_file_exists_and_is_valid(demo_run):
    folder, result, _ = demo_run
    outputs = named_outputs(result.stdout)
    for name, relative in outputs.items():
        path = folder / relative
        assert path.is_file(), name
        if path.suffix == ".xlsx":
            workbook = openpyxl.load_workbook(path, read_only=True)
            assert any(sheet.max_row > 1 for sheet in workbook.worksheets), name
            workbook.close()
        if path.suffix == ".html":
            html = path.read_text(encoding="utf-8")
            assert "<svg" in html and "</html>" in html.lower(), name


@pytest.mark.slow  # a whole demo run
def test_demo__survey_exports__one_per_cluster_all_readable(demo_run):
    folder, _, _ = demo_run
    exports = sorted((folder / "demo-out").glob("survey-*"))
    assert {p.name.split("-")[1] for p in exports} == {"amz", "mech", "bic", "polym", "mav"}
    for path in exports:
        if path.suffix == ".xlsx":
            openpyxl.load_workbook(path, read_only=True).close()
        else:
            assert path.read_bytes()


@pytest.mark.slow  # a whole demo run
def test_demo__again_without_force__refused_and_database_unchanged(demo_run):
    folder, _, _ = demo_run
    db_file = folder / "demo-out" / "demo.db"
    before = db_file.read_bytes()
    again = run_cli("demo", cwd=folder)
    assert again.exit_code == StateError.exit_code
    expected = MESSAGES["db_exists"].format(value=str(Path("demo-out") / "demo.db"),
                                            opt={"force": "--force", "db": "--db"})  # as the command line spells them
    assert f"Error: {expected}" in " ".join(again.stderr.split())
    assert db_file.read_bytes() == before


@pytest.mark.slow  # a whole demo run
def test_demo__next_commands__all_succeed_on_the_demo_database(demo_run):
    folder, result, _ = demo_run
    commands = next_commands(result.stdout)
    assert any(" rank " in c for c in commands) and any(" plan" in c for c in commands)
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "elca-match"
        done = run_cli(*words[1:], cwd=folder)
        assert done.exit_code == 0, (command, done.stderr)


@pytest.mark.slow  # a whole demo run
def test_demo__progress_report__every_template_table_filled(demo_run):
    from elca_match.outcomes.document import report_document
    from elca_match.services.outcomes import indicator_report

    folder, _, _ = demo_run
    report = indicator_report(folder / "demo-out" / "demo.db", end="2027-06-30")
    for section in report_document(report).sections:
        cells = [value for row in section.rows for value in row[1:]]
        assert any(value not in (0, "", None) for value in cells), section.title
    assert report.period.after == {}
    growth = next(r for r in report.call_indicators if r.code == "smes_growth")
    assert growth.achieved.startswith("employment +")


def _in_process(*args: str, env: dict | None = None):
    """`elca-match ARGS` in this process (the dictionaries the profiles load stay warm between runs)."""
    from typer.testing import CliRunner

    from elca_match.cli import app

    return CliRunner().invoke(app, list(args), env={"ELCA_MATCH_DB": None, "COLUMNS": "200", **(env or {})})


@pytest.mark.slow  # a whole demo run
def test_demo__explicit_db_and_out__used_and_force_replaces(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = _in_process("demo", "--db", "mine.db", "--out", "elsewhere", "--members", "30")
    assert first.exit_code == 0, first.output
    assert (tmp_path / "mine.db").is_file() and (tmp_path / "elsewhere" / "shortlist-japan.xlsx").is_file()
    assert not (tmp_path / "elsewhere" / "demo.db").exists()
    refused = _in_process("--db", "mine.db", "demo", "--out", "elsewhere", "--members", "30")
    assert isinstance(refused.exception, StateError)
    forced = _in_process("--db", "mine.db", "demo", "--out", "elsewhere", "--force", "--members", "30")
    assert forced.exit_code == 0, forced.output
    db = open_db(tmp_path / "mine.db", create=False)
    try:
        assert len(current_members(db)) == 30
    finally:
        db.close()


@pytest.mark.slow  # a whole demo run
def test_demo__environment_db__ignored_so_a_real_database_is_never_touched(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    real = tmp_path / "real.db"
    real.write_bytes(b"not touched")
    done = _in_process("demo", "--force", "--members", "20", env={"ELCA_MATCH_DB": str(real)})
    assert done.exit_code == 0, done.output
    assert real.read_bytes() == b"not touched"
    assert (tmp_path / "demo-out" / "demo.db").is_file()


class _FailAt(DemoListener):
    def __init__(self, step: str):
        self.step = step

    def step_finished(self, step):
        if step.name == self.step:
            raise KeyboardInterrupt


@pytest.mark.slow  # builds the demo
def test_run_demo__interrupted__leaves_no_database_behind(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        run_demo(tmp_path / "out", size=40, listener=_FailAt("ingest"))
    assert not (tmp_path / "out" / "demo.db").exists()
    assert not list((tmp_path / "out").glob("demo.db*"))


def test_run_demo__existing_database__refused_before_any_work(tmp_path):
    db_file = tmp_path / "out" / "demo.db"
    db_file.parent.mkdir()
    db_file.write_bytes(b"keep me")
    with pytest.raises(StateError):
        run_demo(tmp_path / "out", size=40)
    assert db_file.read_bytes() == b"keep me"
    assert list((tmp_path / "out").iterdir()) == [db_file]
