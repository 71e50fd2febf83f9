"""Eligibility per mission type: a small interpreter for ``models/mission-rules.yaml``.

Rules are data, not code. A rule is ``always``/``never``, a combination
(``all``/``any``/``not``) or a test ``{attribute: {operator: value}}`` on one member
attribute, where the value may refer to the mission (``$mission.country``). The file's
header documents the grammar; :func:`load_rules` checks it and raises
:class:`~elca_match.errors.DefinitionError` naming the place in the file.

Evaluation is vectorised: :meth:`MissionRules.eligible` returns one boolean per
member for a mission, and every test is computed once per distinct resolved value
(all missions to Japan share the ``market_experience contains JP`` mask), so 100,000
members x 22 missions cost milliseconds rather than millions of Python calls. The
members are read once: :func:`gather` takes every field the planner and the rules
need in one pass, and :class:`MemberTable` works on those columns.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, count
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DefinitionError, did_you_mean
from ..resources import YamlError, data_dir, load_yaml
from ..text import closest
from .model import PlanMember, PlanMission

RULES_FILE = "mission-rules.yaml"
NUMERIC_OPERATORS = ("at_least", "at_most", "above", "below")
VALUE_OPERATORS = ("equals", "one_of")
LIST_OPERATORS = ("contains", "contains_any")
OPERATORS = NUMERIC_OPERATORS + VALUE_OPERATORS + LIST_OPERATORS + ("is_set",)
MISSION_FIELDS = ("id", "country", "type", "seats", "region", "sectors", "lead_cluster", "start_date", "end_date")
_REF = "$mission."


class MemberTable:
    """Member attributes as columns, with a cache of computed test masks.

    Columns are read once per attribute; numbers, list memberships and value tests are
    then computed per *distinct* value (a survey has a few dozen codes, not 100,000),
    with a plain per-member pass only for values of unusual types.
    """

    def __init__(self, members: Sequence[PlanMember], values: Mapping[str, list[Any]] | None = None):
        """``values`` may hold columns already read (see :func:`gather`), by attribute name, in member order."""
        self.members = members
        self._columns: dict[str, list[Any]] = {}
        self._masks: dict[tuple, np.ndarray] = {}
        self._given = dict(values or {})

    def __len__(self) -> int:
        return len(self.members)

    def column(self, name: str) -> list[Any]:
        """The attribute ``name`` of every member (None when a member lacks it)."""
        if name not in self._columns:
            if name == "sectors":
                values = [list(m.sectors) or m.attributes.get("sectors") for m in self.members]
            else:
                values = self._values(name)
            self._columns[name] = values
        return self._columns[name]

    def _values(self, name: str) -> list[Any]:
        """The attribute as stored, without a new object per member.

        (Building 100,000 small lists sets off Python's full garbage collection over
        every member; the sets of list attributes do not need them.)
        """
        key = ("#values", name)
        if name in self._columns:
            return self._columns[name]
        if key not in self._masks:
            given = self._given.get(name)
            if name in _MEMBER_FIELDS:
                values = given if given is not None else list(map(attrgetter(name), self.members))
            elif name == "sectors":
                values = given if given is not None else list(map(attrgetter("sectors"), self.members))
                flat = _flatten(values)  # kept: the list tests need it, and it checks the types too
                if flat is not None and flat[0].all():
                    self._masks[("#flat", name)] = flat  # type: ignore[assignment]
                elif not all(values):  # members without their own sectors may carry them as an attribute
                    values = [v or m.attributes.get("sectors") for v, m in zip(values, self.members)]
            else:
                values = given if given is not None else list(
                    map(methodcaller("get", name), map(attrgetter("attributes"), self.members)))
            self._masks[key] = values  # type: ignore[assignment]
        return self._masks[key]  # type: ignore[return-value]

    def numbers(self, name: str) -> np.ndarray:
        """The attribute as floats (NaN when missing or not a number)."""
        key = ("#numbers", name)
        if key not in self._masks:
            column = self._values(name)
            if set(map(type, column)) <= _PLAIN_NUMBERS:
                # ints, floats and None only: numpy converts them in C (None becomes NaN)
                self._masks[key] = np.array(column, dtype=float)
            else:
                self._masks[key] = np.fromiter(map(_as_number, column), dtype=float, count=len(column))
        return self._masks[key]

    def holders(self, name: str) -> dict[str, np.ndarray]:
        """An inverted index of a list attribute: value -> the members whose list holds it.

        Built once per attribute, so each ``contains`` test costs the number of hits,
        not a pass over every member.
        """
        key = ("#holders", name)
        if key not in self._masks:
            column = self._values(name)
            flat = self._masks.get(("#flat", name))
            if flat is None:
                flat = _flatten(column)
            if flat is None:
                kinds = set(map(type, column))
                if kinds <= _PLAIN_LISTS:  # lists and tuples mixed, or some None
                    flat = _flatten([v or () for v in column] if type(None) in kinds else column, len)
            if flat is not None:
                # lists (of strings, as _group checks): flattened and grouped in C
                grouped = _group(*flat)  # type: ignore[misc]
                if grouped is not None:
                    self._masks[key] = grouped  # type: ignore[assignment]
                    return grouped
            index: dict[str, list[int]] = {}
            for i, value in enumerate(column):
                for item in _as_set(value):
                    index.setdefault(item, []).append(i)
            self._masks[key] = {k: np.array(v, dtype=np.int64) for k, v in index.items()}  # type: ignore[assignment]
        return self._masks[key]  # type: ignore[return-value]

    def matches(self, name: str, accept) -> np.ndarray:
        """One boolean per member: ``accept(value)`` for the member's value of ``name``.

        When every value is a string, an integer or None (codes, counts), ``accept`` runs
        once per distinct value; those types compare exactly as they print, so equal
        values get equal answers. Other columns (lists, floats) are decided member by member.
        """
        column = self.column(name)
        if set(map(type, column)) <= _EXACT_VALUES:
            decided = {value: bool(accept(value)) for value in set(column)}
            return np.fromiter(map(decided.__getitem__, column), dtype=bool, count=len(column))
        return np.fromiter(map(accept, column), dtype=bool, count=len(column))

    def mask(self, key: tuple, compute) -> np.ndarray:
        if key not in self._masks:
            self._masks[key] = compute()
        return self._masks[key]


_MEMBER_FIELDS = ("cluster", "key", "consent")
_PLAIN_NUMBERS = {int, float, type(None)}
_PLAIN_LISTS = {list, tuple, type(None)}
_BLOCK = 4096  # members per block when list attributes are flattened
_EXACT_VALUES = {str, int, type(None)}


def gather(members: Sequence[PlanMember], names: Iterable[str] = ()) -> dict[str, list[Any]]:
    """Every member's key, cluster, consent and sectors, and the attributes ``names``, read in one pass.

    One loop reading every field of a member while it is at hand costs about a third of
    one pass per field (``map`` over 100,000 members, field after field). The result
    feeds :class:`MemberTable` (its ``values``); "sectors" are the members' own, before
    the table's fallback to the attribute of that name.
    """
    names = [n for n in dict.fromkeys(names) if n not in _MEMBER_FIELDS and n != "sectors"]
    keys: list[str] = []
    clusters: list[str] = []
    consents: list[Any] = []
    sectors: list[Any] = []
    columns: list[list[Any]] = [[] for _ in names]
    add_key, add_cluster, add_consent, add_sectors = keys.append, clusters.append, consents.append, sectors.append
    readers = [(name, column.append) for name, column in zip(names, columns)]
    for member in members:
        add_key(member.key)
        add_cluster(member.cluster)
        add_consent(member.consent)
        add_sectors(member.sectors)
        attributes = member.attributes
        for name, add in readers:
            add(attributes.get(name))
    return {"key": keys, "cluster": clusters, "consent": consents, "sectors": sectors, **dict(zip(names, columns))}


def _flatten(column: list[Any], length: Callable[[Any], int] | None = None) \
        -> tuple[np.ndarray, np.ndarray, dict[Any, int]] | None:
    """Each value's length and the codes of its items, all values' items in a row, and the code of each item.

    The values must all be lists or all tuples (``list.__len__`` refuses anything else, so
    counting checks the type too), unless ``length`` is given; None when they are not, or
    when an item cannot be a key. A code is the position where the item first occurs.
    Members go by blocks: counting and flattening a block run while it is in the cache.
    """
    if length is None:
        kind = type(column[0]) if column else list
        if kind is not list and kind is not tuple:
            return None
        length = kind.__len__
    codes: dict[Any, int] = {}
    position = count()
    lengths, ids = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    try:
        for start in range(0, len(column), _BLOCK):
            block = column[start:start + _BLOCK]
            lengths.append(np.fromiter(map(length, block), dtype=np.int64, count=len(block)))
            # setdefault hands each new item the running position as its code: no Python loop body
            ids.append(np.fromiter(map(codes.setdefault, chain.from_iterable(block), position), dtype=np.int64))
    except TypeError:  # another type further down, or an item that is itself a list
        return None
    return np.concatenate(lengths), np.concatenate(ids), codes


def _group(lengths: np.ndarray, ids: np.ndarray, codes: dict[Any, int]) -> dict[str, np.ndarray] | None:
    """Member ``i`` holds the next ``lengths[i]`` items of ``ids`` (see :func:`_flatten`): return item -> its
    holders (ascending, no repeats).

    None when an item is not a string (its text, not the item, is what a rule compares).
    """
    if not all(type(item) is str for item in codes):  # a non-string is never equal to a string: it has its own key
        return None
    owners = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    # a stable sort by item keeps each item's owners in member order, as they were flattened
    order = np.argsort(ids, kind="stable")
    ids, owners = ids[order], owners[order]
    keep = np.ones(len(ids), dtype=bool)
    keep[1:] = (ids[1:] != ids[:-1]) | (owners[1:] != owners[:-1])
    ids, owners = ids[keep], owners[keep]
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.zeros(0, dtype=np.int64)
    ends = np.r_[starts[1:], len(ids)]
    name_of = {code: item for item, code in codes.items()}
    return {name_of[int(ids[s])]: owners[s:e] for s, e in zip(starts.tolist(), ends.tolist())}


def _as_number(value: Any) -> float:
    if value is None or value == "" or isinstance(value, bool):
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _as_set(value: Any) -> frozenset[str]:
    if value is None or value == "":
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(str(v) for v in value)


def _is_set(value: Any) -> bool:
    if value is None or value == "":
        return False
    if isinstance(value, (list, tuple, set, frozenset)):
        return len(value) > 0
    return True


class Rule:
    """A compiled rule: evaluate it for all members against one mission."""

    def attributes(self) -> set[str]:
        """The member attributes the rule reads."""
        return set()

    def evaluate(self, table: MemberTable, mission: Mapping[str, Any]) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


@dataclass(frozen=True)
class Constant(Rule):
    value: bool

    def evaluate(self, table, mission):
        return np.full(len(table), self.value, dtype=bool)


@dataclass(frozen=True)
class Combination(Rule):
    kind: str  # all, any, not
    parts: tuple[Rule, ...]

    def attributes(self):
        return set().union(*(p.attributes() for p in self.parts))

    def evaluate(self, table, mission):
        masks = [p.evaluate(table, mission) for p in self.parts]
        if self.kind == "not":
            return ~masks[0]
        combine = np.logical_and if self.kind == "all" else np.logical_or
        result = masks[0].copy()
        for m in masks[1:]:
            combine(result, m, out=result)
        return result


@dataclass(frozen=True)
class Test(Rule):
    attribute: str
    operator: str
    value: Any  # a literal, or "$mission.FIELD"

    def attributes(self):
        return {self.attribute}

    def resolve(self, mission: Mapping[str, Any]) -> Any:
        if isinstance(self.value, str) and self.value.startswith(_REF):
            return mission.get(self.value[len(_REF):])
        return self.value

    def evaluate(self, table, mission):
        value = self.resolve(mission)
        hashable = tuple(value) if isinstance(value, (list, tuple)) else value
        key = (self.attribute, self.operator, hashable)
        return table.mask(key, lambda: self._compute(table, value))

    def _compute(self, table: MemberTable, value: Any) -> np.ndarray:
        op = self.operator
        if op in NUMERIC_OPERATORS:
            numbers = table.numbers(self.attribute)
            target = _as_number(value)
            if math.isnan(target):
                return np.zeros(len(table), dtype=bool)
            with np.errstate(invalid="ignore"):
                return {"at_least": numbers >= target, "at_most": numbers <= target,
                        "above": numbers > target, "below": numbers < target}[op]
        if op == "is_set":
            present = table.matches(self.attribute, _is_set)
            return present if value else ~present
        if op == "equals":
            wanted = str(value)
            return table.matches(self.attribute, lambda v: v is not None and str(v) == wanted)
        if op == "one_of":
            allowed = _as_set(value)
            return table.matches(self.attribute, lambda v: v is not None and str(v) in allowed)
        # contains: the list holds the value; contains_any: it holds one of the values.
        wanted = _as_set(value) if op == "contains_any" else ({str(value)} if value not in (None, "") else set())
        holders = table.holders(self.attribute)
        mask = np.zeros(len(table), dtype=bool)
        for item in wanted:
            if item in holders:
                mask[holders[item]] = True
        return mask


@dataclass(frozen=True)
class TypeRule:
    """The rule for one mission type and its summary in words."""

    type: str
    summary: str
    rule: Rule


@dataclass(frozen=True)
class MissionRules:
    """The eligibility rules of every mission type, as loaded from the rules file."""

    version: int
    types: Mapping[str, TypeRule]
    source: str

    def for_type(self, mission_type: str) -> TypeRule:
        """The rule of ``mission_type``; DefinitionError when the file has none."""
        try:
            return self.types[mission_type]
        except KeyError:
            options = sorted(self.types)
            raise DefinitionError.of(
                "rules_invalid", file=self.source,
                detail=f"mission type {mission_type!r} has no rule"
                       f"{did_you_mean(closest(mission_type, options))} (rules exist for: {', '.join(options)})",
            ) from None

    def attributes(self, types: Iterable[str]) -> set[str]:
        """The member attributes read by the rules of the mission ``types`` (types without a rule read none)."""
        return set().union(*(self.types[t].rule.attributes() for t in types if t in self.types))

    def eligible(self, table: MemberTable, mission: PlanMission) -> np.ndarray:
        """One boolean per member of ``table``: may it join ``mission``?"""
        return self.for_type(mission.type).rule.evaluate(table, mission.field_values())

    def summary(self, mission: PlanMission) -> str:
        """Who may join ``mission``, in words, with the mission's fields filled in."""
        text = self.for_type(mission.type).summary
        fields = {k: ("; ".join(v) if isinstance(v, (list, tuple)) else v) for k, v in mission.field_values().items()}
        try:
            return text.format_map(_Defaulting(fields))
        except (ValueError, IndexError):
            return text


class _Defaulting(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def default_rules_path() -> Path:
    """Where the shipped rules file lives (``models/mission-rules.yaml``)."""
    return data_dir("models") / RULES_FILE


def load_rules(path: str | Path | None = None, known_attributes: Iterable[str] | None = None) -> MissionRules:
    """Read and check the rules file (the shipped one by default).

    ``known_attributes``, when given, are the member attributes a rule may test; a
    test on any other name is an error with a suggestion, so a typo such as ``tlr``
    cannot silently make every member ineligible.
    """
    path = Path(path) if path is not None else default_rules_path()
    source = str(path)
    try:
        data = load_yaml(path)
    except OSError as exc:
        raise DefinitionError.of("rules_invalid", file=source, detail=f"the file cannot be read ({exc.strerror})") from None
    except YamlError as exc:
        raise DefinitionError.of("rules_invalid", file=source, detail=f"the file is not valid YAML ({exc})") from None
    return parse_rules(data, source=source, known_attributes=known_attributes)


def parse_rules(data: Any, source: str = "mission rules", known_attributes: Iterable[str] | None = None) -> MissionRules:
    """Check and compile rules given as data (what :func:`load_rules` read from YAML)."""
    known = None if known_attributes is None else sorted(set(known_attributes) | {"cluster", "sectors"})
    errors: list[str] = []
    if not isinstance(data, dict) or not isinstance(data.get("types"), dict) or not data["types"]:
        raise DefinitionError.of("rules_invalid", file=source,
                                 detail="the file needs a 'types' mapping with one entry per mission type")
    types: dict[str, TypeRule] = {}
    for name, entry in data["types"].items():
        where = f"types.{name}"
        if not isinstance(entry, dict) or "rule" not in entry:
            errors.append(f"{where}: needs a 'rule' (use 'always' for an open mission type)")
            continue
        unknown = sorted(set(entry) - {"rule", "summary"})
        if unknown:
            errors.append(f"{where}: unknown key {unknown[0]!r} (allowed: rule, summary)")
        rule = _compile(entry["rule"], f"{where}.rule", errors, known)
        summary = str(entry.get("summary") or f"members meeting the {name} rule")
        if rule is not None:
            types[str(name)] = TypeRule(str(name), summary, rule)
    if errors:
        raise DefinitionError.of("rules_invalid", file=source, detail="; ".join(errors))
    return MissionRules(version=int(data.get("version", 1)), types=types, source=source)


def _compile(node: Any, where: str, errors: list[str], known: list[str] | None) -> Rule | None:
    if node is True or node == "always":
        return Constant(True)
    if node is False or node == "never":
        return Constant(False)
    if not isinstance(node, dict) or len(node) != 1:
        errors.append(f"{where}: expected always, never, or a mapping with one key (all, any, not or an attribute)")
        return None
    (key, body), = node.items()
    if key in ("all", "any"):
        if not isinstance(body, list) or not body:
            errors.append(f"{where}.{key}: expected a non-empty list of rules")
            return None
        parts = [_compile(p, f"{where}.{key}[{i}]", errors, known) for i, p in enumerate(body)]
        return None if any(p is None for p in parts) else Combination(key, tuple(parts))  # type: ignore[arg-type]
    if key == "not":
        part = _compile(body, f"{where}.not", errors, known)
        return None if part is None else Combination("not", (part,))
    return _compile_test(str(key), body, f"{where}.{key}", errors, known)


def _compile_test(attribute: str, body: Any, where: str, errors: list[str], known: list[str] | None) -> Rule | None:
    if known is not None and attribute not in known:
        errors.append(f"{where}: unknown member attribute {attribute!r}{did_you_mean(closest(attribute, known))}")
        return None
    if not isinstance(body, dict) or len(body) != 1:
        errors.append(f"{where}: expected one test such as {{at_least: 7}} (operators: {', '.join(OPERATORS)})")
        return None
    (operator, value), = body.items()
    if operator not in OPERATORS:
        errors.append(f"{where}: unknown operator {operator!r}{did_you_mean(closest(str(operator), OPERATORS))}"
                      f" (operators: {', '.join(OPERATORS)})")
        return None
    if isinstance(value, str) and value.startswith(_REF):
        field_name = value[len(_REF):]
        if field_name not in MISSION_FIELDS:
            errors.append(f"{where}.{operator}: unknown mission field {field_name!r}"
                          f"{did_you_mean(closest(field_name, MISSION_FIELDS))} (fields: {', '.join(MISSION_FIELDS)})")
            return None
    elif operator in NUMERIC_OPERATORS and math.isnan(_as_number(value)):
        errors.append(f"{where}.{operator}: expected a number, got {value!r}")
        return None
    elif operator == "is_set" and not isinstance(value, bool):
        errors.append(f"{where}.is_set: expected true or false, got {value!r}")
        return None
    elif operator in ("one_of", "contains_any") and not isinstance(value, list):
        errors.append(f"{where}.{operator}: expected a list, got {value!r}")
        return None
    return Test(attribute, str(operator), value)
