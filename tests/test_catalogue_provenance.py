"""An opportunity catalogue you can cite: sources, status, checked-on and validity dates, `opportunities check`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import pytest
from typer.testing import CliRunner

from elca_match.catalogue import check_opportunities
from elca_match.catalogue.opportunities import STATUSES, is_link
from elca_match.catalogue.staleness import catalogue_warnings
from elca_match.records import Mission, Opportunity
from elca_match.cli import app
from elca_match.errors import ValidationError
from elca_match.questionnaire import load_questionnaire
from elca_match.resources import builtin_path
from elca_match.tabular import read_table

Q = load_questionnaire()
TODAY = dt.date(2026, 11, 30)

# News, trade-press, law-firm and aggregator sites: fine as a second source that explains, never alone.
SECONDARY_DOMAINS = {
    "menafn.com", "livemint.com", "flightglobal.com", "g1.globo.com", "economia.uol.com.br", "eixos.com.br",
    "biobiochile.cl", "eldesconcierto.cl", "fenalco.com.co", "peruconstruye.net", "maritime-executive.com",
    "marinelink.com", "nippon.com", "japantimes.co.jp", "theicct.org", "climatepolicydatabase.org", "taxguru.in",
    "wmp.mx", "ntcd.mx", "hnt.com.br", "biodieselbr.com", "abag.org.br", "lr.org", "jaia-jp.org", "iea.org",
    "regulations.justia.com", "law.cornell.edu", "thefederalregister.org", "whitecase.com", "gtlaw.com",
    "jonesday.com", "publicationportalpreview.hoganlovells.com", "republicworld.com", "gazettetracker.com",
    "businesstoday.in", "business-standard.com", "aviation24.be", "exame.com", "veja.abril.com.br",
    "jornalcana.com.br", "mivaldivia.cl", "latercera.com", "pulzo.com", "caswen.com", "mexico-now.com",
    "noticias.autocosmos.com.mx", "jdf.cl", "mail.induambiente.com", "ultimasnoticias.inf.br", "sp.m.jiji.com",
    "militaryaerospace.com", "everycrsreport.com", "cimac.com", "customercarephonenumber.in", "ifciltd.com",
    "japanpropertycentral.com", "resources.realestate.co.jp", "eneken.ieej.or.jp", "smta.in", "jsalaw.com",
}
# Government, gazette, parliament and intergovernmental domains.
OFFICIAL_SUFFIXES = (".gov", ".gov.in", ".nic.in", ".go.jp", ".gob.mx", ".gov.br", ".leg.br", ".gob.cl", ".gov.co",
                     "bcn.cl", "imo.org", "icao.int", "ddnews.gov.in", "gov-online.go.jp")


def domain(source: str) -> str:
    host = urlparse(source).hostname or ""
    return host.lower().removeprefix("www.")


def is_official(source: str) -> bool:
    """A web page on a government domain, or a formal citation (law, gazette number) without a link."""
    return not is_link(source) or domain(source).endswith(OFFICIAL_SUFFIXES)


@pytest.fixture(scope="module")
def builtin() -> list[dict]:
    checked = check_opportunities(read_table(builtin_path("opportunities.csv")), Q)
    assert checked.problems == []
    return checked.records


def test_builtin__every_row__official_source_first_status_and_checked_on(builtin):
    for record in builtin:
        assert record.sources and is_official(record.sources[0]), record.id
        assert record.status in STATUSES and record.checked_on, record.id


def test_builtin__verified_rows__never_only_secondary_sources(builtin):
    for record in (r for r in builtin if r.status == "verified"):
        assert not all(is_link(s) and domain(s) in SECONDARY_DOMAINS for s in record.sources), record.id


def test_builtin__beyond_mobility__energy_construction_medical_verified(builtin):
    verified = {r.sector for r in builtin if r.status == "verified"}
    assert {"energy", "construction", "medical"} <= verified


def test_builtin__partly_verified_rows_in_the_notes__never_marked_verified(builtin):
    # policy-drivers.md marks these drivers as only partly verified
    partly = {"JP-AUT-02", "JP-RAI-01", "MX-AER-01", "MX-RAI-01", "CL-RAI-01", "CO-RAI-01", "US-RAI-02"}
    by_id = {r.id: r for r in builtin}
    assert all(by_id[i].status != "verified" for i in partly)


def test_builtin__time_limited_programmes__end_dates(builtin):
    by_id = {r.id: r for r in builtin}
    assert by_id["IN-AUT-02"].valid_to and by_id["IN-AUT-02"].caveats
    assert all(r.valid_from <= r.valid_to for r in builtin if r.valid_from and r.valid_to)


def opportunity(ident: str, **fields) -> Opportunity:
    return Opportunity(**{"id": ident, "title": "", "country": "IN", "region": "", "sector": "automotive",
                          "value_chain_stage": "design", "description": "", "status": "verified",
                          "checked_on": "2026-06-01", "valid_to": None, "caveats": "", **fields})


def mission(ident: str, start: str | None, country: str = "IN") -> Mission:
    return Mission(id=ident, country=country, type="exploratory", seats=1, start_date=start)


@pytest.mark.parametrize(
    ("record", "missions", "expected"),
    [
        (opportunity("A"), [mission("M1", "2027-05-01")], []),
        (opportunity("A", valid_to="2026-03-31"), [mission("M1", "2027-05-01")], [("A", "expired", ("M1",))]),
        (opportunity("A", valid_to="2026-03-31"), [mission("M1", "2027-05-01", "JP")], [("A", "expired", ())]),
        (opportunity("A", valid_to="2028-03-31"), [mission("M1", "2027-05-01")], [("A", "ends_soon", ("M1",))]),
        (opportunity("A", valid_to="2029-03-31"), [mission("M1", "2027-05-01")], []),
        (opportunity("A", status="partly_verified"), [], [("A", "not_verified", ())]),
        (opportunity("A", status="unverified", checked_on=None), [],
         [("A", "not_verified", ()), ("A", "never_checked", ())]),
        (opportunity("A", checked_on="2025-11-29"), [], [("A", "stale", ())]),
        (opportunity("A", checked_on="2025-12-01"), [], []),
    ],
)
def test_catalogue_warnings__each_rule(record, missions, expected):
    found = [(w.opportunity, w.kind, w.missions) for w in catalogue_warnings([record], missions, TODAY)]
    assert found == expected


def invoke(db: Path, *args: object):
    result = CliRunner().invoke(app, ["--db", str(db), *map(str, args)], catch_exceptions=False,
                                env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def builtin_db(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("catalogue") / "elca.db"
    invoke(db, "opportunities", "import", "--builtin")
    invoke(db, "missions", "import", "--builtin")
    return db


def test_opportunities_check__builtin__in_aut_02_end_date_and_every_partly_verified_row(builtin, builtin_db):
    rows = list(csv.DictReader(io.StringIO(invoke(builtin_db, "opportunities", "check", "--today", "2026-11-30",
                                                  "--format", "csv").stdout)))
    flagged = {(r["id"], r["warning"]) for r in rows}
    assert ("IN-AUT-02", "ends_soon") in flagged
    assert any(r["id"] == "IN-AUT-02" and "2028-03-31" in r["detail"] for r in rows)
    partly = {r.id for r in builtin if r.status != "verified"}
    assert partly and {(i, "not_verified") for i in partly} <= flagged


def test_opportunities_check__more_than_a_year_later__every_row_stale(builtin, builtin_db):
    rows = list(csv.DictReader(io.StringIO(invoke(builtin_db, "opportunities", "check", "--today", "2028-01-15",
                                                  "--format", "csv").stdout)))
    assert {r["id"] for r in rows if r["warning"] == "stale"} == {r.id for r in builtin}


def test_opportunities_show__provenance_fields(builtin_db):
    output = invoke(builtin_db, "opportunities", "show", "IN-AUT-02").stdout
    for field in ("sources", "status", "checked_on", "valid_to", "caveats", "partly_verified", "2028-03-31"):
        assert field in output


def test_import__file_without_provenance_columns__imported_as_unverified(tmp_path):
    path = tmp_path / "old.csv"
    path.write_text("id,title,country,sector,value_chain_stage,description,source\n"
                    "CL-T-01,E-bus bodies,CL,automotive,integration,Aluminium e-bus bodies.,https://example.org\n",
                    encoding="utf-8")
    db = tmp_path / "elca.db"
    invoke(db, "opportunities", "import", path)
    record = json.loads(invoke(db, "opportunities", "show", "CL-T-01", "--format", "json").stdout)
    assert json.dumps(record).count("unverified") >= 1 and "https://example.org" in json.dumps(record)


def test_import__valid_to_before_valid_from__rejected_naming_row_and_column(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("id,title,country,sector,value_chain_stage,description,valid_from,valid_to\n"
                    "CL-T-01,E-bus bodies,CL,automotive,integration,Aluminium e-bus bodies.,2027-01-01,2026-01-01\n",
                    encoding="utf-8")
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "elca.db"), "opportunities", "import", str(path)])
    assert isinstance(result.exception, ValidationError)
    problem = result.exception.problems[0]
    assert (problem.code, problem.row, problem.column, problem.value) == ("validity_order", 2, "valid_to",
                                                                          "2026-01-01")


def test_database_from_before_provenance__columns_added_and_source_kept(tmp_path):
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.executescript("""
            CREATE TABLE opportunities (id TEXT PRIMARY KEY COLLATE NOCASE, title TEXT NOT NULL, country TEXT NOT NULL,
              region TEXT NOT NULL DEFAULT '', sector TEXT NOT NULL, value_chain_stage TEXT NOT NULL,
              description TEXT NOT NULL, materials TEXT NOT NULL DEFAULT '[]', technologies TEXT NOT NULL DEFAULT '[]',
              trl_min INTEGER, trl_max INTEGER, cooperation_types TEXT NOT NULL DEFAULT '[]', market_maturity TEXT,
              policy_driver TEXT NOT NULL DEFAULT '', priority INTEGER, source TEXT NOT NULL DEFAULT '',
              source_file TEXT NOT NULL, source_sha256 TEXT NOT NULL, source_row INTEGER NOT NULL,
              imported_at TEXT NOT NULL);
            INSERT INTO opportunities (id, title, country, sector, value_chain_stage, description, source,
              source_file, source_sha256, source_row, imported_at)
            VALUES ('X-1', 'T', 'JP', 'rail', 'design', 'D', 'https://example.org', 'f.csv', 'h', 2, 'now');
        """)
    record = json.loads(invoke(db, "opportunities", "show", "X-1", "--format", "json").stdout)
    text = json.dumps(record)
    assert '"sources": ["https://example.org"]' in text and '"status": "unverified"' in text
