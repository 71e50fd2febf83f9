"""`elca-match export shortlist|report`: Excel done properly, hostile text, consent, labels, errors, speed."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from elca_match import export
from elca_match.cli import app
from elca_match.errors import NotFoundError, StateError, UsageError
from elca_match.export import unneutralise
from elca_match.export.cells import formula_like
from elca_match.questionnaire import load_questionnaire
from elca_match.services.export import waitlist_note
from elca_match.store import open_db

from conftest import run_cli

SURVEY_FIELDS = ["org_name", "org_id", "cluster", "country", "region", "org_type", "employees", "sectors",
                 "value_chain_stages", "materials", "technologies", "trl", "certifications", "target_markets",
                 "market_experience", "cooperation_types", "capabilities", "products", "contact_name", "contact_email",
                 "consent", "submitted_at"]
# name, cluster, materials, technologies, trl, contact name, e-mail, consent
MEMBERS = [
    ('=HYPERLINK("http://evil.example/","Click")', "AMZ", "cfrp;thermoplastic", "rtm;adhesive_bonding", 8,
     "Anna Schmidt", "anna@alpha.example", "yes"),
    ("+1+1 Leichtbau GmbH", "AMZ", "cfrp", "rtm", 7, "Bernd Bauer", "bernd@beta.example", "no"),
    ("-2 Guss GmbH", "AMZ", "aluminium", "welding", 6, "", "", "yes"),
    ("@SUM(A1) Compositi Srl", "MECH", "cfrp;thermoplastic", "rtm", 9, "Carla Conti", "carla@epsilon.example", "yes"),
    ("<script>alert(1)</script> Alluminio | Srl", "MECH", "aluminium", "welding", 7, "Dario Dini",
     "dario@zeta.example", "no"),
    ("Theta Tworzywa Sp. z o.o.", "BIC", "thermoplastic;cfrp", "rtm", 6, "Ewa Nowak", "ewa@theta.example", "yes"),
]
OPPORTUNITY_FIELDS = ["id", "title", "country", "region", "sector", "value_chain_stage", "description", "materials",
                      "technologies", "trl_min", "trl_max", "cooperation_types", "market_maturity", "policy_driver",
                      "priority", "source"]
OPPORTUNITIES = [
    ["JP-1", "CFRP body panels: [EV]/roof?", "JP", "Aichi", "automotive", "production", "RTM CFRP body panels for EVs.",
     "cfrp;thermoplastic", "rtm;adhesive_bonding", "6", "9", "exports", "mature", "Top Runner fuel economy", "5", ""],
    ["JP-2", "Aluminium crash structures", "JP", "Aichi", "automotive", "integration",
     "Welded aluminium crash structures.", "aluminium", "welding", "6", "9", "exports", "mature", "", "3", ""],
    ["US-1", "Aluminium battery trays", "US", "Michigan", "automotive", "production",
     "Welded aluminium battery trays for EV platforms.", "aluminium", "welding", "6", "9", "exports", "mature",
     "CAFE standards", "4", ""],
]
MISSION_FIELDS = ["id", "country", "type", "seats", "region", "start_date", "end_date", "lead_cluster", "sectors",
                  "opportunities"]
MISSIONS = [["JP-EXP", "JP", "exploratory", "2", "Nagoya", "2027-02-15", "2027-02-19", "AMZ", "automotive", "JP-1"]]
SHORTLIST_COLUMNS = ["rank", "organisation", "cluster", "country", "type", "fit", "why", "sectors",
                     "value-chain stages", "materials", "consent"]
NAMES = [m[0] for m in MEMBERS]


def _write(path: Path, fields: list[str], rows: list[list]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(fields)
        writer.writerows(rows)
    return path


def ok(db: Path, *args: object):
    result = CliRunner().invoke(app, ["--db", str(db), "export", *map(str, args)], catch_exceptions=False,
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result


def fails(db: Path, *args: object) -> BaseException:
    result = CliRunner().invoke(app, ["--db", str(db), "export", *map(str, args)], env={"COLUMNS": "200"})
    assert result.exit_code != 0 and result.exception is not None, result.output
    return result.exception


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    """Six members with hostile names and mixed consent, three opportunities, one mission, a saved plan."""
    folder = tmp_path_factory.mktemp("export")
    db = folder / "elca.db"
    survey = _write(folder / "survey.csv", SURVEY_FIELDS, [
        [name, f"{cluster}{i:03d}", cluster, {"AMZ": "DE", "MECH": "IT", "BIC": "PL"}[cluster], "", "sme", "50",
         "automotive", "production;integration", materials, techs, trl, "", "JP;US", "JP", "exports",
         f"{materials} parts by {techs}", "parts", contact, email, consent, "2026-03-01"]
        for i, (name, cluster, materials, techs, trl, contact, email, consent) in enumerate(MEMBERS)])
    for args in (("ingest", survey),
                 ("opportunities", "import", _write(folder / "opps.csv", OPPORTUNITY_FIELDS, OPPORTUNITIES)),
                 ("missions", "import", _write(folder / "missions.csv", MISSION_FIELDS, MISSIONS)),
                 ("plan", "--format", "json")):
        result = CliRunner().invoke(app, ["--db", str(db), *map(str, args)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return db


def _json(db: Path, *args: object) -> dict:
    return json.loads(ok(db, "shortlist", *args, "--format", "json").stdout)


def _rows(data: dict) -> list[dict]:
    return [entry for s in data["shortlists"] for entry in s["entries"]]


def _formula_cells(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(archive.read(n).count(b"<f>") + archive.read(n).count(b"<f ")
                   for n in archive.namelist() if n.startswith("xl/worksheets/"))


# --- Excel ------------------------------------------------------------------------------------

def test_shortlist__country__xlsx_summary_then_one_filterable_sheet_per_opportunity(db, tmp_path):
    path = tmp_path / "japan.xlsx"
    ok(db, "shortlist", "--country", "japan", "--out", path)
    book = openpyxl.load_workbook(path)
    # the invitation list first; opportunity sheet names cut between words, never inside one
    assert book.sheetnames == ["Invite", "Summary", "JP-1 CFRP body panels", "JP-2 Aluminium crash structures"]
    assert book.active.title == "Invite"
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(min_row=2, values_only=True) if row[0]}
    assert summary["query"] == "country JP (Japan)"
    assert summary["database"] == str(db)
    assert summary["model version"] and summary["date"][:2] == "20"
    assert summary["contacts"].startswith("not included") and "5 organisations' contacts withheld" in summary["contacts"]
    assert {summary[c] for c in ("AMZ", "MECH", "BIC")} <= {1, 2, 3}  # organisations per cluster
    links = {c.value: c.hyperlink.location for c in book["Summary"]["A"] if c.hyperlink}
    assert links == {name: f"'{name}'!A1" for name in book.sheetnames if name != "Summary"}  # not formulas
    about = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0] in book.sheetnames}
    assert "policy driver: Top Runner fuel economy" in about[book.sheetnames[2]]
    for sheet in book.worksheets[2:]:
        assert [c.value for c in sheet[1]] == SHORTLIST_COLUMNS
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:K{sheet.max_row}"
        fits = [row[5] for row in sheet.iter_rows(min_row=2)]
        assert fits and all(isinstance(c.value, float) and c.number_format == "0.000" for c in fits)
        assert [c.value for c in fits] == sorted((c.value for c in fits), reverse=True)
        assert all(row[6].alignment.wrap_text for row in sheet.iter_rows(min_row=2))
        assert 6 <= sheet.column_dimensions["B"].width <= 45
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f"
                if isinstance(cell.value, str):
                    assert cell.quotePrefix == formula_like(cell.value)
    names = {row[1].value for sheet in book.worksheets[2:] for row in sheet.iter_rows(min_row=2)}
    assert {NAMES[0], NAMES[1], NAMES[3]} <= names  # hostile names kept exactly, as text
    assert _formula_cells(path) == 0


def test_shortlist__xlsx_without_out__usage_error_before_any_work(tmp_path):
    error = fails(tmp_path / "missing.db", "shortlist", "--country", "japan")
    assert isinstance(error, UsageError) and "--out FILE.xlsx" in str(error)


def test_shortlist__format_from_out_suffix(db, tmp_path):
    path = tmp_path / "japan.csv"
    ok(db, "shortlist", "--country", "japan", "--out", path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfsection,rank,organisation")


# --- hostile text -------------------------------------------------------------------------------

def test_shortlist__csv__hostile_names_neutralised_and_recovered_by_the_rule(db):
    data = _json(db, "--country", "japan")
    text = ok(db, "shortlist", "--country", "japan", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(_rows(data))
    assert not any(formula_like(v) for row in rows for v in row.values() if not _number(v))
    assert [unneutralise(r["organisation"]) for r in rows] == [e["name"] for e in _rows(data)]
    assert "'=HYPERLINK(" in text and "'+1+1 Leichtbau" in text and "'-2 Guss" in text and "'@SUM(A1)" in text


def _number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def test_shortlist__json__exact_text_of_every_name(db):
    # Every member shares sector and stage with JP-1, so every name is listed, exactly as typed.
    assert {e["name"] for e in _rows(_json(db, "--country", "japan"))} == set(NAMES)


def test_shortlist__md__pipe_escaped(db):
    text = ok(db, "shortlist", "--opportunity", "JP-2", "--format", "md").stdout
    assert r"\<script\>alert(1)\</script\> Alluminio \| Srl" in text
    assert "<script>" not in text


def test_report__html__escaped_self_contained_with_heatmaps(db, tmp_path):
    path = tmp_path / "japan.html"
    ok(db, "report", "--country", "JP", "--out", path)
    page = path.read_text(encoding="utf-8")
    assert "<script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Alluminio | Srl" in page
    assert page.count("<svg") == 2 and "Fit by cluster and opportunity" in page
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "").replace("http://evil.example/", "")


# --- contacts ------------------------------------------------------------------------------------

def test_shortlist__with_contacts__differs_exactly_by_consenting_contacts(db):
    without = _json(db, "--country", "japan")
    with_ = _json(db, "--country", "japan", "--with-contacts")
    consent = {m[0]: (m[5], m[6]) for m in MEMBERS if m[7] == "yes" and m[5]}
    for plain, full in zip(_rows(without), _rows(with_), strict=True):
        assert plain["contact_name"] is None and plain["contact_email"] is None
        expected = consent.get(plain["name"], (None, None))
        assert (full["contact_name"], full["contact_email"]) == expected
        assert {k: v for k, v in full.items() if not k.startswith("contact_")} == \
               {k: v for k, v in plain.items() if not k.startswith("contact_")}
    listed = {e["name"] for e in _rows(with_)}
    withheld = {m[0] for m in MEMBERS if m[0] in listed and m[5] and m[7] == "no"}
    assert with_["contacts_withheld"] == len(withheld) == 2
    assert with_["contacts_shown"] == len(consent.keys() & listed)


def test_shortlist__with_contacts__xlsx_has_contact_columns_and_says_how_many_withheld(db, tmp_path):
    path = tmp_path / "c.xlsx"
    ok(db, "shortlist", "--country", "japan", "--with-contacts", "--out", path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[2]  # after the invitation list and the summary
    assert [c.value for c in sheet[1]][-2:] == ["contact name", "contact e-mail"]
    emails = {row[-1] for s in book.worksheets[2:] for row in s.iter_rows(min_row=2, values_only=True)}
    assert "bernd@beta.example" not in emails and "dario@zeta.example" not in emails
    assert "anna@alpha.example" in emails
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row[0]}
    assert "2 withheld (no consent" in summary["contacts"]


# --- scopes and labels ---------------------------------------------------------------------------

def test_shortlist__opportunity__one_sheet_top_n(db):
    data = _json(db, "--opportunity", "jp-2", "--top", "2")
    assert [s["id"] for s in data["shortlists"]] == ["JP-2"]
    assert [e["rank"] for e in _rows(data)] == [1, 2]


def test_shortlist__mission__assigned_then_alternates_from_the_saved_plan(db):
    data = _json(db, "--mission", "jp-exp")
    plan = json.loads(CliRunner().invoke(app, ["--db", str(db), "plan", "--format", "json"]).stdout)
    assigned = [a["member"] for a in plan["assignments"] if a["mission"] == "JP-EXP"]
    alternates = [w["member"] for w in sorted(plan["waitlist"], key=lambda w: w["rank"]) if w["mission"] == "JP-EXP"]
    entries = _rows(data)
    assert [e["org_key"] for e in entries] == assigned + alternates
    assert [e["status"] for e in entries] == ["assigned"] * len(assigned) + ["alternate"] * len(alternates)
    assert data["shortlists"][0]["facts"]["seats"] == 2
    assert alternates  # an alternate's why is its fit, as an assigned member's, then whether it is free to step in
    notes = {w["member"]: w["note"] for w in plan["waitlist"] if w["mission"] == "JP-EXP"}
    for e in entries[len(assigned):]:
        assert e["why"].startswith("JP-") and e["why"].endswith("; " + waitlist_note(notes[e["org_key"]], "en"))


@pytest.mark.parametrize("lang", ["de", "it", "pl", "fr", "es", "en"])
def test_shortlist__lang__labels_from_the_questionnaire(db, lang):
    q = load_questionnaire()
    entry = _rows(_json(db, "--opportunity", "JP-1", "--lang", lang))[0]
    assert entry["labels"]["sectors"] == [q.choice_label("sectors", "automotive", lang)]
    assert entry["labels"]["value_chain_stages"] == [q.choice_label("value_chain_stages", s, lang)
                                                     for s in ("production", "integration")]
    assert entry["org_type"] == q.choice_label("org_type", "sme", lang)


# --- errors --------------------------------------------------------------------------------------

@pytest.mark.parametrize(("args", "kind", "fragment"), [
    ((), UsageError, "exactly one of --country, --opportunity or --mission"),
    (("--country", "japan", "--mission", "JP-EXP"), UsageError, "(got --country and --mission)"),
    (("--country", "japan", "--lang", "dee"), UsageError, "did you mean 'de'"),
    (("--country", "japan", "--top", "0"), UsageError, "--top must be at least 1"),
    (("--opportunity", "JP-22"), NotFoundError, "did you mean 'JP-2'"),
    (("--mission", "JP-EXQ"), NotFoundError, "did you mean 'JP-EXP'"),
    (("--country", "atlantis"), UsageError, "atlantis"),
])
def test_shortlist__bad_options__clear_errors(db, args, kind, fragment):
    error = fails(db, "shortlist", *args, "--format", "csv")
    assert isinstance(error, kind) and fragment in str(error)


def test_shortlist__mission_without_plan__state_error(db, tmp_path):
    copy = tmp_path / "noplan.db"
    conn = open_db(db).conn
    conn.execute("VACUUM INTO ?", [str(copy)])
    conn.close()
    conn = open_db(copy).conn
    conn.execute("DELETE FROM plan_rows")
    conn.execute("DELETE FROM plans")
    conn.close()
    error = fails(copy, "shortlist", "--mission", "JP-EXP", "--format", "csv")
    assert isinstance(error, StateError) and "elca-match plan" in str(error)


def test_export__real_entry_point__one_paragraph_error_and_exit_code(db):
    result = run_cli("export", "shortlist", "--country", "japan", db=db)
    assert result.exit_code == UsageError.exit_code
    assert result.stderr.startswith("Error: ") and "--out FILE.xlsx" in result.stderr
    assert "Traceback" not in result.stderr


# --- speed on a demo-sized database ----------------------------------------------------------------

@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """The demo's 600 synthetic members and the built-in catalogue (no plan: the planner is not under test)."""
    from elca_match.demo.cohort import generate_cohort
    from elca_match.demo.exports import write_exports
    from elca_match.services.catalogue import import_opportunities
    from elca_match.services.ingest import ingest_files
    from elca_match.services.rank import rank, resolve_query

    folder = tmp_path_factory.mktemp("demo")
    files = write_exports(generate_cohort(), folder)
    db = folder / "demo.db"
    ingest_files(db, [f.path for f in files], skip_invalid=True)
    import_opportunities(db, builtin=True)
    rank(db, resolve_query(country="japan"))  # builds and stores the profiles, as `demo` does
    return db


@pytest.mark.parametrize(("what", "kwargs"), [
    ("shortlist", {"country": "japan", "with_contacts": True}),
    ("shortlist", {"country": "latin-america"}),
    ("report", {"country": "japan"}),
])
@pytest.mark.parametrize("fmt", export.FORMATS)
@pytest.mark.slow  # the demo's 600 members
def test_export__demo_database__every_format_written(demo_db, tmp_path, what, kwargs, fmt):
    # its speed (target: under 2 s) is measured by benchmarks/bench_latency.py, not asserted here
    from elca_match.services import export as service

    if what == "report":
        document = service.report_document(service.report(demo_db, **kwargs))
    else:
        document = service.shortlist_document(service.shortlist(demo_db, **kwargs))
    export.write(document, fmt, tmp_path / f"out.{fmt}")
    assert (tmp_path / f"out.{fmt}").stat().st_size > 0
    assert len(document.sections) >= 2 and sum(len(s.rows) for s in document.sections) >= 20
