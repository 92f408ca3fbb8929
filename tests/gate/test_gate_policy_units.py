"""Issue 8: the gate's policy sections (validation with FILE:LINE: field.path errors, defaults
equal to DESIGN.md's default policy) and reading dependencies off manifest lines."""

from __future__ import annotations

import pytest

from tracemark.errors import InputError
from tracemark.gate.dependencies import declared_on_lines, manifest_kind
from tracemark.policy import Policy, parse_policy


def test_default_policy_is_designs() -> None:
    p = Policy()
    assert p.attestation.required is False and p.attestation.paths == []
    assert (p.ai.findings.error, p.ai.findings.warning, p.ai.findings.info) == (
        "block", "review", "report")
    assert p.ai.dependencies == "report" and p.ai.max_share is None
    assert p.ai.tool_allowed("anything") and p.ai.model_allowed(None)


def test_gate_sections_parse() -> None:
    p = parse_policy("""\
attestation:
  required: true
  paths: [src/**]
signers:
  allowed_signers: .tracemark/allowed_signers
  sigstore:
    - identity: dev@example.com
      issuer: https://accounts.example.com
ai:
  findings: {warning: report}
  review_paths: [".github/workflows/**"]
  forbidden_paths: [crypto/]
  tools: [copilot]
  models: ["gpt-4*"]
  max_share: 40%
  dependencies: block
""")
    assert p.attestation.needed_for(["README.md"]) is True
    assert p.signers.sigstore[0].issuer == "https://accounts.example.com"
    assert p.ai.max_share == pytest.approx(0.4)
    assert p.ai.findings.for_severity("warning") == "report"
    assert p.ai.model_allowed("gpt-4.1") and not p.ai.model_allowed("claude-3")
    assert not p.ai.model_allowed(None)
    assert p.ai.tool_allowed("Copilot") and not p.ai.tool_allowed("cursor")


@pytest.mark.parametrize(("text", "error"), [
    ("ai:\n  max_share: 140%\n", "p.yaml:2: ai.max_share: 1.4 is outside 0..1"),
    ("ai:\n  max_share: lots\n", "p.yaml:2: ai.max_share: 'lots' is not a share"),
    ("ai:\n  findings:\n    eror: block\n",
     "p.yaml:3: ai.findings.eror: unknown key 'eror'; did you mean 'error'?"),
    ("ai:\n  findings:\n    error: fail\n",
     "p.yaml:3: ai.findings.error: Input should be 'block', 'review' or 'report'"),
    ("ai:\n  review_paths: ['a/**b']\n", "p.yaml:2: ai.review_paths.0: 'a/**b': '**' must"),
    ("ai:\n  tools: ['']\n", "p.yaml:2: ai.tools.0: an empty name matches nothing"),
    ("signers:\n  sigstore:\n    - identity: a\n      issuer: http://x\n",
     "p.yaml:4: signers.sigstore.0.issuer: 'http://x' is not an https:// issuer URL"),
    ("signers:\n  allowed_signer: x\n",
     "p.yaml:2: signers.allowed_signer: unknown key 'allowed_signer'; did you mean "
     "'allowed_signers'?"),
    ("attestation:\n  required: maybe\n", "p.yaml:2: attestation.required: Input should be"),
    ("attestation:\n  paths: [/etc]\n", "p.yaml:2: attestation.paths.0: '/etc' is absolute"),
])
def test_gate_section_mistakes_are_one_line(text: str, error: str) -> None:
    with pytest.raises(InputError) as info:
        parse_policy(text, "p.yaml")
    assert str(info.value).startswith(error), str(info.value)
    assert "\n" not in str(info.value)


def test_dependencies_on_the_given_lines_only() -> None:
    req = b"flask==3.0\n# comment\n-r base.txt\nrequests[socks]>=2 ; python_version>'3'\n"
    got = declared_on_lines("requirements-dev.txt", req, {1, 2, 3, 4})
    assert [(d.name, d.version, d.purl) for d in got] == [
        ("flask", "==3.0", "pkg:pypi/flask@3.0"), ("requests", ">=2", "pkg:pypi/requests")]
    assert declared_on_lines("requirements.txt", req, {2, 3}) == []
    poetry = b'[tool.poetry.dependencies]\npython = "^3.11"\nDjango = "4.2.1"\n'
    got = declared_on_lines("pyproject.toml", poetry, {2, 3})
    assert [(d.name, d.purl) for d in got] == [("Django", "pkg:pypi/django@4.2.1")]
    assert declared_on_lines("pyproject.toml", b"not = [toml", {1}) == []
    assert manifest_kind("requirements/prod.txt") == "requirements"
    assert manifest_kind("src/app.py") is None
