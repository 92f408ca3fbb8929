"""Where a command's output goes: the ``--output`` file, else standard output."""

from __future__ import annotations

import sys
from pathlib import Path

from tracemark.errors import InputError


def emit(text: str, output: str | Path | None) -> bool:
    """Write ``text`` to ``output`` (a file that cannot be written is a one-line error) or, with
    no ``output``, to standard output. ``True`` when it went to a file."""
    if not output:
        sys.stdout.write(text)
        return False
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as err:
        raise InputError(f"--output {output}: {err.strerror or err}") from None
    return True
