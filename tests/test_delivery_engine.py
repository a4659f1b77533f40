"""The delivery engine on a fake clock with fake senders: pacing, retries, resume, fairness."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from marketbot.clock import FixedClock, SystemClock
from marketbot.config import DeliveryConfig
from marketbot.delivery import DeliveryEngine, Progress
from marketbot.delivery.engine import backoff
from marketbot.delivery.ports import (
    DeliveryError,
    MaybeDelivered,
    RetryLater,
    TransientFailure,
    Unreachable,
)
from marketbot.neutral import Attachment, Choice, Reply
from marketbot.storage.db import Database

START = datetime(2026, 12, 3, 0, 0, tzinfo=UTC)
TOL = 1e-5


class FakeTime:
    """A clock that moves only when the engine sleeps."""

    def __init__(self) -> None:
        self.clock = FixedClock(START)

    def t(self) -> float:
        return (self.clock.now() - START).total_seconds()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)  # what is ready now runs at the current time
        if seconds > 0:
            self.clock.advance(timedelta(seconds=seconds))
        await asyncio.sleep(0)


@dataclass
class Call:
    t: float
    chat: str
    reply: Reply
    ok: bool = False


@dataclass
class FakeSender:
    """Records every call; raises the scripted errors per chat, in order; runs hooks."""

    time: FakeTime
    platform: str = "telegram"
    errors: dict[str, list[Exception]] = field(default_factory=dict)
    always: dict[str, Exception] = field(default_factory=dict)
    hooks: dict[int, Callable[[], Awaitable[None]]] = field(default_factory=dict)
    hang: set[str] = field(default_factory=set)
    hanging: asyncio.Event = field(default_factory=asyncio.Event)
    calls: list[Call] = field(default_factory=list)

    async def send(self, chat_id: str, reply: Reply) -> None:
        call = Call(self.time.t(), chat_id, reply)
        self.calls.append(call)
        hook = self.hooks.pop(len(self.calls), None)
        if hook is not None:
            await hook()
        if chat_id in self.hang:
            self.hanging.set()
            await asyncio.Event().wait()
        if chat_id in self.always:
            raise self.always[chat_id]
        if self.errors.get(chat_id):
            raise self.errors[chat_id].pop(0)
        call.ok = True

    def delivered(self, text: str | None = None) -> Counter[str]:
        return Counter(
            c.chat for c in self.calls if c.ok and (text is None or c.reply.text == text)
        )

    def times(self, chat: str | None = None) -> list[float]:
        return [c.t for c in self.calls if chat is None or c.chat == chat]


@pytest.fixture
async def db() -> AsyncIterator[Database]:
    database = await Database.open(":memory:")
    yield database
    await database.close()


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def sender(time: FakeTime) -> FakeSender:
    return FakeSender(time)


def make_engine(
    db: Database,
    time: FakeTime,
    sender: FakeSender,
    *,
    rate: float = 25.0,
    max_attempts: int = 5,
    **kwargs: object,
) -> DeliveryEngine:
    config = DeliveryConfig(rate_per_second=rate, per_chat_interval=1.0, max_attempts=max_attempts)
    return DeliveryEngine(
        db,
        {sender.platform: sender},
        config,
        time.clock,
        sleep=time.sleep,
        **kwargs,  # type: ignore[arg-type]
    )


def chats(prefix: str, n: int) -> list[tuple[str, str]]:
    return [("telegram", f"{prefix}{i}") for i in range(n)]


async def run_until_idle(engine: DeliveryEngine) -> None:
    await asyncio.wait_for(engine.wait_idle(), timeout=20)


async def test_pacing_keeps_the_global_rate(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    engine = make_engine(db, time, sender, rate=10)
    await engine.start()
    announcement = await engine.enqueue("broadcast", Reply("明天赶集"), chats("c", 100))
    await run_until_idle(engine)
    await engine.stop()

    times = sorted(sender.times())
    assert len(times) == 100
    assert all(times[i + 10] - times[i] >= 1 - TOL for i in range(len(times) - 10))
    # …and reaches it: 100 messages at 10/s take 9.9 s.
    assert times[-1] - times[0] == pytest.approx(9.9, abs=1e-3)
    assert set(sender.delivered().values()) == {1}
    progress = await engine.progress(announcement)
    assert (progress.sent, progress.pending, progress.done) == (100, 0, True)


async def test_one_chat_never_gets_two_messages_within_the_interval(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    engine = make_engine(db, time, sender, rate=100)
    await engine.start()
    await engine.enqueue("broadcast", Reply("第一条"), chats("c", 20))
    await engine.enqueue("reminder", Reply("第二条"), chats("c", 20))
    await run_until_idle(engine)
    await engine.stop()

    assert (
        sender.delivered("第一条")
        == sender.delivered("第二条")
        == Counter({chat: 1 for _, chat in chats("c", 20)})
    )
    for _, chat in chats("c", 20):
        first, second = sender.times(chat)
        assert second - first >= 1.0 - TOL
    times = sorted(sender.times())
    assert all(times[i + 100] - times[i] >= 1 - TOL for i in range(len(times) - 100))


async def test_retry_after_pauses_all_sending_for_the_time_asked(
    db: Database, time: FakeTime, sender: FakeSender, caplog: pytest.LogCaptureFixture
) -> None:
    sender.errors["c5"] = [RetryLater(30)]
    engine = make_engine(db, time, sender, rate=10)
    await engine.start()
    announcement = await engine.enqueue("broadcast", Reply("通知"), chats("c", 30))
    await run_until_idle(engine)
    await engine.stop()
    (limited,) = [r for r in caplog.records if getattr(r, "event", None) == "rate.limited"]
    assert limited.__dict__["retry_after"] == 30 and limited.__dict__["platform"] == "telegram"

    refused_at = sender.times("c5")[0]
    later = [t for t in sender.times() if t > refused_at]
    assert later
    assert min(later) >= refused_at + 30 - TOL
    assert len(sender.times("c5")) == 2
    assert sender.delivered() == Counter({chat: 1 for _, chat in chats("c", 30)})
    progress = await engine.progress(announcement)
    assert (progress.sent, progress.failed) == (30, 0)


async def test_unreachable_chats_are_skipped_until_they_write_again(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    sender.always["c2"] = Unreachable("Forbidden: bot was blocked by the user")
    engine = make_engine(db, time, sender)
    await engine.start()
    first = await engine.enqueue("broadcast", Reply("一"), chats("c", 5))
    await run_until_idle(engine)
    assert len(sender.times("c2")) == 1
    assert (await engine.progress(first)).unreachable == 1
    (problem,) = await engine.problems(first)
    assert (problem.chat_id, problem.state) == ("c2", "unreachable")
    assert "blocked" in problem.reason

    second = await engine.enqueue("broadcast", Reply("二"), chats("c", 5))
    await run_until_idle(engine)
    assert len(sender.times("c2")) == 1  # skipped, not tried
    progress = await engine.progress(second)
    assert (progress.sent, progress.unreachable) == (4, 1)

    del sender.always["c2"]
    await engine.mark_reachable("telegram", "c2")
    await engine.enqueue("broadcast", Reply("三"), chats("c", 5))
    await run_until_idle(engine)
    await engine.stop()
    assert sender.delivered("三")["c2"] == 1


async def test_chat_blocked_during_a_broadcast_is_skipped_by_the_others_queued(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    sender.always["c0"] = Unreachable("Forbidden: user is deactivated")
    engine = make_engine(db, time, sender, rate=100)
    first = await engine.enqueue("broadcast", Reply("一"), chats("c", 3))
    second = await engine.enqueue("broadcast", Reply("二"), chats("c", 3))
    await engine.start()
    await run_until_idle(engine)
    await engine.stop()
    assert len(sender.times("c0")) == 1
    assert (await engine.progress(first)).unreachable == 1
    assert (await engine.progress(second)).unreachable == 1


async def test_transient_failures_are_retried_with_backoff_then_failed(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    sender.always["c1"] = TransientFailure("Timed out")
    sender.errors["c2"] = [TransientFailure("Bad Gateway")]
    engine = make_engine(db, time, sender, max_attempts=4)
    await engine.start()
    announcement = await engine.enqueue("broadcast", Reply("通知"), chats("c", 4))
    await run_until_idle(engine)
    await engine.stop()

    tries = sender.times("c1")
    assert len(tries) == 4
    for attempt, (before, after) in enumerate(itertools.pairwise(tries), start=1):
        assert after - before >= backoff(attempt) - TOL
    assert [backoff(n) for n in (1, 2, 3, 4, 8)] == [1, 2, 4, 8, 60]
    assert sender.delivered() == Counter({"c0": 1, "c2": 1, "c3": 1})
    progress = await engine.progress(announcement)
    assert (progress.sent, progress.failed, progress.done) == (3, 1, True)
    (problem,) = await engine.problems(announcement)
    assert (problem.chat_id, problem.state) == ("c1", "failed")
    assert "Timed out" in problem.reason


async def test_permanent_errors_fail_at_once(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    sender.always["c0"] = DeliveryError("Bad Request: message text is empty")
    sender.always["c1"] = RuntimeError("bug in an adapter")
    engine = make_engine(db, time, sender)
    await engine.start()
    announcement = await engine.enqueue("notice", Reply("通知"), chats("c", 3))
    await run_until_idle(engine)
    await engine.stop()
    assert len(sender.times("c0")) == len(sender.times("c1")) == 1
    reasons = {p.chat_id: p.reason for p in await engine.problems(announcement)}
    assert "message text is empty" in reasons["c0"]
    assert "RuntimeError" in reasons["c1"]


async def test_rows_left_sending_by_a_crash_are_unconfirmed_and_the_rest_resumed(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    engine = make_engine(db, time, sender)
    announcement = await engine.enqueue("broadcast", Reply("通知"), chats("c", 10))
    # What a crash leaves behind: three sent, one in flight, six pending.
    async with db.transaction() as conn:
        await conn.execute(
            "UPDATE delivery_outbox SET state = 'sent' WHERE chat_id IN ('c0', 'c1', 'c2')"
        )
        await conn.execute("UPDATE delivery_outbox SET state = 'sending' WHERE chat_id = 'c3'")
    await engine.start()
    await run_until_idle(engine)
    await engine.stop()

    assert sender.delivered() == Counter({f"c{i}": 1 for i in range(4, 10)})
    progress = await engine.progress(announcement)
    assert (progress.sent, progress.unconfirmed, progress.pending) == (9, 1, 0)
    (problem,) = await engine.problems(announcement)
    assert (problem.chat_id, problem.state) == ("c3", "unconfirmed")


async def test_a_stop_mid_broadcast_resumes_without_duplicates(
    db: Database, time: FakeTime
) -> None:
    first_run = FakeSender(time, hang={"c5"})
    engine = make_engine(db, time, first_run, max_in_flight=1)
    await engine.start()
    announcement = await engine.enqueue("broadcast", Reply("通知"), chats("c", 12))
    await asyncio.wait_for(first_run.hanging.wait(), timeout=20)
    await engine.stop(grace=0)  # c5 is in flight, as at a crash
    assert (await engine.progress(announcement)).pending == 7

    second_run = FakeSender(time)
    engine = make_engine(db, time, second_run)
    await engine.start()
    await run_until_idle(engine)
    await engine.stop()

    received = first_run.delivered() + second_run.delivered()
    assert received == Counter({f"c{i}": 1 for i in range(12) if i != 5})
    assert not second_run.times("c5")
    progress = await engine.progress(announcement)
    assert (progress.sent, progress.unconfirmed, progress.done) == (11, 1, True)


async def test_same_key_enqueues_once_and_recipients_are_deduplicated(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    engine = make_engine(db, time, sender)
    await engine.start()
    key = "reminder:3:2026-12-03:evening"
    recipients = [*chats("c", 3), ("telegram", "c1")]
    first = await engine.enqueue("reminder", Reply("明天赶集"), recipients, key=key)
    again = await engine.enqueue("reminder", Reply("明天赶集"), recipients, key=key)
    await run_until_idle(engine)
    third = await engine.enqueue("reminder", Reply("明天赶集"), recipients, key=key)
    await run_until_idle(engine)
    await engine.stop()
    assert first == again == third
    assert sender.delivered() == Counter({"c0": 1, "c1": 1, "c2": 1})
    assert (await engine.progress(first)).total == 3


async def test_a_reminder_is_not_starved_by_a_big_broadcast(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    engine = make_engine(db, time, sender, rate=25)
    await engine.start()
    enqueued_after: list[int] = []

    async def remind() -> None:
        enqueued_after.append(len(sender.calls))
        await engine.enqueue("reminder", Reply("提醒"), chats("r", 20))

    sender.hooks[100] = remind
    await engine.enqueue("broadcast", Reply("广播"), chats("b", 1000))
    await run_until_idle(engine)
    await engine.stop()

    texts = [c.reply.text for c in sender.calls]
    reminders = [i for i, text in enumerate(texts) if text == "提醒"]
    assert len(reminders) == 20
    # It starts at once and gets every other slot: done within about 40 messages (1.6 s)…
    assert reminders[0] - enqueued_after[0] <= 3
    assert reminders[-1] - reminders[0] <= 40
    # …while the broadcast goes on for 900 more.
    assert len(texts) - reminders[-1] > 800
    assert Counter(c.chat for c in sender.calls if c.ok) == Counter(
        {chat: 1 for _, chat in [*chats("b", 1000), *chats("r", 20)]}
    )


async def test_priority_gets_more_shares(db: Database, time: FakeTime, sender: FakeSender) -> None:
    engine = make_engine(db, time, sender)
    await engine.enqueue("broadcast", Reply("普通"), chats("a", 100))
    await engine.enqueue("reminder", Reply("优先"), chats("b", 100), priority=1)
    await engine.start()
    await run_until_idle(engine)
    await engine.stop()
    first_60 = Counter(c.reply.text for c in sender.calls[:60])
    assert first_60 == Counter({"优先": 40, "普通": 20})


async def test_cancel_stops_pending_rows(db: Database, time: FakeTime, sender: FakeSender) -> None:
    engine = make_engine(db, time, sender)
    await engine.start()
    announcement = 0

    async def cancel() -> None:
        await engine.cancel(announcement)

    sender.hooks[10] = cancel
    announcement = await engine.enqueue("broadcast", Reply("通知"), chats("c", 100))
    await run_until_idle(engine)
    await engine.stop()
    progress = await engine.progress(announcement)
    assert 10 <= len(sender.calls) <= 11  # the one claimed meanwhile may still go
    assert progress.sent == len(sender.calls)
    assert progress.cancelled == 100 - progress.sent
    assert progress.done and progress.was_cancelled


async def test_progress_is_reported_every_few_seconds_and_at_the_end(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    seen: list[tuple[float, Progress]] = []

    async def on_progress(announcement_id: int, progress: Progress) -> None:
        seen.append((time.t(), progress))

    engine = make_engine(db, time, sender, rate=10, on_progress=on_progress, progress_interval=3)
    await engine.start()
    announcement = await engine.enqueue("broadcast", Reply("通知"), chats("c", 100))
    before = await engine.progress(announcement)
    assert before.eta_seconds == pytest.approx(10, abs=0.2)
    await run_until_idle(engine)
    await engine.stop()

    *during, (_, final) = seen
    assert final.done and final.sent == 100 and final.eta_seconds == 0
    # 9.9 s of sending, at most one call every 3 s while it lasts.
    assert 2 <= len(during) <= 4
    for _, progress in during:
        assert not progress.done
        assert progress.eta_seconds == pytest.approx(progress.pending / 10, abs=0.2)


async def test_eta_counts_the_share_of_the_rate(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    engine = make_engine(db, time, sender, rate=10)
    first = await engine.enqueue("broadcast", Reply("一"), chats("a", 50))
    await engine.enqueue("broadcast", Reply("二"), chats("b", 50))
    assert (await engine.progress(first)).eta_seconds == pytest.approx(5)  # not started
    await engine.start()
    assert (await engine.progress(first)).eta_seconds == pytest.approx(10)  # half the rate
    await run_until_idle(engine)
    await engine.stop()


async def test_not_before_delays_the_start(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    engine = make_engine(db, time, sender)
    when = START + timedelta(minutes=10)
    announcement = await engine.enqueue(
        "reminder", Reply("十分钟后"), chats("c", 3), not_before=when
    )
    assert (await engine.progress(announcement)).eta_seconds == pytest.approx(600.12)
    await engine.start()
    await run_until_idle(engine)
    await engine.stop()
    assert min(sender.times()) >= 600 - TOL
    with pytest.raises(ValueError, match="aware"):
        await engine.enqueue("reminder", Reply("x"), [], not_before=datetime(2026, 1, 1))  # noqa: DTZ001


async def test_the_stored_reply_is_what_gets_sent(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    reply = Reply(
        "<b>王大爷</b>的黄精到了",
        choices=((Choice("stall:42", "看看"), Choice("stall:43", "别的")),),
        photo=7,
        contact_request=True,
        attachment=Attachment("poster.pdf", b"%PDF-1.4\x00\xff", "document"),
    )
    # Every field is stored but ``edit`` (an outbox message is always a new one): a field added
    # to Reply must be added to the outbox JSON too.
    stored = {"text", "choices", "photo", "contact_request", "attachment"}
    assert {f.name for f in fields(Reply)} == {*stored, "edit"}
    engine = make_engine(db, time, sender)
    await engine.enqueue("notice", reply, chats("c", 1))
    await engine.start()  # sent by a process that did not enqueue it
    await run_until_idle(engine)
    await engine.stop()
    assert sender.calls[0].reply == reply


async def test_platforms_without_a_sender_and_empty_announcements_finish(
    db: Database, time: FakeTime, sender: FakeSender
) -> None:
    finals: list[Progress] = []

    async def on_progress(announcement_id: int, progress: Progress) -> None:
        finals.append(progress)

    engine = make_engine(db, time, sender, on_progress=on_progress)
    await engine.start()
    wechat = await engine.enqueue("notice", Reply("x"), [("wechat", "w1")])
    empty = await engine.enqueue("broadcast", Reply("x"), [])
    await run_until_idle(engine)
    await engine.stop()
    assert [p.announcement_id for p in finals] == [wechat, empty]
    assert (finals[0].failed, finals[0].done) == (1, True)
    (problem,) = await engine.problems(wechat)
    assert problem.reason == "no sender for platform wechat"
    assert (finals[1].total, finals[1].done) == (0, True)
    with pytest.raises(ValueError, match="priority"):
        await engine.enqueue("notice", Reply("x"), [], priority=-1)


async def test_an_unanswered_send_is_unconfirmed_not_retried(tmp_path: Path) -> None:
    calls: list[str] = []

    class Silent:
        platform = "telegram"

        async def send(self, chat_id: str, reply: Reply) -> None:
            calls.append(chat_id)
            raise MaybeDelivered("read timeout")

    db = await Database.open(tmp_path / "d.db")
    try:
        engine = DeliveryEngine(db, {"telegram": Silent()}, DeliveryConfig(), SystemClock())
        await engine.start()
        ident = await engine.enqueue("broadcast", Reply("hi"), [("telegram", "1")])
        await engine.wait_idle()
        progress = await engine.progress(ident)
        await engine.stop()
    finally:
        await db.close()
    assert calls == ["1"]
    assert progress.unconfirmed == 1
    assert progress.failed == 0
