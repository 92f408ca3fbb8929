"""Issue 11, crash suite: ``kill -9`` of every writer, repeatedly, at random moments.

After each kill the ledger must open, pass SQLite's ``PRAGMA integrity_check`` and hold every
acknowledged record; a commit message is never lost. What counts as acknowledged, per writer:

- a ledger writer (``tests/ledger_writer.py``): the write returned (it printed ``ack``);
- ``tracemark record`` (agent hooks): the hook exited 0; what it queued is recorded by the next
  drainer even when the background drainer was killed too;
- the git ``commit-msg`` hook: the commit went through (git's exit 0), its message intact and
  any record in it valid; a hook killed so hard that git refuses the commit leaves the message
  in ``.git/COMMIT_EDITMSG``, intact;
- the language server: LSP has no request that acknowledges a save (``didSave`` is a
  notification), so a save counts once another process has read it back from the ledger
  (a committed transaction), and every save sent before a clean ``shutdown``/``exit`` counts.

The moments are random (seeded, so a failure replays) and spread over the writers' whole run.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from attest_support import commit, mark, verify, write

from tracemark.gitutil import find_repo
from tracemark.ledger import Ledger
from tracemark.model import CommitStatus
from tracemark.tracking import classify_lines

from raw_lsp import RawServer
from support import ROOT, git

WRITER = ROOT / "tests" / "ledger_writer.py"
SEED = int(os.environ.get("TRACEMARK_CRASH_SEED", "20260511"))


def _sound(repo: Path) -> Ledger:
    """The ledger opens and passes SQLite's integrity check; every stored text matches its
    checksum (no half-written record)."""
    path = find_repo(repo).tracemark_dir / "ledger.db"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    led = Ledger.for_repo(find_repo(repo))
    assert led.check() == []
    import hashlib
    import zlib

    with sqlite3.connect(path) as db:
        for path_, blob, sha in db.execute("SELECT path, content, sha256 FROM files"):
            text = zlib.decompress(blob)
            assert hashlib.sha256(text).hexdigest() == sha, path_
    return led


def _ai_lines(led: Ledger, path: str) -> set[str]:
    rec = led.get(path)
    if rec is None:
        return set()
    lines = rec.text.split("\n")
    return {lines[lo.line - 1] for lo in classify_lines(rec.text, rec.spans) if lo.kind.is_ai}


def _descendants(pid: int) -> list[int]:
    """Child processes, recursively (Linux ``/proc``)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            kids = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for k in map(int, kids):
            out.append(k)
            todo.append(k)
    return out


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


pytestmark = pytest.mark.skipif(not Path("/proc/self/task").exists(),
                                reason="finds the hook processes through /proc")


# -- a ledger writer -------------------------------------------------------------------------


def test_ledger_writers_killed_at_random_moments_lose_no_acknowledged_write(repo: Path):
    rnd = random.Random(SEED)
    acks: list[str] = []
    for round_ in range(6):
        proc = subprocess.Popen([sys.executable, str(WRITER), str(repo), str(round_), "100000"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        deadline = time.monotonic() + rnd.uniform(0.3, 2.0)
        mine: list[str] = []

        def read(proc=proc, mine=mine) -> None:
            for line in proc.stdout:
                if line.startswith("ack "):
                    mine.append(line.strip())

        t = threading.Thread(target=read, daemon=True)
        t.start()
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)  # it writes non-stop: very likely mid-transaction
        proc.wait()
        t.join(10)
        acks += mine
        led = _sound(repo)
        files = set(led.files())
        assert not [a for a in acks if a.split()[1] not in files]
        led.close()
    assert len(acks) >= 6  # every round acknowledged something before its kill


# -- the agent hook: tracemark record ----------------------------------------------------------


def _claude(repo: Path, rel: str, content: str) -> str:
    return json.dumps({
        "session_id": "crash", "transcript_path": "", "cwd": str(repo),
        "hook_event_name": "PostToolUse", "tool_name": "Write",
        "tool_input": {"file_path": str(repo / rel), "content": content},
        "tool_response": {"type": "create", "filePath": str(repo / rel)}})


def _drainers(tracemark_dir: Path) -> list[int]:
    """The background drainers of this repository (by their exact command line)."""
    want = f"tracemark.capture.agents.spool {tracemark_dir}"
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and want in _cmdline(int(entry.name)):
            out.append(int(entry.name))
    return out


def test_agent_hooks_and_their_drainer_killed_lose_no_acknowledged_event(repo: Path):
    rnd = random.Random(SEED + 1)
    tm_dir = find_repo(repo).tracemark_dir
    acknowledged: dict[str, str] = {}
    killed = 0

    def hook(i: int) -> tuple[subprocess.Popen[bytes], str, str]:
        rel = f"agent/f{i}.py"
        content = "".join(f"def agent_{i}_{k}(x):\n    return x * {k}\n\n" for k in range(20))
        write(repo, rel, content)
        proc = subprocess.Popen([sys.executable, "-m", "tracemark", "record", "--hook",
                                 "claude"], cwd=repo, stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        assert proc.stdin is not None
        proc.stdin.write(_claude(repo, rel, content).encode())
        proc.stdin.close()
        return proc, rel, content

    # How long a hook takes on this machine now: the kills are spread over 1.5 times that.
    t0 = time.monotonic()
    proc, rel, content = hook(0)
    assert proc.wait(60) == 0
    acknowledged[rel] = content
    took = time.monotonic() - t0
    for i in range(1, 13):
        proc, rel, content = hook(i)
        time.sleep(rnd.uniform(0.0, 1.5 * took))
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            killed += 1
        proc.wait()
        if proc.returncode == 0:
            acknowledged[rel] = content
        if rnd.random() < 0.6:  # and the drainer, at a random moment of its work
            time.sleep(rnd.uniform(0.0, took))
            for pid in _drainers(tm_dir):
                os.kill(pid, signal.SIGKILL)
    # What is still queued is recorded by the next drainer (here run in the foreground).
    from tracemark.capture.agents import spool

    for _ in range(100):  # a background drainer that survived may still hold the lock
        if spool.drain(tm_dir, wait=True) and not spool.pending(tm_dir):
            break
        time.sleep(0.1)
    led = _sound(repo)
    assert 0 < killed < 12, killed  # the random moments hit hooks at work, and missed some
    for rel, content in acknowledged.items():
        want = {ln for ln in content.split("\n") if ln.strip()}
        assert want <= _ai_lines(led, rel), f"{rel}: acknowledged, not recorded"
    led.close()


# -- the git commit-msg hook -------------------------------------------------------------------


def _commit_killing(repo: Path, msg: str, delay: float | None, target: str
                    ) -> tuple[subprocess.CompletedProcess[str], bool, float]:
    """``git commit -m msg`` while ``kill -9`` hits the hook's Python (``python``) or the hook
    script git runs (``script``) ``delay`` seconds after it starts (``None``: no kill).
    Returns git's result, whether the kill hit a live hook, and how long the hook ran."""
    env = {**os.environ, "GIT_EDITOR": "true"}
    proc = subprocess.Popen(["git", "commit", "-q", "-m", msg], cwd=repo, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = None
    hit = False
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if seen is None:
            for pid in _descendants(proc.pid):
                line = _cmdline(pid)
                if ("tracemark.attest.hook commit-msg" in line if target == "python"
                        else "hooks/commit-msg" in line and "tracemark" not in line):
                    seen = (pid, time.monotonic())
        if seen and delay is not None and time.monotonic() - seen[1] >= delay:
            try:
                os.kill(seen[0], signal.SIGKILL)
                hit = True
            except ProcessLookupError:
                pass
            break
        time.sleep(0.002)
    out, err = proc.communicate(timeout=120)
    ran = time.monotonic() - seen[1] if seen else 0.0
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err), hit, ran


@pytest.mark.parametrize("target", ["python", "script"])
def test_commit_msg_hook_killed_never_loses_the_commit_message(arepo: Path, target: str):
    rnd = random.Random(SEED + (2 if target == "python" else 3))
    outcomes = {"committed with a valid record": 0, "committed without a record": 0,
                "refused, message kept": 0}
    took = 0.5
    hits = 0
    write(arepo, "warm.py", "w = 1\n")  # the first commit builds the rules cache: not timed
    mark(arepo, "warm.py", "1-1")
    git(arepo, "add", "-A")
    commit(arepo, "-m", "warm-up")
    for i in range(7):
        body = "".join(f"def f{i}_{k}(x):\n    return x + {k}\n\n" for k in range(12))
        write(arepo, f"m{i}.py", body)
        mark(arepo, f"m{i}.py", "1-6")
        git(arepo, "add", "-A")
        msg = f"Change {i}: a message that must survive\n\nWith a body, line {i}."
        head = git(arepo, "rev-parse", "HEAD").strip()
        # The first commit is not interrupted: it measures how long the hook runs here, and the
        # kills are spread over 1.3 times that.
        done, hit, ran = _commit_killing(arepo, msg, None if i == 0 else
                                         rnd.uniform(0.0, 1.3 * took), target)
        if i == 0:
            took = max(ran, 0.05)
        hits += hit
        now = git(arepo, "rev-parse", "HEAD").strip()
        if now != head:
            assert done.returncode == 0, done.stderr
            stored = git(arepo, "cat-file", "commit", "HEAD").split("\n\n", 1)[1]
            assert stored.startswith(msg + "\n"), stored
            result = verify(arepo)
            assert result.status in (CommitStatus.AI_ATTESTED, CommitStatus.UNATTESTED), \
                result.reasons
            outcomes["committed with a valid record" if result.status is
                     CommitStatus.AI_ATTESTED else "committed without a record"] += 1
        else:  # git refused the commit (its hook died): the message is where git keeps it
            assert done.returncode != 0
            kept = (arepo / ".git" / "COMMIT_EDITMSG").read_text()
            assert kept.startswith(msg + "\n"), kept
            outcomes["refused, message kept"] += 1
            time.sleep(1.5)  # the killed script's orphaned Python may still be finishing
            commit(arepo, "-F", ".git/COMMIT_EDITMSG")  # and it commits from there
            assert git(arepo, "log", "-1", "--format=%B").startswith(msg)
        _sound(arepo).close()
    assert hits >= 1, outcomes  # some kills landed while the hook was at work
    assert outcomes["committed with a valid record"] >= 1, outcomes
    if target == "python":  # the wrapper turns the dead hook into "go on without a record"
        assert outcomes["refused, message kept"] == 0, outcomes


# -- the language server ---------------------------------------------------------------------


def test_language_server_killed_mid_save_keeps_every_record_read_back(repo: Path):
    rnd = random.Random(SEED + 4)
    seen: dict[str, set[str]] = {}  # path -> AI lines another process read from the ledger
    stop = threading.Event()
    tm = find_repo(repo).tracemark_dir

    def watch() -> None:
        while not stop.is_set():
            if (tm / "ledger.db").exists():
                try:
                    with Ledger.for_repo(find_repo(repo)) as led:
                        for path in led.files():
                            seen.setdefault(path, set()).update(_ai_lines(led, path))
                except Exception:
                    pass  # a busy moment; the next look sees it
            time.sleep(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    texts = {f"src/s{f}.py": "".join(f"x{f}_{k} = {k}\n" for k in range(30)) for f in range(3)}
    for rel, text in texts.items():
        write(repo, rel, text)
    try:
        for round_ in range(5):
            clean = round_ == 4
            server = RawServer(repo)
            server.initialize(repo)
            sent: dict[str, set[str]] = {}
            try:
                versions = {}
                for rel, text in texts.items():
                    uri = (repo / rel).resolve().as_uri()
                    server.notify("textDocument/didOpen", {"textDocument": {
                        "uri": uri, "languageId": "python", "version": 1, "text": text}})
                    versions[rel] = 1
                kill_at = time.monotonic() + rnd.uniform(0.2, 2.5)
                for step in range(6):
                    for rel in texts:
                        uri = (repo / rel).resolve().as_uri()
                        block = (f"def ai_{round_}_{step}_{rel[5]}(v):\n"
                                 f"    return v * {step} + {round_}\n")
                        line = texts[rel].count("\n")
                        versions[rel] += 1
                        server.notify("textDocument/didChange", {
                            "textDocument": {"uri": uri, "version": versions[rel]},
                            "contentChanges": [{"range": {
                                "start": {"line": line, "character": 0},
                                "end": {"line": line, "character": 0}}, "text": block}]})
                        texts[rel] += block
                        got = server.request("tracemark/markRange", {
                            "textDocument": {"uri": uri, "version": versions[rel]},
                            "range": {"start": {"line": line, "character": 0},
                                      "end": {"line": line + 2, "character": 0}},
                            "origin": {"kind": "ai", "tool": "crash-test"}})
                        assert got["result"]["applied"], got
                        (repo / rel).write_text(texts[rel])
                        server.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
                        sent.setdefault(rel, set()).update(block.rstrip("\n").split("\n"))
                    if not clean and time.monotonic() >= kill_at:
                        break
                if clean:
                    assert server.shutdown() == 0
                else:
                    time.sleep(max(0.0, kill_at - time.monotonic()))
                    server.kill9()
            finally:
                server.close()
            time.sleep(0.1)  # let the watcher take one more look
            led = _sound(repo)
            for rel, lines in seen.items():
                assert lines <= _ai_lines(led, rel), f"{rel}: a record read back was lost"
            if clean:  # a clean shutdown acknowledges every save sent before it
                logged = [m["message"] for m in server.notes.get("window/logMessage", [])]
                for rel, lines in sent.items():
                    assert lines <= _ai_lines(led, rel), \
                        f"{rel}: saved before shutdown, lost\n{logged}\n{server.tail()}"
            led.close()
    finally:
        stop.set()
        watcher.join(10)
    assert sum(len(v) for v in seen.values()) > 0
