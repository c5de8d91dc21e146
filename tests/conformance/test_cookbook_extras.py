"""The cookbook's RFC 7797 (unencoded payload) and RFC 8037 (Ed25519) JWS examples.

Known defects of these files are in the vectors README ("Known defects", items 4 and 5).
"""

from __future__ import annotations

import hmac
from typing import Any

import pytest

from jotkit._b64 import b64decode
from jotkit.errors import MalformedJWSError
from jotkit.jwk import Key
from jotkit.jws import Signer, sign_compact, sign_json
from tests._vectors import load_json

from ._cookbook import SERIALIZATIONS, load_example

_B64_FALSE = "ietf-jose-cookbook/rfc7797/hmac-sha2_b64_false.json"
_B64_FALSE_NO_CRIT = "ietf-jose-cookbook/rfc7797/4.2.hmac-sha2_b64_false.json"
_ED25519 = "ietf-jose-cookbook/curve25519/jws.json"


def _cases(*relpaths: str) -> list[Any]:
    return [
        pytest.param(relpath, serialization, id=f"{relpath.split('/')[1]}-{serialization}")
        for relpath in relpaths
        for serialization in SERIALIZATIONS
    ]


class TestVerifyAndReproduce:
    """b64=false (compatible with compact) and Ed25519: all three serializations."""

    @pytest.mark.parametrize(("relpath", "serialization"), _cases(_B64_FALSE, _ED25519))
    def test_verifies(self, relpath: str, serialization: str) -> None:
        """The serialization verifies and yields the payload, unencoded or not."""
        example = load_example(relpath)
        assert example.verify(serialization).payload == example.payload

    @pytest.mark.parametrize(("relpath", "serialization"), _cases(_B64_FALSE, _ED25519))
    def test_reproduced_byte_for_byte(self, relpath: str, serialization: str) -> None:
        """HS256 and Ed25519 are deterministic: jotkit makes the same output."""
        example = load_example(relpath)
        assert example.sign(serialization) == example.output[serialization]

    def test_unencoded_payload_is_signed_as_is(self) -> None:
        """RFC 7797 section 3: the signing input is the header segment, '.', the raw payload."""
        example = load_example(_B64_FALSE)
        head, payload, sig = example.output["compact"].split(".")
        mac = hmac.digest(example.signing_key.crypto, f"{head}.{payload}".encode(), "sha256")
        assert payload.encode("utf-8") == example.payload
        assert b64decode(sig) == mac


class TestB64WithoutCrit:
    """rfc7797/4.2: ``b64: false`` without ``crit`` must be REJECTED.

    The file's protected header is ``{"alg":"HS256","b64":false}``: unlike RFC 7797
    section 4.2 it does not list ``b64`` in ``crit`` (README defect 4). RFC 7797 section 6
    requires ``crit`` to list ``b64``: a verifier that ignores ``b64`` would read the
    payload differently from one that honours it, and ``crit`` is what makes an old
    verifier refuse instead of misreading. So jotkit rejects it, and cannot make it.
    """

    @pytest.mark.parametrize("serialization", ["json", "json_flat"])
    def test_rejected(self, serialization: str) -> None:
        """Verification refuses the header before any MAC is computed."""
        example = load_example(_B64_FALSE_NO_CRIT)
        assert set(example.output) == {"json", "json_flat"}
        with pytest.raises(MalformedJWSError, match="crit"):
            example.verify(serialization)

    def test_only_the_crit_rule_rejects_it(self) -> None:
        """The MAC itself is correct for the unencoded signing input: only crit is wrong."""
        example = load_example(_B64_FALSE_NO_CRIT)
        output = example.output["json_flat"]
        signing_input = f"{output['protected']}.{output['payload']}".encode()
        mac = hmac.digest(example.signing_key.crypto, signing_input, "sha256")
        assert b64decode(output["signature"]) == mac
        assert b64decode(output["protected"]) == b'{"alg":"HS256","b64":false}'

    def test_jotkit_makes_the_rfc_version_instead(self) -> None:
        """Asked for b64=false, jotkit adds crit and gets RFC 7797 4.2's real signature."""
        example = load_example(_B64_FALSE_NO_CRIT)
        made = sign_json(example.payload, [Signer(example.signing_key)], flattened=True, b64=False)
        assert b64decode(made["protected"]) == b'{"alg":"HS256","b64":false,"crit":["b64"]}'
        assert made["signature"] == "A5dxf2s96_n5FLueVuW1Z_vh161FwXZC4YLPff6dmDY"
        assert made["payload"] == "$.02"

    def test_cannot_be_made(self) -> None:
        """A caller's b64 header member that crit does not list is refused."""
        example = load_example(_B64_FALSE_NO_CRIT)
        with pytest.raises(ValueError, match="crit"):
            sign_compact(example.payload, example.signing_key, headers={"b64": True})


def test_b64_header_contradicting_the_argument_is_refused() -> None:
    """headers={"b64": False} with b64=True would label a base64url payload as raw."""
    key = Key.from_jwk(load_example(_B64_FALSE).jwk)
    header = {"b64": False, "crit": ["b64"]}
    with pytest.raises(ValueError, match="b64"):
        sign_compact(b"payload", key, headers=header)
    with pytest.raises(ValueError, match="b64"):
        sign_json(b"payload", [Signer(key, protected=header)])


def test_ed25519_example_is_rfc8037_a4() -> None:
    """The cookbook's Ed25519 example is the token RFC 8037 A.4 prints (erlang-jose copy)."""
    entries = load_json("erlang-jose/json/jose_cfrg_curves/a.4.config.json")["entries"]
    assert load_example(_ED25519).output["compact"] == entries["a.4.sig+compact"]["utf8"]
