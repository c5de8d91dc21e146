"""``Key``: one immutable JSON Web Key (RFC 7517) holding its parsed `cryptography` object.

Every check that decides whether a key may serve an algorithm lives in :meth:`Key.check`
(RFC 8725 section 3.1, RFC 7517 sections 4.2-4.4).

This module is longer than the ~400 lines STYLE.md suggests (370 of code): it is the one
public ``Key`` class, whose importers and exporters are thin typed wrappers over
``_material``, ``_formats``, ``_members``, ``_export`` and ``_generate``, where the work is.
Splitting the class itself over mixin modules would scatter its API and add a module to
``import jotkit`` (about 0.15 ms each).
"""

from __future__ import annotations

import copy
import sys
import warnings
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

from cryptography.hazmat.primitives import serialization

from .. import _json
from .._b64 import b64encode_str
from .._lazy import lazy_module
from ..errors import AlgorithmNotAllowedError, InvalidKeyError, SecurityWarning
from ..jwa import KeyRequirement, Operation, constant_time_equal
from . import _material

# JWK members, export and generation load on first use (import time). Key formats are a
# lazy module global rather than an import in the function: from_pem and from_secret are
# hot paths, and an import statement costs ~1 us per call.
if TYPE_CHECKING:
    from cryptography import x509

    from . import _formats, _secrets
    from ._material import Parsed
else:
    _formats = lazy_module(f"{__package__}._formats", globals())
    _secrets = lazy_module(f"{__package__}._secrets", globals())

__all__ = ["AlgorithmDescriptor", "Key"]

# The members of a key that has none: read-only, so one instance serves every such key.
_NONE: Mapping[str, Any] = MappingProxyType({})
_NO_METADATA: Mapping[str, Any] = _NONE


class AlgorithmDescriptor(Protocol):
    """Any algorithm table entry: a name and the keys it accepts."""

    @property
    def name(self) -> str: ...

    @property
    def requirement(self) -> KeyRequirement: ...


class Key:
    """An immutable JWK: key material plus its metadata members (``kid``, ``use``...).

    Build one with a ``from_*`` class method or :meth:`generate`; never directly.
    """

    __slots__ = (
        "_allow_weak",
        "_certificate",
        "_crv",
        "_crypto",
        "_is_private",
        "_kty",
        "_members",
        "_private_override",
        "_public_crypto",
        "_size",
    )

    _kty: str
    _crv: str | None
    _crypto: Any
    _is_private: bool
    _public_crypto: Any
    _size: int
    _members: Mapping[str, Any]
    _certificate: x509.Certificate | None
    _allow_weak: bool
    _private_override: Mapping[str, Any] | None

    def __init__(self) -> None:
        raise TypeError("use Key.from_jwk, from_pem, from_der, from_secret or generate")

    @classmethod
    def _make(
        cls,
        parsed: Parsed,
        members: Mapping[str, Any],
        certificate: x509.Certificate | None = None,
        allow_weak: bool = False,
        private_override: Mapping[str, Any] | None = None,
        warn: bool = True,
        public: Any = None,
    ) -> Key:
        kty, crv, crypto, is_private, size = parsed
        if kty == "AKP" and "alg" not in members:
            # An AKP key names its parameter set in alg (RFC 9964 section 2): always bound.
            members = {**members, "alg": crv}
        self = object.__new__(cls)
        setattr_ = object.__setattr__
        setattr_(self, "_kty", kty)
        setattr_(self, "_crv", crv)
        setattr_(self, "_crypto", crypto)
        setattr_(self, "_is_private", is_private or kty == "oct")
        if not is_private or kty == "oct":
            public = crypto
        # A private key's public half, unless given, is derived on first use (public_crypto).
        setattr_(self, "_public_crypto", public)
        setattr_(self, "_size", size)
        # Copies throughout: a caller holding the imported dict (or a to_jwk result) must
        # not be able to widen key_ops or swap x5c on a key that was already checked.
        setattr_(self, "_members", MappingProxyType(_detached(members)) if members else _NONE)
        setattr_(self, "_certificate", certificate)
        setattr_(self, "_allow_weak", allow_weak)
        override = None if private_override is None else _detached(private_override)
        setattr_(self, "_private_override", override)
        if allow_weak and warn:
            warnings.warn(
                "weak-key checks are disabled for this key (allow_weak=True)",
                SecurityWarning,
                stacklevel=3,
            )
        return self

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Key is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Key is immutable")

    # ----------------------------------------------------------------- import

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any] | str | bytes, *, allow_weak: bool = False) -> Key:
        """Import a JWK given as a mapping or as JSON text.

        Raises:
            InvalidKeyError: missing, malformed or inconsistent members; an invalid key.
            MalformedError: the JSON text is not strict JSON.
        """
        from ._members import parse_members

        if isinstance(jwk, str | bytes):
            jwk = _json.loads(jwk)
        if not isinstance(jwk, Mapping):
            raise InvalidKeyError("a JWK must be a JSON object")
        if "keys" in jwk and "kty" not in jwk:
            raise InvalidKeyError("this is a JWK Set (it has 'keys'): use KeySet.from_jwks")
        parsed = _material.from_members(jwk)
        if parsed[0] == "oct":
            _check_secret(parsed[2], allow_weak)
        members, certificate = parse_members(jwk)
        override = None
        if "oth" in jwk and parsed[3]:
            override = {m: jwk[m] for m in ("d", "p", "q", "dp", "dq", "qi", "oth") if m in jwk}
        key = cls._make(
            parsed,
            members,
            certificate=certificate,
            allow_weak=allow_weak,
            private_override=override,
        )
        if certificate is not None and not key._same_public(certificate.public_key()):
            raise InvalidKeyError("the x5c certificate does not hold this key")
        return key

    @classmethod
    def from_secret(
        cls,
        secret: bytes,
        *,
        kid: str | None = None,
        alg: str | None = None,
        allow_weak: bool = False,
    ) -> Key:
        """Make an ``oct`` key from secret bytes.

        Raises:
            TypeError: ``secret`` is not bytes.
            InvalidKeyError: the secret is empty, is recognisably an asymmetric key
                (PEM, DER, OpenSSH, JWK JSON, in the forms ``_secrets`` lists): a public
                key must never become an HMAC secret (PyJWT CVE-2022-29217, python-jose
                CVE-2024-33663); or is on the published list of real-world JWT secrets
                (unless ``allow_weak``).
        """

        if not isinstance(secret, bytes | bytearray):
            raise TypeError("an oct secret must be bytes; encode text explicitly")
        secret = bytes(secret)
        if not secret:
            raise InvalidKeyError("an oct key must not be empty")
        _check_secret(secret, allow_weak)
        return cls._make(
            ("oct", None, secret, True, len(secret) * 8),
            _metadata(kid=kid, alg=alg),
            allow_weak=allow_weak,
        )

    @classmethod
    def from_pem(
        cls,
        data: bytes | str,
        password: bytes | str | None = None,
        *,
        kid: str | None = None,
        alg: str | None = None,
        allow_weak: bool = False,
    ) -> Key:
        """Import a PEM key: PKCS#1, SEC1, PKCS#8 (encrypted too), SPKI or X.509 certificate.

        A certificate's public key is imported and the certificate kept on the key.

        Raises:
            InvalidKeyError: not a supported PEM key, or a wrong password.
        """

        obj, cert = _formats.load_pem(data, password)
        return cls._wrap(obj, cert, kid, alg, allow_weak)

    @classmethod
    def from_der(
        cls,
        data: bytes,
        password: bytes | str | None = None,
        *,
        kid: str | None = None,
        alg: str | None = None,
        allow_weak: bool = False,
    ) -> Key:
        """Import a DER key (PKCS#1, SEC1, PKCS#8, SPKI) or X.509 certificate.

        Raises:
            InvalidKeyError: not a supported DER key, or a wrong password.
        """

        obj, cert = _formats.load_der(data, password)
        return cls._wrap(obj, cert, kid, alg, allow_weak)

    @classmethod
    def from_openssh(
        cls,
        data: bytes | str,
        password: bytes | str | None = None,
        *,
        kid: str | None = None,
        alg: str | None = None,
        allow_weak: bool = False,
    ) -> Key:
        """Import an OpenSSH private key or public key line.

        Raises:
            InvalidKeyError: not a supported OpenSSH key, or a wrong password.
        """

        obj, cert = _formats.load_openssh(data, password)
        return cls._wrap(obj, cert, kid, alg, allow_weak)

    @classmethod
    def from_cryptography(
        cls,
        obj: Any,
        *,
        kid: str | None = None,
        alg: str | None = None,
        allow_weak: bool = False,
    ) -> Key:
        """Wrap a `cryptography` key object (or a certificate) the application already holds.

        Raises:
            TypeError: an unsupported object.
        """

        cert = None
        # Only a loaded x509 module can have made a certificate (it costs ~90 ms to import).
        x509 = sys.modules.get("cryptography.x509")
        if x509 is not None and isinstance(obj, x509.Certificate):
            cert = obj
            obj = cert.public_key()
        # The application built this object itself: an unsupported one is its own mistake
        # (TypeError), unlike key bytes from elsewhere, which _wrap reports as InvalidKeyError.
        parsed, public = _material.describe_key(obj)
        return cls._make(
            parsed,
            _metadata(kid=kid, alg=alg),
            certificate=cert,
            allow_weak=allow_weak,
            public=public,
        )

    @classmethod
    def _wrap(
        cls,
        obj: Any,
        cert: x509.Certificate | None,
        kid: str | None,
        alg: str | None,
        allow_weak: bool,
    ) -> Key:
        try:
            parsed, public = _material.describe_key(obj)
        except TypeError as exc:
            raise InvalidKeyError(str(exc)) from None
        members = _NO_METADATA if kid is None and alg is None else _metadata(kid=kid, alg=alg)
        # Positional arguments here and above: the per-key hot path of from_pem and from_der.
        return cls._make(parsed, members, cert, allow_weak, None, True, public)

    @classmethod
    def generate(cls, alg: str, *, kid: str | None = None) -> Key:
        """Generate a new key fit for ``alg`` (a JWS alg, a JWE alg, or a JWE enc for ``dir``).

        RSA keys are 2048 bits or more, HMAC secrets as long as the hash, AES keys of the
        algorithm's size, EC keys on the algorithm's curve. The key is bound to ``alg``.

        Raises:
            ValueError: ``alg`` is unknown, or (``dir``) does not name a key size.
        """
        from ._generate import generate

        return cls._make(generate(alg), _metadata(kid=kid, alg=alg))

    # -------------------------------------------------------------- properties

    @property
    def kty(self) -> str:
        """The key type: ``oct``, ``RSA``, ``EC``, ``OKP`` or ``AKP`` (ML-DSA)."""
        return self._kty

    @property
    def crv(self) -> str | None:
        """The curve of an EC or OKP key, else None."""
        # An AKP key keeps its ML-DSA parameter set in _crv (it is its alg, not a curve).
        return None if self._kty == "AKP" else self._crv

    @property
    def kid(self) -> str | None:
        """The key ID, if any."""
        return self._members.get("kid")

    @property
    def alg(self) -> str | None:
        """The one algorithm this key is bound to, if any."""
        return self._members.get("alg")

    @property
    def use(self) -> str | None:
        """The intended use (``sig`` or ``enc``), if any."""
        return self._members.get("use")

    @property
    def key_ops(self) -> tuple[str, ...] | None:
        """The permitted operations, if restricted."""
        ops = self._members.get("key_ops")
        return None if ops is None else tuple(ops)

    @property
    def is_private(self) -> bool:
        """Whether the key can sign and decrypt (always True for a secret)."""
        return self._is_private

    @property
    def size(self) -> int:
        """The key size in bits: RSA modulus, secret length, or curve size."""
        return self._size

    @property
    def crypto(self) -> Any:
        """The `cryptography` object: the private key if present, else the public key."""
        return self._crypto

    @property
    def public_crypto(self) -> Any:
        """The public `cryptography` object (the secret bytes for an oct key)."""
        public = self._public_crypto
        if public is None:
            # Derived once, on first use; racing threads derive equal objects.
            public = self._crypto.public_key()
            object.__setattr__(self, "_public_crypto", public)
        return public

    @property
    def certificate(self) -> x509.Certificate | None:
        """The X.509 certificate the key came from (PEM, DER or ``x5c``), if any."""
        return self._certificate

    @property
    def x5t_s256(self) -> str | None:
        """The ``x5t#S256`` of :attr:`certificate` (base64url SHA-256 of its DER), if any."""
        if self._certificate is None:
            return None
        from ._chain import x5t_s256

        return x5t_s256(self._certificate)

    def with_certificates(self, certificates: Any) -> Key:
        """Return this key with its certificate chain (leaf first), kept as JWK ``x5c``.

        ``certificates``: PEM text of one or more certificates, one DER certificate, a
        `cryptography` certificate, or a sequence of these.

        Raises:
            TypeError, ValueError: not certificates, a chain out of order, or a leaf that
                does not hold this key.
        """
        from ._chain import load_chain, x5c_of

        chain = load_chain(certificates)
        if not self._same_public(chain[0].public_key()):
            raise ValueError("the leaf certificate does not hold this key")
        members = {k: v for k, v in self._members.items() if k not in ("x5t", "x5t#S256")}
        members["x5c"] = x5c_of(chain)
        return type(self)._make(
            (self._kty, self._crv, self._crypto, self._is_private, self._size),
            members,
            certificate=chain[0],
            allow_weak=self._allow_weak,
            private_override=self._private_override,
            warn=False,
            public=self._public_crypto,
        )

    def x5c_headers(self) -> dict[str, Any]:
        """Header members naming the certificate: ``x5c`` (the chain) and ``x5t#S256``.

        Pass them as ``headers=`` when signing (they go in the protected header).

        Raises:
            ValueError: the key has no certificate.
        """
        if self._certificate is None:
            raise ValueError("this key has no certificate: load one, or use with_certificates")
        from ._chain import x5c_of, x5t_s256

        chain = self._members.get("x5c") or x5c_of([self._certificate])
        return {"x5c": list(chain), "x5t#S256": x5t_s256(self._certificate)}

    @property
    def members(self) -> Mapping[str, Any]:
        """The JWK's metadata members (``kid``, ``use``, ``x5c``, ...), read-only."""
        return MappingProxyType(_detached(self._members))

    # ------------------------------------------------------------------ checks

    def problem(self, op: Operation, descriptor: AlgorithmDescriptor) -> Exception | None:
        """Return the error :meth:`check` would raise, or None when the key fits."""
        req = descriptor.requirement
        name = descriptor.name
        if self._kty not in req.ktys:
            return InvalidKeyError(f"a {self._kty} key cannot be used with {name}")
        if req.crvs and self._crv not in req.crvs:
            return InvalidKeyError(f"a {self._crv} key cannot be used with {name}")
        if op in req.private_for and self._kty != "oct" and not self.is_private:
            return InvalidKeyError(f"{name} needs a private key to {op}")
        if req.exact_bits and self._size != req.exact_bits:
            return InvalidKeyError(f"{name} needs a key of exactly {req.exact_bits} bits")
        if self._size < req.min_bits and not self._allow_weak:
            way_out = (
                f": generate one with Key.generate({name!r}), or pass "
                "Key.from_secret(..., allow_weak=True) for a test secret"
                if self._kty == "oct"
                else ""
            )
            return InvalidKeyError(
                f"{name} needs a key of at least {req.min_bits} bits; this one has "
                f"{self._size}{way_out}"
            )
        members = self._members
        if members:
            own_alg = members.get("alg")
            if own_alg is not None and own_alg != name and own_alg not in req.bound_aliases:
                return AlgorithmNotAllowedError(f"the key is bound to {own_alg}, not {name}")
            use = members.get("use")
            if use is not None and use != req.use:
                return InvalidKeyError(f"the key's use is {use!r}, not {req.use!r}")
            ops = members.get("key_ops")
            # An operation the algorithm does not define (KeySet.find asks "encrypt" of a
            # JWS alg) is permitted by no key_ops value.
            if ops is not None and req.key_ops.get(op, frozenset()).isdisjoint(ops):
                return InvalidKeyError(f"the key's key_ops do not permit {op}")
        return None

    def check(self, op: Operation, descriptor: AlgorithmDescriptor) -> None:
        """Check that this key may perform ``op`` with ``descriptor``'s algorithm.

        Raises:
            InvalidKeyError: wrong type or curve, too small, public key for a private
                operation, or ``use``/``key_ops`` forbid it.
            AlgorithmNotAllowedError: the key is bound to another ``alg``.
        """
        error = self.problem(op, descriptor)
        if error is not None:
            raise error

    def fits(self, op: Operation, descriptor: AlgorithmDescriptor) -> bool:
        """Whether :meth:`check` would pass."""
        return self.problem(op, descriptor) is None

    # ------------------------------------------------------------------ export

    def to_jwk(self, *, private: bool = False) -> dict[str, Any]:
        """Export as a JWK dict; private members only when ``private`` is True.

        Raises:
            ValueError: an oct key exported without ``private=True`` (it has no public form).
        """
        if self._kty == "oct":
            if not private:
                raise ValueError("an oct key is all secret: pass private=True to export it")
            material: dict[str, Any] = {"kty": "oct", "k": b64encode_str(self._crypto)}
        else:
            material = dict(_material.public_members(self._kty, self._crv, self.public_crypto))
            if private and self.is_private:
                if self._private_override is not None:
                    material.update(_detached(self._private_override))
                else:
                    material.update(_material.private_members(self._kty, self._crv, self._crypto))
        return {**_detached(self._members), **material}

    def public(self) -> Key:
        """Return the public half of this key, with the same metadata.

        Raises:
            ValueError: an oct key has no public half.
        """
        if self._kty == "oct":
            raise ValueError("an oct key has no public half")
        if not self.is_private:
            return self
        return type(self)._make(
            (self._kty, self._crv, self.public_crypto, False, self._size),
            self._members,
            certificate=self._certificate,
            allow_weak=self._allow_weak,
            warn=False,
        )

    def to_pem(self, *, private: bool = False, password: bytes | str | None = None) -> bytes:
        """Export as PEM: PKCS#8 (encrypted with ``password``) or SubjectPublicKeyInfo.

        Raises:
            ValueError: an oct key, or a private export of a public key.
        """
        return self._serialize(serialization.Encoding.PEM, private, password)

    def to_der(self, private: bool = False, password: bytes | str | None = None) -> bytes:
        """Export as DER: PKCS#8 (encrypted with ``password``) or SubjectPublicKeyInfo.

        Raises:
            ValueError: an oct key, or a private export of a public key.
        """
        return self._serialize(serialization.Encoding.DER, private, password)

    def _serialize(
        self, encoding: serialization.Encoding, private: bool, password: bytes | str | None
    ) -> bytes:
        if self._kty == "oct":
            raise ValueError("an oct key has no PEM or DER form")
        if private and not self.is_private:
            raise ValueError("this is a public key")
        if private and self._private_override is not None:
            raise ValueError("a multi-prime RSA key can be exported only as a JWK")
        from ._export import serialize

        secret = self._crypto if private else None
        return serialize(self.public_crypto, secret, encoding, password)

    def thumbprint(self, hash_name: str = "sha256") -> str:
        """Return the RFC 7638 JWK thumbprint, base64url (SHA-256 unless told otherwise).

        Raises:
            ValueError: an unsupported hash name.
        """
        from ._export import thumbprint

        if self._kty == "oct":
            required: dict[str, Any] = {"k": b64encode_str(self._crypto), "kty": "oct"}
        else:
            required = _material.public_members(self._kty, self._crv, self.public_crypto)
        return thumbprint(required, hash_name)

    def thumbprint_uri(self, hash_name: str = "sha256") -> str:
        """Return the RFC 9278 thumbprint URI (``urn:ietf:params:oauth:jwk-thumbprint:...``).

        Raises:
            ValueError: an unsupported hash name.
        """
        from ._export import THUMBPRINT_HASHES

        thumb = self.thumbprint(hash_name)
        return f"urn:ietf:params:oauth:jwk-thumbprint:{THUMBPRINT_HASHES[hash_name]}:{thumb}"

    def _same_public(self, other: Any) -> bool:

        try:
            theirs = _material.describe(other)
        except TypeError:
            return False
        if theirs[0] != self._kty or theirs[1] != self._crv:
            return False
        mine = _material.public_members(self._kty, self._crv, self.public_crypto)
        return mine == _material.public_members(theirs[0], theirs[1], other)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Key):
            return NotImplemented
        if self._kty != other._kty or self.is_private != other.is_private:
            return False
        if self._members != other._members:
            return False
        if self._kty == "oct":
            return constant_time_equal(self._crypto, other._crypto)
        return self.to_jwk(private=True) == other.to_jwk(private=True)

    def __hash__(self) -> int:
        return hash((self._kty, self.kid, self.thumbprint()))

    def __repr__(self) -> str:
        parts = [f"kty={self._kty!r}"]
        if self.crv:
            parts.append(f"crv={self.crv!r}")
        for name in ("kid", "alg", "use"):
            value = self._members.get(name)
            if value is not None:
                parts.append(f"{name}={value!r}")
        parts.append("private" if self.is_private and self._kty != "oct" else "public")
        if self._kty == "oct":
            parts[-1] = "secret"
        return f"Key({', '.join(parts)})"


def _metadata(*, kid: str | None, alg: str | None) -> dict[str, Any]:
    members: dict[str, Any] = {}
    if kid is not None:
        if not isinstance(kid, str):
            raise TypeError("kid must be a str")
        members["kid"] = kid
    if alg is not None:
        if not isinstance(alg, str):
            raise TypeError("alg must be a str")
        members["alg"] = alg
    return members


def _detached(members: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``members`` that shares no mutable value (``key_ops``, ``x5c``, ``oth``)."""
    return {k: v if isinstance(v, str) else copy.deepcopy(v) for k, v in members.items()}


def _check_secret(secret: bytes, allow_weak: bool) -> None:
    """Refuse an HMAC secret that is public: key material, or a published secret.

    Raises:
        InvalidKeyError: either; a published secret passes with ``allow_weak``.
    """
    if _secrets.is_asymmetric_material(secret):
        raise InvalidKeyError(
            "refusing asymmetric key material as an HMAC secret; "
            "load it with Key.from_pem, from_der, from_openssh or from_jwk"
        )
    if not allow_weak and _secrets.is_published(secret):
        raise InvalidKeyError(
            "this HMAC secret is on a published list of JWT secrets that attack tools "
            "try first: make one with Key.generate('HS256') (allow_weak=True, for tests only)"
        )
