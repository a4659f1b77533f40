"""Categories per market: a secretary adds the market's own (手工醋, 文创), vendors pick them with
a button (Telegram) or by number (the terminal), visitors find their goods by the category's name,
CSV import takes them by name; another market's categories and forged buttons are refused."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from marketbot.app import App
from marketbot.domain.model import (
    ADDED_CATEGORIES_MAX,
    Categories,
    Category,
    added_category_id,
)
from marketbot.neutral import Inbound, Outbound
from marketbot.platforms.console import PLATFORM
from marketbot.services.csv_io import export_csv, import_csv, read_table
from marketbot.storage.categories import CategoryStore
from marketbot.storage.market_data import NewProduct
from tests.conftest import Chat
from tests.fake_bot_api import FakeBotApi, callback_update
from tests.telegram_harness import telegram_harness
from tests.test_console_flows import register
from tests.test_web_pages import Site, get, json_lds
from tests.test_web_pages import site as site  # the fixture

HEADER = "stall,vendor,village,product,category,price,unit,description,in_stock\n"


async def add_category(chat: Chat, zh: str, en: str | None) -> str:
    """The secretary adds a category from the secretary tools; the reply to the last step."""
    await chat.as_("secretary")
    await chat.send("/start")
    await chat.press("书记管理")
    await chat.press("商品分类")
    await chat.press("添加分类")
    await chat.send(zh)
    return await (chat.press("跳过") if en is None else chat.send(en))


async def _market_categories(app: App, market_id: int = 1) -> Categories:
    return await CategoryStore(app.db).of_market(market_id)


async def _product(app: App, stall: str, name: str) -> tuple[str, int]:
    found = await app.store.stall_by_name(1, stall)
    assert found is not None
    products = {p.name: p for p in await app.store.products_of_stall(found.id)}
    return products[name].category, products[name].price_fen


async def _press_raw(app: App, who: str, choice: str) -> list[Outbound]:
    """A button press as any platform could deliver it, with whatever id the sender made up."""
    return await app.core.handle(Inbound(PLATFORM, who, who, choice=choice, display_name=who))


def _texts(out: list[Outbound]) -> str:
    return "\n".join(o.reply.text for o in out)


async def test_a_secretary_adds_a_category_a_vendor_picks_it_by_number_a_visitor_finds_it(
    chat: Chat,
) -> None:
    out = await add_category(chat, "手工醋", "Craft vinegar")
    assert "已添加分类“手工醋”" in out
    assert "手工醋（0 件）" in out  # the list again, with the new one

    await register(chat, "li", "李大姐醋坊")
    await chat.as_("secretary")
    assert "已通过" in await chat.send("通过")  # the approve button of the notice
    await chat.as_("li")
    await chat.send("/add")
    out = await chat.send("柿子醋")
    assert "属于哪一类" in out
    # numbered choices in the terminal: the market's own category among the fixed ones
    number = re.search(r"\[(\d+)\] 手工醋", out)
    assert number is not None and out.count("手工醋") == 1
    await chat.send(number[1])  # the number typed
    await chat.send("20元/瓶")
    await chat.press("跳过")
    out = await chat.press("跳过")
    assert "请核对" in out and "📂 手工醋" in out
    out = await chat.press("保存")
    assert "手工醋" in out  # the product card names it
    vinegar = (await _market_categories(chat.app)).find("手工醋")
    assert vinegar is not None and vinegar.added
    assert await _product(chat.app, "李大姐醋坊", "柿子醋") == (vinegar.key, 2000)
    # in one message: a name holding the market's own category's name is put in it
    out = await chat.send("柿子手工醋 25元一瓶")
    assert "请核对" in out and "📂 手工醋" in out
    await chat.send("/cancel")

    await chat.as_("tourist")
    for wish in ["手工醋", "有手工醋吗", "craft vinegar"]:
        out = await chat.send(wish)
        assert "柿子醋" in out and "李大姐醋坊" in out, wish
    await chat.send("/start")
    await chat.press("按分类看")
    out = await chat.press("手工醋")
    assert "手工醋" in out and "柿子醋" in out
    await chat.send("/lang")
    await chat.press("English")
    await chat.send("/start")
    out = await chat.press("By category")
    assert "Craft vinegar (1)" in out


async def test_a_vendor_on_telegram_picks_the_category_with_a_button(chat: Chat, app: App) -> None:
    await add_category(chat, "文创", None)
    culture = (await _market_categories(app)).find("文创")
    assert culture is not None and culture.en == ""
    other = await app.store.create_market(
        name="梁村集", place="梁村", opens="08:00", closes="12:00", timezone="Asia/Shanghai",
        now=app.core.services.clock.now(),
    )  # fmt: skip
    foreign = await CategoryStore(app.db).add(
        other.id, "外地货", "", by=None, now=app.core.services.clock.now()
    )
    api = FakeBotApi()
    async with telegram_harness(app.core, api=api) as tg:
        await tg.say(7, "/register")
        for answer in ["平遥剪纸", "王姐", "东泉村"]:
            await tg.say(7, answer)
        await tg.press(7, "跳过")
        await tg.press(7, "跳过")
        await tg.press(7, "✅ 提交")
        await tg.say(7, "/add")
        await tg.say(7, "剪纸书签")
        labels = api.last_labels(7)
        assert "文创" in labels and "其他" in labels and "外地货" not in labels
        assert labels.index("文创") < labels.index("其他")  # the market's own before 其他
        asked = api.messages(7)[-1].message_id
        # button data from outside is not trusted: another market's category, a made-up one
        for forged in [f"add:cat:{foreign.key}", "add:cat:c99999", "add:cat:c1'--"]:
            await tg.send(callback_update(7, forged, asked))
            assert "属于哪一类" in api.last_text(7)  # asked again, nothing chosen
        await tg.press(7, "文创")
        await tg.say(7, "5元一个")
        await tg.press(7, "跳过")
        await tg.press(7, "跳过")
        assert "📂 文创" in api.last_text(7)
        await tg.press(7, "✅ 保存")
    stall = await app.store.stall_by_name(1, "平遥剪纸")
    assert stall is not None
    (product,) = await app.store.products_of_stall(stall.id)
    assert product.category == culture.key


async def test_rename_and_remove_move_the_goods_to_other(chat: Chat, app: App) -> None:
    await add_category(chat, "文创", "Cultural crafts")
    culture = (await _market_categories(app)).find("cultural CRAFTS")
    assert culture is not None
    await register(chat, "li", "李大姐文创")
    await chat.send("剪纸书签 5元一个")
    await chat.press("类别")
    await chat.press("文创")
    await chat.press("保存")
    assert await _product(app, "李大姐文创", "剪纸书签") == (culture.key, 500)

    await chat.as_("secretary")
    await chat.send("/categories")
    await chat.press("文创")
    await chat.press("改名")
    out = await chat.send("山珍")  # a fixed category's name: refused, asked again
    assert "已经有分类叫“山珍”了" in out
    out = await chat.send("平遥文创")
    assert "英文名" in out and "平遥文创" in out
    out = await chat.press("跳过")
    assert "分类已改名为“平遥文创”" in out and "平遥文创（1 件）" in out
    assert await _product(app, "李大姐文创", "剪纸书签") == (culture.key, 500)  # kept

    await chat.press("平遥文创")
    out = await chat.press("删除")
    assert "1 件商品会移到“其他”" in out
    out = await chat.press("确定删除")
    assert "1 件商品移到了“其他”" in out and "本集市添加的：还没有" in out
    # the vendor is told, through the outbox, where the goods went and how to change it
    assert "📨 → li" in out and "撤掉了“平遥文创”这个分类，您的 1 件商品现在放在“其他”里" in out
    assert await _product(app, "李大姐文创", "剪纸书签") == ("qita", 500)
    assert (await _market_categories(app)).added == ()
    # the old confirmation pressed again: nothing left to remove
    out = _texts(await _press_raw(app, "secretary", f"catm:delok:{culture.key}"))
    assert "按钮已经过期" in out

    # the vendor puts it in another category from their stall
    await chat.as_("li")
    await chat.send("/mystall")
    await chat.press("剪纸书签")
    out = await chat.press("换分类")
    assert "“剪纸书签”放到哪个分类？" in out and "手工艺" in out
    await chat.press("手工艺")
    assert await _product(app, "李大姐文创", "剪纸书签") == ("shougongyi", 500)


async def test_only_the_vendor_changes_a_products_category_and_only_to_their_markets(
    chat: Chat, app: App
) -> None:
    now = app.core.services.clock.now()
    other = await app.store.create_market(
        name="梁村集", place="梁村", opens="08:00", closes="12:00", timezone="Asia/Shanghai",
        now=now,
    )  # fmt: skip
    theirs = await CategoryStore(app.db).add(other.id, "梁村老醋", "", by=None, now=now)
    await register(chat, "li", "李大姐文创")
    await chat.send("剪纸书签 5元一个")
    await chat.press("保存")
    stall = await app.store.stall_by_name(1, "李大姐文创")
    assert stall is not None
    (product,) = await app.store.products_of_stall(stall.id)
    before = product.category
    await register(chat, "wang", "王家山货")
    for who, forged in [
        ("wang", f"my:setcat:{product.id}:guoshu"),  # not theirs
        ("tourist", f"my:setcat:{product.id}:guoshu"),
        ("li", f"my:setcat:{product.id}:{theirs.key}"),  # another market's category
        ("li", f"my:setcat:{product.id}:nonsense"),
        ("li", f"my:setcat:{product.id}"),
        ("wang", f"my:cat:{product.id}"),
    ]:
        await _press_raw(app, who, forged)
    assert await _product(app, "李大姐文创", "剪纸书签") == (before, 500)


async def test_another_markets_categories_and_non_secretaries_are_refused(
    chat: Chat, app: App
) -> None:
    now = app.core.services.clock.now()
    other = await app.store.create_market(
        name="梁村集", place="梁村", opens="08:00", closes="12:00", timezone="Asia/Shanghai",
        now=now,
    )  # fmt: skip
    store = CategoryStore(app.db)
    theirs = await store.add(other.id, "梁村老醋", "", by=None, now=now)
    ours = await store.add(1, "文创", "", by=None, now=now)
    await chat.as_("secretary")
    out = await chat.send("/categories")
    assert "文创" in out and "梁村老醋" not in out  # the market they look at
    for forged in [
        f"catm:view:{theirs.key}",
        f"catm:del:{theirs.key}",
        f"catm:delok:{theirs.key}",
        f"catm:rename:{theirs.key}",
        "catm:delok:shanzhen",  # a fixed category
        "catm:delok:c",
        "catm:delok:c１",
    ]:
        await _press_raw(app, "secretary", forged)
    assert [c.zh for c in await store.added(other.id)] == ["梁村老醋"]
    assert (await store.of_market(1)).get("shanzhen") is not None

    # a visitor is no secretary: the command, the list and a forged removal are refused
    await chat.as_("tourist")
    assert "只有村书记能用" in await chat.send("/categories")
    for forged in [f"catm:delok:{ours.key}", "catm:add", f"catm:rename:{ours.key}", "catm:list"]:
        assert "只有村书记能用" in _texts(await _press_raw(app, "tourist", forged)), forged
    assert [c.zh for c in await store.added(1)] == ["文创"]

    # the rename of a category started in one market cannot land in another's
    await chat.as_("secretary")
    await chat.send("/categories")
    await chat.press("文创")
    await chat.press("改名")
    await app.store.set_user_market((await _user_id(app, "secretary")), other.id)
    await chat.send("新名字")
    await chat.press("跳过")
    assert [c.zh for c in await store.added(1)] == ["新名字"]
    assert [c.zh for c in await store.added(other.id)] == ["梁村老醋"]


async def _user_id(app: App, name: str) -> int:
    (user,) = await app.store.users_by_platform_ids(PLATFORM, [name])
    return user.id


async def test_csv_import_by_name_reports_an_unknown_category_once(
    chat: Chat, app: App, tmp_path: Path
) -> None:
    await add_category(chat, "手工醋", "Craft vinegar")
    market = (await app.store.markets())[0]
    csv_file = tmp_path / "goods.csv"
    csv_file.write_text(
        HEADER
        + "醋坊,老张,东泉村,柿子醋,手工醋,20,瓶,,1\n"
        + "醋坊,老张,东泉村,苹果醋,CRAFT VINEGAR,18,瓶,,1\n"
        + "醋坊,老张,东泉村,老陈醋,tiaowei,15,瓶,,1\n"
        + "醋坊,老张,东泉村,醋糖,零食,5,包,,1\n"
        + "醋坊,老张,东泉村,醋花生,零食,6,包,,1\n"
        + "醋坊,老张,东泉村,醋饮,Drinks,8,瓶,,1\n",
        encoding="utf-8",
    )
    now = app.core.services.clock.now()
    report = await import_csv(app.store, market, read_table(csv_file), now)
    assert report.imported == 6 and not report.rejected
    assert report.unknown_categories == {"零食": [5, 6]}  # once, with its lines
    assert "手工醋 Craft vinegar" in report.category_help()
    assert "山珍 shanzhen" in report.category_help()
    vinegar = (await _market_categories(app)).find("手工醋")
    assert vinegar is not None
    assert await _product(app, "醋坊", "苹果醋") == (vinegar.key, 1800)
    assert (await _product(app, "醋坊", "醋糖"))[0] == "qita"  # in, under 其他
    assert (await _product(app, "醋坊", "醋饮"))[0] == "yinpin"

    # export writes what import reads back as the same category
    exported = tmp_path / "out.csv"
    exported.write_text(await export_csv(app.store), encoding="utf-8")
    assert ",柿子醋,手工醋," in exported.read_text(encoding="utf-8")
    before = {p.name: p.category for p, _ in await app.store.all_products_with_stalls()}
    again = await import_csv(app.store, market, read_table(exported), now)
    assert again.unknown_categories == {} and again.products_created == 0
    after = {p.name: p.category for p, _ in await app.store.all_products_with_stalls()}
    assert after == before


def test_category_keys_and_names() -> None:
    categories = Categories.of([Category("c7", "手工醋", "Craft vinegar", added=True)])
    keys = [c.key for c in categories.items]
    assert keys[-1] == "qita" and keys[-2] == "c7" and keys[0] == "shanzhen"
    assert categories.find(" craft  VINEGAR ") == categories.get("c7")
    assert categories.find("GUOSHU") == categories.get("guoshu")
    assert categories.find("果蔬") == categories.get("guoshu")
    assert categories.find("水果") is None
    assert categories.name("c7", "en") == "Craft vinegar"
    assert categories.name("c404", "zh") == "其他"
    assert Category("c8", "文创", added=True).name("en") == "文创"  # no English name: the zh
    for key, ident in [("c7", 7), ("c", None), ("shanzhen", None), ("c１", None), ("c-1", None)]:
        assert added_category_id(key) == ident


@pytest.mark.parametrize("name", ["手工醋", "文创"])
async def test_the_name_of_an_added_category_finds_its_goods_only(app: App, name: str) -> None:
    now = app.core.services.clock.now()
    added = await CategoryStore(app.db).add(1, name, "", by=None, now=now)
    answer = await app.core.services.catalog.search(None, name, now, log=False)
    assert answer.groups == ()  # nothing listed in it yet: nothing found
    stall = await app.store.stall_by_name(1, "老魏山货")
    assert stall is not None
    await app.store.add_product(stall.id, NewProduct("平遥小物", added.key, 900, "个"), now)
    answer = await app.core.services.catalog.search(None, name, now, log=False)
    assert [g.name for g in answer.groups] == ["平遥小物"]


async def test_web_pages_show_an_added_categorys_name_and_its_search(site: Site) -> None:
    app, now = site.app, site.clock.now()
    store = CategoryStore(app.db)
    odd = await store.add(1, "文创<i>&", "Crafts & <b>", by=None, now=now)
    vinegar = await store.add(1, "手工醋", "", by=None, now=now)
    await app.store.add_product(1, NewProduct("平遥剪纸", odd.key, 1500, "张"), now)
    await app.store.add_product(1, NewProduct("柿子醋", vinegar.key, 2000, "瓶"), now)
    page = (await get(site, "/market/1")).text
    assert "文创&lt;i&gt;&amp;" in page and "<i>&" not in page
    link = re.search(r'<a href="(/market/1/search\?[^"]+)">手工醋</a>', page)
    assert link is not None  # each category links to the search for its name
    found = (await get(site, html.unescape(link[1]))).text
    assert "柿子醋" in found and "平遥剪纸" not in found
    english = (await get(site, "/market/1?lang=en")).text
    assert "Crafts &amp; &lt;b&gt;" in english and ">手工醋</a>" in english  # no English: zh
    stall = (await get(site, "/stall/1")).text
    graph = [p for g in json_lds(stall) for p in g["@graph"]]  # type: ignore[attr-defined]
    goods = {p["name"]: p for p in graph}
    assert goods["平遥剪纸"]["category"] == "文创<i>&"


async def test_a_market_adds_at_most_its_limit_of_categories(chat: Chat, app: App) -> None:
    store, now = CategoryStore(app.db), app.core.services.clock.now()
    for n in range(ADDED_CATEGORIES_MAX - 1):
        await store.add(1, f"分类{n}", "", by=None, now=now)
    assert "已添加分类“最后一个”" in await add_category(chat, "最后一个", None)
    out = await chat.press("添加分类")
    assert f"最多添加 {ADDED_CATEGORIES_MAX} 个分类" in out
    assert len(await store.added(1)) == ADDED_CATEGORIES_MAX
