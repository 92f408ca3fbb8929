"""Issue 5, the optional registry check: off by default (no request at all), and with
``registry_check: true`` it says whether a near-miss name exists, asked of a local double of
the PyPI and npm JSON APIs on 127.0.0.1 (never the real registries)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from support import tracemark

pytestmark = pytest.mark.network_double

EXISTING = {"/pypi/colourama/json", "/npm/expres"}


class _Registry(BaseHTTPRequestHandler):
    requests: ClassVar[list[str]] = []

    def do_GET(self) -> None:  # http.server's name for the GET handler
        _Registry.requests.append(self.path)
        code = 200 if self.path in EXISTING else 404
        body = b"{}" if code == 200 else b'{"message": "Not Found"}'
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def registry():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Registry.requests = []
    base = f"http://127.0.0.1:{server.server_address[1]}"
    yield {"TRACEMARK_PYPI_URL": base + "/pypi/{name}/json",
           "TRACEMARK_NPM_URL": base + "/npm/{name}"}
    server.shutdown()
    server.server_close()
    thread.join(5)


def _project(repo):
    (repo / "requirements.txt").write_text("reqeusts==2.32.3\ncolourama==0.4.6\n")
    (repo / "package.json").write_text(json.dumps({"dependencies": {"expres": "^4.0.0"}}))


def _messages(proc) -> dict[str, str]:
    return {f"{f['path']}:{f['line']}": f["message"]
            for f in json.loads(proc.stdout)["findings"] if f["rule_id"].endswith("typosquat")}


def test_off_by_default_makes_no_request(repo, registry):
    _project(repo)
    msgs = _messages(tracemark("scan", "--format", "json", ".", cwd=repo, env=registry))
    assert set(msgs) == {"requirements.txt:1", "requirements.txt:2", "package.json:1"}
    assert not any("Registry check" in m for m in msgs.values())
    assert _Registry.requests == []


def test_on_says_whether_each_near_miss_exists(repo, registry):
    _project(repo)
    (repo / ".tracemark").mkdir()
    (repo / ".tracemark" / "policy.yaml").write_text("version: 1\nregistry_check: true\n")
    msgs = _messages(tracemark("scan", "--format", "json", ".", cwd=repo, env=registry))
    assert "'reqeusts' does not exist on PyPI, so it was most likely made up" in \
        msgs["requirements.txt:1"]
    assert "'colourama' exists on PyPI" in msgs["requirements.txt:2"]
    assert "'expres' exists on npm" in msgs["package.json:1"]
    assert sorted(_Registry.requests) == ["/npm/expres", "/pypi/colourama/json",
                                          "/pypi/reqeusts/json"]


def test_unreachable_registry_keeps_the_findings_with_one_line(repo):
    _project(repo)
    (repo / ".tracemark").mkdir()
    (repo / ".tracemark" / "policy.yaml").write_text("version: 1\nregistry_check: true\n")
    env = {"TRACEMARK_PYPI_URL": "http://127.0.0.1:9/pypi/{name}/json",
           "TRACEMARK_NPM_URL": "http://127.0.0.1:9/npm/{name}"}
    proc = tracemark("scan", "--format", "json", ".", cwd=repo, env=env)
    assert proc.returncode == 1
    assert len(_messages(proc)) == 3
    lines = [ln for ln in proc.stderr.splitlines() if "registry check" in ln]
    assert len(lines) == 1 and "findings kept without it" in lines[0]
