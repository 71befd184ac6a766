"""The callback context of OrderDesk: services, configuration, the person and their language."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Config
from bot.domain.models import User
from bot.i18n import I18n, Texts
from bot.runtime.offload import Offload
from bot.services import Services

SERVICES, CONFIG, I18N, OFFLOAD = "services", "config", "i18n", "offload"


class BotContext(CallbackContext[ExtBot[None], dict[str, Any], dict[str, Any], dict[str, Any]]):
    """CallbackContext with typed access to what the composition root put in bot_data."""

    person: User
    t: Texts

    @property
    def services(self) -> Services:
        """All services."""
        return self.bot_data[SERVICES]

    @property
    def config(self) -> Config:
        """The configuration."""
        return self.bot_data[CONFIG]

    @property
    def i18n(self) -> I18n:
        """All catalogs."""
        return self.bot_data[I18N]

    @property
    def offload(self) -> Offload:
        """The worker processes for heavy work (PDFs, charts)."""
        return self.bot_data[OFFLOAD]


App = Application[ExtBot[None], BotContext, dict[str, Any], dict[str, Any], dict[str, Any], Any]


async def identify(update: object, context: BotContext) -> None:
    """Before any handler: know who is talking and in which language (group -1)."""
    if not isinstance(update, Update) or update.effective_user is None:
        return
    if update.business_message or update.edited_business_message:
        return  # a seller's customer writing to the seller has not met the bot
    tg = update.effective_user
    member = update.my_chat_member
    # Blocking the bot is not being back; anything else from them is.
    present = member is None or member.new_chat_member.status != "kicked"
    person = await context.services.users.identify(
        tg.id, tg.first_name, tg.username, tg.language_code, present=present
    )
    context.person = person
    context.t = context.i18n.texts(person.language, person.time_zone)
