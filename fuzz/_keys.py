"""Fixed keys shared by the harnesses and the corpus script.

They are derived from constants, never generated at random, so that the tokens in a
corpus made by one process verify in the harness process that fuzzes them. They protect
nothing: they exist to let fuzzed tokens reach the code that runs after a signature or
tag has been checked.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, x25519

from jotkit import Key, KeySet

__all__ = [
    "DIR_KEY",
    "DIR_SECRET",
    "EC_PRIVATE",
    "ED_PRIVATE",
    "HS_KEY",
    "HS_SECRET",
    "JWE_KEYS",
    "JWS_KEYS",
    "KW_KEY",
    "X25519_PRIVATE",
]

HS_SECRET = b"jotkit fuzzing: HS256 secret, 256+ bits"
HS_KEY = Key.from_secret(HS_SECRET, kid="hs")

EC_PRIVATE = Key.from_cryptography(
    ec.derive_private_key(0x6A6F746B69742D66757A7A2D65632D6B6579, ec.SECP256R1()), kid="ec"
)
ED_PRIVATE = Key.from_cryptography(
    ed25519.Ed25519PrivateKey.from_private_bytes(b"jotkit fuzzing: Ed25519 key....."), kid="ed"
)

#: Verification keys for the JWS harnesses' second pass (selection by kid, then fit).
# Private halves: a set may not mix public keys with secrets, and verifying needs only
# the public half the private keys carry.
JWS_KEYS = KeySet([HS_KEY, EC_PRIVATE, ED_PRIVATE])

#: A 256-bit ``dir`` key: fits A256GCM and A128CBC-HS256.
DIR_SECRET = b"jotkit fuzzing: dir key, 256 b.."
DIR_KEY = Key.from_secret(DIR_SECRET, kid="dir")

KW_KEY = Key.from_secret(b"jotkit AES-KW...", kid="kw")
X25519_PRIVATE = Key.from_cryptography(
    x25519.X25519PrivateKey.from_private_bytes(b"jotkit fuzzing: X25519 key......"), kid="x"
)

#: Decryption keys for the JWE harness's second pass.
JWE_KEYS = KeySet([KW_KEY, EC_PRIVATE, X25519_PRIVATE])
