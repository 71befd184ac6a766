"""PTB persistence in OrderDesk's own SQLite database: user data and conversation states."""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import ConversationDict, ConversationKey

from bot.db import Database

log = logging.getLogger(__name__)

Data = dict[str, Any]


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

    async def get_user_data(self) -> dict[int, Data]:
        """All users' data."""
        await self._db.open()
        async with self._db.reader() as uow:
            rows = await uow.ptb.all_user_data()
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
        return {tuple(json.loads(key)): json.loads(state) for key, state in rows}

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        """Store or end one conversation's state."""
        state = None if new_state is None else json.dumps(new_state)
        async with self._db.unit_of_work() as uow:
            await uow.ptb.put_conversation(name, json.dumps(list(key)), state)
            await uow.commit()

    async def update_user_data(self, user_id: int, data: Data) -> None:
        """Store one user's data."""
        try:
            blob = json.dumps(data)
        except TypeError:
            log.error("user data of %s is not JSON-serialisable; not stored", user_id)
            return
        async with self._db.unit_of_work() as uow:
            await uow.ptb.put_user_data(user_id, blob)
            await uow.commit()

    async def drop_user_data(self, user_id: int) -> None:
        """Forget one user's data."""
        async with self._db.unit_of_work() as uow:
            await uow.ptb.drop_user_data(user_id)
            await uow.commit()

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
        """Every update is written as it comes; nothing is buffered here."""
