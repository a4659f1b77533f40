"""The demo stalls seeded once into a new database's market (the default market is the
mountain-goods market in the old street of 水磨头村, 东泉镇, Pingyao County, from the newspaper
story in the project's seed material). Vendors are invented; goods and prices are realistic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from marketbot.calendar import CalendarOptions
from marketbot.domain.model import Market, StallStatus
from marketbot.storage.market_data import NewProduct, NewStall, Storage
from marketbot.storage.schedules import ScheduleStore

__all__ = ["DEMO_DAYS", "DEMO_STALLS", "seed_demo"]


@dataclass(frozen=True, slots=True)
class DemoStall:
    stall: NewStall
    owner: str | None
    """Terminal-chat name that owns the stall (``#as NAME`` manages it), if any."""
    products: tuple[NewProduct, ...]


def _p(name: str, category: str, yuan: float, unit: str, description: str = "") -> NewProduct:
    return NewProduct(name, category, round(yuan * 100), unit, description)


DEMO_STALLS: tuple[DemoStall, ...] = (
    DemoStall(
        NewStall(
            "老魏山货", "魏大爷", "魏家庄村", None, "自家后山采的木耳蘑菇，晒干的，没熏没泡。"
        ),
        "laowei",
        (
            _p("山木耳", "shanzhen", 45, "斤", "秋耳，肉厚，泡发率高"),
            _p("山蘑菇", "shanzhen", 60, "斤", "榛蘑、松蘑混装，晒干"),
            _p("榛蘑", "shanzhen", 80, "斤"),
            _p("核桃", "ganguo", 15, "斤", "薄皮核桃，今年新货"),
            _p("山杏仁", "ganguo", 30, "斤"),
        ),
    ),
    DemoStall(
        NewStall("杨婶黄精坊", "杨秀兰", "水磨头村", "13934561234", "九蒸九晒黄精，老法子做的。"),
        None,
        (
            _p("九蒸九晒黄精", "yaocai", 120, "斤", "蒸一遍晒一遍，九遍，乌黑发亮"),
            _p("黄精茶", "yaocai", 35, "盒"),
            _p("连翘茶", "yaocai", 30, "袋", "山上野生连翘叶"),
            _p("党参", "yaocai", 90, "斤"),
        ),
    ),
    DemoStall(
        NewStall("沙棘坡", "李建国", "东泉村", None, "古法熬的沙棘膏，不加糖不加水。"),
        None,
        (
            _p("古法沙棘膏", "fengchanpin", 38, "瓶", "250克一瓶"),
            _p("沙棘汁", "xiaochi", 10, "瓶"),
            _p("槐花蜜", "fengchanpin", 40, "斤"),
            _p("荆条蜜", "fengchanpin", 35, "斤", "荆条花开时摇的蜜"),
        ),
    ),
    DemoStall(
        NewStall("老油坊", "郝师傅", "段村", None, "老油坊石磨压榨，小麻油香得很。"),
        None,
        (
            _p("小麻油", "liangyou", 28, "瓶", "500毫升，石磨压榨"),
            _p("胡麻油", "liangyou", 22, "斤"),
            _p("小米", "liangyou", 6, "斤", "沁州黄品种"),
            _p("玉米面", "liangyou", 4, "斤"),
            _p("红枣", "ganguo", 12, "斤"),
        ),
    ),
    DemoStall(
        NewStall("王家荆条编", "王老汉", "横坡村", None, "荆条自己割、自己编，结实耐用。"),
        None,
        (
            _p("荆条筐", "shougongyi", 45, "个", "能背能提"),
            _p("荆条篮子", "shougongyi", 30, "个"),
            _p("笸箩", "shougongyi", 60, "个"),
        ),
    ),
    DemoStall(
        NewStall("平遥小吃摊", "张婶", "水磨头村", None, "现做现卖的平遥碗托和油糕。"),
        None,
        (
            _p("平遥碗托", "xiaochi", 8, "碗"),
            _p("黄米油糕", "xiaochi", 2, "个"),
            _p("杂粮煎饼", "xiaochi", 6, "个"),
        ),
    ),
)


DEMO_DAYS = "逢三六九"
"""The demo market's days, as the notice board writes them."""


async def seed_demo(store: Storage, market: Market, *, now: datetime) -> None:
    """Seed the demo stalls and their goods into ``market``, and its market days."""
    first_owner: int | None = None
    for demo in DEMO_STALLS:
        if demo.owner is not None:
            owner = await store.upsert_user(
                platform="console",
                platform_user_id=demo.owner,
                chat_id=demo.owner,
                display_name=demo.stall.vendor_name,
                platform_language=None,
                now=now,
            )
            first_owner = first_owner or owner.id
            stall = await store.submit_stall(
                owner_id=owner.id, market_id=market.id, stall=demo.stall, now=now
            )
            assert stall is not None
            await store.set_stall_status(
                stall.id,
                expected=[StallStatus.PENDING],
                new=StallStatus.APPROVED,
                reviewer_id=owner.id,
                now=now,
            )
        else:
            stall, _ = await store.upsert_stall_by_name(
                market_id=market.id, stall=demo.stall, now=now
            )
        for product in demo.products:
            await store.add_product(stall.id, product, now)
    if first_owner is not None:
        schedules = ScheduleStore(store.db)
        await schedules.set(market.id, DEMO_DAYS, CalendarOptions(), by=first_owner, now=now)
