"""Posters and QR codes are drawn off the event loop: while a drawing is under way, the loop
keeps running other people's work."""

from __future__ import annotations

import asyncio
import threading

import pytest

from marketbot.app import App
from marketbot.platforms.telegram.links import TelegramLinks
from marketbot.printouts import printing
from marketbot.printouts.printing import Printer


class _Gate:
    """Stands for the drawing lock: tells when a drawing started, holds it until opened."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()
        self.threads: list[threading.Thread] = []

    def __enter__(self) -> None:
        self.threads.append(threading.current_thread())
        self.entered.set()
        self.opened.wait(timeout=10)

    def __exit__(self, *_exc: object) -> None:
        return None


@pytest.mark.parametrize("what", ["poster", "qr"])
async def test_the_loop_runs_while_a_drawing_is_under_way(
    app: App, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    links = app.core.services.links
    links.register("telegram", TelegramLinks("pingyao_market_bot"), rank=1)
    printer = Printer(app.store, links)
    gate = _Gate()
    monkeypatch.setattr(printing, "_DRAWING", gate)
    drawing = asyncio.create_task(
        printer.stall_poster(1) if what == "poster" else printer.market_qr(1)
    )
    assert await asyncio.to_thread(gate.entered.wait, 10)
    assert await app.store.markets()  # someone else's turn, while the drawing waits
    assert not drawing.done()
    gate.opened.set()
    _, data = await drawing
    assert data.startswith(b"%PDF" if what == "poster" else b"\x89PNG")
    assert gate.threads
    assert all(t is not threading.main_thread() for t in gate.threads)
