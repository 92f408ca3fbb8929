"""Finding and loading rule files; a broken file is refused with its file, line and reason.

Loading is schema-level only (no grammar is touched): query compilation happens per language in
the engine, which reports broken queries the same way (``RuleError``) and keeps the others.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from tracemark.rules.schema import Rule

# yaml, pydantic and the rule schema are imported where files are read: finding the rule files
# and unpickling a cached RuleSet (the commit hook) need neither.

RULE_SUFFIXES = (".yaml", ".yml")
#: Fixtures for YAML rules are named ``<id>.test.yaml`` so they cannot be taken for rules.
FIXTURE_INFIX = ".test."


@dataclass(frozen=True)
class RuleError:
    """Why one rule file was refused: printed as ``file:line: reason``."""

    path: Path | None
    line: int
    reason: str
    rule_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.path else f"<rule {self.rule_id}>:{self.line}"
        return f"{where}: {self.reason}"


@dataclass
class RuleSet:
    """The rules that loaded, and the errors of those that did not."""

    rules: list[Rule] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_id = {r.id: r for r in self.rules}

    def __len__(self) -> int:
        return len(self.rules)

    def __iter__(self):
        return iter(self.rules)

    def get(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def ids(self) -> set[str]:
        return set(self._by_id)

    def for_language(self, language: str) -> list[Rule]:
        return [r for r in self.rules if language in r.languages]

    def languages(self) -> set[str]:
        return {lang for r in self.rules for lang in r.languages}

    def add(self, rule: Rule) -> None:
        self.rules.append(rule)
        self._by_id[rule.id] = rule

    def extend(self, other: RuleSet) -> RuleSet:
        """Rules of ``other`` are added; a duplicate id is an error, the first one kept."""
        for rule in other.rules:
            if rule.id in self._by_id:
                first = self._by_id[rule.id]
                self.errors.append(RuleError(
                    rule.source_path, rule.source_line,
                    f"duplicate rule id {rule.id!r} (already defined in {first.source_path})",
                    rule.id,
                ))
            else:
                self.add(rule)
        self.errors.extend(other.errors)
        return self


def packaged_rules_dir(package: Path | None = None) -> Path:
    """The rules shipped with tracemark, in a wheel (``tracemark/_rules``) or a checkout.

    A wheel force-includes the repository's ``rules/`` as ``tracemark/_rules``; an editable
    install or a source checkout has them at ``<repo>/rules`` beside ``server/tracemark``.
    """
    package = package or Path(__file__).resolve().parent.parent
    for candidate in (package / "_rules", package.parent.parent / "rules"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"tracemark's rules are missing (looked in {package / '_rules'} "
                            f"and {package.parent.parent / 'rules'})")


def is_rule_file(path: Path) -> bool:
    name = path.name
    return name.endswith(RULE_SUFFIXES) and FIXTURE_INFIX not in name and not name.startswith(".")


def rule_files(root: Path) -> list[Path]:
    """Rule files under ``root`` (a folder, searched recursively, or one file)."""
    if root.is_file():
        return [root]
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        out.extend(Path(dirpath) / f for f in sorted(filenames) if is_rule_file(Path(f)))
    return out


def load_rule_file(path: Path) -> Rule | RuleError:
    """Parse and validate one rule file."""
    from pydantic import ValidationError

    from tracemark.rules.schema import Rule
    from tracemark.yamlpos import YamlProblem, compose_and_load, line_of, value_line

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        return RuleError(path, 1, f"cannot read rule file: {err}")
    try:
        node, data = compose_and_load(text)
    except YamlProblem as err:
        return RuleError(path, err.line, f"invalid YAML: {err.reason}")
    if not isinstance(data, dict):
        return RuleError(path, 1, "a rule file must be a YAML mapping (id, message, ...)")
    rule_id = data.get("id") if isinstance(data.get("id"), str) else None
    try:
        rule = Rule.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = first.get("loc", ())
        where = ".".join(str(p) for p in loc)
        msg = first.get("msg", "invalid")
        msg = msg.removeprefix("Value error, ")
        reason = f"{where}: {msg}" if where else msg
        return RuleError(path, line_of(node, loc), reason, rule_id)
    if path.stem != rule.id:
        return RuleError(path, line_of(node, ("id",)),
                         f"rule id {rule.id!r} must match its file name ({path.name})", rule.id)
    return rule.model_copy(update={
        "source_path": path,
        "source_line": 1,
        "query_line": value_line(node, "query"),
    })


def load_rules(paths: Iterable[str | os.PathLike[str]] = (), *, packaged: bool = True) -> RuleSet:
    """Rules from the packaged pack (unless ``packaged=False``) and from ``paths``."""
    roots: list[Path] = [packaged_rules_dir()] if packaged else []
    roots.extend(Path(p) for p in paths)
    result = RuleSet()
    for root in roots:
        if not root.exists():
            result.errors.append(RuleError(root, 1, "no such rules file or folder"))
            continue
        loaded = RuleSet()
        for f in rule_files(root):
            item = load_rule_file(f)
            if isinstance(item, RuleError):
                loaded.errors.append(item)
            else:
                loaded.extend(RuleSet([item]))
        result.extend(loaded)
    return result


@cache
def default_rules() -> RuleSet:
    """The packaged rules, loaded once per process."""
    return load_rules()


def rules_from_sources(sources: Sequence[tuple[str, str]]) -> RuleSet:
    """Rules from ``(name, yaml text)`` pairs (tests and tools that build rules in memory)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        for name, text in sources:
            (Path(tmp) / name).write_text(text, encoding="utf-8")
        result = load_rules([tmp], packaged=False)
    return result
