"""After registration a vendor changes the stall's name, village, phone and intro, and chooses
whether visitors may see the phone; visitors see it only with that consent."""

from __future__ import annotations

from marketbot.domain.model import StallStatus
from tests.conftest import Chat


async def _approve(chat: Chat, name: str) -> int:
    stall = await chat.app.store.stall_by_name(1, name)
    assert stall is not None and stall.owner_id is not None
    await chat.app.store.set_stall_status(
        stall.id,
        expected=[stall.status],
        new=StallStatus.APPROVED,
        reviewer_id=stall.owner_id,
        now=chat.app.core.services.clock.now(),
    )
    return stall.id


async def test_the_phone_is_shown_only_with_consent(chat: Chat) -> None:
    await chat.as_("li")
    await chat.send("/register")
    for answer in ["李大姐沙棘", "李大姐", "东泉村", "13812345678", "古法熬制"]:
        await chat.send(answer)
    assert "13812345678（游客看不到）" in chat.text
    out = await chat.press("让游客看到电话")
    assert "13812345678（游客看得到）" in out
    await chat.press("提交")
    stall_id = await _approve(chat, "李大姐沙棘")
    await chat.as_("tourist")
    out = await chat.send(f"/start stall_{stall_id}")
    assert "📞 电话：13812345678" in out

    await chat.as_("li")
    await chat.send("/mystall")
    out = await chat.press("摊位信息")
    assert "（游客看得到）" in out
    out = await chat.press("让游客看到电话：开 → 关")
    assert "（游客看不到）" in out
    await chat.as_("tourist")
    out = await chat.send(f"/start stall_{stall_id}")
    assert "13812345678" not in out


async def test_a_vendor_changes_name_village_and_phone(chat: Chat) -> None:
    await chat.as_("laowei")
    await chat.send("/mystall")
    await chat.press("摊位信息")
    await chat.press("改摊位名称")
    out = await chat.send("魏家山货")
    assert "已修改" in out and "魏家山货" in out
    await chat.press("改村名")
    out = await chat.send("西堡村")
    assert "西堡村" in out
    await chat.press("改电话")
    out = await chat.send("13912345678")
    assert "13912345678（游客看不到）" in out
    await chat.press("改摊位名称")
    out = await chat.send("沙棘坡")  # another stall's name is refused
    assert "沙棘坡" in out and "已修改" not in out
    stall = await chat.app.store.stall_of_owner(
        (await chat.app.store.users_by_platform_ids("console", ["laowei"]))[0].id
    )
    assert stall is not None
    assert (stall.name, stall.village, stall.phone) == ("魏家山货", "西堡村", "13912345678")
