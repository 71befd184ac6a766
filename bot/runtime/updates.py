"""Every Telegram update applied exactly once, even across crashes, and one slow update never
holds the others back.

Telegram delivers an update until the bot confirms it (by asking for the next ones). PTB asks
as soon as it has fetched a batch, so a crash would lose every update fetched and not yet
processed. OrderDesk first writes what it fetched to its inbox (KeepBeforeConfirming), then
asks: after a crash the restart processes what is left in the inbox first, and the bot never
waits for a slow update (a year's report, a batch of orders) before fetching everyone else's.
OnceApplication makes a second delivery harmless: an update whose changes are in the database
(recorded in the same transaction, see bot/db/updates.py) is not applied again. The
conversation states and drafts an update changed are written when it is done, in the
transaction that takes it out of the inbox (bot/runtime/persistence.py), so a restart finds
every conversation where its person last saw it, or the inbox gives back the update that got
it there.

Updates of different chats are processed side by side (ChatOrder): while one waits for
Telegram's answer another goes on. Each chat's and each person's updates still run one after
another, in the order Telegram sent them, as ConversationHandler expects.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.constants import ChatType
from telegram.error import NetworkError, TelegramError
from telegram.ext import Application, BaseUpdateProcessor, ExtBot
from telegram.request import BaseRequest, RequestData

from bot.db.updates import CURRENT_UPDATE
from bot.handlers.context import BotContext, identify
from bot.handlers.render import answer
from bot.runtime.foreground import Foreground
from bot.runtime.persistence import SQLitePersistence
from bot.runtime.transport import WrappedRequest, method_of

log = logging.getLogger(__name__)

RECENT = 1000  # ids of updates seen by this process, for duplicates within it
RECENT_SECONDS = 24 * 3600
# Updates processed side by side at most: enough to keep the CPU busy while some wait for
# Telegram (the order flow: 244 -> 521 updates a second, benchmarks/throughput.py).
SIDE_BY_SIDE = 8


class OnceApplication(
    Application[ExtBot[None], BotContext, dict[str, Any], dict[str, Any], dict[str, Any], Any]
):
    """PTB's Application, but an update already applied is not applied again, and each
    update's conversation states and drafts are saved when it is done."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._recent: OrderedDict[int, float] = OrderedDict()

    async def process_update(self, update: object) -> None:
        """Process one update once; its state changes are written when it is done."""
        persistence = self.persistence
        if not isinstance(update, Update) or not isinstance(persistence, SQLitePersistence):
            await super().process_update(update)
            return
        persistence.begin(update.update_id, frozenset(key for _, key in _keys(update)))
        try:
            await self._once(update, persistence)
        finally:
            try:
                await persistence.done(update.update_id)
            except Exception:  # kept in the inbox: done again after a restart
                log.exception("could not save the state of update %s", update.update_id)

    async def take_back_kept(self) -> int:
        """Queue the updates fetched before a crash or a stop and not done, before any new
        one (call before polling starts); how many."""
        persistence = self.persistence
        if not isinstance(persistence, SQLitePersistence):
            return 0
        kept = await persistence.kept()
        for _, body in kept:
            update = Update.de_json(json.loads(body), self.bot)
            if update is not None:
                self.update_queue.put_nowait(update)
        if kept:
            log.info("%d updates fetched before the restart are processed first", len(kept))
        return len(kept)

    async def _once(self, update: Update, persistence: SQLitePersistence) -> None:
        """Apply the update unless it was applied already."""
        if self._seen(update.update_id):
            log.info("update %s came again; already handled", update.update_id)
            return
        if await persistence.applied(update.update_id):
            log.info("update %s came again after a restart; already applied", update.update_id)
            await self._already_done(update)
            return
        token = CURRENT_UPDATE.set(update.update_id)
        try:
            await super().process_update(update)
            await self.update_persistence()
        finally:
            CURRENT_UPDATE.reset(token)

    def _seen(self, update_id: int) -> bool:
        """Whether this process has handled the update; remember it if not."""
        now = time.monotonic()
        while self._recent and (
            len(self._recent) >= RECENT or next(iter(self._recent.values())) < now - RECENT_SECONDS
        ):
            self._recent.popitem(last=False)
        if update_id in self._recent:
            return True
        self._recent[update_id] = now
        return False

    async def _already_done(self, update: Update) -> None:
        """Tell the person their action had been saved (its answer may never have left)."""
        context = BotContext.from_update(update, self)
        try:
            await identify(update, context)
            text = context.t._("✅ Done — this was saved just before OrderDesk restarted.")
            if update.callback_query is not None and await answer(update, text):
                return
            chat = update.effective_chat
            business = update.business_message or update.edited_business_message
            if chat is not None and chat.type == ChatType.PRIVATE and business is None:
                await self.bot.send_message(chat.id, text)
        except TelegramError as error:
            log.warning("could not say an update was already applied: %s", error)


class ChatOrder(BaseUpdateProcessor):
    """Updates side by side, but one at a time per chat and per person, in arrival order."""

    def __init__(self, limit: int = SIDE_BY_SIDE) -> None:
        super().__init__(limit)
        self._locks: dict[tuple[str, int], tuple[asyncio.Lock, int]] = {}  # lock, users
        self.foreground = Foreground()  # told of each update begun and ended

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Wait for the chat's and the person's earlier updates, then process this one."""
        keys = _keys(update)
        taken: list[tuple[str, int]] = []
        ident = update.update_id if isinstance(update, Update) else id(update)
        self.foreground.began(ident)
        try:
            try:
                for key in keys:
                    lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
                    self._locks[key] = (lock, users + 1)
                    taken.append(key)
                    await lock.acquire()
            except BaseException:
                if inspect.iscoroutine(coroutine):
                    coroutine.close()  # never started
                self._free(taken, held=len(taken) - 1)
                raise
            try:
                await coroutine
            finally:
                self._free(taken, held=len(taken))
        finally:
            self.foreground.ended(ident)

    def _free(self, keys: list[tuple[str, int]], *, held: int) -> None:
        """Release the first `held` locks and forget those nobody waits for."""
        for index, key in enumerate(keys):
            lock, users = self._locks[key]
            if index < held:
                lock.release()
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)


def _keys(update: object) -> list[tuple[str, int]]:
    """What an update must wait for: its chat and its person (sorted: never a deadlock)."""
    if not isinstance(update, Update):
        return []
    keys = set()
    if update.effective_chat is not None:
        keys.add(("chat", update.effective_chat.id))
    if update.effective_user is not None:
        keys.add(("user", update.effective_user.id))
    return sorted(keys)


class KeepBeforeConfirming(WrappedRequest):
    """The getUpdates connection: what Telegram sends is written to the inbox before PTB sees
    it, so that PTB may confirm it at once by asking for the next ones."""

    def __init__(self, inner: BaseRequest) -> None:
        super().__init__(inner)
        self.keep: Callable[[list[tuple[int, str]]], Awaitable[None]] | None = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Fetch; keep the updates fetched (if they cannot be kept, PTB asks again for the
        same ones, still unconfirmed)."""
        code, payload = await self._inner.do_request(
            url, method, request_data, read_timeout, write_timeout, connect_timeout, pool_timeout
        )
        if self.keep is None or code != 200 or method_of(url) != "getUpdates":
            return code, payload
        try:
            fetched = json.loads(payload).get("result") or []
            kept = [(int(u["update_id"]), json.dumps(u, ensure_ascii=False)) for u in fetched]
            if kept:
                await self.keep(kept)
        except Exception as error:
            log.exception("could not keep the updates fetched")
            raise NetworkError(f"could not keep the updates fetched: {error}") from error
        return code, payload
