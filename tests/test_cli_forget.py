"""`elca-match forget`: the organisation under every name and id it had, everywhere it is quoted, nothing else,
and a truthful word on whether its bytes left the database file (WAL included)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from elca_match.errors import MESSAGES
from elca_match.records.outcomes import Case, Event, Meeting, Outcomes, PartnerOrg, Party
from elca_match.services.ingest import ingest_files
from elca_match.store import erasure, open_db, transaction
from elca_match.store import outcomes as outcomes_store

from conftest import CliResult, run_main, write_survey

FORUM_ID = "DE111111111"
# every byte sequence that would identify the forgotten organisation or its contacts
TRACES = [b"Forum Composites", b"clara.blum@forum.example", b"Clara Blum", b"jan@forum.example", b"Jan Kowal",
          b"Forum Komposit", FORUM_ID.encode(), b"DE 111 111 111", b"lena@forum.example"]


def answer(**overrides: str) -> dict[str, str]:
    base = {"org_name": "Leichtbau Nord GmbH", "org_id": "", "cluster": "AMZ", "country": "DE", "org_type": "sme",
            "sectors": "automotive", "value_chain_stages": "production", "trl": "6",
            "capabilities": "RTM body panels", "contact_name": "Eva Muster", "contact_email": "eva@example.org",
            "consent": "yes", "submitted_at": "2026-01-10"}
    return {**base, **overrides}


def run(db: Path, *args: object) -> CliResult:
    return run_main(*args, db=db)


def file_bytes(db: Path) -> bytes:
    """The database file and its write-ahead log, as they lie on disk."""
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """Forum (renamed Forum Composites, with its own sheet and a set-aside row), two other members, outcome records."""
    folder = tmp_path_factory.mktemp("forget")
    db = folder / "elca.db"
    members = write_survey(folder / "members.csv", [
        answer(org_name="Forum", org_id=FORUM_ID, contact_name="Clara Blum", contact_email="clara.blum@forum.example",
               submitted_at="2026-01-10"),
        answer(),
        answer(org_name="Mobility Forum Srl", cluster="MECH", country="IT", contact_name="Luca Neri",
               contact_email="luca@mf.example", capabilities="Works with Clara Blum on RTM"),
    ])
    own = write_survey(folder / "Forum Composites.csv", [
        answer(org_name="Forum Composites", org_id="DE 111 111 111", contact_name="Jan Kowal",
               contact_email="jan@forum.example", submitted_at="2026-02-01")])
    late = write_survey(folder / "late.csv", [
        answer(org_name="Forum Komposit", org_id="DE-111111111", trl="12", contact_email="lena@forum.example"),
        answer(org_name="Nobody Else AG", trl="12", capabilities="Ask jan@forum.example", contact_email="x@y.example"),
    ])
    ingest_files(db, [members, own])
    ingest_files(db, [late], skip_invalid=True)
    forum = Party("member", f"id:{FORUM_ID}", "Forum", "sme", "AMZ")
    other = Party("member", "name:leichtbau nord gmbh|DE", "Leichtbau Nord GmbH", "sme", "AMZ")
    records = Outcomes(
        orgs=[PartnerOrg("P1", "Chubu Cluster", "JP", "cluster", "Met Forum Composites and Leichtbau Nord"),
              PartnerOrg("P2", "Nagoya KK", "JP", "sme", "Knows the Forum well")],
        events=[Event("E1", "Lightweight Mobility Forum", "2027-03-09", "c2c", ("JP",), parties=(other,),
                      description="The Forum of the year; Forums galore"),
                Event("E2", "Visit of Forum", "2027-03-10", "b2b", ("JP",), parties=(forum,),
                      description="Forum presented; write to clara.blum@forum.example. Forums galore.")],
        meetings=[Meeting("M1", "2027-03-11", "b2b", "JP", (forum,), ("P1",), description="Forum_Composites met P1")],
        cases=[Case("C1", "Talks", "2027-03-12", "other", ("JP",), (other,), ("P2",), ("rd",), "ongoing",
                    description="Introduced by Jan Kowal of the Forum")],
    )
    conn = open_db(db)
    with transaction(conn):
        outcomes_store.save(conn, records, {}, "2027-03-12T00:00:00")
    conn.conn.close()
    return db


@pytest.fixture
def db(built, tmp_path) -> Path:
    copy = tmp_path / "elca.db"
    shutil.copy(built, copy)
    return copy


def query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("name", ["Forum", "forum", "Forum Composites", "Forum Komposit", FORUM_ID, "DE.111.111.111",
                                  "DE-111111111", "de 111 111 111", f"id:{FORUM_ID}"])
def test_forget__any_name_or_id_spelling__erases_every_byte(db, name):
    assert all(trace in file_bytes(db) for trace in TRACES[:2])
    result = run(db, "forget", name, "--yes")
    assert result.exit_code == 0, result.stderr
    data = file_bytes(db)
    assert [t for t in TRACES if t in data] == []
    assert query(db, "SELECT count(*) FROM organisations")[0][0] == 2
    assert query(db, "SELECT count(*) FROM submissions")[0][0] == 2
    assert "no deleted byte remains" in result.stderr and "Forgot Forum Composites" in result.stderr


def test_forget__free_text_scrubbed_only_where_it_involves_the_organisation(db):
    assert run(db, "forget", "Forum", "--yes").exit_code == 0
    events = dict(query(db, "SELECT id, name || ' / ' || description FROM outcome_events"))
    # E1 does not involve Forum and quotes no contact data: every byte as it was
    assert events["E1"] == "Lightweight Mobility Forum / The Forum of the year; Forums galore"
    assert events["E2"] == ("Visit of [erased organisation] / [erased organisation] presented; write to "
                            "[erased contact]. Forums galore.")
    assert query(db, "SELECT description FROM outcome_meetings") == [("[erased organisation] met P1",)]
    orgs = dict(query(db, "SELECT id, description FROM partners"))
    assert orgs == {"P1": "Met [erased organisation] and Leichtbau Nord", "P2": "Knows the Forum well"}
    # a record that only quotes a contact loses the contact data, not words that may be another's name
    assert query(db, "SELECT description FROM outcome_cases") == [("Introduced by [erased contact] of the Forum",)]
    other = query(db, "SELECT json_extract(answers, '$.org_name'), json_extract(answers, '$.capabilities') "
                      "FROM submissions WHERE org_key = 'name:mobility forum srl|IT'")
    assert other == [("Mobility Forum Srl", "Works with [erased contact] on RTM")]
    files = sorted(r[0] for r in query(db, "SELECT file_name FROM sources"))
    assert files == ["[erased organisation].csv", "late.csv", "members.csv"]


def test_forget__reports_what_was_scrubbed_where(db):
    result = run(db, "forget", "Forum", "--yes")
    assert "submissions 2" in result.stderr and "raw_rows 2" in result.stderr and "set_aside 1" in result.stderr
    assert "outcome_events 1" in result.stderr and "partners 1" in result.stderr
    assert "sources 1" in result.stderr and "raw_rows 1" in result.stderr  # the other member quoting Clara Blum
    kept = query(db, "SELECT org_name, cells FROM set_aside")
    assert len(kept) == 1 and kept[0][0] == "Nobody Else AG" and "Ask [erased contact]" in kept[0][1]


def test_forget__ambiguous_name__refused_listing_candidates_nothing_changed(db, tmp_path):
    twins = write_survey(tmp_path / "twins.csv", [answer(org_name="Twin Composites", country="ES", cluster="MAV"),
                                                   answer(org_name="twin  COMPOSITES", country="FR", cluster="POLYM")])
    ingest_files(db, [twins])
    before = file_bytes(db)
    result = run(db, "forget", "Twin Composites", "--yes")
    assert result.exit_code == 2 and "matches several organisations" in result.stderr
    assert "name:twin composites|ES" in result.stderr and "name:twin composites|FR" in result.stderr
    assert file_bytes(db) == before


def test_forget__by_key__leaves_a_namesakes_set_aside_rows(db, tmp_path):
    rows = [answer(org_name="Twin Composites", country="ES", cluster="MAV", contact_email="es@twin.example"),
            answer(org_name="Twin Composites", country="FR", cluster="POLYM", contact_email="fr@twin.example")]
    ingest_files(db, [write_survey(tmp_path / "twins.csv", rows)])
    late = [{**rows[1], "trl": "12", "contact_email": "late-fr@twin.example"}]
    ingest_files(db, [write_survey(tmp_path / "late-twins.csv", late)], skip_invalid=True)
    result = run(db, "forget", "name:twin composites|ES", "--yes")
    assert result.exit_code == 0, result.stderr
    assert b"es@twin.example" not in file_bytes(db) and b"late-fr@twin.example" in file_bytes(db)


def test_forget__former_name_of_one_current_name_of_another__ambiguous(db, tmp_path):
    ingest_files(db, [write_survey(tmp_path / "new.csv", [answer(org_name="Forum", country="PL", cluster="BIC")])])
    result = run(db, "forget", "Forum", "--yes")
    assert result.exit_code == 2 and f"id:{FORUM_ID}" in result.stderr and "name:forum|PL" in result.stderr


def test_forget__reader_holds_the_database__says_bytes_may_remain_then_finish_erases(db, monkeypatch):
    monkeypatch.setattr(erasure, "FINISH_TIMEOUT_MS", 200)  # the reader never lets go: no need to wait 2 s
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM organisations").fetchone()
    try:
        result = run(db, "forget", "Forum", "--yes")
    finally:
        reader.close()
    assert result.exit_code == 6, result.stderr
    assert "records are deleted, but" in result.stderr and "forget --finish" in result.stderr
    assert "no deleted byte remains" not in result.stderr
    assert query(db, "SELECT count(*) FROM organisations WHERE key = 'id:DE111111111'") == [(0,)]
    finish = run(db, "forget", "--finish")
    assert finish.exit_code == 0, finish.stderr
    assert [t for t in TRACES if t in file_bytes(db)] == []


def test_forget__without_a_name_or_finish__usage_error(db):
    result = run(db, "forget", "--yes")
    assert result.exit_code == 2 and "--finish" in result.stderr


def test_forget__erase_unfinished_message_is_one_paragraph():
    assert "forget --finish" in MESSAGES["erase_unfinished"] and "\n" not in MESSAGES["erase_unfinished"]


@given(name=st.text(alphabet="abcFoRum", min_size=1, max_size=12),
       before=st.text(alphabet="xyz_-. 1", max_size=4), after=st.text(alphabet="xyz_-. 1", max_size=4))
def test_words__replaces_whole_words_only(name, before, after):
    text = f"{before}{name}{after}"
    replaced = erasure.words([name.upper()]).sub("#", text)
    # glued to a letter or digit, the name is part of another word ("Forums", "Forum1") and stays
    glued = before[-1:].isalnum() or after[:1].isalnum()
    assert replaced == (text if glued else f"{before}#{after}")
