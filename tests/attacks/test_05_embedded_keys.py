"""Attack class 5: keys carried in the token (``jwk``, ``x5c``) or named by URL (``jku``, ``x5u``).

Pins: CVE-2018-0114 (node-jose: the public key embedded in the ``jwk`` header was used
to verify the token it came with), the ``jku``/``x5u`` key-injection and SSRF family
(RFC 8725 section 3.10: never fetch from an unchecked URL), and ``kid`` injection (path
traversal to ``/dev/null`` for an empty HMAC key, SQL injection into a key store).
jotkit never reads a key from the header and never fetches anything (DESIGN section 3.3);
``kid`` is an opaque look-up hint, compared byte for byte.
"""

from __future__ import annotations

import base64
import datetime
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from jotkit import Key, KeySet, jws, jwt
from jotkit.errors import InvalidSignatureError, KeyNotFoundError

from ._forge import SECRET, b64, ec_key, es_sign, hs_token, rejects, signing_input

CLAIMS = b'{"sub":"admin"}'


def _attacker_jwk(index: int = 7) -> dict[str, Any]:
    return Key.from_cryptography(ec_key("P-256", index).public_key()).to_jwk()


def _forged(extra: dict[str, Any]) -> str:
    """An ES256 token signed with the attacker's own key, carrying ``extra`` header members."""
    head = signing_input({"alg": "ES256", **extra}, CLAIMS)
    return head + "." + b64(es_sign(ec_key("P-256", 7), head))


def _legit() -> Key:
    return Key.from_cryptography(ec_key("P-256", 1).public_key(), kid="legit")


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared on purpose, reset per server

    def do_GET(self) -> None:
        _Recorder.hits.append(self.path)
        body = json.dumps({"keys": [dict(_attacker_jwk(), kid="evil")]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr logging."""


@pytest.fixture
def attacker_server() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server hosting the attacker's JWKS; yields (base URL, hits)."""
    _Recorder.hits = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.hits
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@contextmanager
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """Record every outgoing socket connection attempted inside the block."""
    attempts: list[Any] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: Any) -> None:
        attempts.append(address)
        real_connect(self, address)

    with monkeypatch.context() as patch:
        patch.setattr(socket.socket, "connect", connect)
        yield attempts


def _self_signed() -> x509.Certificate:
    key = ec_key("P-256", 7)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "attacker")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=365))
        .sign(key, hashes.SHA256())
    )


class TestEmbeddedKeys:
    """A key inside the header is never used to verify the token carrying it."""

    def test_jwk_header_against_a_key(self) -> None:
        """The attacker signs with their key and embeds it: the verifier's key decides."""
        token = _forged({"jwk": _attacker_jwk()})
        rejects(InvalidSignatureError, jws.verify_compact, token, _legit(), algorithms=["ES256"])

    def test_jwk_header_against_an_empty_set(self) -> None:
        """An empty key set does not fall back to the embedded key."""
        token = _forged({"jwk": _attacker_jwk()})
        rejects(KeyNotFoundError, jws.verify_compact, token, KeySet([]), algorithms=["ES256"])

    def test_jwk_header_with_kid_of_a_real_key(self) -> None:
        """The embedded key reuses the legitimate kid: the set's key is used, and fails."""
        token = _forged({"kid": "legit", "jwk": dict(_attacker_jwk(), kid="legit")})
        keys = KeySet([_legit()])
        rejects(InvalidSignatureError, jws.verify_compact, token, keys, algorithms=["ES256"])

    def test_embedded_oct_jwk_for_hmac(self) -> None:
        """A symmetric JWK embedded for HS256 against an empty set."""
        evil = b"e" * 32
        token = hs_token({"alg": "HS256", "jwk": {"kty": "oct", "k": b64(evil)}}, CLAIMS, evil)
        rejects(KeyNotFoundError, jws.verify_compact, token, KeySet([]), algorithms=["HS256"])

    def test_x5c_self_signed_chain(self) -> None:
        """A self-signed certificate for the attacker's key in x5c."""
        der = _self_signed().public_bytes(Encoding.DER)
        token = _forged({"x5c": [base64.b64encode(der).decode("ascii")]})
        rejects(InvalidSignatureError, jws.verify_compact, token, _legit(), algorithms=["ES256"])

    def test_json_unprotected_jwk(self) -> None:
        """In the JSON serialization, the unprotected header's jwk is ignored just the same."""
        head, body, sig = _forged({}).split(".")
        obj = {"payload": body, "protected": head, "header": {"jwk": _attacker_jwk()}}
        obj["signature"] = sig
        rejects(InvalidSignatureError, jws.verify_json, obj, _legit(), algorithms=["ES256"])


class TestKeyURLsAreNeverFetched:
    """jku and x5u are not dereferenced: no connection is even attempted."""

    @pytest.mark.parametrize("member", ["jku", "x5u"])
    def test_against_a_key(
        self,
        member: str,
        attacker_server: tuple[str, list[str]],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """A URL on a live loopback server, against a single key."""
        url, hits = attacker_server
        token = _forged({member: url + "/jwks.json", "kid": "evil"})
        with no_network(monkeypatch) as attempts:
            rejects(
                InvalidSignatureError, jws.verify_compact, token, _legit(), algorithms=["ES256"]
            )
        assert hits == []
        assert attempts == []

    @pytest.mark.parametrize("member", ["jku", "x5u"])
    def test_against_a_key_set(
        self,
        member: str,
        attacker_server: tuple[str, list[str]],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """With a key set, the unknown kid is not looked up at the URL."""
        url, hits = attacker_server
        token = _forged({member: url + "/jwks.json", "kid": "evil"})
        with no_network(monkeypatch) as attempts:
            rejects(
                KeyNotFoundError,
                jws.verify_compact,
                token,
                KeySet([_legit()]),
                algorithms=["ES256"],
            )
        assert hits == []
        assert attempts == []

    def test_server_is_reachable(self, attacker_server: tuple[str, list[str]]) -> None:
        """Control: the attacker's server does answer, so 'no hits' means 'not fetched'."""
        import urllib.request

        url, hits = attacker_server
        with urllib.request.urlopen(url + "/probe", timeout=5) as response:
            assert json.loads(response.read())["keys"]
        assert hits == ["/probe"]


KID_INJECTIONS = [
    "../../../../../../dev/null",
    "/dev/null",
    "..\\..\\..\\windows\\win.ini",
    "' OR '1'='1",
    "legit' --",
    "legit\x00",
    "legit ",
    " legit",
    "LEGIT",
    "legit\u200b",
    "*",
    "",
    "$(touch /tmp/pwned)",
    "|cat /etc/passwd",
    "http://127.0.0.1/key",
]


class TestKidIsOpaque:
    """kid selects by exact equality only; injection strings select nothing."""

    @pytest.mark.parametrize("kid", KID_INJECTIONS, ids=ascii)
    def test_unknown_kid_in_a_set(self, kid: str) -> None:
        """An injected kid finds no key, whatever it looks like."""
        token = hs_token({"alg": "HS256", "kid": kid}, CLAIMS, b"")
        keys = KeySet([Key.from_secret(SECRET, kid="legit")])
        rejects(KeyNotFoundError, jws.verify_compact, token, keys, algorithms=["HS256"])

    @pytest.mark.parametrize("kid", ["/dev/null", "' OR '1'='1"])
    def test_empty_key_mac_against_a_key(self, kid: str) -> None:
        """A MAC made with the empty key (what /dev/null yields) never verifies."""
        token = hs_token({"alg": "HS256", "kid": kid}, CLAIMS, b"")
        key = Key.from_secret(SECRET, kid="legit")
        rejects(InvalidSignatureError, jws.verify_compact, token, key, algorithms=["HS256"])

    @pytest.mark.parametrize("kid", [1, 1.5, True, ["legit"], {"kid": "legit"}], ids=repr)
    def test_non_string_kid(self, kid: Any) -> None:
        """A kid that is not a string matches no key."""
        token = hs_token({"alg": "HS256", "kid": kid}, CLAIMS)
        keys = KeySet([Key.from_secret(SECRET, kid="legit")])
        rejects(KeyNotFoundError, jws.verify_compact, token, keys, algorithms=["HS256"])

    def test_resolver_sees_the_kid_verbatim(self) -> None:
        """A custom resolver receives the kid exactly as sent, unnormalised."""
        seen: list[Any] = []
        kid = "../k1\x00"

        def resolve(header: Any) -> Key:
            seen.append(header["kid"])
            return Key.from_secret(SECRET)

        token = hs_token({"alg": "HS256", "kid": kid}, CLAIMS, b"x" * 32)
        rejects(InvalidSignatureError, jws.verify_compact, token, resolve, algorithms=["HS256"])
        assert seen == [kid]


class TestJWTLayer:
    """jwt.decode ignores embedded keys just the same."""

    def test_decode_with_jwk_header(self) -> None:
        """A JWT signed by the attacker, their key in the header."""
        token = _forged({"jwk": _attacker_jwk(), "typ": "JWT"})
        rejects(InvalidSignatureError, jwt.decode, token, _legit(), algorithms=["ES256"])

    def test_decode_with_jku_and_empty_set(self, attacker_server: tuple[str, list[str]]) -> None:
        """A jku to a live server and an empty key set: nothing is fetched."""
        url, hits = attacker_server
        token = _forged({"jku": url + "/jwks.json", "kid": "evil"})
        rejects(KeyNotFoundError, jwt.decode, token, KeySet([]), algorithms=["ES256"])
        assert hits == []
