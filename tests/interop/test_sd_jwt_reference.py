"""SD-JWT interop with the reference implementation (``sd-jwt`` 0.10.4, the generator of
RFC 9901's examples): its SD-JWTs and presentations verify in jotkit, jotkit's in it,
in every mix of issuer, holder and verifier, with key binding.

Compact serialization only: 0.10.4 predates section 8 and puts ``disclosures`` at the
top level of the JWS JSON object, where RFC 9901 has them in the unprotected header.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from jwcrypto.jwk import JWK
from sd_jwt.common import SDObj
from sd_jwt.holder import SDJWTHolder
from sd_jwt.issuer import SDJWTIssuer
from sd_jwt.verifier import SDJWTVerifier as ReferenceVerifier

from jotkit import Key
from jotkit.errors import JotkitError
from jotkit.profiles import sd_jwt
from jotkit.profiles.sd_jwt import SD

pytestmark = pytest.mark.interop

ISSUER = Key.generate("ES256")
HOLDER = Key.generate("ES256")
AUD = "https://verifier.example"
NONCE = "nonce-4f2a"

CLAIMS: dict[str, Any] = {
    "iss": "https://issuer.example",
    "sub": "user-42",
    "given_name": SD("Erika"),
    "family_name": SD("Mustermann"),
    "address": SD({"street_address": SD("Heidestraße 17"), "locality": SD("Köln")}),
    "nationalities": [SD("DE"), SD("FR"), "IT"],
    "age_over": {"18": SD(True), "21": SD(False)},
}
#: What the holder shows, in jotkit's pointers and in the reference's selection.
POINTERS = ["/given_name", "/address/locality", "/nationalities/1", "/age_over/18"]
SELECTION: dict[str, Any] = {
    "given_name": True,
    "address": {"locality": True},
    "nationalities": [False, True],
    "age_over": {"18": True},
}
EXPECTED: dict[str, Any] = {
    "iss": "https://issuer.example",
    "sub": "user-42",
    "given_name": "Erika",
    "address": {"locality": "Köln"},
    "nationalities": ["FR", "IT"],
    "age_over": {"18": True},
}


def _jwk(key: Key, private: bool = True) -> JWK:
    return JWK.from_json(json.dumps(key.to_jwk(private=private)))


def _reference_claims(value: Any) -> Any:
    """jotkit's SD markers as the reference's SDObj (on keys for members)."""
    if isinstance(value, dict):
        return {
            (SDObj(k) if isinstance(v, SD) else k): _reference_claims(
                v.value if isinstance(v, SD) else v
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [
            SDObj(_reference_claims(v.value)) if isinstance(v, SD) else _reference_claims(v)
            for v in value
        ]
    return value


def _reference_issue() -> str:
    issuer = SDJWTIssuer(
        _reference_claims(CLAIMS),
        _jwk(ISSUER),
        holder_key=_jwk(HOLDER, private=False),
        add_decoy_claims=True,
    )
    issued: str = issuer.sd_jwt_issuance
    return issued


def _reference_present(issued: str) -> str:
    holder = SDJWTHolder(issued)
    holder.create_presentation(SELECTION, nonce=NONCE, aud=AUD, holder_key=_jwk(HOLDER))
    presentation: str = holder.sd_jwt_presentation
    return presentation


def _reference_verify(presentation: str) -> dict[str, Any]:
    verifier = ReferenceVerifier(
        presentation,
        lambda iss, header: _jwk(ISSUER, private=False),
        expected_aud=AUD,
        expected_nonce=NONCE,
    )
    payload: dict[str, Any] = verifier.get_verified_payload()
    return payload


def _jotkit_present(issued: str) -> str:
    return sd_jwt.present(issued, POINTERS, holder_key=HOLDER, nonce=NONCE, audience=AUD)


def _jotkit_verify(presentation: str) -> dict[str, Any]:
    return sd_jwt.verify(
        presentation,
        ISSUER.public(),
        algorithms=["ES256"],
        issuer="https://issuer.example",
        key_binding=True,
        nonce=NONCE,
        audience=AUD,
    )


def _without_cnf(claims: dict[str, Any]) -> dict[str, Any]:
    rest = dict(claims)
    jwk = rest.pop("cnf")["jwk"]
    assert Key.from_jwk(jwk) == HOLDER.public()
    return rest


@pytest.mark.parametrize("issuer", ["reference", "jotkit"])
@pytest.mark.parametrize("holder", ["reference", "jotkit"])
@pytest.mark.parametrize("verifier", ["reference", "jotkit"])
def test_mix(issuer: str, holder: str, verifier: str) -> None:
    """Every mix of the two implementations verifies, with key binding, to the same claims."""
    if issuer == "reference":
        issued = _reference_issue()
    else:
        issued = sd_jwt.issue(CLAIMS, ISSUER, holder_key=HOLDER, typ="example+sd-jwt", decoys=2)
    presentation = (_reference_present if holder == "reference" else _jotkit_present)(issued)
    verified = (_reference_verify if verifier == "reference" else _jotkit_verify)(presentation)
    assert _without_cnf(verified) == EXPECTED


def test_reference_accepts_what_jotkit_refuses() -> None:
    """The gap the issue names: a Disclosure nothing references passes the reference
    verifier but not jotkit."""
    issued = _reference_issue()
    stray = sd_jwt.issue({"x": SD("stray")}, ISSUER).split("~")[1]
    holder = SDJWTHolder(issued)
    holder.create_presentation(SELECTION)
    presentation = holder.sd_jwt_presentation.replace("~", f"~{stray}~", 1)
    reference = ReferenceVerifier(presentation, lambda iss, header: _jwk(ISSUER, private=False))
    assert "x" not in reference.get_verified_payload()
    with pytest.raises(JotkitError, match="not referenced"):
        sd_jwt.verify(presentation, ISSUER.public(), algorithms=["ES256"])
