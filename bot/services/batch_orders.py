"""Batch orders: staff upload a file of orders for several customers; every row is checked, and
the valid orders are made through the normal submission and review, a few a transaction, each
once however often Create is pressed."""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.clock import Clock
from bot.config import Config, DeliveryMethod, PaymentTermConfig
from bot.db import Database, UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.batch import (
    REQUIRED,
    BatchFileInvalid,
    BatchRow,
    BatchStopped,
    FileProblem,
    RowError,
    RowProblem,
    read_qty,
    read_rows,
    row_ranges,
)
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.models import Customer, Product, User
from bot.domain.parsing import parse_address, parse_note, parse_phone
from bot.domain.pricing import customer_unit_price
from bot.domain.product_match import sku_key
from bot.domain.roles import Permission, allowed
from bot.runtime.foreground import Foreground
from bot.runtime.offload import Offload
from bot.services.base import Service, authorize
from bot.services.checkout import CheckoutDraft, CheckoutService
from bot.services.customer_admin import may_order_for
from bot.services.customers import allowed_terms
from bot.services.stock import watch

# Orders a transaction: each waits for the one writer, so customers' units of work get in
# between (a batch of 667 held everyone for 10 s in one; benchmarks/no_stall.py). Its
# statements run on the loop (~1 ms an order): sent to aiosqlite's thread one by one, each
# waited for the loop's next turn while the writer was held (667 orders: 19 s, now 3 s).
CHUNK = 2
# After each transaction the batch rests six times as long as it took: the process (one core
# for Python: the GIL) keeps six sevenths of its time for everyone else's updates. Without the
# rest a 667-order batch took all of it and 200 customers' answers queued behind it; resting
# three times as long (five orders a transaction) still left their p99 at 257 ms, now ~120 ms
# (benchmarks/no_stall.py).
REST = 6.0
# Each transaction also waits for a lull in the others' updates (bot/runtime/foreground.py),
# at most this long: under a load that never pauses the batch still moves on.
LULL_SECONDS = 0.25


async def _rest(began: float) -> None:
    """REST times as long as the work since `began` took."""
    await asyncio.sleep((time.monotonic() - began) * REST)


class BatchOrder(BaseModel):
    """One valid order of the file: whose, from which rows, what, and how."""

    model_config = ConfigDict(frozen=True)

    customer_id: int
    customer_name: str
    ref: str
    rows: tuple[int, ...]
    items: tuple[tuple[str, int], ...]
    delivery: str
    address: str | None
    term: str
    note: str | None
    subtotal: int


class BatchCheck(BaseModel):
    """What the file holds: the valid orders, and every problem by row."""

    model_config = ConfigDict(frozen=True)

    file_name: str
    rows: int
    orders: tuple[BatchOrder, ...]
    errors: tuple[RowError, ...]
    broken_orders: int

    @property
    def broken_rows(self) -> int:
        """How many rows have a problem (one row may have several)."""
        return len({e.row for e in self.errors})


class BatchResult(BaseModel):
    """The batch made (or found made already by the same token) and its orders' numbers (not
    the orders: reading 667 of them held the event loop ~15 ms, for a list of numbers)."""

    model_config = ConfigDict(frozen=True)

    batch_id: int
    created: bool
    numbers: tuple[str, ...]


@dataclass
class _Group:
    """The rows of one order (same customer and order_ref) while they are checked."""

    customer: Customer
    ref: str
    rows: list[int] = field(default_factory=list)
    items: dict[int, int] = field(default_factory=dict)
    item_rows: dict[int, list[int]] = field(default_factory=dict)
    delivery: str | None = None
    address: str | None = None
    term: str | None = None
    note: str | None = None
    broken: int | None = None  # the first row with a problem


class _Checker:
    """Checks rows one by one against the database; collects errors and orders."""

    def __init__(self, config: Config, uow: UnitOfWork, actor: User, any_customer: bool) -> None:
        self.config, self.uow, self.actor, self.any_customer = config, uow, actor, any_customer
        self.errors: list[RowError] = []
        self.groups: dict[tuple[int, str], _Group] = {}
        self._customers: dict[str, tuple[Customer | None, RowProblem | None]] = {}
        self._terms: dict[int, set[str]] = {}
        self._addresses: dict[int, str | None] = {}

    def bad(self, row: int, problem: RowProblem, value: str = "", limit: int = 0) -> None:
        """Note a problem of a row."""
        self.errors.append(RowError(row=row, problem=problem, value=value[:60], limit=limit))

    async def customer(self, text: str) -> tuple[Customer | None, RowProblem | None]:
        """A customer by phone, id or exact name (or company); cached per file."""
        if text not in self._customers:
            self._customers[text] = await self._find(text)
        return self._customers[text]

    async def _find(self, text: str) -> tuple[Customer | None, RowProblem | None]:
        uow = self.uow
        compact = re.sub(r"[\s\-().]", "", text)
        ids: list[int]
        # isdecimal, not isdigit: "𐩀" is a digit that int() refuses.
        if compact.startswith("+") or (compact.isdecimal() and len(compact) >= 7):
            try:
                ids = await uow.batches.customers_by_phone(
                    parse_phone(text, self.config.business.phone_region)
                )
            except InvalidInput:
                ids = []
        elif compact.isdecimal():
            found = await uow.customers.by_id(int(compact))
            ids = [found.id] if found else []
        else:
            ids = await uow.batches.customers_by_name(text)
        if not ids:
            return None, RowProblem.CUSTOMER_UNKNOWN
        if len(ids) > 1:
            return None, RowProblem.CUSTOMER_AMBIGUOUS
        customer = await uow.customers.by_id(ids[0])
        assert customer is not None
        if not self.any_customer and customer.rep_id != self.actor.id:
            return None, RowProblem.NOT_YOUR_CUSTOMER
        return customer, None

    async def allowed_terms(self, customer: Customer) -> set[str]:
        """Payment term codes this customer may use."""
        if customer.id not in self._terms:
            self._terms[customer.id] = await allowed_terms(self.uow, self.config, customer.id)
        return self._terms[customer.id]

    async def saved_address(self, customer: Customer) -> str | None:
        """The customer's most recently used address."""
        if customer.id not in self._addresses:
            saved = await self.uow.customers.addresses(customer.id, limit=1)
            self._addresses[customer.id] = saved[0].text if saved else None
        return self._addresses[customer.id]

    def _delivery(self, code: str) -> DeliveryMethod | None:
        return next((d for d in self.config.delivery if d.code.lower() == code.lower()), None)

    def _term(self, code: str) -> PaymentTermConfig | None:
        return next((p for p in self.config.payment_terms if p.code.lower() == code.lower()), None)

    async def row(self, r: BatchRow, catalog: dict[str, int]) -> None:
        """Check one row and add it to its order."""
        before = len(self.errors)
        for column in REQUIRED:
            if not getattr(r, column):
                self.bad(r.row, RowProblem.MISSING, column)
        customer, problem = await self.customer(r.customer) if r.customer else (None, None)
        if problem:
            self.bad(r.row, problem, r.customer)
        product = catalog.get(sku_key(r.sku)) if r.sku else None
        if r.sku and product is None:
            self.bad(r.row, RowProblem.SKU_UNKNOWN, r.sku)
        limit = self.config.checkout.max_quantity
        qty = read_qty(r.qty, limit) if r.qty else None
        if r.qty and qty is None:
            self.bad(r.row, RowProblem.QTY_INVALID, r.qty, limit)
        method = self._delivery(r.delivery) if r.delivery else None
        if r.delivery and method is None:
            self.bad(r.row, RowProblem.DELIVERY_UNKNOWN, r.delivery)
        term = self._term(r.payment_term) if r.payment_term else None
        if r.payment_term and term is None:
            self.bad(r.row, RowProblem.TERM_UNKNOWN, r.payment_term)
        if customer and term and term.code not in await self.allowed_terms(customer):
            self.bad(r.row, RowProblem.TERM_NOT_ALLOWED, term.code)
        address = await self._address(r, customer, method)
        note = self._note(r)
        if customer is None:
            return
        group = self.groups.setdefault(
            (customer.id, r.order_ref.casefold()), _Group(customer, r.order_ref)
        )
        group.rows.append(r.row)
        self._same_order(group, r.row, method, term, address if r.address else None, note)
        group.address = group.address or address  # an empty cell: the customer's saved one
        if len(self.errors) > before:
            group.broken = group.broken or r.row
            return
        assert product is not None and qty is not None
        group.items[product] = group.items.get(product, 0) + qty
        group.item_rows.setdefault(product, []).append(r.row)
        if group.items[product] > limit:
            self.bad(r.row, RowProblem.QTY_INVALID, str(group.items[product]), limit)
            group.broken = group.broken or r.row

    async def _address(
        self, r: BatchRow, customer: Customer | None, method: DeliveryMethod | None
    ) -> str | None:
        if method is None or not method.needs_address:
            return None
        text = r.address or (await self.saved_address(customer) if customer else None)
        if not text:
            if customer is not None:
                self.bad(r.row, RowProblem.ADDRESS_MISSING)
            return None
        try:
            return parse_address(text)
        except InvalidInput:
            self.bad(r.row, RowProblem.ADDRESS_INVALID, text)
            return None

    def _note(self, r: BatchRow) -> str | None:
        if not r.note:
            return None
        try:
            return parse_note(r.note)
        except InvalidInput:
            self.bad(r.row, RowProblem.NOTE_TOO_LONG)
            return None

    def _same_order(
        self,
        group: _Group,
        row: int,
        method: DeliveryMethod | None,
        term: PaymentTermConfig | None,
        address: str | None,
        note: str | None,
    ) -> None:
        """Every row of one order must agree on delivery, address, term and note."""
        values = {
            "delivery": method.code if method else None,
            "payment_term": term.code if term else None,
            "address": address,
            "note": note,
        }
        for name, value in values.items():
            attribute = "term" if name == "payment_term" else name
            current = getattr(group, attribute)
            if value is None:
                continue
            if current is None:
                setattr(group, attribute, value)
            elif current != value:
                self.bad(row, RowProblem.ORDER_MISMATCH, name)

    def stock(self, products: dict[int, Product]) -> None:
        """Orders in file order take from what is available; one that does not fit is broken."""
        left = {pid: p.available for pid, p in products.items()}
        for group in self.groups.values():
            if group.broken is not None:
                continue
            short = [
                pid
                for pid, qty in group.items.items()
                if not products[pid].preorder and qty > left[pid]
            ]
            if short:
                for pid in short:
                    for row in group.item_rows[pid]:
                        self.bad(row, RowProblem.STOCK, products[pid].sku, max(left[pid], 0))
                group.broken = min(r for pid in short for r in group.item_rows[pid])
                continue
            for pid, qty in group.items.items():
                left[pid] -= qty


def check_file(
    path: Path, config: Config, actor: User, any_customer: bool, file_name: str, content: bytes
) -> BatchCheck:
    """A batch file read and every row checked, in a worker process (or on a thread): its own
    event loop and read-only connection to the database file. BatchFileInvalid when the file
    cannot be read as a table."""
    rows = read_rows(file_name, content)
    return asyncio.run(_check(path, config, actor, any_customer, file_name, rows))


async def _check(
    path: Path,
    config: Config,
    actor: User,
    any_customer: bool,
    file_name: str,
    rows: list[BatchRow],
) -> BatchCheck:
    db = Database(path)
    await db.open_read_only()
    try:
        async with db.reader() as uow:
            checker = _Checker(config, uow, actor, any_customer)
            catalog = await uow.catalog.sku_index()
            for row in rows:
                await checker.row(row, catalog)
            ids = list({pid for g in checker.groups.values() for pid in g.items})
            products = await uow.catalog.products(ids, actor.language)
            checker.stock(products)
            specials = {
                g.customer.id: await uow.customers.special_prices(g.customer.id)
                for g in checker.groups.values()
            }
    finally:
        await db.close()
    return _result(file_name, rows, checker, products, specials)


def _result(
    file_name: str,
    rows: list[BatchRow],
    checker: _Checker,
    products: dict[int, Product],
    specials: dict[int, dict[int, int]],
) -> BatchCheck:
    errors = list(checker.errors)
    with_errors = {e.row for e in errors}
    orders = []
    broken = 0
    for group in checker.groups.values():
        if group.broken is not None:
            broken += 1
            for row in group.rows:
                if row not in with_errors:
                    errors.append(
                        RowError(
                            row=row,
                            problem=RowProblem.WITH_BROKEN_ROW,
                            value=str(group.broken),
                        )
                    )
            continue
        assert group.delivery is not None and group.term is not None
        orders.append(
            BatchOrder(
                customer_id=group.customer.id,
                customer_name=group.customer.name,
                ref=group.ref,
                rows=tuple(group.rows),
                items=tuple((products[pid].sku, qty) for pid, qty in group.items.items()),
                delivery=group.delivery,
                address=group.address,
                term=group.term,
                note=group.note,
                subtotal=sum(
                    customer_unit_price(
                        products[pid].price,
                        products[pid].tiers,
                        qty,
                        specials[group.customer.id].get(pid),
                    )
                    * qty
                    for pid, qty in group.items.items()
                ),
            )
        )
    errors.sort(key=lambda e: e.row)
    return BatchCheck(
        file_name=file_name,
        rows=len(rows),
        orders=tuple(orders),
        errors=tuple(errors),
        broken_orders=broken,
    )


class BatchOrderService(Service):
    """Check an uploaded file of orders; make its valid orders as one batch."""

    def __init__(
        self,
        db: Database,
        config: Config,
        clock: Clock,
        offload: Offload | None = None,
        foreground: Foreground | None = None,
    ) -> None:
        super().__init__(db, config, clock)
        self.offload = offload or Offload(0)
        self.foreground = foreground or Foreground()

    async def may_batch(self, actor: User) -> None:
        """Reps, managers and admins may upload batches; anyone else is refused and audited."""
        async with self.db.unit_of_work() as uow:
            await authorize(
                uow, self.config, actor, Permission.BATCH_ORDERS, "batch", self.clock.now()
            )

    async def check(self, actor: User, file_name: str, content: bytes) -> BatchCheck:
        """Every row checked (customer, SKU, quantity, delivery, address, term, stock, a rep's
        own customers); nothing is written. The whole check runs in a worker process, on a
        read-only connection of its own (check_file): read on the loop, 2,000 rows' Python and
        their 6,000 statements took a fifth of the time the 200 customers' answers needed
        (benchmarks/no_stall.py)."""
        async with self.db.unit_of_work() as uow:
            roles = await authorize(
                uow, self.config, actor, Permission.BATCH_ORDERS, "batch", self.clock.now()
            )
        any_customer = allowed(roles, Permission.SET_CREDIT)
        return await self.offload.run(
            check_file, self.db.path, self.config, actor, any_customer, file_name, content
        )

    async def create(
        self, actor: User, file_name: str, orders: list[BatchOrder], token: str
    ) -> BatchResult:
        """The orders through the normal submission (reservations, review), CHUNK orders a
        transaction so that customers' units of work go on between them (one writer). Each
        order's token is the batch's plus its place in the file, so pressing again (or after a
        restart) makes only the orders not made yet. If an order can no longer be made, its
        transaction is undone: BatchStopped says which were made (nothing made: the file's
        CHANGED problem, and no batch)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            await authorize(uow, self.config, actor, Permission.BATCH_ORDERS, "batch", now)
            batch_id = await uow.batches.by_token(token)
            made = await uow.batches.tokens(batch_id) if batch_id is not None else set()
            pending = [i for i in range(len(orders)) if f"{token}.{i}" not in made]
            if batch_id is not None and not pending:
                found = await uow.batches.numbers(batch_id)
                return BatchResult(batch_id=batch_id, created=False, numbers=tuple(found))
            if not orders:
                raise BatchFileInvalid(FileProblem.EMPTY)
        # Every customer is checked before anything is written (a refusal commits its audit),
        # CHUNK at a time: 667 in one unit of work held the writer for everyone.
        customers: dict[int, Customer] = {}
        for start in range(0, len(pending), CHUNK):
            await self.foreground.lull(LULL_SECONDS)
            began = time.monotonic()
            async with self.db.unit_of_work() as uow:
                for i in pending[start : start + CHUNK]:
                    customers[i] = await may_order_for(
                        uow, self.config, actor, orders[i].customer_id, now
                    )
            await _rest(began)
        while pending:
            chunk, pending = pending[:CHUNK], pending[CHUNK:]
            await self.foreground.lull(LULL_SECONDS)
            began = time.monotonic()
            batch_id, failed = await self._chunk(
                actor, file_name, orders, token, chunk, customers, now, batch_id, not pending
            )
            if failed is not None:
                raise await self._stopped(batch_id, orders, token, failed)
            if pending:
                await _rest(began)
        assert batch_id is not None
        async with self.db.reader() as uow:
            numbers = await uow.batches.numbers(batch_id)
        return BatchResult(batch_id=batch_id, created=True, numbers=tuple(numbers))

    async def _chunk(
        self,
        actor: User,
        file_name: str,
        orders: list[BatchOrder],
        token: str,
        chunk: list[int],
        customers: dict[int, Customer],
        now: datetime,
        batch_id: int | None,
        last: bool,
    ) -> tuple[int | None, int | None]:
        """Some orders of the file in one transaction (the batch recorded with the first):
        the batch's id, and the order that could no longer be made (then nothing of it)."""
        checkout = CheckoutService(self.db, self.config, self.clock)
        async with self.db.unit_of_work() as uow:
            new = batch_id is None
            if batch_id is None:
                batch_id = await uow.batches.insert(token, actor.id, file_name, len(orders), now)
            # Another press may have gone on.
            made = await uow.batches.made_of(batch_id, [f"{token}.{i}" for i in chunk])
            reserved: set[int] = set()
            users: dict[int, User] = {}
            failed = None
            for index in chunk:
                if f"{token}.{index}" in made:
                    continue
                order, customer = orders[index], customers[index]
                if customer.user_id not in users:
                    found = await uow.users.by_id(customer.user_id)
                    assert found is not None
                    users[customer.user_id] = found
                draft = CheckoutDraft(
                    token=f"{token}.{index}",
                    delivery=order.delivery,
                    address=order.address,
                    date_chosen=True,
                    term=order.term,
                    note=order.note,
                    note_chosen=True,
                )
                try:
                    submission = await checkout.place_in(
                        uow,
                        actor,
                        customer,
                        users[customer.user_id],
                        list(order.items),
                        draft,
                        now,
                        reserved,
                    )
                except DomainError:
                    failed = index
                    break
                await uow.batches.attach(batch_id, submission.order.id)
                await uow.audit.record(
                    at=now,
                    actor_id=actor.id,
                    entity="order",
                    entity_id=submission.order.id,
                    action=AuditAction.BATCH,
                    after=f"#{batch_id} {file_name}",
                )
            if failed is not None:  # left without commit: this transaction is undone
                return (None if new else batch_id), failed
            await watch(uow, self.config, reserved, now)
            if last:
                await uow.audit.record(
                    at=now,
                    actor_id=actor.id,
                    entity="batch",
                    entity_id=batch_id,
                    action=AuditAction.CREATED,
                    after=str(len(orders)),
                )
            await uow.commit()
        return batch_id, None

    async def _stopped(
        self, batch_id: int | None, orders: list[BatchOrder], token: str, failed: int
    ) -> BatchFileInvalid | BatchStopped:
        """What to say when the order at `failed` can no longer be made."""
        rows = orders[failed].rows
        where = f"{rows[0]}–{rows[-1]}" if len(rows) > 1 else str(rows[0])
        made: set[str] = set()
        if batch_id is not None:
            async with self.db.reader() as uow:
                made = await uow.batches.tokens(batch_id)
        if batch_id is None or not made:
            return BatchFileInvalid(FileProblem.CHANGED, where)
        left = [r for i, o in enumerate(orders) if f"{token}.{i}" not in made for r in o.rows]
        return BatchStopped(batch_id, len(made), len(orders), where, row_ranges(left))
