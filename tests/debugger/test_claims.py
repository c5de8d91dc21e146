"""Human times and claim explanations, at a fixed time."""

from __future__ import annotations

import pytest

from jotkit.debugger._claims import CLAIMS, HEADERS, describe, human_time

NOW = 1_700_000_000.0


class TestHumanTime:
    """Relative phrases and statuses for NumericDate claims."""

    @pytest.mark.parametrize(
        ("name", "offset", "relative", "status"),
        [
            ("exp", 14 * 60 + 5, "valid for 14 minutes", "ok"),
            ("exp", -3 * 60, "expired 3 minutes ago", "expired"),
            ("exp", 0, "expired 0 seconds ago", "expired"),
            ("exp", 1, "valid for 1 second", "ok"),
            ("nbf", 7200, "not valid for another 2 hours", "not_yet_valid"),
            ("nbf", -86400, "1 day ago", "ok"),
            ("iat", -45, "45 seconds ago", "ok"),
            ("iat", 3600, "in 1 hour", "future"),
            ("auth_time", -2 * 86400, "2 days ago", "ok"),
        ],
    )
    def test_phrases(self, name: str, offset: int, relative: str, status: str) -> None:
        """Each phrase names the largest readable unit."""
        shown = human_time(name, NOW + offset, NOW)
        assert shown is not None
        assert shown["relative"] == relative
        assert shown["status"] == status

    def test_absolute(self) -> None:
        """The absolute time is UTC."""
        shown = human_time("iat", NOW, NOW)
        assert shown is not None
        assert shown["utc"] == "2023-11-14 22:13:20 UTC"

    @pytest.mark.parametrize(
        "value", ["1700000000", True, None, float("nan"), float("inf"), 1e300, [1]]
    )
    def test_not_a_time(self, value: object) -> None:
        """Non-numbers and out-of-range numbers have no human time."""
        assert human_time("exp", value, NOW) is None


class TestDescribe:
    """Rows with explanations."""

    def test_registered_claims_explained(self) -> None:
        """Every registered and common claim the debugger promises has an explanation."""
        for name in ("iss", "sub", "aud", "exp", "nbf", "iat", "jti", "azp", "nonce", "scope",
                     "cnf", "auth_time", "acr", "amr", "client_id"):  # fmt: skip
            assert CLAIMS[name]
        for name in ("alg", "kid", "typ", "jku", "x5c", "x5u", "jwk", "crit", "enc"):
            assert HEADERS[name]

    def test_rows(self) -> None:
        """Header rows have no time; claim rows of time claims have one."""
        rows = describe({"exp": NOW, "x": 1}, CLAIMS, NOW)
        assert rows[0]["time"] is not None
        assert rows[1] == {"name": "x", "value": 1, "description": None}
        assert "time" not in describe({"exp": NOW}, HEADERS, NOW)[0]
