"""The project policy file, ``.tracemark/policy.yaml``: read by the editor, ``scan`` and the gate.

One file says what a project decides about the rules (which are off, how severe, the values of
their parameters such as the approved base images, per path) and, in the gate's sections, what
fails CI. It is validated by pydantic with ``extra="forbid"`` everywhere, so a typo is an
error, and every mistake is reported as one line ``FILE:LINE: dotted.field.path: reason``
(the line of the YAML node that is wrong). See ``docs/policy.md``.

This module imports only ``model``, ``errors``, ``yamlpos``, pydantic and yaml. Whether a rule
id or a parameter name exists is checked when the caller passes the rules it knows
(``known_rules=``), as :func:`tracemark.rules.project.engine_for_project` does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from tracemark.errors import InputError
from tracemark.model import Severity
from tracemark.yamlpos import YamlProblem, compose_and_load, line_of

POLICY_FILES = (".tracemark/policy.yaml", ".tracemark/policy.yml")

#: Rule ids as the rules schema spells them (kebab-case with a language prefix).
_RULE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")

#: ``{rule id: {parameter name: default value}}``: what the caller's rule set declares.
KnownRules = Mapping[str, Mapping[str, Any]]
ParameterValue = list[str] | str | int | float | bool


# -- globs ------------------------------------------------------------------------------------


def glob_problem(glob: str) -> str | None:
    """Why ``glob`` is not a usable path glob, or ``None``."""
    if not glob.strip():
        return "an empty glob matches nothing"
    if glob.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", glob):
        return f"{glob!r} is absolute; globs are relative to the repository root"
    if "\\" in glob:
        return f"{glob!r} contains a backslash; use / between folders"
    if any(part == ".." for part in glob.split("/")):
        return f"{glob!r} leaves the repository (..)"
    depth = 0
    for c in glob:
        if c == "[":
            depth += 1
        elif c == "]" and depth:
            depth -= 1
    if depth:
        return f"{glob!r} has an unclosed '['"
    if re.search(r"[^/]\*\*|\*\*[^/]", glob):
        return f"{glob!r}: '**' must be a whole path part (src/**/test_*.py)"
    return None


@cache
def glob_regex(glob: str) -> re.Pattern[str]:
    """gitignore-style glob → regex over a root-relative POSIX path.

    ``*`` and ``?`` stay inside one folder, ``**`` crosses folders, ``[...]`` is a class; a
    glob without ``/`` matches a file or folder name at any depth (``*.tf``, ``Dockerfile``);
    a glob that names a folder also covers everything under it. Hand-written because
    ``fnmatch`` lets ``*`` cross ``/`` and ``PurePath.full_match`` needs Python 3.13.
    """
    g = glob.strip().removeprefix("./")
    anchored = "/" in g.rstrip("/")
    g = g.rstrip("/")
    out, i = [], 0
    while i < len(g):
        c = g[i]
        if g.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if g.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = g.find("]", i + 1)
            body = g[i + 1:end].replace("\\", "\\\\")
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append(f"[{body}]")
            i = end + 1
            continue
        else:
            out.append(re.escape(c))
        i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"^{prefix}{''.join(out)}(?:/.*)?$")


def path_matches(path: str, globs: Sequence[str]) -> bool:
    posix = path.replace("\\", "/").removeprefix("./")
    return any(glob_regex(g).match(posix) for g in globs)


# -- the models -------------------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _known(info: ValidationInfo) -> KnownRules | None:
    ctx = info.context or {}
    return ctx.get("known_rules")


class RuleChoices(_Strict):
    """``rules:``: turn rules off and on, and change their severities."""

    disable: list[str] = Field(default_factory=list)
    enable: list[str] = Field(default_factory=list)
    severity: dict[str, Severity] = Field(default_factory=dict)

    @field_validator("disable", "enable")
    @classmethod
    def _ids(cls, v: list[str], info: ValidationInfo) -> list[str]:
        for i, rid in enumerate(v):
            _check_rule_id(rid, info, f"{i}")
        return v

    @field_validator("severity")
    @classmethod
    def _severity_ids(cls, v: dict[str, Severity], info: ValidationInfo) -> dict[str, Severity]:
        for rid in v:
            _check_rule_id(rid, info, rid)
        return v


def _check_rule_id(rid: str, info: ValidationInfo, where: str) -> None:
    if not _RULE_ID.match(rid):
        raise ValueError(f"[{where}] {rid!r} is not a rule id (kebab-case, like docker-sudo)")
    known = _known(info)
    if known is not None and rid not in known:
        close = _closest(rid, known)
        hint = f"; did you mean {close!r}?" if close else ""
        raise ValueError(f"[{where}] no rule {rid!r}{hint}")


def _closest(name: str, choices: Mapping[str, Any] | Sequence[str]) -> str | None:
    import difflib

    found = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.75)
    return found[0] if found else None


def _check_parameters(v: dict[str, ParameterValue], info: ValidationInfo
                      ) -> dict[str, ParameterValue]:
    known = _known(info)
    if known is None:
        return v
    declared: dict[str, Any] = {}
    for params in known.values():
        for pname, default in params.items():
            declared.setdefault(pname, default)
    for name, value in v.items():
        if name not in declared:
            close = _closest(name, sorted(declared))
            hint = f"; did you mean {close!r}?" if close else ""
            raise ValueError(f"[{name}] no rule has a parameter {name!r}{hint}")
        default = declared[name]
        if isinstance(default, list) and not isinstance(value, list):
            raise ValueError(f"[{name}] must be a list (e.g. {default[:2]!r}), "
                             f"not {type(value).__name__}")
        if not isinstance(default, list) and isinstance(value, list):
            raise ValueError(f"[{name}] must be a single {type(default).__name__}, not a list")
    return v


class Scope(_Strict):
    """``scopes:`` entry: rule choices and parameters for some paths (later entries win)."""

    paths: list[str] = Field(min_length=1)
    rules: RuleChoices = Field(default_factory=RuleChoices)
    parameters: dict[str, ParameterValue] = Field(default_factory=dict)

    @field_validator("paths")
    @classmethod
    def _globs(cls, v: list[str]) -> list[str]:
        for i, g in enumerate(v):
            problem = glob_problem(g)
            if problem:
                raise ValueError(f"[{i}] {problem}")
        return v

    @field_validator("parameters")
    @classmethod
    def _params(cls, v: dict[str, ParameterValue], info: ValidationInfo
                ) -> dict[str, ParameterValue]:
        return _check_parameters(v, info)

    def applies_to(self, path: str) -> bool:
        return path_matches(path, self.paths)


# -- the gate's sections (issue 8) -----------------------------------------------------------

#: What a finding on AI lines does: fail the gate, fail unless the lines carry a signed review
#: mark (``kind: reviewed`` in the record), or only appear in the report.
FindingAction = Literal["block", "review", "report"]


def _check_globs(v: list[str]) -> list[str]:
    for i, g in enumerate(v):
        problem = glob_problem(g)
        if problem:
            raise ValueError(f"[{i}] {problem}")
    return v


class AttestationPolicy(_Strict):
    """``attestation:``: which commits must carry a valid provenance record.

    A commit "needs" attestation when ``required`` is true, or when it adds lines under one of
    ``paths``. A merge commit that adds no line of its own (a clean merge) never needs one.
    Invalid records fail whatever this says (DESIGN.md's default policy).
    """

    required: StrictBool = False
    paths: list[str] = Field(default_factory=list)

    @field_validator("paths")
    @classmethod
    def _globs(cls, v: list[str]) -> list[str]:
        return _check_globs(v)

    def needed_for(self, paths: Sequence[str]) -> bool:
        return self.required or any(path_matches(p, self.paths) for p in paths)


class SigstoreIdentity(_Strict):
    """A Sigstore signer the gate accepts: certificate identity and OIDC issuer."""

    identity: str = Field(min_length=1)
    issuer: str = Field(min_length=1)
    #: A ``ClientTrustConfig`` JSON (a private Sigstore instance); relative to the repository.
    trust_config: str | None = None

    @field_validator("issuer")
    @classmethod
    def _issuer(cls, v: str) -> str:
        # http only on this machine (a private Sigstore instance under test).
        if not re.match(r"^(https://[^/\s]+|http://(127\.0\.0\.1|localhost|\[::1\])[:/]?)", v):
            raise ValueError(f"{v!r} is not an https:// issuer URL "
                             "(e.g. https://token.actions.githubusercontent.com)")
        return v


class SignersPolicy(_Strict):
    """``signers:``: whose signatures count. Without it, git's configuration decides
    (``tracemark.allowedSignersFile`` / ``gpg.ssh.allowedSignersFile``)."""

    #: An OpenSSH allowed-signers file, relative to the repository root (or absolute).
    allowed_signers: str | None = None
    sigstore: list[SigstoreIdentity] = Field(default_factory=list)

    @field_validator("allowed_signers")
    @classmethod
    def _file(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("an empty path names no file")
        return v


class FindingActions(_Strict):
    """``ai.findings:``: what a finding on AI lines does, per severity."""

    error: FindingAction = "block"
    warning: FindingAction = "review"
    info: FindingAction = "report"

    def for_severity(self, severity: Severity | str) -> FindingAction:
        return getattr(self, Severity(severity).value)


class AIPolicy(_Strict):
    """``ai:``: what the gate accepts of AI-written code."""

    findings: FindingActions = Field(default_factory=FindingActions)
    #: AI lines here need a signed review mark (``tracemark mark --reviewed``).
    review_paths: list[str] = Field(default_factory=list)
    #: AI lines are not accepted here at all, reviewed or not.
    forbidden_paths: list[str] = Field(default_factory=list)
    #: Allowed tools and models (name globs, ``claude-*``); absent: any.
    tools: list[str] | None = None
    models: list[str] | None = None
    #: The largest share of AI lines among the lines a change adds (0.4 or "40%").
    max_share: float | None = None
    #: Dependencies that AI lines add to a manifest (requirements, pyproject, package.json).
    dependencies: FindingAction = "report"

    @field_validator("review_paths", "forbidden_paths")
    @classmethod
    def _globs(cls, v: list[str]) -> list[str]:
        return _check_globs(v)

    @field_validator("tools", "models")
    @classmethod
    def _names(cls, v: list[str] | None) -> list[str] | None:
        for i, name in enumerate(v or []):
            if not isinstance(name, str) or not name.strip():
                raise ValueError(f"[{i}] an empty name matches nothing")
        return v

    @field_validator("max_share", mode="before")
    @classmethod
    def _share(cls, v: Any) -> Any:
        if isinstance(v, bool):
            raise ValueError("a share is a number from 0 to 1, or a percentage like '40%'")
        if isinstance(v, str):
            text = v.strip()
            try:
                v = float(text[:-1]) / 100 if text.endswith("%") else float(text)
            except ValueError:
                raise ValueError(f"{text!r} is not a share (0.4 or '40%')") from None
        if isinstance(v, int | float) and not 0 <= v <= 1:
            raise ValueError(f"{v!r} is outside 0..1 (a share; write '40%' or 0.4)")
        return v

    def tool_allowed(self, tool: str) -> bool:
        return self.tools is None or _name_matches(tool, self.tools)

    def model_allowed(self, model: str | None) -> bool:
        if self.models is None:
            return True
        return model is not None and _name_matches(model, self.models)


def _name_matches(name: str, globs: Sequence[str]) -> bool:
    import fnmatch

    return any(fnmatch.fnmatchcase(name.lower(), g.lower()) for g in globs)


class Policy(_Strict):
    """A project's policy; ``Policy()`` is the default (no file)."""

    version: Literal[1] = 1
    # -- the rules side (issue 5) --
    rules: RuleChoices = Field(default_factory=RuleChoices)
    #: Values for rule parameters, by name, for every rule that declares that name.
    parameters: dict[str, ParameterValue] = Field(default_factory=dict)
    scopes: list[Scope] = Field(default_factory=list)
    #: Ask the package registries whether dependency names exist (off: nothing goes online).
    registry_check: StrictBool = False
    # -- the gate side (issue 8): what ``tracemark verify`` fails on --
    attestation: AttestationPolicy = Field(default_factory=lambda: AttestationPolicy())
    signers: SignersPolicy = Field(default_factory=lambda: SignersPolicy())
    ai: AIPolicy = Field(default_factory=lambda: AIPolicy())

    @field_validator("parameters")
    @classmethod
    def _params(cls, v: dict[str, ParameterValue], info: ValidationInfo
                ) -> dict[str, ParameterValue]:
        return _check_parameters(v, info)

    def decisions_for(self, path: str | None) -> PathDecisions:
        """The rule choices for one root-relative path: the top level, then matching scopes."""
        out = PathDecisions()
        out.apply(self.rules, self.parameters)
        if path is not None:
            for scope in self.scopes:
                if scope.applies_to(path):
                    out.apply(scope.rules, scope.parameters)
        return out


@dataclass
class PathDecisions:
    """What the policy decides for one path, rule ids and parameter names not yet resolved."""

    disabled: set[str] = field(default_factory=set)
    severity: dict[str, Severity] = field(default_factory=dict)
    parameters: dict[str, ParameterValue] = field(default_factory=dict)

    def apply(self, choices: RuleChoices, parameters: Mapping[str, ParameterValue]) -> None:
        self.disabled |= set(choices.disable)
        self.disabled -= set(choices.enable)
        self.severity.update(choices.severity)
        self.parameters.update(parameters)


# -- loading ----------------------------------------------------------------------------------


def find_policy(root: Path) -> Path | None:
    """The policy file of the repository at ``root``, if it has one."""
    for name in POLICY_FILES:
        candidate = Path(root) / name
        if candidate.is_file():
            return candidate
    return None


def policy_for(root: Path, explicit: Path | None = None, *,
               known_rules: KnownRules | None = None) -> Policy:
    """The policy for ``root``: ``explicit`` if given, else its file, else the defaults."""
    path = Path(explicit) if explicit is not None else find_policy(Path(root))
    if path is None:
        return Policy()
    return load_policy(path, known_rules=known_rules)


def load_policy(path: Path, *, known_rules: KnownRules | None = None) -> Policy:
    """Read and validate a policy file; any mistake is one ``InputError`` line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such policy file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: cannot read the policy file: {err}") from None
    return parse_policy(text, str(path), known_rules=known_rules)


def parse_policy(text: str, name: str = "<policy>", *,
                 known_rules: KnownRules | None = None) -> Policy:
    try:
        node, data = compose_and_load(text)
    except YamlProblem as err:
        raise InputError(f"{name}:{err.line}: invalid YAML: {err.reason}") from None
    if data is None:
        return Policy()
    if not isinstance(data, dict):
        raise InputError(f"{name}:1: a policy file is a YAML mapping (version, rules, ...)")
    try:
        return Policy.model_validate(data, context={"known_rules": known_rules})
    except ValidationError as err:
        first = err.errors()[0]
        loc = list(first.get("loc", ()))
        msg = str(first.get("msg", "invalid")).removeprefix("Value error, ")
        # A validator names the item it refused as "[key] reason": make it part of the path.
        m = re.match(r"^\[([^\]]+)\] (.*)$", msg, re.S)
        if m:
            item = m.group(1)
            loc.append(int(item) if item.isdigit() else item)
            msg = m.group(2)
        if first.get("type") == "extra_forbidden":
            msg = f"unknown key {loc[-1]!r}" + _key_hint(loc)
        elif first.get("type") == "literal_error" and loc == ["version"]:
            msg = "unsupported policy version (this tracemark reads version 1)"
        dotted = ".".join(str(p) for p in loc) or "(policy)"
        start = node.start_mark.line + 1 if node is not None else 1
        raise InputError(f"{name}:{line_of(node, loc, start)}: {dotted}: {msg}") from None


def _key_hint(loc: list[Any]) -> str:
    """``; did you mean 'disable'?`` for a misspelt key, from the model at that place."""
    model: Any = Policy
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fld = getattr(model, "model_fields", {}).get(str(part))
        if fld is None:
            return ""
        ann = fld.annotation
        args = getattr(ann, "__args__", ())
        model = next((a for a in (ann, *args) if isinstance(a, type) and
                      issubclass(a, BaseModel)), None)
        if model is None:
            return ""
    fields = list(getattr(model, "model_fields", {}))
    close = _closest(str(loc[-1]), fields)
    return f"; did you mean {close!r}?" if close else f" (known: {', '.join(fields)})"
