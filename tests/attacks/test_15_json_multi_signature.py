"""Attack class 15: JWS JSON serialization with several signatures and overriding headers.

Pins: CVE-2016-9122 (go-jose: with several signatures the API did not say which one
verified, so callers read protected values from another, unverified signature), the
web-token/jwt-library 3.4.10 fix (an unprotected ``alg`` overriding the protected one,
PHP's ``[...$protected, ...$unprotected]`` keeping the last), RFC 7515 section 7.2.1
(the protected and unprotected headers MUST be disjoint). jotkit refuses any overlap,
never mixes the general and flattened syntaxes, caps the number of signatures, and
reports which signature verified with that signature's own header. The JWE JSON
serialization (several recipients) follows the same rules.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from jotkit import Key, KeySet, jwe, jws
from jotkit._b64 import b64decode
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    ExceededLimitError,
    InvalidKeyError,
    InvalidSignatureError,
    MalformedJWEError,
    MalformedJWSError,
)

from ._forge import SECRET, b64, b64json, ec_key, es_sign, hs_sign, rejects

CLAIMS = b'{"sub":"alice"}'
BODY = b64(CLAIMS)


def _hs_entry(
    protected: dict[str, Any], header: dict[str, Any] | None = None, secret: bytes = SECRET
) -> dict[str, Any]:
    head = b64json(protected) if protected else ""
    entry: dict[str, Any] = {"signature": b64(hs_sign(secret, head + "." + BODY))}
    if protected:
        entry["protected"] = head
    if header is not None:
        entry["header"] = header
    return entry


def _es_entry(protected: dict[str, Any], header: dict[str, Any] | None = None) -> dict[str, Any]:
    head = b64json(protected)
    entry: dict[str, Any] = {
        "protected": head,
        "signature": b64(es_sign(ec_key(), head + "." + BODY)),
    }
    if header is not None:
        entry["header"] = header
    return entry


def _verify(obj: Any, key: Any = SECRET, algorithms: Any = ("HS256",)) -> Any:
    return jws.verify_json(obj, key, algorithms=list(algorithms))


class TestHeaderOverride:
    """An unprotected member can never shadow a protected one."""

    @pytest.mark.parametrize("alg", ["none", "HS256", "HS512", "RS256"])
    def test_unprotected_alg_overrides_protected(self, alg: str) -> None:
        """Protected alg HS256, unprotected alg anything (even the same)."""
        obj = {"payload": BODY, **_hs_entry({"alg": "HS256"}, {"alg": alg})}
        rejects(MalformedJWSError, _verify, obj)

    @pytest.mark.parametrize("member", ["kid", "typ", "b64", "crit", "jku", "x-custom"])
    def test_any_shared_member(self, member: str) -> None:
        """Any member in both headers."""
        obj = {"payload": BODY, **_hs_entry({"alg": "HS256", member: "a"}, {member: "b"})}
        rejects(MalformedJWSError, _verify, obj)

    def test_general_second_entry_overrides(self) -> None:
        """General syntax: the second entry's unprotected alg shadows its protected alg."""
        obj = {
            "payload": BODY,
            "signatures": [
                _hs_entry({"alg": "HS256"}, secret=b"x" * 32),
                _hs_entry({"alg": "HS256"}, {"alg": "none"}),
            ],
        }
        rejects(MalformedJWSError, _verify, obj)

    def test_unprotected_alg_cannot_switch_key_type(self) -> None:
        """alg only in the unprotected header (allowed by RFC 7515) still has to fit the key."""
        pem = Key.from_cryptography(ec_key().public_key()).to_pem()
        entry = {"header": {"alg": "HS256"}, "signature": b64(hs_sign(pem, "." + BODY))}
        key = Key.from_cryptography(ec_key().public_key())
        rejects(InvalidKeyError, _verify, {"payload": BODY, **entry}, key, ("ES256", "HS256"))

    def test_unprotected_alg_outside_the_list(self) -> None:
        """An unprotected alg outside the allow-list."""
        entry = {"header": {"alg": "HS512"}, "signature": b64(hs_sign(SECRET * 2, "." + BODY, 512))}
        rejects(AlgorithmNotAllowedError, _verify, {"payload": BODY, **entry})


class TestWhichSignatureVerified:
    """The result describes the signature that verified, not another one."""

    def test_header_comes_from_the_verified_entry(self) -> None:
        """A bogus first entry claims admin rights in its protected header."""
        obj = {
            "payload": BODY,
            "signatures": [
                _hs_entry({"alg": "HS256", "x-role": "admin"}, secret=b"x" * 32),
                _hs_entry({"alg": "HS256", "x-role": "user"}),
            ],
        }
        result = _verify(obj)
        assert result.index == 1
        assert result.protected["x-role"] == "user"
        assert result.header["x-role"] == "user"

    def test_no_entry_verifies(self) -> None:
        """Several entries, none with the right key: InvalidSignatureError."""
        obj = {
            "payload": BODY,
            "signatures": [_hs_entry({"alg": "HS256"}, secret=bytes([i]) * 32) for i in range(3)],
        }
        rejects(InvalidSignatureError, _verify, obj)

    def test_every_entry_must_be_well_formed(self) -> None:
        """One valid entry does not excuse a malformed one."""
        obj = {
            "payload": BODY,
            "signatures": [_hs_entry({"alg": "HS256"}), {"protected": "!!", "signature": ""}],
        }
        rejects(MalformedJWSError, _verify, obj)

    def test_entries_disagree_on_b64(self) -> None:
        """One entry signs the encoded payload, another says b64 false."""
        obj = {
            "payload": BODY,
            "signatures": [
                _hs_entry({"alg": "HS256"}),
                _hs_entry({"alg": "HS256", "b64": False, "crit": ["b64"]}),
            ],
        }
        rejects(MalformedJWSError, _verify, obj)

    def test_key_set_with_mixed_entries(self) -> None:
        """An ES256 entry by an unknown key next to a forged HS256 one: nothing verifies."""
        keys = KeySet([Key.from_cryptography(ec_key("P-256", 4).public_key(), kid="real")])
        obj = {
            "payload": BODY,
            "signatures": [
                _es_entry({"alg": "ES256", "kid": "real"}),
                _hs_entry({"alg": "HS256", "kid": "real"}),
            ],
        }
        with pytest.raises((InvalidSignatureError, InvalidKeyError)):
            _verify(obj, keys, ("ES256", "HS256"))


class TestStructure:
    """Syntax confusion and signature counts."""

    def test_general_and_flattened_mixed(self) -> None:
        """'signatures' next to a top-level 'signature': parsers would disagree."""
        good = _hs_entry({"alg": "HS256"})
        bad = _hs_entry({"alg": "HS256"}, secret=b"x" * 32)
        obj = {"payload": BODY, "signatures": [bad], **good}
        rejects(MalformedJWSError, _verify, obj)

    @pytest.mark.parametrize("signatures", [[], {}, "sig", None, [None], [[]], ["x"]], ids=repr)
    def test_ill_typed_signatures(self, signatures: Any) -> None:
        """'signatures' must be a non-empty list of objects."""
        rejects(MalformedJWSError, _verify, {"payload": BODY, "signatures": signatures})

    def test_too_many_signatures(self) -> None:
        """More than max_signatures entries, even with a valid one among them."""
        entries = [_hs_entry({"alg": "HS256"}, secret=b"x" * 32) for _ in range(16)]
        entries.append(_hs_entry({"alg": "HS256"}))
        rejects(ExceededLimitError, _verify, {"payload": BODY, "signatures": entries})

    def test_caller_signature_limit(self) -> None:
        """A caller's lower limit applies."""
        obj = {"payload": BODY, "signatures": [_hs_entry({"alg": "HS256"})] * 3}
        rejects(
            ExceededLimitError,
            jws.verify_json,
            obj,
            SECRET,
            algorithms=["HS256"],
            limits=Limits(max_signatures=2),
        )

    @pytest.mark.parametrize(
        "entry",
        [
            {"signature": b64(b"x")},
            {"protected": 1, "signature": ""},
            {"protected": b64json({"alg": "HS256"}), "signature": 1},
            {"protected": b64json({"alg": "HS256"}), "header": [], "signature": ""},
            {"protected": b64json({"alg": "HS256"})},
        ],
        ids=["no-header", "protected-int", "signature-int", "header-list", "no-signature"],
    )
    def test_ill_formed_entry(self, entry: dict[str, Any]) -> None:
        """Entries with missing or ill-typed members."""
        rejects(MalformedJWSError, _verify, {"payload": BODY, "signatures": [entry]})

    @pytest.mark.parametrize("payload", [None, 1, ["x"], {"sub": "alice"}], ids=repr)
    def test_ill_typed_payload(self, payload: Any) -> None:
        """The payload member must be a string."""
        obj = {**_hs_entry({"alg": "HS256"}), "payload": payload}
        rejects(MalformedJWSError, _verify, obj)


def _jwe_json(**extra: Any) -> dict[str, Any]:
    """A genuine flattened dir/A128GCM JWE JSON with ``extra`` members added."""
    obj = jwe.encrypt_json(CLAIMS, [jwe.Recipient(bytes(16), "dir")], enc="A128GCM", flattened=True)
    return {**obj, **extra}


def _decrypt_json(obj: Any) -> object:
    return jwe.decrypt_json(obj, bytes(16), algorithms=["dir", "A128KW"], encryptions=["A128GCM"])


class TestJWEJSONRecipients:
    """The JWE JSON serialization follows the same rules (RFC 7516 section 7.2.1)."""

    @pytest.mark.parametrize("member", ["alg", "enc", "zip", "kid"])
    def test_unprotected_overrides_protected(self, member: str) -> None:
        """A shared unprotected member shadowing one of the protected header."""
        obj = _jwe_json()
        protected = json.loads(b64decode(obj["protected"]))
        obj["protected"] = b64json({**protected, member: "x"})
        rejects(MalformedJWEError, _decrypt_json, {**obj, "unprotected": {member: "y"}})

    def test_recipient_header_overrides_shared(self) -> None:
        """A per-recipient member shadowing the shared unprotected header."""
        obj = _jwe_json(unprotected={"kid": "a"})
        obj["header"] = {**obj.get("header", {}), "kid": "b"}
        rejects(MalformedJWEError, _decrypt_json, obj)

    def test_too_many_recipients(self) -> None:
        """More recipients than max_signatures."""
        obj = _jwe_json()
        recipients = [{"header": {"alg": "A128KW"}, "encrypted_key": b64(bytes(24))}] * 17
        general = {k: v for k, v in obj.items() if k not in ("header", "encrypted_key")}
        rejects(ExceededLimitError, _decrypt_json, {**general, "recipients": recipients})

    def test_general_and_flattened_mixed(self) -> None:
        """'recipients' next to a top-level 'header'."""
        obj = _jwe_json()
        rejects(
            MalformedJWEError, _decrypt_json, {**obj, "recipients": [{"header": {"alg": "dir"}}]}
        )
