"""The vectoriser, the glossary and text analysis: scores pinned by hand, six languages meeting."""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

from elca_match.errors import DefinitionError
from elca_match.matching import FeatureSpace, contributions, score_matrix
from elca_match.profiles import (
    OPPORTUNITY,
    ProfileInput,
    Vectoriser,
    load_model,
    member_input,
    opportunity_input,
)
from elca_match.profiles.analysis import TextAnalyser
from elca_match.profiles.glossary import Glossary
from elca_match.questionnaire import load_questionnaire
from elca_match.records import Opportunity, from_values

# --- a small model whose numbers can be checked by hand ----------------------------------

MODEL = """
version: t1
glossary: glossary.yaml
blocks:
  sectors: {scale: 1.0, norm: l2}
  stages: {scale: 1.0, norm: l2}
  materials: {scale: 1.0, norm: l2}
  markets: {scale: 1.0, norm: max}
  trl: {scale: 1.0, norm: band}
  text: {scale: 1.0, norm: l2}
text_to_blocks: {materials: 0.5}
opportunity_fields:
  sectors: [sector]
  materials: [materials]
  stages: [value_chain_stage]
  markets: [country]
  trl: [trl_min, trl_max]
  text: [title, description]
implied:
  certifications: {from: sectors, map: {automotive: [iatf16949]}}
trl: {levels: 9, sigma: 1.0}
text:
  concept_weight: 2.0
  min_df: 1
  stopwords: {en: [the, and, for], de: [der, die, und, fur, im]}
explain:
  - {blocks: [sectors, stages]}
  - {blocks: [trl]}
  - {blocks: [markets], prefix: "market "}
  - {blocks: [text], prefix: "text: "}
"""
GLOSSARY = """
concepts:
  cfrp: {implies: [], any: [cfrp, cfk], en: [carbon fibre], de: [kohlefaser, faserverbund]}
  rtm: {any: [rtm], en: [resin transfer moulding]}
"""


@dataclass
class FakeQuestion:
    type: str


class FakeQuestionnaire:
    """Just what the profile builders ask of a questionnaire: blocks, weights, question types."""

    version = "fake-v1"
    types = {"sectors": "multi", "value_chain_stages": "multi", "target_markets": "multi",
             "market_experience": "multi", "trl": "integer", "capabilities": "text", "certifications": "multi",
             "materials": "multi"}

    def profile_blocks(self):
        return {"sectors": [("sectors", 2.0)], "stages": [("value_chain_stages", 1.0)],
                "markets": [("target_markets", 1.0), ("market_experience", 0.5)], "trl": [("trl", 1.0)],
                "text": [("capabilities", 1.0)], "certifications": [("certifications", 1.0)],
                "materials": [("materials", 1.0)]}

    def question(self, code):
        return FakeQuestion(self.types[code])


@dataclass
class FakeMember:
    org_key: str
    answers: dict


@pytest.fixture(scope="module")
def small_model(tmp_path_factory) -> object:
    folder: Path = tmp_path_factory.mktemp("model")
    (folder / "default.yaml").write_text(MODEL, encoding="utf-8")
    (folder / "glossary.yaml").write_text(GLOSSARY, encoding="utf-8")
    return load_model(FakeQuestionnaire(), folder / "default.yaml")


def member(key: str, **answers) -> FakeMember:
    return FakeMember(key, answers)


def opportunity(key: str = "O1", **fields) -> Opportunity:
    return from_values(Opportunity, {"id": key, "title": "", "country": "", "region": "", "sector": "",
                                     "value_chain_stage": "", "description": "", **fields})


def score(model, m: FakeMember, o: Opportunity, others: list = ()) -> tuple[float, object]:
    q = FakeQuestionnaire()
    rows = [member_input(m, q, model), opportunity_input(o, model)] + [member_input(x, q, model) for x in others]
    vectoriser = Vectoriser(model)
    X = vectoriser.fit_transform(rows)
    space = FeatureSpace.from_names(vectoriser.get_feature_names_out())
    c = contributions(X[0], X[1], [(0, 0)], space, member_trl=[rows[0].trl], opp_trl=[rows[1].trl],
                      groups=model.explain)[0]
    return float(score_matrix(X[0], X[1])[0, 0]), c


# --- exact scores ---------------------------------------------------------------------------

# weights: sectors 2, stages 1, markets 1.5, trl 1, text 1, certifications 1 (questionnaire sums x
# scale 1). OPP has no text; being automotive it also asks for iatf16949: W = 2 + 1 + 1.5 + 1 + 1 = 6.5.
OPP = dict(sector="automotive", value_chain_stage="production", country="JP", trl_min=6, trl_max=9)
HAND_CHECKED = [
    # two sectors -> cosine 1/sqrt(2); stage, target market, TRL 7 in 6-9 all full
    ("two sectors, all else full",
     dict(sectors=["automotive", "rail"], value_chain_stages=["production"], target_markets=["JP"], trl=7),
     (2 / math.sqrt(2) + 1 + 1.5 + 1) / 6.5),
    # market only as experience: weight 0.5 of the block's top question weight 1.0
    ("market experience counts half",
     dict(sectors=["automotive"], value_chain_stages=["production"], market_experience=["JP"], trl=9),
     (2 + 1 + 1.5 * 0.5 + 1) / 6.5),
    # TRL 4 is two levels below 6-9: exp(-4 / 2) with sigma 1
    ("TRL two levels off", dict(sectors=["automotive"], trl=4), (2 + math.exp(-2)) / 6.5),
    # three levels off is below the kernel floor: no TRL fit at all
    ("TRL three levels off", dict(sectors=["automotive"], trl=3), 2 / 6.5),
    ("nothing shared", dict(sectors=["rail"], value_chain_stages=["design"], target_markets=["US"], trl=2), 0.0),
    ("empty member", dict(), 0.0),
]


@pytest.mark.parametrize("name,answers,expected", HAND_CHECKED, ids=[c[0] for c in HAND_CHECKED])
def test_score__hand_checked_cases__exact(small_model, name, answers, expected):
    value, c = score(small_model, member("M1", **answers), opportunity(**OPP))
    assert value == pytest.approx(expected, abs=1e-12)
    assert math.fsum(c.breakdown.values()) == pytest.approx(value, abs=1e-12)


def test_score__no_overlap__exactly_zero_and_empty_why(small_model):
    value, c = score(small_model, member("M1", sectors=["rail"], capabilities="Bogies aus Stahl"),
                     opportunity(**OPP, title="Carbon fibre body panels"))
    assert value == 0.0
    assert c.why == "" and all(v == 0.0 for v in c.breakdown.values())


def test_score__german_text_meets_english_text_through_concepts(small_model):
    value, c = score(small_model, member("M1", capabilities="Kohlefaser-Bauteile im RTM-Verfahren"),
                     opportunity(title="CFRP parts", description="by resin transfer moulding"))
    # Only the text block is present on the opportunity side. Member: concepts cfrp, rtm (x2 each)
    # + words bauteil, verfahren; opportunity: cfrp, rtm + part. Two documents: shared terms have
    # idf ln(3/3) + 1 = 1, the others ln(3/2) + 1.
    idf = math.log(3 / 2) + 1
    expected = 8 / (math.sqrt(8 + 2 * idf ** 2) * math.sqrt(8 + idf ** 2))
    assert value == pytest.approx(expected, abs=1e-12)
    assert c.why == "text: cfrp, rtm"


def test_score__empty_free_text__still_ranked_on_structured_answers(small_model):
    value, c = score(small_model, member("M1", sectors=["automotive"], capabilities=""),
                     opportunity(**OPP, title="Carbon fibre body panels"))
    # the opportunity has a text block (weight 1), the member has none: that block adds 0
    assert value == pytest.approx(2 / 7.5, abs=1e-12)
    assert c.why == "automotive"


def test_score__materials_named_in_free_text_count_at_half_weight(small_model):
    # materials vector {aluminium: 1, cfrp: 0.5} against the opportunity's {cfrp}: 0.5 / sqrt(1.25);
    # the opportunity's blocks: materials 1 + text 1 (it says nothing else)
    value, c = score(small_model, member("M1", materials=["aluminium"], capabilities="Kohlefaser"),
                     opportunity(materials=["cfrp"], title="Carbon fibre"))
    assert c.breakdown["materials"] == pytest.approx(0.5 / math.sqrt(1.25) / 2, abs=1e-12)
    assert value == pytest.approx((0.5 / math.sqrt(1.25) + 1) / 2, abs=1e-12)
    assert c.why == "text: cfrp; materials: cfrp"  # a block no explain group names comes last
    # only on the member side: an opportunity's free text adds nothing to its materials
    value, _ = score(small_model, member("M1", materials=["cfrp"]), opportunity(title="Carbon fibre"))
    assert value == 0.0


def test_score__why_reads_like_the_brief(small_model):
    _, c = score(small_model, member("M1", sectors=["automotive"], value_chain_stages=["production"],
                                     target_markets=["JP"], trl=7, capabilities="CFRP crash structures"),
                 opportunity(**OPP, title="CFRP crash structures"))
    assert c.why == "automotive, production; TRL 7 in 6-9; market JP; text: cfrp, crash, structure"


def test_score__opportunity_asks_for_its_sectors_certification(small_model):
    value, c = score(small_model, member("M1", sectors=["automotive"]), opportunity(**OPP))
    assert value == pytest.approx(2 / 6.5, abs=1e-12)
    value, c = score(small_model, member("M2", certifications=["iatf16949"], sectors=["automotive"]),
                     opportunity(**OPP))
    assert value == pytest.approx(3 / 6.5, abs=1e-12)
    assert c.breakdown["certifications"] == pytest.approx(1 / 6.5, abs=1e-12)


# --- properties -------------------------------------------------------------------------------

SECTORS = ["automotive", "aerospace", "rail", "maritime"]
STAGES = ["materials", "design", "production", "integration", "circularity"]
COUNTRIES = ["JP", "US", "IN", "MX"]
WORDS = ["CFRP", "Kohlefaser", "RTM", "crash", "panels", "resin transfer moulding", "aluminium", "welding", ""]

members_strategy = st.builds(
    lambda s, g, m, t, w: {"sectors": s, "value_chain_stages": g, "target_markets": m, "trl": t,
                           "capabilities": " ".join(w)},
    st.lists(st.sampled_from(SECTORS), max_size=3, unique=True),
    st.lists(st.sampled_from(STAGES), max_size=2, unique=True),
    st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True),
    st.one_of(st.none(), st.integers(1, 9)),
    st.lists(st.sampled_from(WORDS), max_size=4),
)
opps_strategy = st.builds(
    lambda s, g, c, lo, span, w: dict(sector=s, value_chain_stage=g, country=c, trl_min=lo,
                                      trl_max=None if lo is None else min(9, lo + span), title=" ".join(w)),
    st.sampled_from(SECTORS), st.sampled_from(STAGES), st.sampled_from(COUNTRIES),
    st.one_of(st.none(), st.integers(1, 9)), st.integers(0, 3), st.lists(st.sampled_from(WORDS), max_size=4),
)


def _build(model, members, opps):
    q = FakeQuestionnaire()
    rows = [member_input(FakeMember(f"M{i}", a), q, model) for i, a in enumerate(members)]
    rows += [opportunity_input(opportunity(f"O{i}", **o), model) for i, o in enumerate(opps)]
    vectoriser = Vectoriser(model)
    X = vectoriser.fit_transform(rows)
    return rows, vectoriser, X[: len(members)], X[len(members):]


@given(st.lists(members_strategy, min_size=1, max_size=6), st.lists(opps_strategy, min_size=1, max_size=4))
def test_property__score_in_unit_interval_and_breakdown_sums_to_it(small_model, members, opps):
    rows, vectoriser, M, O = _build(small_model, members, opps)
    S = score_matrix(M, O)
    assert (S >= 0).all() and (S <= 1 + 1e-12).all()
    space = FeatureSpace.from_names(vectoriser.get_feature_names_out())
    pairs = [(i, j) for i in range(M.shape[0]) for j in range(O.shape[0])]
    for c in contributions(M, O, pairs, space, groups=small_model.explain):
        assert c.score == pytest.approx(S[c.member, c.opportunity], abs=1e-12)
        if S[c.member, c.opportunity] == 0:
            assert c.why == ""


@given(st.lists(members_strategy, min_size=2, max_size=6), st.lists(opps_strategy, min_size=1, max_size=3),
       st.randoms(use_true_random=False))
def test_property__scores_do_not_depend_on_row_order(small_model, members, opps, rnd):
    _, _, M, O = _build(small_model, members, opps)
    order = list(range(len(members)))
    rnd.shuffle(order)
    _, _, M2, O2 = _build(small_model, [members[i] for i in order], opps)
    # same key -> bit-identical score: the feature space and summation order follow the names
    assert np.array_equal(score_matrix(M, O)[order], score_matrix(M2, O2))


# --- the scikit-learn contract ----------------------------------------------------------------

def test_vectoriser__follows_the_fit_transform_contract(small_model):
    vectoriser = Vectoriser(small_model)
    assert vectoriser.get_params() == {"model": small_model}
    with pytest.raises(NotFittedError):
        vectoriser.transform([ProfileInput("x")])
    rows = [ProfileInput("m", {"sectors": ["rail"]}, (3, 3), "CFK"),
            ProfileInput("o", {"sectors": ["rail", "automotive"]}, (2, 4), "carbon fibre", side=OPPORTUNITY)]
    X = vectoriser.fit(rows).transform(rows)
    names = list(vectoriser.get_feature_names_out())
    assert names == ["sectors=automotive", "sectors=rail", *[f"trl={i}" for i in range(1, 10)], "text=cfrp"]
    assert X.shape == (2, len(names))
    assert np.allclose(X.toarray(), vectoriser.fit_transform(rows).toarray())
    assert not hasattr(clone(vectoriser), "vocabulary_")


def test_vectoriser__unknown_features_at_transform_are_ignored_but_count_in_the_norm(small_model):
    vectoriser = Vectoriser(small_model).fit([ProfileInput("m", {"sectors": ["rail"]})])
    X = vectoriser.transform([ProfileInput("n", {"sectors": ["rail", "sports"]})]).toarray()
    assert X[0, list(vectoriser.get_feature_names_out()).index("sectors=rail")] == pytest.approx(1 / math.sqrt(2))


# --- builders from the real questionnaire ----------------------------------------------------

def test_member_input__reads_blocks_from_the_questionnaire():
    q = load_questionnaire()
    model = load_model(q)
    m = FakeMember("k", {"sectors": ["automotive"], "target_markets": ["JP"], "market_experience": ["JP", "US"],
                         "trl": 7, "capabilities": "CFRP", "products": "Roof modules", "org_name": "ignored"})
    x = member_input(m, q, model)
    assert x.blocks["sectors"] == {"automotive": 1.0}
    assert x.blocks["markets"] == {"JP": 2.0, "US": 1.0}  # target + experience, each weight 0.6 / top 0.6
    assert x.trl == (7, 7)
    assert x.text == "CFRP\nRoof modules"


@pytest.mark.parametrize("low,high,band", [(6, 9, (6, 9)), (6, None, (6, 9)), (None, 4, (1, 4)),
                                           (None, None, None), (8, 5, (5, 8))])
def test_opportunity_input__trl_band_with_open_ends(small_model, low, high, band):
    assert opportunity_input(opportunity(trl_min=low, trl_max=high), small_model).trl == band


def test_opportunity_input__fields_and_implied_certifications(small_model):
    x = opportunity_input(opportunity(sector="automotive", value_chain_stage="design", country="JP",
                                      title="T", description="D"), small_model)
    assert x.blocks == {"sectors": ["automotive"], "stages": ["design"], "markets": ["JP"],
                        "certifications": ["iatf16949"]}
    assert x.text == "T\nD" and x.side == OPPORTUNITY


# --- six languages ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def analyser():
    model = load_model(load_questionnaire())
    return TextAnalyser(model.text, model.glossary)


# Each line: a member's text in its language and the concepts it must share with English.
MULTILINGUAL = [
    ("de", "Faserverbund-Karosserieteile im RTM-Verfahren für die Automobilindustrie", {"cfrp", "body_panel", "rtm"}),
    ("de", "Kohlefaserbauteile und Leichtbaukarosserien, Batteriewannen aus Aluminium-Druckguss",
     {"cfrp", "lightweight", "body_panel", "battery_housing", "aluminium", "die_casting"}),
    ("it", "Progettazione di componenti in fibra di carbonio con stampaggio RTM per il settore ferroviario",
     {"cfrp", "rtm", "rail", "engineering"}),
    ("pl", "Produkcja elementów nadwozia z kompozytów wzmacnianych włóknem węglowym dla kolejnictwa",
     {"body_panel", "composite", "cfrp", "rail"}),
    ("fr", "Nous fabriquons des pièces en fibre de carbone par injection de résine pour l'aéronautique",
     {"cfrp", "rtm", "aerospace"}),
    ("es", "Fabricamos carcasas de baterías de aluminio por fundición a presión para automoción",
     {"battery_housing", "aluminium", "die_casting", "automotive"}),
    ("en", "CFRP body panels, resin transfer moulding; crash structures for passenger cars",
     {"cfrp", "body_panel", "rtm", "crash_structure", "automotive"}),
]


@pytest.mark.parametrize("lang,text,concepts", MULTILINGUAL, ids=[f"{c[0]}-{i}" for i, c in enumerate(MULTILINGUAL)])
def test_analyse__each_language_detected_and_mapped_to_shared_concepts(analyser, lang, text, concepts):
    result = analyser.analyse(text)
    assert result.lang == lang
    assert concepts <= set(result.concepts)


def test_analyse__the_brief_example_meets_its_english_counterpart(analyser):
    german = analyser.analyse("Faserverbund-Karosserieteile im RTM-Verfahren")
    english = analyser.analyse("CFRP body panels, resin transfer moulding")
    assert {"cfrp", "body_panel", "rtm"} <= set(german.concepts) & set(english.concepts)


@pytest.mark.parametrize("text,absent", [("training of staff", "rail"), ("Besitzer", "interior"),
                                         ("caring for patients", "automotive")])
def test_analyse__no_false_concepts_from_inflection_rules(analyser, text, absent):
    assert absent not in analyser.analyse(text, "en" if " " in text else "de").concepts


def test_analyse__stopwords_dropped_and_short_texts_read_in_the_default_language(analyser):
    result = analyser.analyse("CFRP, RTM")
    assert result.lang == "en" and result.lemmas == ()
    assert "und" not in analyser.analyse("Kleben und Nieten von Aluminium").lemmas


def test_glossary__unknown_implied_concept_is_a_definition_error():
    with pytest.raises(DefinitionError, match="unknown concepts nope"):
        Glossary.from_data({"concepts": {"cfrp": {"implies": ["nope"], "en": ["carbon"]}}})


def test_model__bad_norm_is_a_definition_error(tmp_path):
    (tmp_path / "default.yaml").write_text(textwrap.dedent("""
        version: x
        blocks: {sectors: {norm: cubic}}
    """), encoding="utf-8")
    (tmp_path / "glossary.yaml").write_text("concepts: {}\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="norm 'cubic'"):
        load_model(FakeQuestionnaire(), tmp_path / "default.yaml")


def test_model__default_model_resolves_every_questionnaire_block():
    q = load_questionnaire()
    model = load_model(q)
    assert set(q.profile_blocks()) <= set(model.block_weights)
    assert all(w > 0 for w in model.block_weights.values())
