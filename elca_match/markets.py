"""What a person types for a market -> ISO 3166 alpha-2 codes, and back to names.

Accepted spellings, compared without regard to case, accents, dots or hyphens:
alpha-2 and alpha-3 codes (``jp``, ``USA``); English names (``Japan``); names in the
questionnaire languages from pycountry's bundled ISO 3166 translations (``Giappone``,
``Japonia``, ``Japón``); short and colloquial names and the regions from
``builtin/regions.yaml`` (``South Korea``, ``latin-america``, ``América Latina``).
Everything is read offline and indexed once per process.
"""

from __future__ import annotations

import difflib
import functools
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

from .cache import remembered
from .errors import UsageError, did_you_mean
from .resources import builtin_path, load_yaml
from .text import closest, fold

# Languages whose country names are accepted besides English (the questionnaire's).
LANGUAGES = ("de", "it", "pl", "fr", "es")

_DROP = re.compile(r"[.'’`]")
_NON_WORD = re.compile(r"[^0-9a-z]+")
_SPLIT = re.compile(r"[,;]")


def market_key(text: object) -> str:
    """The comparison key of a typed name: ``'  Latin-America '`` -> ``'latin america'``."""
    key = _NON_WORD.sub(" ", _DROP.sub("", fold(text))).strip()
    return key[4:] if key.startswith("the ") else key


@dataclass(frozen=True)
class _Index:
    countries: dict[str, str]  # key -> alpha-2
    regions: dict[str, str]  # key -> region slug
    region_codes: dict[str, tuple[str, ...]]  # slug -> alpha-2 codes, in file order
    names: dict[str, dict[str, str]]  # alpha-2 -> language -> display name
    suggestions: dict[str, str]  # key offered as "did you mean" -> what to show
    english: dict[str, str]  # the subset of suggestions that are English names
    country_suggestions: dict[str, str]  # the subset of suggestions that are countries
    english_countries: dict[str, str]  # English country names only


def _short_forms(name: str) -> list[str]:
    """'Korea, Republic of' -> 'Korea'; 'Holy See (Vatican City State)' -> 'Holy See'."""
    forms = []
    for sep in (",", "("):
        if sep in name:
            forms.append(name.split(sep, 1)[0])
    return forms


def _english_names(country) -> list[str]:
    return [n for n in (getattr(country, "common_name", None), country.name,
                        getattr(country, "official_name", None)) if n]


def _english_names_by_code() -> dict[str, str]:
    """The English display name of every alpha-2 code (as :func:`_index` names them)."""
    return _first_lists()["english"]


def _first_sources(data: dict, countries: list, known: set[str], add) -> None:
    """The index's first sources, in their order: codes, curated aliases, English names."""
    for c in countries:
        add(c.alpha_2, c.alpha_2)
    for code, aliases in (data.get("aliases") or {}).items():
        if code not in known:
            raise ValueError(f"regions.yaml: alias for unknown country code {code!r}")
        for alias in aliases:
            add(str(alias), code)
    for c in countries:
        for name in _english_names(c):
            add(name, c.alpha_2, is_english=True)


def _first_countries() -> dict[str, str]:
    """Key -> alpha-2 from the index's first sources only. A key found here resolves as in the full
    index (a later source never replaces an earlier one), without the translations: most names
    typed on a command line are English names or codes."""
    return _first_lists()["first"]


@functools.cache
def _first_lists() -> dict[str, dict[str, str]]:
    """The first sources' keys (``first``) and each code's English name (``english``).

    Kept in the cache, per content of pycountry's country list and ``regions.yaml``: a command that
    names a country, or shows one's name, then neither imports pycountry (its import is a twentieth of
    a second) nor lists its names.
    """
    cached_as = _first_lists_file()
    if cached_as is None:
        return _list_first()
    return remembered(cached_as, _list_first, lambda cached: isinstance(cached, dict)
                      and {"first", "english"} <= cached.keys())


def _list_first() -> dict[str, dict[str, str]]:
    import pycountry

    countries = list(pycountry.countries)
    found: dict[str, str] = {}

    def add(name: str, code: str, is_english: bool = False) -> None:
        key = market_key(name)
        if key:
            found.setdefault(key, code)

    _first_sources(load_yaml(builtin_path("regions.yaml")), countries, {c.alpha_2 for c in countries}, add)
    return {"first": found, "english": {c.alpha_2: getattr(c, "common_name", None) or c.name for c in countries}}


def _first_lists_file() -> str | None:
    """The cache file of :func:`_first_lists` for the installed sources; None when they cannot be read."""
    import hashlib
    import importlib.util

    try:
        spec = importlib.util.find_spec("pycountry")
        countries = Path(spec.origin).parent / "databases" / "iso3166-1.json"  # type: ignore[union-attr, arg-type]
        digest = hashlib.sha256(countries.read_bytes() + b"\0" + builtin_path("regions.yaml").read_bytes())
    except (OSError, TypeError, AttributeError):
        return None
    return f"countries-{digest.hexdigest()[:24]}.json"


@functools.cache
def _index() -> _Index:
    import pycountry

    data = load_yaml(builtin_path("regions.yaml"))
    countries = list(pycountry.countries)
    known = {c.alpha_2 for c in countries}
    translations = {lang: gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
                    for lang in LANGUAGES}

    index: dict[str, str] = {}
    shown: dict[str, str] = {}  # key -> the spelling to offer as a suggestion
    english: set[str] = set()

    def add(name: str, code: str, is_english: bool = False) -> None:
        key = market_key(name)
        if key:
            index.setdefault(key, code)
            shown.setdefault(key, " ".join(name.split()).lower())
            if is_english and index[key] == code:
                english.add(key)

    # Earlier sources win a clash: codes, then curated aliases, then official names,
    # translations, shortened names and alpha-3 codes (the least deliberate spellings).
    _first_sources(data, countries, known, add)
    names: dict[str, dict[str, str]] = {}
    for c in countries:
        display = getattr(c, "common_name", None) or c.name
        names[c.alpha_2] = {"en": display}
        for lang, tr in translations.items():
            for name in _english_names(c):
                add(tr.gettext(name), c.alpha_2)
            # common names ("South Korea") are often untranslated; then the ISO name is better
            names[c.alpha_2][lang] = tr.gettext(display) if tr.gettext(display) != display else tr.gettext(c.name)
    short: dict[str, set[str]] = {}
    for c in countries:
        spellings = _english_names(c) + [translations[lang].gettext(c.name) for lang in LANGUAGES]
        for name in spellings:
            for form in _short_forms(name):
                short.setdefault(market_key(form), set()).add(c.alpha_2)
    for key, codes in short.items():
        if len(codes) == 1:  # "Virgin Islands" is two countries: not a name of either
            add(key, next(iter(codes)))
    for c in countries:
        add(c.alpha_3, c.alpha_2)

    regions: dict[str, str] = {}
    region_codes: dict[str, tuple[str, ...]] = {}
    for slug, entry in (data.get("regions") or {}).items():
        codes = tuple(str(code).upper() for code in entry["countries"])
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ValueError(f"regions.yaml: region {slug!r} lists unknown country codes {unknown}")
        region_codes[slug] = codes
        for name in [slug, *(entry.get("names") or {}).values(), *(entry.get("aliases") or [])]:
            regions.setdefault(market_key(name), slug)
        english.update({market_key(slug), market_key((entry.get("names") or {}).get("en", slug))})

    suggestions = {key: shown[key] for key in index if len(key) > 3}
    suggestions.update({key: slug for key, slug in regions.items()})
    in_english = {key: shown for key, shown in suggestions.items() if key in english}
    countries_only = {key: shown for key, shown in suggestions.items() if key in index}
    return _Index(index, regions, region_codes, names, suggestions, in_english, countries_only,
                  {key: shown for key, shown in in_english.items() if key in index})


def resolve_country(text: object) -> str | None:
    """The alpha-2 code of one country typed as a code or name in any language, else None.

    Regions are not countries: ``resolve_country('asia')`` is None.
    """
    if text is None:
        return None
    key = market_key(text)
    first = _first_countries().get(key)
    return first if first is not None else _index().countries.get(key)


def suggest_country(text: object, regions: bool = True) -> str | None:
    """The known country (or, with ``regions``, region) name closest to a mistyped one (``'japna'`` -> ``'japan'``)."""
    index = _index()
    key = market_key(text)
    options = index.suggestions if regions else index.country_suggestions
    best = closest(key, options)
    if best is None:
        return None
    # 'japna' is a shade nearer 'japonia' than 'japan', yet on an English command line
    # 'japan' is the likelier intent; a clearly better foreign match ('giapone') still wins.
    english = closest(key, index.english if regions else index.english_countries)
    if english and _similarity(key, english) >= _similarity(key, best) - 0.1:
        best = english
    return index.suggestions[best]


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def resolve_markets(text: object) -> list[str]:
    """Alpha-2 codes for a country, a region or a comma/semicolon separated list of them.

    Raises UsageError (with the closest name as a suggestion) for anything unknown.
    """
    raw = "" if text is None else str(text)
    key = market_key(raw)
    if key in _first_countries():
        return [_first_countries()[key]]
    index = _index()
    if key in index.countries:
        return [index.countries[key]]
    if key in index.regions:
        return list(index.region_codes[index.regions[key]])
    parts = [part for part in _SPLIT.split(raw) if part.strip()]
    if len(parts) > 1:
        codes: list[str] = []
        for part in parts:
            codes.extend(code for code in resolve_markets(part) if code not in codes)
        return codes
    raise UsageError.of("unknown_market", value=raw.strip(), suggestion=did_you_mean(suggest_country(raw)),
                        regions=", ".join(index.region_codes))


def is_region(text: object) -> bool:
    """True when ``text`` names a region (``latin-america``, ``Asien``) rather than one country."""
    return market_key(text) in _index().regions


def regions() -> dict[str, tuple[str, ...]]:
    """Every region slug with its alpha-2 codes (``{'latin-america': ('MX', 'BR', ...), ...}``)."""
    return dict(_index().region_codes)


def country_codes() -> list[str]:
    """Every ISO 3166 alpha-2 code this tool knows, sorted."""
    return sorted(_index().names)


def country_name(code: str, lang: str = "en") -> str:
    """The display name of an alpha-2 code in ``lang`` (en, de, it, pl, fr, es; else English)."""
    if lang == "en":  # most outputs: no need to build the six-language index for it
        english = _english_names_by_code().get(str(code).strip().upper())
        if english is not None:
            return english
    names = _index().names.get(str(code).strip().upper())
    if names is None:
        raise UsageError.of("unknown_market", value=code, suggestion="", regions=", ".join(_index().region_codes))
    return names.get(lang, names["en"])
