"""Writers per format. Formula neutralisation and the consent filter live here only.

``write(document, fmt, target)`` is the one entry point: ``fmt`` is one of
:data:`FORMATS`, ``target`` a path or a text stream (xlsx needs a path). Files are
written to a temporary name next to the target and renamed when complete, so a
failed export never leaves half a file behind.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from ..errors import UsageError, did_you_mean, os_failure
from ..text import closest
from .cells import formula_like, neutralise, unneutralise
from .consent import Contact, ContactRelease, release_contacts
from .document import Document, Heatmap, Section

__all__ = [
    "FORMATS", "Contact", "ContactRelease", "Document", "Heatmap", "Section",
    "formula_like", "neutralise", "release_contacts", "render", "unneutralise", "write", "write_binary",
]


def _csv(document: Document, stream: IO[str]) -> None:
    from .csv_writer import write_csv

    write_csv(document, stream)


def _json(document: Document, stream: IO[str]) -> None:
    from .json_writer import write_json

    write_json(document, stream)


def _md(document: Document, stream: IO[str]) -> None:
    from .markdown import write_markdown

    write_markdown(document, stream)


def _html(document: Document, stream: IO[str]) -> None:
    from .html import write_html

    write_html(document, stream)


# Text formats: name -> (writer, file encoding). CSV files carry a BOM so that Excel
# opens them as UTF-8; a stream (the screen, a pipe) gets no BOM.
_TEXT_WRITERS: dict[str, tuple[Callable[[Document, IO[str]], None], str]] = {
    "csv": (_csv, "utf-8-sig"),
    "json": (_json, "utf-8"),
    "md": (_md, "utf-8"),
    "html": (_html, "utf-8"),
}
FORMATS = ("xlsx", *_TEXT_WRITERS)


def write(document: Document, fmt: str, target: str | os.PathLike[str] | IO[str]) -> None:
    """Write ``document`` as ``fmt`` (csv, json, md, html, xlsx) to a path or a text stream."""
    fmt = _check_format(fmt)
    if isinstance(target, (str, os.PathLike)) and _device(Path(target)):
        # /dev/stdout, a named pipe: write straight through (there is no file to replace)
        with open(target, "wb") as stream:
            if fmt == "xlsx":
                write_binary(document, fmt, stream)
            else:
                stream.write(render(document, fmt).encode("utf-8"))  # a stream gets no BOM
        return
    if fmt == "xlsx":
        if not isinstance(target, (str, os.PathLike)):
            raise UsageError.of("xlsx_needs_file", alternative="")
        from .xlsx import write_xlsx

        _atomic(Path(target), lambda path: write_xlsx(document, path))
        return
    writer, encoding = _TEXT_WRITERS[fmt]
    if isinstance(target, (str, os.PathLike)):
        def _write_text(path: Path) -> None:
            # newline="" keeps csv's own \r\n and the exact text of every cell.
            with open(path, "w", encoding=encoding, newline="") as stream:
                writer(document, stream)

        _atomic(Path(target), _write_text)
    else:
        writer(document, target)


def write_binary(document: Document, fmt: str, stream: IO[bytes]) -> None:
    """Write ``document`` as ``fmt`` to a binary stream (standard output, a pipe); xlsx included."""
    fmt = _check_format(fmt)
    if fmt != "xlsx":
        stream.write(render(document, fmt).encode("utf-8"))
        return
    from .xlsx import write_xlsx

    buffer = io.BytesIO()  # a zip needs to seek; a pipe cannot
    write_xlsx(document, buffer)
    stream.write(buffer.getvalue())


def save_workbook(workbook: Any, target: str | os.PathLike[str] | IO[bytes]) -> None:
    """Save a workbook laid out elsewhere (the report template's) to a file, atomically, or to a binary stream."""
    if hasattr(target, "write"):
        buffer = io.BytesIO()  # a zip needs to seek; a pipe cannot
        workbook.save(buffer)
        target.write(buffer.getvalue())
        target.flush()
        return
    _atomic(Path(target), workbook.save)


def _device(path: Path) -> bool:
    """True for an existing target that is not a regular file (a terminal, /dev/null, a named pipe)."""
    try:
        return path.exists() and not stat.S_ISREG(path.stat().st_mode) and not path.is_dir()
    except OSError:
        return False


def render(document: Document, fmt: str) -> str:
    """``document`` as text in a text format (csv, json, md, html), without a BOM."""
    fmt = _check_format(fmt)
    if fmt == "xlsx":
        raise UsageError.of("xlsx_needs_file", alternative="")
    buffer = io.StringIO(newline="")
    _TEXT_WRITERS[fmt][0](document, buffer)
    return buffer.getvalue()


def _check_format(fmt: Any) -> str:
    name = str(getattr(fmt, "value", fmt)).lower().lstrip(".")
    name = {"markdown": "md", "htm": "html", "excel": "xlsx"}.get(name, name)
    if name not in FORMATS:
        raise UsageError.of("unknown_name", what="export format", value=str(fmt),
                            suggestion=did_you_mean(closest(name, FORMATS)), allowed=", ".join(FORMATS))
    return name


def _atomic(target: Path, produce: Callable[[Path], None]) -> None:
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise UsageError.of("out_folder_missing", target=str(target), folder=str(directory))
    tmp: Path | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=directory)
        os.close(fd)
        tmp = Path(tmp_name)
        produce(tmp)
        os.replace(tmp, target)
    except BaseException as exc:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        error = os_failure(exc, target, f"nothing was written to {target}") if isinstance(exc, OSError) else None
        if error is not None:
            raise error from None
        raise
