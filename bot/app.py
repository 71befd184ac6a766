"""The composition root: configuration → database → services → Application."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, Defaults, TypeHandler
from telegram.request import BaseRequest

from bot.clock import Clock, SystemClock
from bot.config import Config
from bot.conversations import (
    adjust,
    batch,
    cancel_for,
    cancel_order,
    change_order,
    checkout,
    credit,
    custom_accept,
    custom_order,
    custom_quote,
    customer_prices,
    export,
    feedback,
    order_for,
    payment,
    product_editor,
    profile,
    quantity,
    quick_order,
    refund,
    registration,
    reject,
    rep_limit,
    report,
    search,
    ship,
    short,
    statement,
    stock_move,
)
from bot.db import Database
from bot.handlers import (
    approvals,
    business,
    cart,
    catalog,
    common,
    custom_orders,
    customers,
    delivery,
    exports,
    finance,
    online_payments,
    orders,
    reminders,
    reports,
    requests,
    shortages,
    staff,
    statements,
    stock,
    throttle,
)
from bot.handlers.context import CONFIG, I18N, OFFLOAD, SERVICES, App, BotContext, identify
from bot.handlers.menus import set_in_background, set_staff_menus_in_background, start_up_menus
from bot.handlers.outbox import OUTBOX, Sender
from bot.i18n import I18n
from bot.logs import protect_logs
from bot.runtime.offload import Offload
from bot.runtime.persistence import SQLitePersistence
from bot.runtime.transport import AiohttpRequest, RetryingRequest
from bot.runtime.updates import ChatOrder, KeepBeforeConfirming, OnceApplication
from bot.services import Services

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3
# Telegram allows about 30 messages a second overall and 20 a minute in one group. A leaky
# bucket lets its whole capacity through at once on top of its rate, so a capacity of one at
# 29.5 a second never makes more than 30 in any second: 30 gaps span 1.017 s, room for a
# message to arrive 17 ms early (and one per 60/19 s in a group, never more than 20 in any
# minute). Each wait ends about a millisecond late (the event loop's timer), so 29.5 a second
# gives about 28.7 (benchmarks/fanout.py: 10,000 reminders); 29 gave 28.4, under 95% of 30.
OVERALL_PER_SECOND = 29.5
GROUP_PER_MINUTE = 19
ALLOWED_UPDATES = [
    Update.MESSAGE,
    Update.CALLBACK_QUERY,
    Update.MY_CHAT_MEMBER,
    Update.PRE_CHECKOUT_QUERY,
    Update.BUSINESS_CONNECTION,  # Telegram Business (bot/handlers/business.py)
    Update.BUSINESS_MESSAGE,
]


def register_handlers(app: App) -> None:
    """Every handler, in the order they are tried."""
    app.add_handler(TypeHandler(Update, identify), group=-1)
    app.add_handlers(online_payments.handlers())  # a payment in chat never waits on a flow
    app.add_handlers(business.handlers())  # a seller's customer is never answered elsewhere
    for conversation in (
        registration,
        checkout,
        quantity,
        cancel_order,
        cancel_for,
        reject,
        ship,
        payment,
        refund,
        credit,
        rep_limit,
        customer_prices,
        adjust,
        order_for,
        short,
        change_order,
        report,
        feedback,
        quick_order,
        batch,
        export,
        statement,
        stock_move,
        product_editor,
        custom_order,
        custom_accept,
        custom_quote,
        search,
        profile,
    ):
        app.add_handler(conversation.build())
    app.add_handlers(common.handlers())
    app.add_handlers(catalog.handlers())
    app.add_handlers(cart.handlers())
    app.add_handlers(orders.handlers())
    app.add_handlers(staff.handlers())
    app.add_handlers(approvals.handlers())
    app.add_handlers(delivery.handlers())
    app.add_handlers(finance.handlers())
    app.add_handlers(requests.handlers())
    app.add_handlers(customers.handlers())
    app.add_handlers(shortages.handlers())
    app.add_handlers(reminders.handlers())
    app.add_handlers(exports.handlers())
    app.add_handlers(reports.handlers())
    app.add_handlers(statements.handlers())
    app.add_handlers(custom_orders.handlers())
    app.add_handlers(stock.handlers())
    app.add_handler(checkout.stray_buttons())
    app.add_handler(search.free_text_handler())
    app.add_handler(quick_order.media_handler())
    app.add_handlers(common.fallbacks())
    app.add_error_handler(common.on_error)


def rate_limiter() -> AIORateLimiter:
    """PTB's rate limiter, kept under Telegram's limits in every window; a 429 is waited out."""
    return AIORateLimiter(
        overall_max_rate=1,
        overall_time_period=1 / OVERALL_PER_SECOND,
        group_max_rate=1,
        group_time_period=60 / GROUP_PER_MINUTE,
        max_retries=RATE_LIMIT_RETRIES,
    )


QUICK_CHECK = "quick_check"  # bot_data: the check of a database opened unchecked


async def _check_later(app: App, db: Database) -> None:
    """Check a database opened unchecked (too big to check before serving): a damaged one
    stops the bot, saying what is wrong and what to do (`orderdesk check`, `restore`)."""
    damage = await db.check()
    if damage is not None:
        log.critical("%s; OrderDesk stops", damage)
        app.stop_running()


def build_application(
    config: Config,
    *,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    get_updates_request: BaseRequest | None = None,
    offload: Offload | None = None,
) -> App:
    """Build the Application; the database opens and services start in post_init. Heavy
    work runs in `offload`'s worker processes (tests share one pool), else in a pool of the
    configured size that lives as long as the application."""
    protect_logs(config.telegram.token.get_secret_value())  # before PTB logs its URL
    protect_logs(config.payments.provider_token.get_secret_value())
    db = Database(config.database.path)
    clock = clock or SystemClock()
    own_offload = offload is None
    workers = offload or Offload(config.performance.workers)
    polling = KeepBeforeConfirming(get_updates_request or request or AiohttpRequest(connections=1))
    persistence = SQLitePersistence(db, config.persistence.flush_interval)
    polling.keep = persistence.keep
    order = ChatOrder()

    async def post_init(app: App) -> None:
        await db.open()
        i18n = I18n(
            config.business.currency,
            config.business.zone,
            carrier_names=config.shipping.carrier_names,
        )
        app.bot_data[CONFIG] = config
        app.bot_data[I18N] = i18n
        app.bot_data[OFFLOAD] = workers
        app.bot_data[SERVICES] = services = Services.build(
            db, config, clock, workers, order.foreground
        )
        services.quick_order.warm_up()  # the first quick order finds its index built
        app.bot_data[OUTBOX] = sender = Sender(app, order.foreground)
        sender.start()
        set_in_background(app, start_up_menus(i18n, config.business.default_language))
        set_staff_menus_in_background(app)
        if config.reminders.enabled and app.job_queue is not None:
            reminders.schedule(app.job_queue, config)
        if config.statements.monthly and app.job_queue is not None:
            statements.schedule(app.job_queue, config)
        if isinstance(app, OnceApplication):
            await app.take_back_kept()  # before polling starts: first in the queue
        if db.unchecked:  # too big to check before serving: checked now, below the answers
            app.bot_data[QUICK_CHECK] = asyncio.create_task(_check_later(app, db))

    async def post_stop(app: App) -> None:
        await app.bot_data[OUTBOX].stop()  # while the bot can still send

    async def post_shutdown(app: App) -> None:
        if QUICK_CHECK in app.bot_data:
            app.bot_data.pop(QUICK_CHECK).cancel()
        if OUTBOX in app.bot_data:
            await app.bot_data[OUTBOX].stop()
        if own_offload:
            await asyncio.to_thread(workers.close)  # waits for work still running
        if SERVICES in app.bot_data:
            await app.bot_data[SERVICES].quick_order.close()  # the matcher's process
        await db.close()

    builder: Any = (
        ApplicationBuilder()
        .application_class(OnceApplication)
        .token(config.telegram.token.get_secret_value())
        .base_url(config.telegram.base_url)
        .base_file_url(config.telegram.base_file_url)
        .context_types(ContextTypes(context=BotContext))
        .persistence(persistence)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .get_updates_request(polling)
        .concurrent_updates(order)
    )
    if config.telegram.rate_limit:
        builder = builder.rate_limiter(rate_limiter())
    builder = builder.request(RetryingRequest(request or AiohttpRequest()))
    app: App = builder.build()
    register_handlers(app)
    app.add_handler(throttle.handler(config, clock), group=throttle.GROUP)
    return app
