"""Verifying SD-JWT presentations (RFC 9901 sections 7.1 and 7.3).

The Issuer-signed JWT is verified like any JWS (the allow-list, the key fitting the
``alg``, no ``none``: ``jws.CompactVerifier``, or ``jws.verify_json`` for the JSON
serialization); the Disclosures are then processed (``_process``); the claims policy
(``exp``, ``nbf``, ``iat``, ``iss``...) runs on the *processed* claims, so that a time
claim a Disclosure revealed is checked like one that was signed in the clear.

Key binding (section 7.3) is the verifier's policy: ``key_binding=True`` requires a
KB-JWT, never the mere presence of one. A KB-JWT that is present when not required is
still verified (its signature by the ``cnf`` key, ``typ``, ``iat``, ``sd_hash``; its
``aud`` and ``nonce`` when configured) and a bad one rejects the presentation: a
forged proof is never passed along as if it were not there. A verifier that relies
on holder binding (replay protection) must set ``key_binding=True``, with its audience
and a fresh nonce per presentation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import TYPE_CHECKING, Any, NoReturn

from ... import jws
from ..._limits import DEFAULT_LIMITS, Limits
from ...errors import InvalidClaimError, MissingClaimError
from ...jwa import constant_time_equal
from ...jwk import KeyLike
from ...jwt import ClaimsPolicy
from ...jwt._parse import parse_claims
from .._dpop_key import HeaderKey
from ._disclosure import DEFAULT_SD_ALG, HASHES, hash_for
from ._format import SDParts, parse
from ._present import KB_TYP
from ._process import process
from ._vc import check_verified, is_vc

if TYPE_CHECKING:
    from datetime import timedelta
    from typing import TypedDict

    from typing_extensions import Unpack

    from ...jwt import Now

    class VerifyOptions(TypedDict, total=False):
        """The keywords of :class:`SDJWTVerifier` that :func:`verify` passes on."""

        kb_algorithms: Collection[str] | None
        kb_max_age: float
        sd_algorithms: Collection[str]
        subject: str | None
        leeway: float | timedelta
        required: Collection[str]
        typ: str | None
        checks: Mapping[str, Any] | None
        now: Now | None
        max_age: float | timedelta | None
        policy: ClaimsPolicy | None
        limits: Limits


__all__ = ["SDJWTVerifier", "verify"]

#: Section 4.3: the claims every KB-JWT carries.
KB_REQUIRED = ("iat", "aud", "nonce", "sd_hash")
#: Default window for a KB-JWT's ``iat`` (seconds): a proof is made for one presentation.
KB_MAX_AGE = 300.0


def _digest_equal(claimed: str, expected: str) -> bool:
    # Digests are compared in constant time like every MAC and hash in jotkit (the scan
    # in tests/attacks/test_constant_time.py), as the ASCII bytes they are.
    return claimed.isascii() and constant_time_equal(claimed.encode(), expected.encode())


def _no_key(header: Mapping[str, Any]) -> NoReturn:
    # The KB-JWT's key is the cnf key of its SD-JWT, never one its header names.
    raise AssertionError("the KB-JWT verifier resolves no key")


class SDJWTVerifier:
    """Verify SD-JWT presentations from one issuer key source, under one policy.

    Build one at start-up and share it; :func:`verify` is the one-call form.

    Args:
        keys: the issuers' key source (a Key, a KeySet, a callable, a RemoteKeySet, a
            ``CertificateTrust`` for ``x5c``).
        algorithms: the JWS algorithms accepted for the Issuer-signed JWT.
        key_binding: require a KB-JWT signed by the ``cnf.jwk`` key (section 7.3).
        audience: this verifier's identifier: the KB-JWT's ``aud`` (needed with
            ``key_binding``). The Issuer-signed JWT's own ``aud``, if it has one, is
            checked by ``policy=ClaimsPolicy(audience=...)``.
        kb_algorithms: the KB-JWT's algorithms (default: the asymmetric ones of
            ``algorithms``).
        kb_max_age: the oldest KB-JWT ``iat`` accepted, in seconds (default 300).
        sd_algorithms: the ``_sd_alg`` values accepted (default: sha-256/384/512).
        issuer, subject, leeway, required, typ, checks, now, max_age: the claims
            policy of the processed claims (see ``jotkit.decode``); ``leeway`` and
            ``now`` also apply to the KB-JWT's ``iat``.
        policy: a prepared ``ClaimsPolicy`` instead of those keywords.
        limits: input caps (``max_token_size``, ``max_disclosures``, ``max_depth``).

    Raises:
        TypeError, ValueError: an invalid argument.
    """

    __slots__ = (
        "_algorithms",
        "_compact",
        "_holder_keys",
        "_kb",
        "_kb_policy",
        "_keys",
        "_limits",
        "_policy",
        "_sd_algorithms",
        "audience",
        "key_binding",
    )
    key_binding: bool
    audience: str | None

    def __init__(
        self,
        keys: KeyLike,
        *,
        algorithms: Collection[str],
        key_binding: bool = False,
        audience: str | None = None,
        kb_algorithms: Collection[str] | None = None,
        kb_max_age: float = KB_MAX_AGE,
        sd_algorithms: Collection[str] = tuple(HASHES),
        issuer: str | Collection[str] | None = None,
        subject: str | None = None,
        leeway: float | timedelta = 0,
        required: Collection[str] = (),
        typ: str | None = None,
        checks: Mapping[str, Any] | None = None,
        now: Now | None = None,
        max_age: float | timedelta | None = None,
        policy: ClaimsPolicy | None = None,
        limits: Limits = DEFAULT_LIMITS,
    ) -> None:
        if algorithms is None or isinstance(algorithms, str):
            raise TypeError("algorithms must be a collection of JWS algorithm names")
        if audience is not None and not isinstance(audience, str):
            raise TypeError("audience must be a str")
        if key_binding and audience is None:
            raise ValueError("key_binding=True needs audience= (this verifier's identifier)")
        if isinstance(sd_algorithms, str) or not set(sd_algorithms) <= HASHES.keys():
            raise ValueError(f"sd_algorithms must be among {sorted(HASHES)}")
        if policy is None:
            policy = ClaimsPolicy(
                issuer=issuer,
                subject=subject,
                leeway=leeway,
                required=required,
                typ=typ,
                checks=checks,
                now=now,
                max_age=max_age,
            )
        elif not isinstance(policy, ClaimsPolicy):
            raise TypeError("policy must be a ClaimsPolicy")
        if kb_algorithms is None:
            # HMAC needs a shared secret: a holder's cnf key is a public key.
            kb_algorithms = [name for name in algorithms if not name.startswith("HS")]
        self._keys = keys
        self._algorithms = tuple(algorithms)
        self._compact = jws.CompactVerifier(keys, algorithms=self._algorithms, limits=limits)
        self._policy = policy
        self._kb_policy = ClaimsPolicy(
            typ=KB_TYP,
            audience=audience,
            required=KB_REQUIRED if audience else tuple(n for n in KB_REQUIRED if n != "aud"),
            max_age=kb_max_age,
            leeway=policy.leeway,
            now=policy.now,
        )
        self._kb = jws.CompactVerifier(_no_key, algorithms=kb_algorithms, limits=limits)
        self._holder_keys = HeaderKey(
            "the SD-JWT's cnf.jwk", "a KB-JWT needs the holder's public key in cnf.jwk"
        )
        self._sd_algorithms = frozenset(sd_algorithms)
        self._limits = limits
        self.key_binding = key_binding
        self.audience = audience

    def __repr__(self) -> str:
        return f"SDJWTVerifier(key_binding={self.key_binding}, policy={self._policy!r})"

    def verify(
        self, presentation: str | Mapping[str, Any], *, nonce: str | None = None
    ) -> dict[str, Any]:
        """Verify a presentation; return its processed claims.

        Args:
            presentation: compact text, JSON text, or a parsed JSON serialization.
            nonce: the nonce this verifier gave the holder (needed with key binding).

        Raises:
            MalformedError, ExceededLimitError: not a well-formed SD-JWT.
            AlgorithmNotAllowedError, KeyNotFoundError: no key fits a signature.
            InvalidKeyError, InvalidSignatureError: a signature does not verify.
            DisclosureError: a rule of section 7.1 (or an SD-JWT VC rule) is broken.
            ClaimsError: the policy on the processed claims, or the KB-JWT's claims.
        """
        if self.key_binding and not isinstance(nonce, str):
            raise ValueError("key binding needs nonce= (the nonce given to the holder)")
        limits = self._limits
        parts = parse(presentation, limits)
        if parts.json is None:
            body, header, _ = self._compact.verify_parts(parts.jwt)
        else:
            # One signature that verifies suffices (jws.verify_json); section 8.1.
            verified = jws.verify_json(
                parts.json, self._keys, algorithms=self._algorithms, limits=limits
            )
            body, header = verified.payload, dict(verified.header)
        payload = parse_claims(body, limits)
        digest = hash_for(payload.get("_sd_alg", DEFAULT_SD_ALG), self._sd_algorithms)
        claims = process(payload, parts.disclosures, digest, limits)
        if is_vc(header.get("typ")):
            check_verified(payload, claims)
        self._policy.check(claims, header)
        if parts.kb_jwt is not None:
            self._check_binding(parts, claims, digest(parts.hash_input()), nonce)
        elif self.key_binding:
            raise MissingClaimError(
                "key binding is required and the presentation has no KB-JWT", claim="kb_jwt"
            )
        return claims

    def _check_binding(
        self, parts: SDParts, claims: dict[str, Any], sd_hash: str, nonce: str | None
    ) -> None:
        """Verify the KB-JWT (section 7.3 step 5).

        Raises:
            InvalidKeyError: no usable ``cnf.jwk``.
            MalformedJWSError, AlgorithmNotAllowedError, InvalidSignatureError: the
                KB-JWT or its signature.
            ClaimsError: its ``typ``, ``iat``, ``aud``, ``nonce`` or ``sd_hash``.
        """
        cnf = claims.get("cnf")
        holder = self._holder_keys.parse(cnf.get("jwk") if type(cnf) is dict else None)[0]
        signed = self._kb.parse(parts.kb_jwt)
        holder.check("verify", signed[2])
        self._kb.check(signed, holder)
        kb_claims = parse_claims(signed[0], self._limits)
        checked = kb_claims
        if self.audience is None:
            # No audience configured (key binding not required): ``aud`` must still be
            # there, a string, but names a verifier this one does not claim to be.
            if not isinstance(kb_claims.get("aud"), str):
                raise MissingClaimError("the KB-JWT needs an 'aud' (a string)", claim="aud")
            checked = {name: value for name, value in kb_claims.items() if name != "aud"}
        self._kb_policy.check(checked, signed[1])
        if nonce is not None and kb_claims.get("nonce") != nonce:
            raise InvalidClaimError("the KB-JWT's nonce is not this verifier's", claim="nonce")
        claimed = kb_claims.get("sd_hash")
        if not isinstance(claimed, str) or not _digest_equal(claimed, sd_hash):
            raise InvalidClaimError(
                "the KB-JWT's sd_hash does not cover this presentation", claim="sd_hash"
            )


def verify(
    presentation: str | Mapping[str, Any],
    keys: KeyLike,
    *,
    algorithms: Collection[str],
    issuer: str | Collection[str] | None = None,
    key_binding: bool = False,
    nonce: str | None = None,
    audience: str | None = None,
    **options: Unpack[VerifyOptions],
) -> dict[str, Any]:
    """Verify an SD-JWT presentation in one call; return the processed claims.

    Args:
        presentation: compact text, JSON text, or a parsed JSON serialization.
        keys: the issuer's key source.
        algorithms: the JWS algorithms accepted.
        issuer: the accepted ``iss``.
        key_binding: require a KB-JWT (section 7.3).
        nonce: the nonce given to the holder (with key binding).
        audience: this verifier's identifier, the KB-JWT's ``aud``.
        **options: the other arguments of :class:`SDJWTVerifier`.

    Raises:
        JotkitError: as :meth:`SDJWTVerifier.verify`.
        TypeError, ValueError: an invalid argument.
    """
    verifier = SDJWTVerifier(
        keys,
        algorithms=algorithms,
        issuer=issuer,
        key_binding=key_binding,
        audience=audience,
        **options,
    )
    return verifier.verify(presentation, nonce=nonce)
