"""Deliverable D2.2's register: the cooperation and business agreements of the action.

An agreement is a cooperation case of type 2 (formal agreement signed, e.g. an MoU) or any
case recorded as a cooperation or business agreement (template footnotes 3 and 4). Pure
functions over outcome records; the partner of a confidential case is shown by type only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import markets
from ..export import Document, Section
from ..records.outcomes import Case, Outcomes
from . import vocabulary as v
from .indicators import in_window, outside

TITLE = "D2.2 Cooperation agreements: register of cooperation and business agreements"
COLUMNS = ("No.", "Agreement", "Kind of agreement", "EU parties", "3rd-country partner", "Country",
           "Types of cooperation objectives", "Sector / Technology", "Status", "Date signed")


@dataclass
class AgreementRow:
    """One agreement of the register."""

    id: str
    name: str
    kind: str  # cooperation | business
    parties: list[str]
    partners: list[str]  # names, or "confidential (type)"
    countries: list[str]  # names
    objectives: str  # template category numbers
    sector_technology: str
    status: str
    date: str
    confidential: bool = False


@dataclass
class AgreementRegister:
    """The register for one window, with what falls outside it."""

    period: str
    start: str | None
    end: str | None
    rows: list[AgreementRow] = field(default_factory=list)
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        """Agreements by kind (cooperation, business)."""
        return {kind: sum(1 for r in self.rows if r.kind == kind) for kind in ("cooperation", "business")}


def is_agreement(case: Case) -> bool:
    """A formal agreement (type 2) or a case recorded as a cooperation or business agreement."""
    return case.case_type == "formal_agreement" or case.agreement is not None


def register(outcomes: Outcomes, start: str | None, end: str | None, sector_labels: dict[str, str],
             period: str) -> AgreementRegister:
    """The agreements dated ``start``..``end``, oldest first."""
    orgs = outcomes.org_index()
    agreements = [c for c in outcomes.cases if is_agreement(c)]
    before, after = outside(Outcomes(cases=agreements), start, end)
    result = AgreementRegister(period, start, end, before=before, after=after)
    for case in sorted((c for c in agreements if in_window(c.date, start, end)), key=lambda c: (c.date, c.id)):
        partners = [orgs.get(p.casefold()) for p in case.partners]
        shown = [(f"confidential ({v.term(v.PARTNER_TYPES, o.org_type).label.lower()})" if case.confidential
                  else o.name) if o is not None else ref for o, ref in zip(partners, case.partners)]
        sectors = ", ".join(sector_labels.get(s, s) for s in case.sectors)
        result.rows.append(AgreementRow(
            case.id, case.name, case.agreement or "cooperation",
            [p.ref if p.kind == "cluster" else p.name for p in case.parties], shown,
            [markets.country_name(c) for c in case.countries],
            ", ".join(v.objective_number(o) for o in case.objectives),
            " / ".join(part for part in (sectors, case.technology) if part),
            v.term(v.CASE_STATUSES, case.status).label if case.status else "", case.date, case.confidential))
    return result


def register_document(result: AgreementRegister) -> Document:
    """The register as one table (md, csv, json, xlsx), with the period and what falls outside it."""
    kinds = {"cooperation": "Cooperation agreement", "business": "Business agreement"}
    rows = [[n, r.name, kinds.get(r.kind, r.kind), ", ".join(r.parties), ", ".join(r.partners), ", ".join(r.countries),
             r.objectives, r.sector_technology, r.status, r.date] for n, r in enumerate(result.rows, 1)]
    notes = ["Types of cooperation objectives are the template's category numbers: "
             + ", ".join(f"{t.number} {t.label}" for t in v.OBJECTIVES if t.number is not None) + "."]
    if not rows:
        notes.insert(0, "(no agreement in this period)")
    left_out = [f"{sum(d.values())} {where} it" for where, d in (("before", result.before), ("after", result.after))
                if sum(d.values())]
    summary = {"period": result.period,
               "agreements": ", ".join(f"{n} {kind}" for kind, n in result.counts.items()),
               "outside the period": ("not listed: " + ", ".join(left_out) + " (agreements dated outside it)")
               if left_out else "no agreement is dated outside it"}
    section = Section("Register of cooperation and business agreements (annex to D2.2)", list(COLUMNS), rows,
                      notes=notes, meta={"table": "agreements"}, table="agreements", sheet="Agreements (D2.2 annex)",
                      wrap_columns=("Agreement", "EU parties", "3rd-country partner", "Sector / Technology"))
    return Document(TITLE, [section], summary=summary, data=result)
