"""The JWE caches, each an ``LRU``: parsed protected headers and resolved allow-lists
(``jwe/_header.py``), encoded protected headers (``jwe/_core.py``). Bounded, least
recently used out first, copied out, never a way around a check, and safe under threads
that really interleave (issue 9: the FIFO dicts they replace raised ``RuntimeError``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from jotkit import Key, _json, jwe
from jotkit._b64 import b64encode_str
from jotkit._limits import Limits
from jotkit.errors import DecryptionError, ExceededLimitError, JotkitError
from jotkit.jwe import _core, _header

from ._helpers import run_threads

KEY = b"k" * 16
JUNK = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def _segment(header: dict[str, Any]) -> str:
    return b64encode_str(_json.dumps(header))


def _forged(index: object) -> str:
    """The issue's forged token: a distinct header, junk key, IV, ciphertext and tag."""
    head = _segment({"alg": "A128KW", "enc": "A128GCM", "kid": str(index)})
    return ".".join((head, JUNK, "AAAAAAAAAAAAAAAA", JUNK, "AAAAAAAAAAAAAAAAAAAAAA"))


def _decrypt(token: str, key: Any = KEY, **options: Any) -> jwe.DecryptedJWE:
    return jwe.decrypt_compact(
        token, key, algorithms=["A128KW", "ECDH-ES"], encryptions=["A128GCM"], **options
    )


def _encrypt(headers: dict[str, Any] | None = None, key: Any = KEY, alg: str = "A128KW") -> str:
    return jwe.encrypt_compact(b"hello", key, alg=alg, enc="A128GCM", headers=headers)


@pytest.fixture(autouse=True)
def _empty_caches() -> Iterator[None]:
    """Each test starts from, and leaves, empty module caches."""
    caches = (_header._HEADER_CACHE, _header._ALLOW_CACHE, _core._PROTECTED)
    for cache in caches:
        cache.clear()
    yield
    for cache in caches:
        cache.clear()


class TestParsedHeaderCache:
    """Flat protected headers are parsed once per distinct segment."""

    def test_hit_equals_miss(self) -> None:
        """The second decryption of a token uses the kept header and gives the same result."""
        token = _encrypt({"kid": "k1", "cty": "text/plain"})
        first = _decrypt(token)
        assert _header._HEADER_CACHE.get(token.split(".")[0]) is not None
        second = _decrypt(token)
        assert (
            first.header
            == second.header
            == {
                "alg": "A128KW",
                "enc": "A128GCM",
                "kid": "k1",
                "cty": "text/plain",
            }
        )
        assert first.plaintext == second.plaintext == b"hello"

    def test_copies_are_handed_out(self) -> None:
        """Mutating a returned header (first parse or hit) never changes the next one."""
        segment = _segment({"alg": "A128KW", "enc": "A128GCM"})
        limits = Limits()
        first = _header.decode_protected(segment, limits)
        first["alg"] = "dir"
        hit = _header.decode_protected(segment, limits)
        assert hit == {"alg": "A128KW", "enc": "A128GCM"}
        hit["enc"] = "A256GCM"
        assert _header.decode_protected(segment, limits) == {"alg": "A128KW", "enc": "A128GCM"}

    def test_result_header_is_not_the_cached_one(self) -> None:
        """A caller editing ``result.header`` does not poison the next decryption."""
        token = _encrypt({"kid": "k1"})
        header = _decrypt(token).header
        assert isinstance(header, dict)
        header["kid"] = "poisoned"
        assert _decrypt(token).header["kid"] == "k1"

    def test_per_message_headers_not_kept(self) -> None:
        """A header with an ``epk`` (nested, different in every message) is never kept."""
        private = Key.generate("ECDH-ES")
        token = _encrypt(key=private.public(), alg="ECDH-ES")
        assert _decrypt(token, private).plaintext == b"hello"
        assert len(_header._HEADER_CACHE) == 0

    def test_limits_checked_on_every_hit(self) -> None:
        """A kept header is still refused by a call with a smaller header limit."""
        token = _encrypt({"kid": "k" * 100})
        _decrypt(token)
        with pytest.raises(ExceededLimitError):
            _decrypt(token, limits=Limits(max_header_size=50))

    def test_refused_headers_are_refused_every_time(self) -> None:
        """A header that failed (an alg not allowed) is not kept as if it had passed."""
        token = _encrypt({"kid": "k1"})
        for _ in range(2):
            with pytest.raises(JotkitError):
                jwe.decrypt_compact(token, KEY, algorithms=["A256KW"], encryptions=["A128GCM"])
        assert _decrypt(token).plaintext == b"hello"

    def test_bounded(self) -> None:
        """Thousands of distinct forged headers never hold more than CACHE_SIZE entries."""
        for index in range(2 * _header.CACHE_SIZE + 10):
            with pytest.raises(DecryptionError):
                _decrypt(_forged(index))
            assert len(_header._HEADER_CACHE) <= _header.CACHE_SIZE
        assert len(_header._HEADER_CACHE) == _header.CACHE_SIZE

    def test_least_recently_used_goes_first(self) -> None:
        """A header decrypted again stays while a flood of new ones evicts the others."""
        hot, cold = _forged("hot"), _forged("cold")
        for token in (hot, cold):
            with pytest.raises(DecryptionError):
                _decrypt(token)
        for index in range(_header.CACHE_SIZE - 1):
            with pytest.raises(DecryptionError):
                _decrypt(hot)
            with pytest.raises(DecryptionError):
                _decrypt(_forged(index))
        assert _header._HEADER_CACHE.get(hot.split(".")[0]) is not None
        assert _header._HEADER_CACHE.get(cold.split(".")[0]) is None


class TestAllowListCache:
    """Allow-lists resolve to table entries once."""

    def test_resolved_once(self) -> None:
        """The same list resolves to the same (kept) mapping."""
        first = _header.allow_lists(["A128KW", "dir"], ["A128GCM"])
        assert _header.allow_lists(("A128KW", "dir"), ("A128GCM",)) is first
        assert [list(first[0]), list(first[1])] == [["A128KW", "dir"], ["A128GCM"]]
        # Another enc list is another entry: the pair is the key, not one list.
        other = _header.allow_lists(["A128KW", "dir"], ["A256GCM"])
        assert list(other[1]) == ["A256GCM"]

    def test_kinds_kept_apart(self) -> None:
        """The alg and enc lists are different tables, even for an unknown shared name."""
        _header.allow_lists(["A128KW"], ["A128GCM"])
        with pytest.raises(ValueError, match="unknown JWE algorithm 'A128KW' in encryptions"):
            _header.allow_lists(["A128KW"], ["A128KW"])
        with pytest.raises(ValueError, match="unknown JWE algorithm 'A128GCM' in algorithms"):
            _header.allow_lists(["A128GCM"], ["A128GCM"])
        with pytest.raises(TypeError):
            _header.allow_lists(["A128KW"], "A128GCM")
        with pytest.raises(ValueError, match="at least one"):
            _header.allow_lists(["A128KW"], [])

    def test_unhashable_entry(self) -> None:
        """A list inside the list is reported as an unknown name, not a TypeError."""
        with pytest.raises(ValueError, match="unknown JWE algorithm"):
            _header.allow_lists([["A128KW"]], ["A128GCM"])  # type: ignore[list-item]

    def test_bounded(self) -> None:
        """Many distinct lists never hold more than CACHE_SIZE entries."""
        names = ["A128KW", "A192KW", "A256KW", "dir", "RSA-OAEP", "ECDH-ES"]
        for index in range(2 * _header.CACHE_SIZE):
            shuffled = names[index % 6 :] + names[: index % 6]
            _header.allow_lists(shuffled[: 1 + index % 5] * (1 + index // 30), ["A128GCM"])
            assert len(_header._ALLOW_CACHE) <= _header.CACHE_SIZE


class TestEncodedHeaderCache:
    """Protected headers of strings are serialized once."""

    def test_hit_equals_miss(self) -> None:
        """Two encryptions with the same header share its encoding and both decrypt."""
        first, second = _encrypt({"kid": "k1"}), _encrypt({"kid": "k1"})
        assert first.split(".")[0] == second.split(".")[0]
        assert len(_core._PROTECTED) == 1
        assert _decrypt(first).plaintext == _decrypt(second).plaintext == b"hello"

    def test_equal_but_different_values(self) -> None:
        """``1 == True``: a header with ``true`` never takes the encoding of one with ``1``."""
        one = _encrypt({"x": 1})
        true = _encrypt({"x": True})
        assert _decrypt(one).header["x"] == 1
        assert _decrypt(true).header["x"] is True

    def test_per_message_headers_not_kept(self) -> None:
        """A header with an ``epk`` is encoded each time, never kept."""
        _encrypt(key=Key.generate("ECDH-ES").public(), alg="ECDH-ES")
        assert len(_core._PROTECTED) == 0

    def test_bounded(self) -> None:
        """Many distinct headers never hold more than PROTECTED_CACHE_SIZE entries."""
        for index in range(2 * _core.PROTECTED_CACHE_SIZE):
            _encrypt({"kid": str(index)})
            assert len(_core._PROTECTED) <= _core.PROTECTED_CACHE_SIZE
        assert len(_core._PROTECTED) == _core.PROTECTED_CACHE_SIZE


class TestThreads:
    """Threads that really interleave (switch interval 1 µs) on the shared module caches."""

    def test_forged_headers_only_raise_jotkit_errors(self) -> None:
        """Four threads decrypting distinct forged headers only ever see JotkitError (the
        FIFO dict raised RuntimeError from ``cache.pop(next(iter(cache)))``)."""
        outcomes: list[type[BaseException]] = []

        def work(thread: int) -> None:
            for index in range(1500):
                try:
                    _decrypt(_forged(f"{thread}-{index}"))
                except JotkitError as exc:
                    outcomes.append(type(exc))
                assert len(_header._HEADER_CACHE) <= _header.CACHE_SIZE

        assert run_threads(work, 4) == []
        assert set(outcomes) == {DecryptionError}
        assert len(outcomes) == 4 * 1500

    def test_allow_lists_under_threads(self) -> None:
        """Four threads resolving distinct allow-lists all get what they asked for."""
        names = ["A128KW", "A192KW", "A256KW", "dir", "RSA-OAEP", "ECDH-ES", "A128GCMKW"]

        def work(thread: int) -> None:
            for index in range(800):
                asked = [names[(index + thread) % 7], names[index % 7]] * (1 + index % 50)
                got = _header.allow_lists(asked, ["A128GCM"])[0]
                assert list(got) == list(dict.fromkeys(asked))

        assert run_threads(work, 4) == []
        assert len(_header._ALLOW_CACHE) <= _header.CACHE_SIZE

    def test_encryption_under_threads(self) -> None:
        """Four threads encrypting with distinct kids each get their own header back."""

        def work(thread: int) -> None:
            for index in range(300):
                kid = f"{thread}-{index % 100}"
                assert _decrypt(_encrypt({"kid": kid})).header["kid"] == kid

        assert run_threads(work, 4) == []
        assert len(_core._PROTECTED) <= _core.PROTECTED_CACHE_SIZE
