"""Telegram Business: connections of sellers' accounts, and what OrderDesk answers their
customers in those chats (order status, an invoice, a quick order) — or leaves to the seller."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from bot.domain.business import (
    Ask,
    BusinessChat,
    Connection,
    Refused,
    may_connect,
    order_number,
    read_ask,
    read_switch,
)
from bot.domain.errors import DomainError, NotAllowed, NotInvoiced, OrderNotFound
from bot.domain.models import Language, Order, OrderDetail, Page, User
from bot.services.base import Service, deny, roles_of
from bot.services.invoices import InvoiceDocument, InvoiceService
from bot.services.orders import OrderService
from bot.services.quick_order import QuickOrderService, QuickView

CHATS_SHOWN = 20  # per connection in /business


class Said(StrEnum):
    """What OrderDesk answers in a customer's business chat."""

    REGISTER = "register"  # not a customer yet: how to register with the bot
    ORDERS = "orders"  # their orders
    ORDER = "order"  # one order
    INVOICE = "invoice"  # an invoice PDF
    NOT_INVOICED = "not_invoiced"  # the order has no invoice yet
    QUICK = "quick"  # the quick order understood, with a link into the bot to confirm it
    PROBLEM = "problem"  # a domain error told (no such order …)


class BusinessAnswer(BaseModel):
    """An answer for a business chat, on behalf of the seller's account."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    connection_id: str
    chat_id: int
    said: Said
    language: Language
    time_zone: str | None = None
    orders: Page[Order] | None = None
    detail: OrderDetail | None = None
    invoice: InvoiceDocument | None = None
    quick: QuickView | None = None
    problem: DomainError | None = None


class Overview(BaseModel):
    """A seller's connections, each with its recorded customer chats."""

    model_config = ConfigDict(frozen=True)

    connections: tuple[tuple[Connection, tuple[BusinessChat, ...]], ...]


class BusinessService(Service):
    """Connections, answers in business chats and the seller's switches."""

    async def connected(
        self,
        connection_id: str,
        telegram_user_id: int,
        user_chat_id: int,
        is_enabled: bool,
        can_reply: bool,
    ) -> Connection:
        """Record a connection (new, changed or ended) as Telegram reports it; one made by
        someone who is not an OrderDesk admin or sales manager is recorded switched off."""
        now = self.clock.now()
        async with self.db.unit_of_work(claims_update=True) as uow:
            user = await uow.users.by_telegram_id(telegram_user_id)
            staff = user is not None and may_connect(await roles_of(uow, self.config, user))
            connection = await uow.business.save(
                connection_id,
                telegram_user_id,
                user_chat_id,
                user.id if user else None,
                is_enabled,
                can_reply,
                None if staff else Refused.NOT_STAFF,
                now,
            )
            await uow.commit()
        return connection

    async def _owner(self, connection: Connection) -> User | None:
        """The connection's owner while they are still an admin or sales manager."""
        async with self.db.reader() as uow:
            user = await uow.users.by_telegram_id(connection.telegram_user_id)
            if user is None or not may_connect(await roles_of(uow, self.config, user)):
                return None
        return user

    async def _seller_wrote(self, connection_id: str, chat_id: int, title: str, text: str) -> None:
        """The seller's own message in a customer chat: "/orderdesk off|on" switches OrderDesk
        in that chat; anything else is theirs alone."""
        on = read_switch(text)
        if on is None:
            return
        async with self.db.reader() as uow:
            connection = await uow.business.by_connection_id(connection_id)
        owner = await self._owner(connection) if connection else None
        if connection is None or owner is None:
            return  # not ours to switch: nothing is recorded
        async with self.db.unit_of_work(claims_update=True) as uow:
            await uow.business.switch_chat(
                connection.id, chat_id, title[:64], on, owner.id, self.clock.now()
            )
            await uow.commit()

    async def answer(
        self,
        connection_id: str,
        chat_id: int,
        title: str,
        writer: int,
        language_code: str | None,
        text: str,
    ) -> BusinessAnswer | None:
        """What to answer a customer's message in a business chat; None to stay silent (not
        ours to answer, switched off, or not a question OrderDesk answers). The seller's own
        messages are never answered ("/orderdesk off|on" switches the chat)."""
        async with self.db.reader() as uow:
            connection = await uow.business.by_connection_id(connection_id)
            chat = await uow.business.chat(connection.id, chat_id) if connection else None
            user = await uow.users.by_telegram_id(writer)
            customer = await uow.customers.by_user(user.id) if user else None
        if connection is not None and writer == connection.telegram_user_id:
            await self._seller_wrote(connection_id, chat_id, title, text)
            return None
        if connection is None or not connection.answers or (chat is not None and not chat.on):
            return None
        if await self._owner(connection) is None:
            return None
        asked = read_ask(text)
        if asked is None:
            return None
        if user is None or customer is None:
            if asked.ask is Ask.QUICK:
                return None  # small talk from a stranger is the seller's to answer
            language = Language.from_telegram(language_code, self.config.business.default_language)
            answer: BusinessAnswer | None = BusinessAnswer(
                connection_id=connection_id, chat_id=chat_id, said=Said.REGISTER, language=language
            )
        else:
            blank = BusinessAnswer(
                connection_id=connection_id,
                chat_id=chat_id,
                said=Said.ORDERS,
                language=user.language,
                time_zone=user.time_zone,
            )
            answer = await self._answer(blank, user, asked.ask, asked.number, text)
        if answer is None:
            return None
        # Not the update's purpose: one delivered again after a crash is answered again.
        async with self.db.unit_of_work(claims_update=False) as uow:
            await uow.business.seen(connection.id, chat_id, title[:64], self.clock.now())
            await uow.commit()
        return answer

    async def _answer(
        self, blank: BusinessAnswer, user: User, ask: Ask, number: str | None, text: str
    ) -> BusinessAnswer | None:
        """A customer's question answered with the services /track, /invoice and quick
        order use."""
        orders = OrderService(self.db, self.config, self.clock)
        try:
            if ask is Ask.STATUS:
                page = await orders.page(user, 0)
                return blank.model_copy(update={"said": Said.ORDERS, "orders": page})
            if ask is Ask.ORDER:
                detail = await orders.detail(user, number=number)
                return blank.model_copy(update={"said": Said.ORDER, "detail": detail})
            if ask is Ask.INVOICE:
                key = order_number(number or "") or (number or "")
                invoices = InvoiceService(self.db, self.config, self.clock)
                try:
                    doc = await invoices.document(user, key)
                except NotInvoiced:
                    return blank.model_copy(update={"said": Said.NOT_INVOICED})
                except NotAllowed:
                    raise OrderNotFound() from None  # another customer's: as if none
                return blank.model_copy(update={"said": Said.INVOICE, "invoice": doc})
        except DomainError as error:
            return blank.model_copy(update={"said": Said.PROBLEM, "problem": error})
        view = await QuickOrderService(self.db, self.config, self.clock).offer(user, text)
        return blank.model_copy(update={"said": Said.QUICK, "quick": view}) if view else None

    async def overview(self, actor: User) -> Overview:
        """/business: the actor's connections and chats (admins and sales managers only)."""
        async with self.db.unit_of_work() as uow:
            if not may_connect(await roles_of(uow, self.config, actor)):
                await deny(uow, actor, "business", self.clock.now())
            connections = await uow.business.of_owner(actor.telegram_id)
            found = [(c, tuple(await uow.business.chats(c.id, CHATS_SHOWN))) for c in connections]
        return Overview(connections=tuple(found))

    async def switch(self, actor: User, connection_ref: int, on: bool) -> Overview:
        """The master switch of one of the actor's connections."""
        async with self.db.unit_of_work() as uow:
            connection = await uow.business.by_id(connection_ref)
            roles = await roles_of(uow, self.config, actor)
            if (
                connection is None
                or connection.telegram_user_id != actor.telegram_id
                or not may_connect(roles)
                or connection.refused is not None
            ):
                await deny(uow, actor, "business switch", self.clock.now())
            await uow.business.set_enabled(connection.id, on, self.clock.now())
            await uow.commit()
        return await self.overview(actor)

    async def switch_chat(self, actor: User, chat_ref: int, on: bool) -> Overview:
        """Switch OrderDesk off (or on) in one customer chat of the actor's connections."""
        now = self.clock.now()
        async with self.db.unit_of_work() as uow:
            chat = await uow.business.chat_by_id(chat_ref)
            connection = await uow.business.by_id(chat.connection) if chat else None
            roles = await roles_of(uow, self.config, actor)
            if (
                chat is None
                or connection is None
                or connection.telegram_user_id != actor.telegram_id
                or not may_connect(roles)
            ):
                await deny(uow, actor, "business chat switch", now)
            await uow.business.switch_chat(
                connection.id, chat.chat_id, chat.title, on, actor.id, now
            )
            await uow.commit()
        return await self.overview(actor)
