"""``python -m jotkit.demo``: a short tour run by ``make demo``.

Generates a key for each family, signs and verifies a token with each, and shows a
tampered token rejected with its error; then issues a JWT, validates it, and shows it
rejected once expired and once for the wrong audience; then encrypts and decrypts;
then validates an ID token and an access token from a local identity provider found by
discovery (``jotkit.profiles._demo``).
"""

from __future__ import annotations

from . import jws, jwt
from .errors import ClaimsError, JotkitError
from .jwk import Key, KeySet

__all__ = ["main"]

_FAMILIES = (
    ("HMAC", "HS256"),
    ("RSA", "RS256"),
    ("RSA-PSS", "PS256"),
    ("ECDSA P-256", "ES256"),
    ("ECDSA secp256k1", "ES256K"),
    ("EdDSA Ed25519", "Ed25519"),
    ("EdDSA Ed448", "Ed448"),
)


def _tamper(token: str) -> str:
    head, body, sig = token.split(".")
    flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
    return ".".join((head, flipped, sig))


def _jwt_tour() -> None:
    print("\n== a JWT, issued and validated ==")
    now = 1_700_000_000
    key = Key.generate("ES256", kid="issuer-2026")
    claims = {"iss": "https://issuer.example", "sub": "alice", "aud": "https://api.example"}
    token = jwt.encode({**claims, "iat": now, "exp": now + 300}, key)
    print(f"issued    {token[:48]}...")
    jwks = KeySet([key.public()]).to_jwks()
    verifier = jwt.Verifier(
        KeySet.from_jwks(jwks),
        algorithms=["ES256"],
        issuer="https://issuer.example",
        audience="https://api.example",
        now=lambda: now + 60,
    )
    print(f"verified  {verifier.decode(token)}")
    for label, at, audience in (
        ("ten minutes later", now + 600, "https://api.example"),
        ("for another API", now + 60, "https://billing.example"),
    ):
        error = _rejection(token, key.public(), at=at, audience=audience)
        print(f"rejected  {label}: {type(error).__name__} (claim {error.claim!r}): {error}")


def _rejection(token: str, key: Key, *, at: int, audience: str) -> ClaimsError:
    try:
        jwt.decode(
            token,
            key,
            algorithms=["ES256"],
            issuer="https://issuer.example",
            audience=audience,
            now=at,
        )
    except ClaimsError as exc:
        return exc
    raise SystemExit("a token that should fail was accepted")  # pragma: no cover


def _jwe_tour() -> None:
    from . import jwe

    print("\n== JWE: encrypted to a recipient ==")
    recipient = Key.generate("ECDH-ES+A256KW", kid="api-enc")
    token = jwe.encrypt_compact(
        b"card=4111...", recipient.public(), alg="ECDH-ES+A256KW", enc="A256GCM"
    )
    result = jwe.decrypt_compact(
        token, recipient, algorithms=["ECDH-ES+A256KW"], encryptions=["A256GCM"]
    )
    print(f"encrypted {len(token)} chars; decrypted {result.plaintext!r}")


def main() -> None:
    """Run the tour and print what happens."""
    print("== keys and signatures ==")
    for family, alg in _FAMILIES:
        key = Key.generate(alg, kid=f"demo-{alg.lower()}")
        token = jws.sign_compact(b'{"hello":"world"}', key)
        verifier = key.public() if key.kty != "oct" else key
        result = jws.verify_compact(token, verifier, algorithms=[alg])
        print(
            f"{family:16} {alg:8} {key.size:5} bits  token {len(token):4} chars  "
            f"verified payload {result.payload.decode()}"
        )
        try:
            jws.verify_compact(_tamper(token), verifier, algorithms=[alg])
        except JotkitError as exc:
            print(f"{'':16} tampered token rejected: {type(exc).__name__} [{exc.code}] {exc}")
        else:  # pragma: no cover - would be a security bug
            raise SystemExit("a tampered token was accepted")
    _jwt_tour()
    _jwe_tour()
    from .profiles._demo import identity_provider_tour  # the `remote` extra's part

    identity_provider_tour()


if __name__ == "__main__":
    main()
