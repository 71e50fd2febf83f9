"""Who a member organisation is: the identity every listing of members shows.

Declared once here; the store's current member (with its answers) and the ranking's
results (a match, a member's best fits) extend it with what they add.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, overload


@dataclass(frozen=True)
class MemberIdentity:
    """A member organisation: its stable key, name, cluster, country, organisation type and whether its
    contact data may be shared."""

    org_key: str
    name: str
    cluster: str
    country: str
    org_type: str
    consent: bool


IDENTITY_FIELDS = tuple(f.name for f in dataclasses.fields(MemberIdentity))


def identity_of(record: Any) -> dict[str, Any]:
    """The identity fields of any record that has them, as keyword arguments for another record."""
    return {name: getattr(record, name) for name in IDENTITY_FIELDS}


class MemberColumns(Sequence[MemberIdentity]):
    """Members held as one column per identity field, in row order; a member's record is made only when
    it is read. A stored profile build keeps its members so: ranking 50,000 of them makes records for
    the few it shows, not for all (making them was a tenth of a second)."""

    def __init__(self, columns: Sequence[Sequence[Any]], rows: Sequence[int] | None = None) -> None:
        if len(columns) != len(IDENTITY_FIELDS) or len({len(c) for c in columns}) > 1:
            raise ValueError("one column of equal length per identity field is needed")
        self._columns = columns
        self._rows = rows  # None: every row, in order

    def __len__(self) -> int:
        return len(self._columns[0]) if self._rows is None else len(self._rows)

    @overload
    def __getitem__(self, index: int) -> MemberIdentity: ...

    @overload
    def __getitem__(self, index: slice) -> list[MemberIdentity]: ...

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        row = index if self._rows is None else self._rows[index]
        return MemberIdentity(*(column[row] for column in self._columns))

    def column(self, name: str) -> Sequence[Any]:
        """One identity field of every member, in order (the stored column itself when nothing was left out)."""
        values = self._columns[IDENTITY_FIELDS.index(name)]
        return values if self._rows is None else [values[row] for row in self._rows]

    def where(self, keep: Sequence[bool]) -> MemberColumns:
        """The members whose ``keep`` is true, in order."""
        rows = range(len(self)) if self._rows is None else self._rows
        return MemberColumns(self._columns, [row for row, kept in zip(rows, keep) if kept])


def column_of(members: Sequence[Any], name: str) -> Sequence[Any]:
    """One identity field of each of ``members`` (records or :class:`MemberColumns`), in order."""
    if isinstance(members, MemberColumns):
        return members.column(name)
    return [getattr(m, name) for m in members]
