"""Attacks on x5c trust (RFC 7515 4.1.6, RFC 5280 6, RFC 8725 3.10): one test per class.

Each forged or broken chain raises CertificateError with its reason, through the key
source and, for the main classes, through ``jotkit.decode`` end to end.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID

import jotkit
from jotkit import Key, jws
from jotkit._joined import join
from jotkit.errors import CertificateError, InvalidKeyError
from jotkit.jwa import JWS_ALGORITHMS
from jotkit.x509 import CertificateTrust

from ._pki import DAY, NOW, NOW_TS, b64, make_cert, p256, pki

ES256 = JWS_ALGORITHMS["ES256"]


def _refused(trust: CertificateTrust, header: dict[str, Any], match: str) -> None:
    with pytest.raises(CertificateError, match=match):
        trust.key_for(header, "verify", ES256)


class TestChainAttacks:
    """Chains that must not validate."""

    def test_self_signed_leaf(self) -> None:
        """An attacker's self-signed certificate for its own key is no anchor."""
        key = p256()
        cert = make_cert("Attacker", key)
        trust = CertificateTrust(anchors=[pki().root], now=NOW_TS)
        signer = Key.from_cryptography(key, alg="ES256").with_certificates([cert])
        token = jotkit.encode({"sub": "admin"}, signer, headers=signer.x5c_headers())
        with pytest.raises(CertificateError, match="self-signed and not a trust anchor"):
            jotkit.decode(token, trust, algorithms=["ES256"], now=NOW_TS)

    def test_untrusted_root(self) -> None:
        """A complete chain to another root does not validate."""
        theirs = pki()
        trust = CertificateTrust(anchors=[pki().root], now=NOW_TS)
        _refused(trust, {"x5c": theirs.x5c()}, "does not validate")
        _refused(trust, {"x5c": [*theirs.x5c(), b64(theirs.root)]}, "does not validate")

    def test_expired_leaf(self) -> None:
        """A leaf past its notAfter is refused, end to end."""
        p = pki(not_before=NOW - 30 * DAY, not_after=NOW - DAY)
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        token = jotkit.encode({"sub": "a"}, p.signer(), headers=p.signer().x5c_headers())
        with pytest.raises(CertificateError, match="does not validate"):
            jotkit.decode(token, trust, algorithms=["ES256"], now=NOW_TS)

    def test_intermediate_not_yet_valid(self) -> None:
        """An intermediate whose notBefore is in the future is refused."""
        root_key, inter_key, leaf_key = p256(), p256(), p256()
        root = make_cert("Root", root_key, ca=True)
        inter = make_cert("Inter", inter_key, (root, root_key), ca=True, not_before=NOW + DAY)
        leaf = make_cert("Leaf", leaf_key, (inter, inter_key))
        trust = CertificateTrust(anchors=[root], now=NOW_TS)
        _refused(trust, {"x5c": [b64(leaf), b64(inter)]}, "does not validate")

    @pytest.mark.parametrize("basic_constraints", [True, False], ids=["ca-false", "absent"])
    def test_intermediate_without_ca_rights(self, basic_constraints: bool) -> None:
        """An end-entity certificate used as an issuer (cA false, or no basicConstraints)."""
        root_key, inter_key, leaf_key = p256(), p256(), p256()
        root = make_cert("Root", root_key, ca=True)
        inter = make_cert(
            "Not a CA", inter_key, (root, root_key), basic_constraints=basic_constraints
        )
        leaf = make_cert("Leaf", leaf_key, (inter, inter_key))
        trust = CertificateTrust(anchors=[root], now=NOW_TS)
        _refused(trust, {"x5c": [b64(leaf), b64(inter)]}, "does not validate")

    def test_leaf_signed_by_a_leaf(self) -> None:
        """A valid leaf's key signing another certificate does not make a CA of it."""
        p = pki()
        forged = make_cert("Forged", p256(), (p.leaf, p.leaf_key))
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        _refused(trust, {"x5c": [b64(forged), *p.x5c()]}, "does not validate")

    def test_path_length_exceeded(self) -> None:
        """An intermediate with pathLenConstraint 0 cannot issue another CA."""
        p = pki()  # its intermediate has path_length=0
        sub_key, leaf_key = p256(), p256()
        sub = make_cert("Sub CA", sub_key, (p.inter, p.inter_key), ca=True)
        leaf = make_cert("Leaf", leaf_key, (sub, sub_key))
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        _refused(trust, {"x5c": [b64(leaf), b64(sub), b64(p.inter)]}, "does not validate")

    def test_chain_deeper_than_allowed(self) -> None:
        """Two intermediates with max_depth=1 are refused; max_depth=2 accepts them."""
        root_key, a_key, b_key, leaf_key = p256(), p256(), p256(), p256()
        root = make_cert("Root", root_key, ca=True)
        a = make_cert("A", a_key, (root, root_key), ca=True)
        b = make_cert("B", b_key, (a, a_key), ca=True)
        leaf = make_cert("Leaf", leaf_key, (b, b_key))
        header = {"x5c": [b64(leaf), b64(b), b64(a)]}
        _refused(CertificateTrust(anchors=[root], now=NOW_TS, max_depth=1), header, "max depth")
        CertificateTrust(anchors=[root], now=NOW_TS, max_depth=2).key_for(header, "verify", ES256)

    def test_wrong_eku(self) -> None:
        """A serverAuth-only leaf is refused where code signing is required."""
        p = pki(eku=[ExtendedKeyUsageOID.SERVER_AUTH])
        trust = CertificateTrust(
            anchors=[p.root], now=NOW_TS, eku=[ExtendedKeyUsageOID.CODE_SIGNING]
        )
        _refused(trust, {"x5c": p.x5c()}, "extended key usage is not accepted")


class TestTokenAttacks:
    """A valid chain used against the token's own claims."""

    @pytest.mark.parametrize("alg", ["RS256", "EdDSA", "ES384", "HS256", "ML-DSA-44"])
    def test_leaf_key_of_another_type_than_alg(self, alg: str) -> None:
        """A P-256 leaf serves ES256 only: a header naming another alg is refused."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        with pytest.raises(CertificateError, match=f"does not fit {alg}"):
            trust.key_for({"alg": alg, "x5c": p.x5c()}, "verify", JWS_ALGORITHMS[alg])

    @pytest.mark.parametrize("name", ["x5t", "x5t#S256"])
    def test_thumbprint_of_another_certificate(self, name: str) -> None:
        """x5t / x5t#S256 naming another certificate is refused; malformed ones too."""
        import hashlib

        from cryptography.hazmat.primitives.serialization import Encoding

        from jotkit._b64 import b64encode_str

        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        hash_name = "sha1" if name == "x5t" else "sha256"
        other = b64encode_str(hashlib.new(hash_name, p.inter.public_bytes(Encoding.DER)).digest())
        own = b64encode_str(hashlib.new(hash_name, p.leaf.public_bytes(Encoding.DER)).digest())
        trust.key_for({"x5c": p.x5c(), name: own}, "verify", ES256)
        _refused(trust, {"x5c": p.x5c(), name: other}, f"{name} does not match")
        for bad in ("short", 5, own + "A"):
            _refused(trust, {"x5c": p.x5c(), name: bad}, f"{name} is not a base64url")

    def test_x5c_unprotected(self) -> None:
        """JWS JSON with x5c in the unprotected header: refused (no signature covers it)."""
        p = pki()
        signer = p.signer()
        signed = jws.sign_json(b"p", [jws.Signer(signer, unprotected={"x5c": p.x5c()})])
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        with pytest.raises(CertificateError, match="x5c must be in the protected header"):
            jws.verify_json(signed, trust, algorithms=["ES256"])
        # What the JSON verifier hands the source says which members were unprotected.
        _refused(trust, join({"alg": "ES256"}, {"x5c": p.x5c()}), "protected header")
        trust.key_for(join({"alg": "ES256", "x5c": p.x5c()}, {"kid": "k"}), "verify", ES256)

    def test_swapped_unprotected_chain_cannot_pick_the_key(self) -> None:
        """An attacker's chain in the unprotected header never selects a key."""
        mine, theirs = pki(), pki()
        signer = theirs.signer()
        signed = jws.sign_json(b"evil", [jws.Signer(signer, unprotected={"x5c": theirs.x5c()})])
        trust = CertificateTrust(anchors=[mine.root, theirs.root], now=NOW_TS)
        with pytest.raises(CertificateError):
            jws.verify_json(signed, trust, algorithms=["ES256"])

    def test_no_x5c(self) -> None:
        """No x5c: refused; an embedded jwk is never used instead."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        jwk = Key.from_cryptography(p.leaf_key).public().to_jwk()
        _refused(trust, {"alg": "ES256", "jwk": jwk}, "no x5c")
        _refused(trust, {"alg": "ES256", "x5u": "https://example.com/c.pem"}, "no x5c")

    def test_signature_by_another_key_with_a_valid_chain(self) -> None:
        """Someone else's valid chain does not make the attacker's signature verify."""
        p = pki()
        attacker = Key.generate("ES256")
        token = jotkit.encode({"sub": "a"}, attacker, headers={"x5c": p.x5c()})
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        with pytest.raises(jotkit.errors.InvalidSignatureError):
            jotkit.decode(token, trust, algorithms=["ES256"], now=NOW_TS)


class TestParsingAttacks:
    """Hostile x5c values: refused before or while parsing, never a crash."""

    @pytest.mark.parametrize(
        ("x5c", "match"),
        [
            ("MIIB", "non-empty list"),
            ([], "non-empty list"),
            ({"0": "MIIB"}, "non-empty list"),
            ([5], "base64 strings"),
            ([None], "base64 strings"),
            (["bm90IERFUg=="], "not a DER X.509 certificate"),
            ([base64.b64encode(b"\x30\x03\x02\x01\x00").decode()], "not a DER X.509"),
            (["MII-_w"], "not standard base64"),
            (["MIIB\n"], "not standard base64"),
            (["MIIB="], "not standard base64"),
            (["QQ=="[:3]], "not standard base64"),
            (["QR=="], "not canonical base64"),
        ],
    )
    def test_garbage(self, x5c: Any, match: str) -> None:
        """Not a list, not strings, not base64, base64url, non-canonical, garbage DER."""
        _refused(CertificateTrust(anchors=[pki().root], now=NOW_TS), {"x5c": x5c}, match)

    @pytest.mark.parametrize("serial", [b"\x02\x04\x80\x12\x34\x56", b"\x02\x04\x00\x00\x00\x00"])
    def test_serial_number_not_positive(self, serial: bytes) -> None:
        """A negative or zero serial (RFC 5280 4.1.2.2) is refused, with no warning."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.serialization import Encoding

        key = p256()
        name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "s")])
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(0x7F123456)
            .not_valid_before(NOW - DAY)
            .not_valid_after(NOW + DAY)
            .sign(key, hashes.SHA256())
        )
        der = cert.public_bytes(Encoding.DER)
        assert der.count(b"\x02\x04\x7f\x12\x34\x56") == 1
        forged = der.replace(b"\x02\x04\x7f\x12\x34\x56", serial)
        header = {"x5c": [base64.b64encode(forged).decode()]}
        _refused(CertificateTrust(anchors=[cert], now=NOW_TS), header, "serial number")

    def test_garbage_in_the_second_entry(self) -> None:
        """A valid leaf followed by garbage is refused, naming the entry."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)
        _refused(trust, {"x5c": [b64(p.leaf), "AAAA"]}, r"x5c\[1\]")

    def test_base64url_of_a_real_certificate(self) -> None:
        """A real certificate spelled in base64url (not standard base64) is refused."""
        p = pki()
        text = b64(p.leaf).replace("+", "-").replace("/", "_")
        if text == b64(p.leaf):  # pragma: no cover - no + or / in this DER
            text = "-" + text[1:]
        _refused(CertificateTrust(anchors=[p.root], now=NOW_TS), {"x5c": [text]}, "standard")

    def test_ten_thousand_certificates_refused_before_parsing(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """10,000 entries are refused by count; no certificate is decoded or parsed."""
        p = pki()
        trust = CertificateTrust(anchors=[p.root], now=NOW_TS)

        def forbidden(*args: Any) -> Any:
            raise AssertionError("parsed a certificate")

        monkeypatch.setattr(x509, "load_der_x509_certificate", forbidden)
        monkeypatch.setattr(base64, "b64decode", forbidden)
        _refused(trust, {"x5c": [b64(p.leaf)] * 10_000}, "10000 certificates; at most 6")

    def test_total_size_refused_before_parsing(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """A few huge entries are refused by their total length, unparsed."""
        trust = CertificateTrust(anchors=[pki().root], now=NOW_TS, max_x5c_size=4096)

        def forbidden(*args: Any) -> Any:
            raise AssertionError("parsed a certificate")

        monkeypatch.setattr(base64, "b64decode", forbidden)
        _refused(trust, {"x5c": ["A" * 4000, "A" * 200]}, "longer than 4096")

    def test_unsupported_leaf_key(self) -> None:
        """A leaf with a key jotkit does not use (P-224) is refused cleanly."""
        root_key = p256()
        root = make_cert("Root", root_key, ca=True)
        leaf = make_cert("Leaf", ec.generate_private_key(ec.SECP224R1()), (root, root_key))
        trust = CertificateTrust(anchors=[root], now=NOW_TS)
        with pytest.raises(InvalidKeyError):
            trust.key_for({"x5c": [b64(leaf)]}, "verify", ES256)

    def test_dates_are_checked_at_now(self) -> None:
        """The same chain validates at NOW and not before its intermediate existed."""
        p = pki()
        CertificateTrust(anchors=[p.root], now=NOW).key_for({"x5c": p.x5c()}, "verify", ES256)
        early = CertificateTrust(anchors=[p.root], now=NOW - 20 * DAY)
        _refused(early, {"x5c": p.x5c()}, "does not validate")
