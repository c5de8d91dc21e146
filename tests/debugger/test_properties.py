"""Any request body, to any endpoint: a result, BadRequest or a JotkitError, never a crash."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import jotkit
from jotkit import Key
from jotkit.debugger._api import ENDPOINTS, Context
from jotkit.debugger._keys import BadRequest
from jotkit.errors import JotkitError

_KEY = Key.generate("ES256", kid="p")
_TOKENS = [
    jotkit.encode({"sub": "a", "exp": 1}, b"s" * 32, alg="HS256"),
    jotkit.encode({"sub": "a"}, _KEY),
    "e30.e30.",
    "a.b.c.d.e",
]
_KEYS = [
    json.dumps(_KEY.to_jwk(private=True)),
    _KEY.to_pem().decode(),
    json.dumps({"keys": [_KEY.to_jwk()]}),
    "s" * 32,
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=8,
)
specs = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["secret", "pem", "jwk", "jwks", "magic"]) | json_values,
        "value": st.sampled_from(_KEYS) | json_values,
        "encoding": st.sampled_from(["utf8", "hex", "base64url"]) | json_values,
        "kid": st.just("p") | json_values,
    },
)
bodies = st.fixed_dictionaries(
    {},
    optional={
        "token": st.sampled_from(_TOKENS) | st.text(max_size=40) | json_values,
        "key": specs | json_values,
        "algorithms": st.sampled_from([["HS256"], ["ES256"], "ES256 HS256", []]) | json_values,
        "encryptions": st.just(["A256GCM"]) | json_values,
        "header": st.just({"alg": "HS256"})
        | st.dictionaries(st.sampled_from(["alg", "kid", "typ", "crit", "b64"]), json_values),
        "claims": st.dictionaries(st.sampled_from(["sub", "exp", "aud", "iss"]), json_values),
        "generate": st.booleans(),
        "alg": st.sampled_from(["ES256", "HS256", "dir", "x"]) | json_values,
        "issuer": json_values,
        "audience": json_values,
        "leeway": json_values,
        "private": json_values,
    },
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(ENDPOINTS)), body=bodies)
def test_endpoints_never_crash(name: str, body: dict[str, Any]) -> None:
    """Every endpoint answers or refuses with a coded error."""
    try:
        result = ENDPOINTS[name](body, Context())
    except (BadRequest, JotkitError):
        return
    json.dumps(result)  # what the server sends must be JSON
