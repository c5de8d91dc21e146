"""JWS JSON Serialization, general and flattened (RFC 7515 7.2), with RFC 7797."""

from __future__ import annotations

import json
from typing import Any

import pytest

from jotkit._b64 import b64encode_str
from jotkit._limits import Limits
from jotkit.errors import (
    AlgorithmNotAllowedError,
    ExceededLimitError,
    InvalidKeyError,
    InvalidSignatureError,
    KeyNotFoundError,
    MalformedError,
    MalformedJWSError,
)
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.jwk import Key, KeySet
from jotkit.jws import Signer, sign_json, verify_json
from tests.unit._keys import SECRET, key_for

PAYLOAD = b'{"iss":"joe"}'
HS = Key.from_secret(SECRET, kid="hs")


def _mixed() -> dict[str, Any]:
    """A general JWS signed RS256, ES256 and HS256 by keys with kids."""
    signers = [
        Signer(Key.from_cryptography(key_for("RS256").crypto, kid="rsa"), "RS256"),
        Signer(Key.from_cryptography(key_for("ES256").crypto, kid="ec"), "ES256"),
        Signer(HS, "HS256", unprotected={"note": "hi"}),
    ]
    return sign_json(PAYLOAD, signers)


def _hs_entry(
    protected: dict[str, Any] | None, unprotected: dict[str, Any] | None
) -> dict[str, Any]:
    """One HS256 entry with exactly these headers, signed over PAYLOAD."""
    head = b64encode_str(json.dumps(protected).encode()) if protected is not None else ""
    body = b64encode_str(PAYLOAD)
    signature = JWS_ALGORITHMS["HS256"].sign(SECRET, f"{head}.{body}".encode())
    entry: dict[str, Any] = {"signature": b64encode_str(signature)}
    if protected is not None:
        entry["protected"] = head
    if unprotected is not None:
        entry["header"] = unprotected
    return entry


class TestSignJson:
    """``sign_json`` shapes."""

    def test_general(self) -> None:
        """General serialization: payload plus a signatures list in order."""
        jws = _mixed()
        assert jws["payload"] == b64encode_str(PAYLOAD)
        assert [set(e) for e in jws["signatures"]] == [
            {"protected", "signature"},
            {"protected", "signature"},
            {"protected", "header", "signature"},
        ]

    def test_flattened(self) -> None:
        """Flattened serialization puts the one entry at the top level."""
        jws = sign_json(PAYLOAD, [Signer(HS, "HS256")], flattened=True)
        assert set(jws) == {"payload", "protected", "signature"}
        assert verify_json(jws, HS, algorithms=["HS256"]).payload == PAYLOAD

    def test_kid_and_alg_only_unprotected(self) -> None:
        """alg and kid given only unprotected leave the protected header (RFC 7520 4.7)."""
        jws = sign_json(
            PAYLOAD,
            [Signer(HS, "HS256", unprotected={"alg": "HS256", "kid": "hs"})],
            flattened=True,
        )
        assert "protected" not in jws
        result = verify_json(jws, HS, algorithms=["HS256"])
        assert (result.protected, result.header) == ({}, {"alg": "HS256", "kid": "hs"})

    def test_kid_unprotected_with_protected_given(self) -> None:
        """A kid placed unprotected moves out of the protected header."""
        jws = sign_json(
            PAYLOAD, [Signer(HS, "HS256", protected={"typ": "x"}, unprotected={"kid": "hs"})]
        )
        result = verify_json(jws, HS, algorithms=["HS256"])
        assert dict(result.protected) == {"alg": "HS256", "typ": "x"}

    @pytest.mark.parametrize(
        ("signers", "flattened", "error", "match"),
        [
            ([], False, ValueError, "at least one"),
            ([Signer(HS, "HS256"), Signer(HS, "HS256")], True, ValueError, "exactly one"),
            (
                [Signer(HS, "HS256", protected={"typ": "a"}, unprotected={"typ": "b"})],
                False,
                ValueError,
                "both",
            ),
            (
                [Signer(HS, "HS256", protected={"kid": "hs"}, unprotected={"kid": "hs"})],
                False,
                ValueError,
                "both",
            ),
            ([Signer(HS, "HS256", unprotected={"alg": "HS512"})], False, ValueError, "contradicts"),
            ([Signer(HS, "ES256")], False, InvalidKeyError, "oct"),
            ([Signer("secret", "HS256")], False, TypeError, "Key or bytes"),  # type: ignore[arg-type]
        ],
        ids=[
            "none",
            "flattened-two",
            "overlap",
            "kid-both",
            "unprotected-alg",
            "unfit-key",
            "str-key",
        ],
    )
    def test_refused(
        self, signers: list[Signer], flattened: bool, error: type[Exception], match: str
    ) -> None:
        """Caller mistakes are TypeError/ValueError; unfit keys are InvalidKeyError."""
        with pytest.raises(error, match=match):
            sign_json(PAYLOAD, signers, flattened=flattened)

    def test_payload_type(self) -> None:
        """The payload must be bytes."""
        with pytest.raises(TypeError, match="payload"):
            sign_json("text", [Signer(HS, "HS256")])  # type: ignore[arg-type]


class TestVerifyJson:
    """``verify_json`` over general, flattened, str and bytes forms."""

    @pytest.mark.parametrize(
        ("key", "algorithms", "index"),
        [
            (lambda: key_for("RS256").public(), ["RS256"], 0),
            (lambda: key_for("ES256").public(), ["ES256"], 1),
            (lambda: HS, ["HS256"], 2),
            (lambda: HS, ["HS256", "RS256", "ES256"], 2),
            (lambda: key_for("ES256").public(), ["RS256", "ES256"], 1),
        ],
        ids=["rsa-first", "ec-second", "hmac-third", "hmac-all-algs", "ec-skips-unfit-rsa"],
    )
    def test_mixed_keys_report_index(self, key: Any, algorithms: list[str], index: int) -> None:
        """The signature that verified is reported; others are skipped, not fatal."""
        result = verify_json(_mixed(), key(), algorithms=algorithms)
        assert (result.payload, result.index) == (PAYLOAD, index)
        assert result.header["alg"] == ("RS256", "ES256", "HS256")[index]

    def test_keyset_selects_by_kid_per_signature(self) -> None:
        """A KeySet resolves each entry's kid."""
        keys = KeySet([Key.from_cryptography(key_for("ES256").crypto.public_key(), kid="ec")])
        assert verify_json(_mixed(), keys, algorithms=["RS256", "ES256"]).index == 1

    @pytest.mark.parametrize("form", ["dict", "str", "bytes"])
    def test_forms(self, form: str) -> None:
        """A JSON object, or its text as str or bytes."""
        jws = _mixed()
        text = json.dumps(jws)
        given: Any = {"dict": jws, "str": text, "bytes": text.encode()}[form]
        assert verify_json(given, HS, algorithms=["HS256"]).header["note"] == "hi"

    def test_joint_header_and_protected(self) -> None:
        """header joins both headers; protected has only the protected members."""
        result = verify_json(_mixed(), HS, algorithms=["HS256"])
        assert dict(result.header) == {"alg": "HS256", "kid": "hs", "note": "hi"}
        assert dict(result.protected) == {"alg": "HS256", "kid": "hs"}

    def test_no_signature_verifies(self) -> None:
        """Every candidate failing is InvalidSignatureError."""
        jws = _mixed()
        jws["payload"] = b64encode_str(b"tampered")
        with pytest.raises(InvalidSignatureError):
            verify_json(jws, HS, algorithms=["HS256", "RS256"])

    @pytest.mark.parametrize(
        ("key", "algorithms", "error"),
        [
            (HS, ["HS384"], AlgorithmNotAllowedError),
            (lambda: key_for("Ed25519").public(), ["EdDSA", "RS256", "HS256"], InvalidKeyError),
            (KeySet([Key.from_secret(SECRET, kid="other")]), ["HS256"], KeyNotFoundError),
        ],
        ids=["alg-not-allowed", "no-fitting-key", "kid-not-found"],
    )
    def test_nothing_checkable(
        self, key: Any, algorithms: list[str], error: type[Exception]
    ) -> None:
        """When no entry can be checked, the last entry's reason is raised."""
        key = key() if callable(key) else key
        with pytest.raises(error):
            verify_json(_mixed(), key, algorithms=algorithms)

    def test_algorithms_none(self) -> None:
        """algorithms may be omitted only for a bound Key."""
        with pytest.raises(ValueError, match="algorithms"):
            verify_json(_mixed(), HS)
        bound = Key.from_secret(SECRET, kid="hs", alg="HS256")
        assert verify_json(_mixed(), bound).index == 2

    def test_alg_only_unprotected(self) -> None:
        """alg may sit in the unprotected header; it must still be allowed."""
        jws = {"payload": b64encode_str(PAYLOAD), **_hs_entry(None, {"alg": "HS256"})}
        assert verify_json(jws, SECRET, algorithms=["HS256"]).protected == {}
        with pytest.raises(AlgorithmNotAllowedError):
            verify_json(jws, SECRET, algorithms=["HS512"])

    def test_unprotected_alg_override_attempt(self) -> None:
        """An unprotected alg next to a protected one is rejected (members must be disjoint)."""
        entry = _hs_entry({"alg": "HS256"}, {"alg": "none"})
        with pytest.raises(MalformedJWSError, match="share"):
            verify_json({"payload": b64encode_str(PAYLOAD), **entry}, SECRET, algorithms=["HS256"])


def _general(*entries: Any, **top: Any) -> dict[str, Any]:
    return {"payload": b64encode_str(PAYLOAD), "signatures": list(entries), **top}


GOOD = _hs_entry({"alg": "HS256"}, None)
MALFORMED: list[tuple[str, Any]] = [
    ("not-object", [GOOD]),
    ("json-array-text", "[]"),
    ("no-signature", {"payload": b64encode_str(PAYLOAD)}),
    ("mixed-forms", _general(GOOD, signature=GOOD["signature"])),
    ("mixed-forms-protected", _general(GOOD, protected=GOOD["protected"])),
    ("signatures-not-list", {"payload": "", "signatures": GOOD}),
    ("signatures-empty", _general()),
    ("entry-not-object", _general("sig")),
    ("protected-not-string", _general({**GOOD, "protected": {"alg": "HS256"}})),
    ("signature-missing", _general({"protected": GOOD["protected"]})),
    ("header-not-object", _general({**GOOD, "header": "x"})),
    ("no-header-at-all", _general({"signature": GOOD["signature"]})),
    ("overlap", _general(_hs_entry({"alg": "HS256", "kid": "a"}, {"kid": "b"}))),
    ("bad-signature-base64", _general({**GOOD, "signature": GOOD["signature"] + "="})),
    ("crit-unprotected", _general(_hs_entry({"alg": "HS256"}, {"crit": ["b64"]}))),
    ("b64-unprotected", _general(_hs_entry({"alg": "HS256"}, {"b64": False}))),
    ("crit-unknown", _general(_hs_entry({"alg": "HS256", "crit": ["x"], "x": 1}, None))),
    ("payload-missing", {"signatures": [GOOD]}),
    ("payload-not-string", {"payload": 5, "signatures": [GOOD]}),
    ("payload-bad-base64", {"payload": "a+b", "signatures": [GOOD]}),
    (
        "b64-disagreement",
        _general(GOOD, _hs_entry({"alg": "HS256", "b64": False, "crit": ["b64"]}, None)),
    ),
]


class TestMalformed:
    """Structure errors reject the whole object, whichever entry carries them."""

    @pytest.mark.parametrize("jws", [m for _, m in MALFORMED], ids=[i for i, _ in MALFORMED])
    def test_malformed(self, jws: Any) -> None:
        """Each is MalformedJWSError (MalformedError for JSON text)."""
        with pytest.raises(MalformedError):
            verify_json(jws, SECRET, algorithms=["HS256"])

    def test_entry_without_any_header(self) -> None:
        """An entry with neither a protected nor an unprotected header says so."""
        entry = {"signature": GOOD["signature"]}
        with pytest.raises(MalformedJWSError, match="no header"):
            verify_json(_general(entry), SECRET, algorithms=["HS256"])

    def test_duplicate_members_in_text(self) -> None:
        """The JSON text is parsed strictly."""
        text = json.dumps(_general(GOOD))[:-1] + ',"payload":"x"}'
        with pytest.raises(MalformedJWSError, match="duplicate"):
            verify_json(text, SECRET, algorithms=["HS256"])


class TestUnencodedAndDetached:
    """RFC 7797 and detached content in the JSON serialization."""

    @pytest.mark.parametrize("flattened", [False, True], ids=["general", "flattened"])
    def test_b64_false(self, flattened: bool) -> None:
        """b64=false keeps the payload as is, for every signature."""
        payload = b"$.02 with dots."
        jws = sign_json(payload, [Signer(HS, "HS256")], b64=False, flattened=flattened)
        assert jws["payload"] == payload.decode()
        assert verify_json(jws, HS, algorithms=["HS256"]).payload == payload

    @pytest.mark.parametrize("b64", [True, False], ids=["b64", "unencoded"])
    def test_detached(self, b64: bool) -> None:
        """A detached JWS has no payload member; the payload is given to verify."""
        jws = sign_json(PAYLOAD, [Signer(HS, "HS256")], detached=True, b64=b64)
        assert "payload" not in jws
        assert (
            verify_json(jws, HS, algorithms=["HS256"], detached_payload=PAYLOAD).payload == PAYLOAD
        )
        with pytest.raises(InvalidSignatureError):
            verify_json(jws, HS, algorithms=["HS256"], detached_payload=b"other")

    @pytest.mark.parametrize("b64", [True, False], ids=["b64", "unencoded"])
    def test_lone_surrogate_payload(self, b64: bool) -> None:
        """A payload string with a lone surrogate (from a JSON escape) is malformed."""
        jws = sign_json(b"abc", [Signer(HS, "HS256")], b64=b64, flattened=True)
        jws["payload"] = "\ud800"
        with pytest.raises(MalformedJWSError, match="Unicode"):
            verify_json(jws, HS, algorithms=["HS256"])
        text = json.dumps(jws)
        assert "\\ud800" in text
        with pytest.raises(MalformedJWSError, match="Unicode"):
            verify_json(text, HS, algorithms=["HS256"])

    def test_detached_with_payload_member(self) -> None:
        """A detached payload given for a JWS that carries one is malformed."""
        with pytest.raises(MalformedJWSError, match="detached"):
            verify_json(_mixed(), HS, algorithms=["HS256"], detached_payload=PAYLOAD)


class TestJsonLimits:
    """Limits on the JSON serialization."""

    def test_too_many_signatures(self) -> None:
        """More entries than max_signatures is ExceededLimitError."""
        limits = Limits(max_signatures=2)
        with pytest.raises(ExceededLimitError, match="signatures"):
            verify_json(_mixed(), HS, algorithms=["HS256"], limits=limits)
        assert verify_json(_general(GOOD, GOOD), SECRET, algorithms=["HS256"], limits=limits)

    def test_token_size(self) -> None:
        """JSON text over max_token_size is refused before parsing."""
        text = json.dumps(_mixed())
        with pytest.raises(ExceededLimitError):
            verify_json(text, HS, algorithms=["HS256"], limits=Limits(max_token_size=len(text) - 1))
        assert verify_json(text, HS, algorithms=["HS256"], limits=Limits(max_token_size=len(text)))

    def test_payload_size(self) -> None:
        """A payload over max_payload_size is refused."""
        jws = sign_json(b"x" * 50, [Signer(HS, "HS256")])
        with pytest.raises(ExceededLimitError, match="payload"):
            verify_json(jws, HS, algorithms=["HS256"], limits=Limits(max_payload_size=49))

    def test_header_size(self) -> None:
        """A protected header over max_header_size is refused."""
        jws = sign_json(PAYLOAD, [Signer(HS, "HS256", protected={"pad": "p" * 100})])
        with pytest.raises(ExceededLimitError, match="header"):
            verify_json(jws, HS, algorithms=["HS256"], limits=Limits(max_header_size=40))


class TestJsonLimitsAndHeaders:
    """Limits and header placement rules of the JSON serialization."""

    def test_depth_limit_applies_to_text(self) -> None:
        """The JSON text is parsed with the caller's max_depth."""
        text = json.dumps(sign_json(PAYLOAD, [Signer(HS, "HS256", unprotected={"x": [[[1]]]})]))
        verify_json(text, HS, algorithms=["HS256"])
        with pytest.raises(ExceededLimitError):
            verify_json(text, HS, algorithms=["HS256"], limits=Limits(max_depth=3))

    def test_unprotected_header_size(self) -> None:
        """An unprotected header over max_header_size is refused."""
        obj = sign_json(PAYLOAD, [Signer(HS, "HS256", unprotected={"x": "y" * 200})])
        with pytest.raises(ExceededLimitError):
            verify_json(obj, HS, algorithms=["HS256"], limits=Limits(max_header_size=100))

    def test_detached_payload_size_and_type(self) -> None:
        """A detached payload is size-checked and must be bytes."""
        obj = sign_json(b"x" * 50, [Signer(HS, "HS256")], detached=True)
        assert verify_json(obj, HS, algorithms=["HS256"], detached_payload=b"x" * 50).index == 0
        with pytest.raises(ExceededLimitError):
            verify_json(
                obj,
                HS,
                algorithms=["HS256"],
                detached_payload=b"x" * 50,
                limits=Limits(max_payload_size=10),
            )
        with pytest.raises(TypeError):
            verify_json(obj, HS, algorithms=["HS256"], detached_payload=5)  # type: ignore[arg-type]

    @pytest.mark.parametrize("member", ["crit", "b64"])
    def test_crit_and_b64_unprotected_refused_on_signing(self, member: str) -> None:
        """sign_json will not write crit or b64 where verify_json would reject them."""
        with pytest.raises(ValueError, match="protected"):
            sign_json(PAYLOAD, [Signer(HS, "HS256", unprotected={member: ["b64"]})])
