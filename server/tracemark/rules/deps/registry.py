"""The optional registry check (policy ``registry_check: true``; off by default).

The dependency rules work offline. With the check on, ``tracemark scan`` asks the package
registry about each name a typosquat rule reported, and says in the finding whether the name
exists at all: a name that does not exist was most likely made up (an AI hallucination that an
attacker could register next), one that exists is a real package to compare with the popular
one. Nothing else in tracemark touches the network for this; tests point the URLs at a local
double (``TRACEMARK_PYPI_URL``, ``TRACEMARK_NPM_URL``: templates with ``{name}``).
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field

from tracemark.model import Finding

URLS = {
    "pypi": "https://pypi.org/pypi/{name}/json",
    "npm": "https://registry.npmjs.org/{name}",
}
NAMES = {"pypi": "PyPI", "npm": "npm"}


@dataclass
class RegistryClient:
    """``exists(name, ecosystem)``: ``True``/``False``, or ``None`` when the registry could not
    be asked (no network, timeout); the reason is kept in ``errors``."""

    urls: dict[str, str] = field(default_factory=lambda: {
        "pypi": os.environ.get("TRACEMARK_PYPI_URL", URLS["pypi"]),
        "npm": os.environ.get("TRACEMARK_NPM_URL", URLS["npm"]),
    })
    timeout: float = 5.0
    errors: list[str] = field(default_factory=list)
    _cache: dict[tuple[str, str], bool | None] = field(default_factory=dict)

    def exists(self, name: str, ecosystem: str) -> bool | None:
        key = (ecosystem, name.lower())
        if key in self._cache:
            return self._cache[key]
        url = self.urls[ecosystem].format(name=urllib.parse.quote(name, safe="@"))
        request = urllib.request.Request(url, method="GET",
                                         headers={"User-Agent": "tracemark-registry-check"})
        verdict: bool | None
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as resp:
                verdict = 200 <= resp.status < 300
        except urllib.error.HTTPError as err:
            verdict = False if err.code == 404 else None
            if verdict is None:
                self.errors.append(f"{url}: HTTP {err.code}")
        except (urllib.error.URLError, OSError) as err:
            verdict = None
            self.errors.append(f"{url}: {getattr(err, 'reason', err)}")
        self._cache[key] = verdict
        return verdict


def annotate(findings: Iterable[Finding], texts: dict[str, bytes],
             client: RegistryClient) -> list[Finding]:
    """Typosquat findings with what the registry says about the name; others unchanged."""
    from tracemark.rules.deps import package_name

    out = []
    for f in findings:
        if not f.rule_id.endswith("-typosquat"):
            out.append(f)
            continue
        eco = "npm" if f.rule_id.startswith("deps-npm-") else "pypi"
        source = texts.get(f.path or "", b"")
        name = package_name(source[f.start_byte:f.end_byte].decode("utf-8", "replace"))
        verdict = client.exists(name, eco) if name else None
        where = NAMES[eco]
        note = {
            False: f" Registry check: {name!r} does not exist on {where}, so it was most "
                   "likely made up; anyone could register it.",
            True: f" Registry check: {name!r} exists on {where}; make sure it is the package "
                  "you meant.",
            None: "",
        }[verdict]
        out.append(f.model_copy(update={"message": f.message + note}) if note else f)
    return out
