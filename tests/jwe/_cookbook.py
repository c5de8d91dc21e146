"""Read an RFC 7520 section 5 (JOSE cookbook) JWE example, decrypt it, or reproduce it."""

from __future__ import annotations

from typing import Any

from jotkit._b64 import b64decode
from jotkit.jwe import Recipient, encrypt_compact, encrypt_json
from jotkit.jwe._fixed import FixedRandomness
from jotkit.jwk import Key
from tests._vectors import VECTORS, load_json

__all__ = ["SERIALIZATIONS", "Example", "example_paths"]

SERIALIZATIONS = ("compact", "json", "json_flat")


def example_paths() -> list[str]:
    """The cookbook's JWE examples, 5.1 to 5.13, by path relative to the vectors."""
    folder = VECTORS / "ietf-jose-cookbook" / "jwe"
    paths = [f"ietf-jose-cookbook/jwe/{p.name}" for p in folder.glob("5_*.json")]
    return sorted(paths, key=lambda p: int(p.split("/")[-1].split(".")[0].split("_")[1]))


def section(path: str) -> str:
    """'5.10' for '.../5_10.including_...json'."""
    return path.split("/")[-1].split(".")[0].replace("_", ".")


class Example:
    """One cookbook JWE example (``input``, ``generated``, ``encrypting_*``, ``output``)."""

    def __init__(self, path: str) -> None:
        data: dict[str, Any] = load_json(path)
        self.section = section(path)
        self.input: dict[str, Any] = data["input"]
        self.generated: dict[str, Any] = data["generated"]
        self.encrypting_key: Any = data.get("encrypting_key")
        self.content: dict[str, Any] = data["encrypting_content"]
        self.output: dict[str, Any] = data["output"]
        self.plaintext: bytes = self.input["plaintext"].encode("utf-8")

    @property
    def protected(self) -> dict[str, Any] | None:
        """The protected header as the example built it (member order kept)."""
        protected: dict[str, Any] | None = self.content.get("protected")
        return protected

    @property
    def unprotected(self) -> dict[str, Any] | None:
        """The shared unprotected header, if any."""
        unprotected: dict[str, Any] | None = self.content.get("unprotected")
        return unprotected

    @property
    def enc(self) -> str:
        """The enc, from the header (5.13's ``input.enc`` has a typo, README defect 7)."""
        header = self.protected or self.unprotected or {}
        enc: str = header["enc"]
        return enc

    @property
    def algs(self) -> list[str]:
        """The key management algorithm(s)."""
        alg = self.input["alg"]
        return list(alg) if isinstance(alg, list) else [alg]

    def decryption_keys(self) -> list[Key | bytes]:
        """The recipients' private keys (or the PBES2 password), in recipient order."""
        if "pwd" in self.input:
            return [self.input["pwd"].encode("utf-8")]
        jwks = self.input["key"]
        return [Key.from_jwk(jwk) for jwk in (jwks if isinstance(jwks, list) else [jwks])]

    def encryption_key(self) -> Key | bytes:
        """The single recipient's public key (or secret, or password)."""
        key = self.decryption_keys()[0]
        return key.public() if isinstance(key, Key) and key.kty != "oct" else key

    def fixed(self) -> FixedRandomness:
        """The example's CEK, IV, ephemeral key and key-wrap IV, for byte-exact output."""
        generated, wrapping = self.generated, self.encrypting_key or {}
        cek = generated.get("cek")
        epk = wrapping.get("epk")
        wrap_iv = wrapping.get("iv")
        return FixedRandomness(
            cek=None if cek is None or self.algs[0] in ("dir", "ECDH-ES") else b64decode(cek),
            iv=b64decode(generated["iv"]),
            ephemeral=[Key.from_jwk(epk)] if epk else [],
            wrap_iv=[b64decode(wrap_iv)] if wrap_iv else [],
        )

    def aad(self) -> bytes | None:
        """The JWE AAD of 5.10, else None."""
        aad: str | None = self.input.get("aad")
        return None if aad is None else aad.encode("utf-8")

    def reproduce_compact(self) -> str:
        """Encrypt with the example's randomness; the result must equal ``output.compact``."""
        return encrypt_compact(
            self.plaintext,
            self.encryption_key(),
            alg=self.algs[0],
            enc=self.enc,
            headers=self.protected,
            zip=self.input.get("zip"),
            _fixed=self.fixed(),
        )

    def reproduce_json(self, *, flattened: bool) -> dict[str, Any]:
        """Encrypt as JSON with the example's randomness and header split."""
        return encrypt_json(
            self.plaintext,
            [Recipient(self.encryption_key(), self.algs[0])],
            enc=self.enc,
            protected=self.protected,
            unprotected=self.unprotected,
            aad=self.aad(),
            zip=self.input.get("zip"),
            flattened=flattened,
            _fixed=self.fixed(),
        )
