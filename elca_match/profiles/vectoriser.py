"""The vectoriser: members and opportunities into one sparse feature space.

It follows scikit-learn's fit/transform contract (``__init__`` only stores parameters,
learned state ends in ``_``, ``get_feature_names_out()`` names the columns), so a
column of a profile matrix can always be traced back to "sectors=automotive",
"trl=7" or "text=cfrp".

Encoding, block by block (the model file says which norm a block uses):

* ``l2`` multi-hot and text blocks are unit vectors on both sides, so their dot
  product is the cosine of the block; a member's materials and technologies also
  hold, at a lower weight, the codes its free text names (``text_to_blocks``);
* ``max`` blocks (markets) give a member 1.0 per feature it has fully and an
  opportunity a distribution summing to 1, so the dot product is the share of what
  the opportunity asks that the member covers;
* the ``band`` block (TRL) gives a member a uniform distribution over its levels and
  an opportunity a kernel that is 1.0 inside its range and decays outside.

Every block similarity is in [0, 1]. Member blocks are left at that scale; an
opportunity's blocks are multiplied by ``weight(block) / W`` where ``W`` sums the
weights of the blocks the opportunity has. So ``member_row @ opportunity_row`` is a
weighted mean of block similarities, it is exactly the sum of per-block
contributions, an empty block on either side contributes 0, and two rows that share
no feature score exactly 0.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .analysis import Analysis, TextAnalyser
from .lemmas import save_lemmas
from .inputs import OPPORTUNITY, ProfileInput
from .model import TEXT_BLOCK, TRL_BLOCK, MatchModel, load_model

SEPARATOR = "="
# Kernel values below this are cut: a TRL three levels away from the range (0.06) is
# no fit, and should neither add to the score nor appear in a "why".
TRL_FLOOR = 0.1


class Vectoriser(TransformerMixin, BaseEstimator):
    """Fit a shared feature space on profile inputs; transform them into CSR rows.

    ``model`` is a :class:`~elca_match.profiles.model.MatchModel` (the default model
    with the current questionnaire when None).
    """

    def __init__(self, model: MatchModel | None = None):
        self.model = model

    # -- scikit-learn contract -------------------------------------------------
    def fit(self, X: Sequence[ProfileInput], y=None) -> "Vectoriser":
        """Learn the vocabulary of every block and the text IDF from ``X``."""
        self._fit(X, self._analyse(X, fitting=True))
        return self

    def fit_transform(self, X: Sequence[ProfileInput], y=None, **_) -> sp.csr_matrix:
        """Fit on ``X`` and return its rows (analysing each text once)."""
        analyses = self._analyse(X, fitting=True)
        self._fit(X, analyses)
        return self._transform(X, analyses)

    def transform(self, X: Sequence[ProfileInput]) -> sp.csr_matrix:
        """The CSR matrix of ``X`` (one row per input, columns as ``get_feature_names_out()``)."""
        check_is_fitted(self, "vocabulary_")
        return self._transform(X, self._analyse(X))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names, ``block=feature`` (``sectors=automotive``, ``trl=7``, ``text=cfrp``)."""
        check_is_fitted(self, "vocabulary_")
        return self.feature_names_.copy()

    # -- fitting ----------------------------------------------------------------
    def _model(self) -> MatchModel:
        return self.model if self.model is not None else load_model()

    def _analyse(self, X: Sequence[ProfileInput], fitting: bool = False) -> list[Analysis]:
        model = self.model_ if not fitting and hasattr(self, "model_") else self._model()
        analyser = TextAnalyser(model.text, model.glossary)
        cache: dict[tuple[str, str | None], Analysis] = {}
        out = []
        for x in X:
            key = (x.text, x.lang)
            hit = cache.get(key)
            if hit is None:
                hit = cache[key] = analyser.analyse(x.text, x.lang)
            out.append(hit)
        save_lemmas()  # the next process's first build reuses them
        return out

    def _fit(self, X: Sequence[ProfileInput], analyses: list[Analysis]) -> None:
        model = self._model()
        seen: dict[str, set[str]] = {}
        for x in X:
            for block, value in x.blocks.items():
                if block in (TRL_BLOCK, TEXT_BLOCK):
                    continue
                seen.setdefault(block, set()).update(x.features(block))
        df: Counter[str] = Counter()
        concepts: set[str] = set()
        for a in analyses:
            df.update(set(a.concepts) | set(a.lemmas))
            concepts.update(a.concepts)
        n_docs = len(analyses)
        text_terms = sorted(t for t, n in df.items() if n >= model.text.min_df)

        blocks = [b for b in model.blocks if b in seen or b in (TRL_BLOCK, TEXT_BLOCK)]
        blocks += sorted(b for b in seen if b not in blocks)
        names: list[str] = []
        block_of: list[int] = []
        idf: list[float] = []
        for index, block in enumerate(blocks):
            if block == TRL_BLOCK:
                features = [str(level) for level in range(1, model.trl_levels + 1)]
            elif block == TEXT_BLOCK:
                features = text_terms
            else:
                features = sorted(seen[block])
            for feature in features:
                names.append(f"{block}{SEPARATOR}{feature}")
                block_of.append(index)
                # smooth IDF, as scikit-learn's TfidfTransformer: ln((1 + n) / (1 + df)) + 1
                idf.append(math.log((1 + n_docs) / (1 + df[feature])) + 1 if block == TEXT_BLOCK else 1.0)
        self.model_ = model
        self.model_version_ = model.version
        self.model_hash_ = model.content_hash
        self.blocks_ = blocks
        self.feature_names_ = np.array(names, dtype=object)
        self.feature_block_ = np.array(block_of, dtype=np.int32)
        self.vocabulary_ = {name: i for i, name in enumerate(names)}
        self.idf_ = np.array(idf)
        self.concepts_ = frozenset(concepts)
        self.block_weights_ = np.array([model.weight(b) for b in blocks])

    # -- transforming -------------------------------------------------------------
    def _transform(self, X: Sequence[ProfileInput], analyses: list[Analysis]) -> sp.csr_matrix:
        indptr = [0]
        indices: list[int] = []
        data: list[float] = []
        for x, analysis in zip(X, analyses):
            row = self._row(x, analysis)
            for col, value in row:
                indices.append(col)
                data.append(value)
            indptr.append(len(indices))
        matrix = sp.csr_matrix(
            (np.array(data, dtype=np.float64), np.array(indices, dtype=np.int32), np.array(indptr, dtype=np.int64)),
            shape=(len(X), len(self.feature_names_)),
        )
        matrix.sort_indices()
        return matrix

    def _row(self, x: ProfileInput, analysis: Analysis) -> list[tuple[int, float]]:
        model = self.model_
        opportunity = x.side == OPPORTUNITY
        parts: list[tuple[int, list[tuple[int, float]]]] = []
        for index, block in enumerate(self.blocks_):
            if block == TRL_BLOCK:
                entries = self._trl(x.trl, opportunity)
            elif block == TEXT_BLOCK:
                entries = self._text(analysis)
            else:
                features = x.features(block)
                if not opportunity and block in model.text_to_blocks:
                    features = self._with_text_concepts(block, features, analysis)
                entries = self._multi(block, features, model.norm(block), opportunity)
            if entries:
                parts.append((index, entries))
        if not opportunity:
            return [e for _, entries in parts for e in entries]
        total = sum(self.block_weights_[index] for index, _ in parts)
        row = []
        for index, entries in parts:
            scale = self.block_weights_[index] / total
            row.extend((col, value * scale) for col, value in entries)
        return row

    def _with_text_concepts(self, block: str, features: dict[str, float], analysis: Analysis) -> dict[str, float]:
        """A member's block plus the block's codes its free text names (at the model's lower weight)."""
        weight = self.model_.text_to_blocks[block]
        prefix = f"{block}{SEPARATOR}"
        extra = {c: weight for c in analysis.concepts if c not in features and prefix + c in self.vocabulary_}
        return {**features, **extra} if extra else features

    def _multi(self, block: str, features: dict[str, float], norm: str, opportunity: bool) -> list[tuple[int, float]]:
        if not features:
            return []
        if norm == "max":
            if opportunity:  # a distribution: covering all of it scores 1
                total = sum(features.values())
                values = {f: v / total for f, v in features.items()}
            else:
                values = {f: min(v, 1.0) for f, v in features.items()}
        else:  # unknown features still count in the norm: breadth is part of the profile
            length = math.sqrt(sum(v * v for v in features.values()))
            values = {f: v / length for f, v in features.items()}
        vocabulary = self.vocabulary_
        entries = []
        for feature, value in values.items():
            col = vocabulary.get(f"{block}{SEPARATOR}{feature}")
            if col is not None and value:
                entries.append((col, value))
        return entries

    def _trl(self, band: tuple[int, int] | None, opportunity: bool) -> list[tuple[int, float]]:
        if band is None:
            return []
        levels = self.model_.trl_levels
        low, high = (max(1, min(levels, int(v))) for v in band)
        low, high = min(low, high), max(low, high)
        first = self.vocabulary_[f"{TRL_BLOCK}{SEPARATOR}1"]
        if not opportunity:  # uniform over the member's levels: the score is their mean fit
            share = 1.0 / (high - low + 1)
            return [(first + level - 1, share) for level in range(low, high + 1)]
        sigma = self.model_.trl_sigma
        entries = []
        for level in range(1, levels + 1):
            distance = low - level if level < low else level - high if level > high else 0
            value = math.exp(-(distance ** 2) / (2 * sigma * sigma))
            if value >= TRL_FLOOR:
                entries.append((first + level - 1, value))
        return entries

    def _text(self, analysis: Analysis) -> list[tuple[int, float]]:
        settings = self.model_.text
        counts = Counter(analysis.lemmas)
        counts.update(analysis.concepts)
        concepts = set(analysis.concepts)
        core = self.model_.glossary.core
        vocabulary = self.vocabulary_
        entries = []
        for term, count in counts.items():
            col = vocabulary.get(f"{TEXT_BLOCK}{SEPARATOR}{term}")
            if col is None:
                continue
            tf = 1.0 + math.log(count) if settings.sublinear_tf else float(count)
            if term in concepts:
                # a finer concept counts less than a core one: two texts about wing ribs and fuselage
                # panels still meet on aerostructures without the finer names pulling them apart
                tf *= settings.concept_weight * (1.0 if term in core else settings.thesaurus_weight)
            entries.append((col, tf * self.idf_[col]))
        length = math.sqrt(sum(v * v for _, v in entries))
        return [(col, v / length) for col, v in entries] if length else []
