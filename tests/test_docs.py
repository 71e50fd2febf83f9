"""Every command has help text and a README example; every message code is used by the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from elca_match.cli import app
from elca_match.errors import MESSAGES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def command_paths(typer_app: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    """Every command of the app as (words, callback): the leaves, and groups that run on their own (`plan`)."""
    found = []
    group_callback = typer_app.registered_callback
    if prefix and group_callback is not None and group_callback.invoke_without_command:
        found.append((prefix, group_callback.callback))
    for command in typer_app.registered_commands:
        name = command.name or command.callback.__name__.replace("_", "-")
        found.append(((*prefix, name), command.callback))
    for group in typer_app.registered_groups:
        found.extend(command_paths(group.typer_instance, (*prefix, group.name)))
    return found


COMMANDS = command_paths(app)


def test_commands__the_brief_requires_are_all_there():
    names = {" ".join(words) for words, _ in COMMANDS}
    # the brief's "Command line" contract
    for required in ("ingest", "opportunities import", "opportunities list", "members list", "members show", "rank",
                     "plan", "plan list", "plan show", "plan diff", "plan adopt", "plan discard",
                     "partners import", "partners add", "partners list", "partners show", "partners merge",
                     "agenda import requests", "agenda import sessions", "agenda import availability",
                     "agenda suggest", "agenda schedule", "agenda lock", "agenda show", "agenda export", "agenda held",
                     "export shortlist", "export report", "export calendar", "report indicators",
                     "report agreements", "demo", "forget"):
        assert required in names, required


@pytest.mark.parametrize("words,callback", COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else "")
def test_command__has_help_and_readme_example(words, callback):
    assert (callback.__doc__ or "").strip(), f"`elca-match {' '.join(words)}` has no help text"
    pattern = r"elca-match(?: --db \S+)? " + r"\s+".join(map(re.escape, words)) + r"\b"
    assert re.search(pattern, README), f"README has no example of `elca-match {' '.join(words)}`"


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_message_catalogue__every_code_is_used(code):
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "elca_match").rglob("*.py")
                        if p.name != "errors.py")
    assert f'"{code}"' in sources, f"message {code!r} is never raised: remove it or use it"
