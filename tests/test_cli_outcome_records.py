"""The outcome records the progress report's other tables need, through the real command line:
organised and WP 3 events, case steps, dissemination, consortium meetings, cross-fertilised
partnerships, contacts, milestone and deliverable status. Each is checked like the survey:
file, row, column, value and the closest match; a rejected file changes nothing."""

from __future__ import annotations

import json

import pytest

from elca_match.errors import did_you_mean
from elca_match.outcomes.reader import FIELDS
from elca_match.outcomes.vocabulary import DISSEMINATION_CHANNELS, codes

from test_cli_outcomes import ORGS, base_db, db, expect, run, write  # noqa: F401  (fixtures)

HEADER = list(FIELDS)
CASE = {"record": "case", "id": "CASE-1", "name": "MoU", "date": "2027-03-11", "kind": "2", "parties": "AMZ",
        "partners": "ORG-1", "objectives": "rd"}

GOOD = [
    {"record": "event", "id": "EV-9", "name": "Workshop", "date": "2027-05-20", "country": "Germany",
     "kind": "national workshop", "parties": "AMZ", "organised": "yes"},
    {"record": "steps", "id": "case-1", "main_steps": "Visit", "next_steps": "Joint project"},
    {"record": "dissemination", "id": "DIS-1", "name": "Press release", "date": "2027-01-15",
     "kind": "press release", "reached_smes": "120", "reached_rtos": "20", "reached_clusters": "8",
     "reached_policy": "5"},
    {"record": "consortium_meeting", "id": "CM-1", "name": "Jour fixe", "date": "09.02.2027", "parties": "AMZ;MECH"},
    {"record": "partnership", "id": "PS-1", "name": "Other ESCP", "date": "2027-04-20", "kind": "eu initiative",
     "parties": "AMZ"},
    {"record": "contact", "id": "CT-1", "date": "2027-02-01", "partners": "Chubu Composites Cluster",
     "parties": "MAV"},
    {"record": "milestone", "id": "partnership complete", "achieved": "yes", "date": "2026-06-30"},
    {"record": "deliverable", "id": "D 4.1", "achieved": "no", "comment": "Late"},
]


def test_import__every_new_record_kind__stored_and_listed(db, tmp_path):
    path = write(tmp_path / "more.csv", [*ORGS, CASE, *GOOD], HEADER)
    result = run("outcomes", "import", path, "--format", "json", db=db)
    assert result.exit_code == 0, result.stderr
    added = json.loads(result.stdout)["added"]
    assert added == {"org": ["ORG-1", "ORG-2"], "event": ["EV-9"], "case": ["CASE-1"], "steps": ["case-1"],
                     "dissemination": ["DIS-1"], "consortium_meeting": ["CM-1"], "partnership": ["PS-1"],
                     "contact": ["CT-1"], "milestone": ["MS1"], "deliverable": ["D4.1"]}
    again = json.loads(run("outcomes", "import", path, "--format", "json", db=db).stdout)
    assert again["added"] == {} and again["updated"] == {}
    listed = json.loads(run("outcomes", "list", "--format", "json", db=db).stdout)
    assert listed["events"][0]["organised"] is True and listed["events"][0]["countries"] == ["DE"]
    assert listed["cases"][0]["main_steps"] == "Visit"
    assert listed["disseminations"][0]["channel"] == "article"
    assert listed["contacts"][0]["partners"] == ["ORG-1"]
    assert listed["deliverables"] == [{"id": "D4.1", "achieved": False, "date": "", "comment": "Late"}]


REJECTIONS = {
    "WP 2 event in Europe": ({"record": "event", "id": "EV-1", "name": "Forum", "date": "2027-03-09",
                              "country": "Germany", "kind": "c2c", "parties": "AMZ"},
                             expect("outcome_not_third_country", 4, "country", "Germany", country="Germany")),
    "organised flag": ({**GOOD[0], "organised": "perhaps"}, expect("outcome_bad_flag", 4, "organised", "perhaps")),
    "steps of an unknown case": ({**GOOD[1], "id": "CASE-2"},
                                 expect("unknown_reference", 4, "id", "CASE-2", what="cooperation case",
                                        suggestion=did_you_mean(None))),
    "channel typo": ({**GOOD[2], "kind": "newsleter"},
                     expect("unknown_choice", 4, "kind", "newsleter", suggestion=did_you_mean("newsletter"),
                            allowed=", ".join(codes(DISSEMINATION_CHANNELS)))),
    "reach not a number": ({**GOOD[2], "reached_smes": "many"},
                           expect("not_integer", 4, "reached_smes", "many", example=0)),
    "consortium meeting date": ({**GOOD[3], "date": "2027-02-30"},
                                expect("bad_date", 4, "date", "2027-02-30")),
    "partnership kind": ({**GOOD[4], "kind": "eu initiativ"},
                         expect("unknown_choice", 4, "kind", "eu initiativ", suggestion=did_you_mean("eu_initiative"),
                                allowed="cluster_partnership (1), eu_initiative (2), other (3)")),
    "contact without partner": ({**GOOD[5], "partners": ""}, expect("required_empty", 4, "partners")),
    "unknown milestone": ({**GOOD[6], "id": "Partnership complet"},
                          expect("outcome_not_planned", 4, "id", "Partnership complet", what="milestone",
                                 suggestion=did_you_mean("MS1"), allowed="MS1, MS2")),
    "achieved missing": ({**GOOD[7], "achieved": ""}, expect("required_empty", 4, "achieved")),
}


@pytest.mark.parametrize("case_name", sorted(REJECTIONS))
def test_import__bad_new_record__rejected_with_message_and_db_unchanged(db, tmp_path, case_name):
    row, message = REJECTIONS[case_name]
    rows = [*ORGS, row] if row["record"] != "steps" else [*ORGS, row]
    path = write(tmp_path / "bad.csv", rows, HEADER)
    before = db.read_bytes()
    result = run("outcomes", "import", path, db=db)
    assert result.exit_code == 4, result.stderr
    assert result.stderr.startswith("Error: bad.csv rejected, nothing was stored")
    assert message in " ".join(result.stderr.split())
    assert db.read_bytes() == before


def test_add__one_record_of_each_new_kind(db):
    steps = [
        ("org", "--name", "Chubu Composites Cluster", "--country", "Japan", "--kind", "cluster"),
        ("case", "--name", "MoU", "--date", "2027-02-18", "--kind", "2", "--party", "AMZ", "--partner", "ORG-001",
         "--objective", "rd", "--main-steps", "Visit"),
        ("steps", "--case", "CASE-001", "--next-steps", "Joint project"),
        ("event", "--name", "Workshop", "--date", "2027-05-20", "--kind", "international_event", "--country", "FR",
         "--party", "POLYM", "--organised"),
        ("dissemination", "--name", "Newsletter", "--date", "2027-03-30", "--channel", "newsletter", "--smes", "80"),
        ("consortium-meeting", "--name", "Jour fixe", "--date", "2027-02-09", "--party", "AMZ"),
        ("partnership", "--name", "Other ESCP", "--date", "2027-04-20", "--kind", "1", "--party", "AMZ"),
        ("contact", "--date", "2027-02-01", "--partner", "ORG-001"),
        ("milestone", "MS2", "--not-achieved", "--comment", "Postponed to M8"),
        ("deliverable", "D1.1", "--achieved", "--date", "2026-08-31"),
    ]
    for step in steps:
        result = run("outcomes", "add", *step, db=db)
        assert result.exit_code == 0, (step, result.stderr)
    listed = json.loads(run("outcomes", "list", "--format", "json", db=db).stdout)
    assert [(c["main_steps"], c["next_steps"]) for c in listed["cases"]] == [("", "Joint project")]
    assert [e["kind"] for e in listed["events"]] == ["international_event"]
    assert [d["id"] for d in listed["disseminations"]] == ["DIS-001"]
    assert [m["id"] for m in listed["consortium_meetings"]] == ["CM-001"]
    assert listed["milestones"] == [{"id": "MS2", "achieved": False, "date": "", "comment": "Postponed to M8"}]


def test_add__wrong_value__names_the_option(db):
    result = run("outcomes", "add", "dissemination", "--name", "x", "--date", "2027-01-01", "--channel", "fax", db=db)
    assert result.exit_code == 4
    assert "column '--channel': value 'fax'" in result.stderr
    result = run("outcomes", "add", "deliverable", "D9.9", "--achieved", db=db)
    assert "column 'DELIVERABLE': value 'D9.9'" in result.stderr and "not in the action's plan" in result.stderr
