"""The message catalogues: every phrase in every language, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from elca_match.errors import UsageError
from elca_match.i18n import LANGUAGES, catalogue, phrase
from elca_match.questionnaire import load_questionnaire


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_languages__are_the_questionnaire_languages():
    assert set(LANGUAGES) == set(load_questionnaire().languages)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue__every_phrase_in_every_language_same_placeholders(lang):
    english, other = catalogue("en"), catalogue(lang)
    assert sorted(set(english) - set(other)) == [], f"{lang} lacks these phrases"
    assert sorted(set(other) - set(english)) == [], f"{lang} has phrases English lacks"
    for key, text in english.items():
        assert fields(other[key]) == fields(text), (lang, key)
        assert other[key].strip(), (lang, key)


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_catalogue__headers_translated(lang):
    # column headers and sheet names must differ from English, except words that are the same in both
    same = {"col.cluster", "col.trl", "col.region", "col.status", "col.type", "col.organisation",
            "col.invitation", "sum.date", "sum.contacts", "kind.mission", "heat.no_data"}
    english, other = catalogue("en"), catalogue(lang)
    untranslated = [k for k in english if re.match(r"(col|sheet)\.", k) and k not in same
                    and other[k] == english[k]]
    assert untranslated == []


def test_phrase__fills_placeholders_and_refuses_unknown_language():
    assert phrase("col.market_experience", "de", country="Japan") == "Markterfahrung in Japan"
    with pytest.raises(UsageError):
        phrase("col.rank", "xx")
