"""The HTML report in a real headless browser (Debian's chromium), with no network."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from typer.testing import CliRunner

from elca_match import export
from elca_match.cli import app
from elca_match.export import Document, Heatmap, Section
from elca_match.services.catalogue import import_opportunities
from elca_match.services.ingest import ingest_files

from conftest import FIXTURES

CHROMIUM = shutil.which("chromium")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (Debian: apt-get install chromium); the HTML report is not rendered"
)]
WIDTH, HEIGHT = 1280, 2000


def chromium(page: Path, profile: Path, *args: str, width: int = WIDTH) -> subprocess.CompletedProcess:
    """Run headless chromium on ``page`` with every network feature off."""
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={profile}",
        f"--window-size={width},{HEIGHT}", *args, page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def png_facts(path: Path) -> tuple[int, int, int]:
    """Width, height and the number of distinct bytes of the decoded pixels (a blank page has ~2)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, offset = [], 8
    while offset < len(data):
        length, kind = struct.unpack(">I4s", data[offset:offset + 8])
        if kind == b"IDAT":
            chunks.append(data[offset + 8:offset + 8 + length])
        offset += 12 + length
    return width, height, len(set(zlib.decompress(b"".join(chunks))))


def report_document() -> Document:
    """A report like `export report --country japan`: a heatmap and shortlist tables with hostile text."""
    clusters = ["AMZ", "MECH", "BIC", "POLYM", "MAV"]
    stages = ["Materials and semi-finished products", "Design, simulation, engineering",
              "Manufacturing and processing of parts", "Joining, assembly, system integration",
              "Testing, repair, recycling, end of life"]
    values = [[round(((i * 7 + j * 3) % 10) / 10 + 0.05, 2) for j in range(len(stages))] for i in range(len(clusters))]
    rows = [[1, "<script>alert('x')</script> GmbH", "AMZ", 0.912, "shares cfrp; rtm"],
            [2, "=HYPERLINK(\"http://evil.example\")", "MECH", 0.804, "shares aluminium"]]
    section = Section("JP-01 CFRP body parts", ["rank", "organisation", "cluster", "fit", "why"], rows,
                      number_formats={"fit": "0.000"})
    return Document("Report: Japan", [section], summary={"query": "--country japan"},
                    heatmaps=[Heatmap("Fit by cluster and value-chain stage", clusters, stages, values)])


def test_report__renders_offline_with_heatmap_and_escaped_text(tmp_path):
    page = tmp_path / "report.html"
    export.write(report_document(), "html", page)

    shot = tmp_path / "report.png"
    chromium(page, tmp_path / "profile-shot", f"--screenshot={shot}")
    width, height, distinct = png_facts(shot)
    assert (width, height) == (WIDTH, HEIGHT)
    assert distinct > 20, "the screenshot is blank"

    dom = chromium(page, tmp_path / "profile-dom", "--dump-dom").stdout
    assert dom.count("<rect") >= 5 * 5  # one cell per cluster and stage, plus the legend
    assert "Fit by cluster and value-chain stage" in dom
    assert "&lt;script&gt;alert('x')&lt;/script&gt; GmbH" in dom
    assert "<script" not in dom


def test_report__command_output__opens_offline(tmp_path):
    db = tmp_path / "elca.db"
    ingest_files(db, [FIXTURES / "survey" / "canonical_en.csv"])
    import_opportunities(db, FIXTURES / "catalogue" / "opportunities.csv")
    page = tmp_path / "japan.html"
    result = CliRunner().invoke(app, ["--db", str(db), "export", "report", "--country", "japan", "--out", str(page)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output

    shot = tmp_path / "japan.png"
    chromium(page, tmp_path / "profile-shot", f"--screenshot={shot}")
    assert png_facts(shot)[2] > 20, "the screenshot is blank"
    dom = chromium(page, tmp_path / "profile-dom", "--dump-dom").stdout
    assert "Report: Japan" in dom and dom.count("<svg") == 2
    assert "JP-T-01" in dom and "<script" not in dom


# Measures every table against the page in a copy of the report (the report itself forbids scripts).
MEASURE = """<script>
document.addEventListener("DOMContentLoaded", () => {
  const page = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("table")].filter(
    t => t.getBoundingClientRect().right > page + 1 || t.scrollWidth > t.parentElement.clientWidth + 1);
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = "page=" + page + " tables=" + document.querySelectorAll("table").length + " too-wide=" + wide.length;
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.slow
def test_report__at_1400_px__every_table_fits_the_page_with_contents_and_readings(tmp_path):
    db = tmp_path / "elca.db"
    ingest_files(db, [FIXTURES / "survey" / "canonical_en.csv", FIXTURES / "outcomes" / "members.csv"])
    import_opportunities(db, FIXTURES / "catalogue" / "opportunities.csv")
    page = tmp_path / "japan.html"
    result = CliRunner().invoke(app, ["--db", str(db), "export", "report", "--country", "japan", "--with-contacts",
                                      "--out", str(page)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert '<nav class="toc">' in html and 'href="#hm1"' in html and 'id="s1"' in html
    assert html.count('class="reading"') == 2 and "0.00" in html and "1.00" in html  # absolute 0-1 scale
    assert not re.search(r"\b[0-9a-f]{12,}\b", html) and ".part" not in html  # no hash, no temporary file name

    shot = tmp_path / "japan.png"
    chromium(page, tmp_path / "profile-shot", f"--screenshot={shot}", width=1400)
    assert png_facts(shot)[:2] == (1400, HEIGHT) and png_facts(shot)[2] > 20

    measured = tmp_path / "measured.html"
    measured.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
                        .replace("</head>", MEASURE + "</head>"), encoding="utf-8")
    dom = chromium(measured, tmp_path / "profile-dom", "--virtual-time-budget=3000", "--dump-dom", width=1400).stdout
    facts = re.search(r'<pre id="measured">page=(\d+) tables=(\d+) too-wide=(\d+)</pre>', dom)
    assert facts, dom[-500:]
    page_width, tables, too_wide = map(int, facts.groups())
    assert page_width >= 1300 and tables >= 1
    assert too_wide == 0, f"{too_wide} tables wider than the page at 1,400 px"
