"""One example (or a few) per command, shown at the end of its --help.

Keyed by the command's path below ``elca-match``; ``tests/test_cli_conventions.py``
fails when a command has none, so a new command comes with its example.
"""

from __future__ import annotations

EXAMPLES: dict[str, tuple[str, ...]] = {
    "ingest": ("elca-match ingest amz-limesurvey.csv mech-kobo.xlsx",
               "elca-match ingest answers.csv --dry-run",
               "cat answers.csv | elca-match ingest -"),
    "reprocess": ("elca-match reprocess",),
    "forget": ('elca-match forget "Leichtbau Sachsen GmbH" --yes',
               "elca-match forget DE.123.456.789 --yes",
               "elca-match forget --finish"),
    "rank": ("elca-match rank --country japan",
             "elca-match rank --country japan --details",
             "elca-match rank --country japan --country india --cluster AMZ,MECH --top 5"),
    "plan": ("elca-match plan --cluster-min-seats 2",
             "elca-match plan --format xlsx --out plan.xlsx"),
    "plan list": ("elca-match plan list",),
    "plan show": ("elca-match plan show 3 --format csv --table unfilled",),
    "plan diff": ("elca-match plan diff 1 3",),
    "plan adopt": ("elca-match plan adopt 3",),
    "plan discard": ("elca-match plan discard 2",),
    "demo": ("elca-match demo --out demo-out",),
    "check": ("elca-match check --quick",),
    "members list": ("elca-match members list --cluster AMZ --cluster MECH",),
    "members show": ('elca-match members show "Leichtbau Sachsen GmbH"',),
    "opportunities import": ("elca-match opportunities import catalogue.xlsx",
                             "elca-match opportunities import --builtin"),
    "opportunities list": ("elca-match opportunities list --country japan --sector automotive",),
    "opportunities show": ("elca-match opportunities show JP-AUT-01",),
    "opportunities check": ("elca-match opportunities check",
                            "elca-match opportunities check --today 2027-01-15 --format md"),
    "missions import": ("elca-match missions import missions.csv",
                        "elca-match missions import --builtin"),
    "missions list": ("elca-match missions list --country latin-america",),
    "export shortlist": ("elca-match export shortlist --country japan --out japan.xlsx",
                         "elca-match export shortlist --country japan --lang de --with-contacts --out japan-de.xlsx"),
    "export report": ("elca-match export report --country japan",
                      "elca-match export report --country japan --out japan.html"),
    "export calendar": ("elca-match export calendar --out missions.ics",
                        "elca-match export calendar --member \"Leichtbau Sachsen GmbH\" --out my-trips.ics"),
    "survey template": ("elca-match survey template --lang de --out fragebogen.xlsx",),
    "survey xlsform": ("elca-match survey xlsform --out d12-xlsform.xlsx",),
    "survey show": ("elca-match survey show --lang pl",),
    "outcomes import": ("elca-match outcomes import outcomes.xlsx",),
    "outcomes list": ("elca-match outcomes list --kind case",),
    "outcomes add event": ('elca-match outcomes add event --name "Nagoya lightweight forum" --date 2027-03-09 '
                           "--kind c2c --country JP --party AMZ",),
    "outcomes add meeting": ('elca-match outcomes add meeting --date 2027-03-10 --kind b2b '
                             '--party "Leichtbau Sachsen GmbH" --partner ORG-1',),
    "outcomes add org": ('elca-match outcomes add org --name "Chubu Composites Cluster" --country Japan --kind cluster',),
    "outcomes add case": ('elca-match outcomes add case --name "Composite MoU" --date 2027-02-18 --kind 2 '
                          "--party AMZ --partner ORG-1 --objective rd",),
    "survey limesurvey": ("elca-match survey limesurvey --out d12.txt",),
    "survey googleforms": ("elca-match survey googleforms --lang fr --out d12-fr.gs",),
    "outcomes add steps": ('elca-match outcomes add steps --case CASE-1 --main-steps "MoU signed in Nagoya" '
                           '--next-steps "Joint supplier day"',),
    "outcomes add dissemination": ('elca-match outcomes add dissemination --name "Press release" --date 2027-01-15 '
                                   "--channel article --smes 120 --rtos 20 --clusters 8 --policy-actors 5",),
    "outcomes add consortium-meeting": ('elca-match outcomes add consortium-meeting --name "Jour fixe" '
                                        "--date 2027-02-09 --party AMZ --party MECH",),
    "outcomes add partnership": ('elca-match outcomes add partnership --name "Cluster Go International partnership" '
                                 "--date 2027-04-20 --kind cluster_partnership --party AMZ",),
    "outcomes add contact": ("elca-match outcomes add contact --date 2027-02-01 --partner ORG-5 --party MAV",),
    "outcomes add milestone": ("elca-match outcomes add milestone MS1 --achieved --date 2026-06-30",),
    "outcomes add deliverable": ("elca-match outcomes add deliverable D1.1 --achieved --date 2026-08-28",),
    "report agreements": ("elca-match report agreements --period 3",
                          "elca-match report agreements --to 2027-12 --format xlsx --out d22-register.xlsx"),
    "model coverage": ("elca-match model coverage",),
    "partners import": ("elca-match partners import japan-partners.xlsx",),
    "partners add": ('elca-match partners add --name "Nagoya Light Metals" --country JP --kind sme '
                     '--sectors automotive --offers "Magnesium die casting"',),
    "partners list": ("elca-match partners list --country japan",),
    "partners show": ("elca-match partners show JP-CAC --with-contacts",),
    "partners merge": ('elca-match partners merge JP-NLM "Nagoya Light Metals"',),
    "agenda request": ('elca-match agenda request --mission M06 --from "Compositi Emilia Srl" --to JP-TKB --priority 1',),
    "agenda session": ("elca-match agenda session --mission M06 --day 2027-02-18 --start 09:00 --end 12:30 "
                       '--slot-minutes 20 --tables 8 --breaks "10:40-11:00"',),
    "agenda suggest": ("elca-match agenda suggest --mission M06 --per-member 5",
                       "elca-match agenda suggest --mission M06 --accept"),
    "agenda schedule": ("elca-match agenda schedule --mission M06",),
    "agenda lock": ('elca-match agenda lock --mission M06 "Leichtbau Sachsen GmbH" JP-CAC',),
    "agenda show": ('elca-match agenda show --mission M06 --participant "Leichtbau Sachsen GmbH" --lang de',),
    "agenda export": ("elca-match agenda export --mission M06 --format xlsx --out m06-agenda.xlsx",
                      "elca-match agenda export --mission M06 --format ics --out m06-calendars"),
    "agenda held": ("elca-match agenda held --mission M06 --file attendance.csv",),
    "agenda import requests": ("elca-match agenda import requests requests.xlsx",),
    "agenda import sessions": ("elca-match agenda import sessions sessions.csv",),
    "agenda import availability": ("elca-match agenda import availability availability.csv --mission M06",),
    "report indicators": ("elca-match report indicators --to 2027-06-30 --format xlsx --out indicators.xlsx",),
}


def epilog(path: str) -> str | None:
    """The examples of the command at ``path`` as a help epilog, or None when it has none."""
    examples = EXAMPLES.get(path)
    if not examples:
        return None
    # Blank lines keep rich's help from joining the examples into one paragraph.
    return "Examples:\n\n" + "\n\n".join(f"  $ {e}" for e in examples)
