"""Attack class 7: JWE ECDH-ES with a hostile ephemeral public key (``epk``).

Pins: CVE-2016-9121 (go-jose: ECDH-ES ``epk`` not checked to be on the curve),
GHSA-rvj9-8cvx-3vq9 (node-jose invalid-curve attack), the jose2go 1.3 fix, and the
invalid-curve attack on JWE of Jager, Schwenk and Somorovsky (ESORICS 2015): each
off-curve point leaks the private key modulo a small order. RFC 7518 section 4.6 and
RFC 7748 section 6 (X25519/X448: refuse the all-zero shared secret of a small-order
point). Every such token fails with the single ``DecryptionError``.
"""

from __future__ import annotations

from typing import Any

import pytest

from jotkit import Key, jwe
from jotkit.errors import DecryptionError
from jotkit.jwa import _ecdh

from .._guards import forbid
from ._forge import b64, ec_key, rejects
from ._forge_jwe import ecdh_es
from ._forge_jwe import jwe as make_jwe

X25519_P = 2**255 - 19
X448_P = 2**448 - 2**224 - 1
# Points of small order on Curve25519 (RFC 7748 section 6 and the libsodium blocklist).
X25519_SMALL_ORDER = [
    0,
    1,
    325606250916557431795983626356110631294008115727848805560023387167927233504,
    39382357235489614581723060781553021112529911719440698176882885853963445705823,
    X25519_P - 1,
    X25519_P,
    X25519_P + 1,
]
X448_SMALL_ORDER = [0, 1, X448_P - 1]


def _recipient(crv: str = "P-256") -> Key:
    return Key.from_cryptography(ec_key(crv, 3))


def _decrypt(token: str, key: Key) -> object:
    return jwe.decrypt_compact(
        token,
        key,
        algorithms=["ECDH-ES", "ECDH-ES+A128KW"],
        encryptions=["A128GCM"],
    )


def _token(epk: Any, alg: str = "ECDH-ES", encrypted_key: bytes = b"") -> str:
    header = {"alg": alg, "enc": "A128GCM", "epk": epk}
    return make_jwe(header, encrypted_key, bytes(12), b"\x00" * 16, b"\x00" * 16)


def _ec_epk(crv: str, x: int, y: int, size: int = 32) -> dict[str, str]:
    return {
        "kty": "EC",
        "crv": crv,
        "x": b64(x.to_bytes(size, "big")),
        "y": b64(y.to_bytes(size, "big")),
    }


def _valid_point() -> tuple[int, int]:
    numbers = ec_key("P-256", 9).public_key().public_numbers()
    return numbers.x, numbers.y


@pytest.fixture
def no_agreement(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hostile epk must be refused before any key agreement runs.

    The forged tokens carry a zero tag, so they would fail anyway: forbidding the
    agreement proves the epk check itself refused them (an off-curve point that reached
    the agreement would leak the private key modulo a small order).
    """
    forbid(monkeypatch, _ecdh, "agree")


@pytest.fixture
def refused_agreements(monkeypatch: pytest.MonkeyPatch) -> list[Exception]:
    """Record the errors the key agreement raised: the refusal must come from there."""
    raised: list[Exception] = []
    real = _ecdh.agree

    def spy(private: Any, public: Any) -> bytes:
        try:
            return real(private, public)
        except Exception as exc:
            raised.append(exc)
            raise

    monkeypatch.setattr(_ecdh, "agree", spy)
    return raised


class TestControl:
    """A genuine ECDH-ES token built by hand decrypts: the forger is right."""

    def test_genuine(self) -> None:
        """Control."""
        token = ecdh_es(ec_key("P-256", 3).public_key(), "A128GCM", b"hello")
        assert (
            jwe.decrypt_compact(
                token, _recipient(), algorithms=["ECDH-ES"], encryptions=["A128GCM"]
            ).plaintext
            == b"hello"
        )


@pytest.mark.usefixtures("no_agreement")
class TestNISTCurves:
    """An epk must be a point on the recipient's curve, refused before any agreement."""

    @pytest.mark.parametrize("alg", ["ECDH-ES", "ECDH-ES+A128KW"])
    @pytest.mark.parametrize("case", ["y-plus-1", "origin", "x-only", "y-is-p", "x-is-p"])
    def test_off_curve(self, alg: str, case: str) -> None:
        """Points that are not on P-256."""
        x, y = _valid_point()
        p = 2**256 - 2**224 + 2**192 + 2**96 - 1
        point = {
            "y-plus-1": (x, (y + 1) % p),
            "origin": (0, 0),
            "x-only": (x, 0),
            "y-is-p": (x, p),
            "x-is-p": (p, y),
        }[case]
        encrypted_key = b"\x00" * 24 if alg.endswith("KW") else b""
        token = _token(_ec_epk("P-256", *point), alg, encrypted_key)
        rejects(DecryptionError, _decrypt, token, _recipient())

    def test_point_of_another_curve_labelled_p256(self) -> None:
        """A valid secp256k1 point claiming to be P-256."""
        numbers = ec_key("secp256k1").public_key().public_numbers()
        rejects(
            DecryptionError, _decrypt, _token(_ec_epk("P-256", numbers.x, numbers.y)), _recipient()
        )

    def test_p384_epk_for_p256_key(self) -> None:
        """A genuine P-384 point for a P-256 recipient."""
        numbers = ec_key("P-384").public_key().public_numbers()
        epk = _ec_epk("P-384", numbers.x, numbers.y, 48)
        rejects(DecryptionError, _decrypt, _token(epk), _recipient())

    def test_p256_epk_for_p384_key(self) -> None:
        """And a P-256 point for a P-384 recipient."""
        x, y = _valid_point()
        rejects(DecryptionError, _decrypt, _token(_ec_epk("P-256", x, y)), _recipient("P-384"))

    @pytest.mark.parametrize(
        "epk",
        [
            None,
            "not a jwk",
            ["EC"],
            {},
            {"kty": "EC", "crv": "P-256"},
            {"kty": "OKP", "crv": "X25519", "x": b64(bytes(32))},
            {"kty": "EC", "crv": "P-256", "x": 1, "y": 2},
        ],
        ids=repr,
    )
    def test_not_an_ec_jwk(self, epk: Any) -> None:
        """Missing, ill-typed, incomplete or other-kty epk values."""
        rejects(DecryptionError, _decrypt, _token(epk), _recipient())

    @pytest.mark.parametrize("size", [31, 33, 0])
    def test_coordinate_length(self, size: int) -> None:
        """Coordinates not exactly 32 bytes (RFC 7518 6.2.1.2)."""
        x, y = _valid_point()
        raw_x = x.to_bytes(33, "big")[-size:] if size else b""
        epk = {"kty": "EC", "crv": "P-256", "x": b64(raw_x), "y": b64(y.to_bytes(32, "big"))}
        rejects(DecryptionError, _decrypt, _token(epk), _recipient())

    @pytest.mark.parametrize("kty", ["OKP", "RSA", "ec", None])
    def test_valid_point_under_another_kty(self, kty: str | None) -> None:
        """A genuine P-256 point whose ``kty`` is not "EC": the epk must be of the same type."""
        x, y = _valid_point()
        epk: dict[str, Any] = {**_ec_epk("P-256", x, y), "kty": kty}
        rejects(DecryptionError, _decrypt, _token(epk), _recipient())

    def test_direct_agreement_with_an_encrypted_key(self) -> None:
        """ECDH-ES derives the CEK: a non-empty encrypted key is refused (RFC 7516 5.2)."""
        x, y = _valid_point()
        token = _token(_ec_epk("P-256", x, y), "ECDH-ES", b"\x01" * 16)
        rejects(DecryptionError, _decrypt, token, _recipient())


class TestMontgomeryCurves:
    """X25519 and X448 refuse small-order points (all-zero shared secret)."""

    @pytest.mark.parametrize("u", X25519_SMALL_ORDER, ids=lambda u: hex(u)[:12])
    def test_x25519_small_order(self, u: int, refused_agreements: list[Exception]) -> None:
        """Each small-order u-coordinate, canonical or not: the agreement refuses it."""
        from cryptography.hazmat.primitives.asymmetric import x25519

        key = Key.from_cryptography(x25519.X25519PrivateKey.generate())
        epk = {"kty": "OKP", "crv": "X25519", "x": b64((u % 2**256).to_bytes(32, "little"))}
        rejects(DecryptionError, _decrypt, _token(epk), key)
        assert [type(e) for e in refused_agreements] == [ValueError]

    @pytest.mark.parametrize("u", X448_SMALL_ORDER, ids=hex)
    def test_x448_small_order(self, u: int, refused_agreements: list[Exception]) -> None:
        """Small-order X448 points: the agreement refuses them."""
        from cryptography.hazmat.primitives.asymmetric import x448

        key = Key.from_cryptography(x448.X448PrivateKey.generate())
        epk = {"kty": "OKP", "crv": "X448", "x": b64(u.to_bytes(56, "little"))}
        rejects(DecryptionError, _decrypt, _token(epk), key)
        assert [type(e) for e in refused_agreements] == [ValueError]

    @pytest.mark.parametrize("size", [31, 33, 56])
    @pytest.mark.usefixtures("no_agreement")
    def test_x25519_wrong_length(self, size: int) -> None:
        """An X25519 epk of the wrong length (or an X448-sized one)."""
        from cryptography.hazmat.primitives.asymmetric import x25519

        key = Key.from_cryptography(x25519.X25519PrivateKey.generate())
        epk = {"kty": "OKP", "crv": "X25519", "x": b64(b"\x09" * size)}
        rejects(DecryptionError, _decrypt, _token(epk), key)

    @pytest.mark.usefixtures("no_agreement")
    def test_x448_epk_for_x25519_key(self) -> None:
        """An X448 epk for an X25519 recipient."""
        from cryptography.hazmat.primitives.asymmetric import x448, x25519

        key = Key.from_cryptography(x25519.X25519PrivateKey.generate())
        raw = x448.X448PrivateKey.generate().public_key().public_bytes_raw()
        rejects(
            DecryptionError, _decrypt, _token({"kty": "OKP", "crv": "X448", "x": b64(raw)}), key
        )

    @pytest.mark.usefixtures("no_agreement")
    def test_x25519_point_under_another_kty(self) -> None:
        """A genuine X25519 public key whose ``kty`` is "EC"."""
        from cryptography.hazmat.primitives.asymmetric import x25519

        key = Key.from_cryptography(x25519.X25519PrivateKey.generate())
        raw = x25519.X25519PrivateKey.generate().public_key().public_bytes_raw()
        epk = {"kty": "EC", "crv": "X25519", "x": b64(raw)}
        rejects(DecryptionError, _decrypt, _token(epk), key)

    @pytest.mark.usefixtures("no_agreement")
    def test_ec_epk_for_x25519_key(self) -> None:
        """An EC epk for an X25519 recipient."""
        from cryptography.hazmat.primitives.asymmetric import x25519

        key = Key.from_cryptography(x25519.X25519PrivateKey.generate())
        x, y = _valid_point()
        rejects(DecryptionError, _decrypt, _token(_ec_epk("P-256", x, y)), key)


class TestJSONSerialization:
    """The same checks apply to an epk in a per-recipient header."""

    def test_off_curve_in_recipient_header(self) -> None:
        """Flattened JWE JSON with an off-curve epk in the unprotected recipient header."""
        x, y = _valid_point()
        obj = {
            "protected": b64(b'{"enc":"A128GCM"}'),
            "header": {"alg": "ECDH-ES", "epk": _ec_epk("P-256", x, y + 1)},
            "iv": b64(bytes(12)),
            "ciphertext": b64(bytes(16)),
            "tag": b64(bytes(16)),
        }
        rejects(
            DecryptionError,
            jwe.decrypt_json,
            obj,
            _recipient(),
            algorithms=["ECDH-ES"],
            encryptions=["A128GCM"],
        )
