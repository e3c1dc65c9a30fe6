"""Accessible server-rendered SVG charts for the monev dashboard and the monev report.

Pure functions: same input, same string (tests compare them). Each chart is ``role="img"`` with a ``<title>`` and a
``<desc>`` tied by ``aria-labelledby``; every label is XML-escaped here, so the caller may mark the result safe.
No ``style=`` attributes (the Content-Security-Policy forbids inline style): colours and sizes are SVG presentation
attributes (``fill``, ``font-size``), which CSP does not govern. A fixed ``viewBox`` lets the chart scale with the
page (``.monev-chart`` in arsip.css) and print the same in the PDF. Colours have at least 4.5:1 contrast on white.
The numbers are also in the table that follows each chart on the page: the chart is the summary, not the only copy.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markupsafe import escape

INK = "#1f2933"
MUTED = "#52606d"
GRID = "#cbd2d9"
BAR = "#1d5f9e"  # 6.6:1 on white
ON_TIME = "#1e6b3a"  # 6.5:1
LATE = "#b3261e"  # 6.1:1
FONT = "system-ui, sans-serif"
WIDTH = 640


def _x(text: object) -> str:
    """XML-escape a label (``markupsafe.escape`` covers & < > " ')."""
    return str(escape(str(text)))


def _id(chart_id: str) -> str:
    """An id safe for ``id=`` and ``aria-labelledby`` (letters, digits, dash)."""
    return re.sub(r"[^A-Za-z0-9-]", "-", chart_id) or "chart"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(cid: str, title: str, desc: str, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="monev-chart" id="{cid}" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'font-family="{FONT}">',
        f'<title id="{cid}-title">{_x(title)}</title>',
        f'<desc id="{cid}-desc">{_x(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
    ]


def _describe(items: Sequence[tuple[str, int]]) -> str:
    return "; ".join(f"{label}: {value}" for label, value in items) or "Tidak ada data"


def bar_chart(title: str, items: Sequence[tuple[str, int]], *, chart_id: str = "chart", unit: str = "") -> str:
    """Horizontal bars, one per ``(label, value)``: long labels (unit names, categories) stay readable."""
    cid = _id(chart_id)
    row, top, label_w, right = 28, 12, 200, 60
    height = top * 2 + row * max(len(items), 1)
    peak = max((v for _l, v in items), default=0) or 1
    span = WIDTH - label_w - right
    out = _open(cid, title, _describe(items) + (f" ({unit})" if unit else ""), height)
    out.append(f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - top + 4}" stroke="{GRID}"/>')
    for i, (label, value) in enumerate(items):
        y = top + i * row
        length = round(span * value / peak, 1)
        out.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="13" fill="{INK}">'
            f"{_x(_fit(str(label), 28))}</text>"
        )
        if value:
            out.append(f'<rect x="{label_w}" y="{y + 5}" width="{length}" height="18" fill="{BAR}"/>')
        out.append(f'<text x="{label_w + length + 6}" y="{y + 18}" font-size="13" fill="{INK}">{_x(value)}</text>')
    if not items:
        out.append(f'<text x="{label_w + 8}" y="{top + 18}" font-size="13" fill="{MUTED}">Tidak ada data</text>')
    out.append("</svg>")
    return "\n".join(out)


def column_chart(title: str, items: Sequence[tuple[str, int]], *, chart_id: str = "chart") -> str:
    """Vertical columns in order (months): the shape over time."""
    cid = _id(chart_id)
    height, top, bottom, left = 260, 24, 40, 40
    plot_h = height - top - bottom
    peak = max((v for _l, v in items), default=0) or 1
    slot = (WIDTH - left - 10) / max(len(items), 1)
    bar_w = min(48.0, slot * 0.6)
    out = _open(cid, title, _describe(items), height)
    base = height - bottom
    out.append(f'<line x1="{left}" y1="{base}" x2="{WIDTH - 10}" y2="{base}" stroke="{GRID}"/>')
    for i, (label, value) in enumerate(items):
        cx = left + slot * i + slot / 2
        h = round(plot_h * value / peak, 1)
        if value:
            out.append(
                f'<rect x="{round(cx - bar_w / 2, 1)}" y="{round(base - h, 1)}" width="{round(bar_w, 1)}" '
                f'height="{h}" fill="{BAR}"/>'
            )
        out.append(
            f'<text x="{round(cx, 1)}" y="{round(base - h - 6, 1)}" text-anchor="middle" font-size="13" '
            f'fill="{INK}">{_x(value)}</text>'
        )
        out.append(
            f'<text x="{round(cx, 1)}" y="{base + 18}" text-anchor="middle" font-size="12" fill="{INK}">'
            f"{_x(_fit(str(label), 10))}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)


def sla_chart(title: str, rows: Sequence[tuple[str, int, int]], *, chart_id: str = "chart") -> str:
    """Stacked horizontal bars per step: on time (green) then late (red), with a legend; ``(label, on, late)``."""
    cid = _id(chart_id)
    row, top, label_w, right = 28, 40, 120, 90
    height = top + 12 + row * max(len(rows), 1)
    peak = max((on + late for _l, on, late in rows), default=0) or 1
    span = WIDTH - label_w - right
    desc = "; ".join(f"{label}: {on} tepat waktu, {late} terlambat" for label, on, late in rows) or "Tidak ada data"
    out = _open(cid, title, desc, height)
    out += [
        f'<rect x="{label_w}" y="10" width="14" height="14" fill="{ON_TIME}"/>',
        f'<text x="{label_w + 20}" y="22" font-size="13" fill="{INK}">Tepat waktu</text>',
        f'<rect x="{label_w + 130}" y="10" width="14" height="14" fill="{LATE}"/>',
        f'<text x="{label_w + 150}" y="22" font-size="13" fill="{INK}">Terlambat</text>',
        f'<line x1="{label_w}" y1="{top - 4}" x2="{label_w}" y2="{height - 8}" stroke="{GRID}"/>',
    ]
    for i, (label, on, late) in enumerate(rows):
        y = top + i * row
        w_on = round(span * on / peak, 1)
        w_late = round(span * late / peak, 1)
        out.append(
            f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end" font-size="13" fill="{INK}">'
            f"{_x(_fit(str(label), 16))}</text>"
        )
        if on:
            out.append(f'<rect x="{label_w}" y="{y + 5}" width="{w_on}" height="18" fill="{ON_TIME}"/>')
        if late:
            out.append(f'<rect x="{label_w + w_on}" y="{y + 5}" width="{w_late}" height="18" fill="{LATE}"/>')
        out.append(
            f'<text x="{round(label_w + w_on + w_late + 6, 1)}" y="{y + 18}" font-size="13" fill="{INK}">'
            f"{_x(on)} / {_x(late)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)
