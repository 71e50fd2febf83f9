"""Stored profile builds: the member/opportunity matrices and what explains them.

A build is keyed by the content hash of what it was built from (members' profile
answers, opportunities, model and questionnaire files) and records the model version,
so `rank` on an unchanged database only loads it. Matrices are stored as an ``.npz``
blob (read without pickle). Only the latest build is kept: older ones hold answers
that may since have been corrected or erased.
"""

from __future__ import annotations

import io
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .session import Database


SCHEMA = """
CREATE TABLE IF NOT EXISTS profile_builds (
    id INTEGER PRIMARY KEY,
    content_hash TEXT NOT NULL,
    model_version TEXT NOT NULL,
    built_at TEXT NOT NULL,
    seconds REAL NOT NULL,
    members INTEGER NOT NULL,
    opportunities INTEGER NOT NULL,
    features INTEGER NOT NULL,
    meta TEXT NOT NULL,              -- JSON: row keys, feature names, TRL bands, explanation settings
    matrices BLOB NOT NULL,          -- npz: member and opportunity CSR matrices
    vectoriser BLOB NOT NULL         -- empty: the fitted vectoriser is never read back, so it is not kept
);
CREATE INDEX IF NOT EXISTS profile_builds_hash ON profile_builds(content_hash);
"""

_COLUMNS = ("id", "content_hash", "model_version", "built_at", "seconds", "members", "opportunities", "features")


@dataclass
class ProfileBuild:
    """A profile build as stored: identity, row keys, feature names and both matrices."""

    content_hash: str
    model_version: str
    built_at: str
    seconds: float
    member_keys: list[str]
    opportunity_ids: list[str]
    feature_names: list[str]
    member_X: Any                    # members x features: scipy or elca_match.sparse CSR, or dense numpy
    opportunity_X: Any               # opportunities x features, likewise
    member_trl: Sequence[tuple[int, int] | None] = field(default_factory=list)
    opportunity_trl: Sequence[tuple[int, int] | None] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # explain groups, why_terms
    id: int | None = None
    # the digest of the stored inputs this build was made from (``services.rank.inputs_key``), and what
    # ranking shows of the members, column by column (names, clusters, countries, org_types, consents,
    # each in member_keys' order): with them, ranking on an unchanged database reads neither the
    # answers nor computes the content hash
    inputs_key: str = ""
    member_heads: list[list[Any]] = field(default_factory=list)


def load_build(db: Database, content_hash: str, dense_max_cells: int = 0) -> ProfileBuild | None:
    """The stored build for ``content_hash``, or None when there is none (or it is unreadable).

    Matrices come back as :class:`~elca_match.sparse.CsrRows`, or as dense numpy arrays when neither
    has more than ``dense_max_cells`` cells; neither needs scipy.
    """
    row = db.conn.execute(
        f"SELECT {', '.join(_COLUMNS)}, meta, matrices FROM profile_builds "
        "WHERE content_hash = ? ORDER BY id DESC LIMIT 1", [content_hash]).fetchone()
    if row is None:
        return None
    try:
        return _decode(row, dense_max_cells)
    except (ValueError, KeyError, OSError):  # a build from an older layout: rebuild it
        return None


def load_by_inputs(db: Database, inputs_key: str, dense_max_cells: int = 0) -> ProfileBuild | None:
    """The stored build made from inputs whose digest is ``inputs_key`` (see :func:`remember_inputs`), or None."""
    row = db.conn.execute(  # only the latest build is kept
        f"SELECT {', '.join(_COLUMNS)}, meta, matrices FROM profile_builds ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    try:
        return _decode(row, dense_max_cells, inputs_key=inputs_key)
    except (ValueError, KeyError, OSError):
        return None


def remember_inputs(db: Database, build_id: int, inputs_key: str, member_heads: list[list[Any]]) -> bool:
    """Record on build ``build_id`` the digest of the inputs it was made from and the members' heads, in
    its own transaction; False when the build is gone or the database cannot be written now (read-only,
    busy, full): this only spares the next ranking some work, so it never fails a command."""
    from ..errors import StorageError
    from .session import transaction

    try:
        with transaction(db):
            return db.conn.execute(
                "UPDATE profile_builds SET meta = json_set(meta, '$.inputs_key', ?, '$.member_heads', json(?)) "
                "WHERE id = ?", [inputs_key, json.dumps(member_heads, ensure_ascii=False), build_id]).rowcount > 0
    except (sqlite3.OperationalError, StorageError):
        return False


def save_build(db: Database, build: ProfileBuild) -> int:
    """Store ``build`` as the only build (call inside a transaction); returns its id."""
    import numpy as np

    buffer = io.BytesIO()
    mx, ox = build.member_X.tocsr(), build.opportunity_X.tocsr()
    # uncompressed: a build is read far more often than written, and inflating the arrays was most
    # of the load (50,000 x 2,000 at 2 %: 0.44 s compressed, 0.05 s plain, 23 MiB instead of 18)
    np.savez(
        buffer,
        m_data=mx.data, m_indices=mx.indices, m_indptr=mx.indptr, m_shape=np.array(mx.shape),
        o_data=ox.data, o_indices=ox.indices, o_indptr=ox.indptr, o_shape=np.array(ox.shape),
        m_trl=TrlBands.array(build.member_trl), o_trl=TrlBands.array(build.opportunity_trl),
    )
    meta = {
        "member_keys": build.member_keys,
        "opportunity_ids": build.opportunity_ids,
        "feature_names": build.feature_names,
        "settings": build.settings,
        "inputs_key": build.inputs_key,
        "member_heads": build.member_heads,
    }
    db.conn.execute("DELETE FROM profile_builds")
    cursor = db.conn.execute(
        "INSERT INTO profile_builds (content_hash, model_version, built_at, seconds, members, opportunities, "
        "features, meta, matrices, vectoriser) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [build.content_hash, build.model_version, build.built_at, build.seconds, mx.shape[0], ox.shape[0],
         mx.shape[1], json.dumps(meta, ensure_ascii=False), buffer.getvalue(), b""])
    build.id = cursor.lastrowid
    return build.id


class TrlBands(Sequence):
    """Each row's TRL band ``(low, high)``, or None, read from an ``(n, 2)`` array where -1 marks none: 50,000
    members' bands as Python tuples were a tenth of loading a build (and work for the garbage collector)."""

    def __init__(self, array: Any) -> None:
        self._array = array

    @staticmethod
    def array(bands: Sequence[tuple[int, int] | None]) -> Any:
        import numpy as np

        return np.array([band or (-1, -1) for band in bands], dtype=np.int8).reshape(len(bands), 2)

    def __len__(self) -> int:
        return len(self._array)

    def __getitem__(self, row):  # a row number (what explanations ask for)
        low, high = self._array[row].tolist()
        return None if low < 0 else (low, high)


def clear(db: Database) -> int:
    """Delete every stored build (they are derived data and are rebuilt on demand)."""
    return db.conn.execute("DELETE FROM profile_builds").rowcount


def forget(db: Database, org_key: str) -> dict[str, int]:
    """`forget` hook: builds that hold the organisation's profile (and its words) are deleted."""
    doomed = [row[0] for row in db.conn.execute("SELECT id, meta FROM profile_builds")
              if org_key in json.loads(row[1]).get("member_keys", [])]
    for build_id in doomed:
        db.conn.execute("DELETE FROM profile_builds WHERE id = ?", [build_id])
    return {"profile_builds": len(doomed)}


def _decode(row: tuple, dense_max_cells: int = 0, inputs_key: str | None = None) -> ProfileBuild | None:
    """The build of a stored row; None when ``inputs_key`` is given and the build was not made from them."""
    import numpy as np  # here, with CsrRows: not every command that opens the store needs numpy

    from ..sparse import CsrRows

    info = dict(zip(_COLUMNS, row[: len(_COLUMNS)]))
    meta = json.loads(row[len(_COLUMNS)])
    if inputs_key is not None and meta.get("inputs_key") != inputs_key:
        return None
    dense = max(info["members"], info["opportunities"]) * info["features"] <= dense_max_cells
    with np.load(io.BytesIO(row[len(_COLUMNS) + 1]), allow_pickle=False) as arrays:
        def matrix(prefix: str):
            data, indices, indptr = (arrays[f"{prefix}_{part}"] for part in ("data", "indices", "indptr"))
            stored = CsrRows(data, indices, indptr, tuple(int(v) for v in arrays[f"{prefix}_shape"]))
            return stored.toarray() if dense else stored

        member_X, opportunity_X = matrix("m"), matrix("o")
        member_trl, opportunity_trl = TrlBands(arrays["m_trl"]), TrlBands(arrays["o_trl"])
    return ProfileBuild(
        content_hash=info["content_hash"], model_version=info["model_version"], built_at=info["built_at"],
        seconds=info["seconds"], member_keys=meta["member_keys"], opportunity_ids=meta["opportunity_ids"],
        feature_names=meta["feature_names"], member_X=member_X, opportunity_X=opportunity_X,
        member_trl=member_trl, opportunity_trl=opportunity_trl,
        settings=meta.get("settings", {}), id=info["id"],
        inputs_key=meta.get("inputs_key") or "", member_heads=meta.get("member_heads") or [],
    )
