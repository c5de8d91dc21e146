"""Conversions between JWK members (RFC 7518 section 6, RFC 8037) and `cryptography` keys.

Import validates everything that would let a hostile key do harm: points on the curve,
exact coordinate lengths, RSA exponent and consistency, private members that match the
public ones. RSA consistency checks cost tens of milliseconds: they run here, once per
key object, never per operation.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from .._b64 import b64decode, b64encode_str
from .._lazy import lazy_module
from ..errors import InvalidKeyError, MalformedError

# The ROCA and small-order checks load with the first RSA or Edwards key (import time).
if TYPE_CHECKING:
    from . import _akp, _edwards, _roca
else:
    _akp = lazy_module(f"{__package__}._akp", globals())
    _edwards = lazy_module(f"{__package__}._edwards", globals())
    _roca = lazy_module(f"{__package__}._roca", globals())

__all__ = [
    "CURVES",
    "EC_CURVES",
    "MAX_RSA_BITS",
    "OKP_CURVES",
    "describe",
    "describe_key",
    "from_members",
    "okp_classes",
    "private_members",
    "public_members",
]

# crv -> (cryptography curve, coordinate length in bytes)
EC_CURVES: Mapping[str, tuple[ec.EllipticCurve, int]] = {
    "P-256": (ec.SECP256R1(), 32),
    "P-384": (ec.SECP384R1(), 48),
    "P-521": (ec.SECP521R1(), 66),
    "secp256k1": (ec.SECP256K1(), 32),
}
_EC_NAMES: Mapping[str, str] = {curve.name: crv for crv, (curve, _) in EC_CURVES.items()}

# crv -> (key length in bytes, size in bits); the classes load on first use (okp_classes):
# each of these `cryptography` modules costs ~0.2 ms of import time.
OKP_CURVES: Mapping[str, tuple[int, int]] = {
    "Ed25519": (32, 256),
    "Ed448": (57, 456),
    "X25519": (32, 256),
    "X448": (56, 448),
}
CURVES = frozenset(EC_CURVES) | frozenset(OKP_CURVES)
_OKP_CLASSES: dict[str, tuple[Any, Any]] = {}


def okp_classes(crv: str) -> tuple[Any, Any]:
    """Return the (private, public) `cryptography` classes of an OKP curve."""
    classes = _OKP_CLASSES.get(crv)
    if classes is None:
        module = importlib.import_module(f"cryptography.hazmat.primitives.asymmetric.{crv.lower()}")
        classes = getattr(module, f"{crv}PrivateKey"), getattr(module, f"{crv}PublicKey")
        _OKP_CLASSES[crv] = classes
    return classes


#: The largest RSA modulus accepted, in bits (OpenSSL's own limit for RSA operations).
MAX_RSA_BITS = 16384

#: A parsed key: (kty, crv or None, the cryptography object or secret, is_private, bits).
Parsed = tuple[str, "str | None", Any, bool, int]


def _bytes(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise InvalidKeyError(f"JWK member {name!r} must be a base64url string")
    try:
        return b64decode(value)
    except MalformedError:
        raise InvalidKeyError(f"JWK member {name!r} is not valid base64url") from None


def _uint(jwk: Mapping[str, Any], name: str) -> int:
    raw = _bytes(jwk, name)
    if not raw:
        raise InvalidKeyError(f"JWK member {name!r} is empty")
    return int.from_bytes(raw, "big")


def _fixed(jwk: Mapping[str, Any], name: str, length: int) -> bytes:
    raw = _bytes(jwk, name)
    if len(raw) != length:
        raise InvalidKeyError(f"JWK member {name!r} must be {length} bytes long")
    return raw


def _oct(jwk: Mapping[str, Any]) -> Parsed:
    secret = _bytes(jwk, "k")
    if not secret:
        raise InvalidKeyError("an oct key must not be empty")
    return "oct", None, secret, True, len(secret) * 8


def _rsa_public_numbers(jwk: Mapping[str, Any]) -> rsa.RSAPublicNumbers:
    n, e = _uint(jwk, "n"), _uint(jwk, "e")
    if n.bit_length() < 512 or n % 2 == 0:
        raise InvalidKeyError("RSA modulus is not a usable modulus")
    # OpenSSL verifies nothing over 16384 bits, and a hostile JWK with a huge modulus and
    # a 'd' makes the prime-factor recovery below run for minutes (DoS).
    if n.bit_length() > MAX_RSA_BITS:
        raise InvalidKeyError(f"RSA modulus larger than {MAX_RSA_BITS} bits")
    # e = 1 makes "signatures" equal to the message; even e is not RSA.
    if e < 3 or e % 2 == 0 or e >= n:
        raise InvalidKeyError("RSA public exponent must be odd and at least 3")
    _check_modulus(n)
    return rsa.RSAPublicNumbers(e, n)


def _check_modulus(n: int) -> None:
    # ROCA (CVE-2017-15361): the private key of such a modulus can be computed from it.
    if _roca.has_roca_fingerprint(n):
        raise InvalidKeyError("RSA modulus has the ROCA fingerprint (CVE-2017-15361)")


def _rsa(jwk: Mapping[str, Any]) -> Parsed:
    public = _rsa_public_numbers(jwk)
    bits = public.n.bit_length()
    if "d" not in jwk:
        if any(m in jwk for m in ("p", "q", "dp", "dq", "qi", "oth")):
            raise InvalidKeyError("RSA private members without 'd'")
        return "RSA", None, public.public_key(), False, bits
    d = _uint(jwk, "d")
    if "oth" in jwk:
        return "RSA", None, _rsa_multiprime(jwk, public, d), True, bits
    crt = ("p", "q", "dp", "dq", "qi")
    present = [m in jwk for m in crt]
    if any(present) and not all(present):
        raise InvalidKeyError("RSA private key must have all of p, q, dp, dq, qi or none")
    try:
        if all(present):
            p, q, dp, dq, qi = (_uint(jwk, m) for m in crt)
        else:
            p, q = rsa.rsa_recover_prime_factors(public.n, public.e, d)
            dp, dq, qi = rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q)
        key = rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, public).private_key()
    except ValueError:
        raise InvalidKeyError("RSA private members are inconsistent") from None
    return "RSA", None, key, True, bits


def _rsa_multiprime(jwk: Mapping[str, Any], public: rsa.RSAPublicNumbers, d: int) -> Any:
    """Import a multi-prime key (RFC 7518 6.3.2.7) by folding the extra primes into q.

    OpenSSL's CRT works for any coprime split n = p * q' when the exponents are reduced
    modulo lambda of each factor, so the key is usable; we validate it here ourselves
    because the library's own check assumes two primes.
    """
    others = jwk["oth"]
    if not isinstance(others, list) or not others:
        raise InvalidKeyError("RSA 'oth' must be a non-empty list")
    primes = [_uint(jwk, "p"), _uint(jwk, "q")]
    for other in others:
        if not isinstance(other, dict):
            raise InvalidKeyError("RSA 'oth' entries must be objects")
        primes.append(_uint(other, "r"))
    if math.prod(primes) != public.n or any(r < 3 for r in primes):
        raise InvalidKeyError("RSA primes do not multiply to the modulus")
    lam = math.lcm(*(r - 1 for r in primes))
    if (public.e * d) % lam != 1:
        raise InvalidKeyError("RSA private exponent does not match the public exponent")
    _check_crt(jwk, others, primes, d)
    p, rest = primes[0], math.prod(primes[1:])
    lam_rest = math.lcm(*(r - 1 for r in primes[1:]))
    numbers = rsa.RSAPrivateNumbers(p, rest, d, d % (p - 1), d % lam_rest, pow(rest, -1, p), public)
    try:
        return numbers.private_key(unsafe_skip_rsa_key_validation=True)
    except ValueError:  # pragma: no cover - validated above
        raise InvalidKeyError("RSA private members are inconsistent") from None


def _check_crt(jwk: Mapping[str, Any], others: list[Any], primes: list[int], d: int) -> None:
    """The CRT members must be those of the primes (RFC 7518 6.3.2.4-6.3.2.7.3).

    They are exported back as given, so an inconsistent set would make a JWK that signs
    wrongly wherever another library uses them.
    """
    p, q = primes[0], primes[1]
    try:
        expected = [(jwk, "dp", d % (p - 1)), (jwk, "dq", d % (q - 1)), (jwk, "qi", pow(q, -1, p))]
        product = p * q
        for other, r in zip(others, primes[2:], strict=True):
            expected += [(other, "d", d % (r - 1)), (other, "t", pow(product, -1, r))]
            product *= r
    except ValueError:  # a factor shares a prime with another: not invertible
        raise InvalidKeyError("RSA primes are not pairwise coprime") from None
    if any(_uint(members, name) != value for members, name, value in expected):
        raise InvalidKeyError("RSA private members are inconsistent")


def _crv(jwk: Mapping[str, Any], table: Mapping[str, Any]) -> str:
    crv = jwk.get("crv")
    if not isinstance(crv, str) or crv not in table:
        raise InvalidKeyError(f"unsupported curve {crv!r}")
    return crv


def _ec(jwk: Mapping[str, Any]) -> Parsed:
    crv = _crv(jwk, EC_CURVES)
    curve, length = EC_CURVES[crv]
    x = int.from_bytes(_fixed(jwk, "x", length), "big")
    y = int.from_bytes(_fixed(jwk, "y", length), "big")
    try:
        # Raises ValueError for a point that is not on the curve (invalid-curve attacks).
        public = ec.EllipticCurvePublicNumbers(x, y, curve).public_key()
    except ValueError:
        raise InvalidKeyError("EC point is not on the curve") from None
    bits = curve.key_size
    if "d" not in jwk:
        return "EC", crv, public, False, bits
    d = int.from_bytes(_fixed(jwk, "d", length), "big")
    try:
        private = ec.derive_private_key(d, curve)
    except ValueError:
        raise InvalidKeyError("EC private scalar is out of range") from None
    if private.public_key().public_numbers() != public.public_numbers():
        raise InvalidKeyError("EC private key does not match its public point")
    return "EC", crv, private, True, bits


def _check_edwards(crv: str, x: bytes) -> None:
    if _edwards.is_small_order(crv, x):
        raise InvalidKeyError(f"{crv} public key has small order (forgeable signatures)")


def _okp(jwk: Mapping[str, Any]) -> Parsed:
    crv = _crv(jwk, OKP_CURVES)
    length, bits = OKP_CURVES[crv]
    private_cls, public_cls = okp_classes(crv)
    x = _fixed(jwk, "x", length)
    _check_edwards(crv, x)
    try:
        public = public_cls.from_public_bytes(x)
    except ValueError:
        raise InvalidKeyError(f"invalid {crv} public key") from None
    if "d" not in jwk:
        return "OKP", crv, public, False, bits
    private = private_cls.from_private_bytes(_fixed(jwk, "d", length))
    if private.public_key().public_bytes_raw() != x:
        raise InvalidKeyError(f"{crv} private key does not match its public key")
    return "OKP", crv, private, True, bits


_PARSERS: Mapping[str, Callable[[Mapping[str, Any]], Parsed]] = {
    "oct": _oct,
    "RSA": _rsa,
    "EC": _ec,
    "OKP": _okp,
    # ML-DSA (RFC 9964): its own module, loaded with the first AKP key.
    "AKP": lambda jwk: _akp.from_members(jwk),
}
KEY_TYPES = frozenset(_PARSERS)


def from_members(jwk: Mapping[str, Any]) -> Parsed:
    """Parse the key material of a JWK.

    Raises:
        InvalidKeyError: unknown ``kty``, missing or malformed members, invalid key.
    """
    kty = jwk.get("kty")
    if not isinstance(kty, str) or kty not in _PARSERS:
        raise InvalidKeyError(f"unsupported key type {kty!r}")
    return _PARSERS[kty](jwk)


# Concrete `cryptography` key class -> (kty, OKP curve, is_private). The abstract-class
# isinstance checks behind it run once per class rather than once per key; only the
# library's own classes are remembered, so the map is bounded by what it defines.
_KINDS: dict[type, tuple[str, str | None, bool]] = {}


def _classify(obj: Any) -> tuple[str, str | None, bool]:
    if isinstance(obj, rsa.RSAPrivateKey):
        return "RSA", None, True
    if isinstance(obj, rsa.RSAPublicKey):
        return "RSA", None, False
    if isinstance(obj, ec.EllipticCurvePrivateKey):
        return "EC", None, True
    if isinstance(obj, ec.EllipticCurvePublicKey):
        return "EC", None, False
    for crv in OKP_CURVES:
        private_cls, public_cls = okp_classes(crv)
        if isinstance(obj, private_cls | public_cls):
            return "OKP", crv, isinstance(obj, private_cls)
    akp = _akp.classify(obj)
    if akp is not None:
        return "AKP", akp[0], akp[1]
    raise TypeError(f"unsupported key object {type(obj).__name__}")


def _kind(obj: Any) -> tuple[str, str | None, bool]:
    cls = type(obj)
    kind = _KINDS.get(cls)
    if kind is None:
        kind = _classify(obj)
        # A proxy's __class__ can differ from its type: classify those every time.
        if obj.__class__ is cls and cls.__module__.startswith("cryptography."):
            _KINDS[cls] = kind
    return kind


def describe(obj: Any) -> Parsed:
    """Describe a `cryptography` key object as a parsed key.

    Raises:
        TypeError: the object is not a key type jotkit supports.
        InvalidKeyError: an RSA key with the ROCA fingerprint, an Edwards key of small order.
    """
    return describe_key(obj)[0]


def describe_key(obj: Any) -> tuple[Parsed, Any]:
    """Like :func:`describe`, also returning the public key object when a check derived it.

    Returns None for the public key of an EC or OKP private key: no check needs it, and
    the key derives it on first use.

    Raises:
        TypeError: the object is not a key type jotkit supports.
        InvalidKeyError: an RSA key with the ROCA fingerprint, an Edwards key of small order.
    """
    kty, okp_crv, is_private = _kind(obj)
    if kty == "EC":
        curve = obj.curve
        crv = _EC_NAMES.get(curve.name)
        if crv is None:
            raise TypeError(f"unsupported curve {curve.name}")
        return ("EC", crv, obj, is_private, curve.key_size), None if is_private else obj
    if kty == "RSA":
        public = obj.public_key() if is_private else obj
        _check_modulus(public.public_numbers().n)
        return ("RSA", None, obj, is_private, obj.key_size), public
    assert okp_crv is not None
    if kty == "AKP":
        return ("AKP", okp_crv, obj, is_private, _akp.bits(okp_crv)), None if is_private else obj
    if is_private:
        # The public half of a private Edwards key is [s]B with s clamped (RFC 8032 5.1.5,
        # 5.2.5): a non-zero multiple of B, which has prime order, so never of small
        # order. Only public keys from elsewhere need the check; this one is derived lazily.
        return ("OKP", okp_crv, obj, True, OKP_CURVES[okp_crv][1]), None
    _check_edwards(okp_crv, obj.public_bytes_raw())
    return ("OKP", okp_crv, obj, False, OKP_CURVES[okp_crv][1]), obj


def _b64uint(value: int, length: int = 0) -> str:
    return b64encode_str(value.to_bytes(max(length, (value.bit_length() + 7) // 8, 1), "big"))


def public_members(kty: str, crv: str | None, public: Any) -> dict[str, str]:
    """Return the public JWK members of a public key object, in RFC 7638 order."""
    if kty == "RSA":
        numbers = public.public_numbers()
        return {"e": _b64uint(numbers.e), "kty": kty, "n": _b64uint(numbers.n)}
    assert crv is not None
    if kty == "AKP":
        return _akp.public_members(crv, public)
    if kty == "EC":
        length = EC_CURVES[crv][1]
        point = public.public_numbers()
        return {
            "crv": crv,
            "kty": kty,
            "x": _b64uint(point.x, length),
            "y": _b64uint(point.y, length),
        }
    return {"crv": crv, "kty": kty, "x": b64encode_str(public.public_bytes_raw())}


def private_members(kty: str, crv: str | None, private: Any) -> dict[str, str]:
    """Return the private JWK members of a private key object."""
    if kty == "RSA":
        n = private.private_numbers()
        return {
            "d": _b64uint(n.d),
            "p": _b64uint(n.p),
            "q": _b64uint(n.q),
            "dp": _b64uint(n.dmp1),
            "dq": _b64uint(n.dmq1),
            "qi": _b64uint(n.iqmp),
        }
    assert crv is not None
    if kty == "AKP":
        return _akp.private_members(private)
    if kty == "EC":
        return {"d": _b64uint(private.private_numbers().private_value, EC_CURVES[crv][1])}
    return {"d": b64encode_str(private.private_bytes_raw())}
