"""A plausible first stretch of the action's outcomes for the demo, consistent with its plan.

From the action's start to the end of its third reporting period (``REPORT_END``): the
European work-package-3 workshops, dissemination, consortium meetings and the plan's
status in 2026, then for every mission of the plan that starts by ``REPORT_END`` an event
(organised by the mission's lead cluster), C2C and B2B meetings of the members the plan
sent, and per country the cooperation cases they started. The records are written as one
outcome file (the canonical format of ``docs/outcomes-format.md``) and imported through
the same use case as ``elca-match outcomes import``, so the demo's ``report indicators``
has every table filled.
"""

from __future__ import annotations

import csv
from dataclasses import replace
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..outcomes.reader import FIELDS

REPORT_END = "2027-06-30"
FILE_NAME = "outcomes-demo.csv"

# Third-country organisations met in each target country: (name, kind). Fictional.
PARTNERS: dict[str, tuple[tuple[str, str], ...]] = {
    "JP": (("Chubu Lightweight Cluster", "cluster"), ("Kansai Composite Association", "intermediary"),
           ("Nagoya Light Parts KK", "sme"), ("Tokai Materials Research Institute", "rto")),
    "US": (("Great Lakes Lightweight Alliance", "cluster"), ("Puget Sound Aerospace Council", "intermediary"),
           ("Seattle Composites LLC", "sme"), ("Detroit Forming Inc", "large")),
    "IN": (("Pune Auto Component Cluster", "cluster"), ("Chennai Rail Suppliers Association", "intermediary"),
           ("Pune Lightweight Pvt Ltd", "sme")),
    "MX": (("Bajío Automotive Cluster", "cluster"), ("Querétaro Moldes SA", "sme")),
    "BR": (("São Paulo Mobility Cluster", "cluster"), ("Campinas Compósitos Ltda", "sme")),
    "CL": (("Santiago Advanced Materials Cluster", "cluster"),),
    "CO": (("Bogotá Automotive Cluster", "cluster"),),
}
EVENT_KIND = {"exploratory": "preparatory", "showcase": "b2b", "expert_visit": "c2c", "final": "b2b"}
CLUSTER_COUNTRIES = {"AMZ": "DE", "MECH": "IT", "BIC": "PL", "POLYM": "FR", "MAV": "ES"}
# Sectors beyond mobility some cases reach (the other project indicators count them).
BEYOND_MOBILITY = {"IN": "energy", "BR": "construction"}


def demo_outcome_rows(plan: Any, cohort: Any, seed: int) -> list[dict[str, str]]:
    """The outcome records for ``plan`` (a planning.Plan) and ``cohort`` (the demo's), as file rows."""
    rng = random.Random(seed)
    members = _member_types(cohort)
    resubmitted = {_org_key(r.answers) for r in cohort.responses if r.origin == "resubmission"}
    rows: list[dict[str, str]] = []
    rows += _partners()
    rows += _first_months()
    cases_by_country: dict[str, int] = {}
    missions = [m for m in plan.missions if (m.start_date or "") and m.start_date <= REPORT_END]
    for number, mission in enumerate(missions, 1):
        country = mission.country
        if country not in PARTNERS:
            continue
        sent = [a for a in plan.on_mission(mission.id) if a.member in members]
        smes = [a.member for a in sent if members[a.member] == "sme"]
        # Members who answered the survey twice first, so call indicator 7 has answers to compare.
        smes.sort(key=lambda key: (key not in resubmitted, rng.random()))
        local = PARTNERS[country]
        cluster_id = _org_id(country, 0)
        business = [i for i, (_, kind) in enumerate(local) if kind in ("sme", "large")]
        day = mission.start_date
        lead = mission.lead_cluster or "AMZ"
        event_id = f"EV-{mission.id}"
        rows.append(_row("event", event_id, name=f"{_kind_label(mission.type)} {mission.region or country}",
                         date=day, kind=EVENT_KIND.get(mission.type, "preparatory"), mission=mission.id,
                         parties=";".join([lead, *smes[:3]]), partners=cluster_id, organised="yes",
                         description=f"Mission {mission.id} of the plan"))
        rows.append(_row("meeting", f"MT-{mission.id}-C", date=day, kind="c2c", event=event_id, mission=mission.id,
                         parties=lead, partners=cluster_id))
        for index, sme in enumerate(smes[:2]):
            if business:
                rows.append(_row("meeting", f"MT-{mission.id}-B{index + 1}", date=day, kind="b2b", event=event_id,
                                 mission=mission.id, parties=sme,
                                 partners=_org_id(country, business[index % len(business)])))
        if cases_by_country.get(country) or not smes:
            continue
        cases_by_country[country] = number
        sector = (mission.sectors or ("automotive",))[0]
        rows.append(_row("case", f"CASE-{country}-1", name=f"{lead} MoU with {local[0][0]}", date=_end(mission),
                         kind="2", parties=f"{lead};{smes[0]}", partners=cluster_id, objectives="13;14",
                         sector=sector, description="Memorandum of understanding on joint supplier scouting",
                         main_steps="Exploratory mission; MoU signed on site",
                         next_steps="Joint matchmaking at the final mission"))
        if business and len(smes) > 1:
            partner = business[-1]
            confidential = local[partner][1] == "large"
            title = "Supply agreement" if confidential else "Pilot project"
            rows.append(_row("case", f"CASE-{country}-2", name=f"{title} in {mission.region or country}",
                             date=_end(mission), kind="4" if confidential else "1", parties=smes[1],
                             partners=_org_id(country, partner), objectives="3" if confidential else "1;2",
                             sector=BEYOND_MOBILITY.get(country, sector),
                             agreement="business" if confidential else "", status="signed" if confidential else "",
                             confidential="yes" if confidential else "",
                             description="Supply of lightweight parts" if confidential
                             else "Joint prototype of a lightweight part",
                             main_steps="B2B meeting on the mission; samples exchanged",
                             next_steps="Series offer" if confidential else "Joint funding application"))
    return rows


def write_outcome_file(rows: Sequence[dict[str, str]], path: Path) -> Path:
    """Write the records as a canonical outcome file (CSV, UTF-8)."""
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=list(FIELDS))
        writer.writeheader()
        writer.writerows(rows)
    return path


def _row(record: str, id: str, **values: str) -> dict[str, str]:
    return {"record": record, "id": id, **values}


def _org_id(country: str, index: int) -> str:
    return f"ORG-{country}-{index + 1}"


def _org_key(answers: dict[str, Any]) -> str:
    org_id = str(answers.get("org_id") or "").replace(" ", "").upper()
    return f"id:{org_id}" if org_id else ""


def _member_types(cohort: Any) -> dict[str, str]:
    """Member key -> org type, for members with a VAT/PIC id (their key does not depend on spelling)."""
    return {key: r.answers.get("org_type") or "" for r in cohort.responses if (key := _org_key(r.answers))}


def _kind_label(mission_type: str) -> str:
    return {"exploratory": "Exploratory mission", "showcase": "Showcase", "expert_visit": "Expert visit",
            "final": "Final mission"}.get(mission_type, "Mission")


def _end(mission: Any) -> str:
    return mission.end_date or mission.start_date


def _partners() -> list[dict[str, str]]:
    return [_row("org", _org_id(country, index), name=name, country=country, kind=kind)
            for country, orgs in PARTNERS.items() for index, (name, kind) in enumerate(orgs)]


def _first_months() -> list[dict[str, str]]:
    """2026: the consortium at work before the missions (WP 3, WP 4, WP 5 and the plan's status)."""
    rows = [
        _row("consortium_meeting", "CM-1", name="Kick-off meeting", date="2026-01-22", parties="AMZ;MECH;BIC;POLYM;MAV"),
        _row("consortium_meeting", "CM-2", name="Jour fixe", date="2026-04-09", parties="AMZ;MECH;BIC;POLYM;MAV"),
        _row("consortium_meeting", "CM-3", name="Partner workshop on the calendar of visits", date="2026-09-10",
             parties="AMZ;MECH;BIC;POLYM;MAV"),
        _row("consortium_meeting", "CM-4", name="Jour fixe", date="2027-02-09", parties="AMZ;MECH;BIC;POLYM;MAV"),
        _row("dissemination", "DIS-1", name="Project website and LinkedIn page launched", date="2026-03-02",
             kind="website", reached_smes="60", reached_rtos="10", reached_clusters="6", reached_policy="2"),
        _row("dissemination", "DIS-2", name="ELCA newsletter 1", date="2026-10-15", kind="newsletter",
             reached_smes="140", reached_rtos="22", reached_clusters="9", reached_policy="6"),
        _row("dissemination", "DIS-3", name="ELCA at the JEC World composites fair", date="2027-03-05", kind="event",
             reached_smes="90", reached_rtos="15", reached_clusters="12", reached_policy="3"),
        _row("partnership", "PS-1", name="Cluster Go International partnership on e-mobility", date="2026-11-05",
             kind="cluster_partnership", parties="AMZ;MAV", description="Exchange on mission formats and contacts",
             main_steps="Joint webinar", next_steps="Shared matchmaking at a trade fair"),
        _row("partnership", "PS-2", name="EU Gateway to Japan business mission", date="2027-02-01",
             kind="eu_initiative", parties="POLYM", description="Alignment of the Japan missions",
             main_steps="Coordination call", next_steps="Joint delegation"),
        _row("milestone", "MS1", achieved="yes", date="2026-06-30"),
        _row("milestone", "MS2", achieved="yes", date="2026-08-28", comment="Postponed to M8 with D1.1"),
        _row("deliverable", "D4.1", achieved="yes", date="2026-06-26"),
        _row("deliverable", "D1.1", achieved="yes", date="2026-08-31", comment="Extension of deadline approved, M8"),
        _row("deliverable", "D1.2", achieved="yes", date="2026-09-15", comment="Extension of deadline approved, M9"),
        _row("deliverable", "D2.1", achieved="yes", date="2026-09-30"),
        _row("deliverable", "D3.1", achieved="yes", date="2026-09-30"),
        _row("deliverable", "D4.2", achieved="yes", date="2026-12-18"),
        _row("deliverable", "D5.1", achieved="yes", date="2026-03-31"),
        _row("deliverable", "D5.2", achieved="yes", date="2026-03-31"),
        _row("deliverable", "D5.3", achieved="yes", date="2026-07-31"),
        _row("deliverable", "D5.4", achieved="yes", date="2027-01-29"),
    ]
    for number, (cluster, country) in enumerate(CLUSTER_COUNTRIES.items(), 1):
        rows.append(_row("event", f"EV-WP3-{number}", name=f"National lightweight workshop ({cluster})",
                         date=f"2026-{4 + number:02d}-14", country=country, kind="national_workshop", parties=cluster,
                         organised="yes"))
        rows.append(_row("dissemination", f"DIS-PR-{number}", name=f"Press release by {cluster}",
                         date=f"2026-{1 + number:02d}-20", kind="article", reached_smes="25", reached_rtos="3",
                         reached_clusters="2", reached_policy="2"))
    rows += [
        _row("event", "EV-WP3-6", name="European Cluster Alliance meeting", date="2026-11-18", country="BE",
             kind="international_meeting", parties="AMZ;MECH"),
        _row("event", "EV-WP3-7", name="Lightweight cross-cluster forum", date="2027-05-26", country="FR",
             kind="international_event", parties="POLYM;BIC;MAV", organised="yes"),
    ]
    for number, country in enumerate(("CL", "CO", "IN", "BR"), 1):
        rows.append(_row("contact", f"CT-{number}", name=f"Introductory call ({country})", date=f"2026-{8 + number:02d}-05",
                         partners=_org_id(country, 0), parties="MAV" if country in ("CL", "CO") else "MECH"))
    return rows


FOLLOW_UP_FILE = "follow-up-survey.csv"
FOLLOW_UP_DATE = "2027-06-21 10:00:00"


def case_members(rows: Sequence[dict[str, str]]) -> list[str]:
    """The member keys that are parties to the cooperation cases among ``rows``."""
    keys = [p for r in rows if r["record"] == "case" for p in r.get("parties", "").split(";") if p.startswith("id:")]
    return list(dict.fromkeys(keys))


def follow_up_responses(cohort: Any, keys: Sequence[str], seed: int) -> list[Any]:
    """The follow-up survey of the members with a cooperation case (call indicator 7): each answers
    again with a few more employees, the way the action measures growth at its end."""
    rng = random.Random(seed + 7)
    latest = {}
    for response in cohort.responses:
        key = _org_key(response.answers)
        if key in keys:
            latest[key] = response
    answers = []
    for key in keys:
        if key not in latest:
            continue
        response = latest[key]
        grown = dict(response.answers)
        if isinstance(grown.get("employees"), int):
            grown["employees"] = max(1, round(grown["employees"] * rng.uniform(1.03, 1.15)))
        grown["submitted_at"] = FOLLOW_UP_DATE
        answers.append(replace(response, answers=grown, origin="resubmission"))
    return answers
