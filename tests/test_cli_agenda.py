"""`elca-match partners ...` and `elca-match agenda ...` driven through the console script's main()."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar

from elca_match.errors import Problem

from conftest import FIXTURES, CliResult, run_cli

HERE = FIXTURES / "agenda"
CONSENTED = "sato@example.jp"  # Chubu Aerospace Cluster agreed to share its contact
NOT_CONSENTED = "yamada@example.jp"  # Kansai Mobility Association did not


def run(*args: object, db: Path) -> CliResult:
    """Run `elca-match` in this process (the console script's own main())."""
    return run_cli(*args, db=db)


def ok(*args: object, db: Path) -> CliResult:
    result = run(*args, db=db)
    assert result.exit_code == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def ready_db(tmp_path_factory) -> Path:
    """Members, the M06 mission with four travelling members, Japanese partners, sessions, requests, availability."""
    db = tmp_path_factory.mktemp("agenda") / "elca.db"
    for step in (("ingest", FIXTURES / "survey" / "canonical_en.csv", FIXTURES / "outcomes" / "members.csv"),
                 ("opportunities", "import", "--builtin"),
                 ("missions", "import", FIXTURES / "outcomes" / "missions.csv"),
                 ("plan", "--include-unconsented", "--max-per-member", "3", "--require", "Compositi Emilia Srl@M06",
                  "--require", "Leichtbau Sachsen GmbH@M06", "--require", "Plasturgie Alpes SAS@M06",
                  "--require", "Leichtbau-Netzwerk Thüringen@M06"),
                 ("partners", "import", HERE / "partners.csv"),
                 ("agenda", "import", "sessions", HERE / "sessions.csv"),
                 ("agenda", "import", "requests", HERE / "requests.csv"),
                 ("agenda", "import", "availability", HERE / "availability.csv", "--mission", "M06")):
        ok(*step, db=db)
    return db


@pytest.fixture
def db(ready_db, tmp_path) -> Path:
    copy = tmp_path / "elca.db"
    shutil.copy(ready_db, copy)
    return copy


@pytest.fixture(scope="module")
def scheduled_db(ready_db, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("scheduled") / "elca.db"
    shutil.copy(ready_db, db)
    ok("agenda", "schedule", "--mission", "M06", "--time-limit", "5", db=db)
    return db


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- partners ----------------------------------------------------------------------------

def test_partners__list_and_show__contacts_only_with_consent_and_on_request(db):
    listed = ok("partners", "list", "--country", "japan", "--format", "json", db=db).stdout
    assert "Chubu Aerospace Cluster" in listed and CONSENTED not in listed and NOT_CONSENTED not in listed
    listed = ok("partners", "list", "--with-contacts", "--format", "csv", db=db).stdout
    assert CONSENTED in listed and NOT_CONSENTED not in listed
    assert CONSENTED not in ok("partners", "show", "JP-CAC", db=db).stdout
    assert CONSENTED in ok("partners", "show", "Chubu Aerospace Cluster", "--with-contacts", db=db).stdout
    assert NOT_CONSENTED not in ok("partners", "show", "JP-KAN", "--with-contacts", db=db).stdout


@pytest.mark.parametrize("args", [
    ("partners", "add", "--name", "CHUBU AEROSPACE CLUSTER Co., Ltd.", "--country", "JP", "--kind", "cluster"),
    ("outcomes", "add", "org", "--name", "Chubu Aerospace Cluster", "--country", "Japan", "--kind", "cluster"),
])
def test_partners__near_duplicate_name_in_same_country__refused_naming_the_match(db, args):
    before = db.read_bytes()
    result = run(*args, db=db)
    assert result.exit_code == 4
    assert "nearly that of partner JP-CAC (Chubu Aerospace Cluster)" in result.stderr
    assert db.read_bytes() == before


def test_partners__same_name_in_another_country__is_another_partner(db):
    ok("partners", "add", "--name", "Chubu Aerospace Cluster", "--country", "US", "--kind", "cluster", db=db)
    assert "PT-001" in ok("partners", "list", "--country", "US", db=db).stdout


def test_partners__one_register_with_outcome_orgs__merge_moves_outcome_references(db):
    ok("outcomes", "add", "org", "--id", "ORG-9", "--name", "Tokai Adhesives Works", "--country", "JP", "--kind", "sme",
       db=db)
    assert "ORG-9" in ok("partners", "list", db=db).stdout  # an outcome org is a partner
    ok("outcomes", "add", "meeting", "--date", "2027-02-16", "--kind", "b2b", "--party", "Leichtbau Sachsen GmbH",
       "--partner", "ORG-9", db=db)
    ok("partners", "merge", "JP-TKB", "ORG-9", db=db)
    meetings = json.loads(ok("outcomes", "list", "--kind", "meeting", "--format", "json", db=db).stdout)
    assert [m["partners"] for m in meetings["meetings"]] == [["JP-TKB"]]
    assert "ORG-9" not in ok("partners", "list", db=db).stdout


def test_partners__bad_file__refused_with_file_row_column_and_nothing_stored(db, tmp_path):
    bad = write(tmp_path / "bad.csv", "id,name,country,kind\nX1,Osaka Resin,JP,factory\nX2,Somewhere,Atlantis,sme\n")
    before = db.read_bytes()
    result = run("partners", "import", bad, db=db)
    assert result.exit_code == 4
    assert "bad.csv, row 2, column 'kind': value 'factory'" in result.stderr
    assert "bad.csv, row 3, column 'country': value 'Atlantis'" in result.stderr
    assert db.read_bytes() == before


# --- agenda files ----------------------------------------------------------------------------

@pytest.mark.parametrize("what, text, where", [
    ("requests", "mission,from,to\nM06,Leichtbau Sachsn GmbH,JP-CAC\n",
     "row 2, column 'from': value 'Leichtbau Sachsn GmbH'"),
    ("requests", "mission,from,to,priority\nM06,JP-CAC,Leichtbau Sachsen GmbH,5\n", "row 2, column 'priority': value '5'"),
    ("requests", "mission,from,to\nM06,JP-CAC,Chubu Aerospace Cluster\n", "row 2, column 'to'"),
    ("requests", "mission,from,to\nM99,JP-CAC,JP-KAN\n", "row 2, column 'mission': value 'M99'"),
    ("sessions", "mission,day,start,end,slot_minutes,tables\nM06,2027-02-16,9h,12:00,30,2\n",
     "row 2, column 'start': value '9h'"),
    ("sessions", "mission,day,start,end,slot_minutes,tables\nM06,2027-03-01,09:00,12:00,30,2\n",
     "row 2, column 'day': value '2027-03-01'"),
    ("sessions", "mission,day,start,end,slot_minutes,tables,breaks\nM06,2027-02-16,09:00,12:00,30,2,lunch\n",
     "row 2, column 'breaks': value 'lunch'"),
    ("sessions", "mission,day,start,end,slot_minutes,tables\nM06,2027-02-16,09:00,12:00,30,0\n",
     "row 2, column 'tables': value '0'"),
    ("availability", "participant,day,from,to\nTokai Bonding,2027-02-16,10:00,09:00\n",
     "row 2, column 'to': value '09:00'"),
])
def test_agenda_import__bad_file__refused_with_file_row_column_and_database_unchanged(db, tmp_path, what, text, where):
    bad = write(tmp_path / f"{what}.csv", text)
    extra = ("--mission", "M06") if what == "availability" else ()
    before = db.read_bytes()
    result = run("agenda", "import", what, bad, *extra, db=db)
    assert result.exit_code == 4, result.stderr
    assert f"{what}.csv, {where}" in result.stderr
    assert "Traceback" not in result.stderr
    assert db.read_bytes() == before


def test_agenda_import__unknown_participant__names_the_closest(db, tmp_path):
    bad = write(tmp_path / "requests.csv", "mission,from,to\nM06,Chubu Aerospace Clustr,Leichtbau Sachsen GmbH\n")
    result = run("agenda", "import", "requests", bad, db=db)
    assert "did you mean 'Chubu Aerospace Cluster'?" in result.stderr


def test_agenda_request_and_session__bad_values__name_the_option(db):
    result = run("agenda", "request", "--mission", "M06", "--from", "JP-CAC", "--to", "Nobody", db=db)
    assert result.exit_code == 4 and "column '--to': value 'Nobody'" in result.stderr
    result = run("agenda", "session", "--mission", "M06", "--day", "2027-02-16", "--start", "10:00", "--end", "09:00",
                 "--slot-minutes", "30", "--tables", "2", db=db)
    assert result.exit_code == 4 and "column '--end'" in result.stderr


# --- schedule, lock, capacity ------------------------------------------------------------------

def test_agenda_schedule__json__meets_every_request_with_the_contract_fields(scheduled_db, tmp_path):
    out = tmp_path / "m06.json"
    ok("agenda", "export", "--mission", "M06", "--format", "json", "--out", out, db=scheduled_db)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["meetings"]) == 4 and data["unscheduled"] == []
    assert data["status"] == "optimal" and data["objective"] == data["bound"]
    meeting = next(m for m in data["meetings"] if m["requested_id"] == "partner:JP-TKB")
    assert {"requester", "requested", "requester_id", "requested_id", "day", "start", "end", "table"} <= set(meeting)
    # Tokai Bonding is only free 09:00-10:30 on the 16th and 14:00-15:00 on the 17th
    tokai = [(m["day"], m["start"]) for m in data["meetings"] if "partner:JP-TKB" in (m["requester_id"],
                                                                                         m["requested_id"])]
    assert all(start in ("09:00", "09:30", "10:00") if day == "2027-02-16" else start in ("14:00", "14:30")
               for day, start in tokai)
    slots = [(m["day"], m["start"], m["table"]) for m in data["meetings"]]
    assert len(slots) == len(set(slots))


def test_agenda_schedule__capacity_cannot_fit__says_what_to_change(db, tmp_path):
    ok("agenda", "import", "sessions", write(tmp_path / "s.csv", "mission,day,start,end,slot_minutes,tables\n"
                                              "M06,2027-02-16,09:00,12:30,30,3\n"), db=db)
    # Tokai Bonding: two requests, free only 09:00-10:30 on the 16th and 14:00-15:00 on the 17th: it fits.
    ok("agenda", "import", "availability", write(tmp_path / "a.csv", "participant,day,from,to\n"
                                                  "Tokai Bonding K.K.,2027-02-16,09:00,09:30\n"), "--mission", "M06",
       db=db)
    before = db.read_bytes()
    result = run("agenda", "schedule", "--mission", "M06", "--require-all", db=db)
    assert result.exit_code == 7
    assert "participant capacity: Tokai Bonding K.K. needs 2 meeting slots but only 1 exist" in result.stderr
    assert "widen Tokai Bonding K.K.'s availability by 1 slots or drop 1 of its requests" in result.stderr
    assert db.read_bytes() == before
    done = ok("agenda", "schedule", "--mission", "M06", "--format", "json", db=db).stdout
    data = json.loads(done)
    assert [u["reason"] for u in data["unscheduled"]] == ["participant_full"]
    assert data["capacity"][0]["constraint"] == "participant"


def test_agenda_lock__locked_meeting_stays_when_a_new_request_is_scheduled(db):
    ok("agenda", "schedule", "--mission", "M06", db=db)
    before = json.loads(ok("agenda", "show", "--mission", "M06", "--format", "json", db=db).stdout)
    locked = next(m for m in before["meetings"] if m["requested"] == "Leichtbau Sachsen GmbH")
    ok("agenda", "lock", "--mission", "M06", "Leichtbau Sachsen GmbH", "JP-CAC", db=db)
    ok("agenda", "request", "--mission", "M06", "--from", "Compositi Emilia Srl", "--to", "JP-CAC", "--priority", "1",
       db=db)
    ok("agenda", "request", "--mission", "M06", "--from", "Leichtbau Sachsen GmbH", "--to", "JP-KAN", db=db)
    after = json.loads(ok("agenda", "schedule", "--mission", "M06", "--format", "json", db=db).stdout)
    again = next(m for m in after["meetings"] if m["requested"] == "Leichtbau Sachsen GmbH")
    assert (again["day"], again["start"], again["table"], again["locked"]) == (locked["day"], locked["start"],
                                                                               locked["table"], True)
    assert len(after["meetings"]) == 6 and after["moved"] == 0


def test_agenda_lock__no_such_meeting__refused(scheduled_db):
    result = run("agenda", "lock", "--mission", "M06", "JP-CAC", "JP-KAN", db=scheduled_db)
    assert result.exit_code == 5
    assert Problem("agenda_no_meeting", value="JP-CAC and JP-KAN", params={"mission": "M06"}).message() \
        in result.stderr.replace("\n", " ")


def test_agenda_show__without_schedule__says_to_schedule_first(db):
    result = run("agenda", "show", "--mission", "M06", db=db)
    assert result.exit_code == 6 and "agenda schedule --mission M06" in result.stderr


# --- agendas people carry ------------------------------------------------------------------------

def _text_of(path: Path) -> str:
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(c) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for c in row)
    if path.is_dir():
        return "\n".join(p.read_text(encoding="utf-8") for p in sorted(path.iterdir()))
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt, name", [("xlsx", "a.xlsx"), ("html", "a.html"), ("csv", "a.csv"), ("json", "a.json"),
                                       ("ics", "calendars")])
def test_agenda_export__every_format__contacts_only_with_consent_and_on_request(scheduled_db, tmp_path, fmt, name):
    plain = tmp_path / "plain" / name
    plain.parent.mkdir()
    ok("agenda", "export", "--mission", "M06", "--format", fmt, "--out", plain, db=scheduled_db)
    text = _text_of(plain)
    assert "Chubu Aerospace Cluster" in text and CONSENTED not in text and NOT_CONSENTED not in text
    asked = tmp_path / "asked" / name
    asked.parent.mkdir()
    ok("agenda", "export", "--mission", "M06", "--format", fmt, "--out", asked, "--with-contacts", db=scheduled_db)
    text = _text_of(asked)
    assert CONSENTED in text and NOT_CONSENTED not in text


def test_agenda_export__ics__parses_back_with_one_event_per_meeting(scheduled_db, tmp_path):
    out = tmp_path / "cal"
    ok("agenda", "export", "--mission", "M06", "--format", "ics", "--out", out, db=scheduled_db)
    data = json.loads(ok("agenda", "show", "--mission", "M06", "--format", "json", db=scheduled_db).stdout)
    files = sorted(out.glob("*.ics"))
    names = {n for m in data["meetings"] for n in (m["requester"], m["requested"])}
    assert len(files) == len(names)
    events = 0
    for path in files:
        calendar = Calendar.from_ical(path.read_bytes())
        for event in calendar.walk("VEVENT"):
            assert event.decoded("dtend") > event.decoded("dtstart")
            assert str(event.get("location")).startswith("Table ")
            events += 1
    assert events == 2 * len(data["meetings"])


def test_agenda_show__participant_in_german__only_its_meetings(scheduled_db):
    shown = ok("agenda", "show", "--mission", "M06", "--participant", "JP-TKB", "--lang", "de", db=scheduled_db).stdout
    assert "Agenda von Tokai Bonding K.K." in shown and "warum sie passen" in shown
    assert "Leichtbau-Netzwerk Thüringen" in shown and "Compositi Emilia" not in shown


# --- suggestions and meetings held -------------------------------------------------------------

def test_agenda_suggest__accept__stores_requests_with_fit_and_why(db):
    shown = json.loads(ok("agenda", "suggest", "--mission", "M06", "--per-member", "1", "--format", "json",
                          db=db).stdout)
    assert shown["suggestions"] and all(s["why"] and 0 < s["score"] <= 1 for s in shown["suggestions"])
    assert len({s["member_key"] for s in shown["suggestions"]}) == len(shown["suggestions"])
    ok("agenda", "suggest", "--mission", "M06", "--per-member", "1", "--accept", db=db)
    data = json.loads(ok("agenda", "schedule", "--mission", "M06", "--format", "json", db=db).stdout)
    pairs = {(m["requester_id"], m["requested_id"]) for m in data["meetings"]}
    assert all(("member:" + s["member_key"], "partner:" + s["partner_id"]) in pairs
               or ("partner:" + s["partner_id"], "member:" + s["member_key"]) in pairs for s in shown["suggestions"])


def test_agenda_held__meetings_become_outcome_meetings_counted_by_the_report(db):
    ok("agenda", "schedule", "--mission", "M06", db=db)
    ok("agenda", "held", "--mission", "M06", "--file", HERE / "attendance.csv", db=db)
    meetings = json.loads(ok("outcomes", "list", "--kind", "meeting", "--format", "json", db=db).stdout)["meetings"]
    assert len(meetings) == 1
    assert meetings[0]["kind"] == "b2b" and meetings[0]["partners"] == ["JP-CAC"] and meetings[0]["mission_id"] == "M06"
    ok("agenda", "held", "--mission", "M06", db=db)
    ok("agenda", "held", "--mission", "M06", db=db)  # twice: nothing doubles
    meetings = json.loads(ok("outcomes", "list", "--kind", "meeting", "--format", "json", db=db).stdout)["meetings"]
    assert len(meetings) == 4
    report = ok("report", "indicators", "--to", "2027-12-31", "--format", "md", db=db).stdout
    assert "| 5) Number of cluster and business matchmaking meetings supported | 4 |" in report


def test_agenda_held__bad_attendance_file__refused_and_nothing_recorded(scheduled_db, tmp_path):
    bad = write(tmp_path / "att.csv", "from,to,held\nJP-CAC,Leichtbau Sachsen GmbH,perhaps\n")
    before = scheduled_db.read_bytes()
    result = run("agenda", "held", "--mission", "M06", "--file", bad, db=scheduled_db)
    assert result.exit_code == 4 and "att.csv, row 2, column 'held': value 'perhaps'" in result.stderr
    assert scheduled_db.read_bytes() == before


def test_forget__a_partner__erased_from_register_requests_agenda_and_file_bytes(scheduled_db, tmp_path):
    db = tmp_path / "elca.db"
    shutil.copy(scheduled_db, db)
    ok("outcomes", "add", "meeting", "--date", "2027-02-16", "--kind", "b2b", "--party", "Leichtbau Sachsen GmbH",
       "--partner", "JP-CAC", "--description", "Met Chubu Aerospace Cluster at the fair", db=db)
    done = ok("forget", "Chubu Aerospace Cluster", "--yes", db=db)
    assert "Forgot Chubu Aerospace Cluster" in done.stderr
    assert "JP-CAC" not in ok("partners", "list", db=db).stdout
    data = json.loads(ok("agenda", "show", "--mission", "M06", "--format", "json", db=db).stdout)
    assert all("partner:JP-CAC" not in (m["requester_id"], m["requested_id"]) for m in data["meetings"])
    meetings = json.loads(ok("outcomes", "list", "--kind", "meeting", "--format", "json", db=db).stdout)["meetings"]
    assert len(meetings) == 1 and meetings[0]["description"] == "Met [erased organisation] at the fair"
    raw = db.read_bytes()
    assert CONSENTED.encode() not in raw and b"Hanako Sato" not in raw and b"Chubu Aerospace" not in raw


def test_agenda_schedule__locked_meeting_whose_participant_became_unavailable__refused_naming_both(db, tmp_path):
    ok("agenda", "schedule", "--mission", "M06", db=db)
    data = json.loads(ok("agenda", "show", "--mission", "M06", "--format", "json", db=db).stdout)
    meeting = next(m for m in data["meetings"] if m["requested"] == "Leichtbau Sachsen GmbH")
    ok("agenda", "lock", "--mission", "M06", "Leichtbau Sachsen GmbH", "JP-CAC", db=db)
    other = "2027-02-17" if meeting["day"] == "2027-02-16" else "2027-02-16"
    ok("agenda", "import", "availability", write(tmp_path / "a.csv", f"participant,day,from,to\n"
                                                  f"JP-CAC,{other},09:00,17:00\n"), "--mission", "M06", db=db)
    result = run("agenda", "schedule", "--mission", "M06", db=db)
    assert result.exit_code == 7
    assert ("value 'Leichtbau Sachsen GmbH / Chubu Aerospace Cluster': the meeting is locked at "
            f"{meeting['day']} {meeting['start']} but Chubu Aerospace Cluster is not available then") in result.stderr


def test_agenda_import__xlsx_requests__read_like_csv(db, tmp_path):
    path = tmp_path / "requests.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Mission", "From", "To", "Priority"])
    sheet.append(["m06", "Compositi Emilia Srl", "Chubu Aerospace Cluster", 1])
    workbook.save(path)
    done = json.loads(ok("agenda", "import", "requests", path, "--format", "json", db=db).stdout)
    assert (done["added"], done["missions"]) == (1, ["M06"])
