"""A question about a service of the market (parking, paying, sending) is answered as such —
the vendors or the secretary know — and never logged as a wish for goods; with goods named, the
goods are found."""

from __future__ import annotations

import pytest

from marketbot.app import App
from tests.conftest import Chat


async def _wishes(app: App) -> list[str]:
    return [str(r["wanted"]) for r in await app.store._all("SELECT wanted FROM search_log")]


@pytest.mark.parametrize(
    "text", ["可以微信支付吗", "能刷卡吗", "有厕所吗", "包邮吗", "do you take alipay?"]
)
async def test_a_service_question_is_no_wish(app: App, chat: Chat, text: str) -> None:
    out = await chat.send(text)
    assert "问摊主" in out or "vendors" in out
    assert "没有人卖" not in out
    assert await _wishes(app) == []


async def test_goods_named_beside_a_service_are_found(app: App, chat: Chat) -> None:
    out = await chat.send("核桃能寄快递吗")
    assert "老魏山货" in out and "15元/斤" in out


@pytest.mark.parametrize("text", ["附近有停车的地方吗", "哪里可以停车", "坐公交能到吗"])
async def test_parking_and_getting_there_is_the_markets_place(
    app: App, chat: Chat, text: str
) -> None:
    out = await chat.send(text)
    assert "铺则底街" in out  # the demo market's place
    assert await _wishes(app) == []
