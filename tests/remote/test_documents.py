"""The sans-I/O document checks: hostile bodies raise FetchError, never anything else."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jotkit.remote._discovery import _validate
from jotkit.remote._document import (
    FetchError,
    check_response,
    check_url,
    max_age_of,
    parse_jwks,
)

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


class TestDocuments:
    """Parsing and checking what a provider sends."""

    @given(st.binary(max_size=300))
    def test_any_body_is_a_key_set_or_fetch_error(self, body: bytes) -> None:
        """Arbitrary bytes: a KeySet or FetchError."""
        with contextlib.suppress(FetchError):
            parse_jwks(body, "https://x")

    @given(st.dictionaries(st.sampled_from(["keys", "kty", "x"]), JSON, max_size=3))
    def test_any_json_is_a_key_set_or_fetch_error(self, document: dict[str, Any]) -> None:
        """Arbitrary JSON objects, keys lists of junk included."""
        try:
            keys = parse_jwks(json.dumps(document).encode(), "https://x")
        except FetchError:
            return
        assert len(keys) + len(keys.skipped) == len(document["keys"])

    @given(st.dictionaries(st.sampled_from(["issuer", "jwks_uri", "response_types_supported",
                                            "subject_types_supported", "x_values_supported"]),
                           JSON, max_size=5))  # fmt: skip
    def test_any_metadata_is_valid_or_fetch_error(self, document: dict[str, Any]) -> None:
        """Arbitrary metadata: a jwks_uri or FetchError, never a crash."""
        with contextlib.suppress(FetchError):
            _validate(
                document, "https://idp", "https://idp/.well-known/openid-configuration", False
            )

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("max-age=300", 300.0), ("public, max-age=60, must-revalidate", 60.0),
         ('max-age="120"', 120.0), ("max-age=-5", None), ("max-age=1e9", None),
         ("no-cache", 0.0), ("private", None), ("", None), ("max-age=" + "9" * 20, None)],
    )  # fmt: skip
    def test_cache_control(self, value: str, expected: float | None) -> None:
        """max-age digits only; no-cache and no-store are 0 (the lower bound applies)."""
        assert max_age_of({"cache-control": value}) == expected

    @pytest.mark.parametrize(
        ("status", "content_type", "ok"),
        [(200, "application/json", True), (200, "application/jwk-set+json; charset=utf-8", True),
         (200, "Application/JSON", True), (200, "text/plain", False), (200, "", False),
         (301, "application/json", False), (204, "application/json", False)],
    )  # fmt: skip
    def test_response_checks(self, status: int, content_type: str, ok: bool) -> None:
        """Only a 200 of an accepted media type passes."""
        headers = {"content-type": content_type}
        types = frozenset(("application/json", "application/jwk-set+json"))
        if ok:
            check_response(status, headers, types)
        else:
            with pytest.raises(FetchError):
                check_response(status, headers, types)

    @pytest.mark.parametrize(
        "url", ["ftp://x/jwks", "https:///jwks", "https://x/jwks#frag", "//x/jwks", "file:///etc"]
    )
    def test_urls_refused(self, url: str) -> None:
        """Only absolute https URLs with a host and no fragment."""
        with pytest.raises(ValueError, match="url"):
            check_url(url, allow_http=False)
        with pytest.raises(TypeError):
            check_url(b"https://x", allow_http=False)
