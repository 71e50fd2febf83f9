"""The catalogue's typed records: one field list each, shared by the files, the store and the exports."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elca_match.catalogue import missions as mission_file
from elca_match.catalogue import opportunities as opportunity_file
from elca_match.records import MISSION_FIELDS, OPPORTUNITY_FIELDS, Mission, Opportunity, as_dict, from_values
from elca_match.store import catalogue as store
from elca_match.store import session, transaction

CODES = st.lists(st.sampled_from(["cfrp", "gfrp", "rd", "JP-1", "ä;b"]), max_size=3, unique=True).map(tuple)
TEXT = st.text(max_size=20)
DATES = st.none() | st.dates().map(lambda d: d.isoformat())
IDS = st.text("ABCXYZ-0123456789", min_size=1, max_size=8)

opportunities = st.builds(
    Opportunity, id=IDS, title=TEXT, country=st.sampled_from(["JP", "US", "IN"]), region=TEXT, sector=TEXT,
    value_chain_stage=TEXT, description=TEXT, materials=CODES, technologies=CODES,
    trl_min=st.none() | st.integers(1, 9), trl_max=st.none() | st.integers(1, 9), cooperation_types=CODES,
    market_maturity=st.none() | st.sampled_from(["mature", "emerging"]), policy_driver=TEXT,
    priority=st.none() | st.integers(1, 5), source=TEXT, sources=CODES,
    status=st.sampled_from(["verified", "unverified"]), checked_on=DATES, valid_from=DATES, valid_to=DATES,
    caveats=TEXT)
missions = st.builds(
    Mission, id=IDS, country=st.sampled_from(["JP", "US"]), type=st.sampled_from(["exploratory", "final"]),
    seats=st.integers(1, 12), region=TEXT, start_date=DATES, end_date=DATES, lead_cluster=st.none() | TEXT,
    sectors=CODES, opportunities=CODES)


def test_file_columns__are_the_record_fields_in_order():
    assert tuple(c.name for c in opportunity_file.COLUMNS) == OPPORTUNITY_FIELDS
    assert tuple(c.name for c in mission_file.COLUMNS) == MISSION_FIELDS
    assert store.OPPORTUNITY_FIELDS is OPPORTUNITY_FIELDS and store.MISSION_FIELDS is MISSION_FIELDS


def test_records__frozen_and_hashable():
    mission = Mission("M1", "JP", "final", 4, sectors=("automotive",))
    with pytest.raises(dataclasses.FrozenInstanceError):
        mission.seats = 5  # type: ignore[misc]
    assert {mission, Mission("M1", "JP", "final", 4, sectors=("automotive",))} == {mission}


def test_from_values__lists_become_tuples_and_as_dict_keeps_field_order():
    mission = from_values(Mission, {"id": "M1", "country": "JP", "type": "final", "seats": 4,
                                    "sectors": ["rail"], "opportunities": None})
    assert mission.sectors == ("rail",) and mission.opportunities == ()
    assert tuple(as_dict(mission)) == MISSION_FIELDS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(opportunity=opportunities, mission=missions)
def test_store__saves_and_reads_back_the_same_records(tmp_path: Path, opportunity: Opportunity, mission: Mission):
    path = Path(tempfile.mkdtemp(dir=tmp_path)) / "records.db"  # a new database for each example
    with session(path) as opened, transaction(opened.db):
        store.save_opportunities(opened.db, [opportunity], [2], source_file="f.csv", sha256="0", imported_at="t")
        store.save_missions(opened.db, [mission], [3], source_file="m.csv", sha256="1", imported_at="t")
    with session(path) as opened:
        assert store.list_opportunities(opened.db) == [opportunity]
        assert store.list_missions(opened.db) == [mission]
        stored, provenance = store.get_opportunity(opened.db, opportunity.id.lower())
        assert stored == opportunity and (provenance.source_file, provenance.source_row) == ("f.csv", 2)


def test_member_identity__declared_once__store_and_ranking_records_extend_it():
    import ast
    from dataclasses import fields
    from pathlib import Path

    from test_architecture import parsed

    from elca_match.records.members import IDENTITY_FIELDS, MemberIdentity, identity_of
    from elca_match.services.rank import Match, MemberRanking
    from elca_match.store.survey import Member

    for record in (Member, Match, MemberRanking):
        assert issubclass(record, MemberIdentity)
        assert tuple(f.name for f in fields(record))[:len(IDENTITY_FIELDS)] == IDENTITY_FIELDS
    member = Member("k", "Name", "AMZ", "DE", "sme", True, {"org_type": "sme"})
    assert identity_of(member) == {"org_key": "k", "name": "Name", "cluster": "AMZ", "country": "DE",
                                   "org_type": "sme", "consent": True}
    # no other class of the package declares the identity's fields again (a shortlist's entry is
    # presentation: its org_type is a label in the reader's language, its order the sheet's)
    presentation = {"services/export.py:ShortlistEntry"}
    root = Path(__file__).resolve().parents[1] / "elca_match"
    again = []
    for path in root.rglob("*.py"):
        if "consent:" not in path.read_text(encoding="utf-8"):
            continue  # a class declaring the identity declares consent
        for node in ast.walk(parsed(path)):
            if isinstance(node, ast.ClassDef) and node.name != "MemberIdentity":
                declared = {s.target.id for s in node.body if isinstance(s, ast.AnnAssign)
                            and isinstance(s.target, ast.Name)}
                if set(IDENTITY_FIELDS) <= declared:
                    again.append(f"{path.relative_to(root)}:{node.name}")
    assert sorted(set(again) - presentation) == []


identities = st.lists(st.tuples(st.text(max_size=6), st.text(max_size=6), st.sampled_from(["AMZ", "BIC"]),
                                st.sampled_from(["DE", "PL"]), st.sampled_from(["sme", "rto"]), st.booleans()),
                      max_size=12)


@given(identities, st.data())
def test_member_columns__read_and_filtered__same_as_the_records(rows, data):
    from elca_match.records.members import IDENTITY_FIELDS, MemberColumns, MemberIdentity, column_of

    records = [MemberIdentity(*row) for row in rows]
    columns = MemberColumns([list(column) for column in zip(*rows)] if rows else [[] for _ in IDENTITY_FIELDS])
    assert list(columns) == records and len(columns) == len(records) and columns[1:3] == records[1:3]
    keep = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    kept = [r for r, k in zip(records, keep) if k]
    narrowed = columns.where(keep)
    assert list(narrowed) == kept
    for name in IDENTITY_FIELDS:
        assert list(column_of(narrowed, name)) == [getattr(r, name) for r in kept] == column_of(kept, name)
    again = data.draw(st.lists(st.booleans(), min_size=len(kept), max_size=len(kept)))
    assert list(narrowed.where(again)) == [r for r, k in zip(kept, again) if k]
