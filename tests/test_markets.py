"""Market names: codes, names in six languages, short names, regions, did-you-mean."""

from __future__ import annotations


import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elca_match import markets
from elca_match.errors import Problem, UsageError, did_you_mean

LANGS = ("en", "de", "it", "pl", "fr", "es")


@pytest.mark.parametrize(
    "typed, code",
    [
        # codes in any case
        ("jp", "JP"), ("JP", "JP"), ("Jp", "JP"), (" us ", "US"), ("in", "IN"), ("mx", "MX"),
        ("USA", "US"), ("jpn", "JP"), ("bra", "BR"),
        # English names in any case
        ("japan", "JP"), ("Japan", "JP"), ("JAPAN", "JP"), ("India", "IN"), ("mexico", "MX"),
        ("Brazil", "BR"), ("chile", "CL"), ("Colombia", "CO"), ("United States", "US"),
        # the questionnaire languages
        ("Japon", "JP"), ("Giappone", "JP"), ("Japonia", "JP"), ("Japón", "JP"), ("japon", "JP"),
        ("Indien", "IN"), ("Inde", "IN"), ("Indie", "IN"), ("México", "MX"), ("Messico", "MX"),
        ("Meksyk", "MX"), ("Brasil", "BR"), ("Brasilien", "BR"), ("Brazylia", "BR"), ("Brésil", "BR"),
        ("Cile", "CL"), ("Chili", "CL"), ("Kolumbien", "CO"), ("Kolumbia", "CO"), ("Colombie", "CO"),
        ("Vereinigte Staaten", "US"), ("Stati Uniti", "US"), ("Stany Zjednoczone", "US"),
        ("États-Unis", "US"), ("etats unis", "US"), ("Estados Unidos", "US"),
        # short and colloquial names
        ("U.S.A.", "US"), ("u.s.", "US"), ("United States of America", "US"), ("EE.UU.", "US"),
        ("UK", "GB"), ("Great Britain", "GB"), ("South Korea", "KR"), ("Korea", "KR"),
        ("Korea, Republic of", "KR"), ("Vietnam", "VN"), ("Russia", "RU"), ("Turkey", "TR"),
        ("Türkiye", "TR"), ("the Netherlands", "NL"), ("Czech Republic", "CZ"), ("Bolivia", "BO"),
        ("Taiwan", "TW"), ("Norway", "NO"), ("Norwegen", "NO"),
    ],
)
def test_resolve_country__spellings__resolve_to_iso2(typed, code):
    assert markets.resolve_country(typed) == code
    assert markets.resolve_markets(typed) == [code]


@pytest.mark.parametrize("typed", ["", "   ", "asia", "latin-america", "japna", "Atlantis", "Virgin Islands", None])
def test_resolve_country__not_one_country__none(typed):
    assert markets.resolve_country(typed) is None


@pytest.mark.parametrize(
    "typed", ["latin-america", "Latin America", "LATIN_AMERICA", "latam", "América Latina", "Lateinamerika",
              "Amérique latine", "Ameryka Łacińska", "America Latina"],
)
def test_resolve_markets__latin_america_spellings__include_the_four_targets(typed):
    codes = markets.resolve_markets(typed)
    assert codes[:4] == ["MX", "BR", "CL", "CO"]
    assert {"AR", "PE", "UY", "CR"} <= set(codes)
    assert "US" not in codes and "ES" not in codes


@pytest.mark.parametrize(
    "typed, included, excluded",
    [
        ("north-america", {"US", "CA", "MX"}, {"BR"}),
        ("Nordamerika", {"US", "CA", "MX"}, {"BR"}),
        ("asia", {"JP", "IN", "CN", "KR"}, {"CY", "DE"}),
        ("Asien", {"JP", "IN"}, {"AU"}),
        ("europe", {"DE", "IT", "PL", "FR", "ES", "GB", "NO"}, {"US"}),
        ("eu", {"DE", "IT", "PL", "FR", "ES"}, {"GB", "NO"}),
    ],
)
def test_resolve_markets__regions__expand_to_their_countries(typed, included, excluded):
    codes = markets.resolve_markets(typed)
    assert included <= set(codes)
    assert not excluded & set(codes)
    assert len(codes) == len(set(codes))


def test_resolve_markets__list__resolves_each_part_once_in_order():
    assert markets.resolve_markets("japan, India;jp") == ["JP", "IN"]
    assert markets.resolve_markets("usa,latin-america")[:3] == ["US", "MX", "BR"]


@pytest.mark.parametrize(
    "typed, suggestion",
    [("japna", "japan"), ("Japna", "japan"), ("Inida", "india"), ("Brazl", "brazil"), ("Mexco", "mexico"),
     ("latn-america", "latin-america"), ("lattin america", "latin-america"), ("Giapone", "giappone"),
     ("columbia", "colombia")],
)
def test_resolve_markets__typo__usage_error_with_closest_name(typed, suggestion):
    with pytest.raises(UsageError) as caught:
        markets.resolve_markets(typed)
    expected = Problem("unknown_market", value=typed,
                       params={"suggestion": did_you_mean(suggestion),
                               "regions": ", ".join(markets.regions())}).message()
    assert str(caught.value) == expected
    assert markets.suggest_country(typed) == suggestion


def test_resolve_markets__part_of_a_list_unknown__error_names_that_part():
    with pytest.raises(UsageError) as caught:
        markets.resolve_markets("japan, japna")
    assert caught.value.problems[0].value == "japna"


@pytest.mark.parametrize("typed", ["", "zz", "qqqqqqqq"])
def test_resolve_markets__nothing_close__usage_error_without_suggestion(typed):
    with pytest.raises(UsageError) as caught:
        markets.resolve_markets(typed)
    assert "did you mean" not in str(caught.value)
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    "code, lang, name",
    [("JP", "en", "Japan"), ("JP", "it", "Giappone"), ("JP", "pl", "Japonia"), ("JP", "es", "Japón"),
     ("US", "de", "Vereinigte Staaten"), ("KR", "en", "South Korea"), ("mx", "fr", "Mexique"), ("CL", "xx", "Chile")],
)
def test_country_name__code_and_language__display_name(code, lang, name):
    assert markets.country_name(code, lang) == name


def test_country_name__unknown_code__usage_error():
    with pytest.raises(UsageError):
        markets.country_name("XX")


def test_regions__every_member_is_a_known_country():
    known = set(markets.country_codes())
    for slug, codes in markets.regions().items():
        assert set(codes) <= known, slug
    assert len(known) >= 249


@settings(max_examples=200, deadline=None)
@given(code=st.sampled_from(markets.country_codes()), lang=st.sampled_from(LANGS), upper=st.booleans())
def test_country_name__round_trip__resolves_back_to_its_code(code, lang, upper):
    name = markets.country_name(code, lang)
    assert markets.resolve_country(name.upper() if upper else name.lower()) == code


@settings(max_examples=100, deadline=None)
@given(code=st.sampled_from(markets.country_codes()), case=st.sampled_from([str.lower, str.upper, str.title]))
def test_resolve_country__alpha2_in_any_case__itself(code, case):
    assert markets.resolve_country(case(code)) == code


def test_resolve_markets__repeated__same_answer_every_time():
    # its speed after first use is measured by benchmarks/bench_latency.py, not asserted here
    first = (markets.resolve_markets("Japón"), markets.resolve_markets("latin-america"))
    for _ in range(50):
        assert (markets.resolve_markets("Japón"), markets.resolve_markets("latin-america")) == first
    assert first[0] == ["JP"]
