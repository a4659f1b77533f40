"""Whole conversations through the terminal adapter: register, approve, list, find."""

from __future__ import annotations

import re

from marketbot.app import open_app
from marketbot.clock import FixedClock
from marketbot.config import Config
from marketbot.neutral import Inbound
from marketbot.platforms.telegram.links import TelegramLinks
from tests.conftest import Chat


async def register(chat: Chat, name: str, stall: str) -> None:
    await chat.as_(name)
    await chat.send("/register")
    await chat.send(stall)
    await chat.send("李大姐")
    await chat.send("东泉村")
    await chat.send("13812345678")
    await chat.send("古法熬制的沙棘膏")
    assert "请核对" in chat.text
    await chat.press("提交")


async def list_product(chat: Chat, name: str, price: str) -> None:
    await chat.send("/add")
    await chat.send(name)
    await chat.press("蜂产品")
    await chat.send(price)
    if "按什么卖" in chat.text:
        await chat.press("斤")
    await chat.press("跳过")
    await chat.press("跳过")
    assert "请核对" in chat.text
    await chat.press("保存")


async def test_done_when_conversation(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    assert "等村书记审核" in chat.text
    notice = chat.to("secretary")
    assert notice
    assert "李大姐沙棘" in notice[0].reply.text

    await list_product(chat, "沙棘膏", "35元/瓶")
    assert "35元/瓶" in chat.text

    await chat.as_("tourist")
    await chat.send("沙棘膏")
    assert "李大姐沙棘" not in chat.text  # not approved yet: hidden from visitors

    await chat.as_("secretary")
    await chat.send("1")  # the approve button of the notification
    assert "已通过" in chat.text
    assert "审核通过" in chat.to("li")[0].reply.text

    await chat.as_("tourist")
    out = await chat.send("沙棘膏")
    assert "沙棘膏：35元/瓶 @李大姐沙棘" in out
    stall_id = chat.app and (await chat.app.store.stall_by_name(1, "李大姐沙棘"))
    assert stall_id is not None
    out = await chat.send(f"/start stall_{stall_id.id}")
    assert "李大姐沙棘" in out
    assert "李大姐（东泉村）" in out
    assert "35元/瓶" in out


async def test_visitor_browses_categories_stalls_and_products(chat: Chat) -> None:
    out = await chat.send("/start")
    assert "水磨头村山货集" in out
    assert "08:00–13:00" in out
    await chat.press("按分类看")
    out = await chat.press("山珍")
    assert "山木耳　45元/斤" in out
    out = await chat.press("山木耳")
    assert "老魏山货" in out
    assert "45元/斤" in out
    out = await chat.press("看这个摊位")
    assert "自家后山采的木耳蘑菇" in out
    out = await chat.send("木耳")  # two characters still match
    assert "山木耳" in out


async def test_nothing_found_suggests_browsing(chat: Chat) -> None:
    out = await chat.send("电池")
    assert "没有人卖“电池”" in out
    assert "按分类看" in out
    assert "看摊位" in out


async def test_prices_typed_every_way(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    typed_ways = [("槐花蜜", "十五块", "15元/斤"), ("枣花蜜", "12块5", "12.5元/斤")]
    for name, typed, shown in [*typed_ways, ("荆条蜜", "¥15", "15元/斤")]:
        await list_product(chat, name, typed)
        assert shown in chat.text, chat.text


async def test_bad_input_keeps_the_flow_where_it_was(chat: Chat) -> None:
    await chat.as_("li")
    await chat.send("/register")
    for bad in ["😀😀", "<b>" + "长" * 40 + "</b>", "/add", "x" * 5000, "\x00\x07"]:
        out = await chat.send(bad)
        assert "1/5" in out, (bad, out)
    for blank in ["", "   ", "\t"]:  # the terminal skips blank lines; other platforms send them
        replies = await chat.app.core.handle(Inbound("console", "li", "li", text=blank))
        assert "没有内容" in replies[0].reply.text
        assert "1/5" in replies[1].reply.text
    out = await chat.send("#photo basket")
    assert "打字" in out
    assert "1/5" in out
    out = await chat.send("<b>老李</b>'; DROP TABLE x;--")
    assert "2/5" in out
    out = await chat.send("/help")
    assert "2/5" in out  # help answers and the question is asked again
    await chat.send("李")
    await chat.send("村")
    out = await chat.send("12345")
    assert "号码看着不对" in out
    assert "4/5" in out


async def test_bad_prices_are_explained(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.send("/add")
    await chat.send("沙棘膏")
    await chat.press("蜂产品")
    for bad, reason in [
        ("-5", "负数"),
        ("0", "不能是 0"),
        ("99999999", "太大"),
        ("很贵", "看不懂"),
    ]:
        out = await chat.send(bad)
        assert reason in out and "多少钱" in out, out
    out = await chat.send("35元/瓶")
    assert "照片" in out  # the unit came with the price


async def test_restart_mid_flow_resumes(config: Config, clock: FixedClock) -> None:
    async with open_app(config, clock) as app:
        chat = Chat(app, "li")
        await chat.send("/register")
        await chat.send("李大姐沙棘")
    async with open_app(config, clock) as app:
        chat = Chat(app, "li")
        out = await chat.send("李大姐")
        assert "3/5" in out
        await chat.send("东泉村")
        await chat.press("跳过")
        await chat.press("跳过")
        assert "李大姐沙棘" in chat.text
        assert "李大姐" in chat.text


async def test_forged_and_foreign_buttons_change_nothing(chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("/mystall")
    own = [c for c in chat.choice_ids() if c.startswith("my:prod:")]
    product_id = int(own[0].rsplit(":", 1)[1])
    core = chat.app.core
    for forged in [
        f"my:del:{product_id}",
        f"my:delok:{product_id}",
        f"my:price:{product_id}",
        "my:stock:99999",
        "sec:ok:1",
        "sec:promok:1",
        "my:delok:abc",
        "x" * 64,
    ]:
        replies = await core.handle(Inbound("console", "mallory", "mallory", choice=forged))
        text = " ".join(o.reply.text for o in replies)
        assert re.search("失效|过期|只有村书记", text), (forged, text)
    product = await chat.app.store.get_product(product_id)
    assert product is not None
    assert product.in_stock


async def test_owner_manages_products(chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("/mystall")
    await chat.press("核桃")
    await chat.press("改价格")
    out = await chat.send("十八块")
    assert "18元/斤" in out
    out = await chat.press("卖完了")
    assert "已售完" in out
    await chat.as_("tourist")
    out = await chat.send("核桃")
    assert "（已售完）" in out
    await chat.as_("laowei")
    await chat.send("/mystall")
    await chat.press("核桃")
    await chat.press("删除")
    out = await chat.press("删除")
    assert "已删除" in out
    await chat.as_("tourist")
    assert "没有人卖" in await chat.send("核桃")


async def test_secretary_suspends_and_restores(chat: Chat) -> None:
    await chat.as_("secretary")
    await chat.send("/start")
    await chat.press("书记管理")
    await chat.press("所有摊位")
    await chat.press("老魏山货")
    out = await chat.press("暂停")
    assert "已暂停" in out
    await chat.as_("tourist")
    assert "没有人卖" in await chat.send("山木耳")
    await chat.as_("laowei")
    out = await chat.send("/add")
    assert "暂停" in out
    await chat.as_("secretary")
    await chat.send("/start")
    await chat.press("书记管理")
    await chat.press("所有摊位")
    await chat.press("老魏山货")
    await chat.press("恢复")
    await chat.as_("tourist")
    assert "山木耳" in await chat.send("山木耳")


async def test_reject_with_reason_and_reregister(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.as_("secretary")
    await chat.send("❌ 不通过")  # typing the label presses the button
    await chat.send("请写清楚是哪个村的")
    message = chat.to("li")[0].reply.text
    assert "没有通过" in message
    assert "哪个村" in message
    await register(chat, "li", "李大姐沙棘")
    assert "等村书记审核" in chat.text


async def test_visitor_cannot_use_secretary_tools(chat: Chat) -> None:
    assert "只有村书记" in await chat.send("/pending")
    assert "只有村书记" in await chat.send("/promote")


async def test_promote_a_secretary(chat: Chat) -> None:
    await chat.as_("helper")
    await chat.send("/start")
    await chat.as_("secretary")
    await chat.send("/promote")
    await chat.press("helper")
    await chat.press("确定")
    assert "helper" in chat.text
    await chat.as_("helper")
    assert "待审核" in await chat.send("/pending")


async def test_language_switch_is_remembered(chat: Chat) -> None:
    await chat.send("/lang")
    out = await chat.press("English")
    assert "English" in out
    out = await chat.send("/start")
    assert "Welcome to the market" in out


async def test_cancel_and_commands_mid_flow(chat: Chat) -> None:
    await chat.send("/add")
    assert "还没有摊位" in chat.text
    await chat.send("/register")
    out = await chat.send("/search 木耳")
    assert "登记摊位" in out
    assert "1/5" in out
    out = await chat.send("/cancel")
    assert "已取消登记摊位" in out
    assert "山木耳" in await chat.send("/search 木耳")


async def test_old_button_after_flow_ended(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    replies = await chat.app.core.handle(Inbound("console", "li", "li", choice="add:cat:shanzhen"))
    assert "过期" in replies[0].reply.text


async def test_qr_codes_and_posters_in_chat(chat: Chat) -> None:
    import zxingcpp
    from PIL import Image

    chat.app.core.services.links.register("telegram", TelegramLinks("pingyao_market_bot"), rank=1)
    await chat.as_("laowei")
    await chat.send("/mystall")
    out = await chat.press("我的二维码")
    saved = next(line for line in out.splitlines() if line.startswith("[📎 "))[3:-1]
    decoded = zxingcpp.read_barcodes(Image.open(saved))
    assert decoded[0].text == "https://t.me/pingyao_market_bot?start=stall_1"
    await chat.send("/mystall")
    assert "stall_1.pdf" in await chat.press("打印海报")
    await chat.as_("secretary")
    await chat.send("/start")
    await chat.press("书记管理")
    assert "全部 6 个摊位的海报" in await chat.press("全部摊位海报")
    forged = Inbound("console", "tourist", "tourist", choice="sec:posters")
    assert "只有村书记" in (await chat.app.core.handle(forged))[0].reply.text


async def test_qr_without_a_username_says_what_to_configure(chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("/mystall")
    assert "[telegram] username" in await chat.press("我的二维码")


async def test_typing_a_label_without_its_emoji_presses_the_button(chat: Chat) -> None:
    await register(chat, "li", "李大姐沙棘")
    await chat.send("/add")
    await chat.send("沙棘膏")
    await chat.send("蜂产品")
    await chat.send("35元/瓶")
    await chat.send("跳过")
    await chat.send("跳过")
    out = await chat.send("保存")
    assert "已保存" in out or "已上架" in out


async def test_the_welcome_greets_by_name_only_when_there_is_one(chat: Chat) -> None:
    out = await chat.send("/start")
    assert f"{chat.console.speaker}，您好！欢迎来赶集" in out
    nameless = Inbound("console", "o-nameless", "o-nameless", text="/start")  # a WeChat openid
    replies = await chat.app.core.handle(nameless)
    assert replies[0].reply.text.startswith("您好！欢迎来赶集")
    english = Inbound("console", "o-en", "o-en", text="/start", language_code="en")
    replies = await chat.app.core.handle(english)
    assert replies[0].reply.text.startswith("Hello! Welcome to the market")
