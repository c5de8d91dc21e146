"""Reading a token WITHOUT verifying it: what ``jotkit inspect`` and the debugger show.

Every serialization is recognised: JWS compact and JSON (RFC 7515 sections 7.1, 7.2),
JWE compact and JSON (RFC 7516 sections 7.1, 7.2), and an SD-JWT (RFC 9901 section 4:
``<issuer-jwt>~<disclosure>~...~[<kb-jwt>]``), whose disclosures are decoded as the
base64url JSON arrays they are (section 4.2). Nothing here checks a signature: every
result says ``"verified": False``, and the caller must show it.

The decoding uses jotkit's strict codecs and limits (:data:`jotkit._limits.DEFAULT_LIMITS`:
a token of 256 kB at most, headers of 8 kB, JSON nested 32 deep, 16 signatures or
recipients), so hostile input raises a :class:`~jotkit.errors.JotkitError`, never
anything else. No clock is read but :func:`jotkit._time.now`.

The result is a plain dict of JSON values with stable keys (the debugger relies on them):

``kind``
    ``"JWS compact"``, ``"JWS JSON"``, ``"JWE compact"``, ``"JWE JSON"`` or ``"SD-JWT"``.
``verified``
    always False.
``header``
    the (protected) header; for a JWS JSON or JWE JSON, the first signature's or the
    shared protected header (all of them under ``signatures`` / ``recipients``).
``claims`` / ``payload``
    the payload as a JSON object (``claims``), or as text (``payload``) when it is not one;
    a JWE has neither unless decrypted with ``key=``.
``signature``
    the base64url signature (JWS), or None.
``times``
    for each of ``exp``, ``nbf``, ``iat``, ``auth_time`` present: ``value``, ``utc``,
    ``local`` (ISO 8601), ``relative`` ("expired 3 minutes ago", "valid for 14 more
    minutes") and ``state`` (``expired``, ``valid``, ``not_yet_valid``, ``past``,
    ``future`` or ``invalid``).
``jwe``
    for a JWE: the sizes of its parts, and when decrypted, ``plaintext`` or ``nested``
    (the inner token, inspected).
``sd_jwt``
    for an SD-JWT (compact, or JSON per section 8): ``disclosures`` (each
    ``disclosure``, ``salt``, ``name``, ``value`` and ``digest``), ``processed`` (the
    claims with the Disclosures applied, section 7.1, still unverified) or ``problem``
    (the rule processing breaks), and ``key_binding`` (the KB-JWT, inspected, or None).
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import Any

from .. import _json, _time
from .._b64 import b64decode
from .._limits import DEFAULT_LIMITS
from ..errors import DisclosureError, ExceededLimitError, JotkitError, MalformedError

__all__ = [
    "TIME_CLAIMS",
    "annotate_times",
    "describe_time",
    "humanize_seconds",
    "inspect_token",
    "split_token",
]

#: Claims holding a NumericDate that inspection annotates.
TIME_CLAIMS = ("exp", "nbf", "iat", "auth_time")

_LIMITS = DEFAULT_LIMITS


def _json_segment(segment: str, max_size: int) -> Any:
    return _json.loads(b64decode(segment), max_size=max_size, max_depth=_LIMITS.max_depth)


def _header(segment: str) -> dict[str, Any]:
    if not segment:
        raise MalformedError("the protected header is empty")
    try:
        header = _json_segment(segment, _LIMITS.max_header_size)
    except MalformedError as exc:
        raise MalformedError(f"the header is not base64url JSON ({exc.message})") from None
    if not isinstance(header, dict):
        raise MalformedError("the header is not a JSON object")
    return header


def _payload(raw: bytes, result: dict[str, Any]) -> None:
    """Put the payload in ``result`` as ``claims`` (a JSON object) or ``payload`` (text)."""
    try:
        value = _json.loads(raw, max_size=_LIMITS.max_payload_size, max_depth=_LIMITS.max_depth)
    except MalformedError:
        value = None
    if isinstance(value, dict):
        result["claims"] = value
        return
    try:
        result["payload"] = raw.decode("utf-8")
    except UnicodeDecodeError:
        result["payload"] = f"(binary, {len(raw)} bytes)"


def split_token(text: str | bytes) -> str:
    """Return ``text`` as one token string: stripped of surrounding whitespace, size-checked.

    Raises:
        MalformedError: not text, or empty.
        ExceededLimitError: over the token size limit.
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode("utf-8")
        except UnicodeDecodeError:
            raise MalformedError("a token is text; this input is not UTF-8") from None
    if not isinstance(text, str):
        raise MalformedError("a token is text")
    text = text.strip()
    if len(text) > _LIMITS.max_token_size:
        raise ExceededLimitError("the token is too large")
    if not text:
        raise MalformedError("the input is empty: no token")
    return text


def inspect_token(
    text: str | bytes, *, key: Any = None, now: float | None = None
) -> dict[str, Any]:
    """Decode any JOSE token for display, WITHOUT verifying it (``verified`` is False).

    Args:
        text: a JWS or JWE, compact or JSON, or an SD-JWT; surrounding whitespace ignored.
        key: when given, a JWE is decrypted with it (any key source; the token's own
            ``alg``/``enc`` are allowed, since nothing is accepted, only shown).
        now: the time relative phrases refer to (default: :func:`jotkit._time.now`).

    Raises:
        MalformedError, ExceededLimitError: not a token; JotkitError: decryption failed.
    """
    token = split_token(text)
    at = _time.now() if now is None else now
    if token[:1] == "{":
        result = _inspect_json(token)
        if "disclosures" in result.get("signatures", [{}])[0].get("header", {}):
            result = _inspect_sd_jwt(token, at)
    elif "~" in token:
        result = _inspect_sd_jwt(token, at)
    else:
        result = _inspect_compact(token)
    if key is not None and result["kind"].startswith("JWE"):
        _decrypt_into(result, token, key, at)
    result["times"] = annotate_times(result.get("claims"), at)
    return result


def _base(kind: str) -> dict[str, Any]:
    return {"kind": kind, "verified": False, "signature": None}


def _inspect_compact(token: str) -> dict[str, Any]:
    parts = token.split(".")
    if len(parts) == 3:
        result = _base("JWS compact")
        result["header"] = header = _header(parts[0])
        if header.get("b64", True) is False:
            result["payload"] = parts[1]
        else:
            _payload(b64decode(parts[1]), result)
        b64decode(parts[2])  # strict base64url, or MalformedError
        result["signature"] = parts[2]
        return result
    if len(parts) == 5:
        result = _base("JWE compact")
        result["header"] = _header(parts[0])
        result["jwe"] = {
            "encrypted_key_bytes": len(b64decode(parts[1])),
            "iv_bytes": len(b64decode(parts[2])),
            "ciphertext_bytes": len(b64decode(parts[3])),
            "tag_bytes": len(b64decode(parts[4])),
        }
        return result
    raise MalformedError(
        f"not a JOSE token: {len(parts)} dot-separated parts (a JWS has 3, a JWE 5)"
    )


def _object(value: Any, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise MalformedError(f"{what} is not a JSON object")
    return value


def _inspect_json(token: str) -> dict[str, Any]:
    doc = _object(
        _json.loads(token, max_size=_LIMITS.max_token_size, max_depth=_LIMITS.max_depth),
        "the JSON serialization",
    )
    if "ciphertext" in doc:
        return _inspect_jwe_json(doc)
    if "payload" not in doc:
        raise MalformedError("a JSON serialization needs 'payload' (JWS) or 'ciphertext' (JWE)")
    result = _base("JWS JSON")
    entries = doc.get("signatures", [doc])
    if not isinstance(entries, list) or not entries:
        raise MalformedError("'signatures' must be a non-empty array")
    if len(entries) > _LIMITS.max_signatures:
        raise ExceededLimitError("too many signatures")
    signatures: list[dict[str, Any]] = []
    for entry in entries:
        entry = _object(entry, "a signature entry")
        protected = _header(entry["protected"]) if "protected" in entry else {}
        unprotected = _object(entry.get("header", {}), "an unprotected header")
        signature = entry.get("signature")
        if not isinstance(signature, str):
            raise MalformedError("a signature entry needs a 'signature' string")
        b64decode(signature)
        signatures.append({"protected": protected, "header": unprotected, "signature": signature})
    result["header"] = {**signatures[0]["header"], **signatures[0]["protected"]}
    result["signature"] = signatures[0]["signature"]
    result["signatures"] = signatures
    payload = doc["payload"]
    if not isinstance(payload, str):
        raise MalformedError("'payload' must be a string")
    if result["header"].get("b64", True) is False:
        result["payload"] = payload
    else:
        _payload(b64decode(payload), result)
    return result


def _inspect_jwe_json(doc: dict[str, Any]) -> dict[str, Any]:
    result = _base("JWE JSON")
    protected = _header(doc["protected"]) if "protected" in doc else {}
    shared = _object(doc.get("unprotected", {}), "'unprotected'")
    recipients = doc.get("recipients", [doc])
    if not isinstance(recipients, list) or not recipients:
        raise MalformedError("'recipients' must be a non-empty array")
    if len(recipients) > _LIMITS.max_signatures:
        raise ExceededLimitError("too many recipients")
    result["header"] = {**shared, **protected}
    result["protected"] = protected
    result["recipients"] = [
        _object(_object(r, "a recipient").get("header", {}), "a recipient header")
        for r in recipients
    ]
    ciphertext = doc["ciphertext"]
    if not isinstance(ciphertext, str):
        raise MalformedError("'ciphertext' must be a string")
    result["jwe"] = {"ciphertext_bytes": len(b64decode(ciphertext))}
    return result


def _inspect_sd_jwt(token: str, at: float) -> dict[str, Any]:
    # The SD-JWT layer's own parser and Disclosure decoder (deferred: a plain inspect
    # does not load it); a JSON serialization arrives here once its header says SD-JWT.
    from ..profiles.sd_jwt._format import parse

    parts = parse(token, _LIMITS)
    if parts.json is None:
        result = _inspect_compact(parts.jwt)
        if result["kind"] != "JWS compact":
            raise MalformedError("an SD-JWT starts with a compact JWS (the issuer-signed JWT)")
    else:
        result = _inspect_json(token)
    result["kind"] = "SD-JWT"
    key_binding = None
    if parts.kb_jwt is not None:
        key_binding = _inspect_compact(parts.kb_jwt)
        key_binding["times"] = annotate_times(key_binding.get("claims"), at)
    result["sd_jwt"] = {"key_binding": key_binding, **_disclosed(parts, result.get("claims"))}
    return result


def _disclosed(parts: Any, payload: Any) -> dict[str, Any]:
    """Each Disclosure decoded with its digest, and the claims they give (RFC 9901
    section 7.1, unverified), or the rule that processing breaks."""
    from ..profiles.sd_jwt._disclosure import DEFAULT_SD_ALG, decode_disclosure, hash_for
    from ..profiles.sd_jwt._process import process

    sd_alg = payload.get("_sd_alg", DEFAULT_SD_ALG) if isinstance(payload, dict) else None
    try:
        digest = hash_for(sd_alg)
    except DisclosureError:
        digest = None
    disclosures = []
    for index, text in enumerate(parts.disclosures):
        items = decode_disclosure(text, index, _LIMITS)
        name = items[1] if len(items) == 3 else None
        shown = {"disclosure": text, "salt": items[0], "name": name, "value": items[-1]}
        shown["digest"] = digest(text) if digest is not None else None
        disclosures.append(shown)
    found: dict[str, Any] = {"disclosures": disclosures, "processed": None, "problem": None}
    if digest is None or not isinstance(payload, dict):
        found["problem"] = f"_sd_alg {sd_alg!r} is not understood"
        return found
    try:
        found["processed"] = process(payload, parts.disclosures, digest, _LIMITS)
    except JotkitError as exc:
        found["problem"] = exc.message
    return found


def _decrypt_into(result: dict[str, Any], token: str, key: Any, at: float) -> None:
    from .. import jwe  # deferred: JWE stays out of a plain inspect

    header = result["header"]
    algs = [header.get("alg"), *(r.get("alg") for r in result.get("recipients", []))]
    names = [a for a in algs if isinstance(a, str)]
    enc = header.get("enc")
    if not names or not isinstance(enc, str):
        raise MalformedError("the JWE header has no 'alg' or 'enc'")
    if result["kind"] == "JWE compact":
        done = jwe.decrypt_compact(token, key, algorithms=names, encryptions=[enc])
    else:
        done = jwe.decrypt_json(token, key, algorithms=names, encryptions=[enc])
    plaintext = done.plaintext
    info = result["jwe"]
    info["decrypted"] = True
    try:
        inner = plaintext.decode("ascii")
        nested = inspect_token(inner, now=at) if inner.count(".") == 2 else None
    except (UnicodeDecodeError, JotkitError):
        nested = None
    if nested is not None:
        info["nested"] = nested
        return
    _payload(plaintext, result)
    info["plaintext"] = result.pop("payload", None)


# ------------------------------------------------------------------------- times


def humanize_seconds(seconds: float) -> str:
    """``90`` -> ``"2 minutes"``: the largest unit, rounded (seconds, minutes, hours, days)."""
    seconds = abs(seconds)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = round(seconds / size)
            return f"{count} {unit}{'s' if count != 1 else ''}"
    count = round(seconds)
    return f"{count} second{'s' if count != 1 else ''}"


def _phrase(name: str, delta: float) -> tuple[str, str]:
    """(state, relative phrase) for claim ``name`` at ``delta`` = value - now seconds."""
    span = humanize_seconds(delta)
    future = delta > 0
    if name == "exp":
        if future:
            count, _, unit = span.partition(" ")
            return "valid", f"valid for {count} more {unit}"
        return "expired", f"expired {span} ago"
    if name == "nbf":
        if future:
            return "not_yet_valid", f"not valid yet: valid in {span}"
        return "valid", f"valid since {span} ago"
    if name == "iat":
        return (
            ("future", f"issued in the future ({span} from now)")
            if future
            else (
                "past",
                f"issued {span} ago",
            )
        )
    return ("future", f"in {span}") if future else ("past", f"{span} ago")


def describe_time(name: str, value: Any, now: float) -> dict[str, Any]:
    """Annotate one NumericDate claim: absolute (UTC and local) and relative to ``now``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return {"value": value, "state": "invalid", "relative": "not a NumericDate (a number)"}
    try:
        moment = _dt.datetime.fromtimestamp(value, tz=_dt.timezone.utc)
    except (OverflowError, OSError, ValueError):
        return {"value": value, "state": "invalid", "relative": "out of range"}
    state, relative = _phrase(name, value - now)
    return {
        "value": value,
        "utc": moment.isoformat().replace("+00:00", "Z"),
        "local": moment.astimezone().isoformat(),
        "relative": relative,
        "state": state,
    }


def annotate_times(claims: Mapping[str, Any] | None, now: float) -> dict[str, Any]:
    """``describe_time`` for each time claim present in ``claims``."""
    if not claims:
        return {}
    return {name: describe_time(name, claims[name], now) for name in TIME_CLAIMS if name in claims}
