"""Third-country partners: the one register that meeting requests, agendas and outcome
records name. A file (CSV or XLSX) or one command-line record becomes :class:`Partner`
records; a partner whose name closely matches another's in the same country is refused
as a likely duplicate, naming the match.

Codes (sectors, stages, materials, technologies) are the questionnaire's, so partner and
member profiles live in the same vector space; ``needs`` and ``offers`` are free text in
any language.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..catalogue.fields import Checked, Column, RowReader, check_rows
from ..errors import Option, Problem
from ..questionnaire import Questionnaire
from ..records.partners import Partner
from ..tabular import Row, SourceInfo, Table
from ..text import fold

KINDS = ("cluster", "intermediary", "sme", "large", "rto", "university", "public", "other")
COLUMNS = (
    Column("id", required=True), Column("name", required=True), Column("country", required=True), Column("region"),
    Column("kind", required=True), Column("sectors"), Column("value_chain_stages"), Column("materials"),
    Column("technologies"), Column("needs"), Column("offers"), Column("languages"), Column("website"),
    Column("contact_name"), Column("contact_email"), Column("consent"), Column("description"),
)
FIELDS = tuple(c.name for c in COLUMNS)
# Partner column -> the questionnaire question whose choice codes it takes.
VOCABULARY = {"sectors": "sectors", "value_chain_stages": "value_chain_stages", "materials": "materials",
              "technologies": "technologies"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Legal forms that do not tell two organisations apart ("Toyota Boshoku Corp." = "Toyota Boshoku").
_LEGAL = re.compile(r"\b(co|ltd|inc|corp|corporation|company|kk|k k|gmbh|ag|sa|srl|spa|llc|plc|limited|"
                    r"kabushiki kaisha|association|assoc)\b")
SIMILAR = 0.88


def name_key(name: str) -> str:
    """A name folded for duplicate detection: case, accents, punctuation and legal forms dropped."""
    text = re.sub(r"[^\w]+", " ", fold(name))
    return re.sub(r"\s+", " ", _LEGAL.sub(" ", text)).strip() or fold(name)


def close_duplicate(name: str, country: str, others: Iterable[Any], own_id: str = "") -> Any | None:
    """The first of ``others`` (records with id, name, country) in the same country whose name is nearly the same."""
    key = name_key(name)
    for other in others:
        if other.country != country or fold(other.id) == fold(own_id):
            continue
        theirs = name_key(other.name)
        if theirs == key or difflib.SequenceMatcher(None, key, theirs).ratio() >= SIMILAR:
            return other
    return None


def check_partners(table: Table, questionnaire: Questionnaire, stored: Sequence[Any] = ()) -> Checked:
    """Validate every row of a partners file; records come back as :class:`Partner` objects.

    A row whose name closely matches another partner of the same country (stored, or an
    earlier row of the file) under another id is a problem naming that match.
    """
    checked = check_rows(table, COLUMNS, "partners", lambda cells: _record(cells, questionnaire).as_dict())
    checked.records = [Partner(**r) for r in checked.records]
    known: list[Any] = list(stored)
    for record, row in zip(checked.records, checked.rows):
        match = close_duplicate(record.name, record.country, known, own_id=record.id) if record.country else None
        if match is not None:
            checked.problems.append(Problem("partner_duplicate", file=table.source.name, row=row, column="name",
                                            value=record.name, params={"other": match.name, "other_id": match.id}))
        known = [k for k in known if fold(k.id) != fold(record.id)] + [record]
    checked.problems.sort(key=lambda p: p.row or 0)
    return checked


def partner_from_values(values: dict[str, str], questionnaire: Questionnaire, stored: Sequence[Any] = ()) -> Checked:
    """One partner from column -> text (``partners add``); problems name the option instead of a file."""
    header = list(FIELDS)
    table = Table(SourceInfo("", "", "", "csv"), header, [Row(2, [str(values.get(n) or "") for n in header])])
    checked = check_partners(table, questionnaire, stored)
    checked.problems = [dataclasses.replace(p, file=None, row=None, column=p.column and Option(p.column))
                        for p in checked.problems]
    return checked


def _record(cells: RowReader, questionnaire: Questionnaire) -> Partner:
    email = cells.text("contact_email")
    if email and not _EMAIL.match(email):
        cells.problem("bad_email", "contact_email", email)
        email = ""
    consent_text = cells.text("consent")
    consent = False
    if consent_text:
        code = questionnaire.match_choice("consent", consent_text)
        if code is None:
            cells.problem("bad_consent", "consent", consent_text)
        consent = code == "yes"
    return Partner(
        id=cells.text("id", required=True),
        name=cells.text("name", required=True),
        country=cells.country("country", required=True) or "",
        kind=cells.one_of("kind", KINDS, required=True) or "",
        region=cells.text("region"),
        **{name: tuple(cells.choices(name, questionnaire, question)) for name, question in VOCABULARY.items()},
        needs=cells.text("needs"),
        offers=cells.text("offers"),
        languages=tuple(p.lower() for p in cells.references("languages")),
        website=cells.text("website"),
        contact_name=cells.text("contact_name"),
        contact_email=email,
        consent=consent,
        description=cells.text("description"),
    )
