"""Token lint: what RFC 8725 (JWT Best Current Practices) and jotkit's defaults warn about.

:func:`lint` reads a token WITHOUT trusting it (it uses :func:`inspect_token`) and returns
findings, each with a stable code, a severity (``high``, ``medium``, ``low``, ``info``), a
message and where it was found. ``jotkit lint`` prints them and the debugger shows the same
list. Codes never change meaning; new checks get new codes.

====== ======== ==================================================================
Code   Severity Finding
====== ======== ==================================================================
JK101  high     ``alg: none``: an unsecured token (RFC 8725 2.1, 3.1)
JK102  high     a claim that looks sensitive (password, secret, card or national-ID
                number, private key) in a token that is only signed: signed is not
                secret, anyone holding the token reads it (RFC 8725 3.6)
JK103  medium   no ``exp``: the token never expires (RFC 8725 3.10)
JK104  low      a lifetime (``exp`` - ``iat``, or ``exp`` - now) over the threshold
                (default 24 hours)
JK105  medium   no ``aud``: any service that trusts the issuer accepts it (RFC 8725 3.9)
JK106  medium   no ``iss``: the issuer cannot be validated (RFC 8725 3.8)
JK107  high     an HMAC secret (the key given) that is too short for the algorithm,
                or on a published list of example secrets (RFC 8725 3.5)
JK108  high     the signature does not verify with the key given
JK109  high     a ``jku`` or ``x5u`` header: a URL a verifier must never fetch keys
                from on the token's word (request forgery, attacker keys; DESIGN 3.3)
JK110  high     a ``jwk`` header: an embedded key a verifier must never trust
JK111  medium   an ``x5c`` header: to be trusted only through configured anchors
JK112  high     a ``kid`` with path characters (``/``, ``\\``, ``..``, NUL): a
                verifier that reads key files by ``kid`` is open to path traversal
JK113  high     a ``kid`` with SQL characters (quote, ``;``, ``--``, ``/*``): a
                verifier that looks keys up in SQL is open to injection
JK114  medium   a profile that needs explicit typing has the wrong or no ``typ``
                (RFC 9068 ``at+jwt``, RFC 9449 ``dpop+jwt``, OIDC back-channel
                ``logout+jwt``, SD-JWT ``dc+sd-jwt``; RFC 8725 3.11)
JK115  info     no ``typ`` at all (RFC 8725 3.11: explicit typing)
JK116  info     a JWE: its claims cannot be read without the key, only the header
                was checked
====== ======== ==================================================================

Findings of one kind are capped (:data:`MAX_FINDINGS_PER_CODE`), so that a hostile
token with thousands of suspicious claims yields a bounded list.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from .. import _time
from ..errors import InvalidKeyError, JotkitError
from ..jwk import Key
from .inspect import inspect_token, split_token

__all__ = [
    "CODES",
    "DEFAULT_MAX_LIFETIME",
    "MAX_FINDINGS_PER_CODE",
    "SEVERITIES",
    "Finding",
    "lint",
]

#: Severities, most serious first.
SEVERITIES = ("high", "medium", "low", "info")
#: The longest lifetime (seconds) that earns no JK104.
DEFAULT_MAX_LIFETIME = 24 * 3600
#: At most this many findings of one code are reported.
MAX_FINDINGS_PER_CODE = 20

#: code -> (severity, short title); the table in the module docstring.
CODES: dict[str, tuple[str, str]] = {
    "JK101": ("high", "unsecured token (alg none)"),
    "JK102": ("high", "sensitive-looking claim in a signed-only token"),
    "JK103": ("medium", "no exp"),
    "JK104": ("low", "long lifetime"),
    "JK105": ("medium", "no aud"),
    "JK106": ("medium", "no iss"),
    "JK107": ("high", "weak HMAC secret"),
    "JK108": ("high", "signature does not verify with the key given"),
    "JK109": ("high", "key URL header (jku/x5u)"),
    "JK110": ("high", "embedded key header (jwk)"),
    "JK111": ("medium", "certificate chain header (x5c)"),
    "JK112": ("high", "kid with path characters"),
    "JK113": ("high", "kid with SQL characters"),
    "JK114": ("medium", "profile needs explicit typ"),
    "JK115": ("info", "no typ"),
    "JK116": ("info", "encrypted token: claims not checked"),
}


@dataclass(frozen=True)
class Finding:
    """One lint finding: a stable ``code``, its ``severity``, a ``message``, and ``where``
    (``header.kid``, ``claims.password``, ``key``...)."""

    code: str
    severity: str
    message: str
    where: str

    def to_dict(self) -> dict[str, str]:
        """The finding as a JSON object (keys ``code``, ``severity``, ``message``, ``where``)."""
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "where": self.where,
        }


def _finding(code: str, message: str, where: str) -> Finding:
    return Finding(code, CODES[code][0], message, where)


# Claim names that hold secrets. Matched on the name with separators removed, lowercase.
_SENSITIVE_NAMES = re.compile(
    r"(pass(word|wd|phrase)?|pwd|secret|clientsecret|apikey|privatekey|accesskey|"
    r"creditcard|cardnumber|ccnumber|cvv|cvc|pin|iban|ssn|socialsecurity|nationalid|"
    r"taxid|passport|otp|seed|mnemonic)"
)
_SEPARATORS = re.compile(r"[-_ .]")
_PRIVATE_KEY_TEXT = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")
_DIGITS = re.compile(r"\d[\d -]{11,22}\d")
# A JWK's private members, in a nested object that has "kty".
_PRIVATE_JWK_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def _sensitive_value(value: str) -> str | None:
    if _PRIVATE_KEY_TEXT.search(value):
        return "a PEM private key"
    for match in _DIGITS.finditer(value):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            return "what looks like a payment card number"
    return None


def _walk(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """(where, why) for each sensitive-looking member under ``value``."""
    if isinstance(value, Mapping):
        if "kty" in value and any(m in value for m in _PRIVATE_JWK_MEMBERS):
            yield path, "a private or secret JWK"
        for name, member in value.items():
            where = f"{path}.{name}"
            if _SENSITIVE_NAMES.fullmatch(_SEPARATORS.sub("", str(name).lower())):
                yield where, f"a claim named {name!r}"
            else:
                yield from _walk(member, where)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _walk(item, f"{path}[{i}]")
    elif isinstance(value, str):
        why = _sensitive_value(value)
        if why is not None:
            yield path, why


def _claims_findings(claims: Mapping[str, Any], now: float, max_lifetime: float) -> list[Finding]:
    found = [
        _finding(
            "JK102",
            f"{why} in a token that is only signed: signed is not secret, anyone holding "
            "the token can read it (encrypt it, or leave it out)",
            where,
        )
        for where, why in _walk(claims, "claims")
    ]
    exp = claims.get("exp")
    if exp is None:
        found.append(_finding("JK103", "no exp: the token never expires", "claims.exp"))
    elif isinstance(exp, int | float) and not isinstance(exp, bool):
        iat = claims.get("iat")
        start = iat if isinstance(iat, int | float) and not isinstance(iat, bool) else now
        lifetime = exp - start
        if lifetime > max_lifetime:
            from .inspect import humanize_seconds

            since = "iat" if start is iat else "now"
            found.append(
                _finding(
                    "JK104",
                    f"lifetime of {humanize_seconds(lifetime)} (exp - {since}), over "
                    f"{humanize_seconds(max_lifetime)}: a stolen token stays useful that long",
                    "claims.exp",
                )
            )
    if "aud" not in claims:
        found.append(
            _finding("JK105", "no aud: any service trusting this issuer accepts it", "claims.aud")
        )
    if "iss" not in claims:
        found.append(_finding("JK106", "no iss: the issuer cannot be validated", "claims.iss"))
    return found


def _header_findings(header: Mapping[str, Any], where: str) -> list[Finding]:
    found = []
    alg = header.get("alg")
    if isinstance(alg, str) and alg.lower() == "none":
        found.append(_finding("JK101", "alg none: the token is not signed at all", f"{where}.alg"))
    found.extend(
        _finding(
            "JK109",
            f"{name} header: a verifier must never fetch keys from a URL the token "
            "names (SSRF, attacker keys)",
            f"{where}.{name}",
        )
        for name in ("jku", "x5u")
        if name in header
    )
    if "jwk" in header:
        found.append(
            _finding(
                "JK110",
                "jwk header: a key embedded in the token proves nothing; never verify with it",
                f"{where}.jwk",
            )
        )
    if "x5c" in header:
        found.append(
            _finding(
                "JK111",
                "x5c header: trust the chain only if it validates against configured anchors",
                f"{where}.x5c",
            )
        )
    kid = header.get("kid")
    if isinstance(kid, str):
        if "/" in kid or "\\" in kid or ".." in kid or "\x00" in kid:
            found.append(
                _finding(
                    "JK112",
                    "kid contains path characters: a verifier that reads key files by kid "
                    "is open to path traversal",
                    f"{where}.kid",
                )
            )
        if any(s in kid for s in ("'", '"', ";", "--", "/*", "*/")):
            found.append(
                _finding(
                    "JK113",
                    "kid contains SQL characters: a verifier that looks keys up in SQL by "
                    "kid is open to injection",
                    f"{where}.kid",
                )
            )
    return found


def _media(typ: Any) -> str | None:
    if not isinstance(typ, str):
        return None
    return typ.lower().removeprefix("application/")


def _profile(claims: Mapping[str, Any], kind: str) -> tuple[str, tuple[str, ...]] | None:
    """(profile, the typ values it needs) when the claims look like a typed profile."""
    if kind == "SD-JWT" or "_sd" in claims or "_sd_alg" in claims:
        return "an SD-JWT", ("dc+sd-jwt", "vc+sd-jwt", "example+sd-jwt")
    if "htm" in claims and "htu" in claims:
        return "a DPoP proof (RFC 9449)", ("dpop+jwt",)
    events = claims.get("events")
    if isinstance(events, Mapping) and any("backchannel-logout" in str(e) for e in events):
        return "an OIDC logout token", ("logout+jwt",)
    if "client_id" in claims and ("scope" in claims or "jti" in claims) and "sub" in claims:
        return "an OAuth access token (RFC 9068)", ("at+jwt",)
    return None


def _typ_findings(header: Mapping[str, Any], claims: Mapping[str, Any], kind: str) -> list[Finding]:
    typ = _media(header.get("typ"))
    profile = _profile(claims, kind)
    if profile is not None:
        name, wanted = profile
        if typ not in wanted:
            shown = "no typ" if typ is None else f"typ {header.get('typ')!r}"
            return [
                _finding(
                    "JK114",
                    f"this looks like {name}, which needs typ {' or '.join(wanted)}; it has "
                    f"{shown}, so it can be confused with another kind of token",
                    "header.typ",
                )
            ]
        return []
    if "typ" not in header:
        return [_finding("JK115", "no typ: explicit typing keeps token kinds apart", "header.typ")]
    return []


def _key_findings(token: str, header: Mapping[str, Any], key: Key | bytes) -> list[Finding]:
    alg = header.get("alg")
    if not isinstance(key, Key):
        try:
            key = Key.from_secret(key)
        except InvalidKeyError as exc:
            return [_finding("JK107", f"the secret is refused: {exc.message}", "key")]
    if not isinstance(alg, str) or alg.lower() == "none":
        return []
    from .. import jwa

    descriptor = jwa.JWS_ALGORITHMS.get(alg)
    if descriptor is None:
        return []
    if key.kty == "oct" and descriptor.requirement.min_bits > key.size:
        return [
            _finding(
                "JK107",
                f"{alg} needs a secret of at least {descriptor.requirement.min_bits} bits; "
                f"this one has {key.size}: it can be brute-forced offline from one token",
                "key",
            )
        ]
    problem = key.problem("verify", descriptor)
    if problem is not None:
        return [_finding("JK108", f"the key cannot verify this token: {problem}", "key")]
    from .. import jws

    try:
        jws.verify_compact(token, key, algorithms=[alg])
    except JotkitError as exc:
        return [_finding("JK108", f"the signature does not verify with this key ({exc})", "key")]
    return []


def _capped(findings: list[Finding]) -> list[Finding]:
    counts: dict[str, int] = {}
    kept = []
    for finding in findings:
        counts[finding.code] = counts.get(finding.code, 0) + 1
        if counts[finding.code] <= MAX_FINDINGS_PER_CODE:
            kept.append(finding)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    return sorted(kept, key=lambda f: (order[f.severity], f.code))


def lint(
    token: str | bytes,
    key: Key | bytes | None = None,
    *,
    max_lifetime: float = DEFAULT_MAX_LIFETIME,
    now: float | None = None,
) -> list[Finding]:
    """Lint ``token``; return its findings, most serious first (the table above).

    Args:
        token: any JOSE token (JWS, JWE, SD-JWT), not trusted.
        key: the verification key, or an HMAC secret as bytes: enables JK107 and JK108.
        max_lifetime: the lifetime in seconds beyond which JK104 is reported.
        now: the time to compare against (default: :func:`jotkit._time.now`).

    Raises:
        MalformedError, ExceededLimitError: ``token`` is not a token at all.
    """
    at = _time.now() if now is None else now
    text = split_token(token)
    info = inspect_token(text, now=at)
    header: Mapping[str, Any] = info["header"]
    kind: str = info["kind"]
    findings = _header_findings(header, "header")
    for i, entry in enumerate(info.get("signatures", [])[1:], start=1):
        findings += _header_findings({**entry["header"], **entry["protected"]}, f"signatures[{i}]")
    if kind.startswith("JWE"):
        findings.append(_finding("JK116", "encrypted: only the header was checked", "payload"))
        return _capped(findings)
    claims = info.get("claims")
    if isinstance(claims, Mapping):
        disclosed = {
            d["name"]: d["value"]
            for d in info.get("sd_jwt", {}).get("disclosures", [])
            if d["name"] is not None
        }
        # Disclosed claims travel with the token in the clear, exactly like the others.
        findings += _claims_findings({**claims, **disclosed}, at, max_lifetime)
        findings += _typ_findings(header, claims, kind)
    if key is not None and kind == "JWS compact":
        findings += _key_findings(text, header, key)
    elif key is not None and kind == "SD-JWT":
        findings += _key_findings(text.split("~")[0], header, key)
    return _capped(findings)
