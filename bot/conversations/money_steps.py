"""The steps recording a payment and recording a refund share: the amount (typed, or all of
it), the method pressed, the day (today or typed), the confirmation recorded once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum

from pydantic import AliasChoices, BaseModel, Field
from telegram import Update
from telegram.ext import ConversationHandler

from bot.conversations.common import Drafts, message_text
from bot.domain.errors import DraftIncomplete
from bot.domain.parsing import parse_date, parse_money
from bot.domain.payments import Method
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.i18n import Texts
from bot.ui.callbacks import BadCallback, parse
from bot.ui.screen import Screen


class State(IntEnum):
    """Steps of recording a payment or a refund."""

    NUMBER = 1
    AMOUNT = 2
    METHOD = 3
    DATE = 4
    CONFIRM = 5


class MoneyDraft(BaseModel):
    """The order (id and number), what it owed (a payment) or had due to be paid back (a
    refund) when the flow began: the "All of it" amount; what is entered so far. `token` makes
    the confirmation record it once, even pressed again later."""

    order: int
    number: str
    token: str
    full: int = Field(validation_alias=AliasChoices("full", "owed", "due"))
    amount: int | None = None
    method: Method | None = None
    day: date | None = None

    def entered(self) -> tuple[int, Method, date]:
        """Amount, method and day, all entered (else DraftIncomplete)."""
        if self.amount is None or self.method is None or self.day is None:
            raise DraftIncomplete()
        return self.amount, self.method, self.day


@dataclass(frozen=True)
class MoneySteps:
    """One flow's shared steps: its drafts, the service check of an amount (refusing it keeps
    the step), its screens, and how its confirmation is recorded."""

    drafts: Drafts[MoneyDraft]
    check: Callable[[BotContext, MoneyDraft, int], Awaitable[object]]
    ask_method: Callable[[Texts], Screen]
    ask_date: Callable[[Texts], Screen]
    confirm: Callable[[BotContext, MoneyDraft], Awaitable[Screen]]
    recorded: Callable[[BotContext, MoneyDraft], Awaitable[Screen]]

    async def _to_method(self, update: Update, context: BotContext, amount: int) -> State:
        await self.check(context, self.drafts.load(context), amount)
        self.drafts.update(context, amount=amount)
        await show(update, context, self.ask_method(context.t))
        return State.METHOD

    async def got_amount(self, update: Update, context: BotContext) -> State:
        """An amount typed."""
        digits = context.config.business.minor_digits
        return await self._to_method(update, context, parse_money(message_text(update), digits))

    async def full_amount(self, update: Update, context: BotContext) -> State:
        """The "All of it" button."""
        await answer(update)
        return await self._to_method(update, context, self.drafts.load(context).full)

    async def got_method(self, update: Update, context: BotContext) -> State:
        """A method pressed."""
        value = parse(update.callback_query.data if update.callback_query else None).text(0)
        if value not in Method._value2member_map_:
            raise BadCallback(value)
        self.drafts.update(context, method=Method(value))
        await answer(update)
        await show(update, context, self.ask_date(context.t))
        return State.DATE

    async def _to_confirm(self, update: Update, context: BotContext, day: date) -> State:
        draft = self.drafts.update(context, day=day)
        await show(update, context, await self.confirm(context, draft))
        return State.CONFIRM

    async def today(self, update: Update, context: BotContext) -> State:
        """The "Today" button."""
        await answer(update)
        return await self._to_confirm(update, context, context.services.finance.today())

    async def got_date(self, update: Update, context: BotContext) -> State:
        """A date typed: up to a year back, not in the future."""
        day = parse_date(message_text(update), context.services.finance.today(), -365, 0)
        return await self._to_confirm(update, context, day)

    async def record(self, update: Update, context: BotContext) -> int:
        """The confirmation: recorded (once); the customer's receipt goes through the outbox."""
        screen = await self.recorded(context, self.drafts.load(context))
        self.drafts.drop(context)
        await answer(update)
        await show(update, context, screen)
        return ConversationHandler.END
