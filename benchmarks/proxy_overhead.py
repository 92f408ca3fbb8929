"""What proxy mode costs: round trips to an inline-completion server, direct and through
``tracemark serve --wrap``, side by side in one run.

The server is the completion double of the editor tests (a real pygls server over stdio). Per
round, the client edits the document (``didChange``), asks for an inline completion and waits
for the answer; through the proxy, it then also runs the item's command (tracemark marks the
accepted text, runs the original command on the wrapped server). Figures: median and the 10th /
90th percentiles, in milliseconds.

Run: python benchmarks/proxy_overhead.py [--rounds N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOUBLE = ROOT / "tests" / "editors" / "completion_double.py"

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _lsp_client import Client  # noqa: E402


def run(argv: list[str], workdir: Path, rounds: int, accept: bool) -> list[float]:
    path = workdir / "bench.py"
    path.write_text("import subprocess\n\n")
    uri = path.as_uri()
    client = Client(workdir, argv)
    times = []
    try:
        client.request("initialize", {"processId": None, "rootUri": workdir.as_uri(),
                                      "capabilities": {}})
        client.notify("initialized", {})
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": "import subprocess\n\n"}})
        version = 1
        for i in range(rounds + 5):
            start = time.perf_counter()
            version += 1
            client.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": 1, "character": 0},
                                              "end": {"line": 1, "character": 0}},
                                    "text": "\n"}]})
            line = version  # one more empty line each round
            result = client.request("textDocument/inlineCompletion", {
                "textDocument": {"uri": uri}, "position": {"line": line, "character": 0},
                "context": {"triggerKind": 1}})
            items = result["items"] if isinstance(result, dict) else result
            if accept:
                item = items[0]
                version += 1
                client.notify("textDocument/didChange", {
                    "textDocument": {"uri": uri, "version": version},
                    "contentChanges": [{"range": {"start": {"line": line, "character": 0},
                                                  "end": {"line": line, "character": 0}},
                                        "text": item["insertText"] + "\n"}]})
                cmd = item["command"]
                client.request("workspace/executeCommand", {
                    "command": cmd["command"], "arguments": cmd.get("arguments")})
            if i >= 5:  # warm-up rounds are not counted
                times.append((time.perf_counter() - start) * 1000)
    finally:
        client.close()
    return times


def figures(name: str, times: list[float]) -> str:
    q = statistics.quantiles(times, n=10)
    return (f"{name:<44} median {statistics.median(times):7.2f} ms   "
            f"p10 {q[0]:7.2f}   p90 {q[-1]:7.2f}   (n={len(times)})")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=200)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        subprocess.run(["git", "init", "-q", str(work)], check=True)
        double = [sys.executable, str(DOUBLE)]
        proxy = [sys.executable, "-m", "tracemark", "serve", "--wrap", *double]
        direct = run(double, work, args.rounds, accept=False)
        proxied = run(proxy, work, args.rounds, accept=False)
        direct_accept = run(double, work, args.rounds, accept=True)
        proxied_accept = run(proxy, work, args.rounds, accept=True)
    print("inline completion round trip (didChange + inlineCompletion):")
    print(figures("  direct to the completion server", direct))
    print(figures("  through tracemark serve --wrap", proxied))
    print(f"  proxy overhead (median): {statistics.median(proxied) - statistics.median(direct):.2f}"
          " ms")
    print("completion accepted (+ didChange + executeCommand of the item's command):")
    print(figures("  direct (original command)", direct_accept))
    print(figures("  proxy (mark AI span + original command)", proxied_accept))
    print(f"  proxy overhead (median): "
          f"{statistics.median(proxied_accept) - statistics.median(direct_accept):.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
