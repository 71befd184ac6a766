"""Command menus: customers' commands, plus each staff role's, in the person's language.

The menus everyone sees are set at start-up in the background (set_in_background): a Bot API
that fails then (a 5xx, a timeout, a 400 such as a description too long) must not stop the bot
from serving. Failed menus are tried again after PAUSES, on the job queue, so that a stop
drops the waiting attempts (JobQueue.stop) instead of waiting for them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import timedelta
from typing import Any, NamedTuple, cast

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.domain.access import may_edit_catalog
from bot.domain.models import Language
from bot.domain.roles import Role
from bot.handlers.context import CONFIG, I18N, SERVICES, App, BotContext
from bot.i18n import N_, I18n, Texts

log = logging.getLogger(__name__)

# Seconds before the second, third … attempt at the menus still unset; then they are left
# (logged) until the next start.
PAUSES = (1.0, 5.0, 30.0, 120.0, 600.0)


class Menu(NamedTuple):
    """A menu to set: for a language (None: everyone else), or for one private chat."""

    language: str | None
    commands: list[BotCommand]
    chat_id: int | None = None

    def label(self) -> str:
        """What the logs call it."""
        if self.chat_id is not None:
            return f"chat {self.chat_id}"
        return self.language or "default"


_first_attempts: set[asyncio.Task[None]] = set()  # kept referenced until done

CUSTOMER_COMMANDS = (
    ("catalog", N_("Browse the catalog")),
    ("search", N_("Find a product by name or SKU")),
    ("quick", N_("Quick order: type what you need")),
    ("cart", N_("Your cart")),
    ("checkout", N_("Check out the cart")),
    ("orders", N_("Your orders")),
    ("track", N_("Track an order by number")),
    ("statement", N_("Statement of account: invoices, payments, balance")),
    ("custom", N_("Custom order: describe what you need, get a quote")),
    ("profile", N_("Your name, phone, company and addresses")),
    ("language", N_("Change the language")),
    ("timezone", N_("Your time zone")),
    ("help", N_("What this bot can do")),
)

# Staff's /orders (customers keep their own, CUSTOMER_COMMANDS); `/orders help` explains more.
ORDERS_COMMAND = (
    "orders",
    N_("Find orders: /orders acme · late · status:approved · from:2026-11-01 to:2026-11-30"),
)

PRODUCTS_COMMAND = ("products", N_("Add and edit products, prices, photos"))

STAFF_COMMANDS: dict[Role, tuple[tuple[str, str], ...]] = {
    Role.ADMIN: (
        ("pending", N_("Orders waiting for your decision")),
        ("order", N_("One order: /order NUMBER")),
        ORDERS_COMMAND,
        ("customer", N_("Find a customer: /customer NAME")),
        ("batch", N_("Orders for several customers from a file")),
        ("ship", N_("Orders to ship")),
        PRODUCTS_COMMAND,
        ("receive", N_("Goods arrived: /receive SKU QTY")),
        ("adjust", N_("Correct stock: /adjust SKU ±QTY reason")),
        ("stock", N_("Stock: on hand, reserved, available")),
        ("payment", N_("Record a payment")),
        ("refund", N_("Record money paid back")),
        ("receivables", N_("What customers owe, by age")),
        ("report", N_("Sales, KPIs and ratings, with a chart")),
        ("export", N_("Orders, payments, receivables as a spreadsheet")),
        ("business", N_("Telegram Business: answers in your own chats")),
        ("staff", N_("Staff and their roles")),
        ("invite", N_("Invite staff, e.g. /invite warehouse")),
    ),
    Role.SALES_MANAGER: (
        ("pending", N_("Orders waiting for your decision")),
        ("order", N_("One order: /order NUMBER")),
        ORDERS_COMMAND,
        ("customer", N_("Find a customer: /customer NAME")),
        ("batch", N_("Orders for several customers from a file")),
        ("receivables", N_("What customers owe, by age")),
        ("report", N_("Sales, KPIs and ratings, with a chart")),
        ("export", N_("Orders, payments, receivables as a spreadsheet")),
        ("stock", N_("Stock: on hand, reserved, available")),
        ("business", N_("Telegram Business: answers in your own chats")),
    ),
    Role.WAREHOUSE: (
        ("ship", N_("Orders to ship")),
        ("order", N_("One order: /order NUMBER")),
        ORDERS_COMMAND,
        ("receive", N_("Goods arrived: /receive SKU QTY")),
        ("adjust", N_("Correct stock: /adjust SKU ±QTY reason")),
        ("stock", N_("Stock: on hand, reserved, available")),
    ),
    Role.FINANCE: (
        ("order", N_("One order: /order NUMBER")),
        ORDERS_COMMAND,
        ("payment", N_("Record a payment")),
        ("refund", N_("Record money paid back")),
        ("invoice", N_("Issue an invoice: /invoice NUMBER")),
        ("receivables", N_("What customers owe, by age")),
        ("export", N_("Orders, payments, receivables as a spreadsheet")),
    ),
    Role.SALES_REP: (
        ("pending", N_("Orders waiting for your decision")),
        ("order", N_("One order: /order NUMBER")),
        ORDERS_COMMAND,
        ("customer", N_("Find a customer: /customer NAME")),
        ("mylink", N_("Your link for new customers")),
        ("batch", N_("Orders for several customers from a file")),
    ),
}


def commands(roles: frozenset[Role], *, managers_edit: bool = False) -> list[tuple[str, str]]:
    """Commands for a person with these roles: staff commands first (a staff command replaces
    the customer's of the same name, e.g. /orders); /products for a sales manager too when
    the configuration lets managers edit the catalog (`access.may_edit_catalog`)."""
    staff = [c for role in Role if role in roles for c in STAFF_COMMANDS.get(role, ())]
    if may_edit_catalog(roles, managers_edit):
        staff.append(PRODUCTS_COMMAND)
    unique = list(dict.fromkeys(staff))
    names = {name for name, _ in unique}
    return unique + [c for c in CUSTOMER_COMMANDS if c[0] not in names]


def command_menu(
    t: Texts, roles: frozenset[Role] = frozenset(), *, managers_edit: bool = False
) -> list[BotCommand]:
    """The command menu in a language."""
    found = commands(roles, managers_edit=managers_edit)
    return [BotCommand(name, t._(description)) for name, description in found]


async def set_chat_menu(
    bot: Bot, chat_id: int, t: Texts, roles: frozenset[Role], *, managers_edit: bool = False
) -> None:
    """Give one private chat its own menu (roles, language); failures are only logged."""
    menu = command_menu(t, roles, managers_edit=managers_edit)
    try:
        await bot.set_my_commands(menu, scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        log.warning("could not set the command menu of chat %s: %s", chat_id, error)


def start_up_menus(i18n: I18n, default: Language) -> list[Menu]:
    """The menu in each language, and the one for everyone else (in the default language)."""
    menus = [Menu(language.value, command_menu(i18n.texts(language))) for language in Language]
    return [*menus, Menu(None, command_menu(i18n.texts(default)))]


def set_in_background(app: App, menus: list[Menu]) -> None:
    """Set these menus without holding up start-up; failures are logged and tried again."""
    _background(_attempt(app, menus, 0), "command menus")


def set_staff_menus_in_background(app: App) -> None:
    """Give everyone who holds a role (stored, or an administrator by the configuration) the
    menu of their roles in their private chat, as set_in_background does the shared ones:
    staff seeded outside the bot would otherwise see only the customers' commands."""
    _background(_staff_menus(app), "staff command menus")


def _background(work: Coroutine[Any, Any, None], name: str) -> None:
    task = asyncio.create_task(work, name=name)
    _first_attempts.add(task)
    task.add_done_callback(_first_attempts.discard)


async def settled() -> None:
    """Wait for the first attempts at the start-up menus (tests; a stop drops the retries)."""
    while _first_attempts:
        await asyncio.gather(*_first_attempts)


async def _staff_menus(app: App) -> None:
    """Read who holds a role, then set each one's menu; never raises."""
    i18n: I18n = app.bot_data[I18N]
    try:
        members = await app.bot_data[SERVICES].staff.everyone()
    except Exception as error:  # the database failing: they get theirs on /start
        log.warning("could not read the staff for their command menus: %s", error)
        return
    menus = [
        Menu(
            None,
            command_menu(
                i18n.texts(m.user.language, m.user.time_zone),
                m.roles,
                managers_edit=app.bot_data[CONFIG].catalog.managers_edit,
            ),
            m.user.telegram_id,
        )
        for m in members
    ]
    if menus:
        await _attempt(app, menus, 0)


async def _retry(context: BotContext) -> None:
    """A job: the next attempt at the menus still unset."""
    assert context.job is not None
    menus, attempt = cast(tuple[list[Menu], int], context.job.data)
    await _attempt(cast(App, context.application), menus, attempt)


async def _attempt(app: App, menus: list[Menu], attempt: int) -> None:
    """Set each menu still unset; schedule another attempt for those that failed. Never
    raises: a menu is a convenience, the bot serves without it."""
    failed: list[Menu] = []
    pause = PAUSES[attempt] if attempt < len(PAUSES) else None
    for index, menu in enumerate(menus):
        scope = BotCommandScopeChat(menu.chat_id) if menu.chat_id is not None else None
        try:
            await app.bot.set_my_commands(menu.commands, scope=scope, language_code=menu.language)
        except BadRequest as error:  # this menu refused; the others may still go through
            log.warning("Telegram refused the %s command menu: %s", menu.label(), error)
            failed.append(menu)
        except Exception as error:  # Telegram unreachable: the rest waits for the next try
            log.warning("could not set the command menus: %s", error)
            if isinstance(error, RetryAfter) and pause is not None:
                wait = error.retry_after
                seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
                pause = max(pause, seconds)
            failed += menus[index:]
            break
    if not failed:
        if attempt:
            log.info("command menus set (attempt %d)", attempt + 1)
        return
    names = ", ".join(menu.label() for menu in failed)
    if pause is None or app.job_queue is None:
        log.error("gave up setting the command menus (%s) until the next start", names)
        return
    log.warning("command menus (%s) tried again in %g s", names, pause)
    app.job_queue.run_once(
        _retry,
        pause,
        data=(failed, attempt + 1),
        name="command menus",
        job_kwargs={"misfire_grace_time": None},  # late is better than never
    )
