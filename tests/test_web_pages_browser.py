"""The pages as a person sees them: headless Chromium (Debian's ``chromium``) at a 390×844 phone
viewport loads the market page, a stall page and a search result over real HTTP on 127.0.0.1.
Checked: the text, the links, no sideways scrolling, large type and buttons. A screenshot of each
page is kept (its path is printed; ``pytest -s`` shows it).

Chromium is driven over its DevTools pipe (``--remote-debugging-pipe``: JSON messages ended by
NUL on fds 3 and 4), so nothing but the browser is needed. Skipped, saying so, where no
``chromium`` is installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import select
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.test_web_pages import XSS, Site, site  # noqa: F401 (the fixture)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install chromium; .ci/run does it)",
)
WIDTH, HEIGHT = 390, 844
_TIMEOUT = 30.0


class Browser:
    """One headless Chromium driven over the DevTools pipe (synchronous; run it in a thread)."""

    def __init__(self, profile: Path) -> None:
        assert CHROMIUM is not None
        args = [
            CHROMIUM,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--hide-scrollbars",
            "--lang=zh-CN",
            "--accept-lang=zh-CN,zh",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # the pipe is fds 3 (commands in) and 4 (answers out): give it our stdin and stdout
        self.log = (profile / "chromium.log").open("wb")
        self.proc = subprocess.Popen(
            ["sh", "-c", 'exec "$@" 3<&0 4>&1 0</dev/null 1>&2', "sh", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
        )
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def _read(self, deadline: float) -> dict[str, Any]:
        assert self.proc.stdout is not None
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer")
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed its pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(message))

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self._next += 1
        command: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            command["sessionId"] = session
        self.proc.stdin.write(json.dumps(command).encode() + b"\0")
        self.proc.stdin.flush()
        deadline = time.monotonic() + _TIMEOUT
        while True:
            message = self._read(deadline)
            if message.get("id") == self._next:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message["result"])
            self.events.append(message)

    def wait_event(self, name: str, session: str) -> None:
        deadline = time.monotonic() + _TIMEOUT
        while True:
            for index, event in enumerate(self.events):
                if event.get("method") == name and event.get("sessionId") == session:
                    del self.events[index]
                    return
            self.events.append(self._read(deadline))

    def open(self, url: str) -> str:
        """A new phone-sized tab showing ``url`` once loaded; returns its session."""
        target = self.send("Target.createTarget", url="about:blank")["targetId"]
        session = str(
            self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        )
        self.send(
            "Emulation.setDeviceMetricsOverride",
            session,
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=2,
            mobile=True,
        )
        self.send("Page.enable", session)
        self.send("Page.navigate", session, url=url)
        self.wait_event("Page.loadEventFired", session)
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.send("Runtime.evaluate", session, expression=expression, returnByValue=True)
        return result["result"].get("value")

    def screenshot(self, session: str, path: Path) -> None:
        """The whole page, as tall as it is, 390 CSS pixels wide."""
        height = self.evaluate(session, "document.documentElement.scrollHeight")
        shot = self.send(
            "Page.captureScreenshot",
            session,
            format="png",
            captureBeyondViewport=True,
            clip={"x": 0, "y": 0, "width": WIDTH, "height": height, "scale": 1},
        )
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, TimeoutError, OSError):
            self.send("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        self.log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    chromium = Browser(tmp_path_factory.mktemp("chromium"))
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def screens(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("MARKETBOT_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass
class Seen:
    title: str
    text: str
    links: list[str]
    scroll_width: int
    inner_width: int
    font_px: float
    smallest_button: float


_LOOK = """JSON.stringify({
  title: document.title,
  text: document.body.innerText,
  links: Array.from(document.links, a => a.href),
  scroll_width: document.documentElement.scrollWidth,
  inner_width: window.innerWidth,
  font_px: parseFloat(getComputedStyle(document.body).fontSize),
  smallest_button: Math.min(...Array.from(document.querySelectorAll('.btn, button'),
                            b => b.getBoundingClientRect().height))
})"""


async def look(browser: Browser, url: str, shot: Path) -> Seen:
    def run() -> Seen:
        session = browser.open(url)
        seen = Seen(**json.loads(browser.evaluate(session, _LOOK)))
        browser.screenshot(session, shot)
        print(f"screenshot of {url}: {shot}")  # noqa: T201
        return seen

    return await asyncio.to_thread(run)


def assert_fits_a_phone(seen: Seen) -> None:
    assert seen.inner_width == WIDTH
    assert seen.scroll_width <= seen.inner_width, "the page scrolls sideways"
    assert seen.font_px >= 18, "type too small to read at arm's length"
    assert seen.smallest_button >= 44, "a button too small to tap"


async def test_a_phone_shows_the_market_page(site: Site, browser: Browser, screens: Path) -> None:  # noqa: F811
    seen = await look(browser, site.url("/market/1"), screens / "market.png")
    assert_fits_a_phone(seen)
    assert seen.title == "水磨头村山货集"
    for words in (
        "逢三六九",
        "下几个集",
        "下大雪，路不通",
        "让给庙会",
        "老魏山货",
        "加到手机日历",
    ):
        assert words in seen.text, words
    assert site.url("/stall/1?lang=zh") in seen.links
    assert any(
        link.startswith("https://t.me/ganji_test_bot?start=market_1") for link in seen.links
    )


async def test_a_phone_shows_a_stall_page(site: Site, browser: Browser, screens: Path) -> None:  # noqa: F811
    seen = await look(browser, site.url("/stall/1"), screens / "stall.png")
    assert_fits_a_phone(seen)
    assert seen.title.startswith("老魏山货")
    for words in ("魏大爷", "山木耳", "45元/斤", "卖完了", "会来摆摊", "野生猴头菇"):
        assert words in seen.text, words
    assert site.url("/market/1?lang=zh") in seen.links


async def test_a_phone_shows_a_search_result(site: Site, browser: Browser, screens: Path) -> None:  # noqa: F811
    seen = await look(browser, site.url("/market/1/search?q=蜂蜜"), screens / "search.png")
    assert_fits_a_phone(seen)
    assert "蜜" in seen.text and "沙棘坡" in seen.text
    assert any("/stall/" in link for link in seen.links)


async def test_a_stall_named_like_a_script_shows_as_text(
    site: Site,  # noqa: F811
    browser: Browser,
    screens: Path,
) -> None:
    seen = await look(browser, site.url(f"/stall/{site.xss_stall}"), screens / "script-stall.png")
    assert XSS in seen.text  # shown, not run
    assert seen.title.startswith(XSS)
    assert_fits_a_phone(seen)
