"""The missions file (D2.1 calendar): check it and turn its rows into normalised records.

Lead clusters and sectors come from the questionnaire (cluster codes are data); the
opportunity ids a mission serves must already be in the database, so the caller passes
the ids it knows. Mission types are the brief's four kinds.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import Problem, did_you_mean
from ..questionnaire import Questionnaire
from ..records import MISSION_FIELDS, Mission, from_values
from ..tabular import Table
from ..text import closest, fold
from .fields import Checked, Column, RowReader, check_rows

REQUIRED = {"id", "country", "type", "seats"}
# The file's columns are the record's fields.
COLUMNS = tuple(Column(name, required=name in REQUIRED) for name in MISSION_FIELDS)
FIELDS = MISSION_FIELDS
MISSION_TYPES = ("exploratory", "showcase", "expert_visit", "final")

# Missions column -> the questionnaire question whose choices it uses.
VOCABULARY = {"lead_cluster": "cluster", "sectors": "sectors"}


def check_missions(table: Table, questionnaire: Questionnaire, opportunity_ids: Iterable[str]) -> Checked:
    """Validate every row of a missions file against the questionnaire and the known opportunity ids.

    Opportunity references are returned with the casing stored in the database.
    """
    known = {fold(i): i for i in opportunity_ids}
    return check_rows(table, COLUMNS, "missions", lambda cells: _record(cells, questionnaire, known))


def _record(cells: RowReader, questionnaire: Questionnaire, known: dict[str, str]) -> Mission:
    record = {
        "id": cells.text("id", required=True),
        "country": cells.country("country", required=True),
        "type": cells.one_of("type", MISSION_TYPES, required=True),
        "seats": cells.positive("seats", required=True),
        "region": cells.text("region"),
        "start_date": cells.date("start_date"),
        "end_date": cells.date("end_date"),
        "lead_cluster": cells.choice("lead_cluster", questionnaire, VOCABULARY["lead_cluster"]),
        "sectors": cells.choices("sectors", questionnaire, VOCABULARY["sectors"]),
        "opportunities": [],
    }
    if record["start_date"] and record["end_date"] and record["end_date"] < record["start_date"]:
        cells.problems.append(Problem("date_order", file=cells.file, row=cells.row.number,
                                      column=cells.headers.get("end_date", "end_date"), value=record["end_date"],
                                      params={"low": record["start_date"], "high": record["end_date"]}))
    for ref in cells.references("opportunities"):
        stored = known.get(fold(ref))
        if stored is None:
            cells.problem("unknown_reference", "opportunities", ref, what="opportunity",
                          suggestion=did_you_mean(closest(ref, known.values())))
        else:
            record["opportunities"].append(stored)
    return from_values(Mission, record)
