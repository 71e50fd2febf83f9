"""Display labels of thesaurus concepts: every concept named properly in each reader's language.

The thesaurus terms are folded (``kotflugel``); ``models/thesaurus/labels/<lang>.yaml`` give the
written form (``Kotflügel``) that a "why", ``members show`` and exports print.
"""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest

from elca_match.errors import DefinitionError
from elca_match.profiles import load_model
from elca_match.profiles.glossary import ANY, words
from elca_match.profiles.labels import LABELS_FOLDER, concept_label, display_labels, label_files
from elca_match.profiles.model import model_fingerprint, model_path
from elca_match.questionnaire import load_questionnaire
from elca_match.services.export import why_labels

from conftest import FIXTURES, run_cli

LABELLED = ("de", "it", "pl", "fr", "es")  # English reads its first terms as they are
QUESTIONNAIRE = load_questionnaire()


@pytest.fixture(scope="module")
def glossary():
    return load_model(QUESTIONNAIRE).glossary


@pytest.mark.parametrize("lang", LABELLED)
def test_labels__every_concept_has_one_and_no_unknown_code(glossary, lang):
    labels = display_labels(lang)
    assert sorted(set(glossary.concepts) - set(labels)) == []
    assert sorted(set(labels) - set(glossary.concepts)) == []


@pytest.mark.parametrize("lang", LABELLED)
def test_labels__one_clean_line_each(lang):
    for code, label in display_labels(lang).items():
        assert label == label.strip() and label == " ".join(label.split()), (code, label)
        assert not any(unicodedata.category(ch).startswith("C") for ch in label), (code, label)
        assert unicodedata.normalize("NFC", label) == label, (code, label)  # composed accents, as typed


def _same_word(a: str, b: str) -> bool:
    """The same word up to an ending of at most two letters (planche/planches, przekładkowa/-owe)."""
    common = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return a == b or (common >= 4 and common >= max(len(a), len(b)) - 2)


def _close(label: list[str], term: list[str]) -> bool:
    """A folded label is close to a folded term: equal, the same first word, or holding a one-word term."""
    if label == term or _same_word(label[0], term[0]):
        return True
    return len(term) == 1 and len(term[0]) >= 5 and any(_same_word(word, term[0]) for word in label)


@pytest.mark.parametrize("lang", LABELLED)
def test_labels__fold_to_one_of_the_concepts_own_terms(glossary, lang):
    """A sanity check that catches a label put on the wrong concept (a Bremssattel on brake_disc):
    folded, it is close to a term of its concept in its language, English or any language."""
    wrong = {}
    for code, label in display_labels(lang).items():
        concept = glossary.concepts[code]
        terms = [words(t) for choice in (lang, "en", ANY) for t in concept.terms.get(choice, ())]
        if not any(_close(words(label), term) for term in terms if term):
            wrong[code] = label
    assert wrong == {}


def test_close__tells_neighbouring_concepts_apart(glossary):
    def close(code: str, label: str) -> bool:
        return any(_close(words(label), words(t)) for t in glossary.concepts[code].terms["de"])

    assert close("brake_caliper", "Bremssattel") and close("fender", "Kotflügel")
    assert not close("brake_disc", "Bremssattel") and not close("tailgate", "Kotflügel")


def test_concept_label__display_label_else_the_first_term(glossary):
    assert concept_label(glossary, "fender", "de") == "Kotflügel"
    assert concept_label(glossary, "fender", "pl") == "błotnik"
    assert concept_label(glossary, "brake_caliper", "fr") == "étrier de frein"
    assert concept_label(glossary, "fender", "en") == glossary.label("fender", "en")  # no English file
    assert concept_label(glossary, "no_such_concept", "de") == "no_such_concept"


def test_display_labels__a_file_that_is_not_code_to_label_is_named_in_the_error(tmp_path):
    (tmp_path / "de.yaml").write_text('fender: "Kotflügel"\ntailgate:\n', encoding="utf-8")
    with pytest.raises(DefinitionError, match="de.yaml: expected a mapping of concept codes to non-empty labels"):
        display_labels("de", tmp_path)
    assert display_labels("xx", tmp_path) == {}  # a language without a file shows the first terms


# --- the thesaurus loader and the model's content hash ------------------------------------------------------

@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    shutil.copytree(model_path().parent, tmp_path / "models")
    return tmp_path / "models" / model_path().name


def test_label_files__not_read_as_concepts_but_part_of_the_content_hash(model_copy, glossary):
    labels = model_copy.parent / "thesaurus" / LABELS_FOLDER
    assert [p.name for p in label_files(labels.parent)] == [f"{lang}.yaml" for lang in sorted(LABELLED)]
    assert set(load_model(QUESTIONNAIRE, model_copy).glossary.concepts) == set(glossary.concepts)
    before = model_fingerprint(QUESTIONNAIRE, model_copy)
    german = labels / "de.yaml"
    german.write_text(german.read_text(encoding="utf-8").replace('"Kotflügel"', '"Kotflügel (Pkw)"'),
                      encoding="utf-8")
    after = model_fingerprint(QUESTIONNAIRE, model_copy)
    assert after[0] == before[0] and after[1] != before[1]  # stored builds carrying labels are rebuilt
    assert display_labels("de", labels)["fender"] == "Kotflügel (Pkw)"


# --- what readers see -----------------------------------------------------------------------------------------

def test_why_labels__stored_english_concept_labels_read_in_the_readers_language():
    why = "TRL 7 in 6-8; text: wing rib, tailgate, unknown word"
    assert why_labels(why, "de", QUESTIONNAIRE).endswith("Text: Flügelrippe, Heckklappe, unknown word")
    assert why_labels(why, "pl", QUESTIONNAIRE).endswith("żebro skrzydła, klapa tylna, unknown word")
    assert why_labels(why, "en", QUESTIONNAIRE).endswith("text: wing rib, tailgate, unknown word")


@pytest.mark.parametrize("lang", LABELLED)
def test_why_labels__a_why_already_in_the_readers_language_stays_as_it_is(glossary, lang):
    """Shortlists rank in ``lang`` and then pass the why through why_labels: no label of ``lang`` may be
    the English label of another concept, or it would be renamed a second time."""
    names = list(display_labels(lang).values())
    why = "text: " + ", ".join(names)
    assert why_labels(why, lang, QUESTIONNAIRE).split(": ", 1)[1].split(", ") == names


@pytest.fixture(scope="module")
def ranked_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("labels") / "elca.db"
    assert run_cli("ingest", FIXTURES / "survey" / "canonical_en.csv", db=db).exit_code == 0
    assert run_cli("opportunities", "import", FIXTURES / "catalogue" / "opportunities.csv", db=db).exit_code == 0
    return db


def _text_names(why: str) -> list[str]:
    return [name for part in why.split("; ") if part.lower().startswith("text: ")
            for name in part[len("text: "):].split(", ")]


def test_cli_rank_lang_de__why_names_concepts_by_their_german_labels(ranked_db):
    result = run_cli("rank", "--country", "japan", "--lang", "de", "--format", "json", db=ranked_db)
    assert result.exit_code == 0, result.stderr
    whys = [row["why"] for row in json.loads(result.stdout)["tables"]["matches"]]
    names = [name for why in whys for name in _text_names(why)]
    assert names and set(names) <= set(display_labels("de").values())
    assert "Flügelrippe" in names  # the JP wing-rib opportunity's ribs, with the umlaut


def test_cli_export_shortlist_lang_de__why_keeps_the_umlaut(ranked_db, tmp_path):
    out = tmp_path / "shortlist.csv"
    result = run_cli("export", "shortlist", "--country", "japan", "--lang", "de", "--format", "csv",
                     "--out", out, db=ranked_db)
    assert result.exit_code == 0, result.stderr
    assert "Text: " in out.read_text(encoding="utf-8-sig") and "Flügelrippe" in out.read_text(encoding="utf-8-sig")
