"""`elca-match model coverage`: how much of the members' free text the matching model understands."""

from __future__ import annotations

from pathlib import Path

import typer

from ..export import Document, Section
from .context import FORMAT_OPTION, OUT_OPTION, Format, db_path, emit

model_app = typer.Typer(help="Inspect the matching model against the data.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `model` group."""
    app.add_typer(model_app, name="model")


@model_app.command("coverage")
def coverage(
    ctx: typer.Context,
    top: int = typer.Option(20, "--top", "-n", min=1, help="Most frequent unmapped words to list."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Share of free-text words mapped to thesaurus concepts per language, and the words most often missed."""
    from ..services.model import model_coverage

    result = model_coverage(db_path(ctx), top=top)
    languages = [[c.lang, c.texts, c.words, c.mapped, round(c.share, 3)] for c in result.languages]
    words = [[word, lang, n] for word, lang, n in result.unmapped]
    emit(Document("Model coverage", [
        Section("Free-text words mapped to concepts, per language",
                ["language", "texts", "words", "mapped", "share"], languages),
        Section(f"Most frequent unmapped words (top {top})", ["word", "language", "count"], words,
                notes=["Candidates for models/thesaurus/: add a term to a concept, or a new concept."]),
    ], summary={"texts": result.texts, "concepts found": result.concepts}, data=result), fmt, out)
