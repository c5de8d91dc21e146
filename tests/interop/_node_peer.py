"""panva's ``jose`` on Node as a peer: installed from the npm registry, driven in batches.

``node/package.json`` and ``node/package-lock.json`` pin ``jose``; :func:`install` runs
``npm ci`` into ``node/node_modules`` (git-ignored) when the installed version does not
match the lock. ``node/peer.mjs`` answers one JSON array of requests per process.
Without Node 20+ or npm the suite fails: interoperability must be proven, not skipped.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ._keys import KINDS
from ._model import (
    ImportRequest,
    Outcome,
    Request,
    TokenRequest,
    describe_error,
)

__all__ = ["NODE_DIR", "NodePeer", "NodeSetupError", "install", "jose_version"]

NODE_DIR = Path(__file__).resolve().parent / "node"
SCRIPT = NODE_DIR / "peer.mjs"
MIN_NODE_MAJOR = 20
INSTALL_TIMEOUT = 600
RUN_TIMEOUT = 600

# jose's own "not supported" error, and WebCrypto's for algorithms the runtime lacks.
_UNSUPPORTED_CODES = frozenset({"ERR_JOSE_NOT_SUPPORTED"})
_UNSUPPORTED_NAMES = frozenset({"NotSupportedError"})


class NodeSetupError(RuntimeError):
    """Node or npm is missing, too old, or ``npm ci`` failed."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def jose_version(where: Path) -> str | None:
    """The ``jose`` version in ``where`` (a package-lock.json or an installed package.json)."""
    if not where.is_file():
        return None
    data = json.loads(where.read_text(encoding="utf-8"))
    if where.name == "package-lock.json":
        return str(data["packages"]["node_modules/jose"]["version"])
    return str(data["version"])


def _installed() -> bool:
    locked = jose_version(NODE_DIR / "package-lock.json")
    return locked is not None and locked == jose_version(
        NODE_DIR / "node_modules" / "jose" / "package.json"
    )


def _run(argv: list[str], *, timeout: int, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(
            argv, cwd=NODE_DIR, input=stdin, capture_output=True, timeout=timeout, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NodeSetupError(f"{argv[0]} failed: {exc}") from exc
    if done.returncode != 0:
        stderr = done.stderr.decode("utf-8", "replace").strip()
        raise NodeSetupError(f"{' '.join(argv)} exited with {done.returncode}: {stderr}")
    return done.stdout


def install() -> str:
    """Make sure Node 20+ and the locked ``jose`` are present; return the node executable.

    Raises:
        NodeSetupError: Node or npm missing or too old, or the npm install failed.
    """
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        raise NodeSetupError("the interop suite needs Node.js 20+ and npm on PATH")
    version = _run([node, "--version"], timeout=60).decode("ascii").strip()
    major = int(version.lstrip("v").split(".")[0])
    if major < MIN_NODE_MAJOR:
        raise NodeSetupError(f"the interop suite needs Node.js {MIN_NODE_MAJOR}+, not {version}")
    if not _installed():
        # npm ci installs exactly the lock; --ignore-scripts: no install hooks run.
        _run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"], timeout=INSTALL_TIMEOUT)
        if not _installed():
            raise NodeSetupError("npm ci did not install the locked jose version")
    return node


def _encode(request: Request) -> dict[str, Any]:
    if isinstance(request, TokenRequest):
        message: dict[str, Any] = {
            "op": request.op,
            "alg": request.alg,
            "enc": request.enc,
            "key": dict(request.jwk),
        }
        if request.op in ("sign", "encrypt"):
            message["payload"] = _b64encode(request.data)
        else:
            message["token"] = request.data.decode("ascii")
        return message
    kind = KINDS[request.kind]
    if isinstance(request, ImportRequest):
        key = request.key
        return {
            "op": "import",
            "alg": kind.alg,
            "format": request.fmt,
            "private": request.private,
            "key": key.decode("ascii") if isinstance(key, bytes) else dict(key),
        }
    return {"op": "generate", "alg": kind.alg, "crv": kind.crv if kind.kty == "OKP" else None}


def _decode(request: Request, response: Mapping[str, Any]) -> Outcome:
    if not response.get("ok"):
        code, name = response.get("code"), str(response.get("name"))
        return Outcome(
            error=describe_error(str(code or name), str(response.get("message", ""))),
            unsupported=code in _UNSUPPORTED_CODES or name in _UNSUPPORTED_NAMES,
        )
    if isinstance(request, TokenRequest):
        if request.op in ("sign", "encrypt"):
            return Outcome(value=str(response["token"]).encode("ascii"))
        return Outcome(value=_b64decode(str(response["payload"])))
    if isinstance(request, ImportRequest):
        jwk: Mapping[str, Any] = response["jwk"]
        return Outcome(value=jwk)
    exported = {"jwk": response["jwk"]}
    for name, pem in (("public_jwk", None), ("pkcs8", "pem"), ("spki", "pem")):
        if name in response:
            value = response[name]
            exported[name] = value.encode("ascii") if pem else value
    return Outcome(value=exported)


class NodePeer:
    """``jose`` on Node: one ``node peer.mjs`` process per batch of requests."""

    name = "jose (Node)"

    def __init__(self, node: str) -> None:
        self._node = node

    def run(self, requests: Sequence[Request]) -> list[Outcome]:
        """Send the whole batch to one Node process.

        Raises:
            NodeSetupError: the Node process itself failed (not a failed request).
        """
        if not requests:
            return []
        stdin = json.dumps([_encode(r) for r in requests]).encode("utf-8")
        stdout = _run([self._node, str(SCRIPT)], timeout=RUN_TIMEOUT, stdin=stdin)
        responses = json.loads(stdout)
        if not isinstance(responses, list) or len(responses) != len(requests):
            raise NodeSetupError("the Node peer answered a different number of requests")
        return [_decode(req, resp) for req, resp in zip(requests, responses, strict=True)]
