"""Custom orders (定制订单): a customer's request goes to their rep (else the managers, else the
administrators), who quotes or asks; an accepted quote becomes an order of type custom through
checkout's own submission, review and approval."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.db import UnitOfWork
from bot.domain.access import may_act_for
from bot.domain.audit import AuditAction
from bot.domain.custom_orders import MAX_PHOTOS, CustomMessage, CustomRequest, CustomState
from bot.domain.errors import (
    InputProblem,
    InvalidInput,
    OrderNotFound,
    QuoteExpired,
    RequestClosed,
)
from bot.domain.models import Cart, CartLine, Customer, OrderType, User
from bot.domain.notices import NoticeKind
from bot.services.base import Service, deny, require_customer, roles_of
from bot.services.checkout import CheckoutDraft, CheckoutService, Submission
from bot.services.customers import open_terms
from bot.services.notices import post
from bot.services.requests import request_deciders

QUOTE_VALID_MAX_DAYS = 180


class CustomDraft(BaseModel):
    """What the customer has described so far; `token` makes Send happen once."""

    model_config = ConfigDict(frozen=True)

    token: str
    text: str | None = None
    photos: tuple[str, ...] = ()
    qty: int | None = None
    wanted_date: date | None = None
    date_chosen: bool = False


class CustomRef(BaseModel):
    """A notice about a custom request, as it stands when sent."""

    model_config = ConfigDict(frozen=True)

    request_id: int


class CustomNote(BaseModel):
    """A question or an answer about a custom request."""

    model_config = ConfigDict(frozen=True)

    request_id: int
    text: str


class CustomCard(BaseModel):
    """A request with its customer and its questions and answers."""

    model_config = ConfigDict(frozen=True)

    request: CustomRequest
    customer_name: str
    messages: tuple[CustomMessage, ...] = ()
    order_number: str | None = None


class CustomOrderService(Service):
    """Custom requests: described by customers, quoted by their rep, accepted into orders."""

    async def submit(self, user: User, draft: CustomDraft) -> CustomRequest:
        """Store the request and tell those who quote it; a second Send finds the first."""
        if not draft.text or not draft.qty or not 1 <= draft.qty <= self._max_qty:
            raise InvalidInput(InputProblem.QUANTITY_RANGE, 1, self._max_qty)
        if len(draft.photos) > MAX_PHOTOS:
            raise InvalidInput(InputProblem.QUANTITY_RANGE, 0, MAX_PHOTOS)
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer = await require_customer(uow, user)
            found = await uow.custom.by_token(draft.token)
            if found is not None:
                return found
            request_id = await uow.custom.insert(
                draft.token,
                customer.id,
                draft.text,
                draft.qty,
                draft.wanted_date,
                list(draft.photos),
                now,
            )
            assert request_id is not None
            await uow.audit.record(
                at=now,
                actor_id=user.id,
                entity="custom_request",
                entity_id=request_id,
                action=AuditAction.CUSTOM_REQUESTED,
            )
            deciders = await request_deciders(uow, self.config, customer.rep_id)
            ref = CustomRef(request_id=request_id)
            await post(uow, self.config, NoticeKind.CUSTOM_REQUEST, ref, deciders, now)
            request = await uow.custom.get(request_id)
            await uow.commit()
        assert request is not None
        return request

    @property
    def _max_qty(self) -> int:
        return self.config.checkout.max_quantity

    async def card(self, request_id: int) -> CustomCard:
        """The request as a notice shows it (the notice was addressed when it was posted)."""
        async with self.db.reader() as uow:
            request = await uow.custom.get(request_id)
            if request is None:
                raise OrderNotFound()
            return await self._card(uow, request)

    async def _card(self, uow: UnitOfWork, request: CustomRequest) -> CustomCard:
        customer = await uow.customers.by_id(request.customer_id)
        order = await uow.orders.by_id(request.order_id) if request.order_id else None
        return CustomCard(
            request=request,
            customer_name=customer.name if customer else "",
            messages=tuple(await uow.custom.messages(request.id)),
            order_number=order.number if order else None,
        )

    async def _for_staff(
        self, uow: UnitOfWork, actor: User, request_id: int, action: str
    ) -> CustomRequest:
        """The request, if the actor is its customer's rep, a manager or an admin; else the
        refusal is audited and raised."""
        request = await uow.custom.get(request_id)
        customer = await uow.customers.by_id(request.customer_id) if request else None
        roles = await roles_of(uow, self.config, actor)
        if not may_act_for(roles, actor.id, customer.rep_id if customer else None):
            await deny(uow, actor, action, self.clock.now())
        if request is None:
            raise OrderNotFound()
        return request

    async def check_staff(self, actor: User, request_id: int) -> CustomCard:
        """The request, for someone about to quote or ask (refused and audited otherwise)."""
        async with self.db.unit_of_work() as uow:
            request = await self._for_staff(uow, actor, request_id, "custom_view")
            if request.state not in (CustomState.OPEN, CustomState.QUOTED):
                raise RequestClosed()
            return await self._card(uow, request)

    def quote_range(self) -> tuple[date, date]:
        """Earliest and latest valid-until dates of a quote."""
        today = self.today()
        return today, today + timedelta(QUOTE_VALID_MAX_DAYS)

    async def quote(
        self,
        actor: User,
        request_id: int,
        unit_price: int,
        lead_days: int,
        valid_until: date,
        note: str | None = None,
    ) -> CustomRequest:
        """The rep's quote: unit price, lead time, valid until; the customer is sent it."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            request = await self._for_staff(uow, actor, request_id, "custom_quote")
            earliest, latest = self.quote_range()
            if not earliest <= valid_until <= latest:
                raise InvalidInput(
                    InputProblem.DATE_RANGE, earliest.isoformat(), latest.isoformat()
                )
            if unit_price <= 0:
                raise InvalidInput(InputProblem.AMOUNT_INVALID)
            if not await uow.custom.quote(
                request_id, unit_price, lead_days, valid_until, note, actor.id, now
            ):
                raise RequestClosed()
            await uow.audit.record(
                at=now,
                actor_id=actor.id,
                entity="custom_request",
                entity_id=request_id,
                action=AuditAction.CUSTOM_QUOTED,
                before=request.state.value,
                after=f"{unit_price}x{request.qty};{lead_days}d;{valid_until.isoformat()}",
            )
            customer_user = await self._customer_user(uow, request)
            ref = CustomRef(request_id=request_id)
            await post(uow, self.config, NoticeKind.CUSTOM_QUOTE, ref, [customer_user], now)
            quoted = await uow.custom.get(request_id)
            await uow.commit()
        assert quoted is not None
        return quoted

    async def ask(self, actor: User, request_id: int, text: str) -> None:
        """A question of the rep's; the customer is sent it with a button to answer."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            request = await self._for_staff(uow, actor, request_id, "custom_ask")
            if request.state not in (CustomState.OPEN, CustomState.QUOTED):
                raise RequestClosed()
            await uow.custom.add_message(request_id, actor.id, "question", text, now)
            customer_user = await self._customer_user(uow, request)
            note = CustomNote(request_id=request_id, text=text)
            await post(uow, self.config, NoticeKind.CUSTOM_QUESTION, note, [customer_user], now)
            await uow.commit()

    async def answer(self, user: User, request_id: int, text: str) -> None:
        """The customer's answer to a question; their rep (or the deciders) are sent it."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer, request = await self._own(uow, user, request_id)
            if request.state not in (CustomState.OPEN, CustomState.QUOTED):
                raise RequestClosed()
            await uow.custom.add_message(request_id, user.id, "answer", text, now)
            deciders = await request_deciders(uow, self.config, customer.rep_id)
            note = CustomNote(request_id=request_id, text=text)
            await post(uow, self.config, NoticeKind.CUSTOM_ANSWER, note, deciders, now)
            await uow.commit()

    async def _own(
        self, uow: UnitOfWork, user: User, request_id: int
    ) -> tuple[Customer, CustomRequest]:
        """The customer's own request (another's is "not found", and audited)."""
        customer = await require_customer(uow, user)
        request = await uow.custom.get(request_id)
        if request is None or request.customer_id != customer.id:
            await deny(uow, user, "custom_not_own", self.clock.now())
        return customer, request

    async def _customer_user(self, uow: UnitOfWork, request: CustomRequest) -> User:
        customer = await uow.customers.by_id(request.customer_id)
        assert customer is not None
        user = await uow.users.by_id(customer.user_id)
        assert user is not None
        return user

    async def decline(self, user: User, request_id: int) -> CustomRequest:
        """The customer declines the quote; their rep is told."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer, _ = await self._own(uow, user, request_id)
            if not await uow.custom.decide(request_id, CustomState.DECLINED, None, now):
                raise RequestClosed()
            await self._decided(uow, user, customer, request_id, AuditAction.CUSTOM_DECLINED, now)
            declined = await uow.custom.get(request_id)
            await uow.commit()
        assert declined is not None
        return declined

    async def withdraw(self, user: User, request_id: int) -> CustomRequest:
        """The customer withdraws a request not yet accepted or declined; the rep is told."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer, _ = await self._own(uow, user, request_id)
            if not await uow.custom.withdraw(request_id, now):
                raise RequestClosed()
            await self._decided(uow, user, customer, request_id, AuditAction.CUSTOM_WITHDRAWN, now)
            withdrawn = await uow.custom.get(request_id)
            await uow.commit()
        assert withdrawn is not None
        return withdrawn

    async def _quoted(
        self, uow: UnitOfWork, user: User, request_id: int, unit_price: int
    ) -> tuple[Customer, CustomRequest]:
        """The customer's own request with the quote they were shown (its unit price), while
        valid; else refused."""
        customer, request = await self._own(uow, user, request_id)
        if request.state is not CustomState.QUOTED:
            raise RequestClosed()
        if not request.open_to_accept(self.today()) or request.unit_price != unit_price:
            raise QuoteExpired()  # an old quote's button, after a new quote: not that one
        return customer, request

    async def start_accept(self, user: User, request_id: int, unit_price: int) -> CheckoutDraft:
        """The customer pressed Accept on the quote they were shown: what checkout would ask
        them is answered where there is nothing to choose (the first offered delivery method,
        the date from the quote's lead time, no note, the payment term when only one is open
        to them); the address and the term, where there is a choice, are left to them."""
        async with self.db.unit_of_work() as uow:  # a refusal is audited
            customer, request = await self._quoted(uow, user, request_id, unit_price)
            draft = await self._draft(uow, customer, request)
            terms = await open_terms(uow, self.config, customer)
        method = self.config.delivery[0]
        return draft.model_copy(
            update={
                "delivery": method.code,
                "address": None,
                "term": terms[0].code if len(terms) == 1 else None,
            }
        )

    async def accept(
        self,
        user: User,
        request_id: int,
        unit_price: int,
        choices: CheckoutDraft | None = None,
    ) -> Submission:
        """The customer accepts the quote they were shown (its unit price), while valid and
        once: an order of type custom is submitted, reviewed and approved like any other, with
        the delivery address and payment term they chose (checked as checkout checks them;
        without choices, their latest address and the first default term), the quote's lead
        time as its promised date (and wanted date, within checkout's range)."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            customer, request = await self._quoted(uow, user, request_id, unit_price)
            cart = await self._cart(uow, request, now)
            draft = await self._draft(uow, customer, request)
            if choices is not None:
                chosen = ("delivery", "address", "term")
                draft = draft.model_copy(update={k: getattr(choices, k) for k in chosen})
            checkout = CheckoutService(self.db, self.config, self.clock)
            submission = await checkout.create_in(
                uow, customer, cart, draft, user.id, now, OrderType.CUSTOM
            )
            if submission.created and request.lead_days:
                ready = self.today() + timedelta(request.lead_days)
                await uow.orders.set_promised(submission.order.id, ready.isoformat())
            if not await uow.custom.decide(
                request_id, CustomState.ACCEPTED, submission.order.id, now
            ):
                raise RequestClosed()
            await self._decided(uow, user, customer, request_id, AuditAction.CUSTOM_ACCEPTED, now)
            await uow.commit()
        return submission

    async def _cart(self, uow: UnitOfWork, request: CustomRequest, now: datetime) -> Cart:
        """One line of the non-catalog product CUSTOM at the quoted price, named by the text."""
        price = request.unit_price or 0
        line = CartLine(
            product_id=await uow.custom.product_id(now),
            sku="CUSTOM",
            name=request.text.replace("\n", " ")[:200],
            qty=request.qty,
            base_price=price,
            unit_price=price,
            total=price * request.qty,
            available=0,
            preorder=True,  # made to order: nothing is reserved from stock
            active=True,
        )
        return Cart(lines=(line,))

    async def _draft(
        self, uow: UnitOfWork, customer: Customer, request: CustomRequest
    ) -> CheckoutDraft:
        method = self.config.delivery[0]
        address = None
        if method.needs_address:
            saved = await uow.customers.addresses(customer.id, limit=1)
            if saved:
                address = saved[0].text
            else:
                method = next((m for m in self.config.delivery if not m.needs_address), method)
        c = self.config.checkout
        today = self.today()
        earliest, latest = today + timedelta(c.min_lead_days), today + timedelta(c.max_lead_days)
        ready = today + timedelta(request.lead_days) if request.lead_days else None
        wanted = ready if ready and earliest <= ready <= latest else request.wanted_date
        if wanted and not earliest <= wanted <= latest:
            wanted = None
        return CheckoutDraft(
            token=f"custom-{request.id}",
            delivery=method.code,
            address=address,
            desired_date=wanted,
            date_chosen=True,
            term=c.default_payment_terms[0],
            note=None,
            note_chosen=True,
        )

    async def _decided(
        self,
        uow: UnitOfWork,
        user: User,
        customer: Customer,
        request_id: int,
        action: AuditAction,
        now: datetime,
    ) -> None:
        await uow.audit.record(
            at=now, actor_id=user.id, entity="custom_request", entity_id=request_id, action=action
        )
        deciders = await request_deciders(uow, self.config, customer.rep_id)
        ref = CustomRef(request_id=request_id)
        await post(uow, self.config, NoticeKind.CUSTOM_DECIDED, ref, deciders, now)
