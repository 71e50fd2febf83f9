"""Opportunity and mission files: every validation rule, the store queries, the built-in catalogue."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elca_match import markets
from elca_match.catalogue import MARKET_MATURITIES, MISSION_TYPES, check_missions, check_opportunities
from elca_match.questionnaire import load_questionnaire
from elca_match.records import Opportunity, from_values
from elca_match.resources import builtin_path
from elca_match.store import open_db, transaction
from elca_match.store import catalogue as store
from elca_match.tabular import Row, SourceInfo, Table, read_table

Q = load_questionnaire()

OPP_HEADER = ("id,title,country,region,sector,value_chain_stage,description,materials,technologies,trl_min,trl_max,"
              "cooperation_types,market_maturity,policy_driver,priority,source")
OPP_ROW = {
    "id": "JP-X-01", "title": "Thermoplastic ribs", "country": "JP", "region": "Aichi", "sector": "aerospace",
    "value_chain_stage": "production", "description": "Press-formed thermoplastic ribs.", "materials": "cfrp;thermoplastic",
    "technologies": "compression_moulding", "trl_min": "6", "trl_max": "8", "cooperation_types": "rd;exports",
    "market_maturity": "mature", "policy_driver": "Green Innovation Fund (2021)", "priority": "4",
    "source": "https://example.org",
}
MISSION_HEADER = "id,country,type,seats,region,start_date,end_date,lead_cluster,sectors,opportunities"
MISSION_ROW = {
    "id": "M-1", "country": "JP", "type": "exploratory", "seats": "6", "region": "Nagoya", "start_date": "2027-02-15",
    "end_date": "2027-02-19", "lead_cluster": "AMZ", "sectors": "aerospace", "opportunities": "JP-X-01",
}


def table_of(header: str, rows: list[dict[str, str]], name: str = "file.csv") -> Table:
    """A Table as read_table would return it, from a header line and rows given as dicts."""
    columns = header.split(",")
    return Table(SourceInfo(name=name, path=name, sha256="0" * 64, format="csv"), columns,
                 [Row(number, [row.get(c, "") for c in columns]) for number, row in enumerate(rows, start=2)])


def opportunities(*changes: dict[str, str]) -> Table:
    return table_of(OPP_HEADER, [{**OPP_ROW, **change} for change in changes] or [OPP_ROW])


def missions(*changes: dict[str, str]) -> Table:
    return table_of(MISSION_HEADER, [{**MISSION_ROW, **change} for change in changes] or [MISSION_ROW])


def codes(checked) -> list[tuple[str, int | None, str | None]]:
    return [(p.code, p.row, p.column) for p in checked.problems]


# --- opportunities: accepted spellings ------------------------------------------------------

def test_check_opportunities__valid_row__normalised_record():
    checked = check_opportunities(opportunities(), Q)
    assert checked.problems == []
    assert checked.records == [from_values(Opportunity, {
        "id": "JP-X-01", "title": "Thermoplastic ribs", "country": "JP", "region": "Aichi", "sector": "aerospace",
        "value_chain_stage": "production", "description": "Press-formed thermoplastic ribs.",
        "materials": ["cfrp", "thermoplastic"], "technologies": ["compression_moulding"], "trl_min": 6, "trl_max": 8,
        "cooperation_types": ["rd", "exports"], "market_maturity": "mature",
        "policy_driver": "Green Innovation Fund (2021)", "priority": 4, "source": "https://example.org",
        # a file without the provenance columns: its one source, and nobody said it was verified
        "sources": ["https://example.org"], "status": "unverified", "checked_on": None, "valid_from": None,
        "valid_to": None, "caveats": ""})]
    assert checked.rows == [2]


@pytest.mark.parametrize("lang", ["de", "it", "pl", "fr", "es", "en"])
def test_check_opportunities__labels_in_any_language__codes(lang):
    row = {"sector": Q.choice_label("sectors", "rail", lang).upper(),
           "value_chain_stage": Q.choice_label("value_chain_stages", "circularity", lang),
           "materials": " ; ".join(Q.choice_label("materials", c, lang) for c in ("aluminium", "gfrp")),
           "country": markets.country_name("BR", lang)}
    record = check_opportunities(opportunities(row), Q).records[0]
    assert (record.sector, record.value_chain_stage, record.materials, record.country) == \
        ("rail", "circularity", ("aluminium", "gfrp"), "BR")


def test_check_opportunities__headers_in_any_case_and_spacing__matched():
    header = OPP_HEADER.upper().replace("VALUE_CHAIN_STAGE", "Value Chain Stage").replace("TRL_MIN", " trl min ")
    columns = header.split(",")
    table = Table(SourceInfo("f.csv", "f.csv", "0", "csv"), columns, [Row(2, [OPP_ROW[c] for c in OPP_HEADER.split(",")])])
    checked = check_opportunities(table, Q)
    assert checked.problems == []
    assert checked.records[0].trl_min == 6


def test_check_opportunities__optional_cells_empty__defaults():
    empty = {k: "" for k in ("region", "materials", "technologies", "trl_min", "trl_max", "cooperation_types",
                             "market_maturity", "policy_driver", "priority", "source")}
    record = check_opportunities(opportunities(empty), Q).records[0]
    assert record.materials == () and record.trl_min is None and record.priority is None
    assert record.market_maturity is None and record.region == ""


def test_check_opportunities__blank_rows__skipped():
    table = opportunities()
    table.rows.append(Row(3, [""] * len(table.header)))
    assert len(check_opportunities(table, Q).records) == 1


# --- opportunities: every rule ---------------------------------------------------------------

@pytest.mark.parametrize(
    "change, code, column, suggestion",
    [
        ({"sector": "automotiv"}, "unknown_choice", "sector", "automotive"),
        ({"sector": "space"}, "unknown_choice", "sector", "aerospace"),
        ({"value_chain_stage": "desing"}, "unknown_choice", "value_chain_stage", "design"),
        ({"materials": "cfrp;unobtainium"}, "unknown_choice", "materials", "titanium"),
        ({"technologies": "welding;wizardry"}, "unknown_choice", "technologies", ""),
        ({"cooperation_types": "rd;friendship"}, "unknown_choice", "cooperation_types", ""),
        ({"trl_min": "8", "trl_max": "5"}, "trl_order", "trl_min", ""),
        ({"trl_min": "0"}, "out_of_range", "trl_min", ""),
        ({"trl_max": "10"}, "out_of_range", "trl_max", ""),
        ({"trl_min": "six"}, "not_integer", "trl_min", ""),
        ({"trl_max": "6.5"}, "not_integer", "trl_max", ""),
        ({"priority": "0"}, "out_of_range", "priority", ""),
        ({"priority": "6"}, "out_of_range", "priority", ""),
        ({"priority": "high"}, "not_integer", "priority", ""),
        ({"country": "japna"}, "unknown_country", "country", "japan"),
        ({"country": "Qqqqq"}, "unknown_country", "country", ""),
        ({"country": "latin-america"}, "region_not_country", "country", ""),
        ({"market_maturity": "developing"}, "unknown_choice", "market_maturity", ""),
        ({"market_maturity": "matur"}, "unknown_choice", "market_maturity", "mature"),
        ({"id": ""}, "required_empty", "id", ""),
        ({"title": " "}, "required_empty", "title", ""),
        ({"description": ""}, "required_empty", "description", ""),
        ({"sector": ""}, "required_empty", "sector", ""),
        ({"country": ""}, "required_empty", "country", ""),
    ],
)
def test_check_opportunities__bad_value__problem_names_row_column_and_suggestion(change, code, column, suggestion):
    checked = check_opportunities(opportunities(change), Q)
    assert codes(checked) == [(code, 2, column)]
    message = checked.problems[0].message()
    assert message.startswith(f"file.csv, row 2, column '{column}'")
    if suggestion:
        assert f"(did you mean '{suggestion}'?)" in message.lower()
    else:
        assert "did you mean" not in message


def test_check_opportunities__trl_range__comes_from_the_questionnaire():
    low, high = Q.question("trl").min, Q.question("trl").max
    assert check_opportunities(opportunities({"trl_min": str(low), "trl_max": str(high)}), Q).problems == []
    assert codes(check_opportunities(opportunities({"trl_max": str(high + 1)}), Q)) == [("out_of_range", 2, "trl_max")]


def test_check_opportunities__duplicate_ids_any_case__each_repeat_names_the_first_row():
    checked = check_opportunities(opportunities({}, {"id": "jp-x-01"}, {"id": "OTHER"}, {"id": "JP-X-01"}), Q)
    assert codes(checked) == [("duplicate_id", 3, "id"), ("duplicate_id", 5, "id")]
    assert checked.problems[0].params["first_row"] == 2


def test_check_opportunities__several_bad_rows__every_problem_collected():
    checked = check_opportunities(opportunities({"sector": "boats"}, {"id": "B"}, {"id": "C", "trl_min": "12",
                                                "priority": "9"}, {"id": "D", "country": "Narnia"}), Q)
    assert codes(checked) == [("unknown_choice", 2, "sector"), ("out_of_range", 4, "trl_min"),
                              ("out_of_range", 4, "priority"), ("unknown_country", 5, "country")]


@pytest.mark.parametrize(
    "header, code, column",
    [
        (OPP_HEADER.replace("sector,", ""), "catalogue_missing_column", None),
        (OPP_HEADER.replace("priority", "priorty"), "catalogue_unknown_column", "priorty"),
        (OPP_HEADER + ",Sector", "catalogue_duplicate_column", "Sector"),
    ],
)
def test_check_opportunities__bad_header__problem_on_row_1(header, code, column):
    checked = check_opportunities(table_of(header, [OPP_ROW]), Q)
    assert (code, 1, column) in codes(checked)
    if code == "catalogue_unknown_column":
        assert "(did you mean 'priority'?)" in checked.problems[0].message()
    if code == "catalogue_missing_column":
        assert checked.records == [] and "sector" in checked.problems[0].message()


@settings(max_examples=60, deadline=None)
@given(trl_min=st.one_of(st.none(), st.integers(-2, 12)), trl_max=st.one_of(st.none(), st.integers(-2, 12)),
       priority=st.one_of(st.none(), st.integers(-1, 7)))
def test_check_opportunities__numbers__accepted_exactly_when_in_range_and_ordered(trl_min, trl_max, priority):
    cell = lambda n: "" if n is None else str(n)  # noqa: E731
    checked = check_opportunities(opportunities({"trl_min": cell(trl_min), "trl_max": cell(trl_max),
                                                 "priority": cell(priority)}), Q)
    in_range = all(n is None or 1 <= n <= 9 for n in (trl_min, trl_max)) and (priority is None or 1 <= priority <= 5)
    ordered = trl_min is None or trl_max is None or trl_min <= trl_max
    assert (checked.problems == []) == (in_range and ordered)
    if checked.problems == []:
        record = checked.records[0]
        assert (record.trl_min, record.trl_max, record.priority) == (trl_min, trl_max, priority)


# --- missions ------------------------------------------------------------------------------

def test_check_missions__valid_rows__normalised_records():
    checked = check_missions(missions({}, {"id": "M-2", "type": "Expert Visit", "lead_cluster": "amz",
                                           "start_date": "15.09.2027", "end_date": "17/09/2027",
                                           "opportunities": "jp-x-01; JP-X-01", "country": "Giappone"}),
                             Q, ["JP-X-01"])
    assert checked.problems == []
    second = checked.records[1]
    assert (second.type, second.lead_cluster, second.start_date, second.end_date, second.country) == \
        ("expert_visit", "AMZ", "2027-09-15", "2027-09-17", "JP")
    assert second.opportunities == ("JP-X-01",)
    assert checked.records[0].seats == 6 and checked.records[0].sectors == ("aerospace",)


@pytest.mark.parametrize(
    "change, code, column",
    [
        ({"type": "tour"}, "unknown_choice", "type"),
        ({"type": ""}, "required_empty", "type"),
        ({"seats": "0"}, "not_positive", "seats"),
        ({"seats": "-3"}, "not_positive", "seats"),
        ({"seats": "many"}, "not_integer", "seats"),
        ({"seats": "2.5"}, "not_integer", "seats"),
        ({"seats": ""}, "required_empty", "seats"),
        ({"start_date": "2027-02-30"}, "bad_date", "start_date"),
        ({"end_date": "next week"}, "bad_date", "end_date"),
        ({"start_date": "2027-03-10", "end_date": "2027-03-09"}, "date_order", "end_date"),
        ({"lead_cluster": "XYZ"}, "unknown_choice", "lead_cluster"),
        ({"sectors": "aerospace;space"}, "unknown_choice", "sectors"),
        ({"opportunities": "JP-X-01;NOPE-01"}, "unknown_reference", "opportunities"),
        ({"country": "Japna"}, "unknown_country", "country"),
        ({"id": ""}, "required_empty", "id"),
    ],
)
def test_check_missions__bad_value__problem_names_row_and_column(change, code, column):
    checked = check_missions(missions(change), Q, ["JP-X-01"])
    assert codes(checked) == [(code, 2, column)]


def test_check_missions__lead_clusters__are_the_questionnaire_clusters():
    for cluster in Q.choice_codes("cluster"):
        assert check_missions(missions({"lead_cluster": cluster.lower()}), Q, ["JP-X-01"]).problems == []


def test_check_missions__unknown_reference__suggests_the_closest_id():
    checked = check_missions(missions({"opportunities": "JP-X-10"}), Q, ["JP-X-01", "US-Y-07"])
    assert "(did you mean 'JP-X-01'?)" in checked.problems[0].message()


def test_check_missions__duplicate_ids__rejected():
    checked = check_missions(missions({}, {"id": "m-1"}), Q, ["JP-X-01"])
    assert codes(checked) == [("duplicate_id", 3, "id")]


# --- store ---------------------------------------------------------------------------------

@pytest.fixture
def filled_db(tmp_path: Path):
    db = open_db(tmp_path / "c.db")
    checked = check_opportunities(opportunities(
        {}, {"id": "US-X-01", "country": "US", "sector": "rail", "value_chain_stage": "design"},
        {"id": "IN-X-01", "country": "IN", "sector": "rail", "value_chain_stage": "production"}), Q)
    with transaction(db):
        store.save_opportunities(db, checked.records, checked.rows, source_file="f.csv", sha256="0", imported_at="t")
    yield db
    db.conn.close()


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({}, ["IN-X-01", "JP-X-01", "US-X-01"]),
        ({"countries": ["JP", "US"]}, ["JP-X-01", "US-X-01"]),
        ({"sectors": ["rail"]}, ["IN-X-01", "US-X-01"]),
        ({"sectors": ["rail"], "stages": ["design"]}, ["US-X-01"]),
        ({"ids": ["jp-x-01"]}, ["JP-X-01"]),
        ({"countries": []}, []),
    ],
)
def test_list_opportunities__filters__matching_records(filled_db, filters, expected):
    assert [r.id for r in store.list_opportunities(filled_db, **filters)] == expected


def test_get_opportunity__any_case__record_with_provenance(filled_db):
    record, provenance = store.get_opportunity(filled_db, "jp-x-01")
    assert record.id == "JP-X-01" and record.materials == ("cfrp", "thermoplastic")
    assert (provenance.source_file, provenance.source_row) == ("f.csv", 2)
    assert store.get_opportunity(filled_db, "nope") is None


# --- the built-in catalogue and calendar ----------------------------------------------------

TARGETS = {"US", "JP", "IN", "MX", "BR", "CL", "CO"}
# Drivers that policy-drivers.md marks as withdrawn, superseded or access conditions only.
NOT_DRIVERS = ("Multi-Pollutant", "30D", "FAME II", "ENER-SCFI", "Bharat Stage", "Buy America", "USMCA",
               "Section 232", "Endangerment")


@pytest.fixture(scope="module")
def builtin():
    checked = check_opportunities(read_table(builtin_path("opportunities.csv")), Q)
    assert checked.problems == []
    return checked.records


def test_builtin_catalogue__coverage__sectors_stages_countries_maturities(builtin):
    assert len(builtin) >= 28
    assert {"automotive", "aerospace", "rail", "maritime"} <= {r.sector for r in builtin}
    assert {r.value_chain_stage for r in builtin} == set(Q.choice_codes("value_chain_stages"))
    pairs = {(r.sector, r.value_chain_stage) for r in builtin}
    assert len({p for p in pairs if p[0] in {"automotive", "aerospace", "rail", "maritime"}}) == 20
    assert {r.country for r in builtin} == TARGETS
    assert {r.market_maturity for r in builtin} == set(MARKET_MATURITIES)


def test_builtin_catalogue__maturity__mature_markets_high_trl_emerging_lower(builtin):
    for r in builtin:
        if r.country in {"US", "JP"}:
            assert r.market_maturity == "mature" and r.trl_min >= 6 and r.trl_max >= 8, r.id
        else:
            assert r.market_maturity == "emerging" and r.trl_min <= 5, r.id
            assert {"rd", "technology_transfer", "joint_venture"} & set(r.cooperation_types), r.id


def test_builtin_catalogue__every_row__driver_with_year_source_and_concrete_description(builtin):
    for r in builtin:
        assert re.search(r"\b(19|20)\d\d\b", r.policy_driver), r.id
        assert not any(bad in r.policy_driver for bad in NOT_DRIVERS), r.id
        assert r.source.startswith(("https://", "http://")), r.id
        assert len(r.description) >= 200, r.id
        assert r.materials and r.technologies and r.cooperation_types, r.id
        assert r.priority in range(1, 6) and r.region, r.id
    assert len({r.id for r in builtin}) == len(builtin)


def test_builtin_missions__calendar__22_missions_of_all_types_to_the_four_regions(builtin):
    checked = check_missions(read_table(builtin_path("missions.csv")), Q, [r.id for r in builtin])
    assert checked.problems == []
    calendar = checked.records
    assert len(calendar) == 22
    assert {m.type for m in calendar} == set(MISSION_TYPES)
    countries = {m.country for m in calendar}
    assert {"US", "JP", "IN"} <= countries and countries & set(markets.resolve_markets("latin-america"))
    assert countries <= TARGETS
    by_id = {r.id: r for r in builtin}
    for m in calendar:
        assert 4 <= m.seats <= 12 and m.lead_cluster in Q.choice_codes("cluster"), m.id
        assert m.start_date.startswith("2027") and m.end_date >= m.start_date, m.id
        assert m.opportunities and all(by_id[o].country == m.country for o in m.opportunities), m.id


def test_builtin_files__plain_csv__utf8_with_the_brief_columns():
    provenance = "sources,status,checked_on,valid_from,valid_to,caveats"
    for name, header in (("opportunities.csv", OPP_HEADER + "," + provenance), ("missions.csv", MISSION_HEADER)):
        text = builtin_path(name).read_text(encoding="utf-8")
        assert next(csv.reader(io.StringIO(text))) == header.split(",")
