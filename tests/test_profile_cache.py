"""The per-user cache of compiled thesauri: old versions go, the two used last stay."""

from __future__ import annotations

import json
import os

from elca_match.profiles import cache


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
