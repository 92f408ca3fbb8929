"""From the findings that recur on AI lines to short instructions for the AI tools.

Every rule's message says what is wrong and then what to do instead (``docs/rules.md``); an
instruction is those two halves, shortened: the first sentence without its parentheticals and
cut at its colon or semicolon (what not to write), and the rest of the message (what to write
instead; the rule's fix title when the message has one sentence only). Findings are grouped by
the rule's category (the rule id when it has none); a group recurs when it has at least
``min_count`` findings. Rules whose advice is the same (the Python and JavaScript forms of one
mistake) become one instruction. Groups and the instructions in them are ordered by how often
they occurred, most frequent first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

#: Default threshold: a pattern the tools produced once is not yet a habit.
MIN_COUNT = 2
#: At most this many instructions: the files are read into every prompt, so they stay short.
MAX_INSTRUCTIONS = 12

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\"'`])")
#: "problem: consequence" — the colon that ends what is wrong (not ``shell: true``).
_CLAUSE_COLON = re.compile(r": (\w+)")
_ACRONYMS = {"tls": "TLS", "cors": "CORS", "jwt": "JWT", "xss": "XSS", "xxe": "XXE",
             "ssrf": "SSRF", "sql": "SQL", "ldap": "LDAP", "xpath": "XPath", "redos": "ReDoS",
             "api": "API", "csrf": "CSRF"}
_LITERALS = {"true", "false", "none", "null", "off", "on", "0", "1", "yes", "no"}


@dataclass
class Instruction:
    avoid: str
    do: str
    rules: list[str]
    cwe: list[str]
    count: int
    tools: dict[str, int]

    def json(self) -> dict[str, Any]:
        return {"avoid": self.avoid, "do": self.do, "rules": self.rules, "cwe": self.cwe,
                "count": self.count, "tools": self.tools}


@dataclass
class Group:
    category: str
    count: int
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def title(self) -> str:
        words = [_ACRONYMS.get(w, w) for w in self.category.split("-")]
        return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])

    def json(self) -> dict[str, Any]:
        return {"category": self.category, "title": self.title, "count": self.count,
                "instructions": [i.json() for i in self.instructions]}


def _drop_parentheticals(text: str) -> str:
    """``a (b (c)) d`` → ``a d``: only groups opened after a space, so ``yaml.load()`` stays."""
    out: list[str] = []
    depth = 0
    for i, ch in enumerate(text):
        if ch == "(" and (depth or (i > 0 and text[i - 1] == " ")):
            depth += 1
            if depth == 1 and out and out[-1] == " ":
                out.pop()
            continue
        if ch == ")" and depth:
            depth -= 1
            continue
        if not depth:
            out.append(ch)
    return "".join(out)


def split_message(message: str, fix: str | None = None) -> tuple[str, str]:
    """``(avoid, do)`` from a rule message: what is wrong, and what to write instead."""
    text = " ".join(message.split())
    sentences = _SENTENCE.split(text)
    first = _drop_parentheticals(sentences[0]).strip()
    for m in _CLAUSE_COLON.finditer(first):
        if m.group(1).lower() not in _LITERALS:
            first = first[:m.start()]
            break
    first = first.split("; ", 1)[0]
    avoid = first.rstrip(" .;:")
    rest = " ".join(sentences[1:]).strip()
    do = rest or (f"{fix}." if fix else "")
    return avoid, do


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def groups(doc: dict[str, Any], *, min_count: int = MIN_COUNT,
           limit: int = MAX_INSTRUCTIONS) -> list[Group]:
    """The recurring findings of a ``tracemark/report/v1`` document, as instructions."""
    by_cat: dict[str, list[dict[str, Any]]] = {}
    for r in doc["findings"]["by_rule"]:
        by_cat.setdefault(r["category"] or r["rule"], []).append(r)
    out: list[Group] = []
    for cat, rules in by_cat.items():
        total = sum(r["count"] for r in rules)
        if total < min_count:
            continue
        g = Group(cat, total)
        merged: dict[str, Instruction] = {}
        for r in sorted(rules, key=lambda r: (-r["count"], r["rule"])):
            avoid, do = split_message(r["message"], r.get("fix"))
            key = _norm(do) or _norm(avoid)
            ins = merged.get(key)
            if ins is None:
                ins = merged[key] = Instruction(avoid, do, [], [], 0, {})
                g.instructions.append(ins)
            ins.rules.append(r["rule"])
            ins.cwe = sorted(set(ins.cwe) | set(r["cwe"]))
            ins.count += r["count"]
            for tool, n in r["tools"].items():
                ins.tools[tool] = ins.tools.get(tool, 0) + n
        for ins in g.instructions:
            ins.tools = dict(sorted(ins.tools.items(), key=lambda kv: (-kv[1], kv[0])))
        g.instructions.sort(key=lambda i: (-i.count, i.rules[0]))
        out.append(g)
    out.sort(key=lambda g: (-g.count, g.category))
    kept: list[Group] = []
    left = limit
    for g in out:
        if left <= 0:
            break
        g.instructions = g.instructions[:left]
        left -= len(g.instructions)
        kept.append(g)
    return kept
