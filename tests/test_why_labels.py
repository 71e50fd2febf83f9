"""The "why" of a plan's assignment, as exports print it: every choice code a label, whatever leads the part."""

from __future__ import annotations

from elca_match.questionnaire import load_questionnaire
from elca_match.services.export import why_labels

QUESTIONNAIRE = load_questionnaire()


def test_why_labels__part_led_by_the_opportunity__its_first_code_is_a_label_too():
    plain = why_labels("automotive, high_strength_steel; TRL 8 in 6-9; text: body_panel", "en", QUESTIONNAIRE)
    led = why_labels("JP-AUT-02: automotive, high_strength_steel; TRL 8 in 6-9; text: body_panel", "en",
                     QUESTIONNAIRE)
    assert led == "JP-AUT-02: " + plain
    assert "high_strength_steel" not in led and "automotive" not in led and "High-strength steel" in led
    assert led.endswith("text: body_panel")  # free-text terms stay as the model read them


def test_why_labels__trl_led_by_the_opportunity__phrased_in_the_language():
    assert why_labels("IN-RAI-01: TRL 7 in 4-7", "en", QUESTIONNAIRE) == \
        "IN-RAI-01: " + why_labels("TRL 7 in 4-7", "en", QUESTIONNAIRE)


def test_why_labels__text_concepts_by_english_label__named_in_the_readers_language():
    from elca_match.profiles.model import load_model
    from elca_match.text import fold

    glossary = load_model().glossary
    german = why_labels("text: body panel, adhesive bonding, zwickauer", "de", QUESTIONNAIRE)
    body_panel, bonding, plain = german.split(": ", 1)[1].split(", ")
    assert fold(body_panel) in glossary.concepts["body_panel"].terms["de"]
    assert fold(bonding) in glossary.concepts["adhesive_bonding"].terms["de"]
    assert plain == "zwickauer"  # a word the thesaurus does not know stays as written
    assert why_labels("text: body panel", "en", QUESTIONNAIRE) == "text: body panel"
