"""Shared by the SD-JWT tests: the vectors' YAML (with its ``!sd`` tag), their keys and
settings, and the pointers a case's ``holder_disclosed_claims`` select.

The format is described in section 6 of the vectors README: ``!sd`` on a mapping key
makes that member disclosable, on a sequence element that element; a tagged scalar
keeps the type YAML 1.1 gives it untagged (a quoted one stays a string).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from jotkit import Key
from jotkit.profiles.sd_jwt import SD
from tests._vectors import VECTORS

__all__ = [
    "CASES",
    "EXAMPLES",
    "RFC_EXAMPLES",
    "Case",
    "load_case",
    "pointers",
    "revealed",
]

PYTHON = VECTORS / "sd-jwt-python"
OAUTH = VECTORS / "oauth-sd-jwt"
CASES = sorted(p.parent.name for p in (PYTHON / "testcases").glob("*/specification.yml"))
EXAMPLES = sorted(p.parent.name for p in (PYTHON / "examples").glob("*/specification.yml"))
RFC_EXAMPLES = sorted(p.parent.name for p in (OAUTH / "examples").glob("*/specification.yml"))


class _Tagged:
    """A value under ``!sd``; hashable when the value is (tagged mapping keys are)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __hash__(self) -> int:
        return hash(self.value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Tagged) and other.value == self.value


class _Loader(yaml.SafeLoader):
    """SafeLoader plus the ``!sd`` tag."""


def _construct_sd(loader: _Loader, node: yaml.Node) -> _Tagged:
    if isinstance(node, yaml.ScalarNode):
        if node.style in ("'", '"'):
            return _Tagged(loader.construct_scalar(node))
        tag = loader.resolve(yaml.ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
        plain = yaml.ScalarNode(tag, node.value, node.start_mark, node.end_mark)
        return _Tagged(loader.construct_object(plain, deep=True))
    if isinstance(node, yaml.SequenceNode):
        return _Tagged(loader.construct_sequence(node, deep=True))
    assert isinstance(node, yaml.MappingNode)
    return _Tagged(loader.construct_mapping(node, deep=True))


_Loader.add_constructor("!sd", _construct_sd)


def _marked(value: Any) -> Any:
    """The YAML's tagged values as ``SD`` markers, at any depth."""
    if isinstance(value, _Tagged):
        return SD(_marked(value.value))
    if isinstance(value, dict):
        return {
            (k.value if isinstance(k, _Tagged) else k): (
                SD(_marked(v)) if isinstance(k, _Tagged) else _marked(v)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_marked(v) for v in value]
    return value


def load_yaml(path: Path) -> Any:
    """Parse one of the vectors' YAML files, ``!sd`` tags as ``SD`` markers."""
    with path.open(encoding="utf-8") as stream:
        return _marked(yaml.load(stream, Loader=_Loader))


class Case:
    """One specification.yml with the settings it runs under."""

    def __init__(self, folder: Path) -> None:
        self.name = folder.name
        self.spec: dict[str, Any] = load_yaml(folder / "specification.yml")
        settings: dict[str, Any] = load_yaml(folder.parent / "settings.yml")
        override = self.spec.get("settings_override") or {}
        settings = {**settings, **override}
        self.settings = settings
        keys = settings["key_settings"]
        self.issuer_keys = [Key.from_jwk(jwk) for jwk in keys["issuer_keys"]]
        self.holder_key = Key.from_jwk(keys["holder_key"])
        self.issuer: str = settings["identifiers"]["issuer"]
        self.verifier: str = settings["identifiers"]["verifier"]
        self.nonce: str = settings["key_binding_nonce"]
        self.key_binding = bool(self.spec.get("key_binding", False))
        self.serialization = self.spec.get("serialization_format", "compact")

    @property
    def user_claims(self) -> dict[str, Any]:
        return dict(self.spec["user_claims"])

    @property
    def expected(self) -> dict[str, Any] | None:
        expected = self.spec.get("expect_verified_user_claims")
        return None if expected is None else dict(expected)


def load_case(kind: str, name: str) -> Case:
    """A case of ``sd-jwt-python/testcases``, ``sd-jwt-python/examples`` or
    ``oauth-sd-jwt/examples``."""
    root = {"testcases": PYTHON / "testcases", "examples": PYTHON / "examples"}.get(
        kind, OAUTH / "examples"
    )
    return Case(root / name)


def _escape(token: str | int) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def pointers(claims: Any, selected: Any, prefix: str = "") -> list[str]:
    """The JSON pointers for a case's ``holder_disclosed_claims`` over its user claims.

    A false value withholds; any other value discloses the element; a mapping or a
    sequence selects inside. Array positions are those of the fully disclosed claims.
    """
    found: list[str] = []
    if isinstance(claims, SD):
        claims = claims.value
    if isinstance(selected, dict) and isinstance(claims, dict):
        for name, choice in selected.items():
            if name in claims and choice is not False:
                found += _select(claims[name], choice, f"{prefix}/{_escape(name)}")
    elif isinstance(selected, list) and isinstance(claims, list):
        for position, choice in enumerate(selected):
            if position < len(claims) and choice is not False:
                found += _select(claims[position], choice, f"{prefix}/{position}")
    return found


def _select(claim: Any, choice: Any, pointer: str) -> list[str]:
    inner = claim.value if isinstance(claim, SD) else claim
    if isinstance(choice, dict | list) and isinstance(inner, dict | list):
        below = pointers(inner, choice, pointer)
        # Nothing selected inside: a disclosable container is disclosed (with what is
        # under it, as its pointer says); a plain one needs no Disclosure at all.
        return below or ([pointer] if isinstance(claim, SD) else [])
    return [pointer]


def revealed(claims: Any, chosen: list[str], path: str = "") -> Any:
    """What a verifier must see when the holder discloses the pointers ``chosen``: the
    test's own model of the selection rule, computed from the ``SD``-marked claims.

    A disclosable claim is shown when a chosen pointer lies on its path (a parent
    needed) or under it; plain claims are always shown.
    """

    def shown(where: str) -> bool:
        return (
            any(
                p == where or p.startswith(where + "/") or where.startswith(p + "/") for p in chosen
            )
            or "" in chosen
        )

    if isinstance(claims, dict):
        out = {}
        for name, value in claims.items():
            where = f"{path}/{_escape(name)}"
            if isinstance(value, SD):
                if shown(where):
                    out[name] = revealed(value.value, chosen, where)
            else:
                out[name] = revealed(value, chosen, where)
        return out
    if isinstance(claims, list):
        result = []
        for position, value in enumerate(claims):
            where = f"{path}/{position}"
            if isinstance(value, SD):
                if shown(where):
                    result.append(revealed(value.value, chosen, where))
            else:
                result.append(revealed(value, chosen, where))
        return result
    return claims
