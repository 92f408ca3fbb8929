"""Issue 5, dependency manifests: probable typosquats and hallucinated names.

A table of real near-miss names (published typosquats and common slips) is flagged, against
bundled lists of the most-downloaded PyPI and npm names; the 1,000 most-downloaded names
themselves raise no false alarm; the semgrep tier's regexes (built from the same lists) agree
with the fast tier's edit distance on the names they cover; deprecated packages come with a
replacement and a reason; a project silences a name with ``allowed_packages``.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from tracemark.rules.deps.names import (
    SEMGREP_PARTS,
    SEMGREP_TARGETS,
    deprecated,
    index,
    near_miss_regex,
    normalize,
    one_edit_apart,
    typosquat_target,
    well_known_near_regex,
)

from support import tracemark

#: Real near misses: (name, ecosystem, the popular name it imitates).
NEAR_MISSES = [
    ("reqeusts", "pypi", "requests"),
    ("python-dateutils", "pypi", "python-dateutil"),
    ("colourama", "pypi", "colorama"),  # published typosquat, 2018
    ("python3-dateutil", "pypi", "python-dateutil"),  # published typosquat, 2019
    ("jeIlyfish", "pypi", "jellyfish"),  # published typosquat, 2019 (capital I for l)
    ("urlib3", "pypi", "urllib3"),
    ("setup-tools", "pypi", "setuptools"),
    ("djanga", "pypi", "django"),
    ("Python_Dateutils", "pypi", "python-dateutil"),  # PEP 503 spelling does not hide it
    ("expres", "npm", "express"),
    ("lodahs", "npm", "lodash"),
    ("crossenv", "npm", "cross-env"),  # published typosquat, 2017
    ("@typess/node", "npm", "@types/node"),
]


@pytest.mark.parametrize(("name", "eco", "target"), NEAR_MISSES)
def test_real_near_miss_names_are_flagged(name, eco, target):
    assert typosquat_target(name, eco) == target


@pytest.mark.parametrize("eco", ["pypi", "npm"])
def test_no_false_alarm_on_the_1000_most_downloaded_names(eco):
    top = index(eco).ranked[:1000]
    assert len(top) == 1000
    assert [n for n in top if typosquat_target(n, eco) is not None] == []
    # nor on the rest of the bundled list (every well-known name is known)
    assert sum(typosquat_target(n, eco) is not None for n in index(eco).ranked) == 0


def test_names_far_from_everything_and_same_scope_names_are_not_reported():
    assert typosquat_target("flask-login-helper-for-my-app", "pypi") is None
    assert typosquat_target("@types/nod", "npm") is None  # same scope as @types/node
    assert typosquat_target("boto", "pypi") is None  # well known, next to boto3
    assert typosquat_target("reqeusts", "pypi", allowed=["Reqeusts"]) is None


def test_one_edit_apart_is_optimal_string_alignment_distance_one():
    assert one_edit_apart("reqeusts", "requests")  # swap
    assert one_edit_apart("expres", "express")  # delete
    assert one_edit_apart("colourama", "colorama")  # insert
    assert one_edit_apart("djanga", "django")  # replace
    assert not one_edit_apart("requests", "requests")
    assert not one_edit_apart("rqeuests2", "requests")


@pytest.mark.parametrize("eco", ["pypi", "npm"])
def test_semgrep_regexes_agree_with_the_edit_distance_on_the_names_they_cover(eco):
    """The deep tier cannot compute edit distances: its regexes spell out the one-edit
    neighbours of the top names. On those names both tiers decide the same."""
    rng = random.Random(5)
    idx = index(eco)
    parts = [re.compile("(?i)" + near_miss_regex(eco, i)) for i in range(SEMGREP_PARTS)]
    known = re.compile("(?i)" + well_known_near_regex(eco))
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789-"
    samples = []
    for t in idx.targets[:SEMGREP_TARGETS]:
        for _ in range(6):
            i = rng.randrange(len(t))
            op = rng.choice("rdis")
            c = rng.choice(alphabet)
            cand = {"r": t[:i] + c + t[i + 1:], "d": t[:i] + t[i + 1:],
                    "i": t[:i] + c + t[i:],
                    "s": t[:i] + t[i + 1:i + 2] + t[i] + t[i + 2:]}[op]
            samples.append(normalize(cand, eco))
        samples.append(t)
    samples += idx.ranked[:300]
    for name in samples:
        deep = (not known.match(name)) and any(p.fullmatch(name) for p in parts)
        top = set(idx.targets[:SEMGREP_TARGETS])
        fast = any(t in top for t in idx.near_misses(name))
        assert deep == fast, name


@pytest.mark.parametrize("eco", ["pypi", "npm"])
def test_deprecated_lists_have_replacements_and_reasons(eco):
    table = deprecated(eco)
    assert len(table) >= 30
    for entry in table.values():
        assert entry.replacement and len(entry.reason) > 10, entry
    assert ("pycrypto" if eco == "pypi" else "request") in table


def test_bundled_lists_are_modest_and_sourced():
    from importlib import resources

    data = resources.files("tracemark.rules.deps").joinpath("data")
    readme = data.joinpath("README.md").read_text()
    assert "guarddog" in readme and "npm-high-impact" in readme and "2026-06-16" in readme
    for name in ("top-pypi.txt", "top-npm.txt"):
        text = data.joinpath(name).read_text()
        assert len(text.encode()) < 250_000
        assert text.startswith("# The 10000 most-downloaded")


def test_manifests_in_a_project_are_checked_and_allowed_packages_silences(repo):
    (repo / "requirements.txt").write_text("reqeusts==2.32.3\nflask==3.0.3\npycrypto==2.6.1\n")
    (repo / "package.json").write_text(json.dumps(
        {"name": "x", "dependencies": {"expres": "^4.21.0", "lodash": "*"}}, indent=2))
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["colourama>=0.4", "httpx"]\n')
    proc = tracemark("scan", "--format", "json", ".", cwd=repo)
    found = {(f["path"], f["rule_id"], f["line"]) for f in json.loads(proc.stdout)["findings"]}
    assert found == {
        ("requirements.txt", "deps-pypi-typosquat", 1),
        ("requirements.txt", "deps-pypi-deprecated", 3),
        ("package.json", "deps-npm-typosquat", 4),
        ("package.json", "deps-npm-unpinned", 5),
        ("pyproject.toml", "deps-pyproject-typosquat", 3),
        ("pyproject.toml", "deps-pyproject-unpinned", 3),
    }
    (repo / ".tracemark").mkdir()
    (repo / ".tracemark" / "policy.yaml").write_text(
        "version: 1\nparameters:\n  allowed_packages: [reqeusts, expres]\n")
    proc = tracemark("scan", "--format", "json", ".", cwd=repo)
    rules = {f["rule_id"] for f in json.loads(proc.stdout)["findings"]}
    assert "deps-pypi-typosquat" not in rules and "deps-npm-typosquat" not in rules
    assert "deps-pyproject-typosquat" in rules  # colourama is not allowed
