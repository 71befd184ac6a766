"""Review on submission and the decisions that follow: approve, reject, escalate, what waits."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from bot.config import Config
from bot.db import UnitOfWork
from bot.domain.access import (
    decides_orders,
    is_manager,
    is_rep,
    may_decide,
    may_exceed_rep_limits,
    may_view_review,
)
from bot.domain.audit import AuditAction
from bot.domain.errors import (
    AlreadyDecided,
    DiscountOverLimit,
    InputProblem,
    InvalidInput,
    OptionNotOffered,
    OrderNotFound,
)
from bot.domain.models import (
    Customer,
    Language,
    Order,
    OrderChange,
    OrderLine,
    OrderStatus,
    User,
)
from bot.domain.notices import NoticeKind
from bot.domain.parsing import parse_reason
from bot.domain.pricing import order_totals
from bot.domain.review import Finding, Route
from bot.domain.roles import Permission, Role
from bot.services.base import Service, authorize, customer_of, deny, roles_of
from bot.services.customers import allowed_terms
from bot.services.money import on_approval, settle
from bot.services.notices import OrderRef, Rejected, post, update_cards
from bot.services.order_edits import apply_change
from bot.services.review_rules import (
    deciders,
    recheck,
    rep_discount_limit_bp,
    run_checks,
    tell_deciders,
    tell_rep,
)
from bot.services.transitions import apply_transition

PENDING_LIMIT = 20
RECENT_ORDERS = 3  # the customer's latest other orders shown on the card


class ReviewOutcome(BaseModel):
    """Where a new order went, and why (who must know is told through the outbox)."""

    model_config = ConfigDict(frozen=True)

    route: Route
    findings: tuple[Finding, ...]


class ApprovalCard(BaseModel):
    """A submitted order as the people deciding it see it."""

    model_config = ConfigDict(frozen=True)

    order: Order
    lines: tuple[OrderLine, ...]
    customer: Customer
    findings: tuple[Finding, ...]
    route: Route
    may_escalate: bool
    discount_bp: int
    promised: date | None
    # what the customer owes now (this order included while unpaid), and of it what is overdue
    open_balance: int = 0
    overdue: int = 0
    # their history: how many orders in all, and the latest others (newest first)
    orders_count: int = 0
    recent: tuple[Order, ...] = ()


class Waiting(BaseModel):
    """An order waiting for a decision, and whose it is."""

    model_config = ConfigDict(frozen=True)

    order: Order
    customer: Customer


async def review_submission(
    uow: UnitOfWork,
    config: Config,
    order: Order,
    customer: Customer,
    lines: list[OrderLine],
    actor_id: int,
    now: datetime,
) -> ReviewOutcome:
    """Check a new order, record the findings and its route; approve simple ones at once.
    Those who decide it get its card; the customer's rep, if not one of them, is told too."""
    today = now.astimezone(config.business.zone).date()
    findings, route = await run_checks(
        uow, config, order, customer, lines, customer.discount_bp, today
    )
    await uow.reviews.save(order.id, route, customer.rep_id, findings)
    if route is Route.AUTO:
        await apply_transition(
            uow, order, OrderStatus.APPROVED, config=config, actor_id=None, at=now, reason="auto"
        )
        await uow.reviews.decided(order.id, None, now)
    recipients = await deciders(uow, config, route, customer.rep_id)
    await tell_deciders(uow, config, order.id, route, recipients, now)
    await tell_rep(uow, config, order.id, customer.rep_id, recipients, actor_id, now)
    if route is Route.AUTO:
        await on_approval(uow, config, order, None, now)
    return ReviewOutcome(route=route, findings=tuple(findings))


def _terms(discount_bp: int, term: str, total: int, promised: str | None) -> str:
    return f"discount {discount_bp / 100:g}%, {term}, total {total}, ship by {promised or '-'}"


class ApprovalService(Service):
    """Decisions on submitted orders, checked against the decider's role and the order's route."""

    async def _load(
        self, uow: UnitOfWork, actor: User, order_id: int, action: str
    ) -> tuple[Order, Route, int | None, frozenset[Role]]:
        order = await uow.orders.by_id(order_id)
        found = await uow.reviews.route(order_id) if order else None
        if order is None or found is None:
            raise OrderNotFound()
        route, rep_id, _ = found
        roles = await roles_of(uow, self.config, actor)
        if not (
            may_decide(roles, actor.id, rep_id, route)
            or (action == "view" and may_view_review(roles, actor.id, rep_id))
        ):
            await deny(uow, actor, action, self.clock.now(), order_id)
        return order, route, rep_id, roles

    async def _decided(self, uow: UnitOfWork, order: Order) -> AlreadyDecided:
        """What a decision button pressed too late is told: the order's state and who."""
        found = await uow.reviews.route(order.id)
        decider = await uow.users.by_id(found.decided_by) if found and found.decided_by else None
        by = decider.first_name if decider else None
        return AlreadyDecided(status=order.status, by=by, number=order.number)

    async def decision_card(self, actor: User, order_id: int, action: str) -> ApprovalCard:
        """The card of an order still to decide, checked when a decision button is pressed
        (reject, adjust): an order decided meanwhile is refused at once with what happened."""
        async with self.db.unit_of_work() as uow:
            order, route, _, _ = await self._load(uow, actor, order_id, action)
            if order.status is not OrderStatus.SUBMITTED:
                raise await self._decided(uow, order)
            return await self._card(uow, order, route, actor.language)

    async def discount_limit(self, actor: User, order_id: int) -> int:
        """Before a discount is typed (checked as decision_card): the deepest one the order's
        rep may give without a manager, in basis points."""
        async with self.db.unit_of_work() as uow:
            _, customer = await self._to_adjust(uow, actor, order_id)
            return await rep_discount_limit_bp(uow, self.config, customer.rep_id)

    async def _to_adjust(
        self, uow: UnitOfWork, actor: User, order_id: int
    ) -> tuple[Order, Customer]:
        """An order the actor may adjust, still to decide (else what happened), and whose."""
        order, _, _, _ = await self._load(uow, actor, order_id, "adjust")
        if order.status is not OrderStatus.SUBMITTED:
            raise await self._decided(uow, order)
        customer = await uow.customers.by_id(order.customer_id)
        assert customer is not None
        return order, customer

    async def card(self, actor: User, order_id: int) -> ApprovalCard:
        """The order with its checks, for the rep or a manager."""
        async with self.db.unit_of_work() as uow:
            order, route, _, _ = await self._load(uow, actor, order_id, "view")
            return await self._card(uow, order, route, actor.language)

    async def notice(self, order_id: int, language: Language | None = None) -> ApprovalCard:
        """The card sent to the deciders the review chose (no person asks for it), with the
        product names in the reader's language."""
        async with self.db.reader() as uow:
            order = await uow.orders.by_id(order_id)
            found = await uow.reviews.route(order_id)
            if order is None or found is None:
                raise OrderNotFound()
            return await self._card(uow, order, found.route, language)

    async def _card_now(
        self, uow: UnitOfWork, order_id: int, language: Language | None
    ) -> ApprovalCard:
        """The card as this transaction leaves the order and its route (after a decision)."""
        order = await uow.orders.by_id(order_id)
        found = await uow.reviews.route(order_id)
        assert order is not None and found is not None
        return await self._card(uow, order, found.route, language)

    async def _card(
        self, uow: UnitOfWork, order: Order, route: Route, language: Language | None
    ) -> ApprovalCard:
        customer = await uow.customers.by_id(order.customer_id)
        assert customer is not None
        lines = await uow.orders.lines(order.id, language)
        findings = await uow.reviews.findings(order.id)
        set_bp = await uow.reviews.discount_bp(order.id)
        promised = await uow.orders.promised_date(order.id)
        today = self.today()
        latest, count = await uow.orders.for_customer(customer.id, 0, RECENT_ORDERS + 1)
        return ApprovalCard(
            open_balance=await uow.orders.open_balance(customer.id),
            overdue=await uow.payments.overdue(customer.id, today),
            orders_count=count,
            recent=tuple(o for o in latest if o.id != order.id)[:RECENT_ORDERS],
            discount_bp=customer.discount_bp if set_bp is None else set_bp,
            promised=date.fromisoformat(promised) if promised else None,
            order=order,
            lines=tuple(lines),
            customer=customer,
            findings=tuple(findings),
            route=route,
            may_escalate=route is Route.REP and order.status is OrderStatus.SUBMITTED,
        )

    async def _decide(
        self, actor: User, order_id: int, wanted: OrderStatus, reason: str | None
    ) -> ApprovalCard:
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            order, _, _, _ = await self._load(uow, actor, order_id, wanted.value)
            if order.status is not OrderStatus.SUBMITTED:
                raise await self._decided(uow, order)
            order = await apply_transition(
                uow, order, wanted, config=self.config, actor_id=actor.id, at=now, reason=reason
            )
            await uow.reviews.decided(order.id, actor.id, now)
            _, customer_user = await customer_of(uow, order)
            if wanted is OrderStatus.APPROVED:
                ref = OrderRef(order_id=order.id)
                await post(uow, self.config, NoticeKind.APPROVED, ref, [customer_user], now)
                order = await on_approval(uow, self.config, order, actor.id, now)
            else:
                rejected = Rejected(order_id=order.id, reason=reason or "")
                await post(uow, self.config, NoticeKind.REJECTED, rejected, [customer_user], now)
                order = await settle(uow, self.config, order.id, actor_id=actor.id, now=now)
            card = await self._card_now(uow, order.id, actor.language)
            await uow.commit()
        return card

    async def approve(self, actor: User, order_id: int) -> ApprovalCard:
        """Approve a submitted order (its rep within limits, or a manager); its card after."""
        return await self._decide(actor, order_id, OrderStatus.APPROVED, None)

    async def reject(self, actor: User, order_id: int, reason: str) -> ApprovalCard:
        """Reject a submitted order with a reason the customer is told; its stock returns;
        its card after."""
        return await self._decide(actor, order_id, OrderStatus.REJECTED, parse_reason(reason))

    async def escalate(self, actor: User, order_id: int) -> ApprovalCard:
        """Hand an order to the managers; its card after (the escalating rep still sees it)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            order, route, _, _ = await self._load(uow, actor, order_id, "escalate")
            if order.status is not OrderStatus.SUBMITTED:
                raise await self._decided(uow, order)
            if route is Route.MANAGER:
                raise AlreadyDecided(status=order.status, by=None)
            await uow.reviews.escalate(order.id)
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="order",
                entity_id=order.id,
                action=AuditAction.ESCALATED,
            )
            managers = await deciders(uow, self.config, Route.MANAGER, None)
            await tell_deciders(uow, self.config, order.id, Route.MANAGER, managers, now)
            card = await self._card_now(uow, order.id, actor.language)
            await uow.commit()
        return card

    async def adjust(
        self,
        actor: User,
        order_id: int,
        *,
        discount_bp: int | None = None,
        term: str | None = None,
        promised: date | None = None,
    ) -> ApprovalCard:
        """Change discount, payment term or promised ship date before deciding, within limits;
        the totals follow and the checks run again (a limit broken sends it to a manager)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            order, route, _, roles = await self._load(uow, actor, order_id, "adjust")
            if order.status is not OrderStatus.SUBMITTED:
                raise await self._decided(uow, order)
            manager = may_exceed_rep_limits(roles)
            customer = await uow.customers.by_id(order.customer_id)
            assert customer is not None
            current_bp = await uow.reviews.discount_bp(order.id)
            old_bp = customer.discount_bp if current_bp is None else current_bp
            new_bp = old_bp if discount_bp is None else discount_bp
            if not 0 <= new_bp <= 10_000:
                raise InvalidInput(InputProblem.PERCENT_INVALID, 0, 100)
            limit = await rep_discount_limit_bp(uow, self.config, customer.rep_id)
            if new_bp > limit and not manager:
                raise DiscountOverLimit(limit_bp=limit)
            new_term = order.payment_term if term is None else term
            if self.config.payment_term(new_term) is None or (
                not manager
                and new_term != order.payment_term
                and new_term not in await allowed_terms(uow, self.config, customer.id)
            ):
                raise OptionNotOffered()
            totals = order_totals(
                order.totals.subtotal,
                discount_bp=new_bp,
                delivery_fee=order.totals.delivery_fee,
                tax_percent=self.config.tax.rate_percent,
                tax_included=self.config.tax.included,
            )
            old_promised = await uow.orders.promised_date(order.id)
            new_promised = promised.isoformat() if promised else old_promised
            await uow.orders.adjust(order.id, totals, new_term, new_bp, new_promised)
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="order",
                entity_id=order.id,
                action=AuditAction.ADJUSTED,
                before=_terms(old_bp, order.payment_term, order.totals.total, old_promised),
                after=_terms(new_bp, new_term, totals.total, new_promised),
            )
            order = await settle(uow, self.config, order.id, actor_id=actor.id, now=now)
            await update_cards(uow, order.id, actor.id, now)  # before the managers may get one
            route = await recheck(uow, self.config, order, customer, now)
            card = await self._card(uow, order, route, actor.language)
            await uow.commit()
        return card

    async def adjust_quantity(
        self, actor: User, order_id: int, line_id: int, qty: int
    ) -> ApprovalCard:
        """Change a line's quantity before deciding (stock held or freed, totals, checks)."""
        limit = self.config.checkout.max_quantity
        if not 1 <= qty <= limit:
            raise InvalidInput(InputProblem.QUANTITY_RANGE, 1, limit)
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            order, customer = await self._to_adjust(uow, actor, order_id)
            await update_cards(uow, order.id, actor.id, now)  # before the managers may get one
            order = await apply_change(
                uow,
                self.config,
                order,
                customer,
                OrderChange(line_id=line_id, qty=qty),
                actor.id,
                now,
            )
            card = await self._card_now(uow, order.id, actor.language)
            await uow.commit()
        return card

    async def pending(self, actor: User) -> list[Waiting]:
        """What waits for this person's decision, oldest first."""
        async with self.db.unit_of_work() as uow:
            roles = await roles_of(uow, self.config, actor)
            if not decides_orders(roles):
                await authorize(
                    uow, self.config, actor, Permission.OWN_CUSTOMERS, "pending", self.clock.now()
                )
            waiting: list[Order] = []
            if is_manager(roles):
                waiting += await uow.reviews.waiting(Route.MANAGER, None, PENDING_LIMIT)
            if is_rep(roles):
                waiting += await uow.reviews.waiting(Route.REP, actor.id, PENDING_LIMIT)
            waiting = sorted(waiting, key=lambda o: (o.submitted_at, o.id))[:PENDING_LIMIT]
            customers = {i: await uow.customers.by_id(i) for i in {o.customer_id for o in waiting}}
        return [
            Waiting(order=o, customer=c)
            for o in waiting
            if (c := customers.get(o.customer_id)) is not None
        ]
