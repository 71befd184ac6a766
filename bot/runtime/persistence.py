"""PTB persistence in OrderDesk's own SQLite database: user data and conversation states.

While updates are processed (hold() … release()), changes are held back and written together
in one transaction when the updates fetched are done — with the records that those updates
were applied (bot/db/updates.py), and before Telegram is told they were received (see
bot/runtime/updates.py) — so a crash never leaves a conversation behind what its person was
shown, nor half-written: Telegram delivers again what was not written. Outside updates (PTB's
periodic run, shutdown) changes are written at once. What did not change is not written again."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.db import Database
from bot.db.updates import CURRENT_UPDATE

log = logging.getLogger(__name__)

Data = dict[str, Any]
Row = tuple[str | None, str]  # (None, user id): a user's data; (name, key as JSON): a state
EMPTY = "{}"
PRUNE_SECONDS = 3600  # how often records of applied updates are pruned


class SQLitePersistence(BasePersistence[Data, Data, Data]):
    """Keeps drafts (user data) and conversation states across restarts; bot data is not kept."""

    def __init__(self, db: Database, update_interval: float) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=True, callback_data=False
            ),
            update_interval=update_interval,
        )
        self._db = db
        self._stored: dict[Row, str] = {}  # as last written
        self._pending: dict[Row, str | None] = {}  # None: delete
        self._pending_updates: set[int] = set()  # whose changes those are
        self._holding = False
        self._newest_applied: int | None = None  # before this process started
        self._next_prune = 0.0

    def hold(self) -> None:
        """Keep changes back until release() (updates are being processed)."""
        self._holding = True

    def completed(self, update_id: int) -> None:
        """An update was processed while held: recorded as applied with the next write (its
        changes may have been collected while another update was being saved)."""
        if self._holding:
            self._pending_updates.add(update_id)

    async def release(self) -> None:
        """Write what was held back, in one transaction."""
        self._holding = False
        if not self._pending:
            self._pending_updates.clear()  # nothing held: nothing to record with it
        await self._write()

    async def applied(self, update_id: int) -> bool:
        """Whether an update's changes are in the database from before this process started
        (those handled since are known to the Application)."""
        if time.monotonic() >= self._next_prune:
            self._next_prune = time.monotonic() + PRUNE_SECONDS
            async with self._db.unit_of_work(claims_update=False) as uow:
                await uow.updates.prune()
                await uow.commit()
        if self._newest_applied is None or update_id > self._newest_applied:
            return False
        async with self._db.reader() as uow:
            return await uow.updates.seen(update_id)

    async def get_user_data(self) -> dict[int, Data]:
        """All users' data."""
        await self._db.open()
        async with self._db.reader() as uow:
            rows = await uow.ptb.all_user_data()
            self._newest_applied = await uow.updates.newest()
        self._stored.update({(None, str(user_id)): data for user_id, data in rows})
        return {user_id: json.loads(data) for user_id, data in rows}

    async def get_chat_data(self) -> dict[int, Data]:
        """Chat data is not kept."""
        return {}

    async def get_bot_data(self) -> Data:
        """Bot data is not kept (it holds the services)."""
        return {}

    async def get_callback_data(self) -> None:
        """Arbitrary callback data is not used."""
        return None

    async def get_conversations(self, name: str) -> ConversationDict:
        """The stored states of one conversation."""
        await self._db.open()
        async with self._db.reader() as uow:
            rows = await uow.ptb.conversations(name)
        self._stored.update({(name, key): state for key, state in rows})
        return {tuple(json.loads(key)): json.loads(state) for key, state in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store or end one conversation's state."""
        state = None if new_state is None else json.dumps(new_state)
        await self._put((name, json.dumps(list(key))), state)

    async def update_user_data(self, user_id: int, data: Data) -> None:
        """Store one user's data."""
        try:
            blob = json.dumps(data)
        except TypeError:
            log.error("user data of %s is not JSON-serialisable; not stored", user_id)
            return
        await self._put((None, str(user_id)), None if blob == EMPTY else blob)

    async def drop_user_data(self, user_id: int) -> None:
        """Forget one user's data."""
        await self._put((None, str(user_id)), None)

    async def _put(self, row: Row, value: str | None) -> None:
        """Write one row (None: delete it) unless it is unchanged; later while held."""
        if self._pending.get(row, self._stored.get(row)) == value:
            return
        self._pending[row] = value
        update_id = CURRENT_UPDATE.get()
        if update_id is not None:
            self._pending_updates.add(update_id)
        if not self._holding:
            await self._write()

    async def _write(self) -> None:
        """Everything pending, in one transaction; kept for the next try if it fails."""
        if not self._pending:
            return
        pending, self._pending = self._pending, {}
        updates, self._pending_updates = self._pending_updates, set()
        try:
            async with self._db.unit_of_work() as uow:
                for update_id in updates:
                    await uow.updates.record(update_id)
                for (name, key), value in pending.items():
                    if name is not None:
                        await uow.ptb.put_conversation(name, key, value)
                    elif value is None:
                        await uow.ptb.drop_user_data(int(key))
                    else:
                        await uow.ptb.put_user_data(int(key), value)
                await uow.commit()
        except Exception:
            self._pending = {**pending, **self._pending}
            self._pending_updates |= updates
            raise
        for row, value in pending.items():
            if value is None:
                self._stored.pop(row, None)
            else:
                self._stored[row] = value

    async def update_chat_data(self, chat_id: int, data: Data) -> None:
        """Chat data is not kept."""

    async def drop_chat_data(self, chat_id: int) -> None:
        """Chat data is not kept."""

    async def update_bot_data(self, data: Data) -> None:
        """Bot data is not kept."""

    async def update_callback_data(self, data: object) -> None:
        """Arbitrary callback data is not used."""

    async def refresh_user_data(self, user_id: int, user_data: Data) -> None:
        """The database is only written by this process, so there is nothing to refresh."""

    async def refresh_chat_data(self, chat_id: int, chat_data: Data) -> None:
        """Chat data is not kept."""

    async def refresh_bot_data(self, bot_data: Data) -> None:
        """Bot data is not kept."""

    async def flush(self) -> None:
        """Write anything still pending (at shutdown)."""
        await self._write()
