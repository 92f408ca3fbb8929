"""Re-running the rules on what a commit adds, in the file as that commit has it.

The fast tier (tree-sitter) scans each file a commit adds lines to, from the blob at that
commit, and keeps the findings that touch those lines; identical blobs are scanned once. The
deep tier (``--deep``) writes the same blobs into a temporary folder and runs semgrep once over
all of them (one run per set of policy parameter values, as ``tracemark scan --deep`` does), so
a range of any length costs one semgrep start-up, not one per commit.

Findings are then placed in the range's last version of each file (:func:`relocate`): a finding
whose lines are gone there was fixed later in the same change.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracemark.attest.changes import split_lines
from tracemark.model import Finding
from tracemark.policy import Policy
from tracemark.rules import languages as langs
from tracemark.rules.engine import Engine
from tracemark.rules.loader import RuleSet, default_rules
from tracemark.rules.project import settings_function

#: Files past this size are generated or vendored (as ``tracemark scan`` skips them).
MAX_FILE_BYTES = 2 * 1024 * 1024


def gate_engine(root: Path, policy: Policy, rules: RuleSet | None = None) -> Engine:
    """The project's engine with its policy, for repository-relative paths.

    :func:`~tracemark.rules.project.engine_for_project` resolves relative paths against the
    working directory (what ``scan`` shows); the gate's paths are relative to the repository
    root whatever the working directory, so they are anchored there first.
    """
    rules = rules if rules is not None else default_rules()
    base = settings_function(policy, rules, root)

    def settings(path: str | None):
        if path is not None and not os.path.isabs(path):
            path = str(root / path)
        return base(path)

    engine = Engine(rules, settings=settings)
    engine.policy = policy  # type: ignore[attr-defined]
    return engine


@dataclass
class Target:
    """One file of one commit to re-scan: its content and the lines the commit adds."""

    commit: str
    path: str
    content: bytes
    #: 1-based lines this commit adds to the file.
    lines: set[int]

    @property
    def key(self) -> tuple[str, str]:
        return self.commit, self.path


def scannable(path: str, content: bytes | None) -> bool:
    return (content is not None and len(content) <= MAX_FILE_BYTES
            and b"\0" not in content[:8192] and langs.for_path(path) is not None)


def touches(f: Finding, lines: set[int]) -> bool:
    """The finding's lines (1-based, inclusive) meet ``lines``."""
    return any(n in lines for n in range(f.start.line + 1, f.end.line + 2))


@dataclass
class FastScanner:
    engine: Engine
    _cache: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)

    def scan(self, t: Target) -> list[Finding]:
        """Findings on the lines ``t`` adds (identical blobs under one path scanned once)."""
        digest = hashlib.sha256(t.content).hexdigest()
        found = self._cache.get((t.path, digest))
        if found is None:
            found = self.engine.scan_file(t.path, t.content)
            self._cache[(t.path, digest)] = found
        return [f for f in found if touches(f, t.lines)]


@dataclass
class DeepResult:
    findings: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)
    ran: bool = False
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)


def deep_scan(engine: Engine, targets: Sequence[Target], *, timeout: float = 1800.0,
              configs: Sequence[str] = ()) -> DeepResult:
    """semgrep over every target's blob, in one run per parameter set."""
    from tracemark.rules.semgrep import SemgrepRun

    out = DeepResult()
    if not targets:
        out.ran = True
        return out
    with tempfile.TemporaryDirectory(prefix="tracemark-verify-") as tmp:
        # One folder per distinct blob of a path; the folder keeps the repository-relative path
        # underneath so that rules limited to paths (.github/workflows/...) still apply.
        written: dict[tuple[str, str], Path] = {}
        owners: dict[str, list[Target]] = {}
        for t in targets:
            digest = hashlib.sha256(t.content).hexdigest()[:16]
            file = written.get((t.path, digest))
            if file is None:
                file = Path(tmp) / f"{len(written):05d}" / t.path
                file.parent.mkdir(parents=True, exist_ok=True)
                file.write_bytes(t.content)
                written[(t.path, digest)] = file
            owners.setdefault(str(file), []).append(t)
        groups: dict[str, tuple[dict[str, dict[str, Any]], list[str]]] = {}
        for file, ts in owners.items():
            path = ts[0].path
            key = engine.settings_for(path).parameters_key()
            groups.setdefault(key, (engine.parameters_for(path), []))[1].append(file)
        path_map = {f: f for f in owners} | {os.path.realpath(f): f for f in owners}
        out.ran = True
        for params, files in groups.values():
            result = SemgrepRun(files, rules=engine.rules, configs=configs, timeout=timeout,
                                parameters=params, path_map=path_map).run()
            out.warnings += result.warnings
            if result.reason:
                out.ran = False
                out.reason = result.reason
            for item in result.findings:
                ts = owners.get(item.path or "")
                if not ts:
                    continue
                path = ts[0].path
                fixed = engine.finalize([item.model_copy(update={"path": path})], path,
                                        ts[0].content)
                for t in ts:
                    out.findings.setdefault(t.key, []).extend(
                        f for f in fixed if touches(f, t.lines))
    return out


def merge_tiers(fast: list[Finding], deep: list[Finding]) -> list[tuple[Finding, list[str]]]:
    """One entry per match: a semgrep finding that overlaps a fast one of the same rule (on
    the same line) is the same match (the fast one is kept, both engines named)."""
    merged: list[tuple[Finding, list[str]]] = [(f, ["fast"]) for f in fast]
    for d in deep:
        for f, engines in merged:
            if f.rule_id == d.rule_id and (f.start.line == d.start.line or (
                    f.start_byte < d.end_byte and d.start_byte < f.end_byte)):
                if "semgrep" not in engines:
                    engines.append("semgrep")
                break
        else:
            merged.append((d, ["semgrep"]))
    return merged


def relocate(f: Finding, old: bytes, new: bytes | None) -> tuple[int, int] | None:
    """Where the finding's lines are in ``new`` (1-based start and end), nearest its old
    place; ``None`` when they are not there any more (the file was deleted or those lines
    changed)."""
    if new is None:
        return None
    if new == old:
        return f.start.line + 1, f.end.line + 1
    old_lines, new_lines = split_lines(old), split_lines(new)
    a, b = f.start.line, f.end.line
    block = old_lines[a:b + 1]
    if not block:
        return None
    size = len(block)
    first = block[0]
    best: int | None = None
    for i, line in enumerate(new_lines):
        if line == first and new_lines[i:i + size] == block and (
                best is None or abs(i - a) < abs(best - a)):
            best = i
    return None if best is None else (best + 1, best + size)
