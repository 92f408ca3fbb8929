"""A small SVG builder: rectangles, lines and text, with a title and description for readers.

Hand-written on purpose. The HTML report must be one file that works offline in any browser:
a JavaScript chart library would have to be inlined (hundreds of kilobytes of script in a file
people open from CI artifacts), and Python's chart libraries are heavy for a few bar charts
(matplotlib brings numpy and ~40 MB, and writes paths without the text a screen reader needs)
or emit scripts themselves (plotly, bokeh). Bars are rectangles and labels; this module and
``charts.py`` are a few hundred lines, and every chart keeps its numbers as text.
"""

from __future__ import annotations

import html

#: Average glyph width of the sans-serif fonts browsers fall back to, per pixel of font size
#: (DejaVu Sans ~0.6 and its digits ~0.64, Arial ~0.55): room for labels, erring wide.
GLYPH = 0.64


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def text_width(text: str, size: float) -> float:
    return len(text) * size * GLYPH


def clip(text: str, size: float, width: float) -> str:
    """``text`` shortened with an ellipsis to fit ``width`` pixels."""
    if text_width(text, size) <= width:
        return text
    keep = max(1, int(width / (size * GLYPH)) - 1)
    return text[:keep] + "…"


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


class Svg:
    """One ``<svg role="img">`` element; ``uid`` makes its title/desc ids unique in a page."""

    def __init__(self, uid: str, width: float, height: float, title: str, desc: str = "") -> None:
        self.uid, self.width, self.height = uid, width, height
        self.title, self.desc = title, desc
        self.parts: list[str] = []

    @staticmethod
    def _attrs(attrs: dict[str, object]) -> str:
        out = []
        for k, v in attrs.items():
            if v is not None:
                value = _num(v) if isinstance(v, float) else v
                out.append(f' {k.rstrip("_").replace("_", "-")}="{esc(value)}"')
        return "".join(out)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, *,
             tip: str | None = None, **attrs: object) -> None:
        """A rectangle; ``tip`` becomes its ``<title>`` (the browser's tooltip)."""
        a = self._attrs({"x": float(x), "y": float(y), "width": float(max(w, 0.0)),
                         "height": float(max(h, 0.0)), "fill": fill, **attrs})
        self.parts.append(f"<rect{a}><title>{esc(tip)}</title></rect>" if tip
                          else f"<rect{a}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = "#999",
             **attrs: object) -> None:
        a = self._attrs({"x1": float(x1), "y1": float(y1), "x2": float(x2), "y2": float(y2),
                         "stroke": stroke, **attrs})
        self.parts.append(f"<line{a}/>")

    def text(self, x: float, y: float, text: str, *, size: float = 12,
             anchor: str = "start", **attrs: object) -> None:
        a = self._attrs({"x": float(x), "y": float(y), "font_size": float(size),
                         "text_anchor": anchor, **attrs})
        self.parts.append(f"<text{a}>{esc(text)}</text>")

    def raw(self, markup: str) -> None:
        self.parts.append(markup)

    def render(self) -> str:
        t, d = f"{self.uid}-title", f"{self.uid}-desc"
        return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{esc(self.uid)}" '
                f'viewBox="0 0 {_num(float(self.width))} {_num(float(self.height))}" '
                f'width="{_num(float(self.width))}" height="{_num(float(self.height))}" '
                f'role="img" aria-labelledby="{t} {d}">'
                f'<title id="{t}">{esc(self.title)}</title><desc id="{d}">{esc(self.desc)}</desc>'
                + "".join(self.parts) + "</svg>")
