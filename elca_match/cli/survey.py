"""`elca-match survey template|xlsform|show`: blank questionnaires and the questions themselves."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .context import FORMAT_OPTION, OUT_OPTION, STDOUT, Format, check_out, check_suffix, emit, err_console

survey_app = typer.Typer(help="The D1.2 questionnaire: blank templates, the XLSForm, the questions.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the `survey` group."""
    app.add_typer(survey_app, name="survey")


@survey_app.command("template")
def template(
    lang: str = typer.Option("en", "--lang", help="Language of headers and help: de, it, pl, fr, es or en."),
    fmt: str = typer.Option(None, "--format", "-f", help="xlsx (drop-downs, the default) or csv; "
                                                          "taken from --out's suffix when not given."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write, e.g. d12-de.xlsx.", callback=check_out),
) -> None:
    """Write the blank response sheet in one language; fill it in and `ingest` it as it is."""
    from ..services.survey import write_template

    if fmt and fmt.lower() in ("csv", "xlsx"):  # an unknown format gets its own message below
        check_suffix(out, fmt.lower())
    path = write_template(out, lang.strip().lower(), fmt.lower() if fmt else None)
    err_console().print(f"Wrote {path}", markup=False)


@survey_app.command("xlsform")
def xlsform(out: Path = typer.Option(..., "--out", "-o", help="XLSForm workbook to write, e.g. d12.xlsx.",
                                 callback=check_out)) -> None:
    """Write the questionnaire as an XLSForm (six languages) for KoboToolbox or ODK."""
    from ..services.survey import write_xlsform

    check_suffix(out, "xlsx")
    path = write_xlsform(out)
    err_console().print(f"Wrote {path}", markup=False)


@survey_app.command("limesurvey")
def limesurvey(
    out: Path = typer.Option(..., "--out", "-o", help="Structure file to write, e.g. d12.txt.", callback=check_out),
    version: str = typer.Option(None, "--version", help="Questionnaire version, e.g. d12-v1 (default: newest)."),
) -> None:
    """Write the LimeSurvey survey structure (.txt, six languages): import it with "Import survey".

    Example: elca-match survey limesurvey --out d12.txt
    """
    from ..services.survey import limesurvey_structure

    if version is not None:
        _check_version(version)
    check_suffix(out, "txt")
    _write_text(out, limesurvey_structure(version), "\r\n")


@survey_app.command("googleforms")
def googleforms(
    lang: str = typer.Option("en", "--lang", help="Language of the form: de, it, pl, fr, es or en."),
    out: Path = typer.Option(..., "--out", "-o", help="Apps Script to write, e.g. d12-fr.gs.", callback=check_out),
    version: str = typer.Option(None, "--version", help="Questionnaire version, e.g. d12-v1 (default: newest)."),
) -> None:
    """Write a Google Apps Script that creates the form in one language (run it at script.google.com).

    Example: elca-match survey googleforms --lang fr --out d12-fr.gs
    """
    from ..services.survey import google_script

    if version is not None:
        _check_version(version)
    script = google_script(lang.strip().lower(), version)
    check_suffix(out, "gs")
    _write_text(out, script, "\n")


def _write_text(out: Path, text: str, newline: str) -> None:
    """Write a definition file (or to standard output for ``--out -``) and say where it went."""
    if str(out) == STDOUT:
        sys.stdout.write(text)
        return
    with open(out, "w", encoding="utf-8", newline=newline) as handle:
        handle.write(text)
    err_console().print(f"Wrote {out}", markup=False)


@survey_app.command("show")
def show(
    lang: str = typer.Option("en", "--lang", help="Language of labels: de, it, pl, fr, es or en."),
    version: str = typer.Option(None, "--version", help="Questionnaire version, e.g. d12-v1 (default: newest)."),
    fmt: Format = FORMAT_OPTION,
    out: Path = OUT_OPTION,
) -> None:
    """Print the questionnaire: each question's code, type, label, choices and LimeSurvey code."""
    from ..services.survey import questionnaire_document

    if version is not None:
        _check_version(version)
    emit(questionnaire_document(lang.strip().lower(), version), fmt, out)


def _check_version(version: str) -> None:
    from ..errors import UsageError, did_you_mean
    from ..questionnaire import definition_files
    from ..text import closest

    known = [path.stem for path in definition_files()]
    if version not in known:
        raise UsageError.of("unknown_name", what="questionnaire version", value=version,
                            suggestion=did_you_mean(closest(version, known)), allowed=", ".join(known))
