"""Properties of SD-JWT selective disclosure, with hypothesis.

For any claims (disclosable members and elements at any depth) and any choice:

- by JSON pointer: the verified claims are exactly what the pointers reveal, per the
  test's own model of the selection (``revealed``);
- by raw subset of Disclosures: when every chosen Disclosure's parent is chosen too, the
  verified claims equal what the reference implementation's processing makes of the
  same presentation; otherwise the presentation is refused (a Disclosure whose parent
  is withheld is referenced by nothing);
- any one character of a key-bound presentation changed: refused, with a JotkitError.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jwcrypto.jwk import JWK
from sd_jwt.verifier import SDJWTVerifier as ReferenceVerifier

from jotkit import Key
from jotkit.errors import DisclosureError, JotkitError
from jotkit.profiles import sd_jwt
from jotkit.profiles.sd_jwt import SD
from tests.profiles.sd_jwt._helpers import revealed

ISSUER = Key.generate("ES256")
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_leaves = st.one_of(
    st.integers(-5, 5), st.text(max_size=4), st.booleans(), st.none(), st.floats(0, 1)
)
_names = st.text(alphabet="ab/~é", min_size=1, max_size=3)


def _maybe_sd(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(values, values.map(SD))


def _extend(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.lists(_maybe_sd(children), max_size=3),
        st.dictionaries(_names, _maybe_sd(children), max_size=3),
    )


_values = st.recursive(_leaves, _extend, max_leaves=10)
claims_trees = st.dictionaries(_names, _maybe_sd(_values), min_size=1, max_size=4)


def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _sd_pointers(value: Any, prefix: str = "") -> list[str]:
    """Every pointer to a disclosable node of an SD-marked tree."""
    found: list[str] = []
    if isinstance(value, SD):
        found.append(prefix)
        value = value.value
    if isinstance(value, dict):
        for name, member in value.items():
            found += _sd_pointers(member, f"{prefix}/{_escape(name)}")
    elif isinstance(value, list):
        for position, element in enumerate(value):
            found += _sd_pointers(element, f"{prefix}/{position}")
    return found


class TestByPointer:
    """Choosing claims by JSON pointer."""

    @FAST
    @given(claims=claims_trees, data=st.data())
    def test_verified_claims_are_what_the_pointers_reveal(
        self, claims: dict[str, Any], data: st.DataObject
    ) -> None:
        """verify(present(pointers)) equals the model's view of those pointers."""
        token = sd_jwt.issue(claims, ISSUER, decoys=data.draw(st.integers(0, 2)))
        candidates = _sd_pointers(claims)
        chosen = data.draw(st.lists(st.sampled_from(candidates), unique=True)) if candidates else []
        presentation = sd_jwt.present(token, chosen)
        verified = sd_jwt.verify(presentation, ISSUER.public(), algorithms=["ES256"])
        assert verified == revealed(claims, chosen)


def _digest(text: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()


def _strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(_strings(v) for v in value.values()), set())
    if isinstance(value, list):
        return set().union(*(_strings(v) for v in value), set())
    return set()


def _parents(disclosures: list[str]) -> dict[int, int]:
    """Child index -> parent index, read from the Disclosures with the standard library:
    a Disclosure whose value holds another's digest is its parent."""
    by_digest = {_digest(d): i for i, d in enumerate(disclosures)}
    parents: dict[int, int] = {}
    for index, text in enumerate(disclosures):
        decoded = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
        for found in _strings(decoded[-1]) & by_digest.keys():
            parents[by_digest[found]] = index
    return parents


@pytest.mark.interop
class TestBySubset:
    """Choosing raw Disclosures, compared with the reference implementation."""

    @FAST
    @given(claims=claims_trees, data=st.data())
    def test_any_subset(self, claims: dict[str, Any], data: st.DataObject) -> None:
        """A closed subset verifies to the reference's claims; an open one is refused."""
        token = sd_jwt.issue(claims, ISSUER, decoys=data.draw(st.integers(0, 2)))
        jwt, *disclosures, _ = token.split("~")
        mask = data.draw(
            st.lists(st.booleans(), min_size=len(disclosures), max_size=len(disclosures))
        )
        chosen = [i for i, keep in enumerate(mask) if keep]
        presentation = "~".join((jwt, *(disclosures[i] for i in chosen), ""))
        parents = _parents(disclosures)
        closed = all(parents.get(i, i) in chosen for i in chosen)
        if not closed:
            with pytest.raises(DisclosureError, match="not referenced"):
                sd_jwt.verify(presentation, ISSUER.public(), algorithms=["ES256"])
            return
        verified = sd_jwt.verify(presentation, ISSUER.public(), algorithms=["ES256"])
        key = JWK.from_json(json.dumps(ISSUER.public().to_jwk()))
        reference = ReferenceVerifier(presentation, lambda iss, header: key)
        assert verified == reference.get_verified_payload()


HOLDER = Key.generate("ES256")
_BOUND = sd_jwt.present(
    sd_jwt.issue({"a": SD({"b": SD(1)}), "c": [SD("x"), 2]}, ISSUER, holder_key=HOLDER),
    [""],
    holder_key=HOLDER,
    nonce="n",
    audience="v",
    iat=1_700_000_000,
)
_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~= "


class TestTampering:
    """A changed presentation never verifies."""

    @FAST
    @given(position=st.integers(0, len(_BOUND) - 1), char=st.sampled_from(_ALPHABET))
    def test_any_character_changed(self, position: int, char: str) -> None:
        """One character replaced anywhere: a JotkitError, whatever it hits."""
        tampered = _BOUND[:position] + char + _BOUND[position + 1 :]
        if tampered == _BOUND:
            return
        with pytest.raises(JotkitError):
            sd_jwt.verify(
                tampered,
                ISSUER.public(),
                algorithms=["ES256"],
                key_binding=True,
                nonce="n",
                audience="v",
                now=1_700_000_000,
            )
