"""The shape every benchmark prints with ``--json``, which ``run_all.py`` turns into
docs/benchmarks.md: a list of headline figures (each with its median, spread and target) and
tables of the supporting measures. Kept to plain dicts so each script still runs on its own.
"""

from __future__ import annotations

import statistics
from typing import Any


def spread(xs: list[float], digits: int = 1) -> dict[str, float]:
    """Median, p10, p90, min and max of repeated measurements."""
    xs = sorted(xs)
    if not xs:
        return {"median": 0.0, "p10": 0.0, "p90": 0.0, "min": 0.0, "max": 0.0, "n": 0}
    q = statistics.quantiles(xs, n=10) if len(xs) >= 4 else [xs[0], xs[-1]]
    return {"median": round(statistics.median(xs), digits), "p10": round(q[0], digits),
            "p90": round(q[-1], digits), "min": round(xs[0], digits),
            "max": round(xs[-1], digits), "n": len(xs)}


def figure(name: str, median: float, unit: str, *, spread: str, target: str | None,
           met: bool | None, command: str) -> dict[str, Any]:
    """One headline figure; ``met`` is ``None`` when there is no target to meet."""
    return {"name": name, "median": median, "unit": unit, "spread": spread, "target": target,
            "met": met, "command": command}


def table(title: str, columns: list[str], rows: list[list[str]]) -> dict[str, Any]:
    return {"title": title, "columns": columns, "rows": rows}


def p10_p90(st: dict[str, float], unit: str = "") -> str:
    """A spread as text: ``p10–p90 a–b (n runs)``."""
    return f"p10–p90 {st['p10']:g}–{st['p90']:g}{unit} over {st['n']} runs"
