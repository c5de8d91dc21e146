"""Row definitions, each with its targets and the checks that keep a column honest.

Before a cell is timed, its output is checked once against the floor: a token a library
makes must verify in the floor, and a library's decoder must return the claims of a
floor-made token and reject a token with a bad signature, a wrong audience, a wrong
issuer, or one that has expired. A column that fails a check shows "error" and is not
timed, so no column can measure a no-op.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._cli import cli_specs
from ._fixtures import JWE_ROWS, SIG_ALGS, Fixtures
from ._harness import Cell, Row, Target
from ._libs import Absent, Library, Unsupported
from ._libs.floor import Floor, jws_encoder, signer
from ._remote import REMOTE_ROW, remote_decoder, remote_target

__all__ = ["IMPORT_ROW", "RowSpec", "build_row", "row_specs", "tamper"]

IMPORT_ROW = "import-time"

Timed = Callable[[], object]
Builder = Callable[[Library], Timed]


class CheckFailed(Exception):
    """A library's output did not pass the floor's check."""


@dataclass(frozen=True)
class RowSpec:
    """A row to build: its key, label, target and how to build each library's cell."""

    key: str
    label: str
    target: Target
    build: Builder | None  # None: measured elsewhere (the import row)


def tamper(token: str) -> str:
    """Change one character in the middle of the last segment (signature or tag)."""
    head, _, last = token.rpartition(".")
    i = len(last) // 2
    swapped = "A" if last[i] != "A" else "B"
    return f"{head}.{last[:i]}{swapped}{last[i + 1 :]}"


def _expect_reject(fn: Callable[[str], Any], token: str, what: str) -> None:
    try:
        fn(token)
    except Exception:
        return
    raise CheckFailed(f"accepted {what}")


def _expect_equal(got: object, want: object, what: str) -> None:
    if got != want:
        raise CheckFailed(f"{what}: got {got!r:.80}")


class _Tokens:
    """Reference tokens made by the floor, built on first use."""

    def __init__(self, fx: Fixtures, floor: Floor) -> None:
        self.fx, self.floor = fx, floor

    def _sign(
        self, alg: str, claims: dict[str, Any], key: Any = None, kid: str | None = None
    ) -> str:
        private = self.fx.sig_keys[alg].private if key is None else key
        return jws_encoder(alg, signer(alg, private), claims, kid)()

    @functools.cache  # noqa: B019 - one instance per run
    def jws(self, alg: str) -> tuple[str, dict[str, str]]:
        """A good token for ``alg`` and bad ones by reason."""
        fx = self.fx
        good = self._sign(alg, fx.claims)
        bad = {
            "a bad signature": tamper(good),
            "a wrong audience": self._sign(alg, fx.claims_with(aud="https://other.example")),
            "a wrong issuer": self._sign(alg, fx.claims_with(iss="https://evil.example")),
            "an expired token": self._sign(
                alg, fx.claims_with(iat=fx.claims["iat"] - 7200, exp=fx.claims["iat"] - 3600)
            ),
        }
        return good, bad

    @functools.cache  # noqa: B019 - one instance per run
    def jwks(self) -> tuple[str, dict[str, str]]:
        """A token signed by one JWKS key with its ``kid``, and bad ones by reason."""
        fx = self.fx
        signer_key = fx.jwks_keys[fx.jwks_signer].private
        good = self._sign("RS256", fx.claims, signer_key, fx.jwks_kid)
        bad = {
            "a signature by another key of the set": self._sign(
                "RS256", fx.claims, fx.jwks_keys[1].private, fx.jwks_kid
            ),
            "an unknown kid": self._sign("RS256", fx.claims, signer_key, "no-such-kid"),
            "a wrong audience": self._sign(
                "RS256", fx.claims_with(aud="https://other.example"), signer_key, fx.jwks_kid
            ),
        }
        return good, bad

    @functools.cache  # noqa: B019 - one instance per run
    def jwe(self, alg: str, enc: str) -> str:
        """A JWE compact token made by the floor."""
        return self.floor.encrypter(alg, enc)()


def _decode_builder(
    fx: Fixtures, make: Callable[[Library], Callable[[str], Any]], tokens: Callable[[], Any]
) -> Builder:
    def build(lib: Library) -> Timed:
        decode = make(lib)
        good, bad = tokens()
        _expect_equal(decode(good), fx.claims, "claims of a valid token")
        for what, token in bad.items():
            _expect_reject(decode, token, what)
        return functools.partial(decode, good)

    return build


def _encode_builder(fx: Fixtures, alg: str, pem: bool) -> Builder:
    decode = Floor(fx).decoder(alg, pem=False)

    def build(lib: Library) -> Timed:
        encode = lib.encoder(alg, pem)
        try:
            claims = decode(encode())
        except Exception as exc:
            raise CheckFailed(f"token rejected by the floor ({type(exc).__name__})") from exc
        _expect_equal(claims, fx.claims, "claims decoded by the floor")
        return encode

    return build


def _jwe_builders(fx: Fixtures, tokens: _Tokens, alg: str, enc: str) -> tuple[Builder, Builder]:
    floor_decrypt = Floor(fx).decrypter(alg, enc)

    def encrypt(lib: Library) -> Timed:
        fn = lib.encrypter(alg, enc)
        try:
            plaintext = floor_decrypt(fn())
        except Exception as exc:
            raise CheckFailed(f"token rejected by the floor ({type(exc).__name__})") from exc
        _expect_equal(plaintext, fx.plaintext, "plaintext decrypted by the floor")
        return fn

    def decrypt(lib: Library) -> Timed:
        fn, token = lib.decrypter(alg, enc), tokens.jwe(alg, enc)
        _expect_equal(fn(token), fx.plaintext, "plaintext")
        _expect_reject(fn, tamper(token), "a bad tag")
        return functools.partial(fn, token)

    return encrypt, decrypt


def _import_builder(kty: str) -> Builder:
    def build(lib: Library) -> Timed:
        fn = lib.pem_importer(kty)
        if fn() is None:
            raise CheckFailed("returned None")
        return fn

    return build


def _sig_ratio(alg: str) -> float:
    return 1.3 if alg == "HS256" else 1.1


def _jws_specs(fx: Fixtures, tokens: _Tokens) -> list[RowSpec]:
    specs = []
    for op in ("encode", "decode"):
        for alg in SIG_ALGS:
            for pem in (False, True) if alg != "HS256" else (False,):
                key = f"{op}/{alg}" + ("/pem" if pem else "")
                label = f"{op} {alg}" + (" (PEM each call)" if pem else "")
                target = Target() if pem else Target(max_ratio=_sig_ratio(alg))
                if op == "encode":
                    build = _encode_builder(fx, alg, pem)
                else:
                    build = _decode_builder(
                        fx,
                        functools.partial(lambda lib, a, p: lib.decoder(a, p), a=alg, p=pem),
                        functools.partial(tokens.jws, alg),
                    )
                specs.append(RowSpec(key, label, target, build))
    return specs


def _verifier_specs(fx: Fixtures, tokens: _Tokens) -> list[RowSpec]:
    specs = []
    for alg in ("HS256", "ES256"):
        for cache in (False, True):
            key = f"verifier/{alg}" + ("/cache" if cache else "")
            label = f"Verifier.decode {alg}, same token" + (", cache on" if cache else "")
            if cache:
                target = Target(beat_peers=False, speedup_over=f"verifier/{alg}", min_speedup=5)
            else:
                target = Target(max_ratio=_sig_ratio(alg))
            make = functools.partial(lambda lib, a, c: lib.verifier(a, c), a=alg, c=cache)
            build = _decode_builder(fx, make, functools.partial(tokens.jws, alg))
            specs.append(RowSpec(key, label, target, build))
    return specs


def row_specs(fx: Fixtures) -> list[RowSpec]:
    """Every row, in table order."""
    floor = Floor(fx)
    tokens = _Tokens(fx, floor)
    specs = _jws_specs(fx, tokens)
    for alg, enc in JWE_ROWS:
        encrypt, decrypt = _jwe_builders(fx, tokens, alg, enc)
        ratio = 1.5 if alg == "dir" else 1.15
        specs.append(
            RowSpec(f"jwe-encrypt/{alg}", f"JWE encrypt {alg}+{enc}", Target(ratio), encrypt)
        )
        specs.append(
            RowSpec(f"jwe-decrypt/{alg}", f"JWE decrypt {alg}+{enc}", Target(ratio), decrypt)
        )
    jwks = _decode_builder(fx, lambda lib: lib.jwks_decoder(), tokens.jwks)
    specs.append(RowSpec("decode/jwks", "decode RS256, 10-key JWKS, by kid", Target(), jwks))
    # Remote key sets (benchmarks/_remote.py): the same decode, keys from a warm remote set.
    remote = _decode_builder(fx, functools.partial(remote_decoder, fx), tokens.jwks)
    label = "decode RS256, warm remote JWKS (RemoteKeySet / PyJWKClient)"
    specs.append(RowSpec(REMOTE_ROW, label, remote_target(), remote))
    specs.append(
        RowSpec(
            "import-pem/RSA", "import PEM private key, RSA-2048", Target(), _import_builder("RSA")
        )
    )
    specs.append(
        RowSpec(
            "import-pem/EC", "import PEM private key, EC P-256", Target(), _import_builder("EC")
        )
    )
    specs.extend(_verifier_specs(fx, tokens))
    from ._dpop import dpop_specs  # deferred: it imports RowSpec from here

    specs.extend(dpop_specs())
    from ._integrations import integration_specs  # FastAPI rows (issue 11)

    specs.extend(integration_specs())
    from ._pq_x509 import specs as pq_x509_specs  # ML-DSA and x5c rows (issue 13)

    specs.extend(pq_x509_specs(fx))
    from ._sd_jwt import specs as sd_jwt_specs  # the SD-JWT row (issue 14)

    specs.extend(sd_jwt_specs())
    specs.append(RowSpec(IMPORT_ROW, "import (fresh interpreter)", Target(max_extra_ms=5.0), None))
    # The jotkit command's start-up (issue 12): measured by _cli.measure_cli.
    specs.extend(RowSpec(key, label, target, None) for key, label, target in cli_specs())
    return specs


def _cell(lib: Library | Absent, build: Builder) -> Cell:
    if isinstance(lib, Absent):
        return Cell(status="n/a", detail=lib.reason)
    try:
        return Cell(fn=build(lib))
    except Unsupported as exc:
        return Cell(status="n/a", detail=str(exc))
    except CheckFailed as exc:
        return Cell(status="error", detail=f"check failed: {exc}")
    except Exception as exc:
        return Cell(status="error", detail=f"{type(exc).__name__}: {exc}")


def build_row(spec: RowSpec, libs: list[Library | Absent]) -> Row:
    """Build and check every library's cell for ``spec``."""
    row = Row(spec.key, spec.label, spec.target)
    assert spec.build is not None
    for lib in libs:
        row.cells[lib.name] = _cell(lib, spec.build)
    return row
