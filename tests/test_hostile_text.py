"""Text from data is never markup: rich tables, Markdown exports, terminal control characters; and names
that reduce to nothing never share a key."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from elca_match.export import Document, Section, render
from elca_match.services.catalogue import import_opportunities
from elca_match.services.ingest import ingest_files
from elca_match.text import name_slug, visible

from conftest import FIXTURES, run_main, survey_rows, write_survey

HOSTILE = ["Carbon [/GFRP] Composites GmbH", "Resin [w/o resin] Srl", "[link=http://evil.example]Click[/link] SA",
           "[bold red]Loud[/] Sp. z o.o."]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "elca.db"
    rows = list(survey_rows(len(HOSTILE), prefix="H"))
    for row, name in zip(rows, HOSTILE):
        row.update(org_name=name, capabilities=f"{name}: CFRP [w/o resin] parts", target_markets="JP;US",
                   sectors="automotive;aerospace", consent="yes")
    ingest_files(db, [write_survey(folder / "hostile.csv", rows)])
    import_opportunities(db, FIXTURES / "catalogue" / "opportunities.csv")
    assert run_main("missions", "import", FIXTURES / "catalogue" / "missions.csv", db=db).exit_code == 0
    return db


@pytest.mark.parametrize("args", [
    ("members", "list"),
    ("members", "show", HOSTILE[0]),
    ("members", "show", HOSTILE[2]),
    ("rank", "--country", "japan", "--top", "10"),
    ("plan", "--allow-zero-fit"),
], ids=["list", "show", "show-link", "rank", "plan"])
def test_tables__markup_in_data__printed_literally(hostile_db, args):
    result = run_main(*args, db=hostile_db)
    assert result.exit_code == 0, result.stderr
    assert "\x1b]8;" not in result.stdout  # no hidden terminal hyperlink
    shown = [name for name in HOSTILE if name in result.stdout]
    assert shown, result.stdout
    if args[0] == "members":
        assert set(shown) == (set(HOSTILE) if args[1] == "list" else {args[2]})
        assert args[1] == "list" or "[w/o resin]" in result.stdout


def test_dry_run_mapping__escape_sequence_in_header__shown_not_obeyed(tmp_path):
    row = next(survey_rows(1))
    header = {**row, "\x1b[2J\x1b]8;;http://evil.example\x07note": "x"}
    path = write_survey(tmp_path / "esc.csv", [header])
    result = run_main("ingest", path, "--dry-run", "--ignore-unknown-columns", db=tmp_path / "elca.db")
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b[2J\\x1b]8;;http://evil.example\\x07note" in result.stdout


def test_visible__control_characters_as_codes_text_kept():
    assert visible("a\x1b[2Jb\u202ec\x9bd\te\nf\r") == "a\\x1b[2Jb\\u202ec\\x9bd\te\nf\\x0d"
    assert visible("Łódź [w/o] ✓") == "Łódź [w/o] ✓"


@pytest.mark.parametrize("name", ["![t](http://evil.example/p.png)", "[x](javascript:alert(1))",
                                  "[ref]: http://evil.example", "<img src=x>", "![a][r]\n\n[r]: http://e.example"])
def test_markdown__cells_never_links_or_images(name):
    text = render(Document("Members", [Section(name, ["name", "note"], [[name, f"see {name}"]])],
                           notes=[name]), "md")
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in html and "<a " not in html
    assert all(word in html for word in re.findall(r"[a-z]{3,}", name))  # the text itself is kept


def test_markdown__member_export_escapes_names(hostile_db, tmp_path):
    result = run_main("members", "list", "--format", "md", db=hostile_db)
    assert result.exit_code == 0
    assert "Carbon \\[/GFRP\\] Composites GmbH" in result.stdout
    assert "<a " not in MarkdownIt("commonmark").enable("table").render(result.stdout)


@pytest.mark.parametrize("names", [("***", "%", "🚀", "🚀🚀", "&&"), ("-", "–", "·")])
def test_keys__names_without_letters__distinct_organisations(tmp_path, names):
    rows = list(survey_rows(len(names)))
    for row, name in zip(rows, names):
        row.update(org_name=name, country="DE", cluster="AMZ")
    db = tmp_path / "elca.db"
    result = ingest_files(db, [write_survey(tmp_path / "odd.csv", rows)])
    assert result.files[0].new_organisations == len(names)
    listing = json.loads(run_main("members", "list", "--format", "json", db=db).stdout)
    keys = [r["key"] for r in listing["sections"][0]["rows"]]
    assert len(set(keys)) == len(names)
    for name in names:
        show = run_main("members", "show", name, "--format", "json", db=db)
        assert show.exit_code == 0, show.stderr
        assert f"name:{name_slug(name)}|DE" in show.stdout


def test_name_slug__letters_as_slug_symbols_spelled_out():
    assert name_slug("Leichtbau  GmbH.") == "leichtbau gmbh"
    assert name_slug("***") != name_slug("%") and name_slug("***") == name_slug(" *** ")


@given(st.lists(st.text(alphabet=st.sampled_from("[]()!<>|`\\:/ abcx.\n*_#"), max_size=30), min_size=1, max_size=4))
def test_markdown__any_cell_text__never_a_link_image_or_html(cells):
    text = render(Document("T", [Section("S", ["a"] * len(cells), [cells])]), "md")
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<img" not in html and "<a " not in html
