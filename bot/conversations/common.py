"""Pieces every conversation uses: step shapes, drafts, leaving without saving."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Coroutine
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.domain.errors import DraftIncomplete
from bot.handlers.context import BotContext
from bot.handlers.render import answer, reply, say
from bot.handlers.routes import on_press
from bot.ui.callbacks import Action

# Anything a person sends that is not a command: text, stickers, photos, contacts, locations.
NOT_COMMAND = filters.UpdateType.MESSAGE & ~filters.COMMAND
TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, Any]]
Step = list[BaseHandler[Update, BotContext, Any]]


async def text_please(update: Update, context: BotContext) -> None:
    """A sticker or photo where text was asked: say so; the state stays."""
    await reply(update, context, context.t._("Please answer with text, or send /cancel."))


async def buttons_please(update: Update, context: BotContext) -> None:
    """Typing where a button was asked: say so; the state stays."""
    await reply(update, context, context.t._("Please use the buttons above, or send /cancel."))


def typed(on_text: Callback, *buttons: tuple[Action, Callback]) -> Step:
    """A step answered by typing (or by one of these buttons); anything else: "text, please"."""
    return [
        *(on_press(callback, action) for action, callback in buttons),
        MessageHandler(TEXT, on_text),
        MessageHandler(NOT_COMMAND, text_please),
    ]


def pressed(*buttons: tuple[Action, Callback]) -> Step:
    """A step answered by buttons only; typing gets "use the buttons"."""
    return [
        *(on_press(callback, action) for action, callback in buttons),
        MessageHandler(NOT_COMMAND, buttons_please),
    ]


def message_text(update: Update) -> str:
    """The text of the message being handled."""
    return update.effective_message.text or "" if update.effective_message else ""


M = TypeVar("M", bound=BaseModel)


class OrderDraft(BaseModel):
    """The draft of a flow about one order (a reason or a comment still to type)."""

    order: int


class CustomerDraft(BaseModel):
    """The draft of a flow about one customer (a value still to type)."""

    customer: int


class Drafts(Generic[M]):
    """Where one flow keeps its typed draft: `user_data[key]`, stored as the model's plain JSON
    dict (what the persistence writes) and validated when read back. text: stored as one JSON
    text instead, for a big draft (a batch's 667 orders): PTB deep-copies a person's user_data
    after each of their updates, which took ~8 ms of the event loop for that dict and takes
    nothing for a text (benchmarks/no_stall.py)."""

    def __init__(self, key: str, model: type[M], *, text: bool = False) -> None:
        self.key = key
        self.model = model
        self.text = text

    def load(self, context: BotContext) -> M:
        """The draft so far; DraftIncomplete if there is none or it is not one of this flow's
        (a stale button, or a draft stored by an older version): the person starts again."""
        raw = (context.user_data or {}).get(self.key)
        if not raw:
            raise DraftIncomplete()
        try:
            if isinstance(raw, str):
                return self.model.model_validate_json(raw)
            return self.model.model_validate(raw)
        except ValidationError:
            raise DraftIncomplete() from None

    def save(self, context: BotContext, draft: M) -> M:
        """Keep the draft (as plain JSON) for the next step."""
        if context.user_data is not None:
            context.user_data[self.key] = (
                draft.model_dump_json() if self.text else draft.model_dump(mode="json")
            )
        return draft

    def update(self, context: BotContext, **changes: object) -> M:
        """The draft with these fields changed (validated), kept."""
        draft = self.model.model_validate({**self.load(context).model_dump(), **changes})
        return self.save(context, draft)

    def drop(self, context: BotContext) -> None:
        """Forget the draft once it is saved or abandoned."""
        if context.user_data is not None:
            context.user_data.pop(self.key, None)


def leave_without_saving(drafts: Drafts[Any]) -> Callback:
    """/cancel (or a Cancel button): forget the draft, say nothing was recorded, end."""

    async def leave(update: Update, context: BotContext) -> int:
        """Nothing is recorded."""
        drafts.drop(context)
        await answer(update)
        await say(update, context, context.t._("Nothing recorded."))
        return ConversationHandler.END

    return leave


PLAIN = re.compile("").flags  # a string pattern compiled with no flags of its own


class Conversation(ConversationHandler[BotContext]):
    """A ConversationHandler that turns a button press away at once when none of its handlers
    could take it. Every update is offered to each of the 27 conversations in turn,
    and each asks its handlers one by one: 8.5 % of the event loop's time in the order flow
    (benchmarks/throughput.py --profile), mostly for presses of the catalog and the cart, which
    no conversation takes.

    The answer is the same as PTB's: a press with data (a non-empty string) can only be taken
    by a CallbackQueryHandler whose pattern matches it. A CommandHandler or MessageHandler never
    takes one (their filters want a message), in any state. So when all of a conversation's
    handlers are of those three kinds with string patterns, one regex made of all the patterns
    decides; otherwise PTB's own check runs for every update."""

    __slots__ = ("_presses",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._presses = _presses(self)

    def check_update(self, update: object) -> Any:
        """None for a press no handler here takes; otherwise PTB's check."""
        query = update.callback_query if isinstance(update, Update) else None
        data = query.data if query is not None else None
        presses = self._presses
        if presses is not None and isinstance(data, str) and data and not presses.match(data):
            return None
        return super().check_update(update)


def _presses(handler: ConversationHandler[BotContext]) -> re.Pattern[str] | None:
    """The patterns of all the presses the conversation takes, in any state, as one regex; None
    when a handler might take others."""
    handlers = [
        *handler.entry_points,
        *(h for step in handler.states.values() for h in step),
        *handler.fallbacks,
    ]
    patterns = []
    for h in handlers:
        if h.block is False:
            return None  # PTB resolves a non-blocking handler's pending state in its check
        if isinstance(h, CallbackQueryHandler):
            pattern = h.pattern  # PTB compiles a string
            if not isinstance(pattern, re.Pattern) or pattern.flags != PLAIN:
                return None
            patterns.append(pattern.pattern)
        elif not isinstance(h, CommandHandler | MessageHandler):
            return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns) or "(?!)")
    except re.error:
        return None


def conversation(name: str, **kwargs: Any) -> Conversation:
    """A persistent ConversationHandler that may be re-entered from its entry points."""
    with warnings.catch_warnings():
        # Our flows mix typed and pressed steps on purpose, keyed by chat and user, not message.
        warnings.filterwarnings(
            "ignore", message=r"If 'per_message=False'", category=PTBUserWarning
        )
        return Conversation(name=name, persistent=True, allow_reentry=True, **kwargs)
