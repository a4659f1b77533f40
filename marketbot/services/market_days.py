"""Market-day reminders and notices: planning them from each market's schedule, sending each at
most once through the delivery engine, and telling people when a day is cancelled or moved.

Reminders are rows (:class:`~marketbot.storage.reminders.ReminderStore`). :meth:`MarketDays.replan`
keeps the rows of the next :data:`HORIZON_DAYS` days in step with the schedule and reminder times;
:meth:`MarketDays.fire` sends one: to subscribers (by language) and, in the evening, to the
vendors of the market with "coming / not coming" buttons. Sending is idempotent per reminder (the
delivery engine's announcement key), so a crash between sending and recording cannot repeat it.
A reminder whose time passed while the bot was down is sent late if the market has not opened
yet, otherwise dropped (and logged).
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from marketbot.calendar import CalendarOptions, format_market_day
from marketbot.clock import Clock
from marketbot.config import Config
from marketbot.delivery.ports import Outbox
from marketbot.domain.model import Market, User, user_lang
from marketbot.domain.schedule import DayChange, Schedule, market_today, upcoming, upcoming_from
from marketbot.neutral import Choice, Reply
from marketbot.storage.broadcasts import Audience
from marketbot.storage.committed import MISSING
from marketbot.storage.db import utc_text
from marketbot.storage.market_data import Storage
from marketbot.storage.reminders import (
    SLICE,
    PlannedReminder,
    ReminderKind,
    ReminderStore,
    ReminderTimes,
)
from marketbot.storage.schedules import ScheduleStore
from marketbot.texts import Lang, esc, t

__all__ = ["HORIZON_DAYS", "MarketDays", "attendance_buttons", "plan_reminders"]

logger = logging.getLogger(__name__)

HORIZON_DAYS = 21
"""How far ahead reminders are planned."""
_LOOKAHEAD = 12
"""Scheduled days considered per market when planning (more than fit in the horizon)."""


def _at(day: date, hhmm: str, zone: str) -> datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


class _Calendar:
    """Held days of many markets, the days of one rule computed once per starting day."""

    def __init__(
        self, schedules: Mapping[int, Schedule], changes: Mapping[int, Mapping[date, DayChange]]
    ) -> None:
        self.schedules = schedules
        self.changes = changes
        self._days: dict[tuple[str, CalendarOptions, date, int], list[date]] = {}

    def held(self, market_id: int, today: date, count: int) -> list[date]:
        """:meth:`MarketDays.held_days` from the rows given."""
        schedule = self.schedules.get(market_id)
        if schedule is None:
            return []
        key = (schedule.phrase, schedule.options, today, count)
        if key not in self._days:
            self._days[key] = schedule.rule().next_dates(today, count, schedule.options)
        mine = {
            day: change
            for day, change in self.changes.get(market_id, {}).items()
            if day >= today or (change.moved_to is not None and change.moved_to >= today)
        }
        held = {u.held_on for u in upcoming_from(self._days[key], mine, today)}
        return sorted(d for d in held if d is not None and d >= today)


def plan_reminders(
    markets: Sequence[Market],
    schedules: Mapping[int, Schedule],
    changes: Mapping[int, Mapping[date, DayChange]],
    times: Mapping[int, ReminderTimes],
    now: datetime,
) -> dict[tuple[int, str, ReminderKind], tuple[int, date, ReminderKind, str]]:
    """The reminders the markets want from ``now`` on, keyed like
    :meth:`ReminderStore.planned_rows`: ``(market, ISO day, kind) → (market, day, kind, due as
    UTC text)``. Pure and CPU-only (it runs in a worker thread); the days of one rule are
    computed once per starting day, however many markets share it."""
    calendar = _Calendar(schedules, changes)
    wanted: dict[tuple[int, str, ReminderKind], tuple[int, date, ReminderKind, str]] = {}
    for market in markets:
        today = market_today(now, market.timezone)
        setting = times.get(market.id, ReminderTimes())
        for day in calendar.held(market.id, today, _LOOKAHEAD):
            if day > today + timedelta(days=HORIZON_DAYS):
                break
            if _at(day, market.opens, market.timezone) <= now:
                continue  # already open: nothing left to remind of
            iso = day.isoformat()
            if setting.evening:
                due = _at(day - timedelta(days=1), setting.evening, market.timezone)
                wanted[(market.id, iso, "evening")] = (market.id, day, "evening", utc_text(due))
            if setting.morning:
                due = _at(day, setting.morning, market.timezone)
                wanted[(market.id, iso, "morning")] = (market.id, day, "morning", utc_text(due))
    return wanted


@dataclass(frozen=True, slots=True)
class _PlanInputs:
    """What a re-plan reads: the markets and what their reminders are made from, and the rows
    planned already (:meth:`ReminderStore.planned_rows`)."""

    markets: Sequence[Market]
    schedules: Mapping[int, Schedule]
    changes: Mapping[int, Mapping[date, DayChange]]
    times: Mapping[int, ReminderTimes]
    existing: Mapping[tuple[int, str, ReminderKind], tuple[int, str, str]]


def _differences(
    reading: _PlanInputs, now: datetime
) -> tuple[list[tuple[int, date, ReminderKind, datetime]], list[tuple[int, int]]]:
    """The reminders to add or move, and the scheduled ones no longer wanted as ``(market,
    reminder id)``; pure and CPU-only (it runs in a worker thread)."""
    existing = reading.existing
    wanted = plan_reminders(
        reading.markets, reading.schedules, reading.changes, reading.times, now
    )
    upserts: list[tuple[int, date, ReminderKind, datetime]] = []
    for key, (owner, day, kind, due) in wanted.items():
        row = existing.get(key)
        if row is None or row[2] == "obsolete" or (row[2] == "scheduled" and row[1] != due):
            upserts.append((owner, day, kind, datetime.fromisoformat(due)))
    planned = {m.id for m in reading.markets}
    obsolete = [
        (key[0], row[0])
        for key, row in existing.items()
        if row[2] == "scheduled" and key[0] in planned and key not in wanted
    ]
    return upserts, obsolete


def next_market_days(
    markets: Sequence[Market],
    schedules: Mapping[int, Schedule],
    changes: Mapping[int, Mapping[date, DayChange]],
    now: datetime,
) -> dict[int, date]:
    """Each scheduled market's next held day (today's included), by market id; pure."""
    calendar = _Calendar(schedules, changes)
    found: dict[int, date] = {}
    for market in markets:
        held = calendar.held(market.id, market_today(now, market.timezone), 3)
        if held:
            found[market.id] = held[0]
    return found


def attendance_buttons(lang: Lang, day: date) -> tuple[tuple[Choice, ...], ...]:
    iso = day.isoformat()
    return (
        (
            Choice(f"att:y:{iso}", t(lang, "att.btn.yes")),
            Choice(f"att:n:{iso}", t(lang, "att.btn.no")),
        ),
    )


class MarketDays:
    """Everything that happens around market days, outside a single conversation."""

    def __init__(self, store: Storage, clock: Clock, config: Config) -> None:
        self.store = store
        self.clock = clock
        self.config = config
        self.schedules = ScheduleStore(store.db)
        self.reminders = ReminderStore(store.db)
        self.outbox: Outbox | None = None
        """The delivery engine, once the adapter that sends is running."""
        self.platforms: frozenset[str] | None = None
        """Platforms being served; recipients elsewhere are left out (None: all)."""
        self.on_replanned: list[Callable[[], None]] = []
        """Called after the planned reminders changed (the scheduler rebuilds its jobs)."""
        self._replanning_all = asyncio.Lock()
        self._replans = 0
        """One market's re-plans so far (a count)."""
        self._replanned: dict[int, int] = {}
        """Each market's last re-plan on its own, as the count at the time."""

    # planning ------------------------------------------------------------------------------

    async def held_days(self, market: Market, today: date, count: int) -> list[date]:
        """The next days ``market`` is held on (cancelled ones left out, moves applied); kept
        until its schedule or days change (every market card shows them)."""
        cache = self.schedules.held
        known = cache.get((market.id, today, count))
        if known is not MISSING:
            return list(known)
        token = cache.token()
        schedule = await self.schedules.get(market.id)
        if schedule is None:
            return []
        changes = await self.schedules.changes(market.id, since=today)
        held = {u.held_on for u in upcoming(schedule, changes, today, count)}
        days = sorted(d for d in held if d is not None and d >= today)
        cache.put((market.id, today, count), tuple(days), token)
        return days

    async def held_through(self, market: Market, today: date, day: date) -> list[date]:
        """The days ``market`` is held on from ``today`` through the first one after ``day``
        (a market is held once a civil day at most: that many upcoming days reach it)."""
        return await self.held_days(market, today, (day - today).days + 2)

    async def next_days(self, now: datetime) -> dict[int, date]:
        """Every scheduled market's next held day (today's included) at ``now``, by market id:
        a query each for markets, schedules and day changes, the days computed in a worker
        thread."""
        markets = await self.store.markets()
        if not markets:
            return {}
        earliest = min(market_today(now, m.timezone) for m in markets)
        schedules = await self.schedules.all()
        changes = await self.schedules.all_changes(since=earliest)
        return await asyncio.to_thread(next_market_days, markets, schedules, changes, now)

    def opens_at(self, market: Market, day: date) -> datetime:
        return _at(day, market.opens, market.timezone)

    def closes_at(self, market: Market, day: date) -> datetime:
        return _at(day, market.closes, market.timezone)

    async def current_day(self, market: Market, now: datetime) -> date | None:
        """The market day going on, or the next one: the first held day not closed yet."""
        held = await self.held_days(market, market_today(now, market.timezone), 3)
        return next((d for d in held if self.closes_at(market, d) > now), None)

    async def next_open_day(self, market: Market, now: datetime) -> date | None:
        """The next market day not opened yet: the one a vendor's coming is asked for."""
        held = await self.held_days(market, market_today(now, market.timezone), 3)
        return next((d for d in held if self.opens_at(market, d) > now), None)

    async def replan(self, market_id: int | None = None) -> None:
        """Bring the planned reminders in step with the schedules and reminder times: every
        market's, or ``market_id``'s only (after one schedule, day or time changed).

        Set-based: the markets, schedules, day changes, reminder times and planned rows are read
        in one query each; the days are computed once per rule in a worker thread
        (:func:`plan_reminders`; lunar rules need the lunar calendar); only the differences are
        written, ``executemany`` of :data:`SLICE` rows at a time. Nothing changed, nothing
        written.

        One market's re-plan reads and writes in one transaction (the chat turn's that changed
        its schedule). Every market's (at the start and every hour: a county's thousands of
        rows) reads in one transaction, computes outside any, and writes each slice in a
        transaction of its own, so that people's messages are answered between the slices;
        a slice leaves out the markets re-planned on their own since the read, whose rows are
        newer than the plan's (a re-plan of another process meanwhile is corrected by the next
        hourly one). Two re-plans of every market never run at once."""
        if market_id is not None:
            async with self.store.db.transaction():
                changed = await self._replan_one(market_id)
        else:
            async with self._replanning_all:
                changed = await self._replan_all()
        if changed:
            for callback in self.on_replanned:
                callback()

    async def _replan_one(self, market_id: int) -> bool:
        now = self.clock.now()
        market = await self.store.get_market(market_id)
        if market is None:
            return False
        self._replans += 1
        self._replanned[market_id] = self._replans
        reading = await self._plan_inputs([market], market_id, now)
        upserts, obsolete = await asyncio.to_thread(_differences, reading, now)
        await self.reminders.apply_plan(upserts, [rid for _, rid in obsolete], now)
        return bool(upserts or obsolete)

    async def _replan_all(self) -> bool:
        now = self.clock.now()
        async with self.store.db.transaction():  # one consistent reading
            markets = await self.store.markets()
            if not markets:
                return False
            read_at = self._replans
            reading = await self._plan_inputs(markets, None, now)
        upserts, obsolete = await asyncio.to_thread(_differences, reading, now)
        parts: list[tuple[list[tuple[int, int]], list[tuple[int, date, ReminderKind, datetime]]]]
        parts = [(obsolete[i : i + SLICE], []) for i in range(0, len(obsolete), SLICE)]
        parts += [([], upserts[i : i + SLICE]) for i in range(0, len(upserts), SLICE)]
        for gone, moved in parts:
            await asyncio.sleep(0)  # the messages waiting go first
            async with self.store.db.transaction():
                newer = {m for m, at in self._replanned.items() if at > read_at}
                await self.reminders.apply_plan(
                    [row for row in moved if row[0] not in newer],
                    [rid for m, rid in gone if m not in newer],
                    now,
                )
        return bool(upserts or obsolete)

    async def _plan_inputs(
        self, markets: list[Market], market_id: int | None, now: datetime
    ) -> _PlanInputs:
        earliest = min(market_today(now, m.timezone) for m in markets)
        schedules = await self.schedules.all(market_id)
        changes = await self.schedules.all_changes(since=earliest, market_id=market_id)
        times = await self.reminders.all_times()
        await asyncio.sleep(0)  # the planned rows (a county's thousands) are read in a step alone
        existing = await self.reminders.planned_rows(now - timedelta(days=2), market_id)
        return _PlanInputs(markets, schedules, changes, times, existing)

    # sending -------------------------------------------------------------------------------

    async def due(self) -> list[PlannedReminder]:
        return await self.reminders.due(self.clock.now())

    async def fire(self, reminder_id: int) -> None:
        """Send one planned reminder, unless it was sent already or its market has opened."""
        reminder = await self.reminders.get(reminder_id)
        if reminder is None or reminder.status != "scheduled" or self.outbox is None:
            return
        market = await self.store.get_market(reminder.market_id)
        now = self.clock.now()
        if market is None or self.opens_at(market, reminder.market_day) <= now:
            await self.reminders.settle(reminder.id, "dropped", now)
            logger.warning(
                "reminder %s (%s, %s) dropped: the market had opened before it could be sent",
                reminder.id,
                reminder.market_day,
                reminder.kind,
            )
            return
        if (
            reminder.kind == "evening"
            and market_today(now, market.timezone) >= reminder.market_day
        ):
            # "明天是集日" on the day itself would be wrong: the morning reminder says "今天"
            await self.reminders.settle(reminder.id, "dropped", now)
            logger.info("evening reminder %s dropped: it is the market day already", reminder.id)
            return
        await self._send(market, reminder)
        await self.reminders.settle(reminder.id, "sent", self.clock.now())

    async def catch_up(self) -> None:
        """Send (or drop) every reminder whose time has come, e.g. after a restart.

        When both reminders of one market day are overdue, only the later one is sent."""
        due = await self.due()
        latest: dict[tuple[int, date], PlannedReminder] = {}
        for reminder in due:
            key = (reminder.market_id, reminder.market_day)
            if key not in latest or reminder.due_at > latest[key].due_at:
                latest[key] = reminder
        now = self.clock.now()
        for reminder in due:
            if latest[(reminder.market_id, reminder.market_day)] is not reminder:
                await self.reminders.settle(reminder.id, "dropped", now)
                logger.info("reminder %s superseded by a later one of the same day", reminder.id)
            else:
                await self.fire(reminder.id)

    def _reachable(self, users: Iterable[User]) -> list[User]:
        return [u for u in users if self.platforms is None or u.platform in self.platforms]

    def _lang(self, user: User) -> Lang:
        return user_lang(user, self.config.bot.language)

    async def _vendors(self, market: Market) -> dict[int, User]:
        """Owners of the market's approved stalls, by stall id."""
        return await self.reminders.market_vendors(market.id)

    async def coming_stalls(self, market: Market, day: date) -> list[str]:
        names = []
        for stall_id in await self.reminders.coming_stall_ids(day):
            stall = await self.store.get_stall(stall_id)
            if stall is not None and stall.market_id == market.id and stall.visible:
                names.append(stall.name)
        return names

    async def _new_goods(self, market: Market, day: date) -> list[str]:
        """Goods listed since the market last opened (the previous scheduled day)."""
        schedule = await self.schedules.get(market.id)
        cutoff = self.clock.now() - timedelta(days=7)
        if schedule is not None:
            before = schedule.rule().dates_between(
                day - timedelta(days=60), day - timedelta(days=1), schedule.options
            )
            if before:
                cutoff = _at(before[-1], market.opens, market.timezone)
        return [
            f"{p.name}（{s.name}）"
            for p, s in await self.store.products_added_since(market.id, cutoff)
        ]

    async def _text(self, market: Market, reminder: PlannedReminder, lang: Lang) -> str:
        day = reminder.market_day
        coming = await self.coming_stalls(market, day)
        key = "rem.evening" if reminder.kind == "evening" else "rem.morning"
        text = t(
            lang,
            key,
            market=esc(market.name),
            day=esc(format_market_day(day, lang)),
            opens=market.opens,
            closes=market.closes,
            place=esc(market.place),
        )
        if coming:
            text += "\n" + t(lang, "rem.coming", stalls=esc("、".join(coming)))
        if reminder.kind == "evening":
            new = await self._new_goods(market, day)
            if new:
                text += "\n" + t(lang, "rem.new_goods", goods=esc("、".join(new[:10])))
        return text

    async def _send(self, market: Market, reminder: PlannedReminder) -> None:
        """The vendors of the market (in the evening: with "coming / not coming" buttons), a
        list of at most the market's stalls; the subscribers, streamed by the database (a
        county market can have a million), one announcement per language."""
        assert self.outbox is not None
        meaning = {
            "reminder": reminder.kind,
            "market": market.id,
            "day": reminder.market_day.isoformat(),
        }
        vendors = await self._vendors(market) if reminder.kind == "evening" else {}
        by_lang: dict[Lang, list[User]] = defaultdict(list)
        for user in self._reachable(vendors.values()):
            by_lang[self._lang(user)].append(user)
        for lang, users in sorted(by_lang.items()):
            text = await self._text(market, reminder, lang) + "\n\n" + t(lang, "att.question")
            await self.outbox.enqueue(
                "reminder",
                Reply(text, choices=attendance_buttons(lang, reminder.market_day)),
                [(u.platform, u.chat_id) for u in users],
                key=f"reminder:{reminder.id}:{lang}:vendors",
                priority=1,
                meaning=meaning,
            )
        langs: tuple[Lang, ...] = ("zh", "en")
        replies: dict[str, Reply] = {
            lang: Reply(await self._text(market, reminder, lang)) for lang in langs
        }
        await self.outbox.enqueue_audience(
            "reminder",
            replies,
            Audience("market", market.id, exclude=tuple(sorted(u.id for u in vendors.values()))),
            keys={lang: f"reminder:{reminder.id}:{lang}:visitors" for lang in langs},
            priority=1,
            meaning=meaning,
        )

    # changes of plan -----------------------------------------------------------------------

    async def announce_change(
        self, market: Market, day: date, moved_to: date | None, reason: str
    ) -> int:
        """Tell subscribers and the vendors who said they come that ``day`` is off or moved.

        Returns how many people it goes to."""
        if self.outbox is None:
            return 0
        owners: dict[int, User] = {}
        for stall_id in await self.reminders.coming_stall_ids(day):
            stall = await self.store.get_stall(stall_id)
            if stall is not None and stall.owner_id is not None:
                owner = await self.store.get_user(stall.owner_id)
                if owner is not None:
                    owners[owner.id] = owner
        stamp = self.clock.now().isoformat()
        key = f"daychange:{market.id}:{day.isoformat()}:{stamp}"
        meaning = {
            "notice": "moved" if moved_to else "cancelled",
            "market": market.id,
            "day": day.isoformat(),
        }
        langs: tuple[Lang, ...] = ("zh", "en")
        texts: dict[str, Reply] = {
            lang: Reply(self._change_text(market, day, moved_to, reason, lang)) for lang in langs
        }
        by_lang: dict[Lang, list[User]] = defaultdict(list)
        for user in self._reachable(owners.values()):
            by_lang[self._lang(user)].append(user)
        for lang, users in sorted(by_lang.items()):  # the vendors who said they come
            await self.outbox.enqueue(
                "notice",
                texts[lang],
                [(u.platform, u.chat_id) for u in users],
                key=f"{key}:{lang}:coming",
                priority=2,
                meaning=meaning,
            )
        told = await self.outbox.enqueue_audience(  # the subscribers, streamed
            "notice",
            texts,
            Audience("market", market.id, exclude=tuple(sorted(owners))),
            keys={lang: f"{key}:{lang}" for lang in langs},
            priority=2,
            meaning=meaning,
        )
        await self.replan(market.id)
        return told + sum(len(users) for users in by_lang.values())

    @staticmethod
    def _change_text(
        market: Market, day: date, moved_to: date | None, reason: str, lang: Lang
    ) -> str:
        if moved_to is None:
            return t(
                lang,
                "rem.cancelled",
                market=esc(market.name),
                day=esc(format_market_day(day, lang)),
                reason=esc(reason),
            )
        return t(
            lang,
            "rem.moved",
            market=esc(market.name),
            day=esc(format_market_day(day, lang)),
            to=esc(format_market_day(moved_to, lang)),
            reason=esc(reason),
        )
