"""The partner register's domain: near-duplicate names in one country, and file rows to records."""

from __future__ import annotations

import pytest

from elca_match.errors import Option
from elca_match.partners import Partner, close_duplicate, partner_from_values
from elca_match.partners.records import name_key
from elca_match.questionnaire import load_questionnaire

STORED = [Partner("JP-1", "Toyota Boshoku Corporation", "JP", "large"),
          Partner("JP-2", "Kansai Aerospace Cluster", "JP", "cluster"),
          Partner("US-1", "Detroit Forming Inc", "US", "large")]


@pytest.mark.parametrize("name, country, expected", [
    ("TOYOTA BOSHOKU", "JP", "JP-1"),                   # case and legal form
    ("Toyota-Boshoku Corp.", "JP", "JP-1"),             # punctuation
    ("Kansai Aerospace Clustre", "JP", "JP-2"),         # a typo
    ("Detroit Forming", "US", "US-1"),
    ("Chubu Aerospace Cluster", "JP", None),            # another region's cluster
    ("Toyota Boshoku Corporation", "US", None),         # same name, another country
    ("Detroit Forming Inc", "JP", None),
])
def test_close_duplicate__same_country_near_same_name__found(name, country, expected):
    match = close_duplicate(name, country, STORED)
    assert (match.id if match else None) == expected


def test_close_duplicate__own_id__is_not_a_duplicate():
    assert close_duplicate("Toyota Boshoku Corporation", "JP", STORED, own_id="jp-1") is None


def test_name_key__legal_forms_and_punctuation_dropped():
    assert name_key("Tokai Bonding K.K.") == name_key("tokai bonding") == "tokai bonding"


def test_partner_from_values__codes_and_labels__normalised_and_problems_name_the_option():
    q = load_questionnaire()
    checked = partner_from_values({"id": "JP-9", "name": "Gifu Carbon Lab", "country": "Japan", "kind": "RTO",
                                   "sectors": "Aerospace; automotive", "materials": "CFRP", "consent": "Ja"}, q)
    assert not checked.problems
    partner = checked.records[0]
    assert (partner.country, partner.kind, partner.sectors, partner.materials, partner.consent) == \
        ("JP", "rto", ("aerospace", "automotive"), ("cfrp",), True)
    bad = partner_from_values({"id": "JP-9", "name": "X", "country": "JP", "kind": "factory",
                               "contact_email": "not-an-address"}, q)
    # the options by name (the command line spells them --kind, --contact-email: tests/test_error_catalogue_cases.py)
    assert {(p.code, p.column) for p in bad.problems} == {("unknown_choice", "kind"), ("bad_email", "contact_email")}
    assert all(isinstance(p.column, Option) for p in bad.problems)
