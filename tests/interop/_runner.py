"""Fill the matrix: run a section against one peer, both directions, in a few batches.

A cell is ``ok`` when the token (or key) crossed over and came out the same. It is
``unsupported`` only when the peer says so itself, which is verified by trying:

* the peer reports the operation as unsupported (its own "not supported" error), and
  not merely for jotkit's token while it makes such tokens itself; or
* the peer failed, and it cannot generate a key of that type, or cannot make such a
  token either; or
* the peer failed, and it fails on its own material too (its own token, its own key):
  a limitation of the peer, not of jotkit's output.

Anything else is a FAIL: a jotkit bug, or a peer problem still to explain.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from jotkit.jwk import Key

from ._cases import Case, jotkit_make, jotkit_read, payload_for
from ._keys import Keyring
from ._model import (
    FAIL,
    OK,
    PEER_TO_JOTKIT,
    TO_PEER,
    UNSUPPORTED,
    Cell,
    GenerateRequest,
    ImportRequest,
    Outcome,
    Peer,
    Request,
    TokenOp,
    TokenRequest,
    describe,
    material,
)

__all__ = ["run_keys", "run_tokens"]

Format = Literal["jwk", "pem"]
_FORMATS = {"jwk": "JWK", "pem": "PEM"}
# Passwords are not generated key material: nothing to ask a peer to generate.
_NOT_GENERATED = frozenset({"password"})


@dataclass(frozen=True)
class _Pending:
    """A judged cell; for a failure the peer raised, how to check it is the peer's own."""

    cell: Cell
    kind: str
    peer_failed: bool = False
    retry: Request | None = None  # the same operation on the peer's own material


def _fail(cell: Cell, kind: str, detail: str, *, peer_failed: bool = False) -> _Pending:
    return _Pending(replace(cell, status=FAIL, detail=detail), kind, peer_failed)


def _unsupported(cell: Cell, kind: str, detail: str) -> _Pending:
    return _Pending(replace(cell, status=UNSUPPORTED, detail=detail), kind)


def _generate(peer: Peer, kinds: set[str]) -> dict[str, Outcome]:
    ordered = sorted(kinds - _NOT_GENERATED)
    return dict(zip(ordered, peer.run([GenerateRequest(k) for k in ordered]), strict=True))


def _settle(
    peer: Peer, pending: Sequence[_Pending], generated: Mapping[str, Outcome]
) -> list[Cell]:
    """Verify each failure the peer raised: is it a limitation of the peer itself?"""
    retries = [(p, p.retry) for p in pending if p.peer_failed and p.retry is not None]
    answers = peer.run([retry for _, retry in retries])
    own = {id(item): answer for (item, _), answer in zip(retries, answers, strict=True)}
    cells = []
    for item in pending:
        made = generated.get(item.kind)
        answer = own.get(id(item))
        if not item.peer_failed:
            cells.append(item.cell)
        elif made is not None and made.unsupported:
            detail = f"no {item.kind} keys: {made.error}"
            cells.append(replace(item.cell, status=UNSUPPORTED, detail=detail))
        elif answer is not None and not answer.ok:
            detail = f"fails on its own material too: {answer.error}"
            cells.append(replace(item.cell, status=UNSUPPORTED, detail=detail))
        else:
            cells.append(item.cell)
    return cells


# ------------------------------------------------------------------------------ tokens


def _peer_jwks(key: Key) -> tuple[dict[str, Any], dict[str, Any]]:
    """The (private, public) JWKs a peer gets; a secret is both."""
    private = key.to_jwk(private=True)
    return private, private if key.kty == "oct" else key.to_jwk()


def _judge_read(cell: Cell, case: Case, outcome: Outcome) -> _Pending:
    """The peer read jotkit's token: did it get jotkit's payload back?"""
    if outcome.unsupported:
        return _unsupported(cell, case.kind, outcome.error)
    if not outcome.ok:
        detail = f"the peer rejected it: {outcome.error}"
        return _fail(cell, case.kind, detail, peer_failed=True)
    if outcome.value != payload_for(case):
        return _fail(cell, case.kind, "the peer read another payload")
    return _Pending(cell, case.kind)


def _judge_made(cell: Cell, case: Case, keyring: Keyring, outcome: Outcome) -> _Pending:
    """The peer made a token: does jotkit read the peer's payload from it?"""
    if outcome.unsupported:
        return _unsupported(cell, case.kind, outcome.error)
    if not outcome.ok or not isinstance(outcome.value, bytes):
        detail = f"the peer could not make it: {outcome.error}"
        return _fail(cell, case.kind, detail, peer_failed=True)
    try:
        read = jotkit_read(case, keyring, outcome.value)
    except Exception as exc:
        return _fail(cell, case.kind, f"jotkit rejected it: {describe(exc)}")
    if read != payload_for(case):
        return _fail(cell, case.kind, "jotkit read another payload")
    return _Pending(cell, case.kind)


def _own_key_retry(case: Case, op: TokenOp, generated: Outcome | None) -> Request | None:
    """Make the token with the peer's own generated key instead of jotkit's."""
    if generated is None or not isinstance(generated.value, Mapping):
        return None
    exported = generated.value
    wanted = "jwk" if op == "sign" or "public_jwk" not in exported else "public_jwk"
    return TokenRequest(op, case.alg, case.enc, exported[wanted], payload_for(case))


def _second_look(
    item: _Pending, case: Case, request: TokenRequest, own: Outcome, generated: Outcome | None
) -> _Pending:
    """Check a peer's refusal against what it does with its own token (``own``) and key."""
    reading = request.op in ("verify", "decrypt")
    if reading and item.cell.status == UNSUPPORTED and own.ok:
        # "Not supported" for jotkit's token but not for its own: something in jotkit's
        # token (a header member, say) is what the peer refuses.
        detail = f"the peer makes such tokens but refused jotkit's: {item.cell.detail}"
        return _fail(item.cell, case.kind, detail)
    if not item.peer_failed:
        return item
    if not reading:
        return replace(item, retry=_own_key_retry(case, request.op, generated))
    if own.unsupported:  # it cannot read what it says it cannot make
        return _unsupported(item.cell, case.kind, f"cannot make such tokens either: {own.error}")
    retry = replace(request, data=own.value) if isinstance(own.value, bytes) else None
    return replace(item, retry=retry)


def run_tokens(peer: Peer, cases: Sequence[Case], keyring: Keyring) -> list[Cell]:
    """Every case in both directions: jotkit's token read by the peer, and the reverse."""
    failed: list[Cell] = []
    requests: list[TokenRequest] = []
    slots: list[tuple[Case, str]] = []
    for case in cases:
        private, public = _peer_jwks(keyring.private(case.kind))
        signing = case.enc is None
        make_op: TokenOp = "sign" if signing else "encrypt"
        read_op: TokenOp = "verify" if signing else "decrypt"
        try:
            token = jotkit_make(case, keyring, payload_for(case)).encode("ascii")
        except Exception as exc:
            cell = Cell(case.section, case.row, peer.name, TO_PEER, FAIL)
            failed.append(replace(cell, detail=f"jotkit could not make it: {describe(exc)}"))
        else:
            read_key = public if signing else private
            requests.append(TokenRequest(read_op, case.alg, case.enc, read_key, token))
            slots.append((case, TO_PEER))
        make_key = private if signing else public
        requests.append(TokenRequest(make_op, case.alg, case.enc, make_key, payload_for(case)))
        slots.append((case, PEER_TO_JOTKIT))
    outcomes = peer.run(requests)
    made_by_peer = {
        case: outcome
        for (case, direction), outcome in zip(slots, outcomes, strict=True)
        if direction == PEER_TO_JOTKIT
    }
    judged = []
    for (case, direction), outcome in zip(slots, outcomes, strict=True):
        cell = Cell(case.section, case.row, peer.name, direction, OK)
        if direction == TO_PEER:
            judged.append((case, _judge_read(cell, case, outcome)))
        else:
            judged.append((case, _judge_made(cell, case, keyring, outcome)))
    generated = _generate(peer, {item.kind for _, item in judged if item.peer_failed})
    pending = [
        _second_look(item, case, request, made_by_peer[case], generated.get(case.kind))
        for (case, item), request in zip(judged, requests, strict=True)
    ]
    return failed + _settle(peer, pending, generated)


# -------------------------------------------------------------------------------- keys


def _formats(key: Key) -> tuple[Format, ...]:
    return ("jwk",) if key.kty == "oct" else ("jwk", "pem")


def _imports(key: Key, kind: str, fmt: Format) -> list[ImportRequest]:
    """jotkit's private and public export of ``key`` in ``fmt``, for the peer to import."""
    requests = []
    for private in (True,) if key.kty == "oct" else (True, False):
        exported = key.to_jwk(private=private) if fmt == "jwk" else key.to_pem(private=private)
        requests.append(ImportRequest(kind, fmt, private, exported))
    return requests


_EXPORT_NAMES = {("jwk", True): "jwk", ("jwk", False): "public_jwk"}
_EXPORT_NAMES |= {("pem", True): "pkcs8", ("pem", False): "spki"}


def _judge_import(
    cell: Cell, key: Key, results: Sequence[tuple[ImportRequest, Outcome]], made: Outcome
) -> _Pending:
    """The peer imported jotkit's exports (private and public): the same key material?"""
    for request, outcome in results:
        what = f"{'private' if request.private else 'public'} {_FORMATS[request.fmt]}"
        if outcome.unsupported:
            return _unsupported(cell, request.kind, outcome.error)
        if not outcome.ok or not isinstance(outcome.value, Mapping):
            own = made.value if isinstance(made.value, Mapping) else {}
            name = _EXPORT_NAMES[request.fmt, request.private]
            retry = replace(request, key=own[name]) if name in own else None
            detail = f"the peer rejected the {what}: {outcome.error}"
            return replace(_fail(cell, request.kind, detail, peer_failed=True), retry=retry)
        if material(outcome.value) != material(key.to_jwk(private=request.private)):
            return _fail(cell, request.kind, f"the peer imported the {what} as another key")
    return _Pending(cell, results[0][0].kind)


def _judge_export(cell: Cell, kind: str, fmt: Format, outcome: Outcome) -> _Pending:
    """jotkit imported the peer's own key (private and public): the same key material?"""
    if outcome.unsupported:
        return _unsupported(cell, kind, outcome.error)
    if not outcome.ok or not isinstance(outcome.value, Mapping):
        return _fail(cell, kind, f"the peer could not make one: {outcome.error}")
    exported = outcome.value
    for private in (True, False):
        name = _EXPORT_NAMES[fmt, private]
        if name not in exported:  # a secret has no public half and no PEM
            continue
        try:
            data = exported[name]
            key = Key.from_jwk(data) if fmt == "jwk" else Key.from_pem(data)
            mine = material(key.to_jwk(private=private))
        except Exception as exc:
            return _fail(cell, kind, f"jotkit rejected the peer's {name}: {describe(exc)}")
        if mine != material(exported[_EXPORT_NAMES["jwk", private]]):
            return _fail(cell, kind, f"jotkit imported the peer's {name} as another key")
    return _Pending(cell, kind)


def run_keys(peer: Peer, kinds: Sequence[str], keyring: Keyring) -> list[Cell]:
    """Keys exported by jotkit imported by the peer, and keys made by the peer imported by
    jotkit, as JWK and PEM (PKCS#8 and SubjectPublicKeyInfo), private and public."""
    imports = {
        (kind, fmt): _imports(keyring.private(kind), kind, fmt)
        for kind in kinds
        for fmt in _formats(keyring.private(kind))
    }
    requests: list[Request] = [r for batch in imports.values() for r in batch]
    generated = _generate(peer, set(kinds))
    outcomes = iter(peer.run(requests))
    pending = []
    for (kind, fmt), batch in imports.items():
        row = (kind, _FORMATS[fmt])
        results = [(request, next(outcomes)) for request in batch]
        key = keyring.private(kind)
        cell = Cell("Keys", row, peer.name, TO_PEER, OK)
        pending.append(_judge_import(cell, key, results, generated[kind]))
        cell = Cell("Keys", row, peer.name, PEER_TO_JOTKIT, OK)
        pending.append(_judge_export(cell, kind, fmt, generated[kind]))
    return _settle(peer, pending, generated)
