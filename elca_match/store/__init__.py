"""The only place with SQL: schema, reads and writes."""

from .db import open_db, transaction

__all__ = ["open_db", "transaction"]
