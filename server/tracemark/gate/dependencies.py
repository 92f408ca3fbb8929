"""Dependencies that AI lines add to a manifest, with a package URL (purl) each.

Manifests: ``requirements*.txt`` (and ``requirements/*.txt``), ``pyproject.toml`` (PEP 621
``dependencies`` and ``optional-dependencies``, PEP 735 ``dependency-groups``, build
requirements, Poetry's dependency tables) and ``package.json`` (``dependencies``, ``dev-``,
``optional-``, ``peerDependencies``). A dependency counts as added by AI when the line that
declares it is an attested AI line of the commit. The whole file is parsed (``tomllib``,
``json``, ``packaging``) to know what is a dependency; the line only says who wrote it.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import PurePosixPath

from packageurl import PackageURL

_REQ_NAME = re.compile(r"^requirements.*\.(txt|in)$")
_QUOTED = re.compile(r"""(["'])(.+?)\1""")
_TOML_KEY = re.compile(r"""^\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)["']?\s*=""")
_JSON_PAIR = re.compile(r'^\s*"((?:@[^"/]+/)?[^"@/][^"]*)"\s*:\s*"([^"]*)"')
_NPM_SECTIONS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")


@dataclass(frozen=True)
class Declared:
    """One dependency declared on one line."""

    ecosystem: str
    name: str
    version: str | None
    line: int  # 1-based

    @property
    def purl(self) -> str:
        """``pkg:pypi/requests@2.31.0``; the version only when it is pinned exactly."""
        exact = _exact_version(self.ecosystem, self.version)
        if self.ecosystem == "npm" and self.name.startswith("@"):
            ns, _, name = self.name.partition("/")
            return PackageURL(type="npm", namespace=ns, name=name, version=exact).to_string()
        return PackageURL(type=self.ecosystem, name=self.name, version=exact).to_string()


def _exact_version(ecosystem: str, spec: str | None) -> str | None:
    if not spec:
        return None
    s = spec.strip()
    if ecosystem == "pypi":
        m = re.fullmatch(r"===?\s*([A-Za-z0-9.+!_-]+)", s)
        return m.group(1) if m and "*" not in m.group(1) else None
    m = re.fullmatch(r"=?v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)", s)
    return m.group(1) if m else None


def manifest_kind(path: str) -> str | None:
    """``requirements``, ``pyproject`` or ``package.json`` for a manifest path, else ``None``."""
    p = PurePosixPath(path)
    if p.name == "pyproject.toml":
        return "pyproject"
    if p.name == "package.json":
        return "package.json"
    if _REQ_NAME.match(p.name) or (p.parent.name == "requirements" and p.suffix in (".txt",
                                                                                   ".in")):
        return "requirements"
    return None


def _pep508(text: str, line: int) -> Declared | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        req = Requirement(text)
    except InvalidRequirement:
        return None
    spec = str(req.specifier) or None
    return Declared("pypi", req.name, spec, line)


def _requirements(text: str, lines: set[int]) -> list[Declared]:
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        if n not in lines:
            continue
        body = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not body or body.startswith("-"):
            continue  # options (-r, -e, --index-url) name no package here
        found = _pep508(body, n)
        if found is not None:
            out.append(found)
    return out


def _pyproject(text: str, lines: set[int]) -> list[Declared]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    strings: set[str] = set()
    project = data.get("project") or {}
    strings.update(s for s in project.get("dependencies") or [] if isinstance(s, str))
    for group in (project.get("optional-dependencies") or {}).values():
        strings.update(s for s in group or [] if isinstance(s, str))
    for group in (data.get("dependency-groups") or {}).values():
        strings.update(s for s in group or [] if isinstance(s, str))
    strings.update(s for s in (data.get("build-system") or {}).get("requires") or []
                   if isinstance(s, str))
    poetry = ((data.get("tool") or {}).get("poetry") or {})
    poetry_tables = [poetry.get("dependencies") or {}, poetry.get("dev-dependencies") or {}]
    for group in (poetry.get("group") or {}).values():
        poetry_tables.append((group or {}).get("dependencies") or {})
    poetry_deps = {k: v for t in poetry_tables for k, v in t.items() if k.lower() != "python"}
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        if n not in lines:
            continue
        for _q, value in _QUOTED.findall(raw):
            if value in strings:
                found = _pep508(value, n)
                if found is not None:
                    out.append(found)
        m = _TOML_KEY.match(raw)
        if m and m.group(1) in poetry_deps:
            spec = poetry_deps[m.group(1)]
            version = spec if isinstance(spec, str) else (spec or {}).get("version")
            if isinstance(version, str) and re.fullmatch(r"\d[\w.+!-]*", version):
                version = f"=={version}"  # a bare Poetry version is an exact pin
            out.append(Declared("pypi", m.group(1), version, n))
    return out


def _package_json(text: str, lines: set[int]) -> list[Declared]:
    try:
        data = json.loads(text)
    except ValueError:
        return []
    if not isinstance(data, dict):
        return []
    deps: dict[str, str] = {}
    for section in _NPM_SECTIONS:
        table = data.get(section)
        if isinstance(table, dict):
            deps.update({k: v for k, v in table.items() if isinstance(v, str)})
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        if n not in lines:
            continue
        m = _JSON_PAIR.match(raw)
        if m and m.group(1) in deps:
            out.append(Declared("npm", m.group(1), m.group(2) or None, n))
    return out


def declared_on_lines(path: str, content: bytes, lines: set[int]) -> list[Declared]:
    """Dependencies that ``lines`` (1-based) of the manifest ``path`` declare."""
    kind = manifest_kind(path)
    if kind is None or not lines:
        return []
    text = content.decode("utf-8", "replace")
    if kind == "requirements":
        return _requirements(text, lines)
    if kind == "pyproject":
        return _pyproject(text, lines)
    return _package_json(text, lines)
