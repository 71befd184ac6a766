"""Stock movements: receipts and adjustments written to the ledger, the stock report, and the
low-stock watch every change of available stock runs in its own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.db.stock import StockRow
from bot.domain.audit import AuditAction
from bot.domain.models import Language, User
from bot.domain.notices import NoticeKind
from bot.domain.roles import Permission, Role, allowed
from bot.domain.stock import (
    AdjustReason,
    MoveKind,
    StockProblem,
    StockRefused,
    check_adjustment,
    crossing,
)
from bot.services.base import Service, authorize, roles_of
from bot.services.notices import post, staff_with
from bot.services.preorders import allocate


class LowStock(BaseModel):
    """A product's available stock fell to the low-stock threshold."""

    model_config = ConfigDict(frozen=True)

    product_id: int
    available: int


@dataclass(frozen=True)
class Moved:
    """A movement recorded: the product's stock before and after it."""

    kind: MoveKind
    sku: str
    name: str
    qty: int
    before: int
    after: int
    reserved: int
    reason: AdjustReason | None = None
    note: str | None = None


async def _admins(uow: UnitOfWork, config: Config) -> list[User]:
    """The administrators: stored ones and those named in the configuration who met the bot."""
    people = await staff_with(uow, Role.ADMIN)
    for telegram_id in config.business.admins:
        admin = await uow.users.by_telegram_id(telegram_id)
        if admin is not None:
            people.append(admin)
    return people


async def watch(
    uow: UnitOfWork, config: Config, product_ids: Iterable[int], now: datetime
) -> None:
    """After a change of available stock: a product that fell to the threshold is told to the
    warehouse and admins, once per crossing (a row in low_stock until it rises above again)."""
    threshold = config.catalog.low_stock_threshold
    ids = sorted(set(product_ids))
    for row in await uow.stock.levels(ids):
        change = crossing(row.available, threshold, await uow.stock.flagged(row.product_id))
        if change is None:
            continue
        await uow.stock.set_flag(row.product_id, change, threshold, now)
        if change and row.active:
            notice = LowStock(product_id=row.product_id, available=row.available)
            warehouse = await staff_with(uow, Role.WAREHOUSE)
            await post(
                uow, config, NoticeKind.LOW_STOCK, notice, warehouse, now, role=Role.WAREHOUSE
            )
            admins = [a for a in await _admins(uow, config) if a not in warehouse]
            await post(uow, config, NoticeKind.LOW_STOCK, notice, admins, now)


class ProductRef(BaseModel):
    """A product a notice is about, shown as it is when the notice is sent."""

    model_config = ConfigDict(frozen=True)

    product_id: int


async def tell_back(uow: UnitOfWork, config: Config, product_id: int, now: datetime) -> None:
    """A product available again: who asked to be told hears it, once."""
    product = (await uow.catalog.products([product_id], Language.EN)).get(product_id)
    if product is None or product.available <= 0 or not product.active:
        return
    users = [await uow.users.by_id(i) for i in await uow.stock.take_watchers(product_id)]
    ref = ProductRef(product_id=product_id)
    await post(uow, config, NoticeKind.BACK_IN_STOCK, ref, [u for u in users if u], now)


async def give_back(
    uow: UnitOfWork, config: Config, product_id: int, qty: int, now: datetime
) -> int:
    """Units an order held go back (cancelled, rejected, a short line dropped, a quantity
    lowered): the orders waiting for them are served first, oldest first, then who asked to be
    told; the low-stock watch follows. Returns the units held again for waiting orders."""
    if qty <= 0:
        return 0
    await uow.catalog.release(product_id, qty)
    held = await allocate(uow, config, product_id, now)
    await tell_back(uow, config, product_id, now)
    await watch(uow, config, [product_id], now)
    return held


class StockService(Service):
    """Receipts, adjustments and the stock report."""

    async def check(self, actor: User, permission: Permission, action: str) -> None:
        """Refuse (audited) someone who may not do this: before showing how to use it."""
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, permission, action, self.clock.now())

    async def receive(self, actor: User, sku: str, qty: int, note: str | None) -> Moved:
        """Goods arrived: on hand goes up by qty (1 to MAX_MOVE), logged and audited."""
        return await self._move(actor, sku, qty, MoveKind.RECEIPT, None, note)

    async def adjust(
        self, actor: User, sku: str, qty: int, reason: AdjustReason, note: str | None
    ) -> Moved:
        """A correction with a reason; never below what orders hold."""
        return await self._move(actor, sku, qty, MoveKind.ADJUSTMENT, reason, note)

    async def _move(
        self,
        actor: User,
        sku: str,
        qty: int,
        kind: MoveKind,
        reason: AdjustReason | None,
        note: str | None,
    ) -> Moved:
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.RECEIVE_STOCK, kind.value, now)
            row = await uow.stock.by_sku(sku, actor.language)
            if row is None:
                raise StockRefused(StockProblem.UNKNOWN_SKU, sku=sku)
            if kind is MoveKind.RECEIPT and qty <= 0:
                raise StockRefused(StockProblem.QUANTITY)
            after = check_adjustment(row.sku, row.on_hand, row.reserved, qty)
            text = reason.value if reason is not None else None
            if note:
                text = f"{text}: {note}" if text else note
            if not await uow.stock.apply(row.product_id, qty, kind, text, actor.id, now):
                raise StockRefused(StockProblem.BELOW_RESERVED, row.sku, row.on_hand, row.reserved)
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="product",
                entity_id=row.product_id,
                action=AuditAction.stock_moved(kind.value),
                before=str(row.on_hand),
                after=str(after),
                reason=text,
            )
            if qty > 0:  # waiting orders first, before anyone else may take it
                await allocate(uow, self.config, row.product_id, now)
                await tell_back(uow, self.config, row.product_id, now)
            await watch(uow, self.config, [row.product_id], now)
            await uow.commit()
        return Moved(kind, row.sku, row.name, qty, row.on_hand, after, row.reserved, reason, note)

    async def may_move(self, actor: User) -> bool:
        """Whether someone may receive and adjust stock (to offer them the buttons)."""
        async with self.db.reader() as uow:
            roles = await roles_of(uow, self.config, actor)
        return allowed(roles, Permission.RECEIVE_STOCK)

    async def find(self, actor: User, words: str, limit: int = 8) -> list[StockRow]:
        """Products to move stock of, by SKU or name: an exact SKU alone, else up to `limit`."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.RECEIVE_STOCK, "stock_find", now)
            exact = await uow.stock.by_sku(words, actor.language)
            if exact is not None:
                return [exact]
            rows = await uow.stock.report(actor.language, 0, words)
        return sorted(rows, key=lambda r: r.sku)[:limit]

    async def product(self, actor: User, product_id: int) -> StockRow:
        """One product's stock, for someone who may move it; StockRefused if there is none."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.RECEIVE_STOCK, "stock_find", now)
            rows = await uow.stock.by_ids([product_id], actor.language)
        if not rows:
            raise StockRefused(StockProblem.UNKNOWN_SKU, sku=str(product_id))
        return rows[0]

    async def report(self, actor: User, words: str | None = None) -> list[StockRow]:
        """Every product's on hand, reserved, available and waiting units, low ones first."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.VIEW_STOCK, "stock", now)
        async with self.db.reader(long=True) as uow:
            return await uow.stock.report(
                actor.language, self.config.catalog.low_stock_threshold, words
            )

    async def low_notice(self, product_id: int, language: Language) -> StockRow | None:
        """A low-stock notice's product as it stands now (None: gone, or no longer low)."""
        async with self.db.reader() as uow:
            rows = await uow.stock.by_ids([product_id], language)
        if not rows or rows[0].available > self.config.catalog.low_stock_threshold:
            return None
        return rows[0]
