"""SD-JWT VC (draft-ietf-oauth-sd-jwt-vc): the credential rules on top of RFC 9901.

``typ`` is ``dc+sd-jwt`` (section 3.2.1); ``vct``, the credential type, is a required
string (3.2.2.1.1); ``iss``, ``nbf``, ``exp``, ``cnf``, ``vct`` and ``status`` must not
be selectively disclosable (3.2.2.2): a holder who could withhold ``exp`` or ``status``
could present an expired or revoked credential as if it had neither.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ...errors import DisclosureError, InvalidClaimError, MissingClaimError
from ...jwt._checks import media_type
from ._disclosure import SD

__all__ = ["NEVER_DISCLOSABLE", "VC_TYP", "check_issued", "check_verified", "is_vc"]

VC_TYP: Final = "dc+sd-jwt"
NEVER_DISCLOSABLE: Final = ("iss", "nbf", "exp", "cnf", "vct", "status")


def is_vc(typ: object) -> bool:
    """Whether a header ``typ`` says SD-JWT VC."""
    return isinstance(typ, str) and media_type(typ) == VC_TYP


def check_issued(claims: Mapping[str, Any]) -> None:
    """The VC rules on the claims an issuer is about to sign.

    Raises:
        ValueError: ``vct`` missing or not a string, or a claim of
            :data:`NEVER_DISCLOSABLE` marked ``SD``.
    """
    for name in NEVER_DISCLOSABLE:
        if isinstance(claims.get(name), SD):
            raise ValueError(f"an SD-JWT VC's {name!r} must not be selectively disclosable")
    if not isinstance(claims.get("vct"), str):
        raise ValueError("an SD-JWT VC needs a 'vct' claim (a string)")


def check_verified(payload: Mapping[str, Any], claims: Mapping[str, Any]) -> None:
    """The VC rules on a verified credential: ``payload`` as signed, ``claims`` processed.

    Raises:
        DisclosureError: a claim of :data:`NEVER_DISCLOSABLE` came from a Disclosure.
        MissingClaimError, InvalidClaimError: no ``vct``, or not a string.
    """
    for name in NEVER_DISCLOSABLE:
        if name in claims and name not in payload:
            raise DisclosureError(
                f"an SD-JWT VC's {name!r} must not be selectively disclosable (section 3.2.2.2)"
            )
    vct = claims.get("vct")
    if vct is None:
        raise MissingClaimError("an SD-JWT VC needs a 'vct' claim", claim="vct")
    if not isinstance(vct, str):
        raise InvalidClaimError("'vct' must be a string", claim="vct")
