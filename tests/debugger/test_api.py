"""The debugger's API endpoints over real HTTP: good and bad input for each."""

from __future__ import annotations

import base64
import datetime
import importlib.util
import json
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import jotkit
from jotkit import Key, jws
from jotkit.debugger import DebuggerServer, make_app

from .._vectors import load_json, load_text
from ._client import Response, post

SECRET = b"s" * 32
NOW = int(jotkit._time.now())


def hs256(claims: dict[str, Any], **headers: Any) -> str:
    return jotkit.encode(claims, SECRET, alg="HS256", headers=headers or None)


def es256() -> Key:
    return Key.generate("ES256", kid="k1")


def ok(response: Response) -> Any:
    assert response.status == 200, response.json
    return response.json


class TestDecode:
    """/api/decode: the parts, header and claims, explained, NOT verified."""

    def test_jws(self, server: DebuggerServer) -> None:
        """Header and claims as JSON and as explained rows, times made human."""
        token = hs256(
            {"sub": "a", "exp": NOW + 3 * 86400 + 3600, "iat": NOW - 2 * 86400 - 600, "custom": 1}
        )
        result = ok(post(server, "decode", {"token": token}))
        assert result["kind"] == "jws"
        assert result["parts"] == ["header", "payload", "signature"]
        assert result["header"] == {"alg": "HS256", "typ": "JWT"}
        assert result["claims"]["custom"] == 1
        rows = {row["name"]: row for row in result["claims_table"]}
        assert rows["sub"]["description"].startswith("Subject")
        assert rows["custom"]["description"] is None
        assert rows["exp"]["time"]["status"] == "ok"
        # Whole days: the clock moving during the test does not change the phrase.
        assert rows["exp"]["time"]["relative"] == "valid for 3 days"
        assert rows["iat"]["time"]["relative"] == "2 days ago"
        expected = datetime.datetime.fromtimestamp(NOW + 3 * 86400 + 3600, tz=datetime.timezone.utc)
        assert rows["exp"]["time"]["utc"] == expected.strftime("%Y-%m-%d %H:%M:%S UTC")
        assert {row["name"] for row in result["header_table"]} == {"alg", "typ"}

    def test_expired_and_not_yet_valid(self, server: DebuggerServer) -> None:
        """An expired ``exp`` and a future ``nbf`` are flagged."""
        token = hs256({"exp": NOW - 86400 - 300, "nbf": NOW + 2 * 86400 + 600})
        rows = {r["name"]: r for r in ok(post(server, "decode", {"token": token}))["claims_table"]}
        assert rows["exp"]["time"]["status"] == "expired"
        assert rows["exp"]["time"]["relative"] == "expired 1 day ago"
        assert rows["nbf"]["time"]["status"] == "not_yet_valid"
        assert rows["nbf"]["time"]["relative"] == "not valid for another 2 days"

    def test_non_numeric_time(self, server: DebuggerServer) -> None:
        """A time claim that is not a number has no human time (and no crash)."""
        payload = json.dumps({"exp": "tomorrow", "iat": 1e300}).encode()
        token = jws.sign_compact(payload, Key.from_secret(SECRET), alg="HS256")
        rows = {r["name"]: r for r in ok(post(server, "decode", {"token": token}))["claims_table"]}
        assert rows["exp"]["time"] is None
        assert rows["iat"]["time"] is None

    def test_jws_of_text(self, server: DebuggerServer) -> None:
        """A JWS whose payload is not a JSON object shows the payload as text."""
        token = jws.sign_compact(b"hello", Key.from_secret(SECRET), alg="HS256")
        result = ok(post(server, "decode", {"token": token}))
        assert result["claims"] is None
        assert result["payload_text"] == "hello"

    def test_jwe(self, server: DebuggerServer) -> None:
        """A JWE shows its protected header and five parts."""
        key = Key.generate("A256KW")
        token = jotkit.jwe.encrypt_compact(b"{}", key, alg="A256KW", enc="A256GCM")
        result = ok(post(server, "decode", {"token": token}))
        assert result["kind"] == "jwe"
        assert len(result["parts"]) == 5
        assert result["header"] == {"alg": "A256KW", "enc": "A256GCM"}

    @pytest.mark.parametrize(
        ("token", "code"),
        [
            ("garbage", "malformed_jwt"),
            ("a.b.c", "malformed_jwt"),
            ("e30.e30", "malformed_jwt"),
            ("x" * 300_000, "exceeded_limit"),
            ('{"payload": ""}', "malformed_jwt"),
        ],
    )
    def test_malformed(self, server: DebuggerServer, token: str, code: str) -> None:
        """Garbage gets a 422 with the library's error code."""
        response = post(server, "decode", {"token": token})
        assert response.status == 422
        assert response.error_code == code

    @pytest.mark.parametrize("body", [{}, {"token": 5}, {"token": ["a"]}])
    def test_bad_request(self, server: DebuggerServer, body: dict[str, Any]) -> None:
        """A missing or non-string token: 400."""
        response = post(server, "decode", body)
        assert response.status == 400
        assert response.error_code == "bad_request"

    def test_x5c_not_trusted(self, server: DebuggerServer) -> None:
        """An embedded certificate is described and labelled not trusted."""
        cert = _certificate()
        der = base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()
        token = hs256({"sub": "a"}, x5c=[der, "!!notbase64"])
        certs = ok(post(server, "decode", {"token": token}))["certificates"]
        assert certs[0]["subject"] == "CN=debugger.test"
        assert certs[0]["issuer"] == "CN=debugger.test"
        assert certs[0]["trust"] == "not trusted (no anchors configured)"
        assert certs[0]["sha256"] == cert.fingerprint(hashes.SHA256()).hex()
        assert certs[1] == {"error": "not a base64 DER X.509 certificate"}

    @pytest.mark.parametrize(
        ("x5c", "error"),
        [
            ("MIIB", "x5c is not a list of certificates"),
            ([7], "not a base64 DER X.509 certificate"),
        ],
    )
    def test_x5c_malformed(self, server: DebuggerServer, x5c: Any, error: str) -> None:
        """An x5c that is not a list of base64 strings is reported, not raised."""
        certs = ok(post(server, "decode", {"token": hs256({}, x5c=x5c)}))["certificates"]
        assert certs == [{"error": error}]

    def test_lint(self, server: DebuggerServer) -> None:
        """The CLI's lint findings come with the decoded token: signed is not secret."""
        result = ok(post(server, "decode", {"token": hs256({"sub": "a", "password": "x"})}))
        assert result["lint"] == "ok"
        codes = {f["code"]: f for f in result["findings"]}
        assert {"JK102", "JK103", "JK105", "JK106"} <= set(codes)
        assert codes["JK102"]["severity"] == "high"
        assert codes["JK102"]["where"] == "claims.password"


def _certificate() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "debugger.test")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )


class TestVerify:
    """/api/verify: which check failed, with its error code."""

    @pytest.mark.parametrize(
        ("encoding", "value"),
        [
            ("utf8", SECRET.decode()),
            ("base64url", base64.urlsafe_b64encode(SECRET).decode().rstrip("=")),
            ("hex", SECRET.hex()),
        ],
    )
    def test_secret_encodings(self, server: DebuggerServer, encoding: str, value: str) -> None:
        """A secret as UTF-8, base64url or hex verifies the same token."""
        key = {"type": "secret", "value": value, "encoding": encoding}
        body = {"token": hs256({"sub": "a"}), "key": key, "algorithms": ["HS256"]}
        result = ok(post(server, "verify", body))
        assert result["valid"] is True
        assert result["claims"]["claims"] == {"sub": "a"}

    def test_pem_jwk_jwks(self, server: DebuggerServer) -> None:
        """A PEM, a JWK and a JWKS (by the token's kid, or a chosen kid) all verify."""
        key, other = es256(), Key.generate("ES256", kid="k2")
        token = jotkit.encode({"sub": "a"}, key)
        jwks = json.dumps({"keys": [other.to_jwk(), key.to_jwk()]})
        for spec in (
            {"type": "pem", "value": key.to_pem().decode()},
            {"type": "jwk", "value": json.dumps(key.to_jwk())},
            {"type": "jwks", "value": jwks},
            {"type": "jwks", "value": jwks, "kid": "k1"},
        ):
            result = ok(
                post(server, "verify", {"token": token, "key": spec, "algorithms": "ES256"})
            )
            assert result["valid"] is True, spec
            assert result["signature"]["key"]["thumbprint"] == key.thumbprint()

    def test_chosen_kid_overrides(self, server: DebuggerServer) -> None:
        """Choosing another kid of the set checks against that key: the signature fails."""
        key, other = es256(), Key.generate("ES256", kid="k2")
        jwks = json.dumps({"keys": [other.to_jwk(), key.to_jwk()]})
        spec = {"type": "jwks", "value": jwks, "kid": "k2"}
        body = {"token": jotkit.encode({}, key), "key": spec, "algorithms": ["ES256"]}
        result = ok(post(server, "verify", body))
        assert result["signature"]["error"]["code"] == "invalid_signature"

    def test_bad_signature(self, server: DebuggerServer) -> None:
        """A wrong secret: the signature check failed, claims not checked."""
        spec = {"type": "secret", "value": "t" * 32}
        body = {"token": hs256({"sub": "a"}), "key": spec, "algorithms": ["HS256"]}
        result = ok(post(server, "verify", body))
        assert result["valid"] is False
        assert result["signature"] == {
            "ok": False,
            "error": {"code": "invalid_signature", "message": "signature verification failed"},
        }
        assert result["claims"] is None

    def test_alg_not_allowed(self, server: DebuggerServer) -> None:
        """A token alg outside the list is refused with its code."""
        spec = {"type": "secret", "value": SECRET.decode()}
        body = {"token": hs256({}), "key": spec, "algorithms": ["HS512"]}
        assert ok(post(server, "verify", body))["signature"]["error"]["code"] == (
            "algorithm_not_allowed"
        )

    @pytest.mark.parametrize(
        ("claims", "extra", "code", "claim"),
        [
            ({"exp": NOW - 60}, {}, "expired", "exp"),
            ({"nbf": NOW + 3600}, {}, "not_yet_valid", "nbf"),
            ({"aud": "x"}, {"audience": "y"}, "invalid_claim", "aud"),
            ({"iss": "a"}, {"issuer": "b"}, "invalid_claim", "iss"),
        ],
    )
    def test_claims_fail(
        self,
        server: DebuggerServer,
        claims: dict[str, Any],
        extra: dict[str, Any],
        code: str,
        claim: str,
    ) -> None:
        """A good signature with a bad claim: the claims check failed, naming the claim."""
        spec = {"type": "secret", "value": SECRET.decode()}
        body = {"token": hs256(claims), "key": spec, "algorithms": ["HS256"], **extra}
        result = ok(post(server, "verify", body))
        assert result["signature"]["ok"] is True
        assert result["claims"]["ok"] is False
        assert result["claims"]["error"]["code"] == code
        assert result["claims"]["error"]["claim"] == claim

    def test_leeway(self, server: DebuggerServer) -> None:
        """Leeway lets a just-expired token through."""
        spec = {"type": "secret", "value": SECRET.decode()}
        body = {"token": hs256({"exp": NOW - 60}), "key": spec, "algorithms": ["HS256"]}
        assert ok(post(server, "verify", dict(body, leeway=3600)))["valid"] is True
        assert post(server, "verify", dict(body, leeway=-1)).status == 400

    @pytest.mark.parametrize(
        ("spec", "status", "code"),
        [
            ({"type": "secret", "value": "zz", "encoding": "hex"}, 422, "invalid_key"),
            ({"type": "secret", "value": "a+b/", "encoding": "base64url"}, 422, "invalid_key"),
            ({"type": "secret", "value": "x" * 32, "encoding": "rot13"}, 400, "bad_request"),
            ({"type": "pem", "value": "not a pem"}, 422, "invalid_key"),
            ({"type": "jwk", "value": "{"}, 422, "malformed"),
            ({"type": "jwk", "value": '{"kty": "EC"}'}, 422, "invalid_key"),
            ({"type": "jwks", "value": '{"keys": 1}'}, 422, "invalid_key"),
            ({"type": "jwks", "value": '{"keys": []}', "kid": "k9"}, 422, "key_not_found"),
            ({"type": "magic", "value": "x"}, 400, "bad_request"),
            ({"type": "pem"}, 400, "bad_request"),
            ("a string", 400, "bad_request"),
            ({"type": "pem", "value": "x" * 300_000}, 400, "bad_request"),
        ],
    )
    def test_bad_keys(self, server: DebuggerServer, spec: Any, status: int, code: str) -> None:
        """An unusable key is refused with a code, never a crash."""
        body = {"token": hs256({}), "key": spec, "algorithms": ["HS256"]}
        response = post(server, "verify", body)
        assert response.status == status, response.json
        assert response.error_code == code

    def test_weak_secret(self, server: DebuggerServer) -> None:
        """A secret shorter than the hash: the signature check fails on the key, saying why."""
        body = {
            "token": hs256({}),
            "key": {"type": "secret", "value": "short"},
            "algorithms": ["HS256"],
        }
        error = ok(post(server, "verify", body))["signature"]["error"]
        assert error["code"] == "invalid_key"
        assert "256 bits" in error["message"]
        assert "JK107" in {f["code"] for f in ok(post(server, "verify", body))["findings"]}

    def test_public_key_as_secret(self, server: DebuggerServer) -> None:
        """A PEM pasted as an HMAC secret is refused (CVE-2022-29217)."""
        spec = {"type": "secret", "value": es256().to_pem().decode()}
        body = {"token": hs256({}), "key": spec, "algorithms": ["HS256"]}
        assert post(server, "verify", body).error_code == "invalid_key"

    def test_jwks_url(self, server: DebuggerServer) -> None:
        """A JWKS URL needs the remote layer; without it the answer says which extra."""
        spec = {"type": "jwks_url", "value": "https://127.0.0.1:1/jwks"}
        token = jotkit.encode({}, es256())
        response = post(server, "verify", {"token": token, "key": spec, "algorithms": "ES256"})
        if importlib.util.find_spec("jotkit.remote") is None:
            assert response.status == 400
            assert "jotkit[remote]" in response.json["error"]["message"]
        else:
            assert response.json["signature"]["error"]["code"] == "key_set_unavailable"

    def test_bad_algorithms(self, server: DebuggerServer) -> None:
        """``algorithms`` must be names."""
        spec = {"type": "secret", "value": SECRET.decode()}
        body = {"token": hs256({}), "key": spec, "algorithms": [1]}
        assert post(server, "verify", body).status == 400


class TestEncode:
    """/api/encode: the token the page makes verifies in Python."""

    def test_with_secret(self, server: DebuggerServer) -> None:
        """Signed with a given secret and extra header members."""
        body = {
            "header": {"alg": "HS256", "typ": "JWT", "kid": "s1"},
            "claims": {"sub": "a", "n": [1, 2]},
            "key": {"type": "secret", "value": SECRET.hex(), "encoding": "hex"},
        }
        token = ok(post(server, "encode", body))["token"]
        decoded = jotkit.decode_complete(token, SECRET, algorithms=["HS256"])
        assert decoded.claims == {"sub": "a", "n": [1, 2]}
        assert decoded.header == {"alg": "HS256", "typ": "JWT", "kid": "s1"}

    @pytest.mark.parametrize("alg", ["ES256", "RS256", "EdDSA", "HS384"])
    def test_generated_key(self, server: DebuggerServer, alg: str) -> None:
        """A generated key signs; its returned JWK verifies the token."""
        body = {"header": {"alg": alg}, "claims": {"sub": "g"}, "generate": True}
        result = ok(post(server, "encode", body))
        generated = result["generated_key"]
        public = Key.from_jwk(
            generated["private_jwk"] if alg.startswith("HS") else generated["jwk"]
        )
        assert jotkit.decode(result["token"], public, algorithms=[alg]) == {"sub": "g"}
        assert jotkit.unverified(result["token"]).header == {"alg": alg}

    def test_with_private_jwk(self, server: DebuggerServer) -> None:
        """A private JWK signs."""
        key = es256()
        spec = {"type": "jwk", "value": json.dumps(key.to_jwk(private=True))}
        body = {"header": {"alg": "ES256", "typ": "JWT"}, "claims": {"a": 1}, "key": spec}
        token = ok(post(server, "encode", body))["token"]
        assert jotkit.decode(token, key.public(), algorithms=["ES256"]) == {"a": 1}

    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            ({"header": {}, "claims": {}, "generate": True}, 400, "bad_request"),
            ({"header": {"alg": "HS256"}, "claims": [], "generate": True}, 400, "bad_request"),
            ({"header": {"alg": "XX1"}, "claims": {}, "generate": True}, 400, "bad_request"),
            (
                {"header": {"alg": "HS256", "crit": ["b64"]}, "claims": {}, "generate": True},
                400,
                "bad_request",
            ),
            (
                {
                    "header": {"alg": "ES256"},
                    "claims": {},
                    "key": {"type": "jwks", "value": '{"keys": []}'},
                },
                400,
                "bad_request",
            ),
            (
                {
                    "header": {"alg": "ES256"},
                    "claims": {},
                    "key": {"type": "secret", "value": "s" * 32},
                },
                422,
                "invalid_key",
            ),
        ],
    )
    def test_bad_input(
        self, server: DebuggerServer, body: dict[str, Any], status: int, code: str
    ) -> None:
        """No alg, non-object claims, an unknown alg, a forbidden header, a wrong key."""
        response = post(server, "encode", body)
        assert response.status == status, response.json
        assert response.error_code == code

    def test_public_key_cannot_sign(self, server: DebuggerServer) -> None:
        """A public PEM cannot sign."""
        spec = {"type": "pem", "value": es256().to_pem().decode()}
        response = post(server, "encode", {"header": {"alg": "ES256"}, "claims": {}, "key": spec})
        assert response.status in (400, 422)
        assert response.json["error"]["code"] in ("invalid_key", "bad_request")


class TestKeys:
    """/api/convert and /api/generate: PEM <-> JWK, thumbprints."""

    def test_rfc7638_thumbprint(self, server: DebuggerServer) -> None:
        """The RFC 7638 section 3.1 key has the RFC's thumbprint, and a RFC 9278 URI."""
        spec = {"type": "jwk", "value": json.dumps(load_json("latchset-jose/rfc7638_3.1.jwk"))}
        result = ok(post(server, "convert", {"key": spec}))
        thumbprint = load_text("latchset-jose/rfc7638_3.1.thp")
        assert result["thumbprint"] == thumbprint
        assert result["thumbprint_uri"] == (
            f"urn:ietf:params:oauth:jwk-thumbprint:sha-256:{thumbprint}"
        )
        assert Key.from_pem(result["pem"]).thumbprint() == thumbprint

    def test_pem_to_jwk(self, server: DebuggerServer) -> None:
        """A private PEM gives the public JWK, and the private one when asked."""
        key = Key.generate("RS256")
        spec = {"type": "pem", "value": key.to_pem(private=True).decode()}
        public = ok(post(server, "convert", {"key": spec}))
        assert public["jwk"] == Key.from_pem(key.to_pem()).to_jwk()
        assert public["thumbprint"] == key.thumbprint()
        assert "private_jwk" not in public
        private = ok(post(server, "convert", {"key": spec, "private": True}))
        assert Key.from_jwk(private["private_jwk"]).to_jwk(private=True) == Key.from_pem(
            private["private_pem"]
        ).to_jwk(private=True)

    def test_secret_has_no_pem(self, server: DebuggerServer) -> None:
        """A secret has a thumbprint but no public JWK or PEM."""
        result = ok(post(server, "convert", {"key": {"type": "secret", "value": "k" * 32}}))
        assert result["jwk"] is None
        assert result["pem"] is None
        assert result["thumbprint"] == Key.from_secret(b"k" * 32).thumbprint()

    @pytest.mark.parametrize(
        ("spec", "code"),
        [
            (
                {
                    "type": "pem",
                    "value": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
                },
                "invalid_key",
            ),
            ({"type": "jwks", "value": '{"keys": []}'}, "bad_request"),
            (None, "bad_request"),
        ],
    )
    def test_bad_convert(self, server: DebuggerServer, spec: Any, code: str) -> None:
        """A broken PEM, a set, or no key: refused with a code."""
        assert post(server, "convert", {"key": spec}).error_code == code

    @pytest.mark.parametrize("alg", ["ES384", "RSA-OAEP-256", "A128GCM"])
    def test_generate(self, server: DebuggerServer, alg: str) -> None:
        """A generated key is private, bound to its alg, and imports back."""
        result = ok(post(server, "generate", {"alg": alg, "kid": "g1"}))
        key = Key.from_jwk(result["private_jwk"])
        assert key.is_private
        assert key.alg == alg
        assert key.kid == "g1"
        assert key.thumbprint() == result["thumbprint"]

    @pytest.mark.parametrize("body", [{}, {"alg": "nope"}, {"alg": "dir"}, {"alg": 3}])
    def test_generate_bad(self, server: DebuggerServer, body: dict[str, Any]) -> None:
        """No alg or an unknown one: 400."""
        assert post(server, "generate", body).error_code == "bad_request"


class TestDecrypt:
    """/api/decrypt: a JWE with a key and allow-lists."""

    def _jwe(self) -> tuple[Key, str]:
        key = Key.generate("RSA-OAEP-256")
        token = jotkit.jwe.encrypt_compact(
            b'{"sub": "e"}', key.public(), alg="RSA-OAEP-256", enc="A256GCM"
        )
        return key, token

    def test_decrypt(self, server: DebuggerServer) -> None:
        """The private key decrypts; JSON plaintext comes back as claims."""
        key, token = self._jwe()
        spec = {"type": "pem", "value": key.to_pem(private=True).decode()}
        body = {
            "token": token,
            "key": spec,
            "algorithms": "RSA-OAEP-256",
            "encryptions": ["A256GCM"],
        }
        result = ok(post(server, "decrypt", body))
        assert result["claims"] == {"sub": "e"}
        assert result["header"] == {"alg": "RSA-OAEP-256", "enc": "A256GCM"}

    def test_text_plaintext(self, server: DebuggerServer) -> None:
        """A non-JSON plaintext comes back as text."""
        key = Key.generate("A128KW")
        token = jotkit.jwe.encrypt_compact(b"plain", key, alg="A128KW", enc="A128GCM")
        spec = {"type": "jwk", "value": json.dumps(key.to_jwk(private=True))}
        body = {"token": token, "key": spec, "algorithms": ["A128KW"], "encryptions": ["A128GCM"]}
        result = ok(post(server, "decrypt", body))
        assert result == {
            "header": {"alg": "A128KW", "enc": "A128GCM"},
            "plaintext": "plain",
            "claims": None,
        }

    def test_wrong_key(self, server: DebuggerServer) -> None:
        """Another key: decryption_failed, the fixed message."""
        _, token = self._jwe()
        other = Key.generate("RSA-OAEP-256")
        spec = {"type": "jwk", "value": json.dumps(other.to_jwk(private=True))}
        body = {
            "token": token,
            "key": spec,
            "algorithms": ["RSA-OAEP-256"],
            "encryptions": ["A256GCM"],
        }
        response = post(server, "decrypt", body)
        assert response.status == 422
        assert response.json["error"] == {
            "code": "decryption_failed",
            "message": "decryption failed",
        }

    def test_allow_lists(self, server: DebuggerServer) -> None:
        """Both allow-lists are required, and enforced."""
        key, token = self._jwe()
        spec = {"type": "jwk", "value": json.dumps(key.to_jwk(private=True))}
        missing = post(
            server, "decrypt", {"token": token, "key": spec, "algorithms": ["RSA-OAEP-256"]}
        )
        assert missing.error_code == "bad_request"
        body = {"token": token, "key": spec, "algorithms": ["RSA-OAEP"], "encryptions": ["A256GCM"]}
        assert post(server, "decrypt", body).error_code == "algorithm_not_allowed"

    def test_malformed(self, server: DebuggerServer) -> None:
        """A JWS given to decrypt: malformed."""
        spec = {"type": "secret", "value": SECRET.decode()}
        body = {
            "token": hs256({}),
            "key": spec,
            "algorithms": ["A128KW"],
            "encryptions": ["A128GCM"],
        }
        response = post(server, "decrypt", body)
        assert response.status == 422
        assert response.error_code.startswith("malformed")


class TestAnchors:
    """``serve(anchors=...)``: an x5c chain is trusted only when it validates against them."""

    def test_anchored_chain(self) -> None:
        """With anchors, the chain is checked by jotkit.x509 (or says that layer is missing):
        a leaf under an intermediate under the anchored root, valid today."""
        from tests.x509._pki import make_cert, p256

        now = datetime.datetime.now(datetime.timezone.utc)
        window: dict[str, Any] = {
            "not_before": now - datetime.timedelta(days=1),
            "not_after": now + datetime.timedelta(days=30),
        }
        root_key, inter_key, leaf_key = p256(), p256(), p256()
        root = make_cert("Root", root_key, ca=True, **window)
        inter = make_cert("Inter", inter_key, (root, root_key), ca=True, path_length=0, **window)
        leaf = make_cert("anchor.test", leaf_key, (inter, inter_key), **window)
        signer = Key.from_cryptography(leaf_key, alg="ES256").with_certificates([leaf, inter])
        token = jotkit.encode({"sub": "a"}, signer, headers=signer.x5c_headers())
        pem = root.public_bytes(serialization.Encoding.PEM)
        app = make_app(anchors=[pem]).start()
        try:
            certs = ok(post(app, "decode", {"token": token}))["certificates"]
        finally:
            app.stop()
        assert certs[0]["subject"] == "CN=anchor.test"
        if importlib.util.find_spec("jotkit.x509") is None:
            assert certs[0]["trust"] == (
                "not trusted (anchors configured, but jotkit.x509 is not installed)"
            )
        else:
            assert certs[0]["trust"].startswith("trusted"), certs[0]["trust"]
