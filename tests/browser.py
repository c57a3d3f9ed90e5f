"""Headless Chromium for the panel's browser tests: Debian's browser driven by Playwright.

Playwright never downloads a browser here (``playwright install`` fails without the network):
it drives /usr/bin/chromium, the Debian build its pinned version was made for (TESTING.md).
The host-resolver rule keeps Chromium from sending DNS queries for its own services at every
start; Playwright already adds headless, no-sandbox and no-background-networking.

``watch`` gathers what a page must never produce: a JavaScript error, a script or style the
Content Security Policy refused, a dialog (an ``alert()`` that ran is an XSS that worked).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1 , EXCLUDE localhost",
]
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium (see TESTING.md)"
)


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, with the arguments these machines need."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@contextmanager
def chromium() -> Iterator[Browser]:
    """A browser for the length of a ``with`` block, closed even when the test fails."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


def watch(page: Page, problems: list[str]) -> Page:
    """Append to ``problems`` every page error, CSP refusal and dialog ``page`` meets.

    A dialog is dismissed at once so the page does not hang on it.
    """
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda m: (
            problems.append(f"console: {m.text}") if "Content Security Policy" in m.text else None
        ),
    )

    def dialog(d) -> None:
        problems.append(f"dialog {d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", dialog)
    return page


@contextmanager
def serving(app) -> Iterator[str]:
    """``app`` (a WSGI app) on a free local port in a thread; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="served app", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
