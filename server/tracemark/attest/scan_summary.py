"""The rules summary a record carries: the fast tier run on the AI lines being committed.

This runs inside the commit hook, so it is built for start-up time:

- the packaged rule set is loaded once and kept as a pickle in the user's cache folder
  (``$XDG_CACHE_HOME/tracemark``, else ``~/.cache/tracemark``; the repository's
  ``.git/tracemark/cache`` when there is no home), keyed by tracemark's version and the rule
  files' names, sizes and modification times (loading and validating the YAML costs ~0.3 s;
  unpickling ~1 ms). Only the user (or the repository's owner) can write there, as with the
  hooks that read it;
- only the languages that occur among the AI lines are compiled;
- the query runs restricted to the AI lines' functions (``DocumentChecker.check``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tracemark.model import ScanHit, ScanSummary

if TYPE_CHECKING:  # pragma: no cover
    from tracemark.rules.loader import RuleSet

#: Findings listed one by one in a record; past this only the counts are kept.
MAX_HITS = 40


@dataclass
class ScanInput:
    path: str
    data: bytes
    #: 1-based inclusive AI line ranges.
    ranges: Sequence[tuple[int, int]]


def _rules_key() -> str:
    from tracemark import __version__
    from tracemark.rules.loader import packaged_rules_dir, rule_files

    root = packaged_rules_dir()
    files = rule_files(root)
    h = hashlib.sha256(f"{__version__}\n{root}\n".encode())
    for f in files:
        st = f.stat()
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:24]


def cached_rules(cache_dir: Path | None) -> RuleSet:
    """The packaged rules, from the pickle cache when it is current."""
    from tracemark.rules.loader import default_rules

    if cache_dir is None:
        return default_rules()
    try:
        key = _rules_key()
    except (OSError, FileNotFoundError):
        return default_rules()
    path = cache_dir / f"rules-{key}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError):
        pass
    rules = default_rules()
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob("rules-*.pickle"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(rules, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return rules


def default_cache_dir(fallback: Path | None = None) -> Path | None:
    """Where the rules pickle lives: the user's cache folder (shared by every repository)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "tracemark"
    home = Path.home() if "HOME" in os.environ else None
    if home is not None and home.is_dir() and os.access(home, os.W_OK):
        return home / ".cache" / "tracemark"
    return fallback


def ruleset_digest(ids: Sequence[str]) -> str:
    from tracemark.attest.lines import b64

    return b64(hashlib.sha256("\n".join(sorted(ids)).encode()).digest()[:12])


def _line_bytes(data: bytes) -> list[int]:
    """Byte offset of each line start (1-based line n starts at ``out[n-1]``)."""
    starts = [0]
    pos = data.find(b"\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = data.find(b"\n", pos + 1)
    return starts


def summarize(inputs: Sequence[ScanInput], cache_dir: Path | None = None) -> ScanSummary:
    """Run the fast rules on the AI lines of each input; never raises (errors are summarised)."""
    if not inputs:
        return ScanSummary()
    try:
        from tracemark.rules import languages as langs
        from tracemark.rules.engine import Engine

        rules = cached_rules(cache_dir)
        engine = Engine(rules)
    except Exception as err:  # a broken rule pack must not lose the commit
        return ScanSummary(error=f"rules did not load: {err}"[:200])
    hits: list[ScanHit] = []
    counts = {"error": 0, "warning": 0, "info": 0}
    skipped = 0
    for item in inputs:
        spec = langs.for_path(item.path)
        if spec is None or not rules.for_language(spec.name):
            skipped += 1
            continue
        try:
            starts = _line_bytes(item.data)
            wanted = []
            for a, b in item.ranges:
                lo = starts[a - 1] if a - 1 < len(starts) else len(item.data)
                hi = starts[b] if b < len(starts) else len(item.data)
                wanted.append((lo, hi))
            found = engine.checker(spec.name, item.data, item.path).check(wanted)
        except Exception:  # a grammar that fails on this file: counted, never fatal
            skipped += 1
            continue
        for f in found:
            counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
            hits.append(ScanHit(rule=f.rule_id, severity=f.severity.value, path=item.path,
                                line=f.start.line + 1))
    hits.sort(key=lambda h: (h.path, h.line, h.rule))
    return ScanSummary(
        rules=len(rules), ruleset=ruleset_digest([r.id for r in rules]),
        counts={k: v for k, v in counts.items() if v}, hits=hits[:MAX_HITS], skipped=skipped,
    )
