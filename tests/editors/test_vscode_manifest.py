"""VS Code extension (issue 10): the settings its package.json declares for the server are the
server's settings, with the server's defaults (the extension passes the ``tracemark`` section
through ``workspace/configuration``). VS Code itself cannot run here; the extension's own unit
tests run with node:test in ``make vscode``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tracemark.lsp.config import Settings, describe, parse_settings

MANIFEST = Path(__file__).resolve().parents[2] / "editors" / "vscode" / "package.json"
CLIENT_ONLY = {"server.command", "capture.inlineCompletions", "capture.tool", "capture.model"}


def _flatten(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in d.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _declared() -> dict[str, Any]:
    props = json.loads(MANIFEST.read_text())["contributes"]["configuration"]["properties"]
    return {k.removeprefix("tracemark."): v for k, v in props.items()}


def test_manifest_declares_every_server_setting_with_its_default() -> None:
    server = _flatten(describe(Settings()))
    declared = _declared()
    server_side = {k: v for k, v in declared.items() if k not in CLIENT_ONLY}
    assert set(server_side) == set(server), "package.json and the server disagree on settings"
    for key, default in server.items():
        assert server_side[key]["default"] == default, key


def test_settings_as_vscode_sends_them_parse_cleanly() -> None:
    """What VS Code answers for the ``tracemark`` section (client keys included) is accepted
    by the server without a warning."""
    section: dict[str, Any] = {}
    for key, prop in _declared().items():
        node = section
        *parents, leaf = key.split(".")
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = prop["default"]
    settings, warnings = parse_settings(section)
    assert warnings == []
    assert settings == Settings()
