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


def load_yaml(path: Path) -> object:
    """Parse a YAML data file with the C loader when PyYAML has it (several times faster at start-up)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)
