"""The jotkit exception tree.

Untrusted input (a token, a header, a remote key set) raises a :class:`JotkitError`
subclass, so ``except JotkitError`` always means "reject this input". A caller's own
mistake (a wrong argument type, a key that cannot do what was asked) raises ``TypeError``
or ``ValueError``.

Every class has a stable ``code``. Cryptographic failures carry a fixed message and no
chained cause, so that an attacker learns nothing from the error (padding oracles).
"""

from __future__ import annotations

__all__ = [
    "AlgorithmNotAllowedError",
    "CertificateError",
    "ClaimsError",
    "DPoPProofError",
    "DecryptionError",
    "DisclosureError",
    "ExceededLimitError",
    "ExpiredError",
    "InvalidClaimError",
    "InvalidKeyError",
    "InvalidSignatureError",
    "JotkitError",
    "KeyNotFoundError",
    "KeySetUnavailableError",
    "MalformedError",
    "MalformedJWEError",
    "MalformedJWSError",
    "MalformedJWTError",
    "MissingClaimError",
    "MultipleKeysMatchedError",
    "NotYetValidError",
    "ReplayError",
    "ReplayStoreUnavailableError",
    "SecurityWarning",
    "UnsupportedAlgorithmError",
    "UseDPoPNonceError",
    "VerificationError",
]


class SecurityWarning(UserWarning):
    """Emitted when a caller explicitly opts out of a safety check (a weak key, say)."""


class JotkitError(Exception):
    """Base class: the input is not acceptable and must be rejected."""

    code: str = "jotkit_error"
    default_message: str = "the input was rejected"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message if message is not None else self.default_message)

    @property
    def message(self) -> str:
        """The human-readable message."""
        return str(self.args[0])


class MalformedError(JotkitError):
    """The input is not well-formed (encoding, JSON, structure)."""

    code = "malformed"
    default_message = "the input is malformed"


class MalformedJWSError(MalformedError):
    """A JWS is not well-formed."""

    code = "malformed_jws"
    default_message = "the JWS is malformed"


class MalformedJWEError(MalformedError):
    """A JWE is not well-formed."""

    code = "malformed_jwe"
    default_message = "the JWE is malformed"


class DisclosureError(MalformedError):
    """An SD-JWT disclosure breaks a rule of RFC 9901 (shape, digest, reference)."""

    code = "invalid_disclosure"
    default_message = "an SD-JWT disclosure is invalid"


class MalformedJWTError(MalformedError):
    """A JWT is not well-formed (payload not a JSON object, wrong serialization...)."""

    code = "malformed_jwt"
    default_message = "the JWT is malformed"


class UnsupportedAlgorithmError(JotkitError):
    """The algorithm named by the input is unknown to jotkit."""

    code = "unsupported_algorithm"
    default_message = "the algorithm is not supported"


class AlgorithmNotAllowedError(JotkitError):
    """The algorithm is known but not in the caller's allow-list, or does not fit the key."""

    code = "algorithm_not_allowed"
    default_message = "the algorithm is not allowed"


class InvalidKeyError(JotkitError):
    """Key material is invalid, too weak, or does not fit the operation."""

    code = "invalid_key"
    default_message = "the key is invalid"


class CertificateError(InvalidKeyError):
    """An ``x5c`` chain does not validate against the configured trust anchors."""

    code = "invalid_certificate"
    default_message = "the certificate chain is not trusted"


class KeyNotFoundError(JotkitError):
    """No key in the set matches the token."""

    code = "key_not_found"
    default_message = "no key matches the token"

    def __init__(self, message: str | None = None, *, kid: str | None = None) -> None:
        super().__init__(message)
        #: The token's ``kid`` (None when it has none, or it is not a string).
        self.kid = kid


class MultipleKeysMatchedError(KeyNotFoundError):
    """Several keys match the token and none is preferred: jotkit never tries them all."""

    code = "multiple_keys_matched"
    default_message = "several keys match the token; give each key a distinct kid"


class KeySetUnavailableError(JotkitError):
    """A remote key set could not be fetched and nothing usable is cached.

    The token is refused; an application may answer 503 rather than 401, since the
    token itself may be fine.
    """

    code = "key_set_unavailable"
    default_message = "the key set is unavailable"


class ReplayStoreUnavailableError(JotkitError):
    """The replay store could not answer (Redis down, say): the token is refused.

    One-time tokens fail closed: a store that cannot say "never seen" never accepts.
    """

    code = "replay_store_unavailable"
    default_message = "the replay store is unavailable"


class ExceededLimitError(JotkitError):
    """A size, depth, count or iteration limit was exceeded."""

    code = "exceeded_limit"
    default_message = "a limit was exceeded"


class VerificationError(JotkitError):
    """A cryptographic check failed."""

    code = "verification_failed"
    default_message = "verification failed"


class InvalidSignatureError(VerificationError):
    """The signature or MAC does not verify. The message is fixed."""

    code = "invalid_signature"
    default_message = "signature verification failed"

    def __init__(self) -> None:
        super().__init__(self.default_message)


class DecryptionError(VerificationError):
    """Decryption failed. Always the same message, whatever step failed (padding oracles)."""

    code = "decryption_failed"
    default_message = "decryption failed"

    def __init__(self) -> None:
        super().__init__(self.default_message)


class ClaimsError(JotkitError):
    """A claim failed validation. Raised only after the signature or decryption passed."""

    code = "invalid_claims"
    default_message = "the claims are invalid"

    def __init__(self, message: str | None = None, *, claim: str | None = None) -> None:
        super().__init__(message)
        #: The claim (or header member, ``typ``) that failed; None when not one claim.
        self.claim = claim


class ExpiredError(ClaimsError):
    """The token has expired (``exp``) or is too old (``max_age``)."""

    code = "expired"
    default_message = "the token has expired"

    def __init__(
        self,
        message: str | None = None,
        *,
        claim: str | None = "exp",
        exp: float | None = None,
        now: float | None = None,
        leeway: float | None = None,
    ) -> None:
        super().__init__(message, claim=claim)
        #: The ``exp`` (or ``iat`` + ``max_age``) that passed, the time checked against,
        #: and the leeway allowed, as NumericDates and seconds (None when not known).
        self.exp = exp
        self.now = now
        self.leeway = leeway


class NotYetValidError(ClaimsError):
    """The token is not valid yet (``nbf``, or ``iat`` in the future)."""

    code = "not_yet_valid"
    default_message = "the token is not valid yet"


class MissingClaimError(ClaimsError):
    """A required claim is absent."""

    code = "missing_claim"
    default_message = "a required claim is missing"


class InvalidClaimError(ClaimsError):
    """A claim has the wrong type or value."""

    code = "invalid_claim"
    default_message = "a claim is invalid"


class ReplayError(ClaimsError):
    """A one-time token (``jti``, a DPoP proof, a client assertion) was already used."""

    code = "replayed"
    default_message = "the token was already used"


class DPoPProofError(ClaimsError):
    """A DPoP proof (RFC 9449) is invalid, or does not match the request or the token."""

    code = "invalid_dpop_proof"
    default_message = "the DPoP proof is invalid"


class UseDPoPNonceError(DPoPProofError):
    """A DPoP proof lacks the server nonce, or carries a stale one (RFC 9449 section 8).

    Answer 401 with ``error="use_dpop_nonce"`` and a ``DPoP-Nonce: <.nonce>`` header;
    the client retries with a fresh proof carrying that nonce.
    """

    code = "use_dpop_nonce"
    default_message = "the DPoP proof must carry the server's current nonce"

    def __init__(
        self, message: str | None = None, *, claim: str | None = "nonce", nonce: str | None = None
    ) -> None:
        super().__init__(message, claim=claim)
        #: The nonce the client must use (the ``DPoP-Nonce`` header), when the server has one.
        self.nonce = nonce
