"""The only place with SQL: schema, reads and writes."""

from .db import open_db, secure_delete, transaction, vacuum

__all__ = ["open_db", "secure_delete", "transaction", "vacuum"]
