"""The debugger page in a real headless Chromium (the Debian ``chromium`` package).

One browser for the module. Every request the page makes is recorded, and each test
checks that all of them went to the local server.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Request, expect, sync_playwright

import jotkit
from jotkit import Key
from jotkit.debugger import CSP, DebuggerServer

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WAIT = 30_000  # ms: generous, the machine is shared
SECRET = b"browser-test-secret-of-32-bytes!"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """The system Chromium, driven by Playwright (never Playwright's own download)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            launched.close()


class Recorded:
    """A page, the requests it made and the console errors it logged."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.requests: list[str] = []
        self.errors: list[str] = []
        page.on("request", self._request)
        page.on(
            "console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None
        )
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _request(self, request: Request) -> None:
        self.requests.append(request.url)


@pytest.fixture
def recorded(browser: Browser, server: DebuggerServer) -> Iterator[Recorded]:
    """A fresh page on the debugger; afterwards, every request must have been local."""
    context = browser.new_context()
    try:
        rec = Recorded(context.new_page())
        yield rec
        origin = f"http://127.0.0.1:{server.port}/"
        assert rec.requests, "the page made no request at all"
        assert all(url.startswith(origin) for url in rec.requests), rec.requests
    finally:
        context.close()


def open_page(rec: Recorded, server: DebuggerServer) -> Page:
    response = rec.page.goto(server.url)
    assert response is not None
    assert response.status == 200
    return rec.page


def test_csp_header_and_no_errors(recorded: Recorded, server: DebuggerServer) -> None:
    """The page comes with the strict CSP, and loads under it without a violation."""
    response = recorded.page.goto(server.url)
    assert response is not None
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    expect(recorded.page.locator("#generate-alg option")).not_to_have_count(0, timeout=WAIT)
    assert recorded.errors == []
    assert any(url.endswith("/app.js") for url in recorded.requests)
    assert any(url.endswith("/app.css") for url in recorded.requests)


def test_decode_and_verify(recorded: Recorded, server: DebuggerServer) -> None:
    """A pasted token is split in colours and explained; good and bad keys are told apart."""
    token = jotkit.encode({"sub": "browser", "exp": 4_000_000_000}, SECRET, alg="HS256")
    page = open_page(recorded, server)
    page.fill("#token", token)
    expect(page.locator("#claims-json")).to_contain_text('"sub": "browser"', timeout=WAIT)
    head, body, sig = token.split(".")
    expect(page.locator("#token-view .part-header")).to_have_text(head)
    expect(page.locator("#token-view .part-payload")).to_have_text(body)
    expect(page.locator("#token-view .part-signature")).to_have_text(sig)
    expect(page.locator("#claims-table")).to_contain_text("Expiration time")
    expect(page.locator("#claims-table")).to_contain_text("2096-10-02 07:06:40 UTC")
    expect(page.locator("#verify-alg")).to_have_value("HS256")
    expect(page.locator("#lint")).to_contain_text("JK105")

    page.fill("#verify-key", SECRET.decode())
    page.click("#verify-button")
    result = page.locator("#verify-result")
    expect(result).to_contain_text("Signature verified.", timeout=WAIT)
    expect(result).to_contain_text("Claims valid.")
    expect(result).to_have_class("result ok")

    page.fill("#verify-key", "another-secret-that-is-32-bytes!")
    page.click("#verify-button")
    expect(result).to_contain_text(
        "Signature check failed: invalid_signature: signature verification failed", timeout=WAIT
    )
    expect(result).to_have_class("result bad")
    assert recorded.errors == []


def test_verify_claims_failure_and_jwks(recorded: Recorded, server: DebuggerServer) -> None:
    """An expired token verified with a JWKS: the claims check and its claim are named."""
    key = Key.generate("ES256", kid="b1")
    token = jotkit.encode({"sub": "x", "exp": 1_000_000_000}, key)
    page = open_page(recorded, server)
    page.fill("#token", token)
    expect(page.locator("#claims-table")).to_contain_text("expired", timeout=WAIT)
    page.select_option("#verify-key-type", "jwks")
    page.fill("#verify-key", json.dumps({"keys": [key.public().to_jwk()]}))
    expect(page.locator("#verify-kid option")).to_have_count(2)
    page.select_option("#verify-kid", "b1")
    page.click("#verify-button")
    result = page.locator("#verify-result")
    expect(result).to_contain_text("Signature verified.", timeout=WAIT)
    expect(result).to_contain_text("Claims check failed (exp): expired")


def test_encode_round_trip(recorded: Recorded, server: DebuggerServer) -> None:
    """Tokens the page signs (generated key, given secret) verify in Python."""
    page = open_page(recorded, server)
    page.click("#tab-encode")
    page.fill("#encode-header", '{"alg": "ES256", "typ": "JWT", "kid": "page"}')
    page.fill("#encode-claims", '{"sub": "round-trip", "n": 1}')
    page.click("#encode-button")
    expect(page.locator("#encode-key-out")).to_contain_text("public_jwk", timeout=WAIT)
    token = page.locator("#encode-token").get_attribute("data-token")
    assert token is not None
    generated: dict[str, Any] = json.loads(page.locator("#encode-key-out").inner_text())
    public = Key.from_jwk(generated["public_jwk"])
    decoded = jotkit.decode_complete(token, public, algorithms=["ES256"])
    assert decoded.claims == {"sub": "round-trip", "n": 1}
    assert decoded.header == {"alg": "ES256", "typ": "JWT", "kid": "page"}

    page.fill("#encode-header", '{"alg": "HS256", "typ": "JWT"}')
    page.uncheck("#encode-generate")
    page.fill("#encode-key", SECRET.decode())
    page.click("#encode-button")
    expect(page.locator("#encode-key-out")).to_have_text("", timeout=WAIT)
    hs_token = page.locator("#encode-token").get_attribute("data-token")
    assert hs_token is not None
    assert hs_token != token
    assert jotkit.decode(hs_token, SECRET, algorithms=["HS256"]) == {"sub": "round-trip", "n": 1}


def test_pem_to_jwk(recorded: Recorded, server: DebuggerServer) -> None:
    """A PEM pasted in the Keys tab comes back as its JWK, with both thumbprints."""
    key = Key.generate("RS256")
    page = open_page(recorded, server)
    page.click("#tab-keys")
    page.fill("#convert-input", key.to_pem().decode())
    page.click("#convert-button")
    expect(page.locator("#convert-thumbprint")).to_have_text(key.thumbprint(), timeout=WAIT)
    expect(page.locator("#convert-thumbprint-uri")).to_have_text(key.thumbprint_uri())
    jwk = json.loads(page.locator("#convert-jwk").inner_text())
    assert Key.from_jwk(jwk).thumbprint() == key.thumbprint()
    assert jwk["n"] == key.to_jwk()["n"]


def test_page_without_secret(recorded: Recorded, server: DebuggerServer) -> None:
    """Opened without the fragment, the page says so and the API refuses it."""
    page = recorded.page
    page.goto(server.url.split("#", 1)[0])
    expect(page.locator("#status")).to_be_visible(timeout=WAIT)
    page.fill("#token", jotkit.encode({"sub": "x"}, SECRET, alg="HS256"))
    expect(page.locator("#decode-error")).to_contain_text("bad_secret", timeout=WAIT)
