"""Numbers carried by buttons come from outside: a digit that is no ASCII digit (``¹``, ``٣``,
which Python's ``isdigit`` accepts and ``int`` refuses or reads) is no id and no page — a kind
reply, never the internal error (found by hypothesis in tests/test_flow_buttons.py)."""

from __future__ import annotations

import pytest

from handlers.answers import id_in, page_in
from marketbot.neutral import Inbound
from tests.conftest import Chat


def test_only_ascii_digits_are_numbers() -> None:
    assert id_in("42") == 42 and page_in("3") == 3
    assert id_in("¹") is None and id_in("٣") is None and id_in("1" * 12) is None
    assert page_in("¹") == 0 and page_in("100000") == 0


@pytest.mark.parametrize("choice", ["who:next:¹", "prod:¹", "stall:٣", "stalls:²", "same:¹"])
async def test_a_forged_number_gets_a_kind_reply(chat: Chat, choice: str) -> None:
    await chat.as_("laowei")
    replies = await chat.app.core.handle(Inbound("console", "laowei", "laowei", choice=choice))
    texts = "\n".join(r.reply.text for r in replies)
    assert texts and "出了点问题" not in texts
