"""``zip: DEF`` (RFC 7516 section 4.1.3): raw DEFLATE (RFC 1951), inflated with a cap.

Inflation is streamed through ``zlib.decompressobj`` with ``max_length``, so a
compression bomb (a few hundred bytes that inflate to gigabytes) never produces more
than the cap plus one byte in memory before it is refused.
"""

from __future__ import annotations

import zlib

from ..errors import DecryptionError, ExceededLimitError

__all__ = ["deflate", "inflate"]


def deflate(data: bytes) -> bytes:
    """Compress ``data`` as raw DEFLATE."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def inflate(data: bytes, max_size: int) -> bytes:
    """Decompress raw DEFLATE ``data`` to at most ``max_size`` bytes.

    Raises:
        ExceededLimitError: the output would exceed ``max_size``.
        DecryptionError: not a complete, valid DEFLATE stream (same message as every
            other decryption failure).
    """
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, max_size + 1)
    except zlib.error:
        raise DecryptionError() from None
    if len(out) > max_size:
        raise ExceededLimitError(f"the decompressed plaintext exceeds {max_size} bytes")
    # A truncated stream or trailing bytes after it are corrupt input, not a limit.
    if not inflater.eof or inflater.unused_data:
        raise DecryptionError()
    return out
