"""Every command's JSON has the one shape of docs/json.md: query, summary and named tables keyed like the CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest

from elca_match.cli import run
from elca_match.export import Document, Section, render

from test_cli_conventions import commands
from test_cli_narrow import TABLE_COMMANDS, built  # noqa: F401  (the fixture database)

ROOT = Path(__file__).resolve().parents[1]
JSON_COMMANDS = {
    **TABLE_COMMANDS,
    "export shortlist": ["export", "shortlist", "--country", "japan"],
    "export report": ["export", "report", "--country", "japan"],
}
TYPES = {"object": dict, "array": list, "string": str}


def schema() -> dict:
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    return json.loads(re.search(r"```json schema\n(.*?)```", text, flags=re.S).group(1))


def check(value, rule: dict, where: str = "$") -> list[str]:
    """The places where ``value`` breaks ``rule`` (the JSON Schema keywords docs/json.md uses)."""
    problems = []
    if "type" in rule and not isinstance(value, TYPES[rule["type"]]):
        return [f"{where} is not an {rule['type']}"]
    if isinstance(value, dict):
        problems += [f"{where}.{key} is missing" for key in rule.get("required", []) if key not in value]
        for key, sub in rule.get("properties", {}).items():
            if key in value:
                problems += check(value[key], sub, f"{where}.{key}")
        extra = rule.get("additionalProperties")
        if isinstance(extra, dict):
            for key, item in value.items():
                if key not in rule.get("properties", {}):
                    problems += check(item, extra, f"{where}.{key}")
    if isinstance(value, list) and "items" in rule:
        for i, item in enumerate(value):
            problems += check(item, rule["items"], f"{where}[{i}]")
    return problems


def output(capsys, db: Path, args: list, fmt: str) -> str:
    if "--format" in args:  # a table command's own --format gives way to the one asked for
        at = args.index("--format")
        args = args[:at] + args[at + 2:]
    capsys.readouterr()
    status = run(["--db", str(db), *map(str, args), "--format", fmt, "--out", "-"])
    out = capsys.readouterr().out
    assert status == 0, out
    return out


@pytest.mark.parametrize("path", sorted(JSON_COMMANDS))
def test_json__every_command__documented_shape_tables_keyed_like_csv(capsys, built, tmp_path, path):  # noqa: F811
    db_json, db_csv = tmp_path / "json.db", tmp_path / "csv.db"
    shutil.copy(built, db_json)
    shutil.copy(built, db_csv)
    data = json.loads(output(capsys, db_json, JSON_COMMANDS[path], "json"))
    assert check(data, schema()) == []
    assert list(data)[:3] == ["query", "summary", "tables"]
    assert data["query"]["command"] == path
    takes_table = any(p.name == "table" for _, c in commands() if _ == path for p in c.params)
    for name, rows in data["tables"].items():
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), name
        if not rows or (len(data["tables"]) > 1 and not takes_table):
            continue
        # the CSV of the same table (--table NAME when there are several) has the row objects' keys as header
        args = [*JSON_COMMANDS[path], *(["--table", name] if len(data["tables"]) > 1 else [])]
        shutil.copy(built, db_csv)
        header = next(csv.reader(io.StringIO(output(capsys, db_csv, args, "csv"))))
        assert header == list(rows[0]), f"table {name}: keys {list(rows[0])}, CSV header {header}"


def test_json__options_given__in_query(capsys, built):  # noqa: F811
    data = json.loads(output(capsys, built, ["rank", "--country", "japan", "--top", "2"], "json"))
    assert data["query"]["country"] == "japan" and data["query"]["top"] == 2
    assert data["query"]["resolved"]["countries"] == ["JP"]
    assert all(len(rows) <= 2 for rows in data["tables"].values()) or data["tables"]["matches"]


def test_named_tables__same_columns_gathered_with_section_key():
    document = Document("Shortlists: Japan", [Section("JP-1 · Panels", ["name"], [["A"]]),
                                              Section("JP-2 · Crash", ["name"], [["B"]])], query={"command": "x"})
    data = json.loads(render(document, "json"))
    assert data["tables"] == {"shortlists": [{"section": "JP-1 · Panels", "name": "A"},
                                             {"section": "JP-2 · Crash", "name": "B"}]}


def test_named_tables__clashing_names_numbered():
    document = Document("T", [Section("Rows", ["a"], [[1]]), Section("Rows", ["b"], [[2]])], query={"command": "x"})
    assert json.loads(render(document, "json"))["tables"] == {"rows": [{"a": 1}], "rows-2": [{"b": 2}]}
