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
import operator
from collections.abc import Sequence
from itertools import chain, compress, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from .analysis import TextAnalyser
from .batch import TextBatch, analyse_batch
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
        self._fit(X, self._analyse(X, fitting=True), _coded(X))
        return self

    def fit_transform(self, X: Sequence[ProfileInput], y=None, **_) -> sp.csr_matrix:
        """Fit on ``X`` and return its rows (analysing each text once)."""
        texts, coded = self._analyse(X, fitting=True), _coded(X)
        self._fit(X, texts, coded)
        return self._transform(X, texts, coded)

    def transform(self, X: Sequence[ProfileInput]) -> sp.csr_matrix:
        """The CSR matrix of ``X`` (one row per input, columns as ``get_feature_names_out()``)."""
        check_is_fitted(self, "vocabulary_")
        return self._transform(X, self._analyse(X), _coded(X))

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names, ``block=feature`` (``sectors=automotive``, ``trl=7``, ``text=cfrp``)."""
        check_is_fitted(self, "vocabulary_")
        return self.feature_names_.copy()

    # -- fitting ----------------------------------------------------------------
    def _model(self) -> MatchModel:
        return self.model if self.model is not None else load_model()

    def _analyse(self, X: Sequence[ProfileInput], fitting: bool = False) -> tuple[TextBatch, np.ndarray]:
        """Each distinct (text, language) of ``X`` analysed once, and which of them each row has."""
        model = self.model_ if not fitting and hasattr(self, "model_") else self._model()
        numbering: dict[tuple[str, str | None], int] = {}
        row_text = np.fromiter((numbering.setdefault((x.text, x.lang), len(numbering)) for x in X),
                               dtype=np.int64, count=len(X))
        batch = analyse_batch(TextAnalyser(model.text, model.glossary),
                              [text for text, _ in numbering], [lang for _, lang in numbering])
        save_lemmas()  # the next process's first build reuses them
        return batch, row_text

    def _fit(self, X: Sequence[ProfileInput], texts: tuple[TextBatch, np.ndarray], coded: dict[str, _Coded]) -> None:
        model = self._model()
        batch, row_text = texts
        seen = {block: set(codes) for block, (_, codes, _) in coded.items()}
        # document frequency: the rows whose text has the term (a text shared by rows counts for each)
        rows_per_text = np.bincount(row_text, minlength=len(batch.langs))
        df = np.bincount(batch.term, weights=rows_per_text[batch.doc], minlength=len(batch.terms))
        concepts = {batch.terms[t] for t in np.unique(batch.concept_term).tolist()}
        n_docs = len(X)
        min_df = max(model.text.min_df, 1)
        df_of = {batch.terms[t]: int(df[t]) for t in np.flatnonzero(df >= min_df).tolist()}
        text_terms = sorted(df_of)

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
                idf.append(math.log((1 + n_docs) / (1 + df_of[feature])) + 1 if block == TEXT_BLOCK else 1.0)
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
    def _transform(self, X: Sequence[ProfileInput], texts: tuple[TextBatch, np.ndarray],
                   coded: dict[str, _Coded]) -> sp.csr_matrix:
        """Every block's entries as arrays (row, column, value), then one CSR matrix.

        Each row's sums (norms, totals) add its values in the order the per-row definition
        lists them (``np.bincount`` adds in array order), so the figures do not depend on
        how many rows are built together.
        """
        n = len(X)
        opportunity = np.fromiter((x.side == OPPORTUNITY for x in X), dtype=bool, count=n)
        parts: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []  # (block index, rows, columns, values)
        columns = self._columns()
        for index, block in enumerate(self.blocks_):
            if block == TRL_BLOCK:
                parts.append((index, *self._trl_entries(X)))
            elif block == TEXT_BLOCK:
                parts.append((index, *self._text_entries(*texts, columns[block])))
            else:
                parts.append((index, *self._block_entries(block, coded.get(block), columns[block], opportunity, texts)))
        if opportunity.any():  # an opportunity's blocks weighted by weight(block) / W, W over the blocks it has
            total = np.zeros(n)
            for index, rows, _, _ in parts:
                has = np.zeros(n, dtype=bool)
                has[rows] = True
                total = total + np.where(has, self.block_weights_[index], 0.0)
            scaled = []
            for index, rows, cols, values in parts:
                on = opportunity[rows]
                values = values.copy()
                values[on] = values[on] * (self.block_weights_[index] / total[rows[on]])
                scaled.append((index, rows, cols, values))
            parts = scaled
        rows = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        cols = np.concatenate([p[2] for p in parts]) if parts else np.zeros(0, dtype=np.int64)
        values = np.concatenate([p[3] for p in parts]) if parts else np.zeros(0)
        # rows bucketed by scipy (a counting sort), then columns sorted within each row
        matrix = sp.csr_matrix((values.astype(np.float64), (rows, cols)), shape=(n, len(self.feature_names_)))
        matrix.sort_indices()
        return matrix

    def _columns(self) -> dict[str, dict[str, int]]:
        """Block -> feature -> column."""
        out: dict[str, dict[str, int]] = {block: {} for block in self.blocks_}
        for col, (name, index) in enumerate(zip(self.feature_names_.tolist(), self.feature_block_.tolist())):
            block = self.blocks_[index]
            out[block][name[len(block) + len(SEPARATOR):]] = col
        return out

    def _block_entries(self, block: str, coded: _Coded | None, columns: dict[str, int], opportunity: np.ndarray,
                       texts: tuple[TextBatch, np.ndarray]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """A coded block: a member's codes (plus those its text names, for ``text_to_blocks``), normed."""
        rows, codes, values = coded or (np.zeros(0, dtype=np.int64), [], np.zeros(0))
        cols = np.fromiter(map(columns.get, codes, repeat(-1)), dtype=np.int64, count=len(codes))
        if block in self.model_.text_to_blocks:
            extra_rows, extra_cols = self._named_in_text(columns, *texts, ~opportunity)
            if len(extra_rows):  # codes the member ticked keep their own weight
                width = len(self.feature_names_)
                known = cols >= 0
                fresh = ~np.isin(extra_rows * width + extra_cols, rows[known] * width + cols[known])
                rows = np.concatenate([rows, extra_rows[fresh]])
                cols = np.concatenate([cols, extra_cols[fresh]])
                values = np.concatenate([values, np.full(int(fresh.sum()), self.model_.text_to_blocks[block])])
        n = len(opportunity)
        if self.model_.norm(block) == "max":
            # a member has each code fully; an opportunity's codes are a distribution that sums to 1
            total = np.bincount(rows, weights=values, minlength=n)
            on = opportunity[rows]
            values = np.where(on, values / np.where(on, total[rows], 1.0), np.minimum(values, 1.0))
        else:  # unknown codes still count in the norm: breadth is part of the profile
            values = values / np.sqrt(np.bincount(rows, weights=values * values, minlength=n))[rows]
        keep = (cols >= 0) & (values != 0)
        return rows[keep], cols[keep], values[keep]

    def _named_in_text(self, columns: dict[str, int], batch: TextBatch, row_text: np.ndarray,
                       members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, column) of each block code a member's text names as a concept, in the order found."""
        col_of_term = np.fromiter(map(columns.get, batch.terms, repeat(-1)), dtype=np.int64, count=len(batch.terms))
        named = col_of_term[batch.concept_term] >= 0
        rows, items = _gather(batch.concept_doc[named], len(batch.langs), row_text, members)
        return rows, col_of_term[batch.concept_term[named][items]]

    def _trl_entries(self, X: Sequence[ProfileInput]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows: list[int] = []
        cols: list[int] = []
        values: list[float] = []
        known: dict[tuple[tuple[int, int], bool], list[tuple[int, float]]] = {}
        for r, x in enumerate(X):
            if x.trl is None:
                continue
            key = (tuple(x.trl), x.side == OPPORTUNITY)
            entries = known.get(key)
            if entries is None:
                entries = known[key] = self._trl(*key)
            for col, value in entries:
                rows.append(r)
                cols.append(col)
                values.append(value)
        return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), np.asarray(values, dtype=np.float64)

    def _trl(self, band: tuple[int, int], opportunity: bool) -> list[tuple[int, float]]:
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

    def _text_entries(self, batch: TextBatch, row_text: np.ndarray,
                      columns: dict[str, int]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """TF-IDF of each text, l2-normed, then given to every row that has that text."""
        settings = self.model_.text
        core = self.model_.glossary.core
        col_of_term = np.fromiter(map(columns.get, batch.terms, repeat(-1)), dtype=np.int64, count=len(batch.terms))
        keep = col_of_term[batch.term] >= 0
        doc, term, count, concept = batch.doc[keep], batch.term[keep], batch.count[keep], batch.concept[keep]
        cols = col_of_term[term]
        if settings.sublinear_tf:  # math.log per distinct count, as the per-row definition computes it
            table = np.array([0.0] + [1.0 + math.log(c) for c in range(1, int(count.max(initial=0)) + 1)])
            tf = table[count]
        else:
            tf = count.astype(np.float64)
        # a finer concept counts less than a core one: two texts about wing ribs and fuselage
        # panels still meet on aerostructures without the finer names pulling them apart
        factor = np.array([settings.concept_weight * (1.0 if t in core else settings.thesaurus_weight)
                           for t in batch.terms])
        tf = np.where(concept, tf * factor[term], tf)
        values = tf * self.idf_[cols]
        values = values / np.sqrt(np.bincount(doc, weights=values * values, minlength=len(batch.langs)))[doc]
        rows, items = _gather(doc, len(batch.langs), row_text, np.ones(len(row_text), dtype=bool))
        return rows, cols[items], values[items]


# A coded block's answers, flat: the row of each code, the code, its weight (each row's codes in its order).
_Coded = tuple[np.ndarray, list[str], np.ndarray]


def _coded(X: Sequence[ProfileInput]) -> dict[str, _Coded]:
    """Every coded block's answers over ``X``, as :meth:`ProfileInput.features` reads them (a block some
    row has, even empty, is listed).

    Answers held as ``{code: weight}`` dicts of strings and numbers, the usual shape, are read a
    block at a time with C loops; anything else row by row through ``features``.
    """
    out: dict[str, _Coded] = {}
    answers = [x.blocks if x.blocks.__class__ is dict else dict(x.blocks) for x in X]
    n = len(X)
    for block in dict.fromkeys(chain.from_iterable(answers)):
        if block in (TRL_BLOCK, TEXT_BLOCK):
            continue
        values = list(map(dict.get, answers, repeat(block)))
        is_dict = list(map(operator.is_, map(type, values), repeat(dict)))
        dicts = list(compress(values, is_dict))
        codes = list(chain.from_iterable(dicts))
        try:  # float() of each weight, as `features` reads it; a weight float() refuses goes that way too
            weight = np.asarray(list(chain.from_iterable(map(dict.values, dicts))), dtype=np.float64)
            plain = set(map(type, codes)) <= {str}
        except (TypeError, ValueError):
            plain = False
        if plain:
            rows = np.repeat(np.flatnonzero(np.fromiter(is_dict, dtype=bool, count=n)),
                             np.fromiter(map(len, dicts), dtype=np.int64, count=len(dicts)))
            if not weight.all():  # a zero weight is no answer
                keep = weight != 0
                rows, weight, codes = rows[keep], weight[keep], list(compress(codes, keep.tolist()))
            other = [r for r, v in enumerate(values) if v and v.__class__ is not dict] \
                if len(dicts) + values.count(None) < n else []
        else:  # codes or weights to convert: every row through `features`
            rows, codes, weight = np.zeros(0, dtype=np.int64), [], np.zeros(0)
            other = [r for r, v in enumerate(values) if v]
        if other:
            features = [X[r].features(block) for r in other]
            rows = np.concatenate([rows, np.repeat(np.asarray(other, dtype=np.int64), list(map(len, features)))])
            codes += chain.from_iterable(features)
            weight = np.concatenate([weight, np.fromiter(chain.from_iterable(f.values() for f in features),
                                                         dtype=np.float64)])
        out[block] = (rows, codes, weight)
    return out


def _gather(group: np.ndarray, n_groups: int, row_group: np.ndarray,
            rows_wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For items sorted by ``group``: (row, item) for every wanted row and every item of the row's group."""
    sizes = np.bincount(group, minlength=n_groups)
    firsts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    wanted = np.flatnonzero(rows_wanted)
    per_row = sizes[row_group[wanted]]
    rows = np.repeat(wanted, per_row)
    offsets = np.arange(int(per_row.sum()), dtype=np.int64) - np.repeat(np.cumsum(per_row) - per_row, per_row)
    return rows, np.repeat(firsts[row_group[wanted]], per_row) + offsets
