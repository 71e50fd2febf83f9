"""The matching model (``models/default.yaml`` + its glossary), resolved against a questionnaire.

A :class:`MatchModel` is everything the vectoriser and the explanations need to know:
block weights and norms, the TRL kernel, text settings, the glossary, which opportunity
fields feed which block and how a "why" reads. It carries a content hash of the model
files and of the questionnaire's profile blocks, so stored profiles know when they are
stale.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from ..errors import DefinitionError
from ..resources import YamlError, data_dir, load_yaml
from ..cache import drop_stale, read_json, touch, write_json
from .glossary import Glossary
from .labels import label_files
from .lemmas import lemma, save_lemmas

NORMS = ("l2", "max", "band")
# Bumped when the compiled thesaurus changes shape or how text meets it (the light stems' endings,
# say): older cache files are not read, and, as it is part of the model's content hash, builds
# stored with the older matching are rebuilt.
COMPILED_FORMAT = "c5"
_COMPILED: dict[str, Glossary] = {}
TRL_BLOCK = "trl"
TEXT_BLOCK = "text"


@dataclass(frozen=True)
class TextSettings:
    """How free text becomes TF-IDF features."""

    concept_weight: float = 2.0
    sublinear_tf: bool = True
    min_df: int = 2
    min_token_length: int = 3
    compound_min_length: int = 6
    compound_languages: tuple[str, ...] = ("de",)
    fuzzy: bool = False          # long words one edit from a thesaurus term count as that term
    cognates: bool = False       # unknown long words compared by a cognate key (pantografo ~ pantograph)
    thesaurus_weight: float = 1.0  # factor on concept_weight for thesaurus concepts beyond the core glossary
    default_language: str = "en"
    why_terms: int = 3
    stopwords: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class ExplainGroup:
    """Blocks whose shared features a "why" shows together, after an optional prefix."""

    blocks: tuple[str, ...]
    prefix: str = ""


@dataclass(frozen=True)
class MatchModel:
    """A loaded matching model with block weights resolved from the questionnaire."""

    version: str
    block_weights: dict[str, float]              # block -> weight in the score
    block_norms: dict[str, str]                  # block -> l2 | max | band
    question_weights: dict[str, dict[str, float]]  # block -> question code -> relative weight (max 1)
    opportunity_fields: dict[str, tuple[str, ...]]
    implied: dict[str, tuple[str, dict[str, tuple[str, ...]]]]  # block -> (source block, value -> implied)
    trl_levels: int
    trl_sigma: float
    text: TextSettings
    glossary: Glossary = field(repr=False, compare=False)
    explain: tuple[ExplainGroup, ...] = ()
    text_to_blocks: dict[str, float] = field(default_factory=dict)  # block -> weight of codes named in free text
    content_hash: str = ""

    def __repr__(self) -> str:  # the glossary and settings would fill a screen
        return f"MatchModel(version={self.version!r}, content_hash={self.content_hash[:12]!r})"

    @property
    def blocks(self) -> list[str]:
        """Block names in display order."""
        return list(self.block_weights)

    def weight(self, block: str) -> float:
        return self.block_weights.get(block, 1.0)

    def norm(self, block: str) -> str:
        return self.block_norms.get(block, "l2")


def model_path(name: str = "default") -> Path:
    """Where the model file ``name`` (``default``) lives in this installation."""
    return data_dir("models") / f"{name}.yaml"


def _files(path: Path) -> tuple[Path, bytes, dict, list[Path], bytes, bytes]:
    """The model file, its data, the thesaurus files (glossary first), their bytes as one string, and the
    bytes of the thesaurus's display-label files (not compiled, but stored builds carry the labels)."""
    raw_model = path.read_bytes()
    data = _yaml(raw_model, path)
    sources = [path.parent / str(data.get("glossary", "glossary.yaml"))]
    labels: list[Path] = []
    if data.get("thesaurus"):
        sources += sorted((path.parent / str(data["thesaurus"])).glob("*.yaml"))
        labels = label_files(path.parent / str(data["thesaurus"]))
    raw = b"".join(p.name.encode() + b"\0" + p.read_bytes() + b"\0" for p in sources) if len(sources) > 1 \
        else sources[0].read_bytes()
    raw_labels = b"".join(p.name.encode() + b"\0" + p.read_bytes() + b"\0" for p in labels)
    return path, raw_model, data, sources, raw, raw_labels


def _glossary(sources: list[Path], raw: bytes) -> Glossary:
    """The compiled thesaurus of ``sources``: from the cache when compiled before, else compiled and cached."""
    name = f"thesaurus-{COMPILED_FORMAT}-{hashlib.sha256(raw).hexdigest()[:24]}.json"
    glossary = _COMPILED.get(name)
    if glossary is not None:  # its per-word memos carry over to the next build in this process
        return glossary
    cached = read_json(name)
    if isinstance(cached, dict):
        try:
            glossary = Glossary.from_json(cached)
            touch(name)
        except (KeyError, TypeError, ValueError):
            glossary = None  # a damaged cache file: compile again
    if glossary is None:
        glossary = Glossary.from_files(((p.name, _yaml(p.read_bytes(), p)) for p in sources), lemmatise=lemma)
        save_lemmas()
        drop_stale(f"thesaurus-{COMPILED_FORMAT}-", name)
        write_json(name, glossary.to_json())
    while len(_COMPILED) >= 2:  # two at a time (the model and one other) is plenty
        del _COMPILED[next(iter(_COMPILED))]
    _COMPILED[name] = glossary
    return glossary


def _digest(raw_model: bytes, raw_glossary: bytes, raw_labels: bytes, questionnaire: Any) -> str:
    digest = hashlib.sha256()
    for part in (COMPILED_FORMAT.encode(), raw_model, raw_glossary, raw_labels, questionnaire.version.encode(),
                 json.dumps(questionnaire.profile_blocks(), sort_keys=True).encode()):
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def model_fingerprint(questionnaire: Any, path: str | Path | None = None) -> tuple[str, str]:
    """(model version, content hash) without building the glossary: cheap enough for every `rank`."""
    _, raw_model, data, _, raw_glossary, raw_labels = _files(Path(path) if path else model_path())
    return str(data.get("version", "m0")), _digest(raw_model, raw_glossary, raw_labels, questionnaire)


def load_model(questionnaire: Any = None, path: str | Path | None = None) -> MatchModel:
    """Load ``models/default.yaml`` (or ``path``) and resolve its weights with ``questionnaire``.

    ``questionnaire`` defaults to the current definition (``load_questionnaire()``).
    """
    if questionnaire is None:
        from ..questionnaire import load_questionnaire

        questionnaire = load_questionnaire()
    path, raw_model, data, sources, raw_glossary, raw_labels = _files(Path(path) if path else model_path())
    glossary = _glossary(sources, raw_glossary)

    profile_blocks = questionnaire.profile_blocks()
    blocks_cfg = data.get("blocks") or {}
    weights: dict[str, float] = {}
    norms: dict[str, str] = {}
    question_weights: dict[str, dict[str, float]] = {}
    for block in [*blocks_cfg, *[b for b in profile_blocks if b not in blocks_cfg]]:
        cfg = blocks_cfg.get(block) or {}
        questions = profile_blocks.get(block, [])
        total = sum(w for _, w in questions) or 1.0
        weights[block] = float(cfg.get("scale", 1.0)) * total
        norm = str(cfg.get("norm", "l2"))
        if norm not in NORMS:
            raise DefinitionError.of("definition_invalid",
                                     detail=f"{path.name}: block {block!r} has norm {norm!r}; use one of {', '.join(NORMS)}")
        norms[block] = norm
        top = max((w for _, w in questions), default=1.0) or 1.0
        question_weights[block] = {code: w / top for code, w in questions}

    text_cfg = dict(data.get("text") or {})
    stopwords = {lang: frozenset(str(w) for w in ws) for lang, ws in (text_cfg.pop("stopwords", None) or {}).items()}
    if "compound_languages" in text_cfg:
        text_cfg["compound_languages"] = tuple(text_cfg["compound_languages"])
    try:
        text = TextSettings(**text_cfg, stopwords=stopwords)
    except TypeError as exc:
        raise DefinitionError.of("definition_invalid", detail=f"{path.name}: text settings: {exc}") from None

    implied = {}
    for block, cfg in (data.get("implied") or {}).items():
        implied[block] = (str(cfg["from"]), {str(k): tuple(v) for k, v in (cfg.get("map") or {}).items()})
    trl = data.get("trl") or {}
    explain = tuple(ExplainGroup(tuple(g["blocks"]), str(g.get("prefix", ""))) for g in data.get("explain") or ())

    return MatchModel(
        version=str(data.get("version", "m0")),
        block_weights=weights,
        block_norms=norms,
        question_weights=question_weights,
        opportunity_fields={b: tuple(f) for b, f in (data.get("opportunity_fields") or {}).items()},
        implied=implied,
        trl_levels=int(trl.get("levels", 9)),
        trl_sigma=float(trl.get("sigma", 1.25)),
        text=text,
        glossary=glossary,
        explain=explain,
        text_to_blocks={str(b): float(w) for b, w in (data.get("text_to_blocks") or {}).items()},
        content_hash=_digest(raw_model, raw_glossary, raw_labels, questionnaire),
    )


def _yaml(raw: bytes, path: Path) -> dict:
    try:
        data = load_yaml(path, raw)
    except YamlError as exc:
        raise DefinitionError.of("definition_invalid", detail=f"{path.name}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise DefinitionError.of("definition_invalid", detail=f"{path.name}: expected a mapping at the top")
    return data
