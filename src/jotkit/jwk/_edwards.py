"""Reject Edwards public keys of small order (Ed25519, Ed448; RFC 8032 section 5).

A public key in the small torsion subgroup (the identity, say) "verifies" forged
signatures: with A = identity, R = identity and S = 0 pass the check [S]B = R + [k]A for
every message, since the library does not reject such keys itself. A point has small
order exactly when its y coordinate is one of a few values, so the test needs no point
arithmetic: the y of the 8-torsion points of edwards25519 (identity, order 2, order 4 and
the two order-8 pairs), and of the 4-torsion of edwards448.
"""

from __future__ import annotations

__all__ = ["is_small_order"]

_P25519 = 2**255 - 19
_P448 = 2**448 - 2**224 - 1
_SMALL_Y = {
    "Ed25519": (
        _P25519,
        frozenset(
            {
                0,
                1,
                _P25519 - 1,
                # y^2 = (-1 +- sqrt(1 + d)) / d: the points whose double has y = 0.
                int.from_bytes(
                    bytes.fromhex(
                        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05"
                    ),
                    "little",
                ),
                int.from_bytes(
                    bytes.fromhex(
                        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"
                    ),
                    "little",
                ),
            }
        ),
    ),
    "Ed448": (_P448, frozenset({0, 1, _P448 - 1})),
}


def is_small_order(crv: str, encoded: bytes) -> bool:
    """Whether the encoded Edwards point ``encoded`` on ``crv`` has small order.

    Non-canonical encodings (y not below p) are reduced first, so they are caught too.
    Montgomery curves (X25519, X448) are not checked here: ECDH rejects an all-zero
    shared secret instead (RFC 7748 section 6).
    """
    entry = _SMALL_Y.get(crv)
    if entry is None:
        return False
    prime, small = entry
    # The top bit of the last byte is the sign of x; the rest is y, little-endian.
    y = int.from_bytes(encoded, "little") & ~(1 << (len(encoded) * 8 - 1))
    return y % prime in small
