"""The only place with SQL: schema, reads and writes.

``store.session`` is the function that opens the database (``with session(path) as s:``), defined
in the module ``store/session.py``; inside ``store`` import it as ``from .session import session``.
"""

from .db import open_db
from .session import Database, Session, secure_delete, session, transaction, vacuum

__all__ = ["Database", "Session", "open_db", "secure_delete", "session", "transaction", "vacuum"]
