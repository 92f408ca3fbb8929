"""Demo step: an assistant writes an insecure snippet, and ``tracemark scan`` catches it."""

from __future__ import annotations

import json

from tracemark.demo import DemoContext

SNIPPET = '''\
import hashlib

import requests
import yaml


def load_settings(path):
    with open(path) as fh:
        return yaml.load(fh, Loader=yaml.Loader)


def store_password(db, user, password):
    db[user] = hashlib.md5(password.encode()).hexdigest()


def fetch_profile(url):
    return requests.get(url, verify=False, timeout=5).json()
'''

HUMAN = '''\
import random


def shuffle_deck(cards):
    random.shuffle(cards)
    return cards
'''


def run(ctx: DemoContext) -> None:
    ctx.heading("Check what the AI wrote")
    if not (ctx.repo / ".git").exists():
        ctx.sh("git", "init", "-q", "-b", "main", show=False)
    (ctx.repo / "settings.py").write_text(SNIPPET)
    (ctx.repo / "cards.py").write_text(HUMAN)
    ctx.say("An agent wrote settings.py; a person wrote cards.py. Recording that:")
    ctx.tm("mark", "settings.py", "--lines", "1-17", "--tool", "claude-code",
           "--model", "claude-sonnet-4")
    ctx.say("\nThe rules (tree-sitter fast tier) over both files, findings with CWE ids:")
    ctx.tm("scan", "settings.py", "cards.py", check=False)
    ctx.say("\nOnly what the AI wrote (from the ledger), the scope the editor and the CI gate use;")
    ctx.say("exit status 1 because an error-severity finding is on AI lines:")
    proc = ctx.tm("scan", "--ai-only", "settings.py", "cards.py", check=False)
    if proc.returncode != 1:
        raise RuntimeError(f"tracemark scan --ai-only exited {proc.returncode}, expected 1")
    ctx.say("\nThe same as SARIF 2.1.0 for GitHub code scanning (rule ids, levels, CWE tags):")
    sarif = ctx.tm("scan", "--ai-only", "--format", "sarif", "settings.py", show=False,
                   check=False)
    run0 = json.loads(sarif.stdout)["runs"][0]
    rules = {r["id"]: r for r in run0["tool"]["driver"]["rules"]}
    for res in run0["results"]:
        tags = [t for t in rules[res["ruleId"]]["properties"]["tags"] if "cwe" in t]
        line = res["locations"][0]["physicalLocation"]["region"]["startLine"]
        ctx.say(f"  {res['level']:7} {res['ruleId']:24} line {line:<3} {', '.join(tags)}")
    ctx.say("\nQuick fixes ship where the fix is unambiguous (see `fix:` lines above), and")
    ctx.say("`tracemark scan --deep` runs the same rule ids through semgrep as well.")
