"""Write each cluster's synthetic answers as the exports of the survey tool it used.

As in the real action, every cluster collects the D1.2 survey with its own tool in its own
language, plus an English version of the form for members who prefer it. The files are
rendered by the writers of :mod:`elca_match.surveytools`, which follow the conventions the
ingest adapters read; the demo only decides who used which tool with which export settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..questionnaire import Questionnaire, load_questionnaire
from ..surveytools import render_export
from .cohort import Cohort, Response


@dataclass(frozen=True)
class ToolExport:
    """How one cluster exported one language version of its form."""

    tool: str  # a survey-tool writer name (see elca_match.surveytools.TOOLS)
    suffix: str  # csv or xlsx
    options: dict[str, Any] = field(default_factory=dict)


# Who used which tool (a scenario, so plain data): the home-language form, then the
# English version. Export settings vary as real users' choices would.
CLUSTER_TOOLS: dict[str, dict[str, ToolExport]] = {
    "AMZ": {"home": ToolExport("canonical", "xlsx", {"headers": "label", "values": "label"}),
            "en": ToolExport("canonical", "csv", {"headers": "code", "values": "code"})},
    "MECH": {"home": ToolExport("xlsform", "xlsx", {"headers": "labels"}),
             "en": ToolExport("xlsform", "csv", {"headers": "xml"})},
    "BIC": {"home": ToolExport("limesurvey", "csv", {"headings": "code", "answers": "code"}),
            "en": ToolExport("limesurvey", "xlsx", {"headings": "codetext", "answers": "text"})},
    "POLYM": {"home": ToolExport("googleforms", "csv"), "en": ToolExport("googleforms", "csv")},
    "MAV": {"home": ToolExport("msforms", "xlsx"), "en": ToolExport("surveymonkey", "xlsx")},
}
FALLBACK = {"home": ToolExport("canonical", "xlsx", {"headers": "label", "values": "label"}),
            "en": ToolExport("canonical", "xlsx", {"headers": "label", "values": "label"})}

TOOL_NAMES = {"canonical": "canonical sheet", "xlsform": "KoboToolbox", "limesurvey": "LimeSurvey",
              "googleforms": "Google Forms", "msforms": "Microsoft Forms", "surveymonkey": "SurveyMonkey"}


@dataclass(frozen=True)
class ExportFile:
    """One survey export written for the demo."""

    cluster: str
    tool: str
    lang: str
    path: Path
    rows: int

    @property
    def tool_name(self) -> str:
        return TOOL_NAMES.get(self.tool, self.tool)


def write_exports(cohort: Cohort, out_dir: Path, questionnaire: Questionnaire | None = None) -> list[ExportFile]:
    """The survey exports of every cluster in ``out_dir``: one per cluster and form language."""
    q = questionnaire or load_questionnaire()
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    for cluster, responses in cohort.by_cluster().items():
        tools = CLUSTER_TOOLS.get(cluster, FALLBACK)
        by_lang: dict[str, list[Response]] = {}
        for response in responses:
            by_lang.setdefault(response.lang, []).append(response)
        # the home-language form first, so the files list in a natural order
        for lang in sorted(by_lang, key=lambda lang: lang == "en"):
            export = tools["en" if lang == "en" else "home"]
            path = out_dir / f"survey-{cluster.lower()}-{export.tool}-{lang}.{export.suffix}"
            rows = [canonical_values(r, q) for r in by_lang[lang]]
            render_export(export.tool, rows, path, lang, q, **export.options)
            files.append(ExportFile(cluster, export.tool, lang, path, len(rows)))
    return files


def canonical_values(response: Response, questionnaire: Questionnaire) -> dict[str, str]:
    """A response as canonical cell text: choice and country codes, ``;`` between values."""
    cells: dict[str, str] = {}
    for question in questionnaire.questions:
        value = response.answers.get(question.code)
        if value is None or value == [] or value == "":
            cells[question.code] = ""
        elif question.type == "consent":
            cells[question.code] = "yes" if value else "no"
        elif isinstance(value, Sequence) and not isinstance(value, str):
            cells[question.code] = ";".join(str(v) for v in value)
        else:
            cells[question.code] = str(value)
    return cells
