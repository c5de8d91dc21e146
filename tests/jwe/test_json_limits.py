"""Unprotected headers of the JSON serializations are capped like protected ones (issue 9).

``jwe.decrypt_json`` ignored ``max_header_size`` and ``max_depth`` for the shared
``unprotected`` header and the per-recipient ``header``s, which ``jws.verify_json``
enforced. Both now go through one check (``_json.check_parsed``), on the JSON text and on
an object the caller parsed alike. JWS cases run beside the JWE ones, so the two cannot
drift apart again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from jotkit import Key, _json, jwe, jws
from jotkit._limits import Limits
from jotkit.errors import ExceededLimitError

KEY = Key.from_secret(b"k" * 32, kid="k")
AES = Key.generate("A128KW", kid="aes")
HUGE = "x" * 100_000


def _nested(depth: int) -> Any:
    """A JSON value ``depth`` levels deep (an object of objects of ... an empty list)."""
    value: Any = []
    for _ in range(depth - 1):
        value = {"n": value}
    return value


def _jwe(place: str, member: Any) -> dict[str, Any]:
    """A JWE JSON object for AES whose ``place`` header carries ``extra: member``."""
    recipient = jwe.Recipient(AES, "A128KW", header={"extra": member} if place == "header" else {})
    shared = {"extra": member} if place == "unprotected" else None
    return jwe.encrypt_json(b"hello", [recipient], enc="A128GCM", unprotected=shared)


def _jws(place: str, member: Any) -> dict[str, Any]:
    """A JWS JSON object whose unprotected ``header`` carries ``extra: member``."""
    return jws.sign_json(b"hello", [jws.Signer(KEY, "HS256", unprotected={"extra": member})])


def _decrypt(obj: Any, limits: Limits) -> bytes:
    return jwe.decrypt_json(
        obj, AES, algorithms=["A128KW"], encryptions=["A128GCM"], limits=limits
    ).plaintext


def _verify(obj: Any, limits: Limits) -> bytes:
    return jws.verify_json(obj, KEY, algorithms=["HS256"], limits=limits).payload


Build = Callable[[str, Any], dict[str, Any]]
Open = Callable[[Any, Limits], bytes]
#: (id, builder, opener, header place): every unprotected header of both serializations.
PLACES: list[tuple[str, Build, Open, str]] = [
    ("jwe-unprotected", _jwe, _decrypt, "unprotected"),
    ("jwe-recipient-header", _jwe, _decrypt, "header"),
    ("jws-header", _jws, _verify, "header"),
]
CASES = pytest.mark.parametrize(
    ("build", "open_", "place"),
    [case[1:] for case in PLACES],
    ids=[case[0] for case in PLACES],
)
FORMS = pytest.mark.parametrize("as_text", [True, False], ids=["text", "parsed-object"])


def _form(obj: dict[str, Any], as_text: bool) -> Any:
    return json.dumps(obj) if as_text else obj


def _header_of(obj: dict[str, Any], place: str) -> dict[str, Any]:
    if place == "unprotected":
        return dict(obj["unprotected"])
    entries = obj.get("recipients") or obj.get("signatures") or [obj]
    return dict(entries[0]["header"])


class TestUnprotectedHeaderLimits:
    """The issue's cases, for every unprotected header, as text and as a parsed object."""

    @CASES
    @FORMS
    def test_100_kb_header_refused(
        self, build: Build, open_: Open, place: str, as_text: bool
    ) -> None:
        """A 100 kB unprotected header is over the default 8 kB header limit."""
        with pytest.raises(ExceededLimitError):
            open_(_form(build(place, HUGE), as_text), Limits())

    @CASES
    @FORMS
    def test_nine_deep_refused(self, build: Build, open_: Open, place: str, as_text: bool) -> None:
        """A header nested nine deep is refused under Limits(max_depth=4)."""
        obj = _form(build(place, _nested(9)), as_text)
        with pytest.raises(ExceededLimitError):
            open_(obj, Limits(max_depth=4))
        assert open_(obj, Limits()) == b"hello"

    @CASES
    def test_size_boundary(self, build: Build, open_: Open, place: str) -> None:
        """A header of exactly max_header_size bytes (compact JSON) passes; one less refuses."""
        obj = build(place, "y" * 500)
        size = len(_json.dumps(_header_of(obj, place)))
        assert open_(obj, Limits(max_header_size=size)) == b"hello"
        with pytest.raises(ExceededLimitError, match="too large"):
            open_(obj, Limits(max_header_size=size - 1))

    @CASES
    def test_depth_boundary(self, build: Build, open_: Open, place: str) -> None:
        """In a parsed object the header's own depth counts: 1 + the member's depth."""
        obj = build(place, _nested(3))  # the header is four deep
        assert open_(obj, Limits(max_depth=4)) == b"hello"
        with pytest.raises(ExceededLimitError, match="deep"):
            open_(obj, Limits(max_depth=3))

    @CASES
    def test_non_ascii_measured_in_bytes(self, build: Build, open_: Open, place: str) -> None:
        """The size is UTF-8 bytes, not characters: 3,000 'é' are 6,000 bytes."""
        obj = build(place, "é" * 3000)
        with pytest.raises(ExceededLimitError):
            open_(obj, Limits(max_header_size=5000))
        assert open_(obj, Limits(max_header_size=7000)) == b"hello"


class TestDocumentDepth:
    """The JSON text as a whole is parsed under ``max_depth``, as for JWS."""

    def test_deep_member_outside_the_headers(self) -> None:
        """A deep unknown member of the JWE text is refused before anything is read."""
        obj = _jwe("unprotected", "v")
        obj["ignored"] = _nested(9)
        text = json.dumps(obj)
        with pytest.raises(ExceededLimitError):
            _decrypt(text, Limits(max_depth=4))
        assert _decrypt(text, Limits()) == b"hello"

    def test_second_recipient_checked(self) -> None:
        """Every recipient's header is capped, not only the one that decrypts."""
        obj = jwe.encrypt_json(
            b"hello",
            [jwe.Recipient(AES, "A128KW"), jwe.Recipient(Key.generate("A128KW"), "A128KW")],
            enc="A128GCM",
        )
        obj["recipients"][1]["header"]["extra"] = HUGE
        with pytest.raises(ExceededLimitError):
            _decrypt(obj, Limits())
