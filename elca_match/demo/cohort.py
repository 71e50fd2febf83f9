"""A seeded synthetic cohort of cluster members that looks like the real D1.2 survey.

Each response is a coherent organisation: its materials pull in the technologies that
process them, its sectors the certifications they demand, its org type its size, TRL
and the cooperation it seeks; its free text is written from those codes in the
language it answered in. Every choice code is taken from the questionnaire definition;
the vocabulary only adds weights and words. Pure and deterministic for a given seed.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from .. import markets
from ..ingest.validate import empty_value
from ..questionnaire import Questionnaire, load_questionnaire
from ..text import slug
from . import vocabulary as V

DEFAULT_SEED = 2026
DEFAULT_SIZE = 600
ENGLISH_SHARE = 0.10
NO_CONSENT_SHARE = 0.15
NO_ORG_ID_SHARE = 0.20
DUPLICATE_SHARE = 0.015  # the same answers sent twice within minutes
RESUBMISSION_SHARE = 0.03  # the same organisation again, days later, with changed answers
SURVEY_START = dt.datetime(2026, 3, 2, 8, 0)
SURVEY_DAYS = 70


@dataclass(frozen=True)
class Response:
    """One synthetic questionnaire response: normalised answers and the language it is written in.

    ``answers`` uses the shape of a stored member's answers (question code -> code, list of
    codes, int, text, bool or ISO date text); ``origin`` says whether it is an organisation's
    first answer, an accidental duplicate or a later resubmission.
    """

    cluster: str
    lang: str
    answers: dict[str, Any]
    origin: str = "original"


@dataclass(frozen=True)
class Cohort:
    """The generated responses, in submission order within each cluster."""

    seed: int
    responses: tuple[Response, ...]
    organisations: int
    clusters: tuple[str, ...] = field(default_factory=tuple)

    def by_cluster(self) -> dict[str, list[Response]]:
        """Responses grouped per cluster code, each group in submission order."""
        groups: dict[str, list[Response]] = {code: [] for code in self.clusters}
        for response in self.responses:
            groups.setdefault(response.cluster, []).append(response)
        return groups


def generate_cohort(seed: int = DEFAULT_SEED, size: int = DEFAULT_SIZE,
                    questionnaire: Questionnaire | None = None) -> Cohort:
    """About ``size`` organisations spread over the clusters, plus a few duplicates and resubmissions."""
    q = questionnaire or load_questionnaire()
    rng = random.Random(seed)
    clusters = tuple(code for code in q.choice_codes("cluster") if code in V.CLUSTERS)
    shares = _split(size, len(clusters), rng)
    responses: list[Response] = []
    for cluster, count in zip(clusters, shares):
        maker = _Maker(q, cluster, rng)
        originals = [maker.response() for _ in range(count)]
        extras = []
        for response in rng.sample(originals, min(count, max(1, round(count * DUPLICATE_SHARE)))):
            extras.append(_duplicate(response, rng))
        for response in rng.sample(originals, min(count, max(1, round(count * RESUBMISSION_SHARE)))):
            extras.append(maker.resubmission(response))
        group = sorted(originals + extras, key=lambda r: r.answers["submitted_at"])
        responses.extend(group)
    return Cohort(seed, tuple(responses), size, clusters)


def render_answers(response: Response, questionnaire: Questionnaire | None = None,
                   separator: str = "; ") -> dict[str, str]:
    """The response as the text a person would see in an export: labels in the response's language.

    Choices become their label, countries their name, consent yes/no its label, multi-valued
    answers are joined with ``separator``; empty answers become ``''``.
    """
    q = questionnaire or load_questionnaire()
    lang = response.lang
    cells: dict[str, str] = {}
    for question in q.questions:
        value = response.answers.get(question.code)
        if value is None or value == "" or value == []:
            cells[question.code] = ""
        elif question.choices_from == "countries":
            codes = value if isinstance(value, list) else [value]
            cells[question.code] = separator.join(markets.country_name(c, lang) for c in codes)
        elif question.type == "consent":
            cells[question.code] = q.choice_label(question.code, "yes" if value else "no", lang)
        elif question.is_choice:
            codes = value if isinstance(value, list) else [value]
            cells[question.code] = separator.join(q.choice_label(question.code, c, lang) for c in codes)
        else:
            cells[question.code] = str(value)
    return cells


class _Maker:
    """Makes the responses of one cluster."""

    def __init__(self, q: Questionnaire, cluster: str, rng: random.Random):
        self.q = q
        self.cluster = cluster
        self.rng = rng
        self.profile = V.CLUSTERS[cluster]
        self.country = self.profile["country"]
        self.names = V.NAMES[self.country]
        self.used_names: set[str] = set()
        self.used_ids: set[str] = set()

    def response(self) -> Response:
        rng, q = self.rng, self.q
        lang = "en" if rng.random() < ENGLISH_SHARE else self.profile["lang"]
        org_type = _pick_one(rng, _weights(q.choice_codes("org_type"), V.ORG_TYPES))
        sectors = _pick(rng, _weights(q.choice_codes("sectors"), self.profile["sectors"]), _count(rng, 1, 3))
        stages = self._stages(org_type)
        materials = _pick(rng, _weights(q.choice_codes("materials"), self.profile["materials"]), _count(rng, 1, 4))
        technologies = self._technologies(materials, stages)
        trl_low, trl_high = V.TRL.get(org_type, (3, 8))
        targets = _pick(rng, _weights(_countries(), V.TARGET_MARKETS), _count(rng, 1, 4))
        experience = [c for c in targets if rng.random() < 0.35]
        experience += [c for c in _pick(rng, _weights(_countries(), V.TARGET_MARKETS), rng.randint(0, 2))
                       if c not in experience and c not in targets]
        name = self._name(org_type)
        first, last = rng.choice(V.PEOPLE[self.country][0]), rng.choice(V.PEOPLE[self.country][1])
        submitted = SURVEY_START + dt.timedelta(minutes=rng.randrange(SURVEY_DAYS * 24 * 60))
        answers: dict[str, Any] = {
            "org_name": name,
            "org_id": self._org_id() if rng.random() >= NO_ORG_ID_SHARE else "",
            "cluster": self.cluster,
            "country": self.country,
            "region": rng.choice(self.profile["regions"]),
            "org_type": org_type,
            "employees": _employees(rng, org_type),
            "sectors": sectors,
            "value_chain_stages": stages,
            "materials": materials,
            "technologies": technologies,
            "trl": rng.randint(trl_low, trl_high),
            "certifications": self._certifications(org_type, sectors),
            "target_markets": targets,
            "market_experience": experience,
            "cooperation_types": _pick(rng, _weights(q.choice_codes("cooperation_types"),
                                                      V.COOPERATION.get(org_type, {})), _count(rng, 2, 4)),
            "capabilities": self._capabilities(lang, org_type, sectors, materials, technologies),
            "products": self._products(lang, org_type, sectors),
            "contact_name": f"{first} {last}",
            "contact_email": f"{_ascii(first)}.{_ascii(last)}@{_ascii(name)[:40].strip('-')}.example.org",
            "consent": rng.random() >= NO_CONSENT_SHARE,
            "submitted_at": submitted.isoformat(sep=" ", timespec="seconds"),
        }
        # questions this generator has no words for (a newer questionnaire's) stay unanswered
        return Response(self.cluster, lang, {question.code: answers.get(question.code, empty_value(question))
                                             for question in self.q.questions})

    def resubmission(self, original: Response) -> Response:
        """The same organisation days later: grown, a market more, consent given, text extended."""
        rng = self.rng
        answers = dict(original.answers)
        later = dt.datetime.fromisoformat(answers["submitted_at"]) + dt.timedelta(days=rng.randint(3, 20),
                                                                                   minutes=rng.randint(0, 600))
        answers["submitted_at"] = later.isoformat(sep=" ", timespec="seconds")
        if isinstance(answers.get("employees"), int):
            answers["employees"] = max(1, round(answers["employees"] * rng.uniform(1.02, 1.2)))
        drawn = _pick(rng, _weights(_countries(), V.TARGET_MARKETS), 2)
        extra = [c for c in drawn if c not in answers["target_markets"]]
        answers["target_markets"] = answers["target_markets"] + extra[:1]
        answers["consent"] = True
        if answers.get("trl") and answers["trl"] < 9:
            answers["trl"] += 1
        if answers.get("org_id"):
            # people retype their VAT number with spaces; the key must still match
            org_id = answers["org_id"]
            answers["org_id"] = f"{org_id[:2]} {org_id[2:5]} {org_id[5:]}"
        else:
            # typed again by hand: the legal form in lower case; the name key must still match
            name = answers["org_name"]
            for legal in self.names["legal"]:
                if name.endswith(" " + legal):
                    answers["org_name"] = name[: -len(legal)] + legal.lower()
                    break
        return replace(original, answers=answers, origin="resubmission")

    def _stages(self, org_type: str) -> list[str]:
        codes = self.q.choice_codes("value_chain_stages")
        base = {"materials": 1.5, "design": 2, "production": 5, "integration": 2.5, "circularity": 1.2}
        if org_type in ("rto", "university"):
            base = {"materials": 3, "design": 5, "production": 1, "integration": 1, "circularity": 3}
        return _pick(self.rng, _weights(codes, base), _count(self.rng, 1, 3))

    def _technologies(self, materials: list[str], stages: list[str]) -> list[str]:
        weights = {code: 0.2 for code in self.q.choice_codes("technologies")}
        for key in [*materials, *stages]:
            for tech, weight in V.TECH_AFFINITY.get(key, {}).items():
                if tech in weights:
                    weights[tech] += weight
        return _pick(self.rng, weights, _count(self.rng, 1, 5, mean_extra=1.8))

    def _certifications(self, org_type: str, sectors: list[str]) -> list[str]:
        allowed = set(self.q.choice_codes("certifications"))
        chosen: list[str] = []
        industrial = org_type in ("sme", "large")
        if industrial and self.rng.random() < 0.85:
            chosen.append("iso9001")
        for sector in sectors:
            for cert in V.SECTOR_CERTIFICATIONS.get(sector, ()):
                if industrial and self.rng.random() < (0.7 if cert != "nadcap" else 0.25):
                    chosen.append(cert)
        if industrial and self.rng.random() < 0.35:
            # the definition decides the code (d12-v2 renamed iso14001 to environmental_management)
            chosen.append(self.q.match_choice("certifications", "iso14001") or "iso14001")
        return [c for c in dict.fromkeys(chosen) if c in allowed]

    def _name(self, org_type: str) -> str:
        rng, names = self.rng, self.names
        surnames = V.PEOPLE[self.country][1]
        for attempt in range(50):
            pattern = rng.choice(names.get(org_type, names["sme"]))
            name = pattern.format(prefix=rng.choice(names["prefixes"]), core=rng.choice(names["cores"]),
                                  place=rng.choice(names["places"]), legal=rng.choice(names["legal"]),
                                  surname=rng.choice(surnames))
            if attempt > 40:
                name = f"{name} {rng.choice(names['places'])}"
            if slug(name) not in self.used_names:
                self.used_names.add(slug(name))
                return name
        raise RuntimeError("the name vocabulary is too small for this cohort size")  # a bug, not user input

    def _org_id(self) -> str:
        rng, country = self.rng, self.country
        while True:
            if country == "FR":
                body = f"{rng.randint(10, 99)}{rng.randint(100_000_000, 999_999_999)}"
            elif country == "ES":
                body = f"B{rng.randint(10_000_000, 99_999_999)}"
            else:
                digits = {"DE": 9, "IT": 11, "PL": 10}.get(country, 9)
                body = str(rng.randint(10 ** (digits - 1), 10 ** digits - 1))
            org_id = f"{country}{body}"
            if org_id not in self.used_ids:
                self.used_ids.add(org_id)
                return org_id

    def _capabilities(self, lang: str, org_type: str, sectors: list[str], materials: list[str],
                      technologies: list[str]) -> str:
        rng = self.rng
        phrases = V.TECHNOLOGY_PHRASES[lang]
        items = []
        for tech in technologies[:3]:
            options = phrases.get(tech)
            if not options:
                items.append(self.q.choice_label("technologies", tech, lang))
                continue
            phrase = rng.choice(options)
            if "{product}" in phrase:
                phrase = phrase.format(product=rng.choice(self._product_pool(lang, sectors)))
            items.append(phrase)
        if org_type in ("rto", "university"):
            items.append(V.RESEARCH_SERVICES[lang])
        text = rng.choice(V.CAPABILITY_FRAMES[lang]).format(items=", ".join(items))
        if materials and rng.random() < 0.6:
            labels = ", ".join(self.q.choice_label("materials", m, lang) for m in materials)
            text += " " + V.MATERIAL_FRAMES[lang].format(items=labels)
        return text

    def _products(self, lang: str, org_type: str, sectors: list[str]) -> str:
        pool = self._product_pool(lang, sectors)
        items = self.rng.sample(pool, min(len(pool), _count(self.rng, 1, 3)))
        if org_type in ("rto", "university", "cluster"):
            items = items[:1] + [V.RESEARCH_SERVICES[lang]]
        return self.rng.choice(V.PRODUCT_FRAMES[lang]).format(items=", ".join(items))

    def _product_pool(self, lang: str, sectors: list[str]) -> list[str]:
        products = V.PRODUCTS[lang]
        pool = [p for sector in sectors for p in products.get(sector, ())]
        return pool or [p for group in products.values() for p in group]


def _duplicate(original: Response, rng: random.Random) -> Response:
    """The same answers sent again a few minutes later (a double click, a second colleague)."""
    answers = dict(original.answers)
    later = dt.datetime.fromisoformat(answers["submitted_at"]) + dt.timedelta(minutes=rng.randint(1, 30))
    answers["submitted_at"] = later.isoformat(sep=" ", timespec="seconds")
    return replace(original, answers=answers, origin="duplicate")


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """``total`` split into ``parts`` uneven but comparable shares."""
    raw = [rng.uniform(0.8, 1.2) for _ in range(parts)]
    shares = [int(total * r / sum(raw)) for r in raw]
    shares[0] += total - sum(shares)
    return shares


def _count(rng: random.Random, low: int, high: int, mean_extra: float = 1.0) -> int:
    """A small count, smaller values more likely (most people tick few boxes)."""
    return min(high, low + int(rng.expovariate(1.0 / mean_extra)))


def _weights(codes: Sequence[str], known: Mapping[str, float], default: float = 0.2) -> dict[str, float]:
    return {code: float(known.get(code, default)) for code in codes}


def _pick_one(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _pick(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    """``k`` distinct codes drawn by weight, in the questionnaire's order."""
    keys = list(weights)
    # Efraimidis-Spirakis: one key per item, largest k win; exact weighted sampling without replacement
    scored = sorted(keys, key=lambda key: -rng.random() ** (1.0 / weights[key]) if weights[key] > 0 else 0.0)
    chosen = set(scored[:k])
    return [key for key in keys if key in chosen]


def _employees(rng: random.Random, org_type: str) -> int:
    low, high = V.EMPLOYEES.get(org_type, (1, 250))
    return int(round(math.exp(rng.uniform(math.log(low), math.log(high)))))


_COUNTRY_CODES: list[str] = []


def _countries() -> list[str]:
    """The market codes the cohort may name (those the tool knows), in a stable order."""
    if not _COUNTRY_CODES:
        known = set(markets.country_codes())
        _COUNTRY_CODES.extend(code for code in V.TARGET_MARKETS if code in known)
    return _COUNTRY_CODES


def _ascii(text: str) -> str:
    return slug(text).replace(" ", "-")
