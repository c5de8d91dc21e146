"""The SD-JWT row (RFC 9901, issue 14): verify a presentation with 10 Disclosures and a
KB-JWT, ES256 for both signatures.

- jotkit: a pre-bound ``sd_jwt.SDJWTVerifier`` (issuer key, key binding, audience,
  issuer, a fixed ``now``), one ``verify(presentation, nonce=...)`` per op.
- floor: the same checks written by hand with ``cryptography``, ``hashlib``, ``base64``
  and ``json``: split on ``~``; the issuer JWT's ``alg`` and ES256 signature; each
  Disclosure's SHA-256 digest looked up among the payload's ``_sd`` digests and its
  claim put in place; ``iss`` and ``exp``; the holder key from ``cnf.jwk`` (parsed keys
  kept by their coordinates, as jotkit keeps them); the KB-JWT's ``typ``, ES256
  signature, ``iat`` window, ``aud``, ``nonce`` and ``sd_hash``. Target: at most 1.3x.
- sd-jwt: the reference implementation (``sd_jwt.verifier.SDJWTVerifier`` with the
  expected audience and nonce, then ``get_verified_payload``), its JWK objects loaded
  once. It checks neither ``exp`` nor the KB-JWT's ``iat`` (issue 14).
"""

from __future__ import annotations

import hashlib
import json
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Callable
from typing import Any

from ._harness import Target
from ._libs import Library, Unsupported

__all__ = ["specs"]

ISSUER = "https://issuer.example.com"
AUD = "https://verifier.example.org"
NONCE = "bench-nonce-0001"
NOW = 1_800_000_000
_CLAIMS: dict[str, Any] = {
    "given_name": "Erika",
    "family_name": "Mustermann",
    "birthdate": "1964-08-12",
    "email": "erika@example.com",
    "phone_number": "+49 30 123456",
    "street_address": "Heidestraße 17",
    "locality": "Köln",
    "postal_code": "51147",
    "country": "DE",
    "nationality": "DE",
}


def _b64d(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64e(data: bytes) -> str:
    return urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class _Fixture:
    """The keys and one presentation, made once for the run."""

    def __init__(self) -> None:
        from jotkit import Key
        from jotkit.profiles import sd_jwt

        self.issuer_key = Key.generate("ES256")
        self.holder_key = Key.generate("ES256")
        claims: dict[str, Any] = {"iss": ISSUER, "exp": NOW + 3600, "sub": "user-42"}
        claims.update({name: sd_jwt.SD(value) for name, value in _CLAIMS.items()})
        issued = sd_jwt.issue(
            claims, self.issuer_key, holder_key=self.holder_key, typ="example+sd-jwt"
        )
        self.presentation = sd_jwt.present(
            issued, [""], holder_key=self.holder_key, nonce=NONCE, audience=AUD, iat=NOW
        )
        self.expected = {"iss": ISSUER, "exp": NOW + 3600, "sub": "user-42", **_CLAIMS}
        self.expected["cnf"] = {"jwk": self.holder_key.public().to_jwk()}


def _floor(fx: _Fixture) -> Callable[[str], dict[str, Any]]:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    ecdsa = ec.ECDSA(hashes.SHA256())
    issuer_public = fx.issuer_key.public_crypto
    holders: dict[tuple[str, str], Any] = {}

    def es256(public: Any, jwt: str) -> tuple[dict[str, Any], dict[str, Any]]:
        head, body, sig = jwt.split(".")
        header = json.loads(_b64d(head))
        if header.get("alg") != "ES256":
            raise ValueError("alg")
        raw = _b64d(sig)
        if len(raw) != 64:
            raise ValueError("signature length")
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{head}.{body}".encode("ascii"), ecdsa)
        return header, json.loads(_b64d(body))

    def reveal(node: Any, found: dict[str, list[Any]]) -> Any:
        if isinstance(node, dict):
            out = {k: reveal(v, found) for k, v in node.items() if k != "_sd"}
            for digest in node.get("_sd", ()):
                items = found.pop(digest, None)
                if items is not None:
                    if items[1] in out:
                        raise ValueError("claim exists")
                    out[items[1]] = reveal(items[2], found)
            return out
        if isinstance(node, list):
            return [reveal(v, found) for v in node]
        return node

    def verify(presentation: str) -> dict[str, Any]:
        jwt, *disclosures, kb = presentation.split("~")
        _, payload = es256(issuer_public, jwt)
        found = {
            _b64e(hashlib.sha256(d.encode("ascii")).digest()): json.loads(_b64d(d))
            for d in disclosures
        }
        if len(found) != len(disclosures):
            raise ValueError("duplicate disclosure")
        claims: dict[str, Any] = reveal(payload, found)
        if found:
            raise ValueError("unreferenced disclosure")
        claims.pop("_sd_alg", None)
        if claims.get("iss") != ISSUER or claims["exp"] <= NOW:
            raise ValueError("iss/exp")
        jwk = claims["cnf"]["jwk"]
        holder = holders.get((jwk["x"], jwk["y"]))
        if holder is None:
            numbers = ec.EllipticCurvePublicNumbers(
                int.from_bytes(_b64d(jwk["x"]), "big"),
                int.from_bytes(_b64d(jwk["y"]), "big"),
                ec.SECP256R1(),
            )
            holder = holders[(jwk["x"], jwk["y"])] = numbers.public_key()
        header, kb_claims = es256(holder, kb)
        if header.get("typ") != "kb+jwt":
            raise ValueError("typ")
        if not NOW - 300 <= kb_claims["iat"] <= NOW:
            raise ValueError("iat")
        if kb_claims["aud"] != AUD or kb_claims["nonce"] != NONCE:
            raise ValueError("aud/nonce")
        hashed = presentation[: len(presentation) - len(kb)].encode("ascii")
        if kb_claims["sd_hash"] != _b64e(hashlib.sha256(hashed).digest()):
            raise ValueError("sd_hash")
        return claims

    return verify


def _jotkit(fx: _Fixture) -> Callable[[str], dict[str, Any]]:
    from jotkit.profiles import sd_jwt

    verifier = sd_jwt.SDJWTVerifier(
        fx.issuer_key.public(),
        algorithms=["ES256"],
        issuer=ISSUER,
        key_binding=True,
        audience=AUD,
        now=NOW,
    )
    return lambda presentation: verifier.verify(presentation, nonce=NONCE)


def _reference(fx: _Fixture) -> Callable[[str], dict[str, Any]]:
    from jwcrypto.jwk import JWK
    from sd_jwt.verifier import SDJWTVerifier

    issuer = JWK.from_json(json.dumps(fx.issuer_key.public().to_jwk()))

    def verify(presentation: str) -> dict[str, Any]:
        verifier = SDJWTVerifier(
            presentation, lambda iss, header: issuer, expected_aud=AUD, expected_nonce=NONCE
        )
        claims: dict[str, Any] = verifier.get_verified_payload()
        return claims

    return verify


_BUILDERS = {"floor": _floor, "jotkit": _jotkit, "sd-jwt": _reference}


def _builder(state: list[_Fixture]) -> Callable[[Library], Callable[[], object]]:
    def build(lib: Library) -> Callable[[], object]:
        make = _BUILDERS.get(lib.name)
        if make is None:
            raise Unsupported("no SD-JWT")
        if not state:
            state.append(_Fixture())
        fx = state[0]
        verify = make(fx)
        # Checked once before timing: the claims come out, another nonce's KB-JWT does not.
        if verify(fx.presentation) != fx.expected:
            raise ValueError("wrong claims")
        kb = fx.presentation.rsplit("~", 1)[1]
        head, body, sig = kb.split(".")
        forged = fx.presentation[: -len(kb)] + f"{head}.{body[:-2]}AA.{sig}"
        try:
            verify(forged)
        except Exception:
            return lambda: verify(fx.presentation)
        raise ValueError("accepted a KB-JWT whose claims were changed")

    return build


def specs() -> list[Any]:
    """The row of this module, as a RowSpec."""
    from ._rows import RowSpec

    label = "verify SD-JWT, 10 disclosures + KB-JWT (ES256)"
    return [RowSpec("sd-jwt/verify", label, Target(max_ratio=1.3), _builder([]))]
