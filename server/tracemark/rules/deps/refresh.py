"""Rebuild the bundled lists of most-downloaded package names (run by hand, never in tests).

    pip download --no-deps -d /tmp/lists guarddog==3.2.0
    (cd /tmp/lists && npm pack npm-high-impact@1.13.0)
    python -m tracemark.rules.deps.refresh /tmp/lists/guarddog-3.2.0-py3-none-any.whl \\
        /tmp/lists/npm-high-impact-1.13.0.tgz

Sources (both public download rankings, shipped inside registry packages because this
project's machines reach package registries only):

* PyPI: ``guarddog/analyzer/metadata/resources/top_pypi_packages.json`` in the ``guarddog``
  wheel (Datadog, Apache-2.0): hugovk's "top-pypi-packages" (the 15,000 most-downloaded
  projects over 30 days, from PyPI's public BigQuery download data), with its download time.
* npm: ``lib/top-download.js`` in the ``npm-high-impact`` package (wooorm, MIT): npm packages
  with a million or more downloads a week, sorted by downloads.

It also prints how many names ranked just below the bundled cut would be reported as near
misses (the false-alarm rate quoted in ``data/README.md``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

from tracemark.rules.deps.names import KNOWN_SIZE, NameIndex, normalize

DATA = Path(__file__).resolve().parent / "data"


def pypi_from_guarddog(wheel: Path) -> tuple[list[str], str]:
    with zipfile.ZipFile(wheel) as z:
        data = json.loads(z.read("guarddog/analyzer/metadata/resources/top_pypi_packages.json"))
    when = dt.datetime.fromtimestamp(data["downloaded_timestamp"], dt.UTC).date().isoformat()
    return [normalize(n, "pypi") for n in data["packages"]], when


def npm_from_high_impact(tgz: Path) -> list[str]:
    with tarfile.open(tgz) as t:
        member = t.extractfile("package/lib/top-download.js")
        assert member is not None
        text = io.TextIOWrapper(member, encoding="utf-8").read()
    return [normalize(n, "npm") for n in re.findall(r"'([^']+)'", text)]


def write(path: Path, names: list[str], header: list[str]) -> None:
    seen: list[str] = []
    dedup = set()
    for n in names:
        if n not in dedup:
            dedup.add(n)
            seen.append(n)
    path.write_text("".join(f"# {h}\n" for h in header) + "\n".join(seen[:KNOWN_SIZE]) + "\n",
                    encoding="utf-8")


def false_alarms(ecosystem: str, full: list[str]) -> tuple[int, int]:
    index = NameIndex(full[:KNOWN_SIZE], ecosystem)
    below = [n for n in full[KNOWN_SIZE:] if n not in index.known]
    return sum(1 for n in below if index.near_misses(n)), len(below)


def main(argv: list[str]) -> int:
    wheel, tgz = Path(argv[0]), Path(argv[1])
    pypi, when = pypi_from_guarddog(wheel)
    npm = npm_from_high_impact(tgz)
    write(DATA / "top-pypi.txt", pypi, [
        f"The {KNOWN_SIZE} most-downloaded PyPI projects (PEP 503 names), most downloaded first.",
        "Source: hugovk/top-pypi-packages (30-day downloads, PyPI BigQuery data) as shipped in",
        f"guarddog 3.2.0 (resources/top_pypi_packages.json), downloaded {when}.",
    ])
    write(DATA / "top-npm.txt", npm, [
        f"The {KNOWN_SIZE} most-downloaded npm packages, most downloaded first.",
        "Source: npm-high-impact 1.13.0 (lib/top-download.js, packages with 1M+ weekly",
        "downloads sorted by downloads), published 2026-09-23.",
    ])
    for eco, full in (("pypi", pypi), ("npm", npm)):
        hits, total = false_alarms(eco, full)
        print(f"{eco}: {hits} of the {total} names ranked below {KNOWN_SIZE} are near misses "
              f"({100 * hits / max(total, 1):.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
