"""``tracemark demo``: the whole loop in a throw-away repository, step by step.

Steps are the modules of this package named ``sNN_<what>.py``, run in order; each has
``run(ctx: DemoContext) -> None`` and prints what a newcomer should see. A step that fails
stops the demo with its reason (exit 2).
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class DemoContext:
    repo: Path
    #: The tracemark command, as a list, that steps use to run the CLI like a user would.
    tracemark: list[str] = field(default_factory=lambda: [sys.executable, "-m", "tracemark"])
    notes: dict[str, object] = field(default_factory=dict)
    #: Headings printed so far: steps are numbered in the order they run, so adding a step
    #: never means renumbering the others.
    headings: int = 0

    def heading(self, text: str) -> None:
        self.headings += 1
        text = f"{self.headings}. {text}"
        print(f"\n\033[1m== {text}\033[0m" if sys.stdout.isatty() else f"\n== {text}", flush=True)

    def say(self, text: str) -> None:
        print(text, flush=True)

    def sh(self, *args: str, show: bool = True, check: bool = True, stdin: str | None = None
           ) -> subprocess.CompletedProcess[str]:
        """Run a command in the demo repository, echoing it and its output like a terminal."""
        if show:
            print(f"$ {' '.join(_display(a) for a in args)}", flush=True)
        proc = subprocess.run(list(args), cwd=self.repo, input=stdin, text=True,
                              capture_output=True, check=False)
        if show and (proc.stdout or proc.stderr):
            print((proc.stdout + proc.stderr).rstrip(), flush=True)
        if check and proc.returncode not in (0,):
            raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}")
        return proc

    def tm(self, *args: str, show: bool = True, check: bool = True, stdin: str | None = None
           ) -> subprocess.CompletedProcess[str]:
        """Run ``tracemark ARGS`` in the demo repository."""
        if show:
            print(f"$ tracemark {' '.join(_display(a) for a in args)}", flush=True)
        proc = subprocess.run([*self.tracemark, *args], cwd=self.repo, input=stdin, text=True,
                              capture_output=True, check=False)
        if show and (proc.stdout or proc.stderr):
            print((proc.stdout + proc.stderr).rstrip(), flush=True)
        if check and proc.returncode != 0:
            raise RuntimeError(f"tracemark {' '.join(args)} exited {proc.returncode}")
        return proc

    def signing_key(self) -> tuple[Path, Path]:
        """The demo's own ed25519 key (made once, beside the repository) and an allowed-signers
        file naming it for ``dev@example.com``: ``(private key, allowed signers)``."""
        key = self.repo.parent / "demo_signing_key"
        if not key.exists():
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                            "dev@example.com", "-f", str(key)], check=True)
        allowed = self.repo.parent / "allowed_signers"
        pub = key.with_suffix(".pub").read_text().split()
        allowed.write_text(f"dev@example.com {pub[0]} {pub[1]}\n")
        return key, allowed


def _display(arg: str) -> str:
    return arg if arg and all(c.isalnum() or c in "-_./:=@," for c in arg) else repr(arg)


def steps() -> list[str]:
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name[:1] == "s"
                  and m.name[1:3].isdigit())


def main(keep: bool = False) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="tracemark-demo-"))
    repo = tmp / "repo"
    repo.mkdir()
    ctx = DemoContext(repo=repo)
    env_keep = os.environ.get("TRACEMARK_DEMO_KEEP")
    try:
        for name in steps():
            importlib.import_module(f"{__name__}.{name}").run(ctx)
    except (RuntimeError, OSError) as err:
        print(f"tracemark demo: error: {err}", file=sys.stderr)
        return 2
    finally:
        if keep or env_keep:
            print(f"\n(demo repository kept at {repo})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print("\nDone. Every step above ran the real tracemark against a real git repository.")
    return 0
