"""One date parser (text.parse_datetime / parse_day) read by every place that takes a date: survey answers,
catalogue and agenda cells, report options (--from, --to) and `opportunities check --today`."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elca_match.catalogue.fields import RowReader
from elca_match.errors import UsageError
from elca_match.ingest.validate import normalise_answer
from elca_match.questionnaire import load_questionnaire
from elca_match.services.outcomes import parse_date
from elca_match.tabular import Row, SourceInfo, Table
from elca_match.text import DATE_FORMATS, parse_datetime, parse_day

from conftest import run_cli

DAY_FORMATS = [f for f in DATE_FORMATS if "%H" not in f]
SPELLINGS = ["2027-06-30", "30.06.2027", "30/06/2027", "2027/06/30", "2027-06-30 14:05", "2027-06-30T14:05:00"]


def _catalogue_day(text: str) -> str | None:
    problems: list = []
    table = Table(SourceInfo("m.csv", "m.csv", "", "csv"), ["start_date"], [Row(2, [text])])
    return RowReader(table, table.rows[0], {"start_date": 0}, problems).date("start_date")


def _answer_day(text: str) -> str | None:
    q = load_questionnaire()
    value, _, _ = normalise_answer(q.question("submitted_at"), text, q)
    return value[:10] if value else None


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)), st.sampled_from(DAY_FORMATS))
def test_parse_day__every_spelling_of_a_day__the_same_iso_day(day, fmt):
    assert parse_day(day.strftime(fmt)) == day.isoformat()


@pytest.mark.parametrize("text", SPELLINGS)
def test_every_reader__same_spelling__same_day(text):
    assert {parse_day(text), _catalogue_day(text), _answer_day(text), parse_date(text, "start")} == {"2027-06-30"}


@pytest.mark.parametrize("text", ["2027-13-01", "31.02.2027", "June", "30-06-2027x"])
def test_every_reader__not_a_date__refused_alike(text):
    assert parse_datetime(text) is None and _catalogue_day(text) is None and _answer_day(text) is None
    with pytest.raises(UsageError):
        parse_date(text, "start")


def test_opportunities_check__today_in_any_spelling_the_files_take(tmp_path):
    db = tmp_path / "elca.db"
    assert run_cli("opportunities", "import", "--builtin", db=db).exit_code == 0
    iso = run_cli("opportunities", "check", "--today", "2027-06-30", "--format", "json", db=db)
    dotted = run_cli("opportunities", "check", "--today", "30.06.2027", "--format", "json", db=db)
    assert iso.exit_code == dotted.exit_code == 0
    result = [{k: v for k, v in json.loads(r.stdout).items() if k != "query"} for r in (iso, dotted)]
    assert result[0] == result[1] and result[0]["tables"]
