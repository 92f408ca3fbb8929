"""A local stand-in for Sigstore's public services, speaking their real HTTP APIs.

Tests must not reach Fulcio, Rekor or an OIDC provider, so this serves, on 127.0.0.1:

- **OIDC**: ``/.well-known/openid-configuration`` and ``/jwks``, and GitHub Actions' ID-token
  API (``GET $ACTIONS_ID_TOKEN_REQUEST_URL&audience=sigstore`` with the request bearer token →
  ``{"value": JWT}``), which is what ``sigstore.oidc.detect_credential`` calls in CI. Tokens are
  ES256 JWTs with ``iss``/``sub``/``email``/``aud=sigstore``.
- **Fulcio v2**: ``POST /api/v2/signingCert`` with ``{"certificateSigningRequest": b64(PEM)}``
  and the token as bearer. The token's signature is checked against the OIDC key, the CSR's
  proof of possession too; the certificate has Fulcio's profile (empty subject, critical e-mail
  SAN, digitalSignature, codeSigning, the 1.3.6.1.4.1.57264.1.1 and .1.8 issuer extensions) and
  an embedded SCT from a CT log key over the precertificate (RFC 6962), returned as
  ``signedCertificateEmbeddedSct.chain.certificates``.
- **Rekor v1**: ``POST /api/v1/log/entries`` with a ``dsse`` 0.0.1 proposed entry. Like Rekor,
  it checks the envelope's signature against the verifier certificate, stores the canonical
  entry body (payload hash, envelope hash, signatures), appends it to an RFC 6962 Merkle tree
  and answers with the entry, its inclusion proof, a signed checkpoint (signed note) and the
  signed entry timestamp.

``trust_config()`` is the ``ClientTrustConfig`` (trusted root + signing config) naming these
services and keys. Nothing here is faked on the client side: sigstore-python signs and verifies
with its own code; the only difference from the public-good instance is whose keys are trusted.
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import jwt
import rfc8785
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

ISSUER_V1 = ObjectIdentifier("1.3.6.1.4.1.57264.1.1")
ISSUER_V2 = ObjectIdentifier("1.3.6.1.4.1.57264.1.8")
SCT_LIST = ObjectIdentifier("1.3.6.1.4.1.11129.2.4.2")
REQUEST_TOKEN = "gha-request-token"


def _spki(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def _key_id(key: ec.EllipticCurvePrivateKey) -> bytes:
    return hashlib.sha256(_spki(key)).digest()


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _der_utf8(text: str) -> bytes:
    raw = text.encode()
    assert len(raw) < 128
    return bytes([0x0C, len(raw)]) + raw


def _der_octets(data: bytes) -> bytes:
    n = len(data)
    if n < 128:
        return bytes([0x04, n]) + data
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x04, 0x80 | len(size)]) + size + data


# -- RFC 6962 Merkle tree -------------------------------------------------------------------


def _leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(a: bytes, b: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + a + b).digest()


def _mth(leaves: list[bytes]) -> bytes:
    if len(leaves) == 1:
        return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return _node(_mth(leaves[:k]), _mth(leaves[k:]))


def _path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 6962 §2.1.1 audit path, lowest level first."""
    if len(leaves) <= 1:
        return []
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    if m < k:
        return [*_path(m, leaves[:k]), _mth(leaves[k:])]
    return [*_path(m - k, leaves[k:]), _mth(leaves[:k])]


class SigstoreDouble:
    """OIDC + Fulcio + CT log + Rekor on one local port. Use as a context manager."""

    def __init__(self, email: str = "dev@example.com") -> None:
        self.email = email
        self.oidc_key = ec.generate_private_key(ec.SECP256R1())
        self.ca_key = ec.generate_private_key(ec.SECP256R1())
        self.ct_key = ec.generate_private_key(ec.SECP256R1())
        self.rekor_key = ec.generate_private_key(ec.SECP256R1())
        self.leaves: list[bytes] = []
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self.issuer = self.base
        now = datetime.now(UTC)
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "tracemark-test"),
                          x509.NameAttribute(NameOID.COMMON_NAME, "fulcio-double")])
        self.ca_cert = (
            x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(self.ca_key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1)).not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=1), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True,
                crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.ca_key.public_key()),
                           critical=False)
            .sign(self.ca_key, hashes.SHA256())
        )
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> SigstoreDouble:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    # -- OIDC ------------------------------------------------------------------------------

    def mint_token(self, email: str | None = None, lifetime: int = 600) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": email or self.email, "email": email or self.email,
                  "email_verified": True, "aud": "sigstore", "iat": now, "nbf": now,
                  "exp": now + lifetime}
        return jwt.encode(claims, self.oidc_key, algorithm="ES256", headers={"kid": "double"})

    def github_env(self) -> dict[str, str]:
        """The environment GitHub Actions gives a job with ``id-token: write``."""
        return {"GITHUB_ACTIONS": "true", "ACTIONS_ID_TOKEN_REQUEST_TOKEN": REQUEST_TOKEN,
                "ACTIONS_ID_TOKEN_REQUEST_URL": f"{self.base}/gha/token?api-version=2.0",
                "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}

    # -- Fulcio ----------------------------------------------------------------------------

    def _issue(self, token: str, csr_pem: bytes) -> list[str]:
        pub = self.oidc_key.public_key()
        claims = jwt.decode(token, pub, algorithms=["ES256"], audience="sigstore",
                            issuer=self.issuer)
        csr = x509.load_pem_x509_csr(csr_pem)
        if not csr.is_signature_valid:
            raise ValueError("CSR signature (proof of possession) is invalid")
        now = datetime.now(UTC).replace(microsecond=0)
        serial = x509.random_serial_number()
        exts: list[tuple[x509.ExtensionType, bool]] = [
            (x509.KeyUsage(digital_signature=True, content_commitment=False,
                           key_encipherment=False, data_encipherment=False, key_agreement=False,
                           key_cert_sign=False, crl_sign=False, encipher_only=False,
                           decipher_only=False), True),
            (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CODE_SIGNING]), False),
            (x509.SubjectKeyIdentifier.from_public_key(csr.public_key()), False),
            (x509.AuthorityKeyIdentifier.from_issuer_public_key(self.ca_key.public_key()),
             False),
            (x509.SubjectAlternativeName([x509.RFC822Name(claims["email"])]), True),
            (x509.UnrecognizedExtension(ISSUER_V1, claims["iss"].encode()), False),
            (x509.UnrecognizedExtension(ISSUER_V2, _der_utf8(claims["iss"])), False),
        ]

        def build(extra: list[tuple[x509.ExtensionType, bool]]) -> x509.Certificate:
            b = (x509.CertificateBuilder().subject_name(x509.Name([]))
                 .issuer_name(self.ca_cert.subject).public_key(csr.public_key())
                 .serial_number(serial).not_valid_before(now)
                 .not_valid_after(now + timedelta(minutes=10)))
            for ext, critical in [*exts, *extra]:
                b = b.add_extension(ext, critical=critical)
            return b.sign(self.ca_key, hashes.SHA256())

        # The CT log signs the precertificate's TBS: the final certificate without its SCT list.
        tbs = build([]).tbs_certificate_bytes
        ts = int(time.time() * 1000)
        signed = struct.pack("!BBQH", 0, 0, ts, 1) + _key_id(self.ca_key) + \
            len(tbs).to_bytes(3, "big") + tbs + struct.pack("!H", 0)
        sig = self.ct_key.sign(signed, ec.ECDSA(hashes.SHA256()))
        sct = struct.pack("!B", 0) + _key_id(self.ct_key) + struct.pack("!QH", ts, 0) + \
            struct.pack("!BBH", 4, 3, len(sig)) + sig
        sct_list = struct.pack("!H", len(sct) + 2) + struct.pack("!H", len(sct)) + sct
        cert = build([(x509.UnrecognizedExtension(SCT_LIST, _der_octets(sct_list)), False)])
        assert cert.tbs_precertificate_bytes == tbs
        return [c.public_bytes(serialization.Encoding.PEM).decode()
                for c in (cert, self.ca_cert)]

    # -- Rekor -----------------------------------------------------------------------------

    def _log_entry(self, proposed: dict[str, Any]) -> dict[str, Any]:
        from sigstore.dsse import _pae

        if proposed.get("kind") != "dsse" or proposed.get("apiVersion") != "0.0.1":
            raise ValueError("only dsse 0.0.1 entries are supported")
        content = proposed["spec"]["proposedContent"]
        envelope = json.loads(content["envelope"])
        payload = base64.b64decode(envelope["payload"])
        verifier_b64 = content["verifiers"][0]
        cert = x509.load_pem_x509_certificate(base64.b64decode(verifier_b64))
        sigs = []
        for s in envelope["signatures"]:
            raw = base64.b64decode(s["sig"])
            cert.public_key().verify(raw, _pae(envelope["payloadType"], payload),
                                     ec.ECDSA(hashes.SHA256()))
            sigs.append({"signature": s["sig"], "verifier": verifier_b64})
        body = rfc8785.dumps({"apiVersion": "0.0.1", "kind": "dsse", "spec": {
            "envelopeHash": {"algorithm": "sha256",
                             "value": hashlib.sha256(content["envelope"].encode()).hexdigest()},
            "payloadHash": {"algorithm": "sha256", "value": hashlib.sha256(payload).hexdigest()},
            "signatures": sigs}})
        with self._lock:
            index = len(self.leaves)
            self.leaves.append(_leaf(body))
            leaves = list(self.leaves)
        root = _mth(leaves)
        log_id = _key_id(self.rekor_key)
        origin = "rekor-double - 1"
        note = f"{origin}\n{len(leaves)}\n{_b64(root)}\n"
        note_sig = self.rekor_key.sign(note.encode(), ec.ECDSA(hashes.SHA256()))
        checkpoint = f"{note}\n\u2014 rekor-double {_b64(log_id[:4] + note_sig)}\n"
        integrated = int(time.time())
        set_payload = rfc8785.dumps({"body": _b64(body), "integratedTime": integrated,
                                     "logID": log_id.hex(), "logIndex": index})
        set_sig = self.rekor_key.sign(set_payload, ec.ECDSA(hashes.SHA256()))
        return {hashlib.sha256(body).hexdigest(): {
            "body": _b64(body), "integratedTime": integrated, "logID": log_id.hex(),
            "logIndex": index,
            "verification": {
                "inclusionProof": {"checkpoint": checkpoint, "logIndex": index,
                                   "hashes": [h.hex() for h in _path(index, leaves)],
                                   "rootHash": root.hex(), "treeSize": len(leaves)},
                "signedEntryTimestamp": _b64(set_sig)}}}

    # -- trust ----------------------------------------------------------------------------

    def trust_config(self) -> dict[str, Any]:
        start = {"start": "2020-01-01T00:00:00Z"}

        def log(key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
            return {"baseUrl": self.base, "hashAlgorithm": "SHA2_256",
                    "publicKey": {"rawBytes": _b64(_spki(key)),
                                  "keyDetails": "PKIX_ECDSA_P256_SHA_256", "validFor": start},
                    "logId": {"keyId": _b64(_key_id(key))}}

        def service(url: str) -> dict[str, Any]:
            return {"url": url, "majorApiVersion": 1, "validFor": start,
                    "operator": "tracemark-test"}

        root = {
            "mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
            "tlogs": [log(self.rekor_key)],
            "certificateAuthorities": [{
                "subject": {"organization": "tracemark-test", "commonName": "fulcio-double"},
                "uri": self.base,
                "certChain": {"certificates": [{"rawBytes": _b64(self.ca_cert.public_bytes(
                    serialization.Encoding.DER))}]},
                "validFor": start}],
            "ctlogs": [log(self.ct_key)],
            "timestampAuthorities": [],
        }
        signing = {
            "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
            "caUrls": [service(self.base)], "oidcUrls": [service(self.base)],
            "rekorTlogUrls": [service(self.base)], "tsaUrls": [],
            "rekorTlogConfig": {"selector": "ANY"}, "tsaConfig": {"selector": "ANY"},
        }
        return {"mediaType": "application/vnd.dev.sigstore.clienttrustconfig.v0.1+json",
                "trustedRoot": root, "signingConfig": signing}

    # -- HTTP -----------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _send(self, status: int, doc: Any) -> None:
                data = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                double.requests.append(f"GET {url.path}")
                if url.path == "/.well-known/openid-configuration":
                    self._send(200, {"issuer": double.issuer, "jwks_uri": f"{double.base}/jwks",
                                     "authorization_endpoint": f"{double.base}/auth",
                                     "token_endpoint": f"{double.base}/token"})
                elif url.path == "/jwks":
                    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(
                        double.oidc_key.public_key()))
                    self._send(200, {"keys": [{**jwk, "kid": "double", "use": "sig"}]})
                elif url.path == "/gha/token":
                    if self.headers.get("Authorization") != f"bearer {REQUEST_TOKEN}":
                        self._send(401, {"message": "bad request token"})
                        return
                    aud = parse_qs(url.query).get("audience", ["sigstore"])[0]
                    if aud != "sigstore":
                        self._send(400, {"message": f"audience {aud!r}"})
                        return
                    self._send(200, {"count": 1, "value": double.mint_token()})
                else:
                    self._send(404, {"message": "not found"})

            def do_POST(self) -> None:
                url = urlparse(self.path)
                double.requests.append(f"POST {url.path}")
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                try:
                    if url.path == "/api/v2/signingCert":
                        auth = self.headers.get("Authorization", "")
                        token = auth.removeprefix("Bearer ").strip()
                        chain = double._issue(token, base64.b64decode(
                            body["certificateSigningRequest"]))
                        self._send(200, {"signedCertificateEmbeddedSct": {
                            "chain": {"certificates": chain}}})
                    elif url.path == "/api/v1/log/entries":
                        self._send(201, double._log_entry(body))
                    else:
                        self._send(404, {"message": "not found"})
                except Exception as err:  # what the real services answer: an error message
                    self._send(400, {"code": 400, "message": str(err)})

        return Handler
