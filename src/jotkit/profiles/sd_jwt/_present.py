"""Presenting an SD-JWT: the holder's choice of Disclosures and the KB-JWT (RFC 9901
sections 4.3 and 7.2).

Claims are chosen by JSON pointer (RFC 6901) into the fully disclosed claims, the view
a holder has. A pointer selects the Disclosure of every claim on its way (a nested
claim needs its parents, section 6.3) and every Disclosure under it (``/address``
reveals the whole address). The KB-JWT (section 4.3) carries ``iat``, ``aud``,
``nonce`` and ``sd_hash``, the digest of the presentation up to its last ``~``.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ... import _json, _time
from ..._limits import DEFAULT_LIMITS, Limits
from ...jwk import Key
from ...jwt import encode, unverified
from .._common import default_alg
from ._disclosure import DEFAULT_SD_ALG, hash_for
from ._format import SDParts, Serialization, join_compact, parse, to_json
from ._process import Origins, process

__all__ = ["KB_TYP", "parse_pointer", "present"]

KB_TYP = "kb+jwt"


def present(
    sd_jwt: str | dict[str, Any],
    disclose: Collection[str] = (),
    *,
    holder_key: Key | None = None,
    nonce: str | None = None,
    audience: str | None = None,
    alg: str | None = None,
    iat: int | None = None,
    serialization: Serialization | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> str:
    """Make a presentation revealing the claims ``disclose`` points to.

    Args:
        sd_jwt: the SD-JWT as issued (compact or JSON).
        disclose: JSON pointers (RFC 6901) into the fully disclosed claims, e.g.
            ``"/given_name"``, ``"/address/street_address"``, ``"/nationalities/1"``.
        holder_key: the holder's private key: adds a KB-JWT (needs ``nonce`` and
            ``audience``, the verifier's).
        nonce: the verifier's nonce for the KB-JWT.
        audience: the verifier's identifier, the KB-JWT's ``aud``.
        alg: the KB-JWT's algorithm (default: the key's ``alg``, else by curve).
        iat: the KB-JWT's creation time (default: now).
        serialization: the output's serialization (default: the input's).
        limits: caps on the SD-JWT read.

    Returns:
        The presentation, compact (``...~`` or ``...~<KB-JWT>``) or JSON text.

    Raises:
        TypeError, ValueError: a pointer that is not RFC 6901 or names no claim, key
            binding without its arguments, an SD-JWT that is already a presentation.
        MalformedError, DisclosureError, ExceededLimitError: a malformed SD-JWT.
    """
    if isinstance(disclose, str):
        raise TypeError("disclose must be a collection of JSON pointers")
    parts = parse(sd_jwt, limits)
    if parts.kb_jwt is not None:
        raise ValueError("this SD-JWT already carries a key binding JWT")
    payload = unverified(parts.jwt, limits=limits).claims
    digest = hash_for(payload.get("_sd_alg", DEFAULT_SD_ALG))
    origins: Origins = {}
    claims = process(payload, parts.disclosures, digest, limits, origins)
    chosen: set[int] = set()
    for pointer in disclose:
        path = _resolve(claims, parse_pointer(pointer), pointer)
        size = len(path)
        chosen.update(index for where, index in origins.items() if where[:size] == path)
        chosen.update(origins[path[:end]] for end in range(1, size) if path[:end] in origins)
    shown = tuple(text for index, text in enumerate(parts.disclosures) if index in chosen)
    presented = SDParts(parts.jwt, shown, None, parts.json, parts.serialization)
    kb_jwt = None
    if holder_key is not None:
        sd_hash = digest(presented.hash_input())
        kb_jwt = key_binding_jwt(holder_key, sd_hash, nonce, audience, alg, iat)
    elif nonce is not None or audience is not None:
        raise ValueError("nonce and audience are for the key binding JWT: pass holder_key")
    output = serialization or parts.serialization
    if output == "compact":
        return join_compact(parts.jwt, shown, kb_jwt)
    return _json.dumps(to_json(presented, output, kb_jwt)).decode("utf-8")


def key_binding_jwt(
    holder_key: Key,
    sd_hash: str,
    nonce: str | None,
    audience: str | None,
    alg: str | None,
    iat: int | None,
) -> str:
    """Sign the KB-JWT of a presentation (section 4.3).

    Raises:
        TypeError, ValueError: no nonce or audience, or not a private asymmetric key.
    """
    if not isinstance(nonce, str) or not isinstance(audience, str):
        raise ValueError("a key binding JWT needs nonce= and audience= (strings)")
    if not isinstance(holder_key, Key) or not holder_key.is_private or holder_key.kty == "oct":
        raise ValueError("holder_key must be the holder's private asymmetric Key")
    claims = {
        "iat": int(_time.now()) if iat is None else iat,
        "aud": audience,
        "nonce": nonce,
        "sd_hash": sd_hash,
    }
    return encode(claims, holder_key, alg=alg or default_alg(holder_key), typ=KB_TYP)


def parse_pointer(pointer: object) -> tuple[str, ...]:
    """The reference tokens of an RFC 6901 JSON pointer.

    Raises:
        TypeError, ValueError: not a string, or not a JSON pointer.
    """
    if not isinstance(pointer, str):
        raise TypeError("a JSON pointer is a str")
    if pointer == "":
        return ()
    if pointer[0] != "/":
        raise ValueError(f"the JSON pointer {pointer!r} must start with '/'")
    tokens = pointer[1:].split("/")
    for token in tokens:
        if "~" in token.replace("~0", "").replace("~1", ""):
            raise ValueError(f"the JSON pointer {pointer!r} has a '~' not followed by 0 or 1")
    # Section 4: "~1" first, then "~0", so that "~01" reads as "~1" and not as "/".
    return tuple(token.replace("~1", "/").replace("~0", "~") for token in tokens)


def _resolve(claims: Any, tokens: tuple[str, ...], pointer: str) -> tuple[str | int, ...]:
    """The path (names and indices) a pointer names in the fully disclosed claims.

    Raises:
        ValueError: the pointer names no claim.
    """
    path: list[str | int] = []
    node = claims
    for token in tokens:
        if type(node) is dict and token in node:
            node = node[token]
            path.append(token)
        elif (
            type(node) is list
            and token.isascii()
            and token.isdigit()
            and (token == "0" or token[0] != "0")
        ):
            position = int(token)
            if position >= len(node):
                raise ValueError(f"the JSON pointer {pointer!r} names no claim")
            node = node[position]
            path.append(position)
        else:
            raise ValueError(f"the JSON pointer {pointer!r} names no claim")
    return tuple(path)
