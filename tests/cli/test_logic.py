"""The Click-free logic the command and the debugger share: inspect_token and lint."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

import jotkit
from jotkit import Key, jwe, jws
from jotkit.cli.inspect import describe_time, humanize_seconds, inspect_token
from jotkit.cli.lint import CODES, MAX_FINDINGS_PER_CODE, Finding, lint
from jotkit.errors import DisclosureError, ExceededLimitError, JotkitError, MalformedError

NOW = 1_700_000_000
SECRET = b"k" * 32
HS = Key.from_secret(SECRET, alg="HS256")
ES = Key.generate("ES256", kid="es")


def b64(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def good_claims(**extra: Any) -> dict[str, Any]:
    return {"iss": "https://i", "aud": "api", "sub": "a", "iat": NOW, "exp": NOW + 600, **extra}


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


class TestInspect:
    """inspect_token: every serialization, times, and hostile input."""

    def test_jws_compact(self) -> None:
        """Header, claims, signature and annotated times; never verified."""
        token = jotkit.encode(good_claims(), HS)
        info = inspect_token(token, now=NOW + 60)
        assert info["kind"] == "JWS compact"
        assert info["verified"] is False
        assert info["header"] == {"alg": "HS256", "typ": "JWT"}
        assert info["claims"]["sub"] == "a"
        assert info["signature"] == token.rsplit(".", 1)[1]
        assert info["times"]["exp"]["relative"] == "valid for 9 more minutes"
        assert info["times"]["exp"]["state"] == "valid"
        assert info["times"]["exp"]["utc"] == "2023-11-14T22:23:20Z"
        assert info["times"]["iat"]["relative"] == "issued 1 minute ago"
        json.dumps(info)  # plain JSON values only

    def test_expired_and_not_yet_valid(self) -> None:
        """exp in the past is 'expired ... ago'; nbf in the future 'not valid yet'."""
        token = jotkit.encode({"exp": NOW - 180, "nbf": NOW + 3600}, HS)
        times = inspect_token(token, now=NOW)["times"]
        assert times["exp"]["relative"] == "expired 3 minutes ago"
        assert times["exp"]["state"] == "expired"
        assert times["nbf"]["state"] == "not_yet_valid"
        assert times["nbf"]["relative"] == "not valid yet: valid in 1 hour"

    def test_bad_time_values(self) -> None:
        """A non-number, a boolean and an out-of-range exp are 'invalid', not a crash."""
        assert describe_time("exp", "soon", NOW)["state"] == "invalid"
        assert describe_time("exp", True, NOW)["state"] == "invalid"
        assert describe_time("exp", 10**30, NOW)["state"] == "invalid"

    def test_humanize(self) -> None:
        """The largest unit, singular and plural."""
        assert humanize_seconds(1) == "1 second"
        assert humanize_seconds(-120) == "2 minutes"
        assert humanize_seconds(7200) == "2 hours"
        assert humanize_seconds(86400 * 3) == "3 days"

    def test_payload_not_json(self) -> None:
        """A JWS whose payload is not a JSON object shows it as text."""
        token = jws.sign_compact(b"hello", HS)
        info = inspect_token(token)
        assert info["payload"] == "hello"
        assert "claims" not in info

    def test_jws_json(self) -> None:
        """General JSON serialization: every signature's headers."""
        doc = jws.sign_json(
            b'{"sub":"x"}',
            [jws.Signer(HS, protected={"kid": "a"}), jws.Signer(ES, unprotected={"n": 1})],
        )
        info = inspect_token(json.dumps(doc))
        assert info["kind"] == "JWS JSON"
        assert info["claims"] == {"sub": "x"}
        assert [s["protected"]["alg"] for s in info["signatures"]] == ["HS256", "ES256"]
        assert info["signatures"][1]["header"] == {"n": 1}

    def test_jwe_compact_and_decrypt(self) -> None:
        """A JWE shows its header and part sizes; with the key, its claims."""
        aes = Key.generate("A128KW")
        token = jotkit.jwt.encrypt({"sub": "x"}, aes, key_alg="A128KW", enc="A128GCM")
        info = inspect_token(token)
        assert info["kind"] == "JWE compact"
        assert info["header"]["enc"] == "A128GCM"
        assert info["jwe"]["iv_bytes"] == 12
        assert "claims" not in info
        opened = inspect_token(token, key=aes)
        assert opened["claims"] == {"sub": "x"}
        assert opened["jwe"]["decrypted"] is True
        with pytest.raises(JotkitError):
            inspect_token(token, key=Key.generate("A128KW"))

    def test_nested_jwe(self) -> None:
        """A decrypted nested JWT shows the inner token, inspected."""
        aes = Key.generate("A256KW")
        token = jotkit.jwt.encode_nested(good_claims(), HS, aes, key_alg="A256KW", enc="A256GCM")
        nested = inspect_token(token, key=aes, now=NOW)["jwe"]["nested"]
        assert nested["kind"] == "JWS compact"
        assert nested["claims"]["iss"] == "https://i"
        assert nested["verified"] is False

    def test_jwe_json(self) -> None:
        """JWE JSON: shared protected header and each recipient's header."""
        doc = jwe.encrypt_json(
            b"hi",
            [jwe.Recipient(Key.generate("A128KW"), "A128KW", {"kid": "r1"})],
            enc="A128GCM",
        )
        info = inspect_token(json.dumps(doc))
        assert info["kind"] == "JWE JSON"
        assert info["header"]["enc"] == "A128GCM"
        assert info["recipients"] == [{"alg": "A128KW", "kid": "r1"}]

    def test_sd_jwt(self) -> None:
        """The issuer JWT and each disclosure decoded; a KB-JWT inspected."""
        disclosure = b64(["salt1", "given_name", "Alice"])
        element = b64(["salt2", "FR"])
        issuer = jotkit.encode({"_sd": ["x"], "_sd_alg": "sha-256"}, HS, typ="dc+sd-jwt")
        kb = jotkit.encode({"nonce": "n"}, ES, typ="kb+jwt")
        info = inspect_token(f"{issuer}~{disclosure}~{element}~{kb}")
        assert info["kind"] == "SD-JWT"
        found = info["sd_jwt"]["disclosures"]
        digest = jotkit._b64.b64encode_str(hashlib.sha256(disclosure.encode()).digest())
        assert found[0] == {
            "disclosure": disclosure,
            "salt": "salt1",
            "name": "given_name",
            "value": "Alice",
            "digest": digest,
        }
        assert found[1]["name"] is None
        assert found[1]["value"] == "FR"
        assert info["sd_jwt"]["key_binding"]["header"]["typ"] == "kb+jwt"
        # Nothing in the payload references them: processing names the rule.
        assert info["sd_jwt"]["processed"] is None
        assert "disclosure 0 is not referenced" in info["sd_jwt"]["problem"]
        plain = inspect_token(f"{issuer}~{disclosure}~")
        assert plain["sd_jwt"]["key_binding"] is None

    @pytest.mark.parametrize("serialization", ["compact", "flattened", "general"])
    def test_sd_jwt_processed(self, serialization: str) -> None:
        """An SD-JWT made by the library, in each serialization: its Disclosures applied."""
        from jotkit.profiles import sd_jwt

        claims = {"sub": "x", "email": sd_jwt.SD("a@example.com"), "n": [sd_jwt.SD(1), 2]}
        token = sd_jwt.issue(claims, ES, alg="ES256", serialization=serialization)  # type: ignore[arg-type]
        info = inspect_token(token)
        assert info["kind"] == "SD-JWT"
        assert info["verified"] is False
        assert [d["name"] for d in info["sd_jwt"]["disclosures"]] == ["email", None]
        assert info["sd_jwt"]["processed"] == {"sub": "x", "email": "a@example.com", "n": [1, 2]}
        assert info["sd_jwt"]["problem"] is None

    @pytest.mark.parametrize(
        ("text", "error"),
        [
            ("", MalformedError),
            ("   \n", MalformedError),
            ("garbage", MalformedError),
            ("a.b", MalformedError),
            ("!!!.e30.", MalformedError),
            ("e30.e30.!!", MalformedError),
            ("W10.e30.", MalformedError),  # header is an array
            ("{", MalformedError),
            ("{}", MalformedError),
            ('{"payload": "e30", "signatures": []}', MalformedError),
            ("x" * 300_000, ExceededLimitError),
            (b"\xff\xfe", MalformedError),
            ("e30.e30.~!!~", DisclosureError),
            ("e30.e30.~" + b64({"not": "array"}) + "~", DisclosureError),
            ("e30.e30.~~", MalformedError),
        ],
        ids=lambda v: repr(v)[:24],
    )
    def test_hostile_input(self, text: str | bytes, error: type[JotkitError]) -> None:
        """Garbage raises a JotkitError naming the problem, never anything else."""
        with pytest.raises(error):
            inspect_token(text)

    def test_too_many_signatures(self) -> None:
        """A JWS JSON with more signatures than the limit is refused."""
        entry = {"protected": b64({"alg": "HS256"}), "signature": "AA"}
        doc = {"payload": "e30", "signatures": [entry] * 17}
        with pytest.raises(ExceededLimitError):
            inspect_token(json.dumps(doc))


class TestLint:
    """lint: each code fires on the token that earns it, and not on a clean one."""

    def test_clean_token(self) -> None:
        """A well-formed token with exp, iss, aud and typ has no findings."""
        assert lint(jotkit.encode(good_claims(), HS), now=NOW) == []

    def test_codes_table(self) -> None:
        """Every code has a severity from the list, and findings carry it."""
        assert all(sev in ("high", "medium", "low", "info") for sev, _ in CODES.values())
        finding = lint(jotkit.encode({}, HS), now=NOW)[0]
        assert finding.to_dict() == {
            "code": finding.code,
            "severity": CODES[finding.code][0],
            "message": finding.message,
            "where": finding.where,
        }

    def test_alg_none(self) -> None:
        """JK101 for an unsecured token."""
        token = jotkit.jwt.encode_unsecured(good_claims())
        assert codes(lint(token, now=NOW)) == ["JK101"]

    @pytest.mark.parametrize(
        ("claims", "where"),
        [
            ({"password": "x"}, "claims.password"),
            ({"user": {"Client_Secret": "x"}}, "claims.user.Client_Secret"),
            ({"api-key": "x"}, "claims.api-key"),
            ({"ssn": "x"}, "claims.ssn"),
            ({"note": "card 4111 1111 1111 1111"}, "claims.note"),
            ({"k": ["-----BEGIN RSA PRIVATE KEY-----\nMII"]}, "claims.k[0]"),
            ({"cnf": {"jwk": {"kty": "EC", "d": "x"}}}, "claims.cnf.jwk"),
        ],
        ids=lambda v: str(v)[:30],
    )
    def test_sensitive_claims(self, claims: dict[str, Any], where: str) -> None:
        """JK102 names where the sensitive-looking value is."""
        found = lint(jotkit.encode(good_claims(**claims), HS), now=NOW)
        assert [(f.code, f.where) for f in found] == [("JK102", where)]

    def test_not_sensitive(self) -> None:
        """A number that fails the Luhn check and ordinary names are not findings."""
        token = jotkit.encode(good_claims(order="4111 1111 1111 1112", name="Pass"), HS)
        assert lint(token, now=NOW) == []

    def test_sensitive_in_jwe_is_fine(self) -> None:
        """An encrypted token is not read: only JK116 (info)."""
        aes = Key.generate("A128KW")
        token = jotkit.jwt.encrypt({"password": "x"}, aes, key_alg="A128KW", enc="A128GCM")
        assert codes(lint(token, now=NOW)) == ["JK116"]

    def test_missing_registered_claims(self) -> None:
        """JK103 no exp, JK105 no aud, JK106 no iss, JK115 no typ."""
        token = jotkit.encode({"sub": "x"}, HS, typ=None)
        assert sorted(codes(lint(token, now=NOW))) == ["JK103", "JK105", "JK106", "JK115"]

    def test_long_lifetime(self) -> None:
        """JK104 over the threshold, from iat or from now; the threshold is a parameter."""
        long = jotkit.encode(good_claims(exp=NOW + 2 * 86400), HS)
        assert codes(lint(long, now=NOW)) == ["JK104"]
        assert lint(long, now=NOW, max_lifetime=3 * 86400) == []
        no_iat = good_claims(exp=NOW + 2 * 86400)
        del no_iat["iat"]
        assert "exp - now" in lint(jotkit.encode(no_iat, HS), now=NOW)[0].message

    def test_weak_secret(self) -> None:
        """JK107 for a short HMAC secret, given as bytes or as a weak Key."""
        token = jotkit.encode(good_claims(), HS)
        assert codes(lint(token, b"secret", now=NOW)) == ["JK107"]
        with pytest.warns(jotkit.errors.SecurityWarning):
            weak = Key.from_secret(b"short", allow_weak=True)
        assert codes(lint(token, weak, now=NOW)) == ["JK107"]
        assert lint(token, SECRET, now=NOW) == []

    def test_secret_that_is_a_public_key(self) -> None:
        """JK107 when the 'secret' is asymmetric key material (Key.from_secret refuses it)."""
        pem = ES.public().to_pem()
        found = lint(jotkit.encode(good_claims(), HS), pem, now=NOW)
        assert codes(found) == ["JK107"]
        assert "refused" in found[0].message

    def test_wrong_key(self) -> None:
        """JK108 when the signature does not verify, or the key cannot verify at all."""
        token = jotkit.encode(good_claims(), HS)
        assert codes(lint(token, b"x" * 32, now=NOW)) == ["JK108"]
        assert codes(lint(token, ES, now=NOW)) == ["JK108"]
        assert lint(jotkit.encode(good_claims(), ES), ES.public(), now=NOW) == []

    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            ({"jku": "https://evil"}, ["JK109"]),
            ({"x5u": "https://evil"}, ["JK109"]),
            ({"jwk": {"kty": "oct"}}, ["JK110"]),
            ({"x5c": ["MII"]}, ["JK111"]),
            ({"kid": "../../dev/null"}, ["JK112"]),
            ({"kid": "a\\b"}, ["JK112"]),
            ({"kid": "1' OR '1'='1"}, ["JK113"]),
            ({"kid": "../x'; --"}, ["JK112", "JK113"]),
            ({"kid": "ordinary-kid.2024"}, []),
        ],
        ids=lambda v: str(v)[:24],
    )
    def test_header_findings(self, header: dict[str, Any], expected: list[str]) -> None:
        """Headers a verifier must not trust, and kid injection shapes."""
        token = jotkit.encode(good_claims(), HS, headers=header)
        assert codes(lint(token, now=NOW)) == expected

    @pytest.mark.parametrize(
        ("claims", "typ", "fires"),
        [
            ({"client_id": "c", "scope": "read"}, "JWT", True),
            ({"client_id": "c", "scope": "read"}, "at+jwt", False),
            ({"client_id": "c", "scope": "read"}, "application/AT+JWT", False),
            ({"htm": "GET", "htu": "https://x"}, None, True),
            ({"htm": "GET", "htu": "https://x"}, "dpop+jwt", False),
            ({"events": {"http://schemas.openid.net/event/backchannel-logout": {}}}, "JWT", True),
            ({"_sd": []}, "JWT", True),
            ({"_sd": []}, "dc+sd-jwt", False),
        ],
        ids=lambda v: str(v)[:24],
    )
    def test_profile_typ(self, claims: dict[str, Any], typ: str | None, fires: bool) -> None:
        """JK114 when claims look like a typed profile and typ does not say so."""
        token = jotkit.encode(good_claims(**claims), HS, typ=typ)
        assert ("JK114" in codes(lint(token, now=NOW))) is fires

    def test_sd_jwt_disclosures_linted(self) -> None:
        """A disclosed claim travels in the clear: JK102 for a disclosed password."""
        issuer = jotkit.encode(good_claims(_sd=["x"]), HS, typ="dc+sd-jwt")
        token = f"{issuer}~{b64(['s', 'password', 'hunter2'])}~"
        assert codes(lint(token, now=NOW)) == ["JK102"]
        assert codes(lint(token, b"x" * 32, now=NOW)) == ["JK102", "JK108"]

    def test_second_signature_headers(self) -> None:
        """Every signature's header of a JWS JSON is checked."""
        doc = jws.sign_json(
            json.dumps(good_claims()).encode(),
            [
                jws.Signer(HS, protected={"typ": "JWT"}),
                jws.Signer(HS, protected={"jku": "https://e"}),
            ],
        )
        found = lint(json.dumps(doc), now=NOW)
        assert [(f.code, f.where) for f in found] == [("JK109", "signatures[1].jku")]

    def test_capped(self) -> None:
        """A token with many suspicious claims gets a bounded list."""
        claims = good_claims(**{f"password{i}": "x" for i in range(50)})
        claims.update({f"x{i}": {"secret": 1} for i in range(50)})
        found = lint(jotkit.encode(claims, HS), now=NOW)
        assert codes(found) == ["JK102"] * MAX_FINDINGS_PER_CODE

    def test_sorted_by_severity(self) -> None:
        """Most serious first."""
        token = jotkit.encode({"password": "x"}, HS, typ=None)
        severities = [f.severity for f in lint(token, now=NOW)]
        order = ["high", "medium", "low", "info"]
        assert severities == sorted(severities, key=order.index)

    def test_garbage(self) -> None:
        """A non-token raises, as for inspect."""
        with pytest.raises(MalformedError):
            lint("garbage")
