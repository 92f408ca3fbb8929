"""Guidance: tell the AI tools the team uses what they keep getting wrong here.

``tracemark guidance`` takes the report's findings on AI lines (``tracemark.report``), keeps
those that recur, and writes short instructions into the files the tools read, inside a
section tracemark owns (``docs/report.md``).

- ``advice.py``: findings by category → deduplicated instructions from the rules' messages
- ``files.py``: which files (per tool), and the marked section in them
- ``plan.py``: the new content of each file, the diff, and writing it
"""
