"""Processing Disclosures into the claims they reveal (RFC 9901 section 7.1 steps 3-5).

One walk serves the verifier and the holder: the verifier gets the processed payload,
the holder (``present``) also asks where each Disclosure put its claim, to select
Disclosures by JSON pointer. Every rule of section 7.1 is enforced here, so that a
holder never builds a presentation a verifier would refuse:

- an ``_sd`` array holds digest strings; an array element ``{"...": digest}`` is a
  single-member object whose value is a string;
- a digest that appears twice anywhere (in ``_sd``, in ``...``, in the payload or in a
  Disclosure) is refused: two places revealing one Disclosure would let a holder
  choose which claim a verifier sees;
- a Disclosure referenced from ``_sd`` has three elements, its name is neither ``_sd``
  nor ``...`` and not already a claim of that object; one referenced from ``...`` has
  two elements;
- a Disclosure nothing references is refused (it was not issued for this JWT);
- digests that match no Disclosure are left out (decoys, withheld claims);
- ``_sd`` is removed everywhere, ``_sd_alg`` at the top level.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..._limits import Limits
from ...errors import DisclosureError, ExceededLimitError
from ._disclosure import Digester, decode_disclosure

__all__ = ["Origins", "process"]

#: Where each Disclosure's claim lands: path (keys and array indices) -> its index.
Origins = dict[tuple[str | int, ...], int]

_RESERVED = frozenset({"_sd", "..."})


def process(
    payload: dict[str, Any],
    disclosures: Sequence[str],
    digest: Digester,
    limits: Limits,
    origins: Origins | None = None,
) -> dict[str, Any]:
    """Apply ``disclosures`` to an issuer-signed payload; return the processed claims.

    Args:
        payload: the verified payload of the Issuer-signed JWT.
        disclosures: the Disclosures, in presentation order (messages use that index).
        digest: the hash of the payload's ``_sd_alg``.
        limits: ``max_depth``, the depth of the claims built (the number of Disclosures
            is capped where the presentation is parsed, ``_format.parse``).
        origins: a dict to fill with where each Disclosure put its claim, or None.

    Raises:
        DisclosureError: a rule of section 7.1 is broken (the message names the
            Disclosure by index, or the digest).
        ExceededLimitError: claims nested too deep.
    """
    walk = _Walk(disclosures, digest, limits, origins)
    claims = walk.object(payload, 1, ())
    claims.pop("_sd_alg", None)
    unused = len(disclosures) - len(walk.used)
    if unused:
        index = min(set(range(len(disclosures))) - walk.used)
        raise DisclosureError(
            f"disclosure {index} is not referenced by the issuer-signed JWT or by another "
            f"disclosure ({unused} unreferenced)"
        )
    return claims


class _Walk:
    """The state of one processing run: Disclosures by digest, digests seen, used."""

    __slots__ = ("by_digest", "max_depth", "origins", "seen", "used")

    def __init__(
        self, disclosures: Sequence[str], digest: Digester, limits: Limits, origins: Origins | None
    ) -> None:
        by_digest: dict[str, tuple[int, list[Any]]] = {}
        for index, text in enumerate(disclosures):
            if type(text) is not str or not text.isascii():
                raise DisclosureError(f"disclosure {index} is not base64url text")
            key = digest(text)
            if key in by_digest:
                raise DisclosureError(f"disclosure {index} is presented twice")
            by_digest[key] = (index, decode_disclosure(text, index, limits))
        self.by_digest = by_digest
        self.seen: set[str] = set()
        self.used: set[int] = set()
        self.max_depth = limits.max_depth
        self.origins = origins

    def value(self, value: Any, depth: int, path: tuple[str | int, ...]) -> Any:
        kind = type(value)
        if kind is dict:
            return self.object(value, depth + 1, path)
        if kind is list:
            return self.array(value, depth + 1, path)
        return value

    def reveal(self, index: int, value: Any, depth: int, where: tuple[str | int, ...]) -> Any:
        """The processed value of Disclosure ``index``, marked used (and recorded)."""
        self.used.add(index)
        if self.origins is not None:
            self.origins[where] = index
        return self.value(value, depth, where)

    def lookup(self, digest: object, where: str) -> tuple[int, list[Any]] | None:
        """The Disclosure a digest names (None: a decoy), refusing a repeated digest."""
        if type(digest) is not str:
            raise DisclosureError(f"{where} must hold digest strings")
        if digest in self.seen:
            raise DisclosureError(f"the digest {digest} appears more than once")
        self.seen.add(digest)
        return self.by_digest.get(digest)

    def object(
        self, obj: dict[str, Any], depth: int, path: tuple[str | int, ...]
    ) -> dict[str, Any]:
        if depth > self.max_depth:
            raise ExceededLimitError(f"claims nested deeper than {self.max_depth}")
        record = self.origins is not None
        result = {
            name: self.value(member, depth, (*path, name) if record else path)
            for name, member in obj.items()
            if name != "_sd"
        }
        digests = obj.get("_sd")
        if digests is None:
            return result
        if type(digests) is not list:
            raise DisclosureError("_sd must be an array of digest strings")
        for digest in digests:
            found = self.lookup(digest, "_sd")
            if found is None:
                continue
            index, items = found
            if len(items) != 3:
                raise DisclosureError(
                    f"disclosure {index} is an array element disclosure ([salt, value]) "
                    "but is referenced from an object's _sd"
                )
            name = items[1]
            if name in _RESERVED:
                raise DisclosureError(f"disclosure {index} must not name a claim {name!r}")
            if name in result:
                raise DisclosureError(
                    f"disclosure {index} names the claim {name!r}, which is already a claim "
                    "of that object"
                )
            result[name] = self.reveal(index, items[2], depth, (*path, name) if record else path)
        return result

    def array(self, array: list[Any], depth: int, path: tuple[str | int, ...]) -> list[Any]:
        if depth > self.max_depth:
            raise ExceededLimitError(f"claims nested deeper than {self.max_depth}")
        record = self.origins is not None
        result: list[Any] = []
        for element in array:
            if type(element) is not dict or "..." not in element:
                where = (*path, len(result)) if record else path
                result.append(self.value(element, depth, where))
                continue
            if len(element) != 1:
                raise DisclosureError("an array element with '...' must have no other member")
            found = self.lookup(element["..."], "'...'")
            if found is None:
                continue
            index, items = found
            if len(items) != 2:
                raise DisclosureError(
                    f"disclosure {index} is an object member disclosure ([salt, name, value]) "
                    "but is referenced from an array element"
                )
            where = (*path, len(result)) if record else path
            result.append(self.reveal(index, items[1], depth, where))
        return result
