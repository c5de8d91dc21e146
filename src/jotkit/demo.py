"""``python -m jotkit.demo``: a short tour run by ``make demo``.

Generates a key for each family, signs and verifies a token with each, and shows a
tampered token rejected with its error.
"""

from __future__ import annotations

from . import jws
from .errors import JotkitError
from .jwk import Key

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


if __name__ == "__main__":
    main()
