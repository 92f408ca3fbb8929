"""The deep tier: the same rule ids run by semgrep, with a fixed, offline argument list.

* :func:`export_config` turns the rule pack into one semgrep config (``tracemark rules
  export-semgrep``); rule parameters are expanded into the patterns on the way.
* :class:`SemgrepRun` runs semgrep once over any number of files with the pack and user configs
  (files or folders), and converts its JSON into :class:`~tracemark.model.Finding` (engine
  ``semgrep``). It can be cancelled from another thread (the process group is killed), or
  awaited (:meth:`SemgrepRun.run_async`, cancelled with its task).
* :func:`scan_buffer` runs it on a temporary copy of an unsaved buffer with the right suffix.

When semgrep is missing or fails, the result carries one clear line (``reason``) and no
findings; nothing raises, so the fast tier always keeps working.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tracemark.model import Finding, Fix, Point, Severity
from tracemark.rules import languages as langs
from tracemark.rules.loader import RuleSet, default_rules
from tracemark.rules.schema import Rule

#: Seconds for a whole run before it is killed, and per rule and file inside semgrep.
DEFAULT_TIMEOUT = 120.0
PER_RULE_TIMEOUT = 10
#: Files per semgrep invocation (keeps command lines far below the OS limit).
BATCH = 400

SEVERITY_TO_SEMGREP = {Severity.ERROR: "ERROR", Severity.WARNING: "WARNING", Severity.INFO: "INFO"}
SEMGREP_TO_SEVERITY = {
    "ERROR": Severity.ERROR, "CRITICAL": Severity.ERROR, "HIGH": Severity.ERROR,
    "WARNING": Severity.WARNING, "MEDIUM": Severity.WARNING,
    "INFO": Severity.INFO, "LOW": Severity.INFO, "INVENTORY": Severity.INFO,
    "EXPERIMENT": Severity.INFO,
}  # fmt: skip

_PARAM = re.compile(r"\{\{\s*params\.([a-z_][a-z0-9_]*)(?::(glob))?\s*\}\}")
#: ``{{data.NAME}}``: a regex built from bundled data (see ``predicates.register_data``).
_DATA_REF = re.compile(r"\{\{\s*data\.([a-z_][a-z0-9_]*)\s*\}\}")
_CWE = re.compile(r"CWE[-_ ]?0*(\d+)", re.I)


# -- export -----------------------------------------------------------------------------------


def semgrep_languages(rule: Rule) -> list[str]:
    names: list[str] = []
    for lang in rule.languages:
        name = langs.get(lang).semgrep or "generic"
        if name not in names:
            names.append(name)
    return names


def _expand(value: Any, params: dict[str, Any]) -> Any:
    """Replace ``{{params.NAME}}`` in strings: a list becomes an escaped regex alternation.

    ``{{params.NAME:glob}}`` reads the values as fnmatch globs (``*``, ``?``) instead.
    """
    if isinstance(value, str):
        if "{{" in value and _DATA_REF.search(value):
            from tracemark.rules.predicates import data_value

            value = _DATA_REF.sub(lambda m: data_value(m.group(1)), value)

        def sub(m: re.Match[str]) -> str:
            v = params.get(m.group(1))
            if m.group(2) == "glob":  # {{params.NAME:glob}}: fnmatch globs as a regex
                from tracemark.rules.structure import glob_regex

                items = v if isinstance(v, list | tuple) else [v]
                if not items:
                    return "(?!)"
                return "(?:" + "|".join(glob_regex(str(x)) for x in items) + ")"
            if isinstance(v, list | tuple):
                return "(?:" + "|".join(re.escape(str(x)) for x in v) + ")"
            return str(v)
        return _PARAM.sub(sub, value)
    if isinstance(value, list):
        return [_expand(v, params) for v in value]
    if isinstance(value, dict):
        return {k: _expand(v, params) for k, v in value.items()}
    return value


def semgrep_rule(rule: Rule, parameters: dict[str, Any] | None = None, *,
                 ignore_paths: bool = False) -> dict[str, Any]:
    """The semgrep rule for ``rule`` (same id, message, severity; CWE in metadata).

    ``ignore_paths`` drops path limits (fixtures live beside the rule, not in ``.github/``).
    """
    body = _expand(copy.deepcopy(rule.semgrep), rule.parameter_values(parameters))
    out: dict[str, Any] = {
        "id": rule.id,
        "message": rule.message.strip(),
        "severity": SEVERITY_TO_SEMGREP[rule.severity],
        "languages": body.pop("languages", None) or semgrep_languages(rule),
        "metadata": {
            "cwe": list(rule.cwe),
            "confidence": rule.confidence.value.upper(),
            "category": "security",
            "subcategory": [rule.category] if rule.category else [],
            "references": list(rule.references),
            "source": "tracemark",
        },
    }
    if rule.owasp:
        out["metadata"]["owasp"] = list(rule.owasp)
    if rule.paths is not None and "paths" not in body:
        paths = {k: v for k, v in rule.paths.model_dump().items() if v}
        if paths:
            out["paths"] = paths
    elif rule.dialect is not None and "paths" not in body:
        # A dialect's path globs (a workflow's .github/workflows/*.yml) limit semgrep too;
        # its content test (Kubernetes' apiVersion/kind) is applied to semgrep's findings
        # by the scan (Engine.finalize), as for the fast tier.
        dialect = langs.DIALECTS[rule.dialect]
        if dialect.paths:
            out["paths"] = {"include": [f"**/{g}" if "/" in g else g
                                        for g in dialect.paths]}
    if "paths" not in out and "paths" not in body:
        # semgrep has no parser for requirements files or TOML: their rules run in generic
        # mode, which would read every file; limit them to the language's own file names.
        specs = [langs.get(lang) for lang in rule.languages]
        if all(spec.semgrep is None for spec in specs):
            include = [f"*{ext}" for spec in specs for ext in spec.extensions]
            include += [name for spec in specs for name in spec.filenames]
            if include:
                out["paths"] = {"include": include}
    out.update(body)
    if ignore_paths:
        out.pop("paths", None)
    return out


def export_config(rules: Iterable[Rule], parameters: dict[str, dict[str, Any]] | None = None,
                  *, ignore_paths: bool = False) -> dict[str, Any]:
    params = parameters or {}
    return {"rules": [semgrep_rule(r, params.get(r.id), ignore_paths=ignore_paths)
                      for r in rules]}


def dump_config(rules: Iterable[Rule], parameters: dict[str, dict[str, Any]] | None = None,
                *, ignore_paths: bool = False) -> str:
    header = "# semgrep config exported by `tracemark rules export-semgrep`; do not edit.\n"
    return header + yaml.safe_dump(export_config(rules, parameters, ignore_paths=ignore_paths),
                                   sort_keys=False, allow_unicode=True, width=100)


# -- running ----------------------------------------------------------------------------------


def semgrep_binary() -> str | None:
    """``$TRACEMARK_SEMGREP``, else semgrep next to this Python (tracemark's venv), else ``PATH``."""
    override = os.environ.get("TRACEMARK_SEMGREP")
    if override:
        return override if os.path.isfile(override) and os.access(override, os.X_OK) else None
    here = Path(sys.executable).parent / "semgrep"
    if here.is_file() and os.access(here, os.X_OK):
        return str(here)
    return shutil.which("semgrep")


def semgrep_env() -> dict[str, str]:
    return {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}


def base_args(binary: str, *, experimental: bool = True) -> list[str]:
    """The fixed argument list: offline, no version check, JSON out."""
    args = [binary, "scan", "--json", "--metrics=off", "--disable-version-check", "--quiet",
            "--timeout", str(PER_RULE_TIMEOUT), "--no-git-ignore"]
    if experimental:
        args.append("--experimental")
    return args


@dataclass
class SemgrepResult:
    findings: list[Finding] = field(default_factory=list)
    #: One line saying why semgrep did not run or failed, or ``None`` when it ran.
    reason: str | None = None
    #: Non-fatal problems semgrep reported (a file it could not parse, ...).
    warnings: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return self.reason is None and not self.cancelled


def user_config_ids(configs: Sequence[str | os.PathLike[str]]) -> set[str]:
    """Rule ids in local semgrep configs (files or folders), to undo semgrep's id prefixes."""
    ids: set[str] = set()
    for c in configs:
        p = Path(c)
        files = [p] if p.is_file() else sorted(
            f for f in p.rglob("*") if f.suffix in (".yaml", ".yml") and f.is_file())
        for f in files:
            try:
                data = yaml.safe_load(f.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError):
                continue
            if isinstance(data, dict) and isinstance(data.get("rules"), list):
                ids.update(r["id"] for r in data["rules"] if isinstance(r, dict) and "id" in r)
    return ids


def _plain_id(check_id: str, known: set[str]) -> str:
    """``tmp.x.py-eval`` → ``py-eval``: semgrep prefixes ids with the config's folder."""
    if check_id in known:
        return check_id
    best = None
    for rid in known:
        if check_id.endswith("." + rid) and (best is None or len(rid) > len(best)):
            best = rid
    return best or check_id


def _cwes(meta: Any) -> list[str]:
    raw = meta.get("cwe") if isinstance(meta, dict) else None
    items = raw if isinstance(raw, list) else [raw] if raw else []
    out = []
    for item in items:
        m = _CWE.search(str(item))
        if m and f"CWE-{m.group(1)}" not in out:
            out.append(f"CWE-{m.group(1)}")
    return out


def convert(data: dict[str, Any], rules: RuleSet, extra_ids: set[str] = frozenset(),
            path_map: dict[str, str] | None = None) -> tuple[list[Finding], list[str]]:
    """semgrep JSON → findings (1-based lines and byte columns → 0-based points)."""
    known = rules.ids() | set(extra_ids)
    out: list[Finding] = []
    for r in data.get("results", []):
        rid = _plain_id(r.get("check_id", ""), known)
        extra = r.get("extra", {})
        rule = rules.get(rid)
        start, end = r["start"], r["end"]
        path = r.get("path")
        if path_map is not None:
            path = path_map.get(path, path_map.get(os.path.realpath(path), path))
        fix = None
        if isinstance(extra.get("fix"), str):
            fix = Fix(title=f"Apply semgrep fix for {rid}", start_byte=start["offset"],
                      end_byte=end["offset"], replacement=extra["fix"])
        sev = rule.severity if rule else SEMGREP_TO_SEVERITY.get(
            str(extra.get("severity", "WARNING")).upper(), Severity.WARNING)
        out.append(Finding(
            rule_id=rid,
            message=(rule.message.strip() if rule else str(extra.get("message", rid)).strip()),
            severity=sev,
            cwe=list(rule.cwe) if rule else _cwes(extra.get("metadata", {})),
            confidence=rule.confidence.value if rule else str(
                extra.get("metadata", {}).get("confidence", "medium")).lower(),
            engine="semgrep",
            path=path,
            start_byte=start["offset"],
            end_byte=end["offset"],
            start=Point(line=start["line"] - 1, byte_col=start["col"] - 1),
            end=Point(line=end["line"] - 1, byte_col=end["col"] - 1),
            fix=fix,
        ))
    warnings = []
    for e in data.get("errors", []):
        msg = str(e.get("message") or e.get("type") or e).strip().splitlines()
        where = e.get("path") or (e.get("spans") or [{}])[0].get("file")
        warnings.append(f"{where}: {msg[0]}" if where and msg else (msg[0] if msg else str(e)))
    return out, warnings


class SemgrepRun:
    """One semgrep run over ``targets`` with the pack and user configs; cancellable.

    ``rules=None`` uses the packaged rules; ``include_pack=False`` runs user configs only.
    """

    def __init__(self, targets: Sequence[str | os.PathLike[str]], *,
                 rules: RuleSet | None = None, configs: Sequence[str | os.PathLike[str]] = (),
                 include_pack: bool = True, timeout: float = DEFAULT_TIMEOUT,
                 parameters: dict[str, dict[str, Any]] | None = None,
                 path_map: dict[str, str] | None = None, experimental: bool = True,
                 ignore_paths: bool = False) -> None:
        self.targets = [os.fspath(t) for t in targets]
        self.rules = rules if rules is not None else default_rules()
        self.configs = [os.fspath(c) for c in configs]
        self.include_pack = include_pack
        self.timeout = timeout
        self.parameters = parameters
        self.path_map = path_map
        self.experimental = experimental
        self.ignore_paths = ignore_paths
        self._proc: subprocess.Popen[bytes] | None = None
        self._cancelled = threading.Event()
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        #: A live semgrep process was killed by :meth:`cancel`.
        self.killed = False

    # -- building the command ---------------------------------------------------------------

    def _rules_for_targets(self) -> list[Rule]:
        """The pack's rules that can apply to the targets.

        semgrep parses and prepares every rule of a config whatever the target, so a Python
        buffer saved in the editor should not pay for the JavaScript and YAML rules. When any
        target is a folder or a file of no known language, every rule is kept.
        """
        wanted: set[str] = set()
        for t in self.targets:
            spec = None if os.path.isdir(t) else langs.for_path(t)
            if spec is None:
                return list(self.rules)
            wanted.add(spec.name)
        return [r for r in self.rules if wanted & set(r.languages)]

    def _prepare(self) -> tuple[list[list[str]], str | None]:
        binary = semgrep_binary()
        if binary is None:
            return [], "semgrep is not installed (pip install semgrep); only the fast tier ran"
        for c in self.configs:
            if not Path(c).exists():
                return [], f"semgrep config {c} does not exist"
        configs = list(self.configs)
        rules = self._rules_for_targets()
        if self.include_pack and rules:
            self._tmp = tempfile.TemporaryDirectory(prefix="tracemark-semgrep-")
            pack = Path(self._tmp.name) / "tracemark-pack.yaml"
            pack.write_text(dump_config(rules, self.parameters,
                                        ignore_paths=self.ignore_paths), encoding="utf-8")
            configs.insert(0, str(pack))
        if not configs:
            return [], "no semgrep rules to run"
        args = base_args(binary, experimental=self.experimental)
        for c in configs:
            args += ["--config", c]
        batches = [self.targets[i:i + BATCH] for i in range(0, len(self.targets), BATCH)]
        return [[*args, "--", *b] for b in batches], None

    # -- running ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """A semgrep process is running right now."""
        proc = self._proc
        return proc is not None and proc.poll() is None

    def cancel(self) -> None:
        """Stop the run (from any thread): its process group is killed."""
        self._cancelled.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
                self.killed = True

    def run(self) -> SemgrepResult:
        started = time.monotonic()
        if not self.targets:
            return SemgrepResult()
        commands, reason = self._prepare()
        try:
            if reason:
                return SemgrepResult(reason=reason)
            result = SemgrepResult()
            for cmd in commands:
                if self._cancelled.is_set():
                    break
                remaining = self.timeout - (time.monotonic() - started)
                out, err, code, timed_out = self._exec(cmd, remaining)
                if self._cancelled.is_set():
                    break
                if timed_out:
                    result.reason = f"semgrep timed out after {self.timeout:.0f} s"
                    break
                part = self._parse(out, err, code)
                if part.reason and "--experimental" in cmd and not self._cancelled.is_set():
                    # osemgrep does not handle every rule feature a user config may use:
                    # fall back once to the classic engine for this batch.
                    classic = [a for a in cmd if a != "--experimental"]
                    remaining = self.timeout - (time.monotonic() - started)
                    out, err, code, timed_out = self._exec(classic, remaining)
                    if timed_out:
                        result.reason = f"semgrep timed out after {self.timeout:.0f} s"
                        break
                    part = self._parse(out, err, code)
                result.findings += part.findings
                result.warnings += part.warnings
                if part.reason:
                    result.reason = part.reason
                    break
            result.cancelled = self._cancelled.is_set()
            if result.cancelled:
                result.findings = []
            result.elapsed = time.monotonic() - started
            return result
        finally:
            self._cleanup()

    def _exec(self, cmd: list[str], timeout: float) -> tuple[bytes, bytes, int, bool]:
        try:
            self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          stdin=subprocess.DEVNULL, env=semgrep_env(),
                                          start_new_session=True)
        except OSError as err:
            return b"", str(err).encode(), 127, False
        try:
            out, err = self._proc.communicate(timeout=max(timeout, 0.1))
            return out, err, self._proc.returncode, False
        except subprocess.TimeoutExpired:
            self.cancel()
            self._cancelled.clear()
            self._proc.communicate()
            return b"", b"", -9, True
        finally:
            self._proc = None

    def _parse(self, out: bytes, err: bytes, code: int) -> SemgrepResult:
        try:
            data = json.loads(out.decode("utf-8", "replace") or "{}")
        except json.JSONDecodeError:
            data = {}
        if code not in (0, 1) and not data.get("results"):
            lines = [ln for ln in (err.decode("utf-8", "replace").strip().splitlines()) if ln]
            errs = data.get("errors") or []
            detail = (str(errs[0].get("message", "")).strip().splitlines() or [""])[0] \
                if errs else (lines[-1] if lines else "")
            return SemgrepResult(reason=f"semgrep failed (exit {code}): {detail}".rstrip(": "))
        findings, warnings = convert(data, self.rules, user_config_ids(self.configs),
                                     self.path_map)
        return SemgrepResult(findings=findings, warnings=warnings)

    async def run_async(self) -> SemgrepResult:
        """The same run in a worker thread; cancelling the awaiting task kills semgrep."""
        task = asyncio.get_running_loop().run_in_executor(None, self.run)
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            self.cancel()
            with contextlib.suppress(Exception):
                await task
            raise

    def _cleanup(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None


def run_semgrep(targets: Sequence[str | os.PathLike[str]], **kwargs: Any) -> SemgrepResult:
    """Run semgrep over files; see :class:`SemgrepRun` for the options."""
    return SemgrepRun(targets, **kwargs).run()


class BufferScan:
    """semgrep over an unsaved buffer: a temporary copy with the document's suffix.

    ``BufferScan(text, "/repo/app.py").run()`` reports findings with ``path`` set to the real
    document path. ``cancel()`` stops it from another thread.
    """

    def __init__(self, text: str | bytes, path: str | os.PathLike[str], **kwargs: Any) -> None:
        self.text = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        self.path = os.fspath(path)
        self.kwargs = kwargs
        self._run: SemgrepRun | None = None
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True
        if self._run is not None:
            self._run.cancel()

    def _make(self, tmp: str) -> SemgrepRun:
        name = Path(self.path).name or "buffer"
        copy_path = Path(tmp) / name
        copy_path.write_bytes(self.text)
        return SemgrepRun([copy_path], path_map={str(copy_path): self.path}, **self.kwargs)

    def run(self) -> SemgrepResult:
        with tempfile.TemporaryDirectory(prefix="tracemark-buffer-") as tmp:
            self._run = self._make(tmp)
            if self._cancelled:
                return SemgrepResult(cancelled=True)
            return self._run.run()

    async def run_async(self) -> SemgrepResult:
        with tempfile.TemporaryDirectory(prefix="tracemark-buffer-") as tmp:
            self._run = self._make(tmp)
            return await self._run.run_async()


def scan_buffer(text: str | bytes, path: str | os.PathLike[str], **kwargs: Any) -> SemgrepResult:
    return BufferScan(text, path, **kwargs).run()


# -- semgrep's own rule tests -----------------------------------------------------------------


def rule_test(rules: Iterable[Rule], fixtures: dict[str, list[Path]],
              timeout: float = 300.0) -> dict[str, Any]:
    """Run ``semgrep test`` once over every rule with its fixtures; semgrep's JSON verdict.

    Each rule is exported as ``<id>.yaml`` beside copies of its fixtures in a temporary folder
    (``semgrep test`` pairs them by name). ``semgrep test`` sends no metrics and runs no version
    check; the environment says so anyway.
    """
    binary = semgrep_binary()
    if binary is None:
        raise FileNotFoundError("semgrep is not installed")
    with tempfile.TemporaryDirectory(prefix="tracemark-semgrep-test-") as tmp:
        root = Path(tmp)
        for rule in rules:
            (root / f"{rule.id}.yaml").write_text(
                yaml.safe_dump({"rules": [semgrep_rule(rule, ignore_paths=True)]},
                               sort_keys=False),
                encoding="utf-8")
            for f in fixtures.get(rule.id, []):
                shutil.copyfile(f, root / f.name)
        proc = subprocess.run([binary, "test", "--json", str(root)], capture_output=True,
                              env=semgrep_env(), timeout=timeout, cwd=tmp)
        try:
            data = json.loads(proc.stdout.decode("utf-8", "replace"))
        except json.JSONDecodeError:
            raise RuntimeError(f"semgrep test failed (exit {proc.returncode}): "
                               f"{proc.stderr.decode('utf-8', 'replace')[-500:]}") from None
        return data


def rule_test_failures(data: dict[str, Any]) -> list[str]:
    """One line per rule that failed ``semgrep test`` (from its JSON)."""
    out = []
    for entry in (data.get("results") or {}).values():
        for rid, check in (entry.get("checks") or {}).items():
            if check.get("passed"):
                continue
            for target, m in (check.get("matches") or {}).items():
                exp, rep = set(m.get("expected_lines", [])), set(m.get("reported_lines", []))
                out.append(f"{Path(target).name} [semgrep test] {rid}: "
                           f"missed lines {sorted(exp - rep)}, unexpected {sorted(rep - exp)}")
            for err in check.get("errors") or []:
                out.append(f"{rid} [semgrep test]: {err}")
            if not check.get("matches") and not check.get("errors"):
                out.append(f"{rid} [semgrep test]: failed")
    for config in data.get("config_with_errors") or []:
        out.append(f"[semgrep test] config error: {config}")
    for config in data.get("config_missing_tests") or []:
        out.append(f"[semgrep test] no fixture for {config}")
    return out
