"""The synthetic demo cohort: deterministic, realistic in shape, and valid against the questionnaire."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elca_match.demo import generate_cohort, render_answers
from elca_match.demo.cohort import NO_CONSENT_SHARE
from elca_match.ingest.model import CanonicalRow
from elca_match.ingest.validate import normalise_row, organisation_keys
from elca_match.questionnaire import load_questionnaire

Q = load_questionnaire()
HOME_LANGUAGE = {"AMZ": "de", "MECH": "it", "BIC": "pl", "POLYM": "fr", "MAV": "es"}
HOME_COUNTRY = {"AMZ": "DE", "MECH": "IT", "BIC": "PL", "POLYM": "FR", "MAV": "ES"}


@pytest.fixture(scope="module")
def cohort():
    return generate_cohort()


def _validate(response, number=2):
    cells = render_answers(response, Q)
    return normalise_row(CanonicalRow(number, cells, dict(cells)), Q, "demo.csv")


def test_cohort__same_seed__same_responses():
    assert generate_cohort(seed=11, size=120) == generate_cohort(seed=11, size=120)


def test_cohort__other_seed__other_responses():
    first = [r.answers["org_name"] for r in generate_cohort(seed=1, size=120).responses]
    second = [r.answers["org_name"] for r in generate_cohort(seed=2, size=120).responses]
    assert first != second


def test_cohort__default__600_organisations_in_every_cluster(cohort):
    keys = {organisation_keys(r.answers, Q)[0] for r in cohort.responses}
    assert cohort.organisations == 600
    assert len(keys) == 600
    per_cluster = Counter(r.cluster for r in cohort.responses if r.origin == "original")
    assert set(per_cluster) == set(HOME_LANGUAGE)
    assert sum(per_cluster.values()) == 600
    assert min(per_cluster.values()) >= 80


def test_cohort__languages__home_language_per_cluster_and_some_english(cohort):
    for cluster, responses in cohort.by_cluster().items():
        languages = Counter(r.lang for r in responses)
        assert set(languages) <= {HOME_LANGUAGE[cluster], "en"}
        assert languages[HOME_LANGUAGE[cluster]] / len(responses) > 0.75
        assert all(r.answers["country"] == HOME_COUNTRY[cluster] for r in responses)
    english = sum(r.lang == "en" for r in cohort.responses) / len(cohort.responses)
    assert 0.05 < english < 0.16


def test_cohort__labels__written_in_the_response_language(cohort):
    by_lang = {}
    for response in cohort.responses:
        by_lang.setdefault(response.lang, render_answers(response, Q))
    assert by_lang["de"]["consent"] in ("Ja", "Nein")
    assert by_lang["pl"]["consent"] in ("Tak", "Nie")
    assert by_lang["fr"]["consent"] in ("Oui", "Non")
    german = next(r for r in cohort.responses if r.lang == "de" and "automotive" in r.answers["sectors"])
    assert "Automobil" in render_answers(german, Q)["sectors"]
    spanish = next(r for r in cohort.responses if r.lang == "es" and "JP" in r.answers["target_markets"])
    assert "Japón" in render_answers(spanish, Q)["target_markets"]


@pytest.mark.parametrize("lang, words", [
    ("de", ("Kompetenzen", "Schwerpunkte", "Leistungsspektrum")),
    ("it", ("Competenze", "Attività", "know-how")),
    ("pl", ("Kompetencje", "Specjalizacja", "Oferujemy")),
    ("fr", ("Compétences", "Savoir-faire", "Nous proposons")),
    ("es", ("Capacidades", "Especialidades", "know-how")),
    ("en", ("Capabilities", "Core skills", "What we do")),
])
def test_cohort__free_text__written_in_the_response_language(cohort, lang, words):
    texts = [r.answers["capabilities"] for r in cohort.responses if r.lang == lang]
    assert texts and all(any(word in text for word in words) for text in texts)


def test_cohort__every_answer__valid_and_round_trips_through_validation(cohort):
    for number, response in enumerate(cohort.responses, 2):
        answers, problems = _validate(response, number)
        assert problems == [], (response.answers["org_name"], [p.message() for p in problems])
        assert answers == response.answers


@settings(max_examples=15)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), size=st.integers(min_value=5, max_value=60))
def test_cohort__any_seed__valid_answers(seed, size):
    cohort = generate_cohort(seed=seed, size=size)
    assert sum(r.origin == "original" for r in cohort.responses) == size
    for response in cohort.responses:
        assert _validate(response)[1] == []


def test_cohort__codes__all_from_the_questionnaire(cohort):
    for response in cohort.responses:
        for code, value in response.answers.items():
            question = Q.question(code)
            if question.choices:
                values = value if isinstance(value, list) else [value]
                if question.type == "consent":
                    continue
                assert set(values) <= set(Q.choice_codes(code)), (code, values)


def test_cohort__consent__about_fifteen_percent_refuse(cohort):
    refused = sum(not r.answers["consent"] for r in cohort.responses if r.origin == "original") / 600
    assert abs(refused - NO_CONSENT_SHARE) < 0.05


def test_cohort__certifications__consistent_with_sectors(cohort):
    required_sector = {"iatf16949": "automotive", "en9100": "aerospace", "iso22163": "rail", "iso13485": "medical"}
    for response in cohort.responses:
        for cert in response.answers["certifications"]:
            if cert in required_sector:
                assert required_sector[cert] in response.answers["sectors"]
    automotive = [r for r in cohort.responses if "automotive" in r.answers["sectors"]
                  and r.answers["org_type"] in ("sme", "large")]
    assert sum("iatf16949" in r.answers["certifications"] for r in automotive) / len(automotive) > 0.5


def test_cohort__sizes__consistent_with_org_type(cohort):
    for response in cohort.responses:
        employees, org_type = response.answers["employees"], response.answers["org_type"]
        if org_type == "sme" and response.origin == "original":
            assert employees < 250
        if org_type == "large":
            assert employees >= 250


def test_cohort__duplicates_and_resubmissions__same_key_later_date(cohort):
    first_seen = {}
    for response in sorted(cohort.responses, key=lambda r: r.answers["submitted_at"]):
        key = organisation_keys(response.answers, Q)[0]
        if response.origin == "original":
            first_seen[key] = response
    origins = Counter(r.origin for r in cohort.responses)
    assert origins["duplicate"] >= 5 and origins["resubmission"] >= 10
    for response in cohort.responses:
        if response.origin == "original":
            continue
        key = organisation_keys(response.answers, Q)[0]
        original = first_seen[key]
        assert response.answers["submitted_at"] > original.answers["submitted_at"]
        if response.origin == "resubmission":
            assert response.answers != {**original.answers, "submitted_at": response.answers["submitted_at"]}


def test_cohort__contacts__obviously_fake(cohort):
    assert all(r.answers["contact_email"].endswith(".example.org") for r in cohort.responses)


def test_cohort__markets__include_the_catalogue_markets(cohort):
    targets = Counter(code for r in cohort.responses for code in r.answers["target_markets"])
    for code in ("US", "JP", "IN", "MX", "BR", "CL", "CO"):
        assert targets[code] >= 10, code


def test_cohort__default__generated_whole():
    # how fast (target: well under a second of CPU) is measured by benchmarks/bench_latency.py
    assert generate_cohort().organisations == 600
