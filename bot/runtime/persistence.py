"""PTB persistence in OrderDesk's own SQLite database: user data and conversation states, and
the inbox of updates fetched but not yet done.

Each update's changes are written when it is done, in one transaction with the record that it
was applied (bot/db/updates.py) and the removal of its row from the inbox (updates finishing
at the same moment share the transaction). Until then they are held back, and so is anything
of a person or chat whose update is still running, so a crash never leaves a conversation
behind what its person was shown, nor half-written: the inbox gives back at the restart what
was not done. Outside updates (PTB's periodic run, shutdown) changes are written at once. What
did not change is not written again."""

from __future__ import annotations

import asyncio
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
        self._running: dict[int, frozenset[int]] = {}  # update → its chat's and person's ids
        self._finished: set[int] = set()  # done, not yet written
        self._kept: set[int] = set()  # in the inbox
        self._writing = asyncio.Lock()
        self._newest_applied: int | None = None  # before this process started
        self._next_prune = 0.0

    def begin(self, update_id: int, ids: frozenset[int]) -> None:
        """An update starts (ids: its chat's and its person's): changes are held back."""
        self._running[update_id] = ids

    async def done(self, update_id: int) -> None:
        """An update is done: its changes, the record that it was applied and its removal
        from the inbox are written (with those of updates done meanwhile) before it returns."""
        self._running.pop(update_id, None)
        self._finished.add(update_id)
        async with self._writing:
            if update_id in self._finished:  # not yet written by an earlier caller
                await self._write()

    async def keep(self, updates: list[tuple[int, str]]) -> None:
        """Keep updates just fetched (id, JSON) until they are done."""
        async with self._db.unit_of_work(claims_update=False) as uow:
            await uow.inbox.keep(updates)
            await uow.commit()
        self._kept.update(update_id for update_id, _ in updates)

    async def kept(self) -> list[tuple[int, str]]:
        """The updates fetched before and not done (a crash, a stop): oldest first."""
        await self._db.open()
        async with self._db.reader() as uow:
            kept = await uow.inbox.kept()
        self._kept.update(update_id for update_id, _ in kept)
        return kept

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
        if not self._running:
            await self._write()

    async def _write(self) -> None:
        """What is pending, except what belongs to a chat or person whose update is still
        running, in one transaction with the finished updates' records (all kept for the next
        try if it fails)."""
        finished, busy = set(self._finished), frozenset().union(*self._running.values())
        pending = {row: v for row, v in self._pending.items() if not _ids(row) & busy}
        recorded = self._pending_updates & finished if self._running else self._pending_updates
        kept = finished & self._kept
        if not pending and not recorded and not kept:
            self._finished -= finished  # nothing of theirs to write
            return
        async with self._db.unit_of_work(claims_update=False) as uow:
            for update_id in recorded:
                await uow.updates.record(update_id)
            await uow.inbox.done(sorted(kept))
            for (name, key), value in pending.items():
                if name is not None:
                    await uow.ptb.put_conversation(name, key, value)
                elif value is None:
                    await uow.ptb.drop_user_data(int(key))
                else:
                    await uow.ptb.put_user_data(int(key), value)
            await uow.commit()
        self._finished -= finished
        self._kept -= kept
        self._pending_updates -= recorded
        for row, value in pending.items():
            if self._pending.get(row, value) == value:
                self._pending.pop(row, None)
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


def _ids(row: Row) -> frozenset[int]:
    """The chat and person ids a stored row belongs to."""
    name, key = row
    if name is None:
        return frozenset((int(key),))
    return frozenset(x for x in json.loads(key) if isinstance(x, int))
