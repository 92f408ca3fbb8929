"""Package names: the bundled popularity lists, near misses, and deprecated packages.

A dependency is *probably typosquatted or hallucinated* when its name is not among the
most-downloaded names of its ecosystem (``KNOWN_SIZE`` of them, bundled in ``data/``) but is
one edit away (insert, delete, replace, or swap two neighbouring characters) from one of the
``TARGET_SIZE`` most-downloaded names: ``reqeusts`` → ``requests``, ``crossenv`` →
``cross-env``. Short names (under ``MIN_TARGET_LENGTH`` characters) are not targets: they
have too many legitimate neighbours (``six``, ``mock``). A scoped npm name is never a near
miss of a name in the same scope (only the scope's owner can publish there).

Everything here is offline. The lists are read once per process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

#: Names bundled per ecosystem: the "well known" ones, never reported.
KNOWN_SIZE = 10_000
#: The most-downloaded names that near misses are measured against.
TARGET_SIZE = {"pypi": 2_000, "npm": 2_500}
MIN_TARGET_LENGTH = 5
ECOSYSTEMS = ("pypi", "npm")

_PEP503 = re.compile(r"[-_.]+")


def normalize(name: str, ecosystem: str) -> str:
    """PyPI: PEP 503 (``Python_DateUtil`` → ``python-dateutil``); npm: lower case."""
    name = name.strip()
    if ecosystem == "pypi":
        return _PEP503.sub("-", name).lower()
    return name.lower()


def one_edit_apart(a: str, b: str) -> bool:
    """Optimal-string-alignment distance exactly 1 (insert, delete, replace, swap)."""
    if a == b:
        return False
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return (len(diff) == 2 and diff[1] == diff[0] + 1
                and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1:] for i in range(len(word))} | {word}


def _scope(name: str) -> str | None:
    return name.split("/", 1)[0] if name.startswith("@") and "/" in name else None


@dataclass
class NameIndex:
    """The well-known names of one ecosystem and a delete-neighbourhood index of the targets.

    Looking a name up costs ``len(name)`` dictionary probes (symmetric deletes), not a scan of
    the list.
    """

    ranked: list[str]
    ecosystem: str
    target_size: int | None = None
    known: set[str] = field(init=False)
    targets: list[str] = field(init=False)
    _index: dict[str, set[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.known = set(self.ranked)
        size = self.target_size or TARGET_SIZE[self.ecosystem]
        self.targets = [t for t in self.ranked[:size] if len(t) >= MIN_TARGET_LENGTH]
        self._index = {}
        for t in self.targets:
            for d in _deletes(t):
                self._index.setdefault(d, set()).add(t)

    def near_misses(self, name: str) -> list[str]:
        """Popular names one edit away from ``name`` (empty when it is itself well known)."""
        name = normalize(name, self.ecosystem)
        if not name or name in self.known:
            return []
        found: set[str] = set()
        for d in _deletes(name):
            found |= self._index.get(d, set())
        scope = _scope(name)
        hits = [t for t in found if one_edit_apart(name, t)
                and (scope is None or _scope(t) != scope)]
        rank = {t: i for i, t in enumerate(self.targets)}
        return sorted(hits, key=lambda t: rank[t])


def _data_lines(filename: str) -> list[str]:
    text = resources.files("tracemark.rules.deps").joinpath("data", filename).read_text(
        encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@cache
def index(ecosystem: str) -> NameIndex:
    """The bundled index of an ecosystem (``pypi`` or ``npm``), loaded once."""
    if ecosystem not in ECOSYSTEMS:
        raise ValueError(f"unknown ecosystem {ecosystem!r} (known: {', '.join(ECOSYSTEMS)})")
    return NameIndex(_data_lines(f"top-{ecosystem}.txt"), ecosystem)


@dataclass(frozen=True)
class Deprecated:
    name: str
    replacement: str
    reason: str


@cache
def deprecated(ecosystem: str) -> dict[str, Deprecated]:
    """The bundled deprecated packages of an ecosystem, by normalized name."""
    out: dict[str, Deprecated] = {}
    for line in _data_lines(f"deprecated-{ecosystem}.tsv"):
        name, replacement, reason = (line.split("\t") + ["", ""])[:3]
        key = normalize(name, ecosystem)
        out[key] = Deprecated(key, replacement.strip(), reason.strip())
    return out


def typosquat_target(name: str, ecosystem: str, allowed: list[str] | tuple[str, ...] = ()
                     ) -> str | None:
    """The popular name ``name`` is probably a typo, typosquat or hallucination of, if any."""
    if normalize(name, ecosystem) in {normalize(a, ecosystem) for a in allowed}:
        return None
    hits = index(ecosystem).near_misses(name)
    return hits[0] if hits else None


# -- the same decisions as regexes, for the semgrep tier ----------------------------------


#: semgrep has no edit-distance operator: its rule matches the one-edit neighbours of this
#: many top names, spelled out as regexes (the fast tier measures against TARGET_SIZE). They
#: come in SEMGREP_PARTS regexes because PCRE refuses one regex that large.
SEMGREP_TARGETS = 100
SEMGREP_PARTS = 5


def _literal(text: str, ecosystem: str) -> str:
    out = re.escape(text)
    if ecosystem == "pypi":  # PEP 503: -, _ and . are the same (normalized names use -)
        out = out.replace(r"\-", "[-_.]")
    return out


def _neighbour_tokens(target: str, ecosystem: str) -> list[tuple[str, ...]]:
    """The one-edit neighbours of ``target`` as token sequences (a literal char, or ``.``/``.?``
    for the edited position)."""
    def lit(text: str) -> tuple[str, ...]:
        return tuple(_literal(c, ecosystem) for c in text)

    out = []
    for i in range(len(target)):
        out.append(lit(target[:i]) + (".?",) + lit(target[i + 1:]))  # replace or delete
    for i in range(len(target) + 1):
        out.append(lit(target[:i]) + (".",) + lit(target[i:]))  # insert
    for i in range(len(target) - 1):
        if target[i] != target[i + 1]:  # swap
            out.append(lit(target[:i] + target[i + 1] + target[i] + target[i + 2:]))
    return out


def _trie_regex(sequences: list[tuple[str, ...]]) -> str:
    """One regex for many token sequences, with common prefixes shared.

    PCRE tries the branches of an alternation one by one: thousands of flat alternatives made
    semgrep spend ~30 ms per name; sharing prefixes makes a match cost about its length.
    """
    end = ""  # marks the end of a sequence in the trie
    trie: dict = {}
    for seq in sequences:
        node = trie
        for tok in seq:
            node = node.setdefault(tok, {})
        node[end] = {}

    def emit(node: dict) -> str:
        branches = [tok + emit(child) for tok, child in node.items() if tok != end]
        optional = end in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not optional else \
            "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if optional else body

    return emit(trie)


def _semgrep_targets(ecosystem: str) -> list[str]:
    return index(ecosystem).targets[:SEMGREP_TARGETS]


@cache
def near_miss_regex(ecosystem: str, part: int) -> str:
    """Regex part ``part`` of ``SEMGREP_PARTS`` (unanchored; use with ``(?i)`` and name
    boundaries): a one-edit neighbour of one of the top-``SEMGREP_TARGETS`` names."""
    targets = _semgrep_targets(ecosystem)
    size = -(-len(targets) // SEMGREP_PARTS)
    chunk = targets[part * size:(part + 1) * size]
    if not chunk:
        return "(?!)"
    return _trie_regex([seq for t in chunk for seq in _neighbour_tokens(t, ecosystem)])


@cache
def well_known_near_regex(ecosystem: str) -> str:
    """Regex (unanchored; use with ``(?i)`` and a name boundary) of the well-known names that
    are one edit from a semgrep target, and the targets themselves (``boto`` is next to
    ``boto3`` and is fine), and the targets' npm scopes (same-scope names are not reported)."""
    idx = index(ecosystem)
    targets = _semgrep_targets(ecosystem)
    near_known = sorted({k for k in idx.known for t in targets if one_edit_apart(k, t)}
                        | set(targets))
    names = _trie_regex([tuple(_literal(c, ecosystem) for c in k) for k in near_known])
    scopes = sorted(str(s) for s in {_scope(t) for t in targets} - {None})
    if scopes:
        return f"(?:{names}(?![A-Za-z0-9._-])|(?:{'|'.join(re.escape(s) for s in scopes)})/)"
    return f"(?:{names}(?![A-Za-z0-9._-]))"


def deprecated_regex(ecosystem: str) -> str:
    """Regex (unanchored; use with ``(?i)`` and name boundaries) of the deprecated names."""
    names = sorted(deprecated(ecosystem))
    return "(?:" + "|".join(_literal(n, ecosystem) for n in names) + ")"
