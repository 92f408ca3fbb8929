"""The rule file format: one YAML file per rule, validated by these pydantic models.

A rule says what is wrong (message, severity, CWE), how the fast engine finds it (a tree-sitter
query with predicates), how semgrep finds it (a semgrep rule body with the same id), and, where
the fix is unambiguous, how to fix it. See ``docs/rules.md`` for the format with examples.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tracemark.model import Severity

#: Rule ids: lower-case kebab-case with a language prefix (``py-``, ``js-``, ``docker-``...).
#: No dots: semgrep's test runner pairs ``<id>.yaml`` with ``<id>.<ext>`` by the first dot.
RULE_ID = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
CWE_ID = re.compile(r"^CWE-[1-9][0-9]*$")
PARAM_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

#: Keys a rule's ``semgrep:`` mapping may hold (id, message, severity, languages and metadata
#: are filled in from the rule itself on export).
SEMGREP_MATCH_KEYS = frozenset({
    "pattern", "patterns", "pattern-either", "pattern-regex", "pattern-not-regex",
    "mode", "pattern-sources", "pattern-sinks", "pattern-sanitizers", "pattern-propagators",
    "match", "taint",
})  # fmt: skip
SEMGREP_EXTRA_KEYS = frozenset({"languages", "options", "paths", "fix", "fix-regex", "min-version"})


class Confidence(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class FixSpec(BaseModel):
    """An unambiguous quick fix: replace or delete the node of one capture of the query.

    ``replace`` is a template: ``{{name}}`` expands to the text of capture ``@name``.
    ``delete`` removes the node, with one neighbouring comma when it sits in a list
    (``requests.get(url, verify=False)`` becomes ``requests.get(url)``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=3)
    capture: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_.-]*$")
    replace: str | None = None
    delete: bool = False

    @model_validator(mode="after")
    def _one_action(self) -> FixSpec:
        if (self.replace is None) == (not self.delete):
            raise ValueError("a fix needs exactly one of 'replace' or 'delete: true'")
        return self


class Parameter(BaseModel):
    """A value a project can tune in its policy file (an allow-list, a threshold...).

    Queries read it with the parameter predicates (``#param-any-of? @cap NAME`` ...); the semgrep
    rule reads it through ``{{params.NAME}}`` placeholders, expanded on export.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str
    default: list[str] | str | int | float | bool


class Paths(BaseModel):
    """File globs a rule is limited to (``.github/workflows/*.yml``); fixtures ignore them.

    A glob without ``/`` matches any path component (``tests`` excludes every ``tests/``
    folder); one with ``/`` matches the end of the path (``.github/workflows/*.yml``).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    include: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)

    def applies_to(self, path: str) -> bool:
        posix = path.replace("\\", "/")
        if self.include and not any(_glob_hit(posix, g) for g in self.include):
            return False
        return not any(_glob_hit(posix, g) for g in self.exclude)


def _glob_hit(path: str, glob: str) -> bool:
    from fnmatch import fnmatchcase

    glob = glob.strip("/")
    if "/" not in glob:
        return any(fnmatchcase(part, glob) for part in path.split("/"))
    return fnmatchcase(path, glob) or fnmatchcase(path, "*/" + glob)


class Rule(BaseModel):
    """One rule, as written in ``rules/<language>/<id>.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    message: str = Field(min_length=10)
    severity: Severity
    cwe: list[str] = Field(min_length=1)
    confidence: Confidence = Confidence.MEDIUM
    languages: list[str] = Field(min_length=1)
    #: A short category name shared by related rules (``command-injection``, ``secrets``...).
    category: str | None = None
    #: The tree-sitter query of the fast engine. ``@finding`` marks the node reported; helper
    #: captures start with ``_`` by convention.
    query: str = Field(min_length=3)
    #: The semgrep rule body for the deep tier (pattern keys, options, paths, fix).
    semgrep: dict[str, Any]
    fix: FixSpec | None = None
    #: Why the engines may disagree on some fixture lines (``todoruleid:`` / ``todook:``).
    known_difference: str | None = None
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    paths: Paths | None = None
    #: ``document``: the verdict depends on the whole file (no ``USER`` anywhere in a
    #: Dockerfile, no ``permissions:`` block in a workflow), so the editor runs the rule over
    #: the whole document after every edit instead of over the span's function or statement.
    context: Literal["local", "document"] = "local"
    #: A kind of document inside the language (``github-actions``, ``kubernetes``; see
    #: ``languages.DIALECTS``): the rule reports only in documents of that dialect.
    dialect: str | None = None
    references: list[str] = Field(default_factory=list)
    owasp: list[str] = Field(default_factory=list)

    # Set by the loader, not by rule authors.
    source_path: Path | None = Field(default=None, exclude=True)
    source_line: int = Field(default=1, exclude=True)
    query_line: int = Field(default=1, exclude=True)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not RULE_ID.match(v):
            raise ValueError(
                f"rule id {v!r} must be lower-case kebab-case with a language prefix, "
                "e.g. 'py-eval-injection' (no dots)"
            )
        return v

    @field_validator("cwe")
    @classmethod
    def _cwe(cls, v: list[str]) -> list[str]:
        for c in v:
            if not CWE_ID.match(c):
                raise ValueError(f"{c!r} is not a CWE id like 'CWE-78'")
        return v

    @field_validator("languages")
    @classmethod
    def _languages(cls, v: list[str]) -> list[str]:
        from tracemark.rules.languages import LANGUAGES

        for lang in v:
            if lang not in LANGUAGES:
                raise ValueError(f"unknown language {lang!r} (known: {', '.join(LANGUAGES)})")
        return v

    @field_validator("semgrep")
    @classmethod
    def _semgrep(cls, v: dict[str, Any]) -> dict[str, Any]:
        unknown = set(v) - SEMGREP_MATCH_KEYS - SEMGREP_EXTRA_KEYS
        if unknown:
            raise ValueError(
                f"unexpected key(s) {', '.join(sorted(unknown))} (id, message, "
                "severity and metadata come from the rule itself)"
            )
        if not set(v) & SEMGREP_MATCH_KEYS:
            raise ValueError("needs a pattern, patterns, pattern-either, "
                             "pattern-regex or taint mode")
        return v

    @field_validator("parameters")
    @classmethod
    def _params(cls, v: dict[str, Parameter]) -> dict[str, Parameter]:
        for name in v:
            if not PARAM_NAME.match(name):
                raise ValueError(f"parameter name {name!r} must be snake_case")
        return v

    @model_validator(mode="after")
    def _dialect(self) -> Rule:
        if self.dialect is None:
            return self
        from tracemark.rules.languages import DIALECTS

        dialect = DIALECTS.get(self.dialect)
        if dialect is None:
            raise ValueError(f"dialect: unknown dialect {self.dialect!r} "
                             f"(known: {', '.join(DIALECTS)})")
        if dialect.language not in self.languages:
            raise ValueError(f"dialect: {self.dialect!r} is a {dialect.language} dialect; "
                             f"the rule's languages are {', '.join(self.languages)}")
        return self

    def applies_to(self, path: str | None, source: bytes | str | None = None) -> bool:
        """The rule reports in this file: its ``paths`` and its dialect (path and content)."""
        if path is not None and self.paths is not None and not self.paths.applies_to(path):
            return False
        if self.dialect is not None:
            from tracemark.rules.languages import DIALECTS

            dialect = DIALECTS[self.dialect]
            if path is None and source is None:
                return True
            return dialect.matches(path, source, check_paths=path is not None)
        return True

    @model_validator(mode="after")
    def _query_has_finding(self) -> Rule:
        if not re.search(r"@finding\b", self.query):
            raise ValueError("query: needs a '@finding' capture (the node to report)")
        if self.fix is not None and not re.search(rf"@{re.escape(self.fix.capture)}\b",
                                                  self.query):
            raise ValueError(f"fix: capture '@{self.fix.capture}' is not in the query")
        return self

    @property
    def cwe_numbers(self) -> list[int]:
        return [int(c.split("-", 1)[1]) for c in self.cwe]

    @property
    def help_uri(self) -> str:
        """The page of the rule's first CWE (used for LSP ``codeDescription`` and SARIF)."""
        return f"https://cwe.mitre.org/data/definitions/{self.cwe_numbers[0]}.html"

    def parameter_values(self, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
        """The rule's parameters: defaults, replaced by ``overrides`` (from a policy file)."""
        values = {name: p.default for name, p in self.parameters.items()}
        for name, value in (overrides or {}).items():
            if name not in self.parameters:
                raise ValueError(f"rule {self.id} has no parameter {name!r}")
            values[name] = value
        return values

