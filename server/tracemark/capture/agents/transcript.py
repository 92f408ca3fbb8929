"""The model an agent used, from its transcript, when the hook payload does not say.

Claude Code's transcript is JSON lines; each assistant turn is a line like
``{"type": "assistant", "message": {"model": "claude-sonnet-4-5-20250929", ...}, ...}``. Only
the tail of the file is read (transcripts grow to many megabytes): the latest assistant turn is
the one that made the tool call.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

_TAILS = (64 * 1024, 1024 * 1024)


def _model_of(line: str) -> str | None:
    if '"model"' not in line:
        return None
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    msg = obj.get("message")
    model = msg.get("model") if isinstance(msg, dict) else obj.get("model")
    if isinstance(model, str) and model and not model.startswith("<"):  # "<synthetic>"
        return model
    return None


def model_from_transcript(path: str | os.PathLike[str] | None) -> str | None:
    """The model of the last assistant turn in a JSON-lines transcript; ``None`` if unknown."""
    if not path:
        return None
    p = Path(path).expanduser()
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            for tail in _TAILS:
                fh.seek(max(0, size - tail))
                chunk = fh.read().decode("utf-8", "replace")
                lines = chunk.splitlines()
                if size > tail:
                    lines = lines[1:]  # the first line of a tail is cut
                for line in reversed(lines):
                    model = _model_of(line)
                    if model:
                        return model
                if size <= tail:
                    break
    except OSError:
        return None
    return None
