"""``ClaimsPolicy`` is the one definition of the policy keywords: every entry point takes
them (or ``policy=``), and ``help()`` shows each with its meaning."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

import jotkit
from jotkit import Key, jwt
from jotkit.errors import InvalidClaimError
from jotkit.jwt import _policy
from jotkit.jwt._policy import POLICY_DOCS, ClaimsPolicy

from ._helpers import AUDIENCE, ISSUER, NOW

SECRET = Key.from_secret(b"p" * 32)
CLAIMS = {"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "exp": NOW + 60}
ENTRY_POINTS: list[Callable[..., Any]] = [
    jotkit.decode,
    jotkit.decode_complete,
    jwt.Verifier,
    jwt.decrypt,
    jwt.decode_nested,
    jwt.decode_unsecured,
]
IDS = ["decode", "decode_complete", "Verifier", "decrypt", "decode_nested", "decode_unsecured"]


def _tokens() -> dict[str, Callable[..., Any]]:
    """One call per entry point, each given a token of its kind and ``**policy``."""
    signed = jwt.encode(CLAIMS, SECRET, alg="HS256")
    dir_key = Key.from_secret(b"d" * 32)
    encrypted = jwt.encrypt(CLAIMS, dir_key, key_alg="dir", enc="A256GCM")
    nested = jwt.encode_nested(CLAIMS, SECRET, dir_key, alg="HS256", key_alg="dir", enc="A256GCM")
    unsecured = jwt.encode_unsecured(CLAIMS)
    jwe_args: dict[str, Any] = {"key_algorithms": ["dir"], "encryptions": ["A256GCM"]}
    return {
        "decode": lambda **p: jotkit.decode(signed, SECRET, algorithms=["HS256"], **p),
        "decode_complete": lambda **p: (
            jotkit.decode_complete(signed, SECRET, algorithms=["HS256"], **p).claims
        ),
        "Verifier": lambda **p: jwt.Verifier(SECRET, algorithms=["HS256"], **p).decode(signed),
        "decrypt": lambda **p: jwt.decrypt(encrypted, dir_key, **jwe_args, **p),
        "decode_nested": lambda **p: jwt.decode_nested(
            nested, dir_key, SECRET, algorithms=["HS256"], **jwe_args, **p
        ),
        "decode_unsecured": lambda **p: jwt.decode_unsecured(unsecured, **p),
    }


class TestOneDefinition:
    """Names, types, docs and accepted keywords come from one place."""

    def test_docs_cover_the_typed_keywords(self) -> None:
        """POLICY_DOCS names exactly the keys of PolicyArgs (a typing-only class, read
        from the module's source), in order."""
        import ast
        from pathlib import Path

        tree = ast.parse(Path(_policy.__file__).read_text(encoding="utf-8"))
        (typed,) = [
            node for node in ast.walk(tree)
            if isinstance(node, ast.ClassDef) and node.name == "PolicyArgs"
        ]  # fmt: skip
        names = [
            item.target.id
            for item in typed.body
            if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
        ]
        assert names == list(POLICY_DOCS)

    @pytest.mark.parametrize("name", list(POLICY_DOCS))
    def test_every_keyword_is_accepted(self, name: str) -> None:
        """ClaimsPolicy takes each documented keyword (with its default value)."""
        defaults: dict[str, Any] = {"leeway": 0, "required": ()}
        given: dict[str, Any] = {name: defaults.get(name)}
        ClaimsPolicy(**given)

    def test_unknown_keyword(self) -> None:
        """A misspelt keyword is a TypeError naming it, at every entry point."""
        with pytest.raises(TypeError, match="'issuer_'"):
            ClaimsPolicy(issuer_="x")  # type: ignore[call-arg]
        for call in _tokens().values():
            with pytest.raises(TypeError, match="'audiance'"):
                call(audiance=AUDIENCE)

    @pytest.mark.parametrize("entry", ENTRY_POINTS, ids=IDS)
    def test_help_lists_every_keyword(self, entry: Callable[..., Any]) -> None:
        """help() of each entry point shows every policy keyword with its meaning."""
        doc = entry.__doc__ or ""
        assert "policy=ClaimsPolicy(...)" in doc
        (head,) = [line for line in doc.splitlines() if "policy=ClaimsPolicy(...)" in line]
        indent = len(head) - len(head.lstrip())
        for name, text in POLICY_DOCS.items():
            assert f"\n{' ' * (indent + 4)}{name}: " in doc, name
            assert " ".join(doc.split()).count(" ".join(text.split())) == 1, name

    @pytest.mark.parametrize(
        "doc",
        [
            "Decode.\n\n    Args:\n        **options: the claims policy.\n    ",
            "Decode.\n\nArgs:\n    **options: the claims policy.\n",  # as Python 3.13 compiles it
        ],
        ids=["indented", "dedented"],
    )
    def test_marker_at_any_indentation(self, doc: str) -> None:
        """The keywords go under the marker's own indentation, one level deeper."""

        def entry() -> None:
            pass

        entry.__doc__ = doc
        _policy.with_policy_docs(entry)
        lines = (entry.__doc__ or "").splitlines()
        (at,) = [i for i, line in enumerate(lines) if "policy=ClaimsPolicy(...)" in line]
        indent = len(lines[at]) - len(lines[at].lstrip())
        listed = lines[at + 1 : at + 1 + len(POLICY_DOCS)]
        assert [line[: indent + 4].strip() for line in listed] == [""] * len(POLICY_DOCS)
        assert [line.split(":")[0].strip() for line in listed] == list(POLICY_DOCS)

    def test_marker_missing(self) -> None:
        """A decorated entry point without the marker is a mistake found at import."""

        def entry() -> None:
            """Decode."""

        with pytest.raises(AssertionError, match="not one policy marker"):
            _policy.with_policy_docs(entry)

    def test_import_without_docstrings(self) -> None:
        """``python -OO`` strips docstrings: jotkit still imports and decodes."""
        code = (
            "import jotkit\n"
            "key = jotkit.Key.from_secret(b'p' * 32)\n"
            "token = jotkit.encode({'sub': 'a'}, key, alg='HS256')\n"
            "assert jotkit.decode(token, key, algorithms=['HS256']) == {'sub': 'a'}\n"
            "assert jotkit.decode.__doc__ is None\n"
        )
        done = subprocess.run(
            [sys.executable, "-OO", "-c", code], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr


class TestEveryEntryPoint:
    """Each entry point applies the keywords, and accepts policy= instead."""

    @pytest.mark.parametrize("name", IDS)
    def test_keywords_apply(self, name: str) -> None:
        """The policy keywords are applied (a wrong subject is refused)."""
        call = _tokens()[name]
        assert call(issuer=ISSUER, audience=AUDIENCE, now=NOW)["sub"] == "alice"
        with pytest.raises(InvalidClaimError):
            call(issuer=ISSUER, audience=AUDIENCE, subject="bob", now=NOW)

    @pytest.mark.parametrize("name", IDS)
    def test_policy_object(self, name: str) -> None:
        """policy=ClaimsPolicy(...) works in place of the keywords, and not with them."""
        call = _tokens()[name]
        good = ClaimsPolicy(issuer=ISSUER, audience=AUDIENCE, now=NOW)
        assert call(policy=good)["sub"] == "alice"
        with pytest.raises(InvalidClaimError):
            call(policy=ClaimsPolicy(issuer=ISSUER, audience=AUDIENCE, subject="bob", now=NOW))
        with pytest.raises(TypeError, match="not both"):
            call(policy=good, leeway=5)
        with pytest.raises(TypeError, match="ClaimsPolicy"):
            call(policy={"issuer": ISSUER})


class TestRenamedAlgorithmKeywords:
    """The JWE key-management algorithm has one name across the JWT layer."""

    def test_new_names(self) -> None:
        """encrypt(key_alg=) and decrypt(key_algorithms=), like the nested functions."""
        key = Key.from_secret(b"d" * 32)
        token = jwt.encrypt(CLAIMS, key, key_alg="dir", enc="A256GCM")
        claims = jwt.decrypt(
            token, key, key_algorithms=["dir"], encryptions=["A256GCM"], issuer=ISSUER,
            audience=AUDIENCE, now=NOW,
        )  # fmt: skip
        assert claims == CLAIMS

    def test_old_names_still_work_with_a_warning(self) -> None:
        """alg= and algorithms= still work, with a DeprecationWarning naming the new one."""
        key = Key.from_secret(b"d" * 32)
        with pytest.warns(DeprecationWarning, match="key_alg="):
            token = jwt.encrypt(CLAIMS, key, alg="dir", enc="A256GCM")
        with pytest.warns(DeprecationWarning, match="key_algorithms="):
            claims = jwt.decrypt(
                token, key, algorithms=["dir"], encryptions=["A256GCM"], issuer=ISSUER,
                audience=AUDIENCE, now=NOW,
            )  # fmt: skip
        assert claims == CLAIMS

    def test_both_or_neither(self) -> None:
        """Both names, or neither, is a TypeError."""
        key = Key.from_secret(b"d" * 32)
        with pytest.raises(TypeError, match="only"):
            jwt.encrypt(CLAIMS, key, key_alg="dir", alg="dir", enc="A256GCM")
        with pytest.raises(TypeError, match="required"):
            jwt.encrypt(CLAIMS, key, enc="A256GCM")
        with pytest.raises(TypeError, match="required"):
            jwt.decrypt("a.b.c.d.e", key, encryptions=["A256GCM"])
