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
    "report indicators": ("elca-match report indicators --to 2027-06-30 --format xlsx --out indicators.xlsx",),
}


def epilog(path: str) -> str | None:
    """The examples of the command at ``path`` as a help epilog, or None when it has none."""
    examples = EXAMPLES.get(path)
    if not examples:
        return None
    # Blank lines keep rich's help from joining the examples into one paragraph.
    return "Examples:\n\n" + "\n\n".join(f"  $ {e}" for e in examples)
