"""Checkout: quote the order being drafted, then submit it in one transaction."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.config import DeliveryMethod, PaymentTermConfig
from bot.db import UnitOfWork
from bot.domain.audit import AuditAction
from bot.domain.errors import (
    CartEmpty,
    DraftIncomplete,
    InputProblem,
    InvalidInput,
    LinesUnavailable,
    NotRegistered,
    OptionNotOffered,
    UnknownSku,
)
from bot.domain.models import (
    Cart,
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    OrderType,
    PaymentStatus,
    Totals,
    User,
)
from bot.domain.notices import NoticeKind
from bot.domain.parsing import parse_date
from bot.domain.pricing import order_totals
from bot.domain.review import Route
from bot.services.approvals import ReviewOutcome, review_submission
from bot.services.base import Service, require_customer
from bot.services.cart import fit_to_stock, load_cart, price_lines
from bot.services.customer_admin import may_order_for
from bot.services.customers import allowed_terms
from bot.services.notices import PlacedBy, post
from bot.services.stock import watch
from bot.services.transitions import record_submission


class CheckoutDraft(BaseModel):
    """The choices of a checkout in progress; `token` makes its submission happen once."""

    model_config = ConfigDict(frozen=True)

    token: str
    delivery: str | None = None
    address: str | None = None
    desired_date: date | None = None
    date_chosen: bool = False
    term: str | None = None
    note: str | None = None
    note_chosen: bool = False

    @property
    def complete(self) -> bool:
        """Every step has been answered."""
        return bool(self.delivery and self.term and self.date_chosen and self.note_chosen)


class Quote(BaseModel):
    """What the order would be if submitted now."""

    model_config = ConfigDict(frozen=True)

    cart: Cart
    totals: Totals
    short_product_ids: tuple[int, ...]


class Submission(BaseModel):
    """A submitted order, whether this call created it, and where its review sent it."""

    model_config = ConfigDict(frozen=True)

    order: Order
    created: bool
    review: ReviewOutcome | None = None


def order_type(cart: Cart) -> OrderType:
    """Pre-order when a line waits for stock, bulk when a tier price applies, else standard."""
    if any(line.qty > line.available for line in cart.lines):
        return OrderType.PREORDER
    if any(line.unit_price < line.base_price for line in cart.lines):
        return OrderType.BULK
    return OrderType.STANDARD


class CheckoutService(Service):
    """Options, quote and submission of an order."""

    def date_range(self) -> tuple[date, date]:
        """Earliest and latest desired delivery dates (the earliest a working day)."""
        today, c = self.today(), self.config.checkout
        earliest = self.config.calendar.working.on_or_after(today + timedelta(c.min_lead_days))
        return earliest, today + timedelta(c.max_lead_days)

    def offered_dates(self) -> list[date]:
        """The delivery dates a customer may choose: working days in the range."""
        return self.config.calendar.working.working_days(*self.date_range())

    def _in_range(self, day: date) -> None:
        """Within the lead days (the days before the first working one fail check_date)."""
        today, c = self.today(), self.config.checkout
        earliest, latest = today + timedelta(c.min_lead_days), today + timedelta(c.max_lead_days)
        if not earliest <= day <= latest:
            raise InvalidInput(InputProblem.DATE_RANGE, earliest.isoformat(), latest.isoformat())

    def check_date(self, day: date) -> date:
        """A desired delivery date chosen at checkout, refused outside the range or on a
        non-working day."""
        self._in_range(day)
        if not self.config.calendar.working.is_working_day(day):
            raise InvalidInput(InputProblem.NOT_WORKING_DAY)
        return day

    def read_date(self, text: str) -> date:
        """A date typed by the customer, within the lead days (a custom order's wanted date)."""
        c = self.config.checkout
        return parse_date(text, self.today(), c.min_lead_days, c.max_lead_days)

    def read_delivery_date(self, text: str) -> date:
        """A desired delivery date typed at checkout: within the range, on a working day."""
        return self.check_date(self.read_date(text))

    async def begin(self, user: User) -> None:
        """A checkout may begin: a registered customer (else NotRegistered) with something in
        the cart (else CartEmpty)."""
        async with self.db.reader() as uow:
            if await uow.customers.by_user(user.id) is None:
                raise NotRegistered()
            if not (await load_cart(uow, user, user.language)).lines:
                raise CartEmpty()

    async def fit_to_stock(self, user: User) -> None:
        """The summary's "fit to stock": short lines cut down (cart.fit_to_stock); CartEmpty
        if nothing is left to order."""
        async with self.db.unit_of_work() as uow:
            cart = await fit_to_stock(uow, user, self.clock.now())
            await uow.commit()
        if not cart.lines:
            raise CartEmpty()

    async def submitted_by_token(self, user: User, token: str) -> Order | None:
        """The order a checkout token produced, if it is this user's."""
        async with self.db.reader() as uow:
            customer = await uow.customers.by_user(user.id)
            order = await uow.orders.by_token(token)
        if order is None or customer is None or order.customer_id != customer.id:
            return None
        return order

    async def quote(self, user: User, draft: CheckoutDraft) -> Quote:
        """Lines, totals and unavailable lines for the draft, at today's prices."""
        async with self.db.reader() as uow:
            customer = await require_customer(uow, user)
            cart = await load_cart(uow, user, user.language)
        return self._quote(cart, customer, draft)

    def _quote(self, cart: Cart, customer: Customer, draft: CheckoutDraft) -> Quote:
        method = self.config.delivery_method(draft.delivery or "")
        totals = order_totals(
            cart.subtotal,
            discount_bp=customer.discount_bp,
            delivery_fee=self.config.fee_minor(method) if method else 0,
            tax_percent=self.config.tax.rate_percent,
            tax_included=self.config.tax.included,
        )
        short = tuple(line.product_id for line in cart.lines if line.short)
        return Quote(cart=cart, totals=totals, short_product_ids=short)

    async def _validate(
        self, uow: UnitOfWork, customer: Customer, draft: CheckoutDraft
    ) -> tuple[DeliveryMethod, PaymentTermConfig]:
        if not draft.complete:
            raise DraftIncomplete()
        method = self.config.delivery_method(draft.delivery or "")
        term = self.config.payment_term(draft.term or "")
        if method is None or term is None:
            raise OptionNotOffered()
        if term.code not in await allowed_terms(uow, self.config, customer.id):
            raise OptionNotOffered()
        if method.needs_address and not draft.address:
            raise DraftIncomplete()
        if draft.desired_date is not None:  # a custom order's wanted date may be any day
            self._in_range(draft.desired_date)
        return method, term

    async def submit(self, user: User, draft: CheckoutDraft) -> Submission:
        """Create the order, its lines and its stock reservations at once, or nothing."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            existing = await uow.orders.by_token(draft.token)
            if existing is not None:
                return Submission(order=existing, created=False)
            customer = await require_customer(uow, user)
            cart = await load_cart(uow, user, user.language)
            submission = await self._create(uow, customer, cart, draft, user.id, now)
            await uow.carts.clear(user.id)
            await uow.commit()
        return submission

    async def submit_for(
        self, actor: User, customer_id: int, items: list[tuple[str, int]], draft: CheckoutDraft
    ) -> Submission:
        """A rep (their own customers) or a manager places an order for a customer who phoned:
        the same checks, reservations and review as the customer's own checkout."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await may_order_for(uow, self.config, actor, customer_id, now)
            customer_user = await uow.users.by_id(customer.user_id)
            assert customer_user is not None
            existing = await uow.orders.by_token(draft.token)
            if existing is not None:
                return Submission(order=existing, created=False)
            submission = await self.place_in(
                uow, actor, customer, customer_user, items, draft, now
            )
            await uow.commit()
        return submission

    async def place_in(
        self,
        uow: UnitOfWork,
        actor: User,
        customer: Customer,
        customer_user: User,
        items: list[tuple[str, int]],
        draft: CheckoutDraft,
        now: datetime,
        reserved: set[int] | None = None,
    ) -> Submission:
        """In the caller's unit of work (the caller checked may_order_for): what submit_for
        does, so a batch of orders is made in few transactions. With `reserved`, the products
        held are added to it and the caller watches their stock once for many orders."""
        cart = await self._priced_items(uow, items, customer_user)
        submission = await self._create(uow, customer, cart, draft, actor.id, now, None, reserved)
        await uow.audit.record(
            at=now,
            actor_id=actor.id,
            entity="order",
            entity_id=submission.order.id,
            action=AuditAction.PLACED_FOR_CUSTOMER,
            after=str(customer.id),
        )
        placed = PlacedBy(order_id=submission.order.id, by=actor.first_name)
        await post(uow, self.config, NoticeKind.PLACED_FOR, placed, [customer_user], now)
        return submission

    async def preview_for(
        self, actor: User, customer_id: int, items: list[tuple[str, int]]
    ) -> Cart:
        """The lines typed for a customer, priced, before the order is placed."""
        async with self.db.unit_of_work() as uow:
            customer = await may_order_for(uow, self.config, actor, customer_id, self.clock.now())
            customer_user = await uow.users.by_id(customer.user_id)
            assert customer_user is not None
            return await self._priced_items(uow, items, customer_user)

    async def _priced_items(
        self, uow: UnitOfWork, items: list[tuple[str, int]], customer_user: User
    ) -> Cart:
        limit = self.config.checkout.max_quantity
        held: dict[int, int] = {}
        for sku, qty in items:
            product = await uow.catalog.by_sku(sku, customer_user.language)
            if product is None or not product.active:
                raise UnknownSku(sku=sku)
            held[product.id] = held.get(product.id, 0) + qty
            if held[product.id] > limit:
                raise InvalidInput(InputProblem.QUANTITY_RANGE, 1, limit)
        specials = await uow.customers.special_prices_of_user(customer_user.id)
        return await price_lines(uow, list(held.items()), customer_user.language, specials)

    async def create_in(
        self,
        uow: UnitOfWork,
        customer: Customer,
        cart: Cart,
        draft: CheckoutDraft,
        actor_id: int,
        now: datetime,
        kind: OrderType,
    ) -> Submission:
        """The same submission as checkout's, in the caller's unit of work, for lines the
        caller priced (an accepted custom quote: bot/services/custom_orders.py)."""
        return await self._create(uow, customer, cart, draft, actor_id, now, kind)

    async def _create(
        self,
        uow: UnitOfWork,
        customer: Customer,
        cart: Cart,
        draft: CheckoutDraft,
        actor_id: int,
        now: datetime,
        kind: OrderType | None = None,
        reserved: set[int] | None = None,
    ) -> Submission:
        """Order, lines, reservations, first timeline entry and review, in the caller's unit
        (`kind`: the order's type when the caller knows it, e.g. a custom order; `reserved`:
        see place_in)."""
        method, term = await self._validate(uow, customer, draft)
        if not cart.lines:
            raise CartEmpty()
        quote = self._quote(cart, customer, draft)
        if quote.short_product_ids:
            raise LinesUnavailable(list(quote.short_product_ids))
        day = now.astimezone(self.config.business.zone).strftime("%Y%m%d")
        number = f"SO-{day}-{await uow.orders.next_number(day):04d}"
        order = Order(
            id=0,
            number=number,
            customer_id=customer.id,
            status=OrderStatus.SUBMITTED,
            payment_status=PaymentStatus.UNPAID,
            order_type=kind or order_type(cart),
            delivery_method=method.code,
            address=draft.address if method.needs_address else None,
            desired_date=draft.desired_date,
            payment_term=term.code,
            note=draft.note,
            totals=quote.totals,
            currency=self.config.business.currency,
            submitted_at=now,
        )
        order = order.model_copy(update={"id": await uow.orders.insert(order, draft.token, now)})
        lines = []
        for line in cart.lines:
            hold = min(line.qty, max(line.available, 0))
            if hold and not await uow.catalog.reserve(line.product_id, hold):
                raise LinesUnavailable([line.product_id])
            lines.append(
                OrderLine(
                    product_id=line.product_id,
                    sku=line.sku,
                    name=line.name,
                    qty=line.qty,
                    unit_price=line.unit_price,
                    total=line.total,
                    reserved_qty=hold,
                    unit=line.unit,
                )
            )
        await uow.orders.insert_lines(order.id, lines)
        held = [x.product_id for x in lines if x.reserved_qty]
        if reserved is None:
            await watch(uow, self.config, held, now)
        else:
            reserved.update(held)
        if order.address:
            await uow.customers.save_address(customer.id, order.address, now)
        await record_submission(uow, order, actor_id=actor_id, at=now)
        outcome = await review_submission(uow, self.config, order, customer, lines, actor_id, now)
        if outcome.route is Route.AUTO:
            order = order.model_copy(update={"status": OrderStatus.APPROVED})
        return Submission(order=order, created=True, review=outcome)
