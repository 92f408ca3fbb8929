"""Scanning files and folders: the fast tier, optionally semgrep, optionally AI lines only.

This is what ``tracemark scan`` runs, and what the CI gate reuses to re-scan AI lines.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracemark.errors import InputError
from tracemark.model import Finding, OriginKind, Severity, Span
from tracemark.rules import languages as langs
from tracemark.rules.engine import Engine
from tracemark.rules.loader import RuleError

#: Folders never worth scanning when walking outside a git repository.
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__",
                       ".tox", ".mypy_cache", ".ruff_cache", ".pytest_cache", "dist", "build"})
#: Larger files are generated or vendored; scanning them costs more than it finds.
MAX_FILE_BYTES = 2 * 1024 * 1024


@dataclass
class ScanReport:
    root: Path
    files: list[Path] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: ``id(finding)`` → the engines that reported it (``fast``, ``semgrep``).
    engines: dict[int, list[str]] = field(default_factory=dict)
    texts: dict[str, bytes] = field(default_factory=dict)
    rule_errors: list[RuleError] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    deep: bool = False
    semgrep_reason: str | None = None
    semgrep_warnings: list[str] = field(default_factory=list)
    ai_only: bool = False

    @property
    def failed(self) -> bool:
        """An error-severity finding: ``tracemark scan`` exits 1."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            out[f.severity.value] += 1
        return out


def _git_files(folder: Path) -> list[Path] | None:
    """Files git would track under ``folder`` (tracked + untracked, minus ignored)."""
    from tracemark.gitutil import git

    proc = git(["ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
               folder, check=False)
    if proc.returncode != 0:
        return None
    names = [n for n in proc.stdout.decode("utf-8", "surrogateescape").split("\0") if n]
    return [folder / n for n in names]


def collect_files(paths: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Files to scan: named files as given; folders walked (honouring .gitignore in a repo)."""
    out: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            out.append(p)

    for raw in paths:
        p = Path(raw)
        if p.is_file():
            add(p)
        elif p.is_dir():
            listed = _git_files(p)
            if listed is None:
                listed = []
                for dirpath, dirnames, filenames in os.walk(p):
                    dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS
                                         and not d.startswith("."))
                    listed.extend(Path(dirpath) / f for f in sorted(filenames))
            for f in sorted(listed):
                if f.is_file() and langs.for_path(f) is not None:
                    add(f)
        else:
            raise InputError(f"{raw}: no such file or folder")
    return out


def ai_lines(text: str, spans: Iterable[Span]) -> set[int]:
    """0-based lines whose kind is AI (``ai``, ``ai-modified``, ``reviewed``), as blame says."""
    from tracemark.tracking.lines import classify_lines

    ordered = sorted(spans, key=lambda s: s.start)
    return {lo.line - 1 for lo in classify_lines(text, ordered) if OriginKind(lo.kind).is_ai}


def ledger_spans(path: Path, text: str) -> list[Span] | None:
    """AI spans the repository's ledger holds for ``path``; ``None`` outside a repository."""
    from tracemark.gitutil import find_repo
    from tracemark.ledger import open_ledger

    try:
        repo = find_repo(path)
    except InputError:
        return None
    ledger = open_ledger(repo)
    try:
        return list(ledger.load(repo.relpath(path), text))
    finally:
        close = getattr(ledger, "close", None)
        if close is not None:
            close()


def _display(p: Path, root: Path) -> str:
    try:
        return p.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(p)


def scan_paths(
    paths: Sequence[str | os.PathLike[str]],
    *,
    engine: Engine | None = None,
    deep: bool = False,
    ai_only: bool = False,
    semgrep_configs: Sequence[str | os.PathLike[str]] = (),
    semgrep_timeout: float = 600.0,
    root: Path | None = None,
    spans_for: Callable[[Path, str], list[Span] | None] = ledger_spans,
) -> ScanReport:
    """Scan files and folders with the fast tier (and semgrep when ``deep``)."""
    engine = engine or Engine()
    root = (root or Path.cwd()).resolve()
    report = ScanReport(root=root, deep=deep, ai_only=ai_only)
    files = collect_files(paths)
    report.files = files
    keep_lines: dict[str, set[int]] = {}
    fast: list[Finding] = []
    for f in files:
        name = _display(f, root)
        try:
            data = f.read_bytes()
        except OSError as err:
            report.skipped.append((name, str(err)))
            continue
        if len(data) > MAX_FILE_BYTES:
            report.skipped.append((name, f"larger than {MAX_FILE_BYTES // 1024 // 1024} MiB"))
            continue
        if b"\0" in data[:8192]:
            report.skipped.append((name, "binary"))
            continue
        report.texts[name] = data
        if ai_only:
            text = data.decode("utf-8", "replace")
            spans = spans_for(f, text)
            keep_lines[name] = ai_lines(text, spans or [])
            if not keep_lines[name]:
                continue
        fast.extend(engine.scan_file(name, data))
    findings: dict[tuple[str, str, int], Finding] = {}
    engines: dict[tuple[str, str, int], list[str]] = {}
    for item in fast:
        key = (item.path or "", item.rule_id, item.start.line)
        findings.setdefault(key, item)
        engines.setdefault(key, [])
        if "fast" not in engines[key]:
            engines[key].append("fast")
    if deep:
        from tracemark.rules.semgrep import SemgrepRun

        targets = [f for f in files if _display(f, root) in report.texts
                   and (not ai_only or keep_lines.get(_display(f, root)))]
        path_map = {str(f): _display(f, root) for f in targets}
        path_map.update({str(f.resolve()): _display(f, root) for f in targets})
        result = _semgrep_by_parameters(engine, targets, root, semgrep_configs,
                                        semgrep_timeout, path_map, report.texts)
        by_rule: dict[tuple[str, str], list[tuple[str, str, int]]] = {}
        for k in findings:
            by_rule.setdefault(k[:2], []).append(k)
        report.semgrep_reason = result.reason
        report.semgrep_warnings = result.warnings
        for item in result.findings:
            key = (item.path or "", item.rule_id, item.start.line)
            if key not in findings:  # the same match when the ranges overlap (semgrep may
                for other in by_rule.get(key[:2], []):  # start it at an enclosing paren)
                    seen = findings[other]
                    if seen.start_byte < item.end_byte and item.start_byte < seen.end_byte:
                        key = other
                        break
            findings.setdefault(key, item)
            engines.setdefault(key, [])
            if "semgrep" not in engines[key]:
                engines[key].append("semgrep")
    out = []
    for key, item in findings.items():
        if ai_only:
            lines = keep_lines.get(item.path or "", set())
            if not any(ln in lines for ln in range(item.start.line, item.end.line + 1)):
                continue
            item = item.model_copy(update={"origin_kind": OriginKind.AI.value})
        out.append(item)
        report.engines[id(item)] = engines[key]
    report.findings = sorted(out, key=lambda f: (f.path or "", f.start_byte, f.rule_id))
    report.rule_errors = engine.errors
    return report


def _semgrep_by_parameters(engine: Engine, targets: list[Path], root: Path,
                           configs: Sequence[str | os.PathLike[str]], timeout: float,
                           path_map: dict[str, str], texts: dict[str, bytes]) -> Any:
    """semgrep over ``targets``: one run per set of policy parameter values (usually one).

    A policy scope can give some paths other parameter values (another approved-image list);
    semgrep takes one config per run, so files are grouped by their values. Findings then get
    the same rule paths, dialects, disabled rules and severities as the fast tier's.
    """
    from tracemark.rules.semgrep import SemgrepResult, SemgrepRun

    groups: dict[str, tuple[dict[str, dict[str, Any]], list[Path]]] = {}
    for f in targets:
        name = _display(f, root)
        params = engine.parameters_for(name)
        key = engine.settings_for(name).parameters_key()
        groups.setdefault(key, (params, []))[1].append(f)
    total = SemgrepResult()
    for params, files in groups.values():
        result = SemgrepRun(files, rules=engine.rules, configs=configs, timeout=timeout,
                            parameters=params, path_map=path_map).run()
        for item in result.findings:
            total.findings += engine.finalize([item], item.path, texts.get(item.path or ""))
        total.warnings += result.warnings
        total.reason = total.reason or result.reason
        total.elapsed += result.elapsed
    return total


def finding_json(f: Finding, engines: list[str] | None = None) -> dict[str, Any]:
    """One finding of ``tracemark/scan/v1`` (lines 1-based; byte columns 0-based)."""
    out = f.model_dump(mode="json", exclude_none=True)
    out["line"] = f.start.line + 1
    out["end_line"] = f.end.line + 1
    out["engines"] = engines or [f.engine]
    return out
