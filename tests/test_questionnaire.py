"""The questionnaire definition: the shipped files are complete; broken definitions are refused clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from elca_match.errors import DefinitionError
from elca_match.questionnaire import all_questionnaires, load_definition, load_questionnaire

BRIEF_COLUMNS = ["org_name", "org_id", "cluster", "country", "region", "org_type", "employees", "sectors",
                 "value_chain_stages", "materials", "technologies", "trl", "certifications", "target_markets",
                 "market_experience", "cooperation_types", "capabilities", "products", "contact_name",
                 "contact_email", "consent", "submitted_at"]
BRIEF_REQUIRED = {"org_name", "cluster", "country", "org_type", "sectors", "value_chain_stages", "consent"}


@pytest.mark.parametrize("q", all_questionnaires(), ids=lambda q: q.version)
def test_definition__every_question_and_choice_labelled_in_six_languages(q):
    assert set(q.languages) == {"de", "it", "pl", "fr", "es", "en"}
    for question in q.questions:
        assert all(question.labels.get(lang, "").strip() for lang in q.languages), question.code
        for choice in question.choices:
            assert all(choice.labels.get(lang, "").strip() for lang in q.languages), (question.code, choice.code)


@pytest.mark.parametrize("q", all_questionnaires(), ids=lambda q: q.version)
def test_definition__covers_the_brief_columns_and_required_flags(q):
    assert [c for c in BRIEF_COLUMNS if not q.has_question(c)] == []
    assert BRIEF_REQUIRED <= set(q.required_codes())
    assert set(q.personal_codes()) == {"contact_name", "contact_email"}


def test_definition__brief_vocabulary_present():
    q = load_questionnaire("d12-v1")
    assert {"automotive", "aerospace", "rail", "maritime"} <= set(q.choice_codes("sectors"))
    assert len(set(q.choice_codes("sectors")) - {"automotive", "aerospace", "rail", "maritime"}) >= 3
    assert q.choice_codes("value_chain_stages") == ["materials", "design", "production", "integration", "circularity"]
    assert q.choice_codes("org_type") == ["sme", "large", "rto", "university", "cluster", "other"]
    assert len(q.choice_codes("cooperation_types")) == 15


@pytest.mark.parametrize("raw,expected", [
    ("Automoción", "automotive"), ("  LUFT- UND RAUMFAHRT ", "aerospace"), ("kolejnictwo", "rail"),
    ("Aeronautique et spatial", "aerospace"), ("automotive", "automotive"), ("automotiv", None),
])
def test_match_choice__code_or_label_any_language_folded(raw, expected):
    assert load_questionnaire("d12-v1").match_choice("sectors", raw) == expected


def test_suggest_choice__typo__closest_code():
    assert load_questionnaire("d12-v1").suggest_choice("sectors", "automotiv") == "automotive"


def _write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "broken-v1.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _minimal() -> dict:
    labels = {lang: "x" for lang in ("de", "it", "pl", "fr", "es", "en")}
    return {"questionnaire": "t", "version": 1, "languages": list(labels),
            "questions": [{"code": "org_name", "type": "text", "label": dict(labels)},
                          {"code": "sector", "type": "single", "choices": "s", "label": dict(labels)}],
            "choice_lists": {"s": [{"code": "a", "label": dict(labels)}]}}


BROKEN = {
    "duplicate code": (lambda d: d["questions"].append(dict(d["questions"][0])), "defined twice"),
    "missing label": (lambda d: d["choice_lists"]["s"][0]["label"].pop("pl"), "choice s.a has no label in pl"),
    "unknown type": (lambda d: d["questions"][0].update(type="slider"), "unknown type 'slider'"),
    "unknown choice list": (lambda d: d["questions"][1].update(choices="nope"), "not defined"),
    "unknown profile block": (lambda d: d["questions"][1].update(profile={"block": "colour"}), "unknown profile block"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_load_definition__broken__clear_error(tmp_path, case):
    mutate, expected = BROKEN[case]
    data = _minimal()
    load_definition(_write(tmp_path, data))  # the minimal one is valid
    mutate(data)
    with pytest.raises(DefinitionError) as info:
        load_definition(_write(tmp_path, data))
    assert expected in info.value.paragraph()
    assert "broken-v1.yaml" in info.value.paragraph()
