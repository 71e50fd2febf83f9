"""Heatmaps drawn as inline SVG: no plotting library, no fonts or scripts to fetch."""

from __future__ import annotations

import math
from html import escape

from .document import Heatmap

# A sequential blue scale (ColorBrewer "Blues"): light is weak fit, dark is strong fit.
_STOPS = ((0.0, (247, 251, 255)), (0.25, (198, 219, 239)), (0.5, (107, 174, 214)),
          (0.75, (33, 113, 181)), (1.0, (8, 48, 107)))
_MISSING = "#e6e6e6"
CELL_W, CELL_H = 72, 34
CHAR_W = 8.0  # generous width of a 13px sans-serif character, for laying out labels
MAX_LABEL = 42
_FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif"


def colour(fraction: float) -> str:
    """The scale's colour at ``fraction`` (0..1) as ``#rrggbb``."""
    f = min(1.0, max(0.0, fraction))
    for (f0, c0), (f1, c1) in zip(_STOPS, _STOPS[1:]):
        if f <= f1:
            t = 0.0 if f1 == f0 else (f - f0) / (f1 - f0)
            return "#" + "".join(f"{round(a + (b - a) * t):02x}" for a, b in zip(c0, c1))
    return "#%02x%02x%02x" % _STOPS[-1][1]


def _dark(fraction: float) -> bool:
    return fraction >= 0.55


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _short(label: str) -> str:
    label = str(label)
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def scale_range(heatmap: Heatmap) -> tuple[float, float]:
    """The value range the colours span: always 0 to 1, so that one colour means one fit in every report."""
    return 0.0, 1.0


def svg(heatmap: Heatmap, ident: str = "hm", words: dict[str, str] | None = None) -> str:
    """``heatmap`` as an ``<svg>`` element: coloured cells with values, axis labels and a legend.

    ``words`` gives the legend's words (Fit, weak, strong, no data) in the reader's language.
    """
    word = (words or {}).get
    rows, cols = [str(r) for r in heatmap.row_labels], [str(c) for c in heatmap.column_labels]
    low, high = scale_range(heatmap)
    left = 12 + CHAR_W * max([len(_short(r)) for r in rows] + [4])
    # Column labels are turned 45 degrees, so they need height of about width/sqrt(2);
    # mixed-case text runs narrower than CHAR_W.
    top = 24 + CHAR_W * 0.85 * max([len(_short(c)) for c in cols] + [4]) * 0.71
    legend_y = top + CELL_H * len(rows) + 28
    bar_w = max(160.0, min(320.0, CELL_W * len(cols)))
    # Turned column labels reach right of their column; the legend needs its own room.
    width = max(left + CELL_W * max(len(cols) - 0.5, 0) + (top - 24) + 8, left + bar_w + 130)
    height = legend_y + 44
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="heatmap" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}" '
        f'aria-labelledby="{ident}-title" style="{_FONT};font-size:13px">',
        f'<title id="{ident}-title">{escape(heatmap.title)}</title>',
        f'<defs><linearGradient id="{ident}-scale" x1="0" x2="1" y1="0" y2="0">'
        + "".join(f'<stop offset="{f:.2f}" stop-color="{colour(f)}"/>' for f, _ in _STOPS)
        + "</linearGradient></defs>",
    ]
    for j, label in enumerate(cols):
        x = left + CELL_W * j + CELL_W / 2
        parts.append(
            f'<text x="{x:.1f}" y="{top - 8:.1f}" transform="rotate(-45 {x:.1f} {top - 8:.1f})">'
            f"<title>{escape(label)}</title>{escape(_short(label))}</text>"
        )
    for i, label in enumerate(rows):
        y = top + CELL_H * i
        parts.append(
            f'<text x="{left - 8:.1f}" y="{y + CELL_H / 2 + 4:.1f}" text-anchor="end">'
            f"<title>{escape(label)}</title>{escape(_short(label))}</text>"
        )
        values = heatmap.values[i] if i < len(heatmap.values) else []
        for j in range(len(cols)):
            value = values[j] if j < len(values) else None
            x = left + CELL_W * j
            if _finite(value):
                fraction = (value - low) / (high - low)
                fill, shown = colour(fraction), f"{value:.2f}"
                ink = "#ffffff" if _dark(fraction) else "#1a1a1a"
            else:
                fill, shown, ink = _MISSING, "–", "#555555"
            tip = f"{label} × {cols[j]}: {shown}"
            parts.append(
                f'<g><title>{escape(tip)}</title>'
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{CELL_W - 2}" height="{CELL_H - 2}" rx="3" fill="{fill}"/>'
                f'<text x="{x + (CELL_W - 2) / 2:.1f}" y="{y + CELL_H / 2 + 3:.1f}" text-anchor="middle" '
                f'fill="{ink}">{shown}</text></g>'
            )
    parts += [
        f'<text x="{left:.1f}" y="{legend_y - 6:.1f}" font-weight="600">{escape(word("Fit", "Fit"))}</text>',
        f'<rect x="{left + 30:.1f}" y="{legend_y - 18:.1f}" width="{bar_w:.0f}" height="14" '
        f'fill="url(#{ident}-scale)" stroke="#999" stroke-width="0.5"/>',
        f'<text x="{left + 30:.1f}" y="{legend_y + 12:.1f}">{low:.2f} {escape(word("weak", "weak"))}</text>',
        f'<text x="{left + 30 + bar_w:.1f}" y="{legend_y + 12:.1f}" text-anchor="end">'
        f'{escape(word("strong", "strong"))} {high:.2f}</text>',
        f'<rect x="{left + 40 + bar_w:.1f}" y="{legend_y - 18:.1f}" width="14" height="14" fill="{_MISSING}"/>',
        f'<text x="{left + 60 + bar_w:.1f}" y="{legend_y - 6:.1f}">{escape(word("no data", "no data"))}</text>',
        "</svg>",
    ]
    return "\n".join(parts)
