"""Questionnaire versions: d12-v2 ingests alongside d12-v1, and `reprocess` maps old answers to new codes."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from elca_match.questionnaire import all_questionnaires, load_questionnaire
from elca_match.services import ingest as service
from elca_match.services.ingest import analyse_file, ingest_files, reprocess
from elca_match.surveytools import render_export

from conftest import FIXTURES

V1, V2 = load_questionnaire("d12-v1"), load_questionnaire("d12-v2")
OLD, NEW = "iso14001", "environmental_management"


def _row(name: str, **overrides: str) -> dict[str, str]:
    base = {"org_name": name, "cluster": "AMZ", "country": "DE", "org_type": "sme", "sectors": "automotive",
            "value_chain_stages": "production", "trl": "6", "certifications": f"iatf16949;{OLD}",
            "consent": "yes", "submitted_at": "2025-11-05 08:00:00"}
    return {**base, **overrides}


def _table(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_versions__newest_is_default__v2_adds_a_question_and_renames_a_choice():
    assert [q.version for q in all_questionnaires()] == ["d12-v1", "d12-v2"]
    assert load_questionnaire().version == "d12-v2"
    assert [c for c in V2.codes if c not in V1.codes] == ["export_share"]
    assert set(V1.codes) < set(V2.codes) and V1.required_codes() == V2.required_codes()
    assert V2.question("certifications").renamed_choices == {OLD: NEW}
    old, new = V1.choice_codes("certifications"), V2.choice_codes("certifications")
    assert new == [NEW if c == OLD else c for c in old]  # same position: LimeSurvey's SQ codes still fit
    assert V2.match_choice("certifications", OLD) == NEW


@pytest.mark.parametrize("tool,suffix,options", [
    ("canonical", "csv", {}), ("xlsform", "csv", {}), ("limesurvey", "csv", {}), ("googleforms", "csv", {}),
    ("msforms", "xlsx", {}), ("surveymonkey", "xlsx", {}),
])
def test_v1_export__read_under_v2__old_choice_gets_the_new_code(tmp_path, tool, suffix, options):
    path = render_export(tool, [_row("Altform GmbH")], tmp_path / f"v1.{suffix}", "de", questionnaire=V1, **options)
    analysed = analyse_file(path)
    assert not analysed.invalid, [p.message() for bad in analysed.invalid for p in bad.problems]
    assert analysed.valid[0].answers["certifications"] == ["iatf16949", NEW]
    assert analysed.valid[0].answers["export_share"] is None


def test_sources_record_their_version__reprocess_maps_old_answers_to_new_codes(tmp_path, monkeypatch):
    db = tmp_path / "elca.db"
    v1_files = [render_export("canonical", [_row("Altform GmbH")], tmp_path / "v1.csv", questionnaire=V1),
                render_export("limesurvey", [_row("Lime Alt GmbH", cluster="MECH", country="IT")],
                              tmp_path / "v1-lime.csv", "it", questionnaire=V1)]
    # ingested last autumn, when d12-v1 was the newest definition
    monkeypatch.setattr(service, "load_questionnaire", lambda version=None: V1)
    assert {f.questionnaire_version for f in ingest_files(db, v1_files).files} == {"d12-v1"}
    monkeypatch.undo()
    v2_file = render_export("canonical", [_row("Neuform GmbH", certifications=NEW, export_share="40")],
                            tmp_path / "v2.csv")
    assert ingest_files(db, [v2_file]).files[0].questionnaire_version == "d12-v2"

    sources = dict(_table(db, "SELECT file_name, questionnaire_version FROM sources"))
    assert sources == {"v1.csv": "d12-v1", "v1-lime.csv": "d12-v1", "v2.csv": "d12-v2"}
    before = {name: (version, json.loads(answers)) for name, version, answers in _table(
        db, "SELECT o.name, s.questionnaire_version, s.answers FROM organisations o "
            "JOIN submissions s ON s.id = o.current_submission")}
    assert before["Altform GmbH"][1]["certifications"] == ["iatf16949", OLD]  # alongside the v2 answers
    assert before["Lime Alt GmbH"][1]["certifications"] == ["iatf16949", OLD]
    assert before["Neuform GmbH"][1]["certifications"] == [NEW]
    assert "export_share" not in before["Altform GmbH"][1] and before["Neuform GmbH"][1]["export_share"] == 40

    result = reprocess(db)
    assert (result.submissions, result.changed, result.failed, result.questionnaire_version) == (3, 3, [], "d12-v2")
    after = {name: (version, json.loads(answers)) for name, version, answers in _table(
        db, "SELECT o.name, s.questionnaire_version, s.answers FROM organisations o "
            "JOIN submissions s ON s.id = o.current_submission")}
    assert {name: a["certifications"] for name, (_, a) in after.items()} == \
        {"Altform GmbH": ["iatf16949", NEW], "Lime Alt GmbH": ["iatf16949", NEW], "Neuform GmbH": [NEW]}
    assert {version for version, _ in after.values()} == {"d12-v2"}
    assert after["Altform GmbH"][1]["export_share"] is None


def test_reprocess__every_tool_source_re_read_from_raw_rows__same_answers(tmp_path):
    db = tmp_path / "elca.db"
    exports = FIXTURES / "exports"
    files = sorted(p for p in exports.iterdir() if p.suffix in (".csv", ".xlsx"))
    ingest_files(db, files)
    query = "SELECT id, questionnaire_version, answers FROM submissions ORDER BY id"
    before = _table(db, query)
    assert len(before) == 5 * len(files)
    result = reprocess(db)
    assert result.failed == [] and result.changed == len(before)
    assert _table(db, query) == before  # SurveyMonkey's two header rows were stored as one, and read again
