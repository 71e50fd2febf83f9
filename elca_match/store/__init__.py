"""The only place with SQL: schema, reads and writes.

``store.session`` is the function that opens the database (``with session(path) as s:``), defined
in the module ``store/session.py``; inside ``store`` import it as ``from .session import session``.
"""

import sys

# sqlite-utils imports pandas when it is installed, only to map pd.Timestamp columns, which
# nothing here stores: a third of a second of every command's start-up. Hide it meanwhile.
# Likewise numpy, imported only to map numpy scalar types to column types when it creates a
# table from values; commands that never compute (members list) then never import it, and
# the mapping learns numpy's types when one is asked for (see ``_ColumnTypes``).
if "sqlite_utils" not in sys.modules:
    _hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for _name in _hidden:
        sys.modules[_name] = None  # type: ignore[assignment]  # None makes `import X` fail
    try:
        import sqlite_utils.db
    finally:
        for _name in _hidden:
            del sys.modules[_name]

    if "numpy" in _hidden:
        class _ColumnTypes(dict):
            """sqlite-utils' Python type -> column type, numpy's scalar types found when asked for."""

            def __missing__(self, key):
                column = _numpy_column(key)
                if column is None:
                    raise KeyError(key)
                return column

            def get(self, key, default=None):
                return self[key] if key in self or _numpy_column(key) is not None else default

        def _numpy_column(key):
            if getattr(key, "__module__", None) != "numpy" or not isinstance(key, type):
                return None
            import numpy as np

            if issubclass(key, np.integer):
                return "INTEGER"
            return "REAL" if issubclass(key, np.floating) else None

        sqlite_utils.db.COLUMN_TYPE_MAPPING = _ColumnTypes(sqlite_utils.db.COLUMN_TYPE_MAPPING)

from .db import open_db  # noqa: E402
from .session import Session, secure_delete, session, transaction, vacuum  # noqa: E402

__all__ = ["Session", "open_db", "secure_delete", "session", "transaction", "vacuum"]
