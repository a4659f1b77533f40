"""A vendor's own stall: marking a product sold out keeps the order of the buttons, and the
count says how many are on sale and how many sold out."""

from __future__ import annotations

from marketbot.domain.model import StallStatus
from marketbot.neutral import Inbound
from tests.conftest import Chat


def _product_buttons(chat: Chat) -> list[str]:
    return [
        c.label for o in chat.mine() for c in o.reply.flat_choices() if c.id.startswith("my:prod:")
    ]


async def test_sold_out_keeps_the_order_and_the_count_says_so(chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("/mystall")
    before = _product_buttons(chat)
    assert len(before) >= 3
    await chat.press(before[0])
    await chat.press("卖完了")
    out = await chat.send("/mystall")
    assert _product_buttons(chat) == before  # same buttons, same numbers
    assert f"在卖（{len(before) - 1} 件），卖完了 1 件：" in out


async def test_a_suspended_stall_gets_no_poster_qr_or_followers_buttons(chat: Chat) -> None:
    store = chat.app.store
    stall = await store.stall_by_name(1, "老魏山货")
    assert stall is not None
    now = chat.app.core.services.clock.now()
    assert stall.owner_id is not None
    await store.set_stall_status(
        stall.id,
        expected=[StallStatus.APPROVED],
        new=StallStatus.SUSPENDED,
        reviewer_id=stall.owner_id,
        now=now,
    )
    await chat.as_("laowei")
    out = await chat.send("/mystall")
    for label in ["二维码", "海报", "关注我的人"]:
        assert label not in out
    replies = await chat.app.core.handle(Inbound("console", "laowei", "laowei", choice="my:qr"))
    assert all(r.reply.attachment is None for r in replies)
    assert "暂停" in replies[0].reply.text
