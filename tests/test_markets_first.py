"""Names resolved from the market index's first sources (codes, aliases, English names) resolve exactly
as through the whole index, which is then not built for them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elca_match import markets


def test_first_sources__every_key__same_country_as_the_whole_index():
    first, whole = markets._first_countries(), markets._index().countries
    assert first and all(whole[key] == code for key, code in first.items())


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(markets._index().countries) + sorted(markets._index().regions))
       | st.text(max_size=12))
def test_resolve__any_text__same_as_the_whole_index(text):
    index = markets._index()
    key = markets.market_key(text)
    assert markets.resolve_country(text) == index.countries.get(key)
    if key in index.countries:
        assert markets.resolve_markets(text) == [index.countries[key]]
    elif key in index.regions:
        assert markets.resolve_markets(text) == list(index.region_codes[index.regions[key]])


def test_resolve__english_name__whole_index_not_built():
    markets._index.cache_clear()
    try:
        assert markets.resolve_markets("Japan") == ["JP"] and markets.resolve_country("de") == "DE"
        assert markets._index.cache_info().currsize == 0
    finally:
        markets._index()


def test_first_sources__read_back_from_the_cache__the_same_without_listing_them_again(tmp_path, monkeypatch):
    monkeypatch.setenv("ELCA_MATCH_CACHE", str(tmp_path))
    markets._first_lists.cache_clear()
    try:
        built = markets._first_lists()
        assert len(list(tmp_path.glob("countries-*.json"))) == 1
        markets._first_lists.cache_clear()
        monkeypatch.setattr(markets, "_first_sources", lambda *args: pytest.fail("listed again"))
        assert markets._first_lists() == built and markets._first_countries() == built["first"]
    finally:
        markets._first_lists.cache_clear()


def test_english_names__same_as_the_whole_index():
    english = markets._english_names_by_code()
    assert english == {code: names["en"] for code, names in markets._index().names.items()}
