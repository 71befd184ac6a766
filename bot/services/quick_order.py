"""Quick order by text: read what was typed, match it to the catalog, fill the cart from it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from enum import StrEnum
from weakref import WeakKeyDictionary

from pydantic import BaseModel, ConfigDict

from bot.db import Database, UnitOfWork
from bot.db.catalog import read_name_index
from bot.domain.errors import (
    DraftIncomplete,
    InvalidInput,
    NotEnoughStock,
    ProductNotFound,
)
from bot.domain.models import Cart, Language, Product, User
from bot.domain.product_match import CatalogEntry, ItemMatch, Matcher, MatchKind
from bot.domain.quick_order import QuickItem, QuickOrder, read_quick_order
from bot.services.base import Service
from bot.services.cart import CartService, price_lines
from bot.services.customer_admin import may_order_for
from bot.services.quick_order_process import IN_PLACE, RemoteIndex


class _Index:
    """One database's matcher, the catalog version it holds, and its build in progress."""

    def __init__(self) -> None:
        self.matcher: Matcher | None = None
        self.generation = 0  # Database.catalog_generation it holds every change up to
        self.others = -1  # others_commits() when it was built
        self.builds = 0
        self.updates = 0
        self.lock = asyncio.Lock()
        self.rebuild: asyncio.Task[None] | None = None  # in the background, the old one serves
        self.warming: asyncio.Task[None] | None = None


_INDEXES: WeakKeyDictionary[Database, _Index] = WeakKeyDictionary()
log = logging.getLogger(__name__)


def _read_and_build(db: Database) -> Matcher:
    """The whole catalog read on this (worker) thread's own connection, and indexed."""
    with contextlib.closing(db.read_only()) as conn:
        return Matcher(read_name_index(conn))


async def _build(db: Database) -> Matcher:
    """A matcher of the catalog as it is now, built off the event loop (an in-memory database
    has no second connection: its rows are read on aiosqlite's thread)."""
    if str(db.path) == ":memory:":
        async with db.reader(long=True) as uow:
            entries = await uow.catalog.name_index()
        return await asyncio.to_thread(Matcher, entries)
    return await asyncio.to_thread(_read_and_build, db)


async def _rebuild_in_background(db: Database, index: _Index) -> None:
    """Build the matcher again while the old one serves, then swap them (the changes
    committed meanwhile are applied in place by the next quick order)."""
    try:
        generation = db.catalog_generation
        async with db.reader() as uow:
            others = await uow.catalog.others_commits()
        matcher = await _build(db)
        async with index.lock:
            if index.others == others and index.generation <= generation:
                await _replace(index, matcher)
                index.generation = generation
    finally:
        index.rebuild = None


async def _replace(index: _Index, matcher: Matcher) -> None:
    """Serve a new matcher; the old one is taken apart piece by piece on a worker thread (freed
    at once it would hold the event loop ~0.1 s at 100,000 products) — unless a quick order
    still holds it (it matches on it to the end; the last one to let go frees it)."""
    old, index.matcher = index.matcher, matcher
    index.builds += 1
    if old is not None and sys.getrefcount(old) <= _ONLY_OURS:
        await asyncio.to_thread(old.release)


# sys.getrefcount of the old matcher when nothing but _replace holds it (its variable, the
# call's argument)
_ONLY_OURS = 2


async def catalog_matcher(db: Database) -> Matcher:
    """The matcher of the active catalog: built once (off the event loop: read and indexed on
    a worker thread), then updated in place for the products our commits wrote
    (Database.catalog_written_since); built again when another process wrote to the file
    (`orderdesk import` while the bot runs), or in the background after a big import."""
    index = _INDEXES.setdefault(db, _Index())
    async with index.lock:
        change: tuple[list[CatalogEntry], list[int]] | None = None
        async with db.reader() as uow:
            # As of this snapshot: our commits are serial, and bump the generation before
            # the next transaction begins.
            generation = db.catalog_generation
            others = await uow.catalog.others_commits()
            if index.matcher is not None and index.others == others:
                if index.generation == generation:
                    return index.matcher
                written = db.catalog_written_since(index.generation)
                if written is None or len(written) > IN_PLACE:
                    if index.rebuild is None:
                        index.rebuild = asyncio.create_task(_rebuild_in_background(db, index))
                    return index.matcher
                change = await uow.catalog.name_entries(sorted(written))
        if index.matcher is not None and change is not None:
            await asyncio.to_thread(index.matcher.update, *change)
            index.generation = generation
            index.updates += 1
            return index.matcher
        matcher = await _build(db)
        await _replace(index, matcher)
        index.generation, index.others = generation, others
        return matcher


def warm_up(db: Database) -> asyncio.Task[None]:
    """Build the matcher in the background at start-up, so the first quick order finds it
    ready (one arriving sooner waits for this build, it does not start another)."""
    index = _INDEXES.setdefault(db, _Index())
    if index.warming is None:
        index.warming = asyncio.create_task(_warm(db), name="quick-order index")
    return index.warming


async def _warm(db: Database) -> None:
    try:
        await catalog_matcher(db)
    except Exception:  # the first quick order builds it then
        log.warning("quick-order index not built at start-up", exc_info=True)


def matcher_builds(db: Database) -> int:
    """How many times the matcher of this database's catalog has been built (by the current
    process of the index, when it has one)."""
    remote = _REMOTES.get(db)
    if remote is not None:
        return remote.last.builds if remote.last is not None else 0
    index = _INDEXES.get(db)
    return index.builds if index is not None else 0


def matcher_updates(db: Database) -> int:
    """How many times the matcher was updated in place for products our commits wrote."""
    remote = _REMOTES.get(db)
    if remote is not None:
        return remote.last.updates if remote.last is not None else 0
    index = _INDEXES.get(db)
    return index.updates if index is not None else 0


async def settled(db: Database) -> None:
    """Wait until a rebuild of the matcher in progress has been swapped in (benchmarks)."""
    remote = _REMOTES.get(db)
    if remote is not None:
        await remote.match([], settle=True)
        return
    index = _INDEXES.get(db)
    if index is not None and index.rebuild is not None:
        await index.rebuild


# The matcher's own process, per database, when [quick_order] process is on.
_REMOTES: WeakKeyDictionary[Database, RemoteIndex] = WeakKeyDictionary()


class QuickView(BaseModel):
    """A quick order with the products it names (chosen and candidates) and its lines priced."""

    model_config = ConfigDict(frozen=True)

    order: QuickOrder
    products: dict[int, Product]
    cart: Cart

    def sku_items(self) -> list[tuple[str, int]]:
        """(SKU, quantity) of every chosen product, as an order taken by phone holds them."""
        return [(self.products[pid].sku, qty) for pid, qty in self.order.items()]


class NotAdded(StrEnum):
    """Why a line did not go into the cart."""

    STOCK = "stock"  # fewer available than asked (with what the cart holds already)
    LIMIT = "limit"  # over the largest quantity of one product in a cart line
    GONE = "gone"  # no longer sold


class Refused(BaseModel):
    """A line that did not go into the cart, and why."""

    model_config = ConfigDict(frozen=True)

    name: str
    qty: int
    reason: NotAdded
    available: int = 0


class AddedToCart(BaseModel):
    """The cart after a quick order was added, and the lines that could not be."""

    model_config = ConfigDict(frozen=True)

    cart: Cart
    added: tuple[tuple[str, int], ...]
    refused: tuple[Refused, ...]


class QuickOrderService(Service):
    """Typed items → matched products → the cart (customers) or an order taken by phone (staff)."""

    def _remote(self) -> RemoteIndex | None:
        """The matcher's process, when configured (an in-memory database has none)."""
        if not self.config.quick_order.process or str(self.db.path) == ":memory:":
            return None
        remote = _REMOTES.get(self.db)
        if remote is None:
            remote = _REMOTES[self.db] = RemoteIndex(self.db)
        return remote

    def warm_up(self) -> asyncio.Task[None]:
        """Build the catalog's matcher in the background (at start-up)."""
        remote = self._remote()
        return remote.warm_up() if remote is not None else warm_up(self.db)

    async def close(self) -> None:
        """Stop the matcher's process, if it has one (with the application)."""
        remote = _REMOTES.pop(self.db, None)
        if remote is not None:
            await remote.close()

    async def _matches(self, items: list[QuickItem]) -> list[ItemMatch]:
        """Each item's match: by the matcher's process, or on a worker thread (the event loop
        keeps serving everyone else meanwhile)."""
        words = [item.words for item in items]
        remote = self._remote()
        if remote is not None:
            return await remote.match(words)
        matcher = await catalog_matcher(self.db)
        return await asyncio.to_thread(lambda: [matcher.match(w) for w in words])

    async def _read(self, text: str) -> QuickOrder:
        """What was typed, matched against the active catalog."""
        items, rejected = read_quick_order(text, self.config.checkout.max_quantity)
        return QuickOrder.of(items, await self._matches(items), rejected)

    async def _view(
        self, uow: UnitOfWork, order: QuickOrder, language: Language, specials: dict[int, int]
    ) -> QuickView:
        products = await uow.catalog.products(order.product_ids(), language)
        known = [(pid, qty) for pid, qty in order.items() if pid in products]
        cart = await price_lines(uow, known, language, specials)
        return QuickView(order=order, products=products, cart=cart)

    async def understand(self, user: User, text: str) -> QuickView:
        """What the person typed, matched against the active catalog, in their language."""
        return await self.view(user, await self._read(text))

    async def offer(self, user: User, text: str) -> QuickView | None:
        """Free text typed outside any flow, as a quick order, if it reads as one: some item
        with a quantity ("3 x A4 paper") that names a product; None for plain words ("pens")."""
        try:
            items, rejected = read_quick_order(text, self.config.checkout.max_quantity)
        except InvalidInput:
            return None
        if not any(item.qty_given for item in items):
            return None
        order = QuickOrder.of(items, await self._matches(items), rejected)
        if all(line.kind is MatchKind.NOT_FOUND for line in order.lines):
            return None
        return await self.view(user, order)

    async def view(self, user: User, order: QuickOrder) -> QuickView:
        """A quick order (after a pick) with today's names and prices."""
        async with self.db.reader() as uow:
            specials = await uow.customers.special_prices_of_user(user.id)
            return await self._view(uow, order, user.language, specials)

    async def from_link(self, user: User, items: list[tuple[int, int]]) -> QuickView | None:
        """A quick order a link carries (the Confirm button of an answer in a business chat):
        those products and quantities, as if typed; None when it names no product of ours or
        a quantity out of bounds (a forged link)."""
        high = self.config.checkout.max_quantity
        if not items or any(not 1 <= qty <= high for _, qty in items):
            return None
        async with self.db.reader() as uow:
            products = await uow.catalog.products([pid for pid, _ in items], user.language)
        known = [(pid, qty) for pid, qty in items if pid in products]
        if len(known) != len(items):
            return None
        order = QuickOrder.of(
            [QuickItem(words=products[pid].name, qty=qty) for pid, qty in known],
            [ItemMatch(MatchKind.CERTAIN, (pid,)) for pid, _ in known],
        )
        return await self.view(user, order)

    async def understand_for(self, actor: User, customer_id: int, text: str) -> QuickView:
        """Lines typed by staff for a customer (their rep, or a manager), in staff's language
        (the actor checked before the matching and again with the view)."""
        async with self.db.unit_of_work() as uow:
            await may_order_for(uow, self.config, actor, customer_id, self.clock.now())
        return await self.view_for(actor, customer_id, await self._read(text))

    async def view_for(self, actor: User, customer_id: int, order: QuickOrder) -> QuickView:
        """An order taken by phone after a pick; the actor is checked again."""
        async with self.db.unit_of_work() as uow:
            await may_order_for(uow, self.config, actor, customer_id, self.clock.now())
            specials = await uow.customers.special_prices(customer_id)
            return await self._view(uow, order, actor.language, specials)

    async def add_to_cart(self, user: User, order: QuickOrder) -> AddedToCart:
        """Every chosen line into the cart as the cart takes it (stock, limits); the others
        are told with the reason."""
        if not order.resolved:
            raise DraftIncomplete()
        view = await self.view(user, order)
        carts = CartService(self.db, self.config, self.clock)
        added: list[tuple[str, int]] = []
        refused: list[Refused] = []
        for pid, qty in order.items():
            name = view.products[pid].name if pid in view.products else "?"
            try:
                await carts.add(user, pid, qty)
            except NotEnoughStock as error:
                refused.append(
                    Refused(name=name, qty=qty, reason=NotAdded.STOCK, available=error.available)
                )
            except InvalidInput:
                refused.append(Refused(name=name, qty=qty, reason=NotAdded.LIMIT))
            except ProductNotFound:
                refused.append(Refused(name=name, qty=qty, reason=NotAdded.GONE))
            else:
                added.append((name, qty))
        return AddedToCart(cart=await carts.view(user), added=tuple(added), refused=tuple(refused))
