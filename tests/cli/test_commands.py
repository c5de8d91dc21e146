"""Every jotkit command, run as a fresh process: output, --json, stdin, exit statuses."""

from __future__ import annotations

import importlib.util
import json
import os
import stat
from pathlib import Path

import pytest

import jotkit
from jotkit import Key

from ._run import SCRIPT
from ._run import jotkit as run

COMMANDS = (
    "convert",
    "decrypt",
    "discover",
    "encrypt",
    "inspect",
    "jwks",
    "keygen",
    "lint",
    "serve",
    "sign",
    "thumbprint",
    "verify",
)
SECRET = "s" * 40


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Key files made with the library: ES256 JWK pair, RSA PEM pair, a secret file."""
    d = tmp_path_factory.mktemp("keys")
    es = Key.generate("ES256", kid="es1")
    (d / "es.jwk").write_text(json.dumps(es.to_jwk(private=True)))
    (d / "es.pub.jwk").write_text(json.dumps(es.public().to_jwk()))
    (d / "es.pub.pem").write_bytes(es.public().to_pem())
    rsa = Key.generate("RSA-OAEP-256")
    (d / "rsa.pem").write_bytes(rsa.to_pem(private=True))
    (d / "rsa.pub.pem").write_bytes(rsa.public().to_pem())
    (d / "secret.txt").write_text(SECRET + "\n")
    other = Key.generate("ES256", kid="es2")
    jwks = {"keys": [es.public().to_jwk(), other.public().to_jwk()]}
    (d / "set.jwks").write_text(json.dumps(jwks))
    return d


def claims_token(keys: Path, **claims: object) -> str:
    es = Key.from_jwk((keys / "es.jwk").read_text())
    return jotkit.encode({"iss": "https://i", "aud": "api", **claims}, es)


class TestEntryPoints:
    """python -m jotkit and the console script; help documents every command."""

    def test_help_lists_every_command(self) -> None:
        """--help lists each command, the exit statuses and shell completion."""
        done = run("--help")
        assert done.status == 0
        for name in COMMANDS:
            assert f"  {name} " in done.out
        assert "Exit status: 0 valid, 1 invalid token" in done.out
        assert "_JOTKIT_COMPLETE=bash_source" in done.out

    def test_console_script(self) -> None:
        """The console script runs the same command line, --version included."""
        assert SCRIPT.exists()
        done = run("--version", script=True)
        assert done.status == 0
        assert jotkit.__version__ in done.out

    def test_usage_error_is_two(self) -> None:
        """An unknown command or option is a usage error (exit 2), not a traceback."""
        for args in (("frobnicate",), ("inspect", "--bogus")):
            done = run(*args)
            assert done.status == 2
            assert "Traceback" not in done.err

    def test_completion(self) -> None:
        """Click's completion script is produced for bash."""
        done = run(env={"_JOTKIT_COMPLETE": "bash_source"}, script=True)
        assert done.status == 0
        assert "complete" in done.out
        assert "_JOTKIT_COMPLETE" in done.out


class TestSignVerify:
    """sign then verify, by argument and stdin, human and --json."""

    def test_round_trip(self, keys: Path) -> None:
        """sign (claims from stdin) -> verify (token from stdin) prints the claims."""
        signed = run(
            "sign", "-", "--key", str(keys / "es.jwk"), "--iss", "https://i", "--aud", "api",
            "--sub", "alice", "--exp", "15m", "--jti", "-H", "x5t=abc",
            stdin='{"scope": "read"}',
        )  # fmt: skip
        assert signed.status == 0, signed.err
        token = signed.out.strip()
        claims = jotkit.unverified(token).claims
        assert claims["scope"] == "read"
        assert claims["exp"] - claims["iat"] == 900
        assert len(claims["jti"]) >= 16
        assert jotkit.unverified(token).header["x5t"] == "abc"
        done = run("verify", "-", "--key", str(keys / "es.pub.pem"), "--alg", "ES256",
                   "--iss", "https://i", "--aud", "api", stdin=token)  # fmt: skip
        assert done.status == 0, done.err
        assert "VALID" in done.out
        assert '"sub": "alice"' in done.out

    def test_verify_json_and_failures(self, keys: Path) -> None:
        """--json on success; the failed check and the error code on failure (exit 1)."""
        token = claims_token(keys, exp=10**10)
        pub = str(keys / "es.pub.jwk")
        ok = run("verify", token, "--key", pub, "--iss", "https://i", "--aud", "api", "--json")
        assert ok.status == 0
        assert ok.json()["valid"] is True
        assert ok.json()["claims"]["iss"] == "https://i"
        bad = run("verify", token, "--key", pub, "--iss", "https://other", "--aud", "api")
        assert bad.status == 1
        line = bad.one_error_line()
        assert "invalid_claim" in line
        assert "iss check failed" in line
        expired = run("verify", claims_token(keys, exp=1), "--key", pub, "--subtle", "--json")
        assert expired.status == 1
        error = expired.json()["error"]
        assert (error["code"], error["check"]) == ("expired", "exp")
        assert error["message"].startswith("the token expired")
        forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        sig = run("verify", forged, "--key", pub, "--subtle")
        assert sig.status == 1
        assert "invalid_signature" in sig.one_error_line()

    def test_verify_requires_policy(self, keys: Path) -> None:
        """--iss, --aud and (for an unbound key) --alg are required: exit 2 and why."""
        token = claims_token(keys)
        pem = str(keys / "es.pub.pem")
        for args, needle in (
            (("--key", pem, "--alg", "ES256", "--aud", "api"), "--iss is required"),
            (("--key", pem, "--alg", "ES256", "--iss", "https://i"), "--aud is required"),
            (("--key", pem, "--subtle"), "--alg is required"),
        ):
            done = run("verify", token, *args)
            assert done.status == 2
            assert needle in done.one_error_line()
        relaxed = run("verify", token, "--key", pem, "--alg", "ES256", "--insecure-no-iss",
                      "--insecure-no-aud")  # fmt: skip
        assert relaxed.status == 0, relaxed.err

    def test_jwks_kid_selection(self, keys: Path) -> None:
        """A JWK Set verifies by the token's kid; --kid naming another key fails."""
        token = claims_token(keys)
        jwks = str(keys / "set.jwks")
        ok = run("verify", token, "--key", jwks, "--alg", "ES256", "--subtle")
        assert ok.status == 0, ok.err
        wrong = run("verify", token, "--key", jwks, "--kid", "es2", "--alg", "ES256", "--subtle")
        assert wrong.status == 1
        missing = run("verify", token, "--key", jwks, "--kid", "nope", "--alg", "ES256")
        assert missing.status == 2
        assert "no key with kid 'nope'" in missing.one_error_line()

    def test_secrets(self, keys: Path) -> None:
        """A secret from a file or a variable is silent; on the command line it warns."""
        token = jotkit.encode({"iss": "i", "aud": "a"}, SECRET.encode(), alg="HS256")
        common = ("--alg", "HS256", "--iss", "i", "--aud", "a")
        from_file = run("verify", token, "--secret-file", str(keys / "secret.txt"), *common)
        assert from_file.status == 0, from_file.err
        assert from_file.err == ""
        from_env = run("verify", token, "--secret-env", "JK_S", *common, env={"JK_S": SECRET})
        assert from_env.status == 0
        assert from_env.err == ""
        inline = run("verify", token, "--secret", SECRET, *common)
        assert inline.status == 0
        assert "warning: a secret on the command line is visible" in inline.err
        unset = run("verify", token, "--secret-env", "JK_UNSET_VAR", *common)
        assert unset.status == 2
        assert "JK_UNSET_VAR is not set" in unset.one_error_line()

    def test_sign_json_and_weak_secret(self, keys: Path) -> None:
        """sign --json wraps the token; a weak secret is refused (exit 1, invalid_key)."""
        done = run("sign", '{"a":1}', "--secret-env", "JK_S", "--alg", "HS256", "--no-iat",
                   "--typ", "", "--json", env={"JK_S": SECRET})  # fmt: skip
        assert done.status == 0
        token = done.json()["token"]
        assert jotkit.decode(token, SECRET.encode(), algorithms=["HS256"]) == {"a": 1}
        assert "typ" not in jotkit.unverified(token).header
        weak = run("sign", "{}", "--secret-env", "JK_S", "--alg", "HS256", env={"JK_S": "x"})
        assert weak.status == 1
        assert "invalid_key" in weak.one_error_line()


class TestInspect:
    """inspect: NOT VERIFIED, times, stdin, --json, colour."""

    def test_inspect(self, keys: Path) -> None:
        """Human output says NOT VERIFIED and shows relative times; --json from stdin."""
        token = claims_token(keys, exp=1)
        done = run("inspect", token)
        assert done.status == 0
        assert "NOT VERIFIED" in done.out
        assert "expired" in done.out
        assert "\x1b[" not in done.out  # not a terminal: no colour
        as_json = run("inspect", "-", "--json", stdin=token + "\n")
        assert as_json.json()["verified"] is False
        assert as_json.json()["times"]["exp"]["state"] == "expired"

    def test_colour_follows_no_color(self, keys: Path) -> None:
        """FORCE_COLOR gives colour; NO_COLOR takes the colours away."""
        token = claims_token(keys)
        forced = run("inspect", token, env={"FORCE_COLOR": "1"})
        assert "\x1b[1;7;31m" in forced.out
        plain = run("inspect", token, env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
        assert "31m" not in plain.out
        assert "NOT VERIFIED" in plain.out

    def test_inspect_jwe_with_key(self, keys: Path) -> None:
        """A JWE is decrypted for display with --key."""
        rsa = Key.from_pem((keys / "rsa.pub.pem").read_bytes())
        token = jotkit.jwt.encrypt({"sub": "x"}, rsa, key_alg="RSA-OAEP-256", enc="A128GCM")
        sealed = run("inspect", token, "--json").json()
        assert "claims" not in sealed
        opened = run("inspect", token, "--key", str(keys / "rsa.pem"), "--json").json()
        assert opened["claims"] == {"sub": "x"}


class TestEncryptDecrypt:
    """encrypt / decrypt, plain and nested."""

    def test_encrypt_decrypt(self, keys: Path) -> None:
        """A JWE to an RSA key decrypts with the private key; --json gives the claims."""
        enc = run("encrypt", '{"sub":"x"}', "--key", str(keys / "rsa.pub.pem"),
                  "--key-alg", "RSA-OAEP-256", "--enc", "A128CBC-HS256", "--zip")  # fmt: skip
        assert enc.status == 0, enc.err
        token = enc.out.strip()
        dec = run("decrypt", "-", "--key", str(keys / "rsa.pem"), "--alg", "RSA-OAEP-256",
                  "--json", stdin=token)  # fmt: skip
        assert dec.status == 0, dec.err
        assert dec.json()["claims"]["sub"] == "x"
        assert dec.json()["header"]["zip"] == "DEF"
        wrong = run("decrypt", token, "--key", str(keys / "rsa.pem"), "--alg", "RSA-OAEP")
        assert wrong.status == 1
        assert "algorithm_not_allowed" in wrong.one_error_line()

    def test_nested(self, keys: Path) -> None:
        """Sign-then-encrypt, then decrypt and verify the inner token with its policy."""
        enc = run("encrypt", "{}", "--key", str(keys / "rsa.pub.pem"), "--alg", "RSA-OAEP-256",
                  "--sign-key", str(keys / "es.jwk"), "--iss", "https://i", "--aud", "api",
                  "--exp", "5m")  # fmt: skip
        assert enc.status == 0, enc.err
        token = enc.out.strip()
        common = ("--key", str(keys / "rsa.pem"), "--alg", "RSA-OAEP-256",
                  "--verify-key", str(keys / "es.pub.jwk"), "--iss", "https://i")  # fmt: skip
        ok = run("decrypt", token, *common, "--aud", "api", "--json")
        assert ok.status == 0, ok.err
        assert ok.json()["claims"]["iss"] == "https://i"
        bad = run("decrypt", token, *common, "--aud", "other")
        assert bad.status == 1
        assert "aud check failed" in bad.one_error_line()


class TestKeys:
    """keygen, convert, thumbprint, jwks."""

    def test_keygen_modes(self, tmp_path: Path) -> None:
        """Private file 0600, public half 0644; an existing file is never overwritten."""
        priv, pub = tmp_path / "k.jwk", tmp_path / "k.pub.jwk"
        done = run("keygen", "ES256", "--out", str(priv), "--public-out", str(pub), "--json")
        assert done.status == 0, done.err
        assert stat.S_IMODE(os.stat(priv).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(pub).st_mode) & 0o002 == 0  # public, never world-writable
        key = Key.from_jwk(priv.read_text())
        assert key.is_private
        assert key.alg == "ES256"
        assert key.kid == key.thumbprint() == done.json()["kid"]
        assert "d" not in json.loads(pub.read_text())
        assert set(tmp_path.iterdir()) == {priv, pub}  # no temporary file left behind
        again = run("keygen", "ES256", "--out", str(priv))
        assert again.status == 2
        assert "exists" in again.one_error_line()
        assert Key.from_jwk(priv.read_text()) == key

    def test_keygen_pem_and_secret(self, tmp_path: Path) -> None:
        """PEM output for EdDSA; an HS256 secret is JWK only and has no public half."""
        pem = tmp_path / "ed.pem"
        assert run("keygen", "Ed25519", "--format", "pem", "--out", str(pem)).status == 0
        assert stat.S_IMODE(os.stat(pem).st_mode) == 0o600
        assert Key.from_pem(pem.read_bytes()).crv == "Ed25519"
        secret = run("keygen", "HS256")
        assert Key.from_jwk(secret.out).size == 256
        no_half = run("keygen", "HS256", "--public-out", str(tmp_path / "x"))
        assert no_half.status == 2
        unknown = run("keygen", "HS1")
        assert unknown.status == 2
        assert "unknown algorithm 'HS1'" in unknown.one_error_line()

    def test_convert(self, keys: Path, tmp_path: Path) -> None:
        """PEM -> JWK -> PEM, DER and OpenSSH both ways, the same key throughout."""
        original = Key.from_pem((keys / "rsa.pem").read_bytes())
        as_jwk = run("convert", str(keys / "rsa.pem"), "--to", "jwk", "--private")
        assert Key.from_jwk(as_jwk.out).thumbprint() == original.thumbprint()
        assert "d" in json.loads(as_jwk.out)
        (tmp_path / "k.jwk").write_text(as_jwk.out)
        der = tmp_path / "k.der"
        assert run("convert", str(tmp_path / "k.jwk"), "--to", "der", "--out", str(der)).status == 0
        assert Key.from_der(der.read_bytes()).thumbprint() == original.thumbprint()
        ssh = run("convert", str(keys / "es.jwk"), "--to", "openssh")
        assert ssh.out.startswith("ecdsa-sha2-nistp256 ")
        (tmp_path / "id.pub").write_text(ssh.out)
        back = run("convert", str(tmp_path / "id.pub"), "--to", "jwk")
        es = Key.from_jwk((keys / "es.jwk").read_text())
        assert Key.from_jwk(back.out).thumbprint() == es.thumbprint()
        priv = tmp_path / "id_ecdsa"
        run("convert", str(keys / "es.jwk"), "--to", "openssh", "--private", "--out", str(priv))
        assert stat.S_IMODE(os.stat(priv).st_mode) == 0o600
        pem = run("convert", str(priv), "--to", "pem")
        assert Key.from_pem(pem.out).thumbprint() == es.thumbprint()

    def test_thumbprint_and_jwks(self, keys: Path) -> None:
        """RFC 7638 thumbprint and RFC 9278 URI; a public JWK Set from key files."""
        es = Key.from_jwk((keys / "es.jwk").read_text())
        plain = run("thumbprint", str(keys / "es.pub.pem"))
        assert plain.out.strip() == es.thumbprint()
        uri = run("thumbprint", "-", "--uri", stdin=(keys / "es.jwk").read_text())
        assert uri.out.strip() == es.thumbprint_uri()
        built = run("jwks", str(keys / "es.jwk"), str(keys / "rsa.pub.pem"))
        assert built.status == 0
        members = built.json()["keys"]
        assert [m["kty"] for m in members] == ["EC", "RSA"]
        assert all("d" not in m for m in members)


class TestLintCommand:
    """lint: findings, --json, exit status by severity."""

    def test_lint(self, keys: Path) -> None:
        """A risky token exits 1 with its codes; --fail-on never exits 0; a weak secret."""
        token = jotkit.encode(
            {"password": "x"}, SECRET.encode(), alg="HS256", headers={"kid": "../k"}
        )
        done = run("lint", token)
        assert done.status == 1
        assert "JK102" in done.out
        assert "JK112" in done.out
        found = run("lint", "-", "--json", "--fail-on", "never", "--secret-env", "JK_S",
                    stdin=token, env={"JK_S": "short"})  # fmt: skip
        assert found.status == 0
        assert {f["code"] for f in found.json()["findings"]} >= {"JK102", "JK107", "JK112"}
        clean = claims_token(keys, exp=10**10)
        assert run("lint", clean, "--max-lifetime", "1000000d").status == 0


class TestBadInput:
    """Garbage, wrong and unreadable inputs: one line on stderr, exit 1 or 2."""

    @pytest.mark.parametrize(
        ("args", "status", "needle"),
        [
            (("inspect", "garbage"), 1, "malformed"),
            (("inspect", "e30.e30.@@"), 1, "base64url"),
            (("verify", "garbage", "--key", "KEYS/es.pub.jwk", "--subtle"), 1, "malformed_jwt"),
            (("verify", "x.y.z", "--key", "KEYS/secret.txt", "--subtle"), 2, "not a usable key"),
            (("verify", "x.y.z", "--key", "KEYS/missing.pem", "--subtle"), 2, "cannot read"),
            (("verify", "x.y.z", "--key", "KEYS", "--subtle"), 2, "cannot read"),
            (("sign", "{not json", "--key", "KEYS/es.jwk"), 2, "not JSON"),
            (("sign", "[1]", "--key", "KEYS/es.jwk"), 2, "JSON object"),
            (("sign", "@KEYS/none.json", "--key", "KEYS/es.jwk"), 2, "cannot read"),
            (("sign", "{}", "--key", "KEYS/es.jwk", "--exp", "soon"), 2, "not a duration"),
            (("sign", "{}", "--key", "KEYS/es.jwk", "-H", "novalue"), 2, "NAME=VALUE"),
            (("sign", "{}", "--key", "KEYS/es.pub.jwk"), 1, "invalid_key"),
            (("convert", "KEYS/secret.txt", "--to", "jwk"), 2, "not a usable key"),
            (("thumbprint", "KEYS/set.jwks"), 2, "--kid"),
            (
                ("decrypt", "a.b.c.d.e", "--key", "KEYS/rsa.pem", "--alg", "RSA-OAEP-256"),
                1,
                "malformed",
            ),
        ],
        ids=lambda v: " ".join(v)[:40] if isinstance(v, tuple) else str(v),
    )
    def test_one_line(self, keys: Path, args: tuple[str, ...], status: int, needle: str) -> None:
        """The status and one clear line, never a traceback."""
        done = run(*(a.replace("KEYS", str(keys)) for a in args))
        assert done.status == status, done.err
        assert needle in done.one_error_line()

    def test_binary_stdin(self) -> None:
        """Binary garbage on stdin is one line, exit 1."""
        done = run("inspect", "-", stdin=b"\xff\xfe\x00garbage")
        assert done.status == 1
        assert "not UTF-8" in done.one_error_line()

    def test_remote_options(self, keys: Path) -> None:
        """--jwks-url, --issuer, jwks --url and discover: a clear line, never a crash.

        Without the remote layer, the line names the extra to install. With it, a plain
        http URL is refused (https only), again as one line: no network is used."""
        token = claims_token(keys)
        have_remote = importlib.util.find_spec("jotkit.remote") is not None
        for args in (
            ("verify", token, "--jwks-url", "http://127.0.0.1:9/jwks", "--alg", "ES256",
             "--subtle"),
            ("verify", token, "--issuer", "http://127.0.0.1:9", "--alg", "ES256", "--aud", "a"),
            ("jwks", "--url", "http://127.0.0.1:9/jwks"),
            ("discover", "http://127.0.0.1:9"),
        ):  # fmt: skip
            done = run(*args)
            line = done.one_error_line()
            if have_remote:
                assert done.status in (1, 2)
            else:
                assert done.status == 2
                assert "pip install 'jotkit[remote]'" in line

    def test_serve(self) -> None:
        """serve calls the debugger; without it, says so in one line (exit 2)."""
        if importlib.util.find_spec("jotkit.debugger") is not None:
            done = run("serve", "--help")
            assert done.status == 0
            assert "--open" in done.out
            return
        done = run("serve")
        assert done.status == 2
        assert "debugger" in done.one_error_line()
