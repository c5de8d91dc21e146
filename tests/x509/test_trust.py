"""CertificateTrust: tokens signed with a certificate's key verify through their x5c."""

from __future__ import annotations

import asyncio
import datetime
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, mldsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID

import jotkit
from jotkit import Key, jws
from jotkit._b64 import b64decode
from jotkit._limits import Limits
from jotkit.errors import CertificateError, InvalidKeyError
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.x509 import CertificateTrust

from ._pki import DAY, NOW, NOW_TS, b64, make_cert, pki

ES256 = JWS_ALGORITHMS["ES256"]


def _token(signer: Key, headers: dict[str, Any] | None = None, **claims: Any) -> str:
    return jotkit.encode(
        {"sub": "alice", **claims}, signer, headers=headers or signer.x5c_headers()
    )


class TestHappyPath:
    """A valid chain gives the leaf key; decode and jws both use it."""

    def test_decode_with_two_certificate_chain(self) -> None:
        """An ES256 JWT with x5c [leaf, intermediate] verifies against the root."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        token = _token(p.signer())
        claims = jotkit.decode(token, trust, algorithms=["ES256"], now=NOW_TS)
        assert claims["sub"] == "alice"

    def test_returned_key_is_the_leaf_and_keeps_it(self) -> None:
        """The key has the leaf certificate attached and is public."""
        p = pki()
        trust = CertificateTrust(anchors=p.root.public_bytes(Encoding.PEM), now=NOW)
        key = trust.key_for({"alg": "ES256", "x5c": p.x5c()}, "verify", ES256)
        assert key.certificate == p.leaf
        assert not key.is_private
        assert key.public_crypto.public_numbers() == p.leaf_key.public_key().public_numbers()

    @pytest.mark.parametrize("form", ["pem", "der", "object", "pem-list"])
    def test_anchor_forms(self, form: str) -> None:
        """Anchors may be PEM, DER, certificate objects, or lists of them."""
        p = pki()
        anchors: Any = {
            "pem": p.root.public_bytes(Encoding.PEM).decode(),
            "der": p.root.public_bytes(Encoding.DER),
            "object": p.root,
            "pem-list": [p.root.public_bytes(Encoding.PEM)],
        }[form]
        trust = CertificateTrust(anchors=anchors, now=NOW_TS)
        assert trust.key_for({"x5c": p.x5c()}, "verify", ES256).certificate == p.leaf

    def test_intermediate_as_anchor(self) -> None:
        """A chain may end at a configured intermediate (x5c [leaf] only)."""
        p = pki()
        trust = CertificateTrust(anchors=[p.inter], now=NOW_TS)
        assert trust.key_for({"x5c": [b64(p.leaf)]}, "verify", ES256).certificate == p.leaf

    def test_chain_including_the_root(self) -> None:
        """x5c may end with the anchor itself (RFC 7515 4.1.6 allows it)."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        header = {"x5c": [*p.x5c(), b64(p.root)]}
        assert trust.key_for(header, "verify", ES256).certificate == p.leaf

    def test_self_signed_leaf_that_is_an_anchor(self) -> None:
        """A self-signed certificate is trusted when it is itself an anchor."""
        key = ec.generate_private_key(ec.SECP256R1())
        cert = make_cert("Self", key)
        trust = CertificateTrust(anchors=[cert], now=NOW_TS)
        assert trust.key_for({"x5c": [b64(cert)]}, "verify", ES256).certificate == cert

    def test_jws_json_with_protected_x5c(self) -> None:
        """JWS JSON: x5c in the protected header verifies."""
        p = pki()
        signer = p.signer()
        signed = jws.sign_json(b"p", [jws.Signer(signer, protected=signer.x5c_headers())])
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        assert jws.verify_json(signed, trust, algorithms=["ES256"]).payload == b"p"

    def test_async_lookup(self) -> None:
        """key_for_async answers like key_for."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        header = {"x5c": p.x5c()}
        key = asyncio.run(trust.key_for_async(header, "verify", ES256))
        assert key.certificate == p.leaf

    def test_verifier_sync_and_async(self) -> None:
        """A Verifier bound to the trust decodes with decode and decode_async."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        verifier = jotkit.Verifier(trust, algorithms=["ES256"], now=NOW_TS)
        token = _token(p.signer())
        assert verifier.decode(token)["sub"] == "alice"
        assert asyncio.run(verifier.decode_async(token))["sub"] == "alice"
        forged = _token(pki().signer())
        with pytest.raises(CertificateError):
            asyncio.run(verifier.decode_async(forged))

    def test_rsa_and_mldsa_leaves(self) -> None:
        """Leaf keys of other families work with their algorithms (RS256, ML-DSA-65)."""
        from cryptography.hazmat.primitives.asymmetric import rsa

        rsa_pki = pki(rsa.generate_private_key(public_exponent=65537, key_size=2048))
        trust = CertificateTrust(anchors=[rsa_pki.root], now=NOW_TS)
        token = _token(rsa_pki.signer("RS256"))
        assert jotkit.decode(token, trust, algorithms=["RS256"], now=NOW_TS)["sub"] == "alice"
        pq = pki(mldsa.MLDSA65PrivateKey.generate())
        trust = CertificateTrust(anchors=[pq.root], now=NOW_TS)
        signer = pq.signer("ML-DSA-65")
        token = jws.sign_compact(b"pq", signer, headers=signer.x5c_headers())
        # ML-DSA certificates are large: the header outgrows the default 8 KiB limit.
        limits = Limits(max_header_size=32 * 1024)
        result = jws.verify_compact(token, trust, algorithms=["ML-DSA-65"], limits=limits)
        assert result.payload == b"pq"


class TestPolicy:
    """eku, key usage, kid and time options."""

    def test_eku_accepted_when_listed(self) -> None:
        """A leaf whose EKU is in the accepted list passes; anyExtendedKeyUsage passes."""
        for eku in (
            [ExtendedKeyUsageOID.CODE_SIGNING],
            [ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE],
        ):
            p = pki(eku=eku)
            trust = CertificateTrust(anchors=[p.root], now=NOW_TS, eku=["1.3.6.1.5.5.7.3.3"])
            assert trust.key_for({"x5c": p.x5c()}, "verify", ES256).certificate == p.leaf

    def test_no_eku_extension_passes_an_eku_policy(self) -> None:
        """A leaf without the extension is unrestricted (RFC 5280 4.2.1.12)."""
        p = pki()
        trust = CertificateTrust(
            anchors=[p.root], now=NOW_TS, eku=[ExtendedKeyUsageOID.CLIENT_AUTH]
        )
        trust.key_for({"x5c": p.x5c()}, "verify", ES256)

    def test_default_accepts_any_eku(self) -> None:
        """eku=None: a serverAuth-only leaf is accepted (the client verifier would refuse)."""
        p = pki(eku=[ExtendedKeyUsageOID.SERVER_AUTH])
        CertificateTrust(anchors=[p.root], now=NOW_TS).key_for({"x5c": p.x5c()}, "verify", ES256)

    def test_key_usage_without_digital_signature(self) -> None:
        """A leaf whose key usage lacks digitalSignature is refused unless told otherwise."""
        p = pki(digital_signature=False)
        with pytest.raises(CertificateError, match="digitalSignature"):
            CertificateTrust(anchors=[p.root], now=NOW_TS).key_for(
                {"x5c": p.x5c()}, "verify", ES256
            )
        lax = CertificateTrust(anchors=[p.root], now=NOW_TS, require_digital_signature=False)
        lax.key_for({"x5c": p.x5c()}, "verify", ES256)

    def test_kid_must_match(self) -> None:
        """With kid_must_match, kid must be the leaf key thumbprint or the x5t#S256."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS, kid_must_match=True)
        leaf_key = Key.from_cryptography(p.leaf)
        for kid in (leaf_key.thumbprint(), leaf_key.x5t_s256):
            trust.key_for({"x5c": p.x5c(), "kid": kid}, "verify", ES256)
        with pytest.raises(CertificateError, match="kid does not name"):
            trust.key_for({"x5c": p.x5c(), "kid": "other"}, "verify", ES256)
        with pytest.raises(CertificateError, match="kid naming the x5c leaf is required"):
            trust.key_for({"x5c": p.x5c()}, "verify", ES256)
        # Without the option kid is the caller's business.
        CertificateTrust(anchors=[p.root], now=NOW_TS).key_for(
            {"x5c": p.x5c(), "kid": "other"}, "verify", ES256
        )

    def test_clock_is_used_without_now(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without now=, jotkit's clock decides (here moved past the leaf's notAfter)."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root])
        monkeypatch.setattr("jotkit._time.now", lambda: NOW_TS)
        trust.key_for({"x5c": p.x5c()}, "verify", ES256)
        monkeypatch.setattr("jotkit._time.now", lambda: NOW_TS + 60 * 86400)
        with pytest.raises(CertificateError, match="does not validate"):
            trust.key_for({"x5c": p.x5c()}, "verify", ES256)

    @pytest.mark.parametrize(
        ("options", "error"),
        [
            ({"max_depth": -1}, ValueError),
            ({"cache_size": -1}, ValueError),
            ({"now": datetime.datetime(2026, 1, 1)}, ValueError),
            ({"now": "2026"}, TypeError),
            ({"eku": [3]}, TypeError),
        ],
    )
    def test_bad_arguments(self, options: dict[str, Any], error: type[Exception]) -> None:
        """Caller mistakes raise TypeError/ValueError."""
        with pytest.raises(error):
            CertificateTrust(anchors=[pki().root], **options)

    def test_anchors_must_be_certificates(self) -> None:
        """Anchors that are not certificates are a caller mistake."""
        with pytest.raises(ValueError, match=r"not an X\.509 certificate"):
            CertificateTrust(anchors=[b"not a certificate"])
        with pytest.raises(ValueError, match="no certificate"):
            CertificateTrust(anchors=[])
        with pytest.raises(TypeError):
            CertificateTrust(anchors=[42])

    def test_cryptography_without_extension_policies(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Before cryptography 45 (no ExtensionPolicy): an error naming what is needed."""
        from cryptography.x509 import verification

        from jotkit.errors import UnsupportedAlgorithmError

        monkeypatch.delattr(verification, "ExtensionPolicy")
        with pytest.raises(UnsupportedAlgorithmError, match=r"cryptography>=45"):
            CertificateTrust(anchors=[pki().root])

    def test_only_verification(self) -> None:
        """A certificate trust gives no decryption key."""
        p = pki()
        with pytest.raises(CertificateError, match="verify"):
            CertificateTrust(anchors=[p.root]).key_for({"x5c": p.x5c()}, "decrypt", ES256)


class TestEdDSALimitation:
    """cryptography's verifier refuses EdDSA certificate signatures: named, pinned."""

    def test_chain_signed_with_ed25519_is_refused_with_the_reason(self) -> None:
        """An Ed25519 root signing an ECDSA leaf: CertificateError naming the limitation."""
        root_key = ed25519.Ed25519PrivateKey.generate()
        root = make_cert("Ed root", root_key, ca=True)
        leaf_key = ec.generate_private_key(ec.SECP256R1())
        leaf = make_cert("Leaf", leaf_key, (root, root_key))
        trust = CertificateTrust(anchors=[root], now=NOW_TS)
        with pytest.raises(CertificateError, match="Ed25519/Ed448 certificate signatures"):
            trust.key_for({"x5c": [b64(leaf)]}, "verify", ES256)

    def test_the_library_itself_refuses_it(self) -> None:
        """Pin: were the pre-check removed, cryptography would still refuse the chain."""
        from cryptography import x509
        from cryptography.x509.verification import (
            Criticality,
            ExtensionPolicy,
            PolicyBuilder,
            Store,
            VerificationError,
        )

        root_key = ed25519.Ed25519PrivateKey.generate()
        root = make_cert("Ed root", root_key, ca=True)
        leaf = make_cert("Leaf", ec.generate_private_key(ec.SECP256R1()), (root, root_key))
        ee = ExtensionPolicy.webpki_defaults_ee().may_be_present(
            x509.SubjectAlternativeName, Criticality.AGNOSTIC, None
        )
        verifier = (
            PolicyBuilder()
            .store(Store([root]))
            .time(NOW)
            .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=ee)
            .build_client_verifier()
        )
        with pytest.raises(VerificationError, match=r"Forbidden public key algorithm.*Ed25519"):
            verifier.verify(leaf, [])

    def test_ed25519_leaf_key_under_an_ecdsa_ca_works(self) -> None:
        """Only EdDSA signatures on certificates are refused: an Ed25519 leaf key is fine."""
        p = pki(ed25519.Ed25519PrivateKey.generate())
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        token = jws.sign_compact(b"ed", p.signer("EdDSA"), headers=p.signer("EdDSA").x5c_headers())
        assert jws.verify_compact(token, trust, algorithms=["EdDSA"]).payload == b"ed"

    def test_self_signed_ed25519_anchor_leaf(self) -> None:
        """A self-signed Ed25519 leaf that is an anchor: no signature to check, accepted."""
        key = ed25519.Ed25519PrivateKey.generate()
        cert = make_cert("Ed self", key)
        trust = CertificateTrust(anchors=[cert], now=NOW_TS)
        found = trust.key_for({"x5c": [b64(cert)]}, "verify", JWS_ALGORITHMS["EdDSA"])
        assert found.certificate == cert


class TestCache:
    """Validated chains are cached by exact x5c, never served outside their validity."""

    def _counting(self, trust: CertificateTrust, monkeypatch: pytest.MonkeyPatch) -> list[int]:
        calls: list[int] = []
        original = CertificateTrust._verifier

        def counted(self: CertificateTrust, at: datetime.datetime) -> Any:
            calls.append(1)
            return original(self, at)

        monkeypatch.setattr(CertificateTrust, "_verifier", counted)
        return calls

    def test_second_lookup_skips_path_validation(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The same x5c twice validates once; another x5c validates again."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        calls = self._counting(trust, monkeypatch)
        for _ in range(3):
            trust.key_for({"x5c": p.x5c()}, "verify", ES256)
        assert len(calls) == 1
        trust.key_for({"x5c": [b64(p.leaf), b64(p.inter), b64(p.root)]}, "verify", ES256)
        assert len(calls) == 2

    def test_cached_chain_is_not_served_past_not_after(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A chain cached while valid is validated again (and refused) once expired."""
        p = pki()
        clock = [NOW_TS]
        monkeypatch.setattr("jotkit._time.now", lambda: clock[0])
        trust = CertificateTrust(anchors=[p.root])
        calls = self._counting(trust, monkeypatch)
        trust.key_for({"x5c": p.x5c()}, "verify", ES256)
        clock[0] = NOW_TS + 31 * 86400  # one day past the leaf's notAfter
        with pytest.raises(CertificateError, match="does not validate"):
            trust.key_for({"x5c": p.x5c()}, "verify", ES256)
        assert len(calls) == 2

    def test_window_is_the_intersection_of_the_chain(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """An intermediate expiring before the leaf bounds the cached entry."""
        root_key, inter_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))
        root = make_cert("Root", root_key, ca=True)
        inter = make_cert("Inter", inter_key, (root, root_key), ca=True, not_after=NOW + DAY)
        leaf = make_cert("Leaf", leaf_key, (inter, inter_key))
        clock = [NOW_TS]
        monkeypatch.setattr("jotkit._time.now", lambda: clock[0])
        trust = CertificateTrust(anchors=[root])
        trust.key_for({"x5c": [b64(leaf), b64(inter)]}, "verify", ES256)
        clock[0] = NOW_TS + 2 * 86400
        with pytest.raises(CertificateError):
            trust.key_for({"x5c": [b64(leaf), b64(inter)]}, "verify", ES256)

    def test_failures_are_not_cached_and_size_is_bounded(self) -> None:
        """Only validated chains are kept, at most cache_size of them; 0 disables it."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS, cache_size=2)
        with pytest.raises(CertificateError):
            trust.key_for({"x5c": [b64(p.leaf)]}, "verify", ES256)
        assert trust._cache is not None
        assert len(trust._cache) == 0
        for x5c in ([*p.x5c()], [*p.x5c(), b64(p.root)], [b64(p.leaf), b64(p.inter)]):
            trust.key_for({"x5c": x5c}, "verify", ES256)
        assert len(trust._cache) == 2
        assert CertificateTrust(anchors=[p.root], cache_size=0)._cache is None

    def test_per_token_checks_run_on_a_hit(self) -> None:
        """x5t and alg are checked per token, cached chain or not."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        trust.key_for({"x5c": p.x5c()}, "verify", ES256)
        with pytest.raises(CertificateError, match="x5t#S256 does not match"):
            trust.key_for({"x5c": p.x5c(), "x5t#S256": "A" * 43}, "verify", ES256)
        with pytest.raises(CertificateError, match="does not fit RS256"):
            trust.key_for({"x5c": p.x5c()}, "verify", JWS_ALGORITHMS["RS256"])


class TestSigningSide:
    """Keys from certificates: certificate, x5t#S256, with_certificates, x5c_headers."""

    def test_key_from_certificate_pem_keeps_it(self) -> None:
        """Key.from_pem of a certificate keeps the certificate and its x5t#S256."""
        p = pki()
        key = Key.from_pem(p.leaf.public_bytes(Encoding.PEM))
        assert key.certificate == p.leaf
        headers = key.x5c_headers()
        assert headers["x5c"] == [b64(p.leaf)]
        assert headers["x5t#S256"] == key.x5t_s256

    def test_with_certificates_keeps_the_chain_and_exports_it(self) -> None:
        """The chain becomes the JWK x5c member; the JWK imports back with it."""
        p = pki()
        pem = p.leaf.public_bytes(Encoding.PEM) + p.inter.public_bytes(Encoding.PEM)
        signer = Key.from_cryptography(p.leaf_key, alg="ES256").with_certificates(pem)
        assert signer.x5c_headers()["x5c"] == p.x5c()
        assert signer.is_private
        again = Key.from_jwk(signer.to_jwk(private=True))
        assert again.certificate == p.leaf
        assert again.x5c_headers() == signer.x5c_headers()

    def test_token_header_carries_x5c_protected(self) -> None:
        """The header of a token signed with x5c_headers() holds the chain, protected."""
        p = pki()
        token = _token(p.signer())
        protected = json.loads(b64decode(token.split(".")[0]))
        assert protected["x5c"] == p.x5c()
        assert protected["x5t#S256"] == p.signer().x5t_s256

    def test_leaf_must_hold_the_key(self) -> None:
        """A chain whose leaf holds another key, or out of order, is a caller mistake."""
        p = pki()
        with pytest.raises(ValueError, match="does not hold this key"):
            Key.generate("ES256").with_certificates([p.leaf])
        with pytest.raises(ValueError, match="not issued by the next"):
            Key.from_cryptography(p.leaf_key).with_certificates([p.leaf, p.root])
        with pytest.raises(ValueError, match="no certificate"):
            Key.generate("ES256").x5c_headers()

    def test_key_without_certificate(self) -> None:
        """No certificate: x5t_s256 is None and x5c_headers is refused."""
        key = Key.generate("ES256")
        assert key.x5t_s256 is None
        with pytest.raises(ValueError, match="no certificate"):
            key.x5c_headers()

    def test_x5c_jwk_with_wrong_key_still_refused(self) -> None:
        """An imported JWK whose x5c leaf holds another key is refused (unchanged)."""
        p = pki()
        jwk = {**Key.generate("ES256").public().to_jwk(), "x5c": p.x5c()}
        with pytest.raises(InvalidKeyError):
            Key.from_jwk(jwk)
