"""The per-user cache: of compiled thesauri, old versions go and the two used last stay; shipped data
files are parsed once and read back the same."""

from __future__ import annotations

import datetime
import json
import os

from elca_match import cache


def test_drop_stale__keeps_the_current_and_the_one_used_last(tmp_path, monkeypatch):
    monkeypatch.setenv("ELCA_MATCH_CACHE", str(tmp_path))
    for age, name in enumerate(["thesaurus-a.json", "thesaurus-b.json", "thesaurus-c.json", "lemmas-x.json"]):
        cache.write_json(name, {"name": name})
        os.utime(tmp_path / name, (1_000_000 - age * 100, 1_000_000 - age * 100))  # a newest, c oldest
    cache.touch("thesaurus-c.json")  # c used just now
    cache.drop_stale("thesaurus-", keep="thesaurus-b.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lemmas-x.json", "thesaurus-b.json", "thesaurus-c.json"]
    assert cache.read_json("thesaurus-c.json") == {"name": "thesaurus-c.json"}


def test_write_json__same_text_as_json_dumps(tmp_path, monkeypatch):
    monkeypatch.setenv("ELCA_MATCH_CACHE", str(tmp_path))
    data = {"ä": [1, 2.5, None, True], "text": "Kotflügel \u2013 ok"}
    cache.write_json("x.json", data)
    assert (tmp_path / "x.json").read_text(encoding="utf-8") == json.dumps(data, ensure_ascii=False,
                                                                            separators=(",", ":"))


def test_load_yaml__shipped_files__parsed_once_then_read_from_the_cache_the_same(tmp_path, monkeypatch):
    from elca_match import resources

    monkeypatch.setenv("ELCA_MATCH_CACHE", str(tmp_path))
    shipped = sorted(resources.data_dir("surveys").glob("*.yaml")) + [resources.builtin_path("regions.yaml")]
    parsed = [resources.load_yaml(path) for path in shipped]
    assert len(list(tmp_path.glob("yaml-*.json"))) == len(shipped)

    def refuse(*args, **kwargs):
        raise AssertionError("parsed again although cached")
    yaml = __import__("yaml")
    monkeypatch.setattr(yaml, "load", refuse)
    assert [resources.load_yaml(path) for path in shipped] == parsed


def test_load_yaml__what_json_would_change_or_a_user_file__never_cached(tmp_path, monkeypatch):
    from elca_match import resources

    monkeypatch.setenv("ELCA_MATCH_CACHE", str(tmp_path / "cache"))
    user_file = tmp_path / "rules.yaml"
    user_file.write_text("a: 1\n", encoding="utf-8")
    assert resources.load_yaml(user_file) == {"a": 1}
    monkeypatch.setattr(resources, "_shipped", lambda path: True)
    dated = tmp_path / "dated.yaml"
    dated.write_text("when: 2026-11-30\n1: one\n", encoding="utf-8")
    assert resources.load_yaml(dated) == resources.load_yaml(dated) == {"when": datetime.date(2026, 11, 30), 1: "one"}
    assert not (tmp_path / "cache").exists() or not list((tmp_path / "cache").glob("yaml-*"))
