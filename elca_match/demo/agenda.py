"""The demo's mission meetings: a synthetic register of Japanese partners (clusters and companies
around Aichi/Chubu and Kansai), suggestions of who should meet whom, a schedule for the Japan
exploratory mission and the agendas people carry, all through the real services.

The organisations are invented; their profiles use the questionnaire's codes, and their needs
and offers are typed in English or Japanese, as partners write them.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from ..partners.records import FIELDS

MISSION_COUNTRY = "JP"
MISSION_TYPE = "exploratory"
SUGGESTIONS_PER_MEMBER = 4
TIME_LIMIT = 3.0

# name, kind, region, sectors, stages, materials, technologies, needs, offers
PARTNERS = (
    ("Chubu Lightweight Mobility Cluster", "cluster", "Aichi", "automotive;aerospace", "production;integration",
     "cfrp;aluminium;hybrid", "rtm;adhesive_bonding", "European partners for multi-material car bodies",
     "Introductions to Tier-1 suppliers around Nagoya"),
    ("Aichi Composite Forum", "intermediary", "Aichi", "automotive", "materials;production", "cfrp;thermoplastic",
     "compression_moulding;injection_moulding", "熱可塑性CFRPの量産技術を持つ欧州企業", "Matchmaking days with OEM buyers"),
    ("Nagoya Aero Parts Association", "intermediary", "Aichi", "aerospace", "production;integration",
     "cfrp;titanium", "autoclave;fibre_placement;ndt", "EN9100 suppliers of composite brackets",
     "Access to the Nagoya aerospace supply chain"),
    ("Tokai Die-Cast Co.", "sme", "Shizuoka", "automotive", "production", "aluminium;magnesium", "die_casting;machining",
     "Simulation partners for thin-wall magnesium castings", "High-pressure die casting up to 4,000 t"),
    ("Mikawa Resin Works", "sme", "Aichi", "automotive", "production", "thermoplastic;natural_fibre",
     "injection_moulding", "天然繊維強化樹脂の材料供給者", "Injection moulding of interior parts"),
    ("Gifu Carbon Fibre Laboratory", "rto", "Gifu", "aerospace;automotive", "materials;design", "cfrp;sandwich",
     "simulation;fibre_placement", "Joint R&D on recyclable prepregs", "Test benches and coupon testing"),
    ("Hamamatsu Joining Systems", "sme", "Shizuoka", "automotive", "integration", "hybrid;high_strength_steel",
     "adhesive_bonding;mechanical_joining", "Structural adhesives for steel-aluminium joints",
     "Robot cells for bonding and riveting"),
    ("Chubu Regional Industry Bureau", "public", "Aichi", "automotive;aerospace", "production", "", "",
     "European investors for the Chubu region", "Soft-landing support and subsidies"),
    ("Toyohashi Recycling Technologies", "sme", "Aichi", "automotive;energy", "circularity", "cfrp;gfrp;thermoset",
     "recycling", "Buyers of recycled carbon fibre", "Pyrolysis recycling of CFRP scrap"),
    ("Kansai Mobility Materials Consortium", "cluster", "Osaka", "automotive;rail", "materials;design",
     "aluminium;thermoplastic", "forming;simulation", "Lightweight rail interiors and battery housings",
     "Network of 120 material suppliers in Kansai"),
    ("Osaka Joining Technology Centre", "rto", "Osaka", "automotive;rail;maritime", "integration;circularity",
     "aluminium;hybrid", "welding;adhesive_bonding;ndt", "Partners for friction stir welding trials",
     "接合技術の評価と非破壊検査"),
    ("Kobe Rail Interiors K.K.", "large", "Hyogo", "rail", "production;integration", "gfrp;sandwich;thermoplastic",
     "compression_moulding;mechanical_joining", "Fire-safe composite panels", "Rail interior integration"),
    ("Hyogo Precision Forming", "sme", "Hyogo", "automotive;aerospace", "production", "titanium;high_strength_steel",
     "forming;machining", "Hot forming know-how for titanium", "Precision forming and machining"),
    ("Kyoto Polymer Science Lab", "university", "Kyoto", "medical;automotive", "materials;design",
     "thermoplastic;natural_fibre", "additive_manufacturing;simulation", "Industrial partners for bio-based polymers",
     "Polymer characterisation and 3D printing"),
    ("Kansai Export Promotion Office", "intermediary", "Osaka", "automotive;rail;maritime", "production", "", "",
     "European SMEs looking for Japanese distributors", "B2B meetings and trade fair booths"),
    ("Sakai Marine Composites", "sme", "Osaka", "maritime", "production", "gfrp;sandwich", "filament_winding;pultrusion",
     "Lighter hulls and recyclable resins", "Pultruded profiles for boats"),
)


@dataclass
class AgendaDemo:
    """What the demo's agenda step produced."""

    partners: int
    mission: str
    suggestions: int
    meetings: int
    unscheduled: int
    status: str
    gap: float
    workbook: Path
    calendars: list[Path]


def write_partners(path: Path, seed: int) -> Path:
    """The synthetic partner file (the register's columns); about half agreed to share their contact."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS)
        writer.writeheader()
        for number, (name, kind, region, sectors, stages, materials, technologies, needs, offers) in enumerate(
                PARTNERS, 1):
            consent = rng.random() < 0.5
            writer.writerow({
                "id": f"JP-P{number:02d}", "name": name, "country": MISSION_COUNTRY, "region": region, "kind": kind,
                "sectors": sectors, "value_chain_stages": stages, "materials": materials, "technologies": technologies,
                "needs": needs, "offers": offers, "languages": "ja;en", "website": "",
                "contact_name": f"Contact {number:02d}", "contact_email": f"contact{number:02d}@partner.example.jp",
                "consent": "yes" if consent else "no", "description": f"{kind} in {region}",
            })
    return path


def run_agenda(db_path: Path, out_dir: Path, seed: int) -> AgendaDemo:
    """Import the partners, suggest meetings for the Japan exploratory mission, schedule them, export agendas."""
    from .. import export
    from ..export.agenda import agenda_document
    from ..export.agenda_ics import write_calendars
    from ..services import agenda
    from ..services.agenda_labels import labellers
    from ..services.catalogue import list_missions
    from ..services.partners import import_partners

    imported = import_partners(db_path, write_partners(out_dir / "partners-japan.csv", seed))
    _, missions = list_missions(db_path, "japan")
    mission = next(m for m in missions if m.type == MISSION_TYPE)
    first = dt.date.fromisoformat(mission.start_date)
    for offset, (start, end, tables) in enumerate((("09:00", "17:00", 8), ("09:00", "12:30", 6))):
        day = (first + dt.timedelta(days=offset + 1)).isoformat()
        agenda.add_session(db_path, mission.id, day, start, end, 30, tables,
                           "12:30-13:30" if end > "13:00" else None)
    suggested = agenda.suggest(db_path, mission.id, SUGGESTIONS_PER_MEMBER, accept=True)
    agenda.schedule_mission(db_path, mission.id, time_limit=TIME_LIMIT)
    result = agenda.agenda(db_path, mission.id)
    workbook = out_dir / f"agenda-{mission.id}.xlsx"
    who, why = labellers("en")  # the workbook people carry names labels, not choice codes
    export.write(agenda_document(result, "en", with_contacts=False, grid=True, personal=True, why_label=why,
                                 who_label=who), "xlsx", workbook)
    names = sorted({n for m in result.meetings for n in (m.requester, m.requested)})
    calendars = write_calendars(result, out_dir / f"agenda-{mission.id}-ics", names)
    return AgendaDemo(imported.total, mission.id, len(suggested.suggestions), len(result.meetings),
                      len(result.unscheduled), result.status, result.gap, workbook, calendars)
