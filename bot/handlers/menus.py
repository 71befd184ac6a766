"""Command menus: customers' commands, plus each staff role's, in the person's language."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from bot.domain.roles import Role
from bot.i18n import N_, Texts

log = logging.getLogger(__name__)

CUSTOMER_COMMANDS = (
    ("catalog", N_("Browse the catalog")),
    ("search", N_("Find a product by name or SKU")),
    ("quick", N_("Quick order: type what you need")),
    ("cart", N_("Your cart")),
    ("checkout", N_("Check out the cart")),
    ("orders", N_("Your orders")),
    ("track", N_("Track an order by number")),
    ("language", N_("Change the language")),
    ("timezone", N_("Your time zone")),
    ("help", N_("What this bot can do")),
)

STAFF_COMMANDS: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.ADMIN: (
        ("pending", N_("Orders waiting for your decision")),
        ("order", N_("One order: /order NUMBER")),
        ("customer", N_("Find a customer: /customer NAME")),
        ("batch", N_("Orders for several customers from a file")),
        ("ship", N_("Orders to ship")),
        ("payment", N_("Record a payment")),
        ("receivables", N_("What customers owe, by age")),
        ("report", N_("Sales, KPIs and ratings, with a chart")),
        ("export", N_("Orders, payments, receivables as a spreadsheet")),
        ("staff", N_("Staff and their roles")),
        ("invite", N_("Invite staff, e.g. /invite warehouse")),
    ),
    Role.SALES_MANAGER: (
        ("pending", N_("Orders waiting for your decision")),
        ("order", N_("One order: /order NUMBER")),
        ("customer", N_("Find a customer: /customer NAME")),
        ("batch", N_("Orders for several customers from a file")),
        ("receivables", N_("What customers owe, by age")),
        ("report", N_("Sales, KPIs and ratings, with a chart")),
        ("export", N_("Orders, payments, receivables as a spreadsheet")),
    ),
    Role.WAREHOUSE: (("ship", N_("Orders to ship")), ("order", N_("One order: /order NUMBER"))),
    Role.FINANCE: (
        ("order", N_("One order: /order NUMBER")),
        ("payment", N_("Record a payment")),
        ("invoice", N_("Issue an invoice: /invoice NUMBER")),
        ("receivables", N_("What customers owe, by age")),
        ("export", N_("Orders, payments, receivables as a spreadsheet")),
    ),
    Role.SALES_REP: (
        ("pending", N_("Orders waiting for your decision")),
        ("order", N_("One order: /order NUMBER")),
        ("customer", N_("Find a customer: /customer NAME")),
        ("mylink", N_("Your link for new customers")),
        ("batch", N_("Orders for several customers from a file")),
    ),
}


def commands(roles: frozenset[Role]) -> list[tuple[str, str]]:
    """Commands for a person with these roles: staff commands first."""
    staff = [c for role in Role if role in roles for c in STAFF_COMMANDS.get(role, ())]
    unique = list(dict.fromkeys(staff))
    return unique + list(CUSTOMER_COMMANDS)


def command_menu(t: Texts, roles: frozenset[Role] = frozenset()) -> list[BotCommand]:
    """The command menu in a language."""
    return [BotCommand(name, t._(description)) for name, description in commands(roles)]


async def set_chat_menu(bot: Bot, chat_id: int, t: Texts, roles: frozenset[Role]) -> None:
    """Give one private chat its own menu (roles, language); failures are only logged."""
    try:
        await bot.set_my_commands(command_menu(t, roles), scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        log.warning("could not set the command menu of chat %s: %s", chat_id, error)
