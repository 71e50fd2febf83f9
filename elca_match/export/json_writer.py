"""JSON: the result itself (``document.data``) when there is one, else the tables as objects.

Text is kept exactly as it was typed (no neutralisation, no escaping beyond JSON's).
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
from collections.abc import Mapping
from enum import Enum
from pathlib import PurePath
from typing import IO, Any

from .document import Document, Section


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: dataclasses become dicts, tuples and sets lists, numpy scalars numbers."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(jsonable(k)) if not isinstance(k, str) else k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=lambda v: (str(type(v)), str(v)))
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
        return value.isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if type(value).__module__ == "numpy":
        return jsonable(value.tolist() if hasattr(value, "tolist") else value.item())
    if hasattr(value, "_asdict"):
        return jsonable(value._asdict())
    return str(value)


def section_objects(section: Section) -> list[dict[str, Any]]:
    """A section's rows as one object per row, keyed by column name."""
    columns = [str(c) for c in section.columns]
    return [dict(zip(columns, (jsonable(v) for v in row))) for row in section.rows]


def named_tables(document: Document) -> dict[str, list[dict[str, Any]]]:
    """The document's sections as named tables of row objects, keyed like the CSV columns.

    Table names are the ones ``--table`` takes (:attr:`Section.table_name`). Sections with
    the same name and the same columns form one table, and so do all sections of a
    document whose sections share their columns (named after the document), each row
    led by a ``section`` key holding its section's title, as in CSV; a name taken by
    other columns gets ``-2``, ``-3``...
    """
    sections = document.sections
    same_columns = len(sections) > 1 and all(list(s.columns) == list(sections[0].columns) for s in sections)
    shared = None
    if same_columns:
        names = {s.table_name for s in sections}
        shared = names.pop() if len(names) == 1 else Section(document.title, [], []).table_name
    groups: dict[str, list[Section]] = {}
    for section in sections:
        name = shared or section.table_name
        candidate, n = name, 1
        while candidate in groups and list(groups[candidate][0].columns) != list(section.columns):
            n += 1
            candidate = f"{name}-{n}"
        groups.setdefault(candidate, []).append(section)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, members in groups.items():
        rows = []
        for section in members:
            for row in section_objects(section):
                rows.append({"section": section.title, **row} if len(members) > 1 else row)
        tables[name] = rows
    return tables


def document_payload(document: Document) -> Any:
    """What the json writer serialises for ``document``.

    With a ``query`` (set by the command line): the shape of docs/json.md, an object
    with ``query``, ``summary`` and ``tables``, followed by the result's own fields.
    Without one (a library caller): the result itself, or the sections as objects.
    """
    legacy = _result_payload(document)
    if document.query is None:
        return legacy
    payload: dict[str, Any] = {"query": jsonable(document.query), "summary": jsonable(document.summary),
                               "tables": named_tables(document)}
    if isinstance(legacy, dict):
        for key, value in legacy.items():
            payload.setdefault(key, value)
    return payload


def _result_payload(document: Document) -> Any:
    if document.data is not None:
        return jsonable(document.data)
    payload: dict[str, Any] = {
        "title": document.title,
        "summary": jsonable(document.summary),
        "sections": [
            {"title": s.title, "columns": list(s.columns), "rows": section_objects(s),
             "notes": list(s.notes), "meta": jsonable(s.meta)}
            for s in document.sections
        ],
        "notes": list(document.notes),
    }
    if document.heatmaps:
        payload["heatmaps"] = jsonable(document.heatmaps)
    return payload


def write_json(document: Document, stream: IO[str]) -> None:
    """Write ``document`` as indented UTF-8 JSON (non-ASCII text kept as is)."""
    json.dump(document_payload(document), stream, ensure_ascii=False, indent=2, allow_nan=False)
    stream.write("\n")
