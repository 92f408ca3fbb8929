"""What the rule pack covers (issues 4 and 12), and that TypeScript, TSX and half-typed code
are exercised: every vulnerability class in both languages where it exists there, the
telemetry-integrity rules grouped by category, TypeScript fixtures for every JS rule, and
findings that survive an unfinished function typed after them."""

from __future__ import annotations

import pytest

from tracemark.rules.engine import DocumentChecker, Engine
from tracemark.rules.fixtures import fixture_files, parse_annotations
from tracemark.rules.languages import for_path
from tracemark.rules.loader import default_rules

PACK = default_rules()

#: Issue 4's classes -> (Python rules, JavaScript/TypeScript rules). ``()`` where the class does
#: not exist in that language (prototype pollution is JavaScript's; Flask/Django debug mode and
#: render_template_string / "|safe" are Python's).
ISSUE_4_CLASSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "command injection": (("py-os-system", "py-subprocess-shell", "py-asyncio-shell"),
                          ("js-child-process-exec", "js-child-process-shell")),
    "eval/exec/new Function/vm": (("py-eval-injection",),
                                  ("js-eval-injection", "js-implied-eval",
                                   "js-non-literal-require")),
    "SQL built by formatting or concatenation": (("py-sql-format", "py-sql-string-built"),
                                                 ("js-sql-injection", "js-sql-string-built")),
    "unsafe deserialization": (("py-pickle-load", "py-yaml-load", "py-marshal-load",
                                "py-jsonpickle-decode", "py-torch-load"),
                               ("js-unsafe-deserialization",)),
    "path traversal from request data": (("py-path-traversal-request", "py-tarfile-extractall"),
                                         ("js-path-traversal-request",
                                          "js-non-literal-fs-path")),
    "XSS sinks": (("py-render-template-string", "py-template-safe-filter", "py-markup-unsafe",
                   "py-jinja-autoescape-off", "py-reflected-xss"),
                  ("js-inner-html", "js-dangerously-set-inner-html", "js-reflected-xss")),
    "AWS keys": (("py-aws-access-key",), ("js-aws-access-key",)),
    "GitHub tokens": (("py-github-token",), ("js-github-token",)),
    "Slack tokens": (("py-slack-token",), ("js-slack-token",)),
    "cloud AI provider keys": (("py-ai-api-key",), ("js-ai-api-key",)),
    "private keys": (("py-private-key",), ("js-private-key",)),
    "secret-named high-entropy strings": (("py-hardcoded-secret", "py-hardcoded-password"),
                                          ("js-hardcoded-secret", "js-hardcoded-password",
                                           "js-hardcoded-signing-secret")),
    "weak hashes": (("py-weak-hash", "py-weak-password-hash"), ("js-weak-hash",)),
    "weak ciphers": (("py-weak-cipher", "py-ecb-mode", "py-weak-rsa-key"),
                     ("js-weak-cipher", "js-deprecated-crypto-cipher")),
    "insecure randomness": (("py-insecure-random",), ("js-insecure-random",)),
    "TLS verification disabled": (("py-tls-verify-disabled", "py-ssl-unverified-context",
                                   "py-tls-verify-env", "py-ssl-old-protocol"),
                                  ("js-tls-reject-unauthorized", "js-node-tls-reject-env",
                                   "js-weak-tls-version")),
    "XXE": (("py-xxe-parser",), ("js-xxe",)),
    "open redirect": (("py-open-redirect",), ("js-open-redirect",)),
    "SSRF": (("py-ssrf-request",), ("js-ssrf",)),
    "insecure temp files": (("py-insecure-tempfile", "py-hardcoded-tmp-path"),
                            ("js-insecure-tempfile",)),
    "world-writable permissions": (("py-world-writable",), ("js-world-writable",)),
    "debug mode": (("py-flask-debug", "py-django-debug"), ()),
    "ReDoS-prone regexes": (("py-redos",), ("js-redos", "js-regexp-dynamic")),
    "insecure cookies": (("py-insecure-cookie",), ("js-insecure-cookie",)),
    "JWT without verification": (("py-jwt-no-verify",), ("js-jwt-no-verify",)),
    "CORS * with credentials": (("py-cors-wildcard-credentials",),
                                ("js-cors-wildcard-credentials",)),
    "prototype pollution": ((), ("js-prototype-pollution",)),
    "deprecated or removed APIs": (("py-ssl-wrap-socket", "py-removed-stdlib-module"),
                                   ("js-new-buffer", "js-buffer-noassert",
                                    "js-deprecated-crypto-cipher")),
    "timing-unsafe secret comparison": (("py-timing-unsafe-compare",),
                                        ("js-timing-unsafe-compare",)),
}

#: Issue 12's first bullet -> rules (Python, JavaScript/TypeScript, configuration).
ISSUE_12_CLASSES: dict[str, tuple[str, ...]] = {
    "logging disabled or level raised": ("py-logging-disabled", "js-console-silenced",
                                         "js-logger-silenced"),
    "exceptions swallowed": ("py-exception-swallowed", "js-empty-catch"),
    "audit or security logging muted": ("py-audit-log-muted", "js-audit-log-muted"),
    "tracing and metrics switched off": ("py-otel-disabled", "js-otel-disabled",
                                         "yaml-otel-disabled", "docker-otel-disabled"),
    "secrets written to logs": ("py-secret-in-log", "js-secret-in-log"),
    "log injection (CWE-117)": ("py-log-injection", "js-log-injection"),
    "error details returned to clients (CWE-209)": ("py-error-details-to-client",
                                                    "js-error-details-to-client"),
}


@pytest.mark.parametrize("cls", sorted(ISSUE_4_CLASSES))
def test_issue_4_class_is_covered_in_both_languages(cls: str) -> None:
    python, js = ISSUE_4_CLASSES[cls]
    assert python or js
    for rid in python:
        rule = PACK.get(rid)
        assert rule is not None and "python" in rule.languages, rid
    for rid in js:
        rule = PACK.get(rid)
        assert rule is not None and "javascript" in rule.languages, rid
        assert {"typescript", "tsx"} & set(rule.languages), f"{rid} must also check TypeScript"


@pytest.mark.parametrize("cls", sorted(ISSUE_12_CLASSES))
def test_issue_12_telemetry_rules_exist_with_category_severity_and_cwe(cls: str) -> None:
    ids = ISSUE_12_CLASSES[cls]
    langs: set[str] = set()
    for rid in ids:
        rule = PACK.get(rid)
        assert rule is not None, rid
        assert rule.category == "telemetry-integrity", rid
        assert rule.cwe and rule.severity, rid
        langs |= set(rule.languages)
    assert {"python", "javascript", "typescript"} <= langs, cls


def test_telemetry_cwes_are_the_ones_the_issue_names() -> None:
    assert "CWE-117" in PACK.get("py-log-injection").cwe
    assert "CWE-117" in PACK.get("js-log-injection").cwe
    assert "CWE-209" in PACK.get("py-error-details-to-client").cwe
    assert "CWE-209" in PACK.get("js-error-details-to-client").cwe
    assert "CWE-532" in PACK.get("js-secret-in-log").cwe


def test_every_python_and_js_rule_has_a_category_so_reports_can_group_them() -> None:
    missing = [r.id for r in PACK if r.id.startswith(("py-", "js-")) and not r.category]
    assert missing == []


JS_RULES = sorted(r.id for r in PACK if "javascript" in r.languages)


@pytest.mark.parametrize("rule_id", JS_RULES)
def test_js_rule_is_exercised_by_a_typescript_or_tsx_fixture(rule_id: str) -> None:
    """TypeScript adds node types (as-expressions, non-null assertions, type annotations): a
    JavaScript rule must be shown to find its pattern in a .ts or .tsx fixture too."""
    rule = PACK.get(rule_id)
    exts = {p.suffix for p in fixture_files(rule)}
    assert exts & {".ts", ".tsx"}, f"{rule_id}: no .ts/.tsx fixture"
    for fx in fixture_files(rule):
        if fx.suffix in (".ts", ".tsx"):
            assert parse_annotations(fx.read_text()).fast_expected(rule_id), fx.name


def test_jsx_rules_have_tsx_fixtures() -> None:
    tsx = [r.id for r in PACK if any(p.suffix == ".tsx" for p in fixture_files(r))]
    assert "js-dangerously-set-inner-html" in tsx and "js-inner-html" in tsx


HALF_TYPED = {
    "python": "def later(x):\n    value = compute(x,",
    "javascript": "function later(x) {\n  const value = compute(x,",
    "typescript": "function later(x: number) {\n  const value: number = compute(x,",
    "tsx": "function Later(x) {\n  return <div className=",
    "yaml": "extra:\n  key: [",
    "dockerfile": "RUN apt-get install \\",
    "hcl": 'resource "aws_instance" "later" {\n  ami = ',
    "json": '{"later": [',
    "toml": "[later\nkey = ",
    "requirements": "later-package[extra",
}


@pytest.mark.parametrize("rule_id", sorted(r.id for r in PACK))
def test_findings_survive_a_half_typed_function_after_them(rule_id: str,
                                                           pack_engine: Engine) -> None:
    """The fast tier runs while code is typed: an unfinished function at the end of the file
    (a syntax error) must not hide or invent findings in the code above it."""
    rule = PACK.get(rule_id)
    for fx in fixture_files(rule):
        lang = for_path(fx).name
        text = fx.read_text(encoding="utf-8")
        src = (text.rstrip("\n") + "\n" + HALF_TYPED[lang]).encode()
        chk = DocumentChecker(lang, src, engine=pack_engine)
        assert chk.has_errors, fx.name
        got = {f.start.line + 1 for f in chk.check() if f.rule_id == rule_id}
        assert got == parse_annotations(text).fast_expected(rule_id), fx.name


def _type(chk: DocumentChecker, text: bytes) -> None:
    for i in range(len(text)):
        old = chk.source
        chk.update(old + text[i:i + 1])


@pytest.mark.parametrize(("language", "prefix", "typed", "rule_id"), [
    ("typescript", b'import { exec } from "child_process";\nexport function f(cmd: string) {\n  ',
     b"exec(`tar czf out.tgz ${cmd}`)", "js-child-process-exec"),
    ("tsx", b"export function C({ html }: { html: string }) {\n  return ",
     b"<div dangerouslySetInnerHTML={{ __html: html }} />", "js-dangerously-set-inner-html"),
    ("javascript", b"function f(el, user) {\n  ",
     b"el.innerHTML = `<b>${user.name}</b>`", "js-inner-html"),
    ("python", b"import logging\n\ndef f():\n    ", b"logging.disable(logging.CRITICAL)",
     "py-logging-disabled"),
])
def test_typing_a_vulnerable_line_character_by_character(
    language: str, prefix: bytes, typed: bytes, rule_id: str, pack_engine: Engine
) -> None:
    """Every keystroke is an incremental edit of one tree, checked as the editor does; the
    unfinished states in between are syntax errors that must not break the checker, and the
    finding is there once the line is complete."""
    chk = DocumentChecker(language, prefix, engine=pack_engine)
    for i in range(len(typed)):
        _type(chk, typed[i:i + 1])
        chk.check([(len(prefix), len(chk.source))])
        if i == len(typed) // 2:
            assert chk.has_errors  # half a line is not valid code
    found = [f.rule_id for f in chk.check([(len(prefix), len(chk.source))])]
    assert rule_id in found
