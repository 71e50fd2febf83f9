"""Ranking on an unchanged database takes the stored build and its members' heads, without decoding or
hashing the answers, and gives exactly what the full way gives; any change to what was stored (new
answers, answers rewritten in place, a renamed member, another catalogue) takes the full way again."""

from __future__ import annotations

import json

import pytest

from conftest import survey_rows, write_survey
from elca_match.services import ingest as ingest_service
from elca_match.services import rank as rank_service
from elca_match.services.catalogue import import_opportunities
from elca_match.store import session
from elca_match.store import survey as survey_store


@pytest.fixture
def ranked_db(tmp_path):
    db = tmp_path / "elca.db"
    ingest_service.ingest_files(db, [write_survey(tmp_path / "answers.csv", survey_rows(40, seed=3))])
    import_opportunities(db, builtin=True)
    return db


def _query(**kwargs):
    return rank_service.resolve_query(**{"country": "japan", "top": 5, **kwargs})


def _full_way_only(monkeypatch):
    """Make the stored shortcut unavailable: every ranking decodes and hashes the answers."""
    monkeypatch.setattr(rank_service, "_stored_build", lambda *args: None)


def _shortcut_only(monkeypatch):
    """Fail if a ranking decodes the answers."""
    def refuse(db):
        raise AssertionError("the answers were read although nothing changed")
    monkeypatch.setattr(survey_store, "current_members_and_digest", refuse)


def _lists(result):
    return [(o.id, [(m.org_key, m.name, m.cluster, m.country, m.org_type, m.consent, m.score, m.breakdown, m.why)
                    for m in o.matches]) for o in result.opportunities]


def _members(result):
    return [(m.org_key, m.name, m.cluster, m.org_type, m.consent, m.score, [f.opportunity_id for f in m.fits])
            for m in result.members]


@pytest.mark.parametrize("stored_as", ["dense", "sparse"])
@pytest.mark.parametrize("options", [{}, {"by": "member"}, {"consented_only": True}, {"org_type": "sme"},
                                     {"country": None, "top": 3}])
def test_rank__unchanged_database__shortcut_gives_the_full_answer(ranked_db, monkeypatch, options, stored_as):
    full = rank_service.rank(ranked_db, _query(**options))  # builds, stores, remembers the inputs
    with pytest.MonkeyPatch.context() as patch:
        _shortcut_only(patch)
        if stored_as == "sparse":  # read back as CsrRows, as a large build is
            patch.setattr(rank_service, "DENSE_MAX_CELLS", 0)
        short = rank_service.rank(ranked_db, _query(**options))
    assert not short.build.rebuilt
    assert _lists(short) == _lists(full) and _members(short) == _members(full)
    assert short.members_considered == full.members_considered


def test_members_digest__same_rows__same_digest_both_ways(ranked_db):
    with session(ranked_db) as opened:
        _, digest = survey_store.current_members_and_digest(opened.db)
        assert survey_store.members_digest(opened.db) == digest


@pytest.mark.parametrize("change", ["answers_in_place", "renamed", "catalogue"])
def test_rank__stored_inputs_changed__full_way_follows_the_change(ranked_db, monkeypatch, change):
    rank_service.rank(ranked_db, _query())
    with session(ranked_db) as opened:
        conn = opened.db.conn
        key, sid, answers = conn.execute(
            "SELECT o.key, s.id, s.answers FROM organisations o JOIN submissions s ON s.id = o.current_submission "
            "ORDER BY o.key LIMIT 1").fetchone()
        if change == "answers_in_place":  # as `reprocess` or an erasure rewrites a submission
            answers = json.loads(answers)
            answers["consent"] = not answers.get("consent")
            conn.execute("UPDATE submissions SET answers = ? WHERE id = ?", [json.dumps(answers), sid])
        elif change == "renamed":
            conn.execute("UPDATE organisations SET name = 'Renamed GmbH' WHERE key = ?", [key])
        else:
            conn.execute("UPDATE opportunities SET title = title || ' (revised)' WHERE country = 'JP'")
    after = rank_service.rank(ranked_db, _query(by="member", top=50))
    with pytest.MonkeyPatch.context() as patch:
        _full_way_only(patch)
        reference = rank_service.rank(ranked_db, _query(by="member", top=50))
    assert _members(after) == _members(reference) and _lists(after) == _lists(reference)
    if change == "renamed":
        assert {m.org_key: m.name for m in after.members}[key] == "Renamed GmbH"


def test_members_digest__changes_with_any_change_to_a_current_member(ranked_db, tmp_path):
    def digest():
        with session(ranked_db) as opened:
            return survey_store.members_digest(opened.db)

    seen = [digest()]
    assert digest() == seen[0]  # reading changes nothing
    with session(ranked_db) as opened:
        conn = opened.db.conn
        sid = conn.execute("SELECT current_submission FROM organisations ORDER BY key LIMIT 1").fetchone()[0]
        conn.execute("UPDATE submissions SET answers = answers WHERE id = ?", [sid])  # rewritten in place
    seen.append(digest())
    with session(ranked_db) as opened:
        opened.db.conn.execute("UPDATE organisations SET cluster = cluster WHERE key = "
                               "(SELECT min(key) FROM organisations)")
    seen.append(digest())
    ingest_service.ingest_files(ranked_db, [write_survey(tmp_path / "more.csv", survey_rows(3, seed=9, prefix="New"))])
    seen.append(digest())
    again = write_survey(tmp_path / "again.csv", survey_rows(2, seed=3))  # two members submit again
    ingest_service.ingest_files(ranked_db, [again])
    seen.append(digest())
    with session(ranked_db) as opened:  # an organisation removed, as `forget` does
        conn = opened.db.conn
        key = conn.execute("SELECT max(key) FROM organisations").fetchone()[0]
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM organisations WHERE key = ?", [key])
    seen.append(digest())
    assert len(set(seen)) == len(seen)
