"""HTML: one self-contained page (inline CSS and SVG, no script, no fonts or images to fetch).

Every piece of text is escaped; a Content-Security-Policy forbids scripts and any
network request, so the page behaves the same offline and cannot run typed text.
"""

from __future__ import annotations

import math
import re
from html import escape
from typing import IO, Any

from .cells import plain, text
from .document import Document, Section
from .heatmap import svg

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_DECIMALS = re.compile(r"^0\.(0+)(%?)$")
_STYLE = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; margin: 2rem auto;
       max-width: 1320px; padding: 0 1rem; color: #1a1a1a; line-height: 1.4; }
nav.toc ol { columns: 2; column-gap: 2rem; padding-left: 1.5rem; }
nav.toc li { break-inside: avoid; margin: .1rem 0; }
figure.heatmap { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; margin: 1rem 0; }
figure.heatmap figcaption { flex: 1 1 18rem; max-width: 32rem; font-size: .9rem; color: #333; }
figure.heatmap figcaption p.reading { font-weight: 600; color: #1a1a1a; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .4rem; border-bottom: 2px solid #dde6f0; padding-bottom: .2rem; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 1rem 0; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; }
.meta { color: #555; font-size: .9rem; margin: 0 0 .5rem; }
.figure { overflow-x: auto; margin: 1rem 0; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; margin: .5rem 0; table-layout: auto; }
th, td { border: 1px solid #d0d7de; padding: .25rem .4rem; text-align: left; vertical-align: top;
         overflow-wrap: break-word; hyphens: none; }
td.long { overflow-wrap: anywhere; }
th { background: #dde6f0; position: sticky; top: 0; }
tr:nth-child(even) td { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.wrap { max-width: 30rem; }
td.wide { min-width: 10rem; }
.table { overflow-x: auto; }
p.note { color: #444; font-size: .9rem; }
footer { margin-top: 2rem; color: #666; font-size: .8rem; }
@media print { th { position: static; } .figure { overflow: visible; } }
"""


def write_html(document: Document, stream: IO[str]) -> None:
    """Write ``document`` as a complete HTML page to ``stream``."""
    lang = escape(str(getattr(document, "lang", "en") or "en"))
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(document.title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(document.title)}</h1>",
    ]
    if document.summary:
        out.append('<dl class="summary">')
        for key, value in document.summary.items():
            out.append(f"<dt>{escape(str(key))}</dt><dd>{_summary_value(value)}</dd>")
        out.append("</dl>")
    out += [f'<p class="note">{escape(note)}</p>' for note in document.notes]
    entries = [(f"hm{i}", h.title) for i, h in enumerate(document.heatmaps, 1)]
    entries += [(f"s{i}", s.title) for i, s in enumerate(document.sections, 1) if s.title]
    if len(entries) > 1:
        out.append(f'<nav class="toc"><h2>{escape(document.words.get("Contents", "Contents"))}</h2><ol>')
        out += [f'<li><a href="#{ident}">{escape(title)}</a></li>' for ident, title in entries]
        out.append("</ol></nav>")
    for index, heatmap in enumerate(document.heatmaps, 1):
        caption = "".join(f'<p{cls}>{escape(line)}</p>' for cls, line in
                          (("", heatmap.explanation), (' class="reading"', heatmap.reading)) if line)
        out += [f'<h2 id="hm{index}">{escape(heatmap.title)}</h2>',
                f'<figure class="heatmap"><div class="figure">{svg(heatmap, f"hm{index}", document.words)}</div>'
                + (f"<figcaption>{caption}</figcaption>" if caption else "") + "</figure>"]
    for index, section in enumerate(document.sections, 1):
        out.append(_section(section, f"s{index}"))
    out += ["</body>", "</html>"]
    stream.write("\n".join(out) + "\n")


def _summary_value(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{escape(str(k))}: {escape(text(v))}" for k, v in value.items())
    return escape(text(value))


def _section(section: Section, ident: str = "") -> str:
    columns = [str(c) for c in section.columns]
    formats = [section.number_formats.get(c) for c in columns]
    wrapped = [c in section.wrap_columns for c in columns]
    out = []
    if section.title:
        anchor = f' id="{ident}"' if ident else ""
        out.append(f"<h2{anchor}>{escape(section.title)}</h2>")
    if section.meta:
        # Facts the heading already shows (id, title) are not repeated under it.
        meta = " · ".join(f"{escape(str(k))}: {_linked(text(v))}" for k, v in section.meta.items()
                          if v not in (None, "", [], ()) and _new_fact(text(v), section.title))
        if meta:
            out.append(f'<p class="meta">{meta}</p>')
    out.append('<div class="table"><table>')
    out.append("<thead><tr>" + "".join(f'<th scope="col">{escape(c)}</th>' for c in columns) + "</tr></thead>")
    out.append("<tbody>")
    for row in section.rows:
        cells = []
        for i, value in enumerate(row):
            fmt = formats[i] if i < len(formats) else None
            wrap = i < len(wrapped) and wrapped[i]
            cells.append(_cell(value, fmt, wrap))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</tbody></table></div>")
    out += [f'<p class="note">{escape(note)}</p>' for note in section.notes]
    return "\n".join(out)


_LONG_WORD = 24
_URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:)]")


def _linked(value: str) -> str:
    """``value`` escaped, with each web address in it a link (a source, a policy page)."""
    out, last = [], 0
    for match in _URL.finditer(value):
        url = match.group(0)
        out += [escape(value[last:match.start()]),
                f'<a href="{escape(url, quote=True)}" rel="noopener noreferrer">{escape(url)}</a>']
        last = match.end()
    out.append(escape(value[last:]))
    return "".join(out)


def _cell(value: Any, fmt: str | None, wrap: bool) -> str:
    value = plain(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f'<td class="num">{escape(_number(value, fmt))}</td>'
    shown = text(value)
    classes = (["wrap", "wide"] if len(shown) > 80 else ["wrap"]) if wrap else []
    if any(len(word) > _LONG_WORD for word in shown.split()):
        classes.append("long")  # an e-mail address or a web address may break anywhere; words never do
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{cls}>{escape(shown)}</td>"


def _number(value: float, fmt: str | None) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    match = _DECIMALS.match(fmt or "")
    if match:
        digits, percent = len(match.group(1)), bool(match.group(2))
        return f"{value * 100:.{digits}f}%" if percent else f"{value:.{digits}f}"
    if fmt in ("0", "#,##0"):
        return f"{round(value):,}" if fmt == "#,##0" else str(round(value))
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _new_fact(value: str, title: str) -> bool:
    """False for a fact the section title already shows: the title itself, its leading id or its name."""
    return value != title and not title.startswith(value + " ") and not title.endswith(" " + value)
