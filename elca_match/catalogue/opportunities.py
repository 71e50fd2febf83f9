"""The opportunity catalogue file (D1.1): check it and turn its rows into normalised records.

Sectors, value-chain stages, materials, technologies, cooperation types and the TRL
range come from the questionnaire, so a member's answers and an opportunity speak the
same codes. Market maturity and priority belong to the catalogue itself (see the brief).
"""

from __future__ import annotations


from ..errors import Problem
from ..questionnaire import Questionnaire
from ..records import OPPORTUNITY_FIELDS, Opportunity, from_values
from ..tabular import Table
from ..text import split_multi
from .fields import Checked, Column, RowReader, check_rows

REQUIRED = {"id", "title", "country", "sector", "value_chain_stage", "description"}
# The file's columns are the record's fields.
COLUMNS = tuple(Column(name, required=name in REQUIRED) for name in OPPORTUNITY_FIELDS)
FIELDS = OPPORTUNITY_FIELDS
MARKET_MATURITIES = ("mature", "emerging")
PRIORITY_RANGE = (1, 5)
# How sure a row is; a file without the column is taken as unverified, since nobody said otherwise.
STATUSES = ("verified", "partly_verified", "unverified")

# Catalogue column -> the questionnaire question whose choices it uses.
VOCABULARY = {"sector": "sectors", "value_chain_stage": "value_chain_stages", "materials": "materials",
              "technologies": "technologies", "cooperation_types": "cooperation_types", "trl": "trl"}


def trl_range(questionnaire: Questionnaire) -> tuple[int, int]:
    """The TRL scale as the questionnaire defines it (1..9)."""
    question = questionnaire.question(VOCABULARY["trl"])
    return (question.min if question.min is not None else 1, question.max if question.max is not None else 9)


def check_opportunities(table: Table, questionnaire: Questionnaire) -> Checked:
    """Validate every row of an opportunity file; return the records and every problem found."""
    return check_rows(table, COLUMNS, "opportunity", lambda cells: _record(cells, questionnaire))


def _record(cells: RowReader, questionnaire: Questionnaire) -> Opportunity:
    low, high = trl_range(questionnaire)
    record = {
        "id": cells.text("id", required=True),
        "title": cells.text("title", required=True),
        "country": cells.country("country", required=True),
        "region": cells.text("region"),
        "sector": cells.choice("sector", questionnaire, VOCABULARY["sector"], required=True),
        "value_chain_stage": cells.choice("value_chain_stage", questionnaire, VOCABULARY["value_chain_stage"],
                                          required=True),
        "description": cells.text("description", required=True),
        "materials": cells.choices("materials", questionnaire, VOCABULARY["materials"]),
        "technologies": cells.choices("technologies", questionnaire, VOCABULARY["technologies"]),
        "trl_min": cells.integer("trl_min", low, high),
        "trl_max": cells.integer("trl_max", low, high),
        "cooperation_types": cells.choices("cooperation_types", questionnaire, VOCABULARY["cooperation_types"]),
        "market_maturity": cells.one_of("market_maturity", MARKET_MATURITIES),
        "policy_driver": cells.text("policy_driver"),
        "priority": cells.integer("priority", *PRIORITY_RANGE),
        "source": "",
        "sources": _sources(cells),
        "status": cells.one_of("status", STATUSES) or "unverified",
        "checked_on": cells.date("checked_on"),
        "valid_from": cells.date("valid_from"),
        "valid_to": cells.date("valid_to"),
        "caveats": cells.text("caveats"),
    }
    # `source` stays one link (the first source that is one), for readers that know only the old column.
    links = [s for s in record["sources"] if is_link(s)] or record["sources"]
    record["source"] = links[0] if links else ""
    if record["valid_from"] and record["valid_to"] and record["valid_from"] > record["valid_to"]:
        cells.problem("validity_order", "valid_to", record["valid_to"], low=record["valid_from"],
                      high=record["valid_to"])
    if record["trl_min"] is not None and record["trl_max"] is not None and record["trl_min"] > record["trl_max"]:
        cells.problems.append(Problem("trl_order", file=cells.file, row=cells.row.number,
                                      column=cells.headers.get("trl_min", "trl_min"),
                                      params={"low": record["trl_min"], "high": record["trl_max"]}))
    return from_values(Opportunity, record)


def _sources(cells: RowReader) -> list[str]:
    """Every source of the row, ``sources`` (official first) then the old single ``source``, each once."""
    found: list[str] = []
    for part in split_multi(cells.raw("sources")) + split_multi(cells.raw("source")):
        if part not in found:
            found.append(part)
    return found


def is_link(source: str) -> bool:
    """True for a source given as a web address (the others are citations such as a gazette number)."""
    return source.startswith(("https://", "http://"))
