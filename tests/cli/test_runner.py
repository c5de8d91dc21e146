"""The command's options in-process (Click's CliRunner): the combinations too many to spawn."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import jotkit
from jotkit import Key, jwe, jws
from jotkit.cli import _keys, _make, _tokens  # noqa: F401 - registers the commands
from jotkit.cli._app import cli


def invoke(*args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env=env, catch_exceptions=False)


def error_line(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def es_file(tmp_path: Path) -> Path:
    path = tmp_path / "es.jwk"
    path.write_text(json.dumps(Key.generate("ES256", kid="k").to_jwk(private=True)))
    return path


class TestSignOptions:
    """Claims and headers from the options."""

    def test_registered_claims_and_headers(self, es_file: Path) -> None:
        """--nbf, repeated --aud, -H with JSON and plain values, --kid, --typ."""
        done = invoke(
            "sign", '{"a": 1}', "--key", str(es_file), "--nbf", "1m", "--aud", "x",
            "--aud", "y", "-H", "n=5", "-H", "s=text", "-H", 'o={"k":true}', "--kid", "k",
            "--typ", "at+jwt",
        )  # fmt: skip
        assert done.exit_code == 0, done.stderr
        token = jotkit.unverified(done.stdout.strip())
        assert token.claims["aud"] == ["x", "y"]
        assert token.claims["nbf"] - token.claims["iat"] == 60
        assert token.header == {
            "alg": "ES256", "kid": "k", "typ": "at+jwt", "n": 5, "s": "text", "o": {"k": True},
        }  # fmt: skip

    def test_claims_from_file_and_explicit_jti(self, es_file: Path, tmp_path: Path) -> None:
        """@file claims; --jti VALUE is used as given."""
        (tmp_path / "c.json").write_text('{"role": "admin"}')
        done = invoke("sign", f"@{tmp_path / 'c.json'}", "--key", str(es_file), "--jti", "j1")
        claims = jotkit.unverified(done.stdout.strip()).claims
        assert claims["role"] == "admin"
        assert claims["jti"] == "j1"

    def test_sign_needs_one_key(self, tmp_path: Path) -> None:
        """A set of keys, no key, two key sources, or an unbound key without --alg: exit 2."""
        ks = tmp_path / "set.jwks"
        pairs = [Key.generate("ES256", kid=k).public().to_jwk() for k in ("a", "b")]
        ks.write_text(json.dumps({"keys": pairs}))
        (tmp_path / "s").write_text("x" * 40)
        pem = tmp_path / "k.pem"
        pem.write_bytes(Key.generate("ES256").to_pem(private=True))
        for args, needle in (
            (("--key", str(ks)), "pick one with --kid"),
            ((), "no key"),
            (("--key", str(pem), "--secret-file", str(tmp_path / "s")), "not both"),
            (("--key", str(pem)), "--alg is required"),
            (("--secret-file", str(tmp_path / "s"), "--secret", "x"), "one way"),
            (("--secret-file", str(tmp_path / "s"), "--secret-encoding", "hex"), "not valid hex"),
        ):
            done = invoke("sign", "{}", *args)
            assert done.exit_code == 2, done.stderr
            assert needle in error_line(done)

    def test_secret_encodings(self) -> None:
        """base64url and hex secrets decode to the same bytes."""
        secret = bytes(range(32))
        env = {"B": jotkit._b64.b64encode_str(secret), "H": secret.hex()}
        for var, encoding in (("B", "base64url"), ("H", "hex")):
            done = invoke("sign", "{}", "--secret-env", var, "--secret-encoding", encoding,
                          "--alg", "HS256", env=env)  # fmt: skip
            assert jotkit.decode(done.stdout.strip(), secret, algorithms=["HS256"])

    def test_password_protected_pem(self, tmp_path: Path) -> None:
        """--password-env opens an encrypted private key; a wrong one is exit 2."""
        pem = tmp_path / "enc.pem"
        pem.write_bytes(Key.generate("ES256").to_pem(private=True, password=b"pw"))
        ok = invoke("sign", "{}", "--key", str(pem), "--alg", "ES256", "--password-env", "P",
                    env={"P": "pw"})  # fmt: skip
        assert ok.exit_code == 0, ok.stderr
        bad = invoke("sign", "{}", "--key", str(pem), "--alg", "ES256", "--password-env", "P",
                     env={"P": "nope"})  # fmt: skip
        assert bad.exit_code == 2
        assert "not a usable key" in error_line(bad)


class TestRender:
    """Human output of every token kind."""

    def test_jws_json_and_sd_jwt(self) -> None:
        """Every signature header, disclosures and the KB-JWT appear."""
        secret = Key.from_secret(b"k" * 32, alg="HS256")
        doc = jws.sign_json(b'{"sub":"x"}', [jws.Signer(secret), jws.Signer(secret)])
        out = invoke("inspect", json.dumps(doc)).stdout
        assert "Signature 1 header" in out
        issuer = jotkit.encode({"_sd": []}, secret)
        disclosure = jotkit._b64.b64encode_str(b'["salt", "email", "a@example.com"]')
        kb = jotkit.encode({"nonce": "n"}, secret, typ="kb+jwt")
        out = invoke("inspect", f"{issuer}~{disclosure}~{kb}").stdout
        assert "Disclosures (1)" in out
        assert '"email": "a@example.com"' in out
        assert "Key binding JWT" in out

    def test_jwe(self) -> None:
        """A sealed JWE says how to open it; opened, its plaintext shows."""
        aes = Key.generate("A128KW")
        token = jwe.encrypt_compact(b"plain words", aes, alg="A128KW", enc="A128GCM")
        assert "give --key" in invoke("inspect", token).stdout
        key_file = json.dumps(aes.to_jwk(private=True))
        done = invoke("inspect", token, "--key", "-", stdin=key_file)
        assert "plain words" in done.stdout

    def test_lint_one_key_source(self, es_file: Path) -> None:
        """lint with both a key file and a secret is a usage error."""
        done = invoke(
            "lint", "e30.e30.", "--key", str(es_file), "--secret-env", "S", env={"S": "x"}
        )
        assert done.exit_code == 2
        assert "not both" in error_line(done)

    def test_findings_none(self) -> None:
        """A clean token prints 'no findings'."""
        secret = Key.from_secret(b"k" * 32, alg="HS256")
        token = jotkit.encode({"iss": "i", "aud": "a", "exp": 10**10, "iat": 10**10 - 60}, secret)
        assert "no findings" in invoke("lint", token).stdout


class TestDecrypt:
    """decrypt of each serialization and plaintext kind."""

    @pytest.fixture
    def aes(self, tmp_path: Path) -> tuple[Key, Path]:
        key = Key.generate("A256KW")
        path = tmp_path / "aes.jwk"
        path.write_text(json.dumps(key.to_jwk(private=True)))
        return key, path

    def test_json_serialization_and_text(self, aes: tuple[Key, Path]) -> None:
        """A JWE JSON with a text plaintext decrypts (the key's alg is its default)."""
        key, path = aes
        doc = jwe.encrypt_json(b"hello", [jwe.Recipient(key, "A256KW")], enc="A128GCM")
        done = invoke("decrypt", json.dumps(doc), "--key", str(path))
        assert done.exit_code == 0, done.stderr
        assert "DECRYPTED" in done.stdout
        assert "hello" in done.stdout

    def test_binary_and_nested_unverified(self, aes: tuple[Key, Path]) -> None:
        """Binary plaintext is counted; a nested token without --verify-key is shown."""
        key, path = aes
        binary = jwe.encrypt_compact(b"\xff\x00", key, alg="A256KW", enc="A128GCM")
        assert invoke("decrypt", binary, "--key", str(path), "--json").stdout.count("bytes")
        signer = Key.from_secret(b"s" * 32, alg="HS256")
        nested = jotkit.jwt.encode_nested({"sub": "x"}, signer, key, key_alg="A256KW",
                                          enc="A256GCM")  # fmt: skip
        done = invoke("decrypt", nested, "--key", str(path))
        assert "NOT VERIFIED" in done.stdout
        assert '"sub": "x"' in done.stdout

    def test_nested_needs_alg(self, aes: tuple[Key, Path], tmp_path: Path) -> None:
        """--verify-key with an unbound key needs --sign-alg."""
        _, path = aes
        pem = tmp_path / "v.pem"
        pem.write_bytes(Key.generate("ES256").public().to_pem())
        done = invoke("decrypt", "a.b.c.d.e", "--key", str(path), "--verify-key", str(pem))
        assert done.exit_code == 2
        assert "--sign-alg is required" in error_line(done)


class TestKeyCommands:
    """keygen, convert and jwks corner cases."""

    def test_keygen_json_to_stdout(self) -> None:
        """--json without --out carries the private JWK and the public one."""
        done = invoke("keygen", "EdDSA", "--kid", "mine", "--json")
        result = json.loads(done.stdout)
        assert result["kid"] == "mine"
        assert Key.from_jwk(result["private"]).is_private
        assert "d" not in result["public"]

    def test_keygen_pem_public_out(self, tmp_path: Path) -> None:
        """PEM pair; the private file is 0600 and refuses to be replaced."""
        out, pub = tmp_path / "k.pem", tmp_path / "k.pub.pem"
        done = invoke("keygen", "PS256", "--format", "pem", "--out", str(out),
                      "--public-out", str(pub), "--json")  # fmt: skip
        assert done.exit_code == 0, done.stderr
        assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
        assert b"PUBLIC KEY" in pub.read_bytes()
        assert json.loads(done.stdout)["out"] == str(out)
        again = invoke("keygen", "PS256", "--format", "pem", "--public-out", str(pub))
        assert again.exit_code == 2

    def test_convert_errors(self, tmp_path: Path) -> None:
        """oct keys have no PEM form and need --private; a public key has no private half."""
        oct_file = tmp_path / "oct.jwk"
        oct_file.write_text(json.dumps(Key.generate("HS256").to_jwk(private=True)))
        pub = tmp_path / "pub.pem"
        pub.write_bytes(Key.generate("ES256").public().to_pem())
        for args, needle in (
            ((str(oct_file), "--to", "pem"), "no PEM form"),
            ((str(oct_file), "--to", "jwk"), "--private"),
            ((str(pub), "--to", "pem", "--private"), "public key"),
        ):
            done = invoke("convert", *args)
            assert done.exit_code == 2
            assert needle in error_line(done)
        assert json.loads(invoke("convert", str(oct_file), "--to", "jwk", "--private").stdout)

    def test_jwks(self, tmp_path: Path) -> None:
        """A set in a file is merged; oct keys are refused unless --private."""
        oct_file = tmp_path / "oct.jwk"
        oct_file.write_text(json.dumps(Key.generate("HS256", kid="o").to_jwk(private=True)))
        refused = invoke("jwks", str(oct_file))
        assert refused.exit_code == 2
        kept = json.loads(invoke("jwks", str(oct_file), "--private").stdout)
        assert kept["keys"][0]["kid"] == "o"
        assert invoke("jwks").exit_code == 2
        both = invoke("jwks", str(oct_file), "--url", "https://x")
        assert both.exit_code == 2


def test_shared_logic_imports_no_click() -> None:
    """jotkit.cli.inspect and jotkit.cli.lint load without Click or rich (the debugger)."""
    code = (
        "import sys; sys.modules['click'] = None; sys.modules['rich'] = None\n"
        "import jotkit.cli.lint, jotkit.cli.inspect\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
