"""What a project's policy decides for one file: rules turned off, severities, parameter values.

The engine takes a function ``path -> RuleSettings`` (built from the policy file by
:mod:`tracemark.rules.project`), so the editor, ``tracemark scan`` and the CI gate apply the
same decisions. This module knows nothing about the policy file itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tracemark.model import Finding, Severity


@dataclass(frozen=True)
class RuleSettings:
    """The effective rule decisions for one file."""

    #: Rule ids that report nothing in this file.
    disabled: frozenset[str] = frozenset()
    #: Severity per rule id, replacing the rule's own.
    severity: Mapping[str, Severity] = field(default_factory=dict)
    #: Parameter values per rule id (``{"docker-base-image-unapproved": {...}}``).
    parameters: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def enabled(self, rule_id: str) -> bool:
        return rule_id not in self.disabled

    def apply(self, findings: Iterable[Finding]) -> list[Finding]:
        """Drop findings of disabled rules; give the others their overridden severity."""
        out = []
        for f in findings:
            if f.rule_id in self.disabled:
                continue
            sev = self.severity.get(f.rule_id)
            out.append(f if sev is None or sev == f.severity
                       else f.model_copy(update={"severity": sev}))
        return out

    def parameters_key(self) -> str:
        """A stable key of the parameter values (packs are cached per key)."""
        import json

        return json.dumps({k: dict(v) for k, v in sorted(self.parameters.items())},
                          sort_keys=True, default=str)


#: No policy: every rule on, its own severity, its default parameters.
DEFAULT = RuleSettings()

SettingsFor = Callable[[str | None], RuleSettings]
