"""Report: what AI wrote over a range of commits, and what the rules found on it.

``tracemark report`` runs the CI gate's own verification and re-scan over a range
(:func:`tracemark.gate.evaluate.verify_range`: batched history, trailers verified, findings
with the provenance of their lines) and sums it up in one JSON document
(``tracemark/report/v1``). Markdown and the self-contained HTML page are rendered from that
document alone, so the three cannot disagree.

- ``build.py``: run the gate over the range, read commit dates, hand the result to ``figures``
- ``figures.py``: the document itself, a pure function of the gate's result (share over time,
  by tool and model, findings by rule/CWE/severity, per 1,000 AI lines, review, telemetry)
- ``markdown.py``: the document as Markdown tables
- ``html.py``: the document as one HTML file with inline SVG charts (``charts.py``, ``svg.py``)
"""
