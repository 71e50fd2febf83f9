"""Every table command in an 80-column terminal: no id, date, code or word broken across lines."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from elca_match.cli import run
from elca_match.cli.render import print_section, table_widths

from conftest import FIXTURES
from test_cli_conventions import commands

# Every command that prints a table, with arguments that give it something to show.
TABLE_COMMANDS = {
    "ingest": ["ingest", FIXTURES / "survey" / "canonical_en.csv", "--dry-run"],
    "reprocess": ["reprocess"],
    "rank": ["rank", "--country", "japan"],
    "plan": ["plan", "--include-unconsented"],
    "check": ["check", "--quick"],
    "members list": ["members", "list"],
    "members show": ["members", "show", "Leichtbau Sachsen GmbH"],
    "opportunities import": ["opportunities", "import", "--builtin"],
    "opportunities list": ["opportunities", "list", "--country", "japan"],
    "opportunities show": ["opportunities", "show", "JP-AUT-01"],
    "missions import": ["missions", "import", FIXTURES / "outcomes" / "missions.csv"],
    "missions list": ["missions", "list"],
    "survey show": ["survey", "show"],
    "outcomes import": ["outcomes", "import", FIXTURES / "outcomes" / "history.csv"],
    "outcomes list": ["outcomes", "list"],
    "outcomes add event": ["outcomes", "add", "event", "--name", "Nagoya lightweight forum", "--date",
                           "2027-03-09", "--kind", "c2c", "--country", "JP", "--party", "AMZ"],
    "outcomes add meeting": ["outcomes", "add", "meeting", "--date", "2027-03-10", "--kind", "b2b", "--party",
                             "Leichtbau Sachsen GmbH", "--partner", "ORG-1"],
    "outcomes add org": ["outcomes", "add", "org", "--name", "Hamamatsu Light Alloy Forum", "--country", "Japan",
                         "--kind", "intermediary"],
    "outcomes add case": ["outcomes", "add", "case", "--name", "Composite MoU", "--date", "2027-02-18", "--kind",
                          "2", "--party", "AMZ", "--partner", "ORG-1", "--objective", "rd"],
    "report indicators": ["report", "indicators", "--to", "2027-12-31"],
    "report agreements": ["report", "agreements", "--to", "2027-12"],
    "opportunities check": ["opportunities", "check", "--today", "2027-01-15"],
    "model coverage": ["model", "coverage"],
    "plan list": ["plan", "list"],
    "plan show": ["plan", "show", "2"],
    "plan diff": ["plan", "diff", "1", "2"],
    "export calendar": ["export", "calendar", "--format", "table"],
    "outcomes add steps": ["outcomes", "add", "steps", "--case", "CASE-1", "--main-steps", "MoU signed in Nagoya",
                           "--next-steps", "Joint supplier day"],
    "outcomes add dissemination": ["outcomes", "add", "dissemination", "--name", "Press release", "--date",
                                   "2027-01-15", "--channel", "article", "--smes", "120", "--rtos", "20",
                                   "--clusters", "8", "--policy-actors", "5"],
    "outcomes add consortium-meeting": ["outcomes", "add", "consortium-meeting", "--name", "Jour fixe", "--date",
                                        "2027-02-09", "--party", "AMZ", "--party", "MECH"],
    "outcomes add partnership": ["outcomes", "add", "partnership", "--name", "Other Cluster Go International",
                                 "--date", "2027-04-20", "--kind", "cluster_partnership", "--party", "AMZ"],
    "outcomes add contact": ["outcomes", "add", "contact", "--date", "2027-02-01", "--partner", "ORG-1",
                             "--party", "MAV"],
    "outcomes add milestone": ["outcomes", "add", "milestone", "MS1", "--achieved", "--date", "2026-06-30"],
    "outcomes add deliverable": ["outcomes", "add", "deliverable", "D4.1", "--achieved", "--date", "2026-06-28"],
    "partners import": ["partners", "import", FIXTURES / "agenda" / "partners.csv"],
    "partners add": ["partners", "add", "--name", "Nagoya Light Metals", "--country", "JP", "--kind", "sme",
                     "--sectors", "automotive", "--offers", "Magnesium die casting"],
    "partners list": ["partners", "list", "--country", "japan"],
    "partners show": ["partners", "show", "JP-CAC", "--with-contacts"],
    "agenda suggest": ["agenda", "suggest", "--mission", "M06", "--per-member", "2"],
    "agenda import sessions": ["agenda", "import", "sessions", FIXTURES / "agenda" / "sessions.csv"],
    "agenda import requests": ["agenda", "import", "requests", FIXTURES / "agenda" / "requests.csv"],
    "agenda import availability": ["agenda", "import", "availability", FIXTURES / "agenda" / "availability.csv",
                                   "--mission", "M06"],
    "agenda session": ["agenda", "session", "--mission", "M06", "--day", "2027-02-18", "--start", "09:00", "--end",
                       "10:00", "--slot-minutes", "20", "--tables", "1"],
    "agenda request": ["agenda", "request", "--mission", "M06", "--from", "Compositi Emilia Srl", "--to", "JP-TKB",
                       "--priority", "1"],
    "agenda schedule": ["agenda", "schedule", "--mission", "M06", "--time-limit", "5"],
    "agenda show": ["agenda", "show", "--mission", "M06"],
}
# Commands that write files rather than print tables.
FILE_COMMANDS = {"export shortlist", "export report", "survey template", "agenda export"}
BOX = re.compile(r"[│┃┏┓┗┛┡┩└┘┌┐├┤┬┴┼╇╈╋━─┳┻]")


@pytest.fixture(scope="module")
def built(walkthrough_db, tmp_path_factory) -> Path:
    """This module's copy of the session's walk-through database (a few tests here write to it)."""
    db = tmp_path_factory.mktemp("narrow") / "elca.db"
    shutil.copy(walkthrough_db, db)
    return db


def screen(capsys, monkeypatch, db: Path, args: list, columns: int) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    capsys.readouterr()
    status = run(["--db", str(db), *map(str, args)])
    out = capsys.readouterr().out
    assert status == 0, out
    return out


def words(text: str) -> set[str]:
    """The words a reader sees: whitespace-separated, box drawing and edge punctuation removed."""
    found = set()
    for word in BOX.sub(" ", text).split():
        word = word.strip(";,.()'\"")
        if 2 <= len(word) <= 60:
            found.add(word)
    return found


def test_table_commands__all_listed():
    tables = {path for path, command in commands() if any(p.name == "fmt" for p in command.params)}
    assert tables - FILE_COMMANDS == set(TABLE_COMMANDS)


@pytest.mark.parametrize("path", sorted(TABLE_COMMANDS))
def test_80_columns__no_id_date_code_or_word_split(capsys, monkeypatch, built, tmp_path, path):
    # each run gets a fresh copy (some commands write) at the same path, so notes that name
    # the database read the same in both
    db = tmp_path / "elca.db"
    shutil.copy(built, db)
    wide = screen(capsys, monkeypatch, db, TABLE_COMMANDS[path], 400)
    shutil.copy(built, db)
    for leftover in (tmp_path / "elca.db-wal", tmp_path / "elca.db-shm"):
        leftover.unlink(missing_ok=True)
    narrow = screen(capsys, monkeypatch, db, TABLE_COMMANDS[path], 80)
    lines = narrow.splitlines()
    too_long = [line for line in lines if len(line.rstrip()) > 80]
    assert not too_long, too_long[:3]
    shown = {w for line in lines for w in words(line)}
    # headers of columns empty in every row are left out of the compact layout: compare the data
    data = "\n".join(line for line in wide.splitlines() if not line.startswith("┃"))
    split = sorted(w for w in words(data) if w not in shown and not any(w in line for line in lines))
    assert not split, f"split across lines at 80 columns: {split[:10]}"


def test_rank__without_top__summary_first_details_on_request(capsys, monkeypatch, built):
    monkeypatch.setattr("elca_match.cli.rank.SUMMARY_ABOVE", 3)  # the fixture is small; the demo has 1,500 rows
    summary = screen(capsys, monkeypatch, built, ["rank", "--country", "japan"], 80)
    details = screen(capsys, monkeypatch, built, ["rank", "--country", "japan", "--details"], 80)
    assert "Best member per opportunity" in summary and "--details" in summary
    assert len(summary.splitlines()) < len(details.splitlines())
    assert "why:" in details or "why" in details


def test_wide__full_table_beyond_the_terminal(capsys, monkeypatch, built):
    out = screen(capsys, monkeypatch, built, ["members", "list", "--wide"], 60)
    assert "┃ key" in out and max(len(line) for line in out.splitlines()) > 60


@pytest.mark.parametrize("width", [20, 40, 80, 120])
def test_print_section__never_splits_a_token(width):
    console = Console(width=width, record=True, file=open("/dev/null", "w"))
    tokens = ["JP-AUT-01", "2027-03-09", "iatf16949", "fibre_placement", "id:DE123456789"]
    rows = [[t, "a long explanation of why " + t + " fits well", 0.5] for t in tokens]
    print_section(console, "Title", ["id", "why", "score"], rows, long_columns=("why",))
    console.file.close()
    text = console.export_text()
    for token in tokens:
        assert any(token in line for line in text.splitlines()), (width, token, text)


def test_table_widths__none_when_a_word_cannot_fit():
    assert table_widths(["id"], [["JP-AUT-01"]], 10) is None
    assert table_widths(["id"], [["JP-AUT-01"]], 13) == [9]
