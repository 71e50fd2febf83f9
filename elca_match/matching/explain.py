"""Why a member fits an opportunity: per-block breakdown and the shared features behind it.

Everything here is read off the element-wise product of the two rows, so a "why"
names only features both sides have, and the breakdown sums to the score.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..sparse import CsrRows
from .scores import is_sparse

SEPARATOR = "="
TRL_BLOCK = "trl"
TEXT_BLOCK = "text"


@dataclass(frozen=True)
class FeatureSpace:
    """The columns of the profile matrices: ``block=feature`` names and their block index."""

    names: np.ndarray          # str per column
    feature_block: np.ndarray  # int per column, index into ``blocks``
    blocks: tuple[str, ...]

    @classmethod
    def from_names(cls, names: Sequence[str]) -> "FeatureSpace":
        """Rebuild the block index from ``block=feature`` names (blocks in order of first use)."""
        blocks: list[str] = []
        block_of = []
        for name in names:
            block = str(name).split(SEPARATOR, 1)[0]
            if block not in blocks:
                blocks.append(block)
            block_of.append(blocks.index(block))
        return cls(np.array(list(names), dtype=object), np.array(block_of, dtype=np.int32), tuple(blocks))

    def label(self, column: int) -> str:
        """The feature part of a column name (``automotive`` for ``sectors=automotive``)."""
        return str(self.names[column]).split(SEPARATOR, 1)[1]

    def block_matrix(self):
        """(n_features, n_blocks) sparse indicator: a row of contributions times it gives per-block sums."""
        import scipy.sparse as sp

        n = len(self.names)
        return sp.csr_matrix((np.ones(n), (np.arange(n), self.feature_block)), shape=(n, len(self.blocks)))


@dataclass(frozen=True)
class Contribution:
    """One member-opportunity pair: its score, per-block breakdown, shared features and why."""

    member: int
    opportunity: int
    score: float
    breakdown: dict[str, float]
    shared: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # block -> (feature, contribution)
    why: str = ""


def contributions(members_X: Any, opps_X: Any, pairs: Sequence[tuple[int, int]], space: FeatureSpace, *,
                  member_trl: Sequence[tuple[int, int] | None] | None = None,
                  opp_trl: Sequence[tuple[int, int] | None] | None = None,
                  groups: Sequence[Any] = (), why_terms: int = 3,
                  labels: Mapping[str, str] | None = None,
                  implied: Mapping[str, Collection[str]] | None = None) -> list[Contribution]:
    """Breakdown and explanation of each (member row, opportunity row) pair, vectorised over pairs.

    ``groups`` are objects with ``blocks`` and ``prefix`` (the model's explain groups);
    ``member_trl``/``opp_trl`` give the TRL levels and ranges the TRL part names;
    ``labels`` names the thesaurus concepts among the text features in the reader's language;
    ``implied`` says which broader concepts each one brings (left out of a "why" that names it).
    The score is the sum of the breakdown (``math.fsum``), so the two always agree.
    """
    if not pairs:
        return []
    m_idx = np.fromiter((p[0] for p in pairs), dtype=np.int64, count=len(pairs))
    o_idx = np.fromiter((p[1] for p in pairs), dtype=np.int64, count=len(pairs))
    rows = _shared_entries(members_X, opps_X, m_idx, o_idx)
    out = []
    for (m, o), (cols, vals) in zip(zip(m_idx, o_idx), rows):
        per_block = np.zeros(len(space.blocks))
        np.add.at(per_block, space.feature_block[cols], vals)
        shared: dict[str, list[tuple[str, float]]] = {}
        for col, val in zip(cols, vals):
            shared.setdefault(space.blocks[space.feature_block[col]], []).append((space.label(col), float(val)))
        for block in shared:
            shared[block].sort(key=lambda fv: (-fv[1], fv[0]))
        breakdown = {b: float(per_block[i]) for i, b in enumerate(space.blocks)}
        why = explain(shared, groups, space.blocks,
                      member_trl[m] if member_trl is not None else None,
                      opp_trl[o] if opp_trl is not None else None, why_terms, labels, implied)
        score = math.fsum(breakdown.values())
        out.append(Contribution(int(m), int(o), score, breakdown, shared, why))
    return out


def _shared_entries(members_X: Any, opps_X: Any, m_idx: np.ndarray, o_idx: np.ndarray):
    """For each pair, the columns where both rows are non-zero and the products there (column order)."""
    if not is_sparse(members_X) and not is_sparse(opps_X):
        products = np.asarray(members_X)[m_idx] * np.asarray(opps_X)[o_idx]
        for row in products:
            cols = np.flatnonzero(row)
            yield cols, row[cols]
        return
    # sparse rows (no column twice in a row): every entry of both sides of each pair, sorted by pair
    # and column; a column that both sides have is two neighbours, the member's first
    left, right = CsrRows.of(members_X)[m_idx], CsrRows.of(opps_X)[o_idx]
    pair = np.concatenate((left.row_of_entries(), right.row_of_entries()))
    column = np.concatenate((left.indices[: left.nnz], right.indices[: right.nnz]))
    value = np.concatenate((left.data[: left.nnz], right.data[: right.nnz]))
    order = np.lexsort((column, pair))
    pair, column, value = pair[order], column[order], value[order]
    first = np.flatnonzero((pair[1:] == pair[:-1]) & (column[1:] == column[:-1]))
    products = value[first] * value[first + 1]
    nonzero = products != 0
    first, products = first[nonzero], products[nonzero]
    bounds = np.searchsorted(pair[first], np.arange(len(m_idx) + 1))
    for p in range(len(m_idx)):
        yield column[first[bounds[p]:bounds[p + 1]]], products[bounds[p]:bounds[p + 1]]


def explain(shared: dict[str, list[tuple[str, float]]], groups: Sequence[Any], blocks: Sequence[str],
            member_trl: tuple[int, int] | None = None, opp_trl: tuple[int, int] | None = None,
            why_terms: int = 3, labels: Mapping[str, str] | None = None,
            implied: Mapping[str, Collection[str]] | None = None) -> str:
    """The readable "why": ``automotive, production; cfrp, rtm; TRL 7 in 6-9; market JP; text: tailgate, crash``.

    Only blocks with shared features appear; features within a block are listed by
    contribution. In the text block the thesaurus concepts both texts name come first,
    by their ``labels`` (the reader's language), then plain words up to ``why_terms``.
    """
    ordered = [(tuple(g.blocks), g.prefix) for g in groups]
    covered = {b for bs, _ in ordered for b in bs}
    ordered += [((b,), f"{b}: ") for b in blocks if b not in covered]
    parts = []
    for group_blocks, prefix in ordered:
        names: list[str] = []
        for block in group_blocks:
            features = shared.get(block)
            if not features:
                continue
            if block == TRL_BLOCK:
                names.append(_trl_phrase(member_trl, opp_trl, features))
            elif block == TEXT_BLOCK:
                names.extend(_text_names(features, labels or {}, implied or {}, why_terms))
            else:
                names.extend(f for f, _ in features)
        if names:
            parts.append(prefix + ", ".join(names))
    return "; ".join(parts)


def _text_names(features: list[tuple[str, float]], labels: Mapping[str, str],
                implied: Mapping[str, Collection[str]], why_terms: int) -> list[str]:
    """The ``why_terms`` strongest shared concepts by label, then plain words while there are fewer.

    A broader concept that a shared narrower one brings is not named again (tailgate, not
    tailgate and body panel).
    """
    shared = [f for f, _ in features if f in labels]
    brought = {b for f in shared for b in implied.get(f, ()) if b != f}
    concepts = [labels[f] for f in shared if f not in brought][:why_terms]
    words = [f for f, _ in features if f not in labels][: max(0, why_terms - len(concepts))]
    return list(dict.fromkeys(concepts)) + words


def _trl_phrase(member: tuple[int, int] | None, band: tuple[int, int] | None,
                features: list[tuple[str, float]]) -> str:
    if not member or not band or not member[0]:
        levels = sorted(int(f) for f, _ in features)
        return f"TRL {levels[0]}" if len(levels) == 1 else f"TRL {levels[0]}-{levels[-1]}"
    shown = str(member[0]) if member[0] == member[1] else f"{member[0]}-{member[1]}"
    wanted = str(band[0]) if band[0] == band[1] else f"{band[0]}-{band[1]}"
    inside = band[0] <= member[0] and member[1] <= band[1]
    return f"TRL {shown} {'in' if inside else 'near'} {wanted}"
