"""Read a JOSE cookbook JWS example and verify or reproduce one of its serializations."""

from __future__ import annotations

from typing import Any

from jotkit.jwk import Key
from jotkit.jws import Signer, VerifiedJWS, sign_compact, sign_json, verify_compact, verify_json
from tests._vectors import load_json

__all__ = ["SERIALIZATIONS", "Example", "load_example"]

SERIALIZATIONS = ("compact", "json", "json_flat")


class Example:
    """One single-signer cookbook JWS example (``input``, ``signing``, ``output``)."""

    def __init__(self, relpath: str) -> None:
        data: dict[str, Any] = load_json(relpath)
        self.relpath = relpath
        self.alg: str = data["input"]["alg"]
        self.payload: bytes = data["input"]["payload"].encode("utf-8")
        self.jwk: dict[str, Any] = data["input"]["key"]
        self.signing: dict[str, Any] = data["signing"]
        self.output: dict[str, Any] = data["output"]

    @property
    def signing_key(self) -> Key:
        """The example's key, as given (private)."""
        return Key.from_jwk(self.jwk)

    @property
    def verifying_key(self) -> Key:
        """The public half of the key (the secret itself for oct)."""
        key = self.signing_key
        return key if key.kty == "oct" else key.public()

    @property
    def b64(self) -> bool:
        """Whether the payload is base64url-encoded (RFC 7797)."""
        protected: dict[str, Any] = self.signing.get("protected") or {}
        return bool(protected.get("b64", True))

    def detached(self, serialization: str) -> bool:
        """Whether this serialization leaves the payload out (RFC 7515 appendix F)."""
        output = self.output[serialization]
        if serialization == "compact":
            return bool(output.split(".")[1] == "" and self.payload)
        return "payload" not in output

    def verify(self, serialization: str, key: Key | None = None) -> VerifiedJWS:
        """Verify one serialization with the verifying key and the example's alg only."""
        key = key or self.verifying_key
        output = self.output[serialization]
        detached = self.payload if self.detached(serialization) else None
        if serialization == "compact":
            return verify_compact(output, key, algorithms=[self.alg], detached_payload=detached)
        return verify_json(output, key, algorithms=[self.alg], detached_payload=detached)

    def sign(self, serialization: str) -> Any:
        """Sign the payload again, asking for the example's headers."""
        detached = self.detached(serialization)
        if serialization == "compact":
            return sign_compact(
                self.payload,
                self.signing_key,
                alg=self.alg,
                headers=self.signing.get("protected"),
                detached=detached,
                b64=self.b64,
            )
        signer = Signer(
            self.signing_key,
            alg=self.alg,
            protected=self.signing.get("protected"),
            unprotected=self.signing.get("unprotected", {}),
        )
        return sign_json(
            self.payload,
            [signer],
            flattened=serialization == "json_flat",
            detached=detached,
            b64=self.b64,
        )


def load_example(relpath: str) -> Example:
    """Load a cookbook example by its path under the vectors folder."""
    return Example(relpath)
