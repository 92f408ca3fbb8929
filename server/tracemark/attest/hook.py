"""What the git hooks run: ``python -m tracemark.attest.hook HOOK ARGS...``.

- ``prepare-commit-msg FILE [SOURCE [SHA]]`` notes what kind of commit this is (an amend
  compares the index with ``HEAD^``, not ``HEAD``) for ``commit-msg``; during an interactive
  rebase's squash or fixup (which run no ``commit-msg``) it attests right away.
- ``commit-msg FILE`` builds the record from the staged content, signs it and appends the
  trailers. ``git commit --no-verify`` skips this hook, so such commits carry no record.
- ``post-commit`` forgets the noted commit kind.
- ``post-rewrite amend|rebase`` (old/new ids on stdin) reports rewritten commits whose AI lines
  no longer match their records (trailers travel in the messages; nothing needs copying).

**A commit is never lost.** Any failure leaves the message file exactly as it was and lets the
commit through with a one-line warning; only ``tracemark.failClosed=true`` turns a signing
failure into a refusal (exit 10, which the hook script turns into git's non-zero), and then the
message is still in ``.git/COMMIT_EDITMSG``.

Start-up time matters (this runs on every commit): modules are imported only when needed.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
from pathlib import Path

#: Exit status meaning "refuse the commit" (fail-closed); anything else never blocks.
REFUSE = 10
STATE_NAME = "tracemark-commit-state.json"


def warn(msg: str) -> None:
    print(f"tracemark: {msg}", file=sys.stderr)


def _repo():
    from tracemark.gitutil import find_repo

    return find_repo(".")


# -- prepare-commit-msg / post-commit: the kind of commit ------------------------------------


def _state_path(repo) -> Path:
    return repo.git_dir / STATE_NAME


def _git_pid() -> str:
    return os.environ.get("TRACEMARK_GIT_PID", "")


def write_state(repo, source: str, sha: str) -> None:
    data = {"pid": _git_pid(), "source": source, "sha": sha, "time": time.time()}
    with contextlib.suppress(OSError):
        _state_path(repo).write_text(json.dumps(data))


def read_state(repo) -> dict:
    """The state ``prepare-commit-msg`` left for this very git process (else empty)."""
    try:
        data = json.loads(_state_path(repo).read_text())
    except (OSError, ValueError):
        return {}
    if data.get("pid") != _git_pid() or time.time() - float(data.get("time", 0)) > 24 * 3600:
        return {}
    return data


def clear_state(repo) -> None:
    with contextlib.suppress(OSError):
        _state_path(repo).unlink()


def _git_args(pid: str) -> list[str]:
    """The command line of the git process running this hook (``/proc``, else ``ps``)."""
    if not pid.isdigit():
        return []
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
        return [a.decode("utf-8", "replace") for a in raw.split(b"\0") if a]
    except OSError:
        pass
    import subprocess

    try:
        proc = subprocess.run(["ps", "-o", "args=", "-p", pid], capture_output=True, text=True,
                              timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return proc.stdout.split()


def is_amend(state: dict) -> bool:
    """Whether the commit being made replaces HEAD (``git commit --amend``).

    The git process's own arguments settle it (git accepts unambiguous abbreviations such as
    ``--amen``). Without them, ``prepare-commit-msg``'s ``commit HEAD`` is the sign (it says
    ``message`` instead when ``-m``/``-F`` gave the message, and ``commit HEAD`` also for
    ``-C HEAD``, which is why the arguments come first).
    """
    args = _git_args(_git_pid())
    if args and "git" in Path(args[0]).name:  # not when another hook runner sits between
        for arg in args[1:]:
            if arg == "--":
                break
            if len(arg) >= 4 and "--amend".startswith(arg):
                return True
        return False
    return state.get("source") == "commit" and state.get("sha") == "HEAD"


def _rev(root: Path, rev: str) -> str | None:
    from tracemark.gitutil import git

    proc = git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], root, check=False)
    return proc.stdout.decode().strip() or None if proc.returncode == 0 else None


def _merge_heads(repo) -> list[str]:
    try:
        text = (repo.git_dir / "MERGE_HEAD").read_text()
    except OSError:
        return []
    return [ln.strip() for ln in text.splitlines() if ln.strip()]


def rebase_squashing(repo) -> bool:
    """An interactive rebase is squashing or fixing up into the previous commit right now."""
    action = os.environ.get("GIT_REFLOG_ACTION", "")
    if action.startswith("rebase") and ("squash" in action or "fixup" in action):
        return True
    try:
        done = (repo.git_dir / "rebase-merge" / "done").read_text().splitlines()
    except OSError:
        return False
    last = [ln for ln in done if ln.strip() and not ln.startswith("#")]
    return bool(last) and last[-1].split()[0] in ("fixup", "f", "squash", "s")


# -- attesting -------------------------------------------------------------------------------


def attest_message(message_file: Path, *, amend: bool, repo=None, config=None) -> str | None:
    """Add a signed record for the staged content to ``message_file``; returns a summary line.

    Raises on failure, with the message file untouched.
    """
    from tracemark.attest.config import load_config
    from tracemark.attest.trailers import is_empty_message

    repo = repo or _repo()
    config = config or load_config(repo.root)
    if config.signer == "none":
        return None
    original = message_file.read_bytes()
    text = original.decode("utf-8", "surrogateescape")
    if is_empty_message(text, config.comment_char):
        return None  # git aborts an empty message; adding trailers would commit it
    head = _rev(repo.root, "HEAD")
    base = _rev(repo.root, "HEAD^") if amend and head else head
    others = [] if amend else _merge_heads(repo)
    try:
        return _attest(repo, config, message_file, text, base, others)
    except BaseException:
        message_file.write_bytes(original)
        raise


def _attest(repo, config, message_file: Path, text: str, base: str | None,
            others: list[str]) -> str | None:
    from tracemark.attest.changes import read_blobs, staged_changes
    from tracemark.attest.record import build_record
    from tracemark.attest.trailers import (
        ASSISTED_BY,
        RECORD_KEY,
        SIGNATURE_KEY,
        add_trailers,
        encode_record,
        parse_message,
        remove_lines,
    )
    from tracemark.ledger.store import LEDGER_NAME

    changes = staged_changes(repo.root, base)
    ledger = None
    if (repo.tracemark_dir / LEDGER_NAME).exists():
        from tracemark.ledger import open_ledger

        ledger = open_ledger(repo)
    try:
        parsed = parse_message(text)
        covered: dict[str, set[int]] = {}
        drop: list[tuple[int, int]] = []
        kept = 0
        if parsed.records:
            from tracemark.attest.verify import Content, _decode, _malformed, bind

            def fetch(path: str) -> bytes | None:
                return read_blobs(repo.root, [f":{path}"]).get(f":{path}")

            content = Content(changes, fetch)
            for rt in parsed.records:
                try:
                    _payload, carried = _decode(rt)
                except Exception:
                    carried = None
                if carried is None or _malformed(carried):
                    kept += 1  # not ours to judge: verification will say what is wrong
                    continue
                b = bind(carried, content)
                ai_paths = {f.path for f in carried.files if f.ranges}
                if not ai_paths and not b.human_bound:
                    drop.append(rt.lines)  # a human record of other content: re-attested
                    continue
                if b.changed and ledger is not None and all(ledger.knows(p) for p in ai_paths):
                    drop.append(rt.lines)  # superseded: the ledger re-attests these files
                    continue
                kept += 1
                for path, r, pos in b.located:
                    covered.setdefault(path, set()).update(range(pos, pos + r.count))
        staged = build_record(repo, base=base, ledger=ledger, covered=covered,
                              other_parents=others, changes=changes)
    finally:
        if ledger is not None:
            ledger.close()
    record = staged.record
    for note in staged.notes:
        warn(note)
    if not staged.ai_lines and (kept or not config.attest_human):
        if drop:
            message_file.write_text(remove_lines(text, drop), encoding="utf-8",
                                    errors="surrogateescape")
        return None
    payload = record.canonical()
    signature = sign(repo, config, payload, record, staged.ai_digests)
    new_text = remove_lines(text, drop) if drop else text
    present = {a.strip() for a in parse_message(new_text).assisted_by}
    trailers = [(ASSISTED_BY, label) for label in record.assisted_by() if label not in present]
    trailers.append((RECORD_KEY, encode_record(payload, record.compact)))
    trailers.append((SIGNATURE_KEY, f"v1 {signature}"))
    if drop:
        message_file.write_text(new_text, encoding="utf-8", errors="surrogateescape")
    add_trailers(message_file, trailers, repo.root)
    files = sum(1 for f in record.files if f.ranges)
    if staged.ai_lines:
        tools = ", ".join(record.assisted_by())
        return (f"attested {staged.ai_lines} AI line{'s' * (staged.ai_lines != 1)} in {files} "
                f"file{'s' * (files != 1)} ({tools}), signed ({signature.split()[0]})")
    added = sum(len(fc.added) for fc in staged.changes.values())
    return f"attested: no AI lines among {added} added, signed"


def sign(repo, config, payload: bytes, record, ai_digests: dict[str, str] | None = None
         ) -> str:
    """The signature trailer value (without ``v1``) from the configured signer."""
    from tracemark.attest.signers import SigningError

    if config.signer == "ssh":
        from tracemark.attest.signers import ssh

        key = config.signing_key
        if not key:
            raise SigningError("no SSH signing key: set tracemark.signingKey, or "
                               "user.signingKey with gpg.format=ssh")
        return ssh.sign(payload, key, config.ssh_program, cwd=repo.root)
    if config.signer == "sigstore":
        from tracemark.attest.signers import sigstore

        return sigstore.sign(repo, payload, record, config, ai_digests)
    raise SigningError(f"tracemark.signer={config.signer!r}: expected ssh, sigstore or none")


def _attest_or_warn(message_file: Path, *, amend: bool, repo=None) -> int:
    from tracemark.attest.signers import SigningError

    fail_closed = False
    try:
        from tracemark.attest.config import load_config

        repo = repo or _repo()
        config = load_config(repo.root)
        fail_closed = config.fail_closed
        summary = attest_message(message_file, amend=amend, repo=repo, config=config)
        if summary:
            warn(summary)
        return 0
    except SigningError as err:
        if fail_closed:
            warn(f"signing failed, commit refused (tracemark.failClosed): {err}")
            warn("your message is kept in .git/COMMIT_EDITMSG (git commit -F it to retry)")
            return REFUSE
        warn(f"signing failed, committing without a provenance record: {err}")
        return 0
    except Exception as err:  # never lose a commit over a bug or a broken ledger
        if fail_closed:
            warn(f"could not attest, commit refused (tracemark.failClosed): {err}")
            return REFUSE
        warn(f"could not attest, committing without a provenance record: {err}")
        return 0


# -- post-rewrite ----------------------------------------------------------------------------

#: A rebase of more commits than this is not re-checked (the gate checks everything in CI).
REWRITE_CHECK_LIMIT = 200


def post_rewrite(kind: str, stdin: str) -> int:
    """Say which rewritten commits' AI lines no longer match their records."""
    from tracemark.attest.verify import verify_commit
    from tracemark.model import CommitStatus

    repo = _repo()
    pairs = [ln.split()[:2] for ln in stdin.splitlines() if len(ln.split()) >= 2]
    bad = []
    for _old, new in pairs[-REWRITE_CHECK_LIMIT:]:
        result = verify_commit(repo, new, check_signatures=False)
        if result.status in (CommitStatus.LINES_CHANGED, CommitStatus.INVALID):
            bad.append((new, result))
    for new, result in bad:
        warn(f"{kind}: {new[:12]} no longer matches its provenance record: "
             f"{'; '.join(result.reasons)[:300]}")
    return 0


# -- entry point -----------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    if not argv:
        warn("usage: python -m tracemark.attest.hook HOOK [ARGS...]")
        return 2
    hook, args = argv[0], argv[1:]
    try:
        if hook == "commit-msg" and args:
            repo = _repo()
            return _attest_or_warn(Path(args[0]), amend=is_amend(read_state(repo)), repo=repo)
        if hook == "prepare-commit-msg" and args:
            repo = _repo()
            write_state(repo, args[1] if len(args) > 1 else "", args[2] if len(args) > 2 else "")
            if rebase_squashing(repo):
                # The sequencer runs no commit-msg: attest now (it amends the previous pick).
                return _attest_or_warn(Path(args[0]), amend=True, repo=repo)
            return 0
        if hook == "post-commit":
            clear_state(_repo())
            return 0
        if hook == "post-rewrite":
            return post_rewrite(args[0] if args else "rewrite", sys.stdin.read())
    except Exception as err:  # a hook must never break git
        warn(f"{hook}: {err}")
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
