"""Plans of record: drafts never replace the adopted plan; `--plan ID` reads another; outputs name the plan."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from elca_match.cli import app
from elca_match.errors import NotFoundError, StateError
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
    assert "plan #1 (adopted" in after["query"] and "plan #1 (adopted" in after["source"]
    record = plan_of_record(db)
    assert (record.plan_id, record.status) == (1, "adopted")
    assert record.plan.as_dict()["assignments"] == first["assignments"]
    # --plan exports the what-if on request, and says so
    chosen = shortlist(db, "--mission", "JP-EXP", "--plan", 2)
    assigned = [a["member"] for a in what_if["assignments"] if a["mission"] == "JP-EXP"]
    assert [e["org_key"] for e in chosen["shortlists"][0]["entries"] if e["status"] == "assigned"] == assigned
    assert "plan #2 (draft" in chosen["query"]
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
    conn = open_db(db)
    plans_store.forget(conn, member)
    saved = [plans_store.get_plan(conn, p["plan_id"]) for p in plans]
    conn.conn.close()
    assert all(member not in json.dumps(s.plan) for s in saved)
