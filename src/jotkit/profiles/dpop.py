"""DPoP: proof of possession of a key for each HTTP request (RFC 9449).

:func:`create_proof` makes a proof (section 4.2); :class:`DPoPVerifier` checks one as
section 4.3 lists, in this order: one well-formed compact JWT; ``typ: dpop+jwt``; an
asymmetric ``alg`` of the allow-list; the signature by the header's ``jwk``, which holds
no private members; ``jti``, ``htm``, ``htu``, ``iat`` present; ``htm`` equal to the
request's method; ``htu`` equal to the request's URI once both are normalised (RFC 3986
6.2.2 and 6.2.3, query and fragment ignored); ``iat`` no older than ``max_age`` and no
further in the future than ``leeway``; ``ath`` the hash of the access token presented;
the server nonce (section 8) when one is required; and last, ``jti`` unused within the
window, in a replay store every instance shares (section 11.1), so only a proof that
passed everything else takes a place in the store.

Binding (sections 6 and 7): :func:`check_binding` checks that an access token's
``cnf.jkt`` names the proof's key; :func:`check_bearer` refuses a DPoP-bound token
presented with the ``Bearer`` scheme (section 7.2). Verify the access token before the
proof, so that only holders of a valid token spend room in the replay store.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any

from .. import _time
from .._frozen import Frozen
from .._limits import DEFAULT_LIMITS, Limits
from .._lru import LRU
from ..errors import DPoPProofError, InvalidClaimError, UseDPoPNonceError
from ..jwa import JWS_ALGORITHMS
from ..jwk import Key
from ..jwt import Verifier, encode
from ..replay import ReplayStore, consume, consume_async, store_key
from ._common import default_alg
from ._dpop_key import HeaderKey
from ._htu import normalize_htu
from ._nonce import DPoPNonces

if TYPE_CHECKING:
    from datetime import timedelta

    from ..jwt import Now

__all__ = [
    "DPoPNonces",
    "DPoPProof",
    "DPoPVerifier",
    "access_token_hash",
    "check_bearer",
    "check_binding",
    "create_proof",
    "is_bound",
    "normalize_htu",
]

TYP = "dpop+jwt"
#: Normalised server URIs kept per verifier (the server's own, not the client's).
SERVER_HTU_CACHE_SIZE = 64
#: Access-token hashes kept per verifier: a client presents one token with many proofs.
ATH_CACHE_SIZE = 256
#: Tokens longer than this are hashed each time, never kept (the cache stays small).
ATH_CACHE_MAX_TOKEN = 4096
_REQUIRED = ("jti", "htm", "htu", "iat")


def access_token_hash(access_token: str) -> str:
    """``ath``: base64url (unpadded) of the SHA-256 of the token's ASCII (section 4.2)."""
    if not isinstance(access_token, str):
        raise TypeError("access_token must be a str")
    digest = hashlib.sha256(access_token.encode("utf-8", "surrogatepass")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def create_proof(
    key: Key,
    *,
    htm: str,
    htu: str,
    access_token: str | None = None,
    nonce: str | None = None,
    alg: str | None = None,
    iat: int | None = None,
) -> str:
    """Make a DPoP proof for one request (RFC 9449 section 4.2).

    Args:
        key: the client's private asymmetric key; its public JWK goes in the header.
        htm: the request's HTTP method.
        htu: the request's URI (query and fragment are left out).
        access_token: the token the request presents; its hash goes in ``ath``.
        nonce: the server's last ``DPoP-Nonce``.
        alg: the JWS algorithm (default: the key's ``alg``, else ES256/384/512 by
            curve, EdDSA for Ed25519, PS256 for RSA).
        iat: the creation time (default: now).

    Raises:
        TypeError, ValueError: a public or symmetric key, or arguments of the wrong type.
        InvalidKeyError, AlgorithmNotAllowedError: the key does not fit ``alg``.
    """
    if not isinstance(key, Key) or not key.is_private or key.kty == "oct":
        raise ValueError("a DPoP proof is signed with a private asymmetric Key")
    if not isinstance(htm, str) or not isinstance(htu, str):
        raise TypeError("htm and htu must be str")
    if alg is None:
        alg = default_alg(key)
    if alg is None:
        raise ValueError(f"pass alg=...: no default algorithm for a {key.crv} key")
    claims: dict[str, Any] = {
        # 128 random bits (section 11.1 asks for enough to make collisions negligible).
        "jti": secrets.token_urlsafe(16),
        "htm": htm,
        "htu": htu.split("#", 1)[0].split("?", 1)[0],
        "iat": int(_time.now()) if iat is None else iat,
    }
    if access_token is not None:
        claims["ath"] = access_token_hash(access_token)
    if nonce is not None:
        if not isinstance(nonce, str):
            raise TypeError("nonce must be a str")
        claims["nonce"] = nonce
    jwk = key.public().to_jwk()
    return encode(claims, key, alg=alg, headers={"jwk": jwk}, typ=TYP)


class DPoPProof(Frozen):
    """A DPoP proof that passed every check.

    Attributes:
        jkt: the RFC 7638 SHA-256 thumbprint of the proof's key (``cnf.jkt`` to bind to).
        claims: the proof's claims.
        header: the proof's header.
        key: the proof's public key.
    """

    jkt: str
    claims: dict[str, Any]
    header: dict[str, Any]
    key: Key

    __slots__ = ("claims", "header", "jkt", "key")

    def __init__(self, jkt: str, claims: dict[str, Any], header: dict[str, Any], key: Key) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "jkt", jkt)
        setattr_(self, "claims", claims)
        setattr_(self, "header", header)
        setattr_(self, "key", key)


def is_bound(claims: Mapping[str, Any]) -> bool:
    """Whether an access token's claims bind it to a DPoP key (``cnf.jkt``, section 6)."""
    cnf = claims.get("cnf")
    return isinstance(cnf, Mapping) and "jkt" in cnf


def check_bearer(claims: Mapping[str, Any]) -> None:
    """Refuse a DPoP-bound token presented as a ``Bearer`` token (section 7.2).

    Raises:
        InvalidClaimError: the token is bound to a DPoP key (``.claim == "cnf"``).
    """
    if is_bound(claims):
        # Accepting it as Bearer would let whoever stole it use it without the key.
        raise InvalidClaimError(
            "a DPoP-bound token must be presented with the DPoP scheme and a proof",
            claim="cnf",
        )


def check_binding(claims: Mapping[str, Any], proof: DPoPProof | str) -> None:
    """Check that an access token's ``cnf.jkt`` names the proof's key (section 6.1).

    Args:
        claims: the verified access token's claims.
        proof: the verified proof, or its ``jkt``.

    Raises:
        DPoPProofError: no ``cnf.jkt``, or another key's (``.claim == "cnf"``).
    """
    jkt = proof.jkt if isinstance(proof, DPoPProof) else proof
    if not isinstance(jkt, str):
        raise TypeError("proof must be a DPoPProof or a jkt string")
    _check_bound(claims, jkt)


def _check_bound(claims: Mapping[str, Any], jkt: str) -> None:
    """:func:`check_binding` for a ``jkt`` known to be a str."""
    cnf = claims.get("cnf")
    bound = cnf.get("jkt") if type(cnf) is dict or isinstance(cnf, Mapping) else None
    if not isinstance(bound, str):
        raise DPoPProofError("the access token is not bound to a DPoP key", claim="cnf")
    if not hmac.compare_digest(bound.encode(), jkt.encode()):
        raise DPoPProofError(
            "the DPoP proof is signed by another key than the token's", claim="cnf"
        )


def _asymmetric(algorithms: Collection[str]) -> list[str]:
    if isinstance(algorithms, str) or not isinstance(algorithms, Collection) or not algorithms:
        raise TypeError("algorithms must be a non-empty list of names, e.g. ['ES256']")
    for name in algorithms:
        descriptor = JWS_ALGORITHMS.get(name)
        if descriptor is None:
            raise ValueError(f"unknown JWS algorithm {name!r} in algorithms")
        # Section 4.3: MUST NOT be a symmetric algorithm (a MAC proves nothing about a
        # key the server never holds), and none is in no table at all.
        if "oct" in descriptor.requirement.ktys:
            raise ValueError(f"{name} is symmetric: DPoP proofs use asymmetric algorithms")
    return list(algorithms)


class DPoPVerifier:
    """Verify DPoP proofs (RFC 9449 section 4.3); build one at start-up and share it.

    Args:
        algorithms: the asymmetric JWS algorithms accepted (HS* and ``none`` refused).
        replay: the replay store for ``jti`` (shared by every instance; an async store
            such as ``AsyncRedisReplayStore`` works only with :meth:`verify_async`).
        max_age: the oldest ``iat`` accepted, in seconds (the replay window).
        leeway: how far in the future ``iat`` may be (clock skew), in seconds.
        nonces: server nonces to require (:class:`DPoPNonces`), or None.
        now: a fixed time or clock (tests; the RFC's examples), default the system clock.
        limits: input size limits.

    Raises:
        TypeError, ValueError: invalid arguments (a symmetric algorithm, say).
    """

    __slots__ = (
        "_algorithms", "_aths", "_htus", "_keys", "_nonces", "_replay", "_verifier", "_window",
    )  # fmt: skip

    def __init__(
        self,
        *,
        algorithms: Collection[str],
        replay: ReplayStore,
        max_age: float | timedelta = 300,
        leeway: float | timedelta = 5,
        nonces: DPoPNonces | None = None,
        now: Now | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        allowed = _asymmetric(algorithms)
        if not isinstance(replay, ReplayStore):
            raise TypeError("replay must be a replay store (jotkit.replay)")
        if nonces is not None and not isinstance(nonces, DPoPNonces):
            raise TypeError("nonces must be a DPoPNonces")
        self._keys = HeaderKey()
        self._htus: LRU[str, str] = LRU(SERVER_HTU_CACHE_SIZE)
        self._aths: LRU[str, bytes] = LRU(ATH_CACHE_SIZE)
        self._verifier = Verifier(
            self._keys, algorithms=allowed, typ=TYP, required=_REQUIRED, max_age=max_age,
            leeway=leeway, now=now, limits=limits,
        )  # fmt: skip
        policy = self._verifier.policy
        assert policy.max_age is not None
        self._window = policy.max_age + policy.leeway
        self._algorithms = tuple(allowed)
        self._replay = replay
        self._nonces = nonces

    def __repr__(self) -> str:
        return f"DPoPVerifier(algorithms={list(self._algorithms)!r}, replay={self._replay!r})"

    @property
    def algorithms(self) -> tuple[str, ...]:
        """The accepted algorithms (for ``WWW-Authenticate: DPoP algs="..."``)."""
        return self._algorithms

    @property
    def nonces(self) -> DPoPNonces | None:
        """The server nonces required, if any."""
        return self._nonces

    def current_nonce(self) -> str | None:
        """The nonce to send in a ``DPoP-Nonce`` header now, or None without nonces."""
        return None if self._nonces is None else self._nonces.current()

    def verify(
        self,
        proof: str | bytes,
        *,
        htm: str,
        htu: str,
        access_token: str | None = None,
        nonce: str | None = None,
        token_claims: Mapping[str, Any] | None = None,
    ) -> DPoPProof:
        """Verify a proof for one request; record its ``jti``; return it.

        Args:
            proof: the ``DPoP`` request header (exactly one).
            htm: the request's method.
            htu: the request's URI as the server's configured public URL gives it (never
                built from the ``Host`` header).
            access_token: the access token the request presents (``ath`` is required and
                checked then).
            nonce: a nonce the proof must carry, when the server manages its own
                (otherwise the verifier's ``nonces`` decide).
            token_claims: the verified access token's claims: ``cnf.jkt`` must name the
                proof's key (:func:`check_binding`).

        Raises:
            MalformedError, ExceededLimitError: not one well-formed compact JWT.
            AlgorithmNotAllowedError, UnsupportedAlgorithmError: the ``alg`` is refused.
            InvalidKeyError: no ``jwk``, a private or symmetric one, or an invalid key.
            InvalidSignatureError: the signature does not verify.
            ClaimsError: ``typ``, a missing claim, ``iat`` too old (ExpiredError) or in
                the future (NotYetValidError).
            DPoPProofError: ``htm``, ``htu``, ``ath``, or the binding do not match.
            UseDPoPNonceError: the nonce is missing or stale (``.nonce`` is the one to
                send).
            ReplayError: the proof was used before.
            ReplayStoreUnavailableError: the store cannot answer (refuse; retry later).
        """
        checked, key, ttl = self._check(proof, htm, htu, access_token, nonce, token_claims)
        consume(self._replay, key, ttl, claim="jti")
        return checked

    async def verify_async(
        self,
        proof: str | bytes,
        *,
        htm: str,
        htu: str,
        access_token: str | None = None,
        nonce: str | None = None,
        token_claims: Mapping[str, Any] | None = None,
    ) -> DPoPProof:
        """:meth:`verify`, awaiting the replay store (``AsyncRedisReplayStore``).

        Raises:
            JotkitError: as :meth:`verify`.
        """
        checked, key, ttl = self._check(proof, htm, htu, access_token, nonce, token_claims)
        await consume_async(self._replay, key, ttl, claim="jti")
        return checked

    def _check(
        self,
        proof: str | bytes,
        htm: str,
        htu: str,
        access_token: str | None,
        nonce: str | None,
        token_claims: Mapping[str, Any] | None,
    ) -> tuple[DPoPProof, str, float]:
        """Every check but replay; the proof, its store key and how long to keep it."""
        if not isinstance(htm, str) or not isinstance(htu, str):
            raise TypeError("htm and htu must be str")
        expected_htu = self._server_htu(htu)
        decoded = self._verifier.decode_complete(proof)
        claims = decoded.claims
        if claims["htm"] != htm:
            raise DPoPProofError("the proof's htm is not the request's method", claim="htm")
        given_htu = claims["htu"]
        # The same text is the same URI: only a different spelling needs normalising.
        if given_htu != htu and normalize_htu(given_htu) != expected_htu:
            raise DPoPProofError("the proof's htu is not the request's URI", claim="htu")
        if access_token is not None:
            ath = claims.get("ath")
            if ath is None:
                raise DPoPProofError("a proof sent with an access token needs ath", claim="ath")
            if not isinstance(ath, str) or not hmac.compare_digest(
                ath.encode("utf-8", "surrogateescape"), self._ath(access_token)
            ):
                raise DPoPProofError("the proof's ath is not the access token's hash", claim="ath")
        self._check_nonce(claims.get("nonce"), nonce)
        key = decoded.key
        checked = DPoPProof(self._keys.thumbprint(key), claims, decoded.header, key)
        if token_claims is not None:
            _check_bound(token_claims, checked.jkt)
        jti = claims["jti"]
        if not isinstance(jti, str) or not jti:
            raise InvalidClaimError("the proof's jti must be a non-empty string", claim="jti")
        # Kept as long as the proof could be accepted: until iat + max_age + leeway.
        now = self._verifier.policy.current_time()
        ttl = claims["iat"] + self._window - now
        return checked, store_key("dpop", checked.jkt, jti), ttl

    def _server_htu(self, htu: str) -> str:
        """The normal form of the server's own URI, kept (a server has a few)."""
        normal = self._htus.get(htu)
        if normal is None:
            normal = normalize_htu(htu)
            if normal is None:
                raise ValueError("htu must be an absolute http(s) URI (the server's public URL)")
            if type(htu) is str:
                self._htus.put(htu, normal)
        return normal

    def _ath(self, access_token: str) -> bytes:
        """The ``ath`` the access token gives, kept for the tokens seen recently.

        Raises:
            TypeError: ``access_token`` is not a str.
        """
        expected = self._aths.get(access_token) if type(access_token) is str else None
        if expected is None:
            expected = access_token_hash(access_token).encode("ascii")
            if len(access_token) <= ATH_CACHE_MAX_TOKEN:
                self._aths.put(access_token, expected)
        return expected

    def _check_nonce(self, given: object, expected: str | None) -> None:
        if expected is not None:
            if not isinstance(given, str) or not hmac.compare_digest(
                given.encode("utf-8", "surrogateescape"), expected.encode()
            ):
                raise UseDPoPNonceError(
                    "the proof does not carry the server's nonce", nonce=expected
                )
            return
        nonces = self._nonces
        if nonces is not None and not nonces.is_valid(given):
            raise UseDPoPNonceError(
                "the proof does not carry a current server nonce", nonce=nonces.current()
            )
