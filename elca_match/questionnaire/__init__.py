"""The questionnaire definition: load and check it; look up headers and choices in six languages.

The YAML files in ``surveys/`` are the single source of truth. Everything that needs to
know a question or a choice (readers, validation, templates, the vectoriser) asks a
:class:`Questionnaire`.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


from ..errors import DefinitionError, Problem
from ..resources import YamlError, data_dir, load_yaml
from ..text import closest, fold, slug

QUESTION_TYPES = ("single", "multi", "likert", "integer", "text", "consent", "date", "email")
CHOICE_TYPES = ("single", "multi", "consent")
CHOICE_SOURCES = ("countries",)
PROFILE_BLOCKS = ("sectors", "stages", "materials", "technologies", "certifications", "cooperation",
                  "markets", "trl", "text")


@dataclass(frozen=True)
class Choice:
    """One allowed answer: its code and its label in every language."""

    code: str
    labels: dict[str, str]


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire, which is also one canonical column."""

    code: str
    type: str
    labels: dict[str, str]
    required: bool = False
    choices: tuple[Choice, ...] = ()
    choice_list: str | None = None
    choices_from: str | None = None
    min: int | None = None
    max: int | None = None
    max_length: int | None = None
    personal: bool = False
    key: bool = False
    profile_block: str | None = None
    profile_weight: float = 0.0
    help: dict[str, str] = field(default_factory=dict)
    renamed_choices: dict[str, str] = field(default_factory=dict)  # old code -> new code

    @property
    def is_choice(self) -> bool:
        return bool(self.choices) or self.choices_from is not None

    @property
    def is_multi(self) -> bool:
        return self.type == "multi"

    def label(self, lang: str = "en") -> str:
        return self.labels.get(lang) or self.labels.get("en") or self.code


class Questionnaire:
    """A loaded, checked questionnaire definition with fast folded lookups."""

    def __init__(self, name: str, version: int, languages: tuple[str, ...], title: dict[str, str],
                 questions: list[Question], path: Path | None = None):
        self.name = name
        self.version_number = version
        self.languages = languages
        self.title = title
        self.questions = questions
        self.path = path
        self._by_code = {q.code: q for q in questions}
        self._choice_index: dict[str, dict[str, str]] = {}
        for q in questions:
            index: dict[str, str] = {}
            for choice in q.choices:
                for text in (choice.code, *choice.labels.values()):
                    index.setdefault(fold(text), choice.code)
                    index.setdefault(slug(text), choice.code)
            for old, new in q.renamed_choices.items():
                index.setdefault(fold(old), new)
            self._choice_index[q.code] = index
        self._header_index: dict[str, tuple[str, str]] = {}
        for q in questions:
            self._header_index.setdefault(slug(q.code), (q.code, "code"))
            for lang, text in q.labels.items():
                self._header_index.setdefault(slug(text), (q.code, f"label ({lang})"))

    @property
    def version(self) -> str:
        """The version id recorded with every source, e.g. ``d12-v1``."""
        return f"{self.name}-v{self.version_number}"

    def question(self, code: str) -> Question:
        return self._by_code[code]

    def has_question(self, code: str) -> bool:
        return code in self._by_code

    @property
    def codes(self) -> list[str]:
        return [q.code for q in self.questions]

    def required_codes(self) -> list[str]:
        return [q.code for q in self.questions if q.required]

    def personal_codes(self) -> list[str]:
        return [q.code for q in self.questions if q.personal]

    def key_code(self) -> str | None:
        return next((q.code for q in self.questions if q.key), None)

    def choice_codes(self, question_code: str) -> list[str]:
        return [c.code for c in self._by_code[question_code].choices]

    def choice_label(self, question_code: str, choice_code: str, lang: str = "en") -> str:
        for choice in self._by_code[question_code].choices:
            if choice.code == choice_code:
                return choice.labels.get(lang) or choice.labels.get("en") or choice_code
        return choice_code

    def match_choice(self, question_code: str, raw: str) -> str | None:
        """The choice code for a code or label in any language (folded), or None."""
        index = self._choice_index[question_code]
        return index.get(fold(raw)) or index.get(slug(raw))

    def suggest_choice(self, question_code: str, raw: str) -> str | None:
        """The closest choice code or label to a value that matched nothing."""
        q = self._by_code[question_code]
        # codes last, so that a code wins over a label that folds to the same text
        options = [label for c in q.choices for label in c.labels.values()] + [c.code for c in q.choices]
        return closest(raw, options)

    def match_header(self, header: str) -> tuple[str, str] | None:
        """The question a column header names, and how: ``('trl', 'label (de)')``."""
        return self._header_index.get(slug(header))

    def suggest_header(self, header: str) -> str | None:
        """The question label or code closest to a header that names no question."""
        return _suggest_header(self, header)

    def profile_blocks(self) -> dict[str, list[tuple[str, float]]]:
        """Which questions feed which block of the competence profile, with their weights."""
        blocks: dict[str, list[tuple[str, float]]] = {}
        for q in self.questions:
            if q.profile_block:
                blocks.setdefault(q.profile_block, []).append((q.code, q.profile_weight))
        return blocks


# Each adapter that tries a file asks again for the same headers; difflib over every label
# in six languages is most of choosing an adapter, so each answer is kept.
@functools.lru_cache(maxsize=8192)
def _suggest_header(questionnaire: Questionnaire, header: str) -> str | None:
    options = [label for q in questionnaire.questions for label in q.labels.values()] + questionnaire.codes
    return closest(header, options, cutoff=0.5)


def definition_files() -> list[Path]:
    """Every questionnaire definition in ``surveys/``, oldest version first."""
    return sorted(data_dir("surveys").glob("*.yaml"), key=_version_sort_key)


def _version_sort_key(path: Path) -> tuple[str, int]:
    match = re.search(r"^(.*)-v(\d+)$", path.stem)
    return (match.group(1), int(match.group(2))) if match else (path.stem, 0)


@functools.cache
def load_questionnaire(version: str | None = None) -> Questionnaire:
    """Load a questionnaire by version id (``d12-v1``); the newest when ``version`` is None."""
    files = definition_files()
    if version is None:
        return load_definition(files[-1])
    for path in files:
        if path.stem == version:
            return load_definition(path)
    raise DefinitionError.of("definition_invalid", detail=f"there is no questionnaire version {version!r} "
                             f"in surveys/ (have: {', '.join(p.stem for p in files)})")


def all_questionnaires() -> list[Questionnaire]:
    """Every version in ``surveys/``, oldest first."""
    return [load_questionnaire(p.stem) for p in definition_files()]


def load_definition(path: Path) -> Questionnaire:
    """Read and check one definition file; every problem found is reported at once."""
    try:
        data = load_yaml(path)
    except (OSError, YamlError) as exc:
        raise DefinitionError.of("definition_invalid", file=str(path), detail=f"cannot be read: {exc}") from None
    return _Checker(path, data).build()


class _Checker:
    """Builds a Questionnaire from parsed YAML, collecting every problem before failing."""

    def __init__(self, path: Path, data: Any):
        self.path = str(path)
        self.data = data if isinstance(data, dict) else {}
        self.problems: list[Problem] = []

    def fail(self, detail: str, where: str | None = None) -> None:
        self.problems.append(Problem("definition_invalid", file=self.path, column=where, params={"detail": detail}))

    def build(self) -> Questionnaire:
        data = self.data
        if not data:
            self.fail("the file is empty or not a mapping")
            raise DefinitionError(problems=self.problems)
        languages = tuple(data.get("languages") or ())
        if not languages:
            self.fail("no languages are listed")
        lists = data.get("choice_lists") or {}
        questions = []
        seen: set[str] = set()
        for position, raw in enumerate(data.get("questions") or [], 1):
            question = self.question(raw, position, languages, lists)
            if question is None:
                continue
            if question.code in seen:
                self.fail(f"question code {question.code!r} is defined twice", question.code)
            seen.add(question.code)
            questions.append(question)
        if not questions:
            self.fail("no questions are defined")
        if self.problems:
            raise DefinitionError(problems=self.problems)
        return Questionnaire(str(data.get("questionnaire", "survey")), int(data.get("version", 1)), languages,
                             dict(data.get("title") or {}), questions, Path(self.path))

    def labels(self, raw: Any, languages: tuple[str, ...], what: str) -> dict[str, str]:
        labels = raw if isinstance(raw, dict) else {}
        missing = [lang for lang in languages if not str(labels.get(lang) or "").strip()]
        if missing:
            self.fail(f"{what} has no label in {', '.join(missing)}", what)
        return {str(k): str(v) for k, v in labels.items()}

    def question(self, raw: Any, position: int, languages: tuple[str, ...], lists: dict) -> Question | None:
        if not isinstance(raw, dict) or not raw.get("code"):
            self.fail(f"question number {position} has no code")
            return None
        code = str(raw["code"])
        if not re.fullmatch(r"[a-z][a-z0-9_]*", code):
            self.fail(f"question code {code!r} must be lower-case ASCII letters, digits and _", code)
        qtype = raw.get("type")
        if qtype not in QUESTION_TYPES:
            self.fail(f"question {code!r} has unknown type {qtype!r} (allowed: {', '.join(QUESTION_TYPES)})", code)
        labels = self.labels(raw.get("label"), languages, f"question {code!r}")
        choices: tuple[Choice, ...] = ()
        list_name = raw.get("choices")
        if list_name is not None:
            if list_name not in lists:
                self.fail(f"question {code!r} uses choice list {list_name!r}, which is not defined", code)
            else:
                choices = self.choice_list(list_name, lists[list_name], languages)
        source = raw.get("choices_from")
        if source is not None and source not in CHOICE_SOURCES:
            self.fail(f"question {code!r} takes choices from unknown source {source!r}", code)
        if qtype in CHOICE_TYPES and not choices and source is None:
            self.fail(f"question {code!r} of type {qtype} needs choices or choices_from", code)
        profile = raw.get("profile") or {}
        block = profile.get("block")
        if block is not None and block not in PROFILE_BLOCKS:
            self.fail(f"question {code!r} feeds unknown profile block {block!r} "
                      f"(allowed: {', '.join(PROFILE_BLOCKS)})", code)
        return Question(
            code=code, type=str(qtype), labels=labels, required=bool(raw.get("required", False)),
            choices=choices, choice_list=list_name, choices_from=source,
            min=raw.get("min"), max=raw.get("max"), max_length=raw.get("max_length"),
            personal=bool(raw.get("personal", False)), key=bool(raw.get("key", False)),
            profile_block=block, profile_weight=float(profile.get("weight", 1.0 if block else 0.0)),
            help=dict(raw.get("help") or {}), renamed_choices=dict(raw.get("renamed_choices") or {}),
        )

    def choice_list(self, name: str, raw: Any, languages: tuple[str, ...]) -> tuple[Choice, ...]:
        choices = []
        seen: set[str] = set()
        for item in raw or []:
            code = str((item or {}).get("code", ""))
            if not code:
                self.fail(f"choice list {name!r} has a choice without a code", name)
                continue
            if code in seen:
                self.fail(f"choice list {name!r} defines {code!r} twice", name)
            seen.add(code)
            choices.append(Choice(code, self.labels(item.get("label"), languages, f"choice {name}.{code}")))
        return tuple(choices)
