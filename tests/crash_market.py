"""A market morning against the real ``marketbot run`` process, killed with SIGKILL and
restarted, and the proof that nobody's message was lost or answered twice.

People (a secretary, vendors, visitors) talk to the bot through :class:`~tests.crash_api.CrashApi`,
each waiting for the answer to one message (its turn committed and its replies settled, read
from the database) before writing the next, as people do. Visitors search with unique queries
(the answer echoes them) and subscribe to reminders; vendors register a stall (a five-step flow);
the secretary sets the market days (``/schedule`` 逢三六九) and, once everyone has used the bot,
sends a broadcast to everyone (``/broadcast`` → text → 不加照片 → audience → 现在发送), pressing
the buttons the bot sent. The bot's clock (``run --now``) stands just before the evening reminder
of the next market day until every visitor has subscribed; the next start sets it past the
reminder's time, so the reminder falls due.

Meanwhile the process is killed with SIGKILL ``kills`` times at random moments (a seeded RNG:
during start-up or up to ``window`` seconds after it first polled) and started again at once;
after the last kill it runs until everyone is done and the outbox is settled, then stops.

The proof (:func:`prove`), from the fake API's log and the SQLite file:

* every update a person sent is in ``inbox`` (handled) with at least one reply;
* for each chat and text, the messages the log shows are no more than the outbox rows ``sent``
  or ``unconfirmed`` (else *duplicated*) and no fewer than the rows ``sent`` (else *lost*); a
  missing ``unconfirmed`` row (in flight at a kill) is allowed, up to one per kill; rows left
  ``pending``, ``sending`` or ``failed`` are lost;
* the broadcast and the reminder have one row per recipient: every person for the broadcast,
  every subscriber for the reminder (a recipient missing is lost, a second row duplicated);
* nobody is stuck: each person's last message's replies are in the log after it was sent.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from tests.crash_api import TOKEN, CrashApi

__all__ = ["Morning", "Result", "prove", "run_morning"]

SECRETARY = 900_001
FIRST_PERSON = 100_001
DAY_BEFORE = "2026-03-06"
"""The eve of a market day of 逢三六九 (2026-03-07 is 正月十九); its reminder is at 19:00."""
MARKET_DAY = "2026-03-07"
BEFORE_REMINDER = f"{DAY_BEFORE} 18:50"
REMINDER_DUE = f"{DAY_BEFORE} 19:00"
GOODS = ("核桃", "木耳", "黄精", "沙棘膏", "蜂蜜", "党参", "榛蘑", "小米", "红枣", "花椒")
FINAL = ("sent", "unconfirmed", "failed", "unreachable", "cancelled", "held")
PROGRESS_MARK = "通知 #"
"""In the secretary's progress message and report, which are not outbox rows."""

Kind = Literal["say", "press", "everyone_started", "all_subscribed"]


@dataclass(frozen=True, slots=True)
class Step:
    kind: Kind
    text: str = ""


@dataclass(slots=True)
class Person:
    user_id: int
    role: str
    steps: list[Step]
    at: int = 0
    waiting: int | None = None
    """The update id whose answer the person waits for."""
    since: float = 0.0
    next_at: float = 0.0
    updates: list[tuple[int, float]] = field(default_factory=list)
    """``(update id, time.monotonic() when sent)`` in order."""
    reasks: int = 0
    gave_up: bool = False
    saw_last: bool = False
    """The script is over and the last answer reached the chat (or asking again did not help)."""

    @property
    def done(self) -> bool:
        return self.gave_up or self.saw_last


@dataclass(frozen=True, slots=True)
class Morning:
    """How big the morning is and how it is disturbed."""

    vendors: int
    visitors: int
    kills: int
    seed: int = 1
    window: float = 2.5
    """Seconds after the first poll within which a kill falls."""
    startup_kills: float = 0.2
    """Share of kills that fall during start-up instead."""
    think: tuple[float, float] = (0.02, 0.3)
    latency: float = 0.04
    """Seconds each Bot API call takes (see :class:`~tests.crash_api.CrashApi`)."""
    searches: int = 3
    answer_within: float = 30.0
    """Seconds a person waits for one answer before counting as stuck."""
    deadline: float = 600.0


@dataclass(slots=True)
class Result:
    kills: int = 0
    lost: int = 0
    duplicated: int = 0
    stuck: int = 0
    messages: int = 0
    replies: int = 0
    unconfirmed: int = 0
    unconfirmed_missing: int = 0
    broadcast_rows: int = 0
    reminder_rows: int = 0
    progress_messages: int = 0
    reasks: int = 0
    restarts_seconds: list[float] = field(default_factory=list)
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"kills={self.kills} lost={self.lost} duplicated={self.duplicated} stuck={self.stuck}"
        )


# -- the people -----------------------------------------------------------------------------------


def _people(morning: Morning) -> list[Person]:
    rng = random.Random(f"people:{morning.seed}")
    people = [
        Person(
            SECRETARY,
            "secretary",
            [
                Step("say", "/schedule"),
                Step("say", "逢三六九"),
                Step("press", "确定"),
                Step("everyone_started"),
                Step("say", "/broadcast"),
                Step("say", "明天正月十九赶集，早上八点开市，请大家互相转告（广播）"),
                Step("press", "不加照片"),
                Step("press", "所有用过机器人的人"),
                Step("press", "现在发送"),
            ],
        )
    ]
    serial = 0
    for n in range(morning.vendors + morning.visitors):
        user_id = FIRST_PERSON + n
        if n < morning.vendors:
            steps = [
                Step("say", "/start"),
                Step("press", "我要摆摊"),
                Step("say", f"第{n}号摊"),
                Step("say", f"摊主{n}"),
                Step("say", f"{n}号村"),
                Step("press", "跳过"),
                Step("press", "跳过"),
                Step("press", "提交"),
            ]
            role = "vendor"
        else:
            steps = [Step("say", "/start"), Step("say", "/subscribe")]
            role = "visitor"
        for _ in range(morning.searches):
            serial += 1
            steps.append(Step("say", f"{rng.choice(GOODS)} 第{serial}份"))
        if role == "visitor":
            steps.insert(3, Step("all_subscribed"))  # the reminder is due after this
        people.append(Person(user_id, role, steps))
    return people


# -- the bot process ------------------------------------------------------------------------------


class Bot:
    """``python -m marketbot run`` on a config of its own, started and killed at will."""

    def __init__(self, folder: Path, api: CrashApi) -> None:
        self.folder = folder
        self.db = folder / "market.db"
        self.config = folder / "config.toml"
        self.log = folder / "bot.log"
        self.config.write_text(
            f"""
[database]
path = "{self.db}"

[bot]
timezone = "Asia/Shanghai"
demo_data = true

[secretaries]
telegram = [{SECRETARY}]

[telegram]
token = "{TOKEN}"
base_url = "{api.base}/bot"
base_file_url = "{api.base}/file/bot"
mode = "polling"

[delivery]
rate_per_second = 10.0
per_chat_interval = 0.2

[search]
tables = "{folder / "tables"}"
""",
            encoding="utf-8",
        )
        self.process: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def start(self, now: str) -> None:
        with self.log.open("ab") as log:
            log.write(f"\n=== start --now {now!r}\n".encode())
            command = [sys.executable, "-m", "marketbot", "run", "--config", str(self.config)]
            self.process = subprocess.Popen(
                [*command, "--now", now],
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
        self.started_at = time.monotonic()

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            return -9

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _read(db: Path, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if not db.exists():
        return []
    conn = sqlite3.connect(db, timeout=10)
    try:
        return list(conn.execute(sql, args))
    except sqlite3.OperationalError:
        return []  # not migrated yet
    finally:
        conn.close()


def _answers(db: Path) -> tuple[set[str], dict[str, list[str]]]:
    """Updates handled, and the states of each one's reply rows."""
    handled = {str(r[0]) for r in _read(db, "SELECT update_key FROM inbox")}
    replies: dict[str, list[str]] = {}
    for meaning, state in _read(
        db,
        "SELECT a.meaning, o.state FROM delivery_outbox o"
        " JOIN delivery_announcements a ON a.id = o.announcement_id"
        " WHERE a.meaning LIKE '{\"reply\"%'",
    ):
        key = str(json.loads(str(meaning))["reply"])
        replies.setdefault(key, []).append(str(state))
    return handled, replies


# -- the run --------------------------------------------------------------------------------------


def _ready(api: CrashApi, since: float) -> bool:
    """The process polls: it has started (the delivery engine starts right after)."""
    return any(c.method == "getUpdates" and c.at >= since for c in reversed(api.snapshot()))


def _settled(db: Path) -> bool:
    busy = _read(
        db,
        "SELECT COUNT(*) FROM delivery_outbox WHERE state IN ('pending', 'sending')",
    )
    open_ = _read(db, "SELECT COUNT(*) FROM delivery_announcements WHERE finished_at IS NULL")
    reminder = _read(
        db, "SELECT status FROM reminders WHERE market_day = ? AND kind = 'evening'", (MARKET_DAY,)
    )
    return (
        bool(busy)
        and busy[0][0] == 0
        and bool(open_)
        and open_[0][0] == 0
        and [r[0] for r in reminder] == ["sent"]
    )


def run_morning(morning: Morning, folder: Path, *, say: object = None) -> Result:
    """Run the morning (see module) in ``folder``; returns the proof's figures.

    ``say`` (a callable taking a line) reports each kill and restart as it happens."""
    report = say if callable(say) else (lambda line: None)
    rng = random.Random(f"kills:{morning.seed}")
    api = CrashApi(latency=morning.latency)
    api.start()
    bot = Bot(folder, api)
    people = _people(morning)
    result = Result()
    began = time.monotonic()
    reminder_due = False
    restarts = 0

    def clock() -> str:
        if not reminder_due:
            return BEFORE_REMINDER
        minute = min(restarts, 59)
        return f"{DAY_BEFORE} 19:{minute:02d}"

    def plan_kill() -> tuple[str, float]:
        if rng.random() < morning.startup_kills:
            return "startup", time.monotonic() + rng.uniform(0.0, 0.8)
        return "ready", rng.uniform(0.0, morning.window)

    try:
        bot.start(clock())
        ready_at: float | None = None
        kill_plan = plan_kill()
        stopping = False
        while True:
            now = time.monotonic()
            if now - began > morning.deadline:
                result.problems.append("the morning did not end before the deadline")
                break
            if ready_at is None and _ready(api, bot.started_at):
                ready_at = now
                result.restarts_seconds.append(now - bot.started_at)
                if kill_plan[0] == "ready":
                    kill_plan = ("at", now + kill_plan[1])
            # the kills
            last_kill = result.kills == morning.kills - 1
            may_kill = result.kills < morning.kills and (not last_kill or reminder_due)
            due = kill_plan[0] in ("startup", "at") and now >= kill_plan[1]
            if may_kill and due:
                bot.kill()
                result.kills += 1
                restarts += 1
                report(f"kill {result.kills} at {now - began:.1f} s ({kill_plan[0]})")
                bot.start(clock())
                ready_at = None
                kill_plan = plan_kill()
            if not bot.alive():
                result.problems.append(f"the bot exited by itself; see {bot.log}")
                break
            # the people
            handled, replies = _answers(bot.db)
            _advance(people, api, bot.db, (handled, replies), morning, rng, now)
            subscribers = [p for p in people if p.role == "visitor"]
            if not reminder_due and all(p.at > 2 and p.waiting is None for p in subscribers):
                reminder_due = True  # from the next start on, the clock is past 19:00
                report(f"everyone subscribed at {now - began:.1f} s: the reminder is due")
                if result.kills >= morning.kills:
                    # no kill left to restart it: restart it gently
                    bot.stop()
                    restarts += 1
                    bot.start(clock())
                    ready_at = None
            if all(p.done for p in people) and result.kills >= morning.kills:
                if not stopping:
                    stopping = True
                    report(f"everyone done at {now - began:.1f} s; waiting for the outbox")
                if ready_at is not None and api.unconfirmed() == 0 and _settled(bot.db):
                    break
            time.sleep(0.03)
        result.seconds = time.monotonic() - began
        if bot.alive():
            code = bot.stop()
            if code != 0:
                result.problems.append(f"the bot exited with {code} when stopped")
    finally:
        if bot.alive():
            bot.kill()
        api.stop()
    result.reasks = sum(p.reasks for p in people)
    prove(result, people, api, bot.db)
    return result


def _advance(
    people: list[Person],
    api: CrashApi,
    db: Path,
    answers: tuple[set[str], dict[str, list[str]]],
    morning: Morning,
    rng: random.Random,
    now: float,
) -> None:
    """Each person whose answer came (or who waited in vain) goes on with their script."""
    handled, replies = answers
    started = all(p.updates and p.waiting is None for p in people if p.role != "secretary")
    subscribed = all(p.at > 2 and p.waiting is None for p in people if p.role == "visitor")
    for person in people:
        if person.waiting is not None:
            key = str(person.waiting)
            states = replies.get(key, [])
            if key in handled and all(s in FINAL for s in states):
                person.waiting = None
                person.next_at = now + rng.uniform(*morning.think)
            elif now - person.since > morning.answer_within:
                person.gave_up = True
            continue
        if person.done or now < person.next_at:
            continue
        if person.at >= len(person.steps):
            # The script is over; a person who never saw the last answer (in flight at a
            # kill) asks again, as people do.
            if person.reasks >= 3 or _answered(person, api, db):
                person.saw_last = True
            else:
                person.reasks += 1
                _send(person, api.message(person.user_id, "/start"), now)
            continue
        step = person.steps[person.at]
        if step.kind == "everyone_started" and not started:
            continue
        if step.kind == "all_subscribed" and not subscribed:
            continue
        person.at += 1
        if step.kind == "say":
            _send(person, api.message(person.user_id, step.text), now)
        elif step.kind == "press":
            _send(person, api.press(person.user_id, step.text), now)


def _send(person: Person, update_id: int, now: float) -> None:
    person.waiting, person.since = update_id, now
    person.updates.append((update_id, now))


def _answered(person: Person, api: CrashApi, db: Path) -> bool:
    """The last message has replies, all in the chat after the message was sent."""
    if not person.updates:
        return True
    update_id, at = person.updates[-1]
    texts = _reply_texts(db, str(update_id))
    seen = [c.text for c in api.snapshot() if c.ok and c.chat_id == person.user_id and c.at >= at]
    return bool(texts) and all(text in seen for text in texts)


def _reply_texts(db: Path, key: str) -> list[str]:
    return [
        str(json.loads(str(reply))["text"])
        for (reply,) in _read(
            db,
            "SELECT a.reply FROM delivery_outbox o"
            " JOIN delivery_announcements a ON a.id = o.announcement_id WHERE a.meaning = ?",
            (json.dumps({"reply": key}, ensure_ascii=False),),
        )
    ]


# -- the proof ------------------------------------------------------------------------------------


def prove(result: Result, people: list[Person], api: CrashApi, db: Path) -> None:
    """Fill ``result`` with lost, duplicated and stuck (see module)."""
    calls = [c for c in api.snapshot() if c.ok and c.method in ("sendMessage", "editMessageText")]
    observed = Counter((str(c.chat_id), c.text) for c in calls)
    rows = _read(
        db,
        "SELECT o.chat_id, o.state, a.kind, a.reply, a.meaning, a.id FROM delivery_outbox o"
        " JOIN delivery_announcements a ON a.id = o.announcement_id"
        " WHERE o.platform = 'telegram'",
    )
    buckets: dict[tuple[str, str], Counter[str]] = {}
    for chat, state, _kind, reply, _meaning, _aid in rows:
        text = str(json.loads(str(reply))["text"])
        buckets.setdefault((str(chat), text), Counter())[str(state)] += 1
    lost = duplicated = 0
    for key, states in buckets.items():
        seen = observed.get(key, 0)
        sent, unconfirmed = states["sent"] + states["held"], states["unconfirmed"]
        result.unconfirmed += unconfirmed
        if seen > sent + unconfirmed:
            duplicated += seen - sent - unconfirmed
            result.problems.append(f"{seen}× to chat {key[0]} ({states}): {key[1][:40]!r}")
        if seen < sent:
            lost += sent - seen
            result.problems.append(f"sent but never arrived in chat {key[0]}: {key[1][:40]!r}")
        result.unconfirmed_missing += min(unconfirmed, max(0, sent + unconfirmed - seen))
        for state in ("pending", "sending", "failed", "cancelled", "unreachable"):
            if states[state]:
                lost += states[state]
                result.problems.append(f"{states[state]} row(s) {state} to chat {key[0]}")
    for (chat, text), seen in observed.items():
        if (chat, text) in buckets:
            continue
        if chat == str(SECRETARY) and PROGRESS_MARK in text:
            result.progress_messages += seen
        else:
            duplicated += seen
            result.problems.append(f"sent outside the outbox to chat {chat}: {text[:40]!r}")
    # every message handled and answered
    handled, replies = _answers(db)
    for person in people:
        for update_id, _at in person.updates:
            result.messages += 1
            key = str(update_id)
            result.replies += len(replies.get(key, []))
            if key not in handled:
                lost += 1
                result.problems.append(f"update {key} of {person.user_id} was never handled")
            elif not replies.get(key):
                lost += 1
                result.problems.append(f"update {key} of {person.user_id} got no reply")
    # the broadcast and the reminder: one row per recipient
    for kind in ("broadcast", "reminder"):
        per_chat = Counter(str(chat) for chat, _s, k, *_ in rows if k == kind)
        if kind == "broadcast":
            result.broadcast_rows = sum(per_chat.values())
            wanted = {str(p.user_id) for p in people if p.role != "secretary"}
        else:
            result.reminder_rows = sum(per_chat.values())
            wanted = {
                str(r[0])
                for r in _read(
                    db,
                    "SELECT u.chat_id FROM users u JOIN subscriptions s ON s.user_id = u.id"
                    " WHERE u.platform = 'telegram'",
                )
            }
        for chat in sorted(wanted - set(per_chat)):
            lost += 1
            result.problems.append(f"the {kind} never went to chat {chat}")
        for chat, count in per_chat.items():
            if count > 1:
                duplicated += count - 1
                result.problems.append(f"the {kind} went {count}× to chat {chat}")
    allowance = result.kills
    if result.unconfirmed_missing > allowance:
        lost += result.unconfirmed_missing - allowance
        result.problems.append(
            f"{result.unconfirmed_missing} unconfirmed messages missing, more than one per kill"
        )
    for person in people:
        if person.gave_up or not _answered(person, api, db):
            result.stuck += 1
            result.problems.append(f"{person.role} {person.user_id} is stuck")
    result.lost, result.duplicated = lost, duplicated
