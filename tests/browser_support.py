"""A real browser on a real server: the web app served by uvicorn on a free local port, and
Debian's Chromium driven by Playwright (never a downloaded browser build).

``live`` serves a :class:`web_support.Site` (the demo plan, one account per role) and gives
its base URL; ``browser`` (in conftest.py: one Chromium for the whole session, whichever
modules use it) is the browser; ``phone`` a page with a phone's viewport and touch, ``desk``
one with a desktop's. Screenshots go to ``TRACKER_SCREENSHOTS`` (default: the test's tmp
dir) so they can be looked at after the run.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page
from web_support import Site, make_site

PHONE = {"width": 390, "height": 844}  # a common phone's CSS pixels


@dataclass
class Live:
    site: Site
    url: str  # http://localhost:PORT
    shots: Path

    def shot(self, page: Page, name: str, *, full_page: bool = True) -> Path:
        """Save a screenshot (of the whole page, or of the viewport); returns its path."""
        path = self.shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(name="live")
def live_fixture(tmp_path: Path, database_url: str) -> Iterator[Live]:
    """The demo site served over HTTP on localhost (a secure context for Chromium, so the
    app's Secure cookies work as they do behind HTTPS)."""
    port = _free_port()
    url = f"http://localhost:{port}"
    site = make_site(tmp_path, database_url)
    server = uvicorn.Server(
        uvicorn.Config(site.app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        threading.Event().wait(0.05)
    shots = Path(os.environ.get("TRACKER_SCREENSHOTS") or tmp_path / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    yield Live(site, url, shots)
    server.should_exit = True
    thread.join(timeout=10)
    site.close()


@pytest.fixture(name="phone")
def phone_fixture(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="th-TH"
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(name="desk")
def desk_fixture(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="th-TH")
    page = context.new_page()
    yield page
    context.close()


def sign_in(page: Page, live: Live, username: str, password: str) -> None:
    page.goto(f"{live.url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
