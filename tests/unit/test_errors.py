"""The exception tree (DESIGN section 4): stable codes, hierarchy, fixed crypto messages."""

from __future__ import annotations

import pytest

from jotkit import errors
from jotkit.errors import (
    AlgorithmNotAllowedError,
    CertificateError,
    ClaimsError,
    DecryptionError,
    DisclosureError,
    DPoPProofError,
    ExceededLimitError,
    ExpiredError,
    InvalidClaimError,
    InvalidKeyError,
    InvalidSignatureError,
    JotkitError,
    KeyNotFoundError,
    KeySetUnavailableError,
    MalformedError,
    MalformedJWEError,
    MalformedJWSError,
    MalformedJWTError,
    MissingClaimError,
    MultipleKeysMatchedError,
    NotYetValidError,
    ReplayError,
    ReplayStoreUnavailableError,
    SecurityWarning,
    UnsupportedAlgorithmError,
    VerificationError,
)

# The codes are part of the public contract: callers switch on them.
CODES: dict[type[JotkitError], str] = {
    JotkitError: "jotkit_error",
    MalformedError: "malformed",
    MalformedJWSError: "malformed_jws",
    MalformedJWEError: "malformed_jwe",
    MalformedJWTError: "malformed_jwt",
    UnsupportedAlgorithmError: "unsupported_algorithm",
    AlgorithmNotAllowedError: "algorithm_not_allowed",
    InvalidKeyError: "invalid_key",
    KeyNotFoundError: "key_not_found",
    MultipleKeysMatchedError: "multiple_keys_matched",
    ExceededLimitError: "exceeded_limit",
    VerificationError: "verification_failed",
    InvalidSignatureError: "invalid_signature",
    DecryptionError: "decryption_failed",
    ClaimsError: "invalid_claims",
    ExpiredError: "expired",
    NotYetValidError: "not_yet_valid",
    MissingClaimError: "missing_claim",
    InvalidClaimError: "invalid_claim",
    DisclosureError: "invalid_disclosure",
    CertificateError: "invalid_certificate",
    KeySetUnavailableError: "key_set_unavailable",
    ReplayStoreUnavailableError: "replay_store_unavailable",
    ReplayError: "replayed",
    DPoPProofError: "invalid_dpop_proof",
}

PARENTS: dict[type[JotkitError], type[Exception]] = {
    JotkitError: Exception,
    MalformedError: JotkitError,
    MalformedJWSError: MalformedError,
    MalformedJWEError: MalformedError,
    MalformedJWTError: MalformedError,
    UnsupportedAlgorithmError: JotkitError,
    AlgorithmNotAllowedError: JotkitError,
    InvalidKeyError: JotkitError,
    KeyNotFoundError: JotkitError,
    MultipleKeysMatchedError: KeyNotFoundError,
    ExceededLimitError: JotkitError,
    VerificationError: JotkitError,
    InvalidSignatureError: VerificationError,
    DecryptionError: VerificationError,
    ClaimsError: JotkitError,
    ExpiredError: ClaimsError,
    NotYetValidError: ClaimsError,
    MissingClaimError: ClaimsError,
    InvalidClaimError: ClaimsError,
    DisclosureError: MalformedError,
    CertificateError: InvalidKeyError,
    KeySetUnavailableError: JotkitError,
    ReplayStoreUnavailableError: JotkitError,
    ReplayError: ClaimsError,
    DPoPProofError: ClaimsError,
}

_IDS = [cls.__name__ for cls in CODES]


def _exported_errors() -> list[type[JotkitError]]:
    found = []
    for name in errors.__all__:
        obj = getattr(errors, name)
        if isinstance(obj, type) and issubclass(obj, JotkitError):
            found.append(obj)
    return found


class TestCodes:
    """Every error class has its own stable ``code``."""

    @pytest.mark.parametrize(("cls", "code"), CODES.items(), ids=_IDS)
    def test_code_is_pinned(self, cls: type[JotkitError], code: str) -> None:
        """The class's code is the documented value."""
        assert cls.code == code

    @pytest.mark.parametrize("cls", list(CODES), ids=_IDS)
    def test_code_defined_on_the_class_itself(self, cls: type[JotkitError]) -> None:
        """No class inherits its parent's code: each one is distinguishable."""
        assert "code" in vars(cls)

    def test_codes_are_distinct(self) -> None:
        """No two classes share a code."""
        codes = [cls.code for cls in _exported_errors()]
        assert len(codes) == len(set(codes))

    def test_table_covers_every_exported_error(self) -> None:
        """Every JotkitError subclass in ``__all__`` is pinned here."""
        assert set(_exported_errors()) == set(CODES)


class TestHierarchy:
    """The tree of DESIGN section 4."""

    @pytest.mark.parametrize(("cls", "parent"), PARENTS.items(), ids=_IDS)
    def test_direct_parent(self, cls: type[JotkitError], parent: type[Exception]) -> None:
        """Each class derives directly from its documented parent."""
        assert cls.__bases__ == (parent,)

    def test_security_warning_is_a_warning_not_an_error(self) -> None:
        """SecurityWarning is a UserWarning and never caught by ``except JotkitError``."""
        assert issubclass(SecurityWarning, UserWarning)
        assert not issubclass(SecurityWarning, JotkitError)


class TestMessages:
    """Messages: defaults, custom text, and fixed text for cryptographic failures."""

    @pytest.mark.parametrize(
        "cls",
        [
            c
            for c in CODES
            if c not in (InvalidSignatureError, DecryptionError) and not issubclass(c, ClaimsError)
        ],
        ids=lambda c: c.__name__,
    )
    def test_default_and_custom_message(self, cls: type[JotkitError]) -> None:
        """Without a message the class default is used; a given message is kept."""
        assert cls().message == cls.default_message
        assert str(cls("custom text")) == "custom text"
        assert cls("custom text").message == "custom text"

    @pytest.mark.parametrize(
        ("cls", "text"),
        [
            (InvalidSignatureError, "signature verification failed"),
            (DecryptionError, "decryption failed"),
        ],
        ids=["InvalidSignatureError", "DecryptionError"],
    )
    def test_crypto_failures_have_a_fixed_message(
        self, cls: type[VerificationError], text: str
    ) -> None:
        """Crypto failures always say the same thing (padding and timing oracles)."""
        assert str(cls()) == text
        with pytest.raises(TypeError):
            cls("detail that would help an attacker")

    @pytest.mark.parametrize(
        "cls",
        [ClaimsError, ExpiredError, NotYetValidError, MissingClaimError, InvalidClaimError],
        ids=lambda c: c.__name__,
    )
    def test_claims_errors_carry_the_claim(self, cls: type[ClaimsError]) -> None:
        """Claim errors name the claim (keyword-only); an application's own check can
        raise one with a message alone."""
        err = cls(claim="exp")
        assert err.claim == "exp"
        assert err.message == cls.default_message
        assert cls("too old", claim="iat").message == "too old"
        own = cls("the tenant is suspended")
        assert own.message == "the tenant is suspended"
        assert isinstance(own, JotkitError)
        with pytest.raises(TypeError):
            cls("message", "exp")  # type: ignore[call-arg]

    def test_expired_error_says_by_how_much(self) -> None:
        """ExpiredError carries exp, now and leeway; decode fills them and the message
        says how long ago the token expired."""
        from jotkit import Key, jwt

        key = Key.from_secret(b"k" * 32)
        token = jwt.encode({"exp": 1000}, key, alg="HS256")
        with pytest.raises(ExpiredError) as info:
            jwt.decode(token, key, algorithms=["HS256"], now=1090, leeway=30)
        assert (info.value.exp, info.value.now, info.value.leeway) == (1000, 1090, 30)
        assert info.value.claim == "exp"
        assert "60 s ago" in info.value.message
        assert "leeway of 30 s" in info.value.message
        token = jwt.encode({"iat": 1000}, key, alg="HS256")
        with pytest.raises(ExpiredError) as info:
            jwt.decode(token, key, algorithms=["HS256"], now=1500, max_age=100)
        assert (info.value.exp, info.value.claim) == (1100, "iat")
        assert "400 s ago" in info.value.message

    def test_errors_are_catchable_as_jotkit_error(self) -> None:
        """``except JotkitError`` catches every subclass."""
        with pytest.raises(JotkitError) as info:
            raise MultipleKeysMatchedError()
        assert info.value.code == "multiple_keys_matched"
