"""Build src/jotkit/jwk/published-secrets.bin from the published list of JWT secrets.

Usage: python scripts/make-published-secrets.py [../shared/data/jwt-secrets/jwt.secrets.list]

The list is wallarm/jwt-secrets (MIT licence), the secrets attack tools try first. The
output keeps, for every distinct entry of 32 bytes or more (shorter ones fail every HMAC
length check already), the first 8 bytes of its SHA-256, sorted: a compact denylist that
cannot be turned back into the list.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "jwt-secrets" / "jwt.secrets.list"
TARGET = ROOT / "src" / "jotkit" / "jwk" / "published-secrets.bin"
DIGEST_BYTES = 8
MIN_BYTES = 32


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    entries = {e for e in source.read_bytes().split(b"\r\n") if len(e) >= MIN_BYTES}
    digests = sorted({hashlib.sha256(e).digest()[:DIGEST_BYTES] for e in entries})
    TARGET.write_bytes(b"".join(digests))
    print(f"{len(entries)} entries of {MIN_BYTES}+ bytes -> {len(digests)} digests, {TARGET}")


if __name__ == "__main__":
    main()
