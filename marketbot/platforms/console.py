"""The terminal chat: the embedded default, scriptable from standard input, and a test harness.

Each input line is one message. Buttons print as numbered choices; typing the number or the
label presses one. Special lines:

``#as NAME``        switch who is speaking (each name is a separate user with their own state)
``#photo NAME``     send a photo: the image file NAME, or a small picture standing for one
``#contact PHONE``  share a phone number, like Telegram's contact button
``# anything``      a comment; blank lines are ignored too

Files the bot sends (QR codes, posters) are saved in a folder (``printouts/`` by default) and
their path is printed.

:class:`ConsolePlatform` is the terminal chat as a :class:`marketbot.platforms.base.Platform`,
served alone (nothing else configured) or beside the others (``marketbot run --console``).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import logging
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol, TextIO

from PIL import Image

from marketbot.chat.text_render import reply_lines
from marketbot.neutral import Capabilities, Inbound, InPhoto, Outbound, Reply
from marketbot.platforms.base import Route

__all__ = ["CAPABILITIES", "PLATFORM", "ConsoleChat", "ConsolePlatform", "ConsoleSender"]

logger = logging.getLogger(__name__)

PLATFORM = "console"

CAPABILITIES = Capabilities(
    buttons=False,  # numbered choices; typing the number or the label presses one
    edit=False,  # what was printed stays printed
    replies_per_inbound=None,
    text_limit=4096,  # the terminal has none; this keeps one message about a screen long
    documents=True,  # saved to a folder, their path printed
    contact_button=False,  # "#contact PHONE" instead
    inline_mode=False,
    push=True,
)

SETTLE_SECONDS = 2.0
"""How long a piped script's next line waits for the messages the last one queued (a person
would read them first)."""


class ChatCore(Protocol):
    async def handle(self, inbound: Inbound) -> list[Outbound]: ...

    async def shown(self, platform: str, chat_id: str, reply: Reply) -> int: ...

    async def settled(self) -> None: ...


def render(reply: Reply, first_number: int, saved: Path | None = None) -> list[str]:
    """Plain-text lines of one reply (the shared text rendering); its choices are numbered
    from ``first_number``; a file is named by where it was saved."""
    lines = reply_lines(reply, first_number, file_note=str(saved) if saved else None)
    if reply.contact_request:
        lines.append("(#contact 13812345678)")
    return lines


def console_photo(name: str) -> InPhoto:
    """``#photo NAME``: the image file NAME when there is one, else a small picture standing
    for a photo (a colour made from the name), so photos work in a script as on a phone."""
    path = Path(name).expanduser()
    if path.is_file():
        mime = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
        return InPhoto(f"console:{name}", path.read_bytes(), mime)
    shade = hashlib.sha256(name.encode("utf-8")).digest()
    image = Image.new("RGB", (96, 96), (shade[0], shade[1], shade[2]))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return InPhoto(f"console:{name}", out.getvalue(), "image/png")


class ConsoleChat:
    """Feeds lines to the core as the current speaker and prints what comes back."""

    def __init__(
        self,
        core: ChatCore,
        speaker: str,
        write: Callable[[str], None],
        files: Path = Path("printouts"),
    ) -> None:
        self.core = core
        self.speaker = speaker
        self.write = write
        self.files = files
        """Where files the bot sends (QR codes, posters) are saved."""

    def _save(self, reply: Reply) -> Path | None:
        if reply.attachment is None:
            return None
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / Path(reply.attachment.filename).name
        path.write_bytes(reply.attachment.data)
        return path

    def _inbound(self, line: str) -> Inbound | None:
        command, _, arg = line.partition(" ")
        arg = arg.strip()
        me = Inbound(PLATFORM, self.speaker, self.speaker, display_name=self.speaker)
        if command == "#photo":
            return replace(me, photo=console_photo(arg or "photo"))
        if command == "#contact":
            return replace(me, contact_phone=arg)
        if command == "/start" and arg:  # as a scanned code or a link would come in
            return replace(me, text=command, entry=arg)
        return replace(me, text=line)

    async def send(self, line: str) -> list[Outbound]:
        """Handle one input line; returns what the core answered (already printed)."""
        line = line.rstrip("\r\n")
        stripped = line.strip()
        if not stripped:
            return []
        if stripped.startswith("#as"):
            name = stripped[3:].strip()
            if name:
                self.speaker = name
                self.write(f"—— {name} ——")
            return []
        if stripped.startswith("#") and not stripped.startswith(("#photo", "#contact")):
            return []
        inbound = self._inbound(stripped)
        if inbound is None:
            return []
        outbound = await self.core.handle(inbound)
        self._print(outbound)
        return outbound

    async def deliver(self, chat_id: str, reply: Reply) -> None:
        """Show a message the bot sends on its own (reminders, notices) to ``chat_id``; its
        buttons are numbered on after the ones open in that chat."""
        first = await self.core.shown(PLATFORM, chat_id, reply)
        lines = render(reply, first)
        body = "\n".join(f"  │ {line}" for line in lines)
        self.write(f"  ┌ 📨 → {chat_id}\n{body}\n")

    def _print(self, outbound: list[Outbound]) -> None:
        number = 1
        for item in outbound:
            lines = render(item.reply, number, self._save(item.reply))
            number += len(item.reply.flat_choices())
            self.write("\n".join(lines))
        if outbound:
            self.write("")

    async def run(self, stream: TextIO = sys.stdin) -> None:
        """Read lines until end of input (Ctrl-D, or the end of a piped script)."""
        interactive = stream.isatty()
        loop = asyncio.get_running_loop()
        while True:
            if interactive:
                print(f"{self.speaker}> ", end="", flush=True)
            line = await loop.run_in_executor(None, stream.readline)
            if not line:
                return
            await self.send(line)


class ConsoleSender:
    """The delivery engine's way to the terminal: messages print as they are sent; an edited
    message prints again."""

    platform = PLATFORM

    def __init__(self, chat: ConsoleChat) -> None:
        self.chat = chat
        self._tracked = 0

    async def send(self, chat_id: str, reply: Reply) -> None:
        await self.chat.deliver(chat_id, reply)

    async def send_tracked(self, chat_id: str, reply: Reply) -> str:
        await self.chat.deliver(chat_id, reply)
        self._tracked += 1
        return str(self._tracked)

    async def edit(self, chat_id: str, message_ref: str, reply: Reply) -> None:
        await self.chat.deliver(chat_id, reply)


class ConsolePlatform:
    """The terminal chat as a platform: lines from ``stream``, replies printed.

    Lines are read by a daemon thread, so stopping never waits for someone to press Enter.
    At the end of input (Ctrl-D, the end of a piped script) ``on_end`` is called: the runner
    stops when the terminal was the only platform, and carries on without it otherwise.
    """

    name = PLATFORM
    capabilities = CAPABILITIES
    links = None
    link_rank = 9

    def __init__(
        self,
        chat: ConsoleChat,
        stream: TextIO = sys.stdin,
        *,
        on_end: Callable[[], object] | None = None,
    ) -> None:
        self.chat = chat
        self.sender = ConsoleSender(chat)
        self.stream = stream
        self.on_end = on_end
        self._task: asyncio.Task[None] | None = None

    def routes(self) -> Sequence[Route]:
        return []

    async def start(self) -> None:
        self._task = asyncio.create_task(self._serve(), name="console")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    def _pump(self, loop: asyncio.AbstractEventLoop, lines: asyncio.Queue[str]) -> None:
        while True:
            line = self.stream.readline()
            try:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            except RuntimeError:  # the loop has closed: the process is ending
                return
            if not line:
                return

    async def _serve(self) -> None:
        lines: asyncio.Queue[str] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        reader = threading.Thread(
            target=self._pump, args=(loop, lines), name="console input", daemon=True
        )
        reader.start()
        interactive = self.stream.isatty()
        while True:
            if interactive:
                print(f"{self.chat.speaker}> ", end="", flush=True)
            line = await lines.get()
            if not line:
                break
            try:
                await self.chat.send(line)
                if not interactive:  # a script reads on once what its line caused has arrived
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(SETTLE_SECONDS):
                            await self.chat.core.settled()
            except Exception:
                logger.exception("the terminal chat failed on a line")
        if self.on_end is not None:
            self.on_end()
