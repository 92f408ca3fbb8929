"""The rules summary a record carries: the fast tier run on the AI lines being committed.

This runs inside the commit hook, so it is built for start-up time:

- what the hook needs to know about the packaged rules before running any (ids, languages, the
  text each rule needs in a file: ``rules/prefilter.py``) is a small catalogue of plain values
  (``marshal``: no pydantic, not even ``pickle`` to import), and the rule set itself a pickle;
  both live in the user's cache folder
  (``$XDG_CACHE_HOME/tracemark``, else ``~/.cache/tracemark``; the repository's
  ``.git/tracemark/cache`` when there is no home), keyed by tracemark's version and the rule
  files' names, sizes and modification times (loading and validating the YAML costs ~0.3 s;
  reading the catalogue ~1 ms). Only the user (or the repository's owner) can write there,
  as with the hooks that read it;
- only the rules that could match one of the files (their required words are in it) are
  loaded and compiled, for the languages that occur among the AI lines; when none could, no
  rule is loaded at all (no pydantic, no tree-sitter): the summary is the same, since a rule
  the prefilter skips cannot match;
- the query runs restricted to the AI lines' functions (``DocumentChecker.check``).

The summary is returned in its wire form (the ``sc`` object of the record, see
:class:`tracemark.model.ScanSummary`), so that building a record needs no pydantic either.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from tracemark.rules.loader import RuleSet
    from tracemark.rules.prefilter import RuleCatalog

#: Findings listed one by one in a record; past this only the counts are kept.
MAX_HITS = 40


@dataclass
class ScanInput:
    path: str
    data: bytes
    #: 1-based inclusive AI line ranges.
    ranges: Sequence[tuple[int, int]]


def _rules_key() -> str:
    import sys

    from tracemark import __version__
    from tracemark.rules.loader import packaged_rules_dir, rule_files

    root = packaged_rules_dir()
    files = rule_files(root)
    h = hashlib.sha256(f"{__version__}\n{root}\n{sys.version}\n".encode())
    for f in files:
        st = f.stat()
        h.update(f"{f}\0{st.st_size}\0{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:24]


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _read_pickle(path: Path) -> Any:
    import pickle

    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError,
            ModuleNotFoundError, TypeError, ValueError):
        return None


def _write_cache(cache_dir: Path, items: dict[str, bytes]) -> None:
    """Replace the cache's files with ``items`` (name → bytes), each atomically."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for pattern in ("rules-*.pickle", "catalog-*.marshal"):
            for old in cache_dir.glob(pattern):
                if old.name not in items:
                    old.unlink(missing_ok=True)
        for name, data in items.items():
            path = cache_dir / name
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
    except OSError:
        pass


def _fill(cache_dir: Path | None, key: str | None) -> tuple[RuleSet, RuleCatalog]:
    """Load the rules from their YAML (the slow path) and cache both pickles."""
    import pickle

    from tracemark.rules.loader import default_rules
    from tracemark.rules.prefilter import build_catalog

    rules = default_rules()
    catalog = build_catalog(rules)
    if cache_dir is not None and key is not None:
        _write_cache(cache_dir, {
            f"rules-{key}.pickle": pickle.dumps(rules, protocol=pickle.HIGHEST_PROTOCOL),
            f"catalog-{key}.marshal": catalog.to_bytes(),
        })
    return rules, catalog


def _key(cache_dir: Path | None) -> str | None:
    if cache_dir is None:
        return None
    try:
        return _rules_key()
    except OSError:
        return None


def cached_catalog(cache_dir: Path | None) -> RuleCatalog:
    """What the packaged rules need in a file, from the cache when it is current."""
    from tracemark.rules.prefilter import RuleCatalog

    key = _key(cache_dir)
    if cache_dir is not None and key is not None:
        catalog = RuleCatalog.from_bytes(_read_bytes(cache_dir / f"catalog-{key}.marshal"))
        if catalog is not None:
            return catalog
    return _fill(cache_dir, key)[1]


def cached_rules(cache_dir: Path | None) -> RuleSet:
    """The packaged rules, from the pickle cache when it is current."""
    from tracemark.rules.loader import RuleSet

    key = _key(cache_dir)
    if cache_dir is not None and key is not None:
        rules = _read_pickle(cache_dir / f"rules-{key}.pickle")
        if isinstance(rules, RuleSet):
            return rules
    return _fill(cache_dir, key)[0]


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


def summary_wire(*, rules: int = 0, ruleset: str = "", counts: dict[str, int] | None = None,
                 hits: list[dict[str, Any]] | None = None, skipped: int = 0,
                 error: str | None = None) -> dict[str, Any]:
    """A :class:`~tracemark.model.ScanSummary` in wire form, exactly as pydantic dumps it."""
    out: dict[str, Any] = {"e": "fast", "n": rules, "rs": ruleset, "c": dict(counts or {}),
                           "h": list(hits or []), "x": skipped}
    if error is not None:
        out["err"] = error
    return out


def summarize(inputs: Sequence[ScanInput], cache_dir: Path | None = None) -> dict[str, Any]:
    """Run the fast rules on the AI lines of each input; never raises (errors are summarised).

    Returns the summary in wire form (see :func:`summary_wire`).
    """
    if not inputs:
        return summary_wire()
    try:
        from tracemark.rules import languages as langs
        from tracemark.rules.prefilter import lowered

        catalog = cached_catalog(cache_dir)
    except Exception as err:  # a broken rule pack must not lose the commit
        return summary_wire(error=f"rules did not load: {err}"[:200])
    skipped = 0
    todo: list[tuple[ScanInput, str]] = []
    texts: dict[str, list[bytes]] = {}
    for item in inputs:
        spec = langs.for_path(item.path)
        if spec is None or not catalog.by_language.get(spec.name):
            skipped += 1
            continue
        todo.append((item, spec.name))
        texts.setdefault(spec.name, []).append(item.data)
    # The rules of a language that could match one of its files. Asked of all the files of the
    # language at once (a need met in any of them counts): a superset of asking file by file,
    # which is all soundness needs, since each chosen rule then runs on every file.
    wanted: dict[str, set[str]] = {}
    for language, datas in texts.items():
        joined = b"\0".join(datas)
        wanted[language] = set(catalog.candidates(language, joined, lowered(joined)))
    counts = {"error": 0, "warning": 0, "info": 0}
    hits: list[dict[str, Any]] = []
    if any(wanted.values()):
        try:
            from tracemark.rules.engine import Engine
            from tracemark.rules.loader import RuleSet

            every = set().union(*wanted.values())
            engine = Engine(RuleSet([r for r in cached_rules(cache_dir) if r.id in every]))
        except Exception as err:
            return summary_wire(rules=len(catalog), ruleset=ruleset_digest(catalog.ids),
                                error=f"rules did not load: {err}"[:200])
        for item, language in todo:
            if not wanted.get(language):
                continue  # no rule of this language can match any of these files
            try:
                starts = _line_bytes(item.data)
                spans = []
                for a, b in item.ranges:
                    lo = starts[a - 1] if a - 1 < len(starts) else len(item.data)
                    hi = starts[b] if b < len(starts) else len(item.data)
                    spans.append((lo, hi))
                found = engine.checker(language, item.data, item.path).check(spans)
            except Exception:  # a grammar that fails on this file: counted, never fatal
                skipped += 1
                continue
            for f in found:
                counts[f.severity.value] = counts.get(f.severity.value, 0) + 1
                hits.append({"r": f.rule_id, "s": f.severity.value, "p": item.path,
                             "l": f.start.line + 1})
    hits.sort(key=lambda h: (h["p"], h["l"], h["r"]))
    return summary_wire(rules=len(catalog), ruleset=ruleset_digest(catalog.ids),
                        counts={k: v for k, v in counts.items() if v}, hits=hits[:MAX_HITS],
                        skipped=skipped)
