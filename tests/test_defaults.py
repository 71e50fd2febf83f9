"""Defaults declared once (services/defaults.py): the use cases apply them and every command's help shows them."""

from __future__ import annotations

import pytest

from elca_match.services import defaults
from elca_match.services.rank import RankQuery, resolve_query

from conftest import run_cli


def test_top__the_ranking_query_defaults_to_the_declared_top():
    assert RankQuery().top == defaults.TOP
    assert resolve_query(country="japan").top == defaults.TOP


@pytest.mark.parametrize("command, shown", [
    (("rank",), f"default {defaults.TOP}."),
    (("export", "shortlist"), f"(default {defaults.TOP};"),
    (("export", "report"), f"[default: {defaults.TOP}]"),
])
def test_top__each_commands_help_shows_the_declared_default(command, shown):
    result = run_cli(*command, "--help", env={"COLUMNS": "250"})
    assert result.exit_code == 0
    top = next(line for line in result.stdout.splitlines() if "--top" in line and "-n" in line)
    assert shown in top
