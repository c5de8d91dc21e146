"""Take docs/debugger.png: the debugger page with a decoded, verified token.

Run from the repository root: ``.venv/bin/python scripts/debugger-screenshot.py``. Needs
the Debian ``chromium`` package (``bash scripts/system-deps.sh``) and the dev extra.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

import jotkit
from jotkit.debugger import make_app

OUT = Path(__file__).resolve().parents[1] / "docs" / "debugger.png"
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
SECRET = "an-example-secret-of-32-bytes!!!"


def main() -> None:
    now = int(jotkit._time.now())
    claims = {
        "iss": "https://issuer.example",
        "sub": "user-1234",
        "aud": "https://api.example",
        "iat": now - 300,
        "exp": now + 900,
        "scope": "read:notes",
        "name": "Jo Kit",
    }
    token = jotkit.encode(claims, SECRET.encode(), alg="HS256", headers={"kid": "example"})
    server = make_app().start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 1020})
            page.goto(server.url)
            page.fill("#token", token)
            expect(page.locator("#claims-table")).to_contain_text("valid for", timeout=30_000)
            page.fill("#verify-key", SECRET)
            page.fill("#verify-iss", claims["iss"])  # type: ignore[arg-type]
            page.fill("#verify-aud", claims["aud"])  # type: ignore[arg-type]
            page.click("#verify-button")
            expect(page.locator("#verify-result")).to_contain_text("Claims valid.", timeout=30_000)
            page.screenshot(path=str(OUT))
            browser.close()
    finally:
        server.stop()
    print(f"wrote {OUT}", file=sys.stderr)


if __name__ == "__main__":
    main()
