"""Attack class 6: degenerate and malformed signature values.

Pins: CVE-2022-21449 ("psychic signatures": Java accepted ECDSA r = s = 0 for any
message), CVE-2020-36843 (Ed25519 malleability: S not checked to be below the group
order L), CVE-2020-28042 (ServiceStack: an empty signature accepted). RFC 7518 section
3.4 fixes an ECDSA JWS signature as raw R || S of exactly twice the curve size, so DER
and other lengths are refused; RFC 8032 section 5.1.7 requires 0 <= S < L; RFC 8017
section 8.2.2 requires an RSA signature of exactly the modulus length. All of these are
``InvalidSignatureError``: the signature is well-encoded base64url, just not valid.
"""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from jotkit import Key, jws
from jotkit.errors import InvalidSignatureError

from ._forge import (
    SECRET,
    b64,
    ec_key,
    ed448_key,
    ed25519_key,
    es_sign,
    hs_sign,
    rejects,
    rs_sign,
    rsa_key,
    signing_input,
)

CLAIMS = b'{"sub":"admin"}'

# Group orders (SEC 2, RFC 8032).
ORDERS = {
    "P-256": 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    "P-384": int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
        "581A0DB248B0A77AECEC196ACCC52973",
        16,
    ),
    "P-521": int(
        "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"
        "FA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
        16,
    ),
    "secp256k1": 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
}
ED25519_L = 2**252 + 27742317777372353535851937790883648493
ED448_L = 2**446 - 13818066809895115352007386748515426880336692474882178609894547503885
ECDSA = [
    ("ES256", "P-256", 32, 256),
    ("ES384", "P-384", 48, 384),
    ("ES512", "P-521", 66, 512),
    ("ES256K", "secp256k1", 32, 256),
]


def _verify_es(alg: str, crv: str, head: str, signature: bytes) -> object:
    key = Key.from_cryptography(ec_key(crv).public_key())
    return jws.verify_compact(head + "." + b64(signature), key, algorithms=[alg])


def _valid_rs(alg: str, crv: str, size: int, bits: int) -> tuple[str, int, int]:
    head = signing_input({"alg": alg}, CLAIMS)
    sig = es_sign(ec_key(crv), head, bits)
    return head, int.from_bytes(sig[:size], "big"), int.from_bytes(sig[size:], "big")


class TestECDSAScalars:
    """r and s must both lie in [1, n-1] (CVE-2022-21449)."""

    @pytest.mark.parametrize(("alg", "crv", "size", "bits"), ECDSA)
    @pytest.mark.parametrize(
        "case", ["zero-zero", "r-zero", "s-zero", "n-n", "r-n", "s-n", "s-n-plus", "max-max"]
    )
    def test_out_of_range(self, alg: str, crv: str, size: int, bits: int, case: str) -> None:
        """Every out-of-range combination, with the valid r or s kept alongside."""
        head, r, s = _valid_rs(alg, crv, size, bits)
        n, top = ORDERS[crv], 2 ** (8 * size) - 1
        forged_r, forged_s = {
            "zero-zero": (0, 0),
            "r-zero": (0, s),
            "s-zero": (r, 0),
            "n-n": (n, n),
            "r-n": (n, s),
            "s-n": (r, n),
            "s-n-plus": (r, min(s + n, top)),
            "max-max": (top, top),
        }[case]
        signature = forged_r.to_bytes(size, "big") + forged_s.to_bytes(size, "big")
        rejects(InvalidSignatureError, _verify_es, alg, crv, head, signature)

    @pytest.mark.parametrize(("alg", "crv", "size", "bits"), ECDSA)
    def test_control_valid(self, alg: str, crv: str, size: int, bits: int) -> None:
        """Control: the unmodified signature verifies."""
        head, r, s = _valid_rs(alg, crv, size, bits)
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
        assert _verify_es(alg, crv, head, signature)


class TestECDSAEncoding:
    """Only raw R || S of the exact length is a JWS ECDSA signature."""

    @pytest.mark.parametrize(("alg", "crv", "size", "bits"), ECDSA)
    def test_der_encoded(self, alg: str, crv: str, size: int, bits: int) -> None:
        """A DER ECDSA-Sig-Value, as OpenSSL and Java produce it."""
        head, r, s = _valid_rs(alg, crv, size, bits)
        rejects(InvalidSignatureError, _verify_es, alg, crv, head, encode_dss_signature(r, s))

    @pytest.mark.parametrize(("alg", "crv", "size", "bits"), ECDSA)
    @pytest.mark.parametrize("case", ["short", "long", "half", "doubled"])
    def test_wrong_length(self, alg: str, crv: str, size: int, bits: int, case: str) -> None:
        """One byte short, one byte long (a leading zero), half or twice the length."""
        head, r, s = _valid_rs(alg, crv, size, bits)
        raw = r.to_bytes(size, "big") + s.to_bytes(size, "big")
        forged = {"short": raw[:-1], "long": b"\x00" + raw, "half": raw[:size]}.get(case, raw + raw)
        rejects(InvalidSignatureError, _verify_es, alg, crv, head, forged)

    def test_r_and_s_of_another_length(self) -> None:
        """ES256 with 33-byte r and 31-byte s (total 64, split wrongly)."""
        head, r, s = _valid_rs("ES256", "P-256", 32, 256)
        forged = r.to_bytes(33, "big") + s.to_bytes(32, "big")[1:]
        rejects(InvalidSignatureError, _verify_es, "ES256", "P-256", head, forged)

    def test_signature_of_another_message(self) -> None:
        """A valid signature over other bytes."""
        head = signing_input({"alg": "ES256"}, CLAIMS)
        other = es_sign(ec_key(), signing_input({"alg": "ES256"}, b"{}"))
        rejects(InvalidSignatureError, _verify_es, "ES256", "P-256", head, other)

    def test_der_of_a_valid_signature_is_still_refused(self) -> None:
        """Round trip through cryptography's own DER: refused because of the encoding."""
        head = signing_input({"alg": "ES256"}, CLAIMS)
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec

        der = ec_key().sign(head.encode(), ec.ECDSA(hashes.SHA256()))
        assert decode_dss_signature(der)
        rejects(InvalidSignatureError, _verify_es, "ES256", "P-256", head, der)


class TestEdDSA:
    """S must be below L; all-zero and wrong-length signatures fail."""

    @pytest.mark.parametrize(("alg", "curve"), [("EdDSA", "Ed25519"), ("Ed25519", "Ed25519")])
    def test_ed25519_s_plus_l(self, alg: str, curve: str) -> None:
        """(R, S + L) verifies in malleable implementations."""
        head = signing_input({"alg": alg}, CLAIMS)
        sig = ed25519_key().sign(head.encode("ascii"))
        s = int.from_bytes(sig[32:], "little") + ED25519_L
        forged = sig[:32] + s.to_bytes(32, "little")
        key = Key.from_cryptography(ed25519_key().public_key())
        token = head + "." + b64(forged)
        rejects(InvalidSignatureError, jws.verify_compact, token, key, algorithms=[alg])

    def test_ed448_s_plus_l(self) -> None:
        """The same for Ed448 (57-byte S with a zero top byte)."""
        head = signing_input({"alg": "Ed448"}, CLAIMS)
        sig = ed448_key().sign(head.encode("ascii"))
        s = int.from_bytes(sig[57:], "little") + ED448_L
        forged = sig[:57] + s.to_bytes(57, "little")
        key = Key.from_cryptography(ed448_key().public_key())
        token = head + "." + b64(forged)
        rejects(InvalidSignatureError, jws.verify_compact, token, key, algorithms=["Ed448"])

    @pytest.mark.parametrize("signature", [b"", b"\x00" * 64, b"\x00" * 63, b"\x01" * 65])
    def test_degenerate(self, signature: bytes) -> None:
        """Empty, all-zero and wrong-length Ed25519 signatures."""
        head = signing_input({"alg": "EdDSA"}, CLAIMS)
        key = Key.from_cryptography(ed25519_key().public_key())
        token = head + "." + b64(signature)
        rejects(InvalidSignatureError, jws.verify_compact, token, key, algorithms=["EdDSA"])


class TestRSA:
    """RSA signatures have the modulus length and a value below the modulus."""

    def _verify(self, signature: bytes, alg: str = "RS256") -> object:
        head = signing_input({"alg": alg}, CLAIMS)
        key = Key.from_cryptography(rsa_key().public_key())
        return jws.verify_compact(head + "." + b64(signature), key, algorithms=[alg])

    @pytest.mark.parametrize("alg", ["RS256", "PS256"])
    @pytest.mark.parametrize("case", ["empty", "zero", "one", "modulus", "max", "short", "long"])
    def test_degenerate(self, alg: str, case: str) -> None:
        """Values 0, 1, n, 2^k - 1, and lengths off by one."""
        head = signing_input({"alg": alg}, CLAIMS)
        valid = rs_sign(rsa_key(), head)
        n = rsa_key().public_key().public_numbers().n
        size = len(valid)
        forged = {
            "empty": b"",
            "zero": bytes(size),
            "one": (1).to_bytes(size, "big"),
            "modulus": n.to_bytes(size, "big"),
            "max": b"\xff" * size,
            "short": valid[1:],
            "long": b"\x00" + valid,
        }[case]
        rejects(InvalidSignatureError, self._verify, forged, alg)


class TestHMAC:
    """An HMAC must match in full."""

    @pytest.mark.parametrize("length", [0, 1, 16, 31, 33])
    def test_truncated_or_extended(self, length: int) -> None:
        """A MAC truncated (or extended) to ``length`` bytes."""
        head = signing_input({"alg": "HS256"}, CLAIMS)
        mac = hs_sign(SECRET, head)
        forged = (mac + b"\x00")[:length]
        token = head + "." + b64(forged)
        rejects(InvalidSignatureError, jws.verify_compact, token, SECRET, algorithms=["HS256"])

    def test_all_zero(self) -> None:
        """An all-zero MAC of the right length."""
        token = signing_input({"alg": "HS256"}, CLAIMS) + "." + b64(bytes(32))
        rejects(InvalidSignatureError, jws.verify_compact, token, SECRET, algorithms=["HS256"])

    def test_hs512_mac_for_hs256(self) -> None:
        """A longer MAC whose prefix is not the HS256 MAC."""
        head = signing_input({"alg": "HS256"}, CLAIMS)
        token = head + "." + b64(hs_sign(SECRET, head, 512))
        rejects(InvalidSignatureError, jws.verify_compact, token, SECRET, algorithms=["HS256"])
