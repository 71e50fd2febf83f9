"""Part names in six languages for the cross-lingual cohort of ``bench_quality.py``.

Written by the team from its own part lists, independently of ``models/`` (plural and
inflected forms, accents, the phrasing a member would use). Two splits:

* ``COVERED``: parts the thesaurus has a concept for (its terms were written separately);
* ``HELD_BACK``: parts whose names are never added to the thesaurus (a test checks that
  none of these phrasings is a thesaurus term), so they can only match through what the
  model does with words it does not know: compounds split into known parts
  (Dachverkleidung -> roof + cladding), multi-word names read word by word, cognates
  (radôme, radomo, Radom).

Do not add a held-back phrasing, or the part itself, to ``models/thesaurus/``: the split
would then measure the thesaurus, not the generalisation.
"""

from __future__ import annotations

# part -> language -> ways a member writes it
COVERED: dict[str, dict[str, list[str]]] = {
    # automotive
    "tailgate": {"en": ["tailgates", "liftgates"], "de": ["Heckklappen"], "it": ["portelloni posteriori", "portelloni"],
                 "pl": ["klapy bagażnika"], "fr": ["hayons"], "es": ["portones traseros"]},
    "bonnet": {"en": ["bonnets", "engine hoods"], "de": ["Motorhauben"], "it": ["cofani motore"],
               "pl": ["maski silnika"], "fr": ["capots moteur"], "es": ["capós"]},
    "brake_disc": {"en": ["brake discs"], "de": ["Bremsscheiben"], "it": ["dischi freno"], "pl": ["tarcze hamulcowe"],
                   "fr": ["disques de frein"], "es": ["discos de freno"]},
    "wheel_rim": {"en": ["alloy wheels", "wheel rims"], "de": ["Leichtmetallfelgen", "Felgen"], "it": ["cerchi in lega"],
                  "pl": ["felgi aluminiowe", "felgi"], "fr": ["jantes en alliage", "jantes"],
                  "es": ["llantas de aleación"]},
    "subframe": {"en": ["subframes", "engine cradles"], "de": ["Fahrschemel", "Achsträger"], "it": ["culle motore"],
                 "pl": ["ramy pomocnicze"], "fr": ["berceaux moteur"], "es": ["subchasis", "cunas de motor"]},
    # aerospace
    "winglet": {"en": ["winglets"], "de": ["Winglets"], "it": ["winglet"], "pl": ["wingletty"], "fr": ["ailettes"],
                "es": ["winglets"]},
    "landing_gear": {"en": ["landing gears", "landing gear legs"], "de": ["Flugzeugfahrwerke"],
                     "it": ["carrelli di atterraggio"], "pl": ["podwozia samolotów"], "fr": ["trains d'atterrissage"],
                     "es": ["trenes de aterrizaje"]},
    "stringer": {"en": ["stringers"], "de": ["Stringer", "Längsversteifungen"], "it": ["stringer"],
                 "pl": ["podłużnice kadłuba"], "fr": ["raidisseurs longitudinaux"], "es": ["larguerillos"]},
    "pressure_bulkhead": {"en": ["pressure bulkheads"], "de": ["Druckschotte", "Druckkalotten"],
                          "it": ["paratie di pressurizzazione"], "pl": ["przegrody ciśnieniowe"],
                          "fr": ["fonds pressurisés"], "es": ["mamparos de presión"]},
    "wing_spar": {"en": ["wing spars"], "de": ["Flügelholme"], "it": ["longheroni alari"], "pl": ["dźwigary skrzydeł"],
                  "fr": ["longerons d'aile"], "es": ["largueros del ala"]},
    # rail
    "pantograph": {"en": ["pantographs"], "de": ["Stromabnehmer"], "it": ["pantografi"], "pl": ["pantografy"],
                   "fr": ["pantographes"], "es": ["pantógrafos"]},
    "gangway": {"en": ["gangway bellows", "gangways"], "de": ["Wagenübergänge", "Faltenbälge"],
                "it": ["intercomunicanti"], "pl": ["przejścia międzywagonowe"], "fr": ["intercirculations"],
                "es": ["fuelles de intercomunicación"]},
    "coupler": {"en": ["automatic couplers"], "de": ["Scharfenbergkupplungen", "Mittelpufferkupplungen"],
                "it": ["aggancio automatico"], "pl": ["sprzęgi automatyczne"], "fr": ["attelages automatiques"],
                "es": ["enganches automáticos"]},
    "wheelset": {"en": ["wheelsets"], "de": ["Radsätze"], "it": ["sale montate"], "pl": ["zestawy kołowe"],
                 "fr": ["essieux montés"], "es": ["ejes montados"]},
    "drivers_cab": {"en": ["driver's cabs", "driving cabs"], "de": ["Führerstände"], "it": ["cabine di guida"],
                    "pl": ["kabiny maszynisty"], "fr": ["cabines de conduite"], "es": ["cabinas del maquinista"]},
    # maritime
    "keel": {"en": ["keels", "bulb keels"], "de": ["Kiele", "Ballastkiele"], "it": ["chiglie"], "pl": ["stępki"],
             "fr": ["quilles"], "es": ["quillas"]},
    "propeller": {"en": ["propellers"], "de": ["Schiffspropeller", "Schiffsschrauben"], "it": ["eliche navali"],
                  "pl": ["śruby napędowe"], "fr": ["hélices marines"], "es": ["hélices marinas"]},
    "rudder": {"en": ["rudders"], "de": ["Ruderanlagen"], "it": ["timoni"], "pl": ["stery"], "fr": ["gouvernails"],
               "es": ["timones"]},
    "bulkhead": {"en": ["watertight bulkheads", "bulkheads"], "de": ["Schotten", "Schottwände"],
                 "it": ["paratie stagne"], "pl": ["grodzie wodoszczelne"], "fr": ["cloisons étanches"],
                 "es": ["mamparos estancos"]},
    "superstructure": {"en": ["deckhouses", "superstructures"], "de": ["Deckshäuser", "Aufbauten"],
                       "it": ["tughe", "sovrastrutture"], "pl": ["nadbudówki"], "fr": ["roufs", "superstructures"],
                       "es": ["casetas", "superestructuras"]},
}

HELD_BACK: dict[str, dict[str, list[str]]] = {
    "roof_fairing": {"en": ["roof fairings", "roof fairing panels"], "de": ["Dachverkleidungen", "Dachverkleidung"],
                     "it": ["carenature del tetto", "carenatura del tetto"], "pl": ["owiewki dachowe", "owiewkę dachu"],
                     "fr": ["carénages de toit", "carénage de toiture"], "es": ["carenados de techo", "carenado del techo"]},
    "door_cladding": {"en": ["door claddings", "door cladding"], "de": ["Türverkleidungen"],
                      "it": ["rivestimenti delle porte", "rivestimento porta"], "pl": ["okładziny drzwi"],
                      "fr": ["habillages de porte", "habillage des portes"],
                      "es": ["revestimientos de puertas", "revestimiento de puerta"]},
    "seat_backrest": {"en": ["seat backrests"], "de": ["Sitzlehnen"], "it": ["schienali dei sedili"],
                      "pl": ["oparcia siedzeń", "oparcia foteli"], "fr": ["dossiers de sièges"],
                      "es": ["respaldos de asientos"]},
    "wheel_hub": {"en": ["wheel hubs"], "de": ["Radnaben"], "it": ["mozzi ruota", "mozzi delle ruote"],
                  "pl": ["piasty kół"], "fr": ["moyeux de roue"], "es": ["bujes de rueda", "bujes de las ruedas"]},
    "battery_cover": {"en": ["battery covers", "battery lids"], "de": ["Batteriedeckel"],
                      "it": ["coperchi della batteria", "coperchi batteria"], "pl": ["pokrywy baterii", "pokrywy akumulatorów"],
                      "fr": ["couvercles de batterie"], "es": ["tapas de batería", "tapas de baterías"]},
    "mirror_housing": {"en": ["mirror housings"], "de": ["Spiegelgehäuse"], "it": ["alloggiamenti degli specchietti"],
                       "pl": ["obudowy lusterek"], "fr": ["boîtiers de rétroviseurs"], "es": ["carcasas de retrovisores"]},
    "radome": {"en": ["radomes"], "de": ["Radome"], "it": ["radome"], "pl": ["radomy"], "fr": ["radômes"],
               "es": ["radomos"]},
    "cabin_door": {"en": ["cabin doors"], "de": ["Kabinentüren"], "it": ["porte di cabina", "porte della cabina"],
                   "pl": ["drzwi kabiny"], "fr": ["portes de cabine"], "es": ["puertas de cabina"]},
    "cabin_floor_panel": {"en": ["cabin floor panels"], "de": ["Kabinenbodenplatten"],
                          "it": ["pannelli del pavimento di cabina"], "pl": ["panele podłogowe kabiny"],
                          "fr": ["panneaux de plancher de cabine"], "es": ["paneles de suelo de cabina"]},
    "window_seal": {"en": ["window seals"], "de": ["Fensterdichtungen"], "it": ["guarnizioni dei finestrini"],
                    "pl": ["uszczelki okien"], "fr": ["joints de hublots"], "es": ["juntas de ventanillas"]},
    "pantograph_cover": {"en": ["pantograph covers"], "de": ["Stromabnehmerabdeckungen"],
                         "it": ["coperture del pantografo", "coperture dei pantografi"],
                         "pl": ["osłony pantografu", "osłony pantografów"], "fr": ["capots de pantographe"],
                         "es": ["cubiertas del pantógrafo", "cubiertas de pantógrafos"]},
    "front_mask": {"en": ["front masks"], "de": ["Frontmasken"], "it": ["maschere frontali"], "pl": ["maski czołowe"],
                   "fr": ["masques frontaux"], "es": ["máscaras frontales"]},
    "hatch_cover": {"en": ["hatch covers"], "de": ["Lukendeckel"], "it": ["coperchi dei boccaporti", "coperchi di boccaporto"],
                    "pl": ["pokrywy luków"], "fr": ["couvercles d'écoutille"], "es": ["tapas de escotilla", "tapas de escotillas"]},
    "propeller_shaft": {"en": ["propeller shafts"], "de": ["Propellerwellen"], "it": ["alberi dell'elica", "alberi delle eliche"],
                        "pl": ["wały śruby napędowej"], "fr": ["arbres d'hélice"], "es": ["ejes de hélice"]},
    "rudder_blade": {"en": ["rudder blades"], "de": ["Ruderblätter"], "it": ["pale del timone"], "pl": ["pióra sterów", "pióra steru"],
                     "fr": ["pales de gouvernail"], "es": ["palas del timón"]},
    "wheelhouse_roof": {"en": ["wheelhouse roofs"], "de": ["Steuerhausdächer"], "it": ["tetti della timoneria"],
                        "pl": ["dachy sterówek", "dach sterówki"], "fr": ["toits de timonerie"],
                        "es": ["techos de la timonera"]},
}

# Which parts each sector makes (a decoy names another part of the opportunity's sector).
SECTOR_PARTS: dict[str, list[str]] = {
    "automotive": ["tailgate", "bonnet", "brake_disc", "wheel_rim", "subframe",
                   "roof_fairing", "door_cladding", "seat_backrest", "wheel_hub", "battery_cover", "mirror_housing"],
    "aerospace": ["winglet", "landing_gear", "stringer", "pressure_bulkhead", "wing_spar",
                  "radome", "cabin_door", "cabin_floor_panel", "window_seal", "seat_backrest"],
    "rail": ["pantograph", "gangway", "coupler", "wheelset", "drivers_cab",
             "roof_fairing", "pantograph_cover", "front_mask", "seat_backrest", "window_seal"],
    "maritime": ["keel", "propeller", "rudder", "bulkhead", "superstructure",
                 "hatch_cover", "propeller_shaft", "rudder_blade", "wheelhouse_roof", "door_cladding"],
}


def phrasings(part: str) -> dict[str, list[str]]:
    """The part's names per language, from whichever split holds it."""
    return COVERED.get(part) or HELD_BACK[part]
