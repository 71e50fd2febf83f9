"""Every counting rule of docs/indicators.md, one row each, on a hand-counted history.

The history holds the traps the rules exist for: a case whose only member party is a
university (C3), an SME present only at an event (Beta), European work-package-3 events
(E3 organised, E4 attended), records dated after --to (E5, C4, DIS-3, CM3, the status of
MS2) and a confidential partner (Detroit Forming, C2). Every expected value was counted
by hand from the records below; the report ends on 2027-06-30.
"""

from __future__ import annotations

import pytest

from elca_match.export import render
from elca_match.outcomes.action import load_action
from elca_match.outcomes.document import report_document
from elca_match.outcomes.indicators import compute_report, load_targets
from elca_match.records.outcomes import (Case, ConsortiumMeeting, Contact, Dissemination, Event, Meeting, Outcomes,
                                         PartnerOrg, Partnership, Party, Status)

AMZ = Party("cluster", "AMZ", "AMZ", "cluster", "AMZ")
MECH = Party("cluster", "MECH", "MECH", "cluster", "MECH")
ALPHA = Party("member", "k-alpha", "Alpha Leicht GmbH", "sme", "AMZ")
BETA = Party("member", "k-beta", "Beta Compositi Srl", "sme", "MECH")  # only ever at an event
UNI = Party("member", "k-uni", "Uni Lekka", "university", "BIC")

ORGS = [PartnerOrg("O1", "Chubu Cluster", "JP", "cluster"), PartnerOrg("O2", "Nagoya Parts", "JP", "sme"),
        PartnerOrg("O3", "Detroit Forming", "US", "large"), PartnerOrg("O4", "Bajio Chamber", "MX", "intermediary"),
        PartnerOrg("O5", "Sao Paulo Cluster", "BR", "cluster")]
HISTORY = Outcomes(
    orgs=ORGS,
    events=[Event("E1", "Aichi workshop", "2027-02-16", "preparatory", ("JP",), parties=(AMZ, ALPHA),
                  partners=("O1",), organised=True),
            Event("E2", "Mobility forum", "2027-03-09", "c2c", ("JP", "US"), parties=(MECH, BETA)),
            Event("E3", "Cross-cluster workshop", "2027-05-20", "national_workshop", ("DE",), parties=(AMZ,),
                  organised=True),
            Event("E4", "Cluster alliance meeting", "2027-06-10", "international_meeting", ("BE",), parties=(MECH,)),
            Event("E5", "Kobe B2B", "2027-09-14", "b2b", ("JP",), parties=(ALPHA,), organised=True)],
    meetings=[Meeting("M1", "2027-02-17", "c2c", "JP", (AMZ,), ("O1",)),
              Meeting("M2", "2027-03-10", "b2b", "US", (ALPHA,), ("O3",))],
    cases=[Case("C1", "Chubu MoU", "2027-02-18", "formal_agreement", ("JP",), (AMZ, ALPHA), ("O1",),
                ("knowledge_sharing", "business_contacts"), "signed", "cooperation", ("automotive",),
                main_steps="MoU signed", next_steps="Supplier day"),
           Case("C2", "Detroit contract", "2027-03-12", "other", ("US",), (ALPHA,), ("O3",), ("exports",), "signed",
                "business", ("energy",), confidential=True),
           Case("C3", "Bajio exchange", "2027-03-11", "collaboration_project", ("MX",), (MECH, UNI), ("O4",),
                ("staff_exchange",), "ongoing", None, ("construction",)),
           Case("C4", "Kobe MoU", "2027-09-16", "formal_agreement", ("JP",), (MECH,), ("O2",), ("rd",), "signed",
                "cooperation", ("medical",))],
    disseminations=[Dissemination("DIS-1", "Press release", "2027-01-15", "article", 120, 20, 8, 5),
                    Dissemination("DIS-2", "Newsletter", "2027-03-30", "newsletter", 80, 10, 4, 0),
                    Dissemination("DIS-3", "Late article", "2027-08-01", "article", 50, 0, 0, 0)],
    consortium_meetings=[ConsortiumMeeting("CM1", "Kick-off", "2026-10-22"),
                         ConsortiumMeeting("CM2", "Jour fixe", "2027-02-09"),
                         ConsortiumMeeting("CM3", "Jour fixe", "2027-07-01")],
    partnerships=[Partnership("P1", "Other ESCP", "2027-04-20", "cluster_partnership", (AMZ,)),
                  Partnership("P2", "EU Gateway", "2027-05-05", "eu_initiative", (MECH,))],
    contacts=[Contact("CT1", "Calls", "2027-02-01", ("O5", "O2"), (AMZ,))],
    milestones=[Status("MS1", True, "2026-06-30"), Status("MS2", True, "2027-08-01")],
    deliverables=[Status("D4.1", True, "2026-06-28")],
)
# Survey submissions (submitted_at, export_share, employees): Alpha has a case, Beta does not.
SURVEY = {"k-alpha": [("2026-03-01", 20, 50), ("2027-05-01", 30, 55)],
          "k-beta": [("2026-03-01", 10, 30), ("2027-05-01", 40, 60)]}
END = "2027-06-30"


@pytest.fixture(scope="module")
def report():
    return compute_report(HISTORY, load_targets(), None, END, {"automotive": "Automotive"}, load_action(), SURVEY)


def call(report, code):
    return next(r for r in report.call_indicators if r.code == code)


def other(report, code):
    return next(r for r in report.project_indicators if r.code == code)


RULES = [
    # call indicators
    ("1 clusters: parties to third-country events, meetings, cases", lambda r: call(r, "clusters_benefited").achieved, 2),
    ("2 cooperation agreements: signed, in the period", lambda r: call(r, "cooperation_agreements").achieved, 1),
    ("3 business agreements: signed, even if confidential", lambda r: call(r, "business_agreements").achieved, 1),
    ("4 events organised: E1 (WP 2) and E3 (WP 3); attended and late ones not",
     lambda r: call(r, "events").achieved, 2),
    ("4 events by work package", lambda r: {k: b["achieved"] for k, b in call(r, "events").breakdown.items()},
     {"wp2": 1, "wp3": 1}),
    ("5 matchmaking meetings", lambda r: call(r, "meetings").achieved, 2),
    ("6 SMEs in cooperation cases: not Beta (event only), not the university",
     lambda r: call(r, "smes_benefited").achieved, 1),
    ("7 growth: Alpha's first and latest answers; Beta has no case",
     lambda r: (r.growth.smes, r.growth.answered_twice, r.growth.export_share_first, r.growth.export_share_latest,
                r.growth.employees_first, r.growth.employees_latest), (1, 1, 20.0, 30.0, 50, 55)),
    ("7 growth in words", lambda r: call(r, "smes_growth").achieved,
     "export share +10.0 points (20.0% to 30.0%, 1 SMEs); employment +10.0% (50 to 55 employees, 1 SMEs)"),
    ("a shortfall is said in the comment", lambda r: call(r, "meetings").comment, "C2C 1, B2B 1; 8 below target"),
    # other project indicators
    ("stakeholders reached: DIS-1 and DIS-2", lambda r: other(r, "stakeholders_reached").achieved, 247),
    ("stakeholders reached, split", lambda r: other(r, "stakeholders_reached").comment,
     "From that 200 SMEs, 30 RTOs, 12 clusters, intermediaries, 5 policy actors; 353 below target"),
    ("partnerships cross-fertilised", lambda r: other(r, "partnerships_cross_fertilised").achieved, 2),
    ("associations/clusters contacted: O5 (contact), O1, O4; not the SME O2",
     lambda r: other(r, "third_country_contacts").achieved, 3),
    ("events for cross-fertilisation: WP 3 events organised or attended",
     lambda r: {k: b["achieved"] for k, b in other(r, "cross_fertilisation_events").breakdown.items()},
     {"national_workshop": 1, "international_meeting": 1, "international_event": 0}),
    ("other sectors beyond mobility: energy, construction (medical is late)",
     lambda r: other(r, "other_sectors").comment, "construction, energy; 1 below target"),
    ("communication plan: D4.1 delivered", lambda r: other(r, "communication_plan").achieved, 1),
    ("articles and press releases: DIS-1 (DIS-3 is late)", lambda r: other(r, "articles").achieved, 1),
    ("consortium meetings: CM1, CM2", lambda r: other(r, "consortium_meetings").achieved, 2),
    # part I
    ("milestones: MS2's status is dated after --to", lambda r: [(m.id, m.achieved) for m in r.milestones],
     [("MS1", True), ("MS2", False)]),
    ("deliverables: D4.1 delivered", lambda r: next(d for d in r.deliverables if d.id == "D4.1").date, "2026-06-28"),
    # sections 2-6
    ("table 2 rows: third countries only, never the WP 3 events' DE and BE",
     lambda r: [e.country for e in r.events], ["JP", "MX", "US"]),
    ("table 2 TOTAL: E2 once though it targets two countries",
     lambda r: (r.events_total.preparatory, r.events_total.c2c_events, r.events_total.c2c_meetings,
                r.events_total.b2b_events, r.events_total.b2b_meetings), (1, 1, 1, 0, 1)),
    ("table 3 TOTAL: EU clusters, EU SMEs (Beta at an event counts here), third-country orgs",
     lambda r: r.stakeholders_total.counts, (2, 2, 2, 1)),
    ("table 4: cases with a European cluster party", lambda r: r.cluster_cases_total, 2),
    ("table 5: cases with an SME party; not the university-only case", lambda r: r.sme_cases_total, 2),
    ("table 5: the university-only case is named below", lambda r: r.sme_case_other_members,
     ["Bajio exchange (Uni Lekka, university)"]),
    ("6 a) and b): the same cases with their steps",
     lambda r: ([d.case_id for d in r.cluster_details], [(d.case_id, d.main_steps) for d in r.sme_details]),
     (["C1", "C3"], [("C1", "MoU signed"), ("C2", "")])),
    ("6 b): the confidential partner by type only", lambda r: r.sme_details[1].partner_names,
     "confidential (large company)"),
    ("6 c): partnerships by kind", lambda r: [(c.number, c.name) for c in r.other_cases],
     [(1, "Other ESCP"), (2, "EU Gateway")]),
    # the period
    ("records after --to are counted in the header, per kind", lambda r: r.period.after,
     {"events": 1, "cases": 1, "disseminations": 1, "consortium_meetings": 1, "milestones": 1}),
    ("nothing before the start of the action", lambda r: r.period.before, {}),
]


@pytest.mark.parametrize("rule, cell, expected", RULES, ids=[r[0] for r in RULES])
def test_indicator_rule(report, rule, cell, expected):
    assert cell(report) == expected


def test_confidential_partner__named_nowhere_in_the_report(report):
    text = render(report_document(report), "md")
    assert "Detroit Forming" not in text
    assert "Chubu Cluster" in text


def test_record_after_to__counted_once_the_window_includes_it():
    late = compute_report(HISTORY, load_targets(), None, "2027-12-31", {}, load_action(), SURVEY)
    assert call(late, "events").achieved == 3
    assert call(late, "cooperation_agreements").achieved == 2
    assert late.period.after == {}
