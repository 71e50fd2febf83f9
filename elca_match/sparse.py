"""Compressed sparse rows in numpy alone: a stored profile matrix as it is read back.

Importing scipy costs a command a tenth of a second. Ranking a few opportunities against a stored
build needs only what is here: the rows it ranks, their products with a few dense columns and
their shapes. Anything else asks for :meth:`CsrRows.tocsr`, which hands the same arrays to scipy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True, eq=False)
class CsrRows:
    """A matrix in compressed sparse row form (scipy's layout: ``data``, ``indices``, ``indptr``)."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    format = "csr"

    @classmethod
    def of(cls, matrix: Any) -> CsrRows:
        """``matrix`` (a scipy sparse matrix, a dense array, or already this) in this form."""
        if isinstance(matrix, CsrRows):
            return matrix
        if hasattr(matrix, "tocsr"):
            csr = matrix.tocsr()
            return cls(csr.data, csr.indices, csr.indptr, csr.shape)
        dense = np.asarray(matrix)
        rows, columns = np.nonzero(dense)
        indptr = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=dense.shape[0]))))
        return cls(dense[rows, columns], columns, indptr, dense.shape)

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1])

    def tocsr(self) -> Any:
        """The same matrix as a ``scipy.sparse.csr_matrix`` (sharing the arrays)."""
        return scipy_sparse().csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)

    def toarray(self) -> np.ndarray:
        out = np.zeros(self.shape, dtype=self.data.dtype)
        out[self.row_of_entries(), self.indices[: self.nnz]] = self.data[: self.nnz]
        return out

    def row_of_entries(self) -> np.ndarray:
        """The row of each stored entry."""
        return np.repeat(np.arange(self.shape[0]), np.diff(self.indptr))

    def __getitem__(self, rows: Any) -> CsrRows:
        """The rows ``rows`` (an array of row numbers), in that order."""
        rows = np.arange(self.shape[0])[rows] if isinstance(rows, slice) else np.asarray(rows, dtype=np.int64)
        starts, lengths = self.indptr[rows], np.diff(self.indptr)[rows]
        indptr = np.concatenate(([0], np.cumsum(lengths))).astype(self.indptr.dtype)
        # each kept entry's position in the source: its row's start plus its offset within the row
        taken = np.repeat(starts - indptr[:-1], lengths) + np.arange(indptr[-1])
        return CsrRows(self.data[taken], self.indices[taken], indptr, (len(rows), self.shape[1]))

    def __matmul__(self, dense: Any) -> np.ndarray:
        """This matrix times a dense one (``features x k``): ``rows x k``, each sum taken in column order."""
        dense = np.asarray(dense)
        rows = self.row_of_entries()
        data, indices = self.data[: self.nnz], self.indices[: self.nnz]
        columns = [np.bincount(rows, weights=data * dense[indices, c], minlength=self.shape[0])
                   for c in range(dense.shape[1])]
        return np.stack(columns, axis=1) if columns else np.zeros((self.shape[0], 0))


# numpy's optional submodules that scipy's array-API layer touches (it copies every attribute of
# numpy) but that ranking never uses: f2py alone pulls in a Fortran parser and a charset detector.
_UNUSED_BY_SCIPY = ("numpy.f2py", "numpy.testing", "numpy.ma", "numpy.polynomial", "numpy.fft", "numpy.ctypeslib")


def scipy_sparse() -> Any:
    """``scipy.sparse``, imported with those numpy submodules loaded lazily: each still loads, in full,
    the first time anything uses it (a third of the import's time, at no cost to what it gives)."""
    import importlib.util
    import sys

    if "scipy.sparse" not in sys.modules:
        import numpy

        for name in _UNUSED_BY_SCIPY:
            if name in sys.modules:
                continue
            spec = importlib.util.find_spec(name)
            if spec is None or spec.loader is None:
                continue
            spec.loader = importlib.util.LazyLoader(spec.loader)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            setattr(numpy, name.rsplit(".", 1)[1], module)  # numpy's own lazy attribute, now bound
    import scipy.sparse

    return scipy.sparse

