"""Plans of record: drafts never replace the adopted plan; `--plan ID` reads another; outputs name the plan."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from elca_match.cli import app
from elca_match.errors import NotFoundError, StateError, UsageError
from elca_match.services.plan import plan_of_record
from elca_match.store import open_db

from test_cli_plan import db, plan_json, source_db  # noqa: F401  (fixtures)


def shortlist(db, *args):
    result = CliRunner().invoke(app, ["--db", str(db), "export", "shortlist", *map(str, args), "--format", "json"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_plan_of_record__no_plan__state_error(db):  # noqa: F811
    with pytest.raises(StateError, match="elca-match plan"):
        plan_of_record(db)


def test_what_if__leaves_the_adopted_plan_and_the_mission_shortlist_unchanged(db):  # noqa: F811
    first = plan_json(db)
    assert first["plan_id"] == 1 and first["status"] == "adopted"
    before = shortlist(db, "--mission", "JP-EXP")
    what_if = plan_json(db, "--cluster-max-share", "0.05")
    assert what_if["plan_id"] == 2 and what_if["status"] == "draft"
    assert len(what_if["assignments"]) < len(first["assignments"])
    after = shortlist(db, "--mission", "JP-EXP")
    assert after["shortlists"] == before["shortlists"]
    assert "plan #1 (adopted" in after["source"] and "plan #1 (adopted" in json.dumps(after["summary"])
    record = plan_of_record(db)
    assert (record.plan_id, record.status) == (1, "adopted")
    assert record.plan.as_dict()["assignments"] == first["assignments"]
    # --plan exports the what-if on request, and says so
    chosen = shortlist(db, "--mission", "JP-EXP", "--plan", 2)
    assigned = [a["member"] for a in what_if["assignments"] if a["mission"] == "JP-EXP"]
    assert [e["org_key"] for e in chosen["shortlists"][0]["entries"] if e["status"] == "assigned"] == assigned
    assert "plan #2 (draft" in chosen["source"]
    draft = plan_of_record(db, 2)
    assert (draft.plan_id, draft.status) == (2, "draft")


def test_plan_of_record__unknown_id__not_found(db):  # noqa: F811
    plan_json(db)
    with pytest.raises(NotFoundError, match="plan list"):
        plan_of_record(db, 99)


def test_forget__erases_the_member_from_every_saved_plan(db):  # noqa: F811
    from elca_match.store import plans as plans_store

    plans = [plan_json(db), plan_json(db, "--cluster-max-share", "0.05"), plan_json(db, "--max-per-member", "2")]
    member = plans[0]["assignments"][0]["member"]
    plans.append(plan_json(db, "--from", "record", "--exclude", member, "--lock",
                           f"{plans[0]['assignments'][-1]['member']}@{plans[0]['assignments'][-1]['mission']}"))
    assert any(c["member"] == member for c in plans[-1]["changes"])
    conn = open_db(db)
    plans_store.forget(conn, member)
    plans_store.forget(conn, plans[0]["assignments"][-1]["member"])
    saved = [plans_store.get_plan(conn, p["plan_id"]) for p in plans]
    conn.conn.close()
    assert all(member not in json.dumps(s.plan) for s in saved)
    locked = plans[0]["assignments"][-1]["member"]
    assert saved[-1].params["lock"] == [] and locked not in json.dumps(saved[-1].plan)


def test_forget__a_plan_that_placed_the_member__total_fit_and_cluster_seats_recounted(db):  # noqa: F811
    from elca_match.store import plans as plans_store

    made = plan_json(db)
    gone = made["assignments"][0]
    conn = open_db(db)
    plans_store.forget(conn, gone["member"])
    saved = plans_store.get_plan(conn, made["plan_id"])
    listed = {p["id"]: p for p in plans_store.list_plans(conn)}[made["plan_id"]]
    conn.conn.close()
    left = [a for a in made["assignments"] if a["member"] != gone["member"]]
    assert saved.plan["objective"] == pytest.approx(sum(a["score"] for a in left))
    assert listed["objective"] == pytest.approx(made["objective"] - sum(
        a["score"] for a in made["assignments"] if a["member"] == gone["member"]))
    assert saved.plan["cluster_seats"][gone["cluster"]] == made["cluster_seats"][gone["cluster"]] - sum(
        a["member"] == gone["member"] for a in made["assignments"])
    assert any("erased" in note and f"--from {made['plan_id']}" in note for note in saved.plan["notes"])


def cli(db, *args):
    result = CliRunner().invoke(app, ["--db", str(db), *map(str, args)], env={"COLUMNS": "200"})
    return result


def test_plan_list_show_diff_adopt_discard__through_the_command_line(db):  # noqa: F811
    first = plan_json(db)
    what_if = plan_json(db, "--cluster-max-share", "0.05")
    listed = json.loads(cli(db, "plan", "list", "--format", "json").stdout)["plans"]
    assert [(p["id"], p["status"]) for p in listed] == [(2, "draft"), (1, "adopted")]
    assert listed[0]["changed"] == {"cluster_max_share": 0.05} and listed[1]["changed"] == {}
    assert listed[0]["assigned"] == len(what_if["assignments"]) and listed[0]["seats"] == 9
    shown = json.loads(cli(db, "plan", "show", 2, "--format", "json").stdout)
    assert shown["assignments"] == what_if["assignments"] and shown["status"] == "draft"
    diff = json.loads(cli(db, "plan", "diff", 1, 2, "--format", "json").stdout)
    before = {(a["member"], a["mission"]) for a in first["assignments"]}
    after = {(a["member"], a["mission"]) for a in what_if["assignments"]}
    leaving = {c["member"] for c in diff["changes"] if c["change"] in ("leaves", "moves")}
    assert leaving == {m for m, j in before - after}
    assert sum(c["fit_after"] - c["fit_before"] for c in diff["changes"]) == pytest.approx(
        what_if["objective"] - first["objective"])
    refused = cli(db, "plan", "discard", 1)
    assert isinstance(refused.exception, UsageError) and "plan of record" in str(refused.exception)
    assert cli(db, "plan", "adopt", 2).exit_code == 0
    assert plan_of_record(db).plan_id == 2
    assert cli(db, "plan", "discard", 1).exit_code == 0
    assert [p["id"] for p in json.loads(cli(db, "plan", "list", "--format", "json").stdout)["plans"]] == [2]
    assert isinstance(cli(db, "plan", "show", 1).exception, NotFoundError)
    assert cli(db, "plan", "adopt", 2).exit_code == 0  # adopting the plan of record again changes nothing
    assert plan_json(db, "--max-per-member", "3")["plan_id"] == 3
    assert cli(db, "plan", "discard", 3).exit_code == 0
    assert plan_json(db, "--max-per-member", "2")["plan_id"] == 4  # a discarded number is never reused


def test_plan__adopt_option__becomes_the_plan_of_record(db):  # noqa: F811
    plan_json(db)
    adopted = plan_json(db, "--max-per-member", "2", "--adopt")
    assert adopted["status"] == "adopted" and plan_of_record(db).plan_id == adopted["plan_id"]


@pytest.mark.parametrize("table", [None, "calendar", "assignments", "unfilled", "waitlist", "left-out"])
def test_plan__csv__one_table_with_one_header_row(db, tmp_path, table):  # noqa: F811
    out = tmp_path / "plan.csv"
    args = ["plan", "--format", "csv", "--out", out, *(["--table", table] if table else [])]
    assert cli(db, *args).exit_code == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    plan = plan_of_record(db).plan
    if table in (None, "assignments"):
        assert len(rows) == len(plan.assignments)
        assert set(rows[0]) >= {"mission", "start_date", "end_date", "country", "member", "cluster", "score", "why"}
        assert {(r["member"], r["mission"]) for r in rows} == {(a.member, a.mission) for a in plan.assignments}
    else:
        expected = {"calendar": plan.missions, "unfilled": plan.unfilled, "waitlist": plan.waitlist,
                    "left-out": plan.left_out}[table]
        assert len(rows) == len(expected) and all(None not in r for r in rows)


def test_plan__unknown_table__lists_the_tables(db):  # noqa: F811
    result = cli(db, "plan", "--format", "csv", "--table", "waitlists")
    assert isinstance(result.exception, UsageError) and "did you mean 'waitlist'" in str(result.exception)


# --- re-planning with the fewest changes -----------------------------------------------------

def pairs(data):
    return {(a["member"], a["mission"]) for a in data["assignments"]}


def test_replan__member_cancelled__only_its_seats_change_and_the_output_says_why(db):  # noqa: F811
    base = plan_json(db, "--max-per-member", "2")
    gone = base["assignments"][0]["member"]
    replan = plan_json(db, "--from", "record", "--exclude", gone)
    assert replan["based_on"] == base["plan_id"] and replan["status"] == "draft"
    assert replan["params"]["max_per_member"] == 2  # the base plan's options apply unless given again
    freed = {(m, j) for m, j in pairs(base) if m == gone}
    assert pairs(base) - pairs(replan) == freed
    joined = pairs(replan) - pairs(base)
    assert len(joined) <= len(freed) and {j for _, j in joined} <= {j for _, j in freed}
    changes = {(c["change"], c["member"], c["mission"]): c["reason"] for c in replan["changes"]}
    assert {k: v for k, v in changes.items() if k[0] == "leaves"} == {("leaves", m, j): "excluded" for m, j in freed}
    assert all(v == "freed_seat" for k, v in changes.items() if k[0] == "joins")
    table = cli(db, "plan", "show", replan["plan_id"])
    assert "Changes against plan #1" in table.stdout and "excluded by a person (--exclude)" in table.stdout


def test_replan__lock__kept_in_every_replan(db):  # noqa: F811
    base = plan_json(db)
    other = next(a for a in base["assignments"] if a["mission"] == "JP-EXP")
    locked = plan_json(db, "--lock", f"{other['member']}@US-FIN", "--max-per-member", "2")
    assert (other["member"], "US-FIN") in pairs(locked)
    again = plan_json(db, "--from", locked["plan_id"], "--cluster-max-share", "0.34")
    assert (other["member"], "US-FIN") in pairs(again) and again["params"]["lock"] == [f"{other['member']}@US-FIN"]
    assert next(a for a in again["assignments"] if a["mission"] == "US-FIN" and a["member"] == other["member"])[
        "why"].startswith("locked by a person (--lock)")


def test_replan__bad_from__clear_error(db):  # noqa: F811
    plan_json(db)
    assert "--from takes a saved plan's id" in str(cli(db, "plan", "--from", "latest").exception)
    assert isinstance(cli(db, "plan", "--from", "7").exception, NotFoundError)


# --- calendars -----------------------------------------------------------------------------

def events_of(path):
    import icalendar

    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return cal, {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_export_calendar__ics_parses_back_with_one_event_per_mission(db, tmp_path):  # noqa: F811
    data = plan_json(db)
    out = tmp_path / "missions.ics"
    result = cli(db, "export", "calendar", "--out", out)
    assert result.exit_code == 0, result.output
    cal, events = events_of(out)
    assert "plan #1 (adopted" in str(cal["x-wr-calname"])
    assert set(events) == {f"{m['id']}@elca-match" for m in data["missions"]}
    jp = events["JP-EXP@elca-match"]
    assert (jp.decoded("dtstart").isoformat(), jp.decoded("dtend").isoformat()) == ("2027-02-15", "2027-02-20")
    assert str(jp["location"]) == "Nagoya, Japan" and "exploratory" in jp["categories"].cats
    names = [data["names"][a["member"]] for a in data["assignments"] if a["mission"] == "JP-EXP"]
    assert names and all(name in str(jp["description"]) for name in names)
    assert "From plan #1 (adopted" in str(jp["description"])


def test_export_calendar__member_and_cluster__only_their_trips(db, tmp_path):  # noqa: F811
    data = plan_json(db)
    a = data["assignments"][0]
    mine, theirs = tmp_path / "member.ics", tmp_path / "cluster.ics"
    assert cli(db, "export", "calendar", "--member", data["names"][a["member"]], "--out", mine).exit_code == 0
    assert cli(db, "export", "calendar", "--cluster", a["cluster"].lower(), "--out", theirs).exit_code == 0
    assert set(events_of(mine)[1]) == {f"{x['mission']}@elca-match" for x in data["assignments"]
                                       if x["member"] == a["member"]}
    assert set(events_of(theirs)[1]) == {f"{x['mission']}@elca-match" for x in data["assignments"]
                                         if x["cluster"] == a["cluster"]}
    assert "member " + data["names"][a["member"]] in str(events_of(mine)[0]["x-wr-calname"])
    assert isinstance(cli(db, "export", "calendar", "--cluster", "NOPE").exception, NotFoundError)
    assert isinstance(cli(db, "export", "calendar", "--member", "Nobody Ltd").exception, NotFoundError)


def test_export_calendar__plan_option_and_table_formats(db):  # noqa: F811
    plan_json(db)
    what_if = plan_json(db, "--cluster-max-share", "0.05")
    listed = json.loads(cli(db, "export", "calendar", "--plan", what_if["plan_id"], "--format", "json").stdout)
    assert listed["plan_id"] == 2 and listed["plan"].startswith("plan #2 (draft")
    rows = list(csv.DictReader(io.StringIO(cli(db, "export", "calendar", "--format", "csv").stdout)))
    assert [r["mission"] for r in rows] == ["JP-EXP", "JP-SHOW", "US-FIN"]
    assert isinstance(cli(db, "export", "calendar", "--format", "xlsx").exception, UsageError)


def test_replan__option_given_again__overrides_the_base_plans(db):  # noqa: F811
    base = plan_json(db, "--max-per-member", "2")
    replan = plan_json(db, "--from", base["plan_id"], "--cluster-max-share", "0.34")
    assert replan["params"]["cluster_max_share"] == 0.34 and replan["params"]["max_per_member"] == 2
    assert replan["quotas"]["JP-EXP"] == 1 and replan["plan_id"] != base["plan_id"]
    kept = pairs(base) & pairs(replan)
    assert {(c["member"], c["mission"]) for c in replan["changes"] if c["change"] == "leaves"} == pairs(base) - kept
    assert all(c["reason"] == "cluster_quota" for c in replan["changes"] if c["change"] == "leaves")


def test_replan__excluding_a_locked_member__drops_its_lock(db):  # noqa: F811
    base = plan_json(db)
    a = base["assignments"][0]
    locked = plan_json(db, "--lock", f"{a['member']}@{a['mission']}")
    replan = plan_json(db, "--from", locked["plan_id"], "--exclude", a["member"])
    assert a["member"] not in {m for m, _ in pairs(replan)} and "lock" not in replan["params"]
    assert [(c["member"], c["reason"]) for c in replan["changes"] if c["change"] == "leaves"] == [
        (a["member"], "excluded")]


def test_plan__why_names_shared_text_concepts_by_label_not_code(db):  # noqa: F811
    from elca_match.profiles.model import load_model

    glossary = load_model().glossary
    texts = [a["why"].split("text: ", 1)[1] for a in plan_json(db)["assignments"] if "text: " in a["why"]]
    assert texts, "no assignment shares free text with its mission"
    named = [term for text in texts for term in text.split("; ")[0].split(", ")]
    codes = {code for code in glossary.concepts if glossary.label(code, "en") != code}  # body_panel, not aluminium
    assert not [t for t in named if t in codes]
    english = {glossary.label(code, "en") for code in codes}
    assert any(t in english for t in named), named
