"""Outcome records and indicators without the command line: vocabulary, reader, counting rules, targets,
store round trip and forget, and the template workbook's cell safety."""

from __future__ import annotations

import dataclasses
import sqlite3

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from elca_match.errors import InputError
from elca_match.export import render
from elca_match.outcomes import vocabulary as v
from elca_match.outcomes.document import report_document
from elca_match.outcomes.indicators import agreement_class, compute_report, in_window, load_targets
from elca_match.outcomes.model import Directory, MemberRef
from elca_match.outcomes.reader import check_outcomes, closest_id
from elca_match.outcomes.template_xlsx import write_template_xlsx
from elca_match.questionnaire import load_questionnaire
from elca_match.records import Mission
from elca_match.records.outcomes import Case, Event, Meeting, Outcomes, PartnerOrg, Party
from elca_match.store import open_db, schema, transaction
from elca_match.store import outcomes as store
from elca_match.tabular import Row, SourceInfo, Table

TARGETS = load_targets()
AMZ = Party("cluster", "AMZ", "AMZ cluster", "cluster", "AMZ")
MECH = Party("cluster", "MECH", "MECH cluster", "cluster", "MECH")
SME = Party("member", "id:DE1", "Leichtbau GmbH", "sme", "AMZ")
SME2 = Party("member", "id:IT1", "Compositi Srl", "sme", "MECH")
ORGS = [PartnerOrg("O1", "Chubu Cluster", "JP", "cluster"), PartnerOrg("O2", "Nagoya KK", "JP", "sme"),
        PartnerOrg("O3", "Detroit Inc", "US", "large"), PartnerOrg("O4", "Bajio Agency", "MX", "intermediary")]


# --- vocabulary ---------------------------------------------------------------------------

@pytest.mark.parametrize("terms, raw, code", [
    (v.OBJECTIVES, "R&D", "rd"), (v.OBJECTIVES, "1", "rd"), (v.OBJECTIVES, "14)", "business_contacts"),
    (v.OBJECTIVES, "Soft landing", "soft_landing"), (v.OBJECTIVES, "Foreign direct investment", "fdi"),
    (v.OBJECTIVES, "other", "other"), (v.OBJECTIVES, "15", None),
    (v.CASE_TYPES, "MoU", "formal_agreement"), (v.CASE_TYPES, "3", "representation_office"),
    (v.CASE_TYPES, "Collaboration project", "collaboration_project"),
    (v.EVENT_KINDS, "B2B event", "b2b"), (v.EVENT_KINDS, "workshop", "preparatory"), (v.EVENT_KINDS, "b2c", None),
    (v.MEETING_KINDS, "C2C", "c2c"), (v.PARTNER_TYPES, "Large company", "large"),
    (v.RECORD_KINDS, "organisation", "org"), (v.CASE_STATUSES, "initiated", "ongoing"),
])
def test_lookup__codes_numbers_labels_and_aliases(terms, raw, code):
    assert v.lookup(terms, raw) == code


def test_objectives__the_briefs_codes_with_the_templates_numbers():
    brief = ["rd", "technology_transfer", "exports", "imports", "sales_office", "joint_venture", "mna",
             "soft_landing", "staff_exchange", "academic", "fdi", "joint_events", "knowledge_sharing",
             "business_contacts", "other"]
    assert v.codes(v.OBJECTIVES) == brief
    assert [v.objective_number(code) for code in brief] == [str(n) for n in range(1, 15)] + ["Other"]
    assert [t.number for t in v.CASE_TYPES] == [1, 2, 3, 4]


@pytest.mark.parametrize("raw, ids, expected", [
    ("M6", ["M01", "M06", "M16"], "M06"), ("ev-01", ["EV-1", "EV-10"], "EV-1"), ("M100", ["M100", "M10"], "M100"),
    ("X", ["M01"], None),
])
def test_closest_id__leading_zeros_ignored_first(raw, ids, expected):
    assert closest_id(raw, ids) == expected


# --- targets ------------------------------------------------------------------------------

def test_targets__the_actions_figures_and_third_countries():
    assert [(i.code, i.target) for i in TARGETS.indicators] == [
        ("clusters_benefited", 12), ("cooperation_agreements", 38), ("business_agreements", 10), ("events", 35),
        ("meetings", 10), ("smes_benefited", 100), ("smes_growth", None)]
    assert [(i.code, i.target) for i in TARGETS.project_indicators] == [
        ("stakeholders_reached", 600), ("partnerships_cross_fertilised", 3), ("third_country_contacts", 20),
        ("cross_fertilisation_events", 22), ("other_sectors", 3), ("communication_plan", 1), ("articles", 10),
        ("consortium_meetings", 4)]
    assert TARGETS.indicators[1].breakdown == {"cluster_cluster": 12, "cluster_intermediary": 6, "sme_sme": 20}
    assert {"DE", "FR", "IT", "PL", "ES", "TR", "UA", "IS"} <= TARGETS.excluded_countries
    assert not {"JP", "US", "IN", "MX", "BR", "CL", "CO", "GB", "CH"} & TARGETS.excluded_countries


@pytest.mark.parametrize("text, fragment", [
    ("indicators: 5", "needs a list `indicators`"),
    ("indicators: [{code: growth, target: 1}]", "indicator 1 has no known code"),
    ("indicators: [{code: events, target: -1}]", "needs a target that is a whole number"),
    ("indicators: [{code: events, target: 3, breakdown: {x: 1}}]", "has a breakdown"),
    ("indicators: []\ncosme_countries: [Atlantis]", "names 'Atlantis'"),
    ("indicators: [", "not valid YAML"),
])
def test_targets__broken_file__clear_error(tmp_path, text, fragment):
    path = tmp_path / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_targets(path)
    assert info.value.problems[0].code == "outcome_targets_invalid"
    assert fragment in str(info.value) and "targets.yaml" in str(info.value)


# --- counting rules -----------------------------------------------------------------------

def outcomes(**kinds) -> Outcomes:
    return Outcomes(orgs=list(ORGS), **kinds)


@pytest.mark.parametrize("date, start, end, inside", [
    ("2027-03-01", "2027-03-01", "2027-03-31", True), ("2027-03-31", "2027-03-01", "2027-03-31", True),
    ("2027-02-28", "2027-03-01", None, False), ("2027-04-01", None, "2027-03-31", False),
    ("2027-04-01", None, None, True), ("", None, None, False),
])
def test_in_window__both_days_included(date, start, end, inside):
    assert in_window(date, start, end) is inside


def test_event_for_two_countries__in_both_rows_once_in_total_and_list():
    forum = Event("E1", "Forum", "2027-03-09", "c2c", ("JP", "US"), parties=(AMZ,), organised=True)
    report = compute_report(outcomes(events=[forum]), TARGETS)
    assert [(r.country, r.c2c_events) for r in report.events] == [("JP", 1), ("US", 1)]
    assert report.events_total.c2c_events == 1
    assert [e.line for e in report.event_list] == ["Forum (2027-03-09, C2C event): Japan and United States"]
    assert next(r for r in report.call_indicators if r.code == "events").achieved == 1


def test_agreement_signed_by_many__counted_once():
    mou = Case("C1", "MoU", "2027-01-01", "formal_agreement", ("JP",), (AMZ, MECH, SME, SME2), ("O1", "O2"),
               ("rd",), "signed", "cooperation")
    report = compute_report(outcomes(cases=[mou]), TARGETS)
    coop = next(r for r in report.call_indicators if r.code == "cooperation_agreements")
    assert coop.achieved == 1 and coop.breakdown["cluster_cluster"] == {"achieved": 1, "target": 12}
    assert report.cluster_cases_total == 1 and report.sme_cases_total == 1
    assert report.stakeholders_total.counts == (2, 2, 1, 1)


@pytest.mark.parametrize("parties, partners, expected", [
    ((AMZ,), ("O1",), "cluster_cluster"), ((AMZ,), ("O4",), "cluster_intermediary"),
    ((SME,), ("O3",), "sme_sme"), ((AMZ,), ("O2",), "other"), ((SME,), ("O4",), "other"),
])
def test_agreement_classes__for_the_target_breakdown(parties, partners, expected):
    case = Case("C1", "MoU", "2027-01-01", "formal_agreement", ("JP",), parties, partners, ("rd",), "signed",
                "cooperation")
    assert agreement_class(case, {o.id.casefold(): o for o in ORGS}) == expected


def test_unsigned_agreements_and_cases_outside_window__not_counted():
    cases = [Case("C1", "Talks", "2027-01-01", "formal_agreement", ("JP",), (AMZ,), ("O1",), ("rd",), "ongoing",
                  "cooperation"),
             Case("C2", "Later", "2028-01-01", "other", ("US",), (SME,), ("O3",), ("exports",), "signed", "business")]
    report = compute_report(outcomes(cases=cases), TARGETS, end="2027-12-31")
    achieved = {r.code: r.achieved for r in report.call_indicators}
    assert achieved["cooperation_agreements"] == 0 and achieved["business_agreements"] == 0
    assert report.countries == ["JP"]


def test_confidential_case__partner_name_hidden_in_both_tables():
    case = Case("C1", "Deal", "2027-01-01", "other", ("US",), (AMZ, SME), ("O3",), ("exports",), "signed",
                "business", confidential=True)
    report = compute_report(outcomes(cases=[case]), TARGETS)
    cluster_cell = next(c for c in report.cluster_cases if c.case_type == 4)
    assert cluster_cell.cases[0].partners == "confidential (large company)"
    assert report.sme_cases[0].cases[0].partners == "Large company"
    assert "Detroit" not in render(report_document(report), "md")


countries = st.lists(st.sampled_from(["JP", "US", "MX", "IN"]), min_size=1, max_size=4, unique=True)
events = st.lists(st.tuples(st.sampled_from(["preparatory", "c2c", "b2b"]), countries), max_size=12)


@given(events)
def test_events__rows_count_per_country_total_counts_each_event_once(specs):
    records = [Event(f"E{i}", f"Event {i}", "2027-01-01", kind, tuple(cs)) for i, (kind, cs) in enumerate(specs)]
    report = compute_report(outcomes(events=records), TARGETS)
    for kind, column in (("preparatory", "preparatory"), ("c2c", "c2c_events"), ("b2b", "b2b_events")):
        assert getattr(report.events_total, column) == sum(1 for e in records if e.kind == kind)
        for row in report.events:
            assert getattr(row, column) == sum(1 for e in records if e.kind == kind and row.country in e.countries)
        assert sum(getattr(r, column) for r in report.events) >= getattr(report.events_total, column)
    assert sorted(e.id for e in report.event_list) == sorted(e.id for e in records)
    assert report.countries == sorted({c for e in records for c in e.countries},
                                      key=lambda c: {"IN": "India", "JP": "Japan", "MX": "Mexico",
                                                     "US": "United States"}[c])


@given(st.lists(st.tuples(st.sampled_from([AMZ, MECH, SME, SME2]), st.sampled_from(["O1", "O2", "O3", "O4"])),
                max_size=10))
def test_stakeholders__total_is_distinct_organisations(pairs):
    orgs = {o.id: o for o in ORGS}
    meetings = [Meeting(f"M{i}", "2027-01-01", "b2b", orgs[o].country, (p,), (o,)) for i, (p, o) in enumerate(pairs)]
    report = compute_report(outcomes(meetings=meetings), TARGETS)
    parties = {p for p, _ in pairs}
    partners = {orgs[o] for _, o in pairs}
    assert report.stakeholders_total.counts == (
        sum(p.is_cluster for p in parties), sum(p.is_sme for p in parties),
        sum(not o.is_business for o in partners), sum(o.is_business for o in partners))
    for row in report.stakeholders:
        assert row.counts[2] + row.counts[3] == len({o for o in partners if o.country == row.country})


# --- the reader ---------------------------------------------------------------------------

DIRECTORY = Directory(
    clusters={"AMZ": "AMZ cluster", "MECH": "MECH cluster"},
    members=[MemberRef("id:DE1", "Leichtbau GmbH", "DE1", "AMZ", "sme")],
    missions={"M06": Mission("M06", "JP", "exploratory", 1)},
    orgs=[ORGS[0]], excluded_countries=TARGETS.excluded_countries,
)
HEADER = ["record", "id", "name", "date", "country", "kind", "mission", "parties", "partners", "objectives",
          "agreement", "status"]


def table(*rows: list[str]) -> Table:
    return Table(SourceInfo("t.csv", "t.csv", "", "csv"), HEADER, [Row(i, list(r)) for i, r in enumerate(rows, 2)])


def test_reader__defaults_from_mission_partners_and_case_type():
    checked = check_outcomes(table(
        ["org", "O9", "Osaka Parts", "", "Japan", "SME", "", "", "", "", "", ""],
        ["event", "E1", "Visit", "2027-02-16", "", "visit", "m06", "amz", "", "", "", ""],
        ["meeting", "M1", "", "16.02.2027", "", "b2b", "", "Leichtbau GmbH", "Osaka Parts", "", "", ""],
        ["case", "C1", "MoU", "2027-02-17", "", "2", "", "AMZ;DE1", "O1;O9", "13;14", "", ""],
    ), DIRECTORY, load_questionnaire())
    assert checked.problems == []
    result = checked.outcomes
    assert (result.events[0].countries, result.events[0].kind, result.events[0].mission_id) == (("JP",), "preparatory", "M06")
    assert (result.meetings[0].country, result.meetings[0].date, result.meetings[0].partners) == ("JP", "2027-02-16", ("O9",))
    case = result.cases[0]
    assert (case.agreement, case.status, case.countries) == ("cooperation", "signed", ("JP",))
    assert [p.key for p in case.parties] == [("cluster", "AMZ"), ("member", "id:DE1")]
    assert checked.rows == {("org", "O9"): 2, ("event", "E1"): 3, ("meeting", "M1"): 4, ("case", "C1"): 5}


# --- store --------------------------------------------------------------------------------

def history() -> Outcomes:
    return Outcomes(
        orgs=list(ORGS),
        events=[Event("E1", "Forum with Leichtbau GmbH", "2027-03-09", "c2c", ("JP", "US"), "M06", (AMZ, SME), ("O1",),
                      "Leichtbau GmbH presented")],
        meetings=[Meeting("M1", "2027-03-10", "b2b", "US", (SME,), ("O3",), "E1", None, "", "Talk")],
        cases=[Case("C1", "MoU", "2027-03-11", "formal_agreement", ("JP",), (AMZ, SME), ("O1",), ("rd", "exports"),
                    "signed", "cooperation", ("automotive",), "RTM", "Signed by LEICHTBAU GMBH", True, "M06")],
    )


def test_store__round_trip_and_replace_by_id(tmp_path):
    db = open_db(tmp_path / "t.db")
    with transaction(db):
        store.save(db, history(), {("event", "E1"): "file.csv row 2"}, "2027-01-01T00:00:00")
    assert store.load(db) == Outcomes(orgs=sorted(ORGS, key=lambda o: o.name), events=history().events,
                                      meetings=history().meetings, cases=history().cases)
    changed = dataclasses.replace(history().events[0], id="e1", parties=(MECH,), countries=("MX",))
    with transaction(db):
        store.save(db, Outcomes(events=[changed]), {}, "2027-01-02T00:00:00")
    assert store.load(db).events == [changed]
    assert store.counts(db) == {"event": 1, "meeting": 1, "org": 4, "case": 1}
    db.conn.close()


def test_store__forget_hook_keeps_counts_and_erases_identity(tmp_path):
    assert store in schema.SCHEMA_MODULES and callable(store.forget)
    db = open_db(tmp_path / "t.db")
    with transaction(db):
        store.save(db, history(), {}, "2027-01-01T00:00:00")
    before = compute_report(store.load(db), TARGETS)
    with transaction(db):
        changed = store.forget(db, "id:DE1")
    assert changed == {"outcome_parties": 3, "outcome_texts": 2}
    after_records = store.load(db)
    after = compute_report(after_records, TARGETS)
    assert after.stakeholders_total.counts == before.stakeholders_total.counts
    assert [r.achieved for r in after.call_indicators] == [r.achieved for r in before.call_indicators]
    dump = "\n".join(sqlite3.connect(tmp_path / "t.db").iterdump())
    assert "leichtbau gmbh" not in dump.casefold()
    assert "id:DE1" not in dump
    assert after_records.events[0].name == "Forum with [erased organisation]"
    assert after_records.cases[0].description == "Signed by [erased organisation]"
    db.conn.close()


# --- output -------------------------------------------------------------------------------

def test_template_xlsx__typed_text_never_a_formula(tmp_path):
    case = Case("C1", "=HYPERLINK(\"http://x\")", "2027-01-01", "other", ("US",), (AMZ,), ("O3",), ("exports",),
                "ongoing", description="@SUM(A1)")
    report = compute_report(outcomes(cases=[case]), TARGETS)
    path = tmp_path / "r.xlsx"
    write_template_xlsx(report, path)
    sheet = openpyxl.load_workbook(path)["4 Cases by clusters"]
    name, description = sheet["D10"], sheet["E10"]
    assert name.value == "=HYPERLINK(\"http://x\")" and name.data_type == "s" and name.quotePrefix
    assert description.value == "@SUM(A1) (ongoing)" and description.quotePrefix
    assert not list(tmp_path.glob("*.part"))


def test_markdown__pipes_in_names_escaped():
    event = Event("E1", "A | B", "2027-01-01", "b2b", ("JP",))
    text = render(report_document(compute_report(outcomes(events=[event]), TARGETS)), "md")
    assert "A \\| B (2027-01-01, B2B event): Japan" in text
