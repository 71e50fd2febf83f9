"""Write each cluster's synthetic answers as the export of the survey tool it used.

The clusters collect the D1.2 survey with different tools, as in the real action; the
demo renders each cluster's answers in its tool's export format with the writers of
``elca_match.surveytools`` and falls back to the canonical spreadsheet for a tool that
has no writer, so the demo still runs end to end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..questionnaire import Questionnaire, load_questionnaire
from .cohort import Cohort, Response, render_answers

# Which tool each cluster collected its answers with (a scenario, so plain data).
CLUSTER_TOOLS: dict[str, str] = {
    "AMZ": "canonical",
    "MECH": "kobo",
    "BIC": "limesurvey",
    "POLYM": "google_forms",
    "MAV": "microsoft_forms",
}
CANONICAL = "canonical"


@dataclass(frozen=True)
class ExportFile:
    """One survey export written for the demo."""

    cluster: str
    tool: str  # the tool whose format the file is in
    wanted: str  # the tool the cluster uses (differs from ``tool`` when its writer is missing)
    path: Path
    rows: int


def write_exports(cohort: Cohort, out_dir: Path, questionnaire: Questionnaire | None = None) -> list[ExportFile]:
    """One export file per cluster in ``out_dir``, in that cluster's tool's format."""
    q = questionnaire or load_questionnaire()
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for cluster, responses in cohort.by_cluster().items():
        wanted = CLUSTER_TOOLS.get(cluster, CANONICAL)
        writer = _writer(wanted)
        tool = wanted if writer is not None else CANONICAL
        path = out_dir / f"survey-{cluster.lower()}-{tool.replace('_', '-')}.xlsx"
        if writer is None:
            write_canonical_xlsx(responses, path, q, lang=_home_language(responses))
        else:
            writer(responses, path, q)
        files.append(ExportFile(cluster, tool, wanted, path, len(responses)))
    return files


def write_canonical_xlsx(responses: Sequence[Response], path: Path, questionnaire: Questionnaire,
                         lang: str = "en") -> None:
    """The canonical response spreadsheet: question labels in ``lang`` as headers, one row per response.

    Each row's answers are labels in that respondent's own language, as a cluster's
    interview sheet would hold them.
    """
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("responses")
    sheet.append([question.label(lang) for question in questionnaire.questions])
    for response in responses:
        cells = render_answers(response, questionnaire)
        sheet.append([cells[question.code] for question in questionnaire.questions])
    workbook.save(path)


def _home_language(responses: Sequence[Response]) -> str:
    """The language most respondents of a cluster answered in."""
    counts: dict[str, int] = {}
    for response in responses:
        counts[response.lang] = counts.get(response.lang, 0) + 1
    return max(counts, key=counts.get) if counts else "en"


def _writer(tool: str):
    """The survey-tool writer for ``tool``, or None while it does not exist."""
    return None
