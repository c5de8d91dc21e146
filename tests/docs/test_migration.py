"""Every row of docs/guides/migrating.md: the peer's call and jotkit's, side by side on
the same keys and tokens, agree (a row without a case here fails the coverage test)."""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import jose.exceptions
import jose.jwe
import jose.jwk
import jose.jws
import jose.jwt
import pytest

import jotkit
import jotkit.jwt
import jwt as pyjwt
from jotkit import Key, KeySet
from jotkit.errors import (
    ExpiredError,
    InvalidClaimError,
    InvalidSignatureError,
    JotkitError,
    MissingClaimError,
    NotYetValidError,
)

with warnings.catch_warnings():
    # authlib.jose is deprecated in favour of joserfc, but it is what people migrate from.
    # authlib.deprecate installs an "always" filter for its warning when first imported,
    # ahead of any filter set before it: import it first so the "ignore" below wins.
    import authlib.deprecate  # noqa: F401

    warnings.simplefilter("ignore")
    from authlib.jose import JsonWebKey
    from authlib.jose import errors as authlib_errors
    from authlib.jose import jwt as authlib_jwt

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "guides" / "migrating.md"
SECRET = b"a 32-byte secret for the guide!!"
RSA = Key.generate("RS256", kid="k1")
PRIVATE_PEM = RSA.to_pem(private=True)
PUBLIC_PEM = RSA.public().to_pem()
NOW = int(time.time())
CLAIMS = {"iss": "https://as.example", "aud": "api", "sub": "alice", "iat": NOW, "exp": NOW + 86400}
EXPIRED = {**CLAIMS, "iat": NOW - 1200, "exp": NOW - 600}
FUTURE = {**CLAIMS, "nbf": NOW + 86400}

Case = Callable[[], None]
CASES: dict[str, Case] = {}


def case(*rows: str) -> Callable[[Case], Case]:
    def register(fn: Case) -> Case:
        for row in rows:
            CASES[row] = fn
        return fn

    return register


def same_claims(a: dict[str, Any], b: dict[str, Any]) -> None:
    assert a == b


def jotkit_rs(token: str, **kw: Any) -> dict[str, Any]:
    return jotkit.jwt.decode(token, Key.from_pem(PUBLIC_PEM), algorithms=["RS256"], **kw)


# --- PyJWT ----------------------------------------------------------------------------


@case('`jwt.encode(payload, secret, algorithm="HS256")`')
def _pyjwt_encode_hs() -> None:
    ours = jotkit.jwt.encode(CLAIMS, SECRET, alg="HS256")
    theirs = pyjwt.encode(CLAIMS, SECRET, algorithm="HS256")
    assert pyjwt.decode(ours, SECRET, algorithms=["HS256"], audience="api") == CLAIMS
    assert jotkit.jwt.decode(theirs, SECRET, algorithms=["HS256"], audience="api") == CLAIMS


@case('`jwt.encode(payload, private_pem, algorithm="RS256", headers={"kid": k})`')
def _pyjwt_encode_rs() -> None:
    ours = jotkit.jwt.encode(CLAIMS, Key.from_pem(PRIVATE_PEM, kid="k1"), alg="RS256")
    theirs = pyjwt.encode(CLAIMS, PRIVATE_PEM, algorithm="RS256", headers={"kid": "k1"})
    assert pyjwt.get_unverified_header(ours)["kid"] == "k1"
    assert jotkit.jwt.unverified(theirs).header["kid"] == "k1"
    assert pyjwt.decode(ours, PUBLIC_PEM, algorithms=["RS256"], audience="api") == CLAIMS


@case('`jwt.encode(..., algorithm="none")`')
def _pyjwt_none() -> None:
    ours = jotkit.jwt.encode_unsecured(CLAIMS)
    theirs = pyjwt.encode(CLAIMS, None, algorithm="none")  # type: ignore[arg-type]
    assert pyjwt.decode(ours, options={"verify_signature": False}) == CLAIMS
    assert jotkit.jwt.decode_unsecured(theirs, audience="api") == CLAIMS


@case(
    '`jwt.decode(token, key, algorithms=["RS256"], audience=aud, issuer=iss)`',
    "`jwt.decode(..., leeway=10)` / `leeway=timedelta(...)`",
    '`jwt.decode(..., options={"require": ["exp", "iat"]})`',
    '`jwt.decode(..., subject="alice")`',
)
def _pyjwt_decode_options() -> None:
    token = pyjwt.encode(CLAIMS, PRIVATE_PEM, algorithm="RS256")
    kw: dict[str, Any] = {"audience": "api", "issuer": "https://as.example"}
    same_claims(pyjwt.decode(token, PUBLIC_PEM, algorithms=["RS256"], **kw), jotkit_rs(token, **kw))
    # Expired 5 s ago, at the time of the call (the suite may run long after import).
    late = pyjwt.encode({**CLAIMS, "exp": int(time.time()) - 5}, PRIVATE_PEM, algorithm="RS256")
    for leeway in (10, timedelta(seconds=10)):
        pyjwt.decode(late, PUBLIC_PEM, algorithms=["RS256"], leeway=leeway, audience="api")
        jotkit_rs(late, leeway=leeway, audience="api")
    bare = pyjwt.encode({"sub": "alice", "exp": NOW + 86400}, PRIVATE_PEM, algorithm="RS256")
    with pytest.raises(pyjwt.MissingRequiredClaimError):
        pyjwt.decode(bare, PUBLIC_PEM, algorithms=["RS256"], options={"require": ["exp", "iat"]})
    with pytest.raises(MissingClaimError):
        jotkit_rs(bare, required=["exp", "iat"])
    assert pyjwt.decode(bare, PUBLIC_PEM, algorithms=["RS256"], subject="alice")["sub"] == "alice"
    assert jotkit_rs(bare, subject="alice")["sub"] == "alice"
    with pytest.raises(InvalidClaimError):
        jotkit_rs(bare, subject="bob")


@case("`jwt.decode_complete(token, ...)`")
def _pyjwt_complete() -> None:
    token = pyjwt.encode(CLAIMS, PRIVATE_PEM, algorithm="RS256", headers={"kid": "k1"})
    theirs = pyjwt.decode_complete(token, PUBLIC_PEM, algorithms=["RS256"], audience="api")
    ours = jotkit.jwt.decode_complete(
        token, Key.from_pem(PUBLIC_PEM), algorithms=["RS256"], audience="api"
    )
    assert ours.header == theirs["header"]
    assert ours.claims == theirs["payload"]


@case(
    '`jwt.decode(token, options={"verify_signature": False})`',
    "`jwt.get_unverified_header(token)`",
)
def _pyjwt_unverified() -> None:
    token = pyjwt.encode(CLAIMS, SECRET, algorithm="HS256")
    assert jotkit.jwt.unverified(token).claims == pyjwt.decode(
        token, options={"verify_signature": False}
    )
    assert jotkit.jwt.unverified(token).header == pyjwt.get_unverified_header(token)


@case('`options={"verify_exp": False}` and other `verify_*` switches')
def _pyjwt_switches() -> None:
    token = pyjwt.encode(EXPIRED, PRIVATE_PEM, algorithm="RS256")
    pyjwt.decode(token, PUBLIC_PEM, algorithms=["RS256"], audience="api",
                 options={"verify_exp": False})  # fmt: skip
    # jotkit's way: say when "now" is (a replay of an old token in a test, say).
    jotkit_rs(token, audience="api", now=NOW - 700)
    with pytest.raises(TypeError):
        jotkit_rs(token, audience="api", options={"verify_exp": False})


@case('`jwt.PyJWKSet.from_dict(jwks)` + `get_unverified_header(token)["kid"]`')
def _pyjwt_jwks() -> None:
    other = Key.generate("RS256", kid="k2")
    jwks = KeySet([RSA.public(), other.public()]).to_jwks()
    token = pyjwt.encode(CLAIMS, PRIVATE_PEM, algorithm="RS256", headers={"kid": "k1"})
    theirs_key = pyjwt.PyJWKSet.from_dict(jwks)[pyjwt.get_unverified_header(token)["kid"]]
    theirs = pyjwt.decode(token, theirs_key, algorithms=["RS256"], audience="api")
    ours = jotkit.jwt.decode(token, KeySet.from_jwks(jwks), algorithms=["RS256"], audience="api")
    same_claims(theirs, ours)


@case("`jwt.PyJWT().decode` in a loop")
def _pyjwt_loop() -> None:
    tokens = [pyjwt.encode({**CLAIMS, "n": i}, SECRET, algorithm="HS256") for i in range(3)]
    verifier = jotkit.jwt.Verifier(SECRET, algorithms=["HS256"], audience="api")
    decoder = pyjwt.PyJWT()
    for token in tokens:
        theirs = decoder.decode(token, SECRET, algorithms=["HS256"], audience="api")
        same_claims(theirs, verifier.decode(token))


def _refusals(pyjwt_error: type[Exception], ours: type[Exception], claims: dict[str, Any],
              **kw: Any) -> None:  # fmt: skip
    token = pyjwt.encode(claims, PRIVATE_PEM, algorithm="RS256")
    with pytest.raises(pyjwt_error):
        pyjwt.decode(token, PUBLIC_PEM, algorithms=["RS256"], **kw)
    with pytest.raises(ours):
        jotkit_rs(token, **kw)


@case("`jwt.InvalidTokenError`")
def _pyjwt_base() -> None:
    _refusals(pyjwt.InvalidTokenError, JotkitError, EXPIRED, audience="api")


@case("`jwt.ExpiredSignatureError`")
def _pyjwt_expired() -> None:
    _refusals(pyjwt.ExpiredSignatureError, ExpiredError, EXPIRED, audience="api")


@case("`jwt.ImmatureSignatureError`")
def _pyjwt_immature() -> None:
    _refusals(pyjwt.ImmatureSignatureError, NotYetValidError, FUTURE, audience="api")


@case("`jwt.InvalidAudienceError` / `jwt.InvalidIssuerError`")
def _pyjwt_aud_iss() -> None:
    _refusals(pyjwt.InvalidAudienceError, InvalidClaimError, CLAIMS, audience="other")
    _refusals(pyjwt.InvalidIssuerError, InvalidClaimError, CLAIMS, audience="api", issuer="x")


@case("`jwt.MissingRequiredClaimError`")
def _pyjwt_missing() -> None:
    _refusals(pyjwt.MissingRequiredClaimError, MissingClaimError, {"sub": "a"}, audience="api")


@case("`jwt.InvalidSignatureError`")
def _pyjwt_signature() -> None:
    token = pyjwt.encode(CLAIMS, Key.generate("RS256").to_pem(private=True), algorithm="RS256")
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt.decode(token, PUBLIC_PEM, algorithms=["RS256"], audience="api")
    with pytest.raises(InvalidSignatureError):
        jotkit_rs(token, audience="api")


# --- python-jose ----------------------------------------------------------------------


@case('`jose.jwt.encode(claims, secret, algorithm="HS256")`')
def _jose_encode() -> None:
    ours = jotkit.jwt.encode(CLAIMS, SECRET, alg="HS256")
    theirs = jose.jwt.encode(CLAIMS, SECRET.decode(), algorithm="HS256")
    assert jose.jwt.decode(ours, SECRET.decode(), algorithms=["HS256"], audience="api") == CLAIMS
    assert jotkit.jwt.decode(theirs, SECRET, algorithms=["HS256"], audience="api") == CLAIMS


@case('`jose.jwt.decode(token, public_pem, algorithms=["RS256"], audience=aud)`')
def _jose_decode() -> None:
    token = jose.jwt.encode(CLAIMS, PRIVATE_PEM, algorithm="RS256")
    theirs = jose.jwt.decode(token, PUBLIC_PEM, algorithms=["RS256"], audience="api")
    same_claims(theirs, jotkit_rs(token, audience="api"))


@case('`jose.jwt.decode(..., options={"verify_aud": False})`')
def _jose_verify_aud() -> None:
    token = jose.jwt.encode(CLAIMS, PRIVATE_PEM, algorithm="RS256")
    jose.jwt.decode(token, PUBLIC_PEM, algorithms=["RS256"], options={"verify_aud": False})
    with pytest.raises(InvalidClaimError):
        jotkit_rs(token)  # a token with aud needs the audience it is for
    jotkit_rs(token, audience="api")


@case("`jose.jwt.get_unverified_header(token)` / `get_unverified_claims(token)`")
def _jose_unverified() -> None:
    token = jose.jwt.encode(CLAIMS, SECRET.decode(), algorithm="HS256", headers={"kid": "s"})
    assert jotkit.jwt.unverified(token).header == jose.jwt.get_unverified_header(token)
    assert jotkit.jwt.unverified(token).claims == jose.jwt.get_unverified_claims(token)


@case(
    '`jose.jws.sign(payload_bytes, key, algorithm="HS256")`',
    '`jose.jws.verify(token, key, algorithms=["HS256"])`',
)
def _jose_jws() -> None:
    theirs = jose.jws.sign(b"hello", SECRET.decode(), algorithm="HS256")
    ours = jotkit.jws.sign_compact(b"hello", Key.from_secret(SECRET), alg="HS256")
    key = Key.from_secret(SECRET)
    assert jotkit.jws.verify_compact(theirs, key, algorithms=["HS256"]).payload == b"hello"
    assert jose.jws.verify(ours, SECRET.decode(), algorithms=["HS256"]) == b"hello"


@case(
    '`jose.jwe.encrypt(plaintext, key, algorithm="dir", encryption="A256GCM")`',
    "`jose.jwe.decrypt(token, key)`",
)
def _jose_jwe() -> None:
    theirs = jose.jwe.encrypt(b"secret", SECRET, algorithm="dir", encryption="A256GCM")
    key = Key.from_secret(SECRET)
    ours = jotkit.jwe.encrypt_compact(b"secret", key, alg="dir", enc="A256GCM")
    opened = jotkit.jwe.decrypt_compact(theirs, key, algorithms=["dir"], encryptions=["A256GCM"])
    assert opened.plaintext == b"secret"
    assert jose.jwe.decrypt(ours, SECRET) == b"secret"


@case("`jose.jwk.construct(jwk_dict)`")
def _jose_jwk() -> None:
    jwk = RSA.public().to_jwk()
    theirs = jose.jwk.construct(jwk, algorithm="RS256")
    assert Key.from_jwk(jwk).to_jwk()["n"] == theirs.to_dict()["n"]


@case("`jose.exceptions.ExpiredSignatureError`", "`jose.exceptions.JWTError`")
def _jose_errors() -> None:
    token = jose.jwt.encode(EXPIRED, PRIVATE_PEM, algorithm="RS256")
    with pytest.raises(jose.exceptions.ExpiredSignatureError):
        jose.jwt.decode(token, PUBLIC_PEM, algorithms=["RS256"], audience="api")
    with pytest.raises(ExpiredError):
        jotkit_rs(token, audience="api")
    with pytest.raises(jose.exceptions.JWTError):
        jose.jwt.decode("not.a.token", PUBLIC_PEM, algorithms=["RS256"])
    with pytest.raises(JotkitError):
        jotkit_rs("not.a.token")


# --- authlib --------------------------------------------------------------------------


@case('`authlib.jose.jwt.encode({"alg": "RS256"}, claims, private_pem)`')
def _authlib_encode() -> None:
    theirs = authlib_jwt.encode({"alg": "RS256"}, CLAIMS, PRIVATE_PEM).decode()
    ours = jotkit.jwt.encode(CLAIMS, Key.from_pem(PRIVATE_PEM), alg="RS256")
    same_claims(jotkit_rs(theirs, audience="api"), dict(authlib_jwt.decode(ours, PUBLIC_PEM)))


@case("`authlib.jose.jwt.decode(token, public_pem)` then `claims.validate()`")
def _authlib_decode() -> None:
    token = jotkit.jwt.encode(EXPIRED, Key.from_pem(PRIVATE_PEM), alg="RS256")
    claims = authlib_jwt.decode(token, PUBLIC_PEM)  # signature only: forgetting validate()
    assert claims["sub"] == "alice"  # ... hands back an expired token's claims
    with pytest.raises(authlib_errors.ExpiredTokenError):
        claims.validate()
    with pytest.raises(ExpiredError):
        jotkit_rs(token, audience="api")


@case(
    "`authlib.jose.JsonWebKey.import_key(pem)`",
    "`key.thumbprint()`",
)
def _authlib_key() -> None:
    theirs = JsonWebKey.import_key(PUBLIC_PEM, {"kty": "RSA"})
    assert Key.from_pem(PUBLIC_PEM).thumbprint() == theirs.thumbprint()


@case("`authlib.jose.JsonWebKey.import_key_set(jwks)`")
def _authlib_keyset() -> None:
    jwks = KeySet([RSA.public()]).to_jwks()
    theirs = JsonWebKey.import_key_set(jwks)
    assert [k.kid for k in theirs.keys] == [k.kid for k in KeySet.from_jwks(jwks)]


@case("`authlib.jose.errors.ExpiredTokenError`", "`authlib.jose.errors.BadSignatureError`")
def _authlib_errors() -> None:
    forged = jotkit.jwt.encode(CLAIMS, Key.generate("RS256"), alg="RS256")
    with pytest.raises(authlib_errors.BadSignatureError):
        authlib_jwt.decode(forged, PUBLIC_PEM)
    with pytest.raises(InvalidSignatureError):
        jotkit_rs(forged, audience="api")
    _authlib_decode()


# --- the tables -----------------------------------------------------------------------


def table_rows() -> list[str]:
    """The first cell of every table row of the guide (header and rule rows left out)."""
    rows = []
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if not line.startswith("|") or set(cells[0]) <= {"-"}:
            continue
        if cells[0] in ("PyJWT", "python-jose", "authlib"):
            continue
        rows.append(re.sub(r"\s+", " ", cells[0]))
    return rows


def test_every_row_has_a_case() -> None:
    """Each row of the guide's tables is tested here, and each case is a row."""
    rows = table_rows()
    assert len(rows) >= 35
    assert sorted(set(rows)) == sorted(CASES), "rows and cases differ"


@pytest.mark.parametrize("row", sorted(CASES))
def test_row(row: str) -> None:
    """The peer's call and jotkit's agree."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the peers' own deprecations are theirs to fix
        CASES[row]()


def test_cases_check_something(monkeypatch: pytest.MonkeyPatch) -> None:
    """A case that cannot fail is no test: break jotkit's answer and one must fail."""
    original = jotkit.jwt.decode

    def wrong(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**original(*args, **kwargs), "sub": "mallory"}

    monkeypatch.setattr(jotkit.jwt, "decode", wrong)
    with pytest.raises(AssertionError):
        CASES['`jose.jwt.decode(token, public_pem, algorithms=["RS256"], audience=aud)`']()
