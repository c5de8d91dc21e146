"""ECDH-ES (RFC 7518 4.6, RFC 8037 3.2): appendix C, epk validation, Wycheproof ECDH."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, x448, x25519

from jotkit._b64 import b64decode, b64encode_str
from jotkit.errors import DecryptionError
from jotkit.jwa import CONTENT_ENCRYPTIONS, KEY_MANAGEMENT
from jotkit.jwa._ecdh import agree, concat_kdf, epk_public_key, epk_to_jwk
from tests._vectors import load_json
from tests.jwa._keys import ec_private, okp_private

APPENDIX_C: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "rfc7518_appendix_c.json").read_text("utf-8")
)
A128GCM = CONTENT_ENCRYPTIONS["A128GCM"]
ECDH_ALGS = ["ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW"]


def _generate(crv: str) -> Any:
    if crv == "X25519":
        return x25519.X25519PrivateKey.generate()
    if crv == "X448":
        return x448.X448PrivateKey.generate()
    curve = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}[crv]
    return ec.generate_private_key(curve)


CURVES = ["P-256", "P-384", "P-521", "X25519", "X448"]


class TestAppendixC:
    """RFC 7518 appendix C: ECDH-ES with the Concat KDF, derived key VqqN6vgjbSBcIijNcacQGg."""

    def test_shared_secret(self) -> None:
        """Alice's ephemeral key and Bob's key agree on the RFC's Z, from both sides."""
        alice = ec_private(APPENDIX_C["alice_ephemeral"])
        bob = ec_private(APPENDIX_C["bob"])
        z = bytes(APPENDIX_C["Z"])
        assert agree(alice, bob.public_key()) == z
        assert agree(bob, alice.public_key()) == z

    def test_concat_kdf(self) -> None:
        """The Concat KDF over Z with AlgorithmID A128GCM, apu Alice, apv Bob."""
        derived = concat_kdf(bytes(APPENDIX_C["Z"]), "A128GCM", b"Alice", b"Bob", 128)
        assert derived == bytes(APPENDIX_C["derived_key"])
        assert b64encode_str(derived) == APPENDIX_C["derived_key_b64"]

    def test_unwrap_with_rfc_header(self) -> None:
        """Bob derives the CEK from the RFC's header (epk, apu, apv)."""
        bob = ec_private(APPENDIX_C["bob"])
        cek = KEY_MANAGEMENT["ECDH-ES"].unwrap(bob, b"", APPENDIX_C["header"], A128GCM, max_p2c=1)
        assert b64encode_str(cek) == APPENDIX_C["derived_key_b64"]

    def test_wrap_with_injected_ephemeral(self) -> None:
        """Alice, with her ephemeral key injected, derives the same key and the RFC's epk."""
        alice = ec_private(APPENDIX_C["alice_ephemeral"])
        bob = ec_private(APPENDIX_C["bob"]).public_key()
        header = {"apu": APPENDIX_C["header"]["apu"], "apv": APPENDIX_C["header"]["apv"]}
        wrapped = KEY_MANAGEMENT["ECDH-ES"].wrap(bob, A128GCM, None, header, ephemeral=alice)
        assert b64encode_str(wrapped.cek) == APPENDIX_C["derived_key_b64"]
        assert wrapped.encrypted_key == b""
        assert wrapped.header == {"epk": APPENDIX_C["header"]["epk"]}


class TestRoundTrip:
    """Every ECDH-ES variant on every curve."""

    @pytest.mark.parametrize("crv", CURVES)
    @pytest.mark.parametrize("name", ECDH_ALGS)
    @pytest.mark.parametrize("enc_name", ["A128GCM", "A256CBC-HS512"])
    def test_round_trip(self, crv: str, name: str, enc_name: str) -> None:
        """The recipient recovers the CEK from the epk the sender put in the header."""
        alg, enc = KEY_MANAGEMENT[name], CONTENT_ENCRYPTIONS[enc_name]
        recipient = _generate(crv)
        header = {"apu": b64encode_str(b"sender"), "apv": b64encode_str(b"receiver")}
        wrapped = alg.wrap(recipient.public_key(), enc, None, header)
        assert wrapped.header["epk"]["crv"] == crv
        assert "d" not in wrapped.header["epk"]
        assert len(wrapped.cek) * 8 == enc.cek_bits
        full = {**header, **wrapped.header}
        assert alg.unwrap(recipient, wrapped.encrypted_key, full, enc, max_p2c=1) == wrapped.cek

    def test_fresh_epk_per_message(self) -> None:
        """Each message gets its own ephemeral key."""
        recipient = _generate("P-256")
        alg = KEY_MANAGEMENT["ECDH-ES"]
        first = alg.wrap(recipient.public_key(), A128GCM, None, {})
        second = alg.wrap(recipient.public_key(), A128GCM, None, {})
        assert first.header["epk"] != second.header["epk"]
        assert first.cek != second.cek

    def test_apu_apv_bind_the_key(self) -> None:
        """Changing apv changes the derived key, so the recipient cannot unwrap."""
        recipient = _generate("X25519")
        alg = KEY_MANAGEMENT["ECDH-ES"]
        wrapped = alg.wrap(recipient.public_key(), A128GCM, None, {"apv": "Qm9i"})
        header = {**wrapped.header, "apv": "Qm9j"}
        assert alg.unwrap(recipient, b"", header, A128GCM, max_p2c=1) != wrapped.cek

    def test_direct_cannot_take_a_cek(self) -> None:
        """ECDH-ES derives the CEK; it cannot carry another recipient's."""
        with pytest.raises(ValueError, match="CEK"):
            KEY_MANAGEMENT["ECDH-ES"].wrap(
                _generate("P-256").public_key(), A128GCM, os.urandom(16), {}
            )

    def test_ephemeral_on_other_curve_refused(self) -> None:
        """An injected ephemeral key must be on the recipient's curve."""
        with pytest.raises(ValueError, match="curve"):
            KEY_MANAGEMENT["ECDH-ES"].wrap(
                _generate("P-256").public_key(), A128GCM, None, {}, ephemeral=_generate("P-384")
            )

    def test_unsupported_key(self) -> None:
        """A secp256k1 or non-EC key is a caller's mistake."""
        with pytest.raises(TypeError):
            KEY_MANAGEMENT["ECDH-ES"].wrap(
                ec.generate_private_key(ec.SECP256K1()).public_key(), A128GCM, None, {}
            )


def _epk_header(crv: str) -> tuple[Any, dict[str, Any]]:
    recipient = _generate(crv)
    wrapped = KEY_MANAGEMENT["ECDH-ES"].wrap(recipient.public_key(), A128GCM, None, {})
    return recipient, dict(wrapped.header)


class TestEpkValidation:
    """The token's epk is validated before any agreement (invalid-curve attacks)."""

    def test_epk_off_curve(self) -> None:
        """A P-256 point not on the curve is rejected."""
        recipient, header = _epk_header("P-256")
        y = int.from_bytes(b64decode(header["epk"]["y"]), "big")
        header["epk"] = {**header["epk"], "y": b64encode_str((y ^ 1).to_bytes(32, "big"))}
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["ECDH-ES"].unwrap(recipient, b"", header, A128GCM, max_p2c=1)

    @pytest.mark.parametrize(
        ("mine", "theirs"),
        [("P-256", "P-384"), ("X25519", "X448"), ("P-256", "X25519"), ("X25519", "P-256")],
    )
    def test_epk_other_curve(self, mine: str, theirs: str) -> None:
        """An epk on another curve or of another key type is rejected."""
        recipient = _generate(mine)
        _, header = _epk_header(theirs)
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["ECDH-ES"].unwrap(recipient, b"", header, A128GCM, max_p2c=1)

    def test_epk_claims_my_curve_with_other_size(self) -> None:
        """P-384 coordinates labelled P-256 are rejected by length."""
        recipient = _generate("P-256")
        _, header = _epk_header("P-384")
        header["epk"] = {**header["epk"], "crv": "P-256"}
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["ECDH-ES"].unwrap(recipient, b"", header, A128GCM, max_p2c=1)

    @pytest.mark.parametrize(
        "epk",
        [
            None,
            "a string",
            [],
            {},
            {"kty": "EC", "crv": "P-256"},
            {"kty": "EC", "crv": "P-256", "x": 1, "y": 2},
        ],
        ids=["missing", "string", "list", "empty", "no-coordinates", "int-coordinates"],
    )
    def test_malformed_epk(self, epk: Any) -> None:
        """Anything but a JWK of the right shape is the uniform DecryptionError."""
        recipient = _generate("P-256")
        header = {} if epk is None else {"epk": epk}
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["ECDH-ES"].unwrap(recipient, b"", header, A128GCM, max_p2c=1)

    def test_short_coordinate(self) -> None:
        """A coordinate with its leading zero bytes stripped is rejected (RFC 7518 6.2.1.2)."""
        recipient, header = _epk_header("P-256")
        x = b64decode(header["epk"]["x"])
        header["epk"] = {**header["epk"], "x": b64encode_str(x[1:])}
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["ECDH-ES"].unwrap(recipient, b"", header, A128GCM, max_p2c=1)

    @pytest.mark.parametrize("crv", ["X25519", "X448"])
    def test_all_zero_shared_secret(self, crv: str) -> None:
        """A small-order OKP point (all-zero shared secret) is rejected (RFC 7748 6)."""
        size = 32 if crv == "X25519" else 56
        recipient = _generate(crv)
        header = {"epk": {"kty": "OKP", "crv": crv, "x": b64encode_str(bytes(size))}}
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["ECDH-ES"].unwrap(recipient, b"", header, A128GCM, max_p2c=1)

    def test_non_empty_encrypted_key_rejected(self) -> None:
        """ECDH-ES (direct) with a non-empty encrypted key is rejected (RFC 7516 5.2 step 10)."""
        recipient, header = _epk_header("P-256")
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["ECDH-ES"].unwrap(recipient, b"\x00" * 24, header, A128GCM, max_p2c=1)

    def test_bad_apu(self) -> None:
        """An apu that is not base64url is the uniform DecryptionError."""
        recipient, header = _epk_header("P-256")
        header["apu"] = "***"
        with pytest.raises(DecryptionError):
            KEY_MANAGEMENT["ECDH-ES"].unwrap(recipient, b"", header, A128GCM, max_p2c=1)

    def test_unwrap_needs_private_key(self) -> None:
        """A public key for decryption is a caller's mistake."""
        recipient, header = _epk_header("P-256")
        with pytest.raises(TypeError):
            KEY_MANAGEMENT["ECDH-ES"].unwrap(
                recipient.public_key(), b"", header, A128GCM, max_p2c=1
            )


def _ecpoint_cases() -> list[Any]:
    data = load_json("wycheproof/testvectors_v1/ecdh_secp256r1_ecpoint_test.json")
    return [
        pytest.param(case, id=f"tc{case['tcId']}")
        for group in data["testGroups"]
        for case in group["tests"]
    ]


class TestWycheproofEcpoint:
    """Wycheproof ecdh_secp256r1_ecpoint_test.json, the peer point given as an epk JWK."""

    @pytest.mark.parametrize("case", _ecpoint_cases())
    def test_case(self, case: dict[str, Any]) -> None:
        """Valid points agree on the expected secret; invalid ones are refused.

        A JWK has no compressed form, so a point that is not uncompressed (0x04 || X || Y)
        cannot be an epk at all: the test only checks that no such case is labelled valid.
        Other-curve points (WrongCurve) are split in halves and must be refused by length.
        """
        point = bytes.fromhex(case["public"])
        if not point or point[0] != 4 or len(point) % 2 != 1:
            assert case["result"] != "valid"
            return
        half = (len(point) - 1) // 2
        epk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64encode_str(point[1 : 1 + half]),
            "y": b64encode_str(point[1 + half :]),
        }
        private = ec.derive_private_key(int(case["private"], 16), ec.SECP256R1())
        if case["result"] == "invalid":
            with pytest.raises(DecryptionError):
                epk_public_key(epk, "P-256")
            return
        assert agree(private, epk_public_key(epk, "P-256")).hex() == case["shared"]


def _xdh_cases() -> list[Any]:
    cases = []
    for crv, filename in (("X25519", "x25519_jwk_test.json"), ("X448", "x448_jwk_test.json")):
        data = load_json(f"wycheproof/testvectors_v1/{filename}")
        for group in data["testGroups"]:
            for case in group["tests"]:
                cases.append(pytest.param(crv, case, id=f"{crv}-tc{case['tcId']}"))
    return cases


class TestWycheproofXdhJwk:
    """Wycheproof x25519_jwk_test.json and x448_jwk_test.json, public key as an epk."""

    @pytest.mark.parametrize(("crv", "case"), _xdh_cases())
    def test_case(self, crv: str, case: dict[str, Any]) -> None:
        """Valid cases agree on ``shared``; invalid ones are refused.

        ``acceptable`` cases (twist points, non-canonical and low-order public keys) may
        go either way, but when accepted the result must be the expected secret, and an
        all-zero secret is always refused.
        """
        private = okp_private(case["private"])

        def run() -> bytes:
            try:
                return agree(private, epk_public_key(case["public"], crv))
            except ValueError:
                raise DecryptionError() from None

        if case["result"] == "invalid":
            with pytest.raises(DecryptionError):
                run()
        elif case["result"] == "valid":
            assert run().hex() == case["shared"]
        else:
            try:
                shared = run()
            except DecryptionError:
                return
            assert shared.hex() == case["shared"]
            assert any(shared)


class TestEpkJwk:
    """The epk written on encryption."""

    @pytest.mark.parametrize("crv", CURVES)
    def test_round_trips_through_validation(self, crv: str) -> None:
        """epk_to_jwk output is accepted by epk_public_key on the same curve."""
        public = _generate(crv).public_key()
        jwk = epk_to_jwk(public)
        assert list(jwk)[:2] == ["kty", "crv"]
        assert epk_to_jwk(epk_public_key(jwk, crv)) == jwk
