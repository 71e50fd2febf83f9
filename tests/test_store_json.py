"""The store's JSON encoder writes exactly what ``json.dumps(value, ensure_ascii=False)`` writes."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from elca_match.store.survey import _to_json

SCALARS = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text()
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner,
                                                                                              max_size=4), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(VALUES)
def test_to_json__any_plain_value__same_text_as_json_dumps(value):
    assert _to_json(value) == json.dumps(value, ensure_ascii=False)


def test_to_json__not_json__refused_as_json_dumps_refuses():
    for bad in ({"a": {1, 2}}, object()):
        try:
            json.dumps(bad, ensure_ascii=False)
        except TypeError as expected:
            try:
                _to_json(bad)
            except TypeError as got:
                assert str(got) == str(expected)
            else:
                raise AssertionError("not refused")
