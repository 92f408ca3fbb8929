"""The report's two kinds of chart, drawn with :mod:`tracemark.report.svg`.

- :func:`columns`: stacked columns over time (lines added per commit or day, split by who wrote
  them), with each column's headline figure (the AI share) written above it;
- :func:`bars`: horizontal bars, optionally stacked, with the label on the left and the value
  written after the bar, so every number can be read without hovering or guessing.

Both end with a legend when there are several series. Colours come from the Okabe-Ito palette,
which stays distinguishable for the common forms of colour blindness; labels carry the values,
so colour is never the only way to tell.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from tracemark.report.svg import Svg, clip, text_width

#: Okabe-Ito, then a few more; tools get them in order of AI lines written.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#8C6D31",
           "#7F7F7F", "#B07AA1", "#4E79A7")
HUMAN = "#C9D1D9"
UNATTESTED = "#EEF1F4"
SEVERITY = {"error": "#C0392B", "warning": "#E69F00", "info": "#0072B2"}
REVIEWED = "#009E73"
UNREVIEWED = "#D55E00"
INK = "#1F2328"
MUTED = "#59636E"
GRID = "#D8DEE4"


@dataclass
class Series:
    name: str
    color: str
    #: Drawn with a thin outline (pale fills on a white page).
    outline: bool = False


@dataclass
class Column:
    label: str
    values: dict[str, float]
    #: Written above the column (e.g. ``"62%"``).
    note: str = ""
    #: The tooltip's heading (e.g. the commit subject).
    tip: str = ""


@dataclass
class Bar:
    label: str
    values: dict[str, float]
    #: Written after the bar; defaults to the total.
    text: str | None = None
    tip: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def nice_step(top: float, ticks: int = 4) -> float:
    """A round step (1, 2, 2.5, 5 × 10^k) that divides ``0..top`` into about ``ticks``."""
    if top <= 0:
        return 1
    raw = top / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            step = m * mag
            return step if step >= 1 or top < 1 else 1
    return 10 * mag


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _legend(svg: Svg, series: list[Series], x: float, y: float, width: float) -> float:
    """A legend starting at ``(x, y)``, wrapping at ``width``; returns the height used."""
    cx, cy = x, y
    for s in series:
        w = 16 + text_width(s.name, 12) + 18
        if cx + w > x + width and cx > x:
            cx, cy = x, cy + 20
        svg.rect(cx, cy, 12, 12, s.color, stroke=MUTED if s.outline else None,
                 stroke_width=0.5 if s.outline else None)
        svg.text(cx + 16, cy + 10.5, s.name, size=12, fill=INK)
        cx += w
    return cy - y + 20


def legend_height(series: list[Series], width: float) -> float:
    rows, cx = 1, 0.0
    for s in series:
        w = 16 + text_width(s.name, 12) + 18
        if cx + w > width and cx > 0:
            rows, cx = rows + 1, 0.0
        cx += w
    return rows * 20.0


def columns(uid: str, title: str, desc: str, cols: list[Column], series: list[Series], *,
            width: float = 960, plot_height: float = 240, unit: str = "lines") -> str:
    """Stacked columns, one per period, the series in order from the bottom."""
    left, right, top = 56.0, 12.0, 28.0
    plot_w = width - left - right
    n = max(len(cols), 1)
    slot = plot_w / n
    rotate = any(text_width(c.label, 11) > slot - 4 for c in cols)
    label_h = 24.0 + max((text_width(c.label, 11) for c in cols), default=0) * 0.72 \
        if rotate else 22.0
    # At most one slanted label per ~18 px and one share per ~32 px (one per column on long
    # ranges would be a smear); the tooltips and the table below the chart have them all.
    every = max(1, math.ceil(18 / slot)) if rotate else 1
    note_every = max(1, math.ceil(32 / slot))
    legend_w = width - left
    height = top + plot_height + label_h + legend_height(series, legend_w) + 8
    svg = Svg(uid, width, height, title, desc)
    totals = [sum(c.values.get(s.name, 0) for s in series) for c in cols]
    peak = max(totals, default=0) or 1
    step = nice_step(peak)
    ymax = step * math.ceil(peak / step)
    base = top + plot_height
    y = 0.0
    while y <= ymax + 1e-9:
        py = base - plot_height * y / ymax
        svg.line(left, py, width - right, py, GRID, stroke_width=1)
        svg.text(left - 6, py + 4, _fmt(y), size=11, anchor="end", fill=MUTED)
        y += step
    svg.text(left - 44, top - 12, unit, size=11, fill=MUTED)
    bar_w = max(1.0, min(48.0, slot * 0.72))
    for i, (c, total) in enumerate(zip(cols, totals, strict=True)):
        x = left + slot * i + (slot - bar_w) / 2
        cy = base
        for s in series:
            v = c.values.get(s.name, 0)
            if not v:
                continue
            h = plot_height * v / ymax
            cy -= h
            svg.rect(x, cy, bar_w, h, s.color, tip=f"{c.tip or c.label}: {s.name} {_fmt(v)} "
                     f"{unit}", stroke=MUTED if s.outline else None,
                     stroke_width=0.5 if s.outline else None)
        if c.note and i % note_every == 0:
            svg.text(x + bar_w / 2, base - plot_height * total / ymax - 5, c.note, size=10.5,
                     anchor="middle", fill=INK, class_="note")
        if i % every == 0:
            lx = x + bar_w / 2
            if rotate:
                svg.text(lx, base + 12, c.label, size=11, anchor="end",
                         fill=MUTED, transform=f"rotate(-45 {lx:.1f} {base + 12:.1f})")
            else:
                svg.text(lx, base + 16, clip(c.label, 11, slot - 2), size=11, anchor="middle",
                         fill=MUTED)
    svg.line(left, base, width - right, base, MUTED, stroke_width=1)
    if len(series) > 1:
        _legend(svg, series, left, base + label_h, legend_w)
    return svg.render()


def bars(uid: str, title: str, desc: str, rows: list[Bar], series: list[Series], *,
         width: float = 640, bar_h: float = 20, gap: float = 8,
         scale_max: float | None = None, legend: bool | None = None) -> str:
    """Horizontal bars (stacked when there are several series), each value written after it;
    the legend (default: when there are several series) is left out where the labels name the
    series already."""
    label_w = min(max((text_width(r.label, 12) for r in rows), default=40) + 16, width * 0.45)
    value_w = max((text_width(r.text if r.text is not None else _fmt(sum(r.values.values())),
                               12) for r in rows), default=20) + 12
    plot_x = label_w
    plot_w = max(40.0, width - label_w - value_w)
    legend = len(series) > 1 if legend is None else legend
    height = 6 + len(rows) * (bar_h + gap) + (legend_height(series, width) + 6 if legend else 0)
    svg = Svg(uid, width, max(height, bar_h + 12), title, desc)
    peak = scale_max or max((sum(r.values.values()) for r in rows), default=0) or 1
    for i, r in enumerate(rows):
        y = 6 + i * (bar_h + gap)
        svg.text(plot_x - 8, y + bar_h * 0.7, clip(r.label, 12, label_w - 14), size=12,
                 anchor="end", fill=INK, class_="label")
        x = plot_x
        for s in series:
            v = r.values.get(s.name, 0)
            if not v:
                continue
            w = plot_w * v / peak
            svg.rect(x, y, w, bar_h, s.color, tip=f"{r.tip or r.label}: {s.name} {_fmt(v)}",
                     stroke=MUTED if s.outline else None,
                     stroke_width=0.5 if s.outline else None)
            x += w
        total = sum(r.values.values())
        svg.text(x + 6, y + bar_h * 0.7, r.text if r.text is not None else _fmt(total), size=12,
                 fill=INK, class_="value")
    if legend:
        _legend(svg, series, 0, 6 + len(rows) * (bar_h + gap) + 2, width)
    return svg.render()
