"""The SD-JWT serializations: compact (RFC 9901 section 4) and JSON (section 8).

Compact: ``<Issuer-signed JWT>~<Disclosure 1>~...~<Disclosure N>~`` and, with key
binding, the KB-JWT after the last ``~``. JSON: a JWS JSON Serialization (flattened or
general) whose unprotected ``header`` carries ``disclosures`` and ``kb_jwt``; in the
general form only the first signature's header may carry them (section 8.1). Either
way the ``sd_hash`` input is ``<protected>.<payload>.<signature>~<Disclosures>~`` of
the (first) signature.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from ... import _json
from ..._frozen import Frozen
from ..._limits import Limits
from ...errors import DisclosureError, ExceededLimitError, MalformedError

__all__ = ["SDParts", "Serialization", "join_compact", "parse", "to_json"]

Serialization = Literal["compact", "flattened", "general"]


class SDParts(Frozen):
    """An SD-JWT or presentation taken apart (nothing verified yet).

    Attributes:
        jwt: the Issuer-signed JWT in compact form (of the first signature for JSON).
        disclosures: the Disclosures, in order.
        kb_jwt: the Key Binding JWT, or None.
        json: the JWS JSON object without ``disclosures``/``kb_jwt`` (None: compact).
        serialization: which serialization the input was.
    """

    jwt: str
    disclosures: tuple[str, ...]
    kb_jwt: str | None
    json: dict[str, Any] | None
    serialization: Serialization
    __slots__ = ("disclosures", "json", "jwt", "kb_jwt", "serialization")

    def hash_input(self) -> str:
        """What ``sd_hash`` covers: the JWT and each Disclosure, each followed by ``~``."""
        return "~".join((self.jwt, *self.disclosures, ""))


def join_compact(jwt: str, disclosures: tuple[str, ...] | list[str], kb_jwt: str | None) -> str:
    """The compact serialization of the parts."""
    return "~".join((jwt, *disclosures, kb_jwt or ""))


def parse(value: object, limits: Limits) -> SDParts:
    """Take an SD-JWT (or SD-JWT+KB) apart, compact or JSON.

    Raises:
        MalformedError, DisclosureError, ExceededLimitError: not an SD-JWT.
    """
    if isinstance(value, Mapping):
        return _parse_json(dict(value), limits)
    if isinstance(value, bytes | bytearray):
        try:
            value = bytes(value).decode("ascii")
        except UnicodeDecodeError:
            raise MalformedError("an SD-JWT is ASCII text") from None
    if not isinstance(value, str):
        raise MalformedError(f"an SD-JWT is a str, not {type(value).__name__}")
    if len(value) > limits.max_token_size:
        raise ExceededLimitError("the SD-JWT is too large")
    if value[:1] == "{":
        obj = _json.loads(
            value, max_size=limits.max_token_size, max_depth=limits.max_depth, error=MalformedError
        )
        if type(obj) is not dict:
            raise MalformedError("a JSON SD-JWT is an object")
        return _parse_json(obj, limits)
    parts = value.split("~")
    if len(parts) < 2:
        raise MalformedError("an SD-JWT has a '~' after the issuer-signed JWT")
    disclosures = tuple(parts[1:-1])
    if len(disclosures) > limits.max_disclosures:
        raise ExceededLimitError(f"more than {limits.max_disclosures} disclosures")
    for index, text in enumerate(disclosures):
        if not text:
            raise DisclosureError(f"disclosure {index} is empty ('~~')")
    return SDParts(parts[0], disclosures, parts[-1] or None, None, "compact")


def _parse_json(obj: dict[str, Any], limits: Limits) -> SDParts:
    """The parts of a JSON serialization (section 8.1)."""
    if "signatures" in obj:
        signatures = obj["signatures"]
        if type(signatures) is not list or not signatures or type(signatures[0]) is not dict:
            raise MalformedError("'signatures' must be a non-empty array of objects")
        entries = [dict(entry) if type(entry) is dict else entry for entry in signatures]
        for entry in entries[1:]:
            header = entry.get("header") if type(entry) is dict else None
            if type(header) is dict and ("disclosures" in header or "kb_jwt" in header):
                raise DisclosureError(
                    "only the first signature's header may carry disclosures and kb_jwt"
                )
        first = entries[0]
        stripped = {**obj, "signatures": entries}
        serialization: Serialization = "general"
    else:
        first = stripped = dict(obj)
        serialization = "flattened"
    header = first.get("header")
    disclosures: Any = []
    kb_jwt = None
    if header is not None:
        if type(header) is not dict:
            raise MalformedError("the unprotected 'header' must be an object")
        rest = dict(header)
        disclosures = rest.pop("disclosures", [])
        kb_jwt = rest.pop("kb_jwt", None)
        if rest:
            first["header"] = rest
        else:
            del first["header"]
    if type(disclosures) is not list:
        raise DisclosureError("'disclosures' must be an array of strings")
    if len(disclosures) > limits.max_disclosures:
        raise ExceededLimitError(f"more than {limits.max_disclosures} disclosures")
    for index, text in enumerate(disclosures):
        if type(text) is not str or not text:
            raise DisclosureError(f"disclosure {index} is not a non-empty string")
    if kb_jwt is not None and (type(kb_jwt) is not str or not kb_jwt):
        raise MalformedError("'kb_jwt' must be a compact JWT")
    pieces = (first.get("protected"), obj.get("payload"), first.get("signature"))
    if not all(type(piece) is str for piece in pieces):
        raise MalformedError("'protected', 'payload' and 'signature' must be strings")
    jwt = ".".join(pieces)  # type: ignore[arg-type]
    return SDParts(jwt, tuple(disclosures), kb_jwt, stripped, serialization)


def to_json(
    parts: SDParts, serialization: Literal["flattened", "general"], kb_jwt: str | None
) -> dict[str, Any]:
    """The JSON serialization of ``parts`` (its own JSON kept for extra signatures).

    Raises:
        ValueError: general to flattened with more than one signature.
    """
    header: dict[str, Any] = {"disclosures": list(parts.disclosures)}
    if kb_jwt is not None:
        header["kb_jwt"] = kb_jwt
    if parts.json is not None and parts.serialization == "general":
        signatures = [dict(entry) for entry in parts.json["signatures"]]
    elif parts.json is not None:
        signatures = [{k: v for k, v in parts.json.items() if k != "payload"}]
    else:
        protected, _, signature = parts.jwt.split(".")
        signatures = [{"protected": protected, "signature": signature}]
    first = signatures[0]
    first["header"] = {**first.get("header", {}), **header}
    payload = parts.jwt.split(".")[1]
    if serialization == "general":
        return {"payload": payload, "signatures": signatures}
    if len(signatures) != 1:
        raise ValueError("an SD-JWT with several signatures has only the general serialization")
    return {"payload": payload, **first}
