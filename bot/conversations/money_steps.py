"""The steps recording a payment and recording a refund share: the amount (typed, or all of
it), the method pressed, the day (today or typed), the confirmation recorded once."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from enum import IntEnum
from typing import Any, Generic, TypeVar

from pydantic import AliasChoices, BaseModel, Field
from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ConversationHandler

from bot.conversations.common import (
    Drafts,
    Step,
    leave_without_saving,
    message_text,
    pressed,
    typed,
)
from bot.domain.errors import DraftIncomplete
from bot.domain.models import User
from bot.domain.parsing import parse_date, parse_money
from bot.domain.payments import Method
from bot.handlers.context import BotContext
from bot.handlers.render import answer, show
from bot.handlers.routes import data_of, on_press
from bot.i18n import Texts
from bot.services.finance import FinanceService
from bot.ui import actions
from bot.ui.callbacks import BadCallback
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


R = TypeVar("R")


@dataclass(frozen=True)
class MoneySteps(Generic[R]):
    """One flow's shared steps: its buttons (the same actions in its own area), its drafts,
    the finance service's check of an amount (refusing it keeps the step) and its recording,
    and its screens."""

    buttons: type[actions.Payment] | type[actions.Refund]
    drafts: Drafts[MoneyDraft]
    check: Callable[[FinanceService, User, int, int], Awaitable[object]]
    record_with: Callable[[FinanceService, User, int, int, Method, date, str | None], Awaitable[R]]
    ask_method: Callable[[Texts], Screen]
    ask_date: Callable[[Texts], Screen]
    confirm: Callable[[BotContext, MoneyDraft], Awaitable[Screen]]
    recorded: Callable[[Texts, R], Screen]

    def states(self) -> dict[object, Step]:
        """The shared steps, for the flow's ConversationHandler."""
        b = self.buttons
        return {
            State.AMOUNT: typed(self.got_amount, (b.FULL, self.full_amount)),
            State.METHOD: pressed((b.METHOD, self.got_method)),
            State.DATE: typed(self.got_date, (b.TODAY, self.today)),
            State.CONFIRM: pressed((b.CONFIRM, self.record)),
        }

    def fallbacks(self) -> list[BaseHandler[Update, BotContext, Any]]:
        """/cancel or the Cancel button: nothing recorded."""
        leave = leave_without_saving(self.drafts)
        return [
            CommandHandler("cancel", leave),
            on_press(leave, self.buttons.CANCEL),
        ]

    async def _to_method(self, update: Update, context: BotContext, amount: int) -> State:
        order = self.drafts.load(context).order
        await self.check(context.services.finance, context.person, order, amount)
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
        value = data_of(update).text(0)
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
        draft = self.drafts.load(context)
        amount, method, day = draft.entered()
        result = await self.record_with(
            context.services.finance, context.person, draft.order, amount, method, day, draft.token
        )
        self.drafts.drop(context)
        await answer(update)
        await show(update, context, self.recorded(context.t, result))
        return ConversationHandler.END
