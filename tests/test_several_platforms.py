"""One process serving several platforms, as ``marketbot run --console`` does: Telegram in
webhook mode through the shared web app (real HTTP on 127.0.0.1, the fake Bot API behind the
bot) and the terminal chat, with one delivery engine carrying messages from one to the other.
"""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import TextIO

import httpx
import pytest

from marketbot.app import App, choose_platforms, open_app, run
from marketbot.clock import FixedClock
from marketbot.config import Config, SecretariesConfig, TelegramConfig, WebConfig
from marketbot.platforms.telegram.webhook import SECRET_HEADER
from tests.fake_bot_api import FAKE_TOKEN, FakeBotApi
from tests.telegram_harness import serving

SECRETARY = 9001
SECRET = "several-platforms-secret"


class Screen:
    """What the terminal printed; tests wait for a text to appear."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._changed = asyncio.Event()

    def write(self, text: str) -> None:
        self.lines.append(text)
        self._changed.set()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    async def wait_for(self, text: str, within: float = 10.0) -> None:
        async with asyncio.timeout(within):
            while text not in self.text:
                self._changed.clear()
                await self._changed.wait()


class Keyboard:
    """The terminal's standard input: a pipe the test types lines into."""

    def __init__(self) -> None:
        read, self._write = os.pipe()
        self.stream: TextIO = os.fdopen(read, "r", encoding="utf-8")

    def type(self, *lines: str) -> None:
        for line in lines:
            os.write(self._write, (line + "\n").encode())

    def close(self) -> None:
        if self._write >= 0:
            os.close(self._write)
            self._write = -1


@pytest.fixture
def keyboard() -> Iterator[Keyboard]:
    board = Keyboard()
    yield board
    board.close()
    board.stream.close()


@pytest.fixture
def several(config: Config) -> Config:
    return replace(
        config,
        telegram=TelegramConfig(
            token=FAKE_TOKEN,
            mode="webhook",
            webhook_url="https://market.example/telegram",
            webhook_secret=SECRET,
        ),
        secretaries=SecretariesConfig(telegram=(SECRETARY,), console=()),
        web=WebConfig(listen="127.0.0.1", port=0),
    )


@pytest.fixture
async def app_several(several: Config, clock: FixedClock) -> AsyncIterator[App]:
    async with open_app(several, clock) as app:
        yield app


async def test_a_vendor_in_the_terminal_and_the_secretary_on_telegram(
    app_several: App, several: Config, keyboard: Keyboard
) -> None:
    app, api, screen = app_several, FakeBotApi(), Screen()
    stop = asyncio.Event()
    platforms = choose_platforms(
        app,
        several,
        console=True,
        stop=stop,
        stdin=keyboard.stream,
        write=screen.write,
        bot_api=api,
    )
    assert [p.name for p in platforms] == ["telegram", "console"]
    async with serving(app, several, platforms, stop) as web:
        assert api.webhook is not None and api.webhook["secret_token"] == SECRET
        # A vendor registers at the terminal.
        keyboard.type(
            "#as li",
            "/register",
            "李大姐沙棘",
            "李大姐",
            "东泉村",
            "13812345678",
            "古法熬制的沙棘膏",
            "提交",
        )
        await screen.wait_for("等村书记审核")

        # The secretary, on Telegram only, gets the approval request through the outbox.
        def asked() -> bool:
            return any("李大姐沙棘" in text for text in api.sent_texts(SECRETARY))

        await api.wait_until(asked, within=10)
        assert "✅ 通过" in api.last_labels(SECRETARY)

        # The secretary presses approve on Telegram: the update comes in through the webhook.
        press = api.press(SECRETARY, "✅ 通过")
        async with httpx.AsyncClient(trust_env=False) as client:
            answer = await client.post(
                f"http://127.0.0.1:{web.port}/telegram",
                json=press,
                headers={SECRET_HEADER: SECRET},
            )
        assert answer.status_code == 200
        assert any("已通过" in text for text in api.sent_texts(SECRETARY))

        # The vendor, in the terminal, is told.
        await screen.wait_for("审核通过")
        assert "📨 → li" in screen.text
    assert not api.calls_to("deleteWebhook")  # the webhook stays: Telegram keeps updates


async def test_the_terminal_alone_ends_with_its_input(config: Config, clock: FixedClock) -> None:
    printed: list[str] = []
    code = await run(config, clock, stdin=io.StringIO("/start\n沙棘膏\n"), write=printed.append)
    assert code == 0
    assert printed[0].startswith("Terminal chat on ")
    assert any("欢迎来赶集" in line for line in printed)
    assert any("38元/瓶" in line for line in printed)


async def test_which_platforms_run(app: App, config: Config, several: Config) -> None:
    stop = asyncio.Event()
    names = [p.name for p in choose_platforms(app, config, console=False, stop=stop)]
    assert names == ["console"]  # nothing configured: the terminal
    names = [p.name for p in choose_platforms(app, several, console=False, stop=stop)]
    assert names == ["telegram"]
    names = [p.name for p in choose_platforms(app, several, console=True, stop=stop)]
    assert names == ["telegram", "console"]
    telegram, console = choose_platforms(app, several, console=True, stop=stop)
    assert telegram.capabilities.buttons and telegram.capabilities.edit
    assert telegram.capabilities.inline_mode and telegram.capabilities.contact_button
    assert telegram.capabilities.text_limit == 4096
    assert not console.capabilities.buttons and not console.capabilities.edit
    assert console.capabilities.documents
    assert [r.path for r in telegram.routes()] == ["/telegram"]
    assert list(console.routes()) == []


async def test_a_piped_script_reads_on_once_what_a_line_caused_has_arrived(
    config: Config, clock: FixedClock
) -> None:
    """The README's script: the secretary's 通过 comes after the application reached them, as a
    person would type it after seeing it."""
    script = (
        "#as li\n/register\n李大姐沙棘\n李大姐\n东泉村\n13812345678\n古法熬制\n提交\n"
        "沙棘膏 35元一瓶\n保存\n"
        "#as secretary\n通过\n#as tourist\n沙棘膏\n"
    )
    printed: list[str] = []
    assert await run(config, clock, stdin=io.StringIO(script), write=printed.append) == 0
    text = "\n".join(printed)
    assert text.index("新摊主申请") < text.index("已通过“李大姐沙棘”")
    assert "35元/瓶 @李大姐沙棘" in text[text.index("—— tourist") :]
