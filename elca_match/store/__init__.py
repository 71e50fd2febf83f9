"""The only place with SQL: schema, reads and writes.

``store.session`` is the function that opens the database (``with session(path) as s:``), defined
in the module ``store/session.py``; inside ``store`` import it as ``from .session import session``.
"""

import sys

# sqlite-utils imports pandas when it is installed, only to map pd.Timestamp columns, which
# nothing here stores: a third of a second of every command's start-up. Hide it meanwhile.
if "sqlite_utils" not in sys.modules and "pandas" not in sys.modules:
    sys.modules["pandas"] = None  # type: ignore[assignment]  # None makes `import pandas` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["pandas"]

from .db import open_db  # noqa: E402
from .session import Session, secure_delete, session, transaction, vacuum  # noqa: E402

__all__ = ["Session", "open_db", "secure_delete", "session", "transaction", "vacuum"]
