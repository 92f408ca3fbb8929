"""A progress bar on stderr when a person runs ``verify`` on a long range; silent in CI.

Hand-written (one line, redrawn with ``\\r``): a dependency such as tqdm for twenty lines is
not worth it, and it must stay off whenever stderr is not a terminal or ``CI`` is set, so
that CI logs and redirected output stay clean.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

#: Ranges shorter than this finish before a bar would help.
MIN_COMMITS = 20


def wanted(stream: TextIO | None = None, env: dict[str, str] | None = None) -> bool:
    stream = stream or sys.stderr
    env = dict(os.environ) if env is None else env
    if env.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
        return False
    if env.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


class Bar:
    """``verifying [#####.....] 512/1000 commits`` redrawn at most ten times a second."""

    def __init__(self, stream: TextIO | None = None, label: str = "verifying",
                 width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.label = label
        self.width = width
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if total < MIN_COMMITS:
            return
        now = time.monotonic()
        if done < total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.width * done // max(total, 1)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (self.width - filled)}] "
                          f"{done}/{total} commits")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False
