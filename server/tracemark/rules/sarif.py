"""SARIF 2.1.0 reports of findings, as GitHub code scanning accepts them.

Rules carry their CWE ids in ``properties.tags`` (``external/cwe/cwe-78``, GitHub's form) and in
``properties.cwe``; each result has ``level`` from the rule's severity, a
``partialFingerprints`` entry that survives line moves, and, when known, a quick fix.

The CI gate builds on this module: ``result_properties`` adds per-result properties (origin,
attestation) and ``run_properties`` adds run-level ones, without copying the rest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from tracemark import __version__
from tracemark.model import Finding, Severity
from tracemark.rules.schema import Rule

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://example.invalid/tracemark/docs/rules"
#: GitHub ranks security alerts by this number (critical >= 9, high >= 7, medium >= 4).
SECURITY_SEVERITY = {Severity.ERROR: "8.0", Severity.WARNING: "5.5", Severity.INFO: "2.0"}
PRECISION = {"high": "high", "medium": "medium", "low": "low"}
FINGERPRINT_KEY = "tracemark/v1"


def cwe_tags(cwe: Iterable[str]) -> list[str]:
    return [f"external/cwe/{c.lower()}" for c in cwe]


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    message = rule.message.strip()
    short = message.split(". ")[0].rstrip(".")
    if len(short) > 120:
        short = short[:117] + "..."
    cwe_links = ", ".join(
        f"[{c}](https://cwe.mitre.org/data/definitions/{c.split('-')[1]}.html)"
        for c in rule.cwe)
    return {
        "id": rule.id,
        "name": "".join(p.capitalize() for p in rule.id.split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": message},
        "helpUri": rule.help_uri,
        "help": {"text": message, "markdown": f"{message}\n\n{cwe_links}"},
        "defaultConfiguration": {"level": rule.severity.sarif_level},
        "properties": {
            "tags": ["security", *cwe_tags(rule.cwe),
                     *([rule.category] if rule.category else [])],
            "cwe": list(rule.cwe),
            "precision": PRECISION.get(rule.confidence.value, "medium"),
            "problem.severity": {"error": "error", "warning": "warning",
                                 "info": "recommendation"}[rule.severity.value],
            "security-severity": SECURITY_SEVERITY[rule.severity],
        },
    }


def _adhoc_descriptor(f: Finding) -> dict[str, Any]:
    """A descriptor for a rule that is not in the pack (a user's own semgrep config)."""
    return {
        "id": f.rule_id,
        "shortDescription": {"text": f.message.split(". ")[0][:120] or f.rule_id},
        "fullDescription": {"text": f.message or f.rule_id},
        "defaultConfiguration": {"level": f.severity.sarif_level},
        "properties": {"tags": ["security", *cwe_tags(f.cwe)], "cwe": list(f.cwe),
                       "security-severity": SECURITY_SEVERITY[f.severity]},
    }


def _uri(path: str | None, root: Path | None) -> str:
    if not path:
        return "unknown"
    p = Path(path)
    if root is not None and p.is_absolute():
        try:
            p = p.resolve().relative_to(root.resolve())
        except ValueError:
            return p.resolve().as_uri()
    return PurePosixPath(*p.parts).as_posix() if not p.is_absolute() else p.as_uri()


def _col(line_text: bytes | None, byte_col: int) -> int:
    """1-based SARIF column in UTF-16 units (the default ``columnKind``) of a byte column."""
    if line_text is None:
        return byte_col + 1
    prefix = line_text[:byte_col].decode("utf-8", "replace")
    return len(prefix.encode("utf-16-le")) // 2 + 1


def fingerprint(f: Finding, line_text: bytes | None, occurrence: int) -> str:
    """Stable across line moves: rule, file and the matched line's text (whitespace-trimmed)."""
    h = hashlib.sha256()
    for part in (f.rule_id, f.path or "", (line_text or b"").strip().decode("utf-8", "replace"),
                 str(occurrence)):
        h.update(part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()[:32]


def build_sarif(
    findings: Iterable[Finding],
    *,
    rules: Iterable[Rule] = (),
    root: Path | None = None,
    texts: Mapping[str, bytes] | None = None,
    engines: Mapping[int, list[str]] | None = None,
    result_properties: Callable[[Finding], Mapping[str, Any] | None] | None = None,
    run_properties: Mapping[str, Any] | None = None,
    tool_name: str = "tracemark",
    tool_version: str = __version__,
) -> dict[str, Any]:
    """A SARIF log with one run.

    ``texts`` maps a finding's ``path`` to the file's bytes (for UTF-16 columns and
    fingerprints); ``engines`` maps ``id(finding)`` to the engines that reported it.
    """
    findings = list(findings)
    descriptors: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for rule in rules:
        if rule.id not in index:
            index[rule.id] = len(descriptors)
            descriptors.append(rule_descriptor(rule))
    for f in findings:
        if f.rule_id not in index:
            index[f.rule_id] = len(descriptors)
            descriptors.append(_adhoc_descriptor(f))

    lines_cache: dict[str, list[bytes]] = {}

    def line_of(path: str | None, line: int) -> bytes | None:
        if texts is None or path is None or path not in texts:
            return None
        lines = lines_cache.get(path)
        if lines is None:
            lines = texts[path].split(b"\n")
            lines_cache[path] = lines
        return lines[line] if 0 <= line < len(lines) else None

    seen: dict[tuple[str, str], int] = {}
    results = []
    for f in sorted(findings, key=lambda f: (f.path or "", f.start_byte, f.rule_id)):
        start_text = line_of(f.path, f.start.line)
        end_text = line_of(f.path, f.end.line)
        key = (f.rule_id, fingerprint(f, start_text, 0))
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        uri = _uri(f.path, root)
        location = {"physicalLocation": {
            "artifactLocation": {"uri": uri, **({"uriBaseId": "%SRCROOT%"}
                                                if not uri.startswith("file:") else {})},
            "region": {
                "startLine": f.start.line + 1,
                "startColumn": _col(start_text, f.start.byte_col),
                "endLine": f.end.line + 1,
                "endColumn": _col(end_text, f.end.byte_col),
            },
        }}
        props: dict[str, Any] = {"engine": f.engine, "confidence": f.confidence,
                                 "cwe": list(f.cwe)}
        if engines is not None and id(f) in engines:
            props["engines"] = list(engines[id(f)])
        if f.origin_kind:
            props["origin"] = f.origin_kind
        if result_properties is not None:
            props.update(result_properties(f) or {})
        result: dict[str, Any] = {
            "ruleId": f.rule_id,
            "ruleIndex": index[f.rule_id],
            "level": f.severity.sarif_level,
            "message": {"text": f.message},
            "locations": [location],
            "partialFingerprints": {FINGERPRINT_KEY: fingerprint(f, start_text, occurrence)},
            "properties": props,
        }
        if f.fix is not None:
            result["fixes"] = [{
                "description": {"text": f.fix.title},
                "artifactChanges": [{
                    "artifactLocation": location["physicalLocation"]["artifactLocation"],
                    "replacements": [{
                        "deletedRegion": {"byteOffset": f.fix.start_byte,
                                          "byteLength": f.fix.end_byte - f.fix.start_byte},
                        "insertedContent": {"text": f.fix.replacement},
                    }],
                }],
            }]
        results.append(result)

    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": tool_name,
            "version": tool_version,
            "semanticVersion": tool_version,
            "informationUri": INFORMATION_URI,
            "rules": descriptors,
        }},
        "columnKind": "utf16CodeUnits",
        "results": results,
    }
    if root is not None:
        run["originalUriBaseIds"] = {"%SRCROOT%": {"uri": root.resolve().as_uri() + "/"}}
    if run_properties:
        run["properties"] = dict(run_properties)
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}
