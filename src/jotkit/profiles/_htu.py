"""The ``htu`` comparison of RFC 9449 section 4.3 (step 9): URIs normalised per RFC 3986
sections 6.2.2 (syntax-based) and 6.2.3 (scheme-based), query and fragment ignored.

Normalised: the scheme and host to lower case; percent-encodings of unreserved
characters decoded and the hex digits of the others in upper case; dot segments
removed (section 5.2.4); an empty path as ``/``; the scheme's default port removed.
Only ``http`` and ``https`` URIs with a host are accepted; anything that does not parse
is refused, never compared loosely.
"""

from __future__ import annotations

import re

__all__ = ["normalize_htu"]

_DEFAULT_PORTS = {"http": "80", "https": "443"}
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ESCAPE = re.compile(r"%(.?.?)")
_HEX = frozenset("0123456789abcdefABCDEF")
# scheme "://" authority path; the query and fragment are cut off before this.
_URI = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/]*)(.*)", re.DOTALL)
_PORT = re.compile(r"[0-9]*")
# Characters never valid in a URI (controls, space, and the RFC 3986 excluded set).
_INVALID = re.compile(r'[\x00-\x20\x7f"<>\\^`{|}]')


def normalize_htu(uri: str) -> str | None:
    """The normal form of an absolute http(s) URI without query and fragment, or None.

    None means "not a URI a proof may name": not http(s), no host, a bad port or
    percent-encoding, characters invalid in a URI.
    """
    if not isinstance(uri, str) or _INVALID.search(uri):
        return None
    # Query and fragment are not part of htu (RFC 9449 4.2): cut at the first of them.
    for mark in ("#", "?"):
        uri = uri.split(mark, 1)[0]
    match = _URI.fullmatch(uri)
    if match is None:
        return None
    scheme, authority, path = match.groups()
    scheme = scheme.lower()
    default_port = _DEFAULT_PORTS.get(scheme)
    if default_port is None:
        return None
    authority = _authority(authority, default_port)
    if authority is None:
        return None
    path = _escapes(path)
    if path is None:
        return None
    return f"{scheme}://{authority}{_remove_dot_segments(path) or '/'}"


def _authority(authority: str, default_port: str) -> str | None:
    userinfo, at, hostport = authority.rpartition("@")
    if at:
        fixed = _escapes(userinfo)
        if fixed is None:
            return None
        userinfo = fixed + "@"
    if hostport.startswith("["):  # an IP literal: the port follows the bracket
        end = hostport.find("]")
        if end < 0:
            return None
        host, rest = hostport[: end + 1], hostport[end + 1 :]
        if rest and not rest.startswith(":"):
            return None
        port = rest[1:] if rest else ""
        has_port = bool(rest)
    else:
        host, colon, port = hostport.partition(":")
        has_port = bool(colon)
    if ":" in port or not _PORT.fullmatch(port):
        return None
    fixed_host = _escapes(host)
    if not fixed_host:
        return None
    host = fixed_host.lower()
    if has_port and port:
        port = port.lstrip("0") or "0"
    suffix = "" if not port or port == default_port else f":{port}"
    return f"{userinfo}{host}{suffix}"


def _escapes(text: str) -> str | None:
    """Decode percent-encoded unreserved characters, upper-case the other escapes."""
    if "%" not in text:
        return text
    valid = True

    def fix(match: re.Match[str]) -> str:
        nonlocal valid
        hexpair = match.group(1)
        if len(hexpair) != 2 or not set(hexpair) <= _HEX:
            valid = False
            return ""
        char = chr(int(hexpair, 16))
        return char if char in _UNRESERVED else "%" + hexpair.upper()

    fixed = _ESCAPE.sub(fix, text)
    return fixed if valid else None


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4, over whole segments."""
    output: list[str] = []
    segments = path.split("/")
    # A leading "/" gives an empty first segment; a trailing "." or ".." keeps a "/".
    for i, segment in enumerate(segments):
        last = i == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result
