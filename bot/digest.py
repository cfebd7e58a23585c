"""The daily digest: subscribing by command or button, and the run that sends what is new.

Telegram-free: the adapter (bot/telegram/digest.py) hands in a `send` coroutine that says how
a send went - "sent", "gone" (Telegram answered 403: the reader blocked the bot) or "failed" -
and everything else lives here, testable with a fake clock and a list: who is due, quiet
hours, what is new for each chat, and recording each chat right after its send, so that a
restart in the middle of a run neither repeats nor skips anyone. The subscriptions are a
SubscriptionStore of bot.storage, awaited: the database never holds the event loop.

A database that cannot be written (a full disk, a file locked for longer than the busy
timeout) stops the run at its first error, and the log says so once. What Telegram accepted
but the database could not record is kept in memory and written before anything else at the
next run; until that succeeds nothing is sent. So a digest is never sent twice because its
record failed (only a crash while such records wait in memory can repeat one).

Several processes may run the digest over one database: a run sends only the chats it
claimed (bot/digest_claims.py), so each chat gets one digest a day whichever process sends it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from bot.digest_claims import LEASE, Claims
from bot.digest_order import article_key, first_seen, new_articles, newest_key
from bot.engine import Engine
from bot.models import Article, BotTexts, Button, Reply
from bot.refs import ABO_ACTION, ABO_END_ACTION, abo_action
from bot.schedule import (
    DEFAULT_QUIET,
    DEFAULT_TIME,
    Clock,
    clock_from,
    hhmm,
    in_quiet_hours,
    parse_time,
)
from bot.storage.interface import StoreError, Subscription, SubscriptionStore

logger = logging.getLogger(__name__)

# The times offered as buttons (those in the quiet hours are left out).
TIME_CHOICES = (dt.time(7, 15), dt.time(12, 0), dt.time(17, 30))
# Digests in flight at once. The rate limiter holds the pace (about 30 a second); a few
# sends in flight keep that pace over a slow network, and a reader's answer waits behind at
# most this many digest messages in the limiter's queue.
CONCURRENCY = 8
# A chat whose digest failed this often today (other than 403) gets it tomorrow instead;
# its articles stay new until then.
MAX_ATTEMPTS = 3

Outcome = Literal["sent", "gone", "failed"]
Send = Callable[[int, Reply], Awaitable[Outcome]]


@dataclass
class RunReport:
    """What one digest run did."""

    due: int = 0
    sent: int = 0
    nothing_new: int = 0
    gone: int = 0
    failed: int = 0
    quiet: bool = False  # stopped (or never started) because of the quiet hours
    interrupted: bool = False  # stopped because the bot stops
    busy: bool = False  # another run was still going
    store_failed: bool = False  # stopped because the database could not be used

    @property
    def stopped(self) -> bool:
        """True if the run stopped before every due chat had its turn."""
        return self.quiet or self.interrupted or self.store_failed


# What the database still has to be told about a chat: its digest was sent (the day and the
# newest article), or None: the chat is gone and its subscription must be deleted.
Unwritten = tuple[dt.date, str] | None


class Digest:
    """The subscriptions with the rules for readers, and the daily run."""

    def __init__(
        self,
        subscriptions: SubscriptionStore,
        quiet: tuple[dt.time, dt.time] = DEFAULT_QUIET,
        clock: Clock | None = None,
        concurrency: int = CONCURRENCY,
        max_attempts: int = MAX_ATTEMPTS,
        lease: dt.timedelta = LEASE,
        owner: str | None = None,
    ) -> None:
        self.subscriptions = subscriptions
        self.quiet = quiet
        self.clock = clock or clock_from(None)
        self.concurrency = max(1, concurrency)
        self.max_attempts = max_attempts
        self.claims = Claims(subscriptions, self.concurrency, lease, owner)
        self.running = False
        self._attempts: dict[tuple[int, dt.date], int] = {}
        self._was_quiet = False
        # Writes the database refused, by chat, written first at the next run.
        self.unwritten: dict[int, Unwritten] = {}
        self._store_broken = False  # the database failed and the log said so

    # ---- what readers do ----------------------------------------------------------------

    async def subscribe(self, engine: Engine, chat_id: int, text: str | None = None) -> Reply:
        """/abo [time]: subscribe (07:15 if no time is given), change the time, or - when
        nothing changes - show the setting. A time in the quiet hours is refused; a refusal
        says that the subscription keeps its time, and offers the times again."""
        texts = engine.kb.texts
        current = await self.subscriptions.get(chat_id)
        if text is None or not text.strip():
            if current is not None:
                return self._status(texts, current.at)
            at: dt.time | None = DEFAULT_TIME
        else:
            at = parse_time(text)
        if at is None:
            return self._refused(texts, texts.text("abo_bad_time"), current)
        if in_quiet_hours(at, self.quiet):
            start, end = self.quiet
            text = texts.text("abo_quiet", time=hhmm(at), start=hhmm(start), end=hhmm(end))
            return self._refused(texts, text, current)
        if current is not None and current.at == at:
            return self._status(texts, at)
        # What exists now is not news to a new subscriber: the first digest brings only
        # articles published after subscribing (/news shows the current ones right away).
        articles = engine.kb.articles
        marks = await first_seen(self.subscriptions, articles, self.clock())
        await self.subscriptions.subscribe(chat_id, at, newest_key(articles, marks))
        key = "abo_changed" if current is not None else "abo_started"
        return Reply(
            kind="help", text=texts.text(key, time=hhmm(at)), buttons=self._choices(texts, at)
        )

    async def unsubscribe(self, engine: Engine, chat_id: int) -> Reply:
        """/abo_aus: delete the subscription; offer to subscribe again at the same time.
        Without one, say so (and offer nothing to subscribe "again")."""
        texts = engine.kb.texts
        current = await self.subscriptions.get(chat_id)
        if current is None or not await self.subscriptions.unsubscribe(chat_id):
            return Reply(kind="help", text=texts.text("abo_not_subscribed"))
        again = Button(texts.buttons["abo_again"], abo_action(hhmm(current.at)))
        return Reply(kind="help", text=texts.text("abo_stopped"), buttons=(again,))

    async def show(self, engine: Engine, chat_id: int) -> Reply:
        """The setting: the time with buttons to change it, or how to subscribe."""
        texts = engine.kb.texts
        current = await self.subscriptions.get(chat_id)
        if current is None:
            return Reply(kind="help", text=texts.text("abo_none"), buttons=self._choices(texts))
        return self._status(texts, current.at)

    async def press(self, engine: Engine, chat_id: int, action: str) -> Reply:
        """A button: "abo:" shows the setting, "abo:17:30" picks a time, "abo:aus" ends it."""
        choice = action.removeprefix(ABO_ACTION)
        if action == ABO_END_ACTION:
            return await self.unsubscribe(engine, chat_id)
        if choice and parse_time(choice) is not None:
            return await self.subscribe(engine, chat_id, choice)
        return await self.show(engine, chat_id)

    def _refused(self, texts: BotTexts, why: str, current: Subscription | None) -> Reply:
        """A time that cannot be: why, that a subscription keeps its time, the choices."""
        if current is None:
            return Reply(kind="help", text=why, buttons=self._choices(texts))
        kept = texts.text("abo_kept", time=hhmm(current.at))
        return Reply(kind="help", text=f"{why}\n{kept}", buttons=self._choices(texts, current.at))

    def _status(self, texts: BotTexts, at: dt.time) -> Reply:
        return Reply(
            kind="help",
            text=texts.text("abo_status", time=hhmm(at)),
            buttons=self._choices(texts, at),
        )

    def _choices(self, texts: BotTexts, current: dt.time | None = None) -> tuple[Button, ...]:
        """A button per offered time (the current one ticked), and "Abo beenden" if subscribed."""
        buttons = [
            Button(("✓ " if choice == current else "") + hhmm(choice), abo_action(hhmm(choice)))
            for choice in TIME_CHOICES
            if not in_quiet_hours(choice, self.quiet)
        ]
        if current is not None:
            buttons.append(Button(texts.buttons["abo_end"], ABO_END_ACTION))
        return tuple(buttons)

    # ---- the run ----------------------------------------------------------------------------

    async def run(
        self,
        engine: Callable[[], Engine],
        send: Send,
        keep_going: Callable[[], bool] = lambda: True,
    ) -> RunReport:
        """Send every due chat what is new for it; one run at a time.

        Outside the quiet hours, each due chat gets one digest of the articles newer than
        its last one and is recorded right after Telegram accepted it; a chat with nothing
        new is recorded as done for today without a message. Stops early (the rest stay
        due) when the quiet hours begin or keep_going() turns false.
        """
        if self.running:
            return RunReport(busy=True)
        self.running = True
        try:
            return await self._run(engine(), send, keep_going)
        finally:
            self.running = False

    async def _run(self, engine: Engine, send: Send, keep_going: Callable[[], bool]) -> RunReport:
        report = RunReport()
        now = self.clock()
        if self._quiet_now(now):
            report.quiet = True
            return report
        day = now.date()
        self._attempts = {key: n for key, n in self._attempts.items() if key[1] == day}
        try:
            await self._write_unwritten()
            await self.claims.give_back(keep=self.unwritten)
            due = await self.claims.take(now)
        except StoreError as exc:
            self._store_failed(exc, report)
            return report  # nothing sent: the log said so when the database first failed
        if self._store_broken:
            self._store_broken = False
            logger.warning("the database can be written again: the digest goes on")
        if not due:
            return report
        articles = engine.kb.current_articles(day)
        seen: tuple[list[Article], dict[str, str]] = (articles, {})
        digests: dict[tuple[str, ...], Reply] = {}
        report.due = len(due)
        taking = asyncio.Lock()

        async def next_chat() -> Subscription | None:
            """The next claimed chat; a new batch is claimed when the last one is taken."""
            async with taking:
                if not due and not report.stopped:
                    due.extend(await self.claims.take(self.clock()))  # a lease from now
                    report.due += len(due)
                return due.pop(0) if due and not report.stopped else None

        async def worker() -> None:
            try:
                while (subscription := await next_chat()) is not None:
                    if not keep_going():
                        report.interrupted = True
                    elif self._quiet_now(self.clock()):
                        report.quiet = True
                    else:
                        await self._one(subscription, now, engine, seen, digests, send, report)
            except StoreError as exc:
                self._store_failed(exc, report)
            except Exception:  # a bug: stop here, but let the other sends in flight end
                logger.exception("the digest run failed; the rest stay due")
                report.interrupted = True

        try:
            # Recorded before any send: what counts as new for each chat survives a restart.
            seen[1].update(await first_seen(self.subscriptions, articles, now))
            # Workers end on their own (an error sets report.stopped): none is cancelled in the
            # middle of a send, which Telegram may have accepted before its record was written.
            async with asyncio.TaskGroup() as workers:
                for _ in range(self.concurrency):
                    workers.create_task(worker())
            # The chats left due (a failed send, a stop) go back for the next run, here or in
            # another process; those whose record failed stay claimed until it is written.
            await self.claims.give_back(keep=self.unwritten)
        except StoreError as exc:
            self._store_failed(exc, report)
        logger.info(
            "digest run: %d due, %d sent, %d with nothing new, %d unsubscribed (blocked),"
            " %d failed%s",
            report.due,
            report.sent,
            report.nothing_new,
            report.gone,
            report.failed,
            " - stopped early, the rest stay due" if report.stopped else "",
        )
        return report

    async def _write_unwritten(self) -> None:
        """Write what the database refused in earlier runs; StoreError if it still cannot."""
        for chat_id, unwritten in list(self.unwritten.items()):
            if unwritten is None:
                await self.subscriptions.unsubscribe(chat_id)
            else:
                await self.subscriptions.mark_sent(chat_id, *unwritten)
            del self.unwritten[chat_id]
            self.claims.done(chat_id)

    async def _write(self, chat_id: int, unwritten: Unwritten) -> None:
        """Record a chat's digest (or delete a gone chat); kept in memory if the database
        refuses, and StoreError raised to stop the run."""
        try:
            if unwritten is None:
                await self.subscriptions.unsubscribe(chat_id)
            else:
                await self.subscriptions.mark_sent(chat_id, *unwritten)
        except StoreError:
            self.unwritten[chat_id] = unwritten
            raise
        self.claims.done(chat_id)

    def _store_failed(self, error: StoreError, report: RunReport) -> None:
        """Stop the run; say so in the log the first time, not at every check after it."""
        report.store_failed = True
        if not self._store_broken:
            self._store_broken = True
            logger.error(
                "the database cannot be written (%s): no digest is sent until it can, and"
                " those sent but not recorded are kept in memory and never sent again",
                error,
            )

    async def _one(
        self,
        planned: Subscription,
        now: dt.datetime,
        engine: Engine,
        seen: tuple[list[Article], dict[str, str]],
        digests: dict[tuple[str, ...], Reply],
        send: Send,
        report: RunReport,
    ) -> None:
        """One chat: send what is new, then record it; or unsubscribe; or leave it due."""
        # Read again: the reader may have ended or moved the subscription since the run began.
        day = now.date()
        subscription = await self.subscriptions.get(planned.chat_id)
        if (
            subscription is None
            or subscription.last_day >= day.isoformat()
            or subscription.at > now.time()
        ):
            return
        chat_id = subscription.chat_id
        articles, marks = seen
        fresh = new_articles(articles, subscription.last_key, marks)
        if not fresh:
            report.nothing_new += 1
            await self._write(chat_id, (day, subscription.last_key))
            return
        ids = tuple(article.id for article in fresh)
        reply = digests.get(ids)
        if reply is None:
            reply = digests[ids] = engine.composer.digest(fresh)
        try:
            outcome = await send(chat_id, reply)
        except Exception:
            logger.exception("sending a digest failed")
            outcome = "failed"
        if outcome == "sent":
            # Recorded at once. The window left: a crash after Telegram accepted the message
            # and before this line, at most `concurrency` chats; they get the digest again
            # after a restart. A repeat is better than a reader who is skipped.
            report.sent += 1
            await self._write(chat_id, (day, article_key(fresh[0], marks)))
        elif outcome == "gone":
            report.gone += 1
            await self._write(chat_id, None)
        else:
            report.failed += 1
            attempts = self._attempts.get((chat_id, day), 0) + 1
            self._attempts[(chat_id, day)] = attempts
            if attempts >= self.max_attempts:
                # Give up for today, keeping last_key: tomorrow's digest has these articles.
                logger.warning("a digest failed %d times; the chat gets it tomorrow", attempts)
                await self._write(chat_id, (day, subscription.last_key))

    def _quiet_now(self, now: dt.datetime) -> bool:
        """True in the quiet hours; logs once when they begin and once when they end."""
        quiet = in_quiet_hours(now.time(), self.quiet)
        if quiet != self._was_quiet:
            self._was_quiet = quiet
            start, end = (hhmm(t) for t in self.quiet)
            if quiet:
                logger.info("quiet hours (%s-%s): no digest is sent until %s", start, end, end)
            else:
                logger.info("quiet hours over: digests are sent again")
        return quiet
