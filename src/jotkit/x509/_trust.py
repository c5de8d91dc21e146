"""``CertificateTrust``: the key for a token from its ``x5c`` chain, validated against
trust anchors (RFC 7515 sections 4.1.6-4.1.8, RFC 5280 section 6, RFC 8725 section 3.10).

Path building and validation are `cryptography`'s (``cryptography.x509.verification``,
the Web PKI rules of its client verifier); jotkit adds the JOSE rules around it: ``x5c``
only from the protected header, limits before parsing, the leaf key fitting ``alg``,
``x5t``/``x5t#S256`` and optionally ``kid`` naming the leaf, and its own key usage and
extended key usage policy. Revocation (CRL, OCSP) is not checked.

`cryptography` documents these verification APIs as unstable; this module uses
``PolicyBuilder``, ``Store``, ``ExtensionPolicy`` (45+) and ``build_client_verifier`` only,
and the tests in ``tests/x509`` pin the behaviour this module relies on.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import _time
from .._joined import unprotected_names
from .._lru import LRU
from ..errors import CertificateError, JotkitError, UnsupportedAlgorithmError
from ..jwa import Operation, constant_time_equal
from ..jwk import AlgorithmDescriptor, Key
from ..jwk._chain import load_certificates, x5t_s256
from ._x5c import check_thumbprints, decode_x5c, is_self_issued, x5c_value

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.x509.verification import ClientVerifier

__all__ = ["DEFAULT_MAX_DEPTH", "DEFAULT_MAX_X5C_SIZE", "CertificateTrust"]

#: Intermediate CA certificates allowed between the leaf and an anchor.
DEFAULT_MAX_DEPTH = 4
#: Characters of base64 an ``x5c`` may hold in all (a typical two-certificate chain: ~1,500).
DEFAULT_MAX_X5C_SIZE = 64 * 1024
_DEFAULT_CACHE_SIZE = 64
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


class _Validated(NamedTuple):
    """A chain that validated: its leaf's key, DER, and when the whole chain is valid."""

    key: Key
    leaf_der: bytes
    not_before: datetime.datetime
    not_after: datetime.datetime


def _eddsa_oids() -> frozenset[Any]:
    from cryptography.x509.oid import SignatureAlgorithmOID

    return frozenset({SignatureAlgorithmOID.ED25519, SignatureAlgorithmOID.ED448})


class CertificateTrust:
    """A key source that trusts a token's protected ``x5c`` chain when it leads to an anchor.

    Args:
        anchors: trust anchors: PEM (one or more certificates), DER, `cryptography`
            certificates, or a list of these.
        max_depth: the most intermediate CA certificates between the leaf and an anchor
            (``x5c`` may hold at most ``max_depth + 2`` certificates: leaf, intermediates
            and the anchor itself).
        eku: extended key usage OIDs (dotted strings or ``ObjectIdentifier``) the leaf
            may have; a leaf with the extension must list one of them (or
            anyExtendedKeyUsage). None (the default): any, and none is required.
        require_digital_signature: a leaf with the key usage extension must assert
            ``digitalSignature`` (RFC 5280 section 4.2.1.3).
        now: a fixed validation time (NumericDate or aware datetime); None: the clock.
        kid_must_match: require a ``kid`` naming the leaf: its key's RFC 7638 thumbprint
            or the certificate's ``x5t#S256``.
        max_x5c_size: the most base64 characters ``x5c`` may hold in all.
        cache_size: validated chains kept (0: none), keyed by the exact ``x5c`` text and
            used only within the chain's validity window.

    Raises:
        TypeError, ValueError: bad arguments or anchors that are not certificates.
        UnsupportedAlgorithmError: the installed `cryptography` is older than 45.
    """

    __slots__ = (
        "_anchor_ders",
        "_cache",
        "_ekus",
        "_kid_must_match",
        "_max_certificates",
        "_max_depth",
        "_max_size",
        "_now",
        "_require_ds",
        "_store",
    )

    def __init__(
        self,
        anchors: Any,
        *,
        max_depth: int = DEFAULT_MAX_DEPTH,
        eku: Iterable[Any] | None = None,
        require_digital_signature: bool = True,
        now: float | datetime.datetime | None = None,
        kid_must_match: bool = False,
        max_x5c_size: int = DEFAULT_MAX_X5C_SIZE,
        cache_size: int = _DEFAULT_CACHE_SIZE,
    ) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives.serialization import Encoding
        from cryptography.x509 import verification

        if not hasattr(verification, "ExtensionPolicy"):  # cryptography before 45
            raise UnsupportedAlgorithmError(
                "CertificateTrust needs cryptography>=45 (x509.verification.ExtensionPolicy)"
            )
        for name, value in (("max_depth", max_depth), ("max_x5c_size", max_x5c_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} must be a non-negative int")
        if not isinstance(cache_size, int) or cache_size < 0:
            raise ValueError("cache_size must be a non-negative int")
        loaded = load_certificates(anchors)
        self._store = verification.Store(loaded)
        self._anchor_ders = frozenset(cert.public_bytes(Encoding.DER) for cert in loaded)
        self._max_depth = max_depth
        self._max_certificates = max_depth + 2
        self._max_size = max_x5c_size
        self._ekus = None if eku is None else frozenset(_oid(x509, value) for value in eku)
        self._require_ds = bool(require_digital_signature)
        self._now = _as_datetime(now) if now is not None else None
        self._kid_must_match = bool(kid_must_match)
        self._cache: LRU[tuple[str, ...], _Validated] | None = (
            LRU(cache_size) if cache_size else None
        )

    # ------------------------------------------------------------ key source

    def key_for(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """The leaf key of the header's validated ``x5c`` chain, checked to fit ``descriptor``.

        Raises:
            CertificateError: no protected ``x5c``, a limit exceeded, a chain that does
                not validate, ``x5t``/``x5t#S256``/``kid`` naming another certificate, or
                a leaf key that does not fit the algorithm.
        """
        if op != "verify":
            raise CertificateError(f"CertificateTrust supplies keys that verify, not {op}")
        # RFC 7515 7.2.1: no signature covers an unprotected header; a chain there is a
        # claim anyone can swap (and with it the key that verifies).
        if "x5c" in unprotected_names(header):
            raise CertificateError("x5c must be in the protected header")
        if "x5c" not in header:
            raise CertificateError("the protected header has no x5c")
        x5c = x5c_value(
            header["x5c"], max_certificates=self._max_certificates, max_size=self._max_size
        )
        at = self._now if self._now is not None else _as_datetime(_time.now())
        validated = self._cache.get(x5c) if self._cache is not None else None
        # A cached chain serves only inside its validity window: never past a notAfter.
        if validated is None or not validated.not_before <= at <= validated.not_after:
            validated = self._validate(x5c, at)
            if self._cache is not None:
                self._cache.put(x5c, validated)
        check_thumbprints(header, validated.leaf_der)
        key = validated.key
        if self._kid_must_match:
            self._check_kid(header.get("kid"), key)
        problem = key.problem(op, descriptor)
        if problem is not None:
            raise CertificateError(f"the x5c leaf key does not fit {descriptor.name}: {problem}")
        return key

    async def key_for_async(
        self, header: Mapping[str, Any], op: Operation, descriptor: AlgorithmDescriptor
    ) -> Key:
        """:meth:`key_for`: path validation does no I/O (no revocation fetching)."""
        return self.key_for(header, op, descriptor)

    # ------------------------------------------------------------ validation

    def _validate(self, x5c: tuple[str, ...], at: datetime.datetime) -> _Validated:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives.serialization import Encoding
        from cryptography.x509.verification import VerificationError

        certs = decode_x5c(x5c)
        leaf = certs[0]
        leaf_der = leaf.public_bytes(Encoding.DER)
        if is_self_issued(leaf_der) and leaf_der not in self._anchor_ders:
            raise CertificateError("the x5c leaf is self-signed and not a trust anchor")
        # cryptography's verifier accepts only RSA and ECDSA signatures on certificates
        # (its Web PKI profile). A chain signed with Ed25519/Ed448 would fail with an
        # opaque message; it is named here instead. A hand-written EdDSA path validation
        # would be a second, less reviewed validator for one key type: not worth the risk.
        eddsa = _eddsa_oids()
        for index, cert in enumerate(certs):
            if cert.signature_algorithm_oid in eddsa and (
                cert.public_bytes(Encoding.DER) not in self._anchor_ders
            ):
                raise CertificateError(
                    f"x5c[{index}] is signed with EdDSA: cryptography's X.509 path "
                    "validation does not support Ed25519/Ed448 certificate signatures"
                )
        try:
            chain = self._verifier(at).verify(leaf, certs[1:]).chain
        # ValueError, TypeError: a field cryptography parses only now (an extension, say)
        # is malformed.
        except (VerificationError, ValueError, TypeError) as exc:
            raise CertificateError(f"the x5c chain does not validate: {exc}") from None
        try:
            self._check_usage(leaf)
        except (ValueError, TypeError):
            raise CertificateError("the x5c leaf has malformed extensions") from None
        try:
            key = Key.from_cryptography(leaf)
        except (TypeError, ValueError, UnsupportedAlgorithm, JotkitError):
            raise CertificateError("the x5c leaf holds a key jotkit does not support") from None
        return _Validated(
            key,
            leaf_der,
            max(cert.not_valid_before_utc for cert in chain),
            min(cert.not_valid_after_utc for cert in chain),
        )

    def _verifier(self, at: datetime.datetime) -> ClientVerifier:
        from cryptography import x509
        from cryptography.x509.verification import Criticality, ExtensionPolicy, PolicyBuilder

        # The client verifier's Web PKI rules, less three that do not fit a JWS signer:
        # its EKU must be clientAuth (replaced by our eku policy, checked after), its
        # subjectAltName is required (a signer has no host name) and so is its
        # authorityKeyIdentifier (absent from a self-signed leaf that is an anchor).
        ee = ExtensionPolicy.webpki_defaults_ee()
        for extension in (
            x509.ExtendedKeyUsage,
            x509.SubjectAlternativeName,
            x509.AuthorityKeyIdentifier,
        ):
            ee = ee.may_be_present(extension, Criticality.AGNOSTIC, None)
        builder = (
            PolicyBuilder()
            .store(self._store)
            .time(at)
            .max_chain_depth(self._max_depth)
            .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee)
        )
        return builder.build_client_verifier()

    def _check_usage(self, leaf: x509.Certificate) -> None:
        from cryptography import x509
        from cryptography.x509.oid import ExtendedKeyUsageOID

        if self._require_ds:
            try:
                usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
            except x509.ExtensionNotFound:
                usage = None
            if usage is not None and not usage.digital_signature:
                raise CertificateError("the x5c leaf's key usage lacks digitalSignature")
        if self._ekus is not None:
            try:
                ekus = set(leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
            except x509.ExtensionNotFound:
                return
            if ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in ekus or ekus & self._ekus:
                return
            raise CertificateError("the x5c leaf's extended key usage is not accepted")

    def _check_kid(self, kid: Any, key: Key) -> None:
        if not isinstance(kid, str):
            raise CertificateError("a kid naming the x5c leaf is required")
        assert key.certificate is not None
        names = (key.thumbprint(), x5t_s256(key.certificate))
        if not any(constant_time_equal(kid.encode(), name.encode()) for name in names):
            raise CertificateError("kid does not name the x5c leaf")

    def __repr__(self) -> str:
        return f"CertificateTrust(anchors={len(self._anchor_ders)}, max_depth={self._max_depth})"


def _oid(x509: Any, value: Any) -> Any:
    if isinstance(value, x509.ObjectIdentifier):
        return value
    if isinstance(value, str):
        return x509.ObjectIdentifier(value)
    raise TypeError("eku values must be OID strings or ObjectIdentifier")


def _as_datetime(now: float | datetime.datetime) -> datetime.datetime:
    if isinstance(now, datetime.datetime):
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime (or a NumericDate)")
        return now.astimezone(datetime.timezone.utc)
    if isinstance(now, bool) or not isinstance(now, int | float):
        raise TypeError("now must be a NumericDate or an aware datetime")
    return _EPOCH + datetime.timedelta(seconds=now)
