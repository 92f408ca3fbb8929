"""The dependencies that AI lines added, as a CycloneDX 1.6 JSON BOM.

For a vulnerability scanner downstream (Dependency-Track, Grype, Trivy read CycloneDX): one
``library`` component per package, identified by its purl, with tracemark's provenance
(tool, model, commit, manifest line) as ``properties`` in the ``tracemark:`` namespace.
Written by hand (a dict) rather than with cyclonedx-python-lib, which would bring five runtime
dependencies for a dozen fields; the tests validate it against the official 1.6 schema that
library ships.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from tracemark import __version__
from tracemark.gate.report import VerifyReport

SPEC_VERSION = "1.6"


def render_cyclonedx(report: VerifyReport, *, now: datetime | None = None) -> dict[str, Any]:
    components: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for d in report.dependencies:
        props = [
            {"name": "tracemark:commit", "value": d.commit},
            {"name": "tracemark:manifest", "value": f"{d.path}:{d.line}"},
            {"name": "tracemark:tool", "value": d.tool or "unknown"},
            {"name": "tracemark:reviewed", "value": "true" if d.reviewed else "false"},
        ]
        if d.model:
            props.append({"name": "tracemark:model", "value": d.model})
        if d.version:
            props.append({"name": "tracemark:versionSpec", "value": d.version})
        ref = f"{d.purl}#{d.path}"
        if ref in seen:  # declared again in a later commit: one component, every place
            seen[ref]["properties"].extend(props)
            continue
        comp: dict[str, Any] = {"type": "library", "bom-ref": ref, "name": d.name,
                                "purl": d.purl, "properties": props}
        if d.name.startswith("@") and "/" in d.name:
            comp["group"], comp["name"] = d.name.split("/", 1)
        exact = d.purl.rpartition("@")[2] if "@" in d.purl.split("/")[-1] else None
        if exact:
            comp["version"] = exact
        seen[ref] = comp
        components.append(comp)
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": f"urn:uuid:{uuid.uuid4()}",
        "version": 1,
        "metadata": {
            "timestamp": stamp,
            "tools": {"components": [{"type": "application", "name": "tracemark",
                                      "version": __version__}]},
            "properties": [{"name": "tracemark:range", "value": report.spec},
                           {"name": "tracemark:head", "value": report.head or ""},
                           {"name": "tracemark:scope",
                            "value": "dependencies added by AI-written lines"}],
        },
        "components": components,
    }
