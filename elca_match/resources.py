"""Where the data files that ship with the tool live (questionnaires, models, built-in data).

In a checkout (editable install) they sit beside the package; in a wheel they are
copied into ``elca_match/_data``. This is the one function that knows both places.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the folder ``surveys`` or ``models``, wherever this install keeps it."""
    for candidate in (_PACKAGE_DIR.parent / name, _PACKAGE_DIR / "_data" / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"the data folder {name!r} is missing from this installation")


def builtin_path(name: str) -> Path:
    """Return a file shipped inside the package (``elca_match/builtin/NAME``)."""
    return _PACKAGE_DIR / "builtin" / name


class YamlError(ValueError):
    """A data file that is not valid YAML (the message is the parser's)."""


def load_yaml(path: Path, raw: bytes | None = None) -> object:
    """Parse the YAML data file ``path`` (``raw``: its bytes, when already read), with the C loader when
    PyYAML has it (several times faster at start-up); :class:`YamlError` when it is not valid YAML.

    A file shipped with the tool is parsed once per content: later loads read the result cached as
    JSON, which spares most commands importing and running the YAML parser (a twentieth of a second).
    """
    from .cache import drop_stale, read_json, write_json

    path = Path(path)
    raw = path.read_bytes() if raw is None else raw
    cached_as = _cache_name(path, raw) if _shipped(path) else None
    if cached_as is not None:
        cached = read_json(cached_as)
        if isinstance(cached, dict) and "data" in cached:
            return cached["data"]
    import yaml

    try:
        data = yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise YamlError(str(exc)) from None
    if cached_as is not None and _same_through_json(data):
        drop_stale(cached_as.rsplit("-", 1)[0] + "-", cached_as)
        write_json(cached_as, {"data": data})
    return data


def _shipped(path: Path) -> bool:
    """True for a file of this installation: in the package or its data folders (not one a user or a test wrote)."""
    folder = path.resolve().parent
    roots = (_PACKAGE_DIR, _PACKAGE_DIR.parent / "surveys", _PACKAGE_DIR.parent / "models")
    return any(folder == root or root in folder.parents for root in roots)


def _cache_name(path: Path, raw: bytes) -> str:
    import hashlib

    return f"yaml-{path.parent.name}-{path.stem}-{hashlib.sha256(raw).hexdigest()[:24]}.json"


def _same_through_json(data: object) -> bool:
    """True when JSON gives ``data`` back as it is (not so for dates, numbers as keys, NaN)."""
    import json

    try:
        return json.loads(json.dumps(data)) == data
    except (TypeError, ValueError):
        return False
