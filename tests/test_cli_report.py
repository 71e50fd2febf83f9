"""`elca-match report indicators`: the progress report's tables from a small history built through the CLI.

The history (tests/fixtures/outcomes): members from the survey fixture plus three more
(two SMEs, one member that is itself a cluster network), five missions, seven
third-country organisations in Japan, Mexico and the United States, and events,
meetings and cooperation cases imported from a file or added one by one; progress.csv
then marks two events as organised, adds a European WP 3 workshop, case steps,
dissemination, a consortium meeting, a partnership, a contact and plan statuses. Every
expected cell below was counted by hand from those files.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from elca_match.outcomes.document import LAYOUTS

from conftest import FIXTURES, run_cli
from test_cli_outcomes import run

HERE = FIXTURES / "outcomes"
MID_YEAR = ("--to", "2027-06-30")
FULL_YEAR = ("--to", "2027-12-31")

# Records added one by one after the file: they fall after mid-year.
LATE_RECORDS = (
    ("outcomes", "add", "event", "--name", "Kobe maritime B2B", "--date", "2027-09-14", "--kind", "b2b",
     "--mission", "M09", "--party", "DE123456789", "--partner", "ORG-2"),
    ("outcomes", "add", "meeting", "--date", "2027-09-15", "--kind", "b2b", "--party", "Leichtbau Sachsen GmbH",
     "--partner", "Nagoya Light Parts KK"),
    ("outcomes", "add", "case", "--name", "Kobe MoU", "--date", "2027-09-16", "--kind", "formal_agreement",
     "--party", "BIC", "--partner", "ORG-2", "--objective", "rd", "--sector", "maritime"),
)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """A database with the whole history, built once through the real command line."""
    db = tmp_path_factory.mktemp("history") / "elca.db"
    steps = [("ingest", FIXTURES / "survey" / "canonical_en.csv", HERE / "members.csv"),
             ("missions", "import", HERE / "missions.csv"),
             ("outcomes", "import", HERE / "history.csv"), ("outcomes", "import", HERE / "progress.csv"),
             *LATE_RECORDS]
    for step in steps:
        result = run(*step, db=db)
        assert result.exit_code == 0, (step, result.stderr)
    return db


def report(db: Path, *args: str, fmt: str = "md") -> str:
    result = run("report", "indicators", *args, "--format", fmt, db=db)
    assert result.exit_code == 0, result.stderr
    return result.stdout


# Section titles -> the keys the tests use: the template's table numbers for part II's
# tables 1-5, "legend" for the objective types, the table name (--table) for the others.
NUMBERED = {"call-indicators": "1", "events": "2", "stakeholders": "3", "cluster-cases": "4", "sme-cases": "5",
            "objective-types": "legend"}


def md_tables(text: str) -> tuple[dict[str, list[list[str]]], dict[str, list[str]]]:
    """The markdown's tables and the lines below them (without the template's note), keyed as NUMBERED says."""
    tables: dict[str, list[list[str]]] = {}
    below: dict[str, list[str]] = {}
    key = None
    notes = {layout.note for layout in LAYOUTS}
    for line in text.splitlines():
        if line.startswith("## "):
            title = line[3:]
            layout = next(x for x in LAYOUTS if title == x.title or title.startswith(x.title + ": "))
            key = NUMBERED.get(layout.key, layout.key)
        elif key and line.startswith("|"):
            cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            if not all(set(c) <= set("-:") for c in cells):
                tables.setdefault(key, []).append(cells)
        elif key and line.strip() and line.replace("\\|", "|") not in notes:
            below.setdefault(key, []).append(line.replace("\\|", "|"))
    return tables, below


EVENT_HEADER = ["TARGET COUNTRIES",
                "Preparatory events, e.g. workshop, seminars, visits (excluding C2C and B2B events)",
                "C2C Events", "C2C meetings", "B2B Events", "B2B meetings"]
STAKEHOLDER_HEADER = ["", "EU Clusters", "EU SMEs", "Clusters and other intermediary organisations from 3rd-country",
                      "SMEs and businesses in 3rd country"]
CLUSTER_CASE_HEADER = ["TARGET COUNTRIES", "Type", "Nb.", "Cooperation case (name/nb)", "Brief description",
                       "Types of cooperation objectives (select category numbers in table below)",
                       "Sector / Technology", "3rd-country Partner name"]
SME_CASE_HEADER = ["", "Name", "Nb.", "Brief description",
                   "Types of cooperation objectives (select category numbers in table below)", "Sector / Technology",
                   "3rd-country Partner type of organisation (and name if not confidential)"]
CALL_HEADER = ["Call Indicator", "Achieved (cumulated results)", "Target", "Comments"]
LABELS = [
    "1) Number of cluster organisations and business networks from different COSME participating countries "
    "having benefited from the supported actions",
    "2) Number of cooperation agreements resulting from the supported actions (optional for Strand 1)",
    "3) Number of business agreements resulting from the supported actions (optional for Strand 1)",
    "4) Number of events (workshops/ matchmaking events/ working group meetings) organised",
    "5) Number of cluster and business matchmaking meetings supported",
    "6) Number of SMEs having directly or indirectly benefited from the supported actions, resulting in "
    "cooperation projects",
    "7) Increase in the percentage of the turnover from international activities, and employment in Europe, of the "
    "SMEs having benefited directly and indirectly from the supported actions, as measured through a survey by the "
    "end of the action (optional for Strand 1)",
]
NO_GROWTH = "survey: 0 of the 2 SMEs with a cooperation case answered the survey twice (first and latest submission " \
            "compared)"
EMPTY5 = ["", "", "", "", ""]


def test_report__mid_year__every_cell_of_every_table(history):
    text = report(history, *MID_YEAR)
    tables, below = md_tables(text)
    assert "Detroit Forming" not in text  # the partner of a confidential case

    assert tables["1"] == [CALL_HEADER,
        [LABELS[0], "5", "12", "AMZ, Leichtbau-Netzwerk Thüringen, MAV, MECH, POLYM; 7 below target"],
        [LABELS[1], "2", "38", "Cluster/Cluster: 1 of 12, Clusters/intermediaries: 0 of 6, SME/SME: 1 of 20; "
                               "36 below target"],
        [LABELS[2], "1", "10", "Detroit supply contract; 9 below target"],
        # Organised only: two WP 2 events and the European WP 3 workshop; the others were attended.
        [LABELS[3], "3", "35", "WP 2: 2 of 22, WP 3: 1 of 13; organised, of 6 events recorded (attended ones count "
                               "in table 2); Aichi exploratory workshop (2027-02-16, Japan); Bajio supplier day "
                               "(2027-02-24, Mexico); Cross-cluster lightweight workshop (2027-05-20, Germany); "
                               "32 below target"],
        [LABELS[4], "5", "10", "C2C 2, B2B 3; 5 below target"],
        # SMEs party to a cooperation case; Plasturgie Alpes SAS, only at an event, is not one.
        [LABELS[5], "2", "100", "Composites Catalunya SL, Leichtbau Sachsen GmbH; 98 below target"],
        [LABELS[6], "not yet measured", "", NO_GROWTH]]

    assert tables["2"] == [EVENT_HEADER,
                           ["Japan", "2", "1", "1", "0", "0"],
                           ["Mexico", "0", "0", "0", "1", "1"],
                           ["United States", "0", "1", "1", "1", "2"],
                           ["TOTAL", "2", "1", "2", "2", "3"]]
    # The forum targeted Japan and the United States: in both rows, once in TOTAL, listed once.
    assert below["2"][1:] == [
        "Aichi exploratory workshop (2027-02-16, Preparatory event): Japan",
        "Bajio supplier day (2027-02-24, B2B event): Mexico",
        "Lightweight Mobility Forum (2027-03-09, C2C event): Japan and United States",
        "Detroit B2B matchmaking day (2027-03-10, B2B event): United States",
        "Tokyo showcase (2027-04-13, Preparatory event): Japan"]
    assert "rows add up to 6 while TOTAL counts 5 events" in below["2"][0]

    assert tables["3"] == [STAKEHOLDER_HEADER,
                           ["Japan", "4", "2", "2", "0"],
                           ["Mexico", "1", "1", "0", "1"],
                           ["United States", "3", "1", "1", "1"],
                           ["TOTAL", "5", "3", "3", "2"]]
    assert below["3"][1:] == [
        "Japan: EU clusters: AMZ Automotive supplier network of Saxony, Leichtbau-Netzwerk Thüringen, "
        "MECH Emilia-Romagna mechatronics and mechanics cluster, POLYM Polymeris plastics and composites; "
        "EU SMEs: Leichtbau Sachsen GmbH, Plasturgie Alpes SAS; "
        "clusters and intermediaries: Chubu Composites Cluster, Tokyo Trade Promotion Office",
        "Mexico: EU clusters: MAV Catalan advanced materials cluster; EU SMEs: Composites Catalunya SL; "
        "SMEs and businesses: Queretaro Moldes SA",
        "United States: EU clusters: AMZ Automotive supplier network of Saxony, Leichtbau-Netzwerk Thüringen, "
        "MECH Emilia-Romagna mechatronics and mechanics cluster; EU SMEs: Leichtbau Sachsen GmbH; "
        "clusters and intermediaries: Michigan Lightweight Alliance; SMEs and businesses: confidential (large company)"]
    # Detroit Forming Inc is the partner of a confidential case: never named in the report.

    assert tables["4"] == [CLUSTER_CASE_HEADER,
        ["Japan", "1)", "0", *EMPTY5],
        ["", "2)", "1", "AMZ-Chubu MoU", "MoU on joint supplier scouting (signed)", "13, 14", "Automotive",
         "Chubu Composites Cluster"],
        ["", "3)", "1", "Tokyo representation", "Desk at the trade promotion office (ongoing)", "5", "",
         "Tokyo Trade Promotion Office"],
        ["", "4)", "0", *EMPTY5],
        ["Mexico", "1)", "1", "Bajio joint pilot", "Pilot line for RTM parts (signed)", "1, 2", "Automotive / RTM",
         "Queretaro Moldes SA"],
        ["", "2)", "0", *EMPTY5], ["", "3)", "0", *EMPTY5], ["", "4)", "0", *EMPTY5],
        ["United States", "1)", "1", "Michigan exchange visits", "Exchange visits of engineers (ongoing)", "9, 13",
         "Aerospace", "Michigan Lightweight Alliance"],
        ["", "2)", "0", *EMPTY5], ["", "3)", "0", *EMPTY5], ["", "4)", "0", *EMPTY5],
        ["TOTAL", "", "4", *EMPTY5]]
    assert "by type: 1) 2, 2) 1, 3) 1, 4) 0." in below["4"][1]

    # The MoU signed by two clusters and an SME counts once per table; the supply
    # contract is confidential, so only its partner's type is shown.
    assert tables["5"] == [SME_CASE_HEADER,
        ["Japan", "AMZ-Chubu MoU", "1", "MoU on joint supplier scouting (signed)", "13, 14", "Automotive",
         "Cluster (Chubu Composites Cluster)"],
        ["Mexico", "Bajio joint pilot", "1", "Pilot line for RTM parts (signed)", "1, 2", "Automotive / RTM",
         "SME (Queretaro Moldes SA)"],
        ["United States", "Detroit supply contract", "1", "Supply of roof modules (signed)", "3",
         "Automotive / RTM", "Large company"],
        ["TOTAL", "", "3", "", "", "", ""]]
    # The exchange visits have a university as their only member party: not an SME case.
    assert below["5"][-1] == ("Not listed, since no SME is a party: Michigan exchange visits "
                              "(Politechnika Lekka, university).")

    assert tables["legend"][0] == ["Nb.", "Type of cooperation objective"]
    assert tables["legend"][1] == ["1", "Research & Development"]
    assert tables["legend"][14] == ["14", "Establishment of business contacts among members"]
    assert tables["legend"][15] == ["Other", "Other (specify)"]


def test_report__whole_year__late_records_added_on_the_command_line_counted(history):
    tables, below = md_tables(report(history, *FULL_YEAR))

    assert [row[1:] for row in tables["1"][1:]] == [
        ["6", "12", "AMZ, BIC, Leichtbau-Netzwerk Thüringen, MAV, MECH, POLYM; 6 below target"],
        ["3", "38", "Cluster/Cluster: 1 of 12, Clusters/intermediaries: 0 of 6, SME/SME: 1 of 20, Other: 1 of 0; "
                    "35 below target"],
        ["1", "10", "Detroit supply contract; 9 below target"],
        ["3", "35", "WP 2: 2 of 22, WP 3: 1 of 13; organised, of 7 events recorded (attended ones count in table 2); "
                    "Aichi exploratory workshop (2027-02-16, Japan); Bajio supplier day (2027-02-24, Mexico); "
                    "Cross-cluster lightweight workshop (2027-05-20, Germany); 32 below target"],
        ["6", "10", "C2C 2, B2B 4; 4 below target"],
        ["2", "100", "Composites Catalunya SL, Leichtbau Sachsen GmbH; 98 below target"],
        ["not yet measured", "", NO_GROWTH]]
    assert tables["2"][1:] == [["Japan", "2", "1", "1", "1", "1"],
                               ["Mexico", "0", "0", "0", "1", "1"],
                               ["United States", "0", "1", "1", "1", "2"],
                               ["TOTAL", "2", "1", "2", "3", "4"]]
    # The event added without --country took its mission's country.
    assert below["2"][-1] == "Kobe maritime B2B (2027-09-14, B2B event): Japan"
    assert tables["3"][1:] == [["Japan", "5", "2", "2", "1"],
                               ["Mexico", "1", "1", "0", "1"],
                               ["United States", "3", "1", "1", "1"],
                               ["TOTAL", "6", "3", "3", "3"]]
    assert tables["4"][2] == ["", "2)", "2", "AMZ-Chubu MoU | Kobe MoU", "MoU on joint supplier scouting (signed) | (signed)",
                              "13, 14 | 1", "Automotive | Maritime", "Chubu Composites Cluster | Nagoya Light Parts KK"]
    assert tables["4"][-1] == ["TOTAL", "", "5", *EMPTY5]
    assert [row[2] for row in tables["5"][1:]] == ["1", "1", "1", "3"]


def test_report__from_and_to__only_records_in_the_window(history):
    tables, below = md_tables(report(history, "--from", "2027-03-01", *MID_YEAR))

    assert [row[1] for row in tables["1"][1:]] == ["4", "0", "1", "1", "3", "1", "not yet measured"]
    # Mexico's records all fall in February: the country has no row in this window.
    assert tables["2"][1:] == [["Japan", "1", "1", "0", "0", "0"],
                               ["United States", "0", "1", "1", "1", "2"],
                               ["TOTAL", "1", "1", "1", "1", "2"]]
    assert below["2"][1:] == ["Lightweight Mobility Forum (2027-03-09, C2C event): Japan and United States",
                              "Detroit B2B matchmaking day (2027-03-10, B2B event): United States",
                              "Tokyo showcase (2027-04-13, Preparatory event): Japan"]
    assert tables["3"][1:] == [["Japan", "4", "1", "1", "0"],
                               ["United States", "3", "1", "1", "1"],
                               ["TOTAL", "4", "2", "2", "1"]]
    assert [(row[0], row[1], row[2]) for row in tables["4"][1:]] == [
        ("Japan", "1)", "0"), ("", "2)", "0"), ("", "3)", "1"), ("", "4)", "0"),
        ("United States", "1)", "1"), ("", "2)", "0"), ("", "3)", "0"), ("", "4)", "0"), ("TOTAL", "", "2")]
    assert [(row[0], row[2]) for row in tables["5"][1:]] == [("Japan", "0"), ("United States", "1"), ("TOTAL", "1")]


def test_report__window_boundaries__both_days_included(history):
    tables, _ = md_tables(report(history, "--from", "2027-02-16", "--to", "2027-02-16"))
    assert tables["2"][1:] == [["Japan", "1", "0", "0", "0", "0"], ["TOTAL", "1", "0", "0", "0", "0"]]


def test_report__default_end_is_today__future_records_not_counted(history):
    # The history is dated 2027; until then, the default report (to today) counts nothing.
    tables, below = md_tables(report(history))
    assert tables["2"] == [EVENT_HEADER, ["TOTAL", "0", "0", "0", "0", "0"]]
    assert below["2"][1:] == ["(no events in this period)"]
    assert [row[1] for row in tables["1"][1:]] == ["0"] * 6 + ["not yet measured"]


def test_report__json__structured_result(history):
    data = json.loads(report(history, *MID_YEAR, fmt="json"))
    assert data["countries"] == ["JP", "MX", "US"]
    assert data["events_total"]["c2c_events"] == 1
    forum = next(e for e in data["event_list"] if e["id"] == "EV-2")
    assert forum["countries"] == ["JP", "US"]
    coop = next(r for r in data["call_indicators"] if r["code"] == "cooperation_agreements")
    assert coop["breakdown"]["cluster_cluster"] == {"achieved": 1, "target": 12}


def test_report__xlsx__template_layout_with_merged_headings(history, tmp_path):
    out = tmp_path / "report.xlsx"
    result = run_cli("report", "indicators", *MID_YEAR, "--format", "xlsx", "--out", out, db=history)
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["I-1 Milestones", "I-2 Deliverables", "1 Call indicators", "1 Other project indicators",
                               "2 Events", "3 Stakeholders", "4 Cases by clusters", "5 Cases by SMEs",
                               "Objective types", "6a Details by EU clusters", "6b Details by EU SMEs",
                               "6c Other cooperation cases"]

    events = book["2 Events"]
    assert events["A4"].value == "TARGET COUNTRIES" and events["B4"].value == "EVENTS (Number)"
    assert {str(r) for r in events.merged_cells.ranges} == {"A4:A5", "B4:F4"}
    assert [c.value for c in events[5]][1:] == EVENT_HEADER[1:]
    assert [[c.value for c in row] for row in events.iter_rows(min_row=6, max_row=9)] == [
        ["Japan", 2, 1, 1, 0, 0], ["Mexico", 0, 0, 0, 1, 1], ["United States", 0, 1, 1, 1, 2],
        ["TOTAL", 2, 1, 2, 2, 3]]
    assert events["A11"].value.startswith("Please indicate the number of events attended by the partnership")
    assert events["A12"].value.startswith("Events and the third countries each targeted")
    assert events["A15"].value == "Lightweight Mobility Forum (2027-03-09, C2C event): Japan and United States"

    stakeholders = book["3 Stakeholders"]
    assert stakeholders["A4"].value.startswith("STAKEHOLDERS INVOLVEMENT in the development of activities")
    assert [c.value for c in stakeholders[9]] == ["TOTAL", 5, 3, 3, 2]

    cases = book["4 Cases by clusters"]
    assert cases["A4"].value == "TARGET COUNTRIES"
    assert cases["B4"].value.startswith("OVERVIEW OF COOPERATION CASES BY EUROPEAN CLUSTERS")
    assert cases["B5"].value.startswith("1) Collaboration project (e.g. exchange visits), 2) Formal agreements")
    assert (cases["B6"].value, cases["C6"].value) == ("Type", "Nb.")
    assert {"A4:A6", "B4:H4", "B5:C5", "A7:A10", "A11:A14", "A15:A18"} <= {str(r) for r in cases.merged_cells.ranges}
    assert [cases.cell(r, 1).value for r in (7, 11, 15, 19)] == ["Japan", "Mexico", "United States", "TOTAL"]
    assert [cases.cell(r, 3).value for r in range(7, 20)] == [0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 4]

    smes = book["5 Cases by SMEs"]
    assert smes["B5"].value == "Cooperation case (e.g. business project, innovation test, visit) (name/Nb.)"
    assert (smes["B6"].value, smes["C6"].value) == ("Name", "Nb.")
    assert [smes.cell(r, 3).value for r in range(7, 11)] == [1, 1, 1, 3]

    calls = book["1 Call indicators"]
    assert [c.value for c in calls[4]] == CALL_HEADER
    assert [calls.cell(r, 2).value for r in range(5, 12)] == [5, 2, 1, 3, 5, 2, "not yet measured"]
    assert [calls.cell(r, 3).value for r in range(5, 12)] == [12, 38, 10, 35, 10, 100, None]


def test_report__csv__one_table_per_file_chosen_with_table(history):
    text = report(history, *MID_YEAR, "--table", "events", fmt="csv").replace("\r\n", "\n")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "TARGET COUNTRIES" and all(len(r) == len(rows[0]) for r in rows)
    assert "TARGET COUNTRIES,\"Preparatory events, e.g. workshop, seminars, visits (excluding C2C and B2B events)\"" in text
    assert "\nTOTAL,2,1,2,2,3\n" in text


def test_report__after_forget__counts_kept_name_gone(history, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(history, db)
    assert run("forget", "Leichtbau Sachsen GmbH", "--yes", db=db).exit_code == 0
    text = report(db, *MID_YEAR)
    tables, _ = md_tables(text)
    assert "Leichtbau Sachsen" not in text
    assert tables["3"][-1] == ["TOTAL", "5", "3", "3", "2"]
    assert [row[1] for row in tables["1"][1:]] == ["5", "2", "1", "3", "5", "2", "not yet measured"]
    assert "(erased organisation)" in text


@pytest.mark.parametrize("args, code, needle", [
    (("--from", "2027-31-01"), 2, "--from"),
    (("--from", "2027-07-01", "--to", "2027-06-30"), 2, "is after --to"),
    (("--format", "xlsx"), 2, "--out FILE.xlsx"),
])
def test_report__bad_options__one_paragraph_error(history, args, code, needle):
    result = run("report", "indicators", *args, db=history)
    assert result.exit_code == code
    assert result.stderr.startswith("Error: ") and needle in result.stderr
    assert "Traceback" not in result.stderr


def test_report__missing_database__clear_error(tmp_path):
    result = run("report", "indicators", db=tmp_path / "none.db")
    assert result.exit_code == 6
    assert "no data" in result.stderr or "database" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_report__own_targets_file__achieved_against_it(history, tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text("indicators:\n  - {code: events, label: Events organised, target: 4}\n"
                       "  - {code: meetings, label: Meetings, target: 9}\n", encoding="utf-8")
    tables, _ = md_tables(report(history, *MID_YEAR, "--targets", str(targets)))
    assert tables["1"][1:] == [["Events organised", "3", "4",
                                "WP 2: 2, WP 3: 1; organised, of 6 events recorded (attended ones count in table 2); "
                                "Aichi exploratory workshop (2027-02-16, Japan); Bajio supplier day (2027-02-24, "
                                "Mexico); Cross-cluster lightweight workshop (2027-05-20, Germany); 1 below target"],
                               ["Meetings", "5", "9", "C2C 2, B2B 3; 4 below target"]]


def test_report__broken_targets_file__clear_error(history, tmp_path):
    targets = tmp_path / "targets.yaml"
    targets.write_text("indicators: [{code: growth, target: 1}]\n", encoding="utf-8")
    result = run("report", "indicators", "--targets", targets, db=history)
    assert result.exit_code == 3
    assert result.stderr.startswith("Error: targets.yaml: indicator 1 has no known code")


# The template's headings, copied from the progress report (tests keep their own list, so
# a heading changed in the code breaks this test rather than silently drifting).
TEMPLATE_HEADINGS = {
    "I-1 Milestones": ["Milestones to be achieved", "Expected due achievement date", "Achieved Yes/No",
                       "Actual date achieved", "Comments (e.g. why not achieved or why achieved with delay)"],
    "I-2 Deliverables": ["DELIVERABLES", "Del. no.", "Deliverable name", "WP no.", "Lead Beneficiary", "Type",
                         "Dissemination level", "Expected due delivery date", "Delivered Yes/No",
                         "Actual date delivered", "Comments"],
    "1 Call indicators": CALL_HEADER,
    "1 Other project indicators": ["Project Indicator", "Achieved (cumulated results)", "Target"],
    "2 Events": ["EVENTS (Number)", *EVENT_HEADER],
    "3 Stakeholders": STAKEHOLDER_HEADER[1:],
    "4 Cases by clusters": CLUSTER_CASE_HEADER,
    "5 Cases by SMEs": SME_CASE_HEADER[1:],
    "Objective types": ["Type of cooperation objective"],
    "6a Details by EU clusters": ["EU Cluster organisation", "Sector", "Partner organisation", "Name", "Country",
                                  "Explain/describe cooperation case (please elaborate)", "Main steps undertaken",
                                  "Next steps envisaged (if any)"],
    "6b Details by EU SMEs": ["EU SME", "Sector", "Partner organisation", "Name", "Country",
                              "Explain/describe cooperation case (please elaborate)", "Main steps undertaken",
                              "Next steps envisaged"],
    "6c Other cooperation cases": ["Main steps undertaken", "Next steps envisaged"],
}


def test_report__xlsx__one_sheet_per_template_table_with_its_headings(history, tmp_path):
    out = tmp_path / "all.xlsx"
    result = run_cli("report", "indicators", *FULL_YEAR, "--out", out, db=history)
    assert result.exit_code == 0, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == list(TEMPLATE_HEADINGS)
    for name, headings in TEMPLATE_HEADINGS.items():
        sheet = book[name]
        found = {c.value for row in sheet.iter_rows(min_row=4, max_row=6) for c in row if c.value}
        assert set(headings) <= found, (name, set(headings) - found)
    details = book["6a Details by EU clusters"]
    assert "C4:D4" in {str(r) for r in details.merged_cells.ranges}  # "Partner organisation" over Name and Country
    assert [c.value for c in book["I-1 Milestones"][5]][:3] == ["Partnership complete (MS1)", "M6 (2026-06-30)", "Yes"]


def test_report__period_and_months__same_window_and_header_says_what_is_outside(history):
    by_period = report(history, "--period", "3")
    by_months = report(history, "--from", "2027-01", "--to", "2027-06")
    assert by_period.split("## Part I")[1] == by_months.split("## Part I")[1]
    assert "- **period**: from 2027-01-01 to 2027-06-30 (reporting period 3, months 13-18 of the action)" in by_period
    # The three records added after mid-year; the milestone and deliverable statuses of 2026 still show in part I.
    assert ("- **outside the period**: not counted: 3 records dated after it (1 cases, 1 events, 1 meetings)"
            in by_period)


def test_report__default_period__ends_today_and_says_so(history):
    text = report(history)
    assert "- **period**: from the start of the action (2026-01-01) to today, " in text
    assert "records dated after it" in text


@pytest.mark.parametrize("args, needle", [
    (("--period", "9"), "--period 9 is not a reporting period of the action (1 to 4"),
    (("--period", "2", "--to", "2027-06"), "--period cannot go with --from or --to"),
    (("--table", "evnts"), "did you mean 'events'?"),
    (("--to", "2027-13"), "--to 2027-13: not a day or a month; write YYYY-MM-DD or YYYY-MM"),
    (("--from", "June 2027"), "--from June 2027: not a day or a month"),
])
def test_report__bad_period_or_table__usage_error(history, args, needle):
    result = run("report", "indicators", *args, db=history)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("Error: ") and needle in result.stderr


def test_report__csv_to_a_file__one_file_per_table(history, tmp_path):
    out = tmp_path / "report.csv"
    assert run("report", "indicators", *MID_YEAR, "--format", "csv", "--out", out, db=history).exit_code == 0
    written = sorted(p.name for p in tmp_path.glob("report-*.csv"))
    assert written == sorted(f"report-{layout.key}.csv" for layout in LAYOUTS)
    events = (tmp_path / "report-events.csv").read_text(encoding="utf-8-sig").splitlines()
    assert events[-1] == "TOTAL,2,1,2,2,3"
    one = run("report", "indicators", *MID_YEAR, "--table", "events", "--format", "csv", db=history)
    assert one.stdout.replace("\r\n", "\n").splitlines() == events


def test_agreements__d22_register__cooperation_and_business_agreements(history):
    result = run("report", "agreements", *FULL_YEAR, "--format", "json", db=history)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data["tables"]) == ["agreements"]  # a name a program can rely on, not a cut title
    assert [row["Agreement"] for row in data["tables"]["agreements"]][:1] == [data["rows"][0]["name"]]
    assert [(r["id"], r["kind"]) for r in data["rows"]] == [
        ("CASE-1", "cooperation"), ("CASE-4", "cooperation"), ("CASE-2", "business"), ("CASE-006", "cooperation")]
    detroit = data["rows"][2]
    assert detroit["partners"] == ["confidential (large company)"] and detroit["countries"] == ["United States"]
    mid = run("report", "agreements", *MID_YEAR, "--format", "md", db=history).stdout
    assert "Kobe MoU" not in mid and "not listed: 1 after it" in mid and "Detroit Forming" not in mid


def test_report__screen_and_csv__state_the_period_too(history):
    screen = run("report", "indicators", *MID_YEAR, "--table", "events", db=history)
    assert screen.exit_code == 0, screen.stderr
    assert screen.stdout.startswith("Period: from the start of the action (2026-01-01) to 2027-06-30\n"
                                    "Outside the period: not counted: 3 records dated after it")
    csv_ = run("report", "agreements", *MID_YEAR, "--format", "csv", db=history)
    assert "Period: from the start of the action (2026-01-01) to 2027-06-30" in csv_.stderr
    assert csv_.stdout.startswith("No.,Agreement,")


def test_report__typed_text__never_a_formula_or_markup(history, tmp_path):
    db = tmp_path / "copy.db"
    shutil.copy(history, db)
    hostile = "=HYPERLINK(\"http://x\")|[red]pipe[/red]"
    added = run("outcomes", "add", "case", "--name", hostile, "--date", "2027-03-01", "--kind", "1", "--party", "AMZ",
                "--partner", "ORG-1", "--objective", "rd", "--main-steps", "@SUM(A1)", db=db)
    assert added.exit_code == 0, added.stderr
    out = tmp_path / "r.xlsx"
    assert run("report", "indicators", *MID_YEAR, "--out", out, db=db).exit_code == 0
    cells = [c for sheet in openpyxl.load_workbook(out).worksheets for row in sheet.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("=", "@"))]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)  # text shown as typed, never run
    md = report(db, *MID_YEAR, "--table", "cluster-details")
    assert r'=HYPERLINK("http://x")\|\[red\]pipe\[/red\]' in md  # escaped for Markdown, the text kept
    screen = run("report", "indicators", *MID_YEAR, "--table", "cluster-details", db=db).stdout
    assert "[red]" in screen  # shown as typed, not taken as rich markup


def test_report__xlsx_to_standard_output__the_template_workbook(history, capsysbinary, monkeypatch):
    import io
    import sys

    from elca_match.cli import main

    monkeypatch.setattr(sys, "argv", ["elca-match", "--db", str(history), "report", "indicators", *MID_YEAR,
                                      "--table", "events", "--format", "xlsx", "--out", "-"])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code in (0, None)
    book = openpyxl.load_workbook(io.BytesIO(capsysbinary.readouterr().out))
    assert book.sheetnames == ["2 Events"]
