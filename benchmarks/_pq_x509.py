"""Rows for ML-DSA (RFC 9964) and x5c certificate chains (RFC 7515 4.1.6).

- ``mldsa/sign``, ``mldsa/verify``: ML-DSA-65 through ``jws.sign_compact`` /
  ``jws.CompactVerifier`` against `cryptography` alone (the floor: the same base64url, JSON
  and sign/verify calls, written by hand), at most 1.05x.
- ``x5c/decode``, ``x5c/decode/cache``: ``jotkit.decode`` of an ES256 JWT whose protected
  header carries a two-certificate ``x5c`` chain, the key from a ``CertificateTrust``
  without and with its chain cache. The floor decodes the same token with the leaf key
  already known, so the ratio is the cost of reading and validating the chain.

Peers have no ``CertificateTrust``; jwcrypto's ML-DSA is not compared here (its JWS
object API is measured elsewhere only for the classic algorithms).
"""

from __future__ import annotations

import base64
import datetime
import json
from collections.abc import Callable
from typing import Any

from ._fixtures import Fixtures
from ._harness import Target
from ._libs import Library, Unsupported

__all__ = ["specs"]

_PAYLOAD = b'{"iss":"https://issuer.example.com","sub":"248289761001","scope":"openid"}'


def _b64url(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class _Mldsa:
    """One ML-DSA-65 key, as a `cryptography` object and as a jotkit Key."""

    def __init__(self) -> None:
        from cryptography.hazmat.primitives.asymmetric import mldsa

        from jotkit import Key

        self.private = mldsa.MLDSA65PrivateKey.generate()
        self.public = self.private.public_key()
        self.key = Key.from_cryptography(self.private)
        self.public_key = self.key.public()
        self.header = _b64url(b'{"alg":"ML-DSA-65"}')

    def floor_sign(self) -> str:
        signing_input = self.header + b"." + _b64url(_PAYLOAD)
        return (signing_input + b"." + _b64url(self.private.sign(signing_input))).decode()

    def floor_verify(self, token: str) -> bytes:
        head, body, sig = token.split(".")
        if json.loads(_unb64url(head)).get("alg") != "ML-DSA-65":
            raise ValueError("alg")
        self.public.verify(_unb64url(sig), f"{head}.{body}".encode())
        return _unb64url(body)


def _mldsa_builders(state: list[_Mldsa]) -> tuple[Callable[..., Any], Callable[..., Any]]:
    def pq() -> _Mldsa:
        if not state:
            state.append(_Mldsa())
        return state[0]

    def sign(lib: Library) -> Callable[[], object]:
        from jotkit import jws

        k = pq()
        if lib.name == "floor":
            fn: Callable[[], str] = k.floor_sign
        elif lib.name == "jotkit":
            key = k.key

            def fn() -> str:
                return jws.sign_compact(_PAYLOAD, key)
        else:
            raise Unsupported("not compared for ML-DSA")
        if k.floor_verify(fn()) != _PAYLOAD:
            raise ValueError("the floor does not verify the token")
        return fn

    def verify(lib: Library) -> Callable[[], object]:
        from jotkit import jws

        k = pq()
        token = k.floor_sign()
        if lib.name == "floor":
            fn: Callable[[str], bytes] = k.floor_verify
        elif lib.name == "jotkit":
            # The pre-bound verifier: key and allow-list resolved once (DESIGN section 5).
            verifier = jws.CompactVerifier(k.public_key, algorithms=["ML-DSA-65"])

            def fn(token: str) -> bytes:
                return verifier.verify(token).payload
        else:
            raise Unsupported("not compared for ML-DSA")
        if fn(token) != _PAYLOAD:
            raise ValueError("wrong payload")
        bad = token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]
        try:
            fn(bad)
        except Exception:
            return lambda: fn(token)
        raise ValueError("accepted a bad signature")

    return sign, verify


class _Chain:
    """root -> intermediate -> leaf (P-256), valid now, and a token signed by the leaf."""

    def __init__(self, fx: Fixtures) -> None:
        from cryptography.hazmat.primitives.asymmetric import ec
        from tests.x509._pki import make_cert

        import jotkit
        from jotkit import Key

        now = datetime.datetime.now(datetime.timezone.utc)
        window: dict[str, Any] = {"not_before": now - datetime.timedelta(days=1)}
        window["not_after"] = now + datetime.timedelta(days=30)
        root_key, inter_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in "abc")
        self.root = make_cert("Root", root_key, ca=True, **window)
        inter = make_cert("Inter", inter_key, (self.root, root_key), ca=True, **window)
        leaf = make_cert("Signer", leaf_key, (inter, inter_key), **window)
        signer = Key.from_cryptography(leaf_key, alg="ES256").with_certificates([leaf, inter])
        self.leaf_key = signer.public()
        self.token = jotkit.encode(fx.claims, signer, headers=signer.x5c_headers())
        other = Key.generate("ES256")
        self.forged = jotkit.encode(fx.claims, other, headers=signer.x5c_headers())


def _x5c_builder(fx: Fixtures, chain: list[_Chain], cache: bool) -> Callable[..., Any]:
    def build(lib: Library) -> Callable[[], object]:
        import jotkit
        from jotkit.x509 import CertificateTrust

        if not chain:
            chain.append(_Chain(fx))
        c = chain[0]
        if lib.name == "floor":
            key: Any = c.leaf_key  # the key known in advance: no chain to read
        elif lib.name == "jotkit":
            key = CertificateTrust(anchors=[c.root], cache_size=64 if cache else 0)
        else:
            raise Unsupported("no x5c trust")
        policy: dict[str, Any] = {
            "algorithms": ["ES256"],
            "issuer": fx.issuer,
            "audience": fx.audience,
        }

        def decode(token: str) -> dict[str, Any]:
            return dict(jotkit.decode(token, key, **policy))

        if decode(c.token) != fx.claims:
            raise ValueError("wrong claims")
        try:
            decode(c.forged)
        except jotkit.errors.JotkitError:
            return lambda: decode(c.token)
        raise ValueError("accepted a token signed by another key")

    return build


def specs(fx: Fixtures) -> list[Any]:
    """The rows of this module, as RowSpecs."""
    from ._rows import RowSpec

    sign, verify = _mldsa_builders([])
    chain: list[_Chain] = []
    return [
        # Hedged signing loops a random number of times: a batch of a few calls is noise.
        RowSpec(
            "mldsa/sign",
            "sign ML-DSA-65 (jws.sign_compact)",
            Target(1.05, False, batch_scale=8.0),
            sign,
        ),
        RowSpec(
            "mldsa/verify", "verify ML-DSA-65 (jws.CompactVerifier)", Target(1.05, False), verify
        ),
        RowSpec(
            "x5c/decode",
            "decode ES256, x5c 2-cert chain, CertificateTrust, no cache",
            Target(beat_peers=False),
            _x5c_builder(fx, chain, cache=False),
        ),
        RowSpec(
            "x5c/decode/cache",
            "decode ES256, x5c 2-cert chain, CertificateTrust, chain cache on",
            Target(beat_peers=False, speedup_over="x5c/decode", min_speedup=1.5),
            _x5c_builder(fx, chain, cache=True),
        ),
    ]
