"""Each error code of the catalogue provoked through the real command line (or the service where no command
reaches it), asserting the code the CLI showed and its exit status."""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest

import elca_match.cli as cli_module
from elca_match.errors import (
    CheckFailed,
    DefinitionError,
    ElcaError,
    InfeasibleError,
    InputError,
    Option,
    Options,
    Problem,
    StateError,
    StorageError,
    UsageError,
    ValidationError,
)
from elca_match.questionnaire import load_definition, load_questionnaire
from elca_match.services.ingest import ingest_files

from conftest import run_cli, survey_rows, write_survey
from test_cli_agenda import HERE, ready_db  # noqa: F401  (the agenda database, built once per module)


@pytest.fixture
def refused(monkeypatch):
    """Run `elca-match ARGS`; return its exit status and the codes of the problems it showed on stderr."""
    shown: list[ElcaError] = []
    present = cli_module._error

    def record(exc: ElcaError) -> None:
        shown.append(exc)
        present(exc)

    monkeypatch.setattr(cli_module, "_error", record)

    def run(*args: object, db: Path | None = None) -> tuple[int, set[str]]:
        shown.clear()
        result = run_cli(*args, db=db)
        assert "Traceback" not in result.stderr and result.exit_code != 70, result.stderr
        return result.exit_code, {str(p.code) for exc in shown for p in exc.problems}

    return run


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def agenda_db(ready_db, tmp_path) -> Path:  # noqa: F811
    copy = tmp_path / "elca.db"
    shutil.copy(ready_db, copy)
    return copy


@pytest.fixture
def small_db(tmp_path) -> Path:
    db = tmp_path / "small.db"
    ingest_files(db, [write_survey(tmp_path / "first.csv", survey_rows(5, prefix="First"))])
    return db


# --- the agenda: files, the scheduler's constraints, state --------------------------------------------

SESSIONS = "mission,day,start,end,slot_minutes,tables,breaks\n"


@pytest.mark.parametrize("what, text, code", [
    ("sessions", SESSIONS + "M06,2027-02-16,09:00,12:00,30,2,lunch\n", "agenda_bad_breaks"),
    ("sessions", SESSIONS + "M06,2027-02-16,9h,12:00,30,2,\n", "agenda_bad_time"),
    ("sessions", SESSIONS + "M06,2027-03-01,09:00,12:00,30,2,\n", "agenda_day_outside"),
    ("sessions", SESSIONS + "M06,2027-02-16,12:00,09:00,30,2,\n", "agenda_time_order"),
    ("requests", "mission,from,to\nM06,JP-CAC,Chubu Aerospace Cluster\n", "agenda_self_request"),
    ("requests", "mission,from,to\nM06,Chubu Aerospace Clustr,Leichtbau Sachsen GmbH\n", "agenda_unknown_participant"),
])
def test_agenda_import__bad_value__its_own_code_exit_4(refused, agenda_db, tmp_path, what, text, code):
    before = agenda_db.read_bytes()
    assert refused("agenda", "import", what, write(tmp_path / f"{what}.csv", text), db=agenda_db) == \
        (ValidationError.exit_code, {code})
    assert agenda_db.read_bytes() == before


def test_agenda_schedule__overlapping_sessions__agenda_sessions_overlap(refused, agenda_db, tmp_path):
    sessions = write(tmp_path / "s.csv", SESSIONS + "M06,2027-02-16,09:00,11:00,30,2,\nM06,2027-02-16,10:00,12:00,30,2,\n")
    assert run_cli("agenda", "import", "sessions", sessions, db=agenda_db).exit_code == 0
    status, codes = refused("agenda", "schedule", "--mission", "M06", db=agenda_db)
    assert (status, codes) == (InfeasibleError.exit_code, {"agenda_sessions_overlap"})


def test_agenda_schedule__breaks_cover_every_slot__agenda_no_slots(refused, agenda_db, tmp_path):
    sessions = write(tmp_path / "s.csv", SESSIONS + "M06,2027-02-16,09:00,10:00,30,2,09:00-10:00\n"
                                              "M06,2027-02-17,14:00,15:00,30,2,14:00-15:00\n")
    assert run_cli("agenda", "import", "sessions", sessions, db=agenda_db).exit_code == 0
    assert refused("agenda", "schedule", "--mission", "M06", db=agenda_db) == \
        (InfeasibleError.exit_code, {"agenda_no_slots"})


def test_agenda_schedule__required_meetings_beyond_a_participants_slots__agenda_capacity(refused, agenda_db,
                                                                                        tmp_path):
    run_cli("agenda", "import", "sessions", write(tmp_path / "s.csv", SESSIONS + "M06,2027-02-16,09:00,12:30,30,3,\n"),
            db=agenda_db)
    run_cli("agenda", "import", "availability", write(tmp_path / "a.csv", "participant,day,from,to\n"
                                                      "Tokai Bonding K.K.,2027-02-16,09:00,09:30\n"),
            "--mission", "M06", db=agenda_db)
    assert refused("agenda", "schedule", "--mission", "M06", "--require-all", db=agenda_db) == \
        (InfeasibleError.exit_code, {"agenda_capacity"})


def test_agenda_schedule__locked_meeting_participant_unavailable__agenda_lock_unavailable(refused, agenda_db,
                                                                                         tmp_path):
    assert run_cli("agenda", "schedule", "--mission", "M06", db=agenda_db).exit_code == 0
    shown = json.loads(run_cli("agenda", "show", "--mission", "M06", "--format", "json", db=agenda_db).stdout)
    meeting = next(m for m in shown["meetings"] if m["requested"] == "Leichtbau Sachsen GmbH")
    assert run_cli("agenda", "lock", "--mission", "M06", "Leichtbau Sachsen GmbH", "JP-CAC", db=agenda_db).exit_code == 0
    other = "2027-02-17" if meeting["day"] == "2027-02-16" else "2027-02-16"
    run_cli("agenda", "import", "availability", write(tmp_path / "a.csv", f"participant,day,from,to\n"
                                                      f"JP-CAC,{other},09:00,17:00\n"), "--mission", "M06", db=agenda_db)
    assert refused("agenda", "schedule", "--mission", "M06", db=agenda_db) == \
        (InfeasibleError.exit_code, {"agenda_lock_unavailable"})


def test_agenda_show__not_scheduled__agenda_no_schedule(refused, agenda_db):
    assert refused("agenda", "show", "--mission", "M06", db=agenda_db) == (StateError.exit_code, {"agenda_no_schedule"})


def test_partners_add__near_duplicate_in_the_same_country__partner_duplicate(refused, agenda_db):
    assert refused("partners", "add", "--name", "CHUBU AEROSPACE CLUSTER Co., Ltd.", "--country", "JP", "--kind",
                   "cluster", db=agenda_db) == (ValidationError.exit_code, {"partner_duplicate"})


# --- plans ----------------------------------------------------------------------------------------------

def test_plan_discard__the_plan_of_record__plan_discard_record(refused, agenda_db):
    record = json.loads(run_cli("plan", "list", "--format", "json", db=agenda_db).stdout)["plan_of_record"]
    assert refused("plan", "discard", record, db=agenda_db) == (UsageError.exit_code, {"plan_discard_record"})


def test_plan__members_change_while_it_runs__data_changed_nothing_saved(refused, agenda_db, monkeypatch):
    from elca_match.store import survey as survey_store

    states = iter(range(1000))  # another process ingests between the read and the save
    monkeypatch.setattr(survey_store, "members_state", lambda db: next(states))
    before = json.loads(run_cli("plan", "list", "--format", "json", db=agenda_db).stdout)
    assert refused("plan", "--include-unconsented", db=agenda_db) == (StateError.exit_code, {"data_changed"})
    assert json.loads(run_cli("plan", "list", "--format", "json", db=agenda_db).stdout) == before


# --- members, files, adapters ------------------------------------------------------------------------------

def test_members_show__name_of_two_organisations__ambiguous(refused, tmp_path):
    db = tmp_path / "elca.db"
    rows = list(survey_rows(2, prefix="Twin"))
    rows[1].update(org_name="TWIN  0", country="FR" if rows[0]["country"] != "FR" else "ES")
    ingest_files(db, [write_survey(tmp_path / "twins.csv", rows)])
    assert refused("members", "show", "Twin 0", db=db) == (UsageError.exit_code, {"ambiguous"})


def test_members_list__no_database__empty_database(refused, tmp_path):
    assert refused("members", "list", db=tmp_path / "none.db") == (StateError.exit_code, {"empty_database"})


def test_ingest__control_characters_in_text__control_characters(refused, tmp_path):
    row = next(survey_rows(1))
    row["capabilities"] = "Bonding\x07lines"
    status, codes = refused("ingest", write_survey(tmp_path / "bell.csv", [row]), db=tmp_path / "elca.db")
    assert (status, codes) == (ValidationError.exit_code, {"control_characters"})


def test_ingest__a_folder__file_is_folder(refused, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    assert refused("ingest", folder, db=tmp_path / "elca.db") == (InputError.exit_code, {"file_is_folder"})


def test_ingest__answers_split_over_two_sheets__file_several_sheets(refused, tmp_path):
    rows = list(survey_rows(2))
    workbook = openpyxl.Workbook()
    for i, sheet in enumerate([workbook.active, workbook.create_sheet("more")]):
        sheet.append(list(rows[i]))
        sheet.append(list(rows[i].values()))
    workbook.save(tmp_path / "split.xlsx")
    assert refused("ingest", tmp_path / "split.xlsx", db=tmp_path / "elca.db") == \
        (InputError.exit_code, {"file_several_sheets"})


def test_ingest__file_the_system_will_not_open__file_unreadable(refused, tmp_path, monkeypatch):
    path = write_survey(tmp_path / "locked.csv", survey_rows(1))
    real_open = os.open

    def locked(name, *args, **kwargs):  # root reads through file permissions: the refusal is simulated
        if Path(name) == path:
            raise PermissionError(errno.EACCES, "Permission denied", str(name))
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", locked)
    assert refused("ingest", path, db=tmp_path / "elca.db") == (InputError.exit_code, {"file_unreadable"})


def test_ingest__unknown_adapter__unknown_adapter(refused, tmp_path):
    path = write_survey(tmp_path / "a.csv", survey_rows(1))
    assert refused("ingest", path, "--adapter", "surveymonky", db=tmp_path / "elca.db") == \
        (UsageError.exit_code, {"unknown_adapter"})


def test_ingest__unknown_columns_ignored__columns_ignored_warning(tmp_path):
    rows = [{**row, "shoe_size": "42"} for row in survey_rows(2)]
    result = run_cli("ingest", write_survey(tmp_path / "extra.csv", rows), "--ignore-unknown-columns",
                     db=tmp_path / "elca.db")
    assert result.exit_code == 0, result.stderr
    warning = Problem("columns_ignored", file="extra.csv", row=1, params={"count": 1, "columns": "'shoe_size'"})
    assert warning.message() in " ".join((result.stdout + result.stderr).split())


# --- the database and the operating system ------------------------------------------------------------------

def test_members_list__file_is_not_a_database__db_damaged(refused, tmp_path):
    db = write(tmp_path / "elca.db", "these are not the pages of a database\n" * 200)
    assert refused("members", "list", db=db) == (StorageError.exit_code, {"db_damaged"})


def test_ingest__database_path_is_a_folder__db_unreadable(refused, tmp_path):
    folder = tmp_path / "elca.db"
    folder.mkdir()
    path = write_survey(tmp_path / "a.csv", survey_rows(1))
    assert refused("ingest", path, db=folder) == (StateError.exit_code, {"db_unreadable"})


@pytest.mark.parametrize("number, code", [(errno.ENOSPC, "disk_full"), (errno.EACCES, "os_refused")])
def test_members_list_out__os_refuses_the_write__own_code_nothing_written(refused, small_db, tmp_path, monkeypatch,
                                                                          number, code):
    def failing(src, dst):
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(os, "replace", failing)
    target = tmp_path / "members.csv"
    assert refused("members", "list", "--out", target, db=small_db) == (StorageError.exit_code, {code})
    assert not target.exists() and [p.name for p in tmp_path.iterdir() if ".part" in p.name] == []


def test_check__damaged_database__check_failed(refused, small_db):
    conn = sqlite3.connect(small_db)
    conn.execute("UPDATE submissions SET answers = json_set(answers, '$.trl', 2) WHERE id = 1")
    conn.commit()
    conn.close()
    status, codes = refused("check", db=small_db)
    assert (status, codes) == (CheckFailed.exit_code, {"check_failed"})


# --- the questionnaire definition ------------------------------------------------------------------------

def test_questionnaire__no_such_version__definition_invalid():
    with pytest.raises(DefinitionError) as raised:
        load_questionnaire("d12-v999")
    assert [p.code for p in raised.value.problems] == ["definition_invalid"]
    assert raised.value.exit_code == 8


def test_questionnaire__definition_without_languages__definition_invalid(tmp_path):
    with pytest.raises(DefinitionError) as raised:
        load_definition(write(tmp_path / "d12-v9.yaml", "questionnaire: d12\nversion: 9\nquestions: []\n"))
    assert {p.code for p in raised.value.problems} == {"definition_invalid"}



# --- command-line options: each kind of wrong option has its own code --------------------------------------

@pytest.mark.parametrize("args, code", [
    (("members", "list", "--colour"), "command_line"),
    (("members", "list", "--format", "csv", "--format", "json"), "option_repeated"),
    (("export", "calendar", "--member", "Leichtbau Sachsen GmbH", "--cluster", "MAV"), "options_conflict"),
    (("report", "indicators", "--period", "2", "--to", "2027-06"), "options_conflict"),
    (("export", "shortlist", "--format", "csv"), "options_exactly_one"),
    (("export", "shortlist", "--country", "japan", "--mission", "M06", "--format", "csv"), "options_exactly_one"),
    (("opportunities", "import"), "options_exactly_one"),
    (("forget",), "options_exactly_one"),
    (("export", "shortlist", "--country", "japan", "--plan", "1", "--format", "csv"), "option_needs"),
    (("rank", "--country", "japan", "--top", "0"), "option_out_of_range"),
    (("rank", "--country", "japan", "--min-score", "1.5"), "option_out_of_range"),
    (("plan", "--max-per-member", "0"), "option_out_of_range"),
    (("opportunities", "check", "--today", "tomorrow"), "option_not_a_date"),
    (("report", "indicators", "--to", "2027-13"), "option_not_a_day_or_month"),
    (("report", "indicators", "--from", "2027-07-01", "--to", "2027-06-30"), "option_order"),
    (("report", "indicators", "--period", "9"), "no_such_period"),
    (("plan", "--require", "Leichtbau Sachsen GmbH"), "require_syntax"),
    (("plan", "--from", "latest"), "plan_base_invalid"),
    (("partners", "merge", "JP-CAC", "Chubu Aerospace Cluster"), "partner_merge_same"),
    (("members", "list", "--format", "xlsx"), "xlsx_needs_file"),
    (("report", "indicators", "--format", "xlsx"), "xlsx_needs_file"),
    (("members", "list", "--format", "json", "--out", "members.csv"), "out_suffix_mismatch"),
    (("export", "calendar", "--format", "icss"), "unknown_name"),
])
def test_bad_option__its_own_code_exit_2_nothing_changed(refused, agenda_db, args, code):
    before = agenda_db.read_bytes()
    assert refused(*args, db=agenda_db) == (UsageError.exit_code, {code})
    assert agenda_db.read_bytes() == before


def test_out__the_database_itself__out_would_replace(refused, small_db):
    assert refused("members", "list", "--format", "csv", "--out", small_db, db=small_db) == \
        (UsageError.exit_code, {"out_would_replace"})


def test_agenda_export__ics_to_one_file_or_csv_to_a_folder__own_codes(refused, agenda_db, tmp_path):
    assert run_cli("agenda", "schedule", "--mission", "M06", "--time-limit", "5", db=agenda_db).exit_code == 0
    assert refused("agenda", "export", "--mission", "M06", "--format", "ics", "--out", "-", db=agenda_db) == \
        (UsageError.exit_code, {"ics_needs_folder"})
    assert refused("agenda", "export", "--mission", "M06", "--format", "csv", "--out", tmp_path, db=agenda_db) == \
        (UsageError.exit_code, {"out_is_folder"})


def test_export_write__folder_missing__out_folder_missing(tmp_path):
    from elca_match.export import Document, Section, write

    document = Document("t", [Section("t", ["a"], [["1"]])])
    with pytest.raises(UsageError) as raised:
        write(document, "csv", tmp_path / "nowhere" / "t.csv")
    assert [p.code for p in raised.value.problems] == ["out_folder_missing"]


def test_agenda_import_file__availability_without_mission__option_required(agenda_db):
    from elca_match.services.agenda import import_file

    # the command line requires --mission; the library call may leave it out
    with pytest.raises(UsageError) as raised:
        import_file(agenda_db, "availability", HERE / "availability.csv", None, None)
    assert [p.code for p in raised.value.problems] == ["option_required"]


# --- flag names only at the command line: the library names options by their parameters -------------------

@pytest.mark.parametrize("args, spelled", [
    (("rank", "--country", "japan", "--top", "0"), "--top must be at least 1"),
    (("rank", "--country", "japan", "--min-score", "1.5"), "--min-score must be a score between 0 and 1"),
    (("plan", "--max-per-member", "0"), "--max-per-member must be 1 or more"),
    (("plan", "--waitlist", "-1"), "--waitlist must be 0 or more"),  # the planner's waitlist_size
    (("plan", "--from", "latest"), "--from takes a saved plan's id"),  # the service's base
    (("plan", "--require", "Leichtbau Sachsen GmbH"), "--require takes ORGANISATION@MISSION, e.g. --require"),
    (("report", "indicators", "--from", "2027-07-01", "--to", "2027-06-30"),
     "--from 2027-07-01 is after --to 2027-06-30"),
    (("report", "indicators", "--period", "2", "--to", "2027-06"), "--period cannot go with --from or --to"),
    (("export", "shortlist", "--country", "japan", "--plan", "1", "--format", "csv"),
     "--plan works only with --mission; add --mission, or drop --plan"),
    (("export", "shortlist", "--format", "csv"), "give exactly one of --country, --opportunity or --mission (got none)"),
    (("opportunities", "import"), "give exactly one of FILE or --builtin (got none)"),
    (("export", "calendar", "--member", "Leichtbau Sachsen GmbH", "--cluster", "MAV"),
     "--member cannot go with --cluster"),
    (("members", "list", "--format", "xlsx"), "--format xlsx needs --out FILE.xlsx: a workbook cannot go"),
])
def test_cli__option_in_an_error__spelled_as_the_commands_flag(agenda_db, args, spelled):
    result = run_cli(*args, db=agenda_db)
    assert result.exit_code == UsageError.exit_code
    assert spelled in " ".join(result.stderr.split())


def _raised(call) -> UsageError:
    with pytest.raises(UsageError) as raised:
        call()
    return raised.value


def test_services__errors_name_options_by_parameter_never_by_flag(agenda_db):
    from elca_match.outcomes.action import load_action
    from elca_match.planning.model import PlanParams
    from elca_match.planning.planner import make_plan
    from elca_match.services.calendar import calendar
    from elca_match.services.export import shortlist
    from elca_match.services.outcomes import report_window
    from elca_match.services.plan import parse_requires
    from elca_match.services.rank import resolve_query

    action = load_action()
    errors = [
        _raised(lambda: shortlist(agenda_db)),
        _raised(lambda: shortlist(agenda_db, country="japan", top=0)),
        _raised(lambda: shortlist(agenda_db, country="japan", plan_id=1)),
        _raised(lambda: resolve_query(country="japan", min_score=2.0)),
        _raised(lambda: report_window("2027-07-01", "2027-06-30", None, action)),
        _raised(lambda: report_window(None, "2027-06", 2, action)),
        _raised(lambda: report_window("June", None, None, action)),
        _raised(lambda: parse_requires(["no pair"])),
        _raised(lambda: calendar(agenda_db, member="a", cluster="b")),
        _raised(lambda: make_plan([], [], [], PlanParams(max_per_member=0, waitlist_size=-1))),
    ]
    for error in errors:
        assert "--" not in error.paragraph(), error.paragraph()
        assert any(isinstance(v, (Option, Options)) for p in error.problems for v in p.params.values())
    assert "give exactly one of country, opportunity or mission (got none)" in errors[0].paragraph()


def test_partners_add__bad_values__columns_named_as_the_commands_flags(agenda_db):
    result = run_cli("partners", "add", "--name", "Gifu Carbon Lab", "--country", "JP", "--kind", "factory",
                     "--contact-email", "not-an-address", db=agenda_db)
    assert result.exit_code == ValidationError.exit_code
    text = " ".join(result.stderr.split())
    assert "column '--kind': value 'factory'" in text and "column '--contact-email'" in text


def test_outcomes_add__bad_value__the_record_names_its_column_the_command_its_flag(agenda_db):
    from elca_match.outcomes import check_record
    from elca_match.outcomes.model import Directory

    checked = check_record("dissemination", {"id": "DS-1", "date": "2027-01-01", "kind": "fax", "name": "x"},
                           Directory(), load_questionnaire())
    assert [(p.code, p.column) for p in checked.problems] == [("unknown_choice", "kind")]
    assert isinstance(checked.problems[0].column, Option)
    result = run_cli("outcomes", "add", "dissemination", "--date", "2027-01-01", "--channel", "fax", "--name", "x",
                     db=agenda_db)
    assert result.exit_code == ValidationError.exit_code
    assert "column '--channel': value 'fax'" in " ".join(result.stderr.split())


def test_ingest__invalid_answers__files_rejected_head_names_the_flag_only_on_the_command_line(tmp_path):
    row = next(survey_rows(1))
    path = write_survey(tmp_path / "bad.csv", [{**row, "trl": "12"}])
    with pytest.raises(ValidationError) as raised:
        ingest_files(tmp_path / "lib.db", [path])
    assert raised.value.head.code == "files_rejected" and "--" not in raised.value.paragraph()
    assert "or pass skip_invalid to store the valid rows" in str(raised.value)
    result = run_cli("ingest", path, db=tmp_path / "cli.db")
    assert result.exit_code == ValidationError.exit_code
    assert ("Error: bad.csv rejected, nothing was stored: 1 invalid answers (fix them, or pass --skip-invalid to "
            "store the valid rows and set the others aside).") in " ".join(result.stderr.split())
