"""Nothing a user sent is lost: every update is in the database before Telegram hears it arrived.

The journal is the application's update queue, the one point both long polling and the webhook
pass: the Updater confirms a batch (the next getUpdates' offset) only after `put` returned for
each update, and the webhook answers 200 only after it. An update is marked handled when its
handlers, or the error handler, finished; its content is deleted then. On start, what a crash
left unhandled is queued again, oldest first. Telegram repeats an update whose batch was not
confirmed: its update_id is in the journal already, so it is handled once. This gives
at-least-once handling for updates in flight at a crash (one interrupted halfway runs again) and
at-most-once otherwise. Handlers must be blocking (PTB's default) for "finished" to mean it.
"""

from __future__ import annotations

import asyncio
import json
import logging

from telegram import Update
from telegram.ext import Application

from bot.context import BotApp, BotData
from bot.limits import UPDATE_IDS_KEPT
from storage import update_journal

log = logging.getLogger(__name__)


class UpdateJournal(asyncio.Queue[object]):
    """The update queue; it writes each update to the database before queuing it."""

    def __init__(self) -> None:
        super().__init__()
        self._data: BotData | None = None  # set by open(), when the database is open
        self._unhandled: set[int] = set()  # journaled here, not handled yet
        self._checkpoint_due = False  # a deletion happened while updates were journaled

    async def open(self, app: BotApp) -> None:
        """Call once the database is open: queues the updates the last run did not finish."""
        self._data = app.bot_data
        left = await update_journal.unhandled(app.bot_data.db)
        if left:
            log.info("handling %d updates the last run received but did not handle", len(left))
        for update_id, body in left:
            self._unhandled.add(update_id)
            await super().put(Update.de_json(json.loads(body), app.bot))

    async def put(self, item: object) -> None:
        if isinstance(item, Update) and not await self._record(item):
            log.info("update %d arrived again; it is handled once", item.update_id)
            return
        await super().put(item)

    async def _record(self, update: Update) -> bool:
        assert self._data is not None, "updates arrive only after post_init opened the journal"
        async with self._data.db.transaction() as db:
            new = await update_journal.record(db, update.update_id, update.to_json())
        if new:
            self._unhandled.add(update.update_id)
        return new

    async def handled(self, update: object) -> None:
        """Deletes a journaled update's content; updates that never came through put pass by."""
        if not isinstance(update, Update) or update.update_id not in self._unhandled:
            return
        assert self._data is not None
        now = self._data.clock()
        try:
            async with self._data.db.transaction() as db:
                await update_journal.mark_handled(db, update.update_id, now, now - UPDATE_IDS_KEPT)
        except Exception:  # the update fetcher must go on; this update runs again after a restart
            log.exception("update %d was handled but could not be marked so", update.update_id)
            return
        self._unhandled.discard(update.update_id)
        if self._checkpoint_due and not self._unhandled:
            self._checkpoint_due = False
            await self._data.db.checkpoint()

    def checkpoint_when_handled(self) -> None:
        """After a deletion: the updates that asked for it still hold names and text in the
        journal; once they are handled and cleared, empty the WAL again."""
        self._checkpoint_due = bool(self._unhandled)


class JournalingApplication(Application):  # type: ignore[type-arg]
    """Marks an update handled once process_update returned: its handlers are done with it.

    Not in a `finally`: an update whose handling was cancelled by a shutdown stays unhandled.
    """

    async def process_update(self, update: object) -> None:
        await super().process_update(update)
        await self.bot_data.journal.handled(update)
