"""What ``import jotkit`` does not load (each costs import time), and that it all still loads
on first use. Measured by which modules a fresh interpreter has, never by time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

_PROBE = """
import json, sys
import jotkit
print(json.dumps(sorted(sys.modules)))
"""


def _modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.fixture(scope="module")
def loaded() -> set[str]:
    """The modules a fresh interpreter holds after ``import jotkit``."""
    return _modules_after(_PROBE)


class TestImportCost:
    """Modules kept out of ``import jotkit``."""

    @pytest.mark.parametrize(
        "module",
        [
            "datetime",  # numbers are the usual time arguments
            "threading",  # the LRU locks come from _thread, which is always loaded
            "cryptography.hazmat.bindings.openssl.binding",  # loaded by building ECDSA
            "cryptography.x509",
            "cryptography.hazmat.primitives.asymmetric.x448",
            "cryptography.hazmat.primitives.asymmetric.ed448",
            "cryptography.hazmat.primitives.asymmetric.x25519",
            "jotkit.jwe",
            "jotkit.jws._jsonser",
            "jotkit.jwt._encrypted",
            "jotkit.jwt._nested",
            "jotkit.jwt._unsecured",
            "jotkit.jwk._protocol",  # jotkit recognises key sources by duck typing
            "typing_extensions",  # typing-only names (Unpack, PolicyArgs)
            "jotkit.jwk._export",
            "jotkit.jwk._generate",
            "jotkit.jwk._members",
            "jotkit.jwk._formats",
            "jotkit.jwk._roca",
            "jotkit.jwk._edwards",
        ],
    )
    def test_not_loaded(self, loaded: set[str], module: str) -> None:
        """The module loads on first use, not with the package."""
        assert "jotkit" in loaded
        assert module not in loaded

    def test_lazy_names_resolve(self) -> None:
        """Every lazily loaded public name is there on first access."""
        code = (
            "import jotkit.jwt as t, jotkit.jws as s\n"
            "from jotkit.jwt import Now, encrypt, decrypt, encode_nested, decode_nested\n"
            "from jotkit.jwt import encode_unsecured, decode_unsecured\n"
            "from jotkit.jws import Signer, sign_json, verify_json\n"
            "import typing, datetime\n"
            "assert datetime.datetime in typing.get_args(Now)\n"
            "assert callable(t.encrypt) and callable(s.verify_json)\n"
            "print('[]')\n"
        )
        _modules_after(code)

    def test_unknown_names_raise(self) -> None:
        """A name that is not lazily provided is an AttributeError, as for any module."""
        import jotkit.jws
        import jotkit.jwt

        with pytest.raises(AttributeError):
            _ = jotkit.jwt.no_such_name
        with pytest.raises(AttributeError):
            _ = jotkit.jws.no_such_name

    def test_ecdsa_works_after_lazy_build(self) -> None:
        """ES256 signs and verifies in a fresh interpreter (the ECDSA object built lazily)."""
        code = (
            "import jotkit\n"
            "k = jotkit.Key.generate('ES256')\n"
            "t = jotkit.encode({'a': 1}, k)\n"
            "assert jotkit.decode(t, k.public(), algorithms=['ES256']) == {'a': 1}\n"
            "print('[]')\n"
        )
        _modules_after(code)

    def test_lazy_key_checks_run_after_first_use(self) -> None:
        """In a fresh interpreter, the lazily loaded key checks still refuse what they must."""
        code = (
            "import jotkit\n"
            "from jotkit.errors import InvalidKeyError\n"
            "from jotkit.jwk import _key, _material\n"
            "pem = jotkit.Key.generate('ES256').to_pem()\n"
            "for bad in (lambda: jotkit.Key.from_secret(pem),\n"
            "            lambda: jotkit.Key.from_jwk({'kty': 'OKP', 'crv': 'Ed25519',\n"
            "                                         'x': 'AQ' + 'A' * 41})):\n"
            "    try:\n"
            "        bad()\n"
            "    except InvalidKeyError:\n"
            "        pass\n"
            "    else:\n"
            "        raise SystemExit('accepted')\n"
            "jotkit.Key.from_jwk(jotkit.Key.generate('RS256').to_jwk())\n"
            "import types\n"
            "loaded = ((_key, '_formats'), (_material, '_roca'), (_material, '_edwards'))\n"
            "for module, name in loaded:\n"
            "    assert isinstance(getattr(module, name), types.ModuleType), name\n"
            "print('[]')\n"
        )
        _modules_after(code)
