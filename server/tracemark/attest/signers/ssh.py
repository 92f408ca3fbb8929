"""SSH signatures through OpenSSH's own ``ssh-keygen -Y``, the way git signs with SSH keys.

``ssh-keygen`` is the reference implementation of the SSHSIG format and of the
``allowed_signers`` file (principals, ``namespaces=``, ``valid-after``/``valid-before``), so it
is called rather than reimplemented. Records are signed in tracemark's own namespace
(``tracemark-provenance``), so a tracemark signature can never pass as a git commit signature
or the reverse. An ``allowed_signers`` line restricted with ``namespaces="git"`` must list
``tracemark-provenance`` too.

The trailer value is ``ssh <base64>``: the armored signature's body without its armor lines.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tracemark.attest.config import SSH_NAMESPACE
from tracemark.attest.signers import SignatureInvalid, SigningError

if TYPE_CHECKING:  # pragma: no cover  (pydantic: imported by verify, not by the signing hook)
    from tracemark.model import SignerInfo

METHOD = "ssh"
_BEGIN = "-----BEGIN SSH SIGNATURE-----"
_END = "-----END SSH SIGNATURE-----"
_FINGERPRINT = re.compile(r"(SHA256:[A-Za-z0-9+/=]+)")
_B64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")
TIMEOUT = 30


def _run(args: list[str], data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "LC_ALL": "C"}
    try:
        return subprocess.run(args, input=data, capture_output=True, timeout=TIMEOUT, env=env,
                              check=False, stdin=None if data is not None else subprocess.DEVNULL)
    except FileNotFoundError:
        raise SigningError(f"{args[0]}: not found (install OpenSSH 8.2+ or set "
                           "tracemark.sshProgram)") from None
    except subprocess.TimeoutExpired:
        raise SigningError(f"{args[0]} timed out after {TIMEOUT}s (waiting for a passphrase?)"
                           ) from None


def _last_line(proc: subprocess.CompletedProcess[bytes]) -> str:
    text = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip().splitlines()
    return text[-1] if text else f"exit status {proc.returncode}"


def sign(payload: bytes, key: str, program: str = "ssh-keygen", *, cwd: Path | None = None
         ) -> str:
    """Sign ``payload``; returns the trailer value ``ssh <base64>``.

    ``key`` is a private key file, a public key file whose private half is in ``ssh-agent``, or
    a literal ``key::ssh-ed25519 AAAA...`` (agent), as git's ``user.signingKey`` accepts.
    """
    tmp: str | None = None
    try:
        if key.startswith("key::") or key.startswith("ssh-"):
            fd, tmp = tempfile.mkstemp(prefix="tracemark-key-", suffix=".pub")
            with os.fdopen(fd, "w") as fh:
                fh.write(key.removeprefix("key::").strip() + "\n")
            keyfile = tmp
        else:
            path = Path(os.path.expanduser(key))
            if not path.is_absolute() and cwd is not None:
                path = cwd / path
            if not path.exists():
                raise SigningError(f"SSH signing key {path} does not exist")
            keyfile = str(path)
        proc = _run([program, "-Y", "sign", "-n", SSH_NAMESPACE, "-f", keyfile], payload)
        if proc.returncode != 0:
            raise SigningError(f"ssh-keygen -Y sign failed: {_last_line(proc)}")
        return f"{METHOD} {armor_body(proc.stdout.decode('ascii', 'replace'))}"
    finally:
        if tmp:
            os.unlink(tmp)


def armor_body(armored: str) -> str:
    """The base64 between the armor lines, on one line."""
    lines = [ln.strip() for ln in armored.strip().splitlines()]
    if not lines or lines[0] != _BEGIN or lines[-1] != _END:
        raise SigningError("ssh-keygen produced no SSH signature")
    return "".join(lines[1:-1])


def armor(body: str) -> str:
    """An armored SSH signature from its base64 body (70 characters a line, like OpenSSH)."""
    b = "".join(body.split())
    if not b or not _B64.match(b) or len(b) % 4:
        raise SignatureInvalid("SSH signature is malformed (truncated or edited base64)")
    return "\n".join([_BEGIN, *(b[i:i + 70] for i in range(0, len(b), 70)), _END]) + "\n"


def _listed(body: str, allowed_signers: Path) -> bool:
    """Whether the signature's public key appears in the allowed signers file at all.

    The SSHSIG blob starts ``"SSHSIG" uint32 version string(public key)``; the key's base64 is
    what allowed-signers lines hold. Used only to word a refusal (a listed key that
    ``find-principals`` rejects is outside its ``valid-after``/``valid-before``), never to
    accept anything.
    """
    import base64
    import struct

    try:
        blob = base64.b64decode("".join(body.split()))
        if blob[:6] != b"SSHSIG":
            return False
        (size,) = struct.unpack(">I", blob[10:14])
        key = base64.b64encode(blob[14:14 + size]).decode("ascii")
        return any(key in line.split() for line in allowed_signers.read_text().splitlines()
                   if not line.lstrip().startswith("#"))
    except (ValueError, struct.error, OSError, UnicodeDecodeError):
        return False


#: (allowed signers file, its mtime and size, the signing key) → the principal that verified.
_PRINCIPALS: dict[tuple[str, int, int, bytes], tuple[str, ...]] = {}


def _principals_key(allowed: Path, body: str) -> tuple[str, int, int, bytes] | None:
    """The cache key for a signature: the public key inside the SSHSIG blob (``SSHSIG``,
    version, then the key as an SSH string), and the allowed-signers file as it is now."""
    import base64

    try:
        blob = base64.b64decode("".join(body.split()))
        st = allowed.stat()
    except (ValueError, OSError):
        return None
    if blob[:6] != b"SSHSIG" or len(blob) < 14:
        return None
    size = int.from_bytes(blob[10:14], "big")
    key = blob[14:14 + size]
    return (str(allowed.resolve()), st.st_mtime_ns, st.st_size, key) if key else None


def verify(payload: bytes, value: str, allowed_signers: Path | None, *,
           when: datetime | None = None, program: str = "ssh-keygen") -> SignerInfo:
    """Check an ``ssh <base64>`` signature over ``payload`` against ``allowed_signers``.

    Returns who signed; raises :class:`SignatureInvalid` with the reason otherwise: malformed
    or truncated, not a valid signature over these bytes (edited record), signed by a key that
    is not in the allowed signers (or not for this namespace, or outside its validity).
    """
    method, _, body = value.partition(" ")
    if method != METHOD:
        raise SignatureInvalid(f"not an SSH signature ({method!r})")
    text = armor(body)
    if allowed_signers is None:
        raise SignatureInvalid("no allowed signers file: set gpg.ssh.allowedSignersFile or "
                               "tracemark.allowedSignersFile, or pass one")
    if not allowed_signers.is_file():
        raise SignatureInvalid(f"allowed signers file {allowed_signers} does not exist")
    time_opt = [f"-Overify-time={when.strftime('%Y%m%d%H%M%S')}Z"] if when else []
    with tempfile.TemporaryDirectory(prefix="tracemark-sig-") as tmp:
        sig = Path(tmp) / "record.sig"
        sig.write_text(text)
        cache_key = _principals_key(allowed_signers, body)
        for principal in _PRINCIPALS.get(cache_key, ()) if cache_key else ():
            # Fast path (the CI gate verifies thousands of records by a few keys): a principal
            # this key verified as before is tried with the one authoritative check; any
            # failure falls through to the full diagnosis below.
            ok = _run([program, "-Y", "verify", "-f", str(allowed_signers), "-I", principal,
                       "-n", SSH_NAMESPACE, "-s", str(sig), *time_opt], payload)
            if ok.returncode == 0:
                from tracemark.model import SignerInfo

                m = _FINGERPRINT.search(ok.stdout.decode("utf-8", "replace"))
                return SignerInfo(method=METHOD, principal=principal,
                                  key=m.group(1) if m else None)
        proc = _run([program, "-Y", "check-novalidate", "-n", SSH_NAMESPACE, "-s", str(sig)],
                    payload)
        if proc.returncode != 0:
            reason = _last_line(proc)
            if "parse" in reason or "armor" in reason or "invalid format" in reason:
                raise SignatureInvalid(f"SSH signature is malformed (truncated?): {reason}")
            raise SignatureInvalid("SSH signature does not match the record "
                                   f"(record edited after signing): {reason}")
        m = _FINGERPRINT.search(proc.stdout.decode("utf-8", "replace"))
        fingerprint = m.group(1) if m else None
        found = _run([program, "-Y", "find-principals", "-s", str(sig), "-f",
                      str(allowed_signers), *time_opt])
        principals = [p for p in found.stdout.decode("utf-8", "replace").split() if p]
        if found.returncode != 0 or not principals:
            if time_opt and _listed(body, allowed_signers):
                # Listed, but not for the time the record was signed: say so, not "unknown".
                raise SignatureInvalid(
                    f"signed by key {fingerprint or '(unknown)'}, which the allowed signers "
                    f"({allowed_signers}) do not accept at the record's signing time "
                    f"{when:%Y-%m-%d %H:%M:%S}Z (valid-after/valid-before: expired key?)")
            raise SignatureInvalid(f"signed by key {fingerprint or '(unknown)'}, which is not in "
                                   f"the allowed signers ({allowed_signers})")
        reasons = []
        for principal in principals:
            ok = _run([program, "-Y", "verify", "-f", str(allowed_signers), "-I", principal,
                       "-n", SSH_NAMESPACE, "-s", str(sig), *time_opt], payload)
            if ok.returncode == 0:
                from tracemark.model import SignerInfo

                if cache_key:
                    _PRINCIPALS[cache_key] = (principal,)
                return SignerInfo(method=METHOD, principal=principal, key=fingerprint)
            reasons.append(_last_line(ok))
        raise SignatureInvalid(f"key {fingerprint} of {', '.join(principals)} is not allowed to "
                               f"sign tracemark records: {reasons[-1]}")
