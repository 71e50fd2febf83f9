"""The domain thesaurus: its data, compounds, inflections, close spellings, "why", coverage, fast paths.

The fast paths (token tries, per-word memos, compiled cache) are checked against plain
per-occurrence reference implementations kept here, on random glossaries and texts.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from elca_match.matching import FeatureSpace, contributions
from elca_match.profiles import ProfileInput, Vectoriser, load_model
from elca_match.profiles.analysis import TextAnalyser, cognate_key
from elca_match.profiles.coverage import coverage, text_report
from elca_match.profiles.glossary import (
    _ENDINGS,
    _FINAL,
    _LINKS,
    _MIN_PART,
    _MIN_STEM,
    _STEM_ENDINGS,
    ANY,
    LANGUAGES,
    Glossary,
    words,
)
from elca_match.profiles.inputs import OPPORTUNITY
from elca_match.profiles.model import model_path
from elca_match.questionnaire import load_questionnaire

from conftest import survey_rows, write_survey

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model():
    return load_model(load_questionnaire())


@pytest.fixture(scope="module")
def analyser(model):
    return TextAnalyser(model.text, model.glossary)


def concepts_of(analyser, text, lang=None) -> set[str]:
    return set(analyser.analyse(text, lang).concepts)


# --- the data --------------------------------------------------------------------------------------

def test_thesaurus__at_least_600_concepts_each_with_terms_in_six_languages(model):
    concepts = model.glossary.concepts
    assert len(concepts) >= 600
    missing = {c.code: [lang for lang in LANGUAGES if not c.terms.get(lang)] for c in concepts.values()}
    assert {code: langs for code, langs in missing.items() if langs} == {}


def test_thesaurus__every_concept_has_a_source_note_and_links_resolve(model):
    glossary = model.glossary
    files = sorted((model_path().parent / "thesaurus").glob("*.yaml"))
    assert len(files) >= 8
    from_files = {code for f in files for code in (json.loads(json.dumps(_yaml(f)))["concepts"])}
    assert all(glossary.concepts[code].source for code in from_files)
    linked = [c for c in glossary.concepts.values() if c.broader]
    assert len(linked) >= 300
    assert "tailgate" in glossary.narrower("body_panel")


def _yaml(path: Path):
    import yaml

    # the C loader when PyYAML has it, as the product reads these files (the pure one takes seconds here)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_thesaurus__no_held_back_part_of_the_benchmark_is_a_term(model):
    spec = importlib.util.spec_from_file_location("crosslingual_parts", ROOT / "benchmarks" / "crosslingual_parts.py")
    parts = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(parts)
    terms = {tuple(words(t)) for c in model.glossary.concepts.values() for ts in c.terms.values() for t in ts}
    leaked = [(part, name) for part, langs in parts.HELD_BACK.items() for names in langs.values() for name in names
              if tuple(words(name)) in terms or part in model.glossary.concepts]
    assert leaked == []


# --- words the thesaurus does not list whole ---------------------------------------------------------

@pytest.mark.parametrize("lang,text,expected", [
    ("de", "Dachverkleidungen", {"roof", "cladding"}),
    ("de", "Türverkleidung", {"door", "cladding"}),
    ("de", "Radnaben", {"wheel", "hub"}),
    ("de", "Kabinenbodenplatten", {"cabin", "floor", "panel"}),
    ("de", "Steuerhausdächer", {"wheelhouse", "roof"}),
    ("de", "Stromabnehmerabdeckungen", {"pantograph", "cover"}),
    ("de", "Sitzlehnen", {"interior", "backrest"}),
    ("de", "Kohlefaserbauteile", {"cfrp"}),
])
def test_compound__split_into_known_parts(analyser, lang, text, expected):
    assert expected <= concepts_of(analyser, text, lang)


@pytest.mark.parametrize("text", ["Besitzer", "Leitungen", "Anbieter"])
def test_compound__ordinary_words_are_not_split_into_parts(analyser, text):
    assert concepts_of(analyser, text, "de") == set()


@pytest.mark.parametrize("lang,text,expected", [
    ("de", "Heckklappen", "tailgate"),
    ("pl", "klapy bagażnika", "tailgate"),
    ("pl", "klapy tylnej", "tailgate"),           # the term is 'klapa tylna': both words inflected
    ("pl", "wahaczy zawieszenia", "chassis"),
    ("pl", "owiewkę dachu", "cladding"),
    ("pl", "usługi tłoczenia na gorąco", "hot_stamping"),    # 'tłoczenie': genitive,
    ("pl", "zajmujemy się tłoczeniem na gorąco", "hot_stamping"),  # instrumental,
    ("pl", "przy tłoczeniu na gorąco", "hot_stamping"),      # locative
    ("it", "portelloni posteriori", "tailgate"),
    ("fr", "jantes en alliage", "wheel_rim"),
    ("es", "pastillas de freno", "brake_pad"),
    ("en", "tailgates", "tailgate"),
])
def test_inflected_forms__meet_their_concept(analyser, lang, text, expected):
    assert expected in concepts_of(analyser, text, lang)


# A term listed under a broader concept as well as under its finer one goes to the broader one
# (the first to claim it), so the finer concept was met in some languages only: an English
# "hot stamping" and a Spanish "estampación en caliente" then shared forming but not hot stamping,
# and the Spanish text carried a concept the English opportunity lacked.
@pytest.mark.parametrize("code,texts", [
    ("hot_stamping", {"en": "hot stamping", "de": "Warmumformung", "it": "stampaggio a caldo",
                      "pl": "tłoczenie na gorąco", "fr": "emboutissage à chaud", "es": "estampación en caliente"}),
    ("laser_welding", {"en": "laser welding", "de": "Laserschweißen", "it": "saldatura laser",
                       "pl": "spawanie laserowe", "fr": "soudage laser", "es": "soldadura láser"}),
    ("friction_stir_welding", {"en": "friction stir welding", "de": "Rührreibschweißen", "it": "saldatura per attrito",
                               "pl": "zgrzewanie tarciowe", "fr": "soudage par friction", "es": "soldadura por fricción"}),
    ("seat_structure", {"en": "seat structures", "de": "Sitzstrukturen", "it": "strutture dei sedili",
                        "pl": "szkielety foteli", "fr": "structures de sièges", "es": "estructuras de asientos"}),
])
def test_finer_concept__is_met_in_every_language_with_its_broader_one(model, analyser, code, texts):
    expected = set(model.glossary.expand(code))
    assert len(expected) > 1
    for lang, text in texts.items():
        assert concepts_of(analyser, text, lang) >= expected, (lang, text)


@pytest.mark.parametrize("lang,text,expected", [
    ("en", "glass fibre reinforced plastics", {"gfrp", "composite"}),
    ("de", "glasfaserverstärkten Kunststoffen", {"gfrp", "composite"}),
    ("de", "kohlenstofffaserverstärkten Kunststoffen", {"cfrp", "composite"}),
    ("en", "structural adhesive bonding", {"adhesive_bonding"}),
])
def test_whole_terms__are_not_read_as_their_words(analyser, lang, text, expected):
    """A material or process named in full is that concept alone, not also 'plastics' or 'sealants'."""
    assert concepts_of(analyser, text, lang) == expected


def test_close_spelling__one_edit_from_a_term_of_any_language(model):
    glossary = model.glossary
    assert glossary.close_spelling("pantografos") == ("pantograph",)
    assert glossary.close_spelling("stromabnemer") == ("pantograph",)
    assert glossary.close_spelling("mist") == ()  # short words never


def test_cognates__share_a_key_across_languages():
    assert len({cognate_key(w) for w in ("radome", "radomos", "radom", "radomy")}) == 1
    assert cognate_key("pantograph") == cognate_key("pantografo")
    assert cognate_key("radome") != cognate_key("random")


# --- say what the text matched --------------------------------------------------------------------

def _build(model, members: list[tuple[str, str]], opportunity: str):
    inputs = [ProfileInput(key, {"sectors": ["automotive"]}, None, text) for key, text in members]
    inputs.append(ProfileInput("O1", {"sectors": ["automotive"]}, None, opportunity, side=OPPORTUNITY))
    vectoriser = Vectoriser(model)
    X = vectoriser.fit_transform(inputs)
    return vectoriser, X


@pytest.mark.parametrize("reader,label", [("en", "tailgate"), ("de", "Heckklappe"), ("fr", "hayon")])
def test_why__names_the_concepts_both_texts_share_in_the_readers_language(model, reader, label):
    from elca_match.profiles.labels import text_concept_implied, text_concept_labels
    from elca_match.services.rank import concept_labels

    vectoriser, X = _build(model, [("M1", "Wir fertigen Heckklappen aus Kohlefaser."),
                                   ("M2", "Wir fertigen Bremsscheiben aus Stahl.")],
                           "Tailgates in carbon fibre for passenger cars")
    space = FeatureSpace.from_names(vectoriser.get_feature_names_out())
    labels = concept_labels({"concepts": text_concept_labels(vectoriser.concepts_, model.glossary)}, reader)
    n = X.shape[0] - 1
    implied = text_concept_implied(vectoriser.concepts_, model.glossary)
    [c] = contributions(X[:n], X[n:], [(0, 0)], space, groups=model.explain, labels=labels, implied=implied)
    assert label in c.why and "text: " in c.why
    assert labels["body_panel"] not in c.why  # brought by the tailgate, not named twice
    assert "tailgate" in dict(c.shared["text"])  # features stay codes; only the why is translated


def test_members_show__text_report_lists_concepts_and_unmapped_words(model):
    report = text_report("Wir fertigen Heckklappen und Wolkenkratzer.", model, reader="en")
    assert report.lang == "de"
    assert ("tailgate", "tailgate") in report.concepts
    assert "wolkenkratzer" in report.unmapped
    assert 0 < report.mapped_share < 1


def test_coverage__share_per_language_and_most_frequent_unmapped_words(model):
    texts = ["Wir fertigen Heckklappen und Wolkenkratzer.", "Wolkenkratzer aus Beton.", "We make tailgates.", ""]
    result = coverage(texts, model, top=5)
    by_lang = {c.lang: c for c in result.languages}
    assert set(by_lang) == {"de", "en"} and result.texts == 3
    assert by_lang["en"].share == pytest.approx(0.5)  # 'make' is not mapped, 'tailgates' is
    assert result.unmapped[0] == ("wolkenkratzer", "de", 2)


def test_cli_model_coverage__reports_the_database_members(tmp_path):
    from elca_match.cli import app

    rows = list(survey_rows(4, seed=3))
    rows[0]["capabilities"] = "Wir fertigen Heckklappen und Dachverkleidungen aus Kohlefaser für Wolkenkratzer."
    rows[1]["capabilities"] = "Produkujemy klapy bagażnika z aluminium."
    csv = write_survey(tmp_path / "in.csv", rows)
    db = tmp_path / "elca.db"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", str(db), "ingest", str(csv)], catch_exceptions=False).exit_code == 0
    result = runner.invoke(app, ["--db", str(db), "model", "coverage", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    text = json.dumps(data)
    assert "wolkenkratzer" in text and '"de"' in text and '"pl"' in text
    shown = runner.invoke(app, ["--db", str(db), "members", "show", rows[0]["org_name"], "--lang", "de",
                                "--format", "json"], catch_exceptions=False)
    assert shown.exit_code == 0 and "Heckklappe" in shown.output and "wolkenkratzer" in shown.output


# --- fast paths against plain per-occurrence references ------------------------------------------------

VOCAB = ["roof", "fairing", "door", "panel", "frame", "seat", "dach", "tur", "rahmen", "wheel", "hub", "cover",
         "carbon", "fibre", "blade", "rotor", "platte", "kabine"]
TERM = st.lists(st.sampled_from(VOCAB), min_size=1, max_size=3).map(" ".join)
DATA = st.dictionaries(
    st.sampled_from([f"c{i}" for i in range(8)]),
    st.dictionaries(st.sampled_from(["en", "de", ANY]), st.lists(TERM, min_size=1, max_size=3), min_size=1),
    min_size=1,
).map(lambda concepts: {"concepts": concepts})
TOKEN = st.one_of(st.sampled_from(VOCAB), st.sampled_from(VOCAB).flatmap(
    lambda w: st.sampled_from([w + e for e in _ENDINGS])), st.sampled_from(["and", "of", "xyz", "rooftop"]))


def _light_stem(word: str, lang: str) -> str:
    for ending in _STEM_ENDINGS.get(lang, ()):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return word


def _matches(token: str, lemma: str, word: str, same_language_multi_word: bool, lang: str) -> bool:
    """The documented rule for one word: itself, its lemma, or a stem of 5+ letters plus a short ending;
    inside a multi-word term of the text's own language also the same light stem (3+ letters)."""
    if token == word or lemma == word:
        return True
    if len(word) >= _MIN_STEM and token.startswith(word) and token[len(word):] in _ENDINGS:
        return True
    stem = _light_stem(token, lang)
    return same_language_multi_word and len(stem) >= 3 and stem == _light_stem(word, lang)


def reference_find(data: dict, tokens: list[str], lemmas: list[str], lang: str) -> list[tuple[int, int, set[str]]]:
    """Every term tried at every position: (start, length, codes allowed there) of the greedy longest match.

    Ties in length go to the earlier language of (lang, en, any); within it, any term of that length.
    """
    langs = list(dict.fromkeys([lang, "en", ANY]))
    claimed: dict[tuple[str, tuple[str, ...]], str] = {}
    for code, entry in data["concepts"].items():
        for term_lang, terms in entry.items():
            for term in terms:
                claimed.setdefault((term_lang, tuple(words(term))), code)
    out = []
    i = 0
    while i < len(tokens):
        best: tuple[int, int, set[str]] | None = None  # (length, language rank, codes)
        for (term_lang, parts), code in claimed.items():
            if term_lang not in langs or i + len(parts) > len(tokens):
                continue
            multi = len(parts) > 1 and term_lang == lang
            if all(_matches(tokens[i + k], lemmas[i + k], parts[k], multi, lang) for k in range(len(parts))):
                key = (len(parts), -langs.index(term_lang))
                if best is None or key > best[:2]:
                    best = (*key, {code})
                elif key == best[:2]:
                    best[2].add(code)
        if best is None:
            i += 1
            continue
        out.append((i, best[0], best[2]))
        i += best[0]
    return out


@given(DATA, st.lists(TOKEN, max_size=12), st.data())
def test_fast_find__agrees_with_the_per_occurrence_reference(data, tokens, draw):
    glossary = Glossary.from_data(data)
    lemmas = [draw.draw(st.sampled_from([t, *VOCAB[:3]])) for t in tokens]
    lang = draw.draw(st.sampled_from(["en", "de"]))
    found, used = glossary.find(tokens, lemmas, lang)
    expected = reference_find(data, tokens, lemmas, lang)
    assert used == [any(s <= j < s + n for s, n, _ in expected) for j in range(len(tokens))]
    assert len(found) == len(expected)
    assert all(code in allowed for code, (_, _, allowed) in zip(found, expected))


def reference_splits(token: str, parts: dict[str, str]) -> list[tuple[str, ...]]:
    """Every split of ``token`` into known parts (links between them, an ending after the last) with fewest parts."""
    results: list[list[str]] = []

    def walk(rest: str, codes: list[str]) -> None:
        for length in range(_MIN_PART, len(rest) + 1):
            code = parts.get(rest[:length])
            if code is None:
                continue
            tail = rest[length:]
            if tail in _FINAL and len(codes) >= 1:
                results.append([*codes, code])
            for link in _LINKS:
                if tail.startswith(link) and len(tail) > len(link):
                    walk(tail[len(link):], [*codes, code])

    walk(token, [])
    if not results:
        return []
    fewest = min(len(r) for r in results)
    return [tuple(dict.fromkeys(r)) for r in results if len(r) == fewest]


@given(st.lists(st.sampled_from(VOCAB), min_size=1, max_size=3), st.lists(st.sampled_from(_LINKS), min_size=2,
                                                                           max_size=2), st.sampled_from(_FINAL))
def test_fast_compound_split__is_one_of_the_fewest_part_splits(pieces, links, ending):
    data = {"concepts": {f"c_{w}": {"de": [w]} for w in VOCAB}}
    glossary = Glossary.from_data(data)
    token = "".join(p + link for p, link in zip(pieces, [*links[: len(pieces) - 1], ""])) + ending
    parts, _ = glossary._parts("de", 6)
    expected = reference_splits(token, parts)
    got = glossary.split_compound(token, "de", 6)
    if expected:
        assert got in expected or len(token) <= 6
    else:
        assert all(code in parts.values() for code in got)


@given(st.lists(st.sampled_from(["Wir fertigen Heckklappen.", "klapy bagażnika z aluminium", "Dachverkleidungen",
                                 "carénages de toit et radômes", "CFRP, RTM", "palas del timón", ""]), max_size=6))
def test_per_word_memos__give_the_same_analysis_as_a_fresh_analyser(model, texts):
    shared = TextAnalyser(model.text, model.glossary)
    for text in texts:
        assert shared.analyse(text) == TextAnalyser(model.text, model.glossary).analyse(text)


def test_compiled_thesaurus__round_trips_through_its_cached_form(model):
    glossary = model.glossary
    again = Glossary.from_json(json.loads(json.dumps(glossary.to_json())))
    assert again.tries == glossary.tries and again.single == glossary.single
    assert again.concepts == glossary.concepts
    for lang, text in itertools.product(["de", "pl"], ["Dachverkleidungen", "klapy bagażnika"]):
        assert TextAnalyser(model.text, again).analyse(text, lang) == TextAnalyser(model.text, glossary).analyse(text, lang)
