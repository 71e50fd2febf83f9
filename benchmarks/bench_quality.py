"""Ranking quality on a planted cohort: precision@3, recall@10 and nDCG@10 per language.

For each generated opportunity (English, like the catalogue) a few members are built to
fit it: they answer in one language (en, de, it, pl, fr, es), share only part of the
opportunity's structured profile (the sector, maybe the stage, one material, maybe the
market) and describe the rest in free text in their own words. They hide among
hundreds of distractors: random profiles, and near misses that share the sector,
country and often the stage of some opportunity but make other parts from other
materials. The phrase bank below is written independently of ``models/glossary.yaml``
(natural inflected forms, accents), so the benchmark measures the glossary rather than
echoing it.

Run: ``python benchmarks/bench_quality.py [--seeds 7,11] [--distractors N]``. Prints figures per
seed and pooled over seeds (36 opportunities per cohort, 6 per language, so one seed alone
moves in steps of 1/18); targets: precision@3 >= 0.9 overall and >= 0.8 for each
non-English language.
"""

from __future__ import annotations

import argparse
import math
import random
import time
from dataclasses import dataclass

import numpy as np

from elca_match.matching import top_k
from elca_match.profiles import load_model, member_inputs, opportunity_inputs
from elca_match.profiles.vectoriser import Vectoriser
from elca_match.questionnaire import load_questionnaire
from elca_match.records import Opportunity, from_values

from crosslingual_parts import HELD_BACK, phrasings
from crosslingual_parts import SECTOR_PARTS as XLANG_SECTOR_PARTS

LANGS = ("en", "de", "it", "pl", "fr", "es")
PLANTED_PER_OPPORTUNITY = 3
COUNTRIES = ("JP", "US", "IN", "MX", "BR", "CL", "CO", "CN", "KR", "CA")
STAGES = ("materials", "design", "production", "integration", "circularity")

# concept -> language -> ways a person writes it (inflected, with accents)
PHRASES: dict[str, dict[str, list[str]]] = {
    # materials
    "cfrp": {"en": ["carbon fibre reinforced plastics", "carbon-fibre composites", "CFRP"],
             "de": ["kohlenstofffaserverstärkten Kunststoffen", "CFK", "Kohlefaserverbund"],
             "it": ["fibra di carbonio", "compositi in fibra di carbonio"],
             "pl": ["kompozytów wzmacnianych włóknem węglowym", "włókna węglowego"],
             "fr": ["composites à fibres de carbone", "fibre de carbone"],
             "es": ["fibra de carbono", "composites de fibra de carbono"]},
    "gfrp": {"en": ["glass fibre reinforced plastics", "fibreglass"], "de": ["glasfaserverstärkten Kunststoffen", "GFK"],
             "it": ["vetroresina", "fibra di vetro"], "pl": ["laminatów szklanych", "włókna szklanego"],
             "fr": ["fibre de verre", "composites verre"], "es": ["fibra de vidrio"]},
    "aluminium": {"en": ["aluminium alloys", "aluminum"], "de": ["Aluminiumlegierungen", "Aluminium"],
                  "it": ["leghe di alluminio", "alluminio"], "pl": ["stopów aluminium", "aluminium"],
                  "fr": ["alliages d'aluminium", "aluminium"], "es": ["aleaciones de aluminio", "aluminio"]},
    "magnesium": {"en": ["magnesium alloys"], "de": ["Magnesiumlegierungen"], "it": ["leghe di magnesio"],
                  "pl": ["stopów magnezu"], "fr": ["alliages de magnésium"], "es": ["aleaciones de magnesio"]},
    "titanium": {"en": ["titanium"], "de": ["Titanlegierungen", "Titan"], "it": ["titanio"], "pl": ["tytanu"],
                 "fr": ["titane"], "es": ["titanio"]},
    "high_strength_steel": {"en": ["advanced high-strength steels", "press-hardened steel"],
                            "de": ["hochfesten Stählen", "pressgehärtetem Stahl"],
                            "it": ["acciai altoresistenziali"], "pl": ["stali wysokowytrzymałej"],
                            "fr": ["aciers à haute résistance"], "es": ["aceros de alta resistencia"]},
    "thermoplastic": {"en": ["thermoplastic composites", "thermoplastics"], "de": ["Thermoplasten", "thermoplastischen Compounds"],
                      "it": ["compositi termoplastici", "termoplastici"], "pl": ["tworzyw termoplastycznych", "termoplastów"],
                      "fr": ["composites thermoplastiques"], "es": ["termoplásticos", "composites termoplásticos"]},
    "natural_fibre": {"en": ["natural fibre composites", "flax fibres"], "de": ["Naturfaserverbundwerkstoffen", "Flachsfasern"],
                      "it": ["fibre naturali", "lino"], "pl": ["włókien naturalnych"],
                      "fr": ["fibres naturelles", "lin"], "es": ["fibras naturales"]},
    # processes
    "rtm": {"en": ["resin transfer moulding", "RTM"], "de": ["RTM-Verfahren", "Harzinjektionsverfahren"],
            "it": ["stampaggio RTM", "iniezione di resina"], "pl": ["metodą RTM", "wtrysku żywicy"],
            "fr": ["moulage par transfert de résine", "RTM"], "es": ["moldeo por transferencia de resina", "RTM"]},
    "injection_moulding": {"en": ["injection moulding"], "de": ["Spritzgießen", "Spritzguss"],
                           "it": ["stampaggio a iniezione"], "pl": ["formowania wtryskowego", "wtryskiwania"],
                           "fr": ["moulage par injection"], "es": ["moldeo por inyección"]},
    "additive_manufacturing": {"en": ["additive manufacturing", "3D printing"], "de": ["additiver Fertigung", "3D-Druck"],
                               "it": ["manifattura additiva", "stampa 3D"], "pl": ["druku 3D", "technologii addytywnych"],
                               "fr": ["fabrication additive", "impression 3D"], "es": ["fabricación aditiva", "impresión 3D"]},
    "adhesive_bonding": {"en": ["structural adhesive bonding"], "de": ["Strukturkleben", "Klebtechnik"],
                         "it": ["incollaggio strutturale"], "pl": ["klejenia konstrukcyjnego", "klejenia"],
                         "fr": ["collage structural"], "es": ["uniones adhesivas", "pegado estructural"]},
    "welding": {"en": ["laser welding", "friction stir welding"], "de": ["Laserschweißen", "Rührreibschweißen"],
                "it": ["saldatura laser"], "pl": ["spawania laserowego", "zgrzewania"],
                "fr": ["soudage laser"], "es": ["soldadura láser"]},
    "die_casting": {"en": ["high-pressure die casting"], "de": ["Druckguss", "Aluminium-Druckguss"],
                    "it": ["pressofusione"], "pl": ["odlewania ciśnieniowego"],
                    "fr": ["fonderie sous pression"], "es": ["fundición a presión", "fundición inyectada"]},
    "forming": {"en": ["hot stamping", "sheet metal forming"], "de": ["Warmumformung", "Blechumformung"],
                "it": ["stampaggio lamiera", "imbutitura"], "pl": ["tłoczenia na gorąco", "tłoczenia"],
                "fr": ["emboutissage à chaud"], "es": ["estampación en caliente"]},
    "ndt": {"en": ["non-destructive testing", "ultrasonic inspection"], "de": ["zerstörungsfreier Prüfung", "Ultraschallprüfung"],
            "it": ["controlli non distruttivi"], "pl": ["badań nieniszczących"],
            "fr": ["contrôle non destructif"], "es": ["ensayos no destructivos"]},
    "simulation": {"en": ["finite element simulation", "crash simulation"], "de": ["FEM-Simulation", "Crashsimulation"],
                   "it": ["simulazione agli elementi finiti"], "pl": ["symulacji MES", "symulacji"],
                   "fr": ["simulation par éléments finis"], "es": ["simulación por elementos finitos"]},
    "recycling": {"en": ["recycling", "end-of-life recovery"], "de": ["Recycling", "Kreislaufwirtschaft"],
                  "it": ["riciclo", "economia circolare"], "pl": ["recyklingu", "odzysku"],
                  "fr": ["recyclage", "économie circulaire"], "es": ["reciclaje", "economía circular"]},
    "filament_winding": {"en": ["filament winding"], "de": ["Nasswickeln", "Wickeltechnik"],
                         "it": ["avvolgimento filamentare"], "pl": ["nawijania włókien"],
                         "fr": ["enroulement filamentaire"], "es": ["bobinado de filamento"]},
    "fibre_placement": {"en": ["automated fibre placement"], "de": ["automatisierter Faserablage"],
                        "it": ["deposizione automatica di fibre"], "pl": ["automatycznego układania włókien"],
                        "fr": ["placement automatisé de fibres"], "es": ["colocación automática de fibras"]},
    # parts
    "body_panel": {"en": ["body panels", "body-in-white parts"], "de": ["Karosserieteile", "Karosseriebauteile"],
                   "it": ["pannelli della carrozzeria", "componenti di carrozzeria"], "pl": ["elementy nadwozia", "panele nadwozia"],
                   "fr": ["panneaux de carrosserie", "pièces de carrosserie"], "es": ["paneles de carrocería", "piezas de carrocería"]},
    "chassis": {"en": ["chassis components", "suspension arms"], "de": ["Fahrwerksteile", "Querlenker"],
                "it": ["componenti del telaio", "sospensioni"], "pl": ["elementy zawieszenia", "wahacze"],
                "fr": ["pièces de châssis", "bras de suspension"], "es": ["componentes de chasis", "brazos de suspensión"]},
    "battery_housing": {"en": ["battery housings", "battery trays"], "de": ["Batteriegehäuse", "Batteriewannen"],
                        "it": ["contenitori batteria", "vani batteria"], "pl": ["obudowy baterii", "obudowy akumulatorów"],
                        "fr": ["bacs batterie", "boîtiers batterie"], "es": ["carcasas de baterías", "bandejas de batería"]},
    "crash_structure": {"en": ["crash boxes", "bumper beams"], "de": ["Crashboxen", "Stoßfängerträger"],
                        "it": ["crash box", "traverse paraurti"], "pl": ["belki zderzaka", "absorbery energii"],
                        "fr": ["absorbeurs de choc", "poutres pare-chocs"], "es": ["vigas de parachoques", "absorbedores de impacto"]},
    "interior": {"en": ["seat structures", "cabin interiors"], "de": ["Sitzstrukturen", "Innenraumverkleidungen"],
                 "it": ["strutture dei sedili", "interni"], "pl": ["fotele", "elementy wnętrza"],
                 "fr": ["structures de sièges", "aménagements intérieurs"], "es": ["estructuras de asientos", "interiores"]},
    "aerostructure": {"en": ["wing ribs", "fuselage panels"], "de": ["Flügelrippen", "Rumpfschalen"],
                      "it": ["centine alari", "pannelli di fusoliera"], "pl": ["żebra skrzydeł", "poszycia kadłuba samolotu"],
                      "fr": ["nervures d'aile", "panneaux de fuselage"], "es": ["costillas de ala", "paneles de fuselaje"]},
    "rolling_stock": {"en": ["railway car bodies", "bogie frames"], "de": ["Wagenkästen", "Drehgestellrahmen"],
                      "it": ["casse ferroviarie", "carrelli ferroviari"], "pl": ["pudła wagonów", "wózki wagonowe"],
                      "fr": ["caisses de train", "bogies"], "es": ["cajas de tren", "bogies"]},
    "hull": {"en": ["boat hulls", "ship superstructures"], "de": ["Bootsrümpfe", "Schiffsrümpfe"],
             "it": ["scafi", "sovrastrutture navali"], "pl": ["kadłuby jachtów", "kadłuby statków"],
             "fr": ["coques de bateaux", "coques"], "es": ["cascos de barcos", "cascos"]},
    "wind_blade": {"en": ["wind turbine blades", "rotor blades"], "de": ["Rotorblätter", "Rotorblattkomponenten"],
                   "it": ["pale eoliche"], "pl": ["łopaty turbin wiatrowych", "łopaty wirnika"],
                   "fr": ["pales d'éoliennes"], "es": ["palas eólicas", "palas de aerogeneradores"]},
    "pressure_vessel": {"en": ["hydrogen pressure vessels", "type IV tanks"], "de": ["Wasserstoffdrucktanks", "Druckbehälter"],
                        "it": ["serbatoi in pressione per idrogeno"], "pl": ["zbiorniki ciśnieniowe na wodór", "zbiorniki wodoru"],
                        "fr": ["réservoirs d'hydrogène sous pression"], "es": ["tanques de hidrógeno", "depósitos a presión"]},
    # sectors
    "automotive": {"en": ["automotive OEMs", "the car industry"], "de": ["die Automobilindustrie", "Pkw-Hersteller"],
                   "it": ["il settore automobilistico"], "pl": ["branży motoryzacyjnej", "motoryzacji"],
                   "fr": ["l'industrie automobile"], "es": ["el sector de automoción", "la automoción"]},
    "aerospace": {"en": ["aircraft manufacturers", "aerospace"], "de": ["die Luftfahrtindustrie", "Flugzeugbau"],
                  "it": ["il settore aeronautico"], "pl": ["przemysłu lotniczego", "lotnictwa"],
                  "fr": ["l'aéronautique"], "es": ["la industria aeronáutica"]},
    "rail": {"en": ["rolling stock manufacturers", "railways"], "de": ["die Bahnindustrie", "Schienenfahrzeuge"],
             "it": ["il settore ferroviario"], "pl": ["kolejnictwa", "przemysłu kolejowego"],
             "fr": ["l'industrie ferroviaire"], "es": ["el sector ferroviario"]},
    "maritime": {"en": ["shipyards", "the marine industry"], "de": ["Werften", "den Schiffbau"],
                 "it": ["la nautica", "i cantieri navali"], "pl": ["przemysłu stoczniowego", "stoczni"],
                 "fr": ["la construction navale"], "es": ["la construcción naval", "astilleros"]},
    "energy": {"en": ["the wind energy sector", "renewable energy"], "de": ["die Windenergie", "erneuerbare Energien"],
               "it": ["il settore eolico", "le rinnovabili"], "pl": ["energetyki wiatrowej", "energetyki"],
               "fr": ["l'éolien", "les énergies renouvelables"], "es": ["la energía eólica", "las renovables"]},
}

SECTOR_PARTS = {"automotive": ["body_panel", "chassis", "battery_housing", "crash_structure", "interior"],
                "aerospace": ["aerostructure", "interior"], "rail": ["rolling_stock", "interior"],
                "maritime": ["hull"], "energy": ["wind_blade", "pressure_vessel"]}
MATERIALS = ["cfrp", "gfrp", "aluminium", "magnesium", "titanium", "high_strength_steel", "thermoplastic", "natural_fibre"]
PROCESSES = ["rtm", "injection_moulding", "additive_manufacturing", "adhesive_bonding", "welding", "die_casting",
             "forming", "ndt", "simulation", "recycling", "filament_winding", "fibre_placement"]
SECTOR_OF_CODE = {"energy": "energy"}

TEMPLATES = {
    "en": ["We manufacture {part} from {material} using {process} for {sector}.",
           "Our team supplies {part} in {material}; core process: {process}. Customers: {sector}."],
    "de": ["Wir fertigen {part} aus {material} im Verfahren {process} für {sector}.",
           "Unser Unternehmen liefert {part} aus {material}, Schwerpunkt {process}, Kunden: {sector}."],
    "it": ["Produciamo {part} in {material} tramite {process} per {sector}.",
           "L'azienda realizza {part} in {material}; tecnologia principale: {process}; clienti: {sector}."],
    "pl": ["Produkujemy {part} z {material} z wykorzystaniem {process} dla {sector}.",
           "Firma dostarcza {part} z {material}, specjalizacja: {process}, klienci z {sector}."],
    "fr": ["Nous fabriquons des {part} en {material} par {process} pour {sector}.",
           "Notre entreprise livre des {part} en {material}; procédé principal : {process}; clients : {sector}."],
    "es": ["Fabricamos {part} de {material} mediante {process} para {sector}.",
           "La empresa suministra {part} de {material}; proceso principal: {process}; clientes: {sector}."],
}
FILLER = {
    "en": ["Family-owned company with a strong engineering team.", "We are ISO certified and export worldwide."],
    "de": ["Mittelständisches Familienunternehmen mit eigener Entwicklung.", "Wir exportieren weltweit."],
    "it": ["Azienda familiare con un forte reparto tecnico.", "Esportiamo in tutto il mondo."],
    "pl": ["Rodzinna firma z własnym działem badawczo-rozwojowym.", "Eksportujemy na cały świat."],
    "fr": ["Entreprise familiale avec un bureau technique intégré.", "Nous exportons dans le monde entier."],
    "es": ["Empresa familiar con oficina técnica propia.", "Exportamos a todo el mundo."],
}


@dataclass
class Member:
    """What member_input reads: a key and normalised answers."""

    org_key: str
    answers: dict
    lang: str
    planted_for: str | None = None


def phrase(rng: random.Random, concept: str, lang: str) -> str:
    return rng.choice(PHRASES[concept][lang])


def member_text(rng: random.Random, lang: str, part: str, material: str, process: str, sector: str,
                keep: float = 1.0) -> tuple[str, set[str]]:
    """A capability text and the concepts it mentions; each of part, material and process is
    mentioned with probability ``keep`` (never more than one of them left out)."""
    slots = {"part": part, "material": material, "process": process}
    dropped = [s for s in slots if rng.random() > keep][:1]
    values = {s: ("" if s in dropped else phrase(rng, c, lang)) for s, c in slots.items()}
    values["sector"] = phrase(rng, sector, lang)
    text = rng.choice(TEMPLATES[lang]).format(**values)
    mentioned = {c for s, c in slots.items() if s not in dropped} | {sector}
    return f"{text} {rng.choice(FILLER[lang])}", mentioned


def fits(answers: dict, mentioned: set[str], o: dict) -> bool:
    """Whether a generated member really fits ``o``: its sector, and two of: the opportunity's part,
    one of its materials, one of its processes (as answers or in the text)."""
    if o["sector"] not in answers["sectors"]:
        return False
    have = mentioned | set(answers["materials"]) | set(answers["technologies"])
    return (o["_part"] in have) + bool(have & set(o["materials"])) + bool(have & set(o["technologies"])) >= 2


def twins(a: dict, b: dict) -> bool:
    """Two opportunities close enough that a member built for one would fit the other as well."""
    return a["sector"] == b["sector"] and (a["_part"] == b["_part"]) + bool(set(a["materials"]) & set(b["materials"])) \
        + bool(set(a["technologies"]) & set(b["technologies"])) >= 2


def make_opportunities(rng: random.Random, n: int) -> list[dict]:
    """``n`` opportunities cycling through every (sector, part) pair, none a twin of another
    (see :func:`twins`), so that each has its own fitting members."""
    opportunities: list[dict] = []
    pairs = [(sector, part) for sector, parts in SECTOR_PARTS.items() for part in parts]
    while len(opportunities) < n:
        sector, part = pairs[len(opportunities) % len(pairs)]
        for _ in range(10_000):
            candidate = {"sector": sector, "_part": part, "materials": rng.sample(MATERIALS, 2),
                         "technologies": rng.sample(PROCESSES, 2)}
            if not any(twins(candidate, o) for o in opportunities):
                break
        else:
            raise SystemExit(f"cannot make {n} distinct opportunities; ask for fewer")
        materials, processes = candidate["materials"], candidate["technologies"]
        country = rng.choice(COUNTRIES)
        low = rng.randint(2, 7)
        text_m, text_p = (" and ".join(rng.choice(PHRASES[c]["en"]) for c in group) for group in (materials, processes))
        opportunities.append({
            "id": f"OPP-{len(opportunities):03d}", "country": country, "sector": sector,
            "value_chain_stage": rng.choice(STAGES),
            "title": f"{rng.choice(PHRASES[part]['en']).capitalize()} in {rng.choice(PHRASES[materials[0]]['en'])}",
            "description": f"Manufacturers in {country} for {rng.choice(PHRASES[sector]['en'])} look for partners "
                           f"supplying {rng.choice(PHRASES[part]['en'])} made of {text_m}, produced by {text_p}.",
            "materials": materials, "technologies": processes,
            "trl_min": low, "trl_max": min(9, low + rng.randint(1, 3)),
            "cooperation_types": rng.sample(["rd", "exports", "joint_venture", "technology_transfer"], 2),
            "_part": part, "_lang": LANGS[len(opportunities) % len(LANGS)],
        })
    return opportunities


def planted(rng: random.Random, o: dict, index: int) -> Member:
    """A member built to fit ``o``, answering in the opportunity's group language.

    English answers overlap more of the structured profile; the others only partly
    (materials and technologies often left unticked, stage and market sometimes other)
    and say the rest in free text, in their own words.
    """
    lang = o["_lang"]
    full = lang == "en"
    others = [s for s in SECTOR_PARTS if s != o["sector"]]
    answers = {
        "sectors": [o["sector"]] + ([rng.choice(others)] if rng.random() < 0.2 else []),
        "value_chain_stages": [o["value_chain_stage"] if rng.random() < (0.8 if full else 0.6) else rng.choice(STAGES)],
        "materials": ([rng.choice(o["materials"])] if rng.random() < (0.8 if full else 0.4) else [])
                     + ([rng.choice(MATERIALS)] if rng.random() < 0.3 else []),
        "technologies": [rng.choice(o["technologies"])] if rng.random() < (0.7 if full else 0.3) else [],
        "trl": rng.randint(o["trl_min"], o["trl_max"]) if rng.random() < 0.8 else None,
        "target_markets": ([o["country"]] if rng.random() < (0.7 if full else 0.5) else []) + rng.sample(COUNTRIES, 1),
        "cooperation_types": rng.sample(["rd", "exports", "joint_venture", "business_contacts"], 2),
    }
    answers["capabilities"], _ = member_text(rng, lang, o["_part"], rng.choice(o["materials"]),
                                             rng.choice(o["technologies"]), o["sector"], keep=0.8 if full else 0.9)
    return Member(f"P-{o['id']}-{index}", answers, lang, o["id"])


def distractor(rng: random.Random, opportunities: list[dict], index: int) -> Member:
    """A random member, or (half of them) a near miss of some opportunity: same sector and country,
    often the same stage, other part, materials and processes. Redrawn while it would really fit
    some opportunity (see :func:`fits`): a distractor must not be a hidden right answer."""
    while True:
        lang = rng.choice(LANGS)
        if rng.random() < 0.5:
            o = rng.choice(opportunities)
            sector = o["sector"]
            parts = [p for p in SECTOR_PARTS[sector] if p != o["_part"]] or SECTOR_PARTS[sector]
            materials = [m for m in MATERIALS if m not in o["materials"]]
            processes = [p for p in PROCESSES if p not in o["technologies"]]
            answers = {
                "sectors": [sector],
                "value_chain_stages": [o["value_chain_stage"] if rng.random() < 0.5 else rng.choice(STAGES)],
                "materials": [rng.choice(materials)],
                "technologies": [rng.choice(processes)],
                "trl": rng.randint(1, 9),
                "target_markets": [o["country"]],
                "cooperation_types": rng.sample(["rd", "exports", "joint_venture", "business_contacts"], 2),
            }
            text, mentioned = member_text(rng, lang, rng.choice(parts), rng.choice(materials), rng.choice(processes),
                                          sector)
        else:
            sector = rng.choice(list(SECTOR_PARTS))
            answers = {
                "sectors": sorted({sector, *rng.sample(list(SECTOR_PARTS), rng.randint(0, 1))}),
                "value_chain_stages": rng.sample(STAGES, rng.randint(1, 2)),
                "materials": rng.sample(MATERIALS, rng.randint(1, 3)),
                "technologies": rng.sample(PROCESSES, rng.randint(0, 3)),
                "trl": rng.randint(1, 9) if rng.random() < 0.8 else None,
                "target_markets": rng.sample(COUNTRIES, rng.randint(0, 3)),
                "cooperation_types": rng.sample(["rd", "exports", "joint_venture", "business_contacts"], 2),
            }
            text, mentioned = member_text(rng, lang, rng.choice(SECTOR_PARTS[sector]), rng.choice(MATERIALS),
                                          rng.choice(PROCESSES), sector)
        if not any(fits(answers, mentioned, o) for o in opportunities):
            answers["capabilities"] = text
            return Member(f"D-{index:04d}", answers, lang)


def record(o: dict) -> Opportunity:
    """The catalogue record of a generated opportunity (its ``_`` keys are the benchmark's own)."""
    return from_values(Opportunity, {"region": "", **{k: v for k, v in o.items() if not k.startswith("_")}})


def metrics(ranked: list[str], relevant: set[str]) -> tuple[float, float, float]:
    """precision@3, recall@10, nDCG@10 with binary gains."""
    p3 = sum(1 for k in ranked[:3] if k in relevant) / 3
    r10 = sum(1 for k in ranked[:10] if k in relevant) / len(relevant)
    dcg = sum(1 / math.log2(i + 2) for i, k in enumerate(ranked[:10]) if k in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    return p3, r10, dcg / ideal


def evaluate(seed: int, n_opportunities: int, n_distractors: int, q, model) -> dict:
    """Generate one planted cohort, rank it, and return per-language metric rows plus timings."""
    rng = random.Random(seed)
    opportunities = make_opportunities(rng, n_opportunities)
    members = [planted(rng, o, i) for o in opportunities for i in range(PLANTED_PER_OPPORTUNITY)]
    members += [distractor(rng, opportunities, i) for i in range(n_distractors)]
    rng.shuffle(members)

    started = time.perf_counter()
    records = [record(o) for o in opportunities]
    vectoriser = Vectoriser(model)
    X = vectoriser.fit_transform([*member_inputs(members, q, model), *opportunity_inputs(records, model)])
    M, O = X[: len(members)], X[len(members):]
    built = time.perf_counter() - started
    started = time.perf_counter()
    best = top_k(O, M, 10)
    ranked_in = time.perf_counter() - started

    per_lang: dict[str, list[tuple[float, float, float]]] = {lang: [] for lang in LANGS}
    for i, o in enumerate(opportunities):
        ranked = [members[j].org_key for j, _ in best.pairs(i)]
        relevant = {m.org_key for m in members if m.planted_for == o["id"]}
        per_lang[o["_lang"]].append(metrics(ranked, relevant))
    return {"per_lang": per_lang, "built": built, "ranked": ranked_in, "features": X.shape[1],
            "members": len(members)}


# --- cross-lingual cohort: the part alone decides -------------------------------------------

XLANG_DECOYS = 6        # decoys per opportunity, each naming another part of the same sector
XLANG_BACKGROUND = 200  # random members around them
SPLITS = ("covered", "held-back")


def part_text(rng: random.Random, lang: str, part: str, material: str, process: str, sector: str) -> str:
    """A capability text naming ``part`` in ``lang``; material, process and sector phrases are given."""
    name = rng.choice(phrasings(part)[lang])
    return f"{rng.choice(TEMPLATES[lang]).format(part=name, material=material, process=process, sector=sector)} " \
           f"{rng.choice(FILLER[lang])}"


def crosslingual(seed: int, q, model, decoys: int = XLANG_DECOYS, background: int = XLANG_BACKGROUND) -> dict:
    """One cohort: for every (sector, part, language) an English opportunity, three planted members and
    ``decoys`` members with the same structured answers, all writing in that language; the planted
    name the opportunity's part, the decoys another part of the sector. Returns P@3 per split and language."""
    rng = random.Random(seed)
    opportunities: list[dict] = []
    members: list[Member] = []
    for sector, parts in XLANG_SECTOR_PARTS.items():
        for part in parts:
            for lang in LANGS:
                material, process = rng.choice(MATERIALS), rng.choice(PROCESSES)
                country, stage, low = rng.choice(COUNTRIES), rng.choice(STAGES), rng.randint(2, 7)
                o = {"id": f"X-{len(opportunities):03d}", "country": country, "sector": sector,
                     "value_chain_stage": stage,
                     "title": f"{rng.choice(phrasings(part)['en']).capitalize()} in {rng.choice(PHRASES[material]['en'])}",
                     "description": f"Manufacturers in {country} for {rng.choice(PHRASES[sector]['en'])} look for "
                                    f"suppliers of {rng.choice(phrasings(part)['en'])} made of "
                                    f"{rng.choice(PHRASES[material]['en'])}, produced by {rng.choice(PHRASES[process]['en'])}.",
                     "materials": [material], "technologies": [process],
                     "trl_min": low, "trl_max": min(9, low + 2),
                     "cooperation_types": rng.sample(["rd", "exports", "joint_venture", "technology_transfer"], 2),
                     "_part": part, "_lang": lang, "_split": "held-back" if part in HELD_BACK else "covered"}
                opportunities.append(o)
                answers = {"sectors": [sector], "value_chain_stages": [stage], "materials": [material],
                           "technologies": [process], "trl": rng.randint(low, low + 2), "target_markets": [country],
                           "cooperation_types": list(o["cooperation_types"])}
                # one wording of material, process and sector per opportunity: only the part differs
                shared = (phrase(rng, material, lang), phrase(rng, process, lang), phrase(rng, sector, lang))
                for i in range(PLANTED_PER_OPPORTUNITY):
                    members.append(Member(f"P-{o['id']}-{i}", {**answers, "capabilities": part_text(rng, lang, part, *shared)},
                                          lang, o["id"]))
                others = [p for p in parts if p != part]
                for i, other in enumerate(rng.sample(others, min(decoys, len(others)))):
                    members.append(Member(f"D-{o['id']}-{i}", {**answers, "capabilities": part_text(rng, lang, other, *shared)},
                                          lang))
    for i in range(background):
        sector = rng.choice(list(XLANG_SECTOR_PARTS))
        lang = rng.choice(LANGS)
        material, process = rng.choice(MATERIALS), rng.choice(PROCESSES)
        answers = {"sectors": [sector], "value_chain_stages": rng.sample(STAGES, 2), "materials": [material],
                   "technologies": [process], "trl": rng.randint(1, 9), "target_markets": rng.sample(COUNTRIES, 2),
                   "cooperation_types": rng.sample(["rd", "exports", "joint_venture", "business_contacts"], 2)}
        text = part_text(rng, lang, rng.choice(XLANG_SECTOR_PARTS[sector]), phrase(rng, material, lang),
                         phrase(rng, process, lang), phrase(rng, sector, lang))
        members.append(Member(f"B-{i:04d}", {**answers, "capabilities": text}, lang))
    rng.shuffle(members)

    started = time.perf_counter()
    records = [record(o) for o in opportunities]
    X = Vectoriser(model).fit_transform([*member_inputs(members, q, model), *opportunity_inputs(records, model)])
    built = time.perf_counter() - started
    best = top_k(X[len(members):], X[: len(members)], 3)
    scores: dict[tuple[str, str], list[float]] = {(s, lang): [] for s in SPLITS for lang in LANGS}
    for i, o in enumerate(opportunities):
        ranked = [members[j].org_key for j, _ in best.pairs(i)]
        scores[(o["_split"], o["_lang"])].append(sum(1 for k in ranked if k.startswith(f"P-{o['id']}-")) / 3)
    return {"scores": scores, "members": len(members), "opportunities": len(opportunities), "built": built}


def report_crosslingual(seeds: list[int], q, model) -> None:
    """Print precision@3 per language for the covered and the held-back split, pooled over ``seeds``."""
    pooled: dict[tuple[str, str], list[float]] = {(s, lang): [] for s in SPLITS for lang in LANGS}
    for seed in seeds:
        run = crosslingual(seed, q, model)
        for key, values in run["scores"].items():
            pooled[key] += values
        print(f"  seed {seed:>4}: {run['opportunities']} opportunities, {run['members']} members, "
              f"profiles built in {run['built']:.2f} s")
    print(f"{'split':<11}" + "".join(f"{lang:>7}" for lang in LANGS) + f"{'overall':>9}   (P@3, pooled over seeds)")
    for split in SPLITS:
        every = [v for lang in LANGS for v in pooled[(split, lang)]]
        cells = "".join(f"{np.mean(pooled[(split, lang)]):>7.3f}" for lang in LANGS)
        low = [lang for lang in LANGS if np.mean(pooled[(split, lang)]) < 0.75]
        flag = ("" if np.mean(every) >= 0.9 else "   below target 0.9") + (f"   below 0.75: {', '.join(low)}" if low else "")
        print(f"{split:<11}{cells}{np.mean(every):>9.3f}{flag if split == 'held-back' else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", default="7,11,23,5,42,99", help="comma-separated cohort seeds")
    parser.add_argument("--opportunities", type=int, default=36)
    parser.add_argument("--distractors", type=int, default=600)
    parser.add_argument("--cohort", choices=("planted", "crosslingual", "both"), default="both",
                        help="the planted cohort, the cross-lingual parts cohort, or both")
    args = parser.parse_args()
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    q = load_questionnaire()
    model = load_model(q)
    if args.cohort in ("crosslingual", "both"):
        print(f"cross-lingual cohorts: every part of {len(XLANG_SECTOR_PARTS)} sectors x {len(LANGS)} languages, "
              f"{PLANTED_PER_OPPORTUNITY} planted members and {XLANG_DECOYS} decoys with the same structured answers "
              f"each; held-back parts ({', '.join(sorted(HELD_BACK))}) are not in the thesaurus")
        report_crosslingual(seeds, q, model)
    if args.cohort == "crosslingual":
        return
    print(f"planted cohorts: {args.opportunities} opportunities x {PLANTED_PER_OPPORTUNITY} planted members "
          f"among {args.distractors} distractors; seeds {', '.join(map(str, seeds))}; model {model.version}")
    pooled: dict[str, list[tuple[float, float, float]]] = {lang: [] for lang in LANGS}
    for seed in seeds:
        run = evaluate(seed, args.opportunities, args.distractors, q, model)
        rows = [r for lang in LANGS for r in run["per_lang"][lang]]
        for lang in LANGS:
            pooled[lang] += run["per_lang"][lang]
        print(f"  seed {seed:>4}: {run['members']} members, profiles built in {run['built']:.2f} s "
              f"({run['features']} features), ranked in {run['ranked'] * 1000:.1f} ms; "
              f"P@3 {np.mean([r[0] for r in rows]):.3f}")
    print(f"{'language':<10}{'opps':>6}{'P@3':>8}{'R@10':>8}{'nDCG@10':>9}   (pooled over seeds)")
    overall = []
    for lang in LANGS:
        rows = pooled[lang]
        overall += rows
        p3, r10, ndcg = (float(np.mean(col)) for col in zip(*rows))
        target = None if lang == "en" else 0.8
        flag = f"   below target {target}" if target is not None and p3 < target else ""
        print(f"{lang:<10}{len(rows):>6}{p3:>8.3f}{r10:>8.3f}{ndcg:>9.3f}{flag}")
    p3, r10, ndcg = (float(np.mean(col)) for col in zip(*overall))
    print(f"{'overall':<10}{len(overall):>6}{p3:>8.3f}{r10:>8.3f}{ndcg:>9.3f}"
          f"{'' if p3 >= 0.9 else '   below target 0.9'}")


if __name__ == "__main__":
    main()
