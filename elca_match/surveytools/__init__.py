"""Survey tools: what each tool's export looks like, and writers that render it.

``render_export("limesurvey", rows, path, "it")`` writes the file LimeSurvey would give
for ``rows`` (canonical values: question code -> text, choice codes, ``;`` between
multiple values). The conventions the writers follow are the ones the adapters in
``elca_match.ingest.adapters`` read (:mod:`.conventions`), so a rendered export ingests
to the same answers as the canonical file with the same content.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import UsageError, did_you_mean
from ..questionnaire import Questionnaire, load_questionnaire
from ..text import closest
from .writers import WRITERS

TOOLS = tuple(WRITERS)


def render_export(tool: str, rows: list[dict[str, str]], path: str | Path, lang: str = "en",
                  questionnaire: Questionnaire | None = None, **options: Any) -> Path:
    """Write ``rows`` as ``tool`` exports them (format from ``path``'s suffix); return the path.

    ``tool`` is an adapter name: canonical, xlsform (KoboToolbox), limesurvey, googleforms,
    msforms, surveymonkey. ``options`` are the tool's export settings (see each writer).
    """
    if tool not in WRITERS:
        raise UsageError.of("unknown_name", what="survey tool", value=tool, allowed=", ".join(TOOLS),
                            suggestion=did_you_mean(closest(tool, TOOLS)))
    questionnaire = questionnaire or load_questionnaire()
    path = Path(path)
    WRITERS[tool](rows, path, lang, questionnaire, **options)
    return path
