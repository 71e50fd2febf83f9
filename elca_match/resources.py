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
    from .cache import remembered

    path = Path(path)
    raw = path.read_bytes() if raw is None else raw
    if not _shipped(path):
        return _parse_yaml(raw)
    # wrapped: a file whose data is null (or anything else) is cached all the same
    return remembered(_cache_name(path, raw), lambda: {"data": _parse_yaml(raw)},
                      lambda cached: isinstance(cached, dict) and "data" in cached)["data"]


def _parse_yaml(raw: bytes) -> object:
    import yaml

    try:
        return yaml.load(raw, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise YamlError(str(exc)) from None


def _shipped(path: Path) -> bool:
    """True for a file of this installation: in the package or its data folders (not one a user or a test wrote)."""
    folder = path.resolve().parent
    roots = (_PACKAGE_DIR, _PACKAGE_DIR.parent / "surveys", _PACKAGE_DIR.parent / "models")
    return any(folder == root or root in folder.parents for root in roots)


def _cache_name(path: Path, raw: bytes) -> str:
    import hashlib

    return f"yaml-{path.parent.name}-{path.stem}-{hashlib.sha256(raw).hexdigest()[:24]}.json"
