"""WeChat's pieces one by one: the API client's token (shared, refreshed once), errors as
delivery outcomes, what each message and event becomes, the menu, the config and the wiring."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marketbot.app import App, choose_platforms
from marketbot.clock import FixedClock
from marketbot.config import Config, ConfigError, WeChatConfig, load_config
from marketbot.delivery.ports import Held, RetryLater, TransientFailure, Unreachable
from marketbot.neutral import Reply
from marketbot.platforms.wechat.adapter import inbound_of, menu_buttons
from marketbot.platforms.wechat.api import ApiError, NotAllowed, WeChatApi, delivery_error
from marketbot.platforms.wechat.callback import WeChatCallback
from marketbot.platforms.wechat.crypto import sign
from marketbot.platforms.wechat.links import WeChatLinks, short_code
from marketbot.platforms.wechat.mass import MassSend
from marketbot.platforms.wechat.rendering import (
    take_photos,
    with_menu_links,
    without_menu_links,
)
from marketbot.platforms.wechat.sender import template_fields
from marketbot.platforms.wechat.wire import parse
from tests.conftest import SHANGHAI
from tests.wechat_fake_api import FakeWeChatApi
from tests.wechat_sim import menu_links


def _config(api: FakeWeChatApi) -> WeChatConfig:
    return WeChatConfig(app_id="wx1", app_secret="s", token="tok", api_base_url=api.url)


async def test_the_token_is_shared_and_refreshed_once_when_refused() -> None:
    async with FakeWeChatApi.running("service") as fake:
        api = WeChatApi(_config(fake))
        try:
            fake.wrote("oA")
            await asyncio.gather(*(api.send_text("oA", f"hi {n}") for n in range(3)))
            assert fake.calls.count("stable_token") == 1  # one fetch for three callers
            fake.expire_token()
            await api.send_text("oA", "again")
            assert fake.calls.count("stable_token") == 2
            assert fake.texts_to("oA")[-1] == "again"
        finally:
            await api.aclose()


async def test_quota_window_and_account_errors_become_delivery_outcomes() -> None:
    async with FakeWeChatApi.running("service") as fake:
        api = WeChatApi(_config(fake))
        try:
            with pytest.raises(ApiError) as gone:
                await api.send_text("oNobody", "x")
            assert isinstance(delivery_error(gone.value), Unreachable)
            fake.followers.add("oQuiet")  # follows, never wrote: no window
            with pytest.raises(ApiError) as quiet:
                await api.send_text("oQuiet", "x")
            assert isinstance(delivery_error(quiet.value), Held)
            fake.wrote("oB")
            for n in range(5):
                await api.send_text("oB", str(n))
            with pytest.raises(ApiError) as used:
                await api.send_text("oB", "sixth")
            assert used.value.code == 45047 and isinstance(delivery_error(used.value), Held)
        finally:
            await api.aclose()
    assert isinstance(delivery_error(ApiError(48001, "unauthorized")), NotAllowed)
    assert isinstance(delivery_error(ApiError(45009, "limit")), RetryLater)
    assert isinstance(delivery_error(ApiError(-1, "busy")), TransientFailure)


async def test_service_account_qr_codes_carry_the_entry_payload() -> None:
    async with FakeWeChatApi.running("service") as fake:
        api = WeChatApi(_config(fake))
        try:
            links = WeChatLinks(api)
            assert await links.prepare("stall", 42) == "http://weixin.qq.com/q/stall_42"
            assert links.link("stall", 42) == "http://weixin.qq.com/q/stall_42"
            assert fake.scenes == ["stall_42"]
        finally:
            await api.aclose()


@pytest.mark.parametrize("account", ["service", "subscription"])
async def test_the_fake_api_keeps_mass_sends_rules(account: str) -> None:
    """What the bot is tested against: 48001 on a 订阅号; an OpenID list of at least two; and
    a fifth mass message to a follower in a month fails the test (WeChat drops it silently)."""
    async with FakeWeChatApi.running(account) as fake:
        api = WeChatApi(_config(fake))
        fake.followers |= {"oA", "oB"}
        try:
            if account == "subscription":
                with pytest.raises(ApiError) as refused:
                    await api.mass_send(["oA", "oB"], "x")
                assert isinstance(delivery_error(refused.value), NotAllowed)
                return
            with pytest.raises(ApiError) as alone:
                await api.mass_send(["oA"], "x")
            assert alone.value.code == 40130
            for n in range(4):
                await api.mass_send(["oA", "oB"], str(n))
            assert fake.mass_to("oA") == ["0", "1", "2", "3"]
            with pytest.raises(AssertionError):
                fake._mass_send({"touser": ["oA", "oB"], "text": {"content": "5th"}})
        finally:
            await api.aclose()


def test_messages_and_events_become_inbounds() -> None:
    def of(**fields: str) -> tuple[str | None, str | None] | None:
        inbound = inbound_of({"FromUserName": "oA", **fields})
        return None if inbound is None else (inbound.text, inbound.entry)

    assert of(MsgType="text", Content="木耳") == ("木耳", None)
    assert of(MsgType="text", Content="#42") == ("/start", "stall_42")
    assert of(MsgType="text", Content="摊 7") == ("/start", "stall_7")
    assert of(MsgType="event", Event="subscribe", EventKey="qrscene_stall_3") == (
        "/start",
        "stall_3",
    )
    assert of(MsgType="event", Event="subscribe") == ("/start", None)
    assert of(MsgType="event", Event="subscribe", EventKey="qrscene_evil'") == ("/start", None)
    assert of(MsgType="event", Event="SCAN", EventKey="market_1") == ("/start", "market_1")
    assert of(MsgType="event", Event="CLICK", EventKey="CMD_search") == ("/search", None)
    assert of(MsgType="location", Location_X="37.2", Location_Y="112.1") == ("/next", None)
    assert of(MsgType="voice", MediaId="m", Recognition="沙棘膏。") == ("沙棘膏", None)
    assert of(MsgType="voice", MediaId="m") is None  # answered "please type" by the adapter
    assert of(MsgType="event", Event="TEMPLATESENDJOBFINISH") is None
    assert short_code("#0") is None and short_code("木耳") is None


def test_the_menu_fits_three_by_five_and_names_commands() -> None:
    commands = [(name, name) for name in ("start", "help", "search", "next", "mystall", "lang")]
    commands += [("register", "r"), ("subscribe", "s"), ("pending", "p")]
    buttons = menu_buttons(commands)
    assert len(buttons) <= 3
    assert [b["name"] for b in buttons[:2]] == ["找东西", "下次集市"]
    more = buttons[2]["sub_button"]
    assert 1 <= len(more) <= 5
    assert all(b["key"].startswith("CMD_") for b in more)


def test_template_fields_are_short_and_plain() -> None:
    reply = Reply("🔔 明天是水磨头村山货集集日，早上八点在铺则底街，会来的摊位：老魏山货")
    fields = template_fields("赶集提醒", reply)
    assert fields["thing1"] == "赶集提醒"
    assert len(fields["thing2"]) <= 20 and "🔔" not in fields["thing2"]


def test_config_reads_the_wechat_section_and_its_secret(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[wechat]\napp_id = "wx1"\ntoken = "tok123"\naccount = "service"\n', encoding="utf-8"
    )
    config = load_config(path, environ={"MARKETBOT_WECHAT_SECRET": "from-env"})
    assert config.wechat.app_secret == "from-env" and config.wechat.account == "service"
    path.write_text('[wechat]\napp_id = "wx1"\ntoken = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wechat\.token"):
        load_config(path, environ={})
    path.write_text(
        '[wechat]\napp_id = "wx1"\ntoken = "tok123"\nencoding_aes_key = "short"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="encoding_aes_key"):
        load_config(path, environ={})


async def test_run_serves_wechat_when_an_app_id_is_configured(app: App, config: Config) -> None:
    wx = WeChatConfig(app_id="wx1", token="tok123")
    configured = dataclasses.replace(config, wechat=wx)
    platforms = choose_platforms(app, configured, console=False, stop=asyncio.Event())
    assert [p.name for p in platforms] == ["wechat"]
    assert platforms[0].routes()[0].path == "/wechat"
    assert not platforms[0].capabilities.push and platforms[0].links is None
    await platforms[0].stop()


class _Request:
    """An HttpRequest in memory."""

    def __init__(self, query: dict[str, str], body: bytes = b"") -> None:
        self._query, self._body = query, body

    def query(self, name: str) -> str | None:
        return self._query.get(name)

    def path_param(self, name: str) -> str | None:
        return None

    def header(self, name: str) -> str | None:
        return None

    async def body(self, limit: int) -> bytes:
        return self._body


async def test_plaintext_mode_answers_plain_cdata_safe_xml() -> None:
    config = WeChatConfig(app_id="wx1", token="tok123")
    seen: list[dict[str, str]] = []

    async def turn(fields: dict[str, str]) -> str | None:
        seen.append(fields)
        return "收到]]>好的"

    hook = WeChatCallback(config, turn)
    hook.accepting = True
    stamp, nonce = str(int(time.time())), "42"
    query = {"signature": sign("tok123", stamp, nonce), "timestamp": stamp, "nonce": nonce}
    body = (
        "<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[oA]]>"
        "</FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType>"
        "<Content><![CDATA[木耳]]></Content><MsgId>7</MsgId></xml>"
    ).encode()
    answer = await hook(_Request(query, body))
    assert answer.status == 200
    fields = parse(answer.text)
    assert fields["Content"] == "收到]]>好的" and fields["ToUserName"] == "oA"
    assert seen[0]["Content"] == "木耳"
    forged = await hook(_Request({**query, "signature": "0" * 40}, body))
    assert forged.status == 403


def test_choices_become_tappable_links_that_send_the_bare_number() -> None:
    text = "请核对：\n[1] ✅ 提交   [2] 取消\n价格 [3] 不是选项"
    linked = with_menu_links(text, 2048)
    assert menu_links(linked) == [("1", "✅ 提交"), ("2", "取消")]
    assert linked.splitlines()[0] == "请核对：" and linked.endswith("价格 [3] 不是选项")
    assert without_menu_links(linked) == text  # a late answer goes as plain text


def test_user_text_in_a_link_cannot_close_it_or_open_another() -> None:
    evil = '<a href="weixin://bizmsgmenu?msgmenucontent=9&msgmenuid=9">x</a>'
    linked = with_menu_links(f"[1] {evil}山货", 2048)
    assert linked.count("<a ") == 1 and linked.count("</a>") == 1
    assert menu_links(linked) == [("1", evil.replace("<", "＜").replace(">", "＞") + "山货")]


def test_links_stop_where_the_reply_would_pass_wechats_byte_limit() -> None:
    body = "集" * 640  # 1920 bytes: room for one or two links, not three
    text = body + "\n[1] 提交   [2] 取消   [3] 返回"
    linked = with_menu_links(text, 2048)
    assert len(linked.encode()) <= 2048
    assert 0 < len(menu_links(linked)) < 3
    assert "[3] 返回" in linked  # what did not fit stays a typed number


def test_photo_lines_are_taken_out_of_a_reply() -> None:
    text, photos = take_photos("[📷 #12]\n山木耳 45元/斤\n\n[📷 #7]\n沙棘膏")
    assert text == "山木耳 45元/斤\n\n沙棘膏" and photos == [12, 7]


async def test_the_monthly_allowance_counts_months_in_the_markets_time_zone(app: App) -> None:
    """23:30 on New Year's Eve in Shanghai is still December there (15:30 UTC); 00:30 on New
    Year's Day is January although UTC still says December."""
    clock = FixedClock(datetime(2026, 12, 31, 23, 30, tzinfo=SHANGHAI))
    async with FakeWeChatApi.running("service") as fake:
        api = WeChatApi(_config(fake))
        mass = MassSend(api, app.db, clock, "Asia/Shanghai", unfollowed=set())
        assert mass.month() == "2026-12"
        clock.advance(timedelta(hours=1))
        assert clock.now().astimezone(UTC).month == 12 and mass.month() == "2027-01"
        await api.aclose()
