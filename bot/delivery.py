"""The sender: due outbox rows out to Telegram, paced, each in its recipient's language.

Feature modules only enqueue (storage/outbox.py) and, in their `register(app)`, name how a
kind of message looks:

    def render_reminder(params: Mapping[str, Any], tr: Translator) -> Rendered:
        return Rendered(tr.gettext("...").format(...), buttons=((("label", ROUTE.data(...)),),))

    delivery.register_renderer(app, "appointment_reminder", render_reminder)

A renderer gets the row's params and a Translator for the recipient's locale at send time. A
kind nobody registered, or a renderer that raises, fails that one row with the reason.

How it runs: one long-lived task, started in post_init and stopped in post_stop (while the
Bot's HTTP client is still open). Not a JobQueue job: the pacing is a sliding window over
every request of a four-minute broadcast and a 429 pause must hold all of them, which one loop
keeps in one place. A repeating job would either run for minutes (max_instances=1 then skips
and warns every interval, and JobQueue.stop cancels it mid-request) or send in one-second
slices whose scheduling jitter costs rate and can put 31 sends into a second at the seams.
Nothing is scheduled in memory: the loop asks SQLite every OUTBOX_POLL, so a restart or a
pause of any length drops nothing.

Each row: claimed in a short transaction (`sending`), rendered, sent outside any transaction
when the bot's one send budget (bot/limiter.py) has a slot that no answer to a user needs, its
result recorded in another short transaction right after the answer. The guarantee for rows
in doubt after a crash is at-least-once; why is in domain/outbox.py. Run one bot process per
database: a second sender would resend the first one's rows in flight when it starts.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable, Mapping
from collections.abc import Set as AbstractSet
from datetime import datetime
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import ExtBot

from bot.context import BotApp
from bot.i18n import Catalogs, Translator
from bot.limiter import SendLimiter, retry_after
from bot.limits import (
    MAX_IN_FLIGHT,
    OUTBOX_BATCH,
    OUTBOX_KEEP,
    OUTBOX_POLL,
    OUTBOX_PURGE_EVERY,
    OUTBOX_RETRY,
    PROGRESS_EVERY,
)
from domain.outbox import (
    Broadcast,
    DueMessage,
    FloodWait,
    OutboxMessage,
    Outcome,
    Progress,
    Rejected,
    Rendered,
    Result,
    Sent,
    State,
    Transient,
    Unreachable,
    after_interruption,
    after_send,
    before_send,
    classify_bad_request,
)
from domain.pacing import Lane, QuietHours
from storage import outbox
from storage.db import Db

log = logging.getLogger(__name__)

OUTBOX = Lane.OUTBOX  # every request of the sender: its slot is reserved (_take_slot) first

Renderer = Callable[[Mapping[str, Any], Translator], Rendered]
Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


def register_renderer(
    app: BotApp, kind: str, render: Renderer, *, essential: bool = False
) -> None:
    """Call from a handler module's register(app); one renderer per kind. `essential` kinds
    are sent even when the recipient turned their topic off (see domain.outbox.before_send)."""
    if kind in app.bot_data.renderers:
        raise ValueError(f"a renderer for {kind!r} is registered already")
    app.bot_data.renderers[kind] = render
    if essential:
        app.bot_data.essential_kinds.add(kind)


class Sender:
    def __init__(
        self,
        *,
        bot: ExtBot[Lane],
        db: Db,
        catalogs: Catalogs,
        renderers: Mapping[str, Renderer],
        essential_kinds: AbstractSet[str] = frozenset(),
        quiet_hours: QuietHours | None,
        limiter: SendLimiter,
        clock: Clock,
        sleep: Sleep,
    ) -> None:
        self.bot, self.db, self.catalogs, self.renderers = bot, db, catalogs, renderers
        self.essential_kinds = essential_kinds
        self.quiet_hours, self.clock, self.sleep = quiet_hours, clock, sleep
        self.tz = catalogs.default.tz
        self.limiter = limiter  # the bot's one send budget: the outbox gets what answers leave
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None
        self._shown: dict[int, tuple[datetime, str]] = {}  # broadcast → last status shown
        self._purged_at: datetime | None = None

    @classmethod
    def for_app(cls, app: BotApp) -> Sender:
        data = app.bot_data
        return cls(
            bot=app.bot,
            db=data.db,
            catalogs=data.catalogs,
            renderers=data.renderers,
            essential_kinds=data.essential_kinds,
            quiet_hours=data.settings.quiet_hours,
            limiter=limiter_of(app),
            clock=data.clock,
            sleep=data.sleep,
        )

    # Life cycle.
    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="outbox-sender")
        self._task.add_done_callback(_log_crash)

    async def stop(self) -> None:
        """Sends nothing new, lets requests in flight finish and record their results."""
        self._stopping = True
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        await self.recover()
        while not self._stopping:
            try:
                await self.drain()
                await self._purge()
            except sqlite3.Error:  # e.g. the database is locked by a backup: try again soon
                log.exception("outbox sender: database error, trying again")
            await self._sleep_until(self.clock() + OUTBOX_POLL)

    async def recover(self) -> int:
        """Rows left `sending` by a crash are sent again (at-least-once): see domain/outbox.py."""
        now = self.clock()
        async with self.db.transaction() as db:
            rows = await outbox.in_doubt(db)
            for outbox_id, attempts in rows:
                result = after_interruption(attempts, now, OUTBOX_RETRY)
                await outbox.record_result(db, outbox_id, result, now)
        if rows:
            log.warning(
                "outbox: %d messages were in flight at the last stop; resending", len(rows)
            )
        return len(rows)

    async def drain(self) -> None:
        """Sends everything due now, paced; returns when nothing is due and nothing in flight.

        It waits out a 429 pause when rows are waiting for it, and sends the final summary of
        broadcasts that finished, so after drain() all work due now is done.
        """
        while not self._stopping:
            await self._report_progress()
            batch = await outbox.due_messages(
                self.db, self.clock(), include_notices=self._notices_allowed(), limit=OUTBOX_BATCH
            )
            if batch:
                await self._send_batch(batch)
            elif self._in_flight:
                await asyncio.wait(self._in_flight)
            elif self._paused():
                await self._sleep_until(self.limiter.paused_until or self.clock())
            else:
                break
        if self._in_flight:
            await asyncio.wait(self._in_flight)
        await self._report_progress(finishing=True)

    # Sending.
    def _notices_allowed(self) -> bool:
        return self.quiet_hours is None or not self.quiet_hours.contains(self.clock(), self.tz)

    def _paused(self) -> bool:
        paused_until = self.limiter.paused_until
        return paused_until is not None and paused_until > self.clock()

    async def _send_batch(self, batch: list[DueMessage]) -> None:
        queue = list(batch)
        while queue and not self._stopping:
            if not self._notices_allowed():  # quiet hours began during the batch
                queue = [row for row in queue if row.topic.is_reminder]
            now = self.clock()
            pacer = self.limiter.pacer
            ready = [row for row in queue if pacer.chat_ready_at(now, row.chat_id) <= now]
            if not ready:
                # Every row left is for a chat that just got a message. Read further rows
                # instead of waiting, unless this batch sent nothing at all.
                if len(queue) < len(batch):
                    return
                await self._sleep_until(
                    min(pacer.chat_ready_at(now, row.chat_id) for row in queue)
                )
                continue
            queue.remove(ready[0])
            await self._process(ready[0].id)

    async def _process(self, outbox_id: int) -> None:
        async with self.db.transaction() as db:
            message = await outbox.claim_message(db, outbox_id, self.clock())
        if message is None:
            return
        settled = before_send(message, essential=message.kind in self.essential_kinds)
        rendered = self._render(message) if settled is None else settled
        if isinstance(rendered, Result):
            await self._record(message.id, rendered)
            return
        while len(self._in_flight) >= MAX_IN_FLIGHT:
            await asyncio.wait(self._in_flight, return_when=asyncio.FIRST_COMPLETED)
        if not await self._take_slot(message.chat_id):
            # Stopping: never requested, so not in doubt; it goes back to the queue.
            await self._record(message.id, Result(State.PENDING, message.attempts))
            return
        task = asyncio.create_task(self._send_and_record(message, rendered))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        # Let it go on the wire now, at its slot, not after this loop's next claim: Telegram
        # counts arrivals, and a late start squeezes sends together.
        await asyncio.sleep(0)

    def _render(self, message: OutboxMessage) -> Rendered | Result:
        render = self.renderers.get(message.kind)
        if render is None:
            return self._rejected(message, f"no renderer for kind {message.kind!r}")
        try:
            return render(message.params, self.catalogs.get(message.locale))
        except Exception as error:  # a feature's bug fails its own row, not the whole outbox
            log.error("outbox %d: rendering %r failed", message.id, message.kind, exc_info=error)
            return self._rejected(message, f"rendering failed: {type(error).__name__}")

    def _rejected(self, message: OutboxMessage, reason: str) -> Result:
        return after_send(Rejected(reason), message.attempts, self.clock(), OUTBOX_RETRY)

    async def _send_and_record(self, message: OutboxMessage, rendered: Rendered) -> None:
        outcome = await self._try(self._deliver(message.chat_id, rendered))
        await self._record(
            message.id, after_send(outcome, message.attempts, self.clock(), OUTBOX_RETRY)
        )

    async def _deliver(self, chat_id: int, rendered: Rendered) -> Message:
        markup = (
            InlineKeyboardMarkup(
                [
                    [InlineKeyboardButton(label, callback_data=data) for label, data in row]
                    for row in rendered.buttons
                ]
            )
            if rendered.buttons
            else None
        )
        if rendered.document is None:
            return await self.bot.send_message(
                chat_id, rendered.text, reply_markup=markup, rate_limit_args=OUTBOX
            )
        filename, content = rendered.document
        return await self.bot.send_document(
            chat_id,
            InputFile(content, filename=filename),
            caption=rendered.text,
            reply_markup=markup,
            rate_limit_args=OUTBOX,
        )

    async def _take_slot(self, chat_id: int) -> bool:
        """Waits until the budget lets a request to `chat_id` start; False when stopping."""
        while (ready := self.limiter.ready_at(self.clock(), chat_id)) > self.clock():
            await self._sleep_until(ready)
            if self._stopping:
                return False
        self.limiter.reserve(self.clock(), chat_id)
        return True

    async def _try(self, request: Awaitable[Message | bool]) -> Outcome:
        """One request to Telegram, its answer told as an Outcome; a 429 pauses everything."""
        try:
            answer = await request
        except RetryAfter as error:  # the limiter holds every request until it has passed
            return FloodWait(retry_after(error))
        except Forbidden as error:
            return Unreachable(error.message)
        except BadRequest as error:
            return classify_bad_request(error.message)
        except TelegramError as error:  # network errors, time-outs and 5xx
            return Transient(error.message)
        return Sent(answer.message_id if isinstance(answer, Message) else None)

    async def _record(self, outbox_id: int, result: Result) -> None:
        async with self.db.transaction() as db:
            await outbox.record_result(db, outbox_id, result, self.clock())

    async def _sleep_until(self, moment: datetime) -> None:
        """Sleeps in steps of at most OUTBOX_POLL, so stop() never waits long."""
        while not self._stopping and (now := self.clock()) < moment:
            await self.sleep(min(moment - now, OUTBOX_POLL).total_seconds())

    async def _purge(self) -> None:
        now = self.clock()
        if self._purged_at is not None and now - self._purged_at < OUTBOX_PURGE_EVERY:
            return
        async with self.db.transaction() as db:
            await outbox.purge_finished(db, now - OUTBOX_KEEP)
        self._purged_at = now

    # Staff's view of their broadcasts.
    async def _report_progress(self, *, finishing: bool = False) -> None:
        """Edits each running broadcast's status at most every PROGRESS_EVERY; when one is done,
        shows the final numbers and sends a summary. `finishing` waits for the interval."""
        for broadcast in await outbox.active_broadcasts(self.db, self.clock()):
            progress = await outbox.broadcast_progress(self.db, broadcast.id)
            shown = self._shown.get(broadcast.id)
            if shown is not None and self.clock() - shown[0] < PROGRESS_EVERY:
                if not (finishing and progress.done):
                    continue
                await self._sleep_until(shown[0] + PROGRESS_EVERY)
            await self._show_status(broadcast, progress)
            if progress.done:
                await self._finish(broadcast, progress)

    async def _show_status(self, broadcast: Broadcast, progress: Progress) -> None:
        chat_id = broadcast.staff_chat_id
        if chat_id is None:
            return  # the staff member who started it has left
        tr = self.catalogs.get(broadcast.staff_locale or "")
        text = status_text(tr, broadcast, progress, self._resume_at(broadcast, progress))
        shown = self._shown.get(broadcast.id)
        if shown is not None and shown[1] == text:
            return  # an edit that changes nothing is refused by Telegram anyway
        if not await self._take_slot(chat_id):
            return
        self._shown[broadcast.id] = (self.clock(), text)
        if broadcast.status_message_id is None:
            outcome = await self._try(self.bot.send_message(chat_id, text, rate_limit_args=OUTBOX))
            if isinstance(outcome, Sent) and outcome.message_id is not None:
                async with self.db.transaction() as db:
                    await outbox.save_status_message(db, broadcast.id, outcome.message_id)
        else:
            await self._try(
                self.bot.edit_message_text(
                    text, chat_id, broadcast.status_message_id, rate_limit_args=OUTBOX
                )
            )

    def _resume_at(self, broadcast: Broadcast, progress: Progress) -> datetime | None:
        """When sending starts, if the broadcast waits for quiet hours to end."""
        if self.quiet_hours is None or broadcast.topic.is_reminder or progress.done:
            return None
        now = self.clock()
        resume = self.quiet_hours.resume_at(now, self.tz)
        return resume if resume > now else None

    async def _finish(self, broadcast: Broadcast, progress: Progress) -> None:
        chat_id = broadcast.staff_chat_id
        if chat_id is not None:
            if not await self._take_slot(chat_id):
                return  # stopping: the summary goes out after the restart
            tr = self.catalogs.get(broadcast.staff_locale or "")
            text = summary_text(tr, broadcast, progress)
            sent = self.bot.send_message(chat_id, text, rate_limit_args=OUTBOX)
            if isinstance(await self._try(sent), FloodWait):
                return  # tried again on the next round
        async with self.db.transaction() as db:
            await outbox.finish_broadcast(db, broadcast.id, self.clock())
        self._shown.pop(broadcast.id, None)


def status_text(
    tr: Translator, broadcast: Broadcast, progress: Progress, resume_at: datetime | None
) -> str:
    number = tr.number(broadcast.id)
    if progress.done:
        headline = tr.gettext("📣 Broadcast {number} is finished.").format(number=number)
    elif resume_at is not None:
        # TRANSLATORS: {time} is a clock time such as 08:00.
        headline = tr.gettext(
            "📣 Broadcast {number} waits for the end of the quiet hours. Sending starts at {time}."
        ).format(number=number, time=tr.time(resume_at))
    else:
        headline = tr.gettext("📣 Broadcast {number} is being sent.").format(number=number)
    return f"{headline}\n\n{progress_counts(tr, progress)}"


def progress_counts(tr: Translator, progress: Progress) -> str:
    """Where each message of a broadcast stands; the listing card shows the same lines."""
    return tr.gettext(
        "Queued, not sent yet: {queued}\n"
        "Delivered: {delivered}\n"
        "Unreachable (blocked the bot or left Telegram): {unreachable}\n"
        "Turned these notifications off: {skipped}\n"
        "Failed: {failed}"
    ).format(
        queued=tr.number(progress.queued),
        delivered=tr.number(progress.counts[State.SENT]),
        unreachable=tr.number(progress.counts[State.UNREACHABLE]),
        skipped=tr.number(progress.counts[State.SKIPPED]),
        failed=tr.number(progress.counts[State.FAILED]),
    )


def summary_text(tr: Translator, broadcast: Broadcast, progress: Progress) -> str:
    return tr.ngettext(
        "Broadcast {number} is finished: {sent} of {total} person got it.",
        "Broadcast {number} is finished: {sent} of {total} people got it.",
        progress.total,
    ).format(
        number=tr.number(broadcast.id),
        sent=tr.number(progress.counts[State.SENT]),
        total=tr.number(progress.total),
    )


def limiter_of(app: BotApp) -> SendLimiter:
    limiter = app.bot.rate_limiter
    if not isinstance(limiter, SendLimiter):
        raise TypeError("build_application gives the bot a SendLimiter")
    return limiter


def _log_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.critical("outbox sender stopped: no reminders go out", exc_info=task.exception())
