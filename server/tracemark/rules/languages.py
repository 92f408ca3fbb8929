"""The language table: grammars, file names, LSP language ids, semgrep names and context nodes.

Adding a language is one ``LanguageSpec`` entry in ``LANGUAGES``. Grammars are imported on first
use only (``LanguageSpec.language()``), so importing this module costs nothing and a CLI that
scans only Python files never loads the TypeScript grammar.
"""

from __future__ import annotations

import fnmatch
import importlib
import os
import re
import warnings
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from tree_sitter import Language, Node


@dataclass(frozen=True)
class LanguageSpec:
    """Everything tracemark needs to know about one language."""

    name: str
    #: The grammar wheel's module and the function in it that returns the language pointer.
    grammar: tuple[str, str]
    #: File name suffixes (with the dot, lower case) that select this language.
    extensions: tuple[str, ...] = ()
    #: Whole file names or globs (matched on the base name) that select this language.
    filenames: tuple[str, ...] = ()
    #: LSP ``languageId`` values that select this language.
    language_ids: tuple[str, ...] = ()
    #: semgrep's name for the language (``None``: semgrep has none; rules use ``generic``).
    semgrep: str | None = None
    #: Line comment prefix used by fixture annotations (``# ruleid: ...``).
    comment: str = "#"
    #: Node types that are a self-contained context for the rules: functions and methods.
    scope_types: frozenset[str] = field(default_factory=frozenset)
    #: Node types whose children are the top-level units (statements) of a context;
    #: ``"block<class_definition"`` means a ``block`` whose parent is a ``class_definition``.
    unit_parents: frozenset[str] = field(default_factory=frozenset)
    #: Wrapper node types that belong to the scope they wrap (decorators, export statements).
    scope_wrappers: frozenset[str] = field(default_factory=frozenset)
    #: The extension fixtures for this language use (``<rule-id>.<ext>``).
    fixture_ext: str = ""

    def language(self) -> Language:
        """The tree-sitter ``Language``, loaded on first use and cached."""
        return _load_language(self.grammar)

    def matches_path(self, path: str | os.PathLike[str]) -> bool:
        name = PurePath(path).name
        lower = name.lower()
        if any(lower.endswith(ext) for ext in self.extensions):
            return True
        return any(fnmatch.fnmatchcase(name, pat) for pat in self.filenames)

    def context_node(self, node: Node) -> Node:
        """The node a rule needs around ``node``: its function, else its top-level statement."""
        cur: Node | None = node
        while cur is not None:
            if cur.type in self.scope_types:
                parent = cur.parent
                while parent is not None and parent.type in self.scope_wrappers:
                    cur, parent = parent, parent.parent
                return cur
            cur = cur.parent
        unit = node
        while unit.parent is not None and not self._is_unit_parent(unit.parent):
            unit = unit.parent
        return unit

    def _is_unit_parent(self, node: Node) -> bool:
        if node.type in self.unit_parents:
            return True
        parent = node.parent
        return parent is not None and f"{node.type}<{parent.type}" in self.unit_parents


@cache
def _load_language(grammar: tuple[str, str]) -> Language:
    from tree_sitter import Language

    module = importlib.import_module(grammar[0])
    with warnings.catch_warnings():
        # Grammars built for ABI 14 hand over an int; py-tree-sitter 0.25+ warns but loads them.
        warnings.simplefilter("ignore", DeprecationWarning)
        return Language(getattr(module, grammar[1])())


_PY_SCOPES = frozenset({"function_definition"})
_JS_SCOPES = frozenset({
    "function_declaration", "function_expression", "arrow_function", "method_definition",
    "generator_function_declaration", "generator_function", "function",
})  # fmt: skip
_JS_UNITS = frozenset({"program", "class_body"})

LANGUAGES: dict[str, LanguageSpec] = {
    spec.name: spec
    for spec in (
        LanguageSpec(
            "python", ("tree_sitter_python", "language"), (".py", ".pyi", ".pyw"),
            language_ids=("python",), semgrep="python", comment="#",
            scope_types=_PY_SCOPES, unit_parents=frozenset({"module", "block<class_definition"}),
            scope_wrappers=frozenset({"decorated_definition"}), fixture_ext=".py",
        ),
        LanguageSpec(
            "javascript", ("tree_sitter_javascript", "language"), (".js", ".mjs", ".cjs", ".jsx"),
            language_ids=("javascript", "javascriptreact"), semgrep="javascript", comment="//",
            scope_types=_JS_SCOPES, unit_parents=_JS_UNITS,
            scope_wrappers=frozenset({"export_statement"}), fixture_ext=".js",
        ),
        LanguageSpec(
            "typescript", ("tree_sitter_typescript", "language_typescript"),
            (".ts", ".mts", ".cts"), language_ids=("typescript",), semgrep="typescript",
            comment="//", scope_types=_JS_SCOPES, unit_parents=_JS_UNITS,
            scope_wrappers=frozenset({"export_statement"}), fixture_ext=".ts",
        ),
        LanguageSpec(
            "tsx", ("tree_sitter_typescript", "language_tsx"), (".tsx",),
            language_ids=("typescriptreact",), semgrep="typescript", comment="//",
            scope_types=_JS_SCOPES, unit_parents=_JS_UNITS,
            scope_wrappers=frozenset({"export_statement"}), fixture_ext=".tsx",
        ),
        LanguageSpec(
            "yaml", ("tree_sitter_yaml", "language"), (".yaml", ".yml"),
            language_ids=("yaml", "github-actions-workflow"), semgrep="yaml", comment="#",
            unit_parents=frozenset({"stream"}), fixture_ext=".test.yaml",
        ),
        LanguageSpec(
            "hcl", ("tree_sitter_hcl", "language"), (".tf", ".hcl", ".tfvars"),
            language_ids=("terraform", "hcl", "terraform-vars"), semgrep="hcl", comment="#",
            unit_parents=frozenset({"body"}), fixture_ext=".tf",
        ),
        LanguageSpec(
            "dockerfile", ("tree_sitter_dockerfile", "language"), (".dockerfile",),
            filenames=("Dockerfile", "Dockerfile.*", "*.Dockerfile", "Containerfile",
                       "Containerfile.*"),
            language_ids=("dockerfile",), semgrep="dockerfile", comment="#",
            unit_parents=frozenset({"source_file"}), fixture_ext=".dockerfile",
        ),
        LanguageSpec(
            "json", ("tree_sitter_json", "language"), (".json",),
            language_ids=("json", "jsonc"), semgrep="json", comment="//",
            unit_parents=frozenset({"document"}), fixture_ext=".json",
        ),
        LanguageSpec(
            "toml", ("tree_sitter_toml", "language"), (".toml",), language_ids=("toml",),
            semgrep=None, comment="#", unit_parents=frozenset({"document"}),
            fixture_ext=".toml",
        ),
        # pip requirements files (tree-sitter-requirements); semgrep has no parser for them,
        # so their rules' semgrep side uses ``languages: [generic]`` with regexes.
        LanguageSpec(
            "requirements", ("tree_sitter_requirements", "language"), (),
            filenames=("requirements*.txt", "*-requirements.txt", "*_requirements.txt",
                       "*.requirements.txt", "requirements*.in", "constraints*.txt"),
            language_ids=("pip-requirements", "requirements"), semgrep=None, comment="#",
            unit_parents=frozenset({"file"}), fixture_ext=".requirements.txt",
        ),
    )
}


@dataclass(frozen=True)
class Dialect:
    """A kind of document inside one language, told apart by its path and content.

    GitHub Actions workflows and Kubernetes manifests are both YAML; a rule names its dialect
    (``dialect: kubernetes``) so that it only reports in such documents. ``paths`` are globs in
    the ``Paths`` sense (a glob with ``/`` matches the end of the path); ``content`` regexes
    must all be found in the document (its first 256 KiB). Fixtures ignore ``paths`` (they do
    not live in ``.github/workflows``), exactly as they ignore a rule's own ``paths``.
    """

    name: str
    language: str
    paths: tuple[str, ...] = ()
    content: tuple[str, ...] = ()
    description: str = ""

    def matches(self, path: str | os.PathLike[str] | None, source: bytes | str | None,
                *, check_paths: bool = True) -> bool:
        if check_paths and self.paths:
            if path is None:
                return False
            from tracemark.rules.schema import Paths

            if not Paths(include=list(self.paths)).applies_to(os.fspath(path)):
                return False
        if self.content:
            if source is None:
                return False
            text = source[:_DIALECT_SCAN] if isinstance(source, str) else \
                source[:_DIALECT_SCAN].decode("utf-8", "replace")
            return all(_dialect_re(p).search(text) for p in self.content)
        return True


_DIALECT_SCAN = 256 * 1024


@cache
def _dialect_re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.M)


DIALECTS: dict[str, Dialect] = {
    d.name: d
    for d in (
        Dialect("github-actions", "yaml",
                paths=(".github/workflows/*.yml", ".github/workflows/*.yaml"),
                description="GitHub Actions workflow files (.github/workflows/*.yml)"),
        Dialect("kubernetes", "yaml",
                content=(r"^[ \t]*apiVersion:[ \t]*\S", r"^[ \t]*kind:[ \t]*\S"),
                description="Kubernetes manifests (documents with apiVersion and kind)"),
        Dialect("package-json", "json", paths=("package.json",),
                description="npm package manifests (package.json)"),
        Dialect("pyproject", "toml", paths=("pyproject.toml",),
                description="Python project metadata (pyproject.toml)"),
    )
}


def dialects_for(path: str | os.PathLike[str] | None, source: bytes | str | None
                 ) -> set[str]:
    """The dialects a document belongs to (``{"kubernetes"}``, ``set()``)."""
    spec = for_path(path) if path is not None else None
    return {d.name for d in DIALECTS.values()
            if (spec is None or spec.name == d.language) and d.matches(path, source)}


def get(name: str) -> LanguageSpec:
    """The spec for a language name; ``KeyError`` with the known names otherwise."""
    try:
        return LANGUAGES[name]
    except KeyError:
        raise KeyError(f"unknown language {name!r} (known: {', '.join(LANGUAGES)})") from None


def for_path(path: str | os.PathLike[str]) -> LanguageSpec | None:
    """The language of a file, from its name; ``None`` when no rules apply to it."""
    for spec in LANGUAGES.values():
        if spec.matches_path(path):
            return spec
    return None


def for_language_id(language_id: str) -> LanguageSpec | None:
    """The language for an LSP ``languageId`` (``python``, ``typescriptreact``, ...)."""
    for spec in LANGUAGES.values():
        if language_id == spec.name or language_id in spec.language_ids:
            return spec
    return None
